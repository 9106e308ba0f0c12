"""Time gaps no queue can hold, clocks the Date contradicts, lines that do not belong to the path
(issue 11). Each rule with a synthetic message of the real shape (names, addresses, times
changed; documentation addresses and example domains)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import GapKind, diagnose
from headerlens.diagnosis.findings_build import stamped_findings as findings
from headerlens.diagnosis.wording import fix, title
from headerlens.model import Severity
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
    tz = d.get("tz-artefact")  # the clock of mx2 is named, the Date's year measures nothing
    assert tz is not None and not any("Date header" in e for e in tz.evidence)
    assert "clock of mx2.example.org" in tz.evidence[0]


def test_a_clock_hours_off_is_named_as_a_clock_artefact() -> None:
    """The sending side's own stamp 2 h 48 min after the receiver's (not whole hours): one
    clock is wrong; the situation says so, not only a finding."""
    d = diagnose(
        analyze(
            _msg(
                "Received: from 127.0.0.1 (EHLO news.example) (198.51.100.55) by mta7.mx.example.net with SMTP; Fri, 10 Dec 2010 19:20:19 -0800",
                "Received: from localhost (127.0.0.1) by news.example id h0c for <a@example.net>; Fri, 10 Dec 2010 22:08:27 -0800",
                "From: News <n@news.example>",
                "To: a@example.net",
                "Subject: grants",
                "Date: Fri, 10 Dec 2010 19:20:00 -0800",
            )
        )
    )
    tz = d.get("tz-artefact")
    assert tz is not None and tz.hop_number == 1
    assert "-2.8 h" in tz.evidence[0]
    assert "delay" not in d.labels()


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


# --- 2. lines of another message's path, and delays the sending side's lines claim

# hosted relay (a taken-over account submits) with two 2018 Microsoft lines pasted between its
# 2016 submission and its own filter hand-off; the receiver's qmail on top
_PASTED = _msg(
    "Received: (qmail 11769 invoked from network); 22 Aug 2016 14:23:01 -0000",
    "Received: from relay0207.hosted.example (HELO relay.hosted.example) (198.51.100.207) by smtp.example.net with SMTP; 22 Aug 2016 14:23:01 -0000",
    "Received: from filter.hosted.example (10.5.19.248.rfc1918.example [10.5.19.248]) by relay06.hosted.example (Postfix) with ESMTP id 2CC378D014 for <k@example.net>; Mon, 22 Aug 2016 14:22:58 +0000 (UTC)",
    "Received: from DM6PR06MB4475.namprd06.prod.outlook.com (2603:10b6:207:3d::31) by BL0PR06MB4465.namprd06.prod.outlook.com with HTTPS via BL0PR02CA0054.NAMPRD02.PROD.OUTLOOK.COM; Mon, 1 Oct 2018 09:49:22 +0000",
    "Received: from DM3NAM03FT035.eop-NAM03.prod.protection.outlook.com (2a01:111:f400:7e49::205) by CY4PR0601CA0051.outlook.office365.com (2603:10b6:910:89::28) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384) id 15.20.1185.23 via Frontend Transport; Mon, 1 Oct 2018 09:49:21 +0000",
    "Received: from computer_3436 (unknown [203.0.113.145]) (Authenticated sender: j@victim-co.example) by omf06.hosted.example (Postfix) with ESMTPA for <k@example.net>; Mon, 22 Aug 2016 14:22:52 +0000 (UTC)",
    "From: Boss <boss@other.example>",
    "To: k@example.net",
    "Subject: invoice",
)


def test_lines_two_years_off_that_do_not_join_their_neighbours_are_stray_not_a_clock() -> None:
    a = analyze(_PASTED)
    d = diagnose(a)
    stray = d.get("forged-received")
    assert stray is not None and stray.fact("stray") == "yes" and stray.hop_number == 2
    assert "another message's path" in stray.evidence[0] and len(stray.evidence) == 1
    assert not any(g.kind is GapKind.SKEW for g in d.gaps)
    assert "clock of" not in " ".join(g.note for g in d.gaps)
    # the path's own times: 6 s from the submission to the filter hand-off, 9 s in all
    assert [g.next_hop for g in d.gaps][:1] == [4] and d.gaps[0].seconds == 6
    assert transit_words(a) == "+9 s"


def test_a_line_weeks_off_that_joins_both_neighbours_is_still_one_hosts_clock() -> None:
    """The guard: a relay whose clock is wrong names the host below as its client and is named
    by the host above; the mirrored gaps stay clock skew."""
    raw = _PASTED.replace(
        b"Received: from DM6PR06MB4475.namprd06.prod.outlook.com (2603:10b6:207:3d::31) by BL0PR06MB4465.namprd06.prod.outlook.com with HTTPS via BL0PR02CA0054.NAMPRD02.PROD.OUTLOOK.COM; Mon, 1 Oct 2018 09:49:22 +0000\r\n",
        b"",
    ).replace(
        b"from DM3NAM03FT035.eop-NAM03.prod.protection.outlook.com (2a01:111:f400:7e49::205) by CY4PR0601CA0051.outlook.office365.com",
        b"from omf06.hosted.example (omf06.hosted.example [10.5.19.6]) by filter.hosted.example",
    )
    d = diagnose(analyze(raw))
    assert "forged-received" not in d.labels()
    assert [g.kind for g in d.gaps if abs(g.seconds) > 86400] == [GapKind.SKEW, GapKind.SKEW]


_SENDER_DELAY = _msg(
    "Received: from mail.out.example (mail.out.example [203.0.113.66]) by mx.example.net (Postfix) with ESMTPS id 4QxyZ1 for <ap@example.net>; Tue, 10 Nov 2026 09:14:09 +0000",
    "Received: from pc.sender.example (pc.sender.example [198.51.100.10]) by relay.sender.example (Postfix) with ESMTPS id 3Q for <ap@example.net>; Tue, 10 Nov 2026 07:00:00 +0000",
    "From: CEO <ceo@sender.example>",
    "To: ap@example.net",
    "Subject: Urgent",
    "Date: Tue, 10 Nov 2026 06:59:58 +0000",
)


def test_a_gap_timed_by_a_line_below_the_boundary_is_the_sending_sides_word() -> None:
    """The line below the receiver's own is the sending side's text (it can be forged): the
    time after it is said as its own stamps' claim, never as a measured queue, and no warning."""
    a = analyze(_SENDER_DELAY)
    d = diagnose(a)
    delay = d.get("delay")
    assert delay is not None and delay.fact("cause") == "sender"
    assert "by the sending side's own stamps" in d.headline
    assert "no receiver measured" in title(delay) and "Only the sending side" in fix(delay)
    f = next(f for f in findings(a) if f.code is Code.DELAY_QUEUE)
    assert f.severity is Severity.INFO and f.title.startswith("By the sending side's own stamps")


