"""The receiving provider's own verdicts credited to it (issue 11, round 8): the
Authentication-Results Yandex's MX front writes under its own line; each loosening beside the
planted-field attack it must resist."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.facts import Outcome
from headerlens.model.provenance import Author
from headerlens.report.render import render
from tests.dnslab import LabDns
from tests.test_diagnosis import _msg
from tests.test_genattr4 import _authors, _stamped
from tests.test_genbound2 import BODY, A, _spoof

# --- 1. Yandex's MX front: its Authentication-Results, first in its block -----------------

_FRONT = "mail-nwsmtp-mxfront-production-main-80.iva.yp-c.yandex.net"
_TOP = (
    "Received: from postback1a.mail.yandex.net (postback1a.mail.yandex.net "
    "[2a02:6b8:c0e:500:1:45:d181:da01])\r\n"
    "\tby mail-notsolitesrv-production-main-25.vla.yp-c.yandex.net (notsolitesrv) with LMTPS "
    "id KqxkfzltabX8\r\n\tfor <ann@rcpt.example>; Wed, 06 May 2026 08:17:28 +0300",
    f"Received: from {_FRONT} ({_FRONT} [IPv6:2a02:6b8:c0c:d10c:0:640:b29a:0])\r\n"
    "\tby postback1a.mail.yandex.net (Yandex) with ESMTPS id 36CF1C02F5\r\n"
    "\tfor <ann@rcpt.example>; Wed, 06 May 2026 08:17:28 +0300 (MSK)",
)


def _front_line(client: str, ip: str) -> str:
    return (
        f"Received: from {client} ({client} [{ip}])\r\n"
        f"\tby {_FRONT} (mxfront) with ESMTPS id RHZvDt3LE8c0-p1YeqryX;\r\n"
        "\tWed, 06 May 2026 08:17:27 +0300"
    )


def _ar(ident: str, spf: str, ip: str, dkim: str = "dkim=pass header.i=@sender.example") -> str:
    return (
        f"Authentication-Results: {ident}; spf={spf} ({ident}: domain of sender.example "
        f"designates {ip} as permitted sender) smtp.mail=bob@sender.example; {dkim}"
    )


def _yandex(*block: str, client: str = "mail.sender.example", ip: str = "192.0.2.25") -> bytes:
    """A message from mail.sender.example into Yandex 360 (mxfront → postback → LMTP)."""
    return _msg(
        *_TOP,
        _front_line(client, ip),
        *block,
        "Received: from [198.51.100.7] by mail.sender.example with ESMTPSA id q1\r\n"
        "\tfor <ann@rcpt.example>; Wed, 06 May 2026 08:17:20 +0300",
        "DKIM-Signature: v=1; a=rsa-sha256; d=sender.example; s=s1; h=from:to:subject; "
        "bh=AAAA; b=BBBB",
        "From: Bob <bob@sender.example>",
        "To: ann@rcpt.example",
        "Subject: tickets",
        "Date: Wed, 06 May 2026 08:17:14 +0300",
        "Message-ID: <t1@sender.example>",
        "Return-Path: bob@sender.example",
    )


_OWN = ("X-Yandex-Fwd: 1", _ar(_FRONT, "pass", "192.0.2.25"), "X-Yandex-Spam: 1")


def test_yandex_front_authentication_results_are_yandexs() -> None:
    a = analyze(_yandex(*_OWN))
    assert _authors(a, "authentication-results") == [Author.FINAL_RECEIVER]
    assert _stamped(a) == {"spf": "pass", "dkim": "pass"}
    d = diagnose(a, None)
    assert "wrote no authentication verdict" not in d.headline
    assert "pass not tied to the receiver" not in render(a, None, "summary")


def test_attack_planted_yandex_block_under_the_fronts_own() -> None:
    """The sender plants a copy of Yandex's block (spf=pass dkim=pass, X-Yandex-Spam: 1) at the
    top of its header: Yandex's own block comes first, and only it counts."""
    own = (
        "X-Yandex-Fwd: 1",
        _ar(_FRONT, "softfail", "192.0.2.99", "dkim=none"),
        "X-Yandex-Spam: 1",
    )
    planted = ("X-Yandex-Fwd: 1", _ar(_FRONT, "pass", "192.0.2.99"), "X-Yandex-Spam: 1")
    a = analyze(_yandex(*own, *planted, client="spoof.attacker.example", ip="192.0.2.99"))
    own_ar, planted_ar = _authors(a, "authentication-results")
    assert own_ar is Author.FINAL_RECEIVER
    assert planted_ar is not Author.FINAL_RECEIVER
    assert _stamped(a) == {"spf": "softfail", "dkim": "none"}


