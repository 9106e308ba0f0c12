"""Build the Received chain: delivery order, signed delays, hop roles and the trust boundary."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from headerlens.model.core import Defect, HeaderField, Severity
from headerlens.model.received import Boundary, Chain, Hop, HopRole, Received, Vendor
from headerlens.parsers.hops import (
    classify_hop,
    is_internal_ip,
    is_provider_internal,
    registrable_domain,
    special_range,
)
from headerlens.parsers.received import normalize_ip, parse_received

__all__ = ["CLOCK_SKEW_TOLERANCE", "STAND_IN_RANGES", "build_chain", "is_internal_ip"]

# Ranges only examples, labs and sanitised copies use (RFC 5737, RFC 3849, RFC 2544): a note,
# not a warning, when one is the boundary IP (hops.special_range labels start with these).
STAND_IN_RANGES = ("documentation", "benchmarking")

# Hops stamp whole seconds and clocks drift a little: a delay of -1 s is rounding, not skew.
CLOCK_SKEW_TOLERANCE = timedelta(seconds=1)

_SPF_IP_PATTERNS = (
    re.compile(r"client-ip=([0-9A-Fa-f:.]+)", re.IGNORECASE),
    re.compile(r"sender IP is ([0-9A-Fa-f:.]+)", re.IGNORECASE),
    re.compile(r"designates ([0-9A-Fa-f:.]+) as", re.IGNORECASE),
    # The lookbehind lets a match start only where a run of address characters starts, and the
    # run is bounded: without both, 60k digits cost a quadratic scan (68 s, found by the
    # hardening benchmark).
    re.compile(r"(?<![0-9A-Fa-f:.])([0-9A-Fa-f:.]{1,45}) is neither permitted nor denied", re.I),
)
_SPF_IN_AR = re.compile(r"(?:^|[;\s])spf=\w+(?P<rest>[^;]*)", re.IGNORECASE)
_MAILFROM_AR = re.compile(r"smtp\.mailfrom=(\"[^\"]*\"|[^;\s)]*)", re.IGNORECASE)
_ENVFROM_RSPF = re.compile(r"envelope-from=(\"[^\"]*\"|[^;\s]*)", re.IGNORECASE)
_HELO_RSPF = re.compile(r"\bhelo=(\"[^\"]*\"|[^;\s]*)", re.IGNORECASE)
_DOMAIN_OF = re.compile(r"domain of (?:transitioning )?(\S+?) (?:designates|does not)", re.I)


@dataclass(frozen=True, slots=True)
class _Evidence:
    """What the receiver stamped about the connecting client (Received-SPF or AR spf=)."""

    ip: str
    header_index: int
    mail_from: str | None
    helo: str | None
    source: str  # "Received-SPF" / "Authentication-Results"


def _unquote(value: str | None) -> str | None:
    if value is None:
        return None
    v = value.strip().strip('"').strip()
    return v[1:-1] if v.startswith("<") and v.endswith(">") else v


def _evidence(headers: Sequence[HeaderField]) -> list[_Evidence]:
    """Client IPs stated by Received-SPF (RFC 7208 §9.1) and AR spf= comments (RFC 8601)."""
    found: list[_Evidence] = []
    for h in headers:
        lname = h.lname
        if lname == "received-spf":
            ip = None
            for pat in _SPF_IP_PATTERNS:
                m = pat.search(h.value)
                if m and normalize_ip(m.group(1)):
                    ip = normalize_ip(m.group(1))
                    break
            if ip is None:
                continue
            env = _ENVFROM_RSPF.search(h.value)
            dom = _DOMAIN_OF.search(h.value)
            helo = _HELO_RSPF.search(h.value)
            mail_from = _unquote(env.group(1)) if env else (dom.group(1) if dom else None)
            found.append(
                _Evidence(
                    ip,
                    h.index,
                    mail_from,
                    _unquote(helo.group(1)) if helo else None,
                    "Received-SPF",
                )
            )
        elif lname == "authentication-results":
            for sm in _SPF_IN_AR.finditer(h.value):
                rest = sm.group("rest")
                ip = None
                for pat in _SPF_IP_PATTERNS:
                    m = pat.search(rest)
                    if m and normalize_ip(m.group(1)):
                        ip = normalize_ip(m.group(1))
                        break
                if ip is None:
                    continue
                mf = _MAILFROM_AR.search(rest)
                dom = _DOMAIN_OF.search(rest)
                mail_from = _unquote(mf.group(1)) if mf else (dom.group(1) if dom else None)
                found.append(_Evidence(ip, h.index, mail_from, None, "Authentication-Results"))
    return found


def stated_client_ip(field: HeaderField) -> str | None:
    """The connecting IP a Received-SPF or Authentication-Results field says it checked."""
    found = _evidence((field,))
    return found[0].ip if found else None


def _return_path(headers: Sequence[HeaderField]) -> str | None:
    for h in headers:
        if h.lname == "return-path":
            v = h.value.strip()
            m = re.search(r"<([^<>]*)>", v)
            return (m.group(1) if m else v).strip()
    return None


# Mailbox providers whose customers and own servers share one domain: sharing the domain
# with the receiver says nothing about being inside its organisation.
_SHARED_PROVIDER_DOMAINS = frozenset(
    {"google.com", "gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com", "me.com"}
)


def _sender_internal(hop: Hop, org: str | None, domain_of: Callable[[str], str | None]) -> bool:
    """Is the client side of this hop inside the receiving organisation?"""
    r = hop.received
    if r.from_ip is None and r.from_helo is None and r.from_rdns is None:
        return True  # a local hand-off: "by host with SMTP id", "(qmail invoked from network)"
    if is_internal_ip(r.from_ip):
        return True
    if is_provider_internal(r):
        return True
    if org is None or org in _SHARED_PROVIDER_DOMAINS:
        return False
    name = r.from_rdns or r.from_helo
    if name is None or normalize_ip(name) is not None:
        return False
    return domain_of(name) == org


def _receiver_org(hops: Sequence[Hop], domain_of: Callable[[str], str | None]) -> str | None:
    """The registrable domain of the final receiver: the newest 'by' that is a host name."""
    for hop in reversed(hops):
        by = hop.received.by
        if by and normalize_ip(by) is None and "." in by:
            return domain_of(by)
    return None


def _planted_below(ev: _Evidence, hop: Hop, hops: Sequence[Hop]) -> bool:
    """True when a stamp naming ``hop``'s client sits below the previous hop's Received line.

    Receivers usually write their Received-SPF / Authentication-Results next to their own
    Received line (above it, or just below it as Gmail does). A field under the hop before was
    either already in the message when it arrived — written by the sender (RFC 8601 §5) — or
    appended at the bottom by a receiver that adds fields there (Exim's ACL add_header does by
    default). Position alone cannot tell which, so such a stamp is weak evidence.
    """
    previous = next((h for h in hops if h.number == hop.number - 1), None)
    return previous is not None and ev.header_index > previous.header_index


def _stamped_client(
    evidence: Sequence[_Evidence], hops: Sequence[Hop]
) -> tuple[Hop, _Evidence, list[_Evidence], list[_Evidence]] | None:
    """The newest hop whose client a stamp names, with the stamps naming that client: those
    placed next to a hop, and those below the hop before it (weak: see _planted_below).

    Weak stamps decide the hop only when no placed stamp names any hop; their envelope sender
    is used only when nothing better is known (Return-Path, a placed stamp).
    """
    placed: list[tuple[Hop, _Evidence]] = []
    below: list[tuple[Hop, _Evidence]] = []
    for ev in evidence:
        if is_internal_ip(ev.ip):
            continue
        match = next((h for h in reversed(hops) if h.received.from_ip == ev.ip), None)
        if match is not None:
            (below if _planted_below(ev, match, hops) else placed).append((match, ev))
    pool = placed or below
    if not pool:
        return None
    hop, ev = max(pool, key=lambda pair: pair[0].number)
    strong = [e for h, e in placed if h.number == hop.number]
    weak = [e for h, e in below if h.number == hop.number]
    return hop, ev, strong, weak


def _set_aside(weak: Sequence[_Evidence], hop: Hop, mail_from: str | None) -> list[Defect]:
    """Say so when a weak stamp named another envelope sender than the one chosen."""
    out: list[Defect] = []
    for e in weak:
        if e.mail_from and mail_from and e.mail_from.lower() != mail_from.lower():
            out.append(
                Defect(
                    "chain.stamp-below-hop",
                    f"The {e.source} field (header #{e.header_index}) names {e.ip}, the client of "
                    f"hop {hop.number}, with envelope sender {e.mail_from}, but sits below the "
                    "hop before it: it was added by the sender, or by a receiver that appends "
                    "its fields at the bottom (Exim's add_header does). Its envelope sender was "
                    f"not used; {mail_from} was (RFC 8601 §5).",
                    Severity.INFO,
                )
            )
    return out


def _find_boundary(
    hops: Sequence[Hop],
    headers: Sequence[HeaderField],
    domain_of: Callable[[str], str | None],
) -> tuple[Boundary | None, list[Defect]]:
    defects: list[Defect] = []
    if not hops:
        return None, defects
    org = _receiver_org(hops, domain_of)

    heuristic: Hop | None = None
    for hop in reversed(hops):
        if not _sender_internal(hop, org, domain_of):
            heuristic = hop
            break

    # The receiver's own stamp is the strongest evidence: the newest hop whose connecting IP
    # is the client-ip of a Received-SPF or Authentication-Results spf= field.
    evidence = _evidence(headers)
    best = _stamped_client(evidence, hops)
    mail_from_candidates: list[str] = []
    helo: str | None = None
    weak: list[_Evidence] = []
    if best is not None:
        hop, ev, placed, weak = best
        reason = (
            f"The receiver's {ev.source} field names {ev.ip} as the connecting client, and "
            f"hop {hop.number} is where {hop.received.by or 'the receiver'} accepted the "
            f"message from {ev.ip}."
        )
        if heuristic is not None and heuristic.number != hop.number:
            reason += (
                f" (Walking the chain alone would have chosen hop {heuristic.number}; the "
                "stamped evidence takes precedence.)"
            )
        mail_from_candidates = [e.mail_from for e in placed if e.mail_from is not None]
        helo = next((e.helo for e in [*placed, *weak] if e.helo), None)
    elif heuristic is not None:
        hop = heuristic
        sender = hop.received.from_rdns or hop.received.from_helo or hop.received.from_ip
        reason = (
            f"Hop {hop.number} is the newest hop whose sending host ({sender}) is outside the "
            f"receiving organisation ({org or 'unknown'}); every later hop is internal."
        )
        if evidence:
            defects.append(
                Defect(
                    "chain.spf-ip-not-in-chain",
                    "The client IP stated by Received-SPF/Authentication-Results matches no "
                    "Received hop; the boundary was chosen from the chain alone.",
                    Severity.INFO,
                )
            )
    else:
        defects.append(
            Defect(
                "chain.no-boundary",
                "Every hop is internal to the receiving organisation; no entry point found.",
                Severity.INFO,
            )
        )
        return None, defects

    rp = _return_path(headers)
    mail_from = _choose_mail_from(mail_from_candidates, rp, hop.received.envelope_from)
    if mail_from is None:
        mail_from = next((e.mail_from for e in weak if e.mail_from is not None), None)
    defects += _set_aside(weak, hop, mail_from)
    return (
        Boundary(
            hop_number=hop.number,
            receiver=hop.received.by,
            ip=hop.received.from_ip,
            helo=helo or hop.received.from_helo,
            mail_from=mail_from,
            reason=reason,
        ),
        defects,
    )


def _choose_mail_from(
    candidates: list[str], return_path: str | None, envelope: str | None
) -> str | None:
    """Prefer a full address the receiver stamped, then Return-Path, then a bare domain."""
    for c in candidates:
        if "@" in c or c == "":
            return c
    if return_path is not None:
        domain_only = next((c for c in candidates if c), None)
        if domain_only is None or return_path.lower().endswith("@" + domain_only.lower()):
            return return_path
    if candidates:
        return candidates[0]
    return envelope


def _roles_around_boundary(hops: list[Hop], boundary: int | None) -> list[Hop]:
    """Gateway runs: the first hop into a filtering service is inbound, the last one before
    the message leaves it (before the boundary) is outbound, the rest internal."""
    gateway_vendors = {
        Vendor.EOP,
        Vendor.TREND_MICRO,
        Vendor.PROOFPOINT,
        Vendor.MIMECAST,
        Vendor.BARRACUDA,
        Vendor.IRONPORT,
    }
    out = list(hops)
    i = 0
    while i < len(out):
        if out[i].vendor not in gateway_vendors or out[i].role not in {
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
        if leaves:
            out[j] = replace(last, role=HopRole.GATEWAY_OUTBOUND)
        i = j + 1
    return out


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
        org = _receiver_org(hops, domain_of)
        for hop in hops:
            name = hop.received.from_rdns or hop.received.from_helo
            if (
                org is not None
                and org not in _SHARED_PROVIDER_DOMAINS
                and name is not None
                and normalize_ip(name) is None
                and domain_of(name) not in (None, org)
                and special_range(hop.received.from_ip) is not None
            ):
                entry = hop
                break
    label = special_range(entry.received.from_ip) if entry is not None else None
    if entry is None or label is None:
        return hops
    where = "the trust boundary" if boundary is not None else "where the message seems to enter"
    ip = entry.received.from_ip
    said = (
        f"Hop {entry.number} is {where} ({entry.received.by or 'the receiver'} accepted the "
        f"message from {ip}), but {ip} is a {label} address"
    )
    if label.startswith(STAND_IN_RANGES):
        # Examples, test labs and publishers who sanitise traces use these; no real server does.
        defect = Defect(
            "received.private-ip-external",
            f"{said}, used only in examples, tests and sanitised copies: SPF checked against "
            "it shows what a lab answers, not what the receiver saw.",
            Severity.INFO,
        )
    else:
        defect = Defect(
            "received.private-ip-external",
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
) -> Chain:
    """Build the chain from the header section (index 0 = top-most field).

    Only fields named exactly ``Received`` count (not X-Received, not ARC). Hop 1 is the
    bottom-most field (RFC 5321 §4.4: each relay prepends its line). ``registrable_domain_of``
    lets a caller pass a Public Suffix List lookup; by default a small built-in heuristic is used
    because this layer does no I/O. ``parse`` reads one Received field (analyze passes
    parse_received under its parser guard).
    """
    read = parse or (lambda field: parse_received(field.value))
    domain_of = registrable_domain_of or registrable_domain
    fields = sorted((h for h in headers if h.lname == "received"), key=lambda h: h.index)
    hops: list[Hop] = []
    # Signed delays against the previous dated hop (never wrapped around a day), computed as
    # the hops are built so each Hop is constructed once.
    prev_ts = None
    first_ts = None
    last_ts = None
    for number, field in enumerate(reversed(fields), start=1):
        received: Received = read(field)
        role, vendor, version = classify_hop(received)
        ts = received.timestamp
        delay: timedelta | None = None
        skew = False
        hop_defects: tuple[Defect, ...] = ()
        if ts is None:
            hop_defects = (
                Defect(
                    "hop.undated",
                    f"Hop {number} has no usable date; its delay is unknown.",
                    Severity.INFO,
                ),
            )
        else:
            if prev_ts is not None:
                delay = ts - prev_ts
                skew = delay < -CLOCK_SKEW_TOLERANCE
                if skew:
                    hop_defects = (
                        Defect(
                            "hop.clock-skew",
                            f"Hop {number} is stamped {-delay} earlier than the hop before it: "
                            "one of the two servers' clocks is wrong.",
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
                delay=delay,
                clock_skew=skew,
                defects=hop_defects,
            )
        )

    total = last_ts - first_ts if first_ts is not None and last_ts is not None else None
    boundary, defects = _find_boundary(hops, headers, domain_of)
    if boundary is not None:
        hops = [
            replace(h, is_boundary=True) if h.number == boundary.hop_number else h for h in hops
        ]
    hops = _roles_around_boundary(hops, boundary.hop_number if boundary else None)
    hops = _private_external(hops, boundary, domain_of)
    if not hops:
        defects.append(Defect("chain.empty", "The message has no Received fields.", Severity.INFO))
    return Chain(hops=tuple(hops), total_transit=total, boundary=boundary, defects=tuple(defects))
