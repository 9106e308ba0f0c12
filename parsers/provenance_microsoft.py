"""Microsoft's provenance rules: Exchange's copies, outbound scans, incoming block and appended fields."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import takewhile

from headerlens.model.core import HeaderField
from headerlens.model.provenance import Author, FieldAuthor
from headerlens.model.received import Chain, Vendor

__all__ = [
    "MS_ORG",
    "after_incoming",
    "copy_author",
    "exchange_internal",
    "in_incoming",
    "incoming_block",
    "is_copy",
    "is_outbound_scan",
    "ms_tail_start",
    "ms_writer",
    "outbound_author",
    "receipt_marker",
    "receiver_appended",
]

# Microsoft's renamed copies of what another organisation (or an earlier pass) wrote.
_COPY_SUFFIXES = ("-untrusted", "-original")
_COPY_NAMES = frozenset(
    {"x-ms-exchange-authentication-results", "x-original-authentication-results"}
)
# What Exchange Online writes for the organisation holding the message; it strips these from
# mail arriving from outside and appends its own at the bottom of the header section.
MS_ORG = re.compile(
    r"^x-(?:ms-exchange-organization-|microsoft-antispam(?:-mailbox-delivery)?$"
    r"|forefront-antispam-report$|ms-exchange-crosstenant-|ms-exchange-transport-|sid-)",
)
# Receivers that write those: Exchange Online (its protection front ends and mailbox servers) and
# Exchange Server.
_MS_RECEIVERS = frozenset({Vendor.EOP, Vendor.EXCHANGE_ONLINE, Vendor.EXCHANGE})
# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches these Exchange cases should not pay for compiling them before the console's first frame.
# Only Exchange Online's filter writes these (and renames an incoming copy "-Untrusted"); Exchange
# Server's header firewall strips only X-MS-Exchange-Organization-*, so behind Exchange Server
# alone a copy at the bottom is the sender's text.
_MS_CLOUD_ONLY = r"^x-(?:microsoft-antispam|forefront-antispam-report$|ms-exchange-crosstenant-)"
_MS_CLOUD = frozenset({Vendor.EOP, Vendor.EXCHANGE_ONLINE})
# What Exchange writes (or moves) after the header it received: behind Exchange Server with no
# incoming bracket, an organisation header outside the trailing run of these is the sender's.
_MS_TAIL = re.compile(r"^(?:x-ms-|x-microsoft-|x-forefront-|x-eop|x-sid-|return-path$|mime-ver)")
# What Exchange's SMTP Receive stamps on every message it accepts (AuthenticationSource).
_RECEIVE_STAMPS = ("x-ms-exchange-organization-authsource", "x-ms-exchange-organization-authas")
_MS_OUTBOUND = re.compile(r"(?:^|;)\s*DIR:OUT\b", re.IGNORECASE)


def is_copy(lname: str) -> bool:
    """A field Microsoft renamed because another organisation (or an earlier pass) wrote it."""
    return lname.endswith(_COPY_SUFFIXES) or lname in _COPY_NAMES


def copy_author(f: HeaderField, before: int, relay: bool) -> FieldAuthor:
    """Microsoft renames what the organisation before it wrote: the one that handed the message
    to the receiver (``before``, the writer of the hop below the boundary; ``relay`` when that
    organisation itself received the message from another one)."""
    return FieldAuthor(
        f.index,
        f.name,
        Author.INTERMEDIARY if relay else Author.SENDER,
        before or None,
        None,
        "A copy Microsoft kept of what the organisation before the receiver wrote ("
        + ("a forwarder, list or gateway" if relay else "usually the sender's outbound filter")
        + "): not the receiving organisation's verdict.",
    )


def is_outbound_scan(f: HeaderField) -> bool:
    """A Forefront report of the sending organisation's outbound scan (DIR:OUT)."""
    return f.lname.startswith("x-forefront-antispam-report") and bool(_MS_OUTBOUND.search(f.value))


def outbound_author(f: HeaderField) -> FieldAuthor:
    return FieldAuthor(
        f.index,
        f.name,
        Author.SENDER,
        None,
        None,
        "DIR:OUT: an outbound scan by the sending organisation's Microsoft 365 filter, not "
        "the receiving organisation's verdict.",
    )


def exchange_internal(chain: Chain) -> bool:
    """The message never came from outside an Exchange Server organisation: no boundary, its
    oldest line is a MAPI submission (Outlook to a mailbox server) and every line is Exchange's.
    Exchange's header firewall removes X-MS-Exchange-Organization-* fields from anything that
    enters the organisation from an untrusted source (Microsoft, "Header firewall", Exchange
    Server 2013 documentation, technet bb232136), so such a field anywhere in this header was
    written inside the organisation, wherever it was moved to."""
    hops = chain.hops
    return (
        chain.boundary is None
        and bool(hops)
        and (hops[0].received.with_protocol or "").lower() == "mapi"
        and all(h.vendor is Vendor.EXCHANGE for h in hops)
    )


