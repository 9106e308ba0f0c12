"""Masked and placeholder addresses in pasted headers: "10.192.xx.xx", "[IP removed]", 0.0.0.0."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.wording import title
from headerlens.evaluators.verify import spf_identity
from headerlens.model import Analysis
from headerlens.model.codes import Code
from headerlens.model.provenance import Author
from headerlens.parsers.received import parse_received
from tests.test_diagnosis import _msg


def _authors(a: Analysis, name: str) -> list[Author]:
    return [a.provenance.fields[f.index].author for f in a.headers if f.lname == name.lower()]


def _private_warnings(a: Analysis) -> list[int]:
    return [
        h.number
        for h in a.chain.hops
        for d in h.defects
        if d.code is Code.RECEIVED_PRIVATE_IP_EXTERNAL
    ]


# On-prem Exchange behind the organisation's own Barracuda, every internal address masked by
# whoever pasted it ("10.192.xx.xx"); the Barracuda took the message from a lab host inside.
_GATEWAY_LAB = _msg(
    "Received: from EX02.corp.school.example (10.20.xx.xx) by EX01.corp.school.example "
    "(10.20.xx.xx) with Microsoft SMTP Server (version=TLS1_2, "
    "cipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) id 15.1.2375.24 via Mailbox Transport; "
    "Thu, 7 Apr 2022 11:43:12 +0200",
    "Received: from EX01.corp.school.example (10.20.30.40) by EX02.corp.school.example "
    "(10.20.xx.xx) with Microsoft SMTP Server (version=TLS1_2, "
    "cipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) id 15.1.2375.24; Thu, 7 Apr 2022 11:43:12 +0200",
    "Received: from gw.school.example (10.20.xx.xx) by EX01.corp.school.example (10.20.30.40) "
    "with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) "
    "id 15.1.2375.24 via Frontend Transport; Thu, 7 Apr 2022 11:43:12 +0200",
    "X-ASG-Debug-ID: 1649324506-1114bd34038d52c0001-AbCdEf",
    "Received: from lab.host.example ([10.20.xx.xx]) by gw.school.example with ESMTP id "
    "0qkMBUt4dGjISrYg for <student@school.example>; Thu, 07 Apr 2022 11:41:46 +0200 (CEST)",
    "X-Barracuda-Envelope-From: someone@freemail.example",
    "Received: from [127.0.1.1] (unknown [172.18.0.1]) by lab.host.example (Postfix) with "
    "ESMTPA id 5132B40405F for <student@school.example>; Thu,  7 Apr 2022 11:41:46 +0200 (CEST)",
    "From: Someone <someone@freemail.example>",
    "To: <student@school.example>",
    "X-Barracuda-Connect: UNKNOWN[10.20.xx.xx]",
    "X-Barracuda-Start-Time: 1649324506",
    "X-Barracuda-URL: https://quarantine.school.example:443/cgi-mod/mark.cgi",
    "Subject: test",
    "X-Barracuda-Spam-Score: 4.10",
    "X-Barracuda-Spam-Status: Yes, SCORE=4.10 using global scores of TAG_LEVEL=1000.0 "
    "QUARANTINE_LEVEL=4.0 KILL_LEVEL=5.0 tests=MISSING_MID",
    "Date: Thu, 7 Apr 2022 11:43:12 +0200",
)


def test_masked_private_prefix_reads_as_private() -> None:
    """ "10.20.xx.xx" is private whatever the hidden octets were: the internal Exchange hops
    stay internal (no boundary on them), and the paste is named with its evidence."""
    a = analyze(_GATEWAY_LAB)
    hops = a.chain.hops
    assert [h.received.from_ip_masked for h in hops] == [
        None,
        "10.20.xx.xx",
        "10.20.xx.xx",
        None,
        "10.20.xx.xx",
    ]
    assert all(h.received.from_ip is None for h in hops if h.received.from_ip_masked)
    # no internal Exchange hop is made the entry
    assert a.chain.boundary is None or a.chain.boundary.hop_number <= 2
    # the gateway hop is where the message seems to enter, from a masked private address
    assert _private_warnings(a) == [2]
    d = diagnose(a)
    paste = d.get("paste-damage")
    assert paste is not None
    assert any("hop 2 (10.20.xx.xx)" in e for e in paste.evidence)
    assert "masked" in title(paste)


def test_masked_client_still_ties_the_receivers_barracuda() -> None:
    """The organisation's own Barracuda names its client masked the same way: with its start
    time and debug id it is still the receiver's verdict, not "the sending side (or forged)"."""
    a = analyze(_GATEWAY_LAB)
    assert _authors(a, "X-Barracuda-Spam-Status") == [Author.FINAL_RECEIVER]
    d = diagnose(a)
    assert d.get("sender-side-scan") is None


