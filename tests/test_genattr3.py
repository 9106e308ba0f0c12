"""The receiver's own verdicts credited to their writer: Yahoo/AOL's mailbox tier, one
provider on both ends, a self-hosted receiver's stamps under its own lines."""

from __future__ import annotations

import asyncio

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.facts import Diagnosis
from headerlens.dnsclient.resolver import OfflineResolver
from headerlens.evaluators.verify import verify
from headerlens.model.analysis import Analysis
from headerlens.model.provenance import Author
from headerlens.model.verification import VerifyMode
from headerlens.stamped import final_receiver_results
from tests.test_diagnosis import _msg


def _offline(raw: bytes) -> tuple[Analysis, Diagnosis]:
    a = analyze(raw, source_name="m.eml")
    v = asyncio.run(verify(a, OfflineResolver(), mode=VerifyMode.OFFLINE))
    return a, diagnose(a, v)


def _author(a: Analysis, name: str, nth: int = 0) -> Author | None:
    f = [f for f in a.headers if f.lname == name][nth]
    found = a.provenance.of(f.index)
    return found.author if found is not None else None


def _stamped(a: Analysis) -> dict[str, str]:
    return {
        r.method.lower(): r.result.lower() for ar in final_receiver_results(a) for r in ar.results
    }


# --- 1. Yahoo / AOL: the atlas mailbox tier restates the client of Yahoo's inbound MTA -------

_ATLAS = "atlas301.free.mail.ne1.yahoo.com"
_CLIENT = "198.51.100.61"


def _yahoo(
    *,
    x_atlas: str | None = f"X-Atlas-Received: from 10.218.250.15 by {_ATLAS} with http; "
    "Wed, 10 Jun 2020 10:11:23 +0000",
    mta_ip: str = _CLIENT,
    ar: str = "dkim=pass header.i=@news.contoso.example header.s=s1;\r\n spf=pass "
    "smtp.mailfrom=news.contoso.example;\r\n dmarc=success(p=REJECT) header.from=news.contoso.example;",
    planted: tuple[str, ...] = (),
) -> bytes:
    """Yahoo's 2020 layout (deltachat's yahoo_ndn / aol_ndn): the X-Atlas-Received at the top,
    the atlas host's SMTP line, its block, then the line of Yahoo's inbound MTA."""
    return _msg(
        *([x_atlas] if x_atlas else []),
        "Return-Path: <bounce@news.contoso.example>",
        f"Received: from {_CLIENT} (EHLO out.news.contoso.example)\r\n by {_ATLAS} with SMTPs; "
        "Wed, 10 Jun 2020 10:11:23 +0000",
        f"X-Originating-Ip: [{_CLIENT}]",
        "Received-SPF: pass (domain of news.contoso.example designates "
        f"{_CLIENT} as permitted sender)",
        f"Authentication-Results: {_ATLAS};\r\n {ar}",
        "X-Apparently-To: ann@yahoo.com; Wed, 10 Jun 2020 10:11:23 +0000",
        f"X-Originating-IP: [{_CLIENT}]",
        *planted,
        f"Received: from 10.217.135.16  (EHLO out.news.contoso.example) ({mta_ip})\r\n  by "
        "mta4301.mail.ne1.yahoo.com with SMTPS; Wed, 10 Jun 2020 10:11:21 +0000",
        "DKIM-Signature: v=1; a=rsa-sha256; d=news.contoso.example; s=s1; h=from; bh=AA; b=abcd",
        "From: Contoso News <news@news.contoso.example>",
        "To: ann@yahoo.com",
        "Subject: June news",
        "Date: Wed, 10 Jun 2020 10:11:19 +0000",
        "Message-ID: <n1@news.contoso.example>",
    )


def test_yahoo_atlas_line_restates_the_inbound_mta_whose_line_is_the_boundary() -> None:
    """B06/B13 shape: Yahoo's own Authentication-Results, below the atlas host's line and above
    its inbound MTA's, is the final receiver's, not "an intermediary's"."""
    a = analyze(_yahoo())
    b = a.chain.boundary
    assert b is not None and b.hop_number == 1 and b.ip == _CLIENT and b.unconfirmed is None
    assert b.receiver == "mta4301.mail.ne1.yahoo.com"
    assert _author(a, "authentication-results") is Author.FINAL_RECEIVER
    assert _author(a, "received-spf") is Author.FINAL_RECEIVER
    assert _stamped(a).get("dkim") == "pass"


