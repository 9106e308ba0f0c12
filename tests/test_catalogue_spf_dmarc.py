"""Catalogue groups F and G, SPF and DMARC (research/reliability.md §4 F1-F11, G1-G8).

SPF runs check_host() against an in-memory zone that logs every question (tests._spf_fakedns);
DMARC runs against the in-memory recursive resolver (tests.memresolver_dkim).
"""

from __future__ import annotations

import time

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis.findings_dmarc import dmarc_findings
from headerlens.diagnosis.findings_spf import spf_findings
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.domaincheck.dmarcpolicy import check_dmarc_policy
from headerlens.domaincheck.spftree import check_spf_tree
from headerlens.evaluators.dmarc import evaluate_dmarc
from headerlens.evaluators.spf import check_host, evaluate_spf, run_sync
from headerlens.model.spf import SpfResult
from headerlens.model.verdicts import DmarcResult, DmarcVerdict
from headerlens.model.verification import Verification, VerifyMode
from tests._spf_fakedns import FakeZone
from tests.catalogue import MSG
from tests.dnslab import SilentUdpPort
from tests.memresolver_dkim import MemoryResolver

IP = "192.0.2.1"


def _spf(records: dict[str, list[tuple[str, str]]]) -> tuple[SpfResult, FakeZone]:
    zone = FakeZone(records)
    return run_sync(check_host(IP, "x.example", "a@x.example"), zone.answer), zone


def _codes(result: SpfResult) -> set[str]:
    return {d.code for d in result.defects}


FIFTY_FLAT = {
    "x.example": [
        ("TXT", "v=spf1 " + " ".join(f"include:i{i}.example" for i in range(50)) + " -all")
    ],
    **{f"i{i}.example": [("TXT", "v=spf1 -all")] for i in range(50)},
}
FIFTY_NESTED = {
    "x.example": [("TXT", "v=spf1 include:i0.example -all")],
    **{f"i{i}.example": [("TXT", f"v=spf1 include:i{i + 1}.example -all")] for i in range(50)},
}


@pytest.mark.parametrize("records", [FIFTY_FLAT, FIFTY_NESTED], ids=["flat", "nested"])
def test_f1_fifty_includes(records: dict[str, list[tuple[str, str]]]) -> None:
    # catalogue F1 / RFC 7208 §4.6.4: permerror at the 11th term; <= 10 term queries asked
    result, zone = _spf(records)
    assert result.result == "permerror" and "more than 10" in result.reason
    assert len(zone.asked) <= 11  # the record itself + 10 terms


@pytest.mark.parametrize(
    ("records", "cycle", "named", "in_tree"),
    [
        (
            {
                "x.example": [("TXT", "v=spf1 include:y.example -all")],
                "y.example": [("TXT", "v=spf1 include:x.example -all")],
            },
            "x.example → y.example → x.example",
            "include:x.example in the SPF record of y.example",
            True,
        ),
        (
            {
                "x.example": [("TXT", "v=spf1 redirect=y.example")],
                "y.example": [("TXT", "v=spf1 redirect=x.example")],
            },
            "x.example → y.example → x.example",
            "redirect=x.example in the SPF record of y.example",
            True,
        ),
        (  # case-insensitive, trailing dot ignored
            {"x.example": [("TXT", "v=spf1 include:X.Example. -all")]},
            "x.example → x.example",
            "include:X.Example. in the SPF record of x.example",
            True,
        ),
        (  # compared after macro expansion: %{o} is the sender domain (RFC 7208 §7.3)
            {
                "x.example": [("TXT", "v=spf1 include:y.example -all")],
                "y.example": [("TXT", "v=spf1 include:%{o} -all")],
            },
            "x.example → y.example → x.example",
            "include:%{o} in the SPF record of y.example",
            False,  # the domain check does not follow sender-dependent targets
        ),
    ],
    ids=["include-loop", "redirect-loop", "self-include-case-dot", "macro-loop"],
)
async def test_f2_loops_end_at_the_limit(
    records: dict[str, list[tuple[str, str]]], cycle: str, named: str, in_tree: bool
) -> None:
    # catalogue F2: permerror within the same limit (no separate loop rule in RFC 7208, so the
    # verdict and the lookup count are a receiver's); the cycle path is named, with the record
    result, zone = _spf(records)
    assert result.result == "permerror"
    assert result.lookup_count == 11 and len(zone.asked) <= 11
    assert cycle in result.reason
    (loop,) = [d for d in result.defects if d.code == "spf.loop"]
    assert cycle in loop.message and named in loop.message
    findings = spf_findings(analyze(MSG), result)
    (finding,) = [f for f in findings if f.code == "spf.loop"]
    assert named in finding.title and cycle in finding.title
    assert "spf.too-many-lookups" not in {f.code for f in findings}  # not "remove includes"
    # the domain check (headerlens check) names the same loop in the include tree
    tree = await check_spf_tree("x.example", FakeZone(records))
    tree_loops = [p for p in tree.problems if p.code == "spf.loop"]
    assert bool(tree_loops) is in_tree
    if in_tree:
        assert cycle in tree_loops[0].message and tree.limit_result == "permerror"


