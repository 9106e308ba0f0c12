"""The receiver's own verdicts credited to their writer: Yahoo/AOL's mailbox tier, one
provider on both ends, a self-hosted receiver's stamps under its own lines."""

from __future__ import annotations

import asyncio

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.facts import Diagnosis
from headerlens.dnsclient.resolver import OfflineResolver
from headerlens.evaluators.verify import verify
from headerlens.model.analysis import Analysis
from headerlens.model.provenance import Author
from headerlens.model.verification import VerifyMode
from headerlens.stamped import final_receiver_results
from tests.test_diagnosis import _msg


def _offline(raw: bytes) -> tuple[Analysis, Diagnosis]:
    a = analyze(raw, source_name="m.eml")
    v = asyncio.run(verify(a, OfflineResolver(), mode=VerifyMode.OFFLINE))
    return a, diagnose(a, v)


def _author(a: Analysis, name: str, nth: int = 0) -> Author | None:
    f = [f for f in a.headers if f.lname == name][nth]
    found = a.provenance.of(f.index)
    return found.author if found is not None else None


def _stamped(a: Analysis) -> dict[str, str]:
    return {
        r.method.lower(): r.result.lower() for ar in final_receiver_results(a) for r in ar.results
    }


# --- 1. Yahoo / AOL: the atlas mailbox tier restates the client of Yahoo's inbound MTA -------

_ATLAS = "atlas301.free.mail.ne1.yahoo.com"
_CLIENT = "198.51.100.61"


def _yahoo(
    *,
    x_atlas: str | None = f"X-Atlas-Received: from 10.218.250.15 by {_ATLAS} with http; "
    "Wed, 10 Jun 2020 10:11:23 +0000",
    mta_ip: str = _CLIENT,
    ar: str = "dkim=pass header.i=@news.contoso.example header.s=s1;\r\n spf=pass "
    "smtp.mailfrom=news.contoso.example;\r\n dmarc=success(p=REJECT) header.from=news.contoso.example;",
    planted: tuple[str, ...] = (),
) -> bytes:
    """Yahoo's 2020 layout (deltachat's yahoo_ndn / aol_ndn): the X-Atlas-Received at the top,
    the atlas host's SMTP line, its block, then the line of Yahoo's inbound MTA."""
    return _msg(
        *([x_atlas] if x_atlas else []),
        "Return-Path: <bounce@news.contoso.example>",
        f"Received: from {_CLIENT} (EHLO out.news.contoso.example)\r\n by {_ATLAS} with SMTPs; "
        "Wed, 10 Jun 2020 10:11:23 +0000",
        f"X-Originating-Ip: [{_CLIENT}]",
        "Received-SPF: pass (domain of news.contoso.example designates "
        f"{_CLIENT} as permitted sender)",
        f"Authentication-Results: {_ATLAS};\r\n {ar}",
        "X-Apparently-To: ann@yahoo.com; Wed, 10 Jun 2020 10:11:23 +0000",
        f"X-Originating-IP: [{_CLIENT}]",
        *planted,
        f"Received: from 10.217.135.16  (EHLO out.news.contoso.example) ({mta_ip})\r\n  by "
        "mta4301.mail.ne1.yahoo.com with SMTPS; Wed, 10 Jun 2020 10:11:21 +0000",
        "DKIM-Signature: v=1; a=rsa-sha256; d=news.contoso.example; s=s1; h=from; bh=AA; b=abcd",
        "From: Contoso News <news@news.contoso.example>",
        "To: ann@yahoo.com",
        "Subject: June news",
        "Date: Wed, 10 Jun 2020 10:11:19 +0000",
        "Message-ID: <n1@news.contoso.example>",
    )


