"""Apple iCloud Mail's inbound: its delivery gateway tier and the verdict block it writes (pure).

Public copies of iCloud mailboxes (a Zoho sender, a Cloudflare forward, an iCloud-to-iCloud
message; quoted in public repositories, 2023-2026) show one layout:

    Received: from ci74p00im-qukt09072702.me.com by p116-mailgateway-smtp-746c496c44-6mknn
        (mailgateway 2403B92) with SMTP id 4f24e911-87c4-4315-8f0b-f8245274ec19 for <…>; …
    X-Apple-MoveToFolder: INBOX
    X-Apple-Action: MOVE_TO_FOLDER/INBOX
    X-Apple-UUID: 4f24e911-87c4-4315-8f0b-f8245274ec19
    Received: from sender4-of-o50.zoho.com (… [136.143.188.50]) by ci74p00im-qukt09072702.me.com
        (Postfix) with ESMTPS id 11C766C0012C for <…>; …
    X-ICL-SCORE / X-ICL-INFO, then Authentication-Results by bimi.icloud.com, arc.icloud.com,
    dmarc.icloud.com, dkim-verifier.icloud.com, spf.icloud.com (with X-ARC-Info, X-DMARC-Info,
    X-DMARC-Policy among them) and Received-SPF (receiver=spf.icloud.com)

The delivery gateway (a host with no domain, "mailgateway" software) takes mail only from
iCloud's MX hosts (*.me.com, Postfix), where mail from the Internet enters. Its X-Apple-UUID
repeats the gateway's own SMTP id. iCloud's MX writes its verdicts in the block directly under
its Received line, each method once (all five in every copy), before anything the message
arrived with: with the gateway's line and its UUID tie above (iCloud's complete copy), the first
field of each kind in that block, down to the Received-SPF that closes it, is iCloud's; a second
one, or anything after that Received-SPF, came with the message. The filter fields at the end
are credited only beside that closed block: nothing in them is iCloud's own, and where iCloud
wrote nothing the sender's last fields of the same names sit there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from headerlens.model.core import HeaderField
from headerlens.model.received import Hop, Received
from headerlens.parsers.stamp_evidence import stamp_identity

__all__ = [
    "APPLE_ORGS",
    "APPLE_WHY",
    "apple_block",
    "is_apple_gateway",
    "sibling_orgs",
]

# The registrable domains Apple's mail service writes: MX hosts under me.com, authserv-ids and
# receiver= under icloud.com (the same copies); mac.com is the third address domain it serves.
APPLE_ORGS = frozenset({"icloud.com", "me.com", "mac.com"})
_GATEWAY_BY = re.compile(r"^p\d+-mailgateway-smtp-[a-z0-9-]+$", re.IGNORECASE)
_GATEWAY_SOFTWARE = re.compile(r"\(mailgateway\s+[\w.]+\)", re.IGNORECASE)
# The names of iCloud's block under its MX line; each is written once.
_BLOCK = frozenset(
    {
        "x-icl-score",
        "x-icl-info",
        "x-arc-info",
        "x-dmarc-info",
        "x-dmarc-policy",
        "authentication-results",
        "received-spf",
    }
)
_TAIL = frozenset({"x-clx-shades", "x-mantsh", "x-proofpoint-orig-guid", "x-proofpoint-guid"})
_AR_METHOD = re.compile(r"(?:^|;)\s*([a-z][a-z0-9-]*)\s*=", re.IGNORECASE)
APPLE_WHY = (
    "in the block iCloud's MX writes directly below its own Received line (the first of its "
    "kind there) or in the filter fields it appends at the end of the header (the last of their "
    "names), under iCloud's delivery gateway line whose X-Apple-UUID repeats the gateway's SMTP "
    "id: iCloud writes each of these once, around what the message arrived with"
)


def is_apple_gateway(r: Received) -> bool:
    """iCloud's delivery gateway line ("by p116-mailgateway-smtp-… (mailgateway 2403B92)")."""
    return bool(_GATEWAY_BY.match((r.by or "").strip())) and bool(_GATEWAY_SOFTWARE.search(r.raw))


def sibling_orgs(org: str | None) -> frozenset[str]:
    """The other registrable domains of the same mail service as ``org`` (Apple's three)."""
    return APPLE_ORGS - {org} if org in APPLE_ORGS else frozenset()


def _tied_gateway(fields: Sequence[HeaderField], gateway: Hop, mx: Hop) -> bool:
    """The gateway's X-Apple-UUID, between its line and the MX line, repeats its SMTP id."""
    sid = (gateway.received.id or "").strip().lower()
    between = fields[gateway.header_index + 1 : mx.header_index]
    return bool(sid) and any(
        f.lname == "x-apple-uuid" and f.value.strip().lower() == sid for f in between
    )


def _kinds(f: HeaderField) -> set[str]:
    if f.lname != "authentication-results":
        return {f.lname}
    _, _, rest = f.value.partition(";")
    return {"ar:" + m.lower() for m in _AR_METHOD.findall(rest)} or {"ar:?"}


def _tail(fields: Sequence[HeaderField]) -> set[int]:
    """iCloud's filter fields appended after the header the message arrived with (X-CLX-Shades,
    X-MANTSH, X-Proofpoint-ORIG-GUID, X-Proofpoint-GUID, the last four fields of every copy):
    the unbroken run of those names at the very end, each name once walking up from the last (a
    repeated name is the sender's own field, and ends the run)."""
    out: set[int] = set()
    names: set[str] = set()
    for f in reversed(fields):
        if f.lname not in _TAIL or f.lname in names:
            break
        names.add(f.lname)
        out.add(f.index)
    return out


def apple_block(
    fields: Sequence[HeaderField],
    hops: Sequence[Hop],
    boundary: Hop | None,
    domain_of: Callable[[str], str | None],
) -> set[int]:
    """Indexes of the fields iCloud wrote in its block under its MX line and at the end of the
    header (see the module text):
    the boundary line is an Apple MX host's, the line above it iCloud's tied gateway; the block
    is the unbroken run of its names, and only the first field of each kind (of each method, for
    Authentication-Results, whatever authserv-id it names) counts."""
    if boundary is None or domain_of((boundary.received.by or "x").rstrip(".")) not in APPLE_ORGS:
        return set()
    gateway = next((h for h in hops if h.number == boundary.number + 1), None)
    if gateway is None or not is_apple_gateway(gateway.received):
        return set()
    if not _tied_gateway(fields, gateway, boundary):
        return set()
    seen: set[str] = set()
    block: set[int] = set()
    for f in fields[boundary.header_index + 1 :]:
        if f.lname not in _BLOCK:
            break
        kinds = _kinds(f)
        ident = stamp_identity(f) if f.lname in ("authentication-results", "received-spf") else None
        if not (kinds & seen) and (ident is None or domain_of(ident) in APPLE_ORGS):
            block.add(f.index)
        seen |= kinds
        if f.lname == "received-spf":
            # iCloud closes its block with its Received-SPF: what follows came with the message
            return _tail(fields) | block
    # no closing Received-SPF: the block is not told from the sender's, and neither is the tail
    # (where iCloud wrote nothing, the sender's own last four fields sit there)
    return set()
