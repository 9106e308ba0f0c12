"""A bounce's reason and party from its reply TEXT, not only its status code (issue 11, fourth
round): a recipient's own preferences, an invalid recipient under a policy status, an address
(not IP) block list, an SMTP protocol violation at the host that said it, relay denied at the
recipient's MX, a delay whose text says the recipient's server took no connection, and the
generic reasons (greylisting, rate limits, viruses, disabled accounts). Synthetic messages of
each shape seen in real bounces (names, hosts and addresses changed)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.model import Rejecter, WhoActs
from headerlens.parsers.ndr_codes import lookup
from headerlens.report.markdown import render_markdown

D = "Tue, 03 Mar 2026 10:00:05 +0000"


def _dsn(
    *,
    sender: str,
    reporting: str,
    recipient: str,
    status: str,
    diagnostic: str,
    notice: str = "Your message could not be delivered.",
    received: str = "",
    original_from: str = "clerk@fabrikam.example",
    remote: str = "",
    action: str = "failed",
) -> bytes:
    remote_line = f"Remote-MTA: dns; {remote}\n" if remote else ""
    return f"""{received}Return-Path: <>
From: Mail Delivery System <{sender}>
To: {original_from}
Subject: Undelivered Mail Returned to Sender
Date: {D}
Message-ID: <dsn.4711@{sender.partition("@")[2]}>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BND"

--BND
Content-Type: text/plain

{notice}

--BND
Content-Type: message/delivery-status

Reporting-MTA: dns; {reporting}

Final-Recipient: rfc822; {recipient}
Action: {action}
Status: {status}
{remote_line}Diagnostic-Code: smtp; {diagnostic}

--BND
Content-Type: text/rfc822-headers

From: Town Clerk <{original_from}>
To: {recipient}
Subject: Minutes
Date: {D}
Message-ID: <minutes.1@fabrikam.example>

--BND--
""".encode()


# --- 1. the recipient's own preferences refuse the sender (Facebook's RCP-P2) ----------------

SOCIAL = _dsn(
    sender="mailer-daemon@mx.social.example",
    reporting="10.20.30.40",
    recipient="pat@social.example",
    status="5.1.1",
    diagnostic="550 5.1.1 RCP-P2 https://postmaster.social.example/codes#rcp Refused due to "
    "recipient preferences",
    notice="Based on the email preferences of the person you're trying to email, this message "
    "could not be delivered.",
)


def test_a_recipients_preference_refusal_is_no_unknown_address_and_nobody_at_the_sender_fixes_it() -> (
    None
):
    a = analyze(SOCIAL)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.meaning is not None and r.meaning.key == "text:recipient-preference"
    assert r.meaning.who_acts is WhoActs.RECIPIENT  # X.1.1 alone said "check the address"
    headline = diagnose(a).headline
    assert "(5.1.1, recipient preference)" in headline
    # the DSN names its reporter by an internal IP only: the bounce's own host says who refused
    assert "mx.social.example refused" in headline
    assert r.rejecter is Rejecter.RECIPIENT_MAILBOX
    md = render_markdown(a)
    assert "Who must act:** the recipient (their own settings refuse this sender)" in md
    assert "Check the address for typos" not in md


# --- 2. "553 Invalid recipient" under Status 5.7.1: the text wins over the class -------------

INVALID_RCPT = _dsn(
    sender="MAILER-DAEMON@fwd.example",
    reporting="relay3.fwd.example",
    recipient="destinaion@club.example",
    status="5.7.1",
    remote="mx1.club.example",
    diagnostic="553 Invalid recipient destinaion@club.example (Mode: normal)",
)


def test_an_invalid_recipient_text_is_the_senders_address_to_correct_despite_a_policy_status() -> (
    None
):
    a = analyze(INVALID_RCPT)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.meaning is not None and r.meaning.key == "text:invalid-recipient"
    assert r.meaning.who_acts is WhoActs.SENDER  # 5.7.1 alone said the sender's admin
    assert "(5.7.1, invalid recipient)" in diagnose(a).headline
    assert "Who must act:** the sender (check the address" in render_markdown(a)


# --- 3. an ADDRESS on the receiver's block list is not an IP DNSBL listing -------------------

EXIM_ADDRESS_BLOCKED = f"""Received: from mta2.fabrikam.example by relay.fabrikam.example with local (Exim 4.96)
\tid 1aTv7c-0004bm-Aa for clerk@fabrikam.example; {D}
Return-Path: <>
From: Mail Delivery System <Mailer-Daemon@relay.fabrikam.example>
To: clerk@fabrikam.example
Subject: Mail delivery failed: returning message to sender
Date: {D}
Message-ID: <E1aTv7c-0004bm-Aa@relay.fabrikam.example>
X-Failed-Recipients: kim@club.example

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  kim@club.example
    "Sorry, you are sending to/from an address that has been blacklisted"

