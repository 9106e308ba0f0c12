"""Bounces and delay notices read as an expert reads them (issue 11, generalisation round 6): a
delay warning that quotes no reply refused nothing, IMail's "mailbox exceeds allowed size" is a
full mailbox, and a returned copy handed over by a relay that got it from an earlier server is
no proof of backscatter. Synthetic messages of each shape seen in real bounces (names changed)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.model import Rejecter, WhoActs
from headerlens.parsers.ndr_codes import lookup
from headerlens.report.markdown import render_markdown

D = "Tue, 03 Mar 2026 10:00:05 +0000"

# --- 1. a delay warning that quotes no reply: nobody refused it --------------------------------

GMAIL_DELAY = f"""Delivered-To: ann@mail.fabrikam.example
Received: by 10.194.16.169 with SMTP id h9csp2775wjd;
        Tue, 03 Mar 2026 02:00:06 -0800 (PST)
Return-Path: <>
Received: by 10.68.57.225 with SMTP id l1mr2101pbq.87; Tue, 03 Mar 2026
 02:00:05 -0800 (PST)
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: ann@mail.fabrikam.example
Subject: Delivery Status Notification (Delay)
Message-ID: <001a11383626@google.com>
Date: {D}
Content-Type: text/plain; charset=UTF-8

This is an automatically generated Delivery Status Notification

THIS IS A WARNING MESSAGE ONLY.

YOU DO NOT NEED TO RESEND YOUR MESSAGE.

Delivery to the following recipient has been delayed:

     kim@club.example

Message will be retried for 2 more day(s)

----- Original message -----

Return-Path: <ann@mail.fabrikam.example>
Received: from [192.0.2.203] (c135.isp.example. [192.0.2.135])
        by mx.google.com with ESMTPSA id ae4sm1022pad.16
        for <kim@club.example>;
        Mon, 02 Mar 2026 08:42:53 -0800 (PST)
From: Ann <ann@mail.fabrikam.example>
Subject: Minutes
Message-Id: <AA6C0062@mail.fabrikam.example>
Date: Mon, 02 Mar 2026 16:42:43 +0000
To: kim@club.example

Minutes.
""".encode()


def test_a_delay_warning_without_a_reply_names_nobody_as_refusing_and_nobody_to_act() -> None:
    a = analyze(GMAIL_DELAY)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.action == "delayed"
    assert r.rejecter is Rejecter.UNKNOWN
    assert "nobody has refused it yet" in (r.rejecter_why or "")
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.NOBODY
    md = render_markdown(a)
    assert "refused it itself" not in md
    assert "Who must act:** nobody yet" in md


# --- 2. IMail's full mailbox --------------------------------------------------------------------


def test_imail_mailbox_exceeds_allowed_size_is_a_full_mailbox() -> None:
    m = lookup(None, "User mailbox exceeds allowed size: kim@club.example", None)
    assert m.key == "text:mailbox-full"
    assert m.who_acts is WhoActs.RECIPIENT_ADMIN
    # guard: a message over the size limit is not a full mailbox
    big = lookup(None, "Message exceeds maximum allowed message size", None)
    assert big.key != "text:mailbox-full"


# --- 3. a returned copy relayed by an earlier server: no backscatter decided --------------------


def _imail_bounce(original_received: str) -> bytes:
    return f"""Return-Path: <>
Received: from mx9.club.example (unknown [198.51.100.126])
    by mx.fabrikam.example (Postfix) with ESMTP id 4Q2
    for <ann@fabrikam.example>; {D}
Date: {D}
Message-Id: <0000001.01@club.example>
Content-Type: text/plain; charset=us-ascii
From: "Postmaster" <postmaster@club.example>
To: ann@fabrikam.example
Subject: Undeliverable Mail
X-Mailer: <SMTP32 v8.22>

User mailbox exceeds allowed size: kim@club.example


Original message follows.