def test_yahoo_atlas_line_restates_the_inbound_mta_whose_line_is_the_boundary() -> None:
    """B06/B13 shape: Yahoo's own Authentication-Results, below the atlas host's line and above
    its inbound MTA's, is the final receiver's, not "an intermediary's"."""
    a = analyze(_yahoo())
    b = a.chain.boundary
    assert b is not None and b.hop_number == 1 and b.ip == _CLIENT and b.unconfirmed is None
    assert b.receiver == "mta4301.mail.ne1.yahoo.com"
    assert _author(a, "authentication-results") is Author.FINAL_RECEIVER
    assert _author(a, "received-spf") is Author.FINAL_RECEIVER
    assert _stamped(a).get("dkim") == "pass"


def test_without_the_x_atlas_received_the_atlas_line_is_not_taken_as_a_restatement() -> None:
    """Red team: with no X-Atlas-Received above it, nothing shows the atlas host took the message
    from Yahoo's own MTA: a "by mta….yahoo.com" line the sender wrote below it (its own IP) must
    not become the boundary and make the sender's top fields the receiver's."""
    planted = (
        "Authentication-Results: mta4301.mail.ne1.yahoo.com; dmarc=pass header.from=bank.example",
    )
    a = analyze(_yahoo(x_atlas=None, planted=planted))
    b = a.chain.boundary
    assert b is not None and b.receiver == _ATLAS
    assert _author(a, "authentication-results", 1) is not Author.FINAL_RECEIVER
    assert "dmarc" not in _stamped(a) or _stamped(a)["dmarc"] != "pass"


def test_an_x_atlas_received_below_the_atlas_line_or_naming_another_host_does_not_count() -> None:
    below = (
        f"X-Atlas-Received: from 10.1.2.3 by {_ATLAS} with http; Wed, 10 Jun 2020 10:11:22 +0000"
    )
    a = analyze(_yahoo(x_atlas=None, planted=(below,)))
    assert a.chain.boundary is not None and a.chain.boundary.receiver == _ATLAS
    other = "X-Atlas-Received: from 10.1.2.3 by atlas9.free.mail.ne1.yahoo.com with http; Wed, 10 Jun 2020 10:11:23 +0000"
    a2 = analyze(_yahoo(x_atlas=other))
    assert a2.chain.boundary is not None and a2.chain.boundary.receiver == _ATLAS


def test_a_line_below_naming_another_client_is_no_restatement() -> None:
    """The MTA line below names another address than the atlas line: the atlas line's client
    stays the entry (the line below is not what Yahoo's MTA accepted from that client)."""
    a = analyze(_yahoo(mta_ip="203.0.113.9"))
    b = a.chain.boundary
    assert b is not None and b.receiver == _ATLAS and b.ip == _CLIENT


def _yahoo_bounce() -> bytes:
    """A Yahoo failure notice delivered to a Yahoo mailbox, its body changed after signing (a
    trimmed paste): the bounce's own DKIM body hash fails offline."""
    return (
        _yahoo(
            ar="dkim=pass header.i=@yahoo.com header.s=@bounce;\r\n spf=none "
            "smtp.mailfrom=sonic1.consmr.mail.ir2.yahoo.com;\r\n dmarc=success(p=REJECT) "
            "header.from=yahoo.com;",
        )
        .replace(
            b"From: Contoso News <news@news.contoso.example>", b"From: MAILER-DAEMON@yahoo.com"
        )
        .replace(b"Subject: June news", b"Subject: Failure Notice")
        .replace(
            b"d=news.contoso.example; s=s1; h=from; bh=AA",
            b"d=yahoo.com; s=bounce; h=from; bh=4BmZzBC/nu0AJ9r0i0xNuCENks2KZcuXCbjSHdzbg9Y=",
        )
        .replace(
            b"\r\n\r\nbody\r\n",
            b"\r\n\r\nSorry, we were unable to deliver your message to the following address.\r\n\r\n"
            b"<ghost@yahoo.com>:\r\n554: delivery error: dd Not a valid recipient - "
            b"atlas117.free.mail.ne1.yahoo.com\r\n\r\n--- Below this line is a copy of the message.\r\n",
        )
    )