------ This is a copy of the message, including all the headers. ------

Return-path: <clerk@fabrikam.example>
From: Town Clerk <clerk@fabrikam.example>
To: kim@club.example
Subject: Minutes
Date: {D}
Message-ID: <E1aTv7a-0004bl-9z@relay.fabrikam.example>

Minutes.
""".encode()


def test_an_address_blocklist_is_not_read_as_the_sending_ip_on_a_dnsbl() -> None:
    a = analyze(EXIM_ADDRESS_BLOCKED)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.meaning is not None and r.meaning.key == "text:address-blocklist"
    assert r.meaning.about != "ip"
    md = render_markdown(a)
    assert "Look the sending IP up" not in md
    assert "address blocklist" in diagnose(a).headline
    # the sending IP on a DNS blocklist keeps its own reading
    for said in (
        "554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using zen.spamhaus.example",
        "550 Your IP 192.0.2.7 is blacklisted",
    ):
        assert lookup("5.7.1", said, None, 554).key == "text:ip-blocklist", said


# --- 4. a protocol violation said by the remote host: the refuser is that host ---------------

OLD_POSTFIX_PROTOCOL = f"""Return-Path: <>
Received: from relay2.fabrikam.example (relay2.fabrikam.example [203.0.113.129])
\tby inbox.fabrikam.example (Postfix) with ESMTP id 00000000EE
\tfor <clerk@fabrikam.example>; {D}
Received: by relay2.fabrikam.example (Postfix) id 00000000AA; {D}
Date: {D}
From: MAILER-DAEMON@relay2.fabrikam.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: clerk@fabrikam.example
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BND"
Message-Id: <20260303100005.8907FEE236@relay2.fabrikam.example>

--BND
Content-Description: Notification
Content-Type: text/plain

This is the Postfix program at host relay2.fabrikam.example.

I'm sorry to have to inform you that your message could not be
be delivered to one or more recipients. It's attached below.

<kim@club.example>: host mx2.club.example[198.51.100.24] said: 550 Protocol
    violation (in reply to DATA command)

--BND
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; relay2.fabrikam.example
Arrival-Date: {D}

Final-Recipient: rfc822; kim@club.example
Action: failed
Status: 5.0.0
Diagnostic-Code: X-Postfix; host mx2.club.example[198.51.100.24] said: 550
    Protocol violation (in reply to DATA command)

--BND
Content-Description: Undelivered Message
Content-Type: message/rfc822

Received: by inbox.fabrikam.example (Postfix, from userid 2222) id AAAAAA2222; {D}
To: kim@club.example
Subject: Minutes
From: Town Clerk <clerk@fabrikam.example>
Message-Id: <20260303100005.0000000022@inbox.fabrikam.example>
Date: {D}

Minutes.