{original_received}Message-ID: <0001@smtp5.isp.example>
Date: {D}
From: Ann <ann@fabrikam.example>
To: kim@club.example
Subject: Minutes

Minutes.
""".encode()


RELAYED = (
    "Received: from smtp8.relay.isp.example [192.0.2.209] by mx4.club.example\n"
    f"  (SMTPD-8.22) id 00000000; {D}\n"
    "Received: from unknown (HELO smtp5.isp.example) (192.0.2.201)\n"
    f"  by 0 with SMTP; {D}\n"
)
DIRECT = f"Received: from PC-7 (unknown [192.0.2.84])\n  by mx4.club.example with SMTP; {D}\n"


def test_a_copy_that_an_outside_relay_got_from_an_earlier_server_is_no_backscatter() -> None:
    d = diagnose(analyze(_imail_bounce(RELAYED)))
    assert not d.headline.startswith("Backscatter"), d.headline
    assert "spoof" not in d.labels()
    bounce = next(s for s in d.situations if s.label == "ndr")
    assert not any(e.startswith("backscatter of") for e in bounce.evidence)


def test_a_copy_injected_straight_by_a_nameless_client_is_still_backscatter() -> None:
    # guard: one line, a client without reverse DNS handing spam to the recipient's server
    d = diagnose(analyze(_imail_bounce(DIRECT)))
    assert d.headline.startswith("Backscatter"), d.headline


# --- 4. Amazon SES reports from a regional host: the reply is the remote server's -------------


SES_DSN = f"""Return-Path: <>
Received: from a27-7.smtp-out.us-west-2.amazonses.com (a27-7.smtp-out.us-west-2.amazonses.com [54.240.27.7])
\tby mx.fabrikam.example (Postfix) with ESMTP id 4Q9
\tfor <ann@fabrikam.example>; {D}
From: MAILER-DAEMON@us-west-2.amazonses.com
To: ann@fabrikam.example
Message-ID: <0101015-aaaa@us-west-2.amazonses.com>
Subject: Delivery Status Notification (Failure)
MIME-Version: 1.0
Content-Type: multipart/report; boundary="P1"; report-type=delivery-status
Date: {D}

--P1
Content-Type: text/plain; charset=us-ascii

An error occurred while trying to deliver the mail to the following recipients:
kim@club.example
--P1
Content-Type: message/delivery-status

Reporting-MTA: dsn; a27-23.smtp-out.us-west-2.amazonses.com

Action: failed
Final-Recipient: rfc822; kim@club.example
Diagnostic-Code: smtp; 550 5.7.9 Rejected
Status: 5.7.9

--P1--
""".encode()


def test_a_regional_ses_host_only_relays_the_remote_servers_reply() -> None:
    a = analyze(SES_DSN)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.rejecter is Rejecter.RECIPIENT_SERVER
    assert "only relays its reply" in (r.rejecter_why or "")
    assert "refused it itself" not in render_markdown(a)


# --- 5. Postfix "host H said:" in a copy whose [IP] was sanitised away --------------------------


POSTFIX_NO_IP = f"""Return-Path: <>
Received: from relay.fabrikam.example (relay.fabrikam.example [198.51.100.5])
\tby mx.fabrikam.example (Postfix) with ESMTP id 4QA
\tfor <ann@fabrikam.example>; {D}
From: MAILER-DAEMON@relay.fabrikam.example (Mail Delivery System)
To: ann@fabrikam.example
Subject: Undelivered Mail Returned to Sender
Message-Id: <4QB@relay.fabrikam.example>
Date: {D}
Content-Type: text/plain

This is the mail system at host relay.fabrikam.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<kim@club.example>: host mx.club.example said: 554
    5.7.1 <relay.fabrikam.example>: Client host rejected:
    #216 blocked (in reply to RCPT TO command)
