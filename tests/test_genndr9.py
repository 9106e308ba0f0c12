"""Bounce texts and complaint reports (issue 11, ninth round): Exchange Online's 5.1.10, a
remote reply only its own words name (Google's "gsmtp", Exim's "SMTP error from remote mail
server"), Gmail's DNS errors, score-based filters, a mail store's disk quota, and what a
complaint report asks of the sender. Synthetic messages of each shape seen in real notices
(names, hosts and addresses changed; documentation IPs)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.model import Rejecter, WhoActs
from headerlens.parsers.ndr_codes import lookup
from headerlens.report.markdown import render_markdown
from tests.test_genndr4 import _dsn

# --- Exchange Online's 5.1.10: a recipient its organisation does not have, not a null MX ------


def _exo_ndr(top: str, reporter: str, rcpt: str, returned: str) -> bytes:
    """An Exchange Online NDR of 550 5.1.10 for ``rcpt`` under the header lines ``top``."""
    local, _, domain = rcpt.partition("@")
    reply = (
        f"550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient {rcpt} not found by SMTP "
        "address lookup"
    )
    return f"""{top}Content-Type: multipart/report; report-type=delivery-status;
\tboundary="BND"
X-MS-Exchange-Message-Is-Ndr:
Auto-Submitted: auto-replied
MIME-Version: 1.0

--BND
Content-Type: text/plain; charset="us-ascii"

Your message to {rcpt} couldn't be delivered.
{local} wasn't found at {domain}.

Diagnostic information for administrators:

Generating server: {reporter}

{rcpt}
Remote Server returned '{reply}'

--BND
Content-Type: message/delivery-status

Reporting-MTA: dns;{reporter}
Arrival-Date: Tue, 3 Mar 2026 10:00:04 +0000

Final-Recipient: rfc822;{rcpt}
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;{reply}

--BND
Content-Type: message/rfc822

{returned}
--BND--
""".encode()


EXO_5110 = _exo_ndr(
    """Received: from AM0PR01MB1234.eurprd01.prod.outlook.com (2603:10a6:208:1::1) by
 AM0PR01MB5678.eurprd01.prod.outlook.com with HTTPS; Tue, 3 Mar 2026 10:00:06 +0000
From: Microsoft Outlook <postmaster@fabrikam.example>
To: <clerk@fabrikam.example>
Date: Tue, 3 Mar 2026 10:00:05 +0000
Message-ID: <ndr1@AM0PR01MB1234.eurprd01.prod.outlook.com>
Subject: Undeliverable: Minutes
Return-Path: <>
""",
    "AM0PR01MB1234.eurprd01.prod.outlook.com",
    "nobody@contoso.example",
    """From: Town Clerk <clerk@fabrikam.example>
