"""Mistakes found by reading real messages outside the development corpus, each as a rule."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import Diagnosis, GapKind, diagnose
from headerlens.model import InputKind
from tests.paths import CORPUS, need_shared
from tests.test_diagnosis import _chain, _msg


def test_skew_of_several_stamps_on_one_wrong_clock_is_not_a_delay() -> None:
    """A gateway whose clock is 67 min slow writes three stamps: -67 min into it, a second or
    two between its own stamps, then +67 min out of it. That is one clock, not a queue."""
    d = diagnose(
        analyze(
            _chain(
                ("mbx.example.org", "Sat, 3 Aug 2024 23:27:15 +0300"),
                ("gw.example.org", "Sat, 3 Aug 2024 22:19:39 +0300"),
                ("gw-scan.example.org", "Sat, 3 Aug 2024 22:19:39 +0300"),
                ("gw-out.example.org", "Sat, 3 Aug 2024 22:19:40 +0300"),
                ("mx.example.net", "Sat, 3 Aug 2024 20:27:18 +0000"),
                ("store.example.net", "Sat, 3 Aug 2024 20:27:20 +0000"),
            )
        )
    )
    kinds = [g.kind for g in d.gaps]
    assert kinds[0] is GapKind.SKEW and kinds[3] is GapKind.SKEW
    assert "gw.example.org" in d.gaps[3].note and "gw-out.example.org" in d.gaps[3].note
    assert "delay" not in d.labels()
    assert d.slowest is not None and d.slowest.seconds == 2


def test_a_real_queue_after_an_unrelated_negative_gap_stays_a_delay() -> None:
    """-5 min then, further on, +40 min: not a mirror, so the 40 min are a queue."""
    d = diagnose(
        analyze(
            _chain(
                ("a.example", "Mon, 1 May 2023 10:05:00 +0000"),
                ("b.example", "Mon, 1 May 2023 10:00:00 +0000"),
                ("c.example", "Mon, 1 May 2023 10:00:01 +0000"),
                ("d.example", "Mon, 1 May 2023 10:40:01 +0000"),
            )
        )
    )
    delay = d.get("delay")
    assert delay is not None and delay.fact("host") == "c.example"


def _shared(name: str) -> Diagnosis:
    """The diagnosis of a message of ../shared/corpus/eml (skips, or fails under CI, without it)."""
    path = CORPUS / "eml" / name
    need_shared(path)
    return diagnose(analyze(path.read_bytes(), source_name=name))


def test_shared_trendmicro_gateway_clock_is_not_a_67_minute_delay() -> None:
    d = _shared("exchange2019-onprem-trendmicro-imsva-to-eop-outlookcom-clock-skew.eml")
    assert "delay" not in d.labels()
    assert [g.kind for g in d.gaps if abs(g.seconds) > 3600] == [GapKind.SKEW, GapKind.SKEW]


def _submitted(from_addr: str, helo: str, with_: str, client_ip: str) -> bytes:
    """A message submitted at hop 1 to the sender's server, then delivered into EOP and junked."""
    dom = from_addr.rsplit("@", 1)[1]
    return _msg(
        "Received: from BN8PR19MB1.namprd19.prod.outlook.com (::1) by BN8PR19MB2.namprd19.prod.outlook.com with HTTPS; Fri, 26 May 2023 13:09:43 +0000",
        f"Authentication-Results: spf=pass (sender IP is 203.0.113.9) smtp.mailfrom={dom}; dkim=pass (signature was verified) header.d={dom};dmarc=pass action=none header.from={dom};compauth=pass reason=100",
        f"Received: from smtp.{dom} (203.0.113.9) by BN8NAM11FT051.mail.protection.outlook.com (10.13.177.1) with Microsoft SMTP Server id 15.20.6433.18 via Frontend Transport; Fri, 26 May 2023 13:09:41 +0000",
        f"Received: from {helo} ([{client_ip}]) by smtp.{dom} with {with_} id 77; Fri, 26 May 2023 13:09:39 +0000",
        f"From: Someone <{from_addr}>",
        "To: victim@example.org",
        "Subject: invoice",
        "Date: Fri, 26 May 2023 13:09:38 +0000",
        f"Return-Path: {from_addr}",
        "X-MS-Exchange-Organization-SCL: 6",
        "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterAuthJ",
    )


