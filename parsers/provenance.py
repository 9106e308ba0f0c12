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
from email.utils import parseaddr

from headerlens.model.core import HeaderField
from headerlens.model.provenance import Author, FieldAuthor, Provenance
from headerlens.model.received import Chain, Hop, Vendor
from headerlens.parsers.authresults import parse_auth_results
from headerlens.parsers.boundary import (
    identity_in_org,
    org_of,
    receiver_org,
)
from headerlens.parsers.hops import registrable_domain
from headerlens.parsers.provenance_apple import APPLE_WHY, apple_block
from headerlens.parsers.provenance_appliance import (
    MARKER_WHY,
    MILTER_WHY,
    barracuda_fields,
    filter_tie,
    machine_name,
    milter_pass_unbacked,
    names_its_line,
    receiver_author,
    repeated_stamps,
    stamp_results,
)
from headerlens.parsers.provenance_clientsig import client_signed_tie
from headerlens.parsers.provenance_coremail import coremail_fields
from headerlens.parsers.provenance_dump import unplaced_stamps
from headerlens.parsers.provenance_google import gmail_pass_doubt
from headerlens.parsers.provenance_microsoft import (
    MS_ORG,
    after_incoming,
    copy_author,
    exchange_internal,
    in_incoming,
    incoming_block,
    is_copy,
    is_outbound_scan,
    ms_tail_start,
    ms_writer,
    outbound_author,
    receipt_marker,
    receiver_appended,
)
from headerlens.parsers.provenance_proton import PROTON_UNTIED, proton_author, proton_block
from headerlens.parsers.provenance_relay import (
    arc_relay,
    list_relays,
    mailbox_relays,
    own_client,
)
from headerlens.parsers.provenance_scanner import own_line_stamp, receiver_named_runs, scanner_hops
from headerlens.parsers.provenance_ses import ses_block, ses_claim
from headerlens.parsers.provenance_ui import UI_UNTIED, ui_author, ui_block
from headerlens.parsers.rspamd_auth import rspamd_auth
from headerlens.parsers.stamp_evidence import (
    claims_pass,
    is_pass,
    stamp_identity,
    stated_client_ip,
)

__all__ = ["STAMP_FIELDS", "UNTIED_PASS", "attribute_fields", "describe_author"]

STAMP_FIELDS = frozenset(
    {
        "authentication-results",
        "received-spf",
        "arc-authentication-results",
        "arc-seal",
        "arc-message-signature",
    }
)
# Receivers that write their header block after every Received field: ProtonMail lists the
# Received fields first, then its Authentication-Results and X-Pm-* fields.
_RESERIALISERS = frozenset({"protonmail.ch"})
# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches these runs should not pay for compiling them before the console's first frame.
_PROTON = r"^x-pm-"
_RSPAMD = re.compile(r"^x-(?:rspamd-|spamd-)")
_RSPAMD_RUN = r"^x-(?:rspamd-|spamd-|spam\b)"
# What filters running inside the receiving MTA (milters, amavisd) insert next to their stamps;
# Yandex's MX writes Return-Path and its X-Yandex-Front/-TimeMark before its stamps.
_MILTER_TRACE = re.compile(
    r"^(?:x-senderid|x-spam-|x-virus-|x-greylist|x-dkim|dkim-filter|dmarc-filter|x-rspamd-|x-spamd-"
    r"|x-scanned-by|x-amavis|x-yandex-|return-path$)"
)
# Verdict headers of filtering products: below every Received line, whose they are is unknown.
_VERDICT = re.compile(
    r"^x-(?:.*spam|vade-|virus|proofpoint-|mimecast-|ironport-|barracuda-|tm-|tmase-|pm-|sid-)"
)


