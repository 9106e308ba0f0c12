"""The receiving organisation's own verdicts credited to it (issue 11, round 7): sid-milter's
stamp under its X-SenderID, a MailScanner run appended at the bottom; each loosening beside the
planted-field attack it must resist."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.facts import Outcome
from headerlens.model.analysis import Analysis
from headerlens.model.provenance import Author
from headerlens.report.render import render
from headerlens.stamped import final_receiver_results
from tests.test_diagnosis import _msg


def _authors(a: Analysis, name: str) -> list[Author | None]:
    out: list[Author | None] = []
    for f in a.headers:
        if f.lname == name:
            found = a.provenance.of(f.index)
            out.append(found.author if found is not None else None)
    return out


def _stamped(a: Analysis) -> dict[str, str]:
    return {
        r.method.lower(): r.result.lower() for ar in final_receiver_results(a) for r in ar.results
    }


def _verdicts(a: Analysis) -> str:
    out = render(a, None, "summary")
    return out.split("Verdicts:", 1)[1].split("\n", 1)[0]


# --- 1. sid-milter: its X-SenderID always has its own stamp directly below ------------------

_SID = "X-SenderID: Sendmail Sender-ID Filter v1.0.0 mx.rcpt.example oBB3JxRJ022484"


def _sendmail(*block: str, queue: str = "oBB3JxRJ022484") -> bytes:
    """A DSN from a Google host into a Sendmail MX running sid-milter with -h (B05's shape)."""
    return _msg(
        "Return-Path: <>",
        "Received: from mail-pg0-f67.google.com (mail-pg0-f67.google.com [192.0.2.67])\r\n"
        f"\tby mx.rcpt.example (8.14.4/8.14.4) with ESMTP id {queue}\r\n"
        "\tfor <ann@rcpt.example>; Sat, 25 Mar 2017 12:34:56 +0900",
        *block,
        "Received: by mail-pg0-f67.google.com with SMTP id q22abc.1\r\n"
        "\tfor <ann@rcpt.example>; Fri, 24 Mar 2017 20:34:55 -0700 (PDT)",
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.example>",
        "To: ann@rcpt.example",
        "Subject: Delivery Status Notification (Failure)",
        "Date: Fri, 24 Mar 2017 20:34:55 -0700",
        "Message-ID: <n1@mx.googlemail.example>",
    )


_SID_OWN = "Authentication-Results: mx.rcpt.example; sender-id=pass header.from=mailer-daemon@googlemail.example"


def test_sid_milters_own_stamp_under_its_x_senderid_is_the_receivers() -> None:
    a = analyze(_sendmail(_SID, _SID_OWN))
    assert _authors(a, "authentication-results") == [Author.FINAL_RECEIVER]
    assert _stamped(a) == {"sender-id": "pass"}
    assert "Final receiver stamped: nothing" not in render(a, None, "md")


def test_a_pass_planted_after_sid_milters_own_stamp_stays_unknown() -> None:
    own = _SID_OWN.replace("sender-id=pass", "sender-id=fail")
    planted = (
        "Authentication-Results: mx.rcpt.example; sender-id=pass header.from=ceo@victim.example;"
        " spf=pass smtp.mfrom=ceo@victim.example"
    )
    a = analyze(_sendmail(_SID, own, planted))
    own_author, planted_author = _authors(a, "authentication-results")
    assert own_author is Author.FINAL_RECEIVER
    assert planted_author in (Author.UNKNOWN, Author.SENDER)
    assert _stamped(a) == {"sender-id": "fail"}
    assert "pass (stamped)" not in _verdicts(a)


def test_a_stamp_right_under_x_senderid_but_not_sid_milters_stays_unknown() -> None:
    # another authserv-id than the host sid-milter names
    other = _SID_OWN.replace("mx.rcpt.example;", "rcpt.example;")
    assert _authors(analyze(_sendmail(_SID, other)), "authentication-results") == [Author.UNKNOWN]
    # no sender-id= result: not a field sid-milter writes
    spf = "Authentication-Results: mx.rcpt.example; spf=pass smtp.mfrom=ceo@victim.example"
    assert _authors(analyze(_sendmail(_SID, spf)), "authentication-results") == [Author.UNKNOWN]
    # an X-SenderID naming another queue id than the receiver's line: no tie at all
    a = analyze(_sendmail(_SID, _SID_OWN, queue="oBB3JxRJ099999"))
    assert _authors(a, "authentication-results") == [Author.UNKNOWN]
    # a field between the X-SenderID and the stamp
    a = analyze(_sendmail(_SID, "X-Mailer: x", _SID_OWN))
    assert _authors(a, "authentication-results") != [Author.FINAL_RECEIVER]