# Posteo-style receiver; the fixture's author put 0.0.0.0 where the client address was.
_PLACEHOLDER = _msg(
    "Received: from mailin05.example.net (unknown [10.0.1.5]) by proxy02.example.net (Postfix) "
    "with ESMTPS id 4JCKFJ1LCLz1214 for <anon@example.net>; Mon, 13 Dec 2021 12:35:32 +0100 (CET)",
    "Received: from mx03.example.net (mailin05.example.net [127.0.0.1]) by mailin05.example.net "
    "(Postfix) with ESMTPS id 1B26420012 for <anon@example.net>; Mon, 13 Dec 2021 12:35:32 +0100",
    "Authentication-Results: example.net; dmarc=none (p=none dis=none) header.from=example.org",
    "Received: from mail.example.org (mail.example.org [0.0.0.0]) by mx03.example.net "
    "(Postfix) with ESMTPS id 4JCKFH2ZM7zyx0 for <alice@example.org>; "
    "Mon, 13 Dec 2021 12:35:31 +0100 (CET)",
    "Received: from [192.168.1.11] (port=27040 helo=mail.example.org) by mail.example.org with "
    "esmtps (TLS1.2) tls TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 (Exim 4.94.2) "
    "(envelope-from <bob@example.org>) id 1mwjc6-0003hM-2K for alice@example.org; "
    "Mon, 13 Dec 2021 12:35:26 +0100",
    "From: Bob <bob@example.org>",
    "To: Alice <alice@example.org>",
    "Subject: Read: test",
    "Date: Mon, 13 Dec 2021 12:35:26 +0100",
    "Message-ID: <p1@mail.example.org>",
)


def test_placeholder_address_is_unknown_not_internal() -> None:
    """0.0.0.0 where the receiver writes its client is a placeholder: the boundary is the MX
    hop with an unknown client, no SPF replay, and no private-IP warning on the sender's own
    first hop."""
    a = analyze(_PLACEHOLDER)
    b = a.chain.boundary
    assert b is not None and b.hop_number == 2 and b.receiver == "mx03.example.net"
    assert b.ip is None and "masked in the paste (0.0.0.0)" in b.reason
    assert _private_warnings(a) == []
    ip, _, _, note = spf_identity(a)
    assert ip is None and note is not None and "masked in the paste (0.0.0.0)" in note
    paste = diagnose(a).get("paste-damage")
    assert paste is not None and any("hop 2 (0.0.0.0)" in e for e in paste.evidence)


def _boundary_masked(client: str) -> bytes:
    return _msg(
        "Authentication-Results: mx.receiver.example; spf=pass smtp.mailfrom=bank.example",
        "Received: from out.bank.example (out.bank.example " + client + ") by mx.receiver.example "
        "(Postfix) with ESMTPS id 4AB12 for <u@receiver.example>; Sat, 07 Jun 2025 21:02:45 +0000",
        "From: <info@bank.example>",
        "To: u@receiver.example",
        "Subject: s",
        "Date: Sat, 07 Jun 2025 21:02:40 +0000",
    )


def test_fully_masked_boundary_client_is_never_replayed() -> None:
    """ "[IP removed]", "[xxx.xxx.xxx.xxx]", "[REDACTED]", an IPv6 with hidden groups and the
    1.2.3.4 placeholder: the boundary stays on the receiver's hop, its client unknown."""
    for client, shown in (
        ("[IP removed]", "IP removed"),
        ("[xxx.xxx.xxx.xxx]", "xxx.xxx.xxx.xxx"),
        ("[REDACTED]", "REDACTED"),
        ("[IPv6:2001:db8:xxxx:xxxx::25]", "2001:db8:xxxx:xxxx::25"),
        ("[1.2.3.4]", "1.2.3.4"),
        ("[a.b.c.d]", "a.b.c.d"),
        ("[111.222.333.444]", "111.222.333.444"),
        ("[REDACTED IP]", "REDACTED IP"),
        ("[#.#.#.#]", "#.#.#.#"),
    ):
        a = analyze(_boundary_masked(client))
        b = a.chain.boundary
        assert b is not None and b.hop_number == 1, client
        assert b.ip is None and a.chain.hops[0].received.from_ip_masked == shown, client
        assert spf_identity(a)[0] is None, client


