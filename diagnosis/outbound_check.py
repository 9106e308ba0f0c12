"""A returned copy's stamps written by the sending organisation as the message left it.

A bounce returns the original as it reached the reporter. When the reporter's own user sent
it, the copy carries the reporting organisation's outbound check: an Authentication-Results
field of its own gateway (an IronPort, a Postfix milter) under a Received line whose client is
one of its own servers, or Microsoft 365's outbound scan (DIR:OUT). That is the sending side
checking its own mail, not a verdict of the receiver that refused it: it never shows that
"authentication and the delivery path are in order" for the message refused.
"""

from __future__ import annotations

from headerlens.diagnosis.facts import Situation
from headerlens.diagnosis.inputs import org, same_org
from headerlens.model import Analysis
from headerlens.parsers.hops import is_internal_ip
from headerlens.parsers.provenance_microsoft import is_outbound_scan
from headerlens.stamped import final_receiver_results


def outbound_writer(analysis: Analysis) -> str | None:
    """In a returned copy, who wrote its top Authentication-Results as the message left the
    sending organisation (the authserv-id, or "Microsoft 365 (DIR:OUT)"); None otherwise."""
    if analysis.copy_kind != "returned":
        return None
    scans = [f for f in analysis.headers if f.lname.startswith("x-forefront-antispam-report")]
    if scans and all(is_outbound_scan(f) for f in scans) and analysis.auth_results:
        return "Microsoft 365, DIR:OUT"
    top = final_receiver_results(analysis)
    if not top:
        return None
    ident = (top[0].authserv_id or "").lower().rstrip(".")
    sender = org(analysis.from_addr.domain if analysis.from_addr else None)
    if not ident or sender is None or org(ident) != sender:
        return None
    placed = analysis.provenance.of(top[0].header_index)
    hop = next((h for h in analysis.chain.hops if placed and h.number == placed.hop_number), None)
    if hop is None:
        return None
    r = hop.received
    # the stamping hop's client is one of the organisation's own servers: mail leaving it
    client = r.from_rdns or r.from_helo
    inside = is_internal_ip(r.from_ip) or (client is not None and same_org(client, ident))
    return ident if inside else None


def outbound_scan(analysis: Analysis, scan: Situation | None) -> Situation | None:
    """The sender-side-scan situation with the outbound check named in it (``scan``: the one
    already found, if any)."""
    who = outbound_writer(analysis)
    if who is None:
        return scan
    ev = (
        f"Authentication-Results ({who}): the sending organisation's own outbound check, "
        "written as the message left it, not a verdict of the receiver that refused it"
    )
    old = scan.evidence if scan else ()
    return Situation("sender-side-scan", None, (ev, *old)[:8])
