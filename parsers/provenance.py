"""Attribute every header field to its author: the receiving organisation, an intermediary, the
sending side, or unknown, from where the field sits and what the receiver wrote (pure).

A receiver prepends its fields above its own Received line (RFC 5321 §4.4, RFC 8601 §5), so a
field above the boundary hop's Received line was written inside the receiving organisation and one
below it arrived with the message. Three receiver habits are known and checked, never assumed:
Gmail and Postfix milters write their stamps directly below their own Received line (counted when
the stamp carries the receiver's identity; a pass there only when something the sender cannot
write backs it), Exchange Online appends its organisation headers at the
bottom and renames what another organisation wrote ("-Untrusted", "-Original"), and Rspamd milters
append at the bottom under the receiver's own queue id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from headerlens.model.core import HeaderField
from headerlens.model.provenance import Author, FieldAuthor, Provenance
from headerlens.model.received import Chain, Hop, Vendor
from headerlens.parsers.boundary import identity_in_org
from headerlens.parsers.from_mailbox import mailbox_domain
from headerlens.parsers.hops import registrable_domain
from headerlens.parsers.provenance_apple import APPLE_WHY
from headerlens.parsers.provenance_appliance import (
    MARKER_WHY,
    MILTER_WHY,
    milter_pass_unbacked,
    names_its_line,
    receiver_author,
    stamp_results,
)
from headerlens.parsers.provenance_clientsig import client_signed_tie
from headerlens.parsers.provenance_delivery import DELIVERY_SPAM_UNTIED, delivery_spam_author
from headerlens.parsers.provenance_dump import unplaced_stamps
from headerlens.parsers.provenance_google import gmail_pass_doubt
from headerlens.parsers.provenance_mailscanner import MAILSCANNER_UNTIED, mailscanner_author
from headerlens.parsers.provenance_microsoft import (
    MS_ORG,
    after_incoming,
    copy_author,
    in_incoming,
    is_copy,
    is_outbound_scan,
    ms_writer,
    outbound_author,
    receiver_appended,
)
from headerlens.parsers.provenance_proton import PROTON_UNTIED, proton_author
from headerlens.parsers.provenance_relay import arc_relay
from headerlens.parsers.provenance_scanner import own_line_stamp
from headerlens.parsers.provenance_ses import ses_claim
from headerlens.parsers.provenance_ui import UI_UNTIED, ui_author
from headerlens.parsers.provenance_yandex import YANDEX_SPAM_WHY, yandex_front_stamp, yandex_spam
from headerlens.parsers.provenance_zones import RSPAMD, RSPAMD_RUN, STAMP_FIELDS, Zones
from headerlens.parsers.stamp_evidence import (
    claims_pass,
    is_pass,
    stamp_identity,
    stated_client_ip,
)
from headerlens.parsers.verdict_claims import claims_clean

__all__ = ["UNTIED_PASS", "attribute_fields", "describe_author"]

# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches these runs should not pay for compiling them before the console's first frame.
_PROTON = r"^x-pm-"
# Verdict headers of filtering products: below every Received line, whose they are is unknown.
_VERDICT = re.compile(
    r"^x-(?:.*spam|vade-|virus|proofpoint-|mimecast-|ironport-|barracuda-|tm-|tmase-|pm-|sid-)"
)


def _received(z: Zones, f: HeaderField, hop: Hop) -> FieldAuthor:
    if z.is_trusted(hop):
        where = "the boundary hop's" if hop.number == z.boundary else "an internal hop's"
        return FieldAuthor(
            f.index,
            f.name,
            Author.FINAL_RECEIVER,
            hop.number,
            hop.received.by,
            f"{where.capitalize()} Received line, written by {hop.received.by or 'the receiver'} "
            "inside the receiving organisation.",
        )
    return z.outside(hop, f.name, f.index, "The Received line of a hop")


def _unknown(f: HeaderField, evidence: str, claim: str | None = None) -> FieldAuthor:
    return FieldAuthor(f.index, f.name, Author.UNKNOWN, None, claim, evidence)


def _sender(f: HeaderField, evidence: str) -> FieldAuthor:
    return FieldAuthor(f.index, f.name, Author.SENDER, None, None, evidence)


def _bottom(z: Zones, f: HeaderField, last: dict[str, int]) -> FieldAuthor:
    """A field below every Received line: the message's own header, or a receiver's appended
    field when something unguessable ties it to the receiver."""
    name = f.lname
    ms = receiver_appended(f, z.receiver_vendors, z.incoming, z.ms_tail) or after_incoming(
        f, z.receiver_vendors, z.incoming
    )
    if f.index in z.proton or f.index in z.ui:
        return proton_author(f) if f.index in z.proton else ui_author(f)
    if f.index in z.mailscanner:
        return mailscanner_author(f)
    if f.index in z.mailscanner_untied:
        return _unknown(f, MAILSCANNER_UNTIED, "MailScanner")
    if f.index in z.ui_untied or f.index in z.proton_untied:
        if f.index in z.ui_untied:
            return _unknown(f, UI_UNTIED, "GMX / WEB.DE (United Internet)")
        return _unknown(f, PROTON_UNTIED, "ProtonMail")
    proton = z.reserialised and re.match(_PROTON, name)
    if ms or proton:
        writer, how = (
            ms_writer(z.receiver_vendors, z.exchange_internal)
            if ms
            else ("ProtonMail", "ProtonMail writes its own X-Pm-* fields after the sender's header")
        )
        if last.get(name) != f.index:
            return _unknown(
                f,
                f"An earlier {f.name} field carried in the message (a copy, or forged): {writer} "
                "appends its own at the bottom, so only the last one is the receiver's.",
            )
        return FieldAuthor(
            f.index,
            f.name,
            Author.FINAL_RECEIVER,
            None,
            writer,
            f"{how}, so this one is the receiving organisation's.",
        )
    if re.match(RSPAMD_RUN, name):
        queue = z.rspamd_queue
        if queue and queue in z.receiver_ids and f.index in z.rspamd_run:
            return FieldAuthor(
                f.index,
                f.name,
                Author.FINAL_RECEIVER,
                None,
                "Rspamd",
                f"Appended at the bottom by the receiver's Rspamd: its queue id {queue} is the id "
                "the receiving organisation's own Received line gave the message.",
            )
    if f.index in z.scanners:
        hop, why = z.scanners[f.index]
        relay = hop.number in z.relays
        return FieldAuthor(
            f.index,
            f.name,
            Author.INTERMEDIARY if relay else Author.SENDER,
            hop.number,
            hop.received.by,
            f"A content filter's verdict inserted with the message's own header: {why}, "
            + (
                "an organisation that received and re-sent the message (a list or forwarder)"
                if relay
                else "on the sending side"
            )
            + ", not the receiving organisation.",
        )
    if f.index in z.delivery_spam:  # a spam verdict a filter at the final mailbox appended
        return delivery_spam_author(f)
    if f.index in z.delivery_untied and f.index not in z.delivery_filter:
        return _unknown(f, DELIVERY_SPAM_UNTIED, "a spam filter at delivery")
    if name in STAMP_FIELDS or MS_ORG.match(name) or RSPAMD.match(name) or _VERDICT.match(name):
        claim = stamp_identity(f) if name in STAMP_FIELDS else None
        said = f" It claims to be {claim}'s." if claim else ""
        claim, said = z.delivery_filter.get(f.index, (claim, said))  # delivery-time filter?
        return _unknown(
            f,
            "Below every Received line, where the sender's own header fields are: nothing the "
            f"receiving organisation wrote ties it to the receiver (possibly forged).{said}",
            claim,
        )
    return _sender(
        f, "Part of the message's own header, written by the sender (below every Received line)."
    )


def _below_line_stamp(z: Zones, f: HeaderField) -> bool:
    """A stamp just under the boundary hop's Received line that the receiver wrote there (Gmail
    and Postfix milters do): only stamps between it and the line, the receiver's identity, no
    stamp of the same kind written above the line, and no client other than the boundary's."""
    if f.lname not in STAMP_FIELDS or z.boundary_hop is None:
        return False
    if f.index >= z.block_end or f.lname in z.kinds_above or f.index in z.repeats:
        return False
    if not identity_in_org(stamp_identity(f), z.org, z.trusted, z.domain_of):
        return False
    ip = stated_client_ip(f)
    return ip is None or ip == z.boundary_hop.received.from_ip


