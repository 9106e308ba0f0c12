"""Mistakes found by re-reading real list mail and bounces (lists on shared hosts, majordomo,
gateway bounces), each fixed as a general rule and tested on a synthetic message."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.model import Analysis, NdrFormat, NonDelivery, WhoActs
from headerlens.model.provenance import Author, FieldAuthor
from headerlens.parsers.vendor import decode_vendor_header
from tests.vendor_fixtures import make_field


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


_DSN = """\
Received: from relay.gw.example (relay.gw.example [198.51.100.25])
\tby mx.shop.example (Postfix) with ESMTP id 44444444EEE;
\tThu, 17 Jul 2017 23:34:45 +0900 (JST)
From: {sender}
To: <seller@shop.example>
Subject: Mail Delivery Failure
Date: Thu, 17 Jul 2017 23:34:45 +0000
Message-Id: <20170824090957.D3CC51735@mx.shop.example>
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain; charset="UTF-8"

{notice}

I was unable to deliver your message to the following addresses:

buyer@client.example

Reason: {reply}

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; {reporter}

Action: failed
Final-Recipient: rfc822; buyer@client.example
Diagnostic-Code: smtp; {joined}
Status: 5.0.0

--b1
Content-Type: text/rfc822-headers

From: Seller <seller@shop.example>
To: buyer@client.example
Subject: order

--b1--
"""

_RELAY_REFUSED = (
    "550-Please turn on SMTP Authentication in your mail client. 550-out1.gw.example "
    "[198.51.100.21]:11111 is not permitted to\n550 relay through this server without authentication."
)


def _ndr(sender: str, notice: str, reporter: str, reply: str = _RELAY_REFUSED) -> NonDelivery:
    joined = reply.replace("\n", "")  # as Symantec writes it: "permitted to550 relay"
    raw = _DSN.format(sender=sender, notice=notice, reporter=reporter, reply=reply, joined=joined)
    ndr = analyze(raw.encode(), source_name="ndr.eml").ndr
    assert ndr is not None
    return ndr


def test_symantec_bounce_is_not_yahoos_and_relays_the_remote_reply() -> None:
    ndr = _ndr(
        "Mail Delivery System <MAILER-DAEMON@messagelabs.com>",
        "This is the mail delivery agent at Symantec Email Security.cloud.",
        "server-0.gw.messagelabs.com",
    )
    assert ndr.format is NdrFormat.MESSAGELABS
    (r,) = ndr.recipients
    assert "only relays its reply" in (r.rejecter_why or "")
    # a multi-line reply split inside "not permitted to relay" is still the relay refusal
    assert r.meaning is not None and r.meaning.key == "text:relay-denied"


def test_yahoo_wording_alone_from_another_sender_is_not_yahoo() -> None:
    """'unable to deliver your message to the following' is not Yahoo's alone."""
    ndr = _ndr("MAILER-DAEMON@gw.example", "Delivery failed.", "out.gw.example")
    assert ndr.format is not NdrFormat.YAHOO
    yahoo = _ndr(
        "MAILER-DAEMON@yahoo.com",
        "Sorry, we were unable to deliver your message to the following address.",
        "mta1.mail.yahoo.com",
    )
    assert yahoo.format is NdrFormat.YAHOO


def test_ses_dsn_relays_the_remote_refusal_of_the_sender() -> None:
    reply = (
        "550 5.1.0 <0100017@amazonses.com> sender rejected. Please see "
        "https://isp.example/errors for more information. AUP#In-1310"
    )
    ndr = _ndr(
        "MAILER-DAEMON@amazonses.com",
        "An error occurred while trying to deliver the mail to the following recipients:",
        "d217-29.smtp-out.amazonses.com",
        reply,
    )
    (r,) = ndr.recipients
    assert "refused it itself" not in (r.rejecter_why or "")
    assert "only relays its reply" in (r.rejecter_why or "")
    assert r.meaning is not None and r.meaning.key == "text:sender-rejected"
    assert r.meaning.who_acts is WhoActs.SENDER_ADMIN


