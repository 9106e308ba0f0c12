"""The console paints first: the tabs mount just after the first frame, each is built when it
first opens, and the checks start after the first frame (issue 15 item 7: first paint close to
a bare Textual app)."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import DataTable, OptionList, Static, TabbedContent

import headerlens.tui.app as app_module
from headerlens import cli
from headerlens.diagnosis import diagnose
from headerlens.dnsclient.options import VerifyOptions
from headerlens.model import Analysis
from headerlens.model.verification import Verification
from headerlens.tui import startup
from headerlens.tui.analysis import AnalysisScreen
from headerlens.tui.app import HeaderlensApp
from headerlens.tui.authpanel import auth_text
from headerlens.tui.timeline import diagnosis_text, timeline_text
from headerlens.tui.verdictbar import verdict_bar
from tests.dnslab import SilentUdpPort
from tests.paths import EXAMPLES

EOP = EXAMPLES / "eop-to-gmail-pass.eml"
SIZE = (120, 40)


def _plain(screen: AnalysisScreen, selector: str) -> str:
    visual = screen.query_one(selector, Static).visual
    return visual.plain if isinstance(visual, Text) else str(visual)


async def test_tabs_are_built_when_they_first_open() -> None:
    app = HeaderlensApp(str(EOP), verify_options=VerifyOptions(offline=True))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnalysisScreen)
        lazy = ("#hop-table", "#auth-text", "#findings-list", "#dns-table", "#timeline-text")
        assert all(not screen.query(sel) for sel in lazy)  # nothing built behind the scenes
        assert screen.query_one("#detail-text", Static).visual  # the open tab is there
        # the Findings tab's label counts the findings before its list exists
        label = screen.query_one(TabbedContent).get_tab("findings").label.plain
        assert label.startswith("Findings")
        v = screen.verification
        assert v is not None and v.done

        await pilot.press("a")
        assert _plain(screen, "#auth-text") == auth_text(screen.shown, v).plain
        await pilot.press("t")
        assert _plain(screen, "#timeline-text") == timeline_text(screen.shown).plain
        await pilot.press("f")
        findings = screen.query_one("#findings-list", OptionList)
        assert findings.option_count == len(screen._findings()) > 0
        assert app.focused is findings
        await pilot.press("p")
        assert screen.query_one("#hop-table", DataTable).row_count == len(screen.shown.chain.hops)
        await pilot.press("n")  # offline: the DNS log has its columns and no rows
        dns = screen.query_one("#dns-table", DataTable)
        assert len(dns.columns) == 7 and dns.row_count == len(v.dns_log)
        await pilot.press("a")  # opening a built tab again builds nothing twice
        assert len(screen.query("#auth-text")) == 1


async def test_a_tab_opened_before_the_checks_end_follows_them() -> None:
    with SilentUdpPort() as silent:
        options = VerifyOptions(
            nameservers=((silent.host, silent.port),), timeout=2.5, deadline=4.0
        )
        app = HeaderlensApp(str(EOP), verify_options=options)
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, AnalysisScreen)
            await pilot.press("a")
            await pilot.press("n")
            assert screen.verification is None or not screen.verification.done
            await app.workers.wait_for_complete()
            await pilot.pause()
            v = screen.verification
            assert v is not None and v.done and v.dns_log
            assert _plain(screen, "#auth-text") == auth_text(screen.shown, v).plain
            assert screen.query_one("#dns-table", DataTable).row_count == len(v.dns_log)


class _Recording(HeaderlensApp):
    """Notes whether the analysis screen had been drawn when the checks began."""

    CSS_PATH = str(Path(app_module.__file__).parent / "headerlens.tcss")  # relative to the module
    frames_before_checks: int | None = None
    frames = 0

    def _display(self, screen: object, renderable: object) -> None:
        super()._display(screen, renderable)  # type: ignore[arg-type]
        if renderable is not None and isinstance(screen, AnalysisScreen):
            self.frames += 1

    async def verification_stream(
        self, analysis: Analysis, *, flush: bool = False
    ) -> AsyncIterator[Verification]:
        if self.frames_before_checks is None:
            self.frames_before_checks = self.frames
        async for snap in super().verification_stream(analysis, flush=flush):
            yield snap


async def test_the_checks_start_after_the_first_frame() -> None:
    app = _Recording(str(EOP), verify_options=VerifyOptions(offline=True))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnalysisScreen)
        assert screen.verification is not None and screen.verification.done
    assert app.frames_before_checks is not None and app.frames_before_checks >= 1


class _FirstFrame(HeaderlensApp):
    """Records whether the analysis screen's first frame held the tab widgets."""

    CSS_PATH = str(Path(app_module.__file__).parent / "headerlens.tcss")
    tabs_in_first_frame: bool | None = None
    bar_in_first_frame = ""

    def _display(self, screen: object, renderable: object) -> None:
        super()._display(screen, renderable)  # type: ignore[arg-type]
        if (
            self.tabs_in_first_frame is None
            and renderable is not None
            and isinstance(screen, AnalysisScreen)
            and screen.is_mounted
        ):
            self.tabs_in_first_frame = bool(screen.query(TabbedContent))
            self.bar_in_first_frame = _plain(screen, "#diagnosis")


