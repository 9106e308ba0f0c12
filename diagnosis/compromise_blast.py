"""A mass mailing written as one person's message: many To recipients at unrelated organisations."""

from __future__ import annotations

from headerlens.diagnosis.inputs import ADDRESS, fields, org
from headerlens.model import Analysis, Hop
from headerlens.parsers.hops import is_internal_ip
from headerlens.parsers.received_syntax import normalize_ip

BLAST_RECIPIENTS = 10  # To addresses ...
BLAST_ORGS = 5  # ... at this many organisations other than the sender's


def blast_sign(analysis: Analysis, hop: Hop) -> tuple[str, bool] | None:
    """The To field names many recipients at many unrelated organisations: a person's account
    does not address strangers that way, a spam run sent through the account does (a newsletter
    or a list hides its recipients; a patch or a meeting thread puts the many in Cc). A sign,
    and a strong one when the account
    signed in from a public address without reverse DNS (a home or mobile line, not the
    organisation's own server), ``hop`` being its submission."""
    found = [m for f in fields(analysis, "to") for m in ADDRESS.finditer(f.value)]
    own = org(analysis.from_addr.domain) if analysis.from_addr else None
    orgs = {org(m.group(1)) or m.group(1).lower() for m in found} - {own}
    addrs = {m.group(0).lower() for m in found}
    if len(addrs) < BLAST_RECIPIENTS or len(orgs) < BLAST_ORGS:
        return None
    ip = normalize_ip(hop.received.from_ip)
    rdns = (hop.received.from_rdns or "").lower()
    # no name, "unknown", or a one-label word (the client's own name, no reverse DNS has one)
    bare = ip is not None and not is_internal_ip(ip) and (rdns == "unknown" or "." not in rdns)
    line = f"; the account signed in from {ip}, which has no reverse DNS" if bare else ""
    return (
        f"the To field names {len(addrs)} recipients at {len(orgs)} unrelated "
        f"organisations, one person's message to strangers{line}",
        bare,
    )