def _rspamd_found(z: Zones, f: HeaderField) -> bool:
    """The receiver's own Rspamd (its block tied by the queue id of the receiver's Received
    line) found every pass ``f`` claims: its queue id alone shows only that Rspamd ran, not
    who wrote a stamp at the top of the header the message arrived with."""
    if not (z.rspamd_queue and z.rspamd_queue in z.receiver_ids):
        return False
    passes = {m for m, r in stamp_results(f).items() if is_pass(r)}
    return bool(passes) and passes <= z.rspamd_passes


UNTIED_PASS = (
    "Where the sender's own header begins (directly below the receiver's Received line, or "
    "right after the Received block of a receiver that lists them first): a pass there cannot "
    "be told from one the sender planted, and nothing the receiver wrote shows it stamped this "
    "message (possibly forged)."
)


def _uncorroborated_pass(z: Zones, f: HeaderField) -> str | None:
    """Why a pass stamp under the boundary line cannot be told from one the sender planted at
    the top of its own header, or None when something the sender cannot write backs it: Gmail's
    own ARC set above its line (parsers/provenance_google), ProtonMail's re-serialised block;
    the receiver's Rspamd tied to it by the queue id of its own
    Received line shows its filter stamped this message."""
    if not claims_pass(f):
        return None
    hop = z.boundary_hop
    if hop is not None and hop.vendor in (Vendor.GMAIL, Vendor.GOOGLE_GROUPS):
        # Google Groups' gmr-mx.google.com writes Gmail's layout (its ARC set above the line)
        return gmail_pass_doubt(f, hop, z.block, z.arc_above)
    if hop is not None and yandex_front_stamp(f, hop, z.block):
        return None  # Yandex's MX front writes its own first, on every message
    # ProtonMail's layout (every Received first, then its stamps, then the header the message
    # arrived with) is no tie either: where Proton wrote no stamp, the sender's first field sits
    # in the same place (every Proton copy read with a pass has it above the Received lines)
    if _rspamd_found(z, f):
        return None
    if f.index in z.tied and hop is not None:
        unbacked = milter_pass_unbacked(f, z.block, hop, z.fields)
        return UNTIED_PASS if unbacked else None
    after = z.fields[z.block_end] if z.block_end < len(z.fields) else None
    authors = [mailbox_domain(g.value) for g in z.fields if g.lname == "from"]
    tie = hop is not None and client_signed_tie(f, hop, after, z.domain_of, authors)
    return None if tie else UNTIED_PASS


