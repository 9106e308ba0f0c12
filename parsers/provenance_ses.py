"""Amazon SES inbound: the verdict block it writes directly below its own Received line (pure).

Amazon SES receiving (``by inbound-smtp.<region>.amazonaws.com``) stores a message with its
own fields *below* its Received line, always in one order: X-SES-Spam-Verdict and
X-SES-Virus-Verdict (when the receipt rule scans), Received-SPF, Authentication-Results under
the authserv-id ``amazonses.com``, X-SES-RECEIPT and X-SES-DKIM-SIGNATURE; the header the
message arrived with follows. Seen in every stored SES-received message read for this rule
(2017-2025, Gmail, Proofpoint and SES senders, with and without scanning: SNS notification
samples such as asskii/ses-catchall sample-sesMsg.json, and raw copies in public test fixtures);
Received-SPF and Authentication-Results are there even when scanning is off. Every block read
ends with X-SES-RECEIPT and X-SES-DKIM-SIGNATURE (d=amazonses.com, h= ending in X-SES-RECEIPT,
t= the second of SES's own stamp, 0-1 s apart in every sample), even one that has no stamps (a
2020 Action Mailbox fixture). (The AWS guide's 2015 notification example lists no such field:
a copy without the block credits nothing.)

Position decides, as for any receiver: only the unbroken run of those fields right under the
boundary line, in SES's order and each kind once, is SES's. The sender's own header starts right
after it, so a field a sender planted (``Authentication-Results: amazonses.com; spf=pass``) sits
after SES's own one, out of order or repeated, and is never credited; when the final receiver is
not SES the rule does not apply at all. A run that is not closed by the receipt and a signature
of SES's shape is not SES's either: where SES wrote no block (an old copy), the sender's own
first fields sit in its place, and only this close, which a sender must also fake, tells them
apart offline (a DNS check of the signature is not made).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from headerlens.model.core import HeaderField
from headerlens.model.provenance import Author, FieldAuthor
from headerlens.model.received import Hop
from headerlens.parsers.digits import ascii_int
from headerlens.parsers.stamp_evidence import stamp_identity, stated_client_ip
from headerlens.parsers.taglist import parse_tag_list

__all__ = ["SES_AUTHSERV", "ses_block", "ses_claim", "ses_inbound"]

SES_AUTHSERV = "amazonses.com"
_INBOUND = r"^inbound-smtp\.[a-z0-9-]+\.amazonaws\.com\.?$"
# The order SES writes its fields in; a kind earlier in the list never follows a later one.
_ORDER = (
    "x-ses-spam-verdict",
    "x-ses-virus-verdict",
    "received-spf",
    "authentication-results",
    "x-ses-receipt",
    "x-ses-dkim-signature",
)
_RANK = {name: i for i, name in enumerate(_ORDER)}
_SIGNED_AT_RECEIPT = 600  # seconds between SES's stamp and its signature's t= (samples: 0-1)


def ses_inbound(hop: Hop | None) -> bool:
    """The hop's receiver is Amazon SES's inbound SMTP endpoint."""
    by = (hop.received.by or "") if hop is not None else ""
    return re.match(_INBOUND, by, re.IGNORECASE) is not None


def _stamp_is_ses(f: HeaderField, hop: Hop) -> bool:
    """A Received-SPF / Authentication-Results of the block: it names SES (AR) and checked no
    client other than the one SES accepted the message from."""
    ip = stated_client_ip(f)
    if ip is not None and ip != hop.received.from_ip:
        return False
    if f.lname == "authentication-results":
        return stamp_identity(f) == SES_AUTHSERV
    return True


def _closes_block(f: HeaderField, stamped: datetime | None) -> bool:
    """SES's signature closing its block: d=amazonses.com, signing the X-SES-RECEIPT above it,
    made when SES stamped its Received line."""
    tags = parse_tag_list(f.value)
    signed = [h.strip().lower() for h in (tags.get("h") or "").split(":")]
    t = tags.get("t")
    when = ascii_int(t.strip(), 12) if t is not None else None
    return (
        (tags.get("d") or "").strip().lower() == SES_AUTHSERV
        and "x-ses-receipt" in signed
        and stamped is not None
        and when is not None
        and abs(when - stamped.timestamp()) <= _SIGNED_AT_RECEIPT
    )


def ses_block(fields: Sequence[HeaderField], hop: Hop | None) -> dict[int, FieldAuthor]:
    """The fields SES wrote under the boundary hop's Received line, by header index; empty
    when the boundary receiver is not SES. The run stops at the first field that is not one of
    SES's kinds, comes out of SES's order, repeats a kind, or (a stamp) names another writer or
    client: everything from there on arrived with the message. A run not closed by
    X-SES-RECEIPT and SES's X-SES-DKIM-SIGNATURE is nobody's block: empty."""
    if hop is None or not ses_inbound(hop):
        return {}
    out: dict[int, FieldAuthor] = {}
    rank = -1
    for f in fields[hop.header_index + 1 :]:
        r = _RANK.get(f.lname)
        if r is None or r <= rank:
            break
        if f.lname in ("received-spf", "authentication-results") and not _stamp_is_ses(f, hop):
            break
        if f.lname == "x-ses-dkim-signature" and (
            rank != _RANK["x-ses-receipt"] or not _closes_block(f, hop.received.timestamp)
        ):
            break
        rank = r
        out[f.index] = FieldAuthor(
            f.index,
            f.name,
            Author.FINAL_RECEIVER,
            hop.number,
            "Amazon SES" if f.lname.startswith("x-ses-") else SES_AUTHSERV,
            "Amazon SES inbound writes its verdict fields directly below its own Received line "
            f"({hop.received.by}), in a fixed order, before the header the message arrived "
            "with: this one is in that unbroken run, so SES wrote it.",
        )
    return out if rank == _RANK["x-ses-dkim-signature"] else {}


def ses_claim(f: HeaderField, hop: Hop | None) -> FieldAuthor | None:
    """A field below SES's line, outside its block, that claims to be SES's (an X-SES-* field,
    or a stamp naming amazonses.com): it arrived with the message, a copy or a forgery. None for
    any other field, or when the boundary receiver is not SES."""
    if hop is None or f.index <= hop.header_index or not ses_inbound(hop):
        return None
    stamp = f.lname in _RANK and not f.lname.startswith("x-ses-")
    if not f.lname.startswith("x-ses-") and not (stamp and stamp_identity(f) == SES_AUTHSERV):
        return None
    return FieldAuthor(
        f.index,
        f.name,
        Author.UNKNOWN,
        None,
        SES_AUTHSERV,
        "Claims to be Amazon SES's, but SES writes its fields once, in one unbroken run "
        "directly below its own Received line, closed by X-SES-RECEIPT and its "
        "X-SES-DKIM-SIGNATURE; this one is not in such a run, so it arrived with the "
        "message (a copy, or forged).",
    )
