"""Untrusted header text is made inert before any export (headerlens/textsafe.py)."""

from __future__ import annotations

import pytest

from headerlens.textsafe import html_escape, inert, md_escape

HOSTILE = [
    "\x1b[2J\x1b[31mPASS\x1b[0m",  # ANSI clear screen + colour
    "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07",  # OSC 8 hyperlink
    "\x1b]52;c;ZXZpbA==\x07",  # OSC 52 clipboard write
    "\x9b31m",  # C1 CSI
    "abc\u202eexe.pdf",  # bidi override (Trojan Source)
]


@pytest.mark.parametrize("text", HOSTILE)
def test_inert_removes_every_control(text: str) -> None:
    out = inert(text)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in out)
    assert "\u202e" not in out
    assert "\\x" in out or "\\u" in out  # the control is still visible as an escape


def test_markup_is_escaped_for_markdown() -> None:
    out = md_escape("[@click=app.quit]x[/] | <img src=x onerror=alert(1)> *b*")
    assert "[" not in out.replace("\\[", "")
    assert "<img" not in out
    assert "\\|" in out
    assert "\\*b\\*" in out


def test_html_escape() -> None:
    assert html_escape('<script>"x"</script>') == "&lt;script&gt;&quot;x&quot;&lt;/script&gt;"


def test_exports_clip_huge_values() -> None:
    # catalogue K3: a 1 MB Subject does not become 1 MB of ticket text
    big = "A" * 1_000_000
    for out in (md_escape(big), html_escape(big)):
        assert len(out) < 5000
        assert "996000 more characters not shown" in out