def test_a_yahoo_bounce_tied_by_yahoos_own_stamps_is_not_called_forged() -> None:
    """The receiver stamped dkim=pass yahoo.com and dmarc success at delivery: the bounce is tied
    to Yahoo even though the pasted body no longer matches the signature's body hash."""
    a, d = _offline(_yahoo_bounce())
    assert _author(a, "authentication-results") is Author.FINAL_RECEIVER
    assert "may be forged" not in d.headline and "nothing ties" not in d.headline.lower()
    n = d.get("ndr")
    assert n is not None and not n.fact("unvouched") and not n.fact("untied")


# --- 2. One provider on both ends: its MX taking in what its own outbound server sent --------


def _posteo_bounce(*, submission: str | None = None, top: str = "dovecot03.mbx.local") -> bytes:
    """B08/B12 shape: outbound server -> the provider's MX -> amavis on the next tier,
    re-injected over loopback -> internal proxy -> Dovecot LMTP under other domain names."""
    first = (
        "Received: by mout01.mailbox.example (Postfix)\r\n\tid DCB6B1200DD; "
        "Tue,  9 Jun 2020 20:44:22 +0200 (CEST)"
    )
    if submission is not None:
        first = (
            f"Received: from submission (mailbox.example [192.0.2.169])\r\n\tby "
            f"mout01.mailbox.example (Postfix) with {submission} id 49hJtt1; "
            "Tue,  9 Jun 2020 20:44:21 +0200 (CEST)"
        )
    return _msg(
        "Return-Path: <>",
        "Delivered-To: ann@mailbox.example",
        f"Received: from proxy02.mailbox-int.example ([127.0.0.1])\r\n\tby {top} (Dovecot) "
        "with LMTP id zvCFJRzX317LGQIA+3EWog\r\n\tfor <ann@mailbox.example>; Tue, 09 Jun 2020 "
        "20:44:24 +0200",
        "Received: from proxy02.mailbox.example ([127.0.0.1])\r\n\tby "
        "proxy02.mailbox-int.example (Dovecot) with LMTP id mhNkNAnR316xBQMAGFAyLg\r\n\t; Tue, "
        "09 Jun 2020 20:44:23 +0200",
        "Received: from mailin06.mailbox.example (unknown [10.0.1.6])\r\n\tby "
        "proxy02.mailbox.example (Postfix) with ESMTPS id 49hJtv3RRcz11m7\r\n\tfor "
        "<ann@mailbox.example>; Tue,  9 Jun 2020 20:44:23 +0200 (CEST)",
        "Received: from mx04.mailbox.example (mailin06.mailbox.example [127.0.0.1])\r\n\tby "
        "mailin06.mailbox.example (Postfix) with ESMTPS id 6935920DD2\r\n\tfor "
        "<ann@mailbox.example>; Tue,  9 Jun 2020 20:44:23 +0200 (CEST)",
        "X-Virus-Scanned: amavisd-new at mailbox.example",
        "X-Spam-Flag: NO",
        "X-Spam-Score: -1",
        "X-Spam-Status: No, score=-1 tagged_above=-1000 required=8\r\n\t"
        "tests=[ALL_TRUSTED=-1] autolearn=disabled",
        "Received: from mout01.mailbox.example (mout01.mailbox.example [198.51.100.65])\r\n\tby "
        "mx04.mailbox.example (Postfix) with ESMTPS id 49hJtv001Vz10kT\r\n\tfor "
        "<ann@mailbox.example>; Tue,  9 Jun 2020 20:44:22 +0200 (CEST)",
        "Authentication-Results: mx04.mailbox.example; dmarc=none (p=none dis=none) "
        "header.from=mout01.mailbox.example",
        first,
        "Date: Tue,  9 Jun 2020 20:44:22 +0200 (CEST)",
        "From: MAILER-DAEMON@mout01.mailbox.example (Mail Delivery System)",
        "Subject: Undelivered Mail Returned to Sender",
        "To: ann@mailbox.example",
        "Message-Id: <20200609184422.DCB6B1200DD@mout01.mailbox.example>",
    )


