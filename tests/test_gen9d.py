"""Everyday mail at consumer and hosted receivers: who files the message, forwards that keep the
author's signature, and the other shapes found reading real deliveries (synthetic messages)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.wording import fix as fix_for
from headerlens.report.verdicts import bar_line
from tests.test_diagnosis import _msg
from tests.test_genbound import _tail

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


def _gmail_forward(dkim: str) -> bytes:
    """A Google Workspace mailbox (fabrikam.com) auto-forwards to a gmail.com address; the
    author's provider signs with its own domain only (d=mailhost.example, not contoso.com)."""
    ar = (
        "mx.google.com;\r\n"
        f"       {dkim} header.s=s1 header.b=abc;\r\n"
        "       arc=pass (i=1 spf=pass spfdomain=contoso.com dkim=pass dkdomain=mailhost.example"
        " dmarc=pass fromdomain=contoso.com);\r\n"
        "       spf=neutral (google.com: 209.85.220.41 is neither permitted nor denied by best"
        " guess record for domain of ann+caf_=ann.b=gmail.com@fabrikam.com)"
        ' smtp.mailfrom="ann+caf_=ann.b=gmail.com@fabrikam.com";\r\n'
        "       dmarc=fail (p=REJECT sp=REJECT dis=NONE arc=pass) header.from=contoso.com"
    )
    return _msg(
        "Received: by 2002:a4a:8e45:0:0:0:0:0 with SMTP id z5csp1;"
        " Mon, 2 Nov 2020 01:57:25 -0800 (PST)",
        f"ARC-Authentication-Results: i=2; {ar}",
        "Return-Path: <ann+caf_=ann.b=gmail.com@fabrikam.com>",
        "Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41])\r\n"
        "        by mx.google.com with SMTPS id e21sor1.1\r\n"
        "        for <ann.b@gmail.com>\r\n"
        "        (Google Transport Security);\r\n"
        "        Mon, 02 Nov 2020 01:57:24 -0800 (PST)",
        "Received-SPF: neutral (google.com: 209.85.220.41 is neither permitted nor denied by best"
        " guess record for domain of ann+caf_=ann.b=gmail.com@fabrikam.com)"
        " client-ip=209.85.220.41;",
        f"Authentication-Results: {ar}",
        "X-Forwarded-To: ann.b@gmail.com",
        "X-Forwarded-For: ann@fabrikam.com ann.b@gmail.com",
        "Delivered-To: ann@fabrikam.com",
        "Received: by 2002:a19:24c6:0:0:0:0:0 with SMTP id k189csp1;"
        " Mon, 2 Nov 2020 01:57:23 -0800 (PST)",
        "Received: from out.mailhost.example (out.mailhost.example. [198.51.100.7])\r\n"
        "        by mx.google.com with ESMTPS id j19si1.1\r\n"
        "        for <ann@fabrikam.com>;\r\n"
        "        Mon, 02 Nov 2020 01:57:23 -0800 (PST)",
        "From: bob@contoso.com",
        "To: ann@fabrikam.com",
        "Subject: hello",
        "Date: Mon, 02 Nov 2020 09:57:17 +0000",
        "Message-ID: <f1@contoso.com>",
    )


def test_an_arc_accepted_forward_whose_only_dkim_is_a_providers_puts_no_fix_on_the_forwarder() -> (
    None
):
    d = diagnose(analyze(_gmail_forward("dkim=pass header.i=@mailhost.example")), None)
    fwd = next(s for s in d.situations if s.label == "forward-srs")
    assert fwd.fact("unaligned-dkim") == "mailhost.example"
    fix = fix_for(fwd)
    assert fix.startswith("Nothing to fix at the forwarder")
    assert "If this is contoso.com's own mail, contoso.com should also sign" in fix
    assert "not the From domain" in d.headline and "fix at the forwarder" not in d.headline


def test_an_aligned_signature_that_broke_keeps_the_fix_at_the_forwarder() -> None:
    # the From domain's own signature broke on the way: the provider-signature advice does not fit
    d = diagnose(analyze(_gmail_forward("dkim=fail header.i=@contoso.com")), None)
    fwd = next(s for s in d.situations if s.label == "forward-srs")
    assert fwd.fact("unaligned-dkim") is None
    assert not fix_for(fwd).startswith("Nothing to fix at the forwarder")
