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
    assert d.headline.startswith("Unauthenticated From: the From field names no usable address")
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


# --- abused platforms: an authenticated stream showing someone else's lure ------------------

_MAILGUN_AR = "spf=pass (sender IP is 192.0.2.27) smtp.mailfrom=email.salonapp.example; dkim=pass (signature was verified) header.d=email.salonapp.example;dmarc=pass action=none header.from=email.salonapp.example;compauth=pass reason=100"
_MAILGUN_LINE = "Received: from <unknown> (<unknown> []) by cf2346b7a37d with HTTP id 65617c6a2a31ac89f6f13744; Fri, 25 Aug 2023 08:54:08 GMT"


def _saas(
    ar: str, *rest: str, dest: str = "I", scl: int = 1, helo: str = "m41-27.mailgun.net"
) -> bytes:
    return _eop(ar, helo, "192.0.2.27", _MAILGUN_LINE, *rest, dest=dest, scl=scl)


def test_a_saas_stream_showing_another_brand_with_free_mail_replies_is_abused() -> None:
    """N01's shape: a booking SaaS's Mailgun stream, all aligned and passing, a crypto brand as
    the From name, a fake "RE:" and replies to a free-mail mailbox: probably an abused account."""
    a = analyze(
        _saas(
            _MAILGUN_AR,
            "From: CoinTracker <cointracker@email.salonapp.example>",
            "Reply-To: CoinTracker <sudoku212@outlook.fr>",
            "Subject: RE: It's Annual Rewards Day !",
            "Return-Path: bounce+130bbd@email.salonapp.example",
        )
    )
    d = diagnose(a)
    comp = d.get("compromised-account")
    assert comp is not None and "control" not in d.labels()
    assert comp.fact("party") == "salonapp.example" and comp.fact("service") == "Mailgun"
    assert any("shows CoinTracker" in e for e in comp.evidence)
    assert any("poses as a reply" in e for e in comp.evidence)
    assert any("outlook.fr" in e for e in comp.evidence)
    assert d.headline.startswith(
        "Signs of an abused or taken-over Mailgun account at salonapp.example"
    )
    situation = next(f for f in findings(a) if f.code == "situation.compromised-account")
    assert "probably someone else used the account" in situation.title


def test_only_the_services_identity_passed_and_no_dmarc_names_the_service() -> None:
    """N07's shape: SES signs and bounces for itself, the From domain publishes no DMARC, the
    From name shows a crypto brand: an abused sending account at SES, the From domain claimed."""
    ar = "spf=pass (sender IP is 192.0.2.22) smtp.mailfrom=eu-west-1.amazonses.com; dkim=pass (signature was verified) header.d=amazonses.com;dmarc=none action=none header.from=church.example;"
    d = diagnose(
        analyze(
            _eop(
                ar,
                "a4-22.smtp-out.eu-west-1.amazonses.com",
                "192.0.2.22",
                "From: zkSync <pastor.davis@church.example>",
                "Subject: Unlocking Rewards: zkSync Airdrop for Our Community!",
                "Return-Path: 0102018a4ed29990@eu-west-1.amazonses.com",
                dest="I",
                scl=1,
            )
        )
    )
    comp = d.get("compromised-account")
    assert comp is not None
    assert comp.fact("party") == "Amazon SES" and comp.fact("claimed") == "church.example"
    assert "nothing authenticated church.example itself" in d.headline


def test_a_failed_dmarc_keeps_a_spoof_a_spoof_whatever_the_from_name_shows() -> None:
    ar = "spf=pass (sender IP is 192.0.2.22) smtp.mailfrom=eu-west-1.amazonses.com; dkim=pass (signature was verified) header.d=amazonses.com;dmarc=fail action=quarantine header.from=bank.example;compauth=fail reason=000"
    d = diagnose(
        analyze(
            _eop(
                ar,
                "a4-22.smtp-out.eu-west-1.amazonses.com",
                "192.0.2.22",
                "From: Coinbase <security@bank.example>",
                "Subject: RE: your wallet",
                "Reply-To: desk.help@gmail.com",
                "Return-Path: 0102018a4ed29990@eu-west-1.amazonses.com",
                dest="J",
                scl=9,
            )
        )
    )
    assert "spoof" in d.labels() and d.get("compromised-account") is None