def test_attack_planted_pass_without_the_fronts_verdict() -> None:
    """A pass under the front's line with no X-Yandex-Spam beside it (the front writes one on
    every message: a copy trimmed of its block, the sender's field first) stays unknown."""
    a = analyze(_yandex(_ar(_FRONT, "pass", "192.0.2.25")))
    assert _authors(a, "authentication-results") == [Author.UNKNOWN]
    assert "spf" not in _stamped(a)


def test_attack_pass_naming_another_yandex_host() -> None:
    """An authserv-id of another Yandex host (not the front that wrote the line) is not the
    front's own stamp."""
    other = _ar("mxback7o.mail.yandex.net", "pass", "192.0.2.25")
    a = analyze(_yandex("X-Yandex-Fwd: 1", other, "X-Yandex-Spam: 1"))
    assert Author.FINAL_RECEIVER not in _authors(a, "authentication-results")
    assert "spf" not in _stamped(a)


def test_attack_pass_after_the_fronts_spam_verdict() -> None:
    """A front that wrote no Authentication-Results leaves its X-Yandex-Spam right above the
    sender's header: a planted pass (with a planted verdict of its own) after it is not the
    front's."""
    planted = (_ar(_FRONT, "pass", "192.0.2.25"), "X-Yandex-Spam: 1")
    a = analyze(_yandex("X-Yandex-Fwd: 1", "X-Yandex-Spam: 4", *planted))
    assert Author.FINAL_RECEIVER not in _authors(a, "authentication-results")
    assert "spf" not in _stamped(a)


# --- 2. DSPAM's verdict appended with the final mailbox's filter run ------------------------


def _dspam(*tail: str) -> bytes:
    """A Postfix host with an amavisd-maia loop; DSPAM's and Maia's fields close the header
    (zammad's mail044 shape, 2016)."""
    return _msg(
        "Return-Path: <ann@freemail.example>",
        "Delivered-To: support@rcpt.example",
        "Received: from localhost (localhost [127.0.0.1])\r\n"
        "\tby mail.rcpt.example (Postfix) with ESMTP id 03C7C4D8103\r\n"
        "\tfor <support@rcpt.example>; Wed,  2 Nov 2016 01:33:22 +0100 (CET)",
        "Received: from mail.rcpt.example ([127.0.0.1])\r\n"
        " by localhost (mail.rcpt.example [127.0.0.1]) (amavisd-maia, port 10024)\r\n"
        " with ESMTP id 19269-07 for <support@rcpt.example>;\r\n"
        " Wed,  2 Nov 2016 01:33:11 +0100 (CET)",
        "Received: from freemail.example. (unknown [203.0.113.128])\r\n"
        "\tby mail.rcpt.example (Postfix) with ESMTP id 6E6634D8102\r\n"
        "\tfor <support@rcpt.example>; Wed,  2 Nov 2016 01:33:08 +0100 (CET)",
        "From: Ann <ann@freemail.example>",
        "To: support@rcpt.example",
        "Subject: training offer",
        "Date: Wed, 2 Nov 2016 08:33:12 +0800",
        "Message-Id: <20161102003309.6E6634D8102@mail.rcpt.example>",
        *tail,
    )