To: nobody@contoso.example
Subject: Minutes
Date: Tue, 3 Mar 2026 09:59:58 +0000
Message-ID: <orig1@fabrikam.example>
""",
)


def test_exchange_online_5_1_10_is_an_address_the_recipients_organisation_lacks() -> None:
    a = analyze(EXO_5110)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    # was: "contoso.example publishes a null MX: it accepts no mail" (RFC 7505 read into 5.1.10)
    assert r.meaning is not None and r.meaning.key != "text:null-mx"
    assert "does not exist" in r.meaning.explanation
    assert r.meaning.who_acts is WhoActs.SENDER  # check the address
    assert r.rejecter is not Rejecter.SENDER_OWN
    d = diagnose(a)
    assert "null MX" not in d.headline
    assert d.headline.startswith("A bounce: contoso.example's mail server refused the original")


def test_a_null_mx_reply_is_still_read_as_one() -> None:
    # RFC 7505 §4.2's own reply code and words keep their meaning
    assert lookup("5.1.10", "556 5.1.10 Recipient address has null MX", None).key == "text:null-mx"
    exo = "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient x@contoso.example not found"
    assert lookup("5.1.10", exo, "microsoft").key != "text:null-mx"


# --- a remote reply that only its own words name ---------------------------------------------


def _exim(diagnostic: str, notice: str) -> bytes:
    return _dsn(
        sender="Mailer-Daemon@mail.fabrikam.example",
        reporting="mail.fabrikam.example",
        recipient="someone@gmail.example",
        status="5.0.0",
        diagnostic=diagnostic,
        notice=notice,
    )


GSMTP_REPLY = (
    "550-5.7.1 [2001:db8::10] Our system has detected that this message is\n"
    " 550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail,\n"
    " 550 5.7.1 this message has been blocked. a1-20020a05si123456wrb.99 - gsmtp"
)


def test_a_reply_ending_gsmtp_is_googles_refusal_not_the_sending_servers() -> None:
    # Exim's DSN with no Remote-MTA and no host line in its text
    a = analyze(_exim(GSMTP_REPLY, "A message that you sent could not be delivered."))
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    # was: "mail.fabrikam.example (the sender's domain) refused or gave up itself"
    assert r.rejecter is Rejecter.RECIPIENT_SERVER
    assert r.remote_domain == "google.com"
    # Gmail's spam filter, not "policy grounds (the reply text says which)"
    assert r.meaning is not None and r.meaning.key == "text:gmail-unsolicited"
    assert "Postmaster Tools" in r.meaning.fix
    d = diagnose(a)
    assert "the sender's own server" not in d.headline
    assert d.headline.startswith("A bounce: google.com's mail server refused the original (5.7.1")


def test_exims_words_say_the_reply_is_the_remote_servers() -> None:
    notice = (
        "This message was created automatically by mail delivery software.\n\n"
        "A message that you sent could not be delivered to one or more of its\n"
        "recipients. This is a permanent error. The following address(es) failed:\n\n"
        "  someone@gmail.example\n"
        "    SMTP error from remote mail server after end of data:\n"
        "    550 5.7.1 Message refused by local policy"
    )
    a = analyze(_exim("550 5.7.1 Message refused by local policy", notice))
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.rejecter is Rejecter.RECIPIENT_SERVER  # was SENDER_OWN
    assert "the sender's own server" not in diagnose(a).headline


def test_the_senders_own_refusal_without_remote_words_stays_its_own() -> None:
    notice = "A message that you sent could not be delivered."
    a = analyze(_exim("550 5.7.1 Message refused by local policy", notice))
    assert a.ndr is not None
    assert a.ndr.recipients[0].rejecter is Rejecter.SENDER_OWN


# --- Gmail's DNS errors: no server refused, the recipient's domain did not resolve -----------

GMAIL_DNS = b"""\
Return-Path: <>
Received: by 10.0.0.5 with SMTP id abc123; Sat, 04 Feb 2012 20:09:04 -0800 (PST)
MIME-Version: 1.0
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: someone@gmail.com
X-Failed-Recipients: friend@example.comm
Subject: Delivery Status Notification (Failure)
Message-ID: <bounce1@mail.gmail.com>
Date: Sat, 04 Feb 2012 20:09:04 -0800
Content-Type: text/plain; charset=ISO-8859-1

Delivery to the following recipient failed permanently:

     friend@example.comm

Technical details of permanent failure:
DNS Error: Domain name not found

----- Original message -----

Received: by 10.0.0.6 with SMTP id d17mr1; Sat, 04 Feb 2012 20:09:03 -0800 (PST)
From: Some One <someone@gmail.com>
To: friend@example.comm
Subject: hello
Date: Sat, 04 Feb 2012 20:09:03 -0800
Message-ID: <orig3@mail.gmail.com>

hello
"""


def test_gmails_dns_error_is_a_domain_that_does_not_resolve_not_a_refusal() -> None:
    a = analyze(GMAIL_DNS)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.meaning is not None and r.meaning.key == "text:domain-unreachable"
    assert r.rejecter is Rejecter.SENDER_OWN  # nobody refused: no server was found
    d = diagnose(a)
    # was: "A bounce: example.comm's mail server refused the original (no status)."
    assert "refused" not in d.headline
    assert "no mail server was found for example.comm" in d.headline
    nodata = "DNS Error: DNS server returned answer with no data"
    assert lookup(None, nodata, None).key == "text:domain-unreachable"


# --- score-based content filters and a mail store's disk quota -------------------------------


def test_a_score_based_filter_refusal_is_a_content_verdict() -> None:
    for text in (
        "550 5.7.1 Message rejected as junk: this message scored 12.4 points",
        "550 This message scored 14.2 spam points.",
        "554 5.7.1 Rejected: spam score 9.1 exceeds threshold",
    ):
        m = lookup("5.7.1", text, None)
        assert m.key == "text:content-spam", text
        assert m.who_acts is WhoActs.RECIPIENT_ADMIN


def test_disk_quota_exceeded_is_the_recipients_full_mailbox() -> None:
    a = analyze(
        _dsn(
            sender="postmaster@mail.contoso.example",
            reporting="mail.contoso.example",
            recipient="sato@contoso.example",
            status="5.0.0",
            diagnostic="disk quota exceeded",
        )
    )
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.meaning is not None and r.meaning.key == "text:mailbox-full"
    assert r.meaning.who_acts is WhoActs.RECIPIENT_ADMIN
    assert "mailbox full" in diagnose(a).headline


# --- complaint reports: what the report asks of the sender -----------------------------------


def _arf(rcpt: str, feedback_type: str = "abuse") -> bytes:
    rcpt_line = f"Original-Rcpt-To: {rcpt}\n" if rcpt else ""
    return f"""\