_WP_AR = "spf=pass (sender IP is 192.0.2.118) smtp.mailfrom=centrum.example; dkim=pass (signature was verified) header.d=centrum.example;dmarc=pass action=none header.from=centrum.example;compauth=pass reason=100"
_WP_PICKUP = "Received: from srv78323 by h50.hoster.example with local (Exim 4.99.1) (envelope-from <srv78323@centrum.example>) id 1w2t1r-00000001q2R-2Bkg for victim@example.net; Fri, 25 Aug 2023 10:54:05 +0200"


def _wordpress(subject: str, *, dest: str = "I", scl: int = 5, allow: bool = True) -> bytes:
    raw = _eop(
        _WP_AR,
        "host-1.hoster-mail.example",
        "192.0.2.118",
        _WP_PICKUP,
        f"Subject: {subject}",
        "X-PHP-Originating-Script: 1395:PHPMailer.php",
        "From: WordPress <wordpress@centrum.example>",
        "X-Mailer: PHPMailer 7.0.0 (https://github.com/PHPMailer/PHPMailer)",
        "X-Authenticated-Id: srv78323",
        "Return-Path: srv78323@centrum.example",
        dest=dest,
        scl=scl,
    )
    if allow:
        raw = raw.replace(
            b"ucf:0;jmr:0;auth:0;dest:I;OFR:SpamFilterAuthJ;",
            b"wl:1;pcwl:1;ucf:0;jmr:0;auth:1;dest:I;OFR:TrustedSenderList;",
        )
    return raw


def test_a_websites_mail_script_sending_a_crypto_lure_is_an_abused_site() -> None:
    """N37's shape: WordPress's PHPMailer on a hosting account, all aligned, an NFT lure that
    the receiver scored as spam (SCL 5) before the recipient's allow-list let it in."""
    d = diagnose(analyze(_wordpress("RECLAIM your unwanted NFTs - don't lose your fees")))
    comp = d.get("compromised-account")
    assert comp is not None and "allowlist-override" in d.labels()
    assert comp.fact("party") == "centrum.example"
    assert comp.fact("what") == "website or hosting account"
    assert any("offers NFTs" in e for e in comp.evidence)
    assert any("allow-list let it through" in e for e in comp.evidence)


def test_a_websites_own_notification_is_not_an_abused_site() -> None:
    for subject in ("[Centrum] New contact form submission", "RECLAIM your unwanted NFTs"):
        raw = _wordpress(subject, dest="I", scl=1, allow=False)
        if "NFT" in subject:  # a lure alone, not judged spam: one weak sign
            assert diagnose(analyze(raw)).get("compromised-account") is None
        else:
            assert diagnose(analyze(raw)).get("compromised-account") is None


_SG_AR = "spf=pass (sender IP is 192.0.2.63) smtp.mailfrom=em.academy.example; dkim=pass (signature was verified) header.d=academy.example;dmarc=pass action=none header.from=academy.example;compauth=pass reason=100"
_SG_LINE = "Received: from MTMxNjc5NTQ (unknown) by geopod-ismtpd-0 (SG) with HTTP id USPP9TOgSja8rIXka996_A Fri, 25 Aug 2023 08:54:08.608 +0000 (UTC)"


def _newsletter(*rest: str, dest: str = "I", scl: int = 1) -> bytes:
    return _eop(
        _SG_AR, "o73.email.academy.example", "192.0.2.63", _SG_LINE, *rest, dest=dest, scl=scl
    )