class _Zones:
    """Where each field sits relative to the Received lines, and who is inside."""

    def __init__(self, chain: Chain, domain_of: Callable[[str], str | None]) -> None:
        self.hops = sorted(chain.hops, key=lambda h: h.header_index)  # newest first
        self.by_index = {h.header_index: h for h in self.hops}
        b = chain.boundary.hop_number if chain.boundary is not None else None
        self.boundary = b
        self.boundary_hop = next((h for h in self.hops if h.number == b), None)
        # With no boundary every hop is the receiver's own (a locally generated message).
        self.trusted = [h for h in self.hops if b is None or h.number >= b]
        self.org = receiver_org(chain.hops, domain_of)
        self.domain_of = domain_of
        self.receiver_vendors = {h.vendor for h in self.trusted}
        self.receiver_ids = {(h.received.id or "").lower() for h in self.trusted} - {""}
        # A receiver known to list every Received field first, then its own fields.
        self.reserialised = (
            self.org in _RESERIALISERS
            and bool(self.hops)
            and (self.hops[-1].header_index - self.hops[0].header_index == len(self.hops) - 1)
        )
        self.relays = self._relays(chain.hops)
        self.exchange_internal = exchange_internal(chain)

    def _relays(self, hops: Sequence[Hop]) -> set[int]:
        """Hops below the boundary written by an organisation that itself received the message
        from another one (a forwarder, a list, another organisation's gateway): each one's entry
        found by the same rule as the boundary, walking down from the hop before it."""
        by_number = {h.number: h for h in hops}
        relays: set[int] = set()
        n = (self.boundary or 1) - 1 if self.boundary is not None else 0
        while n >= 1:
            org = org_of(by_number[n].received.by, self.domain_of)
            m = n
            while m >= 1 and own_client(by_number[m], org, self.domain_of):
                m -= 1
            if m > 1:  # it accepted the message from outside, and older hops exist
                relays.update(range(m, n + 1))
            n = m - 1
        return relays

    def prepare(self, fields: Sequence[HeaderField]) -> None:
        """Facts about the whole header read once: where the block of stamps under the boundary
        line ends, which kinds of stamp the receiver wrote above its lines, Rspamd's queue id."""
        self.fields = fields
        self.block_end = 0
        self.block: list[HeaderField] = []
        self.kinds_above: set[str] = set()
        self.arc_above: list[HeaderField] = []
        self.repeats: set[int] = set()
        self.tied: set[int] = set()
        if self.boundary_hop is not None:
            # a receiver that re-orders its header writes its block after the last Received
            line = (
                self.hops[-1].header_index if self.reserialised else self.boundary_hop.header_index
            )
            end = line + 1
            while end < len(fields) and (
                fields[end].lname in STAMP_FIELDS or _MILTER_TRACE.match(fields[end].lname)
            ):
                end += 1
            self.block_end = end
            self.block = list(fields[line + 1 : end])
            self.kinds_above = {g.lname for g in fields[:line] if self.writes_above(g.index)}
            self.arc_above = [
                g
                for g in fields[:line]
                if g.lname == "arc-authentication-results"
                and self.writes_above(g.index)
                and identity_in_org(
                    parse_auth_results(g).authserv_id, self.org, self.trusted, self.domain_of
                )
            ]
            self.repeats = repeated_stamps(fields[line + 1 : end])
            self.tied = filter_tie(self.block, self.boundary_hop)
        self.incoming = incoming_block(fields)
        self.ses = ses_block(fields, self.boundary_hop)
        self.proton, self.proton_untied = (
            proton_block(fields, self.receiver_ids) if self.reserialised else (set(), set())
        )
        self.ui, self.ui_untied = ui_block(fields, self.org)
        self.apple = apple_block(fields, self.hops, self.boundary_hop, self.domain_of)
        self.relays |= mailbox_relays(fields, self.hops, self.is_trusted, self.org, self.domain_of)
        self.relays |= list_relays(fields, self.hops, self.boundary, self.domain_of)
        self.marker = receipt_marker(fields, {h.header_index: h.vendor for h in self.trusted})
        outside = [h for h in self.hops if not self.is_trusted(h)]
        self.scanners = scanner_hops(fields, outside, self.org, self.domain_of)
        self.delivery_filter = receiver_named_runs(fields, self.org, self.domain_of)
        self.ms_tail = 0 if self.exchange_internal else ms_tail_start(fields)
        self.appliance = barracuda_fields(fields, self.hops, self.is_trusted)
        self.appliance |= coremail_fields(fields, self.hops)
        # Rspamd's block appended at the bottom: the run of its fields around its queue id
        # (the one naming the receiver's own queue id: a planted one earlier must not hide it)
        ids = [g for g in fields if g.lname == "x-rspamd-queue-id"]
        queue = next((g for g in ids if g.value.strip().lower() in self.receiver_ids), None)
        queue = queue or next(iter(ids), None)
        self.rspamd_queue = queue.value.strip().lower() if queue is not None else None
        self.rspamd_run: set[int] = set()
        self.rspamd_passes: set[str] = set()
        if queue is not None and fields[queue.index] is queue:
            lo = hi = queue.index
            # ProtonMail writes the queue id first of its block: what comes before is the sender's
            # (backwards only over Rspamd's own names: a sender's X-Spam-* there stays its own)
            while lo > 0 and not self.reserialised and _RSPAMD.match(fields[lo - 1].lname):
                lo -= 1
            while hi + 1 < len(fields) and re.match(_RSPAMD_RUN, fields[hi + 1].lname):
                hi += 1
            # Rspamd writes each field once: of a name repeated in the run, the earlier one is
            # the sender's last field, right before the receiver's appended block
            last = {fields[i].lname: i for i in range(lo, hi + 1)}
            self.rspamd_run = set(last.values())
        # what the receiver's Rspamd found (the last X-Spamd-Result of its run, as above), only
        # after the queue id: above it the result joins the run by position alone, where the
        # sender's last field sits, so a planted X-Spamd-Result with *_ALLOW would back a planted
        # top pass (Rspamd's order varies by message; the real ones above it read as unknown)
        at = queue.index if queue is not None else len(fields)
        found = [
            fields[i]
            for i in sorted(self.rspamd_run)
            if fields[i].lname == "x-spamd-result" and i > at
        ]
        self.rspamd_passes = (
            {m for m, r, _ in rspamd_auth(found[-1].value) if r == "pass"} if found else set()
        )

    def below(self, index: int) -> Hop | None:
        """The Received line right below ``index``: the hop whose receiver prepended it."""
        return next((h for h in self.hops if h.header_index > index), None)

    def above(self, index: int) -> Hop | None:
        return next((h for h in reversed(self.hops) if h.header_index < index), None)

    def writes_above(self, index: int) -> bool:
        """True when the field at ``index`` sits above a Received line of the receiver's."""
        hop = self.below(index)
        return hop is not None and self.is_trusted(hop)

    def is_trusted(self, hop: Hop) -> bool:
        return self.boundary is None or hop.number >= self.boundary

    def outside(self, hop: Hop, name: str, index: int, what: str) -> FieldAuthor:
        """A field written at a hop before the receiving organisation got the message."""
        by = machine_name(hop)
        relay = hop.number in self.relays
        author = Author.INTERMEDIARY if relay else Author.SENDER
        who = (
            "an organisation the message passed through before the receiver (it received the "
            "message from another one: a forwarder, a list or a gateway)"
            if relay
            else "the sending side"
        )
        return FieldAuthor(
            index,
            name,
            author,
            hop.number,
            by,
            f"{what} at hop {hop.number} ({by or 'unnamed host'}), before the receiving "
            f"organisation got the message: written by {who}, as its lines claim; nothing the "
            "receiver wrote confirms it.",
        )


