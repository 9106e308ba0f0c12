"""Tests for DMARC: record syntax, organisational domains (PSL and tree walk), evaluation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from headerlens.evaluators.dmarc import evaluate_dmarc
from headerlens.evaluators.orgdomain import (
    DmarcLookups,
    org_domain,
    psl_org_domain,
    tree_walk_org,
    walk_names,
)
from headerlens.model.verdicts import DmarcResult
from headerlens.parsers.dmarcrecord import parse_dmarc_record
from tests.memresolver_dkim import LAB, MemoryResolver, lab_resolver

# --- record syntax ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com", "p", "none"),  # RFC 7489 §B.2.1
        (
            "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com",
            "rua",
            ("mailto:dmarc-feedback@example.com",),
        ),
        ("v=DMARC1; p=quarantine; pct=100", "pct", 100),  # RFC 7489 §B.2.3
        (
            "v=DMARC1; p=reject; sp=reject; pct=100; rua=mailto:dmarcreports@contoso.com",
            "sp",
            "reject",
        ),  # lab: contoso.com.zone
        ("v=DMARC1; p=quarantine; adkim=s; aspf=s; rua=mailto:agg@proseware.com", "adkim", "s"),
        ("v=DMARC1;P=REJECT;ADKIM=R", "p", "reject"),  # tags and keywords are case-insensitive
        ("v=DMARC1; p=reject; np=reject; psd=n; t=y", "np", "reject"),  # RFC 9989 §4.7 tags
        ("v=DMARC1; p=reject; np=reject; psd=n; t=y", "psd", "n"),
        ("v=DMARC1; p=reject; np=reject; psd=n; t=y", "t", "y"),
        ("v=DMARC1; p=none; fo=1:d:s", "fo", ("1", "d", "s")),
    ],
)
def test_record_fields(text: str, field: str, value: object) -> None:
    rec = parse_dmarc_record(text)
    assert rec.valid
    assert getattr(rec, field) == value


@pytest.mark.parametrize(
    ("text", "valid", "code"),
    [
        ("v=spf1 -all", False, "dmarc.record.not-dmarc"),
        ("p=reject; v=DMARC1", False, "dmarc.record.not-dmarc"),  # v= must come first
        ("v=DMARC2; p=reject", False, "dmarc.record.not-dmarc"),
        ("v=DMARC1; rua=mailto:a@example.com", True, "dmarc.record.no-p"),
        ("v=DMARC1; p=block", True, "dmarc.record.value"),
        ("v=DMARC1; p=none; pct=150", True, "dmarc.record.value"),
        ("v=DMARC1; p=none; pct=50", True, "dmarc.record.legacy"),  # RFC 9989 removed pct
        ("v=DMARC1; p=none; ri=86400", True, "dmarc.record.legacy"),
        ("v=DMARC1; p=none; p=reject", True, "dmarc.record.duplicate"),
        ("v=DMARC1; p=none; foo=bar", True, "dmarc.record.unknown-tag"),
        ("v=DMARC1; p=none; rua=https://example.com/r", True, "dmarc.record.uri"),
        ("v=DMARC1; p=none; rua=mailto:a@example.com!10m", True, "dmarc.record.uri-size"),
        ("v=DMARC1; p=none; junk", True, "dmarc.record.syntax"),
    ],
)
def test_record_defects(text: str, valid: bool, code: str) -> None:
    rec = parse_dmarc_record(text)
    assert rec.valid is valid
    assert code in {d.code for d in rec.defects}


def test_record_defaults() -> None:
    # RFC 7489 §6.3: sp defaults to p; RFC 9091 §4.1 np defaults to sp; missing p reads as none
    rec = parse_dmarc_record("v=DMARC1; p=quarantine")
    assert (rec.effective_p, rec.effective_sp, rec.effective_np) == ("quarantine",) * 3
    assert not rec.strict_dkim
    assert not rec.strict_spf
    assert parse_dmarc_record("v=DMARC1; p=bogus").effective_p == "none"
    assert parse_dmarc_record("v=DMARC1; p=none; t=y").testing


# --- organisational domain ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "names"),
    [
        ("example.com", ("example.com", "com")),
        ("mail.example.com", ("mail.example.com", "example.com", "com")),
        # RFC 9989 §4.10: a deep name jumps straight to its seven right-most labels
        (
            "a.b.c.d.e.f.g.h.i.example.com",
            (
                "a.b.c.d.e.f.g.h.i.example.com",
                "e.f.g.h.i.example.com",
                "f.g.h.i.example.com",
                "g.h.i.example.com",
                "h.i.example.com",
                "i.example.com",
                "example.com",
                "com",
            ),
        ),
        ("Example.COM.", ("example.com", "com")),
        ("", ()),
    ],
)
def test_walk_names(domain: str, names: tuple[str, ...]) -> None:
    assert walk_names(domain) == names
    assert len(names) <= 8


@pytest.mark.parametrize(
    ("domain", "org"),
    [
        ("news.proseware.com", "proseware.com"),  # lab
        ("a.b.example.co.uk", "example.co.uk"),  # multi-label public suffix
        ("tailspin.onmicrosoft.com", "onmicrosoft.com"),  # lab: EOP tenant domain
        ("co.uk", None),  # a public suffix has no registrable domain
        # PSL IDN rules: their A-label (xn--) forms must match too (RFC 5890 §2.3.2.1)
        ("a.b.xn--fiqs8s", "b.xn--fiqs8s"),  # PSL: 中国
        ("mail.example.xn--p1ai", "example.xn--p1ai"),  # PSL: рф
        # PSL: ธุรกิจ.ไทย, a two-label IDN suffix only the A-label rules know
        ("shop.xn--12c1fe0br.xn--o3cw4h", "shop.xn--12c1fe0br.xn--o3cw4h"),
        ("x.中国", "x.中国"),  # U-labels match the list as written
        ("www.city.kawasaki.jp", "city.kawasaki.jp"),  # PSL exception rule !city.kawasaki.jp
    ],
)
def test_psl_org_domain(domain: str, org: str | None) -> None:
    assert psl_org_domain(domain) == org


@pytest.mark.parametrize(
    ("records", "domain", "org"),
    [
        # RFC 9989 §4.10.2: the highest record on the walk without psd=
        ({"_dmarc.example.com": "v=DMARC1; p=reject"}, "a.b.example.com", "example.com"),
        # psd=n marks the organisational domain even with records above it
        (
            {
                "_dmarc.b.example.com": "v=DMARC1; p=none; psd=n",
                "_dmarc.example.com": "v=DMARC1; p=reject",
            },
            "a.b.example.com",
            "b.example.com",
        ),
        # psd=y marks a public suffix: the organisational domain is one label below
        (
            {"_dmarc.gov.example": "v=DMARC1; p=reject; psd=y"},
            "x.agency.gov.example",
            "agency.gov.example",
        ),
        # RFC 9989 §4.10.2 step 2: psd=y on the record where the walk started does not count;
        # the record above it is the one with the fewest labels
        (
            {
                "_dmarc.mail.example.com": "v=DMARC1; p=none; psd=y",
                "_dmarc.example.com": "v=DMARC1; p=reject",
            },
            "mail.example.com",
            "example.com",
        ),
        # ... and alone, the starting domain is its own organisational domain
        (
            {"_dmarc.mail.example.com": "v=DMARC1; p=none; psd=y"},
            "mail.example.com",
            "mail.example.com",
        ),
        # nothing published: the domain is its own organisational domain
        ({}, "mail.nowhere.example", "mail.nowhere.example"),
    ],
)
async def test_tree_walk_org(records: dict[str, str], domain: str, org: str) -> None:
    resolver = MemoryResolver({(n, "TXT"): [v] for n, v in records.items()})
    lookups = DmarcLookups(resolver)
    steps = await lookups.walk(domain)
    assert tree_walk_org(domain, steps)[0] == org


async def test_org_domains_disagree_for_onmicrosoft() -> None:
    # lab: no _dmarc record under onmicrosoft.com, which the PSL does not list as a suffix
    org = await org_domain("tailspin.onmicrosoft.com", DmarcLookups(lab_resolver()))
    assert (org.psl, org.tree_walk, org.agree) == (
        "onmicrosoft.com",
        "tailspin.onmicrosoft.com",
        False,
    )
    assert [r.name for r in org.evidence] == [
        "_dmarc.tailspin.onmicrosoft.com",
        "_dmarc.onmicrosoft.com",
        "_dmarc.com",
    ]


# --- evaluation against the lab ---------------------------------------------------------------

# (From domain, SPF (result, domain), DKIM [(d=, passed)]) as the lab messages present them
LAB_INPUTS: dict[str, tuple[str, tuple[str, str], list[tuple[str, bool]]]] = {
    "shared-eop-to-gmail-pass.eml": (
        "contoso.com",
        ("pass", "contoso.com"),
        [("contoso.com", True)],
    ),
    "shared-eop-to-gmail-headers-only.txt": (
        "contoso.com",
        ("pass", "contoso.com"),
        [("contoso.com", False)],  # b= verifies, the body is missing: not a DKIM pass
    ),
    "shared-eop-footer-after-signing.eml": (
        "contoso.com",
        ("pass", "contoso.com"),
        [("contoso.com", False)],
    ),
    "shared-eop-rotated-selector.eml": (
        "contoso.com",
        ("pass", "contoso.com"),
        [("contoso.com", False)],
    ),
    "shared-spf-not-updated.eml": (
        "northwindtraders.com",
        ("fail", "northwindtraders.com"),
        [("northwindtraders.com", True)],
    ),
    "shared-onmicrosoft-dkim-unaligned.eml": (
        "tailspintoys.com",
        ("pass", "tailspintoys.com"),
        [("tailspin.onmicrosoft.com", True)],
    ),
    "shared-hes-to-gmail-pass.eml": (
        "fabrikam.com",
        ("pass", "fabrikam.com"),
        [("fabrikam.com", True)],
    ),
    "shared-edge-bypasses-hes.eml": ("fabrikam.com", ("softfail", "fabrikam.com"), []),
    "shared-strict-alignment-fail.eml": (
        "news.proseware.com",
        ("pass", "proseware.com"),
        [("proseware.com", True)],
    ),
    "shared-dual-ed25519-rsa.eml": (
        "proseware.com",
        ("pass", "proseware.com"),
        [("proseware.com", True), ("proseware.com", True)],
    ),
    "shared-mailing-list-arc.eml": (
        "proseware.com",
        ("pass", "lists.coho.example"),
        [("coho.example", True), ("proseware.com", False)],
    ),
    "shared-spf-too-many-lookups.eml": (
        "heavy-proseware.com",
        ("permerror", "heavy-proseware.com"),
        [],
    ),
}
EXPECTED = {
    c["file"].split("/")[-1]: c["expect"] for c in json.loads((LAB / "expected.json").read_text())
}


@pytest.mark.parametrize("name", sorted(LAB_INPUTS))
async def test_lab_expected(name: str) -> None:
    # lab: tests/data/lab/expected.json "dmarc", "dmarc_policy", "aligned"
    want: dict[str, Any] = EXPECTED[name]
    from_domain, spf, dkim = LAB_INPUTS[name]
    v = await evaluate_dmarc(from_domain, spf, dkim, lab_resolver())
    assert v.result.value == want["dmarc"].split(" ")[0]
    if "dmarc_policy" in want:
        assert v.policy == want["dmarc_policy"]
    if "aligned" in want:
        assert set(v.aligned_methods) == set(want["aligned"])
    assert v.evidence  # the _dmarc lookups are kept


async def test_strict_alignment_finding_and_np() -> None:
    # lab: shared-strict-alignment-fail.eml — "strict alignment: relaxed would pass"
    v = await evaluate_dmarc(
        "news.proseware.com", ("pass", "proseware.com"), [("proseware.com", True)], lab_resolver()
    )
    assert v.result is DmarcResult.FAIL
    assert v.record_domain == "proseware.com"
    assert all(a.relaxed_would_align and not a.aligned for a in v.alignments)
    assert "dmarc.strict-alignment" in {f.code for f in v.findings}
    # news.proseware.com has no A/AAAA/MX, but np= and sp= both default to p=quarantine, so the
    # existence queries could not change the outcome and are not sent
    assert (v.from_domain_exists, v.policy_tag, v.disposition) == (None, "sp", "quarantine")
    assert "np= would be the same" in v.explanation
    assert not [r for r in v.evidence if r.rdtype in ("A", "AAAA", "MX")]


_ECONOMY = {
    ("_dmarc.example.com", "TXT"): ["v=DMARC1; p=reject"],
    ("_dmarc.mail.example.com", "TXT"): ["v=DMARC1; p=none; psd=n"],
    ("_dmarc.other.example", "TXT"): ["v=DMARC1; p=none"],
}


@pytest.mark.parametrize(
    ("spf", "dkim", "asked", "aligned", "result"),
    [
        # every identifier is the From domain: only its own record is read
        (("pass", "example.com"), [("example.com", True)], ["example.com"], True, "pass"),
        # a failed identifier elsewhere is not walked (it cannot make DMARC pass)
        (("fail", "other.example"), [("example.com", True)], ["example.com"], False, "pass"),
        # a passing identifier under another top-level label can never share the
        # organisational domain: nothing above the From domain's record is asked
        (("pass", "other.example"), [], ["example.com"], False, "fail"),
        # same top-level label, outside the organisation: the From domain's walk shows
        # example.com is its organisational domain, so other.com cannot share it
        (("pass", "other.com"), [], ["example.com", "com"], False, "fail"),
        # a passing identifier inside it is walked: psd=n at mail.example.com makes that its own
        # organisational domain (RFC 9989 §4.10.2), so relaxed alignment fails
        (
            ("pass", "a.mail.example.com"),
            [],
            ["example.com", "com", "a.mail.example.com", "mail.example.com"],
            False,
            "fail",
        ),
        # a plain subdomain: walked, no record below example.com, so aligned
        (("pass", "a.www.example.com"), [], None, True, "pass"),
    ],
    ids=[
        "all-same",
        "failed-elsewhere",
        "other-tld",
        "passing-elsewhere",
        "psd-n-below",
        "plain-subdomain",
    ],
)
async def test_walks_only_what_can_change_the_result(
    spf: tuple[str, str],
    dkim: list[tuple[str, bool]],
    asked: list[str] | None,
    aligned: bool,
    result: str,
) -> None:
    resolver = MemoryResolver(_ECONOMY)
    v = await evaluate_dmarc("example.com", spf, dkim, resolver)
    if asked is not None:
        assert sorted({n for n, _ in resolver.asked}) == sorted(f"_dmarc.{a}" for a in asked)
    spf_alignment = next(a for a in v.alignments if a.method == "spf")
    assert spf_alignment.relaxed_would_align is aligned
    assert v.result.value == result


async def test_onmicrosoft_finding() -> None:
    # lab: shared-onmicrosoft-dkim-unaligned.eml — "publish selector1/selector2 CNAMEs"
    v = await evaluate_dmarc(
        "tailspintoys.com",
        ("pass", "tailspintoys.com"),
        [("tailspin.onmicrosoft.com", True)],
        lab_resolver(),
    )
    note = next(f for f in v.findings if f.code == "dmarc.dkim-unaligned")
    assert "selector1/selector2 CNAMEs" in note.message


_ZONE = {
    ("_dmarc.example.com", "TXT"): ["v=DMARC1; p=reject; sp=quarantine; np=reject"],
    ("www.example.com", "A"): ["192.0.2.1"],
}


@pytest.mark.parametrize(
    ("from_domain", "tag", "policy"),
    [
        ("example.com", "p", "reject"),
        ("www.example.com", "sp", "quarantine"),  # exists (has an A record)
        ("ghost.example.com", "np", "reject"),  # NXDOMAIN: RFC 9091 np=
    ],
)
async def test_policy_tag_chosen(from_domain: str, tag: str, policy: str) -> None:
    v = await evaluate_dmarc(from_domain, ("fail", "other.example"), [], MemoryResolver(_ZONE))
    assert v.result is DmarcResult.FAIL
    assert (v.policy_tag, v.policy, v.disposition) == (tag, policy, policy)


@pytest.mark.parametrize(
    ("records", "fail", "result"),
    [
        ({}, {}, DmarcResult.NONE),
        ({}, {"_dmarc.example.com": "SERVFAIL"}, DmarcResult.TEMPERROR),
        (  # several records: all discarded (RFC 9989 §4.10), DMARC does not apply
            {"_dmarc.example.com": ["v=DMARC1; p=none", "v=DMARC1; p=reject"]},
            {},
            DmarcResult.NONE,
        ),
    ],
)
async def test_no_policy_outcomes(
    records: dict[str, list[str]], fail: dict[str, str], result: DmarcResult
) -> None:
    resolver = MemoryResolver({(n, "TXT"): v for n, v in records.items()}, fail=fail)
    v = await evaluate_dmarc("example.com", ("pass", "example.com"), [], resolver)
    assert v.result is result
    assert v.policy is None


async def test_test_mode_softens_disposition() -> None:
    # RFC 9989 t=y: reject is applied as quarantine
    resolver = MemoryResolver({("_dmarc.example.com", "TXT"): ["v=DMARC1; p=reject; t=y"]})
    v = await evaluate_dmarc("example.com", None, [("example.com", False)], resolver)
    assert (v.result, v.policy, v.disposition) == (DmarcResult.FAIL, "reject", "quarantine")


async def test_no_from_domain() -> None:
    v = await evaluate_dmarc(None, ("pass", "example.com"), [], MemoryResolver({}))
    assert v.result is DmarcResult.NONE
    assert v.from_domain is None


@pytest.mark.parametrize("punycode", [False, True])
def test_filtered_psl_load_answers_like_the_library(punycode: bool) -> None:
    # orgdomain._psl hands the library only the rule lines of its bundled list; every rule of
    # that list (plus a name below it, wildcards and exceptions included) must get the same
    # registrable domain as the library's own full parse
    from publicsuffixlist import PSLFILE, PublicSuffixList

    from headerlens.evaluators.orgdomain import _psl

    ours, theirs = _psl(punycode), PublicSuffixList(accept_encoded_idn=punycode)
    rules = [
        line.split()[0]
        for line in Path(PSLFILE).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("//")
    ]
    assert len(rules) > 9000
    for rule in rules:
        name = "a.b." + rule.lstrip("!").replace("*", "x")
        assert ours.privatesuffix(name) == theirs.privatesuffix(name), rule


async def test_psd_n_at_the_from_domain_ends_its_walk() -> None:
    # RFC 9989 §4.10.2: psd=n marks the organisational domain, so nothing above
    # n.example.org is asked for the From domain; the subdomain's walk finds the same record
    resolver = MemoryResolver({("_dmarc.n.example.org", "TXT"): ["v=DMARC1; p=reject; psd=n"]})
    v = await evaluate_dmarc("n.example.org", ("pass", "a.n.example.org"), [], resolver)
    assert v.result is DmarcResult.PASS
    assert v.org_domain is not None and v.org_domain.tree_walk == "n.example.org"
    assert v.alignments[0].relaxed_would_align


async def test_psd_y_at_the_signing_domain_does_not_break_alignment() -> None:
    # review finding, RFC 9989 §4.10.2 step 2: d=mail.example.com whose own record says psd=y
    # still belongs to example.com, so its DKIM pass aligns with From example.com
    resolver = MemoryResolver(
        {
            ("_dmarc.example.com", "TXT"): ["v=DMARC1; p=reject"],
            ("_dmarc.mail.example.com", "TXT"): ["v=DMARC1; p=none; psd=y"],
        }
    )
    v = await evaluate_dmarc("example.com", None, [("mail.example.com", True)], resolver)
    assert v.result is DmarcResult.PASS
    assert v.alignments[0].aligned and not v.alignments[0].strict
