"""Bounces read as an expert reads them (issue 11, third round): the party at fault from the reply's
text, Google Groups and Gmail notices without a status code, Google's own outbound, backscatter,
a returned copy that is headers-only by design, a bounce's own content-filter loop, plain-text
notices without the receiver's null Return-Path. Synthetic messages of each shape seen in real
bounces (names and addresses changed)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.ndr import one_operator, read_report, vouched
from headerlens.model import WhoActs
from headerlens.parsers.ndr_codes import lookup
from headerlens.report.markdown import render_markdown

D = "Tue, 03 Mar 2026 10:00:05 +0000"


def _md(raw: bytes) -> str:
    return render_markdown(analyze(raw))


# --- 1. the party at fault from the reply's text -------------------------------------------


EXIM_FROM_INVALID = f"""Received: from mta2.fabrikam.example by relay.fabrikam.example with local (Exim 4.96)
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
    host smtp.hostco.example [192.0.2.222]
    SMTP error from remote mail server after end of data:
    550 5.2.0 <clerk@relay.fabrikam.example> From: Domain is invalid. Please provide a valid From: IB506

------ This is a copy of the message, including all the headers. ------

Return-path: <clerk@relay.fabrikam.example>
Received: from clerk by relay.fabrikam.example with local (Exim 4.96)
\tid 1aTv7a-0004bl-9z for kim@club.example; {D}
From: Town Clerk <clerk@nonexistent.fabrikam.example>
To: kim@club.example
Subject: Minutes
Date: {D}
Message-ID: <E1aTv7a-0004bl-9z@relay.fabrikam.example>

Minutes.
""".encode()


def test_an_invalid_from_domain_is_the_senders_to_fix_whatever_the_class_says() -> None:
    a = analyze(EXIM_FROM_INVALID)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.meaning is not None and r.meaning.key == "text:sender-domain-invalid"
    assert r.meaning.who_acts is WhoActs.SENDER_ADMIN  # X.2.0 alone said the recipient's admin
    md = render_markdown(a)
    assert "Who must act:** the sender's mail administrator" in md
    assert "recipient's mail administrator" not in md
    assert "(5.2.0, sender domain invalid)" in diagnose(a).headline


def test_the_sender_texts_win_over_user_unknown_and_domain_unreachable() -> None:
    for said in (
        "553 5.1.8 <a@b.example>... Domain of sender address a@nowhere.example does not exist",
        "450 4.1.8 <a@nowhere.example>: Sender address rejected: Domain not found",
        "550 Sender verify failed",
    ):
        m = lookup("5.1.8", said, None, 553)
        assert m.key == "text:sender-domain-invalid", said
        assert m.who_acts is WhoActs.SENDER_ADMIN
    # the recipient's own domain missing is still the recipient's address problem
    m = lookup(
        None, "Host or domain name not found. Name service error for name=club.example", None
    )
    assert m.key == "text:domain-unreachable"
    assert (
        lookup(
            None, "550 5.1.1 <kim@club.example>: Recipient address rejected: User unknown", None
        ).key
        == "text:user-unknown"
    )


# --- 2. Google's notices without a status code, Google's own outbound ------------------------


def _google(body: str, client: str, failed: str) -> bytes:
    return f"""Return-Path: <>
Received: from {client}
\tby mx.fabrikam.example (Postfix) with ESMTPS id 4Q1
\tfor <clerk@fabrikam.example>; {D}
Received: by mail-pj1-f49.google.com with SMTP id 98e67ed59e1d1-2f
        for <clerk@fabrikam.example>; Tue, 03 Mar 2026 02:00:04 -0800 (PST)
MIME-Version: 1.0
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: clerk@fabrikam.example
Subject: Delivery Status Notification (Failure)
Auto-Submitted: auto-replied
Message-ID: <5e59.1c69fb81.GMR@mx.google.com>
Date: Tue, 03 Mar 2026 02:00:04 -0800 (PST)
X-Failed-Recipients: {failed}
Content-Type: text/plain; charset="UTF-8"

{body}

----- Original message -----

Return-Path: <clerk@fabrikam.example>
Received: from mx.fabrikam.example (mx.fabrikam.example. [198.51.100.20])
        by gmr-mx.google.com with ESMTP id x13si1
        for <{failed}>; Tue, 03 Mar 2026 02:00:03 -0800 (PST)
