"""Catalogue group B, identity: From, display names (research/reliability.md §4 B1-B10)."""

from __future__ import annotations

import pytest

from tests.catalogue import MSG, codes, timed

FROM = b"From: Alice <alice@example.net>"


def _msg(from_lines: bytes) -> bytes:
    return MSG.replace(FROM, from_lines)


def test_b1_no_from() -> None:
    # catalogue B1 / RFC 5322 §3.6: finding; no author domain for DMARC
    a, _ = timed(_msg(b"X-Not-From: alice@example.net"))
    assert "identity.no-from" in codes(a)
    assert a.from_addr is None


@pytest.mark.parametrize(
    "lines",
    [b"From: a@example.net\r\nFrom: a@example.net", b"From: a@example.net\r\nFrom: b@evil.example"],
    ids=["same-domain", "different-domains"],
)
def test_b2_two_from_fields(lines: bytes) -> None:
    # catalogue B2 / RFC 7489 §6.6.1: critical finding showing both
    a, _ = timed(_msg(lines))
    finding = next(d for d in a.defects if d.code == "identity.multiple-from")
    assert finding.severity.value == "error"
    assert "a@example.net" in finding.message and finding.message.count("'") >= 4


@pytest.mark.parametrize(
    ("value", "domains"),
    [(b"a@example.net, b@example.net", 1), (b"a@example.net, b@evil.example", 2)],
    ids=["same-domain", "different-domains"],
)
def test_b3_several_addresses_in_one_from(value: bytes, domains: int) -> None:
    # catalogue B3 / RFC 9989: listed per domain; different domains: DMARC can't pick one
    a, _ = timed(_msg(b"From: " + value))
    finding = next(d for d in a.defects if d.code == "identity.from-multiple")
    assert ("2 domains" in finding.message) is (domains == 2)


@pytest.mark.parametrize(
    "value",
    [b"undisclosed-recipients:;", b"<attacker@example.com>:<spoofed@example.com>"],
    ids=["group", "cert-vu517845"],
)
def test_b4_group_or_obsolete_syntax(value: bytes) -> None:
    # catalogue B4 / CERT VU#517845: finding, and no author domain is guessed
    a, _ = timed(_msg(b"From: " + value))
    assert "identity.from-group" in codes(a)
    assert a.from_addr is not None and a.from_addr.domain is None


def test_b5_parsers_disagree() -> None:
    # catalogue B5 (reliability §2.1 differential table): both readings listed
    a, _ = timed(_msg(b"From: spoofed@bank.com <attacker@example.com>"))
    finding = next(d for d in a.defects if d.code == "identity.parsers-disagree")
    assert "attacker@example.com" in finding.message and "spoofed@bank.com" in finding.message


@pytest.mark.parametrize(
    "value",
    [
        b'"service@paypal.com" <x@evil.example>',
        b"=?utf-8?b?c2VydmljZUBwYXlwYWwuY29t?= <x@evil.example>",  # Mailsploit-style
    ],
    ids=["quoted", "encoded-word"],
)
def test_b6_display_name_spoofing(value: bytes) -> None:
    # catalogue B6: finding "display-name spoofing"; the real addr-spec is the author
    a, _ = timed(_msg(b"From: " + value))
    assert "identity.display-name-address" in codes(a)
    assert a.from_addr is not None and a.from_addr.domain == "evil.example"


def test_b7_quoted_local_part_with_address() -> None:
    # catalogue B7 (OpenDMARC #243): the domain is shown explicitly
    a, _ = timed(_msg(b'From: "Someone <someone@junk.com>"@mydomain.com'))
    finding = next(d for d in a.defects if d.code == "identity.quoted-local-part")
    assert "mydomain.com" in finding.message
    assert a.from_addr is not None and a.from_addr.domain == "mydomain.com"


@pytest.mark.parametrize(
    ("depth", "code"),
    [(20_000, "budget.email-parse"), (3_000, "identity.from-unparseable")],
    ids=["20k-over-size-cap", "3k-under-size-cap"],
)
def test_b8_deeply_nested_comments(depth: int, code: str) -> None:
    # catalogue B8: never a RecursionError; finding; fast
    a, seconds = timed(_msg(b"From: " + b"(" * depth + b"a@example.net"))
    assert code in codes(a)
    assert seconds < 1.0


@pytest.mark.parametrize(
    "value",
    [b"a@xn--pypal-4ve.com", "a@p\u0430ypal.com".encode()],  # Cyrillic a
    ids=["a-label", "u-label"],
)
def test_b9_idn_and_mixed_script(value: bytes) -> None:
    # catalogue B9: A-label and U-label shown; mixed scripts flagged
    a, _ = timed(_msg(b"From: " + value))
    found = codes(a)
    assert {"identity.idn", "identity.mixed-script"} <= found
    idn = next(d for d in a.defects if d.code == "identity.idn")
    assert "xn--" in idn.message


@pytest.mark.parametrize(
    ("field", "value"),
    [("Subject", "invoice\u202efdp.exe"), ("From", "Bob\u200b <bob@example.net>")],
    ids=["subject-rlo", "from-zero-width"],
)
def test_b10_hidden_characters(field: str, value: str) -> None:
    # catalogue B10 (Trojan Source CVE-2021-42574): visible marker + finding
    data = MSG.replace(FROM, b"From: " + value.encode()) if field == "From" else MSG
    if field == "Subject":
        data = data.replace(b"Subject: hello", b"Subject: " + value.encode())
    a, _ = timed(data)
    assert "display.hidden-chars" in codes(a)
    from headerlens.textsafe import inert

    shown = inert(a.subject or "") + inert(a.from_addr.display if a.from_addr else "")
    assert "\u202e" not in shown and "\u200b" not in shown