def ms_writer(receiver_vendors: set[Vendor], internal: bool) -> tuple[str, str]:
    """Who appended a Microsoft organisation field at the bottom, and how that is known."""
    if receiver_vendors & _MS_CLOUD:
        return "Exchange Online", (
            "Exchange Online appends its organisation headers at the bottom and renames what "
            "another organisation wrote (-Untrusted)"
        )
    if internal:
        return "Exchange Server", (
            "The message never left the Exchange Server organisation (a MAPI submission, every "
            "line Exchange's), and Exchange's header firewall removes organisation headers from "
            "anything entering from outside"
        )
    return "Exchange Server", (
        "Exchange Server writes its organisation headers in the trailing run it moves to the "
        "end, from its SMTP Receive stamps (AuthSource, AuthAs) on"
    )


def ms_tail_start(fields: Sequence[HeaderField]) -> int:
    """Index from which the trailing fields are Exchange Server's own: in the run of fields
    Exchange writes or moves to the end, from the last AuthSource (else AuthAs) on. SMTP Receive
    stamps those when it accepts the message, before any agent rates it, so an organisation
    field before them (the sender's last fields touch the run) is not the receiver's; with
    neither stamp in the run, nothing there is placed as the receiver's."""
    tail = takewhile(lambda g: _MS_TAIL.match(g.lname), reversed(fields))
    start = len(fields) - sum(1 for _ in tail)
    for name in _RECEIVE_STAMPS:  # AuthSource first: Exchange writes it before AuthAs
        stamps = [g.index for g in fields[start:] if g.lname == name]
        if stamps:
            return stamps[-1]
    return len(fields)


def receiver_appended(
    f: HeaderField, receiver_vendors: set[Vendor], incoming: range, ms_tail: int
) -> bool:
    """True when a field below every Received line is one a Microsoft receiver appends for its
    own organisation: Exchange Online's, or behind Exchange Server alone an organisation header
    in the trailing run (or with an incoming bracket present), never a DIR:OUT scan."""
    name = f.lname
    return (
        bool(receiver_vendors & _MS_RECEIVERS)
        and MS_ORG.match(name) is not None
        and not _MS_OUTBOUND.search(f.value)
        and (
            bool(receiver_vendors & _MS_CLOUD)
            or (not re.match(_MS_CLOUD_ONLY, name) and (bool(incoming) or f.index >= ms_tail))
        )
    )


# What Exchange Online (and Outlook.com's consumer service) writes after the header it received,
# closed by its X-IncomingHeaderCount: X-Message-Delivery (its SCL), X-Message-Info, X-SID-PRA...
# and the Return-Path of the envelope it accepted, written after that header
_MS_APPENDED = (
    r"^(?:x-(?:ms-|microsoft-|forefront-|eop|sid-|incomingheadercount$|message-delivery$"
    r"|message-info$|sender-ip$)|return-path$)"
)


def after_incoming(f: HeaderField, receiver_vendors: set[Vendor], incoming: range) -> bool:
    """A Microsoft field that Exchange Online appended after the header it received (from the
    last X-IncomingHeaderCount on): a sender's copy can only sit inside the bracket."""
    return (
        bool(incoming)
        and bool(receiver_vendors & _MS_CLOUD)
        and f.index >= incoming.stop
        and re.match(_MS_APPENDED, f.lname) is not None
        and not _MS_OUTBOUND.search(f.value)
    )


def incoming_block(fields: Sequence[HeaderField]) -> range:
    """The header Exchange received, between the topmost X-IncomingTopHeaderMarker and the last
    X-IncomingHeaderCount (a sender plants either only inside); the count's value exceeds the
    fields between by 1 to 43 in the corpus, so only the positions place a field."""
    tops = [f.index for f in fields if f.lname == "x-incomingtopheadermarker"]
    ends = [f.index for f in fields if f.lname == "x-incomingheadercount"]
    if not tops or not ends or ends[-1] <= tops[0]:
        return range(0)
    return range(tops[0] + 1, ends[-1])


def receipt_marker(fields: Sequence[HeaderField], line_vendor: dict[int, Vendor]) -> int | None:
    """Index of the X-IncomingTopHeaderMarker Exchange Online wrote on receipt: the topmost one,
    directly below the Received line of one of the receiving organisation's Microsoft hops
    (``line_vendor``: header index of each trusted hop's Received line -> its vendor). Exchange
    Online prepends its Received line and writes the marker right under it, above the header it
    received; a sender's copy sits lower, in the header that came with the message."""
    top = next((f.index for f in fields if f.lname == "x-incomingtopheadermarker"), None)
    if top is None or line_vendor.get(top - 1) not in _MS_CLOUD:
        return None
    return top


def in_incoming(
    f: HeaderField,
    found: FieldAuthor,
    incoming: range,
    verdict: re.Pattern[str],
    stamps: frozenset[str],
) -> FieldAuthor:
    """A field credited to the receiver that sits inside the header Exchange received came with
    the message, whatever its name (an organisation header there is a copy or a forgery)."""
    if not found.is_receivers or f.index not in incoming or f.lname == "received":
        return found
    evidence = "Between X-IncomingTopHeaderMarker and X-IncomingHeaderCount (the header Exchange "
    evidence += "received with the message): "
    if f.lname in stamps or MS_ORG.match(f.lname) or verdict.match(f.lname):
        return FieldAuthor(
            f.index,
            f.name,
            Author.UNKNOWN,
            None,
            None,
            evidence + "not the receiving organisation's (a copy, or forged).",
        )
    return FieldAuthor(
        f.index,
        f.name,
        Author.SENDER,
        None,
        None,
        evidence + "written before the receiving organisation got it.",
    )
