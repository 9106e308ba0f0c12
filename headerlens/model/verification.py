"""The live re-verification of one message: SPF, DKIM, DMARC, ARC, DNS evidence and findings."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from headerlens.model.dcmethods import ModelMethods
from headerlens.model.dns import DnsRecord
from headerlens.model.findings import Finding
from headerlens.model.mailrouting import DnsblCheck
from headerlens.model.ndr import NdrLink
from headerlens.model.spf import SpfResult
from headerlens.model.verdicts import ArcVerdict, DkimVerdict, DmarcVerdict


class VerifyMode(enum.Enum):
    """Where the DNS answers come from."""

    LIVE = "live DNS"
    OFFLINE = "offline (no DNS queries)"
    SNAPSHOT = "DNS snapshot replay"


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Verification(ModelMethods):
    """A snapshot of the verification; a new one replaces it as evidence arrives.

    ``pending`` names the checks still running ("spf", "dkim", "dmarc", "arc"); ``done`` is
    True on the final snapshot. ``spf_note`` says why SPF was not replayed when ``spf`` is None.
    """

    mode: VerifyMode
    resolver: str
    done: bool = False
    pending: tuple[str, ...] = ()
    spf: SpfResult | None = None
    spf_note: str | None = None
    dkim: tuple[DkimVerdict, ...] = ()
    dmarc: DmarcVerdict | None = None
    arc: ArcVerdict | None = None
    dns_log: tuple[DnsRecord, ...] = ()
    findings: tuple[Finding, ...] = ()
    checked_at: datetime | None = None
    elapsed_ms: float = 0.0
    errors: tuple[str, ...] = ()  # internal errors of a check, shown instead of a crash
    prefetched: tuple[str, ...] = ()  # names asked ahead of the checks that were to need them
    original: Verification | None = None  # a bounce's returned message, re-verified on its own
    ndr_links: tuple[NdrLink, ...] = ()
    # Amazon SES's X-SES-DKIM-SIGNATURE, re-verified: whether SES wrote the stamps under its line
    receiver_seal: DkimVerdict | None = None
    dnsbl: DnsblCheck | None = (
        None  # --dnsbl: the trust-boundary IP on DNS blocklists  # each refusal tied to the check of the original
    )

    @property
    def unused_prefetches(self) -> frozenset[str]:
        """Names asked ahead that no check went on to ask for (lower case).

        A check asking a prefetched name is answered from the cache or the query in flight,
        which the log records with ``from_cache``; a prefetched name without such an entry was
        a guess that did not pay off (e.g. an SPF include the sender's record does not name).
        """
        used = {r.name.lower().rstrip(".") for r in self.dns_log if r.from_cache}
        return frozenset(
            n.lower().rstrip(".") for n in self.prefetched if n.lower().rstrip(".") not in used
        )
