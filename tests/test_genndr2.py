"""Bounces read as an expert reads them (issue 11, second round): expansions inside the reporting
system are no forwards, local deliveries and full mailboxes, Exchange Online's expired queue,
plain-text notices, every Exim recipient block, the returned copy's stamps kept to its own
section, and a locally generated report's trace. Synthetic messages of each shape seen in real
bounces (names and addresses changed)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings_build import stamped_findings
from headerlens.model import WhoActs
from headerlens.model.ndr import NdrFormat, Rejecter
from headerlens.parsers.ndr_codes import lookup
from headerlens.report.markdown import render_markdown


def _dsn(text: str, status: str, recipients: str, original: str, extra_head: str = "") -> bytes:
    """A multipart/report with a text part, a delivery-status part and the returned message."""
    return (
        f"""Return-Path: <>
Received: from mx.hostco.example (mx.hostco.example [198.51.100.7])
\tby mail.fabrikam.example (Postfix) with ESMTPS id 4AB12C0D3
\tfor <clerk@fabrikam.example>; Tue,  3 Mar 2026 10:00:05 +0000 (UTC)
{extra_head}From: Mail Delivery System <MAILER-DAEMON@mx.hostco.example>
To: clerk@fabrikam.example
Subject: Mail delivery failed: returning message to sender
Date: Tue, 03 Mar 2026 10:00:04 +0000
Message-ID: <E1bounce@mx.hostco.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain; charset=us-ascii

{text}
--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.hostco.example

{recipients}
--B1
Content-Type: message/rfc822

{original}
--B1--
"""
    ).encode()


_ORIGINAL = """Return-path: <clerk@fabrikam.example>
Received: from mail.fabrikam.example ([198.51.100.20])
\tby mx.hostco.example with esmtps (Exim 4.96)
\t(envelope-from <clerk@fabrikam.example>)
\tid 1tAbCa-000789-Cd
\tfor info@club.example; Tue, 03 Mar 2026 10:00:02 +0000
From: Town Clerk <clerk@fabrikam.example>
To: info@club.example
Subject: Minutes
Date: Tue, 3 Mar 2026 10:00:00 +0000
Message-ID: <abc123@fabrikam.example>

Minutes attached.
"""

_EXIM_HEAD = """This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

"""

# An alias on the reporting host expanded to a mailbox in another hosted domain, which is full:
# the reporter stored it itself (no remote server), so nothing re-sent the message.
EXIM_ALIAS_FULL = _dsn(
    _EXIM_HEAD
    + """  kim@otherclub.example
    (generated from info@club.example)
    mailbox is full: retry timeout exceeded
""",
    "5.0.0",
    """Action: failed
Final-Recipient: rfc822;kim@otherclub.example
Status: 5.0.0
""",
    _ORIGINAL,
)


def test_alias_expanded_on_the_reporting_host_is_no_forward() -> None:
    a = analyze(EXIM_ALIAS_FULL, source_name="t.eml")
    assert a.ndr is not None
    r = a.ndr.failed[0]
    assert r.address == "kim@otherclub.example"
    assert r.original_recipient == "info@club.example"
    assert "generated from" not in r.diagnostic
    d = diagnose(a)
    assert d.get("forward-nosrs") is None and d.get("forward-srs") is None
    assert "forwarder" not in d.headline


def test_generic_status_reads_the_texts_reason_and_names_the_mailbox_host() -> None:
    r = analyze(EXIM_ALIAS_FULL, source_name="t.eml").ndr.failed[0]  # type: ignore[union-attr]
    assert r.meaning is not None and r.meaning.key == "text:mailbox-full"
    assert r.meaning.who_acts is WhoActs.RECIPIENT_ADMIN
    assert r.rejecter is Rejecter.RECIPIENT_MAILBOX
    headline = diagnose(analyze(EXIM_ALIAS_FULL, source_name="t.eml")).headline
    assert "mx.hostco.example" in headline and "mailbox full" in headline


# Exchange expanding a proxy address inside the recipient's own organisation (Original-Recipient
# in a sub-domain, Final-Recipient the primary address) and failing the local delivery.
EXCHANGE_PROXY = _dsn(
    """Delivery has failed to these recipients or groups:

