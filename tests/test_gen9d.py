"""Everyday mail at consumer and hosted receivers: who files the message, forwards that keep the
author's signature, and the other shapes found reading real deliveries (synthetic messages)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.report.verdicts import bar_line
from tests.test_diagnosis import _msg


def _tail() -> tuple[str, ...]:
    return (
        "From: News <news@example.net>",
        "To: ann@fabrikam.com",
        "Subject: January",
        "Date: Thu, 10 Jan 2002 16:10:00 -0600",
        "Message-ID: <n1@example.net>",
    )


_SENDMAIL_MX = (
    "Received: from news.example.net (news.example.net [198.51.100.35])\r\n"
    "\tby relay.fabrikam.com (8.11.4/8.11.4) with ESMTP id g0AMAB920109\r\n"
    "\tfor <ann@fabrikam.com>; Thu, 10 Jan 2002 16:10:11 -0600 (CST)"
)
# Sendmail MX -> MIMEsweeper (no client address) -> Exchange 2000's SMTPSVC mailbox server
_EXCHANGE_2000 = (
    "Received: from gw1.corp.fabrikam.com ([192.168.110.237]) by mbx01.corp.fabrikam.com with "
    "Microsoft SMTPSVC(5.0.2195.2966); Thu, 10 Jan 2002 16:10:15 -0600",
    "Received: from relay.fabrikam.com (unverified) by gw1.corp.fabrikam.com (Content "
    "Technologies SMTPRS 4.2.5) with ESMTP id <T585d92a5e1c0a86ee487c@gw1.corp.fabrikam.com> "
    "for <ann@fabrikam.com>; Thu, 10 Jan 2002 16:10:13 -0600",
    _SENDMAIL_MX,
)


def _where(*lines: str) -> str:
    return bar_line(analyze(_msg(*lines, *_tail())), None).rsplit(" · ", 1)[-1]


def test_the_mailbox_server_behind_the_boundary_files_the_message_not_the_mx() -> None:
    # the Sendmail MX is the boundary; Exchange (its IIS SMTP service) delivers to the mailbox
    assert _where(*_EXCHANGE_2000) == "Exchange Server: folder unknown"


def test_a_content_filter_above_the_mx_is_not_the_filer_the_lmtp_delivery_is() -> None:
    lines = (
        "Received: from mx.fabrikam.com (mx.fabrikam.com [192.0.2.10])\r\n"
        "\tby imap.fabrikam.com (Dovecot) with LMTP id 4kXr; Thu, 10 Jan 2002 16:10:14 -0600",
        "Received: from localhost (localhost [127.0.0.1])\r\n"
        "\tby mx.fabrikam.com (amavisd-new, port 10024) with ESMTP id 9x1;"
        " Thu, 10 Jan 2002 16:10:13 -0600",
        "Received: from news.example.net (news.example.net [198.51.100.35])\r\n"
        "\tby mx.fabrikam.com (Postfix) with ESMTPS id 4Q1B2;"
        " Thu, 10 Jan 2002 16:10:12 -0600",
    )
    assert _where(*lines) == "Dovecot: folder unknown"
    # amavis alone above the MX files nothing: Postfix (the boundary) stays the name
    assert _where(*lines[1:]) == "Postfix: folder unknown"


def test_a_delivering_product_inside_the_site_is_named_by_its_software() -> None:
    lines = (
        "Received: from me ([unix socket]) by imap1.fabrikam.com (Cyrus v2.2.12) with LMTPA;"
        " Thu, 10 Jan 2002 16:10:14 -0600",
        "Received: from news.example.net (news.example.net [198.51.100.35])\r\n"
        "\tby mx.fabrikam.com (Postfix) with ESMTP id 4Q1B2; Thu, 10 Jan 2002 16:10:12 -0600",
    )
    assert _where(*lines).startswith("Cyrus: ")


def test_a_retrieval_ends_the_walk_the_provider_filed_it() -> None:
    # fetchmail copies the mail from the provider's mailbox into a local Postfix: the folder it
    # was filed in is the provider's, so the local delivery does not name the filer
    lines = (
        "Received: from localhost [127.0.0.1]\r\n"
        "\tby laptop.home.example with POP3 (fetchmail-6.4.37)\r\n"
        "\tfor <ann@localhost> (single-drop); Thu, 10 Jan 2002 16:20:00 -0600",
        "Received: from news.example.net (news.example.net [198.51.100.35])\r\n"
        "\tby mx.fabrikam.com (8.11.4/8.11.4) with ESMTP id g0AMAB920109\r\n"
        "\tfor <ann@fabrikam.com>; Thu, 10 Jan 2002 16:10:11 -0600 (CST)",
    )
    assert _where(*lines) == "Sendmail: folder unknown"


def test_a_stand_alone_iis_smtp_boundary_keeps_its_own_name() -> None:
    # the IIS SMTP service as the boundary itself (no mailbox server seen above it): not Exchange
    line = (
        "Received: from news.example.net ([198.51.100.35]) by smtp.fabrikam.com with "
        "Microsoft SMTPSVC(7.5.7601.17514); Thu, 10 Jan 2002 16:10:15 -0600"
    )
    assert _where(line) == "Microsoft IIS SMTP service: folder unknown"