From: Town Clerk <clerk@fabrikam.example>
To: {failed}
Subject: Minutes
Date: {D}
Message-ID: <abc@fabrikam.example>

Minutes.
""".encode()


GOOGLE_CLIENT = "mail-pj1-f49.google.com (mail-pj1-f49.google.com [203.0.113.49])"
GROUPS_EN = """Hello clerk@fabrikam.example,

We're writing to let you know that the group you tried to contact (council) may not exist, or you may not have permission to post messages to the group. A few more details on why you weren't able to post:

 * You might have spelled or formatted the group name incorrectly.
 * You may need to join the group before receiving permission to post.

Thanks,

Google Groups"""
GROUPS_JA = (
    "clerk@fabrikam.example \u69d8\n\n"
    "\u9023\u7d61\u3057\u3088\u3046\u3068\u3057\u305f\u30b0\u30eb\u30fc\u30d7\uff08council\uff09"
    "\u304c\u5b58\u5728\u3057\u306a\u3044\u304b\u3001\u30b0\u30eb\u30fc\u30d7\u306b\u30e1\u30c3"
    "\u30bb\u30fc\u30b8\u3092\u6295\u7a3f\u3059\u308b\u6a29\u9650\u304c\u306a\u3044\u53ef\u80fd"
    "\u6027\u304c\u3042\u308a\u307e\u3059\u3002\n\nGoogle Groups"
)
QUOTA = """Delivery to the following recipient failed permanently:

     kim@club.example

Technical details of permanent failure:=20
Storage quota exceeded"""


def test_a_google_groups_refusal_is_read_in_english_and_japanese() -> None:
    for body in (GROUPS_EN, GROUPS_JA):
        raw = _google(body, GOOGLE_CLIENT, "council@googlegroups.com")
        a = analyze(raw)
        assert a.ndr is not None
        (r,) = a.ndr.failed
        assert r.meaning is not None and r.meaning.key == "text:group-post-refused"
        assert r.meaning.who_acts is WhoActs.SENDER
        d = diagnose(a)
        assert "google-groups" in d.labels() and "ndr" in d.labels()
        assert "Google Groups refused the post to council@googlegroups.com" in d.headline
        assert "may be forged" not in d.headline


def test_gmails_storage_quota_notice_is_a_full_mailbox() -> None:
    raw = _google(QUOTA, GOOGLE_CLIENT, "kim@club.example").replace(
        b'charset="UTF-8"', b'charset="UTF-8"\nContent-Transfer-Encoding: quoted-printable'
    )
    a = analyze(raw)
    report = read_report(a)
    assert report is not None and report.status == "no status code, mailbox full"
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.RECIPIENT_ADMIN
    assert r.diagnostic == "Storage quota exceeded"


def test_a_sending_quota_is_no_full_mailbox() -> None:
    for said in (
        "550 5.4.5 Daily user sending quota exceeded.",
        "554 5.2.2 Submission quota exceeded",
    ):
        assert lookup(None, said, None).key != "text:mailbox-full", said


def test_googles_outbound_ties_a_googlemail_bounce_only_by_the_receivers_own_evidence() -> None:
    assert one_operator("mail-pj1-f49.google.com", "googlemail.com")
    assert not one_operator("mail.attacker.example", "googlemail.com")
    assert not one_operator("google.com.attacker.example", "googlemail.com")
    # Postfix confirmed the client's reverse DNS (it writes "unknown" otherwise): Google's own host
    assert vouched(analyze(_google(QUOTA, GOOGLE_CLIENT, "kim@club.example")), None)
    # the same notice from a host of another organisation: nothing ties it to Google
    other = "mail.attacker.example (mail.attacker.example [203.0.113.66])"
    assert not vouched(analyze(_google(QUOTA, other, "kim@club.example")), None)
    # a Google-looking HELO whose reverse DNS the receiver could not confirm proves nothing
    claimed = "mail-pj1-f49.google.com (unknown [203.0.113.66])"
    assert not vouched(analyze(_google(QUOTA, claimed, "kim@club.example")), None)


def test_offline_a_google_bounce_from_googles_host_is_not_called_possibly_forged() -> None:
    d = diagnose(analyze(_google(QUOTA, GOOGLE_CLIENT, "kim@club.example")))
    assert "forged" not in d.headline and "not confirmed" not in d.headline
    other = "mail.attacker.example (mail.attacker.example [203.0.113.66])"
    d = diagnose(analyze(_google(QUOTA, other, "kim@club.example")))
    assert "not confirmed offline" in d.headline


# --- 3. backscatter ------------------------------------------------------------------------


def _postfix_bounce(original_received: str, envelope: str, to: str, wrap: bool = False) -> bytes:
    """A Postfix DSN for an SPF refusal by the recipient's server, addressed to ``to``; ``wrap``
    puts it inside a list's multipart/mixed with a footer (Mailman distributing the bounce)."""
    report = f"""Content-Type: multipart/report; report-type=delivery-status;
\tboundary="R1"

--R1
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host relay.hostco.example.

<kim@club.example>: host mx1.club.example[198.51.100.60] said: 550 SPF check
    failed (in reply to end of DATA command)

--R1
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.hostco.example
X-Postfix-Sender: rfc822; {envelope}

Final-Recipient: rfc822; kim@club.example
Action: failed
Status: 5.0.0
Remote-MTA: dns; mx1.club.example
Diagnostic-Code: smtp; 550 SPF check failed

--R1
Content-Type: text/rfc822-headers

Return-Path: <{envelope}>
{original_received}From: Prize Office <{envelope}>
To: kim@club.example
Subject: You won
Date: {D}
Message-Id: <prize1@relay.hostco.example>

--R1--
"""
    if wrap:
        report = f"""Content-Type: multipart/mixed; boundary="L1"

--L1
{report}
--L1
Content-Type: text/plain

List footer.
--L1--
"""
    return f"""Return-Path: <>
Received: from relay.hostco.example (relay.hostco.example [203.0.113.10])
\tby mx.fabrikam.example (Postfix) with ESMTPS id 4Q2
\tfor <{to}>; {D}
Received: by relay.hostco.example (Postfix) id 4Q3; {D}
From: MAILER-DAEMON@relay.hostco.example (Mail Delivery System)
To: {to}
Subject: Undelivered Mail Returned to Sender
Date: {D}
Message-Id: <4Q3@relay.hostco.example>
MIME-Version: 1.0
{report}""".encode()


