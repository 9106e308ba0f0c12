"""Abused platforms, unauthenticated or address-less From fields, the list caveat and a sending
side's MailScanner verdicts (issue 11); each rule with a synthetic message of a real shape
(names and addresses changed to documentation ones)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings_build import stamped_findings as findings
from tests.test_diagnosis import _msg
from tests.test_genlist import _offline, _post
from tests.test_genmisc import _eop

# --- an unauthenticated From: the HELO is the client's claim ------------------------------


def _postfix(helo: str, rdns: str, *rest: str) -> bytes:
    """A Postfix receiver (mx.example.net) that confirmed the client's reverse DNS ``rdns``;
    the From domain publishes nothing, so every check is none."""
    return _msg(
        "Authentication-Results: mx.example.net; dmarc=none header.from=webhost.example; spf=none smtp.mailfrom=webhost.example; dkim=none",
        f"Received: from {helo} ({rdns} [198.51.100.99])",
        "\tby mx.example.net (Postfix) with ESMTPS id 4RKxl01LCxz9rxQ",
        "\tfor <victim@example.net>; Tue,  8 Aug 2023 16:13:55 +0000 (UTC)",
        'From: "Card services" <winner@webhost.example>',
        "To: victim@example.net",
        "Subject: payment on hold",
        "Date: Tue, 08 Aug 2023 16:13:53 +0000",
        "Return-Path: <winner@webhost.example>",
        *rest,
    )


def test_a_helo_in_the_from_domain_contradicted_by_the_confirmed_rdns_is_no_tie() -> None:
    a = analyze(_postfix("webhost.example", "v12-vps.hoster.example"))
    d = diagnose(a)
    assert d.unauthenticated is not None and d.unauthenticated.helo_claim == "webhost.example"
    assert "cannot be told from a spoof of webhost.example" in d.headline
    assert "v12-vps.hoster.example [198.51.100.99]" in d.headline
    assert "its HELO webhost.example is only its own claim" in d.headline
    bare = next(f for f in findings(a) if f.code == "unauthenticated.from")
    assert "the client's own claim" in bare.title
    assert "Nothing authenticated the sender and nothing failed" not in d.headline


def test_a_confirmed_rdns_in_the_from_domain_stays_a_tie() -> None:
    d = diagnose(analyze(_postfix("mail.webhost.example", "mail.webhost.example")))
    assert d.unauthenticated is None
    # a HELO in the domain with no confirmed name either way is not contradicted
    d = diagnose(analyze(_postfix("webhost.example", "unknown")))
    assert d.unauthenticated is None


def test_a_from_field_with_no_address_cannot_tell_who_sent_it() -> None:
    raw = _eop(
        "spf=fail (sender IP is 198.51.100.143) smtp.helo=city.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=;",
        "city.example",
        "198.51.100.143",
        "From: Congratulations!,(<newsletter@mail.shop.example>)",
        "Subject: unlock your welcome pack",
        "Return-Path: <>",
        scl=7,
    )
    a = analyze(raw)
    d = diagnose(a)
    assert d.unauthenticated is not None and d.unauthenticated.domain == ""
    assert d.headline.startswith("Unauthenticated From: the From field names no address")
    assert "who sent it cannot be told" in d.headline
    assert "The final receiver stamped spf=fail" not in d.headline
    bare = next(f for f in findings(a) if f.code == "unauthenticated.from")
    assert "no From domain that SPF, DKIM or DMARC could authenticate" in bare.title
    assert "nothing at any domain the name shows" in bare.fix


# --- lists: one rule for the "may also be a spoof" caveat ----------------------------------


def test_a_vger_list_via_a_kernel_org_host_has_no_own_domain_caveat() -> None:
    """The same list reaches readers through out1.vger.email or through a kernel.org host: both
    are the known list organisation's own, so neither gets the own-domain caveat."""
    for entry in (
        "Received: from sv.mirrors.kernel.org (sv.mirrors.kernel.org [192.0.2.99])",
        "Received: from out1.vger.email (out1.vger.email [192.0.2.20])",
    ):
        d = _offline(_post(entry, "linux-foo-owner@vger.kernel.org", "linux-foo.vger.kernel.org"))
        lst = d.get("mailing-list")
        assert lst is not None and lst.fact("delivered") and d.get("spoof") is None
        assert lst.fact("own-domain") is None
        assert "may also be a spoof" not in d.headline