def test_without_the_x_atlas_received_the_atlas_line_is_not_taken_as_a_restatement() -> None:
    """Red team: with no X-Atlas-Received above it, nothing shows the atlas host took the message
    from Yahoo's own MTA: a "by mta….yahoo.com" line the sender wrote below it (its own IP) must
    not become the boundary and make the sender's top fields the receiver's."""
    planted = (
        "Authentication-Results: mta4301.mail.ne1.yahoo.com; dmarc=pass header.from=bank.example",
    )
    a = analyze(_yahoo(x_atlas=None, planted=planted))
    b = a.chain.boundary
    assert b is not None and b.receiver == _ATLAS
    assert _author(a, "authentication-results", 1) is not Author.FINAL_RECEIVER
    assert "dmarc" not in _stamped(a) or _stamped(a)["dmarc"] != "pass"


def test_an_x_atlas_received_below_the_atlas_line_or_naming_another_host_does_not_count() -> None:
    below = (
        f"X-Atlas-Received: from 10.1.2.3 by {_ATLAS} with http; Wed, 10 Jun 2020 10:11:22 +0000"
    )
    a = analyze(_yahoo(x_atlas=None, planted=(below,)))
    assert a.chain.boundary is not None and a.chain.boundary.receiver == _ATLAS
    other = "X-Atlas-Received: from 10.1.2.3 by atlas9.free.mail.ne1.yahoo.com with http; Wed, 10 Jun 2020 10:11:23 +0000"
    a2 = analyze(_yahoo(x_atlas=other))
    assert a2.chain.boundary is not None and a2.chain.boundary.receiver == _ATLAS


def test_a_line_below_naming_another_client_is_no_restatement() -> None:
    """The MTA line below names another address than the atlas line: the atlas line's client
    stays the entry (the line below is not what Yahoo's MTA accepted from that client)."""
    a = analyze(_yahoo(mta_ip="203.0.113.9"))
    b = a.chain.boundary
    assert b is not None and b.receiver == _ATLAS and b.ip == _CLIENT


def _yahoo_bounce() -> bytes:
    """A Yahoo failure notice delivered to a Yahoo mailbox, its body changed after signing (a
    trimmed paste): the bounce's own DKIM body hash fails offline."""
    return (
        _yahoo(
            ar="dkim=pass header.i=@yahoo.com header.s=@bounce;\r\n spf=none "
            "smtp.mailfrom=sonic1.consmr.mail.ir2.yahoo.com;\r\n dmarc=success(p=REJECT) "
            "header.from=yahoo.com;",
        )
        .replace(
            b"From: Contoso News <news@news.contoso.example>", b"From: MAILER-DAEMON@yahoo.com"
        )
        .replace(b"Subject: June news", b"Subject: Failure Notice")
        .replace(
            b"d=news.contoso.example; s=s1; h=from; bh=AA",
            b"d=yahoo.com; s=bounce; h=from; bh=4BmZzBC/nu0AJ9r0i0xNuCENks2KZcuXCbjSHdzbg9Y=",
        )
        .replace(
            b"\r\n\r\nbody\r\n",
            b"\r\n\r\nSorry, we were unable to deliver your message to the following address.\r\n\r\n"
            b"<ghost@yahoo.com>:\r\n554: delivery error: dd Not a valid recipient - "
            b"atlas117.free.mail.ne1.yahoo.com\r\n\r\n--- Below this line is a copy of the message.\r\n",
        )
    )


def test_a_yahoo_bounce_tied_by_yahoos_own_stamps_is_not_called_forged() -> None:
    """The receiver stamped dkim=pass yahoo.com and dmarc success at delivery: the bounce is tied
    to Yahoo even though the pasted body no longer matches the signature's body hash."""
    a, d = _offline(_yahoo_bounce())
    assert _author(a, "authentication-results") is Author.FINAL_RECEIVER
    assert "may be forged" not in d.headline and "nothing ties" not in d.headline.lower()
    n = d.get("ndr")
    assert n is not None and not n.fact("unvouched") and not n.fact("untied")
