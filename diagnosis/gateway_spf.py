"""A failed SPF stamp on a filtering gateway's hand-off (Mimecast, Proofpoint... in front of EOP)."""

from __future__ import annotations

import re

from headerlens.diagnosis.own_connector import ON_PREMISES, own_connector
from headerlens.diagnosis.replyto import freemail_fix
from headerlens.model import Analysis, AuthResults, Hop
from headerlens.parsers.boundary_client import rdns_confirmed
from headerlens.parsers.hops import GATEWAY_VENDORS, vendor_of_host

_CIP = re.compile(r"(?:^|;)\s*CIP:\s*\[?([0-9a-fA-F:.]+)\]?\s*;", re.IGNORECASE)
_PTR = re.compile(r"(?:^|;)\s*PTR:\s*([A-Za-z0-9.-]+)\s*;", re.IGNORECASE)


def _ptr_by_receiver(analysis: Analysis, hop: Hop) -> str | None:
    """The reverse DNS name Microsoft looked up for the hop's client (CIP/PTR of the
    X-Forefront-Antispam-Report the final receiving organisation wrote), or None."""
    for h in analysis.headers:
        if h.lname != "x-forefront-antispam-report":
            continue
        if not analysis.provenance.is_receivers(h.index):
            continue
        cip, ptr = _CIP.search(h.value), _PTR.search(h.value)
        if cip and ptr and cip.group(1) == hop.received.from_ip:
            return ptr.group(1).rstrip(".").lower()
    return None


def gateway_handoff(analysis: Analysis) -> tuple[Hop, Hop, str] | None:
    """The boundary hop when its client is a filtering gateway by a name the receiver looked up
    (its confirmed reverse DNS, or Microsoft's PTR field), and the line right below it is that
    gateway's own: (boundary hop, the gateway's hop, the gateway's vendor name). A HELO alone
    never counts (it is the client's claim)."""
    b = analysis.chain.boundary
    if b is None or b.ip is None:
        return None
    if (own := own_connector(analysis)) is not None:
        return own[0], own[1], ON_PREMISES
    by_number = {h.number: h for h in analysis.chain.hops}
    hop, below = by_number.get(b.hop_number), by_number.get(b.hop_number - 1)
    if hop is None or below is None or hop.received.from_ip != b.ip:
        return None
    r = hop.received
    name = r.from_rdns if r.from_rdns and rdns_confirmed(r) else _ptr_by_receiver(analysis, hop)
    vendor = vendor_of_host(name)
    if vendor is None or vendor not in GATEWAY_VENDORS:
        return None
    if vendor_of_host(below.received.by) != vendor:
        return None
    return hop, below, vendor.value


def gateway_spf(
    who: str, result: str, ar: AuthResults, analysis: Analysis, handoff: tuple[Hop, Hop, str]
) -> tuple[str, str, bool]:
    """Sentence, fix and whether DMARC still passed, for the receiver's failed SPF stamp on a
    gateway's address: the check named the gateway, not the server that sent the message, and
    the headers cannot tell whether the gateway is the recipient's or the sender's relay."""
    hop, below, vendor = handoff
    r = hop.received
    name = r.from_rdns or _ptr_by_receiver(analysis, hop) or r.from_helo or r.from_ip
    mf = next((x.prop("smtp.mailfrom") for x in ar.results if x.method.lower() == "spf"), None)
    dom = (mf or "").rsplit("@", 1)[-1] or "the envelope sender's domain"
    passed = any(
        x.method.lower() in ("dmarc", "compauth") and x.result.lower() == "pass" for x in ar.results
    )
    sentence = (
        f"{who} stamped spf={result} for {r.from_ip}, which is {name}, a {vendor} filtering "
        f"gateway that handed the message over (its own Received line is hop {below.number}): "
        "SPF was checked against the gateway, not against the server that sent the message."
    )
    if passed:
        sentence += " DMARC still passed (on DKIM), so this failure changed nothing."
    fix = (
        f"If {vendor} is the recipient organisation's own gateway (its MX points there), this "
        f"is expected and nothing is to be fixed at {dom}: at {r.by or 'the receiver'}, turn on "
        "Enhanced Filtering for Connectors (skip listing) for the gateway's addresses, or trust "
        "its ARC seal, so SPF is checked against the sending server."
    )
    if freemail_fix(dom) is None:
        fix += f" If it is the sender's outbound relay, {dom}'s SPF record must include it."
    return sentence, fix, passed


_SFV = re.compile(r"(?:^|;)\s*SFV:\s*(SKN|SKA)\s*;", re.IGNORECASE)
_IPV = re.compile(r"(?:^|;)\s*IPV:\s*CAL\s*;", re.IGNORECASE)


def gateway_wrote(writer: str | None, handoff: tuple[Hop, Hop, str]) -> bool:
    """Whether ``writer`` (a field's author host) is the gateway that handed the message over."""
    w = (writer or "").rstrip(".").lower()
    return bool(w) and w == (handoff[1].received.by or "").rstrip(".").lower()


def gateway_author(analysis: Analysis, handoff: tuple[Hop, Hop, str]) -> str:
    """Who a field of the handing-over gateway is by: the headers do not say whether the gateway
    filtered for the recipient (its MX) or relayed for the sender; the receiver's own filter
    letting the gateway's address skip it (SFV:SKN / SFV:SKA / IPV:CAL, its admins' rule or allow
    list) is the sign of the recipient organisation's own gateway, never a proof."""
    hop, below, vendor = handoff
    words = (
        f"written by the {vendor} gateway that handed it to the receiver ({below.received.by}): "
        "the recipient's own gateway or the sender's relay, the headers do not say which"
    )
    for h in analysis.headers:
        if h.lname != "x-forefront-antispam-report" or not analysis.provenance.is_receivers(
            h.index
        ):
            continue
        cip = _CIP.search(h.value)
        skip = _SFV.search(h.value) or _IPV.search(h.value)
        if cip and skip and cip.group(1) == hop.received.from_ip:
            words = (
                f"written by the {vendor} gateway that handed it to the receiver "
                f"({below.received.by}); the receiver let that gateway's mail skip its filter "
                f"({skip.group(0).strip(' ;')}): most likely the recipient's own gateway"
            )
    return words
