"""Lists, forwards, re-sends and person-to-person mail read as an expert would (issue 11), each
with a synthetic message of a real shape (names and addresses changed to documentation ones)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import GapKind, diagnose

# --- 1. An author's re-send (Resent-*, RFC 5322 §3.6.6) a day after the first delivery ---------
# measure5 L13's shape: the author re-sent his patch from his webmail mailbox to a list a day
# later; the Received lines of the first delivery (to his own mailbox) stay below the re-send's.

_RESEND_TOP = """\
Return-Path: <dev-bounces@lists.example.org>
Received: from lists.example.org (lists.example.org [198.51.100.77])
\tby mx.recv.example (Postfix) with ESMTPS id 4FBFC644877
\tfor <me@recv.example>; {mx_time}
Received: from lists.example.org (localhost [127.0.0.1])
\tby lists.example.org (Postfix) with ESMTP id 68B47F80290;
\t{list_time}
Received: from mout.mail.example (mout.mail.example [192.0.2.19])
 by lists.example.org (Postfix) with ESMTPS id 2BF16F8014E
 for <dev@lists.example.org>; Tue, 6 Dec 2022 16:57:58 +0100 (CET)
"""
_RESEND_SUBMISSION = """\
Received: from [192.168.0.87] ([203.0.113.45]) by mail.mail.example (mrweb005
 [192.0.2.190]) with ESMTPSA (Nemesis) id 1MJmGZ-1pHeNE48YD; Tue, 06
 Dec 2022 16:57:54 +0100
"""
_OLD_TRIP = """\
Received: from mout.mail.example ([192.0.2.20]) by mx-ha.mail.example (mxweb114
 [192.0.2.5]) with ESMTPS (Nemesis) id 1MaJKP-1pWHuy2AM9 for
 <author@mail.example>; Mon, 05 Dec 2022 17:37:41 +0100
Received: from laptop ([198.51.100.142]) by mail.mail.example (mrweb104
 [192.0.2.168]) with ESMTPSA (Nemesis) id 1M8QS8-1p6cBz3XZg; Mon,
 05 Dec 2022 17:37:36 +0100
"""
_RESEND_BODY = """\
From: A Author <author@mail.example>
To: Maintainer <maint@corp.example>
Subject: [PATCH v2] fix the speakers
Date: Mon,  5 Dec 2022 17:37:13 +0100
Message-Id: <20221205163713.7476-1-author@mail.example>
Resent-From: A Author <author@mail.example>
Resent-To: Maintainer <maint@corp.example>
Resent-Cc: dev@lists.example.org
Resent-Date: {resent_date}
Cc: dev@lists.example.org
X-BeenThere: dev@lists.example.org
X-Mailman-Version: 2.1.15
Precedence: list
List-Id: <dev.lists.example.org>
List-Post: <mailto:dev@lists.example.org>
Sender: "Dev" <dev-bounces@lists.example.org>

body
"""


def _resend(
    list_time: str = "Tue,  6 Dec 2022 16:58:06 +0100 (CET)",
    mx_time: str = "Tue,  6 Dec 2022 16:59:04 +0100 (CET)",
    resent_date: str = "Tue, 06 Dec 2022 16:57:52 +0100",
    submission: str = _RESEND_SUBMISSION,
) -> bytes:
    top = _RESEND_TOP.format(list_time=list_time, mx_time=mx_time)
    return (top + submission + _OLD_TRIP + _RESEND_BODY.format(resent_date=resent_date)).encode()


def test_an_authors_resend_a_day_later_is_neither_a_queue_nor_a_forward() -> None:
    d = diagnose(analyze(_resend()))
    assert "delay" not in d.labels()
    assert "forward-nosrs" not in d.labels()  # the final receiver forwarded nothing
    assert "mailing-list" in d.labels()
    long = [g for g in d.gaps if g.seconds > 3600]
    assert [g.kind for g in long] == [GapKind.REDELIVERED]
    assert "re-sent" in long[0].note and "author@mail.example" in long[0].note
    assert "waited" not in d.headline


def test_a_real_delay_above_the_resend_is_still_blamed_on_its_host() -> None:
    # 3 h on the list server after the re-send: the Resent-Date explains only the older gap
    late = "Tue,  6 Dec 2022 19:59:04 +0100 (CET)"
    d = diagnose(analyze(_resend(mx_time=late)))
    delays = [s for s in d.situations if s.label == "delay"]
    assert delays and delays[0].fact("host") == "lists.example.org"


def test_a_resent_date_does_not_excuse_a_gap_that_ends_at_no_submission() -> None:
    # the newer stamp is a relay's, not a new submission: a sender's Resent-Date does not turn a
    # queue into a re-send
    relay = _RESEND_SUBMISSION.replace("with ESMTPSA", "with ESMTPS")
    d = diagnose(analyze(_resend(submission=relay)))
    assert "delay" in d.labels()
    # nor one whose Resent-Date is hours before the new stamp
    d = diagnose(analyze(_resend(resent_date="Tue, 06 Dec 2022 11:00:00 +0100")))
    assert "delay" in d.labels()


def test_resent_fields_never_move_the_trust_boundary() -> None:
    plain = _resend().replace(b"Resent-", b"X-Old-")
    with_resent, without = analyze(_resend()).chain.boundary, analyze(plain).chain.boundary
    assert with_resent is not None and without is not None
    assert (with_resent.hop_number, with_resent.ip) == (without.hop_number, without.ip)
    assert with_resent.ip == "198.51.100.77"


def test_a_resend_by_another_party_names_it_as_the_forwarder() -> None:
    # someone else re-sent the author's message: a forward by the Resent-From's domain, not by
    # the final receiver (the old wording said "recv.example re-sent it")
    raw = _resend().replace(
        b"Resent-From: A Author <author@mail.example>", b"Resent-From: <desk@helpers.example>"
    )
    d = diagnose(analyze(raw))
    fwd = [s for s in d.situations if s.label == "forward-nosrs"]
    assert fwd and fwd[0].fact("forwarder") == "helpers.example"
