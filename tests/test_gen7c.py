"""Mail through gateways and on-premises Exchange (issue 11): who filed it and who wrote each
verdict. Synthetic messages of each real shape (documentation addresses, example domains)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.report.verdicts import bar_line

# --- 1. an on-premises Exchange Server is not Microsoft 365 -----------------------------------


def _onprem(scl: str = "0") -> bytes:
    """Exchange Server 2016 as the domain's own MX (Frontend Transport on the Internet edge, then
    Mailbox Transport): the shape of sisimai's lhost-exchange2007 returned copies and of the
    Exchange 2010-2019 receivers of company mail, stamping X-MS-Exchange-Organization-SCL."""
    return (
        "Received: from EXCH02.corp.example (10.20.1.12) by EXCH01.corp.example\r\n"
        " (10.20.1.11) with Microsoft SMTP Server (version=TLS1_2,\r\n"
        " cipher=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384) id 15.1.2507.39 via Mailbox\r\n"
        " Transport; Tue, 3 Jun 2025 10:00:06 +0100\r\n"
        "Received: from mail-out.vendor.example (198.51.100.25) by\r\n"
        " EXCH02.corp.example (10.20.1.12) with Microsoft SMTP Server\r\n"
        " (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.1.2507.39\r\n"
        " via Frontend Transport; Tue, 3 Jun 2025 10:00:05 +0100\r\n"
        "From: Vendor Billing <billing@vendor.example>\r\n"
        "To: alice@corp.example\r\n"
        "Subject: Invoice 4471\r\n"
        "Date: Tue, 3 Jun 2025 10:59:58 +0200\r\n"
        "Message-ID: <inv4471@vendor.example>\r\n"
        "Return-Path: billing@vendor.example\r\n"
        "X-MS-Exchange-Organization-AuthSource: EXCH02.corp.example\r\n"
        "X-MS-Exchange-Organization-AuthAs: Anonymous\r\n"
        f"X-MS-Exchange-Organization-SCL: {scl}\r\n"
        "\r\n"
        "Hello.\r\n"
    ).encode()


def test_an_on_premises_exchange_receiver_is_named_exchange_server_not_microsoft_365() -> None:
    line = bar_line(analyze(_onprem()), None)
    assert "Exchange Server: Inbox" in line
    assert "Microsoft 365" not in line


def test_exchange_online_is_still_microsoft_365() -> None:
    from tests.test_genmisc import _eop

    eop = _eop(
        "spf=pass (sender IP is 198.51.100.14) smtp.mailfrom=vendor.example; dkim=none "
        "(message not signed) header.d=none;dmarc=none action=none header.from=vendor.example",
        "vendor.example",
        "198.51.100.14",
        "From: Vendor <billing@vendor.example>",
        "Subject: invoice",
        scl=1,
        dest="I",
    )
    assert "Microsoft 365: Inbox" in bar_line(analyze(eop), None)


# --- 2. a filtering gateway in front of Microsoft 365: whose verdict it wrote -----------------


def _pp_to_eop(forefront: str = "SFV:SKN;") -> bytes:
    """A Proofpoint gateway (mx0b-*.pphosted.com, Microsoft's PTR confirms it) hands the message
    to a Microsoft 365 tenant: Microsoft checks SPF on the gateway's address, and the gateway's
    own X-Proofpoint-* fields sit below Microsoft's line. ``forefront`` is what the tenant's own
    X-Forefront-Antispam-Report says of its filter (SFV:SKN when a mail flow rule set SCL -1 for
    the gateway, as admins do for their own gateway)."""
    return (
        "Received: from DM6PR11MB1234.namprd11.prod.outlook.com (2603:10b6:5:1::1) by\r\n"
        " SN6PR11MB5678.namprd11.prod.outlook.com with HTTPS; Tue, 3 Jun 2025 10:00:05\r\n"
        " +0000\r\n"
        "Received: from BN2PEPF00001234.namprd05.prod.outlook.com\r\n"
        " (2603:10b6:408:1:cafe::1) by DM6PR11MB1234.namprd11.prod.outlook.com\r\n"
        " (2603:10b6:5:1::1) with Microsoft SMTP Server (version=TLS1_2,\r\n"
        " cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7000.1; Tue, 3 Jun\r\n"
        " 2025 10:00:04 +0000\r\n"
        "Authentication-Results: spf=fail (sender IP is 192.0.2.5)\r\n"
        " smtp.mailfrom=vendor.example; dkim=pass (signature was verified)\r\n"
        " header.d=vendor.example;dmarc=pass action=none\r\n"
        " header.from=vendor.example;compauth=pass reason=100\r\n"
        "Received-SPF: Fail (protection.outlook.com: domain of vendor.example does not\r\n"
        " designate 192.0.2.5 as permitted sender)\r\n"
        " receiver=protection.outlook.com; client-ip=192.0.2.5;\r\n"
        " helo=mx0b-00123401.pphosted.com;\r\n"
        "Received: from mx0b-00123401.pphosted.com (192.0.2.5) by\r\n"
        " BN2PEPF00001234.mail.protection.outlook.com (10.167.243.1) with Microsoft\r\n"
        " SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id\r\n"
        " 15.20.7000.1 via Frontend Transport; Tue, 3 Jun 2025 10:00:03 +0000\r\n"
        "Received: from pps.filterd (m0123401.ppops.net [127.0.0.1])\r\n"
        "\tby mx0b-00123401.pphosted.com (8.18.1.2/8.18.1.2) with ESMTP id 553A0001000001\r\n"
        "\tfor <alice@customer.example>; Tue, 3 Jun 2025 06:00:02 -0400\r\n"
        "Received: from mail-out.vendor.example (mail-out.vendor.example [198.51.100.25])\r\n"
        "\tby mx0b-00123401.pphosted.com (PPS) with ESMTPS id 4abcdef123-1\r\n"
        "\tfor <alice@customer.example>; Tue, 03 Jun 2025 06:00:01 -0400 (EDT)\r\n"
        "From: Vendor Billing <billing@vendor.example>\r\n"
        "To: alice@customer.example\r\n"
        "Subject: Invoice 4471\r\n"
        "Date: Tue, 3 Jun 2025 10:59:58 +0100\r\n"
        "Message-ID: <inv4471@vendor.example>\r\n"
        "X-Proofpoint-Spam-Details: rule=notspam policy=default score=0 spamscore=0\r\n"
        " phishscore=0 bulkscore=0 classifier=spam adjust=0 reason=mlx scancount=1\r\n"
        "X-MS-Exchange-Organization-MessageDirectionality: Incoming\r\n"
        "X-MS-Exchange-Organization-AuthAs: Anonymous\r\n"
        "X-MS-Exchange-Organization-SCL: -1\r\n"
        "X-Forefront-Antispam-Report: CIP:192.0.2.5;CTRY:US;LANG:en;SCL:-1;SRV:;IPV:NLI;"
        f"{forefront}H:mx0b-00123401.pphosted.com;PTR:mx0b-00123401.pphosted.com;CAT:NONE;"
        "SFS:;DIR:INB;\r\n"
        "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;ex:0;auth:1;dest:I;\r\n"
        "\r\n"
        "Hello.\r\n"
    ).encode()


def _gateway_evidence(raw: bytes) -> str:
    from headerlens.diagnosis import diagnose

    d = diagnose(analyze(raw))
    scan = next(s for s in d.situations if s.label == "sender-side-scan")
    return next(e for e in scan.evidence if e.startswith("X-Proofpoint-Spam-Details"))


def test_a_gateway_the_receiver_lets_skip_its_filter_is_most_likely_the_recipients_own() -> None:
    ev = _gateway_evidence(_pp_to_eop())
    assert "Proofpoint gateway that handed it to the receiver" in ev
    assert "most likely the recipient's own gateway" in ev
    assert "SFV:SKN" in ev
    assert "sending side" not in ev


def test_a_gateway_the_receiver_filtered_as_usual_may_be_either_sides() -> None:
    ev = _gateway_evidence(_pp_to_eop("SFV:NSPM;"))
    assert "the recipient's own gateway or the sender's relay" in ev
    assert "most likely" not in ev and "sending side" not in ev


def test_a_skip_sign_the_sender_wrote_does_not_make_the_gateway_the_recipients() -> None:
    # red team: a planted X-Forefront-Antispam-Report below the gateway's lines is the sender's
    raw = _pp_to_eop("SFV:NSPM;").replace(
        b"From: Vendor",
        b"X-Forefront-Antispam-Report: CIP:192.0.2.5;SCL:-1;SFV:SKN;DIR:INB;\r\nFrom: Vendor",
    )
    ev = _gateway_evidence(raw)
    assert "most likely" not in ev


# --- 3. a bounce from a filtering service many organisations share ----------------------------


def _gateway_bounce(entry_by: str) -> bytes:
    """sisimai lhost-messagelabs-02's shape: the filtering service's own DSN (user unknown at the
    recipient's server behind it), its returned copy's only line being the service's own entry
    from a client with no name (the customer's server, as the service recorded it)."""
    return (
        f"Received: by {entry_by} id EF/22-00000-22222222; Thu, 29 Apr 2025 23:34:45 +0000\r\n"
        "From: Mail Delivery System <MAILER-DAEMON@gw.example>\r\n"
        "To: <clerk@fabrikam.example>\r\n"
        "Subject: Mail Delivery Failure\r\n"
        "Date: Thu, 29 Apr 2025 23:34:45 +0000\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"\r\n'
        "\r\n"
        "--B1\r\nContent-Type: text/plain\r\n\r\n"
        "I was unable to deliver your message to the following addresses:\r\n\r\n"
        "kim@club.example\r\n\r\nReason: 550 kim@club.example... No such user\r\n\r\n"
        "--B1\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; {entry_by}\r\n\r\n"
        "Action: failed\r\nStatus: 5.0.0\r\nRemote-MTA: dns; mail.club.example\r\n"
        "Diagnostic-Code: smtp; 550 kim@club.example... No such user\r\n"
        "Final-Recipient: rfc822; kim@club.example\r\n\r\n"
        "--B1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        "Return-Path: <clerk@fabrikam.example>\r\n"
        f"Received: from [192.0.2.84] by {entry_by} id DB/FE-00000-00000022;"
        " Thu, 29 Apr 2025 23:34:44 +0000\r\n"
        "From: clerk@fabrikam.example\r\nTo: Kim <kim@club.example>\r\nSubject: Order\r\n"
        "Date: Thu, 29 Apr 2025 23:34:40 +0000\r\nMessage-ID: <o1@fabrikam.example>\r\n\r\n"
        "--B1--\r\n"
    ).encode()


def test_a_shared_filtering_services_bounce_is_no_backscatter_by_its_entry_line_alone() -> None:
    from headerlens.diagnosis import diagnose

    d = diagnose(analyze(_gateway_bounce("server-7.bemta-12.messagelabs.com")))
    assert "ndr" in d.labels()
    assert not d.headline.startswith("Backscatter")
    assert "spoof" not in d.labels()
    assert "user unknown" in d.headline


def test_the_same_entry_at_an_unshared_server_is_still_backscatter() -> None:
    from headerlens.diagnosis import diagnose

    d = diagnose(analyze(_gateway_bounce("relay.hostco.example")))
    assert d.headline.startswith("Backscatter")


# --- 4. a gateway's own bounce text: Trend Micro InterScan ------------------------------------


def test_interscans_own_notice_names_the_recipient_and_reads_as_a_wrong_address() -> None:
    # sisimai lhost-trendmicro-02's layout: a multipart/mixed notice with InterScan's words and
    # the original as message/rfc822, no delivery-status part and no status code
    raw = (
        b"Return-Path: <postmaster@gw.fabrikam.example>\r\n"
        b"Received: from gw.fabrikam.example (gw.fabrikam.example [192.0.2.40])\r\n"
        b"\tby mx.club.example (Postfix) with ESMTP id 4Q9; Thu, 29 Apr 2025 23:34:46 +0000\r\n"
        b'From: postmaster@gw.fabrikam.example ("InterScan Notification")\r\n'
        b"To: <kim@club.example>\r\n"
        b"Subject: Mail could not be delivered\r\n"
        b"Date: Thu, 29 Apr 2025 23:34:45 +0000\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="IS1"\r\n\r\n'
        b"--IS1\r\nContent-type: text/plain\r\n\r\n"
        b"Message from InterScan Messaging Security Suite\r\n\r\n"
        b"Unable to deliver message to <clerk@fabrikam.example> (and other recipients in the"
        b" same domain). Please check if address is correct.\r\n\r\n"
        b"--IS1\r\nContent-type: message/rfc822\r\n\r\n"
        b"Received: from mx.club.example ([192.0.2.60])\r\n"
        b"\tby gw.fabrikam.example (8.10.2) with SMTP id 0Em; Thu, 29 Apr 2025 23:34:44 +0000\r\n"
        b"From: <kim@club.example>\r\nTo: <clerk@fabrikam.example>\r\nSubject: Hello\r\n"
        b"Date: Thu, 29 Apr 2025 23:34:40 +0000\r\n\r\nHello\r\n\r\n--IS1--\r\n"
    )
    a = analyze(raw)
    assert a.ndr is not None
    rcpt = a.ndr.recipients[0]
    assert rcpt.address == "clerk@fabrikam.example"
    assert "Please check if address is correct" in rcpt.diagnostic
    from headerlens.diagnosis import diagnose

    assert "user unknown" in diagnose(a).headline