def test_masked_forms_in_each_dialect() -> None:
    """Where each MTA writes the client: Exchange's "(ip)", Postfix's "[ip]", qmail's "(ip)",
    Exim's "[ip]" first word with helo=; a masked public prefix is masked but not private."""
    for line, masked in (
        (
            "from EX1.corp.example (192.168.x.x) by EX2.corp.example (192.168.1.2) with "
            "Microsoft SMTP Server id 15.1.2375.24; Thu, 7 Apr 2022 11:43:12 +0200",
            "192.168.x.x",
        ),
        (
            "from h.example.com (h.example.com [172.16.*.*]) by mx.example.net (Postfix) with "
            "ESMTP id 1; Thu, 7 Apr 2022 11:43:12 +0200",
            "172.16.*.*",
        ),
        (
            "from unknown (HELO h.example.com) (100.64.xx.xx) by mx.example.net with SMTP; "
            "Thu, 7 Apr 2022 11:43:12 +0200",
            "100.64.xx.xx",
        ),
        (
            "from [10.0.xx.xx] (port=1 helo=h.example.com) by mx.example.net with esmtps "
            "(Exim 4.96) id 1mwjc6-0003hM-2K; Thu, 7 Apr 2022 11:43:12 +0200",
            "10.0.xx.xx",
        ),
        (
            "from h.example.com (220.130.xx.xx) by mx.example.net with Microsoft SMTP Server "
            "id 15.20.5144.20; Thu, 7 Apr 2022 11:43:12 +0200",
            "220.130.xx.xx",
        ),
        (
            "from [<redacted>] (helo=h.example.com) by mx.example.net with esmtp (Exim 4.92) "
            "id 1abcde-000123-AB; Thu, 7 Apr 2022 11:43:12 +0200",
            "redacted",
        ),
        (
            "from ([xxx.xxx.xxx.xxx]) by mx.example.net with ESMTP; Thu, 7 Apr 2022 11:43:12 +0200",
            "xxx.xxx.xxx.xxx",
        ),
    ):
        r = parse_received(line)
        assert r.from_ip is None and r.from_ip_masked == masked, line
        assert r.from_rdns is None or masked not in r.from_rdns, line
        assert r.from_helo != f"[{masked}]", line
        # a masked client is a named client: no "names no host and no address" defect
        assert all(d.code is not Code.RECEIVED_EMPTY_HELO for d in r.defects), line


# --- attacks: a masked address where the sender writes -------------------------------------


def test_masked_helo_is_not_the_client() -> None:
    """The HELO is the client's claim: a masked-looking HELO (Exim helo=, qmail HELO, Postfix's
    literal first word) never replaces the address the receiver wrote."""
    for line in (
        "from [203.0.113.9] (port=1 helo=10.0.xx.xx) by mx.example.net with esmtps (Exim 4.96) "
        "id 1mwjc6-0003hM-2K; Thu, 7 Apr 2022 11:43:12 +0200",
        "from evil (HELO 10.1.xx.xx) (203.0.113.9) by mx.example.net with SMTP; "
        "Thu, 7 Apr 2022 11:43:12 +0200",
        "from [10.1.xx.xx] (unknown [203.0.113.9]) by mx.example.net (Postfix) with ESMTP id 1; "
        "Thu, 7 Apr 2022 11:43:12 +0200",
    ):
        r = parse_received(line)
        assert r.from_ip == "203.0.113.9" and r.from_ip_masked is None, line


def _spoof(helo: str, forged: str | None) -> bytes:
    lines = [
        "Authentication-Results: mx.receiver.example; spf=fail smtp.mailfrom=bank.example",
        "Received: from " + helo + " (unknown [198.51.100.66]) by mx.receiver.example (Postfix) "
        "with ESMTP id 4AB12 for <u@receiver.example>; Sat, 07 Jun 2025 21:02:45 +0000",
    ]
    if forged:
        lines.append(
            "Received: from out.bank.example (out.bank.example " + forged + ") by "
            "mx.receiver.example (Postfix) with ESMTP id 99; Sat, 07 Jun 2025 21:02:41 +0000"
        )
    lines += [
        "Received-SPF: pass (mx.receiver.example: domain of bank.example designates 10.9.0.1 "
        "as permitted sender) client-ip=10.9.0.1;",
        "From: <info@bank.example>",
        "To: u@receiver.example",
        "Subject: s",
        "Date: Sat, 07 Jun 2025 21:02:40 +0000",
    ]
    return _msg(*lines)


