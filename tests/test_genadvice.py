"""Advice that must not authorise a forgery, and input normalisation found on unseen real mail
received by Microsoft; each rule with a synthetic message of the real shape."""

from __future__ import annotations

import base64

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings_build import stamped_findings as findings
from headerlens.diagnosis.wording import fix
from headerlens.model.provenance import Author
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
    # the aligned SPF failure with no DMARC record is a probable spoof: its situation carries the
    # hedged fix, and the SPF finding loses the fix that the spoof contradicts
    found = findings(analyze(_spf_fail_at_eop("none")))
    spf = next(f for f in found if f.code == "stamped.spf-fail")
    spoof = next(f for f in found if f.code == "situation.spoof")
    assert "Add the sending service" not in spf.fix
    assert "unless it really sends through 203.0.113.215" in spoof.fix
    assert "block or report" in spoof.fix


def test_spf_fail_with_an_aligned_dkim_pass_keeps_the_add_advice() -> None:
    spf = next(
        f for f in findings(analyze(_spf_fail_at_eop("pass"))) if f.code == "stamped.spf-fail"
    )
    assert "Add the sending service" in spf.fix
    assert "forgery" not in spf.fix


def _from_not_a_domain(domain: str) -> bytes:
    """A phish whose From and envelope name something that cannot be a domain name; EOP stamps
    none for everything and compauth=fail reason=001."""
    return _msg(
        f"Authentication-Results: spf=none (sender IP is 203.0.113.49) smtp.mailfrom=phish.zq.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from={domain};compauth=fail reason=001",
        "Received: from phish.zq.example (203.0.113.49) by BL6PEPF0000AA02.mail.protection.outlook.com (10.167.242.2) with Microsoft SMTP Server id 15.20.7 via Frontend Transport; Mon, 7 Nov 2022 09:45:28 +0000",
        f"From: Post Office <noreply@{domain}>",
        "To: victim@example.net",
        "Subject: your parcel",
        "Date: Mon, 7 Nov 2022 09:45:20 +0000",
        "Return-Path: root@phish.zq.example",
        "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterAuthJ;",
    )


@pytest.mark.parametrize(
    ("domain", "why"), [("postoffice", "has no dot"), ("x%y.example", "invalid label")]
)
def test_a_from_domain_that_cannot_exist_gets_no_publishing_advice(domain: str, why: str) -> None:
    a = analyze(_from_not_a_domain(domain))
    spoof = diagnose(a).get("spoof")
    assert spoof is not None
    text = fix(spoof)
    assert f"{domain} is not a real domain name" in text and why in text
    assert "DMARC policy at" not in text
    said = " ".join(f"{f.title} {f.fix}" for f in findings(a))
    assert "not a real domain name" in said
    assert "publish DMARC" not in said and "DMARC policy at" not in said


def _encoded(text: str, size: int = 45) -> str:
    """``text`` as folded base64 encoded words, the way the real field was written."""
    chunks = [text[i : i + size] for i in range(0, len(text), size)]
    return "\r\n ".join(f"=?utf-8?B?{base64.b64encode(c.encode()).decode()}?=" for c in chunks)


_AR = "spf=temperror (sender IP is 203.0.113.42) smtp.mailfrom=mailer.zq.example; dkim=fail (no key for signature) header.d=shop.example;dmarc=fail action=quarantine header.from=shop.example;compauth=fail reason=000"


def test_an_authentication_results_written_only_in_encoded_words_is_decoded() -> None:
    a = analyze(
        _msg(
            f"Authentication-Results: {_encoded(_AR)}",
            "Received: from mailer.zq.example (203.0.113.42) by BL6PEPF0000AA03.mail.protection.outlook.com (10.167.242.3) with Microsoft SMTP Server id 15.20.7 via Frontend Transport; Mon, 7 Nov 2022 09:45:28 +0000",
            "From: Shop <news@shop.example>",
            "To: victim@example.net",
            "Subject: offer",
            "Date: Mon, 7 Nov 2022 09:45:20 +0000",
        )
    )
    got = {(r.method, r.result) for ar in a.auth_results for r in ar.results}
    assert {("dmarc", "fail"), ("compauth", "fail"), ("spf", "temperror")} <= got
    spoof = diagnose(a).get("spoof")
    assert spoof is not None


def test_an_encoded_word_inside_a_plain_field_is_left_as_written() -> None:
    value = f"mx.example; spf=pass smtp.mailfrom=a.example (note {_encoded('dmarc=fail')})"
    a = analyze(
        _msg(
            f"Authentication-Results: {value}",
            "Received: from a.example (203.0.113.9) by mx.example; Mon, 7 Nov 2022 09:45:28 +0000",
            "From: <x@a.example>",
            "Date: Mon, 7 Nov 2022 09:45:20 +0000",
        )
    )
    assert [(r.method, r.result) for ar in a.auth_results for r in ar.results] == [("spf", "pass")]