""".encode()


def test_a_postfix_reply_whose_host_lost_its_ip_keeps_its_code_and_refuser() -> None:
    a = analyze(POSTFIX_NO_IP)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert (r.smtp_code, r.effective_status, r.remote_mta) == (554, "5.7.1", "mx.club.example")
    assert r.smtp_stage == "RCPT TO"


# --- 6. a plain notice with a session transcript (ezweb's "Mail System Error - Returned Mail") --


def _returned_mail(top: str, transcript: str) -> bytes:
    return f"""{top}To: <ann@fabrikam.example>
From: Postmaster@mobile.example
Message-ID: <0001@lds1.mobile.example>
Date: {D}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="==_B1"
Reply-To: Mail Administrator <Postmaster@mobile.example>
Subject: Mail System Error - Returned Mail

This message is in MIME format.

--==_B1
Content-Type: text/plain; charset="us-ascii"

Each of the following recipients was rejected by a remote
mail server.

{transcript}

--==_B1--
""".encode()


POSTFIX_LOCAL = (
    "Return-Path: <MAILER-DAEMON>\n"
    "Received: from mobile.example (mail101.mobile.example [198.51.100.22])\n"
    f"\tby mail.fabrikam.example (Postfix) with SMTP id 2EE2\n\tfor <ann@fabrikam.example>; {D}\n"
)
OUTLOOK_BLOCK = (
    "    Recipient: <kim@hotmail.example>\n"
    "    >>> MAIL FROM:<ann@fabrikam.example>\n"
    "    <<< 550 SC-004 (COL0-MC1-F1) Unfortunately, messages from 198.51.100.22 weren't sent. "
    "We recommend that you contact your Internet service provider. The problem is that too many "
    "unwanted messages have been sent from the following IP address above. You can also refer "
    "your provider to http://mail.live.example/mail/troubleshooting.aspx#errors."
)
UNKNOWN_USER = (
    "    Recipient: <kim@mobile.example>\n"
    "    >>> RCPT TO:<kim@mobile.example>\n"
    "    <<< 550 <kim@mobile.example>: User unknown"
)


def test_postfix_local_delivery_writes_the_null_sender_as_mailer_daemon() -> None:
    a = analyze(_returned_mail(POSTFIX_LOCAL, OUTLOOK_BLOCK))
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.address == "kim@hotmail.example"
    assert r.meaning is not None and r.meaning.key == "text:ip-reputation"
    assert r.meaning.who_acts is WhoActs.SENDER_ADMIN
    assert "ndr" in diagnose(a).labels()


def test_a_stripped_copy_with_a_transcript_is_read_as_a_bounce() -> None:
    # no Received line at all: the envelope is unknown, the transcript decides
    a = analyze(_returned_mail("Return-Path: <>\n", UNKNOWN_USER))
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.address == "kim@mobile.example" and r.smtp_code == 550
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.SENDER


def test_a_stripped_copy_without_a_transcript_is_no_bounce() -> None:
    # guard: a sender's own "Return-Path: <>" and words about a failure make no bounce
    words = "    Recipient: <kim@mobile.example>\n    550 <kim@mobile.example>: User unknown"
    assert analyze(_returned_mail("Return-Path: <>\n", words)).ndr is None
    # nor does a sender-written Return-Path below the receiver's own Received line
    below = (
        "Received: from mobile.example (mail101.mobile.example [198.51.100.22])\n"
        f"\tby mail.fabrikam.example (Postfix) with SMTP id 2EE2; {D}\n"
        "Return-Path: <>\n"
    )
    assert analyze(_returned_mail(below, words)).ndr is None


# --- 7. MXLogic's Exim-like notice: "The following address failed:" and "<rcpt>: reply" ---------

MXLOGIC = f"""Return-Path: <>
Received: FROM mx43.club.example BY mxl8.filter.example WITH local;
    {D}
Date: {D}
From: Mail Delivery System <MAILER-DAEMON@mxl8.filter.example>
To: ann@fabrikam.example
Subject: Mail delivery failed
Message-Id: <mxl~ffff.0000.0001@mxl8.filter.example>
Content-Type: text/plain
X-MX-Bounce: mta/src/queue/bounce

