"""The DNS layer on real servers: LiveResolver, OfflineResolver, snapshots, --resolver parsing."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from headerlens.dnsclient.dnsproto import Resolver
from headerlens.dnsclient.resolver import (
    LiveResolver,
    OfflineResolver,
    format_server,
    parse_resolver_arg,
)
from headerlens.dnsclient.snapshot import (
    SnapshotResolver,
    save_snapshot,
)
from headerlens.model.dns import DnsRecord
from tests.dnslab import LabDns, SilentUdpPort, UdpRelay

CONTOSO_SPF = "v=spf1 include:spf.protection.outlook.com -all"
CONTOSO_DMARC = "v=DMARC1;p=reject;sp=reject;pct=100;rua=mailto:dmarcreports@contoso.com"
EOP_SELECTOR1 = "selector1-contoso-com._domainkey.contoso.onmicrosoft.com"

# --- --resolver IP[:PORT] -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("192.0.2.53", ("192.0.2.53", 53)),
        ("192.0.2.53:5353", ("192.0.2.53", 5353)),
        (" 127.0.0.1:53 ", ("127.0.0.1", 53)),
        ("::1", ("::1", 53)),
        ("2001:db8::53", ("2001:db8::53", 53)),
        ("2001:DB8:0::53", ("2001:db8::53", 53)),  # normalised (RFC 5952 §4)
        ("[2001:db8::53]", ("2001:db8::53", 53)),
        ("[2001:db8::53]:5353", ("2001:db8::53", 5353)),
        ("[::1]:65535", ("::1", 65535)),
    ],
)
def test_parse_resolver_arg(text: str, expected: tuple[str, int]) -> None:
    assert parse_resolver_arg(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("dns.google", "not an IP address"),
        ("dns.google:53", "not an IP address"),
        ("256.1.1.1", "not an IP address"),
        ("192.0.2.53:", "not a number"),
        ("192.0.2.53:0", "not in 1-65535"),
        ("192.0.2.53:65536", "not in 1-65535"),
        ("192.0.2.53:dns", "not a number"),
        ("192.0.2.53:+53", "not a number"),
        ("[2001:db8::53", "missing ']'"),
        ("[2001:db8::53]5353", "expected ':PORT'"),
        ("[192.0.2.53]:53", "only for IPv6"),
        ("2001:db8::53:5353:1:2:3:4", "not an IP address"),  # too many groups
        (":53", "not an IP address"),
    ],
)
def test_parse_resolver_arg_rejects(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=r"IP\[:PORT\]|missing|expected|only") as info:
        parse_resolver_arg(text)
    assert says in str(info.value)


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [("192.0.2.1", 53, "192.0.2.1:53"), ("2001:db8::1", 5353, "[2001:db8::1]:5353")],
)
def test_format_server(host: str, port: int, expected: str) -> None:
    assert format_server(host, port) == expected


# --- offline --------------------------------------------------------------------------------

_socket_events: list[str] = []
_watching = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _watching and event.startswith("socket."):
        _socket_events.append(event)


sys.addaudithook(_audit)


async def test_offline_resolver_sends_nothing() -> None:
    global _watching
    resolver: Resolver = OfflineResolver()
    _socket_events.clear()
    _watching = True
    try:
        records = [await resolver.query(n, "TXT") for n in ("contoso.com", "_dmarc.contoso.com")]
    finally:
        _watching = False
    assert _socket_events == []  # no socket created, bound, connected or sent on
    assert [r.rcode for r in records] == ["OFFLINE", "OFFLINE"]
    assert records[0].error == "offline mode: not queried"
    assert resolver.log == tuple(records)


async def test_audit_hook_sees_a_live_query() -> None:
    # the offline test above is only meaningful if the hook notices real socket use
    global _watching
    with SilentUdpPort() as silent:
        resolver = LiveResolver([(silent.host, silent.port)], timeout=0.1)
        _socket_events.clear()
        _watching = True
        try:
            await resolver.query("contoso.com", "TXT")
        finally:
            _watching = False
    assert _socket_events


def test_every_resolver_fits_the_protocol(tmp_path: Path) -> None:
    save_snapshot([DnsRecord("contoso.com", "TXT", "OFFLINE")], tmp_path / "dns.json")
    resolvers: list[Resolver] = [  # mypy checks the Protocol here
        LiveResolver([("127.0.0.1", 53)]),
        OfflineResolver(),
        SnapshotResolver(tmp_path / "dns.json"),
    ]
    for resolver in resolvers:
        assert resolver.log == ()
        resolver.clear_cache()


# --- malformed input: ERROR, nothing sent ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rdtype", "says"),
    [
        ("a" * 64 + ".contoso.com", "TXT", "63"),  # RFC 1035 §2.3.4: labels are 63 octets or less
        ("selector1..contoso.com", "TXT", "empty"),  # empty label
        (".".join(["abcdefghi"] * 26), "TXT", "255"),  # RFC 1035 §2.3.4: names are 255 or less
        ("", "TXT", "empty name"),
        ("contoso.com", "NOTATYPE", "NOTATYPE"),
    ],
)
async def test_malformed_queries_become_error_records(
    name: str, rdtype: str, says: str, lab_dns: LabDns
) -> None:
    with UdpRelay((lab_dns.host, lab_dns.port)) as relay:
        resolver = LiveResolver([(relay.host, relay.port)])
        record = await resolver.query(name, rdtype)
        assert relay.count == 0
    assert record.rcode == "ERROR"
    assert record.error is not None
    assert says in record.error
    assert resolver.log == (record,)


async def test_no_nameservers_is_an_error_record_not_an_exception() -> None:
    record = await LiveResolver([]).query("contoso.com", "TXT")
    assert record.rcode == "ERROR"
    assert "no usable nameservers" in (record.error or "")


async def test_system_resolver_builds_without_querying() -> None:
    # None = /etc/resolv.conf; only a malformed name is asked, so nothing goes out
    record = await LiveResolver().query("bad..name", "TXT")
    assert record.rcode == "ERROR"


# --- answers from the lab -------------------------------------------------------------------

ANSWER_CASES = [
    # (name, type, rcode, answers (as a set), cname chain)
    pytest.param("contoso.com", "TXT", "NOERROR", {CONTOSO_SPF}, (), id="spf"),  # lab zone
    pytest.param("_dmarc.contoso.com", "TXT", "NOERROR", {CONTOSO_DMARC}, (), id="dmarc"),
    pytest.param(  # lab: EOP selector CNAME into *.onmicrosoft.com (DESIGN.md)
        "selector1._domainkey.contoso.com",
        "TXT",
        "NOERROR",
        None,
        ("selector1._domainkey.contoso.com", EOP_SELECTOR1),
        id="eop-selector-cname",
    ),
    pytest.param("nx.contoso.com", "TXT", "NXDOMAIN", set(), (), id="nxdomain"),
    pytest.param("contoso.com", "MX", "NOERROR", set(), (), id="nodata"),
    pytest.param(
        "mail-am6eur05on2101.outbound.protection.outlook.com",
        "A",
        "NOERROR",
        {"40.107.22.101"},
        (),
        id="a-eop-outbound",  # lab: zones/outlook.com.zone
    ),
    pytest.param("hl.test", "MX", "NOERROR", {"10 mx1.hl.test.", "20 mx2.hl.test."}, (), id="mx"),
    pytest.param("v6.hl.test", "AAAA", "NOERROR", {"2001:db8::25"}, (), id="aaaa"),
    pytest.param(  # RFC 7208 §3.3: strings joined with no separator
        "split.hl.test", "TXT", "NOERROR", {"v=spf1 ip4:192.0.2.0/24 -all"}, (), id="txt-split"
    ),
    pytest.param("two.hl.test", "TXT", "NOERROR", {"first", "second"}, (), id="two-txt"),
    pytest.param("latin1.hl.test", "TXT", "NOERROR", {"caf\ufffd"}, (), id="txt-not-utf8"),
    pytest.param(
        "hop1.hl.test",
        "TXT",
        "NOERROR",
        {"end of chain"},
        ("hop1.hl.test", "hop2.hl.test", "final.hl.test"),
        id="two-cnames",
    ),
    pytest.param(
        "dangling.hl.test",
        "TXT",
        "NXDOMAIN",
        set(),
        ("dangling.hl.test", "nowhere.hl.test"),
        id="dangling-cname",
    ),
    pytest.param("Contoso.COM.", "TXT", "NOERROR", {CONTOSO_SPF}, (), id="case-final-dot"),
]


@pytest.mark.dns
@pytest.mark.parametrize(("name", "rdtype", "rcode", "answers", "chain"), ANSWER_CASES)
async def test_lab_answers(
    lab_dns: LabDns,
    name: str,
    rdtype: str,
    rcode: str,
    answers: set[str] | None,
    chain: tuple[str, ...],
) -> None:
    resolver = LiveResolver(lab_dns.nameservers)
    record = await resolver.query(name, rdtype)
    assert record.rcode == rcode, record.error
    if answers is not None:
        assert set(record.answers) == answers
    assert record.cname_chain == chain
    assert record.name == name
    assert record.rdtype == rdtype
    assert record.resolver == f"127.0.0.1:{lab_dns.port}"
    assert record.duration_ms > 0
    assert not record.from_cache
    if record.answers:
        assert record.ttl is not None
        assert 0 < record.ttl <= 300  # the lab zones' $TTL
    else:
        assert record.ttl is None
    assert record.nodata == (rcode == "NOERROR" and answers == set())


@pytest.mark.dns
async def test_eop_selector_returns_the_final_key(lab_dns: LabDns) -> None:
    record = await LiveResolver(lab_dns.nameservers).query(
        "selector1._domainkey.contoso.com", "TXT"
    )
    key = (Path(__file__).parent / "data/lab/zones/contoso.onmicrosoft.com.zone").read_text()
    assert len(record.answers) == 1
    assert record.answers[0].startswith("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEF")
    assert record.answers[0].endswith("IDAQAB")
    assert record.answers[0][-40:] in key
    assert record.cname_chain[-1] == EOP_SELECTOR1


@pytest.mark.dns
async def test_big_txt_over_512_bytes(lab_dns: LabDns) -> None:
    # a 4096-bit-key-sized DKIM record: needs EDNS or TCP, one string in the end
    record = await LiveResolver(lab_dns.nameservers).query("big.hl.test", "TXT")
    assert record.rcode == "NOERROR"
    assert len(record.answers) == 1
    assert len(record.answers[0]) > 700
    assert record.answers[0].startswith("v=DKIM1; k=rsa; p=")
    assert '"' not in record.answers[0]


@pytest.mark.dns
async def test_servfail_from_a_zone_that_failed_to_load(lab_dns: LabDns) -> None:
    # tests/data/dns/zones/broken.test.zone does not load in Knot: Unbound answers SERVFAIL
    resolver = LiveResolver(lab_dns.nameservers, timeout=3.0)
    start = time.monotonic()
    record = await resolver.query("www.broken.test", "A")
    assert record.rcode == "SERVFAIL"
    assert record.error is not None
    assert "SERVFAIL" in record.error
    assert f"127.0.0.1:{lab_dns.port}" in record.error
    assert time.monotonic() - start < 2.0  # no retries of the SERVFAIL


# --- timeouts and the deadline (a UDP port that never answers) ------------------------------


async def test_timeout_is_bounded() -> None:
    with SilentUdpPort() as silent:
        resolver = LiveResolver([(silent.host, silent.port)], timeout=0.2)
        start = time.monotonic()
        record = await resolver.query("contoso.com", "TXT")
        elapsed = time.monotonic() - start
    assert record.rcode == "TIMEOUT"
    assert "0.2 s" in (record.error or "")
    assert 0.15 <= elapsed < 1.5


async def test_deadline_cuts_every_later_query() -> None:
    with SilentUdpPort() as silent:
        resolver = LiveResolver([(silent.host, silent.port)], timeout=0.3, deadline=0.5)
        start = time.monotonic()
        first = await resolver.query("a.contoso.com", "TXT")  # uses 0.3 s of 0.5
        second = await resolver.query("b.contoso.com", "TXT")  # only 0.2 s left
        third_start = time.monotonic()
        third = await resolver.query("c.contoso.com", "TXT")  # deadline passed
        third_elapsed = time.monotonic() - third_start
        total = time.monotonic() - start
    assert [r.rcode for r in (first, second, third)] == ["TIMEOUT"] * 3
    assert "deadline" in (second.error or "")
    assert "deadline" in (third.error or "")
    assert "passed" in (third.error or "")
    assert third_elapsed < 0.05
    assert total < 1.5
    assert len(resolver.log) == 3


async def test_deadline_bounds_queries_waiting_for_a_slot() -> None:
    with SilentUdpPort() as silent:
        resolver = LiveResolver(
            [(silent.host, silent.port)], timeout=0.3, deadline=0.5, max_concurrency=1
        )
        start = time.monotonic()
        names = [f"q{i}.contoso.com" for i in range(6)]
        records = await asyncio.gather(*(resolver.query(n, "TXT") for n in names))
        elapsed = time.monotonic() - start
    assert {r.rcode for r in records} == {"TIMEOUT"}
    assert elapsed < 1.5  # not 6 x 0.3 s


# --- cache, shared in-flight queries, concurrency (a relay counts real packets) -------------


@pytest.mark.dns
async def test_identical_concurrent_queries_send_one_packet(lab_dns: LabDns) -> None:
    with UdpRelay((lab_dns.host, lab_dns.port), delay=0.2) as relay:
        resolver = LiveResolver([(relay.host, relay.port)])
        records = await asyncio.gather(
            *(resolver.query("_dmarc.contoso.com", "TXT") for _ in range(10))
        )
        assert relay.count == 1
    assert {r.answers for r in records} == {(CONTOSO_DMARC,)}
    assert len(resolver.log) == 10
    assert [r.from_cache for r in resolver.log].count(False) == 1


@pytest.mark.dns
async def test_twenty_distinct_queries_take_about_one_round_trip(lab_dns: LabDns) -> None:
    delay = 0.3
    with UdpRelay((lab_dns.host, lab_dns.port), delay=delay) as relay:
        resolver = LiveResolver([(relay.host, relay.port)], max_concurrency=20)
        start = time.monotonic()
        records = await asyncio.gather(
            *(resolver.query(f"p{i}.wild.hl.test", "A") for i in range(20))
        )
        elapsed = time.monotonic() - start
        assert relay.count == 20
    assert {r.answers for r in records} == {("192.0.2.80",)}
    assert delay <= elapsed < 2 * delay  # one round, not twenty


@pytest.mark.dns
async def test_concurrency_is_bounded(lab_dns: LabDns) -> None:
    delay = 0.2
    with UdpRelay((lab_dns.host, lab_dns.port), delay=delay) as relay:
        resolver = LiveResolver([(relay.host, relay.port)], max_concurrency=4)
        start = time.monotonic()
        await asyncio.gather(*(resolver.query(f"b{i}.wild.hl.test", "A") for i in range(20)))
        elapsed = time.monotonic() - start
        assert relay.count == 20
    assert elapsed >= 5 * delay * 0.95  # 20 queries, 4 at a time: 5 rounds


@pytest.mark.dns
async def test_cache_honours_the_ttl(lab_dns: LabDns) -> None:
    # tests/data/dns/zones/hl.test.zone: *.short has a TTL of 1 s
    name = f"t{time.monotonic_ns()}.short.hl.test"
    with UdpRelay((lab_dns.host, lab_dns.port)) as relay:
        resolver = LiveResolver([(relay.host, relay.port)])
        first = await resolver.query(name, "TXT")
        second = await resolver.query(name.upper(), "TXT")
        assert relay.count == 1
        await asyncio.sleep(1.1)
        third = await resolver.query(name, "TXT")
        assert relay.count == 2
    assert first.ttl == 1
    assert (first.from_cache, second.from_cache, third.from_cache) == (False, True, False)
    assert second.name == name.upper()
    assert second.answers == first.answers == ("short-lived",)


@pytest.mark.dns
@pytest.mark.parametrize(
    ("name", "rdtype"),
    [("nx.contoso.com", "TXT"), ("contoso.com", "MX")],  # RFC 2308 §5: negative answers cache
    ids=["nxdomain", "nodata"],
)
async def test_negative_answers_are_cached(lab_dns: LabDns, name: str, rdtype: str) -> None:
    with UdpRelay((lab_dns.host, lab_dns.port)) as relay:
        resolver = LiveResolver([(relay.host, relay.port)])
        first = await resolver.query(name, rdtype)
        second = await resolver.query(name, rdtype)
        assert relay.count == 1
    assert second.from_cache
    assert second.rcode == first.rcode


@pytest.mark.dns
async def test_clear_cache_while_a_query_is_in_flight(lab_dns: LabDns) -> None:
    with UdpRelay((lab_dns.host, lab_dns.port), delay=0.2) as relay:
        resolver = LiveResolver([(relay.host, relay.port)])
        task = asyncio.ensure_future(resolver.query("contoso.com", "TXT"))
        await asyncio.sleep(0.05)
        resolver.clear_cache()
        record = await task
    assert record.rcode == "NOERROR"
    assert record.answers == (CONTOSO_SPF,)


@pytest.mark.dns
async def test_failures_are_not_cached_and_clear_cache_asks_again(lab_dns: LabDns) -> None:
    with UdpRelay((lab_dns.host, lab_dns.port)) as relay:
        resolver = LiveResolver([(relay.host, relay.port)])
        await resolver.query("www.broken.test", "A")
        await resolver.query("www.broken.test", "A")
        assert relay.count == 2  # SERVFAIL is asked again
        await resolver.query("contoso.com", "TXT")
        await resolver.query("contoso.com", "TXT")
        assert relay.count == 3
        resolver.clear_cache()
        await resolver.query("contoso.com", "TXT")
        assert relay.count == 4
    assert [r.from_cache for r in resolver.log] == [False, False, False, True, False]