def test_an_exchange_online_bounce_in_multipart_mixed_is_a_bounce() -> None:
    """Exchange Online's current NDR layout ("couldn't be delivered ... Reported error:") kept as
    multipart/mixed (a re-export drops the multipart/report part)."""
    raw = _msg(
        "Received: from PH0PR01MB1111.namprd01.prod.outlook.com (2603:10b6:a03:24d::11) by PH0PR01MB2222.namprd01.prod.outlook.com with HTTPS; Wed, 1 Dec 2021 08:04:30 +0000",
        "MIME-Version: 1.0",
        "From: Microsoft Outlook <MicrosoftExchange0000@cityco.onmicrosoft.com>",
        "To: <clerk@city.example>",
        "Date: Wed, 1 Dec 2021 08:04:29 +0000",
        "X-MS-Exchange-Message-Is-Ndr:",
        "Subject: Undeliverable: monthly hours",
        'Content-type: multipart/mixed; boundary="B_1"',
    ).replace(
        b"\r\n\r\nbody\r\n",
        b"\r\n\r\n--B_1\r\nContent-type: text/plain; charset=UTF-8\r\n\r\n"
        b"Your message to ham@radio.example couldn't be delivered.\r\n"
        b"radio.example suspects your message is spam and rejected it.\r\n\r\n"
        b"Error Details\r\nReported error:550 5.7.350 Remote server returned message detected as spam -> 554 5.7.1 matches a profile the Internet community may consider spam\r\n"
        b"DSN generated by:PH0PR01MB1111.namprd01.prod.outlook.com\r\n\r\n"
        b"Original Message Headers\r\nFrom: Clerk <clerk@city.example>\r\nTo: <ham@radio.example>\r\nSubject: monthly hours\r\n\r\n--B_1--\r\n",
    )
    a = analyze(raw)
    assert a.ndr is not None and a.ndr.recipients[0].address == "ham@radio.example"
    assert a.ndr.recipients[0].status == "5.7.350"
    assert a.ndr.reporting_mta == "PH0PR01MB1111.namprd01.prod.outlook.com"
    assert diagnose(a).get("ndr") is not None


def _outlook_consumer() -> bytes:
    """Outlook.com (consumer) delivery: its marker under the entry line, the sender's header,
    then the count and its own fields appended; the sender planted an X-Message-Delivery."""
    return _msg(
        "Received: from SA3PR19MB0001.namprd19.prod.outlook.com (::1) by SA3PR19MB0002.namprd19.prod.outlook.com with HTTPS; Thu, 17 Aug 2023 17:56:18 +0000",
        "Authentication-Results: spf=softfail (sender IP is 203.0.113.61) smtp.mailfrom=shop.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=shop.example;compauth=fail reason=001",
        "Received: from host.zq.example (203.0.113.61) by DM6NAM10FT001.mail.protection.outlook.com (10.13.152.1) with Microsoft SMTP Server id 15.20.6699.14 via Frontend Transport; Thu, 17 Aug 2023 17:56:16 +0000",
        "X-IncomingTopHeaderMarker: OriginalChecksum:AB12;UpperCasedChecksum:CD34;SizeAsReceived:900;Count:8",
        "Received: by host.zq.example (Postfix, from userid 10146) id 1; Thu, 17 Aug 2023 14:22:14 -0300",
        "To: someone@hotmail.example",
        "Subject: account notice",
        "Date: Thu, 17 Aug 2023 14:22:14 -0300",
        "From: Shop <notice@shop.example>",
        "X-Message-Delivery: planted",
        "X-IncomingHeaderCount: 8",
        "X-MS-Exchange-EOPDirect: true",
        "X-SID-PRA: NOTICE@SHOP.EXAMPLE",
        "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:J;",
        "X-Message-Info: qZelhIiYnPk=",
        "X-Message-Delivery: Vj0xLjE7dXM9MDtsPTA7YT0wO0Q9MjtHRD0yO1NDTD02",
    )


def test_outlook_com_fields_after_the_incoming_header_are_the_receivers() -> None:
    a = analyze(_outlook_consumer())
    by_name: dict[str, list[Author]] = {}
    for f in a.headers:
        found = a.provenance.of(f.index)
        if found is not None:
            by_name.setdefault(f.lname, []).append(found.author)
    for name in ("x-incomingheadercount", "x-ms-exchange-eopdirect", "x-sid-pra", "x-message-info"):
        assert by_name[name] == [Author.FINAL_RECEIVER], name
    # the sender's planted copy inside the received header is never the receiver's
    assert by_name["x-message-delivery"][0] is not Author.FINAL_RECEIVER
    assert by_name["x-message-delivery"][-1] is Author.FINAL_RECEIVER


def _spf_fail_on_helo(helo_prop: str) -> bytes:
    """A null envelope sender (no MAIL FROM domain) whose SPF the receiver checked on the HELO."""
    return _msg(
        f"Authentication-Results: spf=fail (sender IP is 203.0.113.58){helo_prop}; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=zq.example;compauth=fail reason=001",
        "Received: from city.gov.example (203.0.113.58) by BL6PEPF0000AA03.mail.protection.outlook.com (10.167.242.3) with Microsoft SMTP Server id 15.20.7 via Frontend Transport; Mon, 7 Nov 2022 09:45:28 +0000",
        "From: Notice <no-reply@zq.example>",
        "To: victim@example.net",
        "Subject: notice",
        "Date: Mon, 7 Nov 2022 09:45:20 +0000",
        "Return-Path: <>",
    )


def test_spf_fail_checked_on_the_helo_names_the_helo_not_a_placeholder() -> None:
    spf = next(
        f
        for f in findings(analyze(_spf_fail_on_helo(" smtp.helo=city.gov.example")))
        if f.code == "stamped.spf-fail"
    )
    assert "the SPF record of the HELO name city.gov.example" in spf.title
    text = spf.title + spf.detail + spf.fix
    assert "invalid label" not in text and "'the envelope sender'" not in text


def test_spf_fail_naming_no_identity_gets_no_domain_advice() -> None:
    spf = next(f for f in findings(analyze(_spf_fail_on_helo(""))) if f.code == "stamped.spf-fail")
    assert "names no domain" in spf.title
    assert "invalid label" not in spf.title + spf.fix