def test_a_gap_between_two_lines_the_receiver_wrote_is_still_measured() -> None:
    """The guard: the receiver's own two stamps (its MX, then its store) time its own queue."""
    raw = _SENDER_DELAY.replace(
        b"Received: from mail.out.example",
        b"Received: from mx.example.net (mx.example.net [10.0.0.5]) by store.example.net (Postfix) with LMTP id 9; Tue, 10 Nov 2026 10:30:00 +0000\r\nReceived: from mail.out.example",
    )
    d = diagnose(analyze(raw))
    own = next(g for g in d.gaps if g.host == "mx.example.net")
    assert own.kind is GapKind.TRANSIT and own.note == "" and own.seconds == 4551
    delay = d.get("delay")
    assert delay is not None and "1 h 15 min on mx.example.net" in " ".join(delay.evidence)


# --- 3. a list's hold on qmail/ezmlm: stamps that name no host, the re-send under its fields

_EZMLM = _msg(
    "Received: (qmail 1213 invoked by uid 550); 20 Nov 2025 17:02:55 -0000",
    "Mailing-List: contact sec-help@lists.example.org; run by ezmlm",
    "Precedence: bulk",
    "List-Post: <mailto:sec@lists.example.org>",
    "List-ID: <sec.lists.example.org>",
    "Received: (qmail 9440 invoked from network); 20 Nov 2025 15:05:38 -0000",
    "Message-ID: <m1@author.example>",
    "Date: Thu, 20 Nov 2025 16:02:46 +0100",
    "To: sec@lists.example.org",
    "From: A Author <author@author.example>",
    "Subject: CVE report",
)


def test_an_ezmlm_resend_under_the_lists_fields_ends_the_lists_hold() -> None:
    d = diagnose(analyze(_EZMLM))
    delay = d.get("delay")
    assert delay is not None and delay.fact("cause") == "list"
    assert delay.fact("host") == "the list's server lists.example.org"
    assert "the list's own hold" in d.headline and "unnamed server" not in d.headline
    assert "list held the post" in fix(delay)


def test_a_local_injection_without_the_lists_fields_between_is_no_list_hold() -> None:
    """The guard: the list's fields below both stamps (the author's own text) tie nothing."""
    lines = _EZMLM.decode().split("\r\n")
    moved = [lines[0], lines[5], *lines[1:5], *lines[6:]]
    d = diagnose(analyze("\r\n".join(moved).encode()))
    delay = d.get("delay")
    assert delay is not None and delay.fact("cause") != "list"


