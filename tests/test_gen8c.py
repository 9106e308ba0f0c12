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


# An organisation whose MX is its own gateway and on-premises Exchange, with mailboxes in
# Exchange Online (hybrid): Exchange Online receives the message from the organisation's own
# server through its hybrid connector and checks SPF/DMARC against that server.
_TENANT = "0f3a6c2e-1b2d-4e5f-8a9b-0c1d2e3f4a5b"
_HYBRID = """Received: from PH0PR10MB1111.namprd10.prod.outlook.com (2603:10b6:510:1::10)
 by PH0PR10MB2222.namprd10.prod.outlook.com with HTTPS; Wed, 13 Feb 2019 10:48:13 +0000
Received: from BN1NAM02FT001.eop-nam02.prod.protection.outlook.com (2a01:111:f400:7e44::201)
 by PH0PR10MB1111.namprd10.prod.outlook.com (2603:10b6:510:1::10) with Microsoft SMTP
 Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.1622.16;
 Wed, 13 Feb 2019 10:48:12 +0000
Authentication-Results: spf=softfail (sender IP is 203.0.113.40)
 smtp.mailfrom=example.com; contoso.mail.onmicrosoft.com; dkim=fail
 (signature did not verify) header.d=example.com;contoso.mail.onmicrosoft.com;
 dmarc=fail action=oreject header.from=example.com;
Received-SPF: SoftFail (protection.outlook.com: domain of transitioning
 example.com discourages use of 203.0.113.40 as permitted sender)
Received: from hybrid1.contoso.example (203.0.113.40) by
 BN1NAM02FT001.mail.protection.outlook.com (10.152.72.1) with Microsoft SMTP
 Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384) id
 15.20.1580.10 via Frontend Transport; Wed, 13 Feb 2019 10:48:12 +0000
Received: from cas1.contoso.example (10.20.0.5) by hybrid1.contoso.example
 (10.20.0.9) with Microsoft SMTP Server (TLS) id 14.3.361.1; Wed, 13 Feb 2019 05:47:36 -0500
Received: from gw1.contoso.example (198.51.100.8) by cas1.contoso.example
 (10.20.0.5) with Microsoft SMTP Server (TLS) id 14.3.361.1; Wed, 13 Feb 2019 05:47:32 -0500
Received-SPF: Pass (gw1.contoso.example: domain of reports@example.com designates
  192.0.2.77 as permitted sender) identity=mailfrom; client-ip=192.0.2.77;
  receiver=gw1.contoso.example; envelope-from="reports@example.com"
Received: from mail-out.example.com ([192.0.2.77]) by gw1.contoso.example with
 ESMTP/TLS/AES128-GCM-SHA256; 13 Feb 2019 04:47:15 -0600
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=s1;
 h=from:to:subject:date:message-id; bh=AAAA; b=BBBB
From: <reports@example.com>
To: <postmaster@contoso.example>
Subject: Weekly report
Date: Wed, 13 Feb 2019 10:47:10 +0000
Message-ID: <weekly.4711@example.com>
MIME-Version: 1.0
X-MS-Exchange-Organization-AuthSource: cas1.contoso.example
X-MS-Exchange-Organization-AuthAs: Anonymous
X-Forefront-Antispam-Report: CIP:203.0.113.40;IPV:NLI;CTRY:US;EFV:NLI;SFV:SKN;SFS:;DIR:INB;SCL:-1;
X-MS-Exchange-Organization-SCL: -1
X-MS-Exchange-CrossTenant-Id: {tenant}
X-MS-Exchange-CrossTenant-OriginalAttributedTenantConnectingIp: TenantId={attributed};Ip=[203.0.113.40];Helo=[hybrid1.contoso.example]
X-MS-Exchange-CrossTenant-FromEntityHeader: {entity}
X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;ex:0;auth:0;dest:I;
Content-Type: text/plain

Report attached.
"""


def _hybrid(attributed: str = _TENANT, entity: str = "HybridOnPrem") -> bytes:
    return _HYBRID.format(tenant=_TENANT, attributed=attributed, entity=entity).encode()