pat@contoso.example
The recipient's mailbox is full and can't accept messages now.
""",
    "5.2.2",
    """Final-Recipient: rfc822;pat@contoso.example
Original-Recipient: rfc822;pat@sales.contoso-mail.example
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp;554 5.2.2 mailbox full;
 STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded
""",
    _ORIGINAL.replace("info@club.example", "pat@sales.contoso-mail.example"),
    "X-MS-Exchange-Message-Is-Ndr:\n",
)


def test_exchange_proxy_address_expansion_is_no_forward() -> None:
    a = analyze(EXCHANGE_PROXY, source_name="t.eml")
    assert a.ndr is not None and a.ndr.failed[0].original_recipient
    d = diagnose(a)
    assert d.get("forward-nosrs") is None and d.get("forward-srs") is None
    assert "forwarder" not in d.headline


def test_alias_resent_to_another_organisation_stays_a_forward() -> None:
    # the reporter expanded the alias and sent the copy on to another organisation's server,
    # which refused it: a forward (missed before: Exim's "(generated from X)" was not read)
    raw = _dsn(
        _EXIM_HEAD
        + """  kim@gmail.example
    (generated from info@club.example)
    host mx.gmail.example [203.0.113.9]
    SMTP error from remote mail server after end of data:
    550 5.7.26 Unauthenticated email is not accepted
""",
        "5.0.0",
        """Action: failed
Final-Recipient: rfc822;kim@gmail.example
Status: 5.0.0
Remote-MTA: dns; mx.gmail.example
""",
        _ORIGINAL,
    )
    assert diagnose(analyze(raw, source_name="t.eml")).get("forward-nosrs") is not None


# Exim's local delivery to a file: Final-Recipient is the path, the DSN says only 5.0.0.
EXIM_FILE = _dsn(
    _EXIM_HEAD
    + """  save to /var/mail/kim
    generated by kim@club.example
    mailbox is full: retry timeout exceeded
""",
    "5.0.0",
    """Action: failed
Final-Recipient: rfc822;/var/mail/kim
Status: 5.0.0
""",
    _ORIGINAL,
)


def test_file_final_recipient_is_a_local_delivery_not_a_forward_target() -> None:
    a = analyze(EXIM_FILE, source_name="t.eml")
    assert a.ndr is not None
    r = a.ndr.failed[0]
    assert r.address == "/var/mail/kim" and r.original_recipient == "kim@club.example"
    assert r.meaning is not None and r.meaning.key == "text:mailbox-full"
    assert r.meaning.who_acts is not WhoActs.UNKNOWN
    assert r.rejecter is Rejecter.RECIPIENT_MAILBOX
    d = diagnose(a)
    assert d.get("forward-nosrs") is None and d.get("forward-srs") is None


def test_retry_timeout_alone_is_read_not_left_unknown() -> None:
    m = lookup("5.0.0", "retry timeout exceeded", None, None)
    assert m.key == "text:retry-expired" and m.who_acts is WhoActs.SENDER


def test_every_exim_recipient_block_keeps_its_own_reason() -> None:
    raw = _dsn(
        _EXIM_HEAD
        + """  lee@northwind.example
    host mx.northwind.example [203.0.113.40]
    SMTP error from remote mail server after RCPT TO:<lee@northwind.example>:
    550 5.1.1 <lee@northwind.example>: Recipient address rejected: User unknown
  save to /var/mail/kim
    generated by kim@club.example
    mailbox is full: retry timeout exceeded
""",
        "5.0.0",
        """Action: failed
Final-Recipient: rfc822;lee@northwind.example
Status: 5.0.0
Remote-MTA: dns; mx.northwind.example

