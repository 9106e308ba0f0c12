"""Issue 12 item 4: invisible characters, look-alike domains and odd From forms (identity)."""

from __future__ import annotations

import base64

import pytest

from headerlens.textsafe import inert, md_escape
from tests.catalogue import MSG, timed

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