def _field(z: Zones, f: HeaderField, last: dict[str, int]) -> FieldAuthor:
    name = f.lname
    hop = z.by_index.get(f.index) if name == "received" else None
    if hop is not None:
        return _received(z, hop=hop, f=f)
    below = z.below(f.index)
    if (ses := z.ses.get(f.index) or ses_claim(f, z.boundary_hop)) is not None:
        return ses
    if f.index in z.apple and z.boundary_hop is not None:
        return receiver_author(f, z.boundary_hop, APPLE_WHY)
    if is_copy(name):
        before = (z.boundary or 1) - 1
        return copy_author(f, before, before in z.relays)
    if is_outbound_scan(f):
        return outbound_author(f)
    placed = z.appliance.get(f.index)
    if placed is None and f.index == z.marker and (line := z.above(f.index)) is not None:
        placed = (line, MARKER_WHY)
    if placed is not None:
        if not z.is_trusted(placed[0]):
            return z.outside(placed[0], f.name, f.index, f"A field placed by its tie ({placed[1]})")
        return receiver_author(f, *placed)
    if yandex_spam(f, z.block, z.boundary_hop) and z.boundary_hop is not None:
        return receiver_author(f, z.boundary_hop, YANDEX_SPAM_WHY)
    if f.index in z.tied and name not in STAMP_FIELDS and z.boundary_hop is not None:
        return receiver_author(f, z.boundary_hop, MILTER_WHY)
    if below is not None and z.is_trusted(below):
        return FieldAuthor(
            f.index,
            f.name,
            Author.FINAL_RECEIVER,
            below.number,
            below.received.by,
            f"Above the Received line of hop {below.number}, which only hosts inside the "
            "receiving organisation write to.",
        )
    above = z.above(f.index)
    if (
        above is not None
        and (above.number == z.boundary or (z.reserialised and above is z.hops[-1]))
        and _below_line_stamp(z, f)
        and z.boundary_hop is not None
    ):
        doubt = _uncorroborated_pass(z, f)
        if doubt is not None:
            return _unknown(f, doubt, stamp_identity(f))
        where = (
            "Right after the Received block (this receiver lists its Received fields first)"
            if z.reserialised
            else "Directly below the boundary hop's Received line (where Gmail and Postfix "
            "milters write)"
        )
        return FieldAuthor(
            f.index,
            f.name,
            Author.FINAL_RECEIVER,
            z.boundary_hop.number,
            stamp_identity(f),
            f"{where}, carrying the receiver's identity ({stamp_identity(f)}) and naming no "
            "other client than the one the receiver accepted the message from.",
        )
    if above is not None and names_its_line(f, above):
        why = f"directly below its Received line, naming {above.received.by} (a greylisting note)"
        if not z.is_trusted(above):
            return z.outside(above, f.name, f.index, f"A field placed by its tie ({why})")
        return receiver_author(f, above, why)
    if (
        above is not None
        and not z.is_trusted(above)
        and own_line_stamp(f, above, z.by_index, z.domain_of)
    ):
        return z.outside(above, f.name, f.index, "Directly below its own Received line, a stamp")
    if below is not None:
        if (signer := arc_relay(f, z.hops, z.relays, z.domain_of)) is not None:
            return z.outside(signer, f.name, f.index, f"An ARC field of {stamp_identity(f)}")
        return z.outside(below, f.name, f.index, "Above the Received line of a hop")
    return _bottom(z, f, last)


