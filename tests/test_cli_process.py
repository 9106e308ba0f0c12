"""The headerlens command as a process: exit status 70 for a bug (one line, or the traceback
with HEADERLENS_DEBUG) and ``headerlens -`` reading the message from a pipe, then taking the
keyboard from the terminal (run under a pseudo-terminal)."""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from headerlens.exitcodes import EXIT_INPUT, EXIT_INTERNAL
from tests.paths import EXAMPLES, REPO

EOP = EXAMPLES / "eop-to-gmail-pass.eml"

# `headerlens report` with a bug planted in analyze(): the only way to reach the last-resort
# handler of cli.main, which exists for bugs no test knows about yet.
_BROKEN_REPORT = """
import sys
import headerlens.analyze

def broken(*args, **kwargs):
    raise RuntimeError("planted bug")

headerlens.analyze.analyze = broken
from headerlens.cli import main
raise SystemExit(main(["report", "--offline", sys.argv[1]]))
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "HEADERLENS_DEBUG"}
    env.update(extra)
    return env


def _broken_report(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _BROKEN_REPORT, str(EOP)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_a_bug_is_exit_70_and_one_line() -> None:
    proc = _broken_report(_env())
    assert proc.returncode == EXIT_INTERNAL == 70
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert "internal error (RuntimeError: planted bug)" in lines[0]
    assert "set HEADERLENS_DEBUG=1 for details" in lines[0]


def test_a_bug_with_headerlens_debug_prints_the_traceback() -> None:
    proc = _broken_report(_env(HEADERLENS_DEBUG="1"))
    assert proc.returncode == EXIT_INTERNAL
    assert proc.stderr.startswith("Traceback (most recent call last):"), proc.stderr
    assert 'File "<string>", line 6, in broken' in proc.stderr  # where the bug was raised
    assert "\nRuntimeError: planted bug\n" in proc.stderr
    assert "internal error (RuntimeError: planted bug)" in proc.stderr.splitlines()[-1]


def _console_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "headerlens", "--offline", *args]


def _take_terminal(fd: int) -> None:  # runs in the child between fork and exec
    os.setsid()
    fcntl.ioctl(fd, termios.TIOCSCTTY, 0)


def _read_until(master: int, want: bytes, proc: subprocess.Popen[bytes], limit: float) -> bytes:
    """Everything the console drew on the terminal until ``want`` appears (or it exits)."""
    seen = b""
    deadline = time.monotonic() + limit
    while want not in seen and time.monotonic() < deadline and proc.poll() is None:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:  # the terminal closed: the child has exited
                break
    return seen


def test_stdin_message_then_keyboard_from_the_terminal(tmp_path: Path) -> None:
    # `cat message | headerlens -` in a terminal: the message comes from the pipe; once read,
    # the console takes the keyboard from the controlling terminal (/dev/tty), so a key typed
    # there (Ctrl+Q) reaches it although standard input was a pipe that has ended
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = _env(TERM="xterm-256color", COLUMNS="120", LINES="40", TEXTUAL_ANIMATIONS="none")
    proc = subprocess.Popen(
        _console_command("-"),
        stdin=subprocess.PIPE, stdout=slave, stderr=slave, cwd=tmp_path, env=env,
        preexec_fn=lambda: _take_terminal(slave),
    )  # fmt: skip
    os.close(slave)
    try:
        assert proc.stdin is not None
        proc.stdin.write(EOP.read_bytes())
        proc.stdin.close()
        screen = _read_until(master, b"mx.google.com", proc, 60)
        assert proc.poll() is None, screen.decode(errors="replace")[-2000:]
        assert b"mx.google.com" in screen  # the hop tree of the piped message
        os.write(master, b"\x11")  # Ctrl+Q, typed on the terminal
        _read_until(master, b"\x00never", proc, 30)  # keep the terminal drained until exit
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)


def test_stdin_message_without_a_terminal_is_one_line() -> None:
    # no controlling terminal to take the keyboard from: exit 2 with a pointer to `report -`
    proc = subprocess.run(
        _console_command("-"),
        input=EOP.read_bytes(), capture_output=True, timeout=60, check=False,
        start_new_session=True,  # a new session has no controlling terminal
    )  # fmt: skip
    assert proc.returncode == EXIT_INPUT
    err = proc.stderr.decode().splitlines()
    assert len(err) == 1 and "use 'headerlens report -' instead" in err[0]
