"""Which hosted mail service handed a message to the trust boundary, and the SPF include it needs."""

from __future__ import annotations

from dataclasses import dataclass

from headerlens.diagnosis.inputs import confirmed_rdns, same_org
from headerlens.model import Analysis
from headerlens.model.received import Hop, Vendor
from headerlens.model.spf import SpfResult


@dataclass(frozen=True, slots=True)
class SendingService:
    """A hosted outbound service and the SPF include its customers publish.

    ``host_suffixes`` are the DNS suffixes of its outbound servers (as seen in HELO or reverse
    DNS at the receiver); ``vendors`` the hop vendors that identify it in the Received chain.
    """

    name: str
    spf_include: str  # the domain customers name in include: (the vendor's documented value)
    host_suffixes: tuple[str, ...]
    vendors: tuple[Vendor, ...]


EOP = SendingService(
    "Exchange Online Protection",
    "spf.protection.outlook.com",
    ("protection.outlook.com",),
    (Vendor.EOP, Vendor.EXCHANGE_ONLINE),
)
TREND_MICRO_HES = SendingService(
    "Trend Micro Hosted Email Security",
    "spf.hes.trendmicro.com",
    ("hes.trendmicro.com", "tmes.trendmicro.com", "tmes.trendmicro.eu"),
    (Vendor.TREND_MICRO,),
)
GOOGLE = SendingService("Google Workspace", "_spf.google.com", ("google.com",), (Vendor.GMAIL,))
SERVICES = (EOP, TREND_MICRO_HES, GOOGLE)


@dataclass(frozen=True, slots=True)
class SendingHop:
    """The service seen handing the message to the boundary, and the evidence for it."""

    service: SendingService
    hop_number: int  # the boundary hop (where the receiver met the service's server)
    header_index: int
    host: str | None  # the client name the receiver recorded (HELO or reverse DNS)
    evidence: str  # plain words: how we recognised the service


def _host_in(name: str | None, suffixes: tuple[str, ...]) -> bool:
    host = (name or "").rstrip(".").lower()
    return any(host == s or host.endswith("." + s) for s in suffixes)


def boundary_hop(analysis: Analysis) -> Hop | None:
    """The Hop object of the trust boundary, or None."""
    b = analysis.chain.boundary
    if b is None:
        return None
    return next((h for h in analysis.chain.hops if h.number == b.hop_number), None)


def sending_service(analysis: Analysis) -> SendingHop | None:
    """The hosted service whose server connected to the boundary receiver, if we recognise one.

    The reverse-DNS name the receiver confirmed for the client decides first
    (``*.outbound.protection.outlook.com``); otherwise the vendor of the hop just before the
    boundary (e.g. Trend Micro's relay) does, when that line is the confirmed client's own and
    names one of the service's hosts (a product name in a line proves nothing). A
    HELO is the client's claim: an attacker's server can call itself Microsoft's, and asking
    the spoofed domain to include that service would authorise the attacker's next message.
    """
    hop = boundary_hop(analysis)
    if hop is None:
        return None
    r = hop.received
    name = (confirmed_rdns(hop) or "").rstrip(".") or None
    for service in SERVICES:
        if _host_in(name, service.host_suffixes):
            return SendingHop(
                service,
                hop.number,
                hop.header_index,
                name,
                f"the receiver confirmed the reverse DNS of the client at hop {hop.number}: {name}",
            )
    previous = next((h for h in analysis.chain.hops if h.number == hop.number - 1), None)
    if previous is None or name is None or not same_org(previous.received.by, name):
        return None
    for service in SERVICES:
        if (
            previous.vendor in service.vendors
            and service is not GOOGLE
            and _host_in(previous.received.by, service.host_suffixes)
        ):
            # Google is also the usual *receiver*; its internal hops don't prove it sent.
            return SendingHop(
                service,
                hop.number,
                hop.header_index,
                r.from_helo or r.from_rdns,
                f"hop {previous.number} ({previous.received.by or '?'}) is a {service.name} server",
            )
    return None


def spf_includes(result: SpfResult, include_domain: str) -> bool:
    """True when evaluating the SPF record reached ``include:<include_domain>`` (at any depth)."""
    want = f"include:{include_domain}".lower()
    for step in result.steps:
        if step.term.lower() == want or want in (p.lower() for p in step.path):
            return True
    return result.match is not None and want in (p.lower() for p in result.match.path)


def included_services(result: SpfResult) -> tuple[SendingService, ...]:
    """The known services the SPF record authorises through their include."""
    return tuple(s for s in SERVICES if spf_includes(result, s.spf_include))


def likely_include(analysis: Analysis, spf_domain: str | None) -> str | None:
    """The include target worth asking for together with ``spf_domain``'s own SPF record.

    When a recognised service handed the message to the boundary, the sender's record almost
    always authorises it through ``include:<its domain>``, which SPF would only learn one
    round trip later. None when there is no such service or the SPF domain is the service's.
    """
    hop = sending_service(analysis)
    if hop is None or not spf_domain:
        return None
    target = hop.service.spf_include
    if spf_domain.rstrip(".").lower() == target:
        return None
    return target
