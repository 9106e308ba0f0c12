"""Bounce and report shapes (issue 11, seventh round): success notices (RFC 3464 Action
relayed / delivered), Trend Micro InterScan MSS's session transcript, GMX's one-line quote of the
remote reply, Yahoo's "dd" texts and the other wordings of an unknown address. Synthetic messages
of each shape seen in real notices (names, hosts and addresses changed; documentation IPs)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings import situation_finding
from headerlens.model import Severity, WhoActs
from headerlens.model.ndr import NdrFormat
from headerlens.parsers.ndr_codes import text_entry
from headerlens.report.json_report import report_dict
from headerlens.report.markdown import render_markdown
from tests.test_genndr4 import D
from tests.test_genndr4 import _dsn as genndr4_dsn

# --- 1. a success notice (Postfix's "Successful Mail Delivery Report", Action: relayed) --------


def _success(action: str = "relayed", second: str = "") -> bytes:
    raw = genndr4_dsn(
        sender="MAILER-DAEMON@out2.fabrikam.example",
        reporting="out2.fabrikam.example",
        recipient="kim@club.example",
        status="2.0.0",
        diagnostic="250 Requested mail action okay, completed: id=1Ab2Cd-3Ef4",
        remote="mx00.club.example",
        action=action,
        notice="Your message was successfully delivered to the destination(s) listed below.",
    ).replace(b"Undelivered Mail Returned to Sender", b"Successful Mail Delivery Report")
    if second:
        raw = raw.replace(
            b"\n\n--BND\nContent-Type: text/rfc822-headers",
            second.encode() + b"\n\n--BND\nContent-Type: text/rfc822-headers",
        )
    return raw


def test_a_relayed_success_notice_is_not_a_bounce() -> None:
    a = analyze(_success())
    assert a.ndr is not None and a.ndr.succeeded == "relayed"
    d = diagnose(a)
    # was "A bounce: mx00.club.example refused the original (2.0.0)"
    assert d.headline.startswith("A success notice, not a bounce:")
    assert "refused" not in d.headline and "nobody needs to act" in d.headline
    assert "mx00.club.example" in d.headline
    ndr = next(s for s in d.situations if s.label == "ndr")
    assert ndr.fact("succeeded") == "relayed"
    assert situation_finding(ndr).severity is Severity.INFO
    (r,) = a.ndr.recipients
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.NOBODY_DELIVERED
    md = render_markdown(a)
    assert "## Delivered (a success notice, not a bounce)" in md
    assert "delivery-success notice" in md
    # "nobody yet: the server will retry" was said of a message already accepted
    assert "the server will retry" not in md
    assert "**Refused by:**" not in md and "**Accepted by:**" in md
    doc = report_dict(a, None)
    (rcpt,) = doc["ndr"]["recipients"]
    assert rcpt["who_acts"] == "nobody_delivered" and rcpt["action"] == "relayed"
    facts = dict(next(s for s in doc["diagnosis"]["situations"] if s["label"] == "ndr")["facts"])
    assert facts["succeeded"] == "relayed"


def test_a_delivered_notice_names_the_mailbox_host() -> None:
    d = diagnose(analyze(_success("delivered")))
    assert d.headline.startswith("A success notice, not a bounce: mx00.club.example delivered")


def test_a_notice_with_one_failed_recipient_stays_a_bounce_of_that_one() -> None:
    second = (
        "\n\nFinal-Recipient: rfc822; lee@club.example\nAction: failed\nStatus: 5.1.1\n"
        "Remote-MTA: dns; mx00.club.example\nDiagnostic-Code: smtp; 550 5.1.1 lee... User unknown"
    )
    a = analyze(_success("delivered", second))
    assert a.ndr is not None and a.ndr.succeeded is None
    (r,) = a.ndr.failed
    assert r.address == "lee@club.example"
    assert diagnose(a).headline.startswith(
        "A bounce: mx00.club.example refused the original (5.1.1)"
    )


# --- 2. Trend Micro InterScan MSS: the refused session's transcript --------------------------

INTERSCAN = f"""Return-Path: <postmaster@gw.fabrikam.example>
Received: from imss.fabrikam.example (imss.fabrikam.example [192.0.2.33])
    by mx.contoso.example (Postfix) with ESMTP id 4F1A2B3C
    for <clerk@contoso.example>; {D}