SPAM_IN = (
    "Received: from PC-7 (unknown [192.0.2.84])\n\tby relay.hostco.example (Postfix) with ESMTP"
    f" id 4Q1;\n\t{D}\n"
)


def test_a_bounce_of_spam_that_forged_the_readers_address_is_backscatter_with_no_dns_fix() -> None:
    for wrap in (False, True):
        raw = _postfix_bounce(SPAM_IN, "clerk@fabrikam.example", "clerk@fabrikam.example", wrap)
        a = analyze(raw)
        assert a.ndr is not None and a.ndr.original is not None, wrap
        d = diagnose(a)
        assert d.headline.startswith(
            "Backscatter: a bounce of a message that forged clerk@fabrikam.example"
        )
        assert "nothing to fix in fabrikam.example's DNS" in d.headline
        bounce = next(s for s in d.situations if s.label == "ndr")
        assert any(e.startswith("backscatter of a message that forged") for e in bounce.evidence)
        assert any(
            s.label == "spoof" and s.fact("domain") == "fabrikam.example" for s in d.situations
        )
        md = render_markdown(a)
        assert "add the server to the envelope domain's SPF" not in md
        assert "Who must act:** nobody: the original was a forgery" in md


def test_a_bounce_of_mail_that_passed_the_senders_own_server_is_no_backscatter() -> None:
    own = (
        "Received: from mail.fabrikam.example (mail.fabrikam.example [198.51.100.20])\n"
        f"\tby relay.hostco.example (Postfix) with ESMTP id 4Q1;\n\t{D}\n"
    )
    a = analyze(_postfix_bounce(own, "clerk@fabrikam.example", "clerk@fabrikam.example"))
    d = diagnose(a)
    assert not d.headline.startswith("Backscatter")
    assert "spoof" not in d.labels()
    assert "add the server to the envelope domain's SPF record" in render_markdown(a)