_MAIA = (
    "X-Virus-Scanned: Maia Mailguard 1.0.4",
    "X-Spam-Status: No, hits=7.857 tagged_above=0 required=999\r\n"
    " tests=RCVD_IN_PBL=3.558, RCVD_IN_XBL=0.724, RDNS_NONE=1.274, SPF_NEUTRAL=0.652",
    "X-Spam-Level: *******",
)


def _dspam_run(result: str) -> tuple[str, ...]:
    return (
        f"X-DSPAM-Result: {result}",
        "X-DSPAM-Processed: Wed Nov  2 01:33:20 2016",
        "X-DSPAM-Confidence: 0.9625",
        "X-DSPAM-Probability: 1.0000",
        "X-DSPAM-Signature: 58193450197451094618578",
    )


def test_dspam_spam_closing_the_header_is_the_mailboxs_junk() -> None:
    a = analyze(_dspam(*_dspam_run("Spam"), *_MAIA))
    assert _authors(a, "x-dspam-result") == [Author.FINAL_RECEIVER]
    d = diagnose(a, None)
    assert d.outcome.outcome is Outcome.JUNK
    assert "filed it in Junk" in d.headline


def test_attack_planted_dspam_innocent_is_no_inbox() -> None:
    """A planted "Innocent" where the mailbox's filter appends gains the sender nothing."""
    a = analyze(_dspam(*_dspam_run("Innocent"), *_MAIA))
    assert Author.FINAL_RECEIVER not in _authors(a, "x-dspam-result")
    assert diagnose(a, None).outcome.outcome is not Outcome.INBOX


def test_dspam_spam_inside_the_senders_header_is_not_the_mailboxs() -> None:
    """A DSPAM verdict followed by the message's own fields is not in the run that closes the
    header: it came with the message (another site's filter, or planted)."""
    a = analyze(_dspam(*_dspam_run("Spam"), "X-Mailer: Foxmail 4.1 [cn]", "X-Priority: 3"))
    assert Author.FINAL_RECEIVER not in _authors(a, "x-dspam-result")
    assert diagnose(a, None).outcome.outcome is not Outcome.JUNK


# --- 3. Re-verified: a spoof through Yandex's front with a planted Yandex block -------------


def _front_spoof(*block: str) -> bytes:
    """The attacker (genbound2's A) sends a contoso.com (p=reject) spoof straight to Yandex's
    front; ``block`` is what sits between the front's line and the spoof's own header."""
    top = "".join(line + "\r\n" for line in _TOP)
    entry = _front_line("attacker.example", A) + "\r\n"
    return (top + entry + "".join(line + "\r\n" for line in block) + BODY).encode()


_PLANTED = (
    "X-Yandex-Fwd: 1",
    f"Authentication-Results: {_FRONT}; spf=pass smtp.mail=bounce@contoso.com; dkim=pass "
    "header.i=@contoso.com; dmarc=pass header.from=contoso.com",
    "X-Yandex-Spam: 1",
)


def test_attack_planted_yandex_block_on_a_spoof_never_passes(lab_dns: LabDns) -> None:
    own = (
        "X-Yandex-Fwd: 1",
        f"Authentication-Results: {_FRONT}; spf=softfail ({_FRONT}: domain of contoso.com does "
        f"not designate {A} as permitted sender) smtp.mail=bounce@contoso.com",
        "X-Yandex-Spam: 1",
    )
    a = analyze(_front_spoof(*own, *_PLANTED))
    assert _stamped(a) == {"spf": "softfail"}
    _spoof(a, lab_dns)
    assert "in order" not in diagnose(a, None).headline


def test_attack_planted_pass_where_yandex_wrote_no_results(lab_dns: LabDns) -> None:
    """The 2024 shape: the front wrote only X-Yandex-Fwd and its X-Yandex-Spam: 4."""
    a = analyze(_front_spoof("X-Yandex-Fwd: 1", "X-Yandex-Spam: 4", *_PLANTED))
    assert "spf" not in _stamped(a) and "dmarc" not in _stamped(a)
    _spoof(a, lab_dns)
    assert diagnose(a, None).outcome.outcome is Outcome.JUNK