This message was created automatically by mail delivery software.

A message that you have sent could not be delivered to one or more
recipients.  This is a permanent error.  The following address failed:

  <kim@club.example>: 550 5.1.1 <kim@club.example>: Recipient address rejected: User unknown in local recipient table



Included is a copy of the message header:
-----------------------------------------
Received: from unknown [192.0.2.240] (EHLO relay5.fabrikam.example)
\tby mxl8.filter.example(mxl_mta-6.5.0-5)
\twith ESMTP id 00000000.0.0000000.00-000.00000000.mxl8.filter.example
    (envelope-from <ann@fabrikam.example>);
\t{D}
Message-ID: <0001@relay4.fabrikam.example>
To: Kim <kim@club.example>
Subject: Minutes
Date: {D}
From: Ann <ann@fabrikam.example>

Minutes.
""".encode()


def test_mxlogic_inline_recipient_reply_and_quoted_header_are_read() -> None:
    a = analyze(MXLOGIC)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert (r.address, r.smtp_code, r.effective_status) == ("kim@club.example", 550, "5.1.1")
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.SENDER
    assert a.ndr.original is not None  # "Included is a copy of the message header:"


def test_ses_invalid_domain_is_no_refusal_but_a_domain_without_mail_server() -> None:
    raw = SES_DSN.replace(b"550 5.7.9 Rejected", b"550 5.4.4 Invalid domain").replace(
        b"Status: 5.7.9", b"Status: 5.4.4"
    )
    a = analyze(raw)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.meaning is not None and r.meaning.key == "text:domain-unreachable"
    assert r.rejecter is Rejecter.SENDER_OWN
    assert "the recipient's server answered" not in (r.rejecter_why or "")


# --- 8. Amazon WorkMail: a DSN quoted as quoted-printable text --------------------------------

WORKMAIL = f"""Return-Path: <>
Received: from a27-8.smtp-out.us-west-2.amazonses.com
 (a27-8.smtp-out.us-west-2.amazonses.com [54.240.27.8])  by
 inbound-smtp.us-west-2.amazonaws.com with SMTP id a8l76eu
 for ann@fabrikam.example; {D}
Subject: Delivery Status Notification (Failure)
From: MAILER-DAEMON@us-west-2.amazonses.com
To: ann <ann@fabrikam.example>
Date: {D}
Mime-Version: 1.0
Content-Type: multipart/mixed; boundary="W1"
X-Mailer: Amazon WorkMail
Message-Id: <000001523f18c39f-aaaa@us-west-2.amazonses.com>

--W1
Content-Type: text/plain; charset=iso-8859-15
Content-Transfer-Encoding: quoted-printable

An error occurred while trying to deliver the mail to the following recip=
ients:
kim@club.example

Technical report:

Reporting-MTA: d=
sn; a27-159.smtp-out.us-west-2.amazonses.com

Action: failed
Final-Rec=
ipient: rfc822; kim@club.example
Diagnostic-Code: smtp; 550 5.2.=
2 <kim@club.example>... Mailbox Full
Status: 5.2.2

