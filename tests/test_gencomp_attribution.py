"""Who wrote fields that a receiver's software stamps away from its own Received line: Exchange
Online's X-IncomingTopHeaderMarker, a greylister's X-Greylist, a Barracuda's X-Barracuda-* run
(synthetic messages of the shapes seen on real mail; names and addresses changed)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.model import Analysis
from headerlens.model.provenance import Author, FieldAuthor
from tests.test_diagnosis import _msg


def _authors(a: Analysis, name: str) -> list[FieldAuthor]:
    out = []
    for f in a.headers:
        if f.lname == name.lower():
            found = a.provenance.of(f.index)
            assert found is not None
            out.append(found)
    return out


def _eop(*below: str) -> bytes:
    return _msg(
        "Received: from DM6PR01MB1.namprd01.prod.outlook.com (::1) by DM6PR01MB2.namprd01.prod.outlook.com with HTTPS; Thu, 17 Aug 2023 17:56:18 +0000",
        "Authentication-Results: spf=softfail (sender IP is 198.51.100.61) smtp.mailfrom=shop.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=shop.example;compauth=fail reason=001",
        "Received: from web01.hoster.example (198.51.100.61) by DM6NAM10FT001.mail.protection.outlook.com (10.13.152.1) with Microsoft SMTP Server id 15.20.6699.20 via Frontend Transport; Thu, 17 Aug 2023 17:56:16 +0000",
        *below,
        "From: Shop <info@shop.example>",
        "To: victim@example.net",
        "Subject: hello",
        "Date: Thu, 17 Aug 2023 14:22:14 -0300",
        "Message-ID: <1@shop.example>",
        "X-IncomingHeaderCount: 9",
        "X-MS-Exchange-Organization-SCL: 9",
    )


def test_exchange_onlines_marker_under_its_own_line_is_the_receivers() -> None:
    a = analyze(
        _eop(
            "X-IncomingTopHeaderMarker: OriginalChecksum:AA;UpperCasedChecksum:BB;SizeAsReceived:593;Count:11",
            "Received: by web01.hoster.example (Postfix, from userid 10146) id 664942152D2; Thu, 17 Aug 2023 14:22:14 -0300 (-03)",
        )
    )
    (marker,) = _authors(a, "X-IncomingTopHeaderMarker")
    assert marker.author is Author.FINAL_RECEIVER
    assert marker.hop_number == 2


def test_a_second_marker_in_the_received_header_is_not_the_receivers() -> None:
    """A marker the sender carried (a template's placeholder, a copy) sits lower: not credited."""
    a = analyze(
        _eop(
            "X-IncomingTopHeaderMarker: OriginalChecksum:AA;Count:11",
            "Received: by web01.hoster.example (Postfix, from userid 10146) id 664942152D2; Thu, 17 Aug 2023 14:22:14 -0300 (-03)",
            "X-IncomingTopHeaderMarker: X-IncomingTopHeaderMarker",
        )
    )
    top, copy = _authors(a, "X-IncomingTopHeaderMarker")
    assert top.author is Author.FINAL_RECEIVER
    assert copy.author is not Author.FINAL_RECEIVER


def test_a_marker_under_a_receiver_that_is_not_microsoft_stays_the_senders() -> None:
    a = analyze(
        _msg(
            "Received: from web01.hoster.example (web01.hoster.example [198.51.100.61]) by mx.example.net (Postfix) with ESMTPS id 4AB12; Thu, 17 Aug 2023 17:56:16 +0000",
            "X-IncomingTopHeaderMarker: OriginalChecksum:AA;Count:11",
            "Received: by web01.hoster.example (Postfix, from userid 10146) id 664942152D2; Thu, 17 Aug 2023 14:22:14 -0300 (-03)",
            "From: Shop <info@shop.example>",
            "To: victim@example.net",
            "Subject: hello",
            "Date: Thu, 17 Aug 2023 14:22:14 -0300",
        )
    )
    (marker,) = _authors(a, "X-IncomingTopHeaderMarker")
    assert marker.author is not Author.FINAL_RECEIVER


_LIST_TOP = (
    "Received: from lists.project.example (lists.project.example [192.0.2.18]) by mail.archive.example (Postfix) with ESMTP id 3860E3728D5 for <a@archive.example>; Tue,  4 May 2021 12:26:16 +0200 (CEST)",
    "Received: (majordomo@lists.project.example) by lists.project.example via listexpand id S230257AbhEDK1J; Tue, 4 May 2021 06:27:09 -0400",
)
_LIST_TAIL = (
    "From: Dev <dev@home.example>",
    "To: list@lists.project.example",
    "Subject: Re: flags",
    "Date: Tue, 4 May 2021 12:07:46 +0200",
    "Message-ID: <2@home.example>",
    "List-Id: <list.lists.project.example>",
)


def _greylisted(note: str) -> bytes:
    return _msg(
        *_LIST_TOP,
        'Received: from relay-1.isp.example ([203.0.113.221]:48776 "EHLO relay-1.isp.example" rhost-flags-OK-OK-OK-OK) by lists.project.example with ESMTP id S230316AbhEDK1I; Tue, 4 May 2021 06:27:08 -0400',
        note,
        "Received: from box.home.example (dyn-94.isp.example [198.51.100.62]) by relay-1.isp.example with ESMTP id oA7MuNEIT9i5T4HU; Tue, 04 May 2021 12:07:47 +0200 (CEST)",
        *_LIST_TAIL,
    )


def test_a_greylisting_note_belongs_to_the_host_it_names_above_it() -> None:
    a = analyze(
        _greylisted(
            "X-Greylist: delayed 1103 seconds by postgrey-1.27 at lists.project.example; Tue, 04 May 2021 06:27:08 EDT"
        )
    )
    (note,) = _authors(a, "X-Greylist")
    assert note.author is Author.INTERMEDIARY
    assert note.writer == "lists.project.example" and note.hop_number == 2


def test_a_greylisting_note_naming_another_host_keeps_its_place() -> None:
    a = analyze(
        _greylisted(
            "X-Greylist: delayed 1103 seconds by postgrey-1.27 at mx.elsewhere.example; Tue, 04 May 2021 06:27:08 EDT"
        )
    )
    (note,) = _authors(a, "X-Greylist")
    assert note.hop_number == 1  # the position rule: above hop 1's line


def test_the_final_receivers_milter_greylist_note_is_its_own() -> None:
    a = analyze(
        _msg(
            "Received: from out.sender.example (out.sender.example [198.51.100.7]) by mx.example.net (8.16.1/8.16.1) with ESMTPS id 12ABC; Tue, 4 May 2021 10:30:00 GMT",
            "X-Greylist: delayed 311 seconds by milter-greylist-4.6.4 (mx.example.net [192.0.2.1]); Tue, 04 May 2021 10:30:00 +0000 (GMT)",
            "Received: from pc.sender.example (pc.sender.example [10.0.0.5]) by out.sender.example (Postfix) with ESMTP id 99; Tue, 4 May 2021 10:24:45 +0000",
            "From: a@sender.example",
            "To: b@example.net",
            "Subject: x",
            "Date: Tue, 4 May 2021 10:24:44 +0000",
        )
    )
    (note,) = _authors(a, "X-Greylist")
    assert note.author is Author.FINAL_RECEIVER


_BARRACUDA_RUN = (
    "X-Barracuda-Connect: dyn-94.isp.example[198.51.100.62]",
    "X-Barracuda-Start-Time: 1620122867",
    "X-Barracuda-URL: https://203.0.113.221:443/cgi-mod/mark.cgi",
    "X-Virus-Scanned: by bsmtpd at isp.example",
    "X-Barracuda-Spam-Score: 0.00",
    "X-Barracuda-Spam-Status: No, SCORE=0.00 using global scores of TAG_LEVEL=1000.0 QUARANTINE_LEVEL=1000.0 KILL_LEVEL=7.0 tests=",
)


def test_an_isps_outbound_barracuda_run_is_tied_to_its_hop() -> None:
    """The relay's Barracuda writes a few fields under its line and appends the rest at the
    bottom; its Connect names the client of its hop and its Start-Time the second of its stamp."""
    msg = _msg(
        *_LIST_TOP,
        'Received: from relay-1.isp.example ([203.0.113.221]:48776 "EHLO relay-1.isp.example" rhost-flags-OK-OK-OK-OK) by lists.project.example with ESMTP id S230316AbhEDK1I; Tue, 4 May 2021 06:27:08 -0400',
        "X-ASG-Debug-ID: 1620122867-15c4341e04e09570001-ZXuqFv",
        "Received: from box.home.example (dyn-94.isp.example [198.51.100.62]) by relay-1.isp.example with ESMTP id oA7MuNEIT9i5T4HU; Tue, 04 May 2021 12:07:47 +0200 (CEST)",
        "X-Barracuda-Envelope-From: dev@home.example",
        "X-Barracuda-Apparent-Source-IP: 198.51.100.62",
        "Received: from laptop.home.example (laptop.home.example [10.1.1.2]) by box.home.example (Postfix) with ESMTPSA id 7010613B598D; Tue,  4 May 2021 12:07:47 +0200 (CEST)",
        *_LIST_TAIL,
        *_BARRACUDA_RUN,
    )
    a = analyze(msg)
    for name in (
        "X-Barracuda-Envelope-From",
        "X-Barracuda-Connect",
        "X-Barracuda-Spam-Status",
        "X-Virus-Scanned",
    ):
        (found,) = _authors(a, name)
        assert found.hop_number == 2 and found.writer == "relay-1.isp.example", name
        assert found.author is not Author.UNKNOWN


def _receiver_barracuda(*planted: str, debug: bool = True) -> bytes:
    return _msg(
        "Received: from barracuda.example.net (barracuda.example.net [192.0.2.30]) by mail.example.net (Postfix) with ESMTP id 77AA; Tue, 04 May 2021 10:07:48 +0000",
        *(("X-ASG-Debug-ID: 1620122866-0aa1-xYz",) if debug else ()),
        "Received: from out.sender.example (out.sender.example [198.51.100.62]) by barracuda.example.net with ESMTP id oA7MuNEIT9i5T4HU; Tue, 04 May 2021 10:07:47 +0000",
        "From: a@sender.example",
        "To: b@example.net",
        "Subject: x",
        "Date: Tue, 4 May 2021 10:07:40 +0000",
        *planted,
        "X-Barracuda-Connect: out.sender.example[198.51.100.62]",
        "X-Barracuda-Start-Time: 1620122867",
        "X-Barracuda-Spam-Score: 6.50",
        "X-Barracuda-Spam-Status: Yes, SCORE=6.50 using global scores of TAG_LEVEL=3.5 QUARANTINE_LEVEL=1000.0 KILL_LEVEL=9.0 tests=BSF_SC0_MISMATCH_TO",
    )


def test_the_receivers_own_barracuda_run_is_its_own_and_a_planted_copy_is_not() -> None:
    a = analyze(
        _receiver_barracuda("X-Barracuda-Spam-Status: No, SCORE=0.00 using global scores of X")
    )
    planted, real = _authors(a, "X-Barracuda-Spam-Status")
    assert real.author is Author.FINAL_RECEIVER and real.hop_number == 1
    assert planted.author is not Author.FINAL_RECEIVER


def test_a_barracuda_run_without_the_receivers_debug_id_is_not_the_receivers() -> None:
    """Connect and Start-Time are guessable by the sender: without the appliance's own field
    above the receiver's line, nothing ties the run to the receiver."""
    a = analyze(_receiver_barracuda(debug=False))
    (status,) = _authors(a, "X-Barracuda-Spam-Status")
    assert status.author is not Author.FINAL_RECEIVER


def test_a_filter_on_the_relays_own_machine_is_named_by_that_machine_not_localhost() -> None:
    """amavisd's line reads "from host.example ([127.0.0.1]) by localhost": the writer shown
    for the list's spam fields is the machine, not "localhost"."""
    a = analyze(
        _msg(
            "Received: from mm01.lists.example (mm01.lists.example [192.0.2.53]) by mail.archive.example (Postfix) with ESMTP id 7A1C9109318; Mon, 25 Nov 2019 18:49:14 +0100 (CET)",
            "Received: from localhost (localhost [127.0.0.1]) by mm01.lists.example (Postfix) with ESMTP id F35FE4A97D; Mon, 25 Nov 2019 12:49:13 -0500 (EST)",
            "X-Spam-Status: No, score=0.799 required=6.1 tests=[BAYES_00=-1.9]",
            "Received: from mm01.lists.example ([127.0.0.1]) by localhost (mm01.lists.example [127.0.0.1]) (amavisd-new, port 10024) with ESMTP id qskQg+q1bzG7; Mon, 25 Nov 2019 12:49:13 -0500 (EST)",
            "Received: from out.sender.example (out.sender.example [198.51.100.50]) by mm01.lists.example (Postfix) with ESMTPS id DF03C4A5A3; Mon, 25 Nov 2019 12:49:09 -0500 (EST)",
            "From: a@sender.example",
            "To: devel@lists.example",
            "Subject: x",
            "Date: Mon, 25 Nov 2019 17:49:07 +0000",
            "List-Id: <devel.lists.example>",
        )
    )
    (status,) = _authors(a, "X-Spam-Status")
    assert status.writer == "mm01.lists.example"
    assert status.author is not Author.FINAL_RECEIVER


def test_a_senders_kaspersky_and_exchange_spam_ratings_are_named_as_the_senders() -> None:
    """A sending organisation's Kaspersky (KLMS/KSMG) verdict and its Exchange SCL carried to a
    Postfix receiver are verdicts of the sending side, listed as such."""
    from headerlens.diagnosis import diagnose

    a = analyze(
        _msg(
            "Received: from e.sender.example (e.sender.example [198.51.100.32]) by mx.example.net (Postfix) with ESMTPS id B11EA40516; Tue,  7 Feb 2023 13:24:27 +0000 (UTC)",
            "Received: from [10.14.68.0] (port=23784 helo=e.sender.example) by relay1.sender.example with esmtp id 1pPNxN-000XgA-8H; Tue, 07 Feb 2023 16:24:21 +0300",
            "From: a@sender.example",
            "To: b@example.net",
            "Subject: [Spam]hello",
            "Date: Tue, 7 Feb 2023 05:24:20 -0800",
            "X-KLMS-AntiSpam-Rate: 95",
            "X-KLMS-AntiSpam-Status: spam",
            "X-MS-Exchange-Organization-SCL: 9",
        )
    )
    scan = diagnose(a).get("sender-side-scan")
    assert scan is not None
    named = " ".join(scan.evidence)
    assert "X-KLMS-AntiSpam-Status" in named and "X-MS-Exchange-Organization-SCL" in named
