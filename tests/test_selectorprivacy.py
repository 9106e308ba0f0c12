"""Unit tests for parsers/selectorprivacy.py: selectors that look made for one message (H6)."""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.model.core import HeaderField
from headerlens.parsers.selectorprivacy import recipient_addresses, tracking_selector
from tests.paths import corpus_messages, need_shared

RECIPIENTS = ("jane.doe@example.com",)


@pytest.mark.parametrize(
    "selector",
    [
        "selector1",  # corpus: eml/*eop* (Microsoft 365)
        "selector1-MyCoucheTard-onmicrosoft-com",  # corpus: eml (Microsoft 365 tenant selector)
        "google",  # corpus: Google Workspace
        "20230601",  # corpus: gmail.com (date-based)
        "arc-20160816",  # corpus: Gmail ARC selector
        "gdwg2y3kokkkj5a55z2ilkup5wp5hhxx",  # corpus: eml/amazonses-relayed-to-gmail-...eml
        "Himalayawellness15Nov2019",  # corpus: a long selector with a date in it
        "s1",  # corpus: SendGrid
        "voxdflt-01-rsa",  # corpus
        "20230601061432pm",  # a 14-digit timestamp with a suffix: not an id
        "",  # no selector at all
    ],
)
def test_ordinary_selectors_are_not_flagged(selector: str) -> None:
    assert tracking_selector(selector, RECIPIENTS) is None


@pytest.mark.parametrize(
    ("selector", "phrase"),
    [
        ("t-janedoe-20261110", "local part of the recipient address jane.doe@example.com"),
        ("jane-doe", "local part"),  # punctuation ignored in the comparison
        ("janedoeexamplecom", "recipient address jane.doe@example.com"),
        ("s-3f2504e0-4f89-11d3-9a0c-0305e82c3301", "unique identifier"),  # RFC 9562 UUID layout
        ("m-9e107d9d372bb6826bd81d3542a419d6", "32-digit hexadecimal"),  # an MD5 digest
        ("k" + "9" * 24, "24-digit hexadecimal"),
        ("x" + "k9m2p7q4z8" * 4 + "zz", "random-looking"),  # 43 characters, letters and digits
    ],
)
def test_per_message_selectors_are_flagged(selector: str, phrase: str) -> None:
    why = tracking_selector(selector, RECIPIENTS)
    assert why is not None and phrase in why


@pytest.mark.parametrize(
    ("selector", "recipients"),
    [
        ("mailer", ("mail@example.com",)),  # local part under 6 characters: too common
        ("deadbeefdeadbeefdeadbeefdeadbeef", ()),  # hex letters only: no digit
        ("a" * 45, ()),  # long but letters only
    ],
)
def test_conservative_edges(selector: str, recipients: tuple[str, ...]) -> None:
    assert tracking_selector(selector, recipients) is None


def _field(index: int, name: str, value: str) -> HeaderField:
    return HeaderField(index, name, value, f"{name}: {value}\r\n".encode())


def test_recipient_addresses() -> None:
    fields = (
        _field(0, "Delivered-To", "Jane.Doe@Example.com"),
        _field(1, "To", '"Jane" <jane.doe@example.com>, bob@example.org'),
        _field(2, "Subject", "x@not-a-recipient.example"),
        _field(3, "Cc", "undisclosed-recipients:;"),
    )
    assert recipient_addresses(fields) == ("jane.doe@example.com", "bob@example.org")


def test_no_corpus_selector_is_flagged() -> None:
    # corpus: every DKIM-Signature of the shared corpus and lab (real senders): no false alarm
    need_shared()
    seen = 0
    for path in corpus_messages():
        analysis = analyze(path.read_bytes())
        recipients = recipient_addresses(analysis.headers)
        for sig in analysis.dkim_signatures:
            if sig.selector is not None:
                seen += 1
                assert tracking_selector(sig.selector, recipients) is None, (path, sig.selector)
    assert seen >= 20
