"""Gmail's provenance rule: what backs a pass stamp written under Gmail's own Received line."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from headerlens.model.core import HeaderField
from headerlens.model.received import Hop
from headerlens.parsers.authresults import parse_auth_results
from headerlens.parsers.stamp_evidence import is_pass

__all__ = ["gmail_pass_doubt", "passed_methods"]

# Gmail has sealed every message it receives with an ARC set above its Received line since
# May 2017 (its first ARC key is arc-20160816). Public copies: a Gmail delivery of 1 May 2017
# (sisimai set-of-emails email-gsuite-06, a Gmail DSN) has none; the earliest sealed delivery
# found is of 7 May 2017 (t=1494195570), and every Gmail delivery after it has one. Before that
# its block under the line was all it wrote.
_ARC_SINCE = datetime(2017, 5, 7, tzinfo=UTC)
_ARC_PASS = re.compile(r"\barc=pass\b", re.IGNORECASE)


def passed_methods(f: HeaderField) -> set[str]:
    """The methods a Received-SPF or (ARC-)Authentication-Results field says passed."""
    if f.lname == "received-spf":
        return {"spf"} if f.value.strip().lower().startswith("pass") else set()
    out = {r.method.lower() for r in parse_auth_results(f).results if is_pass(r.result)}
    # "dmarc=fail (... dis=NONE arc=pass)": the policy set aside because ARC passed
    if _ARC_PASS.search(f.value):
        out.add("arc")
    return out


def gmail_pass_doubt(
    f: HeaderField, hop: Hop, block: Sequence[HeaderField], arc_above: Iterable[HeaderField]
) -> str | None:
    """Why a pass under Gmail's Received line is not Gmail's, or None when Gmail's own writing
    backs it. Gmail writes its block there first and once (a second field of a kind came with
    the message), and since 2017 the ARC-Authentication-Results it writes above its line (where
    the sender cannot write) carries the same verdicts: a pass that set does not also give, or a
    pass with no set at all (a paste trimmed of Gmail's stamps), may be the sender's."""
    first = next(g for g in block if g.lname == f.lname)
    if first is not f:
        return (
            "A second " + f.name + " under Gmail's Received line: Gmail writes one, before "
            "anything that came with the message, so this one is not Gmail's (possibly forged)."
        )
    when = hop.received.timestamp
    if when is not None and when < _ARC_SINCE:
        return None
    backed: set[str] = set()
    for g in arc_above:
        backed |= passed_methods(g)
    missing = sorted(passed_methods(f) - backed)
    if not missing:
        return None
    return (
        f"Under Gmail's Received line, a {'/'.join(missing)} pass that Gmail's own ARC set above "
        "the line does not give (or there is none: a paste trimmed of Gmail's stamps): where the "
        "sender's header begins, a pass cannot be told from one the sender planted (possibly "
        "forged)."
    )