def test_legitimate_esp_newsletters_stay_control() -> None:
    """Newsletters of the account's own business: its own brand in the name, a Reply-To at its
    helpdesk platform, a real reply with In-Reply-To, a person's name, a free-mail Reply-To in
    the Inbox, a crypto academy's own crypto topic: none is an abused account."""
    cases = (
        (
            "From: Academy <news@academy.example>",
            "Reply-To: support@academy.zendesk.com",
            "Subject: Your July courses",
        ),
        (
            "From: Raunaq Sahni <raunaq.s@academy.example>",
            "Subject: Momentum trading in Portuguese",
        ),
        (
            "From: Academy Support <help@academy.example>",
            "Subject: Re: your ticket 4411",
            "In-Reply-To: <t4411@academy.example>",
        ),
        (
            "From: Academy <news@academy.example>",
            "Reply-To: academy.volunteers@gmail.com",
            "Subject: Meetup on Friday",
        ),
        ("From: Academy <news@academy.example>", "Subject: New course: Bitcoin and NFTs explained"),
        ("From: Google Ads partner news <news@academy.example>", "Subject: Our results"),
    )
    for case in cases:
        d = diagnose(analyze(_newsletter(*case, "Return-Path: bounces@em.academy.example")))
        assert d.get("compromised-account") is None, case
        assert "control" in d.labels(), case


def test_a_brand_the_domain_itself_carries_is_its_own() -> None:
    ar = _SG_AR.replace("academy.example", "coinbase.com")
    raw = _eop(
        ar,
        "o73.email.coinbase.com",
        "192.0.2.63",
        _SG_LINE,
        "From: Coinbase <no-reply@coinbase.com>",
        "Subject: RE: your statement",
        "Return-Path: bounces@em.coinbase.com",
        dest="I",
        scl=1,
    )
    assert diagnose(analyze(raw)).get("compromised-account") is None


# --- a relay of the From domain's organisation under another name -------------------------


def _gmail_relay(spf: str) -> bytes:
    return _msg(
        "Delivered-To: victim@example.net",
        "Received: by 2002:a05:7300:6ca4:b0:9d:f7b5:4452 with SMTP id s36csp153295dyo; Sun, 12 Feb 2023 05:50:29 -0800 (PST)",
        f"Authentication-Results: mx.google.com; spf={spf} (google.com: domain of nitra@soudal.example designates 198.51.100.115 as permitted sender) smtp.mailfrom=nitra@soudal.example",
        "Return-Path: <nitra@soudal.example>",
        "Received: from soudal.relayhost.example (soudal.relayhost.example. [198.51.100.115])",
        "        by mx.google.com with ESMTPS id s15-20020aa7d78f000000b00489df0e67aasi10677860edq.549.2023.02.12.05.50.18",
        "        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);",
        "        Sun, 12 Feb 2023 05:50:29 -0800 (PST)",
        "Received: from [203.0.113.17] (helo=User)",
        "\tby soudal.relayhost.example with smtp (Exim 4.94.2)",
        "\t(envelope-from <nitra@soudal.example>)",
        "\tid 1pRCkD-004DoB-L3; Sun, 12 Feb 2023 14:50:18 +0100",
        "Reply-To: <latifah.y1965@gmail.com>",
        'From: " Latifah Yusuf"<nitra@soudal.example>',
        "Subject: INFO",
        "Date: Sun, 12 Feb 2023 21:50:17 +0800",
        "X-Mailer: Microsoft Outlook Express 6.00.2600.0000",
    )


def test_a_relay_the_from_domains_spf_authorises_injected_by_a_user_helo() -> None:
    """M31's shape: the organisation's relay is named under another domain; the receiver's SPF
    pass for the From domain at that relay's address ties it to the organisation."""
    d = diagnose(analyze(_gmail_relay("pass")))
    comp = d.get("compromised-account")
    assert comp is not None and comp.fact("party") == "soudal.example"
    assert any("SPF record authorises" in e for e in comp.evidence)
    assert "control" not in d.labels()


def test_without_the_receivers_spf_pass_the_relay_is_not_the_organisations() -> None:
    assert diagnose(analyze(_gmail_relay("neutral"))).get("compromised-account") is None


