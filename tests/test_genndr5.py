"""Bounces read as an expert reads them (issue 11, fifth round): delivery-status fields written
into a notice's text, a queue that expired after connection time-outs, a Google Groups receiver's
own stamps in a returned copy, backscatter behind the reporter's own content-filter loop.
Synthetic messages of each shape seen in real bounces (names and addresses changed)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.model import WhoActs
from headerlens.model.ndr import NdrFormat, Rejecter
from headerlens.model.provenance import Author
from headerlens.report.markdown import render_markdown

D = "Tue, 03 Mar 2026 10:00:05 +0000"

# --- 1. a DSN written into the text of a multipart/mixed notice (Amazon WorkMail / SES) --------


def _workmail(diagnostic: str, status: str, original_date: str) -> bytes:
    return f"""Return-Path: <>
Received: from b12-7.smtp-out.eu-west-1.amazonses.com
 (b12-7.smtp-out.eu-west-1.amazonses.com [198.51.100.7])  by
 inbound-smtp.eu-west-1.amazonaws.com with SMTP id abcdef0123 for clerk@fabrikam.example;
 Tue, 3 Mar 2026 10:00:06 +0000
Subject: Delivery Status Notification (Failure)
From: MAILER-DAEMON@eu-west-1.amazonses.com
To: clerk <clerk@fabrikam.example>
Date: {D}
Mime-Version: 1.0
Content-Type: multipart/mixed; boundary="=_B1"
X-Mailer: Amazon WorkMail
Message-Id: <0102abc-000000@eu-west-1.amazonses.com>

--=_B1
Content-Type: text/plain; charset=iso-8859-15
Content-Transfer-Encoding: quoted-printable

An error occurred while trying to deliver the mail to the following recip=
ients:
kim@club.example

Technical report:

Reporting-MTA: ds=
n; b12-99.smtp-out.eu-west-1.amazonses.com

Action: failed
Final-Reci=
pient: rfc822; kim@club.example
Diagnostic-Code: smtp; {diagnostic}
Status: {status}


--=_B1
Content-Type: message/rfc822
Content-Disposition: attachment

Subject: Minutes
From: clerk <clerk@fabrikam.example>
To: kim@club.example
Date: {original_date}
Mime-Version: 1.0
Content-Type: text/plain
Message-Id: <0102def-000000@eu-west-1.amazonses.com>
X-Mailer: Amazon WorkMail

Minutes.
--=_B1--
""".encode()


EXPIRED = _workmail(
    "554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>",
    "4.4.7",
    "Mon, 2 Mar 2026 19:00:00 +0000",
)


def test_delivery_status_fields_in_a_notices_text_make_it_a_bounce() -> None:
    a = analyze(EXPIRED)
    assert a.ndr is not None
    assert a.ndr.format is NdrFormat.DSN
    assert a.ndr.detected_by == "delivery-status fields in the text"
    assert a.ndr.reporting_mta == "b12-99.smtp-out.eu-west-1.amazonses.com"
    (r,) = a.ndr.recipients
    assert (r.address, r.action, r.status) == ("kim@club.example", "failed", "4.4.7")
    assert "ndr" in diagnose(a).labels()


def test_an_expiry_after_connection_timeouts_is_no_refusal_and_the_recipient_side_acts() -> None:
    a = analyze(EXPIRED)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.RECIPIENT_ADMIN
    assert r.rejecter is Rejecter.SENDER_OWN and r.rejecter_why.startswith("nobody refused it")
    d = diagnose(a)
    assert "could not deliver the original (4.4.7)" in d.headline
    assert "refused" not in d.headline.split(";")[0]
    # the queue time, from the returned copy's Date to the notice's: on the reporter
    delay = next(s for s in d.situations if s.label == "delay")
    assert delay.fact("host") == "b12-99.smtp-out.eu-west-1.amazonses.com"
    assert delay.fact("seconds") == str(15 * 3600 + 5)
    assert "returned copy's last stamp (or Date)" in " ".join(delay.evidence)


def test_an_expiry_with_another_last_error_is_a_retry_timeout_not_a_refusal() -> None:
    a = analyze(
        _workmail(
            "554 4.4.7 Message expired: unable to deliver in 840 minutes.<451 4.7.1 Try later>",
            "4.4.7",
            "Mon, 2 Mar 2026 19:00:00 +0000",
        )
    )
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.meaning is not None and r.meaning.key == "text:retry-expired"


def test_an_old_original_date_is_no_queue_time() -> None:
    a = analyze(
        _workmail(
            "554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection "
            "timed out>",
            "4.4.7",
            "Mon, 2 Feb 2026 19:00:00 +0000",
        )
    )
    assert "delay" not in diagnose(a).labels()


def test_a_single_quoted_dsn_field_does_not_make_a_report() -> None:
    raw = EXPIRED.replace(b"Final-Reci=\npient: rfc822; kim@club.example\n", b"")
    a = analyze(raw)
    assert a.ndr is None or a.ndr.detected_by != "delivery-status fields in the text"


# --- 2. Google Groups' own stamps in a returned copy ---------------------------------------


GROUPS = f"""Return-Path: <>
Received: from mail-pg1-f99.google.com (mail-pg1-f99.google.com [209.85.215.99])
\tby mx.fabrikam.example (Postfix) with ESMTPS id 4Q9
\tfor <clerk@fabrikam.example>; {D}
MIME-Version: 1.0
To: clerk@fabrikam.example
Message-ID: <5e59.GMR@mx.google.com>
Date: {D}
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
Subject: Delivery Status Notification (Failure)
X-Failed-Recipients: board@googlegroups.com
Content-Type: text/plain; charset="UTF-8"