--W1--
""".encode()


def test_workmail_quoted_dsn_keeps_its_code_and_names_the_recipients_server() -> None:
    a = analyze(WORKMAIL)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert (r.smtp_code, r.effective_status) == (550, "5.2.2")
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.RECIPIENT_ADMIN
    assert r.rejecter is Rejecter.RECIPIENT_SERVER
    assert "refused it itself" not in (r.rejecter_why or "")
    assert "holds the recipient's mailbox" not in (r.rejecter_why or "")


# --- 9. a connection-rate refusal names the sending server's operator ---------------------------


def test_connection_frequency_limited_is_for_the_senders_admin() -> None:
    m = lookup("5.0.0", "550 Connection frequency limited [abc= Blocked IP 192.0.2.22].", None, 550)
    assert m.key == "text:connection-rate"
    assert m.who_acts is WhoActs.SENDER_ADMIN
    # guard: Gmail's own rate-limit code keeps its vendor reading
    gmail = lookup(
        "4.7.28",
        "421 4.7.28 Our system has detected an unusual rate of unsolicited mail originating "
        "from your IP address. Mail sent from your IP address has been temporarily rate limited.",
        "google",
        421,
    )
    assert gmail.key != "text:connection-rate"


def test_mimecast_spam_signature_is_a_content_refusal() -> None:
    m = lookup(
        "5.0.0", "554 email rejected due to security policies - MCSpamSignature.sa.2.2", None
    )
    assert m.key == "text:content-spam"
    assert m.who_acts is WhoActs.RECIPIENT_ADMIN


# --- 10. amavisd-new's notice: the refusal came from the MTA behind it on the same host --------

AMAVIS = f"""Return-Path: <MAILER-DAEMON>
Received: from localhost (localhost.localdomain [127.0.0.1])
\tby mail.fabrikam.example (Postfix) with ESMTP id JLB24aU5
\tfor <ann@fabrikam.example>; {D}
Content-Type: multipart/report; report-type=delivery-status; boundary="A1"
MIME-Version: 1.0
Subject: Undeliverable mail, MTA-BLOCKED
Message-ID: <DSNwMm0h@filter1.fabrikam.example>
From: "Content-filter at filter1.fabrikam.example" <postmaster@filter1.fabrikam.example>
To: <ann@fabrikam.example>
Date: {D}

--A1
Content-Type: text/plain

The message WAS NOT relayed to:
  <kim@fabrikam.example>: [127.0.0.1] said:
   550 5.1.1 Failed, from MTA([127.0.0.1]:10025): 550 5.1.1 <kim@fabrikam.example>: Recipient address rejected: User unknown in virtual mailbox table

--A1
Content-Type: message/delivery-status

Reporting-MTA: dns; filter1.fabrikam.example

Final-Recipient: rfc822;kim@fabrikam.example
Action: failed
Status: 5.1.1
Remote-MTA: dns; 127.0.0.1
Diagnostic-Code: smtp; 550 5.1.1 <kim@fabrikam.example>: Recipient address rejected: User unknown in virtual mailbox table

--A1--
""".encode()


def test_a_content_filters_loopback_remote_is_named_as_the_reporters_own_server() -> None:
    d = diagnose(analyze(AMAVIS))
    assert d.headline.startswith(
        "A bounce: filter1.fabrikam.example's own mail server (at 127.0.0.1"
    ), d.headline
    assert "127.0.0.1 refused" not in d.headline


# --- 11. Gmail's "address couldn't be found"; backscatter of any refusal: nobody acts -----------


def test_gmail_address_not_found_is_user_unknown() -> None:
    m = lookup(
        "5.0.0",
        "Your message wasn't delivered to kim@club.example because the address couldn't be "
        "found, or is unable to receive mail.",
        None,
    )
    assert m.key == "text:user-unknown"


def test_backscatter_of_a_user_unknown_refusal_asks_nothing_of_the_forged_sender() -> None:
    raw = _imail_bounce(DIRECT).replace(
        b"User mailbox exceeds allowed size: kim@club.example", b"Unknown user: kim@club.example"
    )
    a = analyze(raw)
    assert diagnose(a).headline.startswith("Backscatter")
    md = render_markdown(a)
    assert "Who must act:** nobody: the original was a forgery" in md
    assert "Check the address for typos" not in md
    # guard: without backscatter the sender checks the address
    relayed = render_markdown(
        analyze(
            _imail_bounce(RELAYED).replace(
                b"User mailbox exceeds allowed size: kim@club.example",
                b"Unknown user: kim@club.example",
            )
        )
    )
    assert "Who must act:** the sender" in relayed