# --- a signed-in mailbox of the From domain's own server ----------------------------------


def _webmail(ar: str, reply: str) -> bytes:
    return _eop(
        ar,
        "mail5.lab-corp.example",
        "198.51.100.30",
        "Received: from mail5.lab-corp.example (mail5.lab-corp.example [192.168.1.7]) by mail5.lab-corp.example (Postfix) with ESMTP id C92F2785EB86F; Fri, 25 Aug 2023 05:42:33 -0300 (-03)",
        "From: America Loan Company <secm41@lab-corp.example>",
        f"Reply-To: America Loan Company <{reply}>",
        "Subject: OFERTA DE EMPRESTIMO",
        "X-Mailer: Zimbra 8.8.15_GA_4372 (ZimbraWebClient - FF115 (Win)/8.8.15_GA_4372)",
        "X-Authenticated-User: secm41@lab-corp.example",
        "Return-Path: secm41@lab-corp.example",
    )


_OWN_AR = "spf=pass (sender IP is 198.51.100.30) smtp.mailfrom=lab-corp.example; dkim=fail (invalid public key) header.d=lab-corp.example;dmarc=pass action=none header.from=lab-corp.example;compauth=pass reason=100"


def test_a_signed_in_mailbox_sending_a_loan_scam_with_free_mail_replies() -> None:
    d = diagnose(analyze(_webmail(_OWN_AR, "americaloans@financier.com")))
    comp = d.get("compromised-account")
    assert comp is not None and comp.fact("party") == "lab-corp.example"
    assert comp.fact("what") == "mailbox secm41@lab-corp.example"
    assert any("X-Authenticated-User" in e for e in comp.evidence)


def test_a_signed_in_mailbox_is_no_takeover_when_dmarc_failed_or_replies_stay_home() -> None:
    failed = (
        _OWN_AR.replace("dmarc=pass action=none", "dmarc=fail action=none")
        .replace("spf=pass", "spf=fail")
        .replace("compauth=pass reason=100", "compauth=fail reason=000")
    )
    assert (
        diagnose(analyze(_webmail(failed, "americaloans@financier.com"))).get("compromised-account")
        is None
    )
    assert (
        diagnose(analyze(_webmail(_OWN_AR, "sales@lab-corp.example"))).get("compromised-account")
        is None
    )


def test_a_wordpress_form_sent_over_smtp_with_a_crypto_lure_junked_is_an_abused_site() -> None:
    """The same abuse when the site's SMTP plugin submits to its hoster (no PHP script field, no
    local pickup): WordPress's PHPMailer named by the message, an NFT lure the receiver scored as
    spam before the recipient's allow-list let it in."""
    raw = _eop(
        _WP_AR,
        "host-1.hoster-mail.example",
        "192.0.2.118",
        "Received: from web07.hoster.example ([198.51.100.7]) by host-1.hoster-mail.example with esmtpsa (Exim 4.96) (envelope-from <form@centrum.example>) id 1w2t1r; Fri, 25 Aug 2023 10:54:05 +0200",
        "Subject: Claim your free NFT airdrop today",
        "From: WordPress <wordpress@centrum.example>",
        "X-Mailer: PHPMailer 6.8.0 (https://github.com/PHPMailer/PHPMailer)",
        "Return-Path: form@centrum.example",
        dest="I",
    ).replace(
        b"ucf:0;jmr:0;auth:0;dest:I;OFR:SpamFilterAuthJ;",
        b"wl:1;pcwl:1;ucf:0;jmr:0;auth:1;dest:I;OFR:TrustedSenderList;",
    )
    comp = diagnose(analyze(raw)).get("compromised-account")
    assert comp is not None and comp.fact("what") == "website or hosting account"
    assert any("a website's mailer wrote it" in e for e in comp.evidence)
    # the site's own mail through the same mailer, not a lure, is left alone
    own = raw.replace(b"Claim your free NFT airdrop today", b"New order #1042 received")
    assert diagnose(analyze(own)).get("compromised-account") is None