--BND--
""".encode()


def test_a_protocol_violation_is_refused_by_the_host_that_said_it_not_the_senders_relay() -> None:
    a = analyze(OLD_POSTFIX_PROTOCOL)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.remote_mta == "mx2.club.example" and r.remote_ip == "198.51.100.24"
    assert r.smtp_stage == "DATA" and r.smtp_code == 550
    assert r.rejecter is Rejecter.RECIPIENT_SERVER  # was "the sender's own server"
    assert r.meaning is not None and r.meaning.key == "text:protocol-violation"
    assert r.meaning.who_acts is WhoActs.SENDER_ADMIN
    headline = diagnose(a).headline
    assert "mx2.club.example refused" in headline and "protocol violation" in headline
    assert "sender's own server" not in headline
    for said in (
        "503 5.5.0 Improper use of SMTP command pipelining",
        "554 5.5.0 Bare <LF> received after DATA",
        "554 SMTP synchronization error",
    ):
        assert lookup("5.5.0", said, None, 554).key == "text:protocol-violation", said


# --- 5. relay denied: at the recipient's MX the recipient side acts; at the sender's own relay
# the sender's admin --------------------------------------------------------------------------


def test_relay_denied_by_the_recipients_server_is_the_recipient_sides_to_fix() -> None:
    raw = _dsn(
        sender="MAILER-DAEMON@bounces.sendco.example",
        reporting="out-7.smtp.sendco.example",
        recipient="kim@club.example",
        status="5.7.1",
        remote="mx.club.example",
        diagnostic="554 5.7.1 <kim@club.example>: Relay access denied",
    )
    a = analyze(raw)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.meaning is not None and r.meaning.key == "text:relay-denied"
    assert r.rejecter is Rejecter.RECIPIENT_SERVER
    assert r.meaning.who_acts is WhoActs.RECIPIENT_ADMIN
    assert "Check the domain part of the recipient's address" in r.meaning.fix


def test_relay_denied_by_the_senders_own_relay_is_the_senders_admins() -> None:
    raw = _dsn(
        sender="MAILER-DAEMON@relay.fabrikam.example",
        reporting="relay.fabrikam.example",
        recipient="kim@club.example",
        status="5.7.1",
        diagnostic="554 5.7.1 <kim@club.example>: Relay access denied",
    )
    a = analyze(raw)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.rejecter is Rejecter.SENDER_OWN
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.SENDER_ADMIN


# --- 6. a delay whose text says the recipient's server took no connection --------------------

GMAIL_DELAY_SOCKET = f"""Received: by 10.66.157.161 with SMTP id wn1mr21674400pab.40; {D}
Return-Path: <>
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: ana@gmail.example.com
Subject: Delivery Status Notification (Delay)
Message-ID: <047d7b86c2009839dead@google.com>
Date: {D}
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8

This is an automatically generated Delivery Status Notification

THIS IS A WARNING MESSAGE ONLY.

YOU DO NOT NEED TO RESEND YOUR MESSAGE.

Delivery to the following recipient has been delayed:

     kim@club.example

Message will be retried for 2 more day(s)

Technical details of temporary failure:
The recipient server did not accept our requests to connect. Learn more at https://support.google.com/mail/answer/7720
[(0) mx.club.example. [192.0.2.135]:25: socket error]

----- Original message -----

From: Ana <ana@gmail.example.com>
To: kim@club.example
Subject: Hello
Date: {D}
Message-Id: <hello.1@gmail.example.com>