def test_an_authenticated_submission_or_a_postmaster_copy_is_no_backscatter() -> None:
    submitted = (
        "Received: from [10.1.2.3] (unknown [192.0.2.84])\n\t(Authenticated sender: clerk)\n"
        f"\tby relay.hostco.example (Postfix) with ESMTPSA id 4Q1;\n\t{D}\n"
    )
    d = diagnose(
        analyze(_postfix_bounce(submitted, "clerk@fabrikam.example", "clerk@fabrikam.example"))
    )
    assert not d.headline.startswith("Backscatter") and "spoof" not in d.labels()
    # the same spam, but the bounce went to the relay's own postmaster, not to the forged address
    copy = _postfix_bounce(SPAM_IN, "clerk@fabrikam.example", "postmaster@hostco.example")
    assert not diagnose(analyze(copy)).headline.startswith("Backscatter")
    # a copy that first passed another organisation's server: that was the sender's own relay
    relayed = (
        "Received: from smtp.isp.example (smtp.isp.example [198.51.100.99])\n"
        f"\tby relay.hostco.example (Postfix) with ESMTP id 4Q1;\n\t{D}\n"
        "Received: from PC-7 (unknown [192.0.2.84])\n\tby smtp.isp.example (Postfix) with ESMTP"
        f" id 4Q0;\n\t{D}\n"
    )
    d = diagnose(
        analyze(_postfix_bounce(relayed, "clerk@fabrikam.example", "clerk@fabrikam.example"))
    )
    assert not d.headline.startswith("Backscatter")


# --- 4. a returned copy that is headers-only by design ---------------------------------------


def test_a_returned_copy_without_received_lines_gets_no_paste_fix() -> None:
    raw = _google(QUOTA, GOOGLE_CLIENT, "kim@club.example").replace(
        b"Received: from mx.fabrikam.example (mx.fabrikam.example. [198.51.100.20])\n"
        b"        by gmr-mx.google.com with ESMTP id x13si1\n"
        b"        for <kim@club.example>; Tue, 03 Mar 2026 02:00:03 -0800 (PST)\n",
        b"",
    )
    a = analyze(raw)
    assert a.ndr is not None and a.ndr.original is not None
    assert not a.ndr.original.chain.hops
    md = render_markdown(a)
    assert "No Received lines in the returned copy" in md
    assert "Paste the complete header block" not in md
    # an ordinary message without Received lines still asks for the whole header
    plain = f"From: a@fabrikam.example\nTo: b@club.example\nSubject: x\nDate: {D}\n\nx\n"
    assert "Paste the complete header block" in _md(plain.encode())


# --- 5. a bounce's own content-filter loop ---------------------------------------------------


def _looped(head: str, body: str = "") -> bytes:
    return (
        f"""Return-Path: <>
{head}Received: from localhost (localhost.localdomain [127.0.0.1])
\tby mail.fabrikam.example (Postfix) with ESMTP id 824A
\tfor <clerk@fabrikam.example>; {D}
Received: from mail.fabrikam.example ([127.0.0.1])
\tby localhost (filter.fabrikam.example [127.0.0.1]) (amavisd-new, port 10024)
\twith ESMTP id rwF5 for <clerk@fabrikam.example>; {D}
Received: from mx.hostco.example (mx.hostco.example [198.51.100.7])
\tby mail.fabrikam.example (Postfix) with ESMTP id 360F
\tfor <clerk@fabrikam.example>; {D}
""".encode()
        + EXIM_FROM_INVALID.split(b"Return-Path: <>\n", 1)[1].replace(
            b"relay.fabrikam.example", b"mx.hostco.example"
        )
        + body.encode()
    )


def test_a_bounces_own_amavis_loop_is_no_unconfirmed_boundary_warning() -> None:
    a = analyze(_looped(""))
    assert a.ndr is not None and a.chain.boundary is not None and a.chain.boundary.unconfirmed
    assert "rests on an internal line" not in render_markdown(a)
    # the receiver stamped a verdict resting on the entry line: the warning stays
    stamped = _looped(
        "Authentication-Results: mail.fabrikam.example; spf=pass smtp.helo=mx.hostco.example\n"
    )
    assert "rests on an internal line" in render_markdown(analyze(stamped))


def test_the_same_loop_on_an_ordinary_message_keeps_its_warning() -> None:
    raw = _looped("").replace(b"Return-Path: <>\n", b"Return-Path: <pat@hostco.example>\n")
    ordinary = (
        raw.split(b"X-Failed-Recipients")[0].replace(
            b"Mailer-Daemon@mx.hostco.example", b"pat@hostco.example"
        )
        + b"\nHello.\n"
    )
    a = analyze(ordinary)
    assert a.ndr is None
    assert "rests on an internal line" in render_markdown(a)


# --- 6. plain notices without an envelope; the notice's own times ------------------------------

