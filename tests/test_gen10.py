"""Shapes from new sources (helpdesk-system test mail, old spam corpora) that no round had read,
each rule tested on a synthetic message of that shape (example domains, documentation addresses).

SpamAssassin's report_safe (its default): a message it rates as spam is replaced by a report
whose only Received line is SpamAssassin's own and whose X-Spam-* fields carry the verdict; the
original, unchanged, is the part marked ``x-spam-type=original``. The delivery path is in that
part, and SpamAssassin's line is no hand-off from another server.
"""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.model.codes import Code
from headerlens.report.markdown import render_markdown
from headerlens.report.verdicts import bar_line

_ORIGINAL = """Return-Path: <offers@example.org>
Delivered-To: info@example.net
Received: from mail.example.org (unknown [203.0.113.45])
\tby mx.example.net (Postfix) with ESMTP id 830916E566
\tfor <info@example.net>; Wed, 15 Mar 2017 13:00:40 +0100 (CET)
Date: Wed, 15 Mar 2017 20:00:44 +0800
Subject: business offer
From: "Sales" <offers@example.org>
To: <info@example.net>
Message-ID: <offer-1@example.org>
Content-Type: text/plain

cheap offer
"""

_REPORT = """{above}Received: from localhost by mx.example.net
\twith SpamAssassin (version 3.4.0);
\tWed, 15 Mar 2017 13:00:46 +0100
From: "Sales" <offers@example.org>
To: <info@example.net>
Subject: business offer
Date: Wed, 15 Mar 2017 20:00:44 +0800
Message-Id: <offer-1@example.org>
X-Spam-Checker-Version: SpamAssassin 3.4.0 (2014-02-07) on mx.example.net
X-Spam-Flag: {flag}
X-Spam-Level: *********
X-Spam-Status: {status}, score=9.4 required=5.0 tests=HELO_DYNAMIC_IPADDR,RDNS_NONE
\tautolearn=no autolearn_force=no version=3.4.0
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="----------=_58C92CEE.B3199ED3"

This is a multi-part message in MIME format.

------------=_58C92CEE.B3199ED3
Content-Type: text/plain; charset=iso-8859-1
Content-Disposition: inline
Content-Transfer-Encoding: 8bit

Spam detection software, running on the system "mx.example.net",
has identified this incoming email as possible spam.

------------=_58C92CEE.B3199ED3
Content-Type: message/rfc822; x-spam-type=original
Content-Description: original message before SpamAssassin
Content-Disposition: attachment
Content-Transfer-Encoding: 8bit

{original}
------------=_58C92CEE.B3199ED3--
"""


# the original a sender's own report carries: its own pass stamps for example.org
_PLANTED = _ORIGINAL.replace(
    "Delivered-To: info@example.net\n",
    "Delivered-To: info@example.net\n"
    "Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.org;"
    " dkim=pass header.d=example.org; dmarc=pass header.from=example.org\n",
)


def _report(above: str = "", flag: str = "YES", status: str = "Yes", original: str = "") -> bytes:
    return _REPORT.format(
        above=above, flag=flag, status=status, original=original or _ORIGINAL
    ).encode()


def test_a_spamassassin_report_is_read_through_to_the_attached_original() -> None:
    a = analyze(_report())
    assert any(d.code is Code.INPUT_REPORT_SAFE for d in a.defects)
    assert a.chain.boundary is not None
    # the path is the original's: the receiver took it from the sender's server
    assert a.chain.boundary.ip == "203.0.113.45"
    assert a.chain.boundary.receiver == "mx.example.net"
    assert a.from_addr is not None and a.from_addr.domain == "example.org"


def test_the_receivers_spamassassin_verdict_on_its_report_is_junk() -> None:
    a = analyze(_report())
    d = diagnose(a)
    assert d.outcome.outcome.name == "JUNK"
    assert "filed it in Junk" in d.headline
    assert "Spam folder" in bar_line(a, None)
    md = render_markdown(a)
    assert "SpamAssassin's spam report from mx.example.net (report\\_safe)" in md


def test_spamassassins_own_line_is_no_hand_off_from_another_server() -> None:
    # SpamAssassin's line names "localhost" and no address: before, it was taken for the hop
    # where the message entered, from a client outside the receiving organisation.
    a = analyze(_report())
    assert a.chain.boundary is not None and a.chain.boundary.receiver == "mx.example.net"
    assert a.chain.boundary.helo != "localhost"