def test_a_security_suite_brand_as_the_sender_of_a_real_account_is_a_strong_sign() -> None:
    """An antivirus-renewal lure: "Norton Support" as the name of a real SendGrid customer's
    account (Inbox, nothing else odd); the brand alone is enough, a person's name is not."""
    raw = _newsletter(
        "From: Norton Support <billing@academy.example>", "Subject: Your subscription expires today"
    )
    comp = diagnose(analyze(raw)).get("compromised-account")
    assert comp is not None and any("shows Norton" in e for e in comp.evidence)
    person = _newsletter(
        "From: Ed Norton <ed@academy.example>", "Subject: Your subscription expires today"
    )
    assert diagnose(analyze(person)).get("compromised-account") is None


_M365_AR = "spf=pass (sender IP is 192.0.2.110) smtp.mailfrom=builders.example; dkim=pass (signature was verified) header.d=builders.example;dmarc=pass action=none header.from=builders.example;compauth=pass reason=100"


def test_a_business_tenant_mailbox_showing_docusign_as_its_name_is_probably_taken_over() -> None:
    raw = _eop(
        _M365_AR,
        "EUR05-DB8-obe.outbound.protection.outlook.com",
        "192.0.2.110",
        "From: DocuSign <accounts@builders.example>",
        "Subject: Please review and sign: Q3 invoice",
        "Return-Path: accounts@builders.example",
        dest="I",
        scl=1,
    )
    comp = diagnose(analyze(raw)).get("compromised-account")
    assert comp is not None and comp.fact("what") == "Microsoft 365 mailbox"
    assert comp.fact("party") == "builders.example"
    # a person's name on the same tenant, even junked with a reply-looking subject, is ordinary
    person = raw.replace(b"From: DocuSign <", b"From: Dana Builder <").replace(
        b"Subject: Please review", b"Subject: RE: Please review"
    )
    assert diagnose(analyze(person)).get("compromised-account") is None
    # an account anyone can open under the service's own domain is not a business tenant
    shared = raw.replace(b"builders.example", b"contoso7.onmicrosoft.com")
    assert diagnose(analyze(shared)).get("compromised-account") is None


def test_a_forward_is_no_pretended_reply() -> None:
    raw = _newsletter(
        "From: Academy <news@academy.example>", "Subject: Fwd: your certificate", dest="J", scl=6
    )
    assert diagnose(analyze(raw)).get("compromised-account") is None


def test_a_relay_under_another_name_tied_by_the_domains_dkim_signature() -> None:
    raw = _gmail_relay("neutral").replace(
        b"Authentication-Results: mx.google.com; spf=neutral",
        b"Authentication-Results: mx.google.com; dkim=pass header.i=@soudal.example header.s=s1; spf=neutral",
    )
    comp = diagnose(analyze(raw)).get("compromised-account")
    assert comp is not None and comp.fact("party") == "soudal.example"
    assert any("DKIM signature" in e for e in comp.evidence)


def test_a_helo_check_of_a_null_sender_names_no_mail_from() -> None:
    """M38's shape: EOP checked the HELO of a null-sender message and its Received-SPF names
    only that HELO domain; the finding says the envelope sender was empty, not 'not the MAIL
    FROM <the HELO name>'."""
    raw = _eop(
        "spf=fail (sender IP is 198.51.100.143) smtp.helo=city.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=;",
        "city.example",
        "198.51.100.143",
        "Received-SPF: Fail (protection.outlook.com: domain of city.example does not designate 198.51.100.143 as permitted sender) receiver=protection.outlook.com; client-ip=198.51.100.143; helo=city.example;",
        "From: Congratulations!,(<newsletter@mail.shop.example>)",
        "Subject: unlock your welcome pack",
        "Return-Path: <>",
        scl=7,
    )
    spf = next(f for f in findings(analyze(raw)) if f.code == "stamped.spf-fail")
    assert "the envelope sender was empty" in spf.title
    assert "not the MAIL FROM city.example" not in spf.title
