"""Closed standard streams, a full disk and a hostile DNS snapshot: exit 2 and one line."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.paths import EXAMPLES

MESSAGE = str(EXAMPLES / "eop-to-gmail-pass.eml")
# The two commands that write a result to standard output.
WRITERS = pytest.mark.parametrize(
    "args",
    [["report", "--offline", MESSAGE], ["check", "--offline", "contoso.com"]],
    ids=["report", "check"],
)


def _run(
    args: list[str],
    *,
    close: tuple[int, ...] = (),
    stdout: object = subprocess.PIPE,
    preexec: Callable[[], None] | None = None,
) -> tuple[int, str]:
    """Run ``python -m headerlens ARGS`` with the file descriptors in ``close`` closed."""

    def setup() -> None:
        for fd in close:
            os.close(fd)
        if preexec is not None:
            preexec()

    proc = subprocess.run(
        [sys.executable, "-m", "headerlens", *args],
        stdin=subprocess.DEVNULL if 0 not in close else None,
        stdout=stdout,
        stderr=subprocess.PIPE,
        preexec_fn=setup,
        timeout=120,
        check=False,
    )
    return proc.returncode, proc.stderr.decode("utf-8", "replace")


def _one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    return lines[0]


@pytest.fixture
def deep_snapshot(tmp_path: Path) -> Path:
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--dns-snapshot", "{snap}", MESSAGE],
        ["check", "contoso.com", "--dns-snapshot", "{snap}"],
    ],
    ids=["report", "check"],
)
def test_deeply_nested_snapshot_is_bad_input(args: list[str], deep_snapshot: Path) -> None:
    code, err = _run([a.replace("{snap}", str(deep_snapshot)) for a in args])
    assert code == 2
    assert "too deeply nested" in _one_line(err)


@WRITERS
def test_closed_stdout(args: list[str]) -> None:
    code, err = _run(args, close=(1,), stdout=None)
    assert code == 2
    assert "standard output is closed" in _one_line(err)


def test_closed_stdout_and_stderr() -> None:
    code, _err = _run(["report", "--offline", MESSAGE], close=(1, 2), stdout=None)
    assert code == 2  # nowhere to write the line; the status still says what happened


def test_closed_stdout_with_output_file_is_fine(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    code, err = _run(["report", "--offline", "-o", str(out), MESSAGE], close=(1,), stdout=None)
    assert (code, err) == (0, "")
    assert out.read_text().startswith("#")


@pytest.mark.parametrize(
    "args",
    [["report", "--offline", "-"], ["--offline", "-"], ["--offline", MESSAGE]],
    ids=["report-stdin", "console-stdin", "console-file"],
)
def test_closed_stdin(args: list[str]) -> None:
    code, err = _run(args, close=(0,))
    assert code == 2
    assert "standard input is closed" in _one_line(err)


@WRITERS
def test_full_disk_on_stdout(args: list[str]) -> None:
    with open("/dev/full", "wb") as full:  # a device: writes fail with ENOSPC
        code, err = _run(args, stdout=full)
    assert code == 2
    line = _one_line(err)
    assert "cannot write to standard output" in line
    assert "No space left on device" in line


def _small_files() -> None:
    # A file size limit makes writes fail like a full disk does (EFBIG instead of ENOSPC),
    # without touching any device node.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (512, 512))


def test_output_file_that_cannot_be_written(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    code, err = _run(["report", "--offline", "-o", str(out), MESSAGE], preexec=_small_files)
    assert code == 2
    assert "cannot write" in _one_line(err)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind
