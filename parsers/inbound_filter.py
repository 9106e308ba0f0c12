"""The recipient's own inbound filtering service in front of its mailbox host (a hand-off the
mailbox host's own line proves), so that the filter's entry is the trust boundary."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from headerlens.model.received import Hop
from headerlens.parsers.hops import is_internal_ip
from headerlens.parsers.received import normalize_ip

# Filtering services that domains point their MX at and that relay what they accept to the
# mailbox host (SpamExperts / N-able Mail Assure and its white labels, Hornetsecurity, SpamTitan,
# eleven's eXpurgate, Mimecast). Most also relay outbound mail for senders, through hosts other
# than their MX hosts: the service's entry must be an MX or inbound host. Gateways whose Received
# lines name the same hosts both ways (Proofpoint's mx0a/mx0b, IronPort's esa, Symantec.cloud's
# towers) cannot be told apart from a line and are not listed.
_INBOUND_SERVICES = frozenset(
    {
        "antispamcloud.com",
        "spamexperts.com",
        "spamexperts.net",
        "mailspamprotection.com",
        "hornetsecurity.com",
        "spamtitan.com",
        "expurgate.net",
        "mimecast.com",
        "mimecast.co.za",
    }
)


def _inbound_host(name: str) -> bool:
    return name.split(".", 1)[0].startswith("mx") or "inbound" in name


@dataclass(frozen=True, slots=True)
class FilterEntry:
    """Where the filtering service accepted the message, and the hop that handed it on."""

    entry: Hop
    handoff: Hop
    service: str


def inbound_filter_entry(
    walk: Hop,
    hops: Sequence[Hop],
    rdns_confirmed: bool,
    spf_at_handoff: str | None,
    domain_of: Callable[[str], str | None],
) -> FilterEntry | None:
    """The mailbox host wrote, with reverse DNS it confirmed, that its client is a filtering
    service, and the line right below it is that service's own: the message went through the
    service, which wrote that line (a sender can add lines below, not remove the service's).
    Walk down the service's own lines to where it accepted the message from outside; None when
    the service's entry was an authenticated submission (its outbound relay for a sender) or
    nothing shows that it filters inbound mail.

    The same services also relay hosting providers' outbound mail through the same MX hosts
    without SMTP AUTH; the mailbox host's own SPF stamp at the hand-off tells them apart: a
    sender that lists the service in its SPF (a pass) uses it as its outbound relay, while the
    recipient's inbound filter is not in the sender's SPF (fail, softfail, neutral, none). With
    no such stamp the hop is left alone."""
    if spf_at_handoff not in ("fail", "softfail", "neutral", "none"):
        return None
    name = (walk.received.from_rdns or "").rstrip(".").lower()
    ip = walk.received.from_ip
    if not rdns_confirmed or not name or ip is None or is_internal_ip(ip):
        return None
    service = domain_of(name) if "." in name and normalize_ip(name) is None else None
    if service is None:
        return None
    if service not in _INBOUND_SERVICES:
        return None
    by_number = {h.number: h for h in hops}
    n = walk.number - 1
    while (hop := by_number.get(n)) is not None:
        r = hop.received
        by = (r.by or "").rstrip(".").lower()
        if not by or "." not in by or domain_of(by) != service:
            return None
        client_org = domain_of(r.from_rdns.rstrip(".")) if r.from_rdns else None
        if r.from_ip and not is_internal_ip(r.from_ip) and client_org != service:
            proto = (r.with_protocol or "").upper()
            if proto.endswith("SA") or proto == "ESMTPA" or not _inbound_host(by):
                return None
            return FilterEntry(hop, walk, service)
        n -= 1
    return None
