"""Returned messages (issue 11, round 8): a bounce's returned copy that carries the sending
organisation's own outbound check (its gateway's Authentication-Results written as the message
left it, or Microsoft 365's DIR:OUT scan) is not the refusing receiver's verdict, so the copy
never reads "authentication and the delivery path are in order". Synthetic messages of the
shape described in measure8's cause 3 (names changed; documentation IPs)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.dnsclient.resolver import LiveResolver, OfflineResolver
from headerlens.evaluators.verify import run_blocking, verify
from headerlens.model import Analysis
from headerlens.model.verdicts import DkimResult, DmarcResult
from headerlens.model.verification import Verification, VerifyMode
from headerlens.report.markdown import render_markdown
from tests.dnslab import LabDns
from tests.test_genbound2 import A

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


# --- 2. A notice forwarded without SRS that keeps its author's DKIM signature ----------------

_SIG = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w=="


def _forwarded(
    frm: str, envelope: str, sig_d: str, sig_b: str = _SIG, ip: str = "198.51.100.20"
) -> bytes:
    """A message of ``frm`` signed by ``sig_d``, re-sent by fwd.example.net (no SRS) to
    mx.example.org, whose SPF check of the kept envelope failed at the forwarder."""
    edom = envelope.rpartition("@")[2]
    return f"""Return-Path: <{envelope}>
Received: from fwd.example.net (fwd.example.net [{ip}])
\tby mx.example.org with ESMTPS id 4Zq9abc for <ops@example.org>;
\tTue, 3 Mar 2026 10:00:05 +0000
Authentication-Results: mx.example.org; spf=fail smtp.mailfrom={edom};
 dkim=pass header.d={sig_d}; dmarc=pass header.from={frm.rpartition("@")[2]}
Received: from out.{edom} (out.{edom} [203.0.113.30])
\tby fwd.example.net with ESMTPS id 1abc for <ops@example.net>;
\tTue, 3 Mar 2026 10:00:03 +0000
DKIM-Signature: v=1; a=rsa-sha256; q=dns/txt; c=relaxed/simple; s=selector1; d={sig_d};
 t=1772532001; h=From:To:Subject:MIME-Version:Content-Type:Message-ID:Date;
 bh=Ew9IYg1D8fHTxpyqa9amWK3FYK2gA4qnBmxvs+zZKsM=; b={sig_b}
From: Notifications <{frm}>
To: ops@example.net
Subject: ALARM: "cpu-high"
Date: Tue, 3 Mar 2026 10:00:01 +0000
Message-ID: <0100018d2f3a4b5c-aaaa@{edom}>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8

You are receiving this email because your Amazon CloudWatch Alarm "cpu-high" entered ALARM.
""".encode()


def _offline(a: Analysis) -> Verification:
    """The command line's --offline check (the signatures parsed, no DNS)."""
    return run_blocking(verify(a, OfflineResolver(), mode=VerifyMode.OFFLINE))


_SNS = ("no-reply@sns.amazonaws.com", "0100018d2f3a-0000@email.amazonses.com")


def test_forwarded_notice_with_its_own_unchecked_signature_is_no_spoof() -> None:
    a = analyze(_forwarded(*_SNS, "sns.amazonaws.com"))
    v = _offline(a)
    for d in (diagnose(a), diagnose(a, v)):
        labels = {s.label for s in d.situations}
        assert "spoof" not in labels and "forward-nosrs" in labels
        assert "spoof" not in d.headline.lower()
        fwd = next(s for s in d.situations if s.label == "forward-nosrs")
        assert any("d=sns.amazonaws.com" in e and "unknown" in e for e in fwd.evidence)
    md = render_markdown(a, v)
    assert "DKIM pass" not in md and "DMARC pass" not in md  # unchecked offline: never pass


def test_a_malformed_copied_signature_is_no_excuse() -> None:
    """Attack: a signature that fails even offline (b= not base64) explains nothing."""
    a = analyze(_forwarded(*_SNS, "sns.amazonaws.com", sig_b="AAAA*not-base64*"))
    assert "spoof" in {s.label for s in diagnose(a, _offline(a)).situations}


def test_a_signature_of_another_organisation_is_no_excuse() -> None:
    a = analyze(_forwarded(*_SNS, "example.com"))
    assert "spoof" in _labels(a)


def test_attack_copied_signature_fails_online_and_the_spoof_is_called(lab_dns: LabDns) -> None:
    """A contoso.com (p=reject) spoof carrying a copied contoso.com signature, sent through a
    host that looks like a forwarder: offline it is not called a spoof (unknown, never pass);
    re-verified against lab DNS the signature fails and the spoof is called."""
    a = analyze(_forwarded("ceo@contoso.com", "bounce@contoso.com", "contoso.com", ip=A))
    assert "DKIM pass" not in render_markdown(a, _offline(a))
    v = run_blocking(verify(a, LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)))
    assert all(x.result is not DkimResult.PASS for x in v.dkim)
    assert v.dmarc is not None and v.dmarc.result is not DmarcResult.PASS
    assert "spoof" in {s.label for s in diagnose(a, v).situations}
