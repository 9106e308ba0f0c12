"""Tests for parsers/binary.py: file signatures and the inert hex preview (catalogue A2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from headerlens.parsers.binary import describe_binary, file_type, hex_preview
from headerlens.textsafe import inert


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),  # PNG spec §5.2
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive, or a .docx, .xlsx or .odt document"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "PDF document"),  # ISO 32000 §7.5.2
        (b"GIF89a\x01\x00\x01\x00", "GIF image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"\x1f\x8b\x08\x00", "gzip archive"),  # RFC 1952 §2.3.1
        (b"\xff\xfeR\x00e\x00", "UTF-16 text with a little-endian BOM"),
        (b"\xfe\xff\x00R\x00e", "UTF-16 text with a big-endian BOM"),
        (b"\xff\xfe\x00\x00R\x00\x00\x00", "UTF-32 text with a little-endian BOM"),  # not UTF-16
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00",
            "OLE compound file: an Outlook .msg or a legacy Office document",
        ),  # [MS-CFB] §2.2
        (b"\x00\x01\x02\x03", None),
        (b"", None),
    ],
    ids=[
        "png",
        "zip",
        "pdf",
        "gif",
        "jpeg",
        "gzip",
        "utf16le",
        "utf16be",
        "utf32le",
        "ole",
        "unknown",
        "empty",
    ],
)
def test_file_type(head: bytes, kind: str | None) -> None:
    assert file_type(head) == kind


@pytest.mark.parametrize(
    ("data", "limit", "preview"),
    [
        (b"\x89PNG\r\n", 32, "89 50 4e 47 0d 0a |.PNG..|"),
        (b"abcdef", 4, "61 62 63 64… |abcd…|"),  # cut, and says so
        (b"\x1b[31m\x9b", 32, "1b 5b 33 31 6d 9b |.[31m.|"),  # ESC and C1 become dots
        (b"", 32, " ||"),
    ],
    ids=["png", "cut", "escape", "empty"],
)
def test_hex_preview(data: bytes, limit: int, preview: str) -> None:
    assert hex_preview(data, limit) == preview


def test_preview_is_inert_and_bounded() -> None:
    # every byte value: the preview holds no control character and at most 32 bytes' worth
    data = bytes(range(256)) * 4
    text = describe_binary(data)
    assert inert(text) == text
    assert text.startswith("format not recognised; first 32 bytes: 00 01 02")
    pairs = text.split("bytes: ", 1)[1].split(" |")[0].rstrip("…").split()
    assert len(pairs) == 32 and pairs[-1] == "1f"


def test_describe_hints_at_a_fix_for_utf16() -> None:
    # catalogue A2: a UTF-16 export is the usual way a header paste turns "binary"
    text = describe_binary("From: a@example.com\r\n".encode("utf-16"))
    assert text.startswith("UTF-16 text with a little-endian BOM; save it as UTF-8")
    assert "ff fe 46 00 72 00" in text


async def test_console_says_binary_with_a_preview(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # catalogue A2 in the console: a binary file opens the paste screen with the preview, and
    # a binary paste is refused with the same preview, shown literally (markup=False, inert)
    from textual import events
    from textual.widgets import Static

    from headerlens.dnsclient.options import VerifyOptions
    from headerlens.tui.app import HeaderlensApp
    from headerlens.tui.paste import PasteScreen

    png = tmp_path / "headers.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR[b]x" + bytes(64))
    app = HeaderlensApp(str(png), verify_options=VerifyOptions(offline=True))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PasteScreen)
        error = str(app.screen.query_one("#paste-error", Static).visual)
        assert "PNG image" in error and "89 50 4e 47" in error and "|.PNG....." in error

    said: list[str] = []
    app = HeaderlensApp(None, verify_options=VerifyOptions(offline=True))
    async with app.run_test(size=(120, 36)) as pilot:
        monkeypatch.setattr(app, "notify", lambda message, **kw: said.append(str(message)))
        await pilot.pause()
        app.post_message(events.Paste("\x01\x02\x03\x04" * 40 + "From: a@example.com\n"))
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, PasteScreen)
    assert any("binary data" in m and "01 02 03 04" in m for m in said), said
