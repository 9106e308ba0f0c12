"""A mailbox provider's own hand-offs between its hosts, by what its own lines say (pure).

Yandex Mail takes a message in at an MX front (``mail-nwsmtp-mxfront-….yp-c.yandex.net``,
older ``mxfrontNN.mail.yandex.net``), hands it to a delivery host (``postbackNN.mail.yandex.net``)
and stores it over LMTP (``… (notsolitesrv) with LMTPS``); its outbound path runs
``mxback`` / ``smtp`` → ``forwardNN.mail.yandex.net``. Each of these lines names its client
by a Yandex host name and an address in Yandex's own network (AS13238: 2a02:6b8::/32 for
every internal hand-off seen, and the classic IPv4 blocks of its mail hosts, not Yandex
Cloud's customer ranges). A line written by a Yandex host whose client is such a Yandex host
(or the loopback of the same host) is one organisation handing the message on: the walk goes
on to the MX front's own client.

Only the receiver's words decide: the ``by`` host and the client address it recorded (which
no sender chooses), plus the client name it wrote. The client's HELO never counts, and an
outside client keeps the MX front's line the entry, so a forged line below it changes nothing.
"""

from __future__ import annotations

import ipaddress
import re

from headerlens.model.received import Received

__all__ = ["provider_handoff", "route_handoff"]

# Yandex's own network (RIPE: AS13238 YANDEX-NET), without the Yandex Cloud customer ranges
# (51.250.0.0/17, 84.201.128.0/18, 130.193.32.0/19, 158.160.0.0/16, 2a0d:d6c0::/29 …).
_YANDEX_NETS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "2a02:6b8::/32",
        "5.255.192.0/18",
        "37.140.128.0/18",
        "77.88.0.0/18",
        "87.250.224.0/19",
        "93.158.128.0/18",
        "95.108.128.0/17",
        "213.180.192.0/19",
    )
)
_YANDEX_HOST = re.compile(r"(?:^|\.)yandex\.(?:net|ru)$", re.IGNORECASE)

# (provider, host names of its own servers, its own address blocks)
_PROVIDERS = (("Yandex Mail", _YANDEX_HOST, _YANDEX_NETS),)


def _in(ip: str, nets: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(addr.version == n.version and addr in n for n in nets)


def _loopback(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def _name(host: str | None) -> str:
    return (host or "").lower().rstrip(".")


def provider_handoff(r: Received) -> str | None:
    """Why the line is a hand-off between a mailbox provider's own hosts: written by one of its
    hosts, with a client address in its own network (which only its own machines hold, so the
    name the client gave counts when the receiver looked none up) named as one of its hosts, or
    the loopback of the writing host itself; None otherwise."""
    by = _name(r.by)
    ip = r.from_ip
    if not by or not ip:
        return None
    for provider, hosts, nets in _PROVIDERS:
        if not hosts.search(by):
            continue
        if _loopback(ip):
            return f"{provider}'s own loopback hand-off on {by}"
        client = _name(r.from_rdns or r.from_helo)
        if _in(ip, nets) and hosts.search(client):
            return (
                f"a hand-off between {provider}'s own hosts ({client} [{ip}], an address in "
                f"{provider}'s own network, to {by})"
            )
    return None


# A sending service's inbound route: Mailgun stores or forwards a message its MX took in
# ("Received: from <client> by mxa.mailgun.org with ESMTP id …") and writes its routing line
# with no client above it ("Received: by luna.mailgun.net with SMTP mgrt 8734663311733").
# Its API submission line ("by luna.mailgun.net with HTTP") is where a message starts: what
# lies below it is the sender's own text.
_ROUTES = (
    (
        "Mailgun",
        re.compile(r"(?:^|\.)mailgun\.net$", re.IGNORECASE),
        re.compile(r"\bwith\s+SMTP\s+mgrt\s+\d+\s*;", re.IGNORECASE),
        re.compile(r"(?:^|\.)mailgun\.org$", re.IGNORECASE),
    ),
)


def route_handoff(r: Received, below: Received | None) -> str | None:
    """Why a line naming no client is a sending service's own inbound route above its MX's
    line (so the walk goes on to the MX's client), or None: the route line must be written
    with SMTP and the service's route id, and the line below by the service's own MX."""
    if below is None or r.from_ip or r.from_helo or r.from_rdns:
        return None
    by, mx = _name(r.by), _name(below.by)
    for service, route_by, route_line, mx_by in _ROUTES:
        if route_by.search(by) and route_line.search(r.raw) and mx_by.search(mx):
            return f"{service}'s own inbound route ({by}) above its MX {mx}"
    return None
