"""The system's DNS servers: the ``nameserver`` lines of /etc/resolv.conf (resolv.conf(5))."""

from __future__ import annotations

import ipaddress
from pathlib import Path

RESOLV_CONF = Path("/etc/resolv.conf")
DEFAULT_PORT = 53  # resolv.conf(5) has no port syntax: servers are always on 53


class ResolvConfError(ValueError):
    """The file can't be read or names no usable server."""


def parse_resolv_conf(text: str) -> tuple[tuple[str, int], ...]:
    """The ``nameserver`` addresses in file order, each with port 53.

    Hand-written rather than dnspython's ``Resolver.read_resolv_conf``: importing
    ``dns.resolver`` pulls in its DDR discovery (``dns._ddr``), which we never use and which
    costs about 80 ms at every process start. Only ``nameserver`` matters to us: we never use
    search lists, and timeouts come from our own options. As the C library does, a line that
    is not an IP address is skipped (resolv.conf(5)); ``#`` and ``;`` start comments.
    """
    servers: list[tuple[str, int]] = []
    for line in text.splitlines():
        tokens = line.split()
        if len(tokens) < 2 or tokens[0] != "nameserver":
            continue  # comments, blank lines, search/domain/options lines
        try:
            address = ipaddress.ip_address(tokens[1])  # IPv4, IPv6, IPv6 with a %zone
        except ValueError:
            continue
        servers.append((str(address), DEFAULT_PORT))
    return tuple(servers)


def system_nameservers(path: Path = RESOLV_CONF) -> tuple[tuple[str, int], ...]:
    """The servers in ``path``; raises ResolvConfError when there are none to ask."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ResolvConfError(f"cannot read {path}: {exc.strerror or exc}") from None
    servers = parse_resolv_conf(text)
    if not servers:
        raise ResolvConfError(f"no nameserver lines in {path}")
    return servers
