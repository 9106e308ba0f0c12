"""Mistakes found by re-reading real list mail and bounces (lists on shared hosts, majordomo,
gateway bounces), each fixed as a general rule and tested on a synthetic message."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.model import Analysis
from headerlens.model.provenance import Author, FieldAuthor


def _stamps(a: Analysis, name: str) -> list[FieldAuthor]:
    return [f for f in a.provenance.fields if f.header_name.lower() == name]


# A list on a shared host (Mailman 3 behind Postfix with OpenDKIM): the list's inbound MTA
# writes its Authentication-Results right under its own Received line, naming itself as
# authserv-id and no client, so the stamp sits above the author's outbound lines.
_LIST_AR = b"""\
Return-Path: <dev-bounces@project.example>
Delivered-To: archive@mail.example.net
Received: from lst0.hosting.example (lst0.hosting.example [198.51.100.43])
\tby mail.example.net (Postfix) with ESMTPS id 9093C94EA23
\tfor <archive@mail.example.net>; Mon, 12 Aug 2024 11:43:42 +0200 (CEST)
Received: from lst1.hosting.example (lst1.hosting.example [198.51.100.44])
\tby lst0.hosting.example (Postfix) with ESMTPS id D15DC1903;
\tMon, 12 Aug 2024 11:43:31 +0200 (CEST)
Received: from mailman-core.project.example (mailman-core.project.example [10.254.200.10])
\tby lst1.hosting.example (Postfix) with ESMTP id C4F2EF805BA;
\tMon, 12 Aug 2024 11:43:03 +0200 (CEST)
Received: from mx.author.example (mx.author.example [203.0.113.16])
\tby lst1.hosting.example (Postfix) with ESMTPS id 66C64F80107
\tfor <dev@project.example>; Mon, 12 Aug 2024 11:42:35 +0200 (CEST)
DKIM-Filter: OpenDKIM Filter v2.11.0 lst1.hosting.example 66C64F80107
Authentication-Results: lst1.hosting.example;
\tdkim=pass (2048-bit key) header.d=author.example header.s=s1 header.b=abFjgeQ5
ARC-Authentication-Results: i=1; lst1.hosting.example; dkim=pass header.d=author.example
Authentication-Results: {forged}; dkim=pass header.d=author.example
Received: from out1.author.example ([10.64.159.145])
  by mx.author.example with ESMTP; 12 Aug 2024 02:42:32 -0700
From: Dev <dev@author.example>
To: dev@project.example
Subject: [PATCH] fix
Date: Mon, 12 Aug 2024 11:42:30 +0200
Message-Id: <20240812094328.1@author.example>
List-Id: <dev.project.example>
List-Post: <mailto:dev@project.example>
X-Mailman-Version: 3.3.9

body
"""


def _list_ar(forged: str = "mail.example.net") -> Analysis:
    return analyze(_LIST_AR.replace(b"{forged}", forged.encode()), source_name="list-ar.eml")


def test_list_hosts_own_stamp_under_its_line_is_the_lists_not_the_senders() -> None:
    a = _list_ar()
    ar = _stamps(a, "authentication-results")
    arc = _stamps(a, "arc-authentication-results")
    assert a.chain.boundary is not None and a.chain.boundary.hop_number == 5
    for found in (ar[0], arc[0]):  # authserv-id = the relay line's receiving host
        assert found.author is Author.INTERMEDIARY
        assert found.writer == "lst1.hosting.example"
        assert found.hop_number == 2


def test_a_stamp_naming_the_receiver_under_a_relay_line_is_never_the_receivers() -> None:
    """The third stamp claims the final receiver's host: it sits among the sender's lines and
    names no relay host, so it is not the relay's, and never the receiver's."""
    a = _list_ar()
    forged = _stamps(a, "authentication-results")[1]
    assert forged.author is not Author.FINAL_RECEIVER
    assert forged.writer != "lst1.hosting.example"
    # the relay's own host name cannot make a stamp the receiver's either, nor move the boundary
    b = _list_ar("lst1.hosting.example")
    assert b.chain.boundary is not None and b.chain.boundary.hop_number == 5
    assert all(f.author is not Author.FINAL_RECEIVER for f in _stamps(b, "authentication-results"))


def test_a_stamp_naming_another_client_is_not_the_relays() -> None:
    raw = _LIST_AR.replace(
        b"header.s=s1 header.b=abFjgeQ5", b"header.s=s1 header.b=abFjgeQ5 smtp.client-ip=192.0.2.9"
    ).replace(b"{forged}", b"x.example")
    found = _stamps(analyze(raw, source_name="list-ar2.eml"), "authentication-results")[0]
    assert found.writer != "lst1.hosting.example"


# Majordomo keeps only List-Id and names the list's owner address as Sender and envelope sender.
_MAJORDOMO = b"""\
Return-Path: <owner-kernel-dev@lists.example.org>
Received: from relay.example.org (relay.example.org [198.51.100.72])
\tby hub.example.org (Postfix) with ESMTP id 21A046B0260
\tfor <kernel-dev@lists.example.org>; Wed, 27 Sep 2017 19:56:24 -0400 (EDT)
Received: from mx.author.example (mx.author.example [203.0.113.100])
\tby relay.example.org with ESMTPS id n9si146219;
\tWed, 27 Sep 2017 16:56:23 -0700 (PDT)
From: Dev <dev@author.example>
Subject: [PATCH] mm: fix
Date: Wed, 27 Sep 2017 16:50:00 -0700
Message-ID: <1@author.example>
Sender: {sender}
List-ID: <kernel-dev.lists.example.org>
To: akpm@elsewhere.example
Cc: kernel-dev@lists.example.org

body
"""


def _situations(raw: bytes) -> set[str]:
    from headerlens.diagnosis import diagnose

    return {s.label for s in diagnose(analyze(raw, source_name="m.eml")).situations}


def test_majordomo_list_id_with_owner_sender_is_a_list() -> None:
    assert "mailing-list" in _situations(
        _MAJORDOMO.replace(b"{sender}", b"owner-kernel-dev@lists.example.org")
    )


def test_list_id_with_an_unrelated_sender_is_not_called_a_list() -> None:
    """A List-Id alone is what newsletters set: an owner address of another list or another
    domain does not make it a list."""
    for sender in (b"owner-other@lists.example.org", b"owner-kernel-dev@mailer.example"):
        raw = _MAJORDOMO.replace(b"{sender}", sender).replace(
            b"<owner-kernel-dev@lists.example.org>", b"<bounce@mailer.example>"
        )
        assert "mailing-list" not in _situations(raw)
