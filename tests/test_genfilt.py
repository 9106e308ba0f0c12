"""The receiver's filter verdicts with no writer line (issue 11, round 8): SpamAssassin and cPanel
Exim fields a filter at the final mailbox appends below the header, Yandex's X-Yandex-Spam, and
a ham score that is not a folder; each loosening beside the planted-field attack it must resist."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.facts import Outcome
from headerlens.model.provenance import Author
from headerlens.report.render import render
from tests.test_diagnosis import _msg
from tests.test_genattr4 import _authors

# The 2002 shape: the provider's MX, fetchmail's IMAP pickup, a local Postfix, and the
# recipient's procmail SpamAssassin appending its fields after the header.
_FETCHED = (
    "Return-Path: <bulk@promo.example>",
    "Delivered-To: ann@localhost.rcpt.example",
    "Received: from localhost (localhost [127.0.0.1])\r\n"
    "\tby phobos.rcpt.example (Postfix) with ESMTP id 5ECB544155\r\n"
    "\tfor <ann@localhost>; Mon, 29 Jul 2002 06:21:13 -0400 (EDT)",
    "Received: from phobos [127.0.0.1]\r\n"
    "\tby localhost with IMAP (fetchmail-5.9.0)\r\n"
    "\tfor ann@localhost (single-drop); Mon, 29 Jul 2002 11:21:13 +0100 (IST)",
    "Received: from mail.promo.example ([192.0.2.10])\r\n"
    "\tby mx.rcpt.example (8.11.6/8.11.6) with ESMTP id g6TAKjp01011\r\n"
    "\tfor <ann@rcpt.example>; Mon, 29 Jul 2002 11:20:46 +0100",
    "Message-Id: <200207291020.g6TAKjp01011@mail.promo.example>",
    'From: "Deals" <bulk@promo.example>',
    "To: ann@rcpt.example",
    "Subject: Lowest rates ever",
    "Date: Mon, 29 Jul 2002 03:20:40 -0700",
    "MIME-Version: 1.0",
)
_SA_YES = (
    "X-Spam-Status: Yes, hits=9.1 required=5.0\r\n\ttests=CLICK_BELOW,LINES_OF_YELLING\r\n"
    "\tversion=2.40",
    "X-Spam-Flag: YES",
    "X-Spam-Level: *********",
)
_SA_NO = (
    "X-Spam-Status: No, hits=1.1 required=5.0\r\n\ttests=CLICK_BELOW\r\n\tversion=2.40",
    "X-Spam-Level: *",
)


def _own_header(sender: str, rcpt: str, date: str) -> tuple[str, ...]:
    """The sender's own fields: From, To, Subject, Date, Message-ID."""
    host = sender.split("@")[1]
    return (
        f"From: <{sender}>",
        f"To: {rcpt}",
        "Subject: Offer",
        f"Date: {date}",
        f"Message-ID: <m1@{host}>",
    )


def _author(raw: bytes, name: str) -> list[Author | None]:
    return _authors(analyze(raw), name)


def _bar(raw: bytes) -> str:
    out = render(analyze(raw), None, "summary")
    return out.split("Verdicts:", 1)[1].split("\n", 1)[0]


def test_a_spam_verdict_appended_after_a_fetchmail_pickup_is_the_mailboxs_junk() -> None:
    raw = _msg(*_FETCHED, *_SA_YES)
    assert _author(raw, "x-spam-status") == [Author.FINAL_RECEIVER]
    d = diagnose(analyze(raw))
    assert d.outcome.outcome is Outcome.JUNK
    assert "junk" in d.labels() and "sender-side-scan" not in d.labels()
    # the headline and the verdict bar name the same party: the filter at delivery
    assert "spam filter at delivery filed it in Junk" in d.headline
    assert "Spam filter at delivery: Spam folder" in _bar(raw)


def test_a_regrouped_header_after_a_pickup_still_counts_the_spam_verdict() -> None:
    # an archive that moved the X- fields up between the sender's own (the run does not close
    # the header): after a mailbox retrieval the filter ran below every Received line
    fetched = list(_FETCHED)
    raw = _msg(*fetched[:-2], *_SA_YES, *fetched[-2:])
    assert diagnose(analyze(raw)).outcome.outcome is Outcome.JUNK


def test_cpanel_exims_spam_fields_closing_the_header_are_the_receivers_junk() -> None:
    # cPanel's Exim ACL appends X-Spam-Status / -Score / -Bar at the end of the header
    raw = _msg(
        "Received: from mail.promo.example ([198.51.100.7]:51234 helo=mail.promo.example)\r\n"
        "\tby server1.hosting.example with esmtps (Exim 4.96.2)\r\n"
        "\t(envelope-from <bulk@promo.example>)\r\n\tid 1qAbCd-0001xY-2Z\r\n"
        "\tfor ann@shop.example; Tue, 05 Mar 2024 10:00:00 +0000",
        *_own_header("bulk@promo.example", "ann@shop.example", "Tue, 05 Mar 2024 09:59:58 +0000"),
        "X-Spam-Status: Yes, score=7.2",
        "X-Spam-Score: 72",
        "X-Spam-Bar: +++++++",
        "X-Spam-Flag: YES",
    )
    d = diagnose(analyze(raw))
    assert d.outcome.outcome is Outcome.JUNK


