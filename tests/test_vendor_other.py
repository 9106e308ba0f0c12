"""Table tests for the other gateways (Proofpoint, Mimecast, Barracuda, IronPort, Sophos...)."""

from __future__ import annotations

import pytest

from headerlens.model.core import Severity
from headerlens.parsers.vendor import decode_vendor_header
from tests.vendor_fixtures import corpus_field, make_field

INFO, WARN = Severity.INFO, Severity.WARNING

CASES = [
    # (file, header, vendor, summary fragment, {field key: value})
    pytest.param(
        "eml/icloud-proofpoint-to-eop-all-pass.eml",
        "X-Proofpoint-Spam-Details",
        "Proofpoint",
        "not spam (rule notspam), score 0",
        {"rule": "notspam", "phishscore": "0", "policy": "default"},
        id="corpus:eml/icloud-proofpoint-to-eop-all-pass.eml",
    ),
    pytest.param(
        "eml/ibm-proofpoint-15-hops-2017.eml",
        "X-Proofpoint-Spam-Details",
        "Proofpoint",
        "rule outbound_notspam",
        {"rule": "outbound_notspam", "engine": "8.0.1-1702020001"},
        id="corpus:eml/ibm-proofpoint-15-hops-2017.eml",
    ),
    pytest.param(
        "eml/icloud-proofpoint-to-eop-all-pass.eml",
        "X-Proofpoint-Virus-Version",
        "Proofpoint",
        "antivirus",
        {"vendor": "baseguard"},
        id="corpus:eml/icloud-proofpoint-to-eop-all-pass.eml#virus",
    ),
    pytest.param(
        "eml/mimecast-to-protonmail-dmarc-none.eml",
        "X-Mimecast-Spam-Score",
        "Mimecast",
        "Mimecast spam score: 3",
        {"score": "3"},
        id="corpus:eml/mimecast-to-protonmail-dmarc-none.eml",
    ),
    pytest.param(
        "eml/barracuda-to-eop-all-pass.eml",
        "X-Barracuda-Spam-Status",
        "Barracuda",
        "not spam, score 3.20 (limit 5.0)",
        {"verdict": "No", "SCORE": "3.20", "KILL_LEVEL": "5.0"},
        id="corpus:eml/barracuda-to-eop-all-pass.eml#status",
    ),
    pytest.param(
        "eml/barracuda-to-eop-all-pass.eml",
        "X-Barracuda-Start-Time",
        "Barracuda",
        "2024-09-06T04:20:40+00:00",
        {"value": "1725596440"},
        id="corpus:eml/barracuda-to-eop-all-pass.eml#start",
    ),
    pytest.param(
        "eml/ironport-to-eop-arc2-all-pass.eml",
        "X-IronPort-AV",
        "Cisco IronPort",
        "E= is the engine",
        {"E": "Sophos"},
        id="corpus:eml/ironport-to-eop-arc2-all-pass.eml",
    ),
    pytest.param(
        "eml/sophos-to-eop-dmarc-pass-dkim-none.eml",
        "X-SASI-SpamProbability",
        "Sophos",
        "9%",
        {"value": "9%"},
        id="corpus:eml/sophos-to-eop-dmarc-pass-dkim-none.eml",
    ),
    pytest.param(
        "eml/sophos-to-eop-dmarc-pass-dkim-none.eml",
        "X-Sophos-OBS",
        "Sophos",
        "Sophos header",
        {"value": "success"},
        id="corpus:eml/sophos-to-eop-dmarc-pass-dkim-none.eml#obs",
    ),
    pytest.param(
        "eml/fortimail-to-eop-dkim-timeout.eml",
        "X-FEAS-Client-IP",
        "FortiMail",
        "FortiMail client IP",
        {"value": "196.41.6.132"},
        id="corpus:eml/fortimail-to-eop-dkim-timeout.eml",
    ),
    pytest.param(
        "eml/symantec-messagelabs-to-eop-all-pass.eml",
        "X-Brightmail-Tracker",
        "Symantec (Broadcom) Email Security",
        "not decoded",
        {},
        id="corpus:eml/symantec-messagelabs-to-eop-all-pass.eml",
    ),
    pytest.param(
        "eml/symantec-messagelabs-to-eop-all-pass.eml",
        "X-SYMC-ESS-Client-Auth",
        "Symantec (Broadcom) Email Security",
        "client authentication",
        {"outbound-route-from": "pass"},
        id="corpus:eml/symantec-messagelabs-to-eop-all-pass.eml#auth",
    ),
    pytest.param(
        "dkim/mail-dkim/good_dk_gmail.txt",
        "X-Spam-Status",
        "SpamAssassin",
        "not spam, score 1.6 (limit 5.0)",
        {"autolearn": "no", "version": "3.1.5"},
        id="corpus:dkim/mail-dkim/good_dk_gmail.txt",
    ),
]


@pytest.mark.parametrize(("relpath", "name", "vendor", "needle", "expected"), CASES)
def test_other_gateways_corpus(
    relpath: str, name: str, vendor: str, needle: str, expected: dict[str, str]
) -> None:
    result = decode_vendor_header(corpus_field(relpath, name))
    assert result is not None
    assert result.vendor == vendor
    assert result.summary is not None
    assert needle in result.summary
    fields = {f.key: f.value for f in result.fields}
    for key, value in expected.items():
        assert fields[key] == value
    assert result.severity is INFO


def test_spam_flag_yes_is_warning() -> None:
    # corpus: eml/sourceforge-list-smtpsvc-date-1899.eml (X-Spam-Flag: YES)
    result = decode_vendor_header(
        corpus_field("eml/sourceforge-list-smtpsvc-date-1899.eml", "X-Spam-Flag")
    )
    assert result is not None
    assert result.severity is WARN
    assert "marked as spam" in (result.summary or "")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        # SpamAssassin documentation style status line
        ("X-Spam-Status", "Yes, score=7.2 required=5.0 tests=BAYES_99,URIBL_BLACK autolearn=no"),
        (
            "X-Barracuda-Spam-Status",
            "Yes, SCORE=9.1 using global scores of TAG_LEVEL=3.5 QUARANTINE_LEVEL=1000.0 "
            "KILL_LEVEL=7.0 tests=X",
        ),
        (
            "X-Proofpoint-Spam-Details",
            "rule=spam policy=default score=99 spamscore=99 phishscore=0",
        ),
        ("X-Proofpoint-Spam-Details", "rule=phish policy=default score=80 phishscore=80"),
    ],
)
def test_spam_verdicts_are_warnings(name: str, value: str) -> None:
    result = decode_vendor_header(make_field(name, value))
    assert result is not None
    assert result.severity is WARN


def test_tests_list_with_commas_and_spaces_stays_one_value() -> None:
    # corpus form: "tests=HTML_10_20,HTML_MESSAGE, HTML_SHORT_LENGTH autolearn=no" (folded list)
    value = "No, score=1.6 required=5.0 tests=A_1,B_2, C_3 autolearn=no version=3.1.5"
    result = decode_vendor_header(make_field("X-Spam-Status", value))
    assert result is not None
    fields = {f.key: f.value for f in result.fields}
    assert fields["tests"] == "A_1,B_2, C_3"
    assert fields["required"] == "5.0"