def test_masked_address_below_the_boundary_moves_nothing() -> None:
    """A spoofer's forged Received below the real entry with a masked private client, or a
    masked HELO: the boundary stays on the receiver's hop with the real client, whose SPF fail
    stands."""
    for helo, forged in (
        ("[10.9.xx.xx]", None),
        ("mail.bank.example", "[10.9.xx.xx]"),
        ("mail.bank.example", "[IP removed]"),
        ("mail.bank.example", "[0.0.0.0]"),
    ):
        a = analyze(_spoof(helo, forged))
        b = a.chain.boundary
        assert b is not None and b.ip == "198.51.100.66", (helo, forged)
        assert b.unconfirmed is None
        assert spf_identity(a)[0] == "198.51.100.66"
        d = diagnose(a)
        assert d.get("spoof") is not None and d.get("control") is None, (helo, forged)
        # the masked text is the sender's own: it does not make the header a damaged paste
        assert d.get("paste-damage") is None, (helo, forged)


def test_masked_private_entry_with_a_forged_line_below_stays_unconfirmed() -> None:
    """The receiver's entry line names a masked private client (a NAT in front, masked in the
    paste) and a line below claims the receiver took the message from an address the spoofed
    domain authorises: as with a written-out private address, the boundary that lands on that
    line is marked unconfirmed, so SPF replayed there never authenticates."""
    msg = _msg(
        "Received: from gw.receiver.example (gw.receiver.example [10.9.xx.xx]) by "
        "mx.receiver.example (Postfix) with ESMTP id 4AB12; Sat, 07 Jun 2025 21:02:45 +0000",
        "Received: from out.bank.example (out.bank.example [192.0.2.25]) by mx.receiver.example "
        "(Postfix) with ESMTP id 99; Sat, 07 Jun 2025 21:02:41 +0000",
        "From: <info@bank.example>",
        "To: u@receiver.example",
        "Subject: s",
        "Date: Sat, 07 Jun 2025 21:02:40 +0000",
    )
    a = analyze(msg)
    b = a.chain.boundary
    assert b is not None and b.hop_number == 1 and b.ip == "192.0.2.25"
    assert b.unconfirmed is not None and "10.9.xx.xx" in b.unconfirmed


def test_receivers_barracuda_quarantine_level_is_its_quarantine() -> None:
    """Score 4.10 with QUARANTINE_LEVEL=4.0 and KILL_LEVEL=5.0 on the organisation's own
    Barracuda: it quarantined the message (the junk label, with the gateway named)."""
    d = diagnose(analyze(_GATEWAY_LAB))
    junk = d.get("junk")
    assert junk is not None and "quarantined" in title(junk)
    assert "gw.school.example" in title(junk)
    assert any("QUARANTINE_LEVEL=4.0" in e for e in junk.evidence)


def test_barracuda_status_the_sender_wrote_decides_nothing() -> None:
    """Without the gateway's debug id above its own line the Barracuda run is text that came
    with the message (a sender plants "Yes ... QUARANTINE" or "No" as easily): no outcome."""
    planted = _GATEWAY_LAB.replace(
        b"X-ASG-Debug-ID: 1649324506-1114bd34038d52c0001-AbCdEf\r\n", b""
    )
    a = analyze(planted)
    assert _authors(a, "X-Barracuda-Spam-Status") != [Author.FINAL_RECEIVER]
    assert diagnose(a).get("junk") is None
    no = planted.replace(b"Yes, SCORE=4.10", b"No, SCORE=0.10")
    assert diagnose(analyze(no)).get("junk") is None


def _internal_exchange(bottom: str, top_ip: str = "10.20.xx.xx") -> bytes:
    return _msg(
        "Received: from EX02.corp.school.example (" + top_ip + ") by EX03.corp.school.example "
        "(10.20.xx.xx) with Microsoft SMTP Server (version=TLS1_2, "
        "cipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) id 15.1.2375.24 via Mailbox Transport; "
        "Tue, 5 Apr 2022 08:34:07 +0200",
        "Received: from EX02.corp.school.example (10.20.xx.xx) by EX02.corp.school.example "
        "(10.20.xx.xx) with Microsoft SMTP Server (version=TLS1_2, "
        "cipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) id 15.1.2375.24; Tue, 5 Apr 2022 08:33:52 +0200",
        "Received: from EX02.corp.school.example ([fe80::2163:2643:32bf:42e4]) by "
        "EX02.corp.school.example ([fe80::2163:2643:32bf:42e4%5]) with " + bottom + " id "
        "15.01.2375.024; Tue, 5 Apr 2022 08:33:52 +0200",
        "From: Student Union <union@school.example>",
        "To: Students <students@school.example>",
        "Subject: quiz night",
        "Date: Tue, 5 Apr 2022 08:33:52 +0200",
        "Message-ID: <cb16df2b64444f4487dec5877635adbd@school.example>",
        "X-MS-Has-Attach: yes",
        "X-MS-Exchange-Organization-SCL: -1",
        "MIME-Version: 1.0",
        "X-MS-Exchange-Organization-AuthSource: EX02.corp.school.example",
        "X-MS-Exchange-Organization-AuthAs: Internal",
        "X-Originating-IP: [10.20.xx.xx]",
        "X-Auto-Response-Suppress: DR, OOF, AutoReply",
        "X-MS-Exchange-Transport-EndToEndLatency: 00:00:15.2505126",
    )