def test_a_planted_no_at_the_bottom_makes_no_inbox_out_of_nothing() -> None:
    # attack: the sender's own last fields say "not spam"; no filter at delivery wrote anything
    raw = _msg(*_FETCHED, *_SA_NO, "X-Spam-Flag: NO")
    assert set(_author(raw, "x-spam-status")) <= {Author.UNKNOWN, Author.SENDER}
    d = diagnose(analyze(raw))
    assert d.outcome.outcome is Outcome.UNKNOWN
    assert "Inbox" not in d.headline and "Inbox" not in _bar(raw)


def test_a_planted_no_before_the_filters_own_yes_does_not_move_junk_to_inbox() -> None:
    # attack: a planted "No" in the sender's header, the delivery filter's "Yes" appended after
    raw = _msg(*_FETCHED, "X-Spam-Status: No, hits=-5.0 required=5.0", "X-Spam-Flag: NO", *_SA_YES)
    assert diagnose(analyze(raw)).outcome.outcome is Outcome.JUNK


def test_a_planted_no_at_the_bottom_does_not_undo_the_receivers_own_junk() -> None:
    # attack: the receiver stamped spam above its own line; a "No" planted at the bottom
    fetched = list(_FETCHED)
    raw = _msg(*fetched[:4], "X-Spam-Flag: YES", *fetched[4:], *_SA_NO, "X-Spam-Flag: NO")
    d = diagnose(analyze(raw))
    assert d.outcome.outcome is Outcome.JUNK


def test_a_ham_score_is_not_a_folder() -> None:
    # the receiver's own SpamAssassin above its Received line said "No": a score, not the Inbox
    fetched = list(_FETCHED)
    raw = _msg(*fetched[:4], "X-Spam-Status: No, hits=0.4 required=5.0", *fetched[4:])
    d = diagnose(analyze(raw))
    assert d.outcome.outcome is Outcome.UNKNOWN
    assert "rated it not spam" in d.headline and "Inbox" not in d.headline
    assert "rated not spam" in _bar(raw) and "Inbox" not in _bar(raw)


def test_a_spam_verdict_in_the_middle_of_the_senders_header_without_a_pickup_stays_unknown() -> (
    None
):
    # no retrieval and the run does not close the header: where the sender's fields are
    raw = _msg(*_FETCHED[:3], *_FETCHED[5:8], *_SA_YES, *_FETCHED[8:])
    assert _author(raw, "x-spam-status") != [Author.FINAL_RECEIVER]


# --- Yandex Mail: X-Yandex-Spam in the block under its MX's own Received line ----------------


def _yandex(*block: str, sender_line: bool = True) -> bytes:
    return _msg(
        "Received: from mxfront3q.mail.yandex.net ([127.0.0.1])\r\n"
        "\tby mxfront3q.mail.yandex.net with LMTP id Xy1Ab2Cd\r\n"
        "\tfor <ann@yandex.ru>; Tue, 12 May 2020 00:51:02 +0300",
        "Received: from mail.promo.example (mail.promo.example [198.51.100.12])\r\n"
        "\tby mxfront3q.mail.yandex.net (mxfront/Yandex) with ESMTPS id EGNfVZSP6P-p1uimQ6O;\r\n"
        "\tTue, 12 May 2020 00:51:01 +0300",
        "Return-Path: bulk@promo.example",
        "X-Yandex-Front: mxfront3q.mail.yandex.net",
        "X-Yandex-TimeMark: 1589233861.788",
        *block,
        *(
            (
                "Received: by mail.promo.example with SMTP id j2so5019010uak.3\r\n"
                "\tfor <ann@yandex.ru>; Mon, 11 May 2020 14:51:01 -0700 (PDT)",
            )
            if sender_line
            else ()
        ),
        "From: Deals <bulk@promo.example>",
        "To: ann@yandex.ru",
        "Subject: Offer",
        "Date: Mon, 11 May 2020 14:51:00 -0700",
        "Message-ID: <y1@promo.example>",
    )


def test_yandex_spam_4_under_its_own_mx_line_is_its_junk() -> None:
    raw = _yandex("X-Yandex-Spam: 4")
    assert _author(raw, "x-yandex-spam") == [Author.FINAL_RECEIVER]
    assert diagnose(analyze(raw)).outcome.outcome is Outcome.JUNK
    assert "Spam folder" in _bar(raw)


def test_a_planted_yandex_spam_1_is_no_inbox() -> None:
    # attack: "1" sits where the sender's first field sits too; it says nothing
    for raw in (_yandex("X-Yandex-Spam: 1"), _yandex(sender_line=False)):
        d = diagnose(analyze(raw))
        assert d.outcome.outcome is Outcome.UNKNOWN
        assert "Inbox" not in _bar(raw)


