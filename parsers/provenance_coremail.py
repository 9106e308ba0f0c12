"""Coremail's appended block (NetEase 126/163, and the many organisations running Coremail) (pure).

A Coremail MTA ("by mx19 (Coremail) with SMTP id x8mowAAX4tcS6zReRf_REg--.49102S3") appends its
own fields after the header the message arrived with: X-CM-TRANSID repeating the SMTP id of its
Received line, then, as an inbound MX, its Authentication-Results (authserv-id: its own host
name) and X-Coremail-Antispam, X-CM-SenderInfo (a NetEase mailbox copy quoted in a public
repository, 2020; Coremail submission servers of many list posts write the same tail). The id
is the one the MTA gave the message on receipt, which the sender cannot know: the unbroken run
starting at an X-CM-TRANSID equal to a hop's id is that hop's writer's, whoever it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from headerlens.model.core import HeaderField
from headerlens.model.received import Hop
from headerlens.parsers.stamp_evidence import stamp_identity

__all__ = ["coremail_fields"]

_RUN = re.compile(r"^x-(?:cm-|coremail-)")
_WHY = (
    "Coremail appends its fields after the header the message arrived with, starting with "
    "X-CM-TRANSID, which repeats the SMTP id its Received line gave the message (unknown to the "
    "sender before receipt)"
)


def coremail_fields(
    fields: Sequence[HeaderField], hops: Sequence[Hop]
) -> dict[int, tuple[Hop, str]]:
    """Index of each field of a Coremail MTA's appended run, with the hop whose id it repeats."""
    ids = {
        (h.received.id or "").strip().lower(): h
        for h in hops
        if h.received.id and "(coremail)" in h.received.raw.lower()
    }
    out: dict[int, tuple[Hop, str]] = {}
    for f in fields:
        hop = ids.get(f.value.strip().lower()) if f.lname == "x-cm-transid" else None
        if hop is None:
            continue
        out[f.index] = (hop, _WHY)
        host = (hop.received.by or "").lower().rstrip(".")
        named: set[str] = set()
        for g in fields[f.index + 1 :]:
            own_ar = g.lname == "authentication-results" and stamp_identity(g) == host
            if g.lname in named or not (own_ar or (_RUN.match(g.lname) and g.lname != f.lname)):
                break
            named.add(g.lname)
            out[g.index] = (hop, _WHY)
    return out
