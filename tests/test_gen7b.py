"""Mail received by non-Microsoft receivers, read as an expert would (issue 11, round 5):
synthetic messages of the shapes real Gmail, Yahoo, GMX, Proton and self-hosted receivers
write (documentation IPs, example domains)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.facts import Outcome
from headerlens.report.verdicts import bar_line
from headerlens.stamped import stamped

IP6 = "2001:db8:400d:c0d::246"


def _gmail_dsn(date: str) -> bytes:
    """A Gmail delivery-status notice delivered to a Gmail mailbox (Gmail's DSN generator hands
    it to mx.google.com like any client), with Gmail's block under its line and no ARC set."""
    return (
        "Delivered-To: user@example.com\r\n"
        f"Received: by 10.237.47.35 with SMTP id l32csp1603095qtd;\r\n        {date}\r\n"
        "Return-Path: <>\r\n"
        "Received: from mail-qt0-x246.google.com (mail-qt0-x246.google.com. "
        f"[{IP6}])\r\n        by mx.google.com with ESMTPS id f90si5478797qtb.109\r\n"
        "        for <user@example.com>\r\n"
        "        (version=TLS1_2 cipher=ECDHE-RSA-AES128-GCM-SHA256 bits=128/128);\r\n"
        f"        {date}\r\n"
        "Received-SPF: pass (google.com: best guess record for domain of "
        f"postmaster@mail-qt0-x246.google.com designates {IP6} as permitted sender) "
        f"client-ip={IP6};\r\n"
        "Authentication-Results: mx.google.com;\r\n"
        "       dkim=pass header.i=@googlemail.com;\r\n"
        "       spf=pass (google.com: best guess record for domain of "
        f"postmaster@mail-qt0-x246.google.com designates {IP6} as permitted sender) "
        "smtp.helo=mail-qt0-x246.google.com;\r\n"
        "       dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=googlemail.com\r\n"
        "Received: by mail-qt0-x246.google.com with SMTP id g27so12453034qte.12\r\n"
        f"        for <user@example.com>; {date}\r\n"
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\r\n"
        "To: user@example.com\r\nSubject: Delivery Status Notification (Delay)\r\n"
        f"Date: {date}\r\nMessage-ID: <590729a4.2910370a.e4ac1.6c9d.GMRIR@mx.google.com>\r\n"
        "\r\nDelivery incomplete.\r\n"
    ).encode()


def test_gmail_block_before_its_arc_sets_began_is_gmails() -> None:
    # Gmail sealed no ARC set before May 2017 (a real Gmail delivery of 1 May 2017 has none):
    # its own block under its line is all it wrote, the first of each kind is its verdict
    a = analyze(_gmail_dsn("Mon, 01 May 2017 05:27:16 -0700 (PDT)"))
    assert stamped(a, "dkim") == "pass"
    assert stamped(a, "spf") == "pass"
    assert stamped(a, "dmarc") == "pass"


def test_gmail_block_without_arc_once_gmail_sealed_every_delivery_is_unknown() -> None:
    # guard: after May 2017 Gmail seals every delivery; a pass under its line that no ARC set
    # of Gmail's backs (a paste trimmed of Gmail's stamps) may be the sender's
    a = analyze(_gmail_dsn("Mon, 15 May 2017 05:27:16 -0700 (PDT)"))
    assert stamped(a, "dmarc") != "pass"
    assert stamped(a, "spf") != "pass"


# iCloud Mail (shape of public iCloud mailbox copies, 2023-2026; names and addresses changed):
# its delivery gateway's line on top, X-Apple-* with the gateway's SMTP id as X-Apple-UUID, its
# MX (Postfix, *.me.com) line, the verdict block closed by Received-SPF, and its filter fields
# appended at the end.
ICLOUD_IP = "192.0.2.50"
UUID = "4f24e911-87c4-4315-8f0b-f8245274ec19"
D2 = "Tue,  2 Jan 2024 18:52:53 +0000 (UTC)"