Date: {D}
From: "InterScan MSS" <postmaster@gw.fabrikam.example>
To: <clerk@contoso.example>
MIME-Version: 1.0
Content-Type: multipart/mixed;
 boundary="------------InterScan_NT_MIME_Boundary"
Subject: =?iso-2022-jp?B?GyRCJWElQyU7ITwlOCRyR1s/LiRHJC0kXiQ7JHMhIxsoQg==?=


--------------InterScan_NT_MIME_Boundary
Content-type: text/plain

...

Sent <<< RCPT TO:<ren@fabrikam.example>
Received >>> 550 5.1.1 <ren@fabrikam.example>... user unknown

...

--------------InterScan_NT_MIME_Boundary
Content-type: message/rfc822

From: Clerk <clerk@contoso.example>
To: ren@fabrikam.example
Subject: Minutes
Date: {D}
Message-ID: <minutes.2@contoso.example>

Hello
""".encode()


def test_an_interscan_session_transcript_is_read_as_a_bounce() -> None:
    a = analyze(INTERSCAN)
    # was not recognised at all ("the final receiver wrote no authentication verdict")
    assert a.ndr is not None and a.ndr.format is NdrFormat.INTERSCAN
    (r,) = a.ndr.failed
    assert r.address == "ren@fabrikam.example" and r.effective_status == "5.1.1"
    assert r.smtp_stage == "RCPT TO"
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.SENDER
    assert diagnose(a).headline.startswith("A bounce:")


def test_interscans_japanese_transcript_turns_the_arrows() -> None:
    raw = INTERSCAN.replace(b"Sent <<< RCPT TO:", b"\xe9\x80\x81\xe4\xbf\xa1 >>> RCPT TO:")
    raw = raw.replace(b"Received >>> 550", b"\xe5\x8f\x97\xe4\xbf\xa1 <<< 550")
    a = analyze(raw)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.address == "ren@fabrikam.example" and r.effective_status == "5.1.1"


# --- 3. GMX / WEB.DE: the remote's reply quoted on one line ----------------------------------

GMX = f"""Return-Path: <>
Received: from mout-bounce.mail.example ([198.51.100.44]) by mx.mail.example
 with ESMTPS id 1AbCdE-2FgHiJ for <ana@mail.example>; {D}
Date: {D}
From: "Mailer Daemon" <mailer-daemon@mail.example>
To: ana@mail.example
Subject: Mail delivery failed: returning message to sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of
its recipients. This is a permanent error. The following address(es)
failed:

sam@club.example:
SMTP error from remote server for RCPT TO command, host: mx1.club.example (203.0.113.27) reason: 550-5.1.1 The email account that you tried to reach does not exist. Please
 try
550-5.1.1 double-checking the recipient's email address for typos or
550 5.1.1  unnecessary spaces.



--- The header of the original message is following. ---

