"""Ordinary mail read right: rules found on unseen legitimate messages (lists, forwards, ESPs)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.wording import title
from tests.test_diagnosis import _msg


def _display_name(sender: str, dkim: str) -> bytes:
    return _msg(
        "Delivered-To: someone@recipient.example",
        "Authentication-Results: mx.recipient.example; "
        f"dkim=pass header.d={dkim} header.s=s1 header.b=abcdefgh; "
        f"spf=pass smtp.mailfrom={sender}; dmarc=pass (p=NONE) header.from={dkim}",
        "Received: from out.sender-host.example (out.sender-host.example [198.51.100.7]) "
        "by mx.recipient.example (Postfix) with ESMTPS id 4AB12 for <someone@recipient.example>; "
        "Sat, 07 Jun 2025 21:02:45 +0000",
        "Received: by out.sender-host.example with SMTP id 98e67; Sat, 07 Jun 2025 21:02:44 +0000",
        f"DKIM-Signature: v=1; a=rsa-sha256; d={dkim}; s=s1; h=from:to; bh=AAAA; b=abcdefghijkl",
        f'From: "billing@bigbank.example" <{sender}>',
        "To: someone@recipient.example",
        "Subject: your invoice",
        "Date: Sat, 07 Jun 2025 21:02:40 +0000",
        "Message-ID: <a1@sender-host.example>",
    )


def test_control_beside_an_impersonation_does_not_say_nothing_is_wrong() -> None:
    """A message that authenticates for its own domain but shows another domain's address as
    its name keeps ``control`` (its own authentication and path are in order) but no longer
    says "Nothing is wrong" under an impersonation error: it names the domain shown."""
    d = diagnose(analyze(_display_name("info@smallshop.example", "smallshop.example")))
    assert d.impersonation is not None and d.impersonation.imitated == "bigbank.example"
    ctl = d.get("control")
    assert ctl is not None
    text = title(ctl)
    assert not text.startswith("Nothing is wrong")
    assert "smallshop.example" in text and "bigbank.example" in text
    # the same message without the shown address is a plain control
    plain = _display_name("info@smallshop.example", "smallshop.example").replace(
        b'"billing@bigbank.example"', b'"Small Shop"'
    )
    d2 = diagnose(analyze(plain))
    assert d2.impersonation is None
    ctl2 = d2.get("control")
    assert ctl2 is not None and title(ctl2).startswith("Nothing is wrong")


def test_control_beside_an_impersonation_from_free_mail_keeps_the_account_note() -> None:
    d = diagnose(analyze(_display_name("someone.random@gmail.com", "gmail.com")))
    ctl = d.get("control")
    assert ctl is not None and d.impersonation is not None
    text = title(ctl)
    assert "an account at gmail.com, which anyone can open" in text
    assert "bigbank.example" in text and not text.startswith("Nothing is wrong")