Action: failed
Final-Recipient: rfc822;/var/mail/kim
Status: 5.0.0
""",
        _ORIGINAL,
    )
    a = analyze(raw, source_name="t.eml")
    assert a.ndr is not None
    first, second = a.ndr.failed
    assert "mailbox" not in first.diagnostic and "User unknown" in first.diagnostic
    assert first.meaning is not None and first.meaning.key == "text:user-unknown"
    assert second.diagnostic == "mailbox is full: retry timeout exceeded"
    assert second.meaning is not None and second.meaning.key == "text:mailbox-full"


def test_exim_bare_local_part_is_completed_from_x_failed_recipients() -> None:
    raw = (
        b"Return-Path: <>\nX-Failed-Recipients: kim@club.example\n"
        b"From: Mail Delivery System <Mailer-Daemon@mx.hostco.example>\nTo: clerk@fabrikam.example\n"
        b"Subject: Mail delivery failed: returning message to sender\n"
        b"Date: Tue, 03 Mar 2026 10:00:04 +0000\n\n"
        + _EXIM_HEAD.encode()
        + b"  kim\n    SMTP error from remote mail server after MAIL FROM:<clerk@fabrikam.example>:\n"
        b"    host mx.club.example [203.0.113.5]: 550 5.7.0 Use your provider's server.\n"
    )
    r = analyze(raw, source_name="t.eml").ndr.failed[0]  # type: ignore[union-attr]
    assert r.address == "kim@club.example" and r.remote_mta == "mx.club.example"


# Exchange Online gave up in the SENDER's own queue: the recipient's domain had no DNS answer.
EXO_EXPIRED = b"""Received: from BN3NAM04HT095.eop-NAM04.prod.protection.outlook.com
 (2603:1096:100:18::16) by SLXP216MB0381.KORP216.PROD.OUTLOOK.COM with HTTPS;
 Tue, 3 Mar 2026 08:21:15 +0000
From: Microsoft Outlook <postmaster@outlook.com>
To: <pat@fabrikam.example>
Date: Tue, 3 Mar 2026 08:21:10 +0000
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"
X-MS-Exchange-Message-Is-Ndr:
Subject: Undeliverable: Quarterly figures
Return-Path: <>
MIME-Version: 1.0

--b1
Content-Type: text/plain; charset="us-ascii"

Delivery has failed to these recipients or groups:

lee@northwind.example (lee@northwind.example)
Your message couldn't be delivered. Despite repeated attempts to deliver your message, querying
the Domain Name System (DNS) for the recipient's domain location information failed.

Diagnostic information for administrators:

Generating server: SG2APC01HT226.mail.protection.outlook.com

lee@northwind.example
3/3/2026 8:21:10 AM - Server at SG2APC01HT226.eop-APC01.prod.protection.outlook.com returned '550 5.4.312 Message expired, DNS query failed(InfoNoRecords)'

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns;SG2APC01HT226.mail.protection.outlook.com
Arrival-Date: Sun, 1 Mar 2026 08:16:15 +0000

Final-Recipient: rfc822;lee@northwind.example
Action: failed
Status: 5.4.312
Diagnostic-Code: smtp;550 5.4.312 Message expired, DNS query failed

--b1
Content-Type: message/rfc822

From: Pat Doe <pat@fabrikam.example>
To: lee@northwind.example
Subject: Quarterly figures
Date: Sun, 1 Mar 2026 08:16:15 +0000
Message-ID: <SLXP216MB0381AAAA@SLXP216MB0381.KORP216.PROD.OUTLOOK.COM>

Figures attached.