From: Ana <ana@mail.example>
To: sam@club.example
Subject: test
Date: {D}
Message-ID: <t1@mail.example>
""".encode()


def test_gmx_one_line_quote_of_the_remote_reply_is_read() -> None:
    a = analyze(GMX)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    # was "(no status)", who acts: unknown
    assert r.address == "sam@club.example"
    assert r.effective_status == "5.1.1" and r.smtp_code == 550
    assert r.remote_mta == "mx1.club.example" and r.remote_ip == "203.0.113.27"
    assert r.smtp_stage == "RCPT TO"
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.SENDER
    assert "mx1.club.example refused the original (5.1.1)" in diagnose(a).headline


def test_gmx_expiry_reason_paragraph_is_read() -> None:
    body = GMX.split(b"failed:\n\n", 1)
    raw = (
        body[0]
        + b"failed:\n\n<sam@club.example>\n\nReason:\ndelivery retry timeout exceeded\n\n\n"
        + b"--- The header of the original message is following. ---"
        + body[1].split(b"--- The header of the original message is following. ---", 1)[1]
    )
    a = analyze(raw)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.address == "sam@club.example"
    assert "delivery retry timeout exceeded" in r.diagnostic


# --- 4. Yahoo's "dd" texts and other wordings of an unknown address --------------------------


def test_yahoos_not_a_valid_recipient_is_an_unknown_address() -> None:
    for reply in (
        "554: delivery error: dd Not a valid recipient - atlas101.free.mail.example.com",
        "550 Sorry, no mailbox here by that name. (#5.1.1)",
        "550 <x@club.example>: Recipient address rejected: unknown local part",
        "550 No such recipient here",
        "553 sorry, that recipient is not in my validrcptto list",
        "550 Utilisateur inconnu",
    ):
        hit = text_entry(reply)
        assert hit is not None and hit[0] == "text:user-unknown", reply
    # Yahoo's other texts (sisimai's rhost/yahooinc.rb): a disabled address, an envelope domain
    # Yahoo cannot resolve (the sender's administrator's)
    hit = text_entry("554 delivery error: dd kai@mail.example is no longer valid.")
    assert hit is not None and hit[0] == "text:user-unknown"
    hit = text_entry(
        "451 Message temporarily deferred due to unresolvable RFC.5321 from domain. See "
        "https://senders.yahooinc.com/error-codes#unresolvable-from-domain"
    )
    assert hit is not None and hit[0] == "text:sender-domain-invalid"


YAHOO = f"""Return-Path: <>
Received: from sonic1.mail.example (sonic1.mail.example [198.51.100.145])
 by mx.contoso.example with ESMTPS id 77AA; {D}
From: MAILER-DAEMON@mail.example
To: clerk@contoso.example
Subject: Failure Notice
Date: {D}
Message-ID: <fn.1@sonic1.mail.example>
MIME-Version: 1.0
Content-Type: text/plain

Sorry, we were unable to deliver your message to the following address.

<kai@mail.example>:
554: delivery error: dd Not a valid recipient - atlas101.free.mail.example

--- Below this line is a copy of the message.

