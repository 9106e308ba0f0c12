"""Mail sent through a sending service (ESP) for a brand, spoofs sent the same way (issue 11).
Synthetic messages of each real shape (documentation addresses and example domains)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.cli import run_verification
from headerlens.diagnosis import diagnose
from headerlens.dnsargs import VerifyOptions
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import run_blocking, verify
from headerlens.model import Analysis
from headerlens.model.codes import Code
from headerlens.model.verification import Verification
from headerlens.report.render import render
from tests.dnslab import LabDns

# --- 1. a brand's newsletter sent through an ESP, no verdict of the receiver's ----------------

# qmail writes no verdict; rapidmail's shape (measure7 P01): envelope at the ESP's bounce domain,
# its DKIM signature, its server's HELO, its complaint and feedback fields. The bh= does not
# match the body (as in a copy whose body was trimmed): the offline check reads it as failed.
RAPIDMAIL = (
    "Return-Path: <qfzkpwxa.bnmrtz@u12345.rmtr.de>\n"
    "Delivered-To: reader@example.net\n"
    "Received: (qmail 4242 invoked from network); 8 Mar 2017 04:00:31 -0000\n"
    "Received: from m07.rmh2.net (198.51.100.34)\n"
    "  by smtp.example.net with SMTP; 8 Mar 2017 04:00:31 -0000\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed; s=k; d=rmh2.net;\n"
    " h=Date:From:To:Subject:Message-ID:List-Unsubscribe:MIME-Version;\n"
    " bh=AAAAbZRHHbgHqGZkY0QmS2X1T3xqJ7eI4+6MKl0f1xU=;\n"
    " b=dGVzdA==\n"
    "Date: Wed, 08 Mar 2017 05:00:31 +0100\n"
    'From: "Salon Example" <contact@salon.example>\n'
    "To: reader@example.net\n"
    "Subject: Spring offers\n"
    "X-Mailer: Framework::Mail\n"
    "X-CSA-Complaints: whitelist-complaints@eco.de\n"
    "Feedback-ID: 136:1071579:1264-4531494:rm\n"
    "Message-ID: <qfzkpwxa.bnmrtz@unknown>\n"
    "X-Complaints-To: abuse@rapidmail.de\n"
    "List-Unsubscribe: <https://t1.example.org/unsubscribe.html>\n"
    "Precedence: bulk\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain\n"
    "\n"
    "Hello\n"
)

# Mailchimp's shape (measure7 P03) to a Postfix host, with a From domain the lab publishes
# DMARC p=reject for: an attacker with his own Mailchimp account sends exactly this.
MAILCHIMP = (
    "Return-Path: <bounce-mc.us14_6579-reader=example.net@mail90.suw15.mcsv.net>\n"
    "X-Original-To: reader@example.net\n"
    "Delivered-To: reader@example.net\n"
    "Received: from mail90.suw15.mcsv.net (mail90.suw15.mcsv.net [203.0.113.90])\n"
    "\tby mx.example.net (Postfix) with ESMTP id 80656362457\n"
    "\tfor <reader@example.net>; Wed, 29 Aug 2018 20:26:50 +0000 (UTC)\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; s=k1; d=mail90.suw15.mcsv.net;\n"
    " h=Subject:From:To:Date:Message-ID; bh=AAAAbZRHHbgHqGZkY0QmS2X1T3xqJ7eI4+6MKl0f1xU=;\n"
    " b=dGVzdA==\n"
    "Received: from (127.0.0.1) by mail90.suw15.mcsv.net id hgs0ok2ddl42 for "
    "<reader@example.net>; Wed, 29 Aug 2018 20:26:47 +0000\n"
    "Subject: New webinar\n"
    "From: Contoso <info@{dom}>\n"
    "To: <reader@example.net>\n"
    "Date: Wed, 29 Aug 2018 20:26:47 +0000\n"
    "Message-ID: <3f21937f.042ea436@mail90.suw15.mcsv.net>\n"
    "X-MC-User: 3f21937f0f636c8cec1db30bf\n"
    "Feedback-ID: 65794145:65794145.395229:us14:mc\n"
    "List-Unsubscribe: <https://example.us14.list-manage.com/unsubscribe>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain\n"
    "\n"
    "Hello\n"
)


def _offline(raw: str) -> tuple[Analysis, Verification]:
    a = analyze(raw.encode())
    return a, run_verification(a, VerifyOptions(offline=True))


def test_an_esp_newsletter_with_no_verdict_is_no_spoof_offline() -> None:
    a, v = _offline(RAPIDMAIL)
    d = diagnose(a, v)
    assert "spoof" not in d.labels()
    assert d.headline.startswith("Sent through rapidmail for salon.example (its envelope")
    assert "not proven offline (re-run with DNS)" in d.headline
    assert "pass" not in d.headline and "in order" not in d.headline
    md = render(a, v, "md")
    assert "A spoof of" not in md and "it did not send this" not in md
    assert Code.UNAUTHENTICATED_ESP.value in render(a, v, "json")


def test_the_attackers_own_esp_account_never_reads_as_a_pass_offline() -> None:
    # what a brand's newsletter shows, an attacker with his own account shows as well: offline
    # the word "spoof" is withheld, but nothing reads as authenticated either
    a, v = _offline(MAILCHIMP.replace("{dom}", "contoso.com"))
    d = diagnose(a, v)
    assert "control" not in d.labels() and "spoof" not in d.labels()
    assert d.headline.startswith("Sent through Mailchimp for contoso.com")
    assert "neither authenticated nor a proven spoof" in d.headline
    md = render(a, v, "md")
    assert "**Verdicts:** DMARC — · SPF — · DKIM —" in md
    assert "path are in order" not in md and "dmarc=pass" not in md.lower()


def test_the_attackers_own_esp_account_is_a_spoof_once_dmarc_fails(lab_dns: LabDns) -> None:
    # online, contoso.com's DMARC (p=reject in the lab) fails: nothing of contoso.com signed
    a = analyze(MAILCHIMP.replace("{dom}", "contoso.com").encode())
    resolver = LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)
    v = run_blocking(verify(a, resolver))
    d = diagnose(a, v)
    assert "spoof" in d.labels()
    assert d.headline.startswith("A spoof of contoso.com")
    assert "Sent through" not in d.headline


def test_a_receivers_dmarc_fail_still_makes_the_esp_mail_a_spoof() -> None:
    stamped = MAILCHIMP.replace("{dom}", "contoso.com").replace(
        "X-Original-To:",
        "Authentication-Results: mx.example.net; dkim=pass header.d=mail90.suw15.mcsv.net;"
        " spf=pass smtp.mailfrom=mail90.suw15.mcsv.net; dmarc=fail (p=reject) "
        "header.from=contoso.com\nX-Original-To:",
        1,
    )
    a, v = _offline(stamped)
    d = diagnose(a, v)
    assert "spoof" in d.labels()
    assert "Sent through" not in d.headline


def test_one_field_naming_a_service_is_not_enough() -> None:
    # only the envelope names Mailchimp: the ESP reading needs two of its fields
    lone = (
        MAILCHIMP.replace("{dom}", "salon.example")
        .replace("X-MC-User: 3f21937f0f636c8cec1db30bf\n", "")
        .replace("Feedback-ID: 65794145:65794145.395229:us14:mc\n", "")
        .replace("d=mail90.suw15.mcsv.net;", "d=sender.example;")
        .replace(
            "mail90.suw15.mcsv.net (mail90.suw15.mcsv.net [203.0.113.90])",
            "a.example.org (a.example.org [203.0.113.90])",
        )
    )
    a, v = _offline(lone)
    d = diagnose(a, v)
    assert not d.headline.startswith("Sent through")


# --- 3. an unquoted address as the From's display name (measure7 P05) ------------------------

LURE_FROM = (
    "Return-Path: <do-not-reply@customs.example>\n"
    "Received: from RELAY.corp.local (gw.corp.example [198.51.100.23])\n"
    "\tby mx.example.net (Postfix) with ESMTP id B55B1300A6F\n"
    "\tfor <south@example.net>; Tue, 13 Feb 2018 17:31:02 +0000 (UTC)\n"
    "Received: from [203.0.113.201] ([203.0.113.201]) by RELAY.corp.local with Microsoft "
    "SMTPSVC(6.0.3790.4675);\n\t Wed, 14 Feb 2018 02:19:37 +0900\n"
    "Message-Id: <WV2NM42D@customs.example>\n"
    "From: purchasing@supplier.example <do-not-reply@customs.example>\n"
    "To: Undisclosed-Recipients:;\n"
    "Subject: Urgent Request for Order Quotation\n"
    "Date: Tue, 13 Feb 2018 09:26:00 -0800\n"
    "\n"
    "body\n"
)


def test_the_bracketed_address_is_the_from_not_the_address_like_name() -> None:
    a = analyze(LURE_FROM.encode())
    assert a.from_addr is not None and a.from_addr.address == "do-not-reply@customs.example"
    assert a.from_addr.domain == "customs.example"
    codes = {d.code for d in a.defects}
    assert Code.IDENTITY_DISPLAY_NAME_ADDRESS in codes  # the lure is named
    # a parser that takes the first address reads the name: DMARC must hold for that one too
    assert Code.IDENTITY_PARSERS_DISAGREE in codes
    assert set(a.author_domains) == {"customs.example", "supplier.example"}
    d = diagnose(a)
    assert d.headline.startswith(
        "Impersonation: the sender shows supplier.example's address as its name, but the "
        "message is from customs.example"
    )


def test_every_from_reader_reads_the_bracketed_address() -> None:
    from headerlens.model.core import HeaderField
    from headerlens.parsers.from_mailbox import mailbox
    from headerlens.parsers.ndr_rejecter import sender_host

    value = "purchasing@supplier.example <do-not-reply@customs.example>"
    assert mailbox(value) == "do-not-reply@customs.example"
    field = HeaderField(0, "From", value, f"From: {value}\n".encode())
    assert sender_host((field,)) == "customs.example"
    # a quoted name, a plain address and group syntax read as before
    assert mailbox('"a@supplier.example" <b@customs.example>') == "b@customs.example"
    assert mailbox("b@customs.example") == "b@customs.example"
    assert mailbox("Undisclosed-Recipients:;") == ""


def test_an_undecided_sender_behind_a_shown_address_is_not_to_be_blocked() -> None:
    # the domain behind the name may be forged too: blocking it on this message punishes a bystander
    from headerlens.diagnosis.findings_build import stamped_findings

    a = analyze(LURE_FROM.encode())
    fixes = " ".join(f.fix for f in stamped_findings(a))
    assert "block or report customs.example" not in fixes
    assert "do not block that domain on this message alone" in fixes


# --- 4. a DMARC failure report about a list's copy that names no List-Id (measure7 X01) -------

ARF_LIST = """\
Received: from [127.0.0.1] by mx.reporter.example; Wed, 12 Nov 2014 12:40:48 +0000
From: dmarc-noreply@reporter.example
To: ruf@author.example
Subject: DMARC Forensic report for author.example
Date: Wed, 12 Nov 2014 12:40:48 +0000
Message-ID: <66.4234@mx.reporter.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="B_1"