def test_x_received_by_a_host_outside_google_is_not_gmails() -> None:
    relay = decode_vendor_header(
        make_field(
            "X-Received",
            "from a1.out.example ([192.0.2.4]) by mx.lists.example with "
            "SMTP id smtpd.web11.5129; Tue, 16 Feb 2021 00:09:48 -0800",
        )
    )
    loop = decode_vendor_header(
        make_field(
            "X-Received", "by 127.0.0.2 with SMTP id lg0nYY; Tue, 16 Feb 2021 00:09:48 -0800"
        )
    )
    google = decode_vendor_header(
        make_field("X-Received", "by 2002:a05:6512:3d1b:: with SMTP id d27mr1; Tue, 16 Feb 2021")
    )
    assert (
        relay is not None
        and relay.vendor != "Gmail"
        and "mx.lists.example" in (relay.summary or "")
    )
    assert loop is not None and loop.vendor != "Gmail"
    assert google is not None and google.vendor == "Gmail"


_SIGNED_LIST_POST = b"""\
Return-Path: <dev-bounces@lists.example.org>
Received: from mm1.hosting.example (mm1.hosting.example [198.51.100.17])
\tby mail.example.net (Postfix) with ESMTPS id 4A1B2C3D4E
\tfor <me@example.net>; Fri, 01 Nov 2024 14:47:00 +0100 (CET)
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=corp.example; s=s1;
 h=from:subject:date:message-id; bh={bh};
 b=dGVzdHNpZ25hdHVyZXRlc3RzaWduYXR1cmV0ZXN0c2lnbmF0dXJl
From: Author <author@corp.example>
To: dev@lists.example.org
Subject: [Dev] patch
Date: Fri, 01 Nov 2024 13:46:33 +0000
Message-ID: <1@corp.example>
List-Id: <dev.lists.example.org>
List-Post: <mailto:dev@lists.example.org>
X-Mailman-Version: 2.1.39

body
"""


def _offline_labels(raw: bytes) -> set[str]:
    import asyncio

    from headerlens.diagnosis import diagnose
    from headerlens.dnsclient.resolver import OfflineResolver
    from headerlens.evaluators.verify import verify
    from headerlens.model.verification import VerifyMode

    a = analyze(raw, source_name="post.eml")
    v = asyncio.run(verify(a, OfflineResolver(), mode=VerifyMode.OFFLINE))
    return set(diagnose(a, v).labels())


def test_an_offline_dkim_attempt_that_asked_for_no_key_checked_nothing() -> None:
    """Offline, the author's signature could not be judged (no key asked): nothing checked
    the list post, which is unknown, not 'nothing authenticated' and a possible spoof."""
    ok = b"Ck5SoRNWUpSR4X0COv7R5ub2pUTtl6xz4dTFz++ji4M="
    labels = _offline_labels(_SIGNED_LIST_POST.replace(b"{bh}", ok))
    assert "mailing-list" in labels and "spoof" not in labels


def test_an_offline_body_hash_failure_under_a_named_list_is_no_spoof_evidence() -> None:
    """A body hash that does not match fails whatever the key says, but offline it is the only
    thing checked, and the list the message names breaks it on every genuine post (footer,
    subject tag): that cannot tell a list copy from a spoof, so the list stays unchecked (the
    body change is its evidence, tests/test_genlist.py), not a possible spoof. Without a named
    list the same failure keeps counting (test_an_offline_body_hash_failure_without_a_list)."""
    bad = b"AAAAQL1SBLmLKfwKz7mHLmL+Sb+6KNWMX9rxoFDdEEM="
    labels = _offline_labels(_SIGNED_LIST_POST.replace(b"{bh}", bad))
    assert "mailing-list" in labels and "spoof" not in labels


def test_an_offline_body_hash_failure_without_a_list_is_still_a_check_that_failed() -> None:
    bad = b"AAAAQL1SBLmLKfwKz7mHLmL+Sb+6KNWMX9rxoFDdEEM="
    raw = _SIGNED_LIST_POST.replace(b"{bh}", bad)
    for name in (b"List-Id", b"List-Post", b"X-Mailman-Version"):
        raw = b"".join(line for line in raw.splitlines(True) if not line.startswith(name))
    assert "spoof" in _offline_labels(raw)