@pytest.mark.parametrize(
    "records",
    [
        {"x.example": [("TXT", "v=spf1 ip4:198.51.100.1 a:n1.example a:n2.example a:n3.example")]},
        {
            "x.example": [("TXT", "v=spf1 a:n1.example include:y.example -all")],
            "y.example": [("TXT", "v=spf1 a:n2.example a:n3.example -all")],
        },
    ],
    ids=["last-term", "inside-include"],
)
def test_f3_third_void_lookup(records: dict[str, list[tuple[str, str]]]) -> None:
    # catalogue F3 / RFC 7208 §4.6.4: permerror "void lookup limit (2)"
    result, _ = _spf(records)
    assert result.result == "permerror" and "void" in result.reason and result.void_count == 3


def test_f4_mx_and_ptr_limits() -> None:
    # catalogue F4: MX over 10 names is permerror; PTR over 10 is truncated, ptr deprecated
    mx, _ = _spf(
        {
            "x.example": [("TXT", "v=spf1 mx -all")]
            + [("MX", f"{i} m{i}.x.example") for i in range(20)]
        }
    )
    assert mx.result == "permerror" and "more than 10" in mx.reason
    ptrs = [("PTR", f"h{i}.x.example") for i in range(20)]
    ptr, zone = _spf({"x.example": [("TXT", "v=spf1 ptr -all")], "1.2.0.192.in-addr.arpa": ptrs})
    assert ptr.result == "fail" and "spf.ptr" in _codes(ptr)
    assert sum(1 for n, t in zone.asked if t in ("A", "AAAA")) <= 10


@pytest.mark.parametrize(
    ("records", "verdict"),
    [
        ({"x.example": [("TXT", "v=spf1 -all"), ("TXT", "v=spf1 +all")]}, "permerror"),
        ({"x.example": [("SPF", "v=spf1 -all")]}, "none"),  # type 99 is not used (§3.1)
        ({"x.example": [("TXT", "v=spf10 -all")]}, "none"),  # not an SPF record
    ],
    ids=["two-records", "type-99-only", "spf10"],
)
def test_f5_record_selection(records: dict[str, list[tuple[str, str]]], verdict: str) -> None:
    # catalogue F5 / RFC 7208 §4.5
    result, _ = _spf(records)
    assert result.result == verdict


@pytest.mark.parametrize(
    ("macro", "verdict"),
    [
        ("%{d2147483648}", "fail"),  # bounded digit parsing (hMailServer PR #399)
        ("%{l}", "fail"),
        ("%{i}." + ".".join(c * 60 for c in "abcd"), "fail"),  # > 253: truncated from the left
        ("%{z}", "permerror"),
        ("%{c}", "permerror"),  # c/r/t only in exp= (§7.1)
    ],
    ids=["huge-digits", "local-part", "over-253", "unknown-letter", "c-outside-exp"],
)
def test_f6_macros(macro: str, verdict: str) -> None:
    # catalogue F6: bounded, truncated to 253, invalid macros permerror, never a stack trace
    result, zone = _spf({"x.example": [("TXT", f"v=spf1 exists:{macro}.x.example -all")]})
    assert result.result == verdict
    assert all(len(name) <= 253 for name, _ in zone.asked)


def test_f7_explanation_text_is_inert() -> None:
    # catalogue F7 / RFC 7208 §6.2, §11.5: exp= text is attacker text. Printable markup is kept
    # as evidence (and made inert where shown); controls or bidi make it invalid, so it is dropped.
    markup = "[link=file:///etc/passwd]x[/link] [@click=app.quit]y[/]"
    zone = {"x.example": [("TXT", "v=spf1 -all exp=e.x.example")], "e.x.example": [("TXT", markup)]}
    result, _ = _spf(zone)
    assert result.explanation == markup
    from headerlens.textsafe import md_escape

    assert md_escape(result.explanation or "").startswith("\\[link")
    zone["e.x.example"] = [("TXT", "\x1b[2Jcleared \u202eevil")]
    dropped, _ = _spf(zone)
    assert dropped.result == "fail" and dropped.explanation is None


def test_f8_large_record() -> None:
    # catalogue F8 / RFC 7208 §3.4: advisory finding past 450 bytes; no blow-up. 250 terms
    # (3.6 KB) stay under the 4 KiB budget (budgets.SPF_TXT_BYTES), so they are evaluated
    terms = " ".join(f"ip4:10.0.{i // 250}.{i % 250}" for i in range(250))
    started = time.perf_counter()
    result, _ = _spf({"x.example": [("TXT", f"v=spf1 {terms} -all")]})
    # a hang guard, not a speed target (speed is in bench/); 3 s holds on a loaded machine
    assert time.perf_counter() - started < 3.0
    assert result.result == "fail" and "spf.record-long" in _codes(result)


