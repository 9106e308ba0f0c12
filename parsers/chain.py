"""Build the Received chain: delivery order, signed delays, hop roles and the trust boundary."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta

from headerlens.model.core import Defect, HeaderField, Severity
from headerlens.model.received import (
    Boundary,
    Chain,
    Hop,
    HopRole,
    Received,
    TrustedHosts,
    Vendor,
)
from headerlens.parsers.boundary import (
    find_boundary,
    receiver_org,
)
from headerlens.parsers.boundary_client import SHARED_PROVIDER_DOMAINS
from headerlens.parsers.hop_products import Hints, message_hints, named_software
from headerlens.parsers.hops import (
    GATEWAY_VENDORS,
    classify_hop,
    is_internal_ip,
    registrable_domain,
    special_range,
)
from headerlens.parsers.masked_ip import client_text, masked_private
from headerlens.parsers.received import normalize_ip, parse_received

__all__ = [
    "CLOCK_SKEW_TOLERANCE",
    "STAND_IN_RANGES",
    "build_chain",
    "is_internal_ip",
    "non_public_range",
]

# Ranges only examples, labs and sanitised copies use (RFC 5737, RFC 3849, RFC 2544): a note,
# not a warning, when one is the boundary IP (hops.special_range labels start with these).
STAND_IN_RANGES = ("documentation", "benchmarking")

# Hops stamp whole seconds and clocks drift a little: a delay of -1 s is rounding, not skew.
CLOCK_SKEW_TOLERANCE = timedelta(seconds=1)


# Services whose hops form an inbound / internal / outbound run (EOP is one for its tenants).
_RUN_VENDORS = GATEWAY_VENDORS | {Vendor.EOP}


def _roles_around_boundary(
    hops: list[Hop], boundary: int | None, spf_clients: frozenset[str] = frozenset()
) -> list[Hop]:
    """Gateway runs: the first hop into a filtering service is inbound, the last one before
    the message leaves it (before the boundary) is outbound, the rest internal. A run whose
    first client a Received-SPF checked (``spf_clients``: the gateway's inbound SPF check of the
    original envelope, as a hosted IronPort in front of an on-premises Exchange writes it) took
    the message in from outside: an inbound gateway, whoever it serves, not an outbound one."""
    out = list(hops)
    i = 0
    while i < len(out):
        if out[i].vendor not in _RUN_VENDORS or out[i].role not in {
            HopRole.GATEWAY_INBOUND,
            HopRole.GATEWAY_INTERNAL,
        }:
            i += 1
            continue
        j = i
        while (
            j + 1 < len(out)
            and out[j + 1].vendor == out[i].vendor
            and out[j + 1].role in {HopRole.GATEWAY_INBOUND, HopRole.GATEWAY_INTERNAL}
        ):
            j += 1
        last = out[j]
        leaves = j + 1 < len(out) and (boundary is None or last.number < boundary)
        # Handed over by another service's outbound gateway (WDC's IronPort -> Red Hat's
        # Mimecast): this run is the next organisation's inbound gateway, not an outbound one.
        after_outbound = (
            i > 0
            and out[i - 1].vendor != out[i].vendor
            and out[i - 1].role is HopRole.GATEWAY_OUTBOUND
        )
        checked_in = (out[i].received.from_ip or "").lower() in spf_clients
        if leaves and not after_outbound and not checked_in:
            out[j] = replace(last, role=HopRole.GATEWAY_OUTBOUND)
        i = j + 1
    return out


def _product_runs(hops: list[Hop], boundary: int | None, hints: Hints) -> list[Hop]:
    """Roles that need the neighbouring hops: Google Groups' distribution, and the sending
    tenant's own pass through EOP before the trust boundary.

    Google hops right after a Google Groups hop are the group's delivery, not Gmail's. When
    the sending tenant's Exchange Online left its outbound marks (DIR:OUT, HybridOnPrem), EOP
    and Exchange Online hops below the boundary are that tenant's outbound path: it re-entered
    its own EOP through a connector, which is not the recipient's "gateway inbound".
    """
    out = list(hops)
    for i in range(1, len(out)):
        if out[i - 1].vendor is Vendor.GOOGLE_GROUPS and out[i].vendor is Vendor.GMAIL:
            out[i] = replace(out[i], vendor=Vendor.GOOGLE_GROUPS, role=HopRole.INTERNAL)
    if hints.eop_outbound and boundary is not None:
        microsoft = {Vendor.EOP, Vendor.EXCHANGE_ONLINE}
        for i, hop in enumerate(out):
            if (
                hop.number < boundary
                and hop.vendor in microsoft
                and hop.role
                in {
                    HopRole.GATEWAY_INBOUND,
                    HopRole.GATEWAY_INTERNAL,
                }
            ):
                out[i] = replace(hop, role=HopRole.GATEWAY_OUTBOUND)
    return out


def non_public_range(hop: Hop) -> str | None:
    """The non-public range of a hop's client address, written out or masked in the paste."""
    if (masked := masked_private(hop.received)) is not None:
        return f"masked {masked}"
    return special_range(hop.received.from_ip)