def test_a_report_a_sender_mails_is_not_unwrapped() -> None:
    # Attack: the sender writes a SpamAssassin report of its own with a "clean" original inside
    # (its own pass stamps in it) and mails it; the receiver's Received line sits on top. The
    # report is not SpamAssassin's at this receiver: nothing inside it is read as the path.
    planted = _PLANTED
    above = (
        "Received: from attacker.example.com (unknown [198.51.100.66])\n"
        "\tby mx.example.net (Postfix) with ESMTP id 99AA11\n"
        "\tfor <info@example.net>; Wed, 15 Mar 2017 13:00:50 +0100 (CET)\n"
    )
    a = analyze(_report(above=above, flag="NO", status="No", original=planted))
    assert not any(d.code is Code.INPUT_REPORT_SAFE for d in a.defects)
    assert a.chain.boundary is not None and a.chain.boundary.ip == "198.51.100.66"
    d = diagnose(a)
    assert d.outcome.outcome.name != "INBOX"
    assert "DMARC pass" not in bar_line(a, None)


def test_a_planted_no_verdict_on_a_report_does_not_make_inbox() -> None:
    # SpamAssassin writes a report only for spam; a "No" on one is not its report, and not
    # its verdict to trust: nothing is unwrapped and nothing reads as the Inbox.
    a = analyze(_report(flag="NO", status="No"))
    assert not any(d.code is Code.INPUT_REPORT_SAFE for d in a.defects)
    assert diagnose(a).outcome.outcome.name != "INBOX"


def test_a_planted_spamassassin_line_below_the_entry_does_not_move_the_boundary() -> None:
    # Attack: the sender writes SpamAssassin's line shape under its own first line so that the
    # walk would pass over it. The walk stops at the receiver's line for the sender's address.
    raw = (
        b"Received: from mail.example.org (unknown [203.0.113.45])\n"
        b"\tby mx.example.net (Postfix) with ESMTP id 830916E566\n"
        b"\tfor <info@example.net>; Wed, 15 Mar 2017 13:00:40 +0100 (CET)\n"
        b"Received: from localhost by mx.example.net\n"
        b"\twith SpamAssassin (version 3.4.0);\n"
        b"\tWed, 15 Mar 2017 13:00:30 +0100\n"
        b"Received: from trusted.example.net (trusted.example.net [192.0.2.10])\n"
        b"\tby mx.example.net (Postfix) with ESMTP id 11\n"
        b"\tfor <info@example.net>; Wed, 15 Mar 2017 13:00:20 +0100 (CET)\n"
        b"From: <ceo@example.net>\nTo: <info@example.net>\nSubject: x\n"
        b"Date: Wed, 15 Mar 2017 13:00:10 +0100\nMessage-ID: <x@example.net>\n\nx\n"
    )
    a = analyze(raw)
    assert a.chain.boundary is not None and a.chain.boundary.ip == "203.0.113.45"
    assert not any(d.code is Code.INPUT_REPORT_SAFE for d in a.defects)


def test_a_report_spamc_re_injected_as_a_content_filter_is_read_through() -> None:
    # Postfix runs spamc as a content filter that re-injects the report with sendmail: a local
    # pickup line ("from userid 58", no client) sits above SpamAssassin's line.
    above = (
        "Received: by mx.example.net (Postfix, from userid 58)\n"
        "\tid 590631171D; Wed, 15 Mar 2017 13:00:47 +0100 (CET)\n"
    )
    a = analyze(_report(above=above))
    assert any(d.code is Code.INPUT_REPORT_SAFE for d in a.defects)
    assert a.chain.boundary is not None and a.chain.boundary.ip == "203.0.113.45"
    assert diagnose(a).outcome.outcome.name == "JUNK"


def test_spamassassin_2_reports_name_the_loopback_address_on_their_line() -> None:
    raw = _report().replace(
        b"Received: from localhost by mx.example.net\n\twith SpamAssassin (version 3.4.0);",
        b"Received: from localhost [127.0.0.1] by mx.example.net\n"
        b"\twith SpamAssassin (2.63 2004-01-11);",
    )
    a = analyze(raw)
    assert any(d.code is Code.INPUT_REPORT_SAFE for d in a.defects)
    assert a.chain.boundary is not None and a.chain.boundary.ip == "203.0.113.45"


@pytest.mark.parametrize("client", ["unknown [10.1.2.3]", "localhost [127.0.0.1]"])
def test_a_report_under_a_line_from_a_private_or_loopback_client_is_not_unwrapped(
    client: str,
) -> None:
    # Attack: behind a NAT (or a local proxy) the receiver's own line names a private (or
    # loopback) client for every sender, the attacker included; a report under it may have
    # come in by mail.
    above = (
        f"Received: from attacker.example.com ({client})\n"
        "\tby mx.example.net (Postfix) with ESMTP id 99AA11\n"
        "\tfor <info@example.net>; Wed, 15 Mar 2017 13:00:50 +0100 (CET)\n"
    )
    a = analyze(_report(above=above))
    assert not any(d.code is Code.INPUT_REPORT_SAFE for d in a.defects)