def test_a_self_bounce_enters_at_the_providers_mx_not_at_its_loopback_reinjection() -> None:
    """The receiver's lines name three domains (mbx.local, mailbox-int.example, mailbox.example):
    the loopback re-injection is internal, and the entry is the MX taking the bounce from the
    provider's own outbound server; its AR and amavis verdicts are the receiver's."""
    a = analyze(_posteo_bounce())
    b = a.chain.boundary
    assert b is not None and b.receiver == "mx04.mailbox.example" and b.ip == "198.51.100.65"
    assert "own outbound server" in b.reason
    for name in ("authentication-results", "x-spam-status", "x-virus-scanned"):
        assert _author(a, name) is Author.FINAL_RECEIVER, name
    assert _stamped(a).get("dmarc") == "none"
    assert not [f for f in a.defects if "loopback" in f.message and "SPF" in f.message]


def test_a_message_between_two_users_of_one_provider_enters_at_its_mx() -> None:
    """Same shape with an authenticated submission below the outbound server's line: the
    entry is still the MX (not the user's own address at submission)."""
    for proto in ("ESMTPSA", "ESMTPA"):
        a = analyze(_posteo_bounce(submission=proto, top="dovecot03.mailbox.example"))
        b = a.chain.boundary
        assert b is not None and b.receiver == "mx04.mailbox.example", proto
        assert b.ip == "198.51.100.65"


def test_a_server_hand_over_below_the_outbound_host_keeps_the_walk_going() -> None:
    """Red team / regression: below the organisation's confirmed host, a line naming a client
    that host received over plain SMTP is a server's hand-over (the organisation's own
    relay tier): the walk goes on to it, as before."""
    raw = _posteo_bounce(submission="ESMTP", top="dovecot03.mailbox.example")
    a = analyze(
        raw.replace(b"(mailbox.example [192.0.2.169])", b"(relay.isp.example [192.0.2.169])")
    )
    b = a.chain.boundary
    assert b is not None and b.receiver == "mout01.mailbox.example" and b.ip == "192.0.2.169"


def test_a_private_client_over_a_line_by_an_unseen_organisation_still_ends_the_walk() -> None:
    """Red team: the organisations the receiver's own lines name are the only ones that carry a
    loopback line's trace on; a line below by any other organisation is the sender's text."""
    raw = (
        _posteo_bounce()
        .replace(b"by \r\n\tmx04.mailbox.example", b"by \r\n\tmx04.mailbox.example")
        .replace(b"mx04.mailbox.example (Postfix)", b"mx.attacker.example (Postfix)")
    )
    a = analyze(raw)
    b = a.chain.boundary
    assert b is not None and b.receiver == "mailin06.mailbox.example"
    assert _author(a, "authentication-results") is not Author.FINAL_RECEIVER