hello
""".encode()


def test_a_delay_whose_text_says_no_connection_names_the_unreachable_recipient_server() -> None:
    a = analyze(GMAIL_DELAY_SOCKET)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.action == "delayed"
    assert r.meaning is not None and r.meaning.key == "text:connection-failed"
    assert r.meaning.who_acts is WhoActs.RECIPIENT_ADMIN
    assert "gives no reason" not in r.meaning.explanation
    assert r.remote_mta == "mx.club.example" and r.remote_ip == "192.0.2.135"
    assert r.rejecter is Rejecter.RECIPIENT_SERVER
    assert "could not be reached" in r.rejecter_why
    headline = diagnose(a).headline
    assert headline.startswith("A delay notice") and "connection failed" in headline


# --- 7. the generic reasons, and what keeps its vendor entry ---------------------------------


def test_generic_reply_texts_name_their_reason() -> None:
    cases = {
        "450 4.2.0 <kim@club.example>: Recipient address rejected: Greylisted, see "
        "https://postgrey.example/": ("text:greylisted", WhoActs.NOBODY),
        "421 4.7.0 Message rate limit exceeded, try again later": (
            "text:rate-limited",
            WhoActs.SENDER_ADMIN,
        ),
        "554 5.7.1 Message rejected: virus found (Eicar-Test-Signature)": (
            "text:virus",
            WhoActs.SENDER,
        ),
        "550 5.2.1 The account kim@club.example is disabled": (
            "text:account-disabled",
            WhoActs.SENDER,
        ),
        "connect to mx.club.example[192.0.2.9]:25: Connection refused": (
            "text:connection-failed",
            WhoActs.RECIPIENT_ADMIN,
        ),
    }
    for said, (key, who) in cases.items():
        m = lookup(None, said, None)
        assert (m.key, m.who_acts) == (key, who), said


def test_a_vendor_code_keeps_its_entry_over_a_generic_text() -> None:
    gmail = lookup(
        "4.7.28",
        "421-4.7.28 Our system has detected an unusual rate of unsolicited mail; mail from "
        "your IP address has been temporarily rate limited and throttled",
        "google",
        421,
    )
    assert gmail.key == "4.7.28"
    exo = lookup("4.4.316", "451 4.4.316 Connection refused [Message=SocketError]", "microsoft")
    assert exo.key == "4.4.316"


# --- 8. more reply texts seen in real Postfix bounces ----------------------------------------

POSTFIX_NOTICE = """Return-Path: <>
Received: by relay.fabrikam.example (Postfix) id 77777777EE; {date}
Date: {date}
From: MAILER-DAEMON@relay.fabrikam.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: clerk@fabrikam.example
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BND"
Message-Id: <20260303.77777777EE@relay.fabrikam.example>

--BND
Content-Description: Notification
Content-Type: text/plain

This is the mail system at host relay.fabrikam.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

<{rcpt}>: host {host}[198.51.100.18] {said}

--BND
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.fabrikam.example
Arrival-Date: {date}

Final-Recipient: rfc822; {rcpt}
Action: failed
Status: {status}
Remote-MTA: dns; {host}

--BND
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Town Clerk <clerk@fabrikam.example>
To: {rcpt}
Subject: Minutes
Date: {date}
Message-ID: <minutes.2@fabrikam.example>