@pytest.mark.parametrize(
    ("record", "size", "verdict", "code"),
    [
        ("v=spf1 " + " " * 3968 + "ip4:192.0.2.1 -all", 3, "pass", "spf.record-long"),
        ("v=spf1 " + "ip4:10.0.0.1 " * 4860 + "-all", 255, "permerror", "spf.record-too-large"),
        ("v=spf1 " + " " * 2975 + "ip4:192.0.2.1 -all", 3, "pass", "spf.record-long"),
    ],
    ids=["4kb", "64kb-over-tcp", "1000-strings"],
)
async def test_f8_large_records_from_a_real_server(
    record: str, size: int, verdict: str, code: str
) -> None:
    # catalogue F8 on a real loopback server (tests/misbehaving_dns.py): each record is too big
    # for UDP (TC=1), arrives over TCP, strings joined (RFC 7208 §3.3); 4 KiB budget, no blow-up
    from tests.misbehaving_dns import MisbehavingDns, Script, txt_strings

    with MisbehavingDns({"x.example": Script((txt_strings(record, size),))}) as server:
        resolver = LiveResolver(server.nameservers, timeout=2.0)
        result = await evaluate_spf(resolver, IP, "a@x.example", None)
        assert server.asked("x.example") == ["udp", "tcp"]
    assert [r.answers for r in result.records] == [(record,)]
    assert result.result == verdict and code in _codes(result)
    if verdict == "permerror":
        assert f"{len(record):,} bytes" in result.reason


@pytest.mark.parametrize(
    ("term", "verdict"),
    [
        ("ip4:1.2.3.4/33", "permerror"),
        ("ip6:::1/129", "permerror"),
        ("ip4:999.1.1.1", "permerror"),
        ("a//0", "fail"),
    ],
    ids=["ip4-33", "ip6-129", "ip4-999", "a-dual-cidr-0"],
)
def test_f9_bad_cidr_and_addresses(term: str, verdict: str) -> None:
    # catalogue F9 / RFC 7208 §5.6: bad prefixes/addresses are permerror naming the term.
    # "a//0" is valid RFC 7208 syntax (dual-cidr-length with ip6-cidr-length 0): not an error.
    result, _ = _spf({"x.example": [("TXT", f"v=spf1 {term} -all")]})
    assert result.result == verdict
    if verdict == "permerror":
        assert term in result.reason


def test_f10_terms_after_all() -> None:
    # catalogue F10 / RFC 7208 §5.1: ignored, with an info finding
    result, zone = _spf(
        {"x.example": [("TXT", "v=spf1 -all include:y.example redirect=y.example")]}
    )
    assert result.result == "fail" and {"spf.after-all", "spf.redirect-ignored"} <= _codes(result)
    assert zone.asked == [("x.example", "TXT")]


async def test_f11_deadline_gives_temperror() -> None:
    # catalogue F11 / RFC 7208 §4.6.4: past the time limit the result is temperror, bounded
    with SilentUdpPort() as silent:
        resolver = LiveResolver([(silent.host, silent.port)], timeout=0.2, deadline=0.4)
        started = time.monotonic()
        result = await evaluate_spf(resolver, IP, "a@x.example", "mx.x.example")
        elapsed = time.monotonic() - started
    assert result.result == "temperror"
    assert elapsed < 2.0


# --- G: DMARC -------------------------------------------------------------------------------


async def _dmarc(
    records: dict[str, list[str]], domain: str = "example.com"
) -> tuple[DmarcVerdict, MemoryResolver]:
    resolver = MemoryResolver({(n, "TXT"): v for n, v in records.items()})
    verdict = await evaluate_dmarc(domain, ("fail", "other.example"), [], resolver)
    return verdict, resolver


START_CODES = {
    "dmarc.record.leading-space",
    "dmarc.record.upper-v",
    "dmarc.record.version-case",
    "dmarc.record.version",
    "dmarc.record.v-not-first",
    "dmarc.record.no-version",
}


def _dcodes(v: DmarcVerdict) -> set[str]:
    return {d.code for d in v.findings}


async def test_g1_no_record_anywhere() -> None:
    # catalogue G1: "no policy", DMARC not applied
    v, _ = await _dmarc({})
    assert v.result is DmarcResult.NONE and v.policy is None


async def test_g2_two_records() -> None:
    # catalogue G2 / RFC 9989: all discarded, finding "multiple records"
    v, _ = await _dmarc({"_dmarc.example.com": ["v=DMARC1; p=none", "v=DMARC1; p=reject"]})
    assert v.policy is None and "dmarc.record.multiple" in _dcodes(v)