async def test_the_tabs_come_right_after_the_first_frame() -> None:
    app = _FirstFrame(str(EOP), verify_options=VerifyOptions(offline=True))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, AnalysisScreen)
        await pilot.press("a")  # may come before the tabs exist: it opens Auth once they do
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.tabs_in_first_frame is False  # tree and status first, then the tabs
        # the diagnosis comes right after the first frame: the bar said so for that frame
        assert app.bar_in_first_frame == "analysing…"
        shown, v = screen.shown, screen.verification
        bar = verdict_bar(shown, v, diagnose(shown, v)).append("\n")
        assert _plain(screen, "#diagnosis") == bar.append(diagnosis_text(diagnose(shown, v))).plain
        assert screen.query_one(TabbedContent).active == "auth"
        assert _plain(screen, "#auth-text") == auth_text(screen.shown, screen.verification).plain
        assert _plain(screen, "#detail-text")  # the Details tab was filled as it mounted
        label = screen.query_one(TabbedContent).get_tab("findings").label.plain
        assert label.startswith("Findings")


def test_the_console_starts_without_the_dns_and_bounce_code() -> None:
    # What the first frame needs is imported before it; DNS, DKIM, the checks, the bounce
    # reader and detectors and the paste box's editor only when used (the worker imports the
    # checks; analyze() loads the bounce reader when the input looks like a bounce).
    code = (
        "import sys\n"
        "from headerlens.analyze import analyze\n"
        "from headerlens.dnsclient.options import VerifyOptions\n"
        "from headerlens.tui.app import HeaderlensApp\n"
        f"analyze(open({str(EOP)!r}, 'rb').read())\n"
        "HeaderlensApp(None, verify_options=VerifyOptions(offline=True))\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(done.stdout.split())
    assert "headerlens.tui.analysis" in loaded  # the probe did import the console
    late = (
        "dns",
        "dkim",
        "nacl",
        "flufl.bounce",
        "headerlens.parsers.ndr",  # the bounce reader: an ordinary message never needs it
        "headerlens.evaluators",
        "textual.widgets._text_area",
        "headerlens.tui.hoptable",  # with the Hops tab
        "headerlens.tui.tabtext",  # with the Findings, DNS log and Headers tabs
        "html",  # the Markdown and HTML export escapes (html.entities is a large table)
    )
    assert [m for m in late if m in loaded] == []
    assert not [m for m in loaded if m.startswith("headerlens.dnsclient.resolver")]


def test_a_bounce_still_loads_the_bounce_reader() -> None:
    from headerlens.analyze import analyze

    bounce = (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
        b"To: alice@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\n"
        b"This is the mail system at host mx.example.net.\r\n\r\n"
        b"<bob@example.org>: host mx.example.org[192.0.2.7] said: 550 5.1.1 <bob@example.org>: "
        b"Recipient address rejected: User unknown (in reply to RCPT TO command)\r\n"
    )
    ndr = analyze(bounce).ndr
    assert ndr is not None
    assert [r.address for r in ndr.recipients] == ["bob@example.org"]


_FIRST_FRAME_PROBE = """
import sys
from pathlib import Path

import headerlens.tui.app as app_module
from headerlens.dnsclient.options import VerifyOptions
from headerlens.tui.analysis import AnalysisScreen
from headerlens.tui.app import HeaderlensApp


class Probe(HeaderlensApp):
    CSS_PATH = str(Path(app_module.__file__).parent / "headerlens.tcss")
    seen = False

    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        if not self.seen and renderable is not None and isinstance(screen, AnalysisScreen):
            self.seen = True
            print(" ".join(sorted(sys.modules)), flush=True)
            self.exit()


Probe(sys.argv[1], verify_options=VerifyOptions(offline=True)).run(headless=True, size=(120, 40))
"""


def test_the_first_frame_loads_only_what_it_shows() -> None:
    # Up to the first frame (hop tree, status line, header, footer) the console imports what
    # parses the message and draws those; the diagnosis and verdict words, the verification
    # model, the reports' bounce wording and the tab widgets come right after it.
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_FRAME_PROBE, str(EOP)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    loaded = set(done.stdout.split())
    assert {"headerlens.analyze", "headerlens.tui.hoptree"} <= loaded  # it did draw the tree
    late = (
        "headerlens.diagnosis",
        "headerlens.model.verification",
        "headerlens.model.verdicts",
        "headerlens.model.spf",
        "headerlens.model.ndr",  # a bounce's types: model/__init__.py loads each name on use
        "headerlens.model.findings",
        "headerlens.report.verdicts",
        "headerlens.report.ndr",
        "headerlens.tui.verdictbar",
        "headerlens.tui.detail",
        "textual.widgets._tabbed_content",
        "textual.widgets._data_table",
        "headerlens.model.codes",  # the code registry: with the first defect or finding made
        "headerlens.model.dns",  # DNS records, the resolver interface: with the checks
        "headerlens.dnsclient.dnsproto",
    )
    assert [m for m in late if m in loaded] == []


class _Collector(HeaderlensApp):
    """Notes whether the garbage collector ran while the first frame was drawn."""

    CSS_PATH = str(Path(app_module.__file__).parent / "headerlens.tcss")
    collecting_at_first_frame: bool | None = None

    def _display(self, screen: object, renderable: object) -> None:
        super()._display(screen, renderable)  # type: ignore[arg-type]
        if self.collecting_at_first_frame is None and renderable is not None:
            self.collecting_at_first_frame = gc.isenabled()


async def test_the_collector_waits_for_the_first_frame() -> None:
    # `headerlens FILE` pauses the collector for its start-up; the console resumes it once the
    # first frame is drawn, freezing what start-up made (later passes skip it).
    frozen = gc.get_freeze_count()
    startup.pause_collector()
    try:
        app = _Collector(str(EOP), verify_options=VerifyOptions(offline=True))
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.collecting_at_first_frame is False
            assert gc.isenabled()
            assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()
        startup.resume_collector()
        gc.enable()


def test_only_a_paused_collector_is_resumed() -> None:
    # Tests and programs that embed the console keep their collector as it is.
    gc.disable()
    try:
        startup.resume_collector()
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_the_console_command_pauses_the_collector_until_it_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(HeaderlensApp, "run", lambda self: seen.append(gc.isenabled()))
    frozen = gc.get_freeze_count()
    try:
        assert cli.main([str(EOP)]) == 0
        assert seen == [False]  # the console started with the collector paused
        assert gc.isenabled() and gc.get_freeze_count() > frozen  # and it runs again after
    finally:
        gc.unfreeze()
        gc.enable()
