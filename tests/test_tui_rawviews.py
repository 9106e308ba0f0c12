"""Raw views and ``y`` copies of a CRLF message: folded fields read as lines, never ``\\x0d``,
while every other control character is still shown escaped (inert)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from headerlens.dnsclient.options import VerifyOptions
from headerlens.tui.analysis import AnalysisScreen
from headerlens.tui.app import HeaderlensApp
from headerlens.tui.hoptree import HopTree
from headerlens.tui.safe import inert_lines

MESSAGE = (
    b"Received: from mail.example.org (mail.example.org [192.0.2.10])\r\n"
    b"\tby mx.example.net with ESMTPS id abc123\r\n"
    b"\tfor <bob@example.net>; Mon, 7 Dec 2026 01:00:00 +0000\r\n"
    b"Received: from client (client [198.51.100.7])\r\n"
    b"\tby mail.example.org with ESMTPSA id def456;\r\n"
    b"\tMon, 7 Dec 2026 00:59:58 +0000\r\n"
    b"X-Odd: two \x1b[31mred\x07\r\n"
    b"From: Alice <alice@example.org>\r\n"
    b"To: bob@example.net\r\n"
    b"Subject: folded\r\n"
    b"  subject line\r\n"
    b"Date: Mon, 7 Dec 2026 00:59:57 +0000\r\n"
    b"\r\n"
    b"body\r\n"
)
FOLDED = "\n\tby mx.example.net with ESMTPS id abc123\n\tfor <bob@example.net>;"


def _text(screen: AnalysisScreen, selector: str) -> str:
    visual = screen.query_one(selector, Static).visual
    return visual.plain if hasattr(visual, "plain") else str(visual)


def test_inert_lines_keeps_crlf_breaks_only() -> None:
    assert inert_lines("a\r\n\tb") == "a\n\tb"
    assert inert_lines("a\rb\x1b[0m\r\r\n") == "a\\x0db\\x1b[0m\\x0d\n"


async def test_crlf_folded_fields_without_literal_cr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "crlf.eml"
    src.write_bytes(MESSAGE)
    app = HeaderlensApp(str(src), verify_options=VerifyOptions(offline=True))
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnalysisScreen)
        tree = screen.query_one(HopTree)
        tree.select_hop(2)  # the newest hop: the first Received field, folded twice
        await pilot.pause()
        detail = _text(screen, "#detail-text")
        assert FOLDED in detail
        assert "\\x0d" not in detail and "\r" not in detail
        await pilot.press("y")
        await pilot.pause()
        assert copied and copied[-1].startswith("Received: from mail.example.org")
        assert FOLDED in copied[-1]
        assert "\\x0d" not in copied[-1] and "\r" not in copied[-1]
        await pilot.press("h")
        await pilot.pause()
        headers = _text(screen, "#headers-text")
        assert "Subject: folded\n  subject line" in headers
        assert FOLDED in headers and "\r" not in headers
        # still inert: escape sequences and other controls are shown, not acted on
        assert "X-Odd: two \\x1b[31mred\\x07" in headers
        assert "\x1b" not in headers and "\\x0d" not in headers
