"""Catalogue group A, container and encoding (research/reliability.md §4 A1-A12)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from headerlens import budgets
from headerlens.source import InputError, load
from tests.catalogue import MSG, codes, timed, with_header


def test_a1_empty_or_blank_input() -> None:
    # catalogue A1: finding "no header section", never an exception
    for data in (b"", b"   \r\n\r\n\t\n"):
        a, _ = timed(data)
        assert "input.no-headers" in codes(a)
        assert a.headers == ()


@pytest.mark.parametrize(
    ("data", "kind", "hex_start"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "PNG image", "89 50 4e 47"),
        (b"PK\x03\x04" + bytes(range(256)) * 8, "ZIP archive", "50 4b 03 04"),
        (
            "\ufeffFrom: a@example.com\r\nSubject: x\r\n".encode("utf-16"),
            "UTF-16 text",
            "ff fe ff fe 46 00",  # Python's utf-16 codec adds its own BOM before ours
        ),
        (bytes(range(256)) * 8, "format not recognised", "00 01 02 03"),  # random-looking bytes
    ],
    ids=["png", "zip", "utf16-bom", "unknown"],
)
def test_a2_binary_input_is_not_parsed(data: bytes, kind: str, hex_start: str) -> None:
    # catalogue A2: finding "not an RFC 5322 message", no structured parse, hex preview
    a, _ = timed(data)
    assert "input.binary" in codes(a)
    assert a.headers == () and a.chain.hops == ()
    (defect,) = [d for d in a.defects if d.code == "input.binary"]
    assert kind in defect.message and hex_start in defect.message
    assert "first 32 bytes" in defect.message  # a preview, not the whole file
    with pytest.raises(InputError, match="binary") as err:
        load("-", io.BytesIO(data))
    assert kind in str(err.value) and hex_start in str(err.value)


def test_a3_input_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    # catalogue A3: refuse above the cap before reading it whole (sparse 50 MB file)
    big = tmp_path / "big.eml"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    with pytest.raises(InputError, match="limit"):
        load(str(big))
    stream = io.BytesIO(b"Subject: x\r\n" + b"a" * int(budgets.INPUT_BYTES.limit))
    with pytest.raises(InputError, match="larger than"):
        load("-", stream)


def test_a4_one_10mb_header_line() -> None:
    # catalogue A4: line > 998 finding, structured parse skipped, header cap hit, bounded
    a, _ = timed(b"Subject: " + b"x" * 10_000_000 + b"\r\nFrom: a@example.com\r\n\r\nbody")
    found = codes(a)
    assert {"input.long-line", "budget.field-bytes", "budget.header-bytes"} <= found
    assert a.headers[0].name == "Subject"
    assert len(a.headers[0].raw) <= budgets.HEADER_BYTES.limit


def test_a5_100k_header_fields() -> None:
    # catalogue A5: only the first 1,000 fields are materialised; hops capped at 100
    line = b"Received: from a.example by b.example; Tue, 10 Nov 2026 09:14:08 -0800\r\n"
    a, _ = timed(line * 100_000 + b"\r\nbody")
    assert len(a.headers) == budgets.FIELDS.limit
    assert len(a.chain.hops) == budgets.HOPS.limit
    assert {"budget.fields", "budget.hops", "budget.header-bytes"} <= codes(a)


def test_a6_nul_bytes_in_names_and_values() -> None:
    # catalogue A6: finding; the NUL-named line is not a field; value keeps NUL only raw
    a, _ = timed(with_header(b"X-Evil\x00Name: v\r\nX-Note: a\x00b"))
    assert "input.nul" in codes(a)
    assert not any("\x00" in f.name for f in a.headers)
    assert "input.binary" not in codes(a)


def test_a7_raw_8bit_non_utf8() -> None:
    # catalogue A7: finding; text decoded with replacement, raw bytes kept
    a, _ = timed(with_header(b"X-Latin1: caf\xe9"))
    assert "input.8bit" in codes(a)
    field = a.headers[0]
    assert field.value == "caf\ufffd" and field.raw.startswith(b"X-Latin1: caf\xe9")
    utf8, _ = timed(with_header("X-Utf8: café".encode()))
    assert "input.utf8-headers" in codes(utf8) and "input.8bit" not in codes(utf8)


@pytest.mark.parametrize(
    "subject",
    [
        b"=?x-unknown-charset?q?abc?=",  # LookupError
        b"=?utf-8?b?!!!notbase64?=",  # binascii.Error
        b"=?utf-8?q?never closed",  # missing ?=: stays literal
    ],
    ids=["unknown-charset", "bad-base64", "unterminated"],
)
def test_a8_broken_encoded_words(subject: bytes) -> None:
    # catalogue A8: decoding errors caught; raw encoded word shown
    a, _ = timed(MSG.replace(b"Subject: hello", b"Subject: " + subject))
    assert a.subject_raw == subject.decode()
    if subject.endswith(b"?="):
        assert "input.encoded-word" in codes(a)
        assert a.subject == a.subject_raw


def test_a9_mixed_line_ends() -> None:
    # catalogue A9: bare CR/LF finding (SMTP smuggling indicator); split shown as we see it
    a, _ = timed(b"Subject: a\r\nTo: b@example.com\nCc: c@example.com\rFrom: x@example.com\r\n\r\n")
    assert {"input.bare-cr", "input.mixed-eol"} <= codes(a)
    assert [f.name for f in a.headers] == ["Subject", "To", "Cc", "From"]


def test_a10_line_without_colon() -> None:
    # catalogue A10: RFC parsers end the header block here; we keep the later fields
    a, _ = timed(with_header(b"Subject: a\r\nthis line has no colon"))
    assert {"input.stray-line", "input.parser-differential"} <= codes(a)
    assert "From" in [f.name for f in a.headers]


@pytest.mark.parametrize(
    ("first", "code"),
    [
        (b"From : evil@attacker.example", "input.hidden-from"),
        (b"From\t: evil@attacker.example", "input.hidden-from"),
        (b"From MAILER-DAEMON Tue Nov 10 09:14:08 2026", "input.mbox-line"),
        (b"   X-First: indented", "input.indented-start"),
    ],
    ids=["from-space-colon", "from-tab-colon", "mbox-line", "indented-first"],
)
def test_a11_odd_first_lines(first: bytes, code: str) -> None:
    # catalogue A11: each a separate finding; "From :" is kept (Python would drop it)
    a, _ = timed(with_header(first))
    assert code in codes(a)
    if code == "input.hidden-from":
        assert a.headers[0].lname == "from"
        assert "identity.multiple-from" in codes(a)


def test_a12_hostile_field_names() -> None:
    # catalogue A12: no attribute lookup by header name; empty/control names are not fields
    data = with_header(b"__class__: x\r\nconstructor: y\r\n__proto__: z\r\nheaders: w\r\n: empty")
    data = data.replace(b"To:", b"X-\x01Ctl: c\r\nTo:")
    a, _ = timed(data)
    names = [f.name for f in a.headers]
    assert names[:4] == ["__class__", "constructor", "__proto__", "headers"]
    assert "" not in names and not any("\x01" in n for n in names)
    assert "input.stray-line" in codes(a)