--b1--
"""


def test_exchange_online_expired_in_the_senders_queue_is_not_a_refusal() -> None:
    a = analyze(EXO_EXPIRED, source_name="t.eml")
    assert a.ndr is not None
    r = a.ndr.failed[0]
    assert r.meaning is not None and r.meaning.key == "5.4.312"
    assert r.meaning.matched == "vendor-code"  # catalogued, not its RFC 3463 class
    assert r.rejecter is Rejecter.SENDER_OWN and "never reached" in r.rejecter_why
    d = diagnose(a)
    n = d.get("ndr")
    assert n is not None and n.fact("unreached")
    assert "without reaching the recipient's server" in d.headline
    assert "refused" not in d.headline


def test_exchange_online_queue_codes_are_catalogued() -> None:
    refused = lookup("4.4.316", "450 4.4.316 Connection refused", "microsoft", 450)
    assert refused.key == "4.4.316" and refused.who_acts is WhoActs.RECIPIENT_ADMIN
    assert "Mail flow intelligence" in refused.source
    dns = lookup("5.4.312", "550 5.4.312 Message expired, DNS query failed", "microsoft", 550)
    assert dns.who_acts is WhoActs.SENDER


# Apache James (and many mailbox hosts) write a plain notice with no DSN part and no known layout.
JAMES = b"""Return-Path: <>
Delivered-To: clerk@fabrikam.example
Received: from mx.wireless.example (mx.wireless.example [198.51.100.20])
\tby mail.fabrikam.example (Postfix) with ESMTP id 4AB12C0D3
\tfor <clerk@fabrikam.example>; Tue,  3 Mar 2026 10:00:05 +0000 (UTC)
From: post_master@vtext.wireless.example
To: clerk@fabrikam.example
Subject: Re:Monthly report
Date: 3 Mar 2026 10:00:01 -0000
Content-Type: text/plain; charset=us-ascii

Error: Invalid user address

Error message below:
550 - Requested action not taken: no such user here

Message details:
  Subject: Monthly report
  MAIL FROM: clerk@fabrikam.example
  RCPT TO: 5550100@vtext.wireless.example
  From: clerk@fabrikam.example
"""


def test_plain_notice_with_null_envelope_and_bounce_sender_is_a_bounce() -> None:
    a = analyze(JAMES, source_name="t.eml")
    assert a.ndr is not None and a.ndr.format is NdrFormat.PLAIN
    r = a.ndr.failed[0]
    assert r.address == "5550100@vtext.wireless.example"
    assert r.smtp_code == 550 and r.meaning is not None and r.meaning.key == "text:user-unknown"
    assert diagnose(a).get("ndr") is not None


def test_plain_notice_needs_the_receivers_null_envelope_and_a_bounce_sender() -> None:
    # the same words under a receiver's non-null Return-Path, or from a person: not a bounce
    # (a guard on the new rule: the old code recognised neither either). A copy with no
    # Return-Path at all is read from its transaction echo (tests/test_genndr3.py).
    nonnull = JAMES.replace(
        b"Return-Path: <>\n", b"Return-Path: <post_master@vtext.wireless.example>\n"
    )
    assert analyze(nonnull, source_name="t").ndr is None
    person = JAMES.replace(b"From: post_master@", b"From: pat@")
    assert analyze(person, source_name="t.eml").ndr is None


def test_qmail_every_mx_refused_names_the_remote_and_its_reply() -> None:
    raw = b"""Return-Path: <>
From: MAILER-DAEMON@mx4.hostco.example
To: clerk@fabrikam.example
Subject: failure notice
Date: 3 Mar 2026 10:00:00 +0000

