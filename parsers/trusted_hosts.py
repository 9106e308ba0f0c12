"""The receiving organisation's own hosts (--trusted-host): read the list, match a hop's client."""

from __future__ import annotations

import fnmatch
import ipaddress
from collections.abc import Iterable

from headerlens.model.received import Received, TrustedHosts

__all__ = ["listed_client", "parse_trusted_hosts"]

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-.*?_")


def parse_trusted_hosts(items: Iterable[str]) -> TrustedHosts:
    """Each item holds comma-separated host names, glob patterns or CIDR prefixes (an address
    alone is one host). ValueError names the first entry that is none of them."""
    names: list[str] = []
    networks: list[str] = []
    for item in items:
        for raw in item.split(","):
            entry = raw.strip().lower().rstrip(".")
            if not entry:
                continue
            try:
                net = ipaddress.ip_network(entry, strict=False)
            except ValueError:
                pass
            else:
                networks.append(str(net))
                continue
            labels = entry.lstrip("*.").split(".")
            if not set(entry) <= _NAME_CHARS or "" in labels or entry.strip("*?.") == "":
                raise ValueError(
                    f"--trusted-host: {raw.strip()!r} is not a host name, a pattern such as "
                    "mx*.fabrikam.com, or an address or CIDR prefix such as 10.0.0.0/8"
                )
            names.append(entry)
    return TrustedHosts(names=tuple(dict.fromkeys(names)), networks=tuple(dict.fromkeys(networks)))


def _name_listed(name: str, trusted: TrustedHosts) -> bool:
    host = name.lower().rstrip(".")
    for pattern in trusted.names:
        if any(c in pattern for c in "*?"):
            if fnmatch.fnmatchcase(host, pattern):
                return True
        elif host == pattern or host.endswith("." + pattern):
            return True
    return False


def _ip_listed(ip: str, trusted: TrustedHosts) -> bool:
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return any(addr in ipaddress.ip_network(n) for n in trusted.networks)


def listed_client(r: Received, trusted: TrustedHosts, rdns_confirmed: bool) -> str | None:
    """Why the client of ``r`` is one of the listed hosts, or None. Only what the receiver
    wrote counts: the connecting address, and the reverse DNS name when the receiver confirmed
    it; the HELO name (the client's claim) never does."""
    if r.from_ip is not None and _ip_listed(r.from_ip, trusted):
        return f"its client {r.from_ip} is in a network given with --trusted-host"
    if rdns_confirmed and r.from_rdns and _name_listed(r.from_rdns, trusted):
        return (
            f"the receiver confirmed its client's reverse DNS ({r.from_rdns}), a host given "
            "with --trusted-host"
        )
    return None
