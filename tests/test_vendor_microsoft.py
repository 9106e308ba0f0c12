"""Table tests for the Microsoft EOP / Exchange decoders, with real values read from the corpus."""

from __future__ import annotations

import pytest

from headerlens.model.core import Severity
from headerlens.model.vendor import VendorHeader
from headerlens.parsers.vendor import decode_vendor_header
from headerlens.parsers.vendor_microsoft import bcl_meaning, pcl_meaning, scl_meaning
from headerlens.parsers.vendor_microsoft_exchange import parse_ms_time
from tests.vendor_fixtures import corpus_field, make_field

INFO, WARN, ERR = Severity.INFO, Severity.WARNING, Severity.ERROR


def _decode_corpus(relpath: str, name: str, nth: int = 0) -> VendorHeader:
    result = decode_vendor_header(corpus_field(relpath, name, nth))
    assert result is not None
    return result


def _by_key(result: VendorHeader) -> dict[str, tuple[str, Severity, str | None]]:
    out: dict[str, tuple[str, Severity, str | None]] = {}
    for f in result.fields:
        out.setdefault(f.key.upper(), (f.value, f.severity, f.meaning))
    return out


FOREFRONT_CASES = [
    pytest.param(
        "eml/eop-date-header-dd-mm-yyyy-dkim-fail-arc2.eml",
        "X-Forefront-Antispam-Report-Untrusted",
        {"SCL": ("7", ERR), "SFV": ("SPM", WARN), "CAT": ("OSPM", WARN), "IPV": ("CAL", INFO)},
        ("marked as spam (SFV:SPM)", "SCL 7", "-Untrusted"),
        id="corpus:eml/eop-date-header-dd-mm-yyyy-dkim-fail-arc2.eml",
    ),
    pytest.param(
        "eml/exchange-onprem-2016-to-eop-tenant-srs-forward-to-outlookcom-arc2.eml",
        "X-Forefront-Antispam-Report-Untrusted",
        {"SCL": ("5", WARN), "SFV": ("SPM", WARN), "DIR": ("OUT", INFO), "SFP": ("1501", INFO)},
        ("marked as spam", "SCL 5 - goes to Junk"),
        id="corpus:eml/exchange-onprem-2016-to-eop-tenant-srs-forward-to-outlookcom-arc2.eml",
    ),
    pytest.param(
        "eml/eop-arc-chain-i4-dmarc-fail-compauth-pass.eml",
        "X-Forefront-Antispam-Report-Untrusted",
        {"SCL": ("1", INFO), "SFV": ("NSPM", INFO), "CAT": ("NONE", INFO), "IPV": ("NLI", INFO)},
        ("not spam (SFV:NSPM), SCL 1",),
        id="corpus:eml/eop-arc-chain-i4-dmarc-fail-compauth-pass.eml",
    ),
    pytest.param(
        "eml/ironport-to-eop-arc2-all-pass.eml",
        "X-Forefront-Antispam-Report-Untrusted",
        {"CIP": ("255.255.255.255", INFO), "CTRY": ("", INFO), "SFV": ("NSPM", INFO)},
        ("not spam",),
        id="corpus:eml/ironport-to-eop-arc2-all-pass.eml",
    ),
    pytest.param(
        "eml/office365-outlookcom-ndr-forefront-untrusted-headers.eml",
        "X-Forefront-Antispam-Report",
        {"SFV": ("NSPM", INFO), "SCL": ("1", INFO), "SRVR": ("SG2APC01HT247", INFO)},
        ("not spam (SFV:NSPM), SCL 1",),
        id="corpus:eml/office365-outlookcom-ndr-forefront-untrusted-headers.eml#2",
    ),
    pytest.param(
        "lab/messages/shared-eop-to-gmail-pass.eml",
        "X-Forefront-Antispam-Report",
        {"CIP": ("203.0.113.25", INFO), "SFV": ("NSPM", INFO), "SFP": ("1102", INFO)},
        ("EOP: not spam (SFV:NSPM), SCL 1.",),
        id="lab:shared-eop-to-gmail-pass.eml",
    ),
]


@pytest.mark.parametrize(("relpath", "name", "expected", "summary_bits"), FOREFRONT_CASES)
def test_forefront_corpus(
    relpath: str,
    name: str,
    expected: dict[str, tuple[str, Severity]],
    summary_bits: tuple[str, ...],
) -> None:
    nth = 1 if relpath.endswith("headers.eml") else 0
    result = _decode_corpus(relpath, name, nth)
    fields = _by_key(result)
    for key, (value, severity) in expected.items():
        assert fields[key][0] == value, key
        assert fields[key][1] is severity, key
        assert fields[key][2] is not None, key
    assert result.summary is not None
    for bit in summary_bits:
        assert bit in result.summary
    assert result.vendor == "Microsoft EOP"