def _icloud(
    *,
    folder: str = "INBOX",
    action: str = "MOVE_TO_FOLDER/INBOX",
    uuid: str = UUID,
    dmarc: str = "pass",
    closing_spf: bool = True,
    planted: str = "",
) -> bytes:
    spf = (
        f"Received-SPF: pass (spf.icloud.com: domain of sales@shop.example designates {ICLOUD_IP}"
        f" as permitted sender) receiver=spf.icloud.com; client-ip={ICLOUD_IP}; "
        "helo=mail.shop.example; envelope-from=sales@shop.example\r\n"
        if closing_spf
        else ""
    )
    return (
        "Return-path: <sales@shop.example>\r\n"
        "Original-recipient: rfc822;someone@me.com\r\n"
        "Received: from ci74p00im-qukt09072702.me.com by p116-mailgateway-smtp-746c496c44-6mknn"
        f" (mailgateway 2403B92)\r\n\twith SMTP id {UUID} \r\n\tfor <someone@me.com>; "
        "Tue, 2 Jan 2024 18:52:56 GMT\r\n"
        f"X-Apple-MoveToFolder: {folder} \r\nX-Apple-Action: {action}\r\nX-Apple-UUID: {uuid}\r\n"
        f"Received: from mail.shop.example (mail.shop.example [{ICLOUD_IP}])\r\n"
        "\tby ci74p00im-qukt09072702.me.com (Postfix) with ESMTPS id 11C766C0012C\r\n"
        f"\tfor <someone@me.com>; {D2}\r\n"
        "X-ICL-SCORE: 3.332033030043\r\nX-ICL-INFO: GAtbVUseBVFHSVVESAMGUkFKRFcUWUIPAApbVRYS\r\n"
        'Authentication-Results: bimi.icloud.com; bimi=skipped reason="insufficient dmarc"\r\n'
        "Authentication-Results: arc.icloud.com; arc=none\r\n"
        f"Authentication-Results: dmarc.icloud.com; dmarc={dmarc} header.from=shop.example\r\n"
        "X-DMARC-Info: pass=pass; dmarc-policy=none; s=r0; d=r0; pdomain=shop.example\r\n"
        "Authentication-Results: dkim-verifier.icloud.com;\r\n"
        "\tdkim=pass (2048-bit key) header.d=shop.example header.i=@shop.example\r\n"
        "Authentication-Results: spf.icloud.com; spf=pass (spf.icloud.com: domain of "
        f"sales@shop.example designates {ICLOUD_IP} as permitted sender) "
        "smtp.mailfrom=sales@shop.example\r\n"
        f"{spf}{planted}"
        "Received: from [198.51.100.7] by mail.shop.example with ESMTPSA; "
        "Tue, 2 Jan 2024 18:52:50 +0000\r\n"
        "Date: Tue, 02 Jan 2024 18:52:48 +0000\r\nFrom: Sales <sales@shop.example>\r\n"
        "To: someone@me.com\r\nMessage-Id: <a1@shop.example>\r\nSubject: Your order\r\n"
        "X-CLX-Shades: Deliver\r\nX-MANTSH: 1TFkXGxoaHxEKWUQXbRlNEk1uTHoYXh8RCllNF25PRkNcT1gRC\r\n"
        "X-Proofpoint-ORIG-GUID: 3xXfrfj_vD7pJQzWLVvSDQL3d_KtfuBU\r\n"
        "X-Proofpoint-GUID: 3xXfrfj_vD7pJQzWLVvSDQL3d_KtfuBU\r\n\r\nHello.\r\n"
    ).encode()


def test_icloud_boundary_is_its_mx_not_its_delivery_gateway() -> None:
    a = analyze(_icloud())
    assert a.chain.boundary is not None
    assert a.chain.boundary.hop_number == 2
    assert a.chain.boundary.ip == ICLOUD_IP


def test_icloud_verdict_block_is_icloud_s() -> None:
    a = analyze(_icloud(dmarc="fail"))
    assert stamped(a, "dkim") == "pass"
    assert stamped(a, "spf") == "pass"
    assert stamped(a, "dmarc") == "fail"
    spf = next(f for f in a.headers if f.lname == "received-spf")
    assert a.provenance.is_receivers(spf.index)
    for f in a.headers:
        if f.lname in ("authentication-results", "x-clx-shades", "x-proofpoint-guid"):
            assert a.provenance.is_receivers(f.index), f.name
    ar = [r for r in a.auth_results if r.authserv_id == "spf.icloud.com"]
    assert ar and ar[0].stamped_by_hop == 2