Hello clerk@fabrikam.example,

We're writing to let you know that the group you tried to contact (board) may not exist, or you may not have permission to post messages to the group.

Google Groups

----- Original message -----

ARC-Seal: i=1; a=rsa-sha256; t=1772532004; cv=none; d=google.com; s=arc-20160816; b=AAAA
ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com;
        s=arc-20160816; h=to:date:from; bh=BBBB; b=CCCC
ARC-Authentication-Results: i=1; gmr-mx.google.com;
       spf=pass (google.com: domain of clerk@fabrikam.example designates 198.51.100.20 as permitted sender) smtp.mailfrom=clerk@fabrikam.example
Return-Path: <clerk@fabrikam.example>
Received: from mail.fabrikam.example (mail.fabrikam.example. [198.51.100.20])
        by gmr-mx.google.com with ESMTP id h2si601605pju.2.2026.03.03.02.00.04
        for <board@googlegroups.com>;
        Tue, 03 Mar 2026 02:00:04 -0800 (PST)
Received-SPF: pass (google.com: domain of clerk@fabrikam.example designates 198.51.100.20 as permitted sender) client-ip=198.51.100.20;
Authentication-Results: gmr-mx.google.com;
       spf=pass (google.com: domain of clerk@fabrikam.example designates 198.51.100.20 as permitted sender) smtp.mailfrom=clerk@fabrikam.example
From: clerk <clerk@fabrikam.example>
To: board@googlegroups.com
Subject: Minutes
Message-Id: <m1@fabrikam.example>
Date: {D}

Minutes.
"""


def _copy_authors(raw: str) -> dict[str, Author]:
    a = analyze(raw.encode())
    assert a.ndr is not None and a.ndr.original is not None
    o = a.ndr.original
    return {
        fa.header_name.lower(): fa.author
        for fa in o.provenance.fields
        if fa.header_name.lower() in ("authentication-results", "received-spf")
    }


def test_google_groups_own_stamps_in_a_returned_copy_are_the_groups_receivers() -> None:
    authors = _copy_authors(GROUPS)
    assert authors == {
        "authentication-results": Author.FINAL_RECEIVER,
        "received-spf": Author.FINAL_RECEIVER,
    }
    md = render_markdown(analyze(GROUPS.encode()))
    assert "possibly forged) (gmr-mx.google.com)" not in md


def test_a_groups_pass_that_its_arc_set_does_not_give_stays_unknown() -> None:
    # the ARC set above the line gives no pass: the pass under the line may be the sender's
    raw = GROUPS.replace(
        "ARC-Authentication-Results: i=1; gmr-mx.google.com;\n       spf=pass",
        "ARC-Authentication-Results: i=1; gmr-mx.google.com;\n       spf=fail",
    )
    authors = _copy_authors(raw)
    assert authors["authentication-results"] is Author.UNKNOWN


# --- 3. backscatter behind the reporter's own content-filter loop ------------------------------


def _relay_bounce(original_received: str) -> bytes:
    return f"""Return-Path: <>
