"""Acceptance tests for the vendor decoders over the whole shared corpus and lab; robustness."""

from __future__ import annotations

import random
import string
from collections import Counter

import pytest

from headerlens.model.core import HeaderField, Severity
from headerlens.parsers import (
    vendor_google,
    vendor_microsoft,
    vendor_microsoft_exchange,
    vendor_other,
    vendor_trendmicro,
)
from headerlens.parsers.vendor import decode_vendor_header, is_vendor_header
from tests.vendor_fixtures import all_files, iter_fields, make_field, require_corpus

ALL_NAMES = sorted(
    {
        name
        for module in (
            vendor_microsoft,
            vendor_microsoft_exchange,
            vendor_trendmicro,
            vendor_google,
            vendor_other,
        )
        for name in module.EXACT
    }
)


def test_every_corpus_field_decodes_without_exception() -> None:
    # corpus: every file under ../shared/corpus (recursively) and ../shared/lab/messages
    require_corpus()
    vendors: Counter[str] = Counter()
    for path in all_files():
        for field in iter_fields(path):
            result = decode_vendor_header(field)
            assert (result is not None) == is_vendor_header(field.name), (path, field.name)
            if result is None:
                continue
            vendors[result.vendor] += 1
            assert result.raw == field.value
            assert result.header_name == field.name
            assert result.header_index == field.index
            assert result.summary
    # The corpus holds all the families this task covers.
    for vendor in ("Microsoft EOP", "Microsoft Exchange", "Trend Micro", "Gmail", "Proofpoint"):
        assert vendors[vendor] > 0, vendor
    for vendor in ("Mimecast", "Barracuda", "Cisco IronPort", "Sophos", "FortiMail"):
        assert vendors[vendor] > 0, vendor
    assert vendors["Symantec (Broadcom) Email Security"] > 0
    assert sum(vendors.values()) > 900


def test_every_forefront_report_in_corpus_decodes_scl_sfv_cat() -> None:
    # corpus: all X-Forefront-Antispam-Report(-Untrusted) fields of ../shared/corpus and lab
    require_corpus()
    seen = 0
    complete = 0
    for path in all_files():
        for field in iter_fields(path):
            if not field.lname.startswith("x-forefront-antispam-report"):
                continue
            seen += 1
            result = decode_vendor_header(field)
            assert result is not None
            keys = {f.key.upper(): f for f in result.fields}
            for key in ("SCL", "SFV", "CAT"):
                if f"{key}:" in field.value.upper():
                    assert keys[key].meaning is not None, (path.name, key, keys[key].value)
            if {"SCL", "SFV", "CAT"} <= keys.keys():
                complete += 1
    assert seen >= 11
    assert complete >= 8


def test_unknown_header_is_not_vendor() -> None:
    # RFC 5322 §3.6.5: ordinary fields are not vendor headers; X-TMN is Outlook.com, not Trend.
    for name in ("Subject", "Received", "Authentication-Results", "X-Mailer", "X-TMN", "X-Ms"):
        assert not is_vendor_header(name)
        assert decode_vendor_header(make_field(name, "x")) is None


@pytest.mark.parametrize(
    "name",
    ["X-FOREFRONT-ANTISPAM-REPORT", "x-forefront-antispam-report", "X-Tm-As-Result", "x-gm-spam"],
)
def test_names_match_case_insensitively(name: str) -> None:
    # RFC 5322 §1.2.2: header field names are case-insensitive.
    assert is_vendor_header(name)
    assert decode_vendor_header(make_field(name, "SCL:1")) is not None


HOSTILE = [
    "[bold]x[/]",
    "[@click=app.quit]x[/]",
    "[link=https://example.invalid]y[/link]",
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;https://example.invalid\x07z\x1b]8;;\x07",
    "SCL:9;SFV:[bold]SPM[/];CAT:\x1b[2J;H:[red]evil[/red]",
]


@pytest.mark.parametrize("name", ALL_NAMES)
@pytest.mark.parametrize("value", HOSTILE)
def test_markup_and_escapes_are_kept_literally(name: str, value: str) -> None:
    # Design: untrusted text is never interpreted by parsers; the renderer escapes it.
    result = decode_vendor_header(make_field(name, value))
    assert result is not None
    assert result.raw == value
    # Every piece of the value that reaches a field is a literal substring of the raw value.
    for f in result.fields:
        if f.key not in ("decoded",) and f.value:
            assert f.value in value, (name, f)


def test_forefront_keeps_markup_in_field_values() -> None:
    # Design: markup inside a KEY:VALUE item survives untouched in the field value.
    value = "SCL:1;SFV:NSPM;H:[bold]x[/];PTR:\x1b[31mred\x1b[0m;CAT:NONE;"
    result = decode_vendor_header(make_field("X-Forefront-Antispam-Report", value))
    assert result is not None
    fields = {f.key: f for f in result.fields}
    assert fields["H"].value == "[bold]x[/]"
    assert fields["PTR"].value == "\x1b[31mred\x1b[0m"
    assert result.raw == value


def _random_values(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = string.printable + "\x00\x1b\x7f\u00e9\u202e-;:=()[]"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))) for _ in range(count)]


@pytest.mark.parametrize("name", ALL_NAMES)
def test_random_garbage_never_raises(name: str) -> None:
    # Convention: bad input becomes a defect or a raw field, never an exception.
    for value in [*_random_values(sum(map(ord, name)), 40), "", " ", ";;;", "--", "=="]:
        result = decode_vendor_header(HeaderField(3, name, value, b""))
        assert result is not None
        assert result.raw == value


def test_severity_property_flags_spam() -> None:
    # Design: the renderer can pick the worst severity of a header.
    bad = decode_vendor_header(make_field("X-Forefront-Antispam-Report", "SCL:9;SFV:SPM;CAT:PHSH;"))
    good = decode_vendor_header(make_field("X-Forefront-Antispam-Report", "SCL:1;SFV:NSPM;"))
    assert bad is not None
    assert good is not None
    assert bad.severity is Severity.ERROR
    assert good.severity is Severity.INFO