def test_icloud_folder_inbox_and_junk() -> None:
    assert diagnose(analyze(_icloud())).outcome.outcome is Outcome.INBOX
    d = diagnose(analyze(_icloud(folder="Junk", action="CLXJUNK/Junk")))
    assert d.outcome.outcome is Outcome.JUNK
    assert d.outcome.evidence[0] == "X-Apple-MoveToFolder: Junk"
    assert "iCloud Mail: Spam folder" in bar_line(analyze(_icloud(folder="Junk")), None)


def test_icloud_planted_pass_after_its_block_is_not_its() -> None:
    # red team: the sender's own first field repeats iCloud's DMARC verdict as a pass; iCloud
    # wrote dmarc=fail and closed its block with its Received-SPF: the pass came with the message
    planted = "Authentication-Results: dmarc.icloud.com; dmarc=pass header.from=shop.example\r\n"
    a = analyze(_icloud(dmarc="fail", planted=planted))
    assert stamped(a, "dmarc") == "fail"
    bad = [f for f in a.headers if f.lname == "authentication-results"][-1]
    assert "dmarc=pass" in bad.value
    assert not a.provenance.is_receivers(bad.index)


def test_icloud_block_without_the_gateway_tie_or_its_closing_spf_is_not_credited() -> None:
    # red team: without the gateway's UUID tie, or without the Received-SPF that closes
    # iCloud's block, a pass under the MX line cannot be told from the sender's
    for raw in (_icloud(uuid="00000000-0000-0000-0000-000000000000"), _icloud(closing_spf=False)):
        a = analyze(raw)
        assert stamped(a, "spf") != "pass"
        assert stamped(a, "dkim") != "pass"


def test_a_planted_icloud_gateway_below_another_receiver_counts_for_nothing() -> None:
    # red team: the whole iCloud top (gateway line, X-Apple-MoveToFolder: INBOX, MX line and
    # block) planted under a Postfix receiver of example.org: that receiver's line decides
    top = (
        b"Received: from mail.attacker.example (mail.attacker.example [203.0.113.9])\r\n"
        b"\tby mx.example.org (Postfix) with ESMTP id 4ABC123\r\n"
        b"\tfor <user@example.org>; Tue,  2 Jan 2024 18:53:10 +0000 (UTC)\r\n"
    )
    a = analyze(top + _icloud(folder="INBOX"))
    assert a.chain.boundary is not None and a.chain.boundary.ip == "203.0.113.9"
    assert stamped(a, "spf") is None
    assert diagnose(a).outcome.outcome is not Outcome.INBOX


def _yandex(spf: str) -> bytes:
    """Yandex's MX writes Return-Path, X-Yandex-Front/-TimeMark and then its stamps below its
    own Received line (public Yandex mailbox copies, 2018-2026; names and addresses changed)."""
    says = "designates" if spf == "pass" else "does not designate"
    return (
        "Received: from mxfront3q.mail.yandex.net (localhost [127.0.0.1])\r\n"
        "\tby mxfront3q.mail.yandex.net with LMTP id XHgJiklRSE-oiZJ5R89\r\n"
        "\tfor <someone@yandex.ru>; Tue, 12 May 2020 00:51:02 +0300\r\n"
        "Received: from mail.shop.example (mail.shop.example [192.0.2.77])\r\n"
        "\tby mxfront3q.mail.yandex.net (mxfront/Yandex) with ESMTPS id EGNfVZSP6P-p1uimQ6O;\r\n"
        "\tTue, 12 May 2020 00:51:01 +0300\r\n"
        "Return-Path: bounce@shop.example\r\n"
        "X-Yandex-Front: mxfront3q.mail.yandex.net\r\nX-Yandex-TimeMark: 1589233861.788\r\n"
        f"Authentication-Results: mxfront3q.mail.yandex.net; spf={spf} (mxfront3q.mail.yandex."
        f"net: domain of shop.example {says} 192.0.2.77 as permitted sender) "
        "smtp.mail=bounce@shop.example\r\n"
        "X-Yandex-Spam: 1\r\n"
        "Date: Mon, 11 May 2020 21:51:00 +0000\r\nFrom: Shop <news@shop.example>\r\n"
        "To: someone@yandex.ru\r\nMessage-ID: <y1@shop.example>\r\nSubject: News\r\n\r\nHi\r\n"
    ).encode()