From: Clerk <clerk@contoso.example>
To: kai@mail.example
Subject: test
Date: {D}
Message-ID: <t2@contoso.example>
""".encode()


def test_a_yahoo_failure_notice_for_an_invalid_recipient_names_the_sender() -> None:
    a = analyze(YAHOO)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    # was "Who must act: unknown" (554 alone)
    assert r.meaning is not None and r.meaning.key == "text:user-unknown"
    assert r.meaning.who_acts is WhoActs.SENDER
    assert "(554, user unknown)" in diagnose(a).headline


# --- 5. a list manager's own notice: not a bounce, not a list post, who acts -----------------


def _notice(headers: str, subject: str, body: str) -> bytes:
    return (
        f"Return-Path: <lists-bounces@lists.fabrikam.example>\n"
        f"Received: from lists.fabrikam.example (lists.fabrikam.example [192.0.2.60])\n"
        f"    by mx.contoso.example (Postfix) with ESMTP id 9C8B7A\n"
        f"    for <clerk@contoso.example>; {D}\n"
        f"{headers}"
        f"To: clerk@contoso.example\nSubject: {subject}\nDate: {D}\n"
        f"Message-ID: <notice.1@lists.fabrikam.example>\nMIME-Version: 1.0\n"
        f"Content-Type: text/plain; charset=us-ascii\n\n{body}"
    ).encode()


FML_LOOP = _notice(
    "From: town-admin@fabrikam.example\nX-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]\n",
    "Loop Alert: Duplicated Message-ID (town ML)",
    "Duplicated Message-ID in <town@fabrikam.example>.\n\n\nOriginal mail as follows:\n\n"
    "   From: <ana@contoso.example>\n   Subject: minutes\n",
)

MAILMAN_HELD = _notice(
    "From: town-owner@lists.fabrikam.example\nList-Id: <town.lists.fabrikam.example>\n"
    "X-List-Administrivia: yes\nX-Mailman-Version: 2.1.29\n",
    "Your message to Town awaits moderator approval",
    "Your mail to 'Town' with the subject\n\n    Minutes\n\nIs being held until the list "
    "moderator can review it for approval.\n\nThe reason it is being held:\n\n    Post by "
    "non-member to a members-only list\n\nEither the message will get posted to the list, or "
    "you will receive\nnotification of the moderator's decision.\n",
)

MAILMAN_DISABLED = _notice(
    "From: town-bounces@lists.fabrikam.example\nX-List-Administrivia: yes\n"
    "X-Mailman-Version: 2.1.29\n",
    "Town mailing list probe message",
    "Your membership in the mailing list Town has been disabled due\nto excessive bounces.  You "
    "will not get any more messages from this\nlist until you re-enable your membership.\n",
)

MAJORDOMO = _notice(
    "From: owner-town@fabrikam.example\n",
    "BOUNCE town@fabrikam.example: Non-member submission from [Ana <ana@contoso.example>]",
    ">From ana@contoso.example  Tue Mar  3 10:00:01 2026\nSubject: minutes\n",
)


def test_an_fml_loop_alert_is_a_list_notice_for_its_administrator() -> None:
    d = diagnose(analyze(FML_LOOP))
    # was "The final receiver wrote no authentication verdict ..."
    assert d.headline.startswith("A list manager's notice, not a bounce: fml")
    assert "already seen" in d.headline and "list administrator" in d.headline
    (s,) = [s for s in d.situations if s.label == "mailing-list"]
    assert s.fact("notice") == "loop" and s.fact("manager") == "fml"
    assert "ndr" not in d.labels()


def test_a_mailman_hold_names_the_moderator_and_the_reason() -> None:
    d = diagnose(analyze(MAILMAN_HELD))
    assert d.headline.startswith("A list manager's notice, not a bounce: Mailman")
    assert "the list moderator" in d.headline
    (s,) = [s for s in d.situations if s.label == "mailing-list"]
    assert s.fact("notice") == "held"
    assert s.fact("reason") == "Post by non-member to a members-only list"
    md = render_markdown(analyze(MAILMAN_HELD))
    # a list post's wording ("the list server re-sent it") said of the list's own notice
    assert "the list server re-sent it" not in md


def test_mailman_bounce_processing_and_majordomo_non_member_notices() -> None:
    d = diagnose(analyze(MAILMAN_DISABLED))
    (s,) = [s for s in d.situations if s.label == "mailing-list"]
    assert s.fact("notice") == "bounces"
    assert "the member whose address bounces" in d.headline
    d = diagnose(analyze(MAJORDOMO))
    (s,) = [s for s in d.situations if s.label == "mailing-list"]
    assert s.fact("notice") == "not-member" and s.fact("manager") == "Majordomo"


def test_a_role_address_with_common_words_is_no_list_notice() -> None:
    # "-request@" in From and "are not a member" in the text, no list manager's own mark
    raw = _notice(
        "From: Help Desk <desk-request@fabrikam.example>\n",
        "About your question",
        "You are not a member of our loyalty programme yet: click here.\n",
    )
    d = diagnose(analyze(raw))
    assert not any(s.fact("notice") for s in d.situations)


# --- 6. vendor notices no reader knew: MailFoundry, SurfControl, T-Online, Active!Hunter ------


def _plain_bounce(sender: str, body: str, content_type: str = "text/plain") -> bytes:
    return (
        f"Return-Path: <>\n"
        f"Received: from gw.fabrikam.example (gw.fabrikam.example [192.0.2.70])\n"
        f"    by mx.contoso.example (Postfix) with ESMTP id 1A2B3C\n"
        f"    for <clerk@contoso.example>; {D}\n"
        f"From: {sender}\nTo: clerk@contoso.example\nSubject: Message delivery has failed\n"
        f"Date: {D}\nMIME-Version: 1.0\nContent-Type: {content_type}\n\n{body}"
    ).encode()


def _one(raw: bytes) -> tuple[str, str | None, WhoActs | None]:
    a = analyze(raw)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    return r.address, r.effective_status, r.meaning.who_acts if r.meaning else None


def test_mailfoundry_names_the_remote_and_its_reply() -> None:
    raw = _plain_bounce(
        "MAILER-DAEMON@fabrikam.example",
        "Unable to deliver message to: <ren@club.example>\nDelivery failed for the following "
        "reason:\nmx.club.example[203.0.113.22] responded with failure: 552 sorry, mailbox "
        "ren@club.example is over quota temporarily (#5.2.2)\n\nThis has been a permanent "
        "failure. No further delivery attempts will be made.\n",
    )
    a = analyze(raw)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    # was "(no status)", who acts: unknown
    assert r.remote_mta == "mx.club.example" and r.remote_ip == "203.0.113.22"
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.RECIPIENT_ADMIN


def test_surfcontrol_service_unavailable_is_the_recipients_server() -> None:
    raw = _plain_bounce(
        "<>",
        "Your message could not be sent.\nA transcript of the attempts to send the message "
        "follows.\nThe number of attempts made: 1\nAddressed To: ren@club.example\n\n"
        f"{D}\nFailed to send to identified host,\nren@club.example: [203.0.113.44], 554 Service "
        "currently unavailable\n--- Message non-deliverable.\n",
    )
    address, _, who = _one(raw)
    assert address == "ren@club.example" and who is WhoActs.RECIPIENT_ADMIN
    a = analyze(raw)
    assert a.ndr is not None and a.ndr.failed[0].remote_ip == "203.0.113.44"
    hit = text_entry("421 mx.club.example Service not available, closing transmission channel")
    assert hit is not None and hit[0] == "text:service-unavailable"
    # a block list named in the same reply keeps its own reason
    hit = text_entry(
        "554 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org"
    )
    assert hit is not None and hit[0] == "text:ip-blocklist"


def test_t_online_failed_addresses_each_get_their_reply() -> None:
    raw = _plain_bounce(
        "Mail Delivery System <Mailer-Daemon@t-online.example>",
        "|------------------------- Failed addresses follow: ---------------------|\n"
        " <ana@t-online.example>\n   552 5.2.2 <ana@t-online.example> Quota exceeded (mailbox "
        "for user is full)\n <ben@t-online.example>\n   550 5.1.1 <ben@t-online.example> unknown "
        "user\n\n|------------------------- Message header follows: ----------------------|\n"
        f"From: Clerk <clerk@contoso.example>\nTo: ana@t-online.example\nDate: {D}\n",
    ).replace(b"From: Mail", b"X-Failed-Recipients: ana@t-online.example\nFrom: Mail")
    a = analyze(raw)
    assert a.ndr is not None
    got = {
        r.address: (r.effective_status, r.meaning.who_acts if r.meaning else None)
        for r in a.ndr.failed
    }
    # was one recipient from X-Failed-Recipients, "no status code", who acts: unknown
    assert got == {
        "ana@t-online.example": ("5.2.2", WhoActs.RECIPIENT_ADMIN),
        "ben@t-online.example": ("5.1.1", WhoActs.SENDER),
    }


def test_active_hunters_sendmail_layout_with_a_bare_transcript() -> None:
    raw = _plain_bounce(
        '"MAILER-DAEMON" <MAILER-DAEMON@fabrikam.example>',
        "The original message was received at Tue, 3 Mar 2026 10:00:00 +0000\nfrom "
        "contoso.example\n\n  ----- The following addresses had permanent fatal errors -----\n\n"
        ">>> ren@fabrikam.example <ren@fabrikam.example>\n\n  ----- Transcript of session follows "
        "-----\n550 <ren@fabrikam.example>: Recipient address rejected: User unknown in local "
        "recipient table\n\n",
    )
    address, status, who = _one(raw)
    # was a bounce with no recipient at all ("the remote server refused the original (no status)")
    assert address == "ren@fabrikam.example" and who is WhoActs.SENDER
    assert status is None or status.startswith("5")


def test_a_mcafee_gateway_notice_with_only_original_recipient_fields() -> None:
    raw = (
        f"Received: from gw.fabrikam.example (gw.fabrikam.example [192.0.2.45])\n"
        f"\tby mx.contoso.example (Postfix) with ESMTP id 11AA; {D}\n"
        f"Date: {D}\nTo: <clerk@contoso.example>\nFrom: <>\nMIME-Version: 1.0\n"
        'Content-Type: Multipart/Mixed; boundary="B-00"\n'
        "X-NAI-Header: Modified by McAfee Email Gateway (4500)\nSubject: Delivery Status\n"
        "Message-Id: <ds.1@mx.contoso.example>\n\n--B-00\nContent-Type: text/plain\n\n"
        "    --- The following addresses had delivery problems ---\n\n"
        "<ren@fabrikam.example>   (ren@fabrikam.example... No such user)\n\n--B-00\n"
        "Content-Type: message/delivery-status\n\nOriginal-Recipient: <ren@fabrikam.example>\n"
        "Action: failed\nDiagnostic-Code: smtp; 550 ren@fabrikam.example... No such user\n"
        "Remote-MTA: 198.51.100.225\n\n\n--B-00\nContent-Type: message/rfc822\n\n"
        f"From: Clerk <clerk@contoso.example>\nTo: ren@fabrikam.example\nDate: {D}\n"
        "Subject: Minutes\nMessage-ID: <m9@contoso.example>\n\nMinutes\n\n--B-00--\n"
    ).encode()
    a = analyze(raw)
    # was not a bounce at all ("the From field names no usable address")
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.address == "ren@fabrikam.example" and r.original_recipient is None
    assert r.remote_mta == "198.51.100.225"
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.SENDER
    assert diagnose(a).headline.startswith("A bounce:")


def test_the_we_had_trouble_delivering_notice_names_server_reply_and_stage() -> None:
    raw = _plain_bounce(
        "mailer-daemon",
        "We had trouble delivering your message. Full details follow:\n\nSubject: 'Minutes'\n\n"
        "1 error(s):\n\nSMTP Server <mx.club.example> rejected recipient <ren@club.example> "
        "(Error following RCPT command). It responded as follows: [550 5.1.1 User unknown]\n",
    )
    a = analyze(raw)
    # was no bounce ("the From field names no usable address")
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert (r.address, r.remote_mta, r.smtp_stage) == (
        "ren@club.example",
        "mx.club.example",
        "RCPT TO",
    )
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.SENDER


def test_a_groups_io_style_hold_from_a_plus_owner_address() -> None:
    raw = _notice(
        "From: town+owner@groups.example\n",
        "Your message to town@groups.example is pending moderator approval",
        "Your message to town@groups.example has been held for moderator approval.\n",
    )
    d = diagnose(analyze(raw))
    (s,) = [s for s in d.situations if s.label == "mailing-list"]
    assert s.fact("notice") == "held"
    assert "the list moderator" in d.headline


def test_an_approval_request_from_a_role_address_without_list_words_is_no_list_notice() -> None:
    raw = _notice(
        "From: finance-request@fabrikam.example\n",
        "Expense report 42: approval required",
        "Your expense report is pending approval by your manager.\n",
    )
    d = diagnose(analyze(raw))
    assert not any(s.fact("notice") for s in d.situations)
