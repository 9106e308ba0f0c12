"""DMARC for a From that names several author domains: it passes only if every one passes."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace

from headerlens.dnsclient.dnsproto import Resolver
from headerlens.evaluators.dmarc import evaluate_dmarc
from headerlens.model.verdicts import DmarcResult, DmarcVerdict

# Which verdict speaks for the message: a failure before an error, an error before "none",
# "pass" only when nothing else is left (the strictest failing policy first among failures).
_RANK = {
    DmarcResult.FAIL: 0,
    DmarcResult.TEMPERROR: 1,
    DmarcResult.PERMERROR: 2,
    DmarcResult.UNKNOWN: 3,
    DmarcResult.NONE: 4,
    DmarcResult.PASS: 5,
}
_POLICY_RANK = {"reject": 0, "quarantine": 1}


def _rank(v: DmarcVerdict) -> tuple[int, int]:
    return _RANK[v.result], _POLICY_RANK.get(v.policy or "", 2)


async def evaluate_authors(
    domains: Sequence[str],
    spf: tuple[str, str | None] | None,
    dkim: Sequence[tuple[str, bool]],
    resolver: Resolver,
    *,
    headers_only: Sequence[str] = (),
    spf_unconfirmed: bool = False,
) -> DmarcVerdict:
    """DMARC for each author domain (RFC 7489 §6.6.1: "apply the DMARC check using each of
    those domains ... and apply the most strict policy selected among the checks that fail").

    Several From fields, or one listing addresses in several domains, let a mail client show
    one domain while a receiver checks another: the verdict shown is the one that decides
    (the strictest failure, else an error, else "none"), "pass" only when every domain passes.
    """
    verdicts = await asyncio.gather(
        *(
            evaluate_dmarc(
                d, spf, dkim, resolver, headers_only=headers_only, spf_unconfirmed=spf_unconfirmed
            )
            for d in domains
        )
    )
    chosen = min(verdicts, key=_rank)  # min() keeps the first of equals: From order
    each = "; ".join(f"{v.from_domain}: {v.result_words}" for v in verdicts)
    note = (
        f"The From field(s) name {len(domains)} author domains and a mail client may show any "
        f"of them, so DMARC must hold for each ({each}); the verdict is {chosen.from_domain}'s. "
    )
    return replace(chosen, explanation=note + chosen.explanation)