def test_a_list_on_an_unknown_domain_keeps_the_caveat() -> None:
    entry = "Received: from lists.example.org (lists.example.org [192.0.2.50])"
    d = _offline(_post(entry, "dev-bounces@lists.example.org", "dev.lists.example.org"))
    lst = d.get("mailing-list")
    assert lst is not None and lst.fact("own-domain") == "example.org"
    assert "may also be a spoof of corp.example" in d.headline


# --- a sending side's MailScanner verdicts --------------------------------------------------

_YAHOO_TOP = (
    "Received: from 127.0.0.1 by atlas-production.v2-mail-prod1-bf1.omega.yahoo.com pod-id atlas--production-bf1-f5f869c9-28bqw.bf1.yahoo.com with HTTP; Thu, 25 Jan 2024 12:14:01 +0000",
    "Return-Path: <news@edm.sender.example>",
    "Received-SPF: none (domain of edm.sender.example does not designate permitted sender hosts)",
    "Authentication-Results: atlas-production.v2-mail-prod1-bf1.omega.yahoo.com;",
    " dkim=unknown;",
    " spf=none smtp.mailfrom=edm.sender.example;",
    " dmarc=unknown header.from=edm.sender.example;",
    "Received: from 203.0.113.121 (EHLO mx1.sender.example)",
    " by 10.197.32.201 with SMTP; Thu, 25 Jan 2024 12:14:01 +0000",
    "Received: by mx1.sender.example (Postfix, from userid 0) id B666A3F6104; Thu, 25 Jan 2024 20:10:49 +0800 (CST)",
)


def _mailscanner(*fields: str) -> bytes:
    return _msg(
        *_YAHOO_TOP,
        "Subject: newsletter",
        "Date: Thu, 25 Jan 2024 20:10:40 +0800",
        "Message-ID: <000e01da4f3e$e5818bd0$b084a370$@sender.example>",
        *fields,
        "To: undisclosed-recipients:;",
        "From: news@edm.sender.example",
    )


def test_a_senders_mailscanner_whitelist_verdict_is_a_sender_side_scan() -> None:
    d = diagnose(
        analyze(
            _mailscanner(
                "X-sender-MailScanner: Not scanned: please contact your Internet E-Mail Service Provider for details",
                "X-sender-MailScanner-SpamCheck: not spam (whitelisted), SpamAssassin (not cached, score=-102.909, required 10, USER_IN_WHITELIST -100.00)",
                "X-sender-MailScanner-Information: Please contact the ISP for more information",
            )
        )
    )
    scan = d.get("sender-side-scan")
    assert scan is not None
    assert any(e.startswith("X-sender-MailScanner-SpamCheck") for e in scan.evidence)
    # its information line is no verdict
    assert not any(e.startswith("X-sender-MailScanner-Information") for e in scan.evidence)


def test_a_mailscanner_verdict_without_one_is_not_labelled() -> None:
    d = diagnose(analyze(_mailscanner("X-sender-MailScanner-Information: see the ISP")))
    assert d.get("sender-side-scan") is None


def test_the_final_receivers_own_mailscanner_is_not_a_sender_side_scan() -> None:
    raw = _msg(
        "X-uni-MailScanner-SpamCheck: spam, SpamAssassin (not cached, score=12.1, required 6)",
        "X-uni-MailScanner: Found to be clean",
        "Received: from smtp.sender.example (smtp.sender.example [203.0.113.5])",
        "\tby mx.uni.example (Postfix) with ESMTPS id 4RKxl01LCxz9rxQ",
        "\tfor <student@uni.example>; Thu, 25 Jan 2024 12:14:01 +0000 (UTC)",
        "From: news@sender.example",
        "To: student@uni.example",
        "Subject: newsletter",
        "Date: Thu, 25 Jan 2024 12:14:00 +0000",
    )
    assert diagnose(analyze(raw)).get("sender-side-scan") is None
