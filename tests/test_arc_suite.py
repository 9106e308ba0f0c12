"""Tests for evaluators/arc.py: the ValiMail ARC validation suite (171 cases) and the lab messages."""

from __future__ import annotations

import json
from typing import Any

import pytest

from headerlens.evaluators.arc import summarize_aar, verify_arc
from headerlens.model.verdicts import ArcResult
from tests.memresolver_dkim import LAB, MemoryResolver, lab_resolver
from tests.paths import SHARED, need_shared, shared_cases

SUITE = SHARED / "corpus" / "arc" / "arc-draft-validation-tests.yml"


def _suite_cases() -> list[Any]:
    """(id, message, txt-records, expected cv) for every case of every suite document."""
    if not SUITE.exists():
        return shared_cases([], 3)
    import yaml

    cases = []
    for doc in yaml.safe_load_all(SUITE.read_text()):
        for name, test in doc["tests"].items():
            cases.append(pytest.param(test["message"], doc["txt-records"], test["cv"], id=name))
    return cases


CASES = _suite_cases()


def test_suite_is_complete() -> None:
    # corpus: arc/arc-draft-validation-tests.yml — ValiMail's suite has 171 cases
    need_shared(SUITE)
    assert len(CASES) == 171


@pytest.mark.parametrize(("message", "txt", "cv"), CASES)
async def test_valimail_suite(message: str, txt: dict[str, str], cv: str) -> None:
    # corpus: arc/arc-draft-validation-tests.yml (MIT, read in place from ../shared)
    resolver = MemoryResolver({(name, "TXT"): [value] for name, value in txt.items()})
    verdict = await verify_arc(message.encode(), resolver, has_body=True)
    want = (cv or "").strip().lower()
    if want == "":
        # The suite's blank cv: a seal already said cv=fail, the chain ended before this hop.
        assert verdict.terminated
        assert verdict.result is ArcResult.FAIL
    else:
        assert verdict.result.value == want, verdict.reason
        assert not verdict.terminated


EXPECTED: list[dict[str, Any]] = [
    c for c in json.loads((LAB / "expected.json").read_text()) if "arc" in c["expect"]
]


@pytest.mark.parametrize("case", EXPECTED, ids=[c["file"].split("/")[-1] for c in EXPECTED])
async def test_lab_expected(case: dict[str, Any]) -> None:
    # lab: tests/data/lab/expected.json "arc"
    raw = (LAB / case["file"]).read_bytes()
    verdict = await verify_arc(raw, lab_resolver())
    want: str = case["expect"]["arc"]
    assert verdict.result is ArcResult.PASS
    assert verdict.header_only is (want == "header-only")
    if want == "header-only":
        assert "body hashes" in verdict.explanation
    if "i=1 AMS body hash no longer matches" in want:
        assert [i.ams_valid for i in verdict.instances] == [True, False]
        assert verdict.oldest_pass == 2
    else:
        assert verdict.oldest_pass == 1
    assert {r.name for r in verdict.evidence} == {
        f"{i.ams_selector}._domainkey.{i.ams_domain}" for i in verdict.instances
    } | {f"{i.seal_selector}._domainkey.{i.seal_domain}" for i in verdict.instances}


async def test_mailing_list_original_results() -> None:
    # lab: shared-mailing-list-arc.eml — "dkim=pass spf=pass dmarc=pass at i=1"
    raw = (LAB / "messages/shared-mailing-list-arc.eml").read_bytes()
    verdict = await verify_arc(raw, lab_resolver())
    first = next(i for i in verdict.instances if i.instance == 1)
    assert first.seal_domain == "coho.example"
    assert dict(first.aar_results) == {"dkim": "pass", "spf": "pass", "dmarc": "pass"}
    assert "dkim=pass spf=pass dmarc=pass" in verdict.explanation


async def test_header_only_detected_without_flag() -> None:
    # lab: shared-eop-to-gmail-headers-only.txt has no blank line and no body
    raw = (LAB / "messages/shared-eop-to-gmail-headers-only.txt").read_bytes()
    verdict = await verify_arc(raw, lab_resolver())
    assert verdict.header_only
    assert any(f.code == "arc.header-only" for f in verdict.findings)
    # with the body check forced on, every AMS body hash fails against the empty body
    forced = await verify_arc(raw, lab_resolver(), has_body=True)
    assert forced.result is ArcResult.FAIL


async def test_key_lookup_failure_fails_chain() -> None:
    # lab: shared-mailing-list-arc.eml with google.com's ARC key lookup failing
    raw = (LAB / "messages/shared-mailing-list-arc.eml").read_bytes()
    resolver = lab_resolver()
    resolver.fail["arc-20240605._domainkey.google.com"] = "SERVFAIL"
    verdict = await verify_arc(raw, resolver)
    assert verdict.result is ArcResult.FAIL
    assert any(r.rcode == "SERVFAIL" for r in verdict.evidence)


async def test_unsealed_message_is_none() -> None:
    verdict = await verify_arc(b"From: a@example.com\r\n\r\nhi\r\n", MemoryResolver({}))
    assert verdict.result is ArcResult.NONE
    assert verdict.evidence == ()
    assert not verdict.header_only


@pytest.mark.parametrize(
    ("aar", "pairs"),
    [
        # lab: shared-mailing-list-arc.eml ARC-Authentication-Results i=2
        (
            "i=2; mx.google.com; dkim=fail header.i=@proseware.com; arc=pass; "
            "spf=pass (google.com: domain of x designates 1.2.3.4; ok) smtp.mailfrom=x",
            (("dkim", "fail"), ("arc", "pass"), ("spf", "pass")),
        ),
        (
            "i=1; lists.example.org; spf=pass smtp.mfrom=jqd@d1.example; dmarc=pass",
            (("spf", "pass"), ("dmarc", "pass")),
        ),  # corpus: arc suite cv_pass_i1_1
        ("i=1; example.org; none", ()),
    ],
)
def test_summarize_aar(aar: str, pairs: tuple[tuple[str, str], ...]) -> None:
    assert summarize_aar(aar) == pairs


async def test_dkim_and_arc_share_one_body_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    # lab: shared-mailing-list-arc.eml — two DKIM signatures and two AMS, all relaxed: the body
    # is canonicalised once for all four (it was four times, twice by dkimpy's ARC parser)
    from headerlens.analyze import analyze
    from headerlens.evaluators.verify import verify
    from tests.labverify import LoggingMemoryResolver
    from tests.test_catalogue_dns_arc_ar import _bytes_canonicalised

    raw = (LAB / "messages/shared-mailing-list-arc.eml").read_bytes()
    analysis = analyze(raw)
    assert analysis.body_start is not None
    sizes = _bytes_canonicalised(monkeypatch)
    result = await verify(analysis, LoggingMemoryResolver())
    assert result.arc is not None and result.arc.result is ArcResult.PASS
    assert len(result.dkim) == 2
    assert 0 < sum(sizes) <= len(raw) - analysis.body_start
