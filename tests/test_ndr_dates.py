"""A bounce's Arrival-Date and Last-Attempt-Date are read once, by the bounce parser, from the
delivery-status part (RFC 3464 §2.2.5, §2.3.7), and the diagnosis uses those."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from tests.paths import CORPUS, need_shared

DSN = (
    "From: MAILER-DAEMON@mx.example.net\r\nTo: a@example.org\r\n"
    "Subject: Undelivered Mail Returned to Sender\r\n"
    "Date: Tue, 10 Nov 2026 12:00:00 +0000\r\nMessage-ID: <b1@mx.example.net>\r\n"
    "MIME-Version: 1.0\r\n"
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
    "--B\r\nContent-Type: text/plain\r\n\r\nI could not deliver it.\r\n"
    "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
    "Reporting-MTA: dns; mx.example.net\r\n"
    "Arrival-Date: Tue, 10 Nov 2026 09:00:00 +0000\r\n\r\n"
    "Final-Recipient: rfc822; b@example.com\r\nAction: failed\r\nStatus: 4.4.7\r\n"
    "Last-Attempt-Date: Tue, 10 Nov 2026 11:30:00 +0000\r\n"
    "Diagnostic-Code: smtp; 451 4.4.7 timed out\r\n\r\n"
    "--B--\r\n"
)


def test_the_bounce_parser_reads_both_dates_and_the_diagnosis_uses_them() -> None:
    a = analyze(DSN.encode())
    assert a.ndr is not None
    assert a.ndr.arrival == datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    assert a.ndr.last_attempt == datetime(2026, 11, 10, 11, 30, tzinfo=UTC)
    held = [g for g in diagnose(a).gaps if g.note == "DSN Arrival-Date to Last-Attempt-Date"]
    assert [(g.host, g.seconds) for g in held] == [("mx.example.net", 9000.0)]


def test_a_date_in_the_text_part_or_the_returned_message_is_not_the_reports() -> None:
    # only the delivery-status part states the report's dates
    text = DSN.replace(
        "I could not deliver it.", "Arrival-Date: Mon, 09 Nov 2026 01:00:00 +0000"
    ).replace("Arrival-Date: Tue, 10 Nov 2026 09:00:00 +0000\r\n", "")
    a = analyze(text.encode())
    assert a.ndr is not None and a.ndr.arrival is None


def test_a_report_with_cr_only_line_ends_still_gives_its_dates() -> None:
    # corpus: the delivery-status part is read through the MIME structure, which the old
    # line-anchored scan of the raw body missed with bare CR line ends
    path = CORPUS / "real2" / "ndr-sendmail-eop-5.7.606-banned-ip-cr-only-line-endings.eml"
    need_shared(path)
    a = analyze(path.read_bytes())
    assert a.ndr is not None
    jst = timezone(timedelta(hours=9))
    assert a.ndr.arrival == datetime(2015, 4, 29, 20, 0, tzinfo=jst)
