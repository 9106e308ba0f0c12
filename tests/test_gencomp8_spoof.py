"""Round 8, spoof calls without the receiver's Authentication-Results (issue 11): a big mail
provider's address entering from a host that is not the provider's, and Google's sending part
copied under another sender's line. Synthetic messages of the shapes seen on real mail (names and
addresses are ours), each failing on the code before its rule."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from tests.test_diagnosis import _msg

# -- a big provider's address entering from an unrelated host, no verdict anywhere ---------------


def _no_ar(client: str, *below: str, sender: str = "lisa_4321@yahoo.com") -> bytes:
    return _msg(
        f"Return-Path: <{sender}>",
        f"Received: from {client} by mx.recipient.example (8.12.5/8.12.5) with ESMTP id "
        "g7CE00aa012345 for <user@recipient.example>; Mon, 12 Aug 2002 10:00:05 -0400",
        *below,
        f'From: "Lisa" <{sender}>',
        "To: user@recipient.example",
        "Subject: hi there",
        "Date: Mon, 12 Aug 2002 09:59:00 -0400",
        "Message-ID: <20020812135900.123@example.net>",
    )


_OPEN_RELAY = "relay.openrelay.example (relay.openrelay.example [198.51.100.20])"
_FORGED_BELOW = (
    "Received: from yahoo.com (unknown [203.0.113.50]) by relay.openrelay.example "
    "(8.11.6/8.11.6) with SMTP id g7CDxx; Mon, 12 Aug 2002 09:59:58 -0400"
)


def test_a_providers_address_entering_from_an_open_relay_is_probably_a_spoof() -> None:
    """measure8: forged yahoo.com / gmx.net From through open relays at receivers that wrote no
    Authentication-Results read "nothing authenticates the sender"; Yahoo's users' mail leaves
    only from Yahoo's own servers."""
    for client, sender in (
        (_OPEN_RELAY, "lisa_4321@yahoo.com"),
        ("yahoo.com (unknown [203.0.113.50])", "lisa_4321@yahoo.com"),
        ("bot.dsl.example (bot.dsl.example [203.0.113.51])", "kurt.w@gmx.net"),
        ("CM-vtr0-1.cm.cable.example (unknown [203.0.113.52])", "Gagnen@mindspring.com"),
    ):
        d = diagnose(analyze(_no_ar(client, _FORGED_BELOW, sender=sender)))
        sp = d.get("spoof")
        assert sp is not None and sp.fact("sign") == "provider", d.headline
        dom = sender.rpartition("@")[2]
        assert d.headline.startswith(f"Probably a spoof of {dom}")
        assert "pass" not in d.headline


def test_a_providers_own_server_or_a_forward_of_its_mail_is_no_spoof() -> None:
    genuine = (
        "sonic301-2.consmr.mail.bf2.yahoo.com (sonic301-2.consmr.mail.bf2.yahoo.com [74.6.129.41])"
    )
    forwarded = (
        "Received: from sonic301-2.consmr.mail.bf2.yahoo.com "
        "(sonic301-2.consmr.mail.bf2.yahoo.com [74.6.129.41]) by fwd.univ.example (Postfix) with "
        "ESMTPS id 1A for <old@univ.example>; Mon, 12 Aug 2002 09:59:58 -0400"
    )
    claims = "sonic301-2.consmr.mail.bf2.yahoo.com ([203.0.113.50])"  # no name recorded
    for msg in (
        _no_ar(genuine),
        _no_ar("fwd.univ.example (fwd.univ.example [192.0.2.90])", forwarded),
        _no_ar(claims),
        _no_ar(_OPEN_RELAY, sender="someone@smallco.example"),
    ):
        d = diagnose(analyze(msg))
        assert d.get("spoof") is None or d.get("spoof").fact("sign") != "provider", d.headline


def test_a_receivers_own_verdict_still_decides_before_where_it_came_from() -> None:
    """With a verdict of the receiver's (here SPF pass for the provider), the reading stays off:
    it is only for mail nothing checked."""
    ar = (
        "Authentication-Results: mx.recipient.example; spf=pass "
        "smtp.mailfrom=lisa_4321@yahoo.com; dkim=pass header.d=yahoo.com"
    )
    msg = _msg(ar, *_no_ar(_OPEN_RELAY).decode().split("\r\n\r\n")[0].split("\r\n"))
    d = diagnose(analyze(msg))
    assert d.get("spoof") is None or d.get("spoof").fact("sign") != "provider"


# -- Google's sending part copied under another sender's line ----------------------------------

_COPIED = (
    "Received: by mail-wr1-f65.google.com with SMTP id ffacd0b85a97d-33b6so1f8f.1 for "
    "<user@recipient.example>; Mon, 12 Aug 2002 06:59:50 -0700 (PDT)",
    "X-Gm-Message-State: AOJu0YwQvS1x2y3z4A5B6C7D8E9F0",
    "X-Google-DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=1e100.net; s=20230601; "
    "h=to:subject:from; bh=abc=; b=def=",
)


def test_a_copied_gmail_part_under_an_unrelated_entry_is_named_forged() -> None:
    msg = _no_ar(
        "vps-203.hosting.example (vps-203.hosting.example [203.0.113.44])",
        *_COPIED,
        sender="lisa.mkt4471@gmail.com",
    )
    d = diagnose(analyze(msg))
    forged = d.get("forged-received")
    assert forged is not None and forged.hop_number == 1
    assert any("mail-wr1-f65.google.com" in e and "no Google server" in e for e in forged.evidence)


def test_gmail_mail_from_google_or_relayed_on_keeps_its_google_lines() -> None:
    google = "mail-wr1-f65.google.com (mail-wr1-f65.google.com [209.85.221.65])"
    gateway = (
        "Received: from mail-wr1-f65.google.com (mail-wr1-f65.google.com [209.85.221.65]) by "
        "out.gateway.example with ESMTPS id q1; Mon, 12 Aug 2002 09:59:55 -0400"
    )
    # Gmail used as the client of the sender's own server ("send mail as" through its SMTP):
    # that server's submission line, with no from-clause, sits between Google's part and the entry
    send_as = (
        "Received: by mail.author.example (Author Mail Server) with ESMTPSA id 943b89ab "
        "for <user@recipient.example>; Mon, 12 Aug 2002 13:59:56 +0000 (UTC)"
    )
    for msg in (
        _no_ar(google, *_COPIED, sender="lisa.mkt4471@gmail.com"),
        _no_ar(
            "mail.author.example (mail.author.example [192.0.2.92])",
            send_as,
            *_COPIED,
            sender="jason@author.example",
        ),
        _no_ar(
            "out.gateway.example (out.gateway.example [192.0.2.91])",
            gateway,
            *_COPIED,
            sender="ceo@workspace-customer.example",
        ),
    ):
        assert "forged-received" not in diagnose(analyze(msg)).labels()