def _private_external(
    hops: list[Hop], boundary: Boundary | None, domain_of: Callable[[str], str | None]
) -> list[Hop]:
    """Flag the hop where the message entered the receiving organisation when its connecting
    IP is private, reserved or a documentation address (catalogue C10).

    That IP is what SPF is checked against (RFC 7208 §4.1), so a non-public one makes the SPF
    verdict meaningless: the receiver sits behind NAT or a proxy, an internal relay was not
    recognised, or the line was forged or sanitised. Private addresses on hops inside an
    organisation (the receiver's after the boundary, the sender's before it) are normal and
    are not flagged. With no boundary, the oldest hop from a host named in another
    organisation is the entry point that went unrecognised because of its private IP.
    """
    entry: Hop | None = None
    if boundary is not None:
        entry = next((h for h in hops if h.number == boundary.hop_number), None)
    else:
        org = receiver_org(hops, domain_of)
        for hop in hops:
            name = hop.received.from_rdns or hop.received.from_helo
            if (
                org is not None
                and org not in SHARED_PROVIDER_DOMAINS
                and name is not None
                and normalize_ip(name) is None
                and domain_of(name) not in (None, org)
                and non_public_range(hop) is not None
            ):
                entry = hop
                break
    label = non_public_range(entry) if entry is not None else None
    if entry is None or label is None:
        return hops
    where = "the trust boundary" if boundary is not None else "where the message seems to enter"
    ip = client_text(entry.received)
    said = (
        f"Hop {entry.number} is {where} ({entry.received.by or 'the receiver'} accepted the "
        f"message from {ip}), but {ip} is a {label} address"
    )
    if label.startswith(STAND_IN_RANGES):
        from headerlens.model.codes import Code

        # Examples, test labs and publishers who sanitise traces use these; no real server does.
        defect = Defect(
            Code.RECEIVED_PRIVATE_IP_EXTERNAL,
            f"{said}, used only in examples, tests and sanitised copies: SPF checked against "
            "it shows what a lab answers, not what the receiver saw.",
            Severity.INFO,
        )
    else:
        from headerlens.model.codes import Code

        defect = Defect(
            Code.RECEIVED_PRIVATE_IP_EXTERNAL,
            f"{said}, not a public one: SPF checked against it means nothing. The receiver "
            "sits behind NAT or a proxy, an internal relay was not recognised, or the line "
            "was forged.",
        )
    return [replace(h, defects=(*h.defects, defect)) if h is entry else h for h in hops]


def build_chain(
    headers: Sequence[HeaderField],
    *,
    registrable_domain_of: Callable[[str], str | None] | None = None,
    parse: Callable[[HeaderField], Received] | None = None,
    trusted: TrustedHosts | None = None,
) -> Chain:
    """Build the chain from the header section (index 0 = top-most field).

    Only fields named exactly ``Received`` count (not X-Received, not ARC). Hop 1 is the
    bottom-most field (RFC 5321 §4.4: each relay prepends its line). ``registrable_domain_of``
    lets a caller pass a Public Suffix List lookup; by default a small built-in heuristic is used
    because this layer does no I/O. ``parse`` reads one Received field (analyze passes
    parse_received under its parser guard). ``trusted`` lists the receiving organisation's own
    hosts for the boundary walk (parsers.boundary).
    """
    read = parse or (lambda field: parse_received(field.value))
    domain_of = registrable_domain_of or registrable_domain
    hints = message_hints(headers)
    fields = sorted((h for h in headers if h.lname == "received"), key=lambda h: h.index)
    hops: list[Hop] = []
    # Signed delays against the previous dated hop (never wrapped around a day), computed as
    # the hops are built so each Hop is constructed once.
    prev_ts = None
    first_ts = None
    last_ts = None
    for number, field in enumerate(reversed(fields), start=1):
        received: Received = read(field)
        role, vendor, version = classify_hop(received, hints)
        ts = received.timestamp
        delay: timedelta | None = None
        skew = False
        hop_defects: tuple[Defect, ...] = ()
        if ts is None:
            from headerlens.model.codes import Code

            hop_defects = (
                Defect(
                    Code.HOP_UNDATED,
                    f"Hop {number} has no usable date; its delay is unknown.",
                    Severity.INFO,
                ),
            )
        else:
            if prev_ts is not None:
                delay = ts - prev_ts
                skew = delay < -CLOCK_SKEW_TOLERANCE
                if skew:
                    from headerlens.model.codes import Code

                    hop_defects = (
                        Defect(
                            Code.HOP_CLOCK_SKEW,
                            f"Hop {number} is stamped {-delay} earlier than the hop before it: "
                            "one of the two servers' clocks is wrong, or one of the two lines "
                            "does not belong to this message's path.",
                        ),
                    )
            prev_ts = ts
            first_ts = first_ts or ts
            last_ts = ts
        hops.append(
            Hop(
                number=number,
                header_index=field.index,
                received=received,
                role=role,
                vendor=vendor,
                product_version=version,
                product=named_software(received) if vendor is Vendor.GENERIC else None,
                delay=delay,
                clock_skew=skew,
                defects=hop_defects,
            )
        )

    total = last_ts - first_ts if first_ts is not None and last_ts is not None else None
    boundary, defects = find_boundary(hops, headers, domain_of, trusted)
    if boundary is not None:
        hops = [
            replace(h, is_boundary=True) if h.number == boundary.hop_number else h for h in hops
        ]
    hops = _roles_around_boundary(
        hops, boundary.hop_number if boundary else None, hints.spf_clients
    )
    hops = _product_runs(hops, boundary.hop_number if boundary else None, hints)
    hops = _private_external(hops, boundary, domain_of)
    if not hops:
        from headerlens.model.codes import Code

        defects.append(
            Defect(Code.CHAIN_EMPTY, "The message has no Received fields.", Severity.INFO)
        )
    return Chain(hops=tuple(hops), total_transit=total, boundary=boundary, defects=tuple(defects))