Hi. This is the qmail-send program at mx4.hostco.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<lee@northwind.example>:
Sorry, no SMTP connection got far enough; most progress was RCPT TO response; remote host 203.0.113.32 said: 550 Unknown user lee@northwind.example
. (#5.5.0)
(Other MXes tried: 203.0.113.32 said 550 for RCPT TO response.)

--- Below this line is a copy of the message.

Return-Path: <clerk@fabrikam.example>
From: Town Clerk <clerk@fabrikam.example>
To: lee@northwind.example
Subject: Minutes
"""
    r = analyze(raw, source_name="t.eml").ndr.failed[0]  # type: ignore[union-attr]
    assert r.remote_ip == "203.0.113.32" and r.smtp_code == 550
    assert r.rejecter is Rejecter.RECIPIENT_SERVER
    assert "Other MXes" not in r.diagnostic


def test_returned_copys_stamps_stay_in_its_own_section_with_their_author() -> None:
    original = _ORIGINAL.replace(
        "Return-path: <clerk@fabrikam.example>\n",
        "Return-path: <clerk@fabrikam.example>\n"
        "Authentication-Results: mx.hostco.example; spf=fail smtp.mailfrom=fabrikam.example;\n"
        " dmarc=fail header.from=fabrikam.example\n",
    )
    raw = _dsn(
        _EXIM_HEAD
        + """  info@club.example
    host mx.club.example [203.0.113.5]
    SMTP error from remote mail server after end of data:
    550 5.7.1 DMARC policy violation
""",
        "5.7.1",
        """Action: failed
Final-Recipient: rfc822;info@club.example
Status: 5.7.1
Remote-MTA: dns; mx.club.example
""",
        original,
    )
    md = render_markdown(analyze(raw, source_name="t.eml"))
    top, returned = md.split("## The returned message, analysed on its own")
    verdicts = next(line for line in top.splitlines() if line.startswith("- **Verdicts:**"))
    assert "fail" not in verdicts  # the bounce itself carries no such stamp
    assert "Stamped on the returned copy:** by mx.hostco.example: spf=fail, dmarc=fail" in returned


def _private_ip_titles(raw: bytes) -> list[str]:
    a = analyze(raw, source_name="t.eml")
    out = [f.title for f in stamped_findings(a) if f.code == "received.private-ip-external"]
    if a.ndr is not None and a.ndr.original is not None:
        out += [
            f.title
            for f in stamped_findings(a.ndr.original)
            if f.code == "received.private-ip-external"
        ]
    return out


LOCAL_BOUNCE = b"""Return-path: <>
Received: from mail.hostco.example ([127.0.0.1] helo=mail.hostco.example)
\tby mx.fabrikam.example with esmtp (Exim 4.96)
\tid 1tAbCd-000123-Xy
\tfor clerk@fabrikam.example; Tue, 03 Mar 2026 10:00:05 +0000
Received: from mailnull by mail.hostco.example with local (Exim 4.96)
\tid 1tAbCc-000456-Ab
\tfor clerk@fabrikam.example; Tue, 03 Mar 2026 10:00:04 +0000
X-Failed-Recipients: lee@northwind.example
From: Mail Delivery System <Mailer-Daemon@mail.hostco.example>
To: clerk@fabrikam.example
Subject: Mail delivery failed: returning message to sender
Date: Tue, 03 Mar 2026 10:00:04 +0000

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  lee@northwind.example
    host mx.northwind.example [203.0.113.40]
    SMTP error from remote mail server after RCPT TO:<lee@northwind.example>:
    550 5.1.1 <lee@northwind.example>: Recipient address rejected: User unknown

------ This is a copy of the message, including all the headers. ------

""" + _ORIGINAL.replace(
    "Received: from mail.fabrikam.example ([198.51.100.20])\n\tby mx.hostco.example with esmtps",
    "Received: from webmail.hostco.example ([127.0.0.1] helo=webmail.hostco.example)\n"
    "\tby mail.hostco.example with esmtpa",
).replace("info@club.example", "lee@northwind.example").encode()


def test_locally_generated_bounce_and_its_returned_copy_get_no_forged_trace_warning() -> None:
    assert _private_ip_titles(LOCAL_BOUNCE) == []


def test_ordinary_message_from_loopback_keeps_its_warning() -> None:
    # the security rule stays for mail that is no bounce: the same trace, an ordinary message
    # (a guard: it passes on the old code too)
    plain = LOCAL_BOUNCE.split(b"------ This is a copy", 1)[0]
    plain = plain.replace(b"Return-path: <>", b"Return-path: <pat@hostco.example>")
    plain = plain.replace(b"X-Failed-Recipients: lee@northwind.example\n", b"")
    plain = plain.replace(b"Mail Delivery System <Mailer-Daemon@", b"Pat <pat@")
    plain = plain.replace(b"Mail delivery failed: returning message to sender", b"Lunch")
    plain = plain.split(b"\n\n", 1)[0] + b"\n\nSee you at noon.\n"
    assert analyze(plain, source_name="t.eml").ndr is None
    assert any("127.0.0.1" in t for t in _private_ip_titles(plain))


def test_exchange_55_ims_notice_is_read() -> None:
    raw = b"""Return-Path: <>
From: System Administrator <postmaster@hostco.example>
To: clerk@fabrikam.example
Subject: Undeliverable: Minutes
Date: Tue, 3 Mar 2026 10:00:00 -0500
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="NP"

--NP
Content-Type: text/plain

Your message

  To:      lee@hostco.example
  Subject: Minutes

did not reach the following recipient(s):

lee@hostco.example on Tue, 3 Mar 2026 10:00:00 -0500
    The recipient name is not recognized
    MSEXCH:IMS:HOSTCO:SITE:MAIL1 0 (000C05A6)
Unknown Recipient

--NP--
"""
    a = analyze(raw, source_name="t.eml")
    assert a.ndr is not None
    r = a.ndr.failed[0]
    assert r.address == "lee@hostco.example"
    assert r.meaning is not None and r.meaning.key == "text:user-unknown"


def test_courier_remote_mta_with_its_address_names_the_host() -> None:
    raw = _dsn(
        "Your message to the following recipients cannot be delivered:\n",
        "5.0.0",
        """Final-Recipient: rfc822; lee@northwind.example
Action: failed
Status: 5.0.0
Remote-MTA: dns; mx.northwind.example [203.0.113.40]
Diagnostic-Code: smtp; 550 5.1.1 <lee@northwind.example>... User Unknown
""",
        _ORIGINAL,
    )
    r = analyze(raw, source_name="t.eml").ndr.failed[0]  # type: ignore[union-attr]
    assert r.remote_mta == "mx.northwind.example"


def test_old_sendmail_transcript_names_each_failed_recipient() -> None:
    raw = b"""Return-Path: <MAILER-DAEMON@hostco.example>
From: Mail Delivery Subsystem <MAILER-DAEMON@hostco.example>
To: clerk@fabrikam.example
Subject: Returned mail: Host Name Lookup Failure
Date: Tue, 3 Mar 2026 10:00:00 +0000

   ----- Transcript of session follows -----
550 northwind.example (smtp)... 550 Host unknown
554 <lee@northwind.example>... 550 Host unknown (Authoritative answer from name server)
554 <kim@tailspin.example>... 550 Host unknown (Authoritative answer from name server)

   ----- Unsent message follows -----
From: clerk@fabrikam.example
To: lee@northwind.example
Subject: Minutes
"""
    a = analyze(raw, source_name="t.eml")
    assert a.ndr is not None
    assert [r.address for r in a.ndr.failed] == ["lee@northwind.example", "kim@tailspin.example"]
    assert a.ndr.failed[0].meaning is not None
    assert a.ndr.failed[0].meaning.key == "text:domain-unreachable"


def test_relayed_reply_without_a_host_names_the_recipients_domain() -> None:
    raw = b"""Return-Path: <>
From: MAILER-DAEMON@mail.hostco.example
To: clerk@fabrikam.example
Subject: Failure Notice
Date: Tue, 3 Mar 2026 10:00:00 +0000

Sorry, we were unable to deliver your message to the following address.

<lee@northwind.example>:
Remote host said: 550 5.2.2 <lee@northwind.example>... Mailbox Full [RCPT_TO]

--- Below this line is a copy of the message.

From: clerk@fabrikam.example
To: lee@northwind.example
Subject: Minutes
"""
    d = diagnose(analyze(raw, source_name="t.eml"))
    assert d.headline.startswith("A bounce: northwind.example's mail server refused")


def test_relaying_outbound_service_passes_on_the_recipient_servers_replies() -> None:
    # a sender's own outbound relay reports two remote answers without naming the remote host:
    # a full mailbox or an unknown user elsewhere is never the sender's own server refusing
    raw = _dsn(
        "Delivery to the following recipients failed.\n\n       lee@northwind.example\n",
        "5.1.1",
        """Final-Recipient: rfc822;lee@northwind.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp;550 5.1.1 <lee@northwind.example>... User Unknown

Final-Recipient: rfc822;kim@northwind.example
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp;550 5.2.2 <kim@northwind.example>... Mailbox Full
""",
        _ORIGINAL.replace("mx.hostco.example", "smtp-out.fabrikam.example"),
    ).replace(b"mx.hostco.example", b"smtp-out.fabrikam.example")
    a = analyze(raw, source_name="t.eml")
    assert a.ndr is not None
    assert [r.rejecter for r in a.ndr.failed] == [Rejecter.RECIPIENT_SERVER] * 2
    assert "sender's own" not in diagnose(a).headline


def test_sendmail_transcript_reply_is_the_final_attempts() -> None:
    raw = _dsn(
        """   ----- The following addresses had permanent fatal errors -----
<lee@northwind.example>
    (reason: 551 not our customer)

   ----- Transcript of session follows -----
... while talking to mx-0.northwind.example.:
<<< 450 busy - please try later
... while talking to mx-1.northwind.example.:
>>> DATA
<<< 551 not our customer
""",
        "5.1.6",
        """Final-Recipient: RFC822; lee@northwind.example
Action: failed
Status: 5.1.6
Remote-MTA: DNS; mx-1.northwind.example
Diagnostic-Code: SMTP; 551 not our customer
""",
        _ORIGINAL,
    )
    r = analyze(raw, source_name="t.eml").ndr.failed[0]  # type: ignore[union-attr]
    assert r.smtp_code == 551 and "busy" not in r.diagnostic


def test_qmail_that_never_connected_is_not_a_refusal() -> None:
    raw = b"""Return-Path: <>
From: MAILER-DAEMON@mail.hostco.example
To: clerk@fabrikam.example
Subject: failure notice
Date: Tue, 3 Mar 2026 10:00:00 +0000

Hi. This is the qmail-send program at mail.hostco.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<lee@northwind.example>:
Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)
I'm not going to try again; this message has been in the queue too long.

