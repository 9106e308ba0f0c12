"""Where each header field sits against the Received lines, and facts read once (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from headerlens.model.core import HeaderField
from headerlens.model.provenance import Author, FieldAuthor
from headerlens.model.received import Chain, Hop
from headerlens.parsers.authresults import parse_auth_results
from headerlens.parsers.boundary import identity_in_org, loopback_client, org_of, receiver_org
from headerlens.parsers.hops import is_internal_ip
from headerlens.parsers.masked_ip import client_text, masked_private
from headerlens.parsers.provenance_apple import apple_block
from headerlens.parsers.provenance_appliance import (
    barracuda_fields,
    filter_tie,
    machine_name,
    mdaemon_fields,
    repeated_stamps,
)
from headerlens.parsers.provenance_coremail import coremail_fields
from headerlens.parsers.provenance_delivery import delivery_spam_verdicts
from headerlens.parsers.provenance_mailscanner import mailscanner_fields, mailscanner_tail
from headerlens.parsers.provenance_microsoft import (
    exchange_internal,
    incoming_block,
    ms_tail_start,
    receipt_marker,
)
from headerlens.parsers.provenance_proton import proton_block
from headerlens.parsers.provenance_relay import list_relays, mailbox_relays, own_client
from headerlens.parsers.provenance_scanner import receiver_named_runs, scanner_hops
from headerlens.parsers.provenance_ses import ses_block
from headerlens.parsers.provenance_ui import ui_block
from headerlens.parsers.rspamd_auth import rspamd_auth
from headerlens.parsers.stamp_evidence import stamp_identity

__all__ = ["RSPAMD", "RSPAMD_RUN", "STAMP_FIELDS", "Zones"]


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
# Rspamd's own field names, and the run of fields its block appends (the run kept as pattern
# text, compiled on first use through re's own cache).
RSPAMD = re.compile(r"^x-(?:rspamd-|spamd-)")
RSPAMD_RUN = r"^x-(?:rspamd-|spamd-|spam\b)"
# What filters running inside the receiving MTA (milters, amavisd) insert next to their stamps;
# Yandex's MX writes Return-Path and its X-Yandex-Front/-TimeMark before its stamps.
_MILTER_TRACE = re.compile(
    r"^(?:x-senderid|x-spam-|x-virus-|x-greylist|x-dkim|dkim-filter|dmarc-filter|x-rspamd-|x-spamd-"
    r"|x-scanned-by|x-amavis|x-yandex-|return-path$)"
)


def relay_rspamd(
    fields: Sequence[HeaderField],
    outside: Sequence[Hop],
    domain_of: Callable[[str], str | None],
) -> dict[int, tuple[Hop, str]]:
    """Header index -> (the hop before the receiving organisation whose Rspamd appended the
    field, why): the Rspamd run below every Received line around an X-Rspamd-Queue-Id naming
    the queue id of that hop's own Received line (a forwarder's Postfix + Rspamd, which appends
    its block before re-sending the message), with an Authentication-Results inside the run
    whose authserv-id is in that hop's organisation (Rspamd's own stamp, at the bottom when the
    host inserts it there)."""
    ids = {(h.received.id or "").lower(): h for h in outside if h.received.id}
    last = max((f.index for f in fields if f.lname == "received"), default=len(fields))
    out: dict[int, tuple[Hop, str]] = {}
    for q in fields[last + 1 :]:
        hop = ids.get(q.value.strip().lower()) if q.lname == "x-rspamd-queue-id" else None
        if hop is None:
            continue
        org = org_of(hop.received.by, domain_of)

        def member(g: HeaderField, org: str | None = org) -> bool:
            if re.match(RSPAMD_RUN, g.lname):
                return True
            ident = stamp_identity(g) if g.lname == "authentication-results" else None
            return org is not None and ident is not None and org_of(ident, domain_of) == org

        lo = hi = q.index
        while lo - 1 > last and member(fields[lo - 1]):
            lo -= 1
        while hi + 1 < len(fields) and member(fields[hi + 1]):
            hi += 1
        why = (
            f"its X-Rspamd-Queue-Id names {q.value.strip()}, the queue id hop {hop.number}'s "
            "Received line gave the message"
        )
        out.update(dict.fromkeys(range(lo, hi + 1), (hop, why)))
    return out


class Zones:
    """Where each field sits relative to the Received lines, and who is inside."""

    def __init__(self, chain: Chain, domain_of: Callable[[str], str | None]) -> None:
        self.hops = sorted(chain.hops, key=lambda h: h.header_index)  # newest first
        self.by_index = {h.header_index: h for h in self.hops}
        b = chain.boundary.hop_number if chain.boundary is not None else None
        self.boundary = b
        self.boundary_hop = next((h for h in self.hops if h.number == b), None)
        self.unconfirmed_line = self._weak_line(chain, domain_of)
        # For pass stamps and "not spam" verdicts a private hand-off is such a line too: behind
        # a NAT every sender has that address, and "inside one domain" is the host the line
        # below names, which is the sender's text (its HELO the receiver's relay, a forged line
        # "by" that relay). unconfirmed_line is kept for Exchange's organisation fields below
        # its own private hand-off (provenance._unconfirmed_pass).
        self.unconfirmed_stamp_line = self._weak_line(chain, domain_of, private=True)
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

    def _weak_line(
        self, chain: Chain, domain_of: Callable[[str], str | None], private: bool = False
    ) -> int | None:
        """The header index of the line below which the sender's text may begin although the
        boundary walk went on: a hop passed over (Boundary.unconfirmed_hop) whose receiver
        recorded no client address (any client can give the relay's name), whose private
        client handed on to a host of another registrable domain (the chain's continuity is
        the client's own claim, a NAT in front looks the same), or whose client has a loopback
        address (a local proxy in front of the receiver, such as ASSP, records 127.0.0.1 for
        every sender, so what sits below, inside one domain or not, may be the sender's text).
        A private hand-off or an LMTP delivery inside one domain is not such a line."""
        u = chain.boundary.unconfirmed_hop if chain.boundary is not None else None
        hop = next((h for h in self.hops if h.number == u), None)
        older = next((h for h in self.hops if u is not None and h.number == u - 1), None)
        if hop is None:
            return None
        r = hop.received
        here, below = (domain_of((h.received.by or "").lower()) for h in (hop, older or hop))
        weak = loopback_client(r) or client_text(r) is None or here != below
        weak = weak or (private and (is_internal_ip(r.from_ip) or masked_private(r) is not None))
        return hop.header_index if weak else None

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
        self.appliance |= mailscanner_fields(fields, self.hops, self.is_trusted, self.domain_of)
        self.appliance |= mdaemon_fields(fields, self.hops, self.is_trusted)
        # a forwarder's own Rspamd block: its organisation received the message from another
        # one when an older hop was written by another organisation (an intermediary's filter)
        forwarder = relay_rspamd(fields, outside, self.domain_of)
        self.appliance |= forwarder
        for hop in {h.number: h for h, _ in forwarder.values()}.values():
            org = org_of(hop.received.by, self.domain_of)
            if any(
                h.number < hop.number and org_of(h.received.by, self.domain_of) not in (None, org)
                for h in self.hops
            ):
                self.relays.add(hop.number)
        self.mailscanner, self.mailscanner_untied = mailscanner_tail(fields, self.appliance)
        placed = set(self.scanners) | set(self.appliance) | self.mailscanner
        self.delivery_spam, self.delivery_untied = delivery_spam_verdicts(
            fields, self.hops, placed | self.mailscanner_untied, self.trusted, self.domain_of
        )
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
            while lo > 0 and not self.reserialised and RSPAMD.match(fields[lo - 1].lname):
                lo -= 1
            while hi + 1 < len(fields) and re.match(RSPAMD_RUN, fields[hi + 1].lname):
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
