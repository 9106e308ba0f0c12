"""Mail received by non-Microsoft receivers, read as an expert would (issue 11, round 5):
synthetic messages of the shapes real Gmail, Yahoo, GMX, Proton and self-hosted receivers
write (documentation IPs, example domains)."""

from __future__ import annotations

from headerlens.analyze import analyze
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
