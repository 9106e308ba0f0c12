"""Time gaps on the Received chain (issue 11): a real delay against a wrong zone label, placeholder
and contradictory times, a few minutes on a list server, one list server's clock skew. Each rule
with a synthetic message of the real shape (names, addresses and times changed)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import GapKind, diagnose
from headerlens.diagnosis.facts import Diagnosis
from headerlens.diagnosis.findings_build import stamped_findings as findings
from tests.test_diagnosis import _msg


def _chain(*stamps: tuple[str, str], date: str | None = None) -> bytes:
    """Received lines from (host, time) pairs, oldest first; each host hands to the next."""
    lines = []
    prev = "client.example.org"
    for i, (host, when) in enumerate(stamps, 1):
        lines.append(
            f"Received: from {prev} ({prev} [192.0.2.{10 + i}]) by {host} with ESMTPS id q{i}; {when}"
        )
        prev = host
    lines.reverse()
    return _msg(
        *lines,
        "From: Ann <ann@example.org>",
        "To: bob@example.net",
        "Subject: report",
        f"Date: {date or stamps[0][1]}",
    )


def _read(*stamps: tuple[str, str], date: str | None = None) -> Diagnosis:
    return diagnose(analyze(_chain(*stamps, date=date)))


def _gmail_internal(gap: str, second_label: str = "-0700") -> Diagnosis:
    """Two Gmail-internal stamps (the shape of a Google Groups or Workspace copy): the time on
    the first receiver is ``gap`` after 09:10:00 on its own clock."""
    return _read(
        ("mail-sor-f41.google.example", "Tue, 3 Mar 2026 09:09:58 -0700"),
        ("mx.google.example", "Tue, 3 Mar 2026 09:10:00 -0700"),
        ("ig2.gmr-mx.google.example", f"Tue, 3 Mar 2026 {gap} {second_label}"),
        ("mx.example.net", f"Tue, 3 Mar 2026 {gap} {second_label}"),
    )


# --- 1. a zone-label artefact needs whole hours AND evidence that a label is wrong


def test_same_label_almost_two_hours_is_a_delay_on_the_previous_receiver() -> None:
    """1 h 58 min 17 s between two stamps both labelled -0700: not whole hours, same label, so
    the message waited on mx.google.example (the earlier receiver), not a time-zone error."""
    d = _gmail_internal("11:08:17")
    gap = next(g for g in d.gaps if g.host == "mx.google.example")
    assert gap.kind is GapKind.TRANSIT
    assert "tz-artefact" not in d.labels()
    delay = d.get("delay")
    assert delay is not None and delay.fact("host") == "mx.google.example"
    assert "1 h 58 min on mx.google.example" in d.headline


def test_same_label_whole_hours_is_still_a_delay() -> None:
    """Exactly two hours under one label is no evidence of a wrong label: a real wait."""
    d = _gmail_internal("11:10:05")
    assert "tz-artefact" not in d.labels()
    assert (delay := d.get("delay")) is not None and delay.fact("host") == "mx.google.example"


def test_tolerance_of_a_zone_step_is_ninety_seconds_of_transit() -> None:
    """Different labels, two hours plus transit: 85 s of transit is a label error, 95 s (or the
    1 min 43 s of the Gmail shape) is not whole hours, so a delay."""
    # 09:10:00 -0700 is 16:10:00Z; +0000 labels at 18:11:25 / 18:11:35 are 2 h 1 min 25 / 35 s
    # later: 85 s and 95 s beyond whole hours; the wall clocks do not agree
    inside = _gmail_internal("18:11:25", "+0000")
    assert next(g for g in inside.gaps if g.host == "mx.google.example").kind is GapKind.TZ_LABEL
    assert "tz-artefact" in inside.labels() and "delay" not in inside.labels()
    outside = _gmail_internal("18:11:35", "+0000")
    assert next(g for g in outside.gaps if g.host == "mx.google.example").kind is GapKind.TRANSIT
    assert "tz-artefact" not in outside.labels() and "delay" in outside.labels()


def test_a_utc_clock_under_a_local_label_stays_a_zone_artefact() -> None:
    """A relay writing its UTC wall clock with a +0800 label (the corpus shape): the wall clocks
    agree within a second, so eight hours of apparent gap are no delay."""
    d = _read(
        ("relay.example.org", "Sat, 11 May 2024 12:28:08 +0800"),
        ("mx.example.net", "Sat, 11 May 2024 12:28:07 +0000"),
        date="Sat, 11 May 2024 14:27:02 +0200",
    )
    assert d.gaps[0].kind is GapKind.TZ_LABEL
    assert "tz-artefact" in d.labels() and "delay" not in d.labels()


def test_half_hour_steps_need_a_half_hour_zone() -> None:
    """22 h 46 min between +0100 and +0000 labels is within transit of 22 h 45 min, but neither
    label is a 45-minute zone: a day-long queue, not a label error. Next to +0545 (Nepal), 5 h
    45 min is a label error."""
    queued = _read(
        ("gw.example.org", "Fri, 6 Sep 2024 05:20:40 +0100"),
        ("mx.example.net", "Sat, 7 Sep 2024 03:06:44 +0000"),
        date="Fri, 6 Sep 2024 05:20:30 +0100",
    )
    assert queued.gaps[0].kind is GapKind.TRANSIT and "delay" in queued.labels()
    nepal = _read(
        ("gw.example.org", "Fri, 6 Sep 2024 05:20:40 +0545"),
        ("mx.example.net", "Fri, 6 Sep 2024 05:21:10 +0000"),
        date="Fri, 6 Sep 2024 05:20:30 +0545",
    )
    assert nepal.gaps[0].kind is GapKind.TZ_LABEL and "delay" not in nepal.labels()


# --- 2. placeholder and contradictory times: no delay can be named


def test_one_invented_time_next_to_real_ones_is_no_queue() -> None:
    """A fixture whose first stamp carries an invented '12:34:45 +0900' while the Date and the
    later stamps are real: the Date (written before stamp 1) is dated 14 h after it, with stamp
    2, so the times contradict each other and no 14-hour queue is named."""
    raw = _chain(
        ("smtp.example.jp", "Wed, 4 Mar 2026 12:34:45 +0900"),
        ("mx1.example.net", "Wed, 4 Mar 2026 17:44:50 +0000"),
        ("mx2.example.net", "Wed, 4 Mar 2026 17:44:52 +0000"),
        date="Wed, 4 Mar 2026 17:44:40 +0000",
    )
    d = diagnose(analyze(raw))
    assert d.gaps[0].kind is GapKind.INCONSISTENT
    assert "delay" not in d.labels() and "waited" not in d.headline
    said = [f for f in findings(analyze(raw)) if f.code == "delay.inconsistent-times"]
    assert len(said) == 1 and "no delay can be named" in said[0].title
    assert not any(f.code == "delay.queue" for f in findings(analyze(raw)))


def test_a_later_stamp_earlier_than_the_gap_contradicts_it() -> None:
    """A filter stamped with an invented late time (17:34:45), the next hops real (12:00): the
    stamp after the gap is dated inside it, and the way back does not mirror it (not one slow
    clock), so the 9.5-hour 'queue' on the relay is no time anywhere."""
    d = _read(
        ("smtp.example.org", "Wed, 4 Mar 2026 08:00:00 +0000"),
        ("relay.example.org", "Wed, 4 Mar 2026 08:00:05 +0000"),
        ("filter.example.org", "Wed, 4 Mar 2026 17:34:45 +0000"),
        ("mx.example.net", "Wed, 4 Mar 2026 12:00:20 +0000"),
        ("store.example.net", "Wed, 4 Mar 2026 12:00:21 +0000"),
        date="Wed, 4 Mar 2026 07:59:58 +0000",
    )
    gap = next(g for g in d.gaps if g.host == "relay.example.org")
    assert gap.kind is GapKind.INCONSISTENT and "stamp 4" in gap.note
    assert "delay" not in d.labels() and "waited" not in d.headline


def test_sisimai_style_placeholder_times_are_neither_delay_nor_zone_artefact() -> None:
    """An anonymised bounce: every stamp and the Date read 23:34:45, under -0700, +0900 and
    +0000 labels. That is an invented time, not a 16-hour label error or a queue."""
    d = _read(
        ("mail-pf1.google.example", "Thu, 29 Apr 2021 23:34:45 -0700"),
        ("mail.example.jp", "Thu, 29 Apr 2021 23:34:45 +0900"),
        ("localhost", "Thu, 29 Apr 2021 23:34:45 +0900"),
        ("mail.example.jp", "Thu, 29 Apr 2021 23:34:45 +0900"),
        date="Thu, 29 Apr 2021 23:34:45 +0000",
    )
    assert d.gaps[0].kind is GapKind.INCONSISTENT and "23:34:45" in d.gaps[0].note
    assert "tz-artefact" not in d.labels() and "delay" not in d.labels()
    assert d.date_note is None


_DSN = """\
Received: from mx.example.jp (mx.example.jp [192.0.2.25]) by mail.example.org with ESMTP id b2; {outer2}
Received: from localhost (localhost [127.0.0.1]) by mx.example.jp with ESMTP id b1; {outer1}
From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.jp>
To: <ann@example.org>
Date: {outer1}
Subject: Returned mail: see transcript for details
Content-Type: multipart/report; report-type=delivery-status; boundary="B_1"
Auto-Submitted: auto-generated (failure)