def test_junked_mail_from_a_free_mail_account_is_not_by_itself_a_taken_over_account() -> None:
    """icloud.com authenticates whoever opened the account: junk alone says nothing of a
    takeover. The same message from a company's own server still raises the suspicion."""
    free = diagnose(
        analyze(_submitted("xq81@icloud.com", "[192.0.2.1]", "ESMTPSA", "17.57.155.28"))
    )
    assert "junk" in free.labels() and "compromised-account" not in free.labels()
    company = diagnose(
        analyze(
            _submitted("billing@acme-widgets.example", "[192.0.2.1]", "ESMTPSA", "17.57.155.28")
        )
    )
    assert "compromised-account" in company.labels()


def test_workstation_helo_straight_to_an_mx_is_a_bot_not_an_account() -> None:
    """HELO ADMINISTRATOR from a public address, unauthenticated, to an MX: a spam bot's default
    name. The same name on an authenticated submission is a mailbox user's PC."""
    bot = diagnose(
        analyze(_submitted("news@acme-widgets.example", "ADMINISTRATOR", "esmtp", "205.251.145.68"))
    )
    assert "compromised-account" not in bot.labels()
    user = diagnose(
        analyze(
            _submitted("news@acme-widgets.example", "ADMINISTRATOR", "ESMTPA", "205.251.145.68")
        )
    )
    assert "compromised-account" in user.labels()
    lan = diagnose(
        analyze(_submitted("news@acme-widgets.example", "ADMINISTRATOR", "esmtp", "10.254.211.21"))
    )
    assert "compromised-account" in lan.labels()


def test_shared_icloud_and_list_bot_are_not_taken_over_accounts() -> None:
    for name in (
        "icloud-proofpoint-to-eop-all-pass.eml",
        "sourceforge-list-smtpsvc-date-1899.eml",
    ):
        assert "compromised-account" not in _shared(name).labels(), name


def _resent(ar: str | None) -> bytes:
    lines = [
        # Postfix confirms the reverse DNS it writes: the forwarder's host is tied to the
        # Resent-From domain (an unconfirmed name would leave a possible spoof open offline)
        "Received: from relay.example.org (relay.example.org [198.51.100.20]) by mx.example.net (Postfix) with ESMTP id 2; Mon, 5 Nov 2007 09:17:40 +0000",
        "Received: from outside.example (outside.example [203.0.113.5]) by relay.example.org with ESMTP id 1; Mon, 5 Nov 2007 09:17:37 +0000",
        "Resent-From: <dump@example.org>",
        "Resent-To: <admin@example.net>",
        "Return-Path: <me@example.org>",
        "From: Shop <offers@shop.example>",
        "To: dump@example.org",
        "Subject: deals",
        "Date: Mon, 5 Nov 2007 09:17:30 +0000",
    ]
    if ar:
        lines.insert(0, f"Authentication-Results: mx.example.net; {ar}")
    return _msg(*lines)


def test_a_forward_that_nothing_blamed_gets_no_fix_in_the_headline() -> None:
    """A re-sent message with no failing verdict: the forward is a fact, not a fault."""
    quiet = diagnose(analyze(_resent(None)))
    assert "forward-nosrs" in quiet.labels()
    assert quiet.headline.startswith("A forwarded message") and "fix" not in quiet.headline
    failed = diagnose(
        analyze(
            _resent("spf=fail smtp.mailfrom=me@example.org; dmarc=fail header.from=shop.example")
        )
    )
    assert "forward-nosrs" in failed.labels()
    assert "fix at the forwarder" in failed.headline


def test_shared_internal_resend_is_not_told_to_fix_the_forwarder() -> None:
    d = _shared("nonenglish-date-pn-pax-2007-with-trendmicro-smex-headers.eml")
    assert d.headline.startswith("A forwarded message") and "fix" not in d.headline


