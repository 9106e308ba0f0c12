"""The lab DNS itself: Knot serves the lab zones, Unbound chases CNAMEs and reaches nothing else."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from tests.dnslab import (
    LAB_ZONES,
    TEST_ZONES,
    LabDns,
    SilentUdpPort,
    UdpRelay,
    free_port,
    knot_conf,
    missing_tools,
    start_lab_dns,
    unbound_conf,
    zone_files,
)

LAB = LAB_ZONES.parent
LAB_ZONE_NAMES = sorted(p.name.removesuffix(".zone") for p in LAB_ZONES.glob("*.zone"))


def ask(port: int, name: str, rdtype: str, timeout: float = 2.0) -> dns.message.Message:
    """One UDP query (EDNS, 1232 bytes, so a DKIM key plus its CNAME fits) to a lab server."""
    query = dns.message.make_query(name, rdtype, use_edns=0, payload=1232)
    return dns.query.udp(query, "127.0.0.1", port=port, timeout=timeout)


# --- configuration text (no servers needed) -------------------------------------------------


@pytest.mark.parametrize(
    "needle",
    [
        "do-not-query-localhost: no",  # stubs live on 127.0.0.1
        'local-zone: "." static',  # nothing leaves for the internet
        'module-config: "iterator"',  # no DNSSEC validation: lab zones are unsigned
        'local-zone: "contoso.com." transparent',
        "stub-addr: 127.0.0.1@5353",
        "port: 5354",
    ],
)
def test_unbound_conf_has(needle: str, tmp_path: Path) -> None:
    # serve.sh in ../shared/lab uses the same settings on fixed ports 5353/5354
    text = unbound_conf(5354, tmp_path, {"contoso.com": ("127.0.0.1", 5353)})
    assert needle in text


def test_knot_conf_lists_every_lab_zone(tmp_path: Path) -> None:
    zones = zone_files([LAB_ZONES])
    text = knot_conf(zones, 5353, tmp_path)
    assert "listen: 127.0.0.1@5353" in text
    for name in LAB_ZONE_NAMES:
        assert f"- domain: {name}\n" in text
    assert set(zones) == set(LAB_ZONE_NAMES)


def test_lab_copy_is_complete() -> None:
    # expected.json names message files that must be in tests/data/lab/messages
    expected = json.loads((LAB / "expected.json").read_text())
    assert expected, "expected.json is empty"
    for case in expected:
        assert (LAB / case["file"]).is_file(), case["file"]


def test_free_port_is_bindable() -> None:
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", port))
    assert 1024 <= port <= 65535


# --- the running servers --------------------------------------------------------------------


@pytest.mark.dns
def test_ports_are_loopback_and_distinct(lab_dns: LabDns) -> None:
    assert lab_dns.host == "127.0.0.1"
    assert lab_dns.port != lab_dns.auth_port
    assert lab_dns.nameservers == (("127.0.0.1", lab_dns.port),)


@pytest.mark.dns
@pytest.mark.parametrize("zone", LAB_ZONE_NAMES)
def test_every_lab_zone_is_served_through_unbound(lab_dns: LabDns, zone: str) -> None:
    # lab: zones/*.zone; a zone that failed to load in Knot would come back SERVFAIL
    response = ask(lab_dns.port, zone, "SOA")
    assert response.rcode() == dns.rcode.NOERROR
    assert response.answer[0].rdtype == dns.rdatatype.SOA


@pytest.mark.dns
def test_knot_is_authoritative_and_does_not_chase_cnames(lab_dns: LabDns) -> None:
    # lab: zones/contoso.com.zone, selector1 is a CNAME into contoso.onmicrosoft.com
    response = ask(lab_dns.auth_port, "selector1._domainkey.contoso.com", "TXT")
    assert response.flags & dns.flags.AA
    assert [rrset.rdtype for rrset in response.answer] == [dns.rdatatype.CNAME]


@pytest.mark.dns
def test_unbound_chases_the_cname_into_another_zone(lab_dns: LabDns) -> None:
    response = ask(lab_dns.port, "selector1._domainkey.contoso.com", "TXT")
    assert not response.flags & dns.flags.TC
    assert [rrset.rdtype for rrset in response.answer] == [dns.rdatatype.CNAME, dns.rdatatype.TXT]
    assert response.flags & dns.flags.RA


@pytest.mark.dns
@pytest.mark.parametrize("name", ["example.org", "www.iana.org", "com"])
def test_names_outside_the_lab_are_answered_locally(lab_dns: LabDns, name: str) -> None:
    # local-zone "." static: NXDOMAIN at once, never a query to the root servers
    start = time.monotonic()
    response = ask(lab_dns.port, name, "A")
    assert response.rcode() == dns.rcode.NXDOMAIN
    assert time.monotonic() - start < 1.0


@pytest.mark.dns
def test_broken_zone_gives_servfail(lab_dns: LabDns) -> None:
    # tests/data/dns/zones/broken.test.zone has a syntax error: Knot cannot load it
    response = ask(lab_dns.port, "www.broken.test", "A")
    assert response.rcode() == dns.rcode.SERVFAIL


@pytest.mark.dns
def test_start_and_stop_a_second_pair(tmp_path: Path) -> None:
    if missing_tools():
        pytest.skip(f"needs {missing_tools()}")
    lab = start_lab_dns([TEST_ZONES], tmp_path, probe="hl.test")
    try:
        assert ask(lab.port, "hl.test", "SOA").rcode() == dns.rcode.NOERROR
    finally:
        lab.stop()
    assert lab.knot is not None
    assert lab.knot.poll() is not None
    assert lab.unbound is not None
    assert lab.unbound.poll() is not None
    with pytest.raises(dns.exception.Timeout):
        ask(lab.port, "hl.test", "SOA", timeout=0.3)


# --- loopback helpers ------------------------------------------------------------------------


def test_silent_port_never_answers() -> None:
    with SilentUdpPort() as silent:
        start = time.monotonic()
        with pytest.raises(dns.exception.Timeout):
            ask(silent.port, "contoso.com", "TXT", timeout=0.2)
        assert time.monotonic() - start < 1.0


@pytest.mark.dns
def test_relay_forwards_delays_and_counts(lab_dns: LabDns) -> None:
    with UdpRelay((lab_dns.host, lab_dns.port), delay=0.2) as relay:
        start = time.monotonic()
        response = ask(relay.port, "contoso.com", "TXT")
        elapsed = time.monotonic() - start
    assert response.rcode() == dns.rcode.NOERROR
    assert relay.count == 1
    assert 0.2 <= elapsed < 1.5
