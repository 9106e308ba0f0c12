"""Mistakes found by reading real non-Microsoft deliveries (Gmail, lists, forwards, bounces)
outside the development corpus, each fixed as a rule and tested on a synthetic message."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import Diagnosis, diagnose
from headerlens.model import Analysis
from headerlens.model.provenance import Author
from tests.paths import CORPUS, need_shared


def _authors(a: Analysis, name: str) -> list[Author]:
    return [f.author for f in a.provenance.fields if f.header_name.lower() == name]


def _shared(sub: str, name: str) -> tuple[Analysis, Diagnosis]:
    path = CORPUS / sub / name
    need_shared(path)
    a = analyze(path.read_bytes(), source_name=name)
    return a, diagnose(a)


_LIST_SPAM = b"""\
Return-Path: <users-bounces@lists.example.org>
Delivered-To: archive@mail.example.net
Received: from lists.example.org (lists.example.org [198.51.100.7])
\tby mail.example.net (Postfix) with ESMTPS id 4A1B2C3D4E
\tfor <archive@mail.example.net>; Wed, 25 Dec 2024 22:32:09 +0100 (CET)
Received: from [127.0.0.1] (helo=ml-1.lw.example.com)
\tby ml-1.lw.example.com with esmtp (Exim 4.95)
\t(envelope-from <users-bounces@lists.example.org>)
\tid 1tQYz9-0006ls-Ie
\tfor archive@mail.example.net; Wed, 25 Dec 2024 21:32:08 +0000
Received: from [172.30.29.66] (helo=mx.example.com)
 by ml-1.lw.example.com with esmtps (Exim 4.95)
 (envelope-from <bounce@shop.example>) id 1tQYz7-0006l9-4F
 for users@lists.example.org; Wed, 25 Dec 2024 21:32:05 +0000
Received: from [203.0.113.68] (helo=PC01)
 by mx-2.lw.example.com with esmtp (Exim 4.95)
 id 1tQYz7-0005kb-7u for users@lists.example.org;
 Wed, 25 Dec 2024 21:32:04 +0000
Received: from pc01 ([127.0.0.1]) by PC01 with Microsoft SMTPSVC(10.0.14393.0);
 Wed, 25 Dec 2024 21:31:56 +0000
From: "Shop" <bounce@shop.example>
To: users@lists.example.org
Date: Wed, 25 Dec 2024 21:32:00 +0000
Message-ID: <abc@PC01>
X-Spam-Score: 8.1 (++++++++)
X-Spam-Report: Spam detection software,
 running on the system "spamd-2.lw.example.com",
 has identified this incoming email as possible spam.
X-Spam-Flag: YES
X-Headers-End: 1tQYz7-0005kb-7u
Subject: [Users] [SPAM] You won
X-BeenThere: users@lists.example.org
X-Mailman-Version: 2.1.21
List-Id: <users.lists.example.org>
List-Post: <mailto:users@lists.example.org>

body
"""


def test_a_lists_own_spam_filter_fields_are_the_lists_not_the_senders() -> None:
    """A list host's SpamAssassin verdict sits among the message's own fields, below every
    Received line; the report names the list host's system (and the run carries the queue id of
    the list's inbound hop): it is the list's verdict, never the sender's, never the receiver's."""
    a = analyze(_LIST_SPAM)
    for name in ("x-spam-score", "x-spam-report", "x-spam-flag"):
        assert _authors(a, name) == [Author.INTERMEDIARY], name
    flag = next(f for f in a.provenance.fields if f.header_name.lower() == "x-spam-flag")
    assert flag.hop_number == 2 and flag.writer == "mx-2.lw.example.com"


def test_a_spam_filter_naming_the_receivers_own_host_below_the_chain_stays_unknown() -> None:
    """Anyone can write a host name: a run naming the receiving organisation is not its verdict."""
    raw = _LIST_SPAM.replace(b'"spamd-2.lw.example.com"', b'"filter.example.net"').replace(
        b"X-Headers-End: 1tQYz7-0005kb-7u\n", b""
    )
    a = analyze(raw)
    assert _authors(a, "x-spam-flag") == [Author.UNKNOWN]


def test_shared_sourceforge_list_spamassassin_is_the_lists() -> None:
    a, _d = _shared("eml", "sourceforge-list-smtpsvc-date-1899.eml")
    assert _authors(a, "x-spam-flag") == [Author.INTERMEDIARY]
