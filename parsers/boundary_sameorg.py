"""One organisation on both ends: where its MX took in a message its own outbound server sent (pure).

A Posteo user's mail to another Posteo user, or a bounce Posteo's outbound server sends back to
its own user, leaves ``mout01.posteo.de`` and comes back in through ``mx04.posteo.de`` over the
Internet (deltachat's posteo_ndn and dsn_relayed test messages):

    Received: from mout01.posteo.de (mout01.posteo.de [185.67.36.65]) by mx04.posteo.de (Postfix)
    Received: by mout01.posteo.de (Postfix) id DCB6B1200DD

The client's reverse DNS, confirmed by the receiver, is inside the organisation, so the walk
would take the line as internal and go on to the submission below it (the user's own address,
or no client at all). The entry is where the receiving MX accepted the message from the
outbound server: the line below was written by that server itself as a submission (the oldest
line, naming no client: a message it generated; an authenticated or local submission, webmail),
so nothing below it was received over SMTP from another server. A line naming no client above
older ones (a list server's expansion, "by vger.kernel.org via listexpand") passes on what it
received: the walk goes on. Also: the organisation's own lines may name hosts under several registrable
domains (posteo.de, posteo.name, posteo.local): each one its own receiving lines name counts.
"""

from __future__ import annotations

import re

from headerlens.model.received import Hop

__all__ = ["RDNS_INSIDE", "outbound_entry"]

# The start of boundary_client.client_inside's reason for a client its receiver confirmed inside.
RDNS_INSIDE = "the receiver confirmed the client's reverse DNS"
# Submission protocols (RFC 3848: ESMTPA / ESMTPSA / LMTPA…; "LOCAL"; HTTP(S)/HTTPREST webmail).
_SUBMISSION = re.compile(r"^(?:E?SMTPS?A|ESMTPSA|LOCAL|HTTP)", re.IGNORECASE)
_FROM_USERID = re.compile(r"\bfrom userid\s+\d+", re.IGNORECASE)


def _host(name: str | None) -> str:
    return (name or "").lower().rstrip(".")


def outbound_entry(hop: Hop, older: Hop | None) -> str | None:
    """Why ``hop`` is where the receiving side took in a message from its own organisation's
    outbound server (the line below is that server's own submission), or None."""
    if older is None:
        return None
    r, o = hop.received, older.received
    client = _host(r.from_rdns)
    if not client or _host(o.by) != client:
        return None
    named = o.from_ip is not None or o.from_rdns is not None or o.from_helo is not None
    how = None
    if older.number == 1 and (not named or _FROM_USERID.search(o.raw)):
        how = "generated it there"
    elif _SUBMISSION.match(o.with_protocol or ""):
        how = f"took it in as a submission (with {o.with_protocol})"
    if how is None:
        return None
    return (
        f"Hop {hop.number} is where {r.by or 'the receiver'} accepted the message from "
        f"{client} [{r.from_ip}], the organisation's own outbound server, which {how} (hop "
        f"{older.number}, written by {client} itself): one organisation on both ends, so the "
        "entry is where its MX took the message in over the Internet, not the submission below."
    )
