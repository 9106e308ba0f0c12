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
