"""Outlook .msg input end to end: source.load and `headerlens report` over .msg files we build."""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from pathlib import Path

import extract_msg
import olefile  # type: ignore[import-untyped]  # no stubs; used only to inspect the fixture
import pytest

from headerlens import budgets
from headerlens.cli import EXIT_INPUT, EXIT_OK, main
from headerlens.model.core import InputKind
from headerlens.source import InputError, load
from tests.msgfixture import write_draft_msg, write_msg, write_nested_msg
from tests.paths import EXAMPLES

EXAMPLE = EXAMPLES / "eop-to-gmail-pass.eml"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # [MS-CFB] §2.2 header signature


def _header_lines() -> list[str]:
    """The example's header section (up to the first blank line), one string per line."""
    text = EXAMPLE.read_text(encoding="utf-8").replace("\r\n", "\n")
    return text.split("\n\n", 1)[0].split("\n")


# The header section as headerlens should analyse it: CRLF lines, no blank line after it.
EXPECTED = "".join(f"{line}\r\n" for line in _header_lines()).encode("utf-8")
# Outlook stores PidTagTransportMessageHeaders with CRLF and the blank line that ends it.
OUTLOOK_HEADERS = "\r\n".join(_header_lines()) + "\r\n\r\n"


@pytest.fixture
def msg_path(tmp_path: Path) -> Path:
    path = tmp_path / "eop-to-gmail-pass.msg"
    write_msg(path, headers=OUTLOOK_HEADERS, subject="Quarterly report", body="See attached.")
    return path


def _report(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run `headerlens report --offline --format json PATH` in-process; the input must not change."""
    before = path.read_bytes()
    code = main(["report", "--offline", "--format", "json", str(path)])
    out, err = capsys.readouterr()
    assert path.read_bytes() == before, "the input file was modified"
    return code, out, err


def test_fixture_is_cfb_v3_with_the_oxmsg_streams(msg_path: Path) -> None:
    # [MS-CFB] §2.2: minor 0x003E, major 3, little-endian BOM, sector shift 9 (512 bytes).
    head = msg_path.read_bytes()[:32]
    assert head[:8] == _OLE_MAGIC
    assert struct.unpack("<HHHH", head[24:32]) == (0x003E, 3, 0xFFFE, 9)
    with olefile.OleFileIO(str(msg_path)) as ole:
        names = {"/".join(parts) for parts in ole.listdir()}
        headers = ole.openstream("__substg1.0_007D001F").read()
        props = ole.openstream("__properties_version1.0").read()
    assert {
        "__properties_version1.0",
        "__substg1.0_001A001F",
        "__substg1.0_0037001F",
        "__substg1.0_007D001F",
        "__substg1.0_1000001F",
        "__recip_version1.0_#00000000/__properties_version1.0",
    } <= names
    assert headers.decode("utf-16-le") == OUTLOOK_HEADERS
    # [MS-OXMSG] §2.4.1.1 header (32 bytes) then 16-byte entries; §2.4.2.2 PtypString size + 2.
    assert (len(props) - 32) % 16 == 0
    entries = {
        struct.unpack_from("<I", props, i)[0]: props[i : i + 16] for i in range(32, len(props), 16)
    }
    assert struct.unpack_from("<I", entries[0x007D001F], 8)[0] == len(headers) + 2


def test_load_returns_the_transport_headers(msg_path: Path) -> None:
    loaded = load(str(msg_path))
    assert loaded.kind is InputKind.MSG
    assert loaded.data == EXPECTED
    assert loaded.note is not None and "DKIM body hashes" in loaded.note


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param(OUTLOOK_HEADERS, id="outlook-crlf-blank-line"),
        pytest.param(OUTLOOK_HEADERS.rstrip("\r\n") + "\r\n", id="no-blank-line"),
        pytest.param(OUTLOOK_HEADERS.replace("\r\n", "\n"), id="bare-lf"),
        # Exchange 2003-era transport headers start with this line (not a header field).
        pytest.param(
            "Microsoft Mail Internet Headers Version 2.0\r\n" + OUTLOOK_HEADERS,
            id="ms-mail-prefix",
        ),
        pytest.param(OUTLOOK_HEADERS + "\x00", id="stored-nul-terminator"),
    ],
)
def test_stored_header_variants_give_the_same_header_section(tmp_path: Path, stored: str) -> None:
    path = tmp_path / "variant.msg"
    write_msg(path, headers=stored, subject="s", body="b")
    assert load(str(path)).data == EXPECTED


def test_report_json(msg_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _report(msg_path, capsys)
    assert (code, err) == (EXIT_OK, "")
    doc = json.loads(out)
    summary = doc["summary"]
    assert doc["kind"] == "msg"
    assert summary["hops"] == 6 == len(doc["analysis"]["chain"]["hops"])
    assert (summary["boundary"]["receiver"], summary["boundary"]["ip"]) == (
        "mx.google.com",
        "40.107.22.101",
    )
    # Transport headers only: DKIM must not hash a (missing) body.
    assert summary["has_body"] is False
    # The header section is parsed cleanly: no input.* defects (stray lines, NULs, ...).
    assert [d["code"] for d in doc["analysis"]["defects"] if d["code"].startswith("input.")] == []


def test_draft_without_transport_headers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "draft.msg"
    write_draft_msg(path, subject="Not sent yet", body="Draft text.")
    with pytest.raises(InputError, match="no Internet headers"):
        load(str(path))
    code, out, err = _report(path, capsys)
    assert (code, out) == (EXIT_INPUT, "")
    assert err.count("\n") == 1 and "no Internet headers" in err


def _truncated(tmp_path: Path) -> bytes:
    full = tmp_path / "full.msg"
    write_msg(full, headers=OUTLOOK_HEADERS, subject="s", body="b")
    return full.read_bytes()[:1024]  # header + FAT sector; the directory sectors are gone


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda _: _OLE_MAGIC + b"junk" * 200, id="magic-then-junk"),
        pytest.param(lambda _: _OLE_MAGIC, id="magic-only"),
        pytest.param(_truncated, id="truncated-after-fat"),
    ],
)
def test_corrupt_msg_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], bytes]
) -> None:
    path = tmp_path / "corrupt.msg"
    path.write_bytes(make(tmp_path))
    code, out, err = _report(path, capsys)
    assert (code, out) == (EXIT_INPUT, "")
    assert err.count("\n") == 1, err
    assert err.startswith("headerlens: ") and "not a readable Outlook .msg file" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("depth", [9, 120])
def test_deeply_nested_msg_is_refused_before_extract_msg(
    tmp_path: Path, depth: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 120 nested embedded messages cost extract-msg 17 s and 1.2 GB before it failed; the
    # OLE directory is read first and extract-msg never opens the file
    path = tmp_path / "nested.msg"
    write_nested_msg(path, headers=OUTLOOK_HEADERS, depth=depth)
    opened: list[str] = []
    real = extract_msg.openMsg
    monkeypatch.setattr(extract_msg, "openMsg", lambda p, **kw: opened.append(p) or real(p, **kw))
    with pytest.raises(InputError, match=f"attached {depth} levels deep .limit 8."):
        load(str(path))
    assert opened == []


def test_nested_msg_within_the_limit_is_read(tmp_path: Path) -> None:
    # a forward of a forward: the top message's headers, attachments never opened
    path = tmp_path / "nested.msg"
    write_nested_msg(path, headers=OUTLOOK_HEADERS, depth=budgets.MSG_NESTING.limit)
    loaded = load(str(path))
    assert loaded.kind is InputKind.MSG and b"Received:" in loaded.data
