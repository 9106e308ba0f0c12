"""The receiver's own SPF stamps at the trust boundary: which one names the entry hop, and which
were set aside.

A Received-SPF or Authentication-Results field naming a client IP counts only where the receiving
organisation wrote it: above the boundary hop's Received line, or directly below it carrying the
receiver's identity (RFC 8601 §5, RFC 7208 §9.1). Anything else is what a sender can plant.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from headerlens.model.core import Defect, HeaderField, Severity
from headerlens.model.received import Hop, TrustedHosts
from headerlens.parsers.boundary_client import client_inside
from headerlens.parsers.hops import GATEWAY_VENDORS, is_internal_ip, vendor_of_host
from headerlens.parsers.masked_ip import PLACEHOLDERS
from headerlens.parsers.provenance_apple import sibling_orgs
from headerlens.parsers.received import normalize_ip
from headerlens.parsers.stamp_evidence import Evidence, first_stated_ip

__all__ = ["Pick", "identity_in_org", "org_of", "receivers_pick", "set_aside", "spf_at"]


def _gateway_client(hop: Hop) -> bool:
    """The client is a filtering service (by the reverse DNS its receiver wrote)."""
    return vendor_of_host(hop.received.from_rdns) in GATEWAY_VENDORS


def org_of(host: str | None, domain_of: Callable[[str], str | None]) -> str | None:
    """The registrable domain of a host name (None for an IP or a bare name)."""
    if not host or "." not in host or normalize_ip(host) is not None:
        return None
    return domain_of(host.rstrip("."))


def identity_in_org(
    identity: str | None,
    org: str | None,
    trusted: Sequence[Hop],
    domain_of: Callable[[str], str | None],
) -> bool:
    """Does a stamp's identity (authserv-id, receiver=) name the receiving organisation or one
    of the hosts inside it?"""
    if not identity:
        return False
    orgs = {org} | {org_of(h.received.by, domain_of) for h in trusted}
    orgs.discard(None)
    orgs |= {s for o in tuple(orgs) for s in sibling_orgs(o)}
    hosts = {(h.received.by or "").lower().rstrip(".") for h in trusted}
    return identity in orgs or identity in hosts or domain_of(identity) in orgs


@dataclass(frozen=True, slots=True)
class Pick:
    """A receiver's stamp (``ev``) and the hop whose client it names (``hop``)."""

    hop: Hop
    ev: Evidence


def receivers_pick(
    evidence: Sequence[Evidence],
    hops: Sequence[Hop],
    walk: Hop,
    org: str | None,
    domain_of: Callable[[str], str | None],
    trusted: TrustedHosts | None,
) -> tuple[Pick | None, list[Evidence]]:
    """The receiver's stamp that decides the boundary, and the receiver's stamps used.

    A stamp is the receiving organisation's when it sits above the Received line of the walk's
    boundary hop (only hosts inside wrote there), or directly below that line (where Gmail and
    Postfix milters write) carrying the receiver's identity. One directly below may name an older
    hop only across the receiver's filtering gateways (a Google Workspace inbound gateway):
    otherwise it is what a sender plants to make a forged hop look like the entry.
    """
    by_number = {h.number: h for h in hops}
    older = by_number.get(walk.number - 1)
    receiving = [h for h in hops if h.number >= walk.number]
    picks: list[Pick] = []
    used: list[Evidence] = []
    for ev in evidence:
        above = ev.header_index < walk.header_index
        below = (
            not above
            and (older is None or ev.header_index < older.header_index)
            and identity_in_org(ev.identity, org, receiving, domain_of)
        )
        if not (above or below) or is_internal_ip(ev.ip) or ev.ip in PLACEHOLDERS:
            continue
        hop = next((h for h in reversed(hops) if h.received.from_ip == ev.ip), None)
        if hop is None:
            used.append(ev)
            continue
        if hop.number > walk.number and ev.header_index > hop.header_index:
            continue  # below the line of the hop it names: not written after that hop
        if below and hop.number < walk.number:
            between = [by_number[n] for n in range(hop.number + 1, walk.number + 1)]
            if not all(
                _gateway_client(h) or client_inside(h, org, domain_of, trusted) for h in between
            ):
                continue
        picks.append(Pick(hop, ev))
        used.append(ev)
    if not picks:
        return None, used
    return max(picks, key=lambda p: p.hop.number), used


def set_aside(
    evidence: Sequence[Evidence],
    used: Sequence[Evidence],
    hops: Sequence[Hop],
    chosen: Hop,
    mail_from: str | None,
) -> list[Defect]:
    """Stamps the receiving organisation did not write that name a hop's client: say what was
    set aside when they would have changed the boundary or the envelope sender."""
    out: list[Defect] = []
    taken = set(used)  # (a list's "in" compared every pair: quadratic in planted stamps)
    for e in evidence:
        if e in taken or is_internal_ip(e.ip) or e.ip in PLACEHOLDERS:
            continue
        hop = next((h for h in reversed(hops) if h.received.from_ip == e.ip), None)
        if hop is None:
            continue
        other_hop = hop.number != chosen.number
        other_sender = bool(e.mail_from and mail_from and e.mail_from.lower() != mail_from.lower())
        if not (other_hop or other_sender):
            continue
        said = f"hop {hop.number}'s client {e.ip}" + (
            f" with envelope sender {e.mail_from}" if e.mail_from else ""
        )
        from headerlens.model.codes import Code

        out.append(
            Defect(
                Code.CHAIN_STAMP_BELOW_HOP,
                f"The {e.source} field (header #{e.header_index}) names {said}, but the receiving "
                "organisation did not write it: it sits where the sender's own fields are (or "
                "where a receiver appends at the bottom, as Exim's add_header does), so it was "
                f"set aside; the boundary is hop {chosen.number}"
                + (f" and the envelope sender {mail_from}" if mail_from else "")
                + " (RFC 8601 §5).",
                Severity.INFO if not other_hop else Severity.WARNING,
            )
        )
    return out


def spf_at(headers: Sequence[HeaderField], hop: Hop) -> str | None:
    """The SPF result the receiver of ``hop`` stamped (above its line) for that hop's client."""
    for h in headers:
        if h.index >= hop.header_index or first_stated_ip(h.value) != hop.received.from_ip:
            continue
        if h.lname == "received-spf":
            m = re.match(r"\s*(\w+)", h.value)
        elif h.lname in ("authentication-results", "arc-authentication-results"):
            m = re.search(r"(?:^|[;\s])spf=(\w+)", h.value, re.IGNORECASE)
        else:
            continue
        if m:
            return m.group(1).lower()
    return None
