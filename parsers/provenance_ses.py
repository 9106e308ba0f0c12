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
apart offline. Even a whole block with that close can be the sender's (he can copy the close
too), so its stamps are nobody's until the X-SES-DKIM-SIGNATURE is checked against
amazonses.com's key over DNS (evaluators/ses_seal.py): offline they are "not verified", online a
seal that does not verify leaves them the sender's.

A seal that verifies still does not make them SES's: its h= (every copy read:
From:To:Cc:Bcc:Subject:Date:Message-ID:MIME-Version:Content-Type:X-SES-RECEIPT) covers the
original header fields, the body and the X-SES-RECEIPT, an opaque encrypted blob, but neither
Received-SPF, Authentication-Results, the X-SES-*-Verdict fields nor SES's Received line (its
client IP, its SMTP id, its recipient). Nothing signed ties the seal to this delivery: a sender
who runs his own SES inbound gets a genuine seal over his own copy of the message (To: naming
the victim) and can edit its stamps to pass without breaking it. So a verified seal shows only
that SES once received a message with this header and body; the stamps stay unknown (the
re-verification over DNS decides), and the words say why (SEAL_UNCOVERED).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from headerlens.model.analysis import Analysis
from headerlens.model.core import HeaderField
from headerlens.model.provenance import Author, FieldAuthor, Provenance
from headerlens.model.received import Hop
from headerlens.parsers.digits import ascii_int
from headerlens.parsers.stamp_evidence import stamp_identity, stated_client_ip
from headerlens.parsers.taglist import parse_tag_list

if TYPE_CHECKING:  # the verdict types load with the checks, not with the first frame
    from headerlens.model.verdicts import DkimVerdict

__all__ = [
    "SEAL_UNCOVERED",
    "SES_AUTHSERV",
    "SES_UNSEALED_WORDS",
    "seal_field",
    "seal_words",
    "sealed",
    "ses_block",
    "ses_claim",
    "ses_inbound",
    "unsealed",
    "with_seal",
]

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
_STAMPS = ("received-spf", "authentication-results")
_UNSEALED = (
    "Sits where Amazon SES inbound writes its verdicts (directly below its own Received line, "
    "in its order, closed by X-SES-RECEIPT and an X-SES-DKIM-SIGNATURE), but a sender can "
    "write that whole block too: only the X-SES-DKIM-SIGNATURE verified against "
    "amazonses.com's key over DNS shows SES wrote it (not verified offline)."
)


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
        stamp = f.lname in _STAMPS
        out[f.index] = FieldAuthor(
            f.index,
            f.name,
            Author.UNKNOWN if stamp else Author.FINAL_RECEIVER,
            hop.number,
            SES_AUTHSERV if stamp else "Amazon SES",
            _UNSEALED
            if stamp
            else "Amazon SES inbound writes its verdict fields directly below its own Received "
            f"line ({hop.received.by}), in a fixed order, before the header the message "
            "arrived with: this one is in that unbroken run.",
        )
    return out if rank == _RANK["x-ses-dkim-signature"] else {}


def _unsealed(provenance: Provenance) -> list[FieldAuthor]:
    """The stamps of an SES block whose seal is not verified (in header order)."""
    return [f for f in provenance.fields if f.evidence == _UNSEALED]


def seal_field(fields: Sequence[HeaderField], provenance: Provenance) -> int | None:
    """The header index of the X-SES-DKIM-SIGNATURE closing an SES block whose stamps wait for
    it to be verified; None when there is no such block (or it has no stamps)."""
    stamps = _unsealed(provenance)
    if not stamps:
        return None
    return next(
        (
            f.index
            for f in fields[stamps[-1].header_index + 1 :]
            if f.lname == "x-ses-dkim-signature"
        ),
        None,
    )


def sealed(provenance: Provenance, why: str) -> Provenance:
    """``provenance`` once SES's X-SES-DKIM-SIGNATURE was checked over DNS: the block's stamps
    stay nobody's (the seal does not cover them, see the module text), with ``why`` as the
    evidence."""
    stamps = {f.header_index for f in _unsealed(provenance)}
    if not stamps:
        return provenance
    fields = tuple(
        FieldAuthor(f.header_index, f.header_name, Author.UNKNOWN, f.hop_number, f.writer, why)
        if f.header_index in stamps
        else f
        for f in provenance.fields
    )
    return Provenance(provenance.receiver_org, fields)


SES_UNSEALED_WORDS = (
    "not verified offline: Amazon SES's verdict block under its line counts only once its "
    "X-SES-DKIM-SIGNATURE verifies with amazonses.com's key (re-run with DNS)"
)


def unsealed(provenance: Provenance) -> bool:
    """True when an SES block's stamps wait for its seal to be verified over DNS."""
    return bool(_unsealed(provenance))


SES_UNCOVERED_WORDS = (
    "not counted: Amazon SES's X-SES-DKIM-SIGNATURE verifies, but it covers neither the stamps "
    "under its line nor that line, so nothing shows SES wrote them (the re-check over DNS "
    "decides)"
)


def seal_words(provenance: Provenance) -> str | None:
    """What stands for the final receiver's verdicts when they are Amazon SES's block, set
    aside for its seal: not verified offline, or not covered by a seal that verifies; None
    otherwise."""
    if unsealed(provenance):
        return SES_UNSEALED_WORDS
    if any(f.evidence.startswith(SEAL_UNCOVERED) for f in provenance.fields):
        return SES_UNCOVERED_WORDS
    return None


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


def _verified(seal: DkimVerdict) -> bool:
    """The seal's b= verifies with a key of amazonses.com (the body may since have changed:
    the signed X-SES-RECEIPT and header fields are what show that SES wrote the block)."""
    return seal.crypto_valid is True and (seal.domain or "").lower() == SES_AUTHSERV


SEAL_UNCOVERED = (
    "Sits in Amazon SES's block below its Received line, whose X-SES-DKIM-SIGNATURE verifies "
    "with amazonses.com's key, but that seal covers only the original header fields, the body "
    "and the X-SES-RECEIPT, not SES's stamps or its Received line: a sealed block of the "
    "sender's own SES delivery with its stamps edited verifies the same, so whose these "
    "verdicts are is unknown (the re-check over DNS decides)"
)


def with_seal(analysis: Analysis, seal: DkimVerdict | None) -> Analysis:
    """``analysis`` with an SES block's stamps explained once ``seal`` (its X-SES-DKIM-SIGNATURE
    re-verified, evaluators/ses_seal.py) was checked: unknown when it verifies (it does not
    cover them), arrived with the message when it does not; unchanged without a seal check."""
    if seal is None or seal_field(analysis.headers, analysis.provenance) is None:
        return analysis
    from headerlens.model.verdicts import DkimResult  # loaded once a check ran (first frame)

    if _verified(seal):
        why = f"{SEAL_UNCOVERED} (verified with {seal.key_name})."
    elif seal.result in (DkimResult.TEMPERROR, DkimResult.UNAVAILABLE):
        why = (
            "Sits where Amazon SES writes its verdicts, but the block's X-SES-DKIM-SIGNATURE "
            f"could not be checked ({seal.result.value}: {seal.explanation}), so nothing shows "
            "SES wrote it rather than the sender."
        )
    else:
        why = (
            "Sits where Amazon SES writes its verdicts, but the block's X-SES-DKIM-SIGNATURE "
            f"does not verify with amazonses.com's key ({seal.result.value}: "
            f"{seal.explanation}): SES did not write this block, it arrived with the message "
            "(forged)."
        )
    return replace(analysis, provenance=sealed(analysis.provenance, why))
