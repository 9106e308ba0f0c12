"""Issue 3 acceptance: every lab message re-verified through real Knot + Unbound.

Each case is one entry of tests/data/lab/expected.json (copied from ../shared/lab); the
verdicts asserted are exactly the ones it states. The clock is fixed at 2026-11-26T12:00Z.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from headerlens.cli import main, run_report
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import dmarc_prefetch_names, spf_identity
from headerlens.model import Analysis
from headerlens.model.verification import Verification
from tests.dnslab import LabDns
from tests.labverify import LAB, LabCase, check_expected, lab_cases, run_verify

pytestmark = pytest.mark.dns

CASES = lab_cases()

# The key finding each story names (expected.json "finding", or the story itself), as
# (finding code, phrases its title must contain). # lab: expected.json
KEY_FINDINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    # 2026-09-30T17:14Z receipt, 2026-11-26T12:00Z now: 56.8 days, rounded to 57.
    "eop-rotated-selector": (
        "dkim.key.rotated",
        ("key no longer published", "message is 57 days old", "likely rotation"),
    ),
    "spf-not-updated": (
        "spf.service-not-included",
        (
            "SPF for northwindtraders.com does not include spf.protection.outlook.com",
            "mail now leaves through Exchange Online Protection",
            "add include:spf.protection.outlook.com",
        ),
    ),
    "onmicrosoft-dkim-unaligned": (
        "dkim.onmicrosoft-unaligned",
        (
            "signs as tailspin.onmicrosoft.com, not aligned with From",
            "publish the selector1/selector2 CNAMEs and enable DKIM for tailspintoys.com",
        ),
    ),
    "edge-bypasses-hes": (
        "spf.gateway-bypassed",
        ("include:spf.hes.trendmicro.com", "route outbound through the smart host"),
    ),
    "strict-alignment-fail": ("dmarc.strict-alignment", ("strict alignment", "relaxed would pass")),
    "eop-footer-after-signing": ("dkim.body-modified", ("headers intact, body modified",)),
    "spf-too-many-lookups": ("spf.too-many-lookups", ("more than 10 DNS-querying terms",)),
    "mailing-list-arc": ("arc.original-pass", ("dkim=pass spf=pass dmarc=pass at i=1",)),
}


@pytest.fixture(scope="module")
def lab_results(lab_dns: LabDns) -> dict[str, tuple[Analysis, Verification]]:
    """All twelve messages verified once, each with a fresh resolver (its own DNS log)."""
    out = {}
    for case in CASES:
        resolver = LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)
        out[case.file] = run_verify(case.path, resolver)
    return out


def test_expected_json_lists_twelve_messages() -> None:
    assert len(CASES) == 12
    assert all(c.path.is_file() for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_lab_verdicts(case: LabCase, lab_results: dict[str, tuple[Analysis, Verification]]) -> None:
    # lab: expected.json entry for case.file
    analysis, verification = lab_results[case.file]
    check_expected(analysis, verification, case.expect)
    # Every DNS answer came from the lab resolver; nothing failed or timed out.
    assert verification.dns_log
    assert {r.rcode for r in verification.dns_log} <= {"NOERROR", "NXDOMAIN"}


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_dmarc_prefetch_is_exactly_what_dmarc_asks(
    case: LabCase, lab_results: dict[str, tuple[Analysis, Verification]]
) -> None:
    # issue 5: the _dmarc names asked while SPF and DKIM run are the ones evaluate_dmarc uses —
    # none wasted (query count), none asked late (an extra round trip)
    analysis, verification = lab_results[case.file]
    ip, mail_from, helo, _ = spf_identity(analysis)
    from_domain = analysis.from_addr.domain if analysis.from_addr else None
    prefetched = set(dmarc_prefetch_names(analysis, from_domain, mail_from, helo, ip is not None))
    sent = [r for r in verification.dns_log if not r.from_cache]
    assert prefetched == {r.name for r in sent if r.name.startswith("_dmarc.")}
    assert len(sent) == len({(r.name, r.rdtype) for r in sent})  # no name asked twice


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_only_the_wrong_guess_is_an_unused_prefetch(
    case: LabCase, lab_results: dict[str, tuple[Analysis, Verification]]
) -> None:
    # issue 5: the speculative SPF include is wasted only where the sender's record lacks it
    # (the spf-not-updated story); every other name asked ahead was used by a check
    _, verification = lab_results[case.file]
    want = {"spf.protection.outlook.com"} if case.stem == "spf-not-updated" else set()
    assert verification.unused_prefetches == want


@pytest.mark.parametrize("stem", sorted(KEY_FINDINGS))
def test_key_finding_of_each_story(
    stem: str, lab_results: dict[str, tuple[Analysis, Verification]]
) -> None:
    # lab: expected.json "finding" / story
    case = next(c for c in CASES if c.stem == stem)
    _, verification = lab_results[case.file]
    code, phrases = KEY_FINDINGS[stem]
    found = [f for f in verification.findings if f.code == code]
    assert found, [f.code for f in verification.findings]
    for phrase in phrases:
        assert phrase in found[0].title, found[0].title
    assert found[0].hop_number is not None


# The error findings of each story expected.json names no finding for: none where everything
# verifies, else exactly the failures its story states. # lab: expected.json "story"
STORY_ERRORS: dict[str, set[str]] = {
    "eop-to-gmail-pass": set(),
    "eop-to-gmail-headers-only": set(),
    "hes-to-gmail-pass": set(),
    "dual-ed25519-rsa": set(),
    # the disclaimer breaks the body hash; Gmail stamped dkim=fail (merged into the re-verified
    # finding, which quotes it)
    "eop-footer-after-signing": {"dkim.body-modified"},
    # the list rewrote the message: DKIM and DMARC fail now and as Gmail stamped them (merged)
    "mailing-list-arc": {"dkim.fail", "dmarc.fail"},
    # 11 DNS-querying terms: SPF permerror, so DMARC fails (stamped the same, merged)
    "spf-too-many-lookups": {"spf.too-many-lookups", "dmarc.fail"},
}


def test_every_story_without_a_named_finding_has_its_errors_listed() -> None:
    assert set(STORY_ERRORS) == {c.stem for c in CASES if not c.expect.get("finding")}


@pytest.mark.parametrize("stem", sorted(STORY_ERRORS))
def test_stories_raise_exactly_their_errors(
    stem: str, lab_results: dict[str, tuple[Analysis, Verification]]
) -> None:
    # lab: stories where everything verifies, or fails only as the story says
    case = next(c for c in CASES if c.stem == stem)
    _, verification = lab_results[case.file]
    errors = [f for f in verification.findings if f.severity.value == "error"]
    assert {f.code for f in errors} == STORY_ERRORS[stem], [f.title for f in errors]


def _cli_json(lab_dns: LabDns, path: Path, *extra: str) -> dict[str, Any]:
    out = io.StringIO()
    status = run_report(
        ["--format", "json", "--resolver", f"{lab_dns.host}:{lab_dns.port}", *extra, str(path)],
        out,
    )
    assert status == 0
    doc: dict[str, Any] = json.loads(out.getvalue())
    return doc


@pytest.mark.parametrize(
    ("file", "spf", "match", "dmarc", "code"),
    [
        # lab: expected.json, messages/shared-eop-to-gmail-pass.eml
        (
            "messages/shared-eop-to-gmail-pass.eml",
            "pass",
            "ip4:40.107.0.0/16",
            "pass",
            None,
        ),
        # lab: expected.json, messages/shared-spf-not-updated.eml
        ("messages/shared-spf-not-updated.eml", "fail", "-all", "pass", "spf.service-not-included"),
        # lab: expected.json, messages/shared-hes-to-gmail-pass.eml
        (
            "messages/shared-hes-to-gmail-pass.eml",
            "pass",
            "ip4:150.70.149.0/25",
            "pass",
            None,
        ),
    ],
)
def test_cli_json_report_through_lab_dns(
    lab_dns: LabDns, file: str, spf: str, match: str, dmarc: str, code: str | None
) -> None:
    doc = _cli_json(lab_dns, LAB / file)
    v = doc["verification"]
    assert v["mode"] == "live DNS"
    assert v["resolver"] == f"{lab_dns.host}:{lab_dns.port}"
    assert v["spf"]["result"] == spf
    assert v["spf"]["match"]["term"] == match
    assert v["dmarc"]["result"] == dmarc
    assert all(d["header_result"] == "pass" for d in v["dkim"])
    assert all(r["rcode"] in ("NOERROR", "NXDOMAIN") for r in v["dns_log"])
    codes = [f["code"] for f in doc["findings"]]
    if code is not None:
        assert code in codes


def test_cli_markdown_report_through_main(
    lab_dns: LabDns, capsys: pytest.CaptureFixture[str]
) -> None:
    # lab: expected.json, messages/shared-onmicrosoft-dkim-unaligned.eml
    path = LAB / "messages" / "shared-onmicrosoft-dkim-unaligned.eml"
    status = main(["report", "--resolver", f"{lab_dns.host}:{lab_dns.port}", str(path)])
    text = capsys.readouterr().out
    assert status == 0
    assert "Re-verified over live DNS" in text
    assert "publish the selector1/selector2 CNAMEs and enable DKIM for tailspintoys.com" in text
