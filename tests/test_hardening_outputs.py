"""Issue 12 item 4: `-o` and `--save-dns` write only to a regular file or a new path."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from headerlens.cli import EXIT_INPUT, EXIT_OK, main
from tests.paths import EXAMPLES

MESSAGE = EXAMPLES / "eop-to-gmail-pass.eml"


def _symlink(path: Path) -> None:
    target = path.parent / "target.txt"
    target.write_text("keep me\n")
    path.symlink_to(target)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _device(path: Path) -> None:
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # like /dev/null
    except PermissionError:
        pytest.skip("creating a device node needs privileges")


MAKERS: dict[str, Callable[[Path], None]] = {
    "symlink": _symlink,
    "fifo": _fifo,
    "device": _device,
}


@pytest.mark.parametrize("kind", sorted(MAKERS))
@pytest.mark.parametrize("option", ["-o", "--save-dns"])
def test_special_files_are_refused(
    tmp_path: Path, kind: str, option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "out"
    MAKERS[kind](path)
    before = os.lstat(path)
    assert main(["report", "--offline", option, str(path), str(MESSAGE)]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "regular file or a new path" in err
    after = os.lstat(path)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    if kind == "symlink":
        assert (tmp_path / "target.txt").read_text() == "keep me\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("option", ["-o", "--save-dns"])
def test_regular_files_and_new_paths_are_written(tmp_path: Path, option: str) -> None:
    old = tmp_path / "old"
    old.write_text("previous\n")
    new = tmp_path / "new"
    for path in (old, new):
        assert main(["report", "--offline", option, str(path), str(MESSAGE)]) == EXIT_OK
        assert path.is_file() and path.read_text() != "previous\n"


def test_check_command_refuses_a_symlink(tmp_path: Path) -> None:
    path = tmp_path / "out"
    _symlink(path)
    assert main(["check", "--offline", "-o", str(path), "example.com"]) == EXIT_INPUT
    assert path.is_symlink()