def test_exchange_online_judging_the_organisations_own_hybrid_server_is_no_spoof() -> None:
    from headerlens.diagnosis import diagnose

    a = analyze(_hybrid())
    d = diagnose(a)
    assert not d.headline.startswith("A spoof of example.com")
    assert "hybrid Exchange" in d.headline
    md = render_markdown(a)
    assert "Enhanced Filtering for Connectors" in md
    assert "Nothing to fix at example.com: it did not send this" not in md


@pytest.mark.parametrize(
    ("attributed", "entity"),
    [
        ("9e8d7c6b-5a49-4838-a726-150f0e0d0c0b", "HybridOnPrem"),  # another tenant's connector
        (_TENANT, "Internet"),  # not from the organisation's own servers
    ],
)
def test_without_microsofts_own_tie_to_the_recipients_tenant_the_spoof_stands(
    attributed: str, entity: str
) -> None:
    from headerlens.diagnosis import diagnose

    d = diagnose(analyze(_hybrid(attributed, entity)))
    assert d.headline.startswith("A spoof of example.com")


def _ar(value: str) -> list[tuple[str, str]]:
    from headerlens.model.core import HeaderField
    from headerlens.parsers.authresults import parse_auth_results

    raw = f"Authentication-Results: {value}\r\n".encode()
    ar = parse_auth_results(
        HeaderField(index=0, name="Authentication-Results", value=value, raw=raw)
    )
    return [(r.method, r.result) for r in ar.results]


def test_results_written_without_semicolons_between_them_are_each_read() -> None:
    # Zoho's MX: "mx.zoho.com; dkim=pass spf=pass (...) smtp.mailfrom=...;" (no ";" after dkim)
    value = (
        "mx.zohomail.example;\n\tdkim=pass\n\tspf=pass (zohomail.example: domain of "
        "fabrikam.example designates 192.0.2.10 as permitted sender) "
        "smtp.mailfrom=sam@fabrikam.example;\n\tdmarc=pass header.from=fabrikam.example"
    )
    assert _ar(value) == [("dkim", "pass"), ("spf", "pass"), ("dmarc", "pass")]
    glued = "mx.zohomail.example; dkim=pass header.d=fabrikam.example spf=fail smtp.mailfrom=x"
    assert _ar(glued) == [("dkim", "pass"), ("spf", "fail")]


@pytest.mark.parametrize(
    "value",
    [
        # text inside a quoted value or a comment is not a result of the receiver's
        'mx.example.net; spf=fail smtp.mailfrom="a spf=pass"@evil.example',
        "mx.example.net; spf=fail (dkim=pass dmarc=pass) smtp.mailfrom=evil.example",
        "mx.example.net; spf=fail smtp.mailfrom=evil.example reason=spf=pass",
    ],
)
def test_a_method_name_inside_a_value_or_comment_starts_no_result(value: str) -> None:
    assert _ar(value) == [("spf", "fail")]


_NO_TRACE = b"""From: Pat <pat@contoso.example>
To: unsubscribe-7@lists.fabrikam.example
Subject: unsubscribe
Date: Thu, 2 May 2024 17:48:55 +0000
Message-ID: <u1@contoso.example>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: text/plain

Apple Mail sent this email to unsubscribe from the message.
"""


def test_a_copy_no_server_stamped_says_so_not_that_a_receiver_wrote_nothing() -> None:
    from headerlens.diagnosis import diagnose

    line = diagnose(analyze(_NO_TRACE)).headline
    assert line.startswith("No server stamped this copy (it has no Received line)")
    assert "final receiver" not in line
    stamped_once = (
        b"Received: from mail.contoso.example (mail.contoso.example [192.0.2.9])\n"
        b"\tby mx.fabrikam.example (Postfix) with ESMTP id 1A2B3C\n"
        b"\tfor <unsubscribe-7@lists.fabrikam.example>; Thu, 2 May 2024 17:48:57 +0000\n"
    ) + _NO_TRACE
    assert diagnose(analyze(stamped_once)).headline.startswith(
        "The final receiver wrote no authentication verdict"
    )
