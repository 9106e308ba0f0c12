"""Shapes found on real messages of kinds the corpus had few of (status-only DSNs, Exchange
hybrid and gateway deliveries into Microsoft 365, automatic non-bounce mail), each rule tested
on a synthetic message of that shape (example domains, documentation addresses)."""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.report.markdown import render_markdown

# A status-only DSN, as Exchange 2003's SMTP service (and many gateways) write them: a
# message/delivery-status part with Action and Status but no Diagnostic-Code to read.
_STATUS_ONLY_DSN = """Return-Path: <>
Received: from gw.fabrikam.example (gw.fabrikam.example [198.51.100.20])
        by mx.contoso.example (Postfix) with ESMTP id 4F1A2B3C4D
        for <news@contoso.example>; Thu, 15 Oct 2009 15:46:17 +0100
From: postmaster@fabrikam.example
To: news@contoso.example
Date: Thu, 15 Oct 2009 15:46:03 +0100
Subject: Delivery Status Notification (Failure)
Message-ID: <dsn.2009@exch01.fabrikam.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BND"

--BND
Content-Type: text/plain

This is an automatically generated Delivery Status Notification.

Delivery to the following recipients failed.

       pat@fabrikam.example

--BND
Content-Type: message/delivery-status

Reporting-MTA: dns;exch01.fabrikam.example
Arrival-Date: Thu, 15 Oct 2009 15:46:03 +0100

Final-Recipient: rfc822;pat@fabrikam.example
Action: failed
Status: {status}

--BND
Content-Type: text/rfc822-headers

From: news@contoso.example
To: pat@fabrikam.example
Subject: Monthly letter
Message-ID: <letter.77@contoso.example>

--BND--
"""


@pytest.mark.parametrize(
    ("status", "remedy"),
    [
        ("5.2.2", "free space in the mailbox or raise its quota"),
        ("5.1.1", "Check the recipient's address"),
        ("5.2.1", "takes no messages (disabled or suspended)"),
    ],
)
def test_a_status_only_dsn_gets_the_remedy_of_its_status(status: str, remedy: str) -> None:
    a = analyze(_STATUS_ONLY_DSN.format(status=status).encode())
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.meaning is not None
    assert remedy in r.meaning.fix
    md = render_markdown(a)
    assert remedy in md
    assert "Read the diagnostic text" not in md