def test_yandex_spam_4_under_the_senders_own_yandex_line_is_not_the_receivers() -> None:
    # Yandex's submission server writes the field on outgoing mail: under a hop before the
    # receiver it is the sending side's scan, never the receiver's folder
    raw = _msg(
        "Received: from forward11.mail.yandex.net (forward11.mail.yandex.net [95.108.130.93])\r\n"
        "\tby mx.rcpt.example (Postfix) with ESMTPS id 81BB7E81492\r\n"
        "\tfor <ann@rcpt.example>; Sun, 22 Jan 2012 23:16:09 +0400 (MSK)",
        "Received: from unknown (unknown [203.0.113.24])\r\n"
        "\tby smtp13.mail.yandex.net (nwsmtp/Yandex) with ESMTPA id G7LeNWIp-G8LeeTCP;\r\n"
        "\tSun, 22 Jan 2012 23:16:08 +0400",
        "X-Yandex-Spam: 4",
        "From: Kim <kim@yandex.ru>",
        "To: ann@rcpt.example",
        "Subject: hi",
        "Date: Sun, 22 Jan 2012 23:16:00 +0400",
        "Message-ID: <k1@yandex.ru>",
    )
    assert _author(raw, "x-yandex-spam") != [Author.FINAL_RECEIVER]
    assert diagnose(analyze(raw)).outcome.outcome is not Outcome.JUNK


def test_a_closing_spam_run_naming_another_sites_filter_host_is_not_the_receivers() -> None:
    # SpamAssassin says which host it ran on: a host of no receiving-side line is another site's
    raw = _msg(
        *_FETCHED,
        *_SA_YES,
        "X-Spam-Checker-Version: SpamAssassin 3.4.6 (2021-04-09) on filter.elsewhere.example",
    )
    assert _author(raw, "x-spam-status") != [Author.FINAL_RECEIVER]
    assert diagnose(analyze(raw)).outcome.outcome is Outcome.UNKNOWN
    # the receiver's own host named: its filter at delivery
    own = _msg(
        *_FETCHED,
        *_SA_YES,
        "X-Spam-Checker-Version: SpamAssassin 2.40 on phobos.rcpt.example",
    )
    assert diagnose(analyze(own)).outcome.outcome is Outcome.JUNK


def test_mailscanners_not_spam_is_a_rating_not_the_inbox() -> None:
    fetched = list(_FETCHED)
    raw = _msg(
        *fetched,
        "X-Rcpt-MailScanner-Information: Please contact the ISP for more information",
        "X-Rcpt-MailScanner-ID: g6TAKjp01011",
        "X-Rcpt-MailScanner: Found to be clean",
        "X-Rcpt-MailScanner-SpamCheck: not spam, SpamAssassin (score=0.1, required 5)",
    )
    d = diagnose(analyze(raw))
    assert d.outcome.outcome is Outcome.UNKNOWN and "rated it not spam" in d.headline


def test_on_junk_the_headline_and_the_bar_name_the_same_party() -> None:
    # the MX's filter rated it, Dovecot behind it filed it: the bar names Dovecot, so does the
    # headline (beside the MX host), not the MX host alone
    raw = _msg(
        "Received: from mx.fabrikam.example (mx.fabrikam.example [192.0.2.10])\r\n"
        "\tby imap.fabrikam.example (Dovecot) with LMTP id 4kXr;"
        " Thu, 10 Jan 2002 16:10:14 -0600",
        "X-Spam-Flag: YES",
        "Received: from news.example.net (news.example.net [198.51.100.35])\r\n"
        "\tby mx.fabrikam.example (Postfix) with ESMTPS id 4Q1B2;"
        " Thu, 10 Jan 2002 16:10:12 -0600",
        *_own_header(
            "n@news.example.net", "ann@fabrikam.example", "Thu, 10 Jan 2002 16:10:10 -0600"
        ),
    )
    d = diagnose(analyze(raw))
    assert d.outcome.outcome is Outcome.JUNK
    assert "mx.fabrikam.example's Dovecot filed it in Junk" in d.headline
    assert _bar(raw).endswith("Dovecot: Spam folder")


def test_passes_inside_a_credited_spam_verdict_are_not_the_receivers() -> None:
    # attack: a spoof carries its own "Yes" verdict listing pass rules; the verdict counts (a
    # sender gains nothing by it) but its SPF/DKIM/DMARC passes sit where the sender writes
    raw = _msg(
        *_FETCHED,
        "X-Spam-Status: Yes, hits=5.1 required=5.0\r\n"
        "\ttests=SPF_PASS,DKIM_VALID,DKIM_VALID_AU,DMARC_PASS,LOTS_OF_MONEY version=3.4.6",
        "X-Spam-Flag: YES",
    )
    a = analyze(raw)
    assert _author(raw, "x-spam-status") == [Author.FINAL_RECEIVER]
    bar = _bar(raw)
    assert "pass (SpamAssassin)" not in bar and "SPF unknown (pass not tied" in bar
    assert diagnose(a).outcome.outcome is Outcome.JUNK