def _resent_copy(delivered_to_at_top: bool) -> bytes:
    """A copy delivered to a mailbox on 5 Oct and sent again on 7 Oct (Date of the re-send)."""
    lines = [
        "Received: from relay.example.net (relay.example.net [203.0.113.7]) by mx.example.org with ESMTP id 3; Mon, 7 Oct 2024 18:59:29 +0000",
        "Received: from sender.example (sender.example [198.51.100.7]) by relay.example.net with ESMTP id 2; Mon, 7 Oct 2024 18:59:16 +0000",
        "Delivered-To: saved@mailbox.example",
        "Received: from out.shop.example (out.shop.example [192.0.2.40]) by mx.mailbox.example with ESMTP id 1; Sat, 5 Oct 2024 00:48:25 +0000",
        "From: Shop <news@sender.example>",
        "To: victim@example.org",
        "Subject: key created",
        "Date: Mon, 07 Oct 2024 11:59:16 -0700",
    ]
    if delivered_to_at_top:
        lines.insert(0, lines.pop(2))
    return _msg(*lines)


def test_time_in_a_mailbox_before_a_resend_is_not_a_queue() -> None:
    """A Delivered-To between two Received lines: the older stamps belong to an earlier
    delivery; the 66 h after it are time in that mailbox, and the Date is the re-sender's."""
    d = diagnose(analyze(_resent_copy(delivered_to_at_top=False)))
    assert d.gaps[0].kind is GapKind.REDELIVERED
    assert "delay" not in d.labels() and "tz-artefact" not in d.labels()
    assert d.date_note is None
    # the same stamps without a delivery in between: the Date (written before stamp 1) is
    # dated 66 h after it, with stamp 2: the times contradict each other, no queue is named
    plain = diagnose(analyze(_resent_copy(delivered_to_at_top=True)))
    assert plain.gaps[0].kind is GapKind.INCONSISTENT and "delay" not in plain.labels()
    # ... and with a Date before stamp 1, a 66 h queue on mx.mailbox.example
    early = _resent_copy(delivered_to_at_top=True).replace(
        b"Mon, 07 Oct 2024 11:59:16 -0700", b"Sat, 05 Oct 2024 00:48:20 +0000"
    )
    delay = diagnose(analyze(early)).get("delay")
    assert delay is not None and delay.fact("host") == "mx.mailbox.example"


def test_shared_resent_copy_has_no_66_hour_queue() -> None:
    d = _shared("mailgun-spoof-arc-reject-spf-softfail-dkim-fail-invalid-date.eml")
    assert "delay" not in d.labels() and "tz-artefact" not in d.labels()
    assert [g.kind for g in d.gaps if g.seconds > 3600] == [GapKind.REDELIVERED]


def test_a_line_without_a_field_name_in_the_header_is_paste_damage() -> None:
    """A folded Message-ID whose indentation was lost in a copy: the line has no colon, so it is
    skipped; the header block is damaged and the report must say so."""
    data = (
        b"Received: from a.example (a.example [198.51.100.7]) by mx.example.net with ESMTP id 1;"
        b" Mon, 1 May 2023 10:00:00 +0000\n"
        b"Message-ID:\n"
        b"<abc123@a.example>\n"
        b"From: a@a.example\n"
        b"Subject: x\n\n"
    )
    d = diagnose(analyze(data, kind=InputKind.HEADERS))
    damage = d.get("paste-damage")
    assert damage is not None and any("<abc123@a.example>" in e for e in damage.evidence)


def test_shared_reordered_header_dump_is_paste_damage() -> None:
    path = CORPUS / "headers" / "outlookcom-to-gmail-ipv6-arc-dkim-temperror-reordered-unfolded.txt"
    need_shared(path)
    d = diagnose(analyze(path.read_bytes(), source_name=path.name, kind=InputKind.HEADERS))
    assert "paste-damage" in d.labels()


def test_a_delay_on_a_stamp_without_by_names_no_question_mark() -> None:
    """An empty ``by`` on the receiver's own entry stamp (a malformed stamp; below the entry it
    would be a forged line, see test_generalise_other): the headline says which stamp, not '?'."""
    data = _msg(
        "Received: from localhost (localhost [127.0.0.1]) by store.example.net with LMTP id 2; Mon, 1 May 2023 10:20:00 +0000",
        "Received: from a.example (a.example [198.51.100.7]) by  (Postfix) with ESMTP id 1; Mon, 1 May 2023 10:00:00 +0000",
        "From: a@a.example",
        "Subject: x",
    )
    d = diagnose(analyze(data))
    assert "delay" in d.labels()
    assert "?" not in d.headline and "the unnamed server of stamp 1" in d.headline


