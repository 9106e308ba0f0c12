"""Tests for parsers/hops.py special_range: which special-purpose range an IP is in (C10)."""

from __future__ import annotations

import pytest

from headerlens.parsers.hops import special_range


@pytest.mark.parametrize(
    ("ip", "label"),
    [
        ("10.1.2.3", "private (RFC 1918)"),  # RFC 1918 §3
        ("172.31.1.51", "private (RFC 1918)"),  # corpus: barracuda-to-eop-all-pass.eml hop 2
        ("192.168.13.202", "private (RFC 1918)"),  # corpus: mimecast-to-protonmail hop 2
        ("100.64.0.1", "carrier-grade NAT (RFC 6598)"),  # not is_private in ipaddress
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),  # corpus: EOP's final "from ... (::1) by" hops
        ("169.254.10.1", "link-local"),
        ("fe80::5d1e:2b3a:91c4:7f20%eth0", "link-local"),  # lab: hes-to-gmail-pass hop 1, zone
        ("192.0.2.22", "documentation (RFC 5737)"),  # corpus: mimecast-ndr (sanitised)
        ("198.51.100.7", "documentation (RFC 5737)"),
        ("203.0.113.25", "documentation (RFC 5737)"),
        ("2001:db8::25", "documentation (RFC 3849)"),
        ("198.18.7.11", "benchmarking (RFC 2544)"),  # lab: stand-in public servers
        ("fd12:3456::1", "unique-local (RFC 4193)"),
        ("240.0.0.1", "reserved"),
        ("224.0.0.5", "multicast"),
        ("::", "unspecified"),
        ("0.1.2.3", "'this network' (RFC 1122)"),
        ("::ffff:10.1.2.3", "IPv4-mapped private (RFC 1918)"),
        ("2001::1", "special-purpose (not globally routable)"),  # Teredo
        ("40.107.22.101", None),  # EOP outbound
        ("2a01:111:f403:2805::800", None),  # corpus: outlook.com IPv6
        ("::ffff:209.85.220.41", None),  # mapped public (Gmail)
        ("999.1.1.1", None),  # not an address: C10's "invalid" is another defect
        (None, None),
    ],
)
def test_special_range(ip: str | None, label: str | None) -> None:
    assert special_range(ip) == label