Return-Path: <feedback@arf.example.net>
Received: from fbl.example.net (fbl.example.net [198.51.100.44])
\tby mx.fabrikam.example (Postfix) with ESMTP id 4XyZ
\tfor <abuse@fabrikam.example>; Tue,  3 Mar 2026 10:00:06 +0000 (UTC)
From: <staff@example.net>
Date: Tue, 3 Mar 2026 10:00:05 +0000
Subject: Abuse report
To: <abuse@fabrikam.example>
MIME-Version: 1.0
Message-ID: <arf1@example.net>
Content-Type: multipart/report; report-type=feedback-report; boundary="B1"

--B1
Content-Type: text/plain

This is an email abuse report for a message received from IP 192.0.2.1.

--B1
Content-Type: message/feedback-report

Feedback-Type: {feedback_type}
User-Agent: SomeGenerator/1.0
Version: 1
Original-Mail-From: <news@fabrikam.example>
{rcpt_line}Arrival-Date: Tue, 3 Mar 2026 09:55:00 +0000
Reporting-MTA: dns; mail.example.net
Source-IP: 192.0.2.1

--B1
Content-Type: message/rfc822

From: <news@fabrikam.example>
Received: from out.fabrikam.example (out.fabrikam.example [192.0.2.1])
\tby mail.example.net with SMTP; Tue, 3 Mar 2026 09:55:00 +0000
To: <user@example.net>
Subject: Earn money
Message-ID: <news.1@fabrikam.example>
Date: Tue, 3 Mar 2026 09:54:00 +0000

Spam
--B1--
""".encode()


def test_a_complaint_headline_names_the_complainant_and_what_to_do() -> None:
    d = diagnose(analyze(_arf("<user@example.net>")))
    # was: "... feedback type abuse: not a delivery of its own; ..." (no action named)
    assert "the recipient user@example.net reported it as spam" in d.headline
    assert "stop mailing that address" in d.headline
    assert "asked for your mail" in d.headline


def test_a_complaint_that_hides_the_complainant_says_how_to_find_it() -> None:
    for rcpt in ("", "db0555c94208f7bc605b02cf12c0535a@example.net", "redacted@example.net"):
        d = diagnose(analyze(_arf(rcpt)))
        assert "a recipient reported it as spam (the report hides who" in d.headline, rcpt
        assert "db0555" not in d.headline


def test_a_not_spam_report_asks_nothing() -> None:
    d = diagnose(analyze(_arf("<user@example.net>", "not-spam")))
    assert "stop mailing" not in d.headline
    assert "not a delivery of its own" in d.headline


def test_more_refusal_texts_without_an_enhanced_code_name_their_reason() -> None:
    cases = {
        # RFC 5321 §4.2.2's own 552 text; a quota named as the mailbox's
        "552 Requested mail action aborted: exceeded storage allocation": "text:mailbox-full",
        "550 Mailbox quota exceeded": "text:mailbox-full",
        # a filter's own words
        "550 Message rejected because it contains spam": "text:content-spam",
        "550 High probability of spam": "text:content-spam",
        "554 Spam message rejected": "text:content-spam",
        "550 Your message looks like SPAM or has been reported as SPAM": "text:content-spam",
        "554 This message has been blocked because it contains a banned word": "text:content-spam",
        # loops (RFC 5321 §6.3)
        "550 Too many hops": "text:mail-loop",
        "554 mail forwarding loop for pat@contoso.example": "text:mail-loop",
        '550 Too many "Received" headers - suspected mail loop': "text:mail-loop",
        # Exim's spelling, Exim's sender callout, qmail's relay refusal
        "550 Unroutable address": "text:domain-unreachable",
        "550 Verification failed for <clerk@fabrikam.example>": "text:sender-rejected",
        "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)": "text:relay-denied",
    }
    for text, key in cases.items():
        assert lookup(None, text, None).key == key, text
    # a sending quota is the sender's, not a full mailbox
    assert lookup(None, "550 Daily sending quota exceeded", None).key != "text:mailbox-full"
    loop = lookup(None, "550 Too many hops", None)
    assert loop.who_acts is WhoActs.RECIPIENT_ADMIN


# --- backscatter a mailing list passed on to its members ---------------------------------------

LIST_BACKSCATTER = _exo_ndr(
    """Return-Path: <devel+bounces-1234@lists.fabrikam.example>