--BND--
"""


def _postfix(said: str, status: str, host: str = "mx.club.example") -> bytes:
    return POSTFIX_NOTICE.format(
        date=D, rcpt="kim@club.example", host=host, said=said, status=status
    ).encode()


def test_refused_to_talk_to_me_is_the_remotes_greeting_and_a_dnsbl_link_names_an_ip_listing() -> (
    None
):
    a = analyze(
        _postfix(
            "refused to talk to me:\n    554 Blocked - see\n"
            "    https://support.filterco.example/dnsbl-lookup.cgi?ip=192.0.2.225",
            "4.0.0",
        )
    )
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.diagnostic.startswith("554 Blocked")  # the "host … refused to talk to me:" is read
    assert r.meaning is not None and r.meaning.key == "text:ip-blocklist"
    assert r.meaning.who_acts is WhoActs.SENDER_ADMIN  # 4.0.0 alone: "the sender"


def test_postfix_reply_texts_read_as_their_reason() -> None:
    cases = {
        # a refusal "by policy" that names none: the recipient side's own rule
        ("said: 550 Denied by\n    policy (in reply to RCPT TO command)", "5.0.0"): (
            "text:policy-refusal",
            WhoActs.RECIPIENT_ADMIN,
        ),
        # relaying refused at the recipient's server in other words
        (
            "said: 501 Rcpt-To\n    validation failed: 5.7.1 This system is not\n"
            "    configured to relay mail (in reply to RCPT TO command)",
            "5.0.0",
        ): ("text:relay-denied", WhoActs.RECIPIENT_ADMIN),
        # Yahoo's "not accepted for policy reasons" is its authentication refusal
        (
            "said: 554\n    Message not allowed - DM Email not accepted for policy reasons. "
            "(in reply to end of DATA command)",
            "5.0.0",
        ): ("text:auth-policy", WhoActs.SENDER_ADMIN),
        # the envelope sender's DOMAIN on Spamhaus's list, not the sending IP
        (
            "said:\n    550-5.1.0 MXIN506 MailFrom domain is listed in Spamhaus. To request "
            "removal\n    see the list's site (in reply to MAIL FROM command)",
            "5.1.0",
        ): ("text:domain-blocklist", WhoActs.SENDER_ADMIN),
        # Gmail: the sending IP's low reputation
        (
            "said: 550-5.7.1 Our system has detected that this message is likely suspicious due "
            "to the very low reputation of the sending IP address. - gsmtp (in reply to end of "
            "DATA command)",
            "5.7.1",
        ): ("text:ip-low-reputation", WhoActs.SENDER_ADMIN),
    }
    for (said, status), (key, who) in cases.items():
        a = analyze(_postfix(said, status))
        assert a.ndr is not None
        (r,) = a.ndr.failed
        assert r.meaning is not None, said
        assert (r.meaning.key, r.meaning.who_acts) == (key, who), said
        assert r.rejecter is Rejecter.RECIPIENT_SERVER, said
    dom = lookup("5.1.0", "550 5.1.0 MailFrom domain is listed in Spamhaus", None, 550)
    assert "IP" not in dom.explanation.split(":")[0]


def test_a_sending_services_smtp_endpoint_is_the_senders_own_relay_not_the_recipients_server() -> (
    None
):
    a = analyze(
        _postfix(
            "said: 554\n    Transaction failed: Duplicate header 'DKIM-Signature'. (in reply "
            "to end of\n    DATA command)",
            "5.0.0",
            host="email-smtp.eu-west-1.amazonaws.com",
        )
    )
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.rejecter is Rejecter.SENDER_OWN  # was "the recipient's mail server"
    assert r.meaning is not None and r.meaning.key == "text:header-malformed"
    assert r.meaning.who_acts is WhoActs.SENDER_ADMIN


def test_line_limit_and_greeting_refusals_name_their_reason() -> None:
    line = lookup(None, "500 Line limit exceeded", None, 500)
    assert (line.key, line.who_acts) == ("text:line-too-long", WhoActs.SENDER_ADMIN)
    greeting = lookup("5.5.0", "554 mx7.mail.club.example ESMTP not accepting connections", None)
    assert (greeting.key, greeting.who_acts) == ("text:greeting-refused", WhoActs.SENDER_ADMIN)
    # "Invalid recipient" under a protocol status (La Poste: 550 5.5.0)
    laposte = lookup("5.5.0", "550 5.5.0 Adresse destinataire invalide. Invalid recipient.", None)
    assert (laposte.key, laposte.who_acts) == ("text:invalid-recipient", WhoActs.SENDER)


# --- 9. a bounce attached to the returned original is not this report's failure -------------

NESTED = _dsn(
    sender="MAILER-DAEMON@relay.fabrikam.example",
    reporting="relay.fabrikam.example",
    recipient="kim@club.example",
    status="5.7.1",
    remote="mail.club.example",
    diagnostic="550 5.7.1 message content rejected",
).replace(
    b"""--BND
Content-Type: text/rfc822-headers
""",
    b"""--BND
Content-Type: message/rfc822