def test_gmail_to_gmail_and_gmx_to_gmx_enter_at_the_providers_mx() -> None:
    """The same shape at providers whose lines already decide it: Gmail's MX taking a Gmail
    user's message from Gmail's outbound host, GMX's MX taking it from GMX's mout."""
    gmail = _msg(
        "Received: by 2002:a05:6a10:1234:b0:500:1111:2222 with SMTP id x1csp100pxb;\r\n "
        "Mon, 3 Feb 2025 10:00:02 -0800 (PST)",
        "ARC-Seal: i=1; a=rsa-sha256; t=1738605602; cv=none; d=google.com; s=arc-20240605; b=AA",
        "Authentication-Results: mx.google.com;\r\n       dkim=pass header.i=@gmail.com "
        "header.s=20230601;\r\n       spf=pass (google.com: domain of bob@gmail.com designates "
        "192.0.2.41 as permitted sender) smtp.mailfrom=bob@gmail.com;\r\n       dmarc=pass "
        "(p=NONE sp=QUARANTINE dis=NONE) header.from=gmail.com",
        "Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [192.0.2.41])\r\n"
        "        by mx.google.com with SMTPS id a1sor100.2025.02.03.10.00.01\r\n        for "
        "<ann@gmail.com>; Mon, 03 Feb 2025 10:00:02 -0800 (PST)",
        "Received: by 2002:a05:6000:1:b0:300:1:2 with SMTP id x2mr1; Mon, 03 Feb 2025 10:00:01 -0800",
        "From: Bob <bob@gmail.com>",
        "To: ann@gmail.com",
        "Subject: hi",
        "Date: Mon, 3 Feb 2025 19:00:00 +0100",
        "Message-ID: <CAB1@mail.gmail.com>",
    )
    a = analyze(gmail)
    b = a.chain.boundary
    assert b is not None and b.receiver == "mx.google.com" and b.ip == "192.0.2.41"
    assert _author(a, "authentication-results") is Author.FINAL_RECEIVER
    gmx = _msg(
        "Authentication-Results: gmx.net; dkim=pass header.i=@gmx.net",
        "Received: from mout.gmx.net ([198.51.100.21]) by mx-ha.gmx.net (mxgmx104 "
        "[198.51.100.5]) with ESMTPS (Nemesis) id 1MeCZ5 for <ann@gmx.net>; Thu, 30 Jun 2022 "
        "12:47:23 +0200",
        "Received: from [192.0.2.7] ([192.0.2.7]) by web-mail.gmx.net (3c-app-gmx-bs01 "
        "[172.19.170.51]) (via HTTP); Thu, 30 Jun 2022 12:47:22 +0200",
        "From: Bob <bob@gmx.net>",
        "To: ann@gmx.net",
        "Subject: hi",
        "Date: Thu, 30 Jun 2022 12:47:22 +0200",
        "Message-ID: <trinity-1@3c-app-gmx-bs01>",
    )
    b2 = analyze(gmx).chain.boundary
    assert b2 is not None and b2.receiver == "mx-ha.gmx.net" and b2.ip == "198.51.100.21"


def test_a_list_expansion_line_inside_one_organisation_is_not_an_origination() -> None:
    """The organisation's list server re-sends what it received ("by lists.example.org via
    listexpand", no client, older lines below): its archive's MX taking the post from the list
    server is not the entry; the walk goes on to where the list took the post in."""
    raw = _msg(
        "Received: from mail.example.org (mail.example.org [198.51.100.99])\r\n\tby "
        "archive.example.org (Postfix) with ESMTP id 7ADB3C1; Fri,  6 Mar 2020 22:44:28 +0000",
        "Received: from lists.example.org (lists.example.org [198.51.100.67])\r\n\tby "
        "mail.example.org (Postfix) with ESMTP id 4A47F20; Fri,  6 Mar 2020 22:44:28 +0000",
        "Authentication-Results: mail.example.org;\r\n\tdkim=pass (1024-bit key) "
        "header.d=pobox.example header.i=@pobox.example",
        "Received: (majordomo@lists.example.org) by lists.example.org via listexpand\r\n        "
        "id S1726240; Fri, 6 Mar 2020 17:44:27 -0500",
        'Received: from smtp1.pobox.example ([192.0.2.70]:51975 "EHLO smtp1.pobox.example")\r\n'
        "        by lists.example.org with ESMTP id S1726090; Fri, 6 Mar 2020 17:44:27 -0500",
        "From: Dev <dev@pobox.example>",
        "To: git@lists.example.org",
        "Subject: [PATCH] fix",
        "Date: Fri, 6 Mar 2020 17:44:20 -0500",
        "Message-ID: <p1@pobox.example>",
        "List-Id: <git.lists.example.org>",
    )
    b = analyze(raw).chain.boundary
    assert b is not None and b.ip == "192.0.2.70" and b.receiver == "lists.example.org"


# --- 3. A self-hosted receiver's milter stamp right under its own lines ------------------------