--B_1
Content-Type: text/plain

The original message was received at {arrival}
from mail.example.org [192.0.2.40]

--B_1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.jp
Arrival-Date: {arrival}

Final-Recipient: RFC822; nobody@example.jp
Action: failed
Status: 5.1.1
Remote-MTA: DNS; mail.example.jp
Diagnostic-Code: SMTP; 550 5.1.1 <nobody@example.jp>... User Unknown
Last-Attempt-Date: {last}

--B_1
Content-Type: message/rfc822

Received: from mail.example.org (mail.example.org [192.0.2.40]) by mx.example.jp with ESMTP id o1; {orig}
From: Ann <ann@example.org>
To: nobody@example.jp
Subject: hello
Date: {orig}

hi

--B_1--
"""


def _dsn(**times: str) -> Diagnosis:
    return diagnose(analyze(_DSN.format(**times).replace("\n", "\r\n").encode()))


def test_a_dsn_arrival_placeholder_is_no_14_hour_retry() -> None:
    """An anonymised DSN whose Arrival-Date carries the invented time while the returned message
    and the retry are real: the returned message's own stamp (before Arrival-Date) is dated
    inside the 'retrying' gap, so no wait on the reporter is named."""
    real = "Thu, 5 Mar 2026 02:44:50 +0900"
    d = _dsn(
        outer1="Thu, 5 Mar 2026 02:45:01 +0900",
        outer2="Thu, 5 Mar 2026 02:45:03 +0900",
        arrival="Wed, 4 Mar 2026 12:34:45 +0900",
        last="Thu, 5 Mar 2026 02:45:00 +0900",
        orig=real,
    )
    assert "ndr" in d.labels()
    held = next(g for g in d.gaps if (g.hop_number, g.next_hop) == (0, 0))
    assert held.kind is GapKind.INCONSISTENT
    assert "delay" not in d.labels() and "waited" not in d.headline


def test_a_dsn_real_retry_still_names_the_reporter() -> None:
    """The same DSN with consistent times: 11 minutes of retrying on mx.example.jp."""
    d = _dsn(
        outer1="Thu, 5 Mar 2026 02:56:01 +0900",
        outer2="Thu, 5 Mar 2026 02:56:03 +0900",
        arrival="Thu, 5 Mar 2026 02:44:51 +0900",
        last="Thu, 5 Mar 2026 02:56:00 +0900",
        orig="Thu, 5 Mar 2026 02:44:50 +0900",
    )
    delay = d.get("delay")
    assert delay is not None and delay.fact("host") == "mx.example.jp"


def test_a_placeholder_first_stamp_of_a_bounce_contradicts_the_arrival_date() -> None:
    """The bounce's own first stamp and Date carry the invented time, the Arrival-Date and the
    delivery back are real: the Arrival-Date (before the bounce was written) is dated inside
    the 14-hour gap, so no queue on mx.example.jp is named."""
    d = _dsn(
        outer1="Wed, 4 Mar 2026 12:34:45 +0900",
        outer2="Thu, 5 Mar 2026 02:45:03 +0900",
        arrival="Thu, 5 Mar 2026 02:44:51 +0900",
        last="Thu, 5 Mar 2026 02:45:00 +0900",
        orig="Thu, 5 Mar 2026 02:44:50 +0900",
    )
    assert "delay" not in d.labels()
    assert any(g.kind is GapKind.INCONSISTENT and g.host == "mx.example.jp" for g in d.gaps)


def test_a_real_day_long_queue_stays_a_delay() -> None:
    """A taken-over account's host that sat on the message for 20 h, Date agreeing with its
    first stamp: nothing contradicts the gap, so the queue is named."""
    d = _read(
        ("isp.example.org", "Tue, 16 May 2023 23:33:48 +0000"),
        ("amavis.example.org", "Tue, 16 May 2023 23:33:50 +0000"),
        ("mx.example.net", "Wed, 17 May 2023 20:10:14 +0000"),
        date="Wed, 17 May 2023 07:33:45 +0800",
    )
    assert (delay := d.get("delay")) is not None and delay.fact("host") == "amavis.example.org"


# --- 3. a few minutes on a list server is information, not a delay


def _list_copy(list_minutes: int, list_seconds: int = 0) -> bytes:
    """A kernel list post: the author's host, the list's MX, the archive (public-inbox)."""
    m = 12 + list_minutes
    return _msg(
        f"Received: from tor.lore.example.org (tor.lore.example.org [198.51.100.20]) by mail.archive.example with ESMTPS id a3; Mon, 6 Apr 2026 10:{m:02d}:{list_seconds:02d} +0000",
        "Received: from smtp.author.example (smtp.author.example [203.0.113.5]) by tor.lore.example.org with ESMTPS id a2; Mon, 6 Apr 2026 10:12:00 +0000",
        "Received: from [10.0.0.2] by smtp.author.example with ESMTPSA id a1; Mon, 6 Apr 2026 10:11:58 +0000",
        "From: Dev <dev@author.example>",
        "To: linux-x@lists.example.org",
        "List-Id: <linux-x.lists.example.org>",
        "Subject: [PATCH] fix",
        "Date: Mon, 6 Apr 2026 10:11:55 +0000",
    )


def test_three_to_five_minutes_on_a_list_server_is_not_headlined() -> None:
    for minutes in (3, 5):
        raw = _list_copy(minutes)
        d = diagnose(analyze(raw))
        assert "delay" not in d.labels() and "waited" not in d.headline
        found = findings(analyze(raw))
        assert not any(f.code == "delay.queue" for f in found)
        short = [f for f in found if f.code == "delay.short-queue"]
        assert len(short) == 1 and "tor.lore.example.org" in short[0].title
        assert short[0].severity.value == "info" and "ordinary" in short[0].title


def test_ten_minutes_on_a_list_server_is_a_delay() -> None:
    d = diagnose(analyze(_list_copy(10)))
    assert (delay := d.get("delay")) is not None and delay.fact("host") == "tor.lore.example.org"
    assert "10 min on tor.lore.example.org" in d.headline


# --- 4. one list server's clock a few minutes off is skew, never a delay


def test_a_few_minutes_of_skew_on_one_list_server_is_no_delay() -> None:
    """vger's clock 4 minutes slow: -4 min into it, +4 min out of it. A skew pair: neither a
    delay nor a short queue on the next host."""
    d = _read(
        ("smtp.author.example", "Mon, 6 Apr 2026 10:12:00 +0000"),
        ("vger.lists.example.org", "Mon, 6 Apr 2026 10:08:03 +0000"),
        ("mx.archive.example", "Mon, 6 Apr 2026 10:12:06 +0000"),
        date="Mon, 6 Apr 2026 10:11:58 +0000",
    )
    assert [g.kind for g in d.gaps] == [GapKind.SKEW, GapKind.SKEW]
    assert "delay" not in d.labels()
    assert "vger.lists.example.org" in d.gaps[0].note


# --- without a delay to hide it: an archive's own Rspamd failure is no control


def _archived_list_post(spamd: str) -> bytes:
    """A Mailman 3 post whose inbound check at the list passed, archived by a host that writes
    only Rspamd's X-Spamd-Result (above its own Received line)."""
    return _msg(
        f"X-Spamd-Result: default: False [4.49 / 15.00]; {spamd}; MAILLIST(-0.20)[mailman]",
        "Received: from lists.example.org (lists.example.org [198.51.100.20]) by mail.archive.example with ESMTPS id a3; Mon, 6 Apr 2026 10:12:30 +0000",
        "Received: from lists.example.org (localhost [127.0.0.1]) by lists.example.org with ESMTP id a2b; Mon, 6 Apr 2026 10:12:20 +0000",
        "Authentication-Results: lists.example.org; dkim=pass header.d=author.example header.s=s1; spf=pass smtp.mailfrom=author.example; dmarc=pass (policy=reject) header.from=author.example",
        "Received: from smtp.author.example (smtp.author.example [203.0.113.5]) by lists.example.org with ESMTPS id a2; Mon, 6 Apr 2026 10:12:00 +0000",
        "From: Dev <dev@author.example>",
        "To: linux-x@lists.example.org",
        "List-Id: <linux-x.lists.example.org>",
        "X-Mailman-Version: 3.3.5",
        "Subject: [Linux-x] patch",
        "Date: Mon, 6 Apr 2026 10:11:55 +0000",
    )