Received: from relay.hostco.example (relay.hostco.example [203.0.113.10])
\tby mx.fabrikam.example (Postfix) with ESMTPS id 4Q2
\tfor <clerk@fabrikam.example>; {D}
From: MAILER-DAEMON@relay.hostco.example (Mail Delivery System)
To: clerk@fabrikam.example
Subject: Undelivered Mail Returned to Sender
Date: {D}
Message-Id: <4Q3@relay.hostco.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="R1"

--R1
Content-Type: text/plain; charset=us-ascii

This is the mail system at host relay.hostco.example.

<kim@club.example>: host mx1.club.example[198.51.100.60] said: 550 SPF check
    failed (in reply to end of DATA command)

--R1
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.hostco.example

Final-Recipient: rfc822; kim@club.example
Action: failed
Status: 5.0.0
Remote-MTA: dns; mx1.club.example
Diagnostic-Code: smtp; 550 SPF check failed

--R1
Content-Type: text/rfc822-headers

Return-Path: <clerk@fabrikam.example>
{original_received}From: Prize Office <clerk@fabrikam.example>
To: kim@club.example
Subject: You won
Date: {D}
Message-Id: <prize1@relay.hostco.example>

--R1--
""".encode()


LOOP = (
    "Received: from relay.hostco.example (localhost [127.0.0.1])\n"
    f"\tby relay.hostco.example (Postfix) with ESMTP id 4Q1b;\n\t{D}\n"
    "Received: from localhost (localhost [127.0.0.1])\n"
    f"\tby relay.hostco.example (amavisd-new, port 10024) with ESMTP id 77;\n\t{D}\n"
)
SPAM_IN = (
    "Received: from PC-7 (unknown [192.0.2.84])\n\tby relay.hostco.example (Postfix) with ESMTP"
    f" id 4Q1;\n\t{D}\n"
)


def test_the_reporters_own_filter_loop_is_no_earlier_server_backscatter_is_decided() -> None:
    d = diagnose(analyze(_relay_bounce(LOOP + SPAM_IN)))
    assert d.headline.startswith(
        "Backscatter: a bounce of a message that forged clerk@fabrikam.example"
    )


def test_a_real_earlier_server_below_the_loop_still_decides_nothing() -> None:
    # the relay took it from an ISP's outbound server, which got it from an earlier one
    earlier = (
        "Received: from smtp8.relay.isp.example [192.0.2.209] by relay.hostco.example\n"
        f"  (SMTPD-8.22) id 00000000; {D}\n"
        "Received: from unknown (HELO smtp5.isp.example) (192.0.2.201)\n"
        f"  by 0 with SMTP; {D}\n"
    )
    d = diagnose(analyze(_relay_bounce(LOOP + earlier)))
    assert not d.headline.startswith("Backscatter")


# --- 4. fresh bounces: Sendmail's expiry over a kept refusal, Messaging Server's source route ---


def _sendmail_expired(reply: str) -> bytes:
    return f"""Return-Path: <>
Received: from relay.fabrikam.example (relay.fabrikam.example [198.51.100.20])
\tby mx.fabrikam.example (8.17.1/8.17.1) with ESMTP id 4Q7
\tfor <clerk@fabrikam.example>; {D}
Date: {D}
From: Mail Delivery Subsystem <MAILER-DAEMON@relay.fabrikam.example>
Message-Id: <4Q7@relay.fabrikam.example>
To: clerk@fabrikam.example
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="S1"
Subject: Returned mail: see transcript for details

--S1

   ----- The following addresses had permanent fatal errors -----
<kim@club.example>
    (reason: {reply})

   ----- Transcript of session follows -----
... while talking to mx.club.example.:
>>> DATA
<<< {reply}
<kim@club.example>... Deferred: {reply}
Message could not be delivered for 5 days
Message will be deleted from queue

--S1
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.fabrikam.example
Arrival-Date: Sat, 28 Feb 2026 10:00:05 +0000

Final-Recipient: RFC822; kim@club.example
Action: failed
Status: 4.4.7
Remote-MTA: DNS; mx.club.example
Diagnostic-Code: SMTP; {reply}
Last-Attempt-Date: {D}

