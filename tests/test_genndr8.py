"""Bounce and notice shapes (issue 11, eighth round): Japanese carriers' own notices (au/EZweb,
au by KDDI, BIGLOBE) with no delivery-status part, and a phish dressed as one. Synthetic
messages of each shape seen in real notices (names, hosts and addresses changed; documentation
IPs)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings import situation_finding
from headerlens.model import WhoActs
from headerlens.model.ndr import NdrFormat
from headerlens.parsers.ndr_gate import NO_ENVELOPE
from headerlens.report.json_report import report_dict
from headerlens.report.markdown import render_markdown
from tests.test_genndr4 import D
from tests.test_genndr4 import _dsn as genndr4_dsn


def _carrier(
    body: str,
    sender: str = "Postmaster@ezweb.ne.jp",
    subject: str = "Mail System Error - Returned Mail",
    return_path: str | None = "<MAILER-DAEMON>",
    client: str = "mx7.ezweb.ne.jp [198.51.100.33]",
    extra: str = "",
) -> bytes:
    rp = f"Return-Path: {return_path}\n" if return_path is not None else ""
    head = (
        f"{rp}Received: from ezweb.ne.jp ({client})\n"
        "\tby mx1.example.net (8.14.4/8.14.4) with SMTP id u1234567\n"
        "\tfor <shop@example.net>; Tue, 10 Nov 2026 17:28:07 +0900\n"
        f"{extra}"
        "To: <shop@example.net>\n"
        f"From: {sender}\n"
        "Message-ID: <0000000000000000000000000001@mx7.ezweb.ne.jp>\n"
        "Date: Tue, 10 Nov 2026 17:28:11 +0900\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="==_FF00/00000000001/FF00"\n'
        f"Subject: {subject}\n\n"
        "This message is in MIME format.\n\n"
        "--==_FF00/00000000001/FF00\n"
        'Content-Type: text/plain; charset="us-ascii"\n'
        "Content-Transfer-Encoding: 7bit\n\n"
    )
    return (head + body + "\n\n--==_FF00/00000000001/FF00--\n").encode()


EZWEB_DISABLED = "The user(s) account is disabled.\n\n<hanako.gone@ezweb.ne.jp>\n"


def test_an_ezweb_notice_with_only_a_sentence_and_an_address_is_a_bounce() -> None:
    a = analyze(_carrier(EZWEB_DISABLED))
    # was: not a bounce at all ("The final receiver wrote no authentication verdict")
    assert a.ndr is not None and a.ndr.format is NdrFormat.OTHER
    (r,) = a.ndr.recipients
    assert r.address == "hanako.gone@ezweb.ne.jp"
    assert r.meaning is not None and r.meaning.key == "text:account-disabled"
    assert r.meaning.who_acts is WhoActs.SENDER
    d = diagnose(a)
    assert d.headline.startswith("A bounce: ezweb.ne.jp refused the original")
    assert "account disabled" in d.headline
    md = render_markdown(a)
    # the layout the reader read is named; flufl.bounce found nothing here
    assert "flufl" not in md and "au/EZweb's notice" in md


def test_an_ezweb_transcript_of_the_remote_server_gives_each_reply_and_stage() -> None:
    body = (
        "Each of the following recipients was rejected by a remote mail server.\n\n"
        "    Recipient: <taro@example.co.jp>\n"
        "    >>> RCPT TO:<taro@example.co.jp>\n"
        "    <<< 550 5.1.1 <taro@example.co.jp>: User unknown\n\n"
        "    Recipient: <jiro@example.co.jp>\n"
        "    >>> RCPT TO:<jiro@example.co.jp>\n"
        "    <<< 552 5.2.2 <jiro@example.co.jp>: Mailbox full\n"
    )
    a = analyze(_carrier(body))
    assert a.ndr is not None
    rows = {r.address: r for r in a.ndr.recipients}
    assert set(rows) == {"taro@example.co.jp", "jiro@example.co.jp"}
    assert rows["taro@example.co.jp"].diagnostic.startswith("550 5.1.1")
    assert rows["taro@example.co.jp"].smtp_stage == "RCPT TO"
    assert rows["jiro@example.co.jp"].diagnostic.startswith("552 5.2.2")


def test_a_kddi_notice_names_each_recipient_and_its_reason() -> None:
    body = (
        "Your mail sent on: Tue, 10 Nov 2026 17:20:01 +0900\n"
        "    Could not be delivered to: <yuki@example.ne.jp>\n"
        "    As their mailbox is full.\n"
    )
    raw = _carrier(
        body,
        sender="no-reply@app.dion.ne.jp",
        subject="Undelivered Mail Returned to Sender",
        return_path="<>",
    )
    a = analyze(raw)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.address == "yuki@example.ne.jp"
    assert r.meaning is not None and r.meaning.key == "text:mailbox-full"
    assert r.meaning.who_acts is WhoActs.RECIPIENT_ADMIN
    assert "au by KDDI's notice" in a.ndr.detected_by


def test_a_biglobe_notice_lists_addresses_then_the_reason() -> None:
    body = (
        "   ----- The following addresses had delivery problems -----\n"
        "kenji@example.biglobe.ne.jp\n\n"
        "   ----- Non-delivered information -----\n"
        "The number of messages in recipient's mailbox exceeded the local limit.\n"
    )
    raw = _carrier(
        body, sender="postmaster@biglobe.ne.jp", subject="Returned mail: Delivery failed"
    )
    a = analyze(raw)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.address == "kenji@example.biglobe.ne.jp"
    assert "exceeded the local limit" in r.diagnostic
    assert "BIGLOBE's notice" in a.ndr.detected_by


def test_a_copy_without_envelope_is_still_judged_as_any_message() -> None:
    a = analyze(_carrier(EZWEB_DISABLED, return_path=None))
    assert a.ndr is not None and a.ndr.detected_by == NO_ENVELOPE


def test_a_phish_dressed_as_a_carriers_notice_is_no_bounce() -> None:
    # the sender gave the receiver an address of its own (no null envelope), from a VPS, and the
    # receiver's own DMARC verdict failed: the carrier's sentence proves nothing
    raw = _carrier(
        "The user(s) account is disabled.\n\n<shop@example.net>\n\n"
        "Your own mailbox will be closed: verify at http://payments-phish.example/login\n",
        return_path="<billing@payments-phish.example>",
        client="vps42.hoster.example [203.0.113.77]",
        extra=(
            "Authentication-Results: mx1.example.net; spf=fail "
            "smtp.mailfrom=payments-phish.example; dkim=none; dmarc=fail header.from=ezweb.ne.jp\n"
        ),
    )
    a = analyze(raw)
    assert a.ndr is None
    d = diagnose(a)
    assert not d.headline.startswith("A bounce")
    assert "spoof" in d.headline.lower()
    assert "nobody needs to act" not in d.headline


def test_a_null_envelope_notice_about_the_readers_own_address_is_no_bounce() -> None:
    # MAIL FROM:<> is the sender's to give: a "bounce" whose failed recipient is the reader's
    # own address is a message about the reader, not the return of one it sent
    raw = _carrier(
        "The user(s) account is disabled.\n\n<shop@example.net>\n\n"
        "Your own mailbox will be closed: verify at http://payments-phish.example/login\n",
        return_path="<>",
        client="vps42.hoster.example [203.0.113.77]",
    )
    a = analyze(raw)
    assert a.ndr is None
    assert not diagnose(a).headline.startswith("A bounce")


# --- a bounce of several recipients whose reasons differ ------------------------------------

_ROW = (
    "\n\nFinal-Recipient: rfc822; {rcpt}\nAction: failed\nStatus: {status}\n"
    "Remote-MTA: dns; mx.club.example\nDiagnostic-Code: smtp; {reply}"
)


def _several(*rows: tuple[str, str, str]) -> bytes:
    first, *rest = rows
    raw = genndr4_dsn(
        sender="MAILER-DAEMON@out2.fabrikam.example",
        reporting="out2.fabrikam.example",
        recipient=first[0],
        status=first[1],
        diagnostic=first[2],
        remote="mx.club.example",
    )
    more = "".join(_ROW.format(rcpt=a, status=s, reply=t) for a, s, t in rest)
    return raw.replace(
        b"\n\n--BND\nContent-Type: text/rfc822-headers",
        more.encode() + b"\n\n--BND\nContent-Type: text/rfc822-headers",
    )


def test_a_bounce_of_recipients_with_different_reasons_counts_each_reason() -> None:
    a = analyze(
        _several(
            ("kim@club.example", "5.1.1", "550 5.1.1 <kim@club.example>: User unknown"),
            ("lee@club.example", "5.2.2", "552 5.2.2 <lee@club.example>: Mailbox full"),
            ("max@club.example", "5.1.1", "550 5.1.1 <max@club.example>: User unknown"),
        )
    )
    d = diagnose(a)
    # was: "A bounce: mx.club.example refused the original (5.1.1)", the first one's reason only
    assert "3 recipients failed: 2 unknown addresses, 1 mailbox full" in d.headline
    ndr = next(s for s in d.situations if s.label == "ndr")
    assert "3 recipients failed" in (situation_finding(ndr).title or "")
    # each recipient keeps its own party
    assert a.ndr is not None
    parties = {r.address: r.meaning.who_acts for r in a.ndr.recipients if r.meaning}
    assert parties["kim@club.example"] is WhoActs.SENDER
    assert parties["lee@club.example"] is WhoActs.RECIPIENT_ADMIN


def test_a_bounce_of_recipients_with_one_reason_keeps_its_headline() -> None:
    d = diagnose(
        analyze(
            _several(
                ("kim@club.example", "5.1.1", "550 5.1.1 <kim@club.example>: User unknown"),
                ("max@club.example", "5.1.1", "550 5.1.1 <max@club.example>: User unknown"),
            )
        )
    )
    assert d.headline.startswith("A bounce: mx.club.example refused the original (5.1.1)")
    assert "recipients failed" not in d.headline


# --- sending services' test addresses ---------------------------------------------------------


def _simulator_bounce(rcpt: str, received: str = "") -> bytes:
    return genndr4_dsn(
        sender="MAILER-DAEMON@us-west-2.amazonses.com",
        reporting="a1-2.smtp-out.us-west-2.amazonses.com",
        recipient=rcpt,
        status="5.1.1",
        diagnostic="smtp; 550 5.1.1 user unknown",
        received=received,
    )


def test_a_bounce_from_the_ses_mailbox_simulator_is_named_a_test() -> None:
    a = analyze(_simulator_bounce("bounce@simulator.amazonses.com"))
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.meaning is not None and r.meaning.key == "test:simulator"
    assert r.meaning.who_acts is WhoActs.NOBODY_TEST
    assert "mailbox simulator" in r.meaning.source
    d = diagnose(a)
    # was: "A bounce: … refused the original (5.1.1)", with "check the address for typos"
    assert d.headline.startswith("A test bounce: bounce@simulator.amazonses.com is a test address")
    assert "typos" not in render_markdown(a)
    doc = report_dict(a, None)
    assert doc["ndr"]["recipients"][0]["who_acts"] == "nobody_test"


def test_postmark_and_sparkpost_test_domains_are_named_too() -> None:
    for rcpt, name in (
        ("hardbounce@bounce-testing.postmarkapp.com", "Postmark"),
        ("x@oob.bouncy-sink.trymsys.net", "SparkPost"),
    ):
        a = analyze(_simulator_bounce(rcpt))
        assert a.ndr is not None and a.ndr.recipients[0].meaning is not None
        assert name in a.ndr.recipients[0].meaning.source
    # a look-alike domain is no test address
    a = analyze(_simulator_bounce("bounce@simulator.amazonses.com.evil.example"))
    assert a.ndr is not None and a.ndr.recipients[0].meaning is not None
    assert a.ndr.recipients[0].meaning.key != "test:simulator"


def test_a_simulator_bounce_from_an_unrelated_server_keeps_its_caveat() -> None:
    # anyone can write a DSN naming the simulator: the reading changes what the failure
    # means, never whether the report is tied to its reporter
    line = (
        "Received: from out.amazonses.com (vps42.hoster.example [203.0.113.77])\n"
        "\tby mx1.fabrikam.example (Postfix) with ESMTP id 4AbC; " + D + "\n"
    )
    d = diagnose(analyze(_simulator_bounce("bounce@simulator.amazonses.com", line)))
    assert d.headline.startswith("A test bounce")
    assert "not confirmed" in d.headline or "may be forged" in d.headline
    assert "nobody needs to act" not in d.headline


def test_a_kddi_notice_with_a_plain_subject_is_still_read() -> None:
    # au by KDDI writes "Subject: Mail" from a no-reply address: only its text says bounce
    body = (
        "Your mail sent on: Tue, 10 Nov 2026 17:20:01 +0900 \n"
        "     Could not be delivered to: <yuki@example.ne.jp> \n"
        "     As their mailbox is full.\n"
    )
    raw = _carrier(body, sender="no-reply@app.dion.ne.jp", subject="Mail", return_path="<>")
    a = analyze(raw)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.address == "yuki@example.ne.jp"


def test_an_ezweb_style_reason_line_gives_the_remote_reply() -> None:
    body = (
        "Each of the following recipients was rejected by a remote mail server.\n\n"
        "    Recipient: <taro@example.co.jp>\n"
        "    Reason:    5.1.1 <taro@example.co.jp>... User unknown\n"
    )
    a = analyze(_carrier(body))
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.diagnostic.startswith("5.1.1") and r.effective_status == "5.1.1"


# --- a content filter's "Header error" at the recipient's server ------------------------------


def test_a_header_error_at_the_recipients_server_names_its_administrator() -> None:
    raw = genndr4_dsn(
        sender="mailer-daemon@mail.fabrikam.example",
        reporting="mail.fabrikam.example",
        recipient="ken@club.example",
        status="5.7.0",
        diagnostic="554 5.7.0 Header error (state 18).",
        remote="mx.club.example",
    )
    a = analyze(raw)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    # was: RFC 3463 5.7.0, "the sender's mail administrator", "Read the diagnostic text"
    assert r.meaning is not None and r.meaning.key == "text:header-refused"
    assert r.meaning.who_acts is WhoActs.RECIPIENT_ADMIN
    assert "log" in r.meaning.fix
    assert "header refused" in diagnose(a).headline


# --- Amazon SNS's e-mail notification of an SES bounce (the JSON wrapped in "Message") --------

_SES_INNER = (
    '{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General",'
    '"bouncedRecipients":[{"emailAddress":"ana@club.example","action":"failed","status":"5.1.1",'
    '"diagnosticCode":"smtp; 550 5.1.1 <ana@club.example>: Recipient address rejected: User '
    'unknown"}],"reportingMTA":"dsn; a1-2.smtp-out.us-west-2.amazonses.com"},"mail":{"source":'
    '"shop@fabrikam.example","headers":[{"name":"From","value":"shop@fabrikam.example"},'
    '{"name":"To","value":"ana@club.example"},{"name":"Subject","value":"Your order"}]}}'
)


_SES_HOST = "a1-2.smtp-out.us-west-2.amazonses.com [198.51.100.84]"


def _sns(inner: str = _SES_INNER, client: str = _SES_HOST) -> bytes:
    wrapped = inner.replace('"', '\\"')
    return (
        "Return-Path: <0101abc-000000@us-west-2.amazonses.com>\n"
        "Received: from a1-2.smtp-out.us-west-2.amazonses.com "
        f"({client})\n\tby mx.fabrikam.example (Postfix) with ESMTP id 4Ab;"
        f" {D}\n"
        "From: AWS Notifications <no-reply@sns.amazonaws.com>\n"
        "To: ops@fabrikam.example\n"
        "Subject: AWS Notification Message\n"
        f"Date: {D}\n"
        "Message-ID: <0101abc-000000@us-west-2.amazonses.com>\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n"
        '{\n  "Type" : "Notification",\n  "MessageId" : "02f86d9b",\n'
        f'  "Message" : "{wrapped}",\n  "SignatureVersion" : "1"\n}}\n'
    ).encode()


def test_an_sns_wrapped_ses_bounce_is_read() -> None:
    a = analyze(_sns())
    # was: not a bounce (the escaped JSON matched no sign), read as an ordinary message
    assert a.ndr is not None and a.ndr.format is NdrFormat.AMAZON_SES
    (r,) = a.ndr.recipients
    assert r.address == "ana@club.example" and r.effective_status == "5.1.1"
    assert a.ndr.reporting_mta == "a1-2.smtp-out.us-west-2.amazonses.com"


def test_an_untied_simulator_bounce_keeps_both_the_test_and_the_doubt() -> None:
    inner = _SES_INNER.replace("ana@club.example", "bounce@simulator.amazonses.com")
    d = diagnose(analyze(_sns(inner)))
    assert d.headline.startswith("A test bounce: bounce@simulator.amazonses.com is a test")
    # the same notice from a server nothing ties to SES: the test reading keeps the doubt
    d = diagnose(analyze(_sns(inner, "vps42.hoster.example [203.0.113.77]")))
    assert "test address of Amazon SES's mailbox simulator" in d.headline
    assert "may be forged" in d.headline or "not confirmed" in d.headline
    assert "nobody needs to act" not in d.headline


def test_a_plain_notice_of_a_suspended_account_from_a_bounce_sender_is_read() -> None:
    # no layout of a known vendor: a bounce sender, the receiver's null envelope, the address
    # on a line of its own and the provider's sentence (was: not a bounce at all)
    body = (
        "This is an automatically generated notice.\n\n"
        "Delivery to the following recipient failed:\n\n"
        "    <mika@club.example>\n\n"
        "The recipient's account has been suspended.\n"
    )
    raw = _carrier(
        body,
        sender="MAILER-DAEMON@mail.club.example",
        subject="Notice",
        return_path="<>",
        client="mail.club.example [198.51.100.40]",
    )
    a = analyze(raw)
    assert a.ndr is not None and a.ndr.format is NdrFormat.PLAIN
    (r,) = a.ndr.recipients
    assert r.address == "mika@club.example"
    assert r.meaning is not None and r.meaning.key == "text:account-disabled"
    # the same words with the sender's own envelope are no bounce
    assert analyze(raw.replace(b"Return-Path: <>", b"Return-Path: <x@club.example>")).ndr is None
