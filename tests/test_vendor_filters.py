"""Receiver verdict headers: Rspamd, ProtonMail, Vade, Proofpoint, Trend Micro, simulations."""

from __future__ import annotations

import re

import pytest

from headerlens.analyze import analyze
from headerlens.model.core import HeaderField, Severity
from headerlens.parsers.vendor import decode_vendor_header
from tests.paths import CORPUS, need_shared


def decoded(name: str, value: str, index: int = 0) -> tuple[str, dict[str, str | None]]:
    vh = decode_vendor_header(HeaderField(index, name, value, f"{name}: {value}".encode()))
    assert vh is not None, name
    assert vh.raw == value
    return vh.summary or "", {f.key: f.meaning for f in vh.fields}


def test_trend_micro_hes_result_with_trend_type() -> None:
    summary, meanings = decoded("X-TM-AS-Result", "Yes-11-27.237300-8.000000")
    assert summary == "Trend Micro: spam (score 27.237300, threshold 8.000000)."
    assert "trend_type" in meanings  # 11: kept, its meaning is not published


def test_proofpoint_quotes_the_overall_score_not_a_sub_score() -> None:
    summary, _ = decoded(
        "X-Proofpoint-Spam-Details",
        "rule=spam policy=default score=99 spamscore=0 phishscore=0 classifier=spam adjust=0",
    )
    assert "spam score 0" not in summary
    assert summary == "Proofpoint: spam (rule spam), score 99."


def test_proofpoint_notspam_rule() -> None:
    summary, _ = decoded(
        "X-Proofpoint-Spam-Details", "rule=spam_outbound_notspam policy=spam_outbound score=0"
    )
    assert summary.startswith("Proofpoint: not spam")


def test_clx_shade_junk() -> None:
    summary, meanings = decoded("X-CLX-Shades", "Junk")
    assert "junk" in summary
    assert meanings["value"] == "classified as junk."


def test_rspamd_result_and_action_read_together() -> None:
    raw = (
        b"X-Rspamd-Action: add header\r\nX-Rspamd-Server: mx1\r\n"
        b"X-Spamd-Result: default: False [7.02 / 25.00];\r\n\tBARRACUDA_FROM(6.00)[x.example];"
        b"\r\n\tMIME_GOOD(-0.10)[text/plain]; ARC_NA(0.00)[]\r\nX-Rspamd-Queue-Id: 4AB12\r\n"
        b"From: a@example.org\r\n\r\nbody\r\n"
    )
    summaries = {v.header_name: v.summary for v in analyze(raw).vendor_headers}
    assert summaries["X-Spamd-Result"] == "Rspamd: add header, 7.02 / 25, BARRACUDA_FROM(6.00)."
    assert summaries["X-Rspamd-Action"] == (
        "Rspamd: add header: delivered marked as spam (usually to the Junk folder)."
    )


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        ("X-Pm-Spam-Action", "phishing", "filed as phishing"),
        ("X-Pm-Spam-Action", "inbox", "delivered to the Inbox"),
        ("X-Pm-Spamscore", "101", "spam score: 101"),
        ("X-VADE-SPAMSTATE", "phishing", "Vade: phishing."),
        ("X-VR-SPAMSCORE", "607", "spam score: 607"),
        ("X-Spam", "Yes", "marked as spam"),
        ("X-PhishMe", "Phishing_Training", "phishing-training simulation"),
        ("X-PHISHTEST", "KnowBe4", "simulated phishing test"),
        (
            "X-Greylist",
            "delayed 1181 seconds by postgrey-1.27 at vger.kernel.org; Wed, 11 Sep",
            "1181 s",
        ),
        ("X-Virus-Status", "Clean", "no virus found"),
        ("X-Spamd-Bar", "++++", "score bar"),
        (
            "X-Mimecast-Impersonation-Protect",
            "Policy=CLT - Impersonation Protection Definition; Similar Internal Domain=false;"
            " Newly Observed Domain=true; Reply-to Address Mismatch=false",
            "matched Newly Observed Domain",
        ),
        (
            "X-Mimecast-Impersonation-Protect",
            "Policy=P; Similar Internal Domain=false; Newly Observed Domain=false",
            "none of its 2 checks matched",
        ),
    ],
)
def test_verdict_headers(name: str, value: str, needle: str) -> None:
    summary, _ = decoded(name, value)
    assert needle in summary


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("X-Rspamd-Action", "quarantine-ish"),
        ("X-Pm-Spam-Action", "archive"),
        ("X-VADE-SPAMSTATE", "grey"),
        ("X-Spam", "maybe"),
        ("X-CLX-Shades", "MLX"),
        ("X-PhishMe", "Something_Else"),
    ],
)
def test_unknown_values_stay_raw_without_a_meaning(name: str, value: str) -> None:
    vh = decode_vendor_header(HeaderField(0, name, value, b""))
    assert vh is not None
    assert value in (vh.summary or "")
    assert all(f.meaning is None for f in vh.fields if f.value == value)
    assert all(f.severity is not Severity.ERROR for f in vh.fields)


# The verdict headers real receivers wrote in real2/ (STORIES.tsv, receiver_verdicts column).
_VERDICT_NAMES = re.compile(
    r"^x-(?:spamd-result|rspamd-action|spam-status|spam-flag|spam-score|spam|pm-spamscore|"
    r"pm-spam-action|vade-spamstate|vade-spamscore|proofpoint-spam-details|tm-as-result|"
    r"tmase-result|mimecast-spam-score|phishme|greylist)$"
)


def test_every_verdict_header_of_real2_is_decoded() -> None:
    # corpus: real2/*.eml (read from ../shared, never copied)
    need_shared()
    seen = 0
    for path in sorted((CORPUS / "real2").glob("*.eml")):
        for vh in analyze(path.read_bytes()).vendor_headers:
            if not _VERDICT_NAMES.match(vh.header_name.lower()):
                continue
            seen += 1
            assert vh.summary, (path.name, vh.header_name)
            generic = vh.summary.split(":")[0].endswith(" header")  # "Mimecast header: ..."
            assert not generic, (path.name, vh.header_name, vh.summary)
            assert "not publicly documented" not in vh.summary, (path.name, vh.header_name)
    assert seen >= 20