def _received(z: _Zones, f: HeaderField, hop: Hop) -> FieldAuthor:
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


def _bottom(z: _Zones, f: HeaderField, last: dict[str, int]) -> FieldAuthor:
    """A field below every Received line: the message's own header, or a receiver's appended
    field when something unguessable ties it to the receiver."""
    name = f.lname
    ms = receiver_appended(f, z.receiver_vendors, z.incoming, z.ms_tail) or after_incoming(
        f, z.receiver_vendors, z.incoming
    )
    if f.index in z.proton or f.index in z.ui:
        return proton_author(f) if f.index in z.proton else ui_author(f)
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
    if re.match(_RSPAMD_RUN, name):
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
    if name in STAMP_FIELDS or MS_ORG.match(name) or _RSPAMD.match(name) or _VERDICT.match(name):
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


def _below_line_stamp(z: _Zones, f: HeaderField) -> bool:
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


def _rspamd_found(z: _Zones, f: HeaderField) -> bool:
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


def _uncorroborated_pass(z: _Zones, f: HeaderField) -> str | None:
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
    # ProtonMail's layout (every Received first, then its stamps, then the header the message
    # arrived with) is no tie either: where Proton wrote no stamp, the sender's first field sits
    # in the same place (every Proton copy read with a pass has it above the Received lines)
    if _rspamd_found(z, f):
        return None
    if f.index in z.tied and hop is not None:
        unbacked = milter_pass_unbacked(f, z.block, hop, z.fields)
        return UNTIED_PASS if unbacked else None
    after = z.fields[z.block_end] if z.block_end < len(z.fields) else None
    authors = [parseaddr(g.value)[1].rpartition("@")[2] for g in z.fields if g.lname == "from"]
    tie = hop is not None and client_signed_tie(f, hop, after, z.domain_of, authors)
    return None if tie else UNTIED_PASS


def _field(z: _Zones, f: HeaderField, last: dict[str, int]) -> FieldAuthor:
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
    z = _Zones(chain, registrable_domain_of or registrable_domain)
    z.prepare(fields)
    last: dict[str, int] = {}
    for f in fields:
        last[f.lname] = f.index
    found = tuple(
        in_incoming(f, _field(z, f, last), z.incoming, _VERDICT, STAMP_FIELDS) for f in fields
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
