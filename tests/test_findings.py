"""Findings wording (issue 3): the key finding of each lab story, with its hop and header.

The lab zones are served from memory here (tests/memresolver_dkim.py), so these run without
Knot and Unbound; tests/test_lab_verify.py checks the same stories through the real servers.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis.findings_build import build_findings, stamped_findings
from headerlens.diagnosis.sending_service import EOP, GOOGLE, TREND_MICRO_HES, sending_service
from headerlens.dnsclient.resolver import OfflineResolver
from headerlens.evaluators.verify import verify
from headerlens.model import Finding, Severity
from headerlens.model.verification import Verification, VerifyMode
from tests.labverify import LAB, NOW, LoggingMemoryResolver, load_analysis, run_verify

MESSAGES = LAB / "messages"


def _findings(name: str, now: datetime = NOW) -> tuple[Finding, ...]:
    _, v = run_verify(MESSAGES / name, LoggingMemoryResolver(), now=now)
    return v.findings


def _one(findings: tuple[Finding, ...], code: str) -> Finding:
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, [f.code for f in findings]
    return found[0]


# (message, finding code, severity, phrases in the title, phrase in the fix, hop, header index)
STORIES = [
    pytest.param(
        "shared-spf-not-updated.eml",
        "spf.service-not-included",
        Severity.ERROR,
        (
            "SPF for northwindtraders.com does not include spf.protection.outlook.com, but mail "
            "now leaves through Exchange Online Protection: add include:spf.protection.outlook.com",
        ),
        "Add include:spf.protection.outlook.com to the SPF record of northwindtraders.com",
        2,  # the boundary hop: mx.google.com receiving from EOP
        7,
        id="spf-not-updated",  # lab: expected.json "add include:spf.protection.outlook.com"
    ),
    pytest.param(
        "shared-onmicrosoft-dkim-unaligned.eml",
        "dkim.onmicrosoft-unaligned",
        Severity.WARNING,
        (
            "DKIM passes but signs as tailspin.onmicrosoft.com, not aligned with From: publish "
            "the selector1/selector2 CNAMEs and enable DKIM for tailspintoys.com",
        ),
        "selector1._domainkey.tailspintoys.com CNAME "
        "selector1-tailspintoys-com._domainkey.tailspin.onmicrosoft.com",
        1,  # EOP signed it
        10,  # the DKIM-Signature field
        id="onmicrosoft-unaligned",  # lab: expected.json "publish selector1/selector2 CNAMEs"
    ),
    pytest.param(
        "shared-eop-rotated-selector.eml",
        "dkim.key.rotated",
        Severity.WARNING,
        ("DKIM d=contoso.com s=selector2: key no longer published", "message is 57 days old"),
        "rotate selector1/selector2",
        4,
        10,
        id="rotated-key",  # lab: expected.json "key no longer published ... likely rotation"
    ),
    pytest.param(
        "shared-eop-footer-after-signing.eml",
        "dkim.body-modified",
        Severity.ERROR,
        ("DKIM d=contoso.com s=selector1: headers intact, body modified after signing",),
        "disclaimer/footer",
        4,
        16,
        id="footer-after-signing",  # lab: expected.json story (body hash fails)
    ),
    pytest.param(
        "shared-edge-bypasses-hes.eml",
        "spf.gateway-bypassed",
        Severity.WARNING,  # ~all: softfail
        (
            "SPF for fabrikam.com authorises Trend Micro Hosted Email Security "
            "(include:spf.hes.trendmicro.com)",
            "EDGE2010.fabrikam.com [192.0.2.60] straight to mx.google.com",
            "route outbound through the smart host",
        ),
        "smart host",
        2,
        7,
        id="edge-bypasses-hes",  # lab: expected.json "route outbound through the smart host"
    ),
    pytest.param(
        "shared-strict-alignment-fail.eml",
        "dmarc.strict-alignment",
        Severity.ERROR,
        (
            "DMARC fails for news.proseware.com because of strict alignment (adkim=s/aspf=s in "
            "_dmarc.proseware.com)",
            "relaxed would pass",
        ),
        "adkim=r; aspf=r",
        2,
        12,  # the From field
        id="strict-alignment",  # lab: expected.json "strict alignment: relaxed would pass"
    ),
    pytest.param(
        "shared-spf-too-many-lookups.eml",
        "spf.too-many-lookups",
        Severity.ERROR,
        ("SPF for heavy-proseware.com is permerror", "term 11 broke the limit"),
        "RFC 7208 §4.6.4",
        1,
        7,
        id="too-many-lookups",  # lab: expected.json spf_lookups 11
    ),
]


@pytest.mark.parametrize(("name", "code", "severity", "phrases", "fix", "hop", "header"), STORIES)
def test_key_finding_per_story(
    name: str,
    code: str,
    severity: Severity,
    phrases: tuple[str, ...],
    fix: str,
    hop: int,
    header: int,
) -> None:
    f = _one(_findings(name), code)
    assert f.severity is severity
    for phrase in phrases:
        assert phrase in f.title
    assert fix in f.fix
    assert (f.hop_number, f.header_index) == (hop, header)


def test_rotated_key_says_41_days_at_the_labs_date() -> None:
    # lab: expected.json "key no longer published; message is 41 days old: likely rotation"
    # The lab's wording assumes 2026-11-10; the receipt was 2026-09-30T17:14Z.
    f = _one(
        _findings("shared-eop-rotated-selector.eml", datetime(2026, 11, 10, 12, 0, tzinfo=UTC)),
        "dkim.key.rotated",
    )
    assert "key no longer published; message is 41 days old: likely rotation" in f.title
    assert "The receiver stamped dkim=pass at delivery." in f.detail


def test_rotated_key_is_not_a_generic_permerror() -> None:
    # lab: shared-eop-rotated-selector.eml: one explained finding, not "permerror" as well
    codes = [f.code for f in _findings("shared-eop-rotated-selector.eml")]
    assert "dkim.permerror" not in codes and codes.count("dkim.key.rotated") == 1


def test_mailing_list_arc_carries_the_original_pass() -> None:
    # lab: expected.json arc_original "dkim=pass spf=pass dmarc=pass at i=1"
    f = _one(_findings("shared-mailing-list-arc.eml"), "arc.original-pass")
    assert "dkim=pass spf=pass dmarc=pass at i=1 (coho.example)" in f.title
    assert f.hop_number == 3


def test_arc_original_needs_a_dmarc_pass_at_i1() -> None:
    # lab: shared-edge-bypasses-hes.eml: Gmail's own i=1 recorded dmarc=fail
    assert "arc.original-pass" not in {f.code for f in _findings("shared-edge-bypasses-hes.eml")}


def test_footer_story_explains_dmarc_passes_on_spf_only() -> None:
    # lab: expected.json "DMARC still passes on SPF"
    findings = _findings("shared-eop-footer-after-signing.eml")
    f = _one(findings, "dmarc.single-method")
    assert f.title == "DMARC passes for contoso.com only through SPF."
    assert "If forwarding breaks SPF, DMARC will fail." in f.detail
    assert _one(findings, "arc.older-ams-broken").title.startswith("ARC passes; AMS i=1")


@pytest.mark.parametrize(
    "name",
    [
        "shared-eop-to-gmail-pass.eml",  # lab: expected.json, all pass
        "shared-hes-to-gmail-pass.eml",  # lab: expected.json, all pass
        "shared-dual-ed25519-rsa.eml",  # lab: expected.json, both signatures pass
    ],
)
def test_passing_messages_have_no_warnings(name: str) -> None:
    bad = [f for f in _findings(name) if f.severity is not Severity.INFO]
    assert bad == []


def test_spf_changed_since_delivery_names_a_likely_cause() -> None:
    # lab: shared-eop-to-gmail-pass.eml with contoso.com's SPF record replaced by "-all"
    resolver = LoggingMemoryResolver({("contoso.com", "TXT"): ["v=spf1 -all"]})
    _, v = run_verify(MESSAGES / "shared-eop-to-gmail-pass.eml", resolver)
    changed = _one(v.findings, "spf.changed")
    assert changed.title == "SPF today says fail, the receiver stamped pass at delivery."
    assert changed.detail.startswith("Likely cause: the SPF record of contoso.com changed")
    assert changed.hop_number == 5
    missing = _one(v.findings, "spf.service-not-included")
    assert "add include:spf.protection.outlook.com" in missing.title


def test_dkim_changed_after_delivery_blames_the_body() -> None:
    # lab: shared-eop-to-gmail-pass.eml with a line appended to the body after delivery
    raw = (MESSAGES / "shared-eop-to-gmail-pass.eml").read_bytes() + b"Saved by a client.\r\n"
    analysis = analyze(raw)
    v = asyncio.run(verify(analysis, LoggingMemoryResolver(), now=NOW))
    changed = _one(v.findings, "dkim.changed")
    assert "today says fail, the receiver stamped pass at delivery" in changed.title
    assert "the body was changed after delivery" in changed.detail
    assert changed.header_index == 16


@pytest.mark.parametrize(
    ("name", "service"),
    [
        ("shared-eop-to-gmail-pass.eml", EOP),  # lab: HELO *.outbound.protection.outlook.com
        ("shared-spf-not-updated.eml", EOP),  # lab
        ("shared-hes-to-gmail-pass.eml", TREND_MICRO_HES),  # lab: outbound-36.hes.trendmicro.com
        ("shared-edge-bypasses-hes.eml", None),  # lab: the Edge server delivered directly
        ("shared-strict-alignment-fail.eml", None),  # lab: Postfix at proseware.com
    ],
)
def test_sending_service(name: str, service: object) -> None:
    found = sending_service(load_analysis(MESSAGES / name))
    assert (found.service if found else None) is service


GOOGLE_SENT = (
    b"Received: from mail-sor-f41.google.com (mail-sor-f41.google.com [209.85.220.41])\r\n"
    b"        by mx1.example.net (Postfix) with ESMTPS id 4Xy2;\r\n"
    b"        Thu, 26 Nov 2026 10:00:02 +0000 (UTC)\r\n"
    b"From: a@example.org\r\n"
    b"Subject: hello\r\n"
)


def test_google_workspace_is_recognised_by_its_outbound_host() -> None:
    # Google Workspace outbound servers are mail-*.google.com (HELO and reverse DNS)
    found = sending_service(analyze(GOOGLE_SENT))
    assert found is not None and found.service is GOOGLE
    assert found.service.spf_include == "_spf.google.com"


def test_offline_findings_say_nothing_was_checked() -> None:
    # lab: shared-spf-not-updated.eml offline: no DNS-based finding, one offline note
    analysis = load_analysis(MESSAGES / "shared-spf-not-updated.eml")
    v = asyncio.run(verify(analysis, OfflineResolver(), mode=VerifyMode.OFFLINE, now=NOW))
    codes = {f.code for f in v.findings}
    assert "verify.offline" in codes
    assert not codes & {"spf.service-not-included", "dkim.permerror", "dmarc.temperror"}
    assert codes - {"verify.offline"} == {f.code for f in stamped_findings(analysis)}


def test_findings_are_sorted_causes_first_then_errors_first_and_unique() -> None:
    # lab: shared-mailing-list-arc.eml (errors, warnings and info together). The situation (the
    # cause) comes first, then the verdicts, the receiver's filing and the path; inside each
    # group errors come before warnings and information.
    from headerlens.diagnosis.findings import group

    analysis, v = run_verify(MESSAGES / "shared-mailing-list-arc.eml", LoggingMemoryResolver())
    assert v.findings[0].code == "situation.mailing-list"
    rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    order = [(group(f), rank[f.severity]) for f in v.findings]
    assert order == sorted(order)
    assert len({(f.code, f.title) for f in v.findings}) == len(v.findings)
    again = build_findings(
        analysis,
        Verification(
            mode=v.mode,
            resolver="",
            dkim=v.dkim,
            spf=v.spf,
            dmarc=v.dmarc,
            arc=v.arc,
            dns_log=v.dns_log,
        ),
    )
    assert again == v.findings


@pytest.mark.parametrize(
    ("field", "title"),
    [
        # Exchange's SCL decoder already names the value in its label
        (
            b"X-MS-Exchange-Organization-SCL: 9",
            "X-MS-Exchange-Organization-SCL: Spam confidence level 9 — High-confidence spam",
        ),
        (
            b"X-Forefront-Antispam-Report: CIP:192.0.2.1;SFV:SPM;SCL:9;",
            "X-Forefront-Antispam-Report: Spam confidence level 9 — High-confidence spam",
        ),
    ],
    ids=["exchange-scl", "forefront-scl"],
)
def test_vendor_finding_names_the_value_once(field: bytes, title: str) -> None:
    raw = field + b"\r\nFrom: a@example.com\r\nSubject: x\r\n\r\nbody\r\n"
    scl = [f for f in stamped_findings(analyze(raw)) if "Spam confidence level" in f.title]
    assert len(scl) == 1
    assert scl[0].title.startswith(title)
    assert scl[0].severity is Severity.ERROR