# --- 4. authenticated submission as older MTAs write it, and a spam run through the account


def _old_auth(line: str, rcpts: int = 21) -> bytes:
    to = ",\r\n\t".join(f"<sales{i}@firm{i}.example>" for i in range(rcpts))
    return _msg(
        "Received: from unknown (HELO mail.sender.example) (203.0.113.11) by smtp.example.net with SMTP; 26 Dec 2016 05:33:05 -0000",
        line,
        'From: "qwxyzt" <zyb@sender.example>',
        f"To: {to}",
        "Subject: offer",
        "Date: Mon, 26 Dec 2016 13:33:31 +0800",
        "Return-Path: <zyb@sender.example>",
    )


_AUTH_LINES = {
    "qmail": "Received: from unknown (HELO pc7) (zyb@sender.example@[198.51.100.168]) (envelope-sender <zyb@sender.example>) by mail.sender.example with SMTP for <sales0@firm0.example>; 26 Dec 2016 05:32:02 -0000",
    "qmail-ssl": "Received: from pc7 (HELO pc7.home) (Authenticated_SSL:zyb@[198.51.100.168]) (envelope-sender <zyb@sender.example>) by mail.sender.example with ESMTPS; 26 Dec 2016 05:32:02 -0000",
    "sendmail": "Received: from pc7 ([198.51.100.168]) (authenticated bits=0) by mail.sender.example (8.14.4/8.14.4) with ESMTP id uBQ5W2; Mon, 26 Dec 2016 05:32:02 +0000",
    "sendmail-old": "Received: from [10.0.0.253] ([198.51.100.168]) (authenticated (0 bits)) by mail.sender.example (8.11.6/8.11.6) with ESMTP id i8TAFAI25021; Mon, 26 Dec 2016 05:32:02 +0000",
    "critical-path": "Received: from pc7 (198.51.100.168) by mail.sender.example (7.0.028) (authenticated as zyb) id 413489B100C9C1FD; Mon, 26 Dec 2016 05:32:02 +0000",
    "communigate": "Received: from [198.51.100.168] (account zyb@sender.example HELO [10.10.10.10]) by mail.sender.example (CommuniGate Pro SMTP 4.3.7) with SMTP id 88402416; Mon, 26 Dec 2016 05:32:02 +0000",
    "courier": "Received: from pc7 ([198.51.100.168]) (AUTH: LOGIN zyb@sender.example, TLS: TLSv1/SSLv3,256bits,AES256-SHA) by mail.sender.example with ESMTP; Mon, 26 Dec 2016 05:32:02 +0000",
}


def test_old_mtas_authenticated_submission_with_a_spam_run_is_a_taken_over_account() -> None:
    for mta, line in _AUTH_LINES.items():
        d = diagnose(analyze(_old_auth(line)))
        comp = d.get("compromised-account")
        assert comp is not None, mta
        assert comp.fact("party") == "sender.example" and comp.hop_number == 1
        assert any("names 21 recipients at 21 unrelated organisations" in e for e in comp.evidence)
        assert "authenticated submission" in comp.evidence[0] and " to 0" not in comp.evidence[0]


def test_an_old_mtas_authenticated_mail_to_a_few_people_is_no_sign() -> None:
    """The guard: the same submission to three people is an ordinary message."""
    for mta, line in _AUTH_LINES.items():
        d = diagnose(analyze(_old_auth(line, rcpts=3)))
        assert "compromised-account" not in d.labels(), mta


def test_an_ident_name_without_a_domain_is_no_authentication() -> None:
    """qmail writes a bare ident name there too ("(root@[ip])"): no account signed in."""
    line = _AUTH_LINES["qmail"].replace("(zyb@sender.example@[", "(root@[")
    d = diagnose(analyze(_old_auth(line)))
    assert "compromised-account" not in d.labels()


def test_many_recipients_on_a_list_post_or_a_free_mail_account_are_no_sign() -> None:
    """The guards: a list's post (List-Id) and a free-mail account's mass mailing."""
    listed = _old_auth(_AUTH_LINES["sendmail"]).replace(
        b"Subject: offer",
        b"Subject: [dev] offer\r\nList-Id: <dev.lists.example.org>\r\nPrecedence: list\r\n"
        b"X-Mailman-Version: 2.1.39",
    )
    assert "compromised-account" not in diagnose(analyze(listed)).labels()
    free = _old_auth(_AUTH_LINES["sendmail"]).replace(b"sender.example", b"gmail.com")
    assert "compromised-account" not in diagnose(analyze(free)).labels()
