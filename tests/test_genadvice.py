"""Advice that must not authorise a forgery, and input normalisation found on unseen real mail
received by Microsoft; each rule with a synthetic message of the real shape."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis.findings_build import stamped_findings as findings
from tests.test_diagnosis import _msg


def _spf_fail_at_eop(dkim: str) -> bytes:
    """A server nobody names sends as a domain without DMARC; EOP stamps spf=fail for the
    envelope domain (the From domain) and no compauth."""
    return _msg(
        f"Authentication-Results: spf=fail (sender IP is 203.0.113.215) smtp.mailfrom=oldfriends.example; dkim={dkim} header.d=oldfriends.example;dmarc=none action=none header.from=oldfriends.example;",
        "Received: from cjr.zq.example (203.0.113.215) by CY4PEPF0000AA01.mail.protection.outlook.com (10.167.242.1) with Microsoft SMTP Server id 15.20.7 via Frontend Transport; Mon, 7 Nov 2022 09:45:28 +0000",
        "From: Old Friends <news@oldfriends.example>",
        "To: victim@example.net",
        "Subject: you have a message",
        "Date: Mon, 7 Nov 2022 09:45:20 +0000",
        "Return-Path: news@oldfriends.example",
    )


def test_spf_fail_without_evidence_is_not_told_to_add_the_server() -> None:
    spf = next(f for f in findings(analyze(_spf_fail_at_eop("none"))) if f.code == "stamped.spf-fail")
    assert "Add the sending service" not in spf.fix
    assert "a forgery unless oldfriends.example really sends through 203.0.113.215" in spf.fix


def test_spf_fail_with_an_aligned_dkim_pass_keeps_the_add_advice() -> None:
    spf = next(f for f in findings(analyze(_spf_fail_at_eop("pass"))) if f.code == "stamped.spf-fail")
    assert "Add the sending service" in spf.fix
    assert "forgery" not in spf.fix
