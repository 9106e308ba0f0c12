"""Run the real console on a pseudo-terminal and keep every byte it writes there.

``run_in_pty`` starts ``python tests/pty_console.py SCENARIO MESSAGE SNAPSHOT`` with the pty as
its terminal; that process runs HeaderlensApp with Textual's real Linux driver (not headless)
and an autopilot that walks every widget which shows text from the message, its file name or
the DNS, then quits. The test reads what reached the terminal.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

SIZE = (320, 60)  # columns, rows: wide enough that every label and cell is painted whole


def run_in_pty(args: list[str], *, cwd: Path, timeout: float = 180.0) -> tuple[int, bytes]:
    """Run ``python tests/pty_console.py ARGS`` on a new pty; its exit status and output."""
    master, slave = os.openpty()
    cols, rows = SIZE
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env |= {"TERM": "xterm-256color", "PYTHONIOENCODING": "utf-8", "COLUMNS": str(cols)}
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=cwd,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 1 << 16)
            except OSError:  # EIO: the child closed its side of the pty
                break
            if not data:
                break
            chunks.append(data)
    finally:
        if proc.poll() is None:
            proc.kill()
        status = proc.wait(timeout=30)
        os.close(master)
    return status, b"".join(chunks)


async def _pause(pilot: object, delay: float = 0.25) -> None:
    """Let the app process its messages and paint (the compositor runs on a timer)."""
    await pilot.pause(delay)  # type: ignore[attr-defined]


async def _walk_message(pilot: object) -> None:
    """Every tree node, every tab, the export dialog, the domain check, the paste screen."""
    from headerlens.model import InputKind
    from headerlens.source import LoadedInput
    from headerlens.tui.app import HeaderlensApp
    from headerlens.tui.hoptree import HopTree

    app = pilot.app  # type: ignore[attr-defined]
    assert isinstance(app, HeaderlensApp)
    await app.workers.wait_for_complete()
    await _pause(pilot)
    tree = app.screen.query_one(HopTree)
    tree.root.expand_all()
    tree.focus()
    await _pause(pilot)
    for _ in range(tree.last_line + 1):  # the detail pane of every node
        await pilot.press("down")  # type: ignore[attr-defined]
        await _pause(pilot, 0.1)
    for key in ("a", "f", "n", "t", "h", "d"):
        await pilot.press(key)  # type: ignore[attr-defined]
        await _pause(pilot)
    await pilot.press("e")  # type: ignore[attr-defined]  # the export dialog's Input
    await _pause(pilot)
    await pilot.press("enter")  # type: ignore[attr-defined]  # "Exported to …" notification
    await _pause(pilot)
    analysis = app.analysis
    assert analysis is not None and analysis.from_addr is not None
    # what Enter on a finding whose fix is a DNS record does: the domain check's Input
    app.action_check_domain(analysis.from_addr.domain or "")
    await _pause(pilot)
    await app.workers.wait_for_complete()
    await _pause(pilot)
    # a file that is not mail: the paste screen's error line, then a notification on it
    junk = LoadedInput(name=analysis.source_name, data=b"\x00\x01\x02", kind=InputKind.EML)
    app.open_loaded(junk)
    await _pause(pilot)
    app.open_loaded(junk)
    await _pause(pilot, 0.5)


async def _bad_snapshot(pilot: object) -> None:
    """An unreadable snapshot: its error in the Auth tab and in the domain check's notice."""
    from headerlens.tui.app import HeaderlensApp

    app = pilot.app  # type: ignore[attr-defined]
    assert isinstance(app, HeaderlensApp)
    await app.workers.wait_for_complete()
    await _pause(pilot)
    await pilot.press("a")  # type: ignore[attr-defined]
    await _pause(pilot)
    app.action_check_domain("example.com")
    await _pause(pilot, 0.5)


async def _bounce(pilot: object) -> None:
    """A bounce: the Rejected summary above the tree, the full evidence in Details."""
    from headerlens.tui.app import HeaderlensApp

    app = pilot.app  # type: ignore[attr-defined]
    assert isinstance(app, HeaderlensApp)
    await app.workers.wait_for_complete()
    await _pause(pilot, 0.5)


SCENARIOS = {"message": _walk_message, "bad-snapshot": _bad_snapshot, "bounce": _bounce}


def main() -> None:
    from headerlens.dnsclient.options import VerifyOptions
    from headerlens.tui.app import HeaderlensApp

    scenario, message, snapshot = sys.argv[1:4]
    steps = SCENARIOS[scenario]

    async def autopilot(pilot: object) -> None:
        try:
            await steps(pilot)
        finally:
            await asyncio.sleep(0.2)
            pilot.app.exit()  # type: ignore[attr-defined]

    app = HeaderlensApp(message, verify_options=VerifyOptions(snapshot=Path(snapshot)))
    app.run(auto_pilot=autopilot)  # type: ignore[arg-type]
    sys.exit(app.return_code or 0)


if __name__ == "__main__":
    main()