def test_an_archives_rspamd_dmarc_reject_is_no_control() -> None:
    """The list modified the post and broke the author's DKIM: the archive's Rspamd computes
    DMARC reject. The list's own inbound pass does not make it 'nothing is wrong' (the real
    shape hid behind a 6-minute 'delay' label before)."""
    broken = _archived_list_post(
        "DMARC_POLICY_REJECT(2.00)[author.example : SPF not aligned (relaxed),reject]; "
        "R_DKIM_REJECT(1.00)[author.example:s=s1]"
    )
    assert "control" not in diagnose(analyze(broken)).labels()
    fine = _archived_list_post(
        "DMARC_POLICY_ALLOW(-0.50)[author.example,reject]; R_DKIM_ALLOW(-0.20)[author.example:s=s1]"
    )
    assert "control" in diagnose(analyze(fine)).labels()


def test_a_stamp_whole_hours_earlier_under_the_same_label_is_a_zone_artefact() -> None:
    """The last host stamps one hour before the host that handed it the message, both -0800:
    no clock runs back, and an exact hour is a zone or daylight-saving label, not a queue
    (a regression guard: the old rule said so too)."""
    d = _gmail_internal("08:10:02", "-0700")
    gap = next(g for g in d.gaps if g.host == "mx.google.example")
    assert gap.kind is GapKind.TZ_LABEL and "delay" not in d.labels()


