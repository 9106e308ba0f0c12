"""A forged bounce asking the victim domain to authorise the attacker's server.

The attacker sends ops@northwindtraders.com a "bounce" of a message northwindtraders.com never
sent: a DSN claiming mx.partner.example refused it with 5.7.26 because SPF for
northwindtraders.com "with ip: [203.0.113.66]" did not pass, and a returned message whose
headers he wrote. It reaches the recipient straight from his own server, unauthenticated.
Before, the report's fix was "On the sending side: list 203.0.113.66 in the SPF record of
northwindtraders.com", headlined "A bounce: mx.partner.example refused the original". Advice to
authorise a server now needs something tying the bounce to the server it names as its reporter,
and a bounce nothing ties to it is headlined as possibly forged.
"""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import run_blocking, verify
from tests.dnslab import LabDns

A = "203.0.113.66"
D = "Tue, 10 Nov 2026 20:14:06 +0000"
BOUNCE = f"""Received: {{line}}
From: Mail Delivery System <MAILER-DAEMON@mx.partner.example>
To: <ops@northwindtraders.com>
Date: {D}
Subject: Undelivered Mail Returned to Sender
Message-ID: <ndr-1@mx.partner.example>
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"
Auto-Submitted: auto-replied
Return-Path: <>
MIME-Version: 1.0

--b1
Content-Type: text/plain; charset="us-ascii"

Your message could not be delivered.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns;mx.partner.example
Arrival-Date: {D}

Final-Recipient: rfc822;carol@partner.example
Action: failed
Status: 5.7.26
Remote-MTA: dns;mx.partner.example
Diagnostic-Code: smtp;550-5.7.26 This mail has been blocked because the sender is
 unauthenticated. 550-5.7.26  DKIM = did not pass 550-5.7.26  SPF [northwindtraders.com] with
 ip: [{A}] = did not pass 550 5.7.26 Add {A} to your SPF record

--b1
Content-Type: message/rfc822

Return-Path: <ops@northwindtraders.com>
Received: from EX01.corp.northwindtraders.com (10.1.1.20) by smtp-out.northwindtraders.com
 ({A}) with Microsoft SMTP Server (TLS) id 15.2.1118.7; {D}
From: Ops Team <ops@northwindtraders.com>
To: carol@partner.example
Subject: Invoice
Date: {D}
Message-ID: <chg43@northwindtraders.com>

Hello.

--b1--
"""


def _check(line: str, lab_dns: LabDns) -> tuple[str, str]:
    """(the link's fix, the diagnosis headline) for the bounce delivered by ``line``."""
    raw = BOUNCE.format(line=line).replace("\n", "\r\n").encode()
    a = analyze(raw)
    v = run_blocking(verify(a, LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)))
    (link,) = v.ndr_links
    return link.fix, diagnose(a, v).headline


def test_an_unauthenticated_bounce_gets_no_advice_to_authorise_the_ip_it_quotes(
    lab_dns: LabDns,
) -> None:
    fix, headline = _check(
        f"from mail.attacker.example (mail.attacker.example [{A}]) by mx.northwindtraders.com "
        f"(Postfix) with ESMTP id 4Q for <ops@northwindtraders.com>; {D}",
        lab_dns,
    )
    assert f"list {A}" not in fix
    assert "message trace" in fix and "may be forged" in fix
    assert headline.startswith("A bounce nothing ties to mx.partner.example (it may be forged)")


def test_a_bounce_from_the_reporters_own_server_keeps_its_advice(lab_dns: LabDns) -> None:
    # the receiver (Postfix) confirmed the client's reverse DNS in the reporter's organisation
    fix, headline = _check(
        f"from mx.partner.example (mx.partner.example [{A}]) by mx.northwindtraders.com "
        f"(Postfix) with ESMTP id 4Q for <ops@northwindtraders.com>; {D}",
        lab_dns,
    )
    assert f"list {A} in the SPF record of northwindtraders.com" in fix
    assert "may be forged" not in fix + headline
    assert headline.startswith("A bounce: mx.partner.example refused the original")
