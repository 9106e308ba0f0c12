"""Time gaps no queue can hold, clocks the Date contradicts, lines that do not belong to the path
(issue 11). Each rule with a synthetic message of the real shape (names, addresses, times
changed; documentation addresses and example domains)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import GapKind, diagnose
from headerlens.diagnosis.findings_build import stamped_findings as findings
from headerlens.model.codes import Code
from headerlens.report.words import transit_words
from tests.test_diagnosis import _msg
from tests.test_gen8a import _HELD

# --- 1. a gap longer than any queue holds is a wrong clock or a later sending, not a queue

# Postfix MX whose clock is three weeks behind, a Cyrus store behind it: the Date (a year
# mangled by the spam tool) and the store's stamps agree with each other.
_SLOW_MX = _msg(
    "Received: from murder ([unix socket]) by store1.example.net (Cyrus v2.2.12) with LMTPA; Mon, 30 Jun 2008 02:34:00 -0700",
    "Received: from mx2.example.org (unknown [10.20.15.30]) by store1.example.net (Postfix) with ESMTP id 9444077D75 for <abc@example.net>; Mon, 30 Jun 2008 02:34:00 -0700 (PDT)",
    "Received: from localhost (unknown [198.51.100.91]) by mx2.example.org (Postfix) with ESMTP id 44D0110011 for <abc@example.net>; Mon,  9 Jun 2008 12:24:02 -0700 (PDT)",
    "From: Spammer <x75@spam.example>",
    "To: <abc@example.net>",
    "Subject: offer",
    "Date: Mon, 30 Jun {year} 15:33:50 +0600",
)


def _slow_mx(year: str) -> bytes:
    return _SLOW_MX.replace(b"{year}", year.encode())


def test_three_weeks_behind_both_the_date_and_the_next_stamp_is_a_clock_not_a_queue() -> None:
    for year in ("2008", "3609"):  # a plausible Date, and one whose year the spam tool mangled
        a = analyze(_slow_mx(year))
        d = diagnose(a)
        gap = next(g for g in d.gaps if g.host == "mx2.example.org")
        assert gap.kind is GapKind.SKEW, year
        assert "clock of mx2.example.org" in gap.note
        assert "delay" not in d.labels() and "waited" not in d.headline
        assert "not measurable" in transit_words(a)
        codes = {f.code for f in findings(a)}
        assert Code.DELAY_CLOCK_SKEW in codes and Code.DELAY_QUEUE not in codes


def test_an_implausible_date_year_says_no_hours_of_skew_or_zone_artefact() -> None:
    d = diagnose(analyze(_slow_mx("3609")))
    assert d.date_note is None
    assert "tz-artefact" not in d.labels()


# qmail: the sender's own stamps and the Date agree; the receiver took it 72 days later.
_REPLAY = _msg(
    "Delivered-To: someone@example.com",
    "Received: (qmail 12733 invoked from network); 8 Mar 2017 05:57:05 -0000",
    "Received: from unknown (HELO sender.example) (203.0.113.11) by smtp.example.com with SMTP; 8 Mar 2017 05:57:05 -0000",
    "Received: (qmail 11857 invoked by uid 8061); 26 Dec 2016 05:32:04 -0000",
    "Received: from unknown (HELO pc1) (user@sender.example@[198.51.100.168]) (envelope-sender <user@sender.example>) by 0 (magicmail) with SMTP for <a@example.org>; 26 Dec 2016 05:32:02 -0000",
    "From: user <user@sender.example>",
    "To: <a@example.org>",
    "Subject: hello",
    "Date: Mon, 26 Dec 2016 13:33:31 +0800",
)


def test_72_days_after_the_senders_stamps_and_date_is_a_later_sending_not_a_queue() -> None:
    a = analyze(_REPLAY)
    d = diagnose(a)
    gap = max(d.gaps, key=lambda g: g.seconds)
    assert gap.kind is GapKind.NO_QUEUE
    assert "sent again later" in gap.note and "Date agrees" in gap.note
    assert "delay" not in d.labels() and "waited" not in d.headline
    f = next(f for f in findings(a) if f.code is Code.DELAY_BEYOND_QUEUE)
    assert "longer than mail servers keep a message queued" in f.title
    assert "not measurable" in transit_words(a)


def test_a_long_gap_the_date_does_not_place_names_both_readings() -> None:
    raw = _REPLAY.replace(
        b"Date: Mon, 26 Dec 2016 13:33:31 +0800", b"Date: Mon, 9 Jan 2017 10:00:00 +0000"
    )
    gap = max(diagnose(analyze(raw)).gaps, key=lambda g: g.seconds)
    assert gap.kind is GapKind.NO_QUEUE
    assert "wrong clock on" in gap.note and "sent again later" in gap.note


def test_six_days_is_still_a_queue() -> None:
    """Within the longest default queue lifetime (qmail's 7 d) the gap stays a delay."""
    raw = _REPLAY.replace(b"8 Mar 2017", b"1 Jan 2017")
    d = diagnose(analyze(raw))
    assert (delay := d.get("delay")) is not None and int(delay.fact("seconds") or 0) > 5 * 86400


def test_a_lists_hold_of_nine_days_stays_the_lists_hold() -> None:
    """A moderator may take weeks: a list's hold is kept, whatever its length."""
    raw = _HELD.replace("Wed, 31 Jul 2019 16:36:22 +0000", "Fri, 9 Aug 2019 16:36:22 +0000")
    raw = raw.replace("Wed, 31 Jul 2019 18:36:33 +0200", "Fri, 9 Aug 2019 18:36:33 +0200")
    d = diagnose(analyze(raw.encode()))
    held = [g for g in d.gaps if g.seconds > 86400]
    assert [g.kind for g in held] == [GapKind.TRANSIT]
    assert "list's own hold" in held[0].note