def test_forefront_sfs_is_internal_and_unknown_keys_stay_raw() -> None:
    # corpus: eml/office365-outlookcom-ndr-forefront-untrusted-headers.eml (FPR, A, MX, EFV)
    result = _decode_corpus(
        "eml/office365-outlookcom-ndr-forefront-untrusted-headers.eml",
        "X-Forefront-Antispam-Report",
        1,
    )
    fields = _by_key(result)
    assert "internal Microsoft rule IDs" in (fields["SFS"][2] or "")
    assert fields["MX"][2] is None  # unknown key: raw value kept, no meaning
    first = _decode_corpus(
        "eml/office365-outlookcom-ndr-forefront-untrusted-headers.eml",
        "X-Forefront-Antispam-Report",
    )
    assert [(f.key, f.value, f.meaning) for f in first.fields] == [("EFV", "NLI", None)]


# Microsoft Learn, "Anti-spam message headers": example values from the field table.
DOC_CASES = [
    pytest.param("SFV:SKS;SCL:6", "SFV", WARN, id="doc:SFV:SKS"),
    pytest.param("SFV:BLK;SCL:9", "SFV", WARN, id="doc:SFV:BLK"),
    pytest.param("SFV:SFE;SCL:-1", "SFV", INFO, id="doc:SFV:SFE"),
    pytest.param("SFV:SKI;SCL:1", "SFV", INFO, id="doc:SFV:SKI"),
    pytest.param("SFV:SKQ;SCL:1", "SFV", INFO, id="doc:SFV:SKQ"),
    pytest.param("SFV:SKB;SCL:6", "SFV", WARN, id="doc:SFV:SKB"),
    pytest.param("CAT:PHSH;SCL:9", "CAT", ERR, id="doc:CAT:PHSH"),
    pytest.param("CAT:SPOOF;SCL:8", "CAT", ERR, id="doc:CAT:SPOOF"),
    pytest.param("CAT:HPHISH;SCL:9", "CAT", ERR, id="doc:CAT:HPHISH"),
    pytest.param("CAT:BULK;SRV:BULK", "SRV", WARN, id="doc:SRV:BULK"),
    pytest.param("SFTY:9.25;SCL:1", "SFTY", WARN, id="doc:SFTY:9.25"),
    pytest.param("SFTY:9.19;SCL:1", "SFTY", WARN, id="doc:SFTY:9.19"),
    pytest.param("DIR:INB;SCL:1", "DIR", INFO, id="doc:DIR:INB"),
    pytest.param(
        "CTRY:;LANG:hr;SCL:1;SRV:;IPV:NLI;SFV:NSPM;PTR:;SFTY:;", "IPV", INFO, id="doc:example"
    ),
]


@pytest.mark.parametrize(("value", "key", "severity"), DOC_CASES)
def test_forefront_documented_values(value: str, key: str, severity: Severity) -> None:
    result = decode_vendor_header(make_field("X-Forefront-Antispam-Report", value))
    assert result is not None
    fields = _by_key(result)
    assert fields[key][1] is severity
    assert fields[key][2] is not None


def test_forefront_unknown_sfv_stays_raw_and_bad_cip_is_defect() -> None:
    # Design: unknown values keep meaning None; bad input becomes a Defect.
    result = decode_vendor_header(
        make_field("X-Forefront-Antispam-Report", "SFV:ZZZ;CIP:nope;junk")
    )
    assert result is not None
    fields = _by_key(result)
    assert fields["SFV"] == ("ZZZ", INFO, None)
    codes = {d.code for d in result.defects}
    assert codes == {"eop.bad-cip", "eop.bad-item"}


@pytest.mark.parametrize(
    ("value", "severity", "needle"),
    [
        ("-1", INFO, "skipped"),  # Microsoft Learn, "Spam confidence level": SCL -1
        ("0", INFO, "Not spam"),
        ("1", INFO, "Not spam"),
        ("3", INFO, "never stamps"),
        ("5", WARN, "Junk"),
        ("6", WARN, "Junk"),
        ("9", ERR, "High-confidence"),
    ],
)
def test_scl_table(value: str, severity: Severity, needle: str) -> None:
    meaning, sev = scl_meaning(value)
    assert sev is severity
    assert meaning is not None
    assert needle in meaning