JAMES = f"""Received: from gw.hostco.example (gw.hostco.example [198.51.100.146])
\tby mail.fabrikam.example with SMTP; {D}
Received: from unknown (HELO GW) ([198.51.100.8])
\tby gw.hostco.example with ESMTP; {D}
From: post_master@hostco.example
To: clerk@fabrikam.example
Message-ID: <0001.JavaMail.c@hostco.example>
Subject: Re:Minutes
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="----=_Part_0"
Date: {D}

------=_Part_0
Content-Type: multipart/alternative;
boundary="----=_Part_1"

------=_Part_1
Content-Type: text/plain; charset=us-ascii

Error: Invalid user address

Error message below:
550 - Requested action not taken: no such user here

Message details:
  Subject: Minutes
  MAIL FROM: clerk@fabrikam.example
  RCPT TO: 5550100@hostco.example
  From: clerk@fabrikam.example
  Size (in bytes): 39

------=_Part_1--

------=_Part_0--
"""


def test_a_plain_notice_without_any_return_path_is_read_from_its_transaction_echo() -> None:
    a = analyze(JAMES.encode())
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.address == "5550100@hostco.example"
    assert r.meaning is not None and r.meaning.key == "text:user-unknown"
    assert "no envelope sender in this copy" in a.ndr.detected_by
    assert "(550, user unknown)" in diagnose(a).headline


def test_a_plain_notice_needs_a_null_or_unseen_envelope_and_the_echo() -> None:
    # the receiver wrote a non-null envelope sender: no bounce has one
    assert analyze(("Return-Path: <post_master@hostco.example>\n" + JAMES).encode()).ndr is None
    # no transaction echo: the body's words alone do not make a bounce
    no_echo = JAMES.replace("  MAIL FROM: clerk@fabrikam.example\n", "")
    assert analyze(no_echo.encode()).ndr is None


def test_a_phish_dressed_as_such_a_notice_keeps_its_dmarc_failure() -> None:
    phish = (
        "Authentication-Results: mail.fabrikam.example; spf=fail smtp.mailfrom=hostco.example;"
        " dkim=none; dmarc=fail (p=reject) header.from=hostco.example\n" + JAMES
    )
    a = analyze(phish.encode())
    assert a.ndr is not None
    assert "spoof" in diagnose(a).labels()


def test_an_expired_exchange_online_queue_says_the_notices_own_time_not_a_default() -> None:
    from tests.test_genndr2 import EXO_EXPIRED

    a = analyze(EXO_EXPIRED)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.meaning is not None and "24 hours" not in r.meaning.explanation
    report = read_report(a)
    assert report is not None and report.unreached is not None
    assert "after 2 d 0 h of retries" in report.unreached  # Arrival-Date 1 Mar, Date 3 Mar


# --- more reply texts read on real Exim bounces --------------------------------------------------


def _exim(reply: str, after: str = "MAIL FROM:<clerk@fabrikam.example> SIZE=1024") -> bytes:
    block = (
        "  kim@club.example\n    host mx.club.example [192.0.2.222]\n"
        f"    SMTP error from remote mail server after {after}:\n    {reply}\n"
    )
    return EXIM_FROM_INVALID.replace(
        EXIM_FROM_INVALID[
            EXIM_FROM_INVALID.index(b"  kim@club.example\n") : EXIM_FROM_INVALID.index(b"\n------")
        ],
        block.encode(),
    )


def test_exim_replies_that_blame_the_sender_are_read_so() -> None:
    for reply, key in (
        ("550 Unroutable sender address", "text:sender-domain-invalid"),
        (
            "551 Server access forbidden by invalid RDNS record of your mail server",
            "text:reverse-dns",
        ),
        ("554 CAT : You've reached your daily relay quota - 192.0.2.1", "text:sending-quota"),
        # "No such domain" in reply to MAIL FROM is about the sender's domain, not the recipient's
        ("550 5.1.7 No such domain fabrikam.example.", "text:sender-domain-invalid"),
    ):
        a = analyze(_exim(reply))
        assert a.ndr is not None
        (r,) = a.ndr.failed
        assert r.meaning is not None and r.meaning.key == key, reply
        assert r.meaning.who_acts is WhoActs.SENDER_ADMIN, reply
    # the same words in reply to RCPT TO stay about the recipient's domain
    a = analyze(_exim("550 5.1.2 No such domain club.example.", "RCPT TO:<kim@club.example>"))
    assert a.ndr is not None and a.ndr.failed[0].meaning is not None
    assert a.ndr.failed[0].meaning.key == "text:domain-unreachable"