From: Town Clerk <clerk@fabrikam.example>
To: kim@club.example
Subject: Fwd: a bounce I got
Date: Tue, 03 Mar 2026 10:00:05 +0000
Message-ID: <fwd.1@fabrikam.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="INNER"

--INNER
Content-Type: text/plain

Can you read this bounce?

--INNER
Content-Type: message/rfc822

From: MAILER-DAEMON@other.example
To: clerk@fabrikam.example
Subject: Returned mail
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="OLD"

--OLD
Content-Type: text/plain

Old notice.

--OLD
Content-Type: message/delivery-status

Reporting-MTA: dns; other.example

Final-Recipient: rfc822; pat@gone.example
Action: failed
Status: 5.0.0
Diagnostic-Code: smtp; 554 delivery error: This user doesn't have a gone.example account

--OLD--

--INNER--

--BND
Content-Type: text/rfc822-headers
""",
)


def test_a_bounce_attached_inside_the_returned_original_adds_no_failed_recipient() -> None:
    a = analyze(NESTED)
    assert a.ndr is not None
    assert [r.address for r in a.ndr.failed] == ["kim@club.example"]
    (r,) = a.ndr.failed
    assert r.meaning is not None and r.meaning.key == "text:content-spam"


def test_client_refusals_dmarc_wordings_and_invalid_addresses_are_read() -> None:
    cases = [
        ("5.7.1", "554 5.7.1 <mx.fabrikam.example>: Client host rejected: #216 lpn", "client"),
        (
            "5.7.0",
            "550 5.7.0 <a@fabrikam.example>... Please use the smtp server of your ISP.",
            "client",
        ),
        ("5.0.0", "550 <kim@club.example>: invalid address", "invalid-recipient"),
        (
            "5.7.1",
            "550 5.7.1 This message was not accepted due to domain (fabrikam.example) owner DMARC "
            "policy (RFC 7489)",
            "dmarc-policy",
        ),
        (
            "5.7.1",
            "554 5.7.1 Your message was rejected due to fabrikam.example's DMARC policy.",
            "dmarc-policy",
        ),
        ("4.7.1", "450 4.7.1 Access denied. IP name lookup failed [192.0.2.222]", "reverse-dns"),
        (
            "5.0.0",
            "Your email to group team@club.example was rejected due to spam classification.",
            "content-spam",
        ),
    ]
    for status, said, key in cases:
        m = lookup(status, said, None)
        assert m.key == ("text:client-rejected" if key == "client" else f"text:{key}"), said
    # a sender address the receiver calls invalid stays the sender's, not an invalid recipient
    assert lookup("5.1.8", "553 5.1.8 invalid sender address", None).key == (
        "text:sender-domain-invalid"
    )


def test_a_recipient_access_rule_refusal_asks_for_the_address_but_exchange_keeps_its_code() -> None:
    m = lookup(
        "5.7.1", "554 5.7.1 <kim@clb.example>: Recipient address rejected: Access denied", None
    )
    assert (m.key, m.who_acts) == (
        "text:recipient-refused",
        WhoActs.SENDER,
    )  # class: sender's admin
    exo = lookup(
        "5.4.1",
        "550 5.4.1 [kim@club.example]: Recipient address rejected: Access denied "
        "[AM0PR01MB0001.eurprd01.prod.outlook.com]",
        "microsoft",
    )
    assert exo.key == "5.4.1"


def test_the_senders_own_suspended_account_is_not_read_as_the_recipients_disabled_one() -> None:
    own = lookup("5.7.1", "550 5.7.1 Your account has been suspended for sending spam", None)
    assert own.key != "text:account-disabled"
    assert own.who_acts is not WhoActs.SENDER  # "reach the recipient another way" would be wrong
    theirs = lookup("5.2.1", "550 5.2.1 The account kim@club.example has been suspended", None)
    assert theirs.key == "text:account-disabled"