def test_the_summary_does_not_add_up_contradictory_times() -> None:
    """'total transit -16 h' of a placeholder chain is no time: the summary says it cannot be
    measured; an ordinary chain keeps its total."""
    from headerlens.report.words import facts

    fake = _chain(
        ("mail-pf1.google.example", "Thu, 29 Apr 2021 23:34:45 -0700"),
        ("mail.example.jp", "Thu, 29 Apr 2021 23:34:45 +0900"),
        ("localhost", "Thu, 29 Apr 2021 23:34:45 +0900"),
        date="Thu, 29 Apr 2021 23:34:45 +0000",
    )
    assert "not measurable" in dict(facts(analyze(fake)))["Hops"]
    assert dict(facts(analyze(_list_copy(3))))["Hops"].endswith("total transit +3 min 02 s")


def test_a_date_whole_hours_before_the_first_stamp_is_said_as_a_label() -> None:
    """A Date written in UTC under a +0900 label (09:10 +0900 for 09:10 UTC), 9 h before the
    first stamp: the note says a label is wrong, not that the client held the message."""
    raw = _chain(
        ("smtp.example.jp", "Wed, 4 Mar 2026 09:10:05 +0000"),
        ("mx.example.net", "Wed, 4 Mar 2026 09:10:07 +0000"),
        date="Wed, 4 Mar 2026 09:10:00 +0900",
    )
    said = [f.title for f in findings(analyze(raw)) if f.code == "delay.date-header"]
    assert len(said) == 1 and "before the first Received stamp" in said[0]
    assert "time-zone label is wrong" in said[0]
    assert "the client held the message" not in said[0]
