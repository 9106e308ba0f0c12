"""Named non-public address ranges shared by the address classifiers (hops, masked_ip)."""

from __future__ import annotations

import ipaddress

# Ranges whose every address is non-public, with the words a helpdesk reader needs (RFC 1918,
# RFC 6598, RFC 4193, loopback and link-local as the ipaddress properties name them). A leaf
# module: parsers/received.py imports masked_ip, and hops imports received.
NON_PUBLIC_RANGES: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.ip_network(net), label)
    for net, label in (
        ("10.0.0.0/8", "private (RFC 1918)"),
        ("172.16.0.0/12", "private (RFC 1918)"),
        ("192.168.0.0/16", "private (RFC 1918)"),
        ("100.64.0.0/10", "carrier-grade NAT (RFC 6598)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("fe80::/10", "link-local"),
        ("fc00::/7", "unique-local (RFC 4193)"),
    )
)
