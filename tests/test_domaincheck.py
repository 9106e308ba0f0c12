"""``headerlens check DOMAIN`` against the lab DNS (Knot behind Unbound): SPF tree, selectors, DMARC."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest

from headerlens.check_cmd import run_check
from headerlens.dnsclient.resolver import LiveResolver, OfflineResolver
from headerlens.domaincheck.check import check_domain
from headerlens.domaincheck.spftree import overlap_problems
from headerlens.model.domaincheck import DomainCheck, SelectorState, SpfNodeState, SpfRange
from headerlens.report.domaincheck import outline, to_json, to_markdown
from tests.dnslab import LabDns


def _check(lab: LabDns, domain: str, **kw: object) -> DomainCheck:
    resolver = LiveResolver([(lab.host, lab.port)], timeout=2.0)
    return asyncio.run(check_domain(domain, resolver, label="lab", **kw))  # type: ignore[arg-type]


def _codes(result: DomainCheck) -> set[str]:
    assert result.spf is not None and result.dmarc is not None
    every = (*result.spf.problems, *result.dmarc.problems, *result.advice)
    every += tuple(p for s in result.dkim for p in s.problems)
    return {d.code for d in every}


# (domain, DNS-querying terms in the whole tree, include/redirect targets, limit result)
SPF_TREES = [
    # lab zones: contoso.com.zone / outlook.com.zone (the EOP set-up)
    ("contoso.com", 1, ("spf.protection.outlook.com",), None),
    # lab zones: fabrikam.com.zone / trendmicro.com.zone (the HES set-up)
    ("fabrikam.com", 1, ("spf.hes.trendmicro.com",), None),
    # lab zones: northwindtraders.com.zone (SPF never updated for EOP)
    ("northwindtraders.com", 0, (), None),
    # lab zones: google.com.zone (_spf.google.com: three nested includes)
    (
        "_spf.google.com",
        3,
        ("_netblocks.google.com", "_netblocks2.google.com", "_netblocks3.google.com"),
        None,
    ),
    # lab zones: heavy-proseware.com.zone (11 includes: RFC 7208 §4.6.4 limit exceeded)
    (
        "heavy-proseware.com",
        11,
        tuple(f"_s{i}.heavy-proseware.com" for i in range(11)),
        "permerror",
    ),
]


@pytest.mark.dns
@pytest.mark.parametrize(("domain", "terms", "includes", "limit"), SPF_TREES)
def test_spf_tree_and_counts(
    lab_dns: LabDns, domain: str, terms: int, includes: tuple[str, ...], limit: str | None
) -> None:
    spf = _check(lab_dns, domain).spf
    assert spf is not None
    assert spf.tree.state is SpfNodeState.OK
    assert spf.dns_terms == terms
    assert spf.includes == includes
    assert spf.void_lookups == 0
    assert spf.limit_result == limit
    assert all(kid.state is SpfNodeState.OK for kid in spf.tree.children)
    assert spf.tree.evidence is not None and spf.tree.evidence.name == domain


@pytest.mark.dns
def test_heavy_proseware_reports_11_terms_and_permerror(lab_dns: LabDns) -> None:
    # lab: heavy-proseware.com.zone; expected.json shared-spf-too-many-lookups.eml
    result = _check(lab_dns, "heavy-proseware.com", ip="198.51.10.7")
    assert result.spf is not None
    assert result.spf.dns_terms == 11
    assert result.spf.limit_result == "permerror"
    assert "spf.too-many-lookups" in _codes(result)
    ip = result.spf.ip_result
    assert ip is not None and ip.result == "permerror"  # listed only in the 11th include
    md = to_markdown(result)
    assert "DNS-querying terms: 11 (limit 10)" in md
    assert "permerror" in md


# (domain, provider, selectors, expected state per selector, records to publish)
SELECTORS = [
    # lab: contoso.com.zone + contoso.onmicrosoft.com.zone: selector2's CNAME target is gone
    (
        "contoso.com",
        "eop",
        (),
        {"selector1": SelectorState.PRESENT, "selector2": SelectorState.CNAME_TARGET_MISSING},
        {},
    ),
    # lab: northwindtraders.com.zone: selector2 CNAME never published; tenant from selector1
    (
        "northwindtraders.com",
        "eop",
        (),
        {"selector1": SelectorState.PRESENT, "selector2": SelectorState.MISSING},
        {
            "selector2": "selector2._domainkey.northwindtraders.com CNAME "
            "selector2-northwindtraders-com._domainkey.northwind.onmicrosoft.com"
        },
    ),
    # lab: tailspintoys.com.zone: no CNAME at all, so the tenant is a placeholder
    (
        "tailspintoys.com",
        "eop",
        (),
        {"selector1": SelectorState.MISSING, "selector2": SelectorState.MISSING},
        {
            "selector1": "selector1._domainkey.tailspintoys.com CNAME "
            "selector1-tailspintoys-com._domainkey.<tenant>.onmicrosoft.com",
            "selector2": "selector2._domainkey.tailspintoys.com CNAME "
            "selector2-tailspintoys-com._domainkey.<tenant>.onmicrosoft.com",
        },
    ),
    # lab: fabrikam.com.zone: the HES selector is a TXT key published directly
    ("fabrikam.com", "hes", ("hes1",), {"hes1": SelectorState.PRESENT}, {}),
    # lab: proseware.com.zone: ed25519 and RSA keys; "nope" does not exist
    (
        "proseware.com",
        None,
        ("ed2026", "rsa2026", "nope"),
        {
            "ed2026": SelectorState.PRESENT,
            "rsa2026": SelectorState.PRESENT,
            "nope": SelectorState.MISSING,
        },
        {"nope": 'nope._domainkey.proseware.com TXT "v=DKIM1; k=rsa; p=<public key>"'},
    ),
]


@pytest.mark.dns
@pytest.mark.parametrize(("domain", "provider", "selectors", "states", "publish"), SELECTORS)
def test_selector_states(
    lab_dns: LabDns,
    domain: str,
    provider: str | None,
    selectors: tuple[str, ...],
    states: dict[str, SelectorState],
    publish: dict[str, str],
) -> None:
    result = _check(lab_dns, domain, provider=provider, selectors=selectors)
    assert {s.selector: s.state for s in result.dkim} == states
    got = {s.selector: s.publish[0].zone_line() for s in result.dkim if s.publish}
    assert got == publish
    for s in result.dkim:
        assert s.evidence and s.evidence[0].name == f"{s.selector}._domainkey.{domain}"


@pytest.mark.dns
def test_cname_chain_and_key_details(lab_dns: LabDns) -> None:
    # lab: contoso.com.zone selector1 -> contoso.onmicrosoft.com (EOP CNAME, 2048-bit RSA)
    result = _check(lab_dns, "contoso.com", provider="eop")
    s1, s2 = result.dkim
    assert s1.cname_chain == (
        "selector1._domainkey.contoso.com",
        "selector1-contoso-com._domainkey.contoso.onmicrosoft.com",
    )
    assert s1.key is not None and s1.key.key_bits == 2048 and s1.key.key_type == "rsa"
    assert s2.cname_target == "selector2-contoso-com._domainkey.contoso.onmicrosoft.com"
    assert s2.publish == ()  # the CNAME is right: Microsoft must publish the key
    assert "dkim.selector.eop-key-unpublished" in {p.code for p in s2.problems}


# (domain, record domain, policy reading fragments, problem codes expected)
DMARC = [
    # lab: contoso.com.zone: p=reject, pct=100 (legacy)
    (
        "contoso.com",
        "contoso.com",
        ("is rejected (p=reject)", "subdomain (e.g. anything.contoso.com) would be rejected"),
        {"dmarc.record.legacy"},
    ),
    # lab: fabrikam.com.zone: p=none monitors only
    (
        "fabrikam.com",
        "fabrikam.com",
        ("delivered as usual (monitoring only) (p=none)", "dmarcreports@fabrikam.com"),
        {"dmarc.policy-none"},
    ),
    # lab: proseware.com.zone: a subdomain inherits the org record, strict alignment
    (
        "news.proseware.com",
        "proseware.com",
        ("no record of its own", "sp=quarantine", "DKIM and SPF strict"),
        set(),
    ),
    # lab: heavy-proseware.com.zone: p=none and no rua
    ("heavy-proseware.com", "heavy-proseware.com", ("No aggregate reports",), {"dmarc.no-rua"}),
    # lab: gmail.com.zone: rua at google.com, which publishes no authorisation record
    (
        "gmail.com",
        "gmail.com",
        ("Aggregate reports go to mailauth-reports@google.com",),
        {"dmarc.report-unauthorised"},
    ),
]


@pytest.mark.dns
@pytest.mark.parametrize(("domain", "record_domain", "reading", "codes"), DMARC)
def test_dmarc_reading(
    lab_dns: LabDns, domain: str, record_domain: str, reading: tuple[str, ...], codes: set[str]
) -> None:
    result = _check(lab_dns, domain)
    dmarc = result.dmarc
    assert dmarc is not None and dmarc.record is not None
    assert dmarc.record_domain == record_domain
    text = " ".join(dmarc.reading)
    for fragment in reading:
        assert fragment in text
    assert codes <= _codes(result)
    assert {t.tag for t in dmarc.tags} >= {"p", "sp", "np", "adkim", "aspf", "rua", "ruf", "fo"}
    assert dmarc.evidence[0].name == f"_dmarc.{domain}"


@pytest.mark.dns
def test_external_report_destination_evidence(lab_dns: LabDns) -> None:
    # lab: gmail.com.zone rua=mailto:mailauth-reports@google.com (RFC 7489 §7.1)
    dmarc = _check(lab_dns, "gmail.com").dmarc
    assert dmarc is not None
    (dest,) = dmarc.destinations
    assert dest.external and dest.authorised is False
    assert dest.auth_name == "gmail.com._report._dmarc.google.com"
    assert dest.evidence is not None and dest.evidence.rcode == "NXDOMAIN"


# (domain, provider, advice code expected, advice code not expected)
ADVICE = [
    # lab story shared-spf-not-updated: mail leaves through EOP, SPF lists the old server only
    ("northwindtraders.com", "eop", "advice.spf-include", None),
    # lab: contoso.com includes spf.protection.outlook.com
    ("contoso.com", "eop", None, "advice.spf-include"),
    # lab: fabrikam.com includes spf.hes.trendmicro.com
    ("fabrikam.com", "hes", None, "advice.spf-include"),
    # lab story shared-onmicrosoft-dkim-unaligned: no selector resolves
    ("tailspintoys.com", "eop", "advice.eop-onmicrosoft", None),
    # Google Workspace: _spf.google.com is missing from contoso.com
    ("contoso.com", "google", "advice.spf-include", None),
]


@pytest.mark.dns
@pytest.mark.parametrize(("domain", "provider", "present", "absent"), ADVICE)
def test_provider_advice(
    lab_dns: LabDns, domain: str, provider: str, present: str | None, absent: str | None
) -> None:
    codes = {a.code for a in _check(lab_dns, domain, provider=provider).advice}
    if present:
        assert present in codes
    if absent:
        assert absent not in codes


@pytest.mark.dns
def test_ip_result_and_matching_term(lab_dns: LabDns) -> None:
    # lab: expected.json shared-eop-to-gmail-pass.eml spf_match
    spf = _check(lab_dns, "contoso.com", ip="40.107.22.101").spf
    assert spf is not None and spf.ip_result is not None
    assert spf.ip_result.result == "pass"
    assert spf.ip_result.match is not None
    assert spf.ip_result.match.describe() == (
        "ip4:40.107.0.0/16 via include:spf.protection.outlook.com"
    )


@pytest.mark.dns
def test_cli_markdown_json_and_snapshot_replay(lab_dns: LabDns, tmp_path: Path) -> None:
    snap = tmp_path / "dns.json"
    out = io.StringIO()
    argv = [
        "northwindtraders.com",
        "--provider",
        "eop",
        "--resolver",
        f"{lab_dns.host}:{lab_dns.port}",
    ]
    assert run_check([*argv, "--save-dns", str(snap)], out) == 0
    md = out.getvalue()
    # The record to publish is a code span: exactly as typed, no Markdown escapes.
    assert "selector2-northwindtraders-com._domainkey.northwind.onmicrosoft.com`" in md
    assert "lacks include:spf.protection.outlook.com" in md
    # Replaying the saved answers offline gives the same report body.
    target = tmp_path / "check.json"
    argv2 = ["northwindtraders.com", "--provider", "eop", "--dns-snapshot", str(snap)]
    assert run_check([*argv2, "--format", "json", "-o", str(target)], io.StringIO()) == 0
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["format"] == "headerlens-domain-check"
    states = [s["state"] for s in doc["check"]["dkim"]]
    assert states == ["present", "missing"]


def test_offline_check_reports_dns_errors_without_raising() -> None:
    result = asyncio.run(check_domain("contoso.com", OfflineResolver(), provider="eop"))
    assert result.spf is not None and result.spf.tree.state is SpfNodeState.DNS_ERROR
    assert [s.state for s in result.dkim] == [SelectorState.DNS_ERROR] * 2
    assert result.dns_log and all(r.rcode == "OFFLINE" for r in result.dns_log)


@pytest.mark.parametrize(
    "domain",
    [
        "localhost",  # one label (RFC 7208 §4.3)
        "",  # nothing typed
        "a..b",  # empty label
    ],
)
def test_bad_domain_is_a_finding_not_an_exception(domain: str) -> None:
    result = asyncio.run(check_domain(domain, OfflineResolver()))
    assert result.spf is None and result.dmarc is None
    assert [a.code for a in result.advice] == ["check.bad-domain"]
    assert result.dns_log == ()


def test_no_selector_note() -> None:
    # HES documents no default selector: without --selector nothing is checked, and we say so.
    result = asyncio.run(check_domain("fabrikam.com", OfflineResolver(), provider="hes"))
    assert result.dkim == ()
    assert any("--selector" in n for n in result.notes)


@pytest.mark.parametrize(
    ("ranges", "codes"),
    [
        # RFC 7208 §5.6 ranges: the same /24 twice, then a /32 inside it
        (
            (("ip4:198.51.100.0/24", "a.example"), ("ip4:198.51.100.0/24", "b.example")),
            ["spf.duplicate-range"],
        ),
        (
            (("ip4:198.51.100.7", "a.example"), ("ip4:198.51.100.0/24", "a.example")),
            ["spf.overlapping-range"],
        ),
        ((("ip4:198.51.100.0/24", "a.example"), ("ip6:2001:db8::/32", "a.example")), []),
    ],
)
def test_overlapping_ranges(ranges: tuple[tuple[str, str], ...], codes: list[str]) -> None:
    items = [SpfRange(term.split(":", 1)[1], term, domain) for term, domain in ranges]
    assert [d.code for d in overlap_problems(items)] == codes


def test_markdown_is_inert() -> None:
    # A hostile resolver answer: markup and an escape sequence inside a TXT record.
    from headerlens.model.dns import DnsRecord

    class Hostile:
        def __init__(self) -> None:
            self._log: list[DnsRecord] = []

        async def query(self, name: str, rdtype: str) -> DnsRecord:
            answers = ("v=spf1 [link=x]*boom*\x1b[31m -all",) if rdtype == "TXT" else ()
            rec = DnsRecord(name, rdtype, "NOERROR", answers)
            self._log.append(rec)
            return rec

        @property
        def log(self) -> tuple[DnsRecord, ...]:
            return tuple(self._log)

        def clear_cache(self) -> None:
            pass

    result = asyncio.run(check_domain("evil.example", Hostile()))
    md = to_markdown(result)
    assert "\x1b" not in md and "\\x1b" in md
    assert "\\[link=x\\]\\*boom\\*" in md
    assert "\x1b" not in to_json(result)
    assert any(line.kind == "heading" for line in outline(result))


def test_offline_gives_no_publish_advice() -> None:
    # Not knowing (DNS error) is not the same as missing: no "publish" advice offline.
    result = asyncio.run(check_domain("tailspintoys.com", OfflineResolver(), provider="eop"))
    assert {a.code for a in result.advice} == set()
    assert "unknown" in to_markdown(result)


def test_oversized_spf_record_is_not_parsed_in_the_tree() -> None:
    # catalogue F8 in `headerlens check`: a 64 KB record (possible over TCP) is reported, not
    # parsed, and the domain's SPF is permerror; the record that includes it still is read
    from headerlens.domaincheck.spftree import check_spf_tree
    from tests.memresolver_dkim import MemoryResolver

    huge = (
        "v=spf1 " + " ".join(f"ip4:10.{i // 250 % 250}.{i % 250}.1" for i in range(4000)) + " -all"
    )
    resolver = MemoryResolver(
        {
            ("x.example", "TXT"): ["v=spf1 include:big.example -all"],
            ("big.example", "TXT"): [huge],
        }
    )
    check = asyncio.run(check_spf_tree("x.example", resolver))
    big = check.tree.children[0]
    assert big.state is SpfNodeState.TOO_LARGE and big.record is None
    assert check.limit_result == "permerror"
    note = next(p for p in check.problems if p.code == "spf.record-too-large")
    assert "big.example" in note.message and f"{len(huge):,}" in note.message
