"""The system's DNS servers read from resolv.conf (dnsclient/resolvconf.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from headerlens.dnsclient.resolvconf import (
    ResolvConfError,
    parse_resolv_conf,
    system_nameservers,
)
from headerlens.dnsclient.resolver import LiveResolver


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a Docker container's file (the one this test suite runs under)
        ("nameserver 10.255.255.53\n", (("10.255.255.53", 53),)),
        # systemd-resolved's stub file, with its comment header and options line
        (
            "# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).\n"
            "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n",
            (("127.0.0.53", 53),),
        ),
        # resolv.conf(5): up to three servers, in order; IPv6 too (RFC 5952 form kept)
        (
            "domain example.com\nnameserver 192.0.2.1\nnameserver 2001:DB8::53\n"
            "nameserver 192.0.2.2\n",
            (("192.0.2.1", 53), ("2001:db8::53", 53), ("192.0.2.2", 53)),
        ),
        ("nameserver\tfe80::1%eth0\n", (("fe80::1%eth0", 53),)),  # link-local with a zone
        ("  nameserver 192.0.2.1   # office\n", (("192.0.2.1", 53),)),
        ("# nameserver 192.0.2.1\n; nameserver 192.0.2.2\n", ()),  # comments
        ("nameserver dns.example\nnameserver 192.0.2.9\n", (("192.0.2.9", 53),)),  # no names
        ("nameserver\n\noptions timeout:1\n", ()),
    ],
    ids=["docker", "systemd-resolved", "three", "zone", "trailing", "comments", "hostname", "none"],
)
def test_parse_resolv_conf(text: str, expected: tuple[tuple[str, int], ...]) -> None:
    assert parse_resolv_conf(text) == expected


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ResolvConfError, match="cannot read"):
        system_nameservers(tmp_path / "resolv.conf")


def test_file_without_servers_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "resolv.conf"
    path.write_text("search example.com\n")
    with pytest.raises(ResolvConfError, match="no nameserver lines"):
        system_nameservers(path)


def test_system_resolver_label_names_the_servers() -> None:
    expected = system_nameservers() if Path("/etc/resolv.conf").exists() else ()
    if not expected:
        pytest.skip("this machine has no /etc/resolv.conf servers")
    label = LiveResolver().label
    assert label.split(", ")[0].endswith(":53")
    assert len(label.split(", ")) == len(expected)
