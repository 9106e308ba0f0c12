"""Pastes that would be misread (Gmail's "Show original" page, doubled line ends, '> ' quoting).

Each shape is built from the bundled example message (lab story eop-to-gmail-pass) and re-verified
over its DNS snapshot: after the repair, DKIM verifies again and no summary row became a field.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from headerlens.analyze import analyze
from headerlens.cli import run_report
from headerlens.parsers.pasteshape import normalize_paste

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MESSAGE = (EXAMPLES / "eop-to-gmail-pass.eml").read_bytes()
SNAPSHOT = EXAMPLES / "eop-to-gmail-pass.dns.json"

# Gmail's "Show original" page copied with select-all (the rows as the page shows them; the
# buttons row copies as two cells separated by a tab).
GMAIL_PAGE = (
    b"Original Message\n"
    b"Message ID\t<7d1f0c9e2b@mbx01.contoso.com>\n"
    b"Created at:\tTue, Nov 10, 2026 at 6:14 PM (Delivered after 8 seconds)\n"
    b"From:\tAlice Example <alice@contoso.com>\n"
    b"To:\tbob.recipient@gmail.com\n"
    b"Subject:\tQuarterly numbers\n"
    b"SPF:\tPASS with IP 40.107.22.101 Learn more\n"
    b"DKIM:\t'PASS' with domain contoso.com Learn more\n"
    b"DMARC:\t'PASS' Learn more\n"
    b"Download original\tCopy to clipboard\t\n"
    b"\n"
)


def _report(tmp_path: Path, data: bytes) -> dict[str, Any]:
    path = tmp_path / "paste.txt"
    path.write_bytes(data)
    out = io.StringIO()
    assert run_report(["--format", "json", "--dns-snapshot", str(SNAPSHOT), str(path)], out) == 0
    doc: dict[str, Any] = json.loads(out.getvalue())
    return doc


def _codes(doc: dict[str, Any]) -> set[str]:
    text = json.dumps(doc)
    return {
        c
        for c in ("input.paste-gmail-summary", "input.paste-double-spaced", "input.paste-quoted")
        if c in text
    }


def _dkim_ok(doc: dict[str, Any]) -> bool:
    dkim = doc["verification"]["dkim"]
    return bool(dkim) and all(d["header_result"] == "pass" for d in dkim)


def test_the_example_itself_is_untouched() -> None:
    assert normalize_paste(MESSAGE) == (MESSAGE, ())


@pytest.mark.parametrize(
    ("shape", "code"),
    [
        pytest.param(GMAIL_PAGE + MESSAGE, "input.paste-gmail-summary", id="gmail-show-original"),
        pytest.param(
            GMAIL_PAGE.replace(
                b"Download original\tCopy to clipboard\t\n",
                b"Download original\nCopy to clipboard\n",
            )
            + MESSAGE,
            "input.paste-gmail-summary",
            id="gmail-buttons-on-two-lines",
        ),
        pytest.param(MESSAGE.replace(b"\n", b"\r\r"), "input.paste-double-spaced", id="cr-cr"),
        pytest.param(MESSAGE.replace(b"\n", b"\n\n"), "input.paste-double-spaced", id="lf-lf"),
        pytest.param(
            b"".join(b"> " + line for line in MESSAGE.splitlines(keepends=True)),
            "input.paste-quoted",
            id="quoted",
        ),
    ],
)
def test_paste_shapes_are_repaired_and_reverify(tmp_path: Path, shape: bytes, code: str) -> None:
    fields_before = len(analyze(MESSAGE).headers)
    a = analyze(shape)
    assert code in {d.code for d in a.defects}
    assert len(a.headers) == fields_before  # no summary row became a field, none was cut off
    assert [f.name for f in a.headers if f.lname == "from"] == ["From"]
    doc = _report(tmp_path, shape)
    assert code in _codes(doc)
    assert _dkim_ok(doc), doc["verification"]["dkim"]
    assert doc["verification"]["dmarc"]["result"] == "pass"


def test_without_the_repair_the_shapes_mislead() -> None:
    # What the repairs are for: read raw, each shape loses fields or gains false ones.
    from headerlens.parsers.headers import split_message

    assert len(split_message(MESSAGE.replace(b"\n", b"\r\r")).fields) == 1
    names = [f.name for f in split_message(GMAIL_PAGE + MESSAGE).fields]
    assert (
        "SPF" in names and names.count("From") == 1
    )  # "From:\t..." row is read before the real one


@pytest.mark.parametrize(
    "text",
    [
        # A one-field message whose body has blank-separated "Word: text" paragraphs.
        b"Subject: x\n\nNote: first\n\nAlso: second\n\nThanks\n",
        # A quoted body under ordinary headers.
        b"From: a@b.example\nSubject: re\n\n> quoted\n> lines\n> here\n",
        # "Original Message" as a subject line of an ordinary message.
        b"Subject: Original Message\nFrom: a@b.example\n\nbody\n",
    ],
)
def test_ordinary_messages_are_left_alone(text: bytes) -> None:
    assert normalize_paste(text) == (text, ())


def test_large_quoted_input_is_left_alone_quickly() -> None:
    # A quoted copy is a header paste: a 25 MB input of quoted lines is not unquoted (it would
    # cost one object per line), and is not scanned line by line either.
    data = b"> X-A: b\n" * 2_800_000
    out, notes = normalize_paste(data)
    assert out is data and notes == ()


def test_quoted_lines_with_bare_cr_line_ends() -> None:
    data = b"> Subject: a\r> From: b@c.example\r> To: d@e.example\r"
    out, notes = normalize_paste(data)
    assert out == b"Subject: a\rFrom: b@c.example\rTo: d@e.example\r"
    assert [n.code for n in notes] == ["input.paste-quoted"]
