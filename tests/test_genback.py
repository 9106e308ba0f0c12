"""Returned messages (issue 11, round 8): a bounce's returned copy that carries the sending
organisation's own outbound check (its gateway's Authentication-Results written as the message
left it, or Microsoft 365's DIR:OUT scan) is not the refusing receiver's verdict, so the copy
never reads "authentication and the delivery path are in order". Synthetic messages of the
shape described in measure8's cause 3 (names changed; documentation IPs)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.model import Analysis

_BOUNCE = """Received: from esa2.example.com (esa2.example.com [192.0.2.20])
 by mail.example.com with ESMTP id 4Zq1; Tue, 3 Mar 2026 10:00:09 +0000
From: Mail Delivery System <MAILER-DAEMON@esa2.example.com>
To: alice@example.com
Date: Tue, 3 Mar 2026 10:00:08 +0000
Message-ID: <bounce1@esa2.example.com>
Subject: Delivery Status Notification (Failure)
Return-Path: <>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BND"

--BND
Content-Type: text/plain

The message could not be delivered to bob@example.net.

--BND
Content-Type: message/delivery-status

Reporting-MTA: dns; esa2.example.com
Arrival-Date: Tue, 3 Mar 2026 10:00:01 +0000

Final-Recipient: rfc822; bob@example.net
Action: failed
Status: 5.7.1
Remote-MTA: dns; mx.example.net
Diagnostic-Code: smtp; 550 5.7.1 Message rejected as spam by content filter

--BND
Content-Type: message/rfc822

{copy}From: Alice <alice@{dom}>
To: bob@example.net
Subject: Quote
Date: Tue, 3 Mar 2026 09:59:58 +0000
Message-ID: <orig1@example.com>

Hello
--BND--
"""

# The reporter's own IronPort stamped the original as it left example.com: its client is the
# organisation's own mail server (a private address).
_IRONPORT_OUT = """Received: from mail.example.com ([10.1.1.5])
 by esa2.example.com with ESMTP; 03 Mar 2026 10:00:01 +0000
Authentication-Results: esa2.example.com; dkim=none (message not signed) header.i=none;
 spf=Pass smtp.mailfrom=alice@example.com; spf=None smtp.helo=postmaster@mail.example.com;
 dmarc=pass (p=none dis=none) d=example.com
X-IronPort-AV: E=Sophos;i="6.0";a="1"
Received: from [10.1.2.3] by mail.example.com with ESMTPSA; Tue, 3 Mar 2026 10:00:00 +0000
"""

# Microsoft 365's outbound scan of its own tenant's message (DIR:OUT) beside its results.
_EOP_OUT = """Received: from DM6PR01MB1111.namprd01.prod.outlook.com (2603:10b6:5:1::1) by
 DM6PR01MB2222.namprd01.prod.outlook.com with HTTPS; Tue, 3 Mar 2026 10:00:01 +0000
Authentication-Results: dkim=none (message not signed) header.d=none;
 dmarc=none action=none header.from=example.com;
X-Forefront-Antispam-Report: CIP:255.255.255.255;CTRY:;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;
 H:DM6PR01MB1111.namprd01.prod.outlook.com;PTR:;CAT:NONE;SFS:;DIR:OUT;SFP:1101;
"""

# The recipient organisation's own gateway took the original from outside and stamped it
# before its mailbox server refused it: an inbound verdict, left as it was.
_INBOUND = """Received: from mx.example.net (mx.example.net [192.0.2.30])
 by store.example.net with ESMTP; Tue, 3 Mar 2026 10:00:03 +0000
Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=alice@example.com;
 dkim=none; dmarc=pass header.from=example.com
Received: from mail.example.com (mail.example.com [198.51.100.7])
 by mx.example.net with ESMTPS; Tue, 3 Mar 2026 10:00:02 +0000
"""


def _copy(copy: str, dom: str = "example.com") -> Analysis:
    a = analyze(_BOUNCE.format(copy=copy, dom=dom).encode())
    assert a.ndr is not None and a.ndr.original is not None
    return a.ndr.original


def _labels(a: Analysis) -> set[str]:
    return {s.label for s in diagnose(a).situations}


def test_own_gateway_outbound_results_are_no_receiver_verdict() -> None:
    inner = _copy(_IRONPORT_OUT)
    d = diagnose(inner)
    labels = {s.label for s in d.situations}
    assert "control" not in labels
    assert "in order" not in d.headline
    assert d.headline.startswith("The returned copy as the sending side passed it on")
    scan = next(s for s in d.situations if s.label == "sender-side-scan")
    assert "esa2.example.com" in scan.evidence[0] and "outbound" in scan.evidence[0]


def test_microsoft_outbound_scan_is_no_receiver_verdict() -> None:
    d = diagnose(_copy(_EOP_OUT))
    assert "control" not in {s.label for s in d.situations}
    assert "in order" not in d.headline
    scan = next(s for s in d.situations if s.label == "sender-side-scan")
    assert "outbound" in scan.evidence[0]


def test_recipient_gateway_inbound_results_unchanged() -> None:
    """The recipient's own gateway (another organisation, client outside it) is not outbound."""
    d = diagnose(_copy(_INBOUND))
    assert not any("outbound check" in e for s in d.situations for e in s.evidence)


def test_results_of_another_organisation_under_an_internal_line_are_not_outbound() -> None:
    """The authserv-id must be the sending organisation's own (the From domain's)."""
    d = diagnose(_copy(_IRONPORT_OUT, dom="example.org"))
    assert not any("outbound check" in e for s in d.situations for e in s.evidence)


def test_a_message_read_on_its_own_keeps_its_reading() -> None:
    """Attack: a top-level message with the same planted block is judged as before (the rule
    speaks only of a bounce's returned copy): a planted DIR:OUT or own-domain stamp changes
    nothing outside one, and never turns into a pass."""
    raw = (_IRONPORT_OUT + _EOP_OUT.split("\n", 2)[2]).encode() + (
        b"From: Alice <alice@example.com>\nTo: bob@example.net\nSubject: Quote\n"
        b"Date: Tue, 3 Mar 2026 09:59:58 +0000\nMessage-ID: <orig1@example.com>\n\nHello\n"
    )
    a = analyze(raw)
    assert a.copy_kind is None
    assert not any("outbound check" in e for s in diagnose(a).situations for e in s.evidence)