--S1
Content-Type: text/rfc822-headers

Return-Path: <clerk@fabrikam.example>
From: clerk@fabrikam.example
To: kim@club.example
Subject: Minutes
Message-Id: <m2@fabrikam.example>

--S1--
""".encode()


def test_an_expiry_over_a_kept_refusal_is_read_by_that_refusal_and_its_party() -> None:
    a = analyze(_sendmail_expired("450 4.7.1 Client host rejected: cannot find your name"))
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.effective_status == "4.7.1"
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.SENDER_ADMIN
    assert "(4.7.1" in diagnose(a).headline


def test_an_expiry_over_a_full_mailbox_leaves_it_to_the_recipient_side() -> None:
    a = analyze(_sendmail_expired("452 4.2.2 Please try again later"))
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.RECIPIENT_ADMIN


SOURCE_ROUTE = f"""Return-path: <>
Received: from mx3.club.example ([198.51.100.11])
    by mx.fabrikam.example with ESMTP id 4Q8; {D}
Date: {D}
From: postmaster@club.example
Subject: Delivery Notification: Delivery has failed
To: clerk@fabrikam.example
Message-id: <0001@mx3.club.example>
MIME-version: 1.0
Content-type: multipart/report; boundary="M1"; report-type=delivery-status

--M1
Content-type: text/plain; charset=us-ascii

Your message cannot be delivered to the following recipients:

  Recipient address: @store.club.example:kim@server
  Original address: kim@club.example
  Reason: LMTP transmission failure has occurred
  Diagnostic code: smtp;522 5.2.0 Delivery failed: Over quota

--M1
Content-type: message/delivery-status

Reporting-MTA: dns;mx3.club.example

Original-recipient: rfc822;kim@club.example
Final-recipient: rfc822;@store.club.example:kim@server
Action: failed
Status: 5.2.0 (LMTP transmission failure has occurred)
Remote-MTA: dns;store.club.example
Diagnostic-code: smtp;522 5.2.0 Delivery failed: Over quota

--M1--
""".encode()


def test_a_source_routed_final_recipient_shows_the_address_the_sender_wrote() -> None:
    a = analyze(SOURCE_ROUTE)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.address == "kim@club.example" and r.original_recipient is None
    # X.2.0 says no more than its class: the reply's words say why, in the headline too
    assert "(5.2.0, mailbox full)" in diagnose(a).headline


def _sendmail_dsn(recipient: str, status: str, remote: str, diagnostic: str, dates: str) -> bytes:
    return f"""Return-Path: <>
Received: from relay.fabrikam.example (relay.fabrikam.example [198.51.100.20])
\tby mx.fabrikam.example (8.17.1/8.17.1) with ESMTP id 4Q9
\tfor <clerk@fabrikam.example>; {D}
Date: {D}
From: Mail Delivery Subsystem <MAILER-DAEMON@relay.fabrikam.example>
Message-Id: <4Q9@relay.fabrikam.example>
To: clerk@fabrikam.example
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="S2"
Subject: Returned mail: see transcript for details

--S2

   ----- The following addresses had permanent fatal errors -----
{recipient}

--S2
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.fabrikam.example
{dates}
Final-Recipient: RFC822; {recipient.strip('"<>')}
Action: failed
Status: {status}
{remote}Diagnostic-Code: {diagnostic}

--S2
Content-Type: text/rfc822-headers

Return-Path: <clerk@fabrikam.example>
From: clerk@fabrikam.example
To: kim@club.example
Subject: Minutes
Message-Id: <m3@fabrikam.example>

