"""A pass stamp under the receiver's line tied by the client's own signature below it (pure).

A self-hosted Postfix receiver's milter (OpenDKIM) writes its Authentication-Results directly
below the receiver's Received line, where the header the client sent begins (deltachat's
gmx-forward test message: hq5.merlinux.eu's ``dkim=pass header.d=gmx.net`` above GMX's
DKIM-Signature, mout.gmx.net the client). A pass there is in general untied: a sender can
plant one at the top of its own header. It is the receiver's when three things the sender of
another domain cannot arrange hold together:

- the receiver confirmed the client's reverse DNS (Postfix, Exim, Sendmail), so the bytes
  under the line were sent by a host of that organisation;
- the field right after the stamp is a DKIM-Signature of that same organisation (signers
  prepend theirs, RFC 6376 §5.6: anything its users submitted sits below it);
- every pass the stamp claims is for that organisation's own domain;
- for a DMARC pass, the message's From is that organisation's too (a "dmarc=pass
  header.from=attacker.example" above the attacker's own signature says nothing of a From:
  ceo@victim.example, yet read as the receiver's DMARC pass of that spoof).

What is left is that organisation writing a false pass about its own mail above its own
signature; a sender of any other domain gains nothing from it, and a spoof of another domain
is never credited.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from headerlens.model.core import HeaderField
from headerlens.model.received import Hop
from headerlens.parsers.authresults import parse_auth_results
from headerlens.parsers.boundary_client import rdns_confirmed
from headerlens.parsers.stamp_evidence import is_pass

__all__ = ["CLIENT_SIGNED_WHY", "client_signed_tie"]

CLIENT_SIGNED_WHY = (
    "directly above the DKIM signature of the client's own organisation (whose reverse DNS "
    "the receiver confirmed), claiming passes only for that organisation: no sender of another "
    "domain could have put it there"
)
_D_TAG = re.compile(r"(?:^|;)\s*d\s*=\s*([^;\s]+)", re.IGNORECASE)
_IDENTITIES = ("header.d", "header.i", "smtp.mailfrom", "header.from", "smtp.helo")


def client_signed_tie(
    f: HeaderField,
    hop: Hop,
    next_field: HeaderField | None,
    domain_of: Callable[[str], str | None],
    authors: Sequence[str] = (),
) -> bool:
    """True when the pass stamp ``f`` (under ``hop``'s line, ``next_field`` right after its
    block) is tied to the receiver as the module docstring says."""
    r = hop.received
    if f.lname != "authentication-results" or not r.from_rdns or not rdns_confirmed(r):
        return False
    org = domain_of(r.from_rdns.lower().rstrip("."))
    if org is None or next_field is None or next_field.lname != "dkim-signature":
        return False
    d = _D_TAG.search(next_field.value)
    if d is None or domain_of(d.group(1).lower().rstrip(".")) != org:
        return False
    passes = [x for x in parse_auth_results(f).results if is_pass(x.result)]
    # ``authors``: the domains of the message's From addresses, which a DMARC pass is about
    if any(x.method.lower() == "dmarc" for x in passes) and (
        not authors or any(domain_of(a.lower().rstrip(".")) != org for a in authors)
    ):
        return False
    return bool(passes) and all(_only(x.prop, org, domain_of) for x in passes)


def _only(
    prop: Callable[[str], str | None], org: str, domain_of: Callable[[str], str | None]
) -> bool:
    names: Sequence[str] = [
        v.rpartition("@")[2].lower().rstrip(".") for k in _IDENTITIES if (v := prop(k))
    ]
    return bool(names) and all(domain_of(n) == org for n in names)