def test_a_date_minutes_ahead_is_clock_skew_not_a_time_zone_artefact() -> None:
    """Date 22 min after the first stamp: a fast clock (noted), not a time-zone label; 7 h
    ahead stays a time-zone artefact."""

    def with_date(date: str) -> Diagnosis:
        return diagnose(
            analyze(
                _msg(
                    "Received: from a.example (a.example [198.51.100.7]) by mx.example.net with ESMTP id 1; Fri, 6 Sep 2024 03:57:28 +0000",
                    "From: a@a.example",
                    "Subject: x",
                    f"Date: {date}",
                )
            )
        )

    minutes = with_date("Fri, 6 Sep 2024 04:19:40 +0000")
    assert minutes.date_note is not None and "tz-artefact" not in minutes.labels()
    hours = with_date("Fri, 6 Sep 2024 10:57:30 +0000")
    assert "tz-artefact" in hours.labels()


def test_shared_barracuda_date_22_minutes_ahead_is_no_time_zone_artefact() -> None:
    assert "tz-artefact" not in _shared("barracuda-to-eop-all-pass.eml").labels()


def test_a_first_stamp_older_than_the_date_is_a_slow_clock_not_a_queue() -> None:
    """Stamp 1 at 03:57, Date 04:19, stamp 2 at 04:20: nobody dates a message after it was
    received, and the Date agrees with stamp 2, so host 1's clock is 23 min slow."""

    def chain(date: str) -> Diagnosis:
        raw = _chain(
            ("exim.example.org", "Fri, 6 Sep 2024 03:57:28 +0000"),
            ("gw.example.org", "Fri, 6 Sep 2024 04:20:40 +0000"),
            ("mx.example.net", "Fri, 6 Sep 2024 04:20:45 +0000"),
        )
        return diagnose(analyze(raw.replace(b"Subject: x", f"Subject: x\r\nDate: {date}".encode())))

    slow = chain("Fri, 6 Sep 2024 04:19:40 +0000")
    assert slow.gaps[0].kind is GapKind.SKEW and "exim.example.org" in slow.gaps[0].note
    assert "delay" not in slow.labels() and slow.date_note is None
    queued = chain("Fri, 6 Sep 2024 03:57:10 +0000")
    delay = queued.get("delay")
    assert delay is not None and delay.fact("host") == "exim.example.org"


def test_shared_barracuda_exim_clock_is_not_a_23_minute_queue() -> None:
    d = _shared("barracuda-to-eop-all-pass.eml")
    assert d.gaps[0].kind is GapKind.SKEW
    delay = d.get("delay")
    assert delay is not None and delay.fact("host") == "barracudain.cobranet.org"


def test_a_forward_with_an_unknown_envelope_names_no_empty_sender() -> None:
    """A bounce that does not show the original envelope sender: say so, never 'sender ,' or '?'."""
    from headerlens.diagnosis import Situation
    from headerlens.diagnosis.wording import title

    s = Situation(
        "forward-nosrs", None, ("redirected",), (("envelope", ""), ("forwarder", "relay.example"))
    )
    text = title(s)
    assert "sender ," not in text and "without rewriting the envelope sender" in text
    known = Situation("forward-nosrs", None, (), (("envelope", "a@b.example"), ("forwarder", "r")))
    assert "keeping the original envelope sender a@b.example" in title(known)


def test_shared_ndr_refused_by_the_reporting_gateway_itself_is_no_forward() -> None:
    # The Barracuda that wrote the report refused the message itself (no Remote-MTA): no server
    # re-sent it, so the returned copy's "for <kijitora@exxample.jp>" (sisimai's anonymisation)
    # is no redirect (it was read as a forward-nosrs before; the envelope wording this test
    # guarded is checked on a Situation above).
    d = _shared("barracuda-ndr-to-gmail-spf-best-guess-pass.eml")
    assert d.get("ndr") is not None
    assert d.get("forward-nosrs") is None and d.get("forward-srs") is None