def test_yandex_failure_under_its_own_line_is_its_verdict() -> None:
    # Yandex's Return-Path and X-Yandex-* before its stamp no longer cut its block off: its
    # spf=fail is the receiver's (a failure gains a sender nothing)
    a = analyze(_yandex("fail"))
    assert stamped(a, "spf") == "fail"


def test_yandex_pass_under_its_own_line_is_its_verdict() -> None:
    # genattr5: Yandex's front writes its Authentication-Results (authserv-id: the front itself)
    # before the X-Yandex-Spam that closes its block, on every message (parsers/provenance_yandex)
    a = analyze(_yandex("pass"))
    assert stamped(a, "spf") == "pass"


def test_yandex_pass_after_its_spam_verdict_stays_unknown() -> None:
    # guard: after the X-Yandex-Spam that closes Yandex's block, the sender's header begins
    raw = _yandex("pass").replace(b"X-Yandex-Spam: 1\r\n", b"")
    raw = raw.replace(b"Authentication-Results:", b"X-Yandex-Spam: 1\r\nAuthentication-Results:")
    assert stamped(analyze(raw), "spf") != "pass"


def _coremail(transid: str = "x8mowAAX4tcS6zReRf_REg--.49102S3", host: str = "mx19") -> bytes:
    """A Coremail MX (NetEase's shape): its fields appended after the message's own header,
    starting with X-CM-TRANSID = the SMTP id of its Received line."""
    return (
        "Received: from mail.shop.example (unknown [192.0.2.38])\r\n"
        "\tby mx19 (Coremail) with SMTP id x8mowAAX4tcS6zReRf_REg--.49102S3;\r\n"
        "\tSat, 01 Feb 2020 11:05:57 +0800 (CST)\r\n"
        "From: news@shop.example\r\nTo: someone@mail.example\r\nSubject: News\r\n"
        "Message-ID: <c1@shop.example>\r\nDate: Sat, 1 Feb 2020 03:05:53 +0000\r\n"
        f"X-CM-TRANSID:{transid}\r\n"
        f"Authentication-Results: {host}; spf=pass smtp.mail=bounce@shop.example; dkim=pass "
        "header.i=@shop.example\r\n"
        "X-Coremail-Antispam: 1Uf129KBjDUn29KB7ZKAUJUUUUU529EdanIXcx71UUUUU7v73\r\n\r\nHi\r\n"
    ).encode()


def test_coremail_appended_block_tied_by_its_transid_is_the_receivers() -> None:
    a = analyze(_coremail())
    assert stamped(a, "spf") == "pass"
    assert stamped(a, "dkim") == "pass"
    anti = next(f for f in a.headers if f.lname == "x-coremail-antispam")
    assert a.provenance.is_receivers(anti.index)


def test_coremail_block_without_the_tie_is_not_credited() -> None:
    # red team: a TRANSID the receiver's line did not give, or a stamp naming another host
    # after the real one, came with the message
    assert stamped(analyze(_coremail(transid="AAAAAAAAAAAAAAAAAAAAAA--.1S1")), "spf") != "pass"
    assert stamped(analyze(_coremail(host="mx.shop.example")), "spf") != "pass"


def test_a_senders_coremail_tail_is_the_senders() -> None:
    # the author's own Coremail submission server appends the same tail: tied to that hop, it
    # is the sending side's, not the final receiver's
    sub = _coremail().decode().replace("by mx19 (Coremail)", "by smtp9 (Coremail)")
    sub = sub.replace("Authentication-Results: mx19;", "Authentication-Results: smtp9;")
    top = (
        "Received: from smtp9.mail.example (smtp9.mail.example [192.0.2.99])\r\n"
        "\tby mx.example.org (Postfix) with ESMTPS id 4ABC123\r\n"
        "\tfor <user@example.org>; Sat, 01 Feb 2020 03:06:10 +0000 (UTC)\r\n"
    )
    a = analyze((top + sub).encode())
    anti = next(f for f in a.headers if f.lname == "x-coremail-antispam")
    assert not a.provenance.is_receivers(anti.index)
    assert stamped(a, "spf") is None


def test_verdict_bar_names_the_mailbox_service_not_its_mta() -> None:
    # Yandex's and Proton's receiving hosts run a stock MTA: the bar names the service
    assert "Yandex Mail: " in bar_line(analyze(_yandex("fail")), None)