@pytest.mark.parametrize("bad", ["10", "-2", "x", ""])
def test_scl_out_of_range_has_no_meaning(bad: str) -> None:
    assert scl_meaning(bad) == (None, INFO)


@pytest.mark.parametrize(
    ("value", "severity", "needle"),
    [
        ("0", INFO, "Not from a bulk sender"),  # Microsoft Learn, "Bulk complaint level"
        ("3", INFO, "few complaints"),
        ("5", INFO, "Strict"),
        ("7", WARN, "default bulk threshold"),
        ("9", WARN, "many complaints"),
    ],
)
def test_bcl_table(value: str, severity: Severity, needle: str) -> None:
    meaning, sev = bcl_meaning(value)
    assert sev is severity
    assert meaning is not None
    assert needle in meaning


def test_pcl_table() -> None:
    # Exchange Server "Antispam stamps": 1-3 neutral, 4-8 suspicious.
    assert pcl_meaning("2")[1] is INFO
    assert pcl_meaning("4")[1] is WARN
    assert pcl_meaning("9") == (None, INFO)


MICROSOFT_CASES = [
    # (file, header, nth, expected field value, severity, summary fragment)
    pytest.param(
        "eml/eop-spf-temperror-dmarc-temperror-compauth-fail.eml",
        "X-Microsoft-Antispam",
        0,
        "9",
        WARN,
        "BCL 9",
        id="corpus:eml/eop-spf-temperror-dmarc-temperror-compauth-fail.eml",
    ),
    pytest.param(
        "eml/barracuda-to-eop-all-pass.eml",
        "X-Microsoft-Antispam",
        0,
        "0",
        INFO,
        "Not from a bulk sender",
        id="corpus:eml/barracuda-to-eop-all-pass.eml",
    ),
    pytest.param(
        "eml/barracuda-to-eop-all-pass.eml",
        "X-Microsoft-Antispam-Mailbox-Delivery",
        0,
        "J",
        WARN,
        "Junk Email folder (dest:J)",
        id="corpus:eml/barracuda-to-eop-all-pass.eml#mailbox-delivery",
    ),
    pytest.param(
        "eml/sendgrid-received-iso8601-timestamps-to-eop.eml",
        "X-Microsoft-Antispam-Mailbox-Delivery",
        0,
        "I",
        INFO,
        "Inbox (dest:I)",
        id="corpus:eml/sendgrid-received-iso8601-timestamps-to-eop.eml",
    ),
    pytest.param(
        "eml/eop-inbound-scl9-null-sender-unqualified-from-spf-none.eml",
        "X-MS-Exchange-Organization-SCL",
        0,
        "9",
        ERR,
        "High-confidence spam",
        id="corpus:eml/eop-inbound-scl9-null-sender-unqualified-from-spf-none.eml",
    ),
    pytest.param(
        "eml/icloud-proofpoint-to-eop-all-pass.eml",
        "X-MS-Exchange-Organization-SCL",
        0,
        "6",
        WARN,
        "Junk Email",
        id="corpus:eml/icloud-proofpoint-to-eop-all-pass.eml",
    ),
    pytest.param(
        "eml/sophos-to-eop-dmarc-pass-dkim-none.eml",
        "X-MS-Exchange-Organization-PCL",
        0,
        "2",
        INFO,
        "Neutral",
        id="corpus:eml/sophos-to-eop-dmarc-pass-dkim-none.eml",
    ),
    pytest.param(
        "eml/fortimail-to-eop-dkim-timeout.eml",
        "X-MS-Exchange-Organization-AuthAs",
        0,
        "Anonymous",
        INFO,
        "did not authenticate",
        id="corpus:eml/fortimail-to-eop-dkim-timeout.eml",
    ),
    pytest.param(
        "eml/outlookcom-to-gmail-arc2-all-pass-sanitized-sender.eml",
        "X-MS-Exchange-CrossTenant-AuthAs",
        0,
        "Internal",
        INFO,
        "part of the organisation",
        id="corpus:eml/outlookcom-to-gmail-arc2-all-pass-sanitized-sender.eml",
    ),
    pytest.param(
        "lab/messages/shared-eop-footer-after-signing.eml",
        "X-MS-Exchange-CrossTenant-FromEntityHeader",
        0,
        "HybridOnPrem",
        INFO,
        "on-premises",
        id="lab:shared-eop-footer-after-signing.eml",
    ),
    pytest.param(
        "eml/symantec-messagelabs-to-eop-all-pass.eml",
        "X-MS-Exchange-Organization-MessageDirectionality",
        0,
        "Incoming",
        INFO,
        "outside",
        id="corpus:eml/symantec-messagelabs-to-eop-all-pass.eml",
    ),
    pytest.param(
        "eml/eop-arc-chain-i4-dmarc-fail-compauth-pass.eml",
        "X-SID-Result",
        0,
        "FAIL",
        WARN,
        "Sender ID fail",
        id="corpus:eml/eop-arc-chain-i4-dmarc-fail-compauth-pass.eml",
    ),
    pytest.param(
        "eml/exchange-onprem-2016-proofpoint-sentrion-to-eop-outlookcom.eml",
        "X-MS-Has-Attach",
        0,
        "",
        INFO,
        "No attachments",
        id="corpus:eml/exchange-onprem-2016-proofpoint-sentrion-to-eop-outlookcom.eml",
    ),
]