@pytest.mark.parametrize("rua", ["; rua=mailto:d@example.com", ""], ids=["with-rua", "without-rua"])
async def test_g3_invalid_policy(rua: str) -> None:
    # catalogue G3: p=bogus acts as p=none when rua= names a report address; without one the
    # record is not a policy and DMARC does not apply (RFC 9989 §4.10.1).
    v, _ = await _dmarc({"_dmarc.example.com": [f"v=DMARC1; p=bogus{rua}"]})
    assert "dmarc.record.value" in _dcodes(v)
    if rua:
        assert v.policy == "none" and v.result is DmarcResult.FAIL
    else:
        assert v.policy is None and v.result is DmarcResult.NONE


async def test_g4_unknown_and_legacy_tags() -> None:
    # catalogue G4: ignored with a warning (pct/rf/ri removed in RFC 9989)
    v, _ = await _dmarc(
        {"_dmarc.example.com": ["v=DMARC1; p=reject; pct=abc; rf=afrf; ri=10; foo=bar"]}
    )
    assert v.policy == "reject"
    assert {"dmarc.record.legacy", "dmarc.record.unknown-tag"} <= _dcodes(v)


async def test_g5_np_for_non_existent_subdomain() -> None:
    # catalogue G5 / RFC 9091: np applied for an NXDOMAIN From domain
    v, _ = await _dmarc(
        {"_dmarc.example.com": ["v=DMARC1; p=none; sp=quarantine; np=reject"]}, "ghost.example.com"
    )
    assert (v.policy_tag, v.policy) == ("np", "reject")


async def test_g6_deep_domain_walk_is_bounded() -> None:
    # catalogue G6 / RFC 9989 tree walk: at most 8 _dmarc queries for 122 labels
    deep = ".".join(f"l{i}" for i in range(120)) + ".example.com"
    v, resolver = await _dmarc({}, deep)
    assert v.result is DmarcResult.NONE
    walk = [name for name, t in resolver.asked if t == "TXT" and name.endswith(".com")]
    assert 0 < len(walk) <= 8


@pytest.mark.parametrize(
    ("record", "applies", "code"),
    [
        # used: the DKIM tag-spec allows leading white space and v= is still the first tag
        ("  v=DMARC1; p=reject", True, "dmarc.record.leading-space"),
        ("p=reject; v=DMARC1", False, "dmarc.record.v-not-first"),  # RFC 7489 §6.3
        # the value is case-sensitive: %x44 %x4d... (RFC 7489 §6.4), %s"DMARC1" (RFC 9989)
        ("V=dmarc1; p=reject", False, "dmarc.record.version-case"),
        ("v=dmarc1; p=reject", False, "dmarc.record.version-case"),
        ("V=DMARC1; p=reject", True, "dmarc.record.upper-v"),  # ABNF "v" is case-insensitive
        ("v = DMARC1; p=reject", True, None),  # equals = *WSP "=" *WSP: nothing to say
    ],
    ids=["leading-space", "v-not-first", "upper-v-lower-value", "lower-value", "upper-v", "wsp"],
)
async def test_g7_record_start(record: str, applies: bool, code: str | None) -> None:
    # catalogue G7 / RFC 7489 §6.3-§6.4, RFC 9989: a record must start with v=DMARC1; every
    # departure is named, with the record's name and whether receivers use it
    v, _ = await _dmarc({"_dmarc.example.com": [record]})
    assert (v.policy == "reject") is applies
    assert v.result is (DmarcResult.FAIL if applies else DmarcResult.NONE)
    starts = [d for d in v.findings if d.code in START_CODES]
    assert [d.code for d in starts] == ([code] if code else [])
    if code:
        assert "_dmarc.example.com" in starts[0].message
        assert ("receivers ignore it" in starts[0].message) is not applies
        verification = Verification(VerifyMode.LIVE, "memory", dmarc=v)
        found = [f for f in dmarc_findings(analyze(MSG), verification, v) if f.code == code]
        assert found and found[0].title == starts[0].message
    # the domain check (headerlens check) says the same
    check = await check_dmarc_policy(
        "example.com", MemoryResolver({("_dmarc.example.com", "TXT"): [record]})
    )
    assert [p.code for p in check.problems if p.code in START_CODES] == ([code] if code else [])
    assert ("dmarc.none" in {p.code for p in check.problems}) is not applies


async def test_g8_psd_record() -> None:
    # catalogue G8: psd=y stops the walk; organisational domain is the name below it
    v, _ = await _dmarc({"_dmarc.example": ["v=DMARC1; p=reject; psd=y"]}, "sub.org.example")
    assert v.org_domain is not None and v.org_domain.tree_walk == "org.example"
    assert "psd=y" in v.org_domain.walk_reason
