"""Measurement 4: console launch to the first complete render of the analysis screen (headless).

``python bench/console.py --bare`` times a one-widget Textual app the same way (the yardstick);
``--layout`` times a plain Textual app with the widgets of the console's first frame and no
headerlens code (a header, two lines, a tree of six nodes, a footer; the console mounts its tabs
just after that frame), which separates what those Textual widgets cost from what headerlens adds.
``python bench/console.py FILE PORT`` runs in a fresh process and prints JSON with wall-clock
marks (``time.time()``, so the parent can subtract its own spawn time) and in-process durations.
"The first complete render" is the first frame Textual's compositor produces for the
AnalysisScreen after its ``on_mount`` filled the hop tree and status line: the bench subclass hooks
``App._display`` (which headless mode still calls with the composed frame) to time it. It also
samples the event loop every 5 ms while verification runs, to show DNS work never blocks the UI,
and marks the first frame drawn after verification finished (the verdict bar's final verdicts).
"""

from __future__ import annotations

import time

T_START = time.time()

import asyncio  # noqa: E402  (the start mark must come before every import)
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, ClassVar  # noqa: E402


def cpu_ms() -> float:
    """CPU time of this process so far (every thread, start-up included), in ms: on a loaded
    machine it counts the work done, where wall time also counts the waits for a core."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return (usage.ru_utime + usage.ru_stime) * 1000


def make_hops(path: Path, hops: int = 300) -> Path:
    """Write a message with ``hops`` Received fields (oldest at the bottom), once."""
    if path.exists():
        return path
    t0 = datetime(2026, 11, 26, 9, 0, 0, tzinfo=UTC)
    lines = []
    for n in range(hops, 0, -1):  # newest (hop N) first
        when = (t0 + timedelta(seconds=n)).strftime("%a, %d %b %Y %H:%M:%S +0000")
        prev, this = (
            f"relay{n - 1}.hops.bench.headerlens.test",
            f"relay{n}.hops.bench.headerlens.test",
        )
        ip = f"198.51.{n // 250}.{n % 250 + 1}"
        lines.append(
            f"Received: from {prev} ({prev} [{ip}])\r\n\tby {this} (Postfix) with ESMTPS id "
            f"Q{n:05d}\r\n\tfor <helpdesk@contoso.com>; {when}\r\n"
        )
    head = (
        "From: Alerts <alerts@bench.headerlens.test>\r\nTo: helpdesk@contoso.com\r\n"
        "Subject: A long way round (300 hops)\r\nDate: Thu, 26 Nov 2026 08:59:59 +0000\r\n"
        "Message-ID: <hops300@bench.headerlens.test>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nThis message took 300 hops.\r\n"
    )
    path.write_bytes(("".join(lines) + head).encode())
    return path


async def _measure(file: str, port: int) -> dict[str, float | int | bool | None]:
    t_import0 = time.perf_counter()
    from headerlens.tui.startup import pause_collector

    pause_collector()  # as `headerlens FILE` does (cli.run_console); the app resumes it
    from headerlens.dnsclient.options import VerifyOptions
    from headerlens.tui.analysis import AnalysisScreen
    from headerlens.tui.app import HeaderlensApp

    t_import1 = time.perf_counter()
    marks: dict[str, float] = {}

    import headerlens.tui.app as app_module

    class BenchApp(HeaderlensApp):
        # CSS_PATH is relative to the defining class's module: point back at the real one.
        CSS_PATH = str(Path(app_module.__file__).parent / "headerlens.tcss")

        def _display(self, screen: object, renderable: object) -> None:
            super()._display(screen, renderable)  # type: ignore[arg-type]
            if (
                "render" not in marks
                and renderable is not None
                and isinstance(screen, AnalysisScreen)
                and screen.is_mounted
            ):
                marks["render"] = time.perf_counter()
                marks["render_wall"] = time.time()
                marks["render_cpu"] = cpu_ms()
                marks["verified_at_render"] = float(
                    screen.verification is not None and screen.verification.done
                )
            if (
                "verdicts" not in marks
                and renderable is not None
                and isinstance(screen, AnalysisScreen)
                and screen.verification is not None
                and screen.verification.done
            ):  # the first frame whose verdict bar holds the final verdicts
                marks["verdicts"] = time.perf_counter()
                marks["verdicts_wall"] = time.time()

    options = VerifyOptions(nameservers=(("127.0.0.1", port),), timeout=3.0)
    t_app = time.perf_counter()
    app = BenchApp(file, verify_options=options)
    max_lag = 0.0
    async with app.run_test(size=(160, 50), headless=True):
        give_up = time.perf_counter() + 60
        while "render" not in marks:
            if time.perf_counter() > give_up:
                raise TimeoutError("the analysis screen never rendered")
            await asyncio.sleep(0.001)
        screen = app.screen
        assert isinstance(screen, AnalysisScreen)
        while "verdicts" not in marks:
            if time.perf_counter() > give_up:
                raise TimeoutError("verification never finished")
            t = time.perf_counter()
            await asyncio.sleep(0.005)
            max_lag = max(max_lag, time.perf_counter() - t - 0.005)
        t_done = time.perf_counter()
        hops = len(screen.analysis.chain.hops)
        queries = len(screen.verification.dns_log)
    return {
        "imports_ms": (t_import1 - t_import0) * 1000,
        "app_to_render_ms": (marks["render"] - t_app) * 1000,
        "start_to_render_ms": (marks["render_wall"] - T_START) * 1000,
        "render_wall": marks["render_wall"],
        "cpu_to_render_ms": marks["render_cpu"],
        "verdicts_wall": marks["verdicts_wall"],
        "app_to_verdicts_ms": (marks["verdicts"] - t_app) * 1000,
        "verify_done_after_render_ms": (t_done - marks["render"]) * 1000,
        "verified_before_first_render": bool(marks["verified_at_render"]),
        "max_loop_lag_ms": max_lag * 1000,
        "hops": hops,
        "queries": queries,
    }


async def _first_frame(app_class: type[Any], name: str, imports_s: float) -> dict[str, float]:
    """Launch ``app_class`` headless and time its first composed frame (the yardsticks: a bare
    one-widget app, and the console's widget set without headerlens)."""
    marks: dict[str, float] = {}

    class Marked(app_class):  # type: ignore[misc,valid-type]
        def _display(self, screen: object, renderable: object) -> None:
            super()._display(screen, renderable)
            if "render" not in marks and renderable is not None:
                marks["render"] = time.perf_counter()
                marks["render_wall"] = time.time()
                marks["render_cpu"] = cpu_ms()

    t_app = time.perf_counter()
    app = Marked()
    async with app.run_test(size=(160, 50), headless=True):
        give_up = time.perf_counter() + 60
        while "render" not in marks:
            if time.perf_counter() > give_up:
                raise TimeoutError(f"the {name} app never rendered")
            await asyncio.sleep(0.001)
    return {
        "imports_ms": imports_s * 1000,
        "app_to_render_ms": (marks["render"] - t_app) * 1000,
        "render_wall": marks["render_wall"],
        "cpu_to_render_ms": marks["render_cpu"],
    }


async def _measure_bare() -> dict[str, float]:
    """The yardstick: a one-widget Textual app, launch to its first frame, the same way."""
    t_import0 = time.perf_counter()
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    t_import1 = time.perf_counter()

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("headerlens")

    return await _first_frame(Bare, "bare", t_import1 - t_import0)


async def _measure_layout() -> dict[str, float]:
    """The widgets of the console's first frame, empty of headerlens: launch to that frame."""
    t_import0 = time.perf_counter()
    from textual.app import App, ComposeResult
    from textual.binding import BindingType
    from textual.containers import Horizontal
    from textual.widgets import Footer, Header, Static, Tree

    t_import1 = time.perf_counter()

    class Layout(App[None]):
        BINDINGS: ClassVar[list[BindingType]] = [(k, "bell", k) for k in "orec"]  # footer keys

        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("status")
            yield Static("verdicts\ndiagnosis")
            with Horizontal():
                tree: Tree[None] = Tree("message")
                for n in range(1, 7):
                    tree.root.add(f"hop {n}").add_leaf("verdicts")
                tree.root.expand_all()
                yield tree
            yield Footer()

    return await _first_frame(Layout, "layout", t_import1 - t_import0)


if __name__ == "__main__":
    if sys.argv[1] == "--bare":
        print(json.dumps(asyncio.run(_measure_bare())))
    elif sys.argv[1] == "--layout":
        print(json.dumps(asyncio.run(_measure_layout())))
    else:
        print(json.dumps(asyncio.run(_measure(sys.argv[1], int(sys.argv[2])))))
