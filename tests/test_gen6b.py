"""Bounces and delay notices read as an expert reads them (issue 11, generalisation round 6): a
delay warning that quotes no reply refused nothing, IMail's "mailbox exceeds allowed size" is a
full mailbox, and a returned copy handed over by a relay that got it from an earlier server is
no proof of backscatter. Synthetic messages of each shape seen in real bounces (names changed)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.model import Rejecter, WhoActs
from headerlens.parsers.ndr_codes import lookup
from headerlens.report.markdown import render_markdown

D = "Tue, 03 Mar 2026 10:00:05 +0000"

# --- 1. a delay warning that quotes no reply: nobody refused it --------------------------------

GMAIL_DELAY = f"""Delivered-To: ann@mail.fabrikam.example
Received: by 10.194.16.169 with SMTP id h9csp2775wjd;
        Tue, 03 Mar 2026 02:00:06 -0800 (PST)
Return-Path: <>
Received: by 10.68.57.225 with SMTP id l1mr2101pbq.87; Tue, 03 Mar 2026
 02:00:05 -0800 (PST)
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: ann@mail.fabrikam.example
Subject: Delivery Status Notification (Delay)
Message-ID: <001a11383626@google.com>
Date: {D}
Content-Type: text/plain; charset=UTF-8

This is an automatically generated Delivery Status Notification

THIS IS A WARNING MESSAGE ONLY.

YOU DO NOT NEED TO RESEND YOUR MESSAGE.

Delivery to the following recipient has been delayed:

     kim@club.example

Message will be retried for 2 more day(s)

----- Original message -----

Return-Path: <ann@mail.fabrikam.example>
Received: from [192.0.2.203] (c135.isp.example. [192.0.2.135])
        by mx.google.com with ESMTPSA id ae4sm1022pad.16
        for <kim@club.example>;
        Mon, 02 Mar 2026 08:42:53 -0800 (PST)
From: Ann <ann@mail.fabrikam.example>
Subject: Minutes
Message-Id: <AA6C0062@mail.fabrikam.example>
Date: Mon, 02 Mar 2026 16:42:43 +0000
To: kim@club.example

Minutes.
""".encode()


def test_a_delay_warning_without_a_reply_names_nobody_as_refusing_and_nobody_to_act() -> None:
    a = analyze(GMAIL_DELAY)
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    assert r.action == "delayed"
    assert r.rejecter is Rejecter.UNKNOWN
    assert "nobody has refused it yet" in (r.rejecter_why or "")
    assert r.meaning is not None and r.meaning.who_acts is WhoActs.NOBODY
    md = render_markdown(a)
    assert "refused it itself" not in md
    assert "Who must act:** nobody yet" in md


# --- 2. IMail's full mailbox --------------------------------------------------------------------


def test_imail_mailbox_exceeds_allowed_size_is_a_full_mailbox() -> None:
    m = lookup(None, "User mailbox exceeds allowed size: kim@club.example", None)
    assert m.key == "text:mailbox-full"
    assert m.who_acts is WhoActs.RECIPIENT_ADMIN
    # guard: a message over the size limit is not a full mailbox
    big = lookup(None, "Message exceeds maximum allowed message size", None)
    assert big.key != "text:mailbox-full"


# --- 3. a returned copy relayed by an earlier server: no backscatter decided --------------------


def _imail_bounce(original_received: str) -> bytes:
    return f"""Return-Path: <>
Received: from mx9.club.example (unknown [198.51.100.126])
    by mx.fabrikam.example (Postfix) with ESMTP id 4Q2
    for <ann@fabrikam.example>; {D}
Date: {D}
Message-Id: <0000001.01@club.example>
Content-Type: text/plain; charset=us-ascii
From: "Postmaster" <postmaster@club.example>
To: ann@fabrikam.example
Subject: Undeliverable Mail
X-Mailer: <SMTP32 v8.22>

User mailbox exceeds allowed size: kim@club.example


Original message follows.

{original_received}Message-ID: <0001@smtp5.isp.example>
Date: {D}
From: Ann <ann@fabrikam.example>
To: kim@club.example
Subject: Minutes

Minutes.
""".encode()


RELAYED = (
    "Received: from smtp8.relay.isp.example [192.0.2.209] by mx4.club.example\n"
    f"  (SMTPD-8.22) id 00000000; {D}\n"
    "Received: from unknown (HELO smtp5.isp.example) (192.0.2.201)\n"
    f"  by 0 with SMTP; {D}\n"
)
DIRECT = f"Received: from PC-7 (unknown [192.0.2.84])\n  by mx4.club.example with SMTP; {D}\n"


def test_a_copy_that_an_outside_relay_got_from_an_earlier_server_is_no_backscatter() -> None:
    d = diagnose(analyze(_imail_bounce(RELAYED)))
    assert not d.headline.startswith("Backscatter"), d.headline
    assert "spoof" not in d.labels()
    bounce = next(s for s in d.situations if s.label == "ndr")
    assert not any(e.startswith("backscatter of") for e in bounce.evidence)


def test_a_copy_injected_straight_by_a_nameless_client_is_still_backscatter() -> None:
    # guard: one line, a client without reverse DNS handing spam to the recipient's server
    d = diagnose(analyze(_imail_bounce(DIRECT)))
    assert d.headline.startswith("Backscatter"), d.headline
