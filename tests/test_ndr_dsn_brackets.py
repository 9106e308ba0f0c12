"""A DSN whose Final-Recipient carries angle brackets (measure9's B14 shape)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose

_DSN = (
    "Received: from mx.fabrikam.example (mx.fabrikam.example [192.0.2.20])\r\n"
    "\tby mail.contoso.example with ESMTP id 5; Tue, 10 Feb 2026 10:00:05 +0900\r\n"
    "Return-Path: <>\r\n"
    "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.fabrikam.example>\r\n"
    "To: alex@contoso.example\r\n"
    "Subject: Returned mail: see transcript for details\r\n"
    "Date: Tue, 10 Feb 2026 10:00:04 +0900\r\n"
    "Message-Id: <dsn1@mx.fabrikam.example>\r\n"
    "MIME-Version: 1.0\r\n"
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n'
    "\r\n"
    "--b1\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "The original message was received at Tue, 10 Feb 2026 10:00:00 +0900\r\n"
    "----- The following addresses had permanent fatal errors -----\r\n"
    "<full@mobile.example>\r\n"
    "\r\n"
    "--b1\r\n"
    "Content-Type: message/delivery-status\r\n"
    "\r\n"
    "Reporting-MTA: dns; mx.fabrikam.example\r\n"
    "\r\n"
    "Final-Recipient: RFC822; {rcpt}\r\n"
    "Action: failed\r\n"
    "Status: 4.2.2\r\n"
    "Remote-MTA: DNS; mx.mobile.example\r\n"
    "Diagnostic-Code: SMTP; 552 4.2.2 Mailbox full\r\n"
    "\r\n"
    "--b1\r\n"
    "Content-Type: text/rfc822-headers\r\n"
    "\r\n"
    "From: alex@contoso.example\r\n"
    "To: full@mobile.example\r\n"
    "Subject: hello\r\n"
    "\r\n"
    "--b1--\r\n"
)


def test_brackets_around_the_final_recipient_are_not_part_of_the_address() -> None:
    # "Final-Recipient: RFC822; <full@mobile.example>" made "mobile.example>'s mail server"
    a = analyze(_DSN.replace("{rcpt}", "<full@mobile.example>").encode())
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.address == "full@mobile.example"
    assert ">" not in diagnose(a).headline


def test_the_same_report_without_brackets_reads_the_same() -> None:
    with_ = analyze(_DSN.replace("{rcpt}", "<full@mobile.example>").encode())
    without = analyze(_DSN.replace("{rcpt}", "full@mobile.example").encode())
    assert diagnose(with_).headline == diagnose(without).headline