def _selfhosted(
    *,
    client: str = "mout.mailer.example (mout.mailer.example [198.51.100.22])",
    ar: str = "dkim=pass (1024-bit key; secure) header.d=mailer.example header.i=@mailer.example "
    'header.b="I/oyQzjt";\r\n\tdkim-atps=neutral',
    sig_d: str = "mailer.example",
    between: tuple[str, ...] = (),
) -> bytes:
    """P01 shape: the receiver's LMTP and SMTP lines (one host), its OpenDKIM stamp directly
    below, then the header the client sent, which begins with its organisation's signature."""
    return _msg(
        "Return-Path: <alice@mailer.example>",
        "Delivered-To: bob@hq.example.net",
        "Received: from hq.example.net\r\n\tby hq.example.net with LMTP\r\n\tid GJ4eNagpFWF5"
        "\r\n\t(envelope-from <alice@mailer.example>)\r\n\tfor <bob@hq.example.net>; Thu, 12 "
        "Aug 2021 16:01:12 +0200",
        f"Received: from {client}\r\n\tby hq.example.net (Postfix) with ESMTPS id 3033227A0003"
        "\r\n\tfor <bob@hq.example.net>; Thu, 12 Aug 2021 16:01:12 +0200 (CEST)",
        f"Authentication-Results: hq.example.net;\r\n\t{ar}",
        *between,
        f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d={sig_d};\r\n\ts=s1; "
        "t=1628776871;\r\n\tbh=AA;\r\n\th=From:To:Subject:Date;\r\n\tb=I/oyQzjt",
        "Received: from [192.0.2.73] ([192.0.2.73]) by web-mail.mailer.example\r\n (app-7 "
        "[172.19.172.127]) (via HTTP); Thu, 12 Aug 2021 16:01:11 +0200",
        "From: Alice <alice@mailer.example>",
        "To: bob@hq.example.net",
        "Subject: Fw: subject",
        "Date: Thu, 12 Aug 2021 16:01:11 +0200",
        "Message-ID: <trinity-1@app-7>",
    )


def test_a_self_hosted_receivers_stamp_above_the_clients_own_signature_is_its_own() -> None:
    """P01: the receiver (boundary hq.example.net <- mout.mailer.example, rDNS confirmed by
    Postfix) stamped dkim=pass for the client's own domain, right above that domain's signature:
    the final receiver's verdict, not "possibly forged"."""
    a, d = _offline(_selfhosted())
    b = a.chain.boundary
    assert b is not None and b.receiver == "hq.example.net" and b.ip == "198.51.100.22"
    assert _author(a, "authentication-results") is Author.FINAL_RECEIVER
    assert _stamped(a).get("dkim") == "pass"
    assert "wrote no authentication verdict" not in d.headline


def test_a_planted_pass_for_another_domain_stays_untied() -> None:
    """Red team: an attacker's own host (confirmed rDNS, its own signature) plants a pass for a
    domain it does not own, or a DMARC pass for a spoofed From: both stay "possibly forged"."""
    spoof = _selfhosted(
        client="mail.attacker.example (mail.attacker.example [203.0.113.66])",
        ar="dkim=pass header.d=bank.example header.i=@bank.example;\r\n\tdmarc=pass "
        "header.from=bank.example",
        sig_d="attacker.example",
    )
    a = analyze(spoof)
    assert _author(a, "authentication-results") is not Author.FINAL_RECEIVER
    assert _stamped(a).get("dkim") != "pass" and _stamped(a).get("dmarc") != "pass"
    mixed = _selfhosted(
        client="mail.attacker.example (mail.attacker.example [203.0.113.66])",
        ar="dkim=pass header.d=attacker.example;\r\n\tdmarc=pass header.from=bank.example",
        sig_d="attacker.example",
    )
    assert _author(analyze(mixed), "authentication-results") is not Author.FINAL_RECEIVER