def test_internal_exchange_message_keeps_its_own_scl() -> None:
    """A message written inside an Exchange Server organisation (MAPI submission, masked
    internal addresses, no entry from outside): its X-MS-Exchange-Organization-SCL is the
    organisation's own (Exchange's header firewall strips such fields from anything entering
    from outside), not "the sending side (or forged)"."""
    a = analyze(_internal_exchange("mapi"))
    assert a.chain.boundary is None
    assert _authors(a, "X-MS-Exchange-Organization-SCL") == [Author.FINAL_RECEIVER]
    writer = next(
        a.provenance.fields[f.index].writer
        for f in a.headers
        if f.lname == "x-ms-exchange-organization-scl"
    )
    assert writer == "Exchange Server"
    d = diagnose(a)
    assert d.get("sender-side-scan") is None
    assert d.outcome.outcome.value == "inbox"


def test_organisation_scl_of_a_message_from_outside_stays_unknown() -> None:
    """The same header with an SMTP line at the bottom (the message came in over SMTP, not from
    a mailbox of the organisation) or an entry from a public client: the SCL mid-header is where
    the sender's own fields are, so it is not credited to the receiver."""
    for a in (
        analyze(_internal_exchange("SMTP")),
        analyze(_internal_exchange("mapi", top_ip="198.51.100.23")),
    ):
        assert _authors(a, "X-MS-Exchange-Organization-SCL") != [Author.FINAL_RECEIVER]


def test_masked_loopback_of_the_receivers_own_filter_loop_is_internal() -> None:
    """Every address masked, Postfix with amavisd-new: the re-injection "from localhost
    (localhost [XXX.XXX.XXX.XXX])" (the receiver confirmed the name localhost) and the filter's
    own "by localhost (amavisd-new, port 10024)" line are loopback hand-offs, so the boundary
    is the MX line and the filter's verdicts are the receiver's."""
    msg = _msg(
        "Received: from localhost (localhost [XXX.XXX.XXX.XXX]) by mx.receiver.example "
        "(Postfix) with ESMTP id D38FB815A; Fri, 10 Jan 2014 14:35:48 +0100 (CET)",
        "X-Virus-Scanned: amavisd-new at receiver.example",
        "X-Spam-Flag: NO",
        "X-Spam-Status: No, score=-0.797 tagged_above=-1000 required=5 tests=[DKIM_SIGNED=0.1] "
        "autolearn=ham",
        "Received: from mx.receiver.example ([XXX.XXX.XXX.XXX]) by localhost "
        "(mx.receiver.example [XXX.XXX.XXX.XXX]) (amavisd-new, port 10024) with ESMTP id "
        "uqTZxkT7pOpb; Fri, 10 Jan 2014 14:35:46 +0100 (CET)",
        "Received: from out.sender.example (out.sender.example [XXX.XXX.XXX.XXX]) by "
        "mx.receiver.example (Postfix) with ESMTPS id 4AB; Fri, 10 Jan 2014 14:35:46 +0100 (CET)",
        "From: <someone@sender.example>",
        "To: <u@receiver.example>",
        "Subject: s",
        "Date: Fri, 10 Jan 2014 14:35:38 +0100",
    )
    a = analyze(msg)
    b = a.chain.boundary
    assert b is not None and b.hop_number == 1 and b.ip is None
    assert _authors(a, "X-Spam-Status") == [Author.FINAL_RECEIVER]
    # a masked client named anything but localhost on an ordinary line stays unknown
    other = msg.replace(b"from localhost (localhost [", b"from relay (relay.other.example [")
    assert analyze(other).chain.boundary.hop_number == 3  # type: ignore[union-attr]