UNCONFIRMED_PASS = (
    "Below the Received line of a hop the boundary walk passed over on its client "
    "alone (a private or loopback address, or a relay's name with no address): nothing the "
    "receiver wrote confirms that what sits below that line is its own, so a pass here cannot be "
    "told from one the sender planted above a forged line (possibly forged)."
)


UNCONFIRMED_CLEAN = UNCONFIRMED_PASS.replace("a pass here", 'a "not spam" verdict here')


def _unconfirmed_pass(z: Zones, f: HeaderField, found: FieldAuthor) -> FieldAuthor:
    """``found``, unless it credits the receiver with a pass stamp, or a filter's "not spam"
    or Inbox verdict, that sits below the line of a hop passed over on its client alone
    (Boundary.unconfirmed_hop): where an attacker who gave the receiver's relay name as HELO,
    or came through a NAT or a local proxy, wrote the rest, a planted "dmarc=pass" or
    "X-Rspamd-Action: no action" there would be the receiver's. Failures and spam verdicts
    still count (they gain a sender nothing)."""
    line = z.unconfirmed_stamp_line
    hop = z.by_index.get(line) if line is not None else None
    if f.lname.startswith("x-ms-exchange-organization-") and hop and hop.vendor is Vendor.EXCHANGE:
        # Exchange's header firewall removes its organisation fields from mail arriving from
        # outside, so below its own private hand-off (Frontend to Mailbox Transport) they are
        # its own; any other "not spam" there may be a sender's behind a NAT
        line = z.unconfirmed_line
    if line is None or f.index <= line or found.author is not Author.FINAL_RECEIVER:
        return found
    if f.lname in STAMP_FIELDS:
        return _unknown(f, UNCONFIRMED_PASS, stamp_identity(f)) if claims_pass(f) else found
    return _unknown(f, UNCONFIRMED_CLEAN, found.writer) if claims_clean(f) else found


def attribute_fields(
    fields: Sequence[HeaderField],
    chain: Chain,
    *,
    registrable_domain_of: Callable[[str], str | None] | None = None,
) -> Provenance:
    """The author of every field in ``fields`` (the whole header section, top first)."""
    if not chain.hops:
        # No Received line: nothing places any field (a partial paste); nothing is attributed
        # and the fields are read as before.
        return Provenance()
    z = Zones(chain, registrable_domain_of or registrable_domain)
    z.prepare(fields)
    last: dict[str, int] = {}
    for f in fields:
        last[f.lname] = f.index
    found = tuple(
        _unconfirmed_pass(
            z, f, in_incoming(f, _field(z, f, last), z.incoming, _VERDICT, STAMP_FIELDS)
        )
        for f in fields
    )
    found = tuple(unplaced_stamps(fields, found, chain, z.org, z.trusted, z.domain_of))
    return Provenance(receiver_org=z.org, fields=found)


def describe_author(found: FieldAuthor | None) -> str:
    """Who wrote a field, as a short phrase for reports ("the sending side (hop 2, mx.a.example)")."""
    if found is None:
        return "unknown"
    where = ", ".join(
        x for x in (f"hop {found.hop_number}" if found.hop_number else None, found.writer) if x
    )
    names = {
        Author.FINAL_RECEIVER: "the final receiving organisation",
        Author.INTERMEDIARY: "an intermediary",
        Author.SENDER: "the sending side",
        Author.UNKNOWN: "unknown (possibly forged)",
    }
    return names[found.author] + (f" ({where})" if where else "")