def test_exims_delay_warning_and_malformed_address_notices_are_read() -> None:
    warning = (
        EXIM_FROM_INVALID.replace(b"X-Failed-Recipients: kim@club.example\n", b"")
        .replace(
            b"recipients. This is a permanent error. The following address(es) failed:",
            b"recipients after more than 24 hours on the queue on relay.fabrikam.example.\n\n"
            b"The address to which the message has not yet been delivered is:",
        )
        .replace(b"SMTP error from remote", b"Delay reason: SMTP error from remote")
        .replace(b"550 5.2.0", b"450 4.2.0")
    )
    a = analyze(warning)
    assert a.ndr is not None and [r.action for r in a.ndr.recipients] == ["delayed"]
    assert diagnose(a).headline.startswith("A delay notice, not a bounce")
    malformed = f"""Return-path: <>
Received: from clerk by relay.fabrikam.example with local (Exim 4.96)
\tid 2x-0001; {D}
From: Mail Delivery System <mailer-daemon@relay.fabrikam.example>
To: clerk@fabrikam.example
Subject: Mail failure - malformed recipient address
Date: {D}

A message that you sent contained one or more recipient addresses that were
incorrectly constructed:

  kim@club.example <lee@club.example>: malformed address: <lee@club.example> may not follow kim@club.example

This address has been ignored.
""".encode()
    a = analyze(malformed)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.address == "kim@club.example"
    assert r.meaning is not None and r.meaning.key == "text:malformed-address"
    assert r.meaning.who_acts is WhoActs.SENDER


def test_an_expired_queue_and_a_routing_failure_are_no_refusals() -> None:
    m = lookup(
        "5.0.0", "5.4.7 - Delivery expired (message too old) 'timeout' (delivery attempts: 0)", None
    )
    assert m.key == "text:no-connection"
    notice = f"""Return-Path: <MAILER-DAEMON@relay.fabrikam.example>
Received: from relay.fabrikam.example (relay.fabrikam.example [198.51.100.36])
\tby mx.fabrikam.example (8.13.1/8.13.1) with ESMTP id k01
\tfor <clerk@fabrikam.example>; {D}
Date: {D}
From: Mail Delivery System <Mail.Delivery.System@relay.fabrikam.example>
To: clerk@fabrikam.example
Subject: Delivery status notification
MIME-Version: 1.0
Content-Type: multipart/report; boundary="X3"

--X3
Content-Type: text/plain; charset=UTF-8

      This is an automatically generated Delivery Status Notification.

Delevery to the following recipients was aborted after 5.0 hour(s):

  * kim@club.example


                             Technical details:

Routing: Could not find a gateway for kim@club.example

--X3--
""".encode()
    a = analyze(notice)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.address == "kim@club.example"
    assert r.meaning is not None and r.meaning.key == "text:domain-unreachable"
    report = read_report(a)
    assert report is not None and report.unreached is not None


def test_sendgrids_notice_names_the_remote_and_an_unverifiable_helo_is_the_senders() -> None:
    notice = f"""Received: from o1.sendgrid.example (o1.sendgrid.example [198.51.100.126])
\tby mx.fabrikam.example (Postfix) with SMTP id E2A0
\tfor <clerk@fabrikam.example>; {D}
Content-Type: multipart/report; report-type=delivery-status; boundary="SG"
MIME-Version: 1.0
From: MAILER-DAEMON
To: clerk@fabrikam.example
Subject: Undelivered Mail Returned to Sender

--SG
Content-Type: text/plain

This is an automatically generated message from SendGrid.

news:205357:<kim@club.example> : 198.51.100.34 : mx03.club.example:[192.0.2.1] : 550 5.1.1 Address rejected kim@club.example.  in RCPT TO

--SG
Content-Type: message/delivery-status

Final-Recipient: rfc822; kim@club.example
Action: failed
Status: 5.1.1
Diagnostic-Code: 550 5.1.1 Address rejected kim@club.example.

--SG--
""".encode()
    a = analyze(notice)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert (r.remote_mta, r.remote_ip) == ("mx03.club.example", "192.0.2.1")
    m = lookup(
        None,
        "450 service permits 2 unverifyable sending IPs - relay.fabrikam.example is not 192.0.2.9",
        None,
    )
    assert m.key == "text:helo-rejected" and m.who_acts is WhoActs.SENDER_ADMIN