--S2--
""".encode()


def test_a_transient_failure_given_up_without_a_last_attempt_date_is_queue_time_to_the_notice() -> (
    None
):
    raw = _sendmail_dsn(
        "<kim@club.example>",
        "4.4.1",
        "",
        "X-Postfix; connect to club.example[203.0.113.9]:25: Connection timed out",
        "Arrival-Date: Mon, 2 Mar 2026 16:00:05 +0000\n",
    )
    d = diagnose(analyze(raw))
    delay = next(s for s in d.situations if s.label == "delay")
    assert delay.fact("seconds") == str(18 * 3600)
    assert "DSN Arrival-Date to the report's Date" in " ".join(delay.evidence)


def test_a_failed_delivery_program_is_the_recipient_systems_fault() -> None:
    raw = _sendmail_dsn(
        '"|/home/kim/bin/catch.pl"',
        "5.0.0",
        "",
        "X-Unix; 255",
        "",
    )
    a = analyze(raw)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.RECIPIENT_ADMIN
    assert "(5.0.0, local program failed)" in diagnose(a).headline


def test_host_unknown_with_only_the_recipients_domain_named_is_no_servers_refusal() -> None:
    raw = _sendmail_dsn(
        "<kim@club.example>",
        "5.1.2",
        "Remote-MTA: DNS; club.example\n",
        "SMTP; 550 Host unknown",
        "",
    )
    a = analyze(raw)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.rejecter is Rejecter.SENDER_OWN and r.remote_mta is None
    assert "no mail server was found for club.example" in diagnose(a).headline
    # a server that was named and answered keeps its refusal
    named = _sendmail_dsn(
        "<kim@club.example>",
        "5.1.2",
        "Remote-MTA: DNS; mx.club.example\n",
        "SMTP; 550 5.1.2 Bad destination system",
        "",
    )
    b = analyze(named)
    assert b.ndr is not None and b.ndr.recipients[0].remote_mta == "mx.club.example"


# --- 5. the returned copy's own receiver: Sendmail's sid-milter stamp with auth= -----------------


def _sid_bounce(stamp: str) -> bytes:
    return f"""Return-Path: <MAILER-DAEMON@relay.fabrikam.example>
Received: from localhost (localhost)
\tby relay.fabrikam.example (V8/cf) id t91ECGic009238;
\t{D}
Date: {D}
From: Mail Delivery Subsystem <MAILER-DAEMON@relay.fabrikam.example>
Message-Id: <t91ECGic009238@relay.fabrikam.example>
To: <clerk@fabrikam.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="S3"
Subject: Returned mail: see transcript for details

--S3
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.fabrikam.example

Final-Recipient: RFC822; kim@club.example
Action: failed
Status: 5.1.1
Remote-MTA: DNS; mx.club.example
Diagnostic-Code: SMTP; 550 5.1.1 Requested action not taken: mailbox unavailable

--S3
Content-Type: message/rfc822

Return-Path: <clerk@fabrikam.example>
Received: from [10.1.2.3] (host-7.isp.example [192.0.2.78])
\t(authenticated bits=0)
\tby relay.fabrikam.example (V8/cf) with ESMTP id t91ECEic009234
\tfor <kim@club.example>; {D}
X-SenderID: Sendmail Sender-ID Filter v1.0.0 relay.fabrikam.example t91ECEic009234
{stamp}From: Clerk <clerk@fabrikam.example>
Subject: Minutes
Message-Id: <m4@fabrikam.example>
Date: {D}
To: kim@club.example

Minutes.

--S3--
""".encode()


def _copy_ar_author(raw: bytes) -> Author:
    a = analyze(raw)
    assert a.ndr is not None and a.ndr.original is not None
    (fa,) = [
        f
        for f in a.ndr.original.provenance.fields
        if f.header_name.lower() == "authentication-results"
    ]
    return fa.author


def test_sid_milters_stamp_with_the_clients_smtp_auth_is_the_copys_receivers() -> None:
    # (sid-milter's sender-id=/spf= passes read as unknown since red-team round 6: nothing
    # shows the milter wrote them; its failures, and an auth=pass the receiver's own line
    # backs with "(authenticated bits=0)", stay its own)
    stamp = (
        "Authentication-Results: relay.fabrikam.example; sender-id=fail "
        "header.from=clerk@fabrikam.example; auth=pass (CRAM-MD5); spf=fail "
        "smtp.mfrom=clerk@fabrikam.example\n"
    )
    assert _copy_ar_author(_sid_bounce(stamp)) is Author.FINAL_RECEIVER
    # a stamp that does not start with the milter's own method stays the sender's word
    planted = (
        "Authentication-Results: relay.fabrikam.example; auth=pass (CRAM-MD5); spf=pass "
        "smtp.mfrom=clerk@fabrikam.example\n"
    )
    assert _copy_ar_author(_sid_bounce(planted)) is Author.UNKNOWN
