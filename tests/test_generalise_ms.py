"""Rules found by reading real mail received by Microsoft (EOP / Outlook.com / Exchange) and by
inbound gateways in front of mailboxes; each with a synthetic message of the real shape."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings_build import stamped_findings as findings
from tests.test_diagnosis import _msg


def _relayed_001(*extra: str, reply_to: str | None = None) -> bytes:
    """An on-premises Exchange server of one organisation relays, through its own tenant, a
    message whose From is an unrelated domain without DMARC; the receiving tenant stamps
    compauth=fail reason=001 (nothing vouched for the From domain)."""
    return _msg(
        "Received: from DM6PR01MB1.namprd01.prod.outlook.com (::1) by DM6PR01MB2.namprd01.prod.outlook.com with HTTPS; Mon, 7 Nov 2022 09:45:36 +0000",
        *extra,
        "Authentication-Results: spf=pass (sender IP is 52.100.1.20) smtp.mailfrom=relayco.onmicrosoft.com; dkim=pass (signature was verified) header.d=relayco.onmicrosoft.com;dmarc=none action=none header.from=claimed.example;compauth=fail reason=001",
        "Received: from NAM10-obe.outbound.protection.outlook.com (52.100.1.20) by DB8EUR05FT001.mail.protection.outlook.com (10.233.1.1) with Microsoft SMTP Server id 15.20.5791.20 via Frontend Transport; Mon, 7 Nov 2022 09:45:28 +0000",
        "X-MS-Exchange-Authentication-Results: spf=none (sender IP is 198.51.100.61) smtp.mailfrom=claimed.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=claimed.example;",
        "Received: from mail.relayco.example (198.51.100.61) by BN8NAM11FT002.mail.protection.outlook.com (10.13.1.2) with Microsoft SMTP Server id 15.20.5791.20 via Frontend Transport; Mon, 7 Nov 2022 09:45:25 +0000",
        "Received: from EXCH01.relayco.example (10.0.2.49) by EXCH01.relayco.example (10.0.2.49) with Microsoft SMTP Server id 15.1.2242.12; Mon, 7 Nov 2022 03:45:22 -0600",
        "From: Someone <someone@claimed.example>",
        *((f"Reply-To: <{reply_to}>",) if reply_to else ()),
        "To: victim@example.net",
        "Subject: proposal",
        "Date: Mon, 7 Nov 2022 01:45:20 -0800",
        "Message-ID: <1@EXCH01.relayco.example>",
        "Return-Path: bounces+SRS=ab=3H@relayco.onmicrosoft.com",
        "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterAuthJ;",
    )


def test_compauth_001_with_reply_to_a_free_mail_mailbox_is_a_spoof() -> None:
    a = analyze(_relayed_001(reply_to="someone.claimed@yandex.com"))
    d = diagnose(a)
    spoof = d.get("spoof")
    assert spoof is not None and spoof.fact("domain") == "claimed.example"
    assert spoof.fact("policy") == "no-record"  # dmarc=none: no policy, not "policy none"
    assert any("compauth=fail reason=001" in e for e in spoof.evidence)
    fixes = [f.fix for f in findings(a)]
    assert not any("authorise it there" in f or "Fix SPF/DKIM/DMARC" in f for f in fixes)


def test_compauth_001_alone_is_not_called_a_spoof_and_the_fix_says_it_cannot_tell() -> None:
    """Microsoft gives 001 to legitimate third parties a domain never authorised too."""
    a = analyze(_relayed_001())
    assert "spoof" not in diagnose(a).labels()
    ca = next(f for f in findings(a) if f.code == "stamped.compauth-fail")
    assert ca.fix.startswith("Cannot tell from the headers whether claimed.example uses")
    assert "nothing to fix at claimed.example" in ca.fix


def test_compauth_001_with_microsofts_own_cat_spoof_is_a_spoof() -> None:
    report = "X-Forefront-Antispam-Report: CIP:52.100.1.20;CTRY:US;SCL:5;SFV:SPM;CAT:SPOOF;DIR:INB;"
    d = diagnose(analyze(_relayed_001(report)))
    spoof = d.get("spoof")
    assert spoof is not None
    assert any("CAT:SPOOF" in e for e in spoof.evidence)


def test_cat_spoof_in_a_copy_the_sender_wrote_does_not_count() -> None:
    """Exchange Online appends its own report at the bottom of the header block; an earlier
    copy among the sender's fields is the sender's text (the last copy is the receiver's)."""
    raw = _relayed_001().replace(
        b"From: Someone",
        b"X-Forefront-Antispam-Report: CIP:52.100.1.20;SCL:5;CAT:SPOOF;DIR:INB;\r\nFrom: Someone",
    )
    raw = raw.replace(
        b"\r\n\r\nbody",
        b"\r\nX-Forefront-Antispam-Report: CIP:52.100.1.20;SCL:1;SFV:NSPM;DIR:INB;\r\n\r\nbody",
    )
    assert "spoof" not in diagnose(analyze(raw)).labels()
