"""The bounce code catalogue: lookup order, documented entries only, RFC 3463 fallback."""

from __future__ import annotations

import pytest

from headerlens.model import WhoActs
from headerlens.parsers.ndr_codes import TEXTS, VENDOR, lookup
from headerlens.parsers.ndr_text import clean_reply, reply_parts, sending_ip


@pytest.mark.parametrize(
    ("status", "diagnostic", "vendor", "smtp", "key", "matched"),
    [
        # a documented rejection text wins over its code: GoDaddy answers SPF with 5.1.0
        (
            "5.1.0",
            "550 5.1.0 192.0.2.1 is not allowed to send from <x.example> per it's SPF "
            "Record. IB508",
            None,
            550,
            "text:spf-ib508",
            "vendor-text",
        ),
        (
            "5.7.606",
            "550 5.7.606 Access denied, banned sending IP [192.0.2.1]",
            "microsoft",
            550,
            "5.7.606",
            "vendor-code",
        ),
        # the documented range 5.7.606-649 shares one entry
        ("5.7.620", "550 5.7.620 Access denied", "microsoft", 550, "5.7.620", "vendor-code"),
        ("5.7.650", "550 5.7.650 x", "microsoft", 550, "5.7.x", "rfc3463-class"),
        # no documented meaning found for 5.7.510: its RFC 3463 class, nothing invented
        ("5.7.510", "550 5.7.510 x", "microsoft", 550, "5.7.x", "rfc3463-class"),
        ("5.7.26", "550 5.7.26 x - gsmtp", "google", 550, "5.7.26", "vendor-code"),
        (
            "5.7.9",
            "554 5.7.9 Message not accepted for policy reasons",
            "yahoo",
            554,
            "5.7.9",
            "vendor-code",
        ),
        ("5.2.2", "552 5.2.2 full", None, 552, "5.2.2", "rfc3463-detail"),
        (
            None,
            "554 delivery error: dd Requested mail action aborted",
            None,
            554,
            "5.0.0",
            "rfc3463-detail",
        ),
        (None, "no code at all", None, None, "", "none"),
    ],
)
def test_lookup_order(
    status: str | None,
    diagnostic: str,
    vendor: str | None,
    smtp: int | None,
    key: str,
    matched: str,
) -> None:
    m = lookup(status, diagnostic, vendor, smtp)
    assert (m.key, m.matched) == (key, matched)
    assert m.source


def test_temporary_failures_need_nobody() -> None:
    m = lookup("4.4.1", "451 4.4.1 no answer", None, 451)
    assert m.who_acts is WhoActs.NOBODY and "Temporary" in m.explanation


def test_every_entry_cites_a_document() -> None:
    for key, _rx, entry in TEXTS:
        assert entry.source and entry.explanation and entry.fix, key
    for code, entry in VENDOR.items():
        assert entry.source and entry.explanation and entry.fix, code
        assert entry.source.startswith(("Microsoft", "Google", "Gmail", "Yahoo")), code


def test_reply_reading() -> None:
    assert clean_reply(
        "550-5.7.26 This mail has been blocked. 550-5.7.26 Gmail requires all.\n"
        "    550-5.7.26 550-5.7.26  Authentication results: 550 5.7.26 https://x - gsmtp"
    ) == (
        "550-5.7.26 This mail has been blocked. Gmail requires all. Authentication results: "
        "https://x - gsmtp"
    )
    assert reply_parts("smtp; 550 5.7.1 <a@b>: Recipient address rejected") == (550, "5.7.1")
    assert reply_parts("550: : User unknown") == (550, None)
    assert reply_parts("#5.1.1 smtp;550 x") == (None, "5.1.1")
    assert sending_ip("550 5.7.606 Access denied, banned sending IP [198.51.100.2].") == (
        "198.51.100.2"
    )
    assert sending_ip("SPF [x.example] with ip: [192.0.2.22] = did not pass") == "192.0.2.22"
    assert sending_ip("550 5.7.509 Access denied, sending domain [X.EXAMPLE] does not") is None


def test_exchange_2010_hash_reply_is_read() -> None:
    # Exchange 2007/2010 write the remote reply between '#' and '##'
    from headerlens.parsers.ndr_text import exchange

    text = (
        "Delivery has failed to these recipients or groups:\n\n"
        "Diagnostic information for administrators:\n\n"
        "Generating server: EX2010.contoso.example\n\n"
        "user@fabrikam.example\n"
        "mx.fabrikam.example #550 5.1.1 <user@fabrikam.example>: Recipient address rejected: "
        "User unknown ##\n\n"
        "Original message headers:\n\nReceived: from a by b\n"
    )
    hits, generating = exchange(text)
    assert generating == "EX2010.contoso.example"
    (hit,) = hits
    assert (hit.address, hit.remote_mta) == ("user@fabrikam.example", "mx.fabrikam.example")
    assert hit.diagnostic.startswith("550 5.1.1 <user@fabrikam.example>: Recipient address")


def test_gmail_notice_pasted_as_text() -> None:
    # Gmail's "Address not found" notice, pasted without headers (layout as Gmail writes it)
    from headerlens.analyze import analyze
    from headerlens.model import NdrFormat, Rejecter

    text = (
        "** Address not found **\n\n"
        "Your message wasn't delivered to nobody@example.net because the address couldn't be "
        "found, or is unable to receive mail.\n\n"
        "The response from the remote server was:\n"
        "550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown in virtual "
        "mailbox table\n"
    )
    ndr = analyze(text.encode()).ndr
    assert ndr is not None and ndr.format is NdrFormat.GMAIL
    (r,) = ndr.recipients
    assert (r.address, r.effective_status, r.smtp_code) == ("nobody@example.net", "5.1.1", 550)
    assert r.rejecter is Rejecter.RECIPIENT_SERVER
    assert r.meaning is not None and r.meaning.key == "text:user-unknown"


@pytest.mark.parametrize(
    ("status", "diagnostic", "vendor"),
    [
        ("5.1.0", "550 5.1.0 192.0.2.1 is not allowed to send from <x.example> per it's SPF", None),
        ("5.7.1", "550 5.7.1 SPF check failed for x.example", None),
        ("5.7.27", "550 5.7.27 The sender's domain does not pass SPF - gsmtp", "google"),
    ],
)
def test_spf_refusal_fix_never_authorises_a_forger_by_default(
    status: str, diagnostic: str, vendor: str | None
) -> None:
    # a refusal for SPF also reaches the owner of a forged envelope (backscatter): adding the
    # refused server to SPF is the fix only for mail the reader really sent
    fix = lookup(status, diagnostic, vendor, 550).fix
    assert "If your organisation sent the original through that server" in fix
    assert "backscatter" in fix and "add nothing" in fix
    assert not fix.startswith("Add the sending server")