Received: from lists.fabrikam.example (lists.fabrikam.example [192.0.2.50])
	by mx.member.example (Postfix) with ESMTPS id 7AA11
	for <pat@member.example>; Sat, 10 Sep 2022 01:06:00 +0000 (UTC)
Received: from EUR02-AM0-obe.outbound.protection.outlook.com (mail-am0eur02on2100.outbound.protection.outlook.com [198.51.100.100])
	by lists.fabrikam.example (Postfix) with ESMTPS id 1BB22
	for <devel@lists.fabrikam.example>; Sat, 10 Sep 2022 01:05:20 +0000 (UTC)
From: postmaster@contoso.example
To: devel@lists.fabrikam.example
Date: Sat, 10 Sep 2022 01:05:16 +0000
Message-ID: <ndr77@AM7PR02MB5846.eurprd02.prod.outlook.com>
Subject: Undeliverable: looking for agent
List-Id: <devel.lists.fabrikam.example>
List-Post: <mailto:devel@lists.fabrikam.example>
Precedence: bulk
""",
    "AM7PR02MB5846.eurprd02.prod.outlook.com",
    "info@contoso.example",
    """Received: from AS9PR06CA0769.eurprd06.prod.outlook.com (2603:10a6:20b:484::24)
 by AM7PR02MB5846.eurprd02.prod.outlook.com (2603:10a6:20b:107::10) with
 Microsoft SMTP Server (version=TLS1_2,
 cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.5612.19; Sat, 10 Sep
 2022 01:05:15 +0000
Received: from VE1EUR03FT013.eop-EUR03.prod.protection.outlook.com
 (2603:10a6:20b:484:cafe::cb) by AS9PR06CA0769.outlook.office365.com
 (2603:10a6:20b:484::24) with Microsoft SMTP Server (version=TLS1_2,
 cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.5612.13 via Frontend
 Transport; Sat, 10 Sep 2022 01:05:15 +0000
Authentication-Results: spf=softfail (sender IP is 198.51.100.116)
 smtp.mailfrom=lists.fabrikam.example; dkim=none (message not signed)
 header.d=none;dmarc=fail action=none header.from=lists.fabrikam.example;
Received-SPF: SoftFail (protection.outlook.com: domain of transitioning
 lists.fabrikam.example discourages use of 198.51.100.116 as permitted sender)
Received: from egress-ip15b.ess.uk.barracuda.com (198.51.100.116) by
 VE1EUR03FT013.mail.protection.outlook.com (10.152.19.37) with Microsoft SMTP
 Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id
 15.20.5612.13 via Frontend Transport; Sat, 10 Sep 2022 01:05:14 +0000
Received: from lists.fabrikam.example (unknown [203.0.113.125]) by mx-inbound22-18.eu-west-2b.ess.aws.cudaops.com; Sat, 10 Sep 2022 01:05:05 +0000
From: "zH1S93" <devel@lists.fabrikam.example>
Subject: looking for agent
To: "info" <info@contoso.example>
MIME-Version: 1.0
Reply-To: xmwa9257@example.net
Date: Sat, 10 Sep 2022 09:05:09 +0800
Message-ID: <57FE55D35BCEFA4A@lists.fabrikam.example>
X-BESS-Apparent-Source-IP: 203.0.113.125
Return-Path: devel@lists.fabrikam.example
Content-Type: text/plain

spam
""",
)


def test_a_bounce_to_the_lists_own_posting_address_is_backscatter_the_reader_sent_nothing() -> None:
    a = analyze(LIST_BACKSCATTER)
    d = diagnose(a)
    # was: "A bounce: ... contoso.example publishes a null MX" (answered "check for typos")
    assert d.headline.startswith(
        "Backscatter passed on by the mailing list <devel.lists.fabrikam.example>: a bounce of a "
        "message that forged the list's own address devel@lists.fabrikam.example"
    )
    assert "you sent nothing" in d.headline
    md = render_markdown(a)
    assert f"Who must act:** {WhoActs.NOTHING_FORGED.value}" in md
    assert "typos" not in md.split("## Rejected", 1)[-1].split("Refused by", 1)[0]


def test_a_list_bounce_to_the_reader_is_no_list_backscatter() -> None:
    # the same bounce addressed to a member, not to the list's posting address
    data = LIST_BACKSCATTER.replace(
        b"To: devel@lists.fabrikam.example", b"To: pat@member.example"
    ).replace(b"Return-Path: devel@lists.fabrikam.example", b"Return-Path: pat@member.example")
    d = diagnose(analyze(data))
    assert not d.headline.startswith("Backscatter")


def test_list_headers_on_a_forged_bounce_do_not_hide_the_spoof() -> None:
    # attack: a phish dressed as a bounce a list passed on, whose own From domain fails the
    # receiver's DMARC under p=reject: still a spoof, not "backscatter, nothing to fix"
    planted = (
        b"Authentication-Results: mx.member.example; spf=pass smtp.mailfrom=lists.fabrikam.example;"
        b" dkim=none; dmarc=fail (p=reject dis=reject) header.from=contoso.example\n"
    )
    d = diagnose(analyze(planted + LIST_BACKSCATTER))
    assert "spoof" in d.labels()
    assert d.headline.startswith("A spoof of contoso.example dressed as a bounce")


def test_a_maildirs_diskspace_quota_is_a_full_mailbox_at_the_reporter() -> None:
    # Postfix delivering to a maildir with a quota patch (its own mailbox store)
    a = analyze(
        _dsn(
            sender="MAILER-DAEMON@mx.contoso.example",
            reporting="mx.contoso.example",
            recipient="kim@contoso.example",
            status="5.2.3",
            diagnostic="maildir delivery failed: Sorry, the user's maildir has overdrawn his "
            "diskspace quota, please try again later.",
        ).replace(b"Diagnostic-Code: smtp;", b"Diagnostic-Code: X-Postfix;")
    )
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    # was 5.2.3 "message length exceeds administrative limit" (send it smaller), refused by nobody
    assert r.meaning is not None and r.meaning.key == "text:mailbox-full"
    assert r.rejecter is Rejecter.RECIPIENT_MAILBOX


COMMUNIGATE = b"""\
Return-Path: <>
Received: from mail.contoso.example (mail.contoso.example [198.51.100.12])
\tby mx.fabrikam.example (Postfix) with ESMTP id 5C0FF
\tfor <clerk@fabrikam.example>; Mon, 28 Nov 2005 18:27:08 +0000 (UTC)
Subject: Undeliverable mail: asd
From: MAILER-DAEMON@contoso.example
To: <clerk@fabrikam.example>
Date: Mon, 28 Nov 2005 20:27:07 +0200
Message-ID: <receipt-110354911@contoso.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type="delivery-status"; boundary="_===1===_"

--_===1===_
Content-Type: text/plain; charset="utf-8"

Failed to deliver to '<kim@contoso.example>'
Messages without To: fields are not accepted here

--_===1===_
Content-Type: message/delivery-status

Reporting-MTA: dns; contoso.example

Original-Recipient: rfc822;<kim@contoso.example>
Final-Recipient: system;<>
Action: failed
Status: 5.0.0

--_===1===_
Content-Type: message/rfc822

From: Town Clerk <clerk@fabrikam.example>
Cc: kim@contoso.example
Subject: asd
Date: Mon, 28 Nov 2005 20:27:06 +0200
Message-ID: <asd.1@fabrikam.example>

hello
--_===1===_--
"""


def test_communigates_whole_message_refusal_names_the_address_and_the_missing_field() -> None:
    a = analyze(COMMUNIGATE)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    # was: recipient "<>", 5.0.0 "other undefined status", "the remote server refused"
    assert r.address == "kim@contoso.example"
    assert r.diagnostic == "Messages without To: fields are not accepted here"
    assert r.meaning is not None and r.meaning.key == "text:header-field-missing"
    assert r.meaning.who_acts is WhoActs.SENDER
    assert diagnose(a).headline.startswith("A bounce: contoso.example refused the original")


# --- Sun Internet Mail Server: "disk quota exceeded", its name and version after the reporter --

SIMS = b"""\
Return-path: <>
Received: from mail.contoso.example (mail.contoso.example [198.51.100.7])
	by mx.fabrikam.example (Postfix) with ESMTP id 9AA
	for <clerk@fabrikam.example>; Mon, 05 Mar 2001 10:00:06 +0000 (UTC)
Date: Mon, 05 Mar 2001 19:00:05 +0900 (JST)
From: Internet Mail Delivery <postmaster@mail.contoso.example>
Subject: Delivery Notification: Delivery has been delayed
To: clerk@fabrikam.example
Message-id: <0G9U00A01@mail.contoso.example>
MIME-version: 1.0
Content-type: multipart/report; report-type=delivery-status;
 boundary="Boundary_(ID_z4XpDlXFwAwJKaNWNOsGHg)"

--Boundary_(ID_z4XpDlXFwAwJKaNWNOsGHg)
Content-type: text/plain; charset=us-ascii
Content-language: EN-US

This report relates to a message you sent with the following header fields:

  Message-id: <orig@fabrikam.example>
  Date: Mon, 05 Mar 2001 10:00:00 +0000
  From: Town Clerk <clerk@fabrikam.example>
  To: sato@contoso.example
  Subject: Minutes

Your message cannot be delivered to the following recipients:

  Recipient address: sato@contoso.example
  Reason: disk quota exceeded

--Boundary_(ID_z4XpDlXFwAwJKaNWNOsGHg)
Content-type: message/DELIVERY-STATUS

Original-envelope-id: 0G9U00A01@mail.contoso.example
Reporting-MTA: dns;mail.contoso.example (Sun Internet Mail Server sims.4.0.2000.10.12.16.25.p8)

Action: failed
Status: 5.0.0 (disk quota exceeded)
Original-recipient: rfc822;sato@contoso.example
Final-recipient: rfc822;sato@contoso.example

--Boundary_(ID_z4XpDlXFwAwJKaNWNOsGHg)
Content-type: TEXT/RFC822-HEADERS

Return-path: clerk@fabrikam.example
From: Town Clerk <clerk@fabrikam.example>
To: sato@contoso.example
Subject: Minutes
Message-id: <orig@fabrikam.example>

--Boundary_(ID_z4XpDlXFwAwJKaNWNOsGHg)--
"""


def test_a_sims_disk_quota_report_is_a_full_mailbox_at_the_named_reporter() -> None:
    a = analyze(SIMS)
    assert a.ndr is not None
    # was "mail.contoso.example (Sun Internet Mail Server sims.4.0…)" as the reporter's name
    assert a.ndr.reporting_mta == "mail.contoso.example"
    (r,) = a.ndr.recipients
    assert r.meaning is not None and r.meaning.key == "text:mailbox-full"
    assert r.rejecter is Rejecter.RECIPIENT_MAILBOX
    line = diagnose(a).headline
    assert line.startswith(
        "A bounce: mail.contoso.example refused the original (5.0.0, mailbox full)"
    )


# --- mobile carriers' e-mail-to-text gateways -------------------------------------------------


def test_a_refusal_at_a_carriers_email_to_text_gateway_is_the_carriers_messaging_rule() -> None:
    def bounce(rcpt: str, status: str, reply: str) -> bytes:
        return _dsn(
            sender="MAILER-DAEMON@mail.fabrikam.example",
            reporting="mail.fabrikam.example",
            recipient=rcpt,
            status=status,
            diagnostic=reply,
            remote="mx.gateway.example",
        )

    a = analyze(bounce("5551234567@tmomail.net", "5.7.1", "550 5.7.1 544 rejecting banned content"))
    assert a.ndr is not None
    m = a.ndr.recipients[0].meaning
    # was: "the receiving server's filter judged the content spam" (recipient's admin to act)
    assert m is not None and m.key == "text:sms-gateway" and m.who_acts is WhoActs.SENDER
    assert "SMS service" in m.fix
    assert "sms gateway" in diagnose(a).headline
    # a number the carrier does not have keeps its own reading; other domains are unchanged
    unknown = bounce(
        "5551234567@vtext.com", "5.1.1", "550 5.1.1 Recipient address rejected: User unknown"
    )
    assert analyze(unknown).ndr.recipients[0].meaning.key == "text:user-unknown"  # type: ignore[union-attr]
    other = bounce("pat@contoso.example", "5.7.1", "550 5.7.1 544 rejecting banned content")
    assert analyze(other).ndr.recipients[0].meaning.key != "text:sms-gateway"  # type: ignore[union-attr]