# A Usenet news article saved from a newsreader: Newsgroups and Path, no Received line.
_ARTICLE = """Path: news.example.net!feeder.example.org!post.example.com!not-for-mail
From: poster@example.com (A Poster)
Newsgroups: comp.example.misc,comp.example.other
Subject: Re: a question
Message-ID: <abc.123@news.example.com>
Date: 08 Mar 2011 17:04:20 GMT
Lines: 2
Xref: news.example.net comp.example.misc:181736

An answer.
"""


def test_a_usenet_article_is_named_and_gets_no_paste_the_received_lines_warning() -> None:
    a = analyze(_ARTICLE.encode())
    d = diagnose(a)
    assert d.headline.startswith("A Usenet news article (posted to comp.example.misc,")
    assert "news.example.net, feeder.example.org, post.example.com" in d.headline
    md = render_markdown(a)
    assert "Paste the complete header block, including every Received line" not in md
    assert "news.example.net → feeder.example.org → post.example.com" in md


def test_a_delivered_mail_with_planted_news_fields_is_read_as_mail() -> None:
    # Attack: the sender writes Newsgroups and Path into a spoof; the receiver's line is there,
    # so it is a delivery and is read as one.
    raw = (
        "Received: from mail.example.com (unknown [203.0.113.9])\n"
        "\tby mx.example.net (Postfix) with ESMTP id 1A2B\n"
        "\tfor <bob@example.net>; Tue, 8 Mar 2011 18:00:00 +0100 (CET)\n" + _ARTICLE
    ).encode()
    d = diagnose(analyze(raw))
    assert "Usenet" not in d.headline


def test_a_copy_with_newsgroups_but_no_path_is_not_an_article() -> None:
    raw = _ARTICLE.replace(
        "Path: news.example.net!feeder.example.org!post.example.com!not-for-mail\n", ""
    )
    d = diagnose(analyze(raw.encode()))
    assert "Usenet" not in d.headline and "No server stamped this copy" in d.headline


# A user's own message submitted with SMTP AUTH from a host whose name the receiver confirmed
# inside its own domain: every hop is internal, so there is no entry point to check.
_OWN_SUBMISSION = """Return-Path: <me@example.net>
Delivered-To: me@example.net
Received: from [10.8.0.6] (vpn.example.net [192.0.2.170])
\tby mail.example.net (Postfix) with ESMTPSA id 9EF8E60224
\tfor <me@example.net>; Tue, 19 Jul 2016 15:02:37 +0200 (CEST)
{lower}From: Me <me@example.net>
To: Me <me@example.net>
Subject: test
Date: Tue, 19 Jul 2016 15:04:12 +0200
Message-Id: <7EF82667@example.net>

test
"""


def test_an_authenticated_submission_from_the_organisations_own_host_is_named() -> None:
    d = diagnose(analyze(_OWN_SUBMISSION.format(lower="").encode()))
    assert "accepted it from a client that signed in (ESMTPSA" in d.headline
    assert "nothing in the header authenticates the sender" not in d.headline


def test_a_submission_line_below_the_receivers_own_line_is_not_read_as_signed_in() -> None:
    # Attack: behind a NAT the receiver's top line names a private client for everyone; the
    # sender writes an authenticated-submission line under it. Only the top line counts.
    raw = (
        "Received: from mail.example.org (unknown [10.0.0.5])\n"
        "\tby mx.example.net (Postfix) with ESMTP id 77\n"
        "\tfor <me@example.net>; Tue, 19 Jul 2016 15:02:40 +0200 (CEST)\n"
        + _OWN_SUBMISSION.replace(
            "Return-Path: <me@example.net>\nDelivered-To: me@example.net\n", ""
        ).format(lower="")
    ).encode()
    d = diagnose(analyze(raw))
    assert "signed in" not in d.headline


def test_a_report_safe_2_report_with_the_original_as_text_is_read_through() -> None:
    # report_safe 2 attaches the original as text/plain (same x-spam-type=original mark)
    raw = _report().replace(
        b"Content-Type: message/rfc822; x-spam-type=original",
        b"Content-Type: text/plain; x-spam-type=original",
    )
    a = analyze(raw)
    assert any(d.code is Code.INPUT_REPORT_SAFE for d in a.defects)
    assert a.chain.boundary is not None and a.chain.boundary.ip == "203.0.113.45"