def test_a_pass_without_the_clients_own_signature_right_below_stays_untied() -> None:
    """Red team: the signature of another domain, a field between the stamp and the signature
    (where a user's submitted header would sit), or a client whose reverse DNS the receiver did
    not confirm: nothing ties the pass to the receiver."""
    other_sig = _selfhosted(sig_d="bank.example")
    assert _author(analyze(other_sig), "authentication-results") is not Author.FINAL_RECEIVER
    gap = _selfhosted(between=("X-Mailer: planted 1.0",))
    assert _author(analyze(gap), "authentication-results") is not Author.FINAL_RECEIVER
    unconfirmed = _selfhosted(client="mout.mailer.example (unknown [198.51.100.22])")
    assert _author(analyze(unconfirmed), "authentication-results") is not Author.FINAL_RECEIVER


def test_yahoos_dmarc_success_is_a_pass_not_a_dmarc_failure() -> None:
    """Once Yahoo's block is credited, its ``dmarc=success(p=REJECT)`` (DKIM passed aligned for
    the From domain) is its DMARC pass: no "neither SPF nor DKIM passed aligned" error."""
    from headerlens.diagnosis.findings_build import stamped_findings

    a = analyze(_yahoo())
    assert not [f for f in stamped_findings(a) if "dmarc" in f.code.value]
    bounce = analyze(
        _yahoo_bounce().replace(b"dkim=pass header.i=@yahoo.com", b"dkim=none header.i=@yahoo.com")
    )
    n = diagnose(bounce).get("ndr")
    assert n is not None and not n.fact("untied")


def test_outlook_to_outlook_enters_at_exchange_onlines_inbound() -> None:
    """Outlook.com to Outlook.com: the entry is EOP's inbound server taking the message from
    Microsoft's own outbound host, not a mailbox server of the sending side below it."""
    raw = _msg(
        "Received: from AM9PR01MB0001.eurprd01.prod.outlook.com (2603:10a6:20b:1::1) by "
        "AM9PR01MB0002.eurprd01.prod.outlook.com with HTTPS; Mon, 2 Jun 2025 10:00:05 +0000",
        "Received: from AM4PEPF00025F96.EURPRD01.PROD.OUTLOOK.COM (2603:10a6:20b:2::2) by "
        "AM9PR01MB0001.eurprd01.prod.outlook.com (2603:10a6:20b:1::1) with Microsoft SMTP Server "
        "(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.1.1; Mon, 2 Jun "
        "2025 10:00:04 +0000",
        "Authentication-Results: spf=pass (sender IP is 198.51.100.40) smtp.mailfrom=outlook.com; "
        "dkim=pass (signature was verified) header.d=outlook.com;dmarc=pass action=none "
        "header.from=outlook.com;compauth=pass reason=100",
        "Received-SPF: Pass (protection.outlook.com: domain of outlook.com designates "
        "198.51.100.40 as permitted sender) receiver=protection.outlook.com; "
        "client-ip=198.51.100.40; helo=EUR05-AM6-obe.outbound.protection.outlook.com; pr=C",
        "Received: from EUR05-AM6-obe.outbound.protection.outlook.com "
        "(mail-am6eur05on2040.outbound.protection.outlook.com [198.51.100.40]) by "
        "AM4PEPF00025F96.mail.protection.outlook.com (10.167.16.5) with Microsoft SMTP Server "
        "(version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.1.2 via Frontend Transport; "
        "Mon, 2 Jun 2025 10:00:03 +0000",
        "Received: from DB9PR01MB0003.eurprd01.prod.outlook.com (2603:10a6:10:3::3) by "
        "DB9PR01MB0004.eurprd01.prod.outlook.com with Microsoft SMTP Server id 15.20.1.3; Mon, 2 "
        "Jun 2025 10:00:02 +0000",
        "From: Bob <bob@outlook.com>",
        "To: ann@outlook.com",
        "Subject: hi",
        "Date: Mon, 2 Jun 2025 10:00:01 +0000",
        "Message-ID: <DB9PR01MB0003@eurprd01.prod.outlook.com>",
    )
    a = analyze(raw)
    b = a.chain.boundary
    assert b is not None and b.ip == "198.51.100.40"
    assert b.receiver == "AM4PEPF00025F96.mail.protection.outlook.com"
    assert _author(a, "authentication-results") is Author.FINAL_RECEIVER