--- Below this line is a copy of the message.
"""
    d = diagnose(analyze(raw, source_name="t.eml"))
    assert "could not deliver" in d.headline and "refused" not in d.headline


def test_gmail_older_notice_names_the_server_that_rejected_it() -> None:
    raw = b"""Return-Path: <>
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: clerk@fabrikam.example
X-Failed-Recipients: lee@northwind.example
Subject: Delivery Status Notification (Failure)
Date: Wed, 25 Nov 2015 02:19:00 +0000
Content-Type: text/plain; charset=UTF-8

Delivery to the following recipient failed permanently:

     lee@northwind.example

Technical details of permanent failure:
Google tried to deliver your message, but it was rejected by the server for the recipient domain northwind.example by mx1.northwind.example. [203.0.113.25].

The error that the other server returned was:
550 5.1.1 <lee@northwind.example>: Recipient address rejected: User unknown
"""
    r = analyze(raw, source_name="t.eml").ndr.failed[0]  # type: ignore[union-attr]
    assert r.remote_mta == "mx1.northwind.example" and r.remote_ip == "203.0.113.25"


def test_qmail_like_notice_of_another_system_reads_its_reason() -> None:
    raw = b"""Return-Path: <MAILER-DAEMON@mx5.hostco.example>
From: MAILER-DAEMON@northwind.example
To: clerk@fabrikam.example
Subject: Delivery failure
Date: Thu, 9 Apr 2026 23:34:45 -0800