--B_1
Content-Type: text/plain

This is a DMARC failure report.

--B_1
Content-Type: message/feedback-report

Feedback-Type: auth-failure
Version: 1.0
Original-Mail-From: list-bounces@lists.example.org
Original-Rcpt-To: member@reporter.example
Source-IP: 192.0.2.45
Auth-Failure: dmarc
Reported-Domain: author.example

--B_1
Content-Type: message/rfc822

Received: from [192.0.2.45] ([192.0.2.45:521] helo=portal.example.org)
\tby mx.reporter.example (envelope-from <list-bounces@lists.example.org>)
\twith ESMTPS id 62/91-21827; Wed, 12 Nov 2014 12:40:47 +0000
Received: from main (localhost [127.0.0.1])
\tby portal.example.org (Postfix) with ESMTP id DC1DC918001;
\tWed, 12 Nov 2014 12:40:35 +0000 (UTC)
Date: Wed, 12 Nov 2014 12:40:20 +0000
From: Ann Author <ann@author.example>
To: talk@lists.example.org
Message-ID: <105855309@author.example>
Subject: {subject}
MIME-Version: 1.0
Content-Type: text/plain

A post.

--B_1--
"""


def test_a_failure_report_about_a_tagged_list_copy_puts_the_fix_at_the_list() -> None:
    from headerlens.diagnosis.findings import reconcile

    d = diagnose(analyze(ARF_LIST.replace("{subject}", "[talk] meeting notes").encode()))
    assert d.complaint is not None and d.complaint.relayed_by == "mailing list"
    assert "(the reported copy was probably re-sent by a mailing list)" in d.headline
    fix = reconcile((), d)[0].fix
    assert fix.startswith("The reported copy was probably re-sent by a mailing list")
    assert "not a spoof of your domain" in fix and "tag [talk]" in fix
    assert "If no such list carries your mail, it is a spoof" in fix  # stays conditional


def test_a_failure_report_without_a_list_sign_keeps_the_spoof_reading() -> None:
    from headerlens.diagnosis.findings import reconcile

    d = diagnose(analyze(ARF_LIST.replace("{subject}", "meeting notes").encode()))
    assert d.complaint is not None and d.complaint.relayed_by is None
    assert "if not, it is a spoof of your domain" in reconcile((), d)[0].fix


# --- 2. a web form that sends with the visitor's address as From (measure7 G03) --------------

FORM = (
    "Delivered-To: sales@dealer.example\n"
    "Received: by 10.1.1.1 with SMTP id w10cs10896muo;\n"
    "        Tue, 12 Oct 2010 13:20:24 -0700 (PDT)\n"
    "Return-Path: <visitor@webmail.example>\n"
    "Received: from mail.autosite.example (mail.autosite.example [198.51.100.3])\n"
    "        by mx.google.com with ESMTP id 13si112341247qcd.23.2010.10.12.13.20.23;\n"
    "        Tue, 12 Oct 2010 13:20:24 -0700 (PDT)\n"
    "Received-SPF: neutral (google.com: 198.51.100.3 is neither permitted nor denied by best "
    "guess record for domain of visitor@webmail.example) client-ip=198.51.100.3;\n"
    "Authentication-Results: mx.google.com; spf=neutral (google.com: 198.51.100.3 is neither "
    "permitted nor denied by best guess record for domain of visitor@webmail.example) "
    "smtp.mail=visitor@webmail.example\n"
    "Received: from {web} by autosite.example (MDaemon PRO v11.0.3)\n"
    "\twith ESMTP id md50004804310.msg\n"
    "\tfor <sales@dealer.example>; Tue, 12 Oct 2010 16:20:05 -0400\n"
    "X-MDRemoteIP: 192.168.254.73\n"
    "Date: Tue, 12 Oct 2010 16:20:05 -0400\n"
    "Subject: {subject}\n"
    "To: sales@dealer.example,leads@autosite.example\n"
    "MIME-Version: 1.0\n"
    "Content-type: text/plain; charset=iso-8859-1\n"
    "From: visitor@webmail.example\n"
    "Message-ID: <MDAEMON-F201010121621.AA2105420md50000198258@autosite.example>\n"
    "\n"
    "A lead.\n"
)


def test_a_web_forms_mail_in_the_visitors_name_puts_the_fix_at_the_site() -> None:
    from headerlens.diagnosis.findings import reconcile

    raw = FORM.replace("{web}", "AUTOWWW03").replace("{subject}", "AutoSite has a lead for you")
    d = diagnose(analyze(raw.encode()))
    assert "spoof" not in d.labels()
    assert d.headline.startswith(
        "A web form of autosite.example sent this with the visitor's address as From "
        "(webmail.example): nothing authenticated webmail.example, so it cannot be told from a "
        "spoof of it, but the fix is autosite.example's"
    )
    fixes = " ".join(f.fix for f in reconcile((), d))
    assert "autosite.example should send its form mail from an address of its own domain" in fixes
    assert "Only webmail.example's owner" not in fixes


def test_mail_with_no_mark_of_a_form_keeps_the_from_domains_reading() -> None:
    raw = FORM.replace("{web}", "OFFICE7").replace("{subject}", "Meeting on Tuesday")
    d = diagnose(analyze(raw.encode()))
    assert d.headline.startswith("Unauthenticated From: nothing authenticated webmail.example")


def test_a_forms_spoof_names_the_site_as_the_party_to_fix() -> None:
    from headerlens.diagnosis.findings import reconcile

    raw = (
        FORM.replace("{web}", "AUTOWWW03")
        .replace("{subject}", "Website contact form")
        .replace(
            "smtp.mail=visitor@webmail.example\n",
            "smtp.mail=visitor@webmail.example;\n       dmarc=fail (p=NONE) "
            "header.from=webmail.example\n",
        )
    )
    d = diagnose(analyze(raw.encode()))
    assert "spoof" in d.labels()
    assert d.headline.startswith(
        "A spoof of webmail.example by a web form of autosite.example (the visitor's address "
        "as From); nothing to fix at webmail.example"
    )
    spoof = next(f for f in reconcile((), d) if f.code == Code.SITUATION_SPOOF)
    assert "autosite.example should send its form mail" in spoof.fix


def test_an_esp_newsletter_of_a_domain_without_dmarc_cannot_be_told_from_a_spoof(
    lab_dns: LabDns,
) -> None:
    # online: coho.example publishes no DMARC record in the lab, so nothing can tie the
    # newsletter to it; still no "spoof" and never a pass
    a = analyze(MAILCHIMP.replace("{dom}", "coho.example").encode())
    resolver = LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)
    d = diagnose(a, run_blocking(verify(a, resolver)))
    assert "spoof" not in d.labels() and "control" not in d.labels()
    assert d.headline.startswith("Sent through Mailchimp for coho.example")
    assert "coho.example publishes no usable DMARC policy" in d.headline
    assert "cannot be told from a spoof" in d.headline


# --- 5. a lure as the recipient's display name (measure7 M06) --------------------------------


def _to(value: str) -> Analysis:
    return analyze(
        (
            "Received: from mail43.esp.example (mail43.esp.example [203.0.113.43])\n"
            "\tby mx.example.net (Postfix) with ESMTPS id 1A2B3C\n"
            "\tfor <reader@example.net>; Mon, 1 Jul 2024 08:14:37 +0000 (UTC)\n"
            "From: Shop <news@shop.example>\n"
            f"To: {value}\n"
            "Subject: Newsletter\n"
            "Date: Mon, 1 Jul 2024 08:08:36 +0000\n"
            "Message-ID: <n1@shop.example>\n"
            "\n"
            "body\n"
        ).encode()
    )


def test_a_link_or_money_claim_as_the_recipients_name_is_named_a_lure() -> None:
    lure = (
        '"Hello. You have a new incoming transaction 21337712216. Withdrawal note : verify '
        'transfer705.pages.example/evas-dparun?flex" <reader@example.net>'
    )
    codes = {d.code for d in _to(lure).defects}
    assert Code.IDENTITY_RECIPIENT_LURE in codes
    claim = '"You have won a prize: claim your funds before Friday, ref 8812" <reader@example.net>'
    assert Code.IDENTITY_RECIPIENT_LURE in {d.code for d in _to(claim).defects}


def test_ordinary_recipient_names_are_no_lure() -> None:
    for value in (
        '"Ann Example" <reader@example.net>',
        '"Invoice team" <reader@example.net>',
        '"Example, Inc. - Accounts Payable" <reader@example.net>',
        "reader@example.net",
    ):
        assert Code.IDENTITY_RECIPIENT_LURE not in {d.code for d in _to(value).defects}, value
