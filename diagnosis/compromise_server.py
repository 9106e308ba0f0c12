"""Whose login an authenticated submission used, when the From domain's only tie to it is the
envelope sender (facts only).

An SMTP AUTH login is an account on the server that accepted it: the server's operator (a
hosting company, a business's own mail server) knows the account. The envelope sender and the
From address are whatever the client typed: a spammer with a stolen login at mail.shako.com.tw
sends as support@bank.example through it. Where nothing of the From domain vouched for the
server (no aligned pass at the final receiver, no SPF pass of its own) and the server is in
another organisation, the abused login is the server's organisation's, and the From domain is
only claimed (forged, unless its mail is hosted there). The server's name is the sender's own
text below the boundary: it counts only where the final receiver confirmed a reverse-DNS name in
that server's organisation for the client it met.
"""

from __future__ import annotations

from headerlens.diagnosis.auth_state import aligned_pass
from headerlens.diagnosis.inputs import (
    boundary_hop,
    confirmed_rdns,
    envelope,
    org,
    receiver_auth_indices,
    same_org,
)
from headerlens.model import Analysis, Hop


def _spf_pass(analysis: Analysis, dom: str) -> bool:
    """The final receiver's own Received-SPF passed for an envelope in the From domain."""
    own = receiver_auth_indices(analysis)
    env = envelope(analysis) or ""
    return any(
        r.header_index in own
        and (r.result or "").lower() == "pass"
        and same_org((r.envelope_from or env).rpartition("@")[2], dom)
        for r in analysis.received_spf
    )


def login_server(analysis: Analysis, hop: Hop) -> tuple[str, str] | None:
    """(the server's organisation, evidence) when the login used at submission hop ``hop`` is an
    account of that server's organisation rather than of the From domain (see the module)."""
    dom = analysis.from_addr.domain if analysis.from_addr else None
    server = (hop.received.by or "").lower().rstrip(".")
    bh = boundary_hop(analysis)
    if not dom or not server or bh is None or same_org(server, dom):
        return None
    if aligned_pass(analysis) is not None or _spf_pass(analysis, dom):
        return None
    # the reverse DNS the receiver confirmed for its client ties the sending side's line to that
    # server (a PTR nobody checked forward is its address owner's to set: an attacker's own)
    met = confirmed_rdns(bh) or ""
    if not met or not same_org(met, server):
        return None
    party = org(server) or server
    return party, (
        f"the login is an account of {server} ({party}), which the final receiver met as "
        f"{met}; only the envelope sender, the client's own choice, names {dom}, and nothing "
        f"of {dom} vouched for that server"
    )
