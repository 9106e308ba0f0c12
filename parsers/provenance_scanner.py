"""Spam-filter fields at the bottom of a header that name the relay whose filter wrote them (pure).

A mailing list or a forwarder that runs SpamAssassin or amavisd inserts its verdict fields among
the message's own header before it re-sends the message, so they end up below every Received line,
where the sender's fields are. SpamAssassin names the host it ran on (``X-Spam-Checker-Version:
SpamAssassin 3.4.6 (2021-04-09) on HOST``, the report template's ``running on the system "HOST"``),
amavisd-new writes ``X-Virus-Scanned: amavisd-new at HOST``, and some hosts tie the run to their
queue id (SourceForge's ``X-Headers-End: ID``); Exim's ACLs append a ``Received-SPF`` naming the
client they checked. When that host, that id or that client belongs to a hop below
the receiver's boundary, the run of filter fields around it is that organisation's verdict, not the
sender's. It is never the receiving organisation's: a named receiver host is not trusted here,
since anyone can write a host name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Sequence

from headerlens.model.core import HeaderField
from headerlens.model.received import Hop, Vendor
from headerlens.parsers.authresults import parse_auth_results
from headerlens.parsers.stamp_evidence import stamp_identity, stated_client_ip

__all__ = [
    "DELIVERY_FILTER",
    "named_host",
    "own_line_stamp",
    "receiver_named_runs",
    "scanner_hops",
]

# Fields a content filter inserts as one run (SpamAssassin, amavisd, list hosts' own checks).
_RUN = re.compile(
    r"^(?:x-(?:[\w-]*spam[\w-]*|[\w-]*virus[\w-]*|headers-end|helo-check|amavis[\w-]*"
    r"|(?:proofpoint|mimecast|ironport|barracuda|tm-as|sasi|sophos|clx)-[\w-]+)"
    r"|received-spf)$"
)
# Filtering gateways that name their verdict fields after themselves: such a field in a run at
# the bottom is that vendor's gateway's when exactly one hop before the receiver is one of its.
_VENDOR_FIELD = (
    ("x-proofpoint-", Vendor.PROOFPOINT),
    ("x-clx-", Vendor.PROOFPOINT),  # Proofpoint's Cloudmark engine
    ("x-mimecast-", Vendor.MIMECAST),
    ("x-ironport-", Vendor.IRONPORT),
    ("x-barracuda-", Vendor.BARRACUDA),
    ("x-tm-as-", Vendor.TREND_MICRO),
    ("x-sasi-", Vendor.SOPHOS),
    ("x-sophos-", Vendor.SOPHOS),
)
_NAMED_HOST = (
    re.compile(r"\bSpamAssassin\b[^\n]*?\bon\s+([\w-]+(?:\.[\w-]+)+)", re.IGNORECASE),
    re.compile(r"running on the system\s+\"([\w-]+(?:\.[\w-]+)+)\"", re.IGNORECASE),
    re.compile(r"\bamavisd(?:-new)?\s+at\s+([\w-]+(?:\.[\w-]+)+)", re.IGNORECASE),
)
# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches a scanner's queue id should not pay for compiling it before the console's first frame.
_QUEUE_ID = r"^\s*([\w-]{6,})\s*$"


def _named(field: HeaderField) -> tuple[str | None, str | None]:
    """The host a filter field names, and a queue id it carries (X-Headers-End)."""
    text = " ".join(field.value.split())
    for pattern in _NAMED_HOST:
        m = pattern.search(text)
        if m:
            return m.group(1).lower().rstrip("."), None
    if field.lname == "x-headers-end":
        m = re.match(_QUEUE_ID, field.value)
        if m:
            return None, m.group(1)
    return None, None


def named_host(field: HeaderField) -> str | None:
    """The host a filter field names as the one it ran on, lower case."""
    return _named(field)[0]


def _bottom_runs(fields: Sequence[HeaderField]) -> list[list[int]]:
    """The unbroken runs of filter fields below every Received line (header indices)."""
    last_received = max((f.index for f in fields if f.lname == "received"), default=len(fields))
    runs: list[list[int]] = []
    i = last_received + 1
    while i < len(fields):
        if not _RUN.match(fields[i].lname):
            i += 1
            continue
        run = list(range(i, len(fields)))
        run = run[: next((k for k, j in enumerate(run) if not _RUN.match(fields[j].lname)), None)]
        i = run[-1] + 1
        runs.append(run)
    return runs


# How the evidence of such a run says it (the diagnosis does not show it as the sender's scan).
DELIVERY_FILTER = "a filter run at delivery"


def receiver_named_runs(
    fields: Sequence[HeaderField], receiver_org: str | None, domain_of: Callable[[str], str | None]
) -> dict[int, tuple[str, str]]:
    """Header index -> (the receiving organisation's host, why) for the runs of filter fields
    below every Received line that name such a host (``SpamAssassin … on HOST``,
    ``amavisd-new at HOST``). A filter run at delivery (SpamAssassin from procmail or a delivery
    agent) appends its fields there, so they are not the sender's by position; but a sender can
    write that name too, so they are not the receiver's either: the caller keeps them "unknown"
    and says why."""
    out: dict[int, tuple[str, str]] = {}
    for run in _bottom_runs(fields) if receiver_org else ():
        hosts = [h for j in run if (h := _named(fields[j])[0]) and domain_of(h) == receiver_org]
        if hosts:
            why = (
                f" The run names the receiver's host {hosts[0]}: {DELIVERY_FILTER} "
                "(SpamAssassin from procmail) appends its fields there, but a sender can write "
                "that name too."
            )
            out.update(dict.fromkeys(run, (hosts[0], why)))
    return out


def scanner_hops(
    fields: Sequence[HeaderField],
    outside: Sequence[Hop],
    receiver_org: str | None,
    domain_of: Callable[[str], str | None],
) -> dict[int, tuple[Hop, str]]:
    """Header index -> (the hop below the boundary whose organisation's filter wrote the field,
    why) for the runs of filter fields below every Received line that name that organisation's
    host or carry its queue id. ``outside`` are the hops before the receiving organisation."""
    out: dict[int, tuple[Hop, str]] = {}
    for run in _bottom_runs(fields):
        found = _run_owner([fields[j] for j in run], outside, receiver_org, domain_of)
        if found is not None:
            out.update(dict.fromkeys(run, found))
    return out


def _run_owner(
    run: Sequence[HeaderField],
    outside: Sequence[Hop],
    receiver_org: str | None,
    domain_of: Callable[[str], str | None],
) -> tuple[Hop, str] | None:
    named = [(field, *_named(field)) for field in run]
    newest_first = sorted(outside, key=lambda h: -h.number)
    for field, _host, queue in named:  # a queue id names one hop exactly
        for hop in newest_first:
            if queue is not None and (hop.received.id or "").lower() == queue.lower():
                return hop, f"{field.name} carries {queue}, the queue id of hop {hop.number}"
    for field in run:  # an SPF stamp naming a hop's client: Exim's ACL appends it at the bottom
        ip = stated_client_ip(field) if field.lname == "received-spf" else None
        for hop in newest_first:
            if ip is not None and hop.received.from_ip == ip:
                return hop, f"{field.name} names {ip}, the client of hop {hop.number}"
    for field, host, _queue in named:
        for hop in newest_first:
            by_org = domain_of(hop.received.by) if hop.received.by else None
            if host is None or by_org is None or by_org == receiver_org:
                continue
            if domain_of(host) == by_org:
                return hop, f"{field.name} names {host}, a host of {by_org} (hop {hop.number})"
    return _vendor_owner(run, newest_first)


def _vendor_owner(
    run: Sequence[HeaderField], newest_first: Sequence[Hop]
) -> tuple[Hop, str] | None:
    """The gateway whose vendor names the run's fields, when the message passed that vendor's
    gateway once before the receiver (its own adjacent Received lines say so): its verdict, not
    the sender's. Never the receiver's: anyone can write a vendor's field name."""
    for field in run:
        vendor = next((v for p, v in _VENDOR_FIELD if field.lname.startswith(p)), None)
        gateways = [h for h in newest_first if vendor is not None and h.vendor is vendor]
        numbers = sorted(h.number for h in gateways)
        # one pass through that vendor (its entry and re-injection lines, adjacent); two passes
        # (a sender's outbound and a list's inbound gateway) cannot be told apart by name
        if vendor is None or not numbers or numbers[-1] - numbers[0] + 1 != len(numbers):
            continue
        hop = gateways[0]
        return hop, (
            f"{field.name} is {vendor.value}'s field, and hop {hop.number} "
            f"({hop.received.by}) is where the message passed the {vendor.value} gateway"
        )
    return None


_STAMPS = frozenset({"authentication-results", "received-spf", "arc-authentication-results"})


def own_line_stamp(
    f: HeaderField,
    hop: Hop,
    received_at: Container[int],
    domain_of: Callable[[str], str | None],
) -> bool:
    """A stamp right below a relay's Received line (Gmail and milters write there), with no
    other Received line between, that names that line's receiving host as its identity (a list
    host's OpenDKIM/OpenDMARC stamp carries no client), or whose identity is in that host's
    organisation and which names that line's client: that hop's receiver wrote it, not the hop
    below. A stamp naming another client than the line's is not its receiver's."""
    if f.lname not in _STAMPS or any(
        i in received_at for i in range(hop.header_index + 1, f.index)
    ):
        return False
    ident = (
        parse_auth_results(f).authserv_id if f.lname == "arc-authentication-results" else None
    ) or stamp_identity(f)
    ident = (ident or "").lower().rstrip(".")
    by = (hop.received.by or "").lower().rstrip(".")
    org = domain_of(by) if by else None
    ip = stated_client_ip(f)
    if ip is not None and ip != hop.received.from_ip:
        return False
    return bool(ident) and (ident == by or (ip is not None and domain_of(ident) == org))
