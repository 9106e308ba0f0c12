"""Issue 12 item 4: invisible characters, look-alike domains and odd From forms (identity)."""

from __future__ import annotations

import base64

import pytest

from headerlens.analyze import analyze
from headerlens.evaluators.verify import verify
from headerlens.model import Analysis
from headerlens.model.dns import DnsRecord
from headerlens.model.verdicts import DmarcResult, DmarcVerdict
from headerlens.textsafe import inert, md_escape
from tests.catalogue import MSG, timed
from tests.memresolver_dkim import MemoryResolver

INVISIBLE = [
    "\u00ad",  # SOFT HYPHEN
    "\u115f",  # HANGUL CHOSEONG FILLER
    "\u3164",  # HANGUL FILLER
    "\u206a",  # INHIBIT SYMMETRIC SWAPPING
    "\u206b",
    "\u206c",
    "\u206d",
    "\u206e",
    "\u206f",  # NOMINAL DIGIT SHAPES
    "\ufff9",  # INTERLINEAR ANNOTATION ANCHOR
    "\ufffa",
    "\ufffb",  # INTERLINEAR ANNOTATION TERMINATOR
]


@pytest.mark.parametrize("ch", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_invisible_format_characters_are_escaped(ch: str) -> None:
    text = f"pay{ch}pal"
    for out in (inert(text), md_escape(text)):
        assert ch not in out
        assert (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}") in out


@pytest.mark.parametrize("ch", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
@pytest.mark.parametrize("field", ["Subject", "From"])
def test_invisible_format_characters_are_named_in_the_finding(field: str, ch: str) -> None:
    if field == "Subject":
        data = MSG.replace(b"Subject: hello", f"Subject: inv{ch}oice".encode())
    else:
        data = MSG.replace(b"From: Alice", f"From: Ali{ch}ce".encode())
    a, _ = timed(data)
    found = [d for d in a.defects if d.code == "display.hidden-chars"]
    assert len(found) == 1
    assert f"U+{ord(ch):04X}" in found[0].message
    assert field in found[0].message


def test_hidden_characters_finding_names_each_kind_once() -> None:
    data = MSG.replace(b"Subject: hello", "Subject: a\u202eb\u202ec\u00add".encode())
    a, _ = timed(data)
    (found,) = [d for d in a.defects if d.code == "display.hidden-chars"]
    assert found.message.count("U+202E") == 1
    assert "RIGHT-TO-LEFT OVERRIDE" in found.message and "SOFT HYPHEN" in found.message


def test_hidden_characters_inside_an_encoded_word_are_named() -> None:
    word = base64.b64encode("Bob\u202e".encode()).decode()
    a, _ = timed(MSG.replace(b"From: Alice", f"From: =?utf-8?b?{word}?=".encode()))
    (found,) = [d for d in a.defects if d.code == "display.hidden-chars"]
    assert "U+202E" in found.message


# --- From forms that must not switch DMARC off ------------------------------------------------

BANK_DNS = {("_dmarc.bank-corp.com", "TXT"): ("v=DMARC1; p=reject",)}


class _Resolver(MemoryResolver):
    """The in-memory zones with the (empty) query log verify() reads."""

    @property
    def log(self) -> tuple[DnsRecord, ...]:
        return ()


async def _dmarc_for(from_value: str) -> tuple[DmarcVerdict, Analysis]:
    data = MSG.replace(b"From: Alice <alice@example.net>", f"From: {from_value}".encode())
    analysis = analyze(data)
    verification = await verify(analysis, _Resolver(BANK_DNS))
    assert verification.dmarc is not None
    return verification.dmarc, analysis


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("<ceo@bank-corp.com.>", "identity.from-root-dot"),
        ("CEO <ceo@bank-corp.com.>", "identity.from-root-dot"),
        ("ceo@bank-corp.com.", "identity.from-root-dot"),
        ("ceo@[bank-corp.com]", "identity.from-domain-literal"),
        ("Bank Corp CEO <ceo@[Bank-Corp.com]>", "identity.from-domain-literal"),
        ("ceo@bank-corp.com", None),  # the plain form, for comparison
    ],
)
async def test_from_forms_keep_the_dmarc_fail(value: str, code: str | None) -> None:
    dmarc, analysis = await _dmarc_for(value)
    assert analysis.from_addr is not None and analysis.from_addr.domain == "bank-corp.com"
    assert dmarc.from_domain == "bank-corp.com"
    assert (dmarc.result, dmarc.policy, dmarc.disposition) == (DmarcResult.FAIL, "reject", "reject")
    codes = {d.code for d in analysis.defects}
    if code is not None:
        assert code in codes
    assert "identity.from-unparseable" not in codes and "identity.parsers-disagree" not in codes


@pytest.mark.parametrize("value", ["ceo@[192.0.2.1]", "ceo@[10.0.0.1]"])
async def test_an_address_literal_has_no_author_domain(value: str) -> None:
    # RFC 5321 §4.1.3: an address literal names a host, not a domain: DMARC cannot be applied,
    # and the finding says that nothing authenticates the sender
    dmarc, analysis = await _dmarc_for(value)
    assert dmarc.result is DmarcResult.NONE and dmarc.from_domain is None
    assert "identity.from-address-literal" in {d.code for d in analysis.defects}


# --- look-alike From domains (UTS #39 skeletons) ------------------------------------------------

APPLE_CYRILLIC = "\u0430\u0440\u0440\u04cf\u0435.com"  # аррӏе.com: every letter Cyrillic


def _with_from(domain: str, extra: bytes = b"") -> Analysis:
    data = MSG.replace(b"From: Alice <alice@example.net>", f"From: Support <s@{domain}>".encode())
    return analyze(extra + data)


@pytest.mark.parametrize(
    "domain", [APPLE_CYRILLIC, "xn--80ak6aa92e.com", "\u0430\u0440\u0440\u04cf\u0435.net"]
)
def test_whole_script_brand_lookalike_is_a_finding(domain: str) -> None:
    a = _with_from(domain)
    (found,) = [d for d in a.defects if d.code == "identity.confusable-domain"]
    assert found.severity.value == "error"
    assert "apple.com" in found.message and "xn--80ak6aa92e" in found.message
    assert "identity.mixed-script" not in {d.code for d in a.defects}  # one script: not mixed


def test_lookalike_of_a_domain_the_message_names() -> None:
    # CEO fraud: the recipient's own company, one Cyrillic letter in a wholly Latin-looking name
    data = MSG.replace(b"To: bob@example.com", b"To: ceo@bank-corp.com")
    data = data.replace(
        b"From: Alice <alice@example.net>", "From: CFO <cfo@b\u0430nk-corp.com>".encode()
    )
    analysis = analyze(data)
    (found,) = [d for d in analysis.defects if d.code == "identity.confusable-domain"]
    assert "bank-corp.com" in found.message and "names" in found.message


@pytest.mark.parametrize(
    "domain",
    [
        "apple.com",
        "example.net",
        "b\u00fccher.de",
        "\u043c\u043e\u0441\u043a\u0432\u0430.\u0440\u0444",
    ],
    ids=["brand-itself", "ascii", "latin-idn", "cyrillic-idn"],
)
def test_genuine_domains_are_not_lookalikes(domain: str) -> None:
    a = _with_from(domain)
    assert "identity.confusable-domain" not in {d.code for d in a.defects}
