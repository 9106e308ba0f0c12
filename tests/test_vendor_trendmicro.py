"""Table tests for the Trend Micro decoders (IMSVA / ScanMail / Email Security headers)."""

from __future__ import annotations

import pytest

from headerlens.model.core import Severity
from headerlens.parsers.vendor import decode_vendor_header
from headerlens.parsers.vendor_trendmicro import parse_as_result
from tests.vendor_fixtures import corpus_field, make_field

INFO, WARN = Severity.INFO, Severity.WARNING
IMSVA = "eml/exchange2019-onprem-trendmicro-imsva-to-eop-outlookcom-clock-skew.eml"
NDR = "eml/trendmicro-hes-imsva-exchange-ndr-embedded-original-headers.eml"
HES_LAB = "lab/messages/shared-hes-to-gmail-pass.eml"

AS_RESULT_CASES = [
    # (value, spam flag, score, threshold, trend type meaning, severity)
    pytest.param(
        "Yes-5.339-5.0-31-1", "Yes", "5.339", "5.0", "spam", WARN, id="doc:KA-0001462 example"
    ),
    pytest.param(
        "No--1.813-5.0-31-2",
        "No",
        "-1.813",
        "5.0",
        "phishing",
        INFO,
        id="doc:KA-0001462 double dash",
    ),
    pytest.param(
        "No-1.813-5.0-31-10",
        "No",
        "1.813",
        "5.0",
        "internal",
        INFO,
        id="doc:KA-0001462 single dash",
    ),
    pytest.param(
        "Yes-5.322300-5.000000-31",
        "Yes",
        "5.322300",
        "5.000000",
        None,
        WARN,
        id="doc:SMEX 7.5 example",
    ),
]


@pytest.mark.parametrize(
    ("value", "flag", "score", "threshold", "kind", "severity"), AS_RESULT_CASES
)
def test_as_result_format(
    value: str, flag: str, score: str, threshold: str, kind: str | None, severity: Severity
) -> None:
    fields, summary, defect = parse_as_result(value)
    got = {f.key: f for f in fields}
    assert defect is None
    assert got["spam"].value == flag
    assert got["spam"].severity is severity
    assert got["score"].value == score
    assert got["threshold"].value == threshold
    if kind is None:
        assert "trend_type" not in got
    else:
        assert kind in (got["trend_type"].meaning or "").lower()
    assert summary is not None
    assert f"score {score}" in summary


CORPUS_CASES = [
    # (file, header, nth, summary fragment)
    pytest.param(
        IMSVA,
        "X-TM-AS-Result",
        0,
        "not spam (score -8.069, threshold 5.0)",
        id=f"corpus:{IMSVA}#as-result",
    ),
    pytest.param(
        IMSVA, "X-imss-scan-details", 0, "not spam (score -8.069", id=f"corpus:{IMSVA}#imss"
    ),
    pytest.param(
        IMSVA,
        "X-TMASE-Result",
        0,
        "score -8.069400, threshold 10.000000 (below",
        id=f"corpus:{IMSVA}#tmase",
    ),
    pytest.param(
        IMSVA,
        "X-TM-AS-Product-Ver",
        0,
        "IMSVA 9.1.0.1600 (anti-spam engine 9.0.0.1002, pattern 28004.004)",
        id=f"corpus:{IMSVA}#product",
    ),
    pytest.param(IMSVA, "X-TM-AS-User-Blocked-Sender", 0, "No match", id=f"corpus:{IMSVA}#blocked"),
    pytest.param(
        IMSVA, "X-TMASE-MatchedRID", 0, "Trend Micro internal value", id=f"corpus:{IMSVA}#rid"
    ),
    pytest.param(
        IMSVA, "X-TMASE-SNAP-Result", 0, "Trend Micro internal value", id=f"corpus:{IMSVA}#snap"
    ),
    pytest.param(
        NDR,
        "X-TM-AS-Result",
        1,
        "not spam (score 2.177, threshold 5.0)",
        id=f"corpus:{NDR}#positive-score",
    ),
    pytest.param(
        NDR, "X-TM-AS-ERS", 1, "checked 150.70.236.146 (reply 127.2.0.1)", id=f"corpus:{NDR}#ers"
    ),
    pytest.param(
        NDR,
        "X-TM-AS-SMTP",
        1,
        "Prefilter-postMTA10.emailsecurity.trendmicro.eu",
        id=f"corpus:{NDR}#smtp",
    ),
    pytest.param(
        HES_LAB,
        "X-TMASE-Result",
        0,
        "score -4.302600, threshold 4.000000",
        id="lab:shared-hes-to-gmail-pass.eml#tmase",
    ),
    pytest.param(
        HES_LAB,
        "X-TM-Received-SPF",
        0,
        "recorded by Trend Micro: none",
        id="lab:shared-hes-to-gmail-pass.eml#spf",
    ),
    pytest.param(
        HES_LAB,
        "X-TMASE-Version",
        0,
        "StarCloud-1.3-9.1.1015-28246.001",
        id="lab:shared-hes-to-gmail-pass.eml#version",
    ),
]


@pytest.mark.parametrize(("relpath", "name", "nth", "needle"), CORPUS_CASES)
def test_trendmicro_corpus(relpath: str, name: str, nth: int, needle: str) -> None:
    result = decode_vendor_header(corpus_field(relpath, name, nth))
    assert result is not None
    assert result.vendor == "Trend Micro"
    assert result.summary is not None
    assert needle in result.summary
    assert result.defects == ()
    assert result.severity is INFO  # every corpus message passed Trend Micro as not spam


def test_tmase_result_at_threshold_is_spam() -> None:
    # Trend Micro Email Security help: spam when the score reaches the policy threshold.
    result = decode_vendor_header(make_field("X-TMASE-Result", "10-5.534000-4.000000"))
    assert result is not None
    assert result.severity is WARN
    assert "at or above the threshold" in (result.summary or "")


def test_blocked_sender_yes_is_warning() -> None:
    # Trend Micro KA-0001462: X-TM-AS-User-Blocked-Sender Yes means reported as spam.
    result = decode_vendor_header(make_field("X-TM-AS-User-Blocked-Sender", "Yes"))
    assert result is not None
    assert result.severity is WARN


@pytest.mark.parametrize(
    ("name", "value", "code"),
    [
        ("X-TM-AS-Result", "maybe", "trendmicro.bad-result"),
        ("X-TMASE-Result", "10-x-4", "trendmicro.bad-tmase"),
        ("X-TM-AS-Product-Ver", "IMSVA", "trendmicro.bad-version"),
    ],
)
def test_malformed_values_become_defects(name: str, value: str, code: str) -> None:
    result = decode_vendor_header(make_field(name, value))
    assert result is not None
    assert [d.code for d in result.defects] == [code]
    assert result.raw == value


@pytest.mark.parametrize(
    "name",
    [
        "X-TM-Deliver-Signature",
        "X-TM-Addin-Auth",
        "X-TMASE-INERTIA",
        "X-TMASE-XGENCLOUD",
        "X-TM-Authentication-Results",
    ],
)
def test_recognised_internal_headers(name: str) -> None:
    result = decode_vendor_header(make_field(name, "abc"))
    assert result is not None
    assert result.vendor == "Trend Micro"
    assert result.fields[0].value == "abc"
