"""check_host() against the lab zones and real records: verdicts, trace, limits, macros, driver."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import time
from pathlib import Path

import pytest

from headerlens.evaluators.spf import (
    DnsQuestion,
    check_host,
    check_message,
    evaluate_spf,
    plan_prefetch,
    run_sync,
)
from headerlens.evaluators.spf_macro import MacroContext, client_ip, expand, finish_target
from headerlens.model.dns import DnsRecord
from headerlens.model.spf import SpfOutcome, SpfVerdict
from headerlens.parsers.spfrecord import parse_domain_spec
from tests._spf_fakedns import FakeZone, zone_from_files
from tests.paths import SHARED, need_shared

REPO = Path(__file__).resolve().parents[1]
LAB = next(
    (p for p in (REPO / "tests" / "data" / "lab", SHARED / "lab") if (p / "zones").is_dir()),
    None,
)
BLAZE = SHARED / "corpus" / "dkim" / "dns" / "blaze"


@pytest.fixture(scope="module")
def lab_zone() -> FakeZone:
    if LAB is None:
        pytest.skip("lab zones not found in tests/data/lab or ../shared/lab")
    return zone_from_files(sorted((LAB / "zones").glob("*.zone")))


@pytest.fixture(scope="module")
def expected() -> dict[str, dict[str, object]]:
    if LAB is None:
        pytest.skip("lab expected.json not found")
    data = json.loads((LAB / "expected.json").read_text(encoding="utf-8"))
    return {Path(e["file"]).name: e["expect"] for e in data}


def _fresh(zone: FakeZone) -> FakeZone:
    return FakeZone(zone.data)


# The boundary hop of each lab message: Gmail's client-ip and the Return-Path.
LAB_CASES = [
    ("shared-eop-to-gmail-pass.eml", "40.107.22.101", "alice@contoso.com"),
    ("shared-eop-to-gmail-headers-only.txt", "40.107.22.101", "alice@contoso.com"),
    ("shared-eop-footer-after-signing.eml", "40.107.22.101", "alice@contoso.com"),
    ("shared-eop-rotated-selector.eml", "40.107.22.101", "alice@contoso.com"),
    ("shared-spf-not-updated.eml", "40.107.22.101", "billing@northwindtraders.com"),
    ("shared-onmicrosoft-dkim-unaligned.eml", "40.107.22.101", "facilities@tailspintoys.com"),
    ("shared-hes-to-gmail-pass.eml", "150.70.149.36", "ops@fabrikam.com"),
    ("shared-edge-bypasses-hes.eml", "192.0.2.60", "ops@fabrikam.com"),
    ("shared-strict-alignment-fail.eml", "198.18.7.11", "bounce@proseware.com"),
    ("shared-dual-ed25519-rsa.eml", "198.18.7.11", "support@proseware.com"),
    ("shared-mailing-list-arc.eml", "198.19.3.5", "users-bounces@lists.coho.example"),
    ("shared-spf-too-many-lookups.eml", "198.51.10.20", "alerts@heavy-proseware.com"),
]


@pytest.mark.parametrize(
    ("file", "ip", "mail_from"), LAB_CASES, ids=[f"lab:{c[0]}" for c in LAB_CASES]
)
def test_lab_messages_match_expected_json(
    lab_zone: FakeZone,
    expected: dict[str, dict[str, object]],
    file: str,
    ip: str,
    mail_from: str,
) -> None:
    want = expected[file]
    result = run_sync(check_message(ip, mail_from, "mail.example"), _fresh(lab_zone).answer)
    assert result.result == str(want["spf"]).split(" ")[0]
    if "spf_match" in want:
        assert result.match is not None
        assert result.match.describe() == want["spf_match"]
    if "spf_lookups" in want:
        assert result.lookup_count == want["spf_lookups"]


def test_contoso_trace_walks_the_include(lab_zone: FakeZone) -> None:
    # lab: shared-eop-to-gmail-pass.eml
    result = run_sync(
        check_message("40.107.22.101", "<alice@contoso.com>", "mail.contoso.com"),
        _fresh(lab_zone).answer,
    )
    assert result.verdict is SpfVerdict.PASS
    assert result.match is not None
    assert result.match.domain == "spf.protection.outlook.com"
    assert result.match.path == ("include:spf.protection.outlook.com",)
    assert [(r.name, r.rdtype) for r in result.records] == [
        ("contoso.com", "TXT"),
        ("spf.protection.outlook.com", "TXT"),
    ]
    assert (result.lookup_count, result.void_count) == (1, 0)
    tried = [(s.depth, s.term, s.outcome) for s in result.steps if s.outcome is not SpfOutcome.INFO]
    assert tried == [
        (1, "ip4:40.92.0.0/15", SpfOutcome.NO_MATCH),
        (1, "ip4:40.107.0.0/16", SpfOutcome.MATCH),
        (0, "include:spf.protection.outlook.com", SpfOutcome.MATCH),
    ]
    assert result.explanation is None


def test_heavy_proseware_permerror_at_eleventh_include(lab_zone: FakeZone) -> None:
    # lab: shared-spf-too-many-lookups.eml; RFC 7208 §4.6.4
    zone = _fresh(lab_zone)
    result = run_sync(
        check_message("198.51.10.20", "alerts@heavy-proseware.com", None), zone.answer
    )
    assert result.verdict is SpfVerdict.PERMERROR
    assert "§4.6.4" in result.reason
    assert result.steps[-1].term == "include:_s10.heavy-proseware.com"
    assert result.steps[-1].outcome is SpfOutcome.PERMERROR
    assert ("_s10.heavy-proseware.com", "TXT") not in zone.asked  # never queried
    assert any(d.code == "spf.too-many-lookups" for d in result.defects)


def test_not_updated_fail_and_softfail(lab_zone: FakeZone) -> None:
    # lab: shared-spf-not-updated.eml (-all) and shared-edge-bypasses-hes.eml (~all)
    fail = run_sync(
        check_message("40.107.22.101", "billing@northwindtraders.com", None), lab_zone.answer
    )
    assert fail.verdict is SpfVerdict.FAIL
    assert fail.match is not None
    assert fail.match.describe() == "-all"
    soft = run_sync(check_message("192.0.2.60", "ops@fabrikam.com", None), lab_zone.answer)
    assert soft.verdict is SpfVerdict.SOFTFAIL
    assert soft.match is not None
    assert soft.match.describe() == "~all"
    inc = [s for s in soft.steps if s.term == "include:spf.hes.trendmicro.com"]
    assert inc
    assert inc[0].outcome is SpfOutcome.NO_MATCH
    assert "softfail" in inc[0].detail


def _blaze_zone() -> FakeZone:
    need_shared(BLAZE)
    data: dict[str, list[tuple[str, str]]] = {}
    for path in BLAZE.glob("*.dns"):
        name = path.name.removesuffix(".dns")
        for line in path.read_text(encoding="utf-8").splitlines():
            kind, _, value = line.partition(":")
            if kind == "txt":
                data.setdefault(name, []).append(("TXT", value))
    return FakeZone(data)


@pytest.mark.parametrize(
    ("ip", "verdict", "described"),
    [
        ("209.85.220.41", "pass", "ip4:209.85.128.0/17 via include:_netblocks.google.com"),
        (
            "2a00:1450:4864:20::32f",
            "pass",
            "ip6:2a00:1450:4000::/36 via include:_netblocks2.google.com",
        ),
        ("172.217.1.10", "pass", "ip4:172.217.0.0/19 via include:_netblocks3.google.com"),
        ("198.51.100.9", "softfail", "~all"),
    ],
    ids=["google-v4", "google-v6", "google-netblocks3", "google-outsider"],
)
def test_google_spf_chain(ip: str, verdict: str, described: str) -> None:
    # corpus: dkim/dns/blaze/_spf.google.com.dns and _netblocks*.google.com.dns
    zone = _blaze_zone()
    result = run_sync(check_host(ip, "_spf.google.com", "postmaster@_spf.google.com"), zone.answer)
    assert result.result == verdict
    assert result.match is not None
    assert result.match.describe() == described


def _zone(records: dict[str, list[tuple[str, str]]]) -> FakeZone:
    return FakeZone(records)


@pytest.mark.parametrize(
    ("records", "ip", "verdict", "reason_part"),
    [
        # RFC 7208 §4.4: a DNS failure fetching the record is temperror
        ({"x.example": [("TIMEOUT", "")]}, "192.0.2.1", "temperror", "TIMEOUT"),
        # §4.5: two SPF records is permerror
        (
            {"x.example": [("TXT", "v=spf1 -all"), ("TXT", "v=spf1 +all")]},
            "192.0.2.1",
            "permerror",
            "2 SPF records",
        ),
        # §4.3: NXDOMAIN is none
        ({}, "192.0.2.1", "none", "NXDOMAIN"),
        # §5.2: include of a domain without SPF is permerror
        (
            {"x.example": [("TXT", "v=spf1 include:y.example -all")], "y.example": []},
            "192.0.2.1",
            "permerror",
            "no SPF record",
        ),
        # §4.6.4: a third void lookup is permerror
        (
            {"x.example": [("TXT", "v=spf1 a:n1.example a:n2.example a:n3.example -all")]},
            "192.0.2.1",
            "permerror",
            "void",
        ),
        # §5.4 / §4.6.4: more than 10 MX names is permerror
        (
            {
                "x.example": [("TXT", "v=spf1 mx -all")]
                + [("MX", f"{i} mx{i}.x.example") for i in range(11)]
            },
            "192.0.2.1",
            "permerror",
            "more than 10",
        ),
        # §4.6: a syntax error anywhere is permerror, even after a match
        ({"x.example": [("TXT", "v=spf1 +all moo")]}, "192.0.2.1", "permerror", "syntax"),
    ],
    ids=[
        "txt-timeout",
        "two-records",
        "nxdomain",
        "include-none",
        "void-limit",
        "mx-limit",
        "syntax",
    ],
)
def test_error_paths(
    records: dict[str, list[tuple[str, str]]], ip: str, verdict: str, reason_part: str
) -> None:
    result = run_sync(check_host(ip, "x.example", "a@x.example"), _zone(records).answer)
    assert result.result == verdict
    assert reason_part in result.reason


def test_null_sender_uses_postmaster_at_helo() -> None:
    # RFC 7208 §2.4, §4.3
    zone = _zone(
        {
            "mx.x.example": [("TXT", "v=spf1 -all exp=e.x.example")],
            "e.x.example": [("TXT", "%{s} via %{h} is not allowed")],
        }
    )
    result = run_sync(check_message("192.0.2.1", "<>", "mx.x.example"), zone.answer)
    assert result.identity == "helo"
    assert result.sender == "postmaster@mx.x.example"
    assert result.explanation == "postmaster@mx.x.example via mx.x.example is not allowed"


def test_no_identity_and_bad_ip_are_none() -> None:
    none = run_sync(check_message("192.0.2.1", None, None), _zone({}).answer)
    assert none.verdict is SpfVerdict.NONE
    bad = run_sync(check_message("not-an-ip", "a@x.example", None), _zone({}).answer)
    assert bad.verdict is SpfVerdict.NONE
    assert bad.defects[0].code == "spf.bad-ip"


# RFC 7208 §7.4 examples: sender strong-bad@email.example.com, IP 192.0.2.3 / 2001:db8::cb01
MACRO_EXAMPLES = [
    ("%{s}", "strong-bad@email.example.com"),
    ("%{o}", "email.example.com"),
    ("%{d}", "email.example.com"),
    ("%{d4}", "email.example.com"),
    ("%{d3}", "email.example.com"),
    ("%{d2}", "example.com"),
    ("%{d1}", "com"),
    ("%{dr}", "com.example.email"),
    ("%{d2r}", "example.email"),
    ("%{l}", "strong-bad"),
    ("%{l-}", "strong.bad"),
    ("%{lr}", "strong-bad"),
    ("%{lr-}", "bad.strong"),
    ("%{l1r-}", "strong"),
    ("%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"),
    ("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"),
    ("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"),
    ("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"),
    ("%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"),
]


def _ctx(ip: str) -> MacroContext:
    addr = client_ip(ip)
    assert addr is not None
    return MacroContext(
        ip=addr,
        sender="strong-bad@email.example.com",
        local="strong-bad",
        sender_domain="email.example.com",
        helo="mx.example.org",
    )


@pytest.mark.parametrize(
    ("spec", "want"), MACRO_EXAMPLES, ids=[f"RFC7208§7.4:{s}" for s, _ in MACRO_EXAMPLES]
)
def test_rfc7208_macro_examples(spec: str, want: str) -> None:
    tokens, error = parse_domain_spec(spec)
    assert error is None
    assert expand(tokens, _ctx("192.0.2.3"), "email.example.com") == want


def test_rfc7208_ipv6_macro_example() -> None:
    # RFC 7208 §7.4: %{ir}.%{v}._spf.%{d2} for 2001:db8::cb01
    tokens, _ = parse_domain_spec("%{ir}.%{v}._spf.%{d2}")
    got = expand(tokens, _ctx("2001:db8::cb01"), "email.example.com")
    assert got == (
        "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com"
    )


def test_ipv4_mapped_client_is_ipv4() -> None:
    # RFC 7208 §5 (item 9.2)
    assert client_ip("::ffff:192.0.2.3") == ipaddress.IPv4Address("192.0.2.3")


def test_finish_target_truncates_and_rejects() -> None:
    # RFC 7208 §7.3 (253-character truncation) and §4.3 (bad labels)
    long_name = ".".join(["a" * 60] * 5) + ".example.com."
    finished = finish_target(long_name)
    assert finished is not None
    assert len(finished) <= 253
    assert finished.endswith(".example.com")
    assert finish_target("mail.example...com") is None
    assert finish_target("a" * 64 + ".example.com") is None


# --- the async driver and its prefetch -------------------------------------------------------


class SlowZone(FakeZone):
    """A Resolver with a fixed delay per answer, recording every question."""

    delay = 0.02

    async def query(self, name: str, rdtype: str) -> DnsRecord:
        self.asked.append((name, rdtype))
        await asyncio.sleep(self.delay)
        return self.lookup(name, rdtype)


async def _timed(zone: SlowZone, ip: str, mail_from: str, prefetch: bool) -> tuple[str, float]:
    start = time.perf_counter()
    result = await evaluate_spf(zone, ip, mail_from, None, prefetch=prefetch)
    return result.result, time.perf_counter() - start


async def test_prefetch_walks_heavy_record_in_few_round_trips(lab_zone: FakeZone) -> None:
    # lab: shared-spf-too-many-lookups.eml: 10 includes fetched at once, the 11th never
    fast, slow = SlowZone(lab_zone.data), SlowZone(lab_zone.data)
    verdict, elapsed = await _timed(fast, "198.51.10.20", "alerts@heavy-proseware.com", True)
    seq_verdict, seq_elapsed = await _timed(
        slow, "198.51.10.20", "alerts@heavy-proseware.com", False
    )
    assert verdict == seq_verdict == "permerror"
    assert sorted(fast.asked) == sorted(slow.asked)  # no extra queries
    assert len(slow.asked) == 11
    assert elapsed < 5 * SlowZone.delay < seq_elapsed


async def test_prefetch_matches_sync_result_and_queries_on_pass(lab_zone: FakeZone) -> None:
    # lab: shared-eop-to-gmail-pass.eml
    zone = SlowZone(lab_zone.data)
    result = await evaluate_spf(zone, "40.107.22.101", "alice@contoso.com", "x.contoso.com")
    sync = run_sync(
        check_message("40.107.22.101", "alice@contoso.com", "x.contoso.com"),
        _fresh(lab_zone).answer,
    )
    assert result.match == sync.match
    assert result.verdict is SpfVerdict.PASS
    assert zone.asked == [("contoso.com", "TXT"), ("spf.protection.outlook.com", "TXT")]


async def test_prefetch_tradeoff_on_early_include_match() -> None:
    # corpus: blaze _spf.google.com: a match in the first include wastes the siblings' queries
    base = _blaze_zone()
    eager, lazy = SlowZone(base.data), SlowZone(base.data)
    for zone, prefetch in ((eager, True), (lazy, False)):
        result = await evaluate_spf(
            zone, "209.85.220.41", "someone@_spf.google.com", None, prefetch=prefetch
        )
        assert result.verdict is SpfVerdict.PASS
    assert len(lazy.asked) == 2
    assert len(eager.asked) == 4  # _netblocks2/_netblocks3 fetched ahead, then unused


def test_plan_prefetch_stops_at_local_match_and_all() -> None:
    answer = DnsRecord(
        "x.example",
        "TXT",
        "NOERROR",
        ("v=spf1 include:a.example ip4:192.0.2.0/24 include:b.example redirect=c.example",),
    )
    inside = plan_prefetch(answer, client_ip("192.0.2.7"), 0)
    assert [q.name for q in inside] == ["a.example"]
    outside = plan_prefetch(answer, client_ip("198.51.100.1"), 0)
    assert [(q.name, q.lookups) for q in outside] == [
        ("a.example", 1),
        ("b.example", 2),
        ("c.example", 3),
    ]
    with_all = DnsRecord("x", "TXT", "NOERROR", ("v=spf1 include:a.example -all redirect=c.x",))
    assert [q.name for q in plan_prefetch(with_all, None, 0)] == ["a.example"]
    assert plan_prefetch(with_all, None, 10) == ()


async def test_resolver_exception_becomes_temperror() -> None:
    class Broken:
        async def query(self, name: str, rdtype: str) -> DnsRecord:
            raise OSError("network unreachable")

    result = await evaluate_spf(Broken(), "192.0.2.1", "a@x.example", None)
    assert result.verdict is SpfVerdict.TEMPERROR
    assert result.records[0].error == "network unreachable"


def test_questions_are_name_rdtype_pairs() -> None:
    gen = check_host("192.0.2.1", "x.example", "a@x.example")
    first = next(gen)
    assert isinstance(first, DnsQuestion)
    assert first[:2] == ("x.example", "TXT")
    gen.close()