Message from northwind.example.
Unable to deliver message to the following address(es).

<lee@northwind.example>:
This user doesn't have a northwind.example account (lee@northwind.example) [-9]

--- Original message follows.

From: clerk@fabrikam.example
To: lee@northwind.example
Subject: Minutes
"""
    r = analyze(raw, source_name="t.eml").ndr.failed[0]  # type: ignore[union-attr]
    assert r.meaning is not None and r.meaning.key == "text:user-unknown"


def test_remote_mta_given_as_an_address_and_a_commented_status() -> None:
    raw = _dsn(
        "The following message to <lee@northwind.example> was undeliverable.\n",
        "5.0.0",
        """Final-Recipient: rfc822;lee@northwind.example
Action: failed
Status: 5.0.0 (permanent failure)
Remote-MTA: dns; [203.0.113.240]
Diagnostic-Code: smtp; 5.3.0 - Other mail system problem 550-'Unknown user lee@northwind.example'
""",
        _ORIGINAL,
    )
    r = analyze(raw, source_name="t.eml").ndr.failed[0]  # type: ignore[union-attr]
    assert r.status == "5.0.0" and r.remote_ip == "203.0.113.240" and r.remote_mta is None


def test_a_reports_own_diagnostic_is_not_replaced_by_a_guessed_text_layout() -> None:
    # Courier's text part looks like qmail's "<rcpt>:" paragraph: the DSN part's reply stands
    raw = _dsn(
        """Your message to the following recipients cannot be delivered:

<lee@northwind.example>:
    mx.northwind.example [203.0.113.40]:
>>> RCPT TO:<lee@northwind.example>
<<< 550 5.1.1 <lee@northwind.example>... User Unknown
""",
        "5.0.0",
        """Final-Recipient: rfc822; lee@northwind.example
Action: failed
Status: 5.0.0
Remote-MTA: dns; mx.northwind.example [203.0.113.40]
Diagnostic-Code: smtp; 550 5.1.1 <lee@northwind.example>... User Unknown
""",
        _ORIGINAL,
    )
    r = analyze(raw, source_name="t.eml").ndr.failed[0]  # type: ignore[union-attr]
    assert r.effective_status == "5.1.1" and r.diagnostic.startswith("550 5.1.1")


def test_groupwise_notice_is_read() -> None:
    raw = b"""Return-Path: <MAILER-DAEMON@mail.fabrikam.example>
Received: from SMSD_Domain-MTA by gw.northwind.example
\twith Novell_GroupWise; Tue, 26 Sep 2026 14:34:00 -0400
X-Mailer: Novell GroupWise Internet Agent 7.0.1
Date: Tue, 26 Sep 2026 14:34:00 -0400
From: Mailer-Daemon@gw.northwind.example
To: clerk@fabrikam.example
Subject: Message status - undeliverable
Mime-Version: 1.0
Content-Type: multipart/mixed; boundary="=__Part0__="

--=__Part0__=
Content-Type: text/plain; charset=UTF-8

The message that you sent was undeliverable to the following:

\tlee@northwind.example (user not found)
\tkim (User not on post office)


--=__Part0__=--
"""
    a = analyze(raw, source_name="t.eml")
    assert a.ndr is not None
    assert [r.address for r in a.ndr.failed] == ["lee@northwind.example", "kim"]
    assert all(r.meaning is not None and r.meaning.key == "text:user-unknown" for r in a.ndr.failed)


def test_ionos_notice_reads_the_reason_paragraph() -> None:
    raw = b"""From: "Mail Delivery System" <mailer-daemon@kundenserver.example>
To: clerk@fabrikam.example
Date: Tue, 23 Dec 2026 21:39:30 +0100
Subject: Mail delivery failed: returning message to sender
Content-Type: text/plain; charset=utf-8

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of
its recipients. This is a permanent error.

The following address failed:

lee@northwind.example

For the following reason:

Mail size limit exceeded. For explanation visit
http://postmaster.ionos.example/en/error-messages

--- The header of the original message is following. ---

From: clerk@fabrikam.example
To: lee@northwind.example
"""
    r = analyze(raw, source_name="t.eml").ndr.failed[0]  # type: ignore[union-attr]
    assert r.meaning is not None and r.meaning.key == "text:too-large"
    assert r.meaning.who_acts is WhoActs.SENDER


def test_routing_loop_is_for_the_administrator_of_the_looping_servers() -> None:
    for status in ("4.4.6", "5.4.6"):
        m = lookup(status, "", None, None)
        assert m.who_acts is WhoActs.RECIPIENT_ADMIN and "Resending will not help" in m.fix
    raw = _dsn(
        "Unable to deliver message: the message was forwarded more than the maximum allowed "
        "times. This could indicate a mail loop.\n",
        "4.4.6",
        """Final-Recipient: rfc822;lee@northwind.example
Action: failed
Status: 4.4.6
""",
        _ORIGINAL,
    )
    r = analyze(raw, source_name="t.eml").ndr.failed[0]  # type: ignore[union-attr]
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.RECIPIENT_ADMIN