@pytest.mark.parametrize(("relpath", "name", "nth", "value", "severity", "needle"), MICROSOFT_CASES)
def test_microsoft_headers_corpus(
    relpath: str, name: str, nth: int, value: str, severity: Severity, needle: str
) -> None:
    result = _decode_corpus(relpath, name, nth)
    main = next(f for f in result.fields if f.value == value)
    assert main.severity is severity
    assert result.summary is not None
    assert needle in result.summary


def test_crosstenant_arrival_time_is_read_as_utc() -> None:
    # corpus: eml/barracuda-to-eop-all-pass.eml (X-MS-Exchange-CrossTenant-OriginalArrivalTime)
    result = _decode_corpus(
        "eml/barracuda-to-eop-all-pass.eml", "X-MS-Exchange-CrossTenant-OriginalArrivalTime"
    )
    assert result.fields[0].meaning == "2024-09-07T03:06:44.401200+00:00 (UTC)"
    assert parse_ms_time("31 Feb 2024 10:00:00.1 (UTC)") is None
    bad = decode_vendor_header(make_field("X-MS-Exchange-CrossTenant-OriginalArrivalTime", "soon"))
    assert bad is not None
    assert [d.code for d in bad.defects] == ["exchange.bad-time"]


def test_message_info_is_opaque() -> None:
    # corpus: eml/barracuda-to-eop-all-pass.eml (X-Microsoft-Antispam-Message-Info)
    result = _decode_corpus(
        "eml/barracuda-to-eop-all-pass.eml", "X-Microsoft-Antispam-Message-Info"
    )
    assert result.summary is not None
    assert "cannot be decoded" in result.summary
    assert result.fields[0].value == result.raw


def test_outlook_message_delivery_is_base64_decoded() -> None:
    # corpus: eml/barracuda-to-eop-all-pass.eml (X-Message-Delivery)
    result = _decode_corpus("eml/barracuda-to-eop-all-pass.eml", "X-Message-Delivery")
    fields = {f.key: f.value for f in result.fields}
    assert fields["SCL"] == "6"
    assert fields["decoded"].startswith("V=1.1;")


def test_exchange_server_antispam_report_stamp() -> None:
    # Exchange Server "Antispam stamps": X-MS-Exchange-Organization-Antispam-Report syntax.
    value = "DV:3.3.5705.600;SID:SenderIDStatus Fail;PCL:PhishingLevel SUSPICIOUS;CW:CustomList"
    result = decode_vendor_header(make_field("X-MS-Exchange-Organization-Antispam-Report", value))
    assert result is not None
    fields = _by_key(result)
    assert fields["SID"][1] is WARN
    assert fields["PCL"][1] is WARN
    assert fields["DV"][0] == "3.3.5705.600"


def test_organization_antispam_report_in_eop_format() -> None:
    # Exchange Online copies the EOP report into X-MS-Exchange-Organization-Antispam-Report.
    value = "CIP:192.0.2.1;SFV:SPM;SCL:5;CAT:SPM"
    result = decode_vendor_header(make_field("X-MS-Exchange-Organization-Antispam-Report", value))
    assert result is not None
    assert result.vendor == "Microsoft Exchange"
    assert _by_key(result)["SFV"][1] is WARN


def test_auth_mechanism_is_not_guessed() -> None:
    # No public code list exists: the value is shown raw with that explanation.
    result = decode_vendor_header(make_field("X-MS-Exchange-Organization-AuthMechanism", "04"))
    assert result is not None
    assert result.fields[0].value == "04"
    assert "publishes no list" in (result.fields[0].meaning or "")
