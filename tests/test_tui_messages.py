"""Screens post messages up and get what they need handed down: no screen calls the app.

Each path is driven twice: a screen hosted by a bare recording App (the message is posted, and
nothing of HeaderlensApp is needed), and the real console (the app handles it)."""

from __future__ import annotations

import ast
from collections.abc import AsyncIterator
from typing import Any

import pytest
from textual import events
from textual.app import App
from textual.message import Message
from textual.screen import Screen
from textual.widgets import OptionList, TextArea

from headerlens.analyze import analyze
from headerlens.dnsclient.options import VerifyOptions
from headerlens.model import Analysis, Finding, Severity
from headerlens.model.codes import Code
from headerlens.model.findings import Action, ActionKind
from headerlens.model.verification import Verification, VerifyMode
from headerlens.tui.analysis import AnalysisScreen
from headerlens.tui.app import HeaderlensApp
from headerlens.tui.checkscreen import DomainCheckScreen
from headerlens.tui.messages import CheckDomain, OpenText
from headerlens.tui.paste import PasteScreen
from headerlens.tui.theme import use_roles
from tests.paths import EXAMPLES, REPO
from tests.test_checkscreen import MemResolver

ONMS = REPO / "tests" / "data" / "lab" / "messages" / "shared-onmicrosoft-dkim-unaligned.eml"
SIZE = (120, 40)
UNALIGNED = Finding(
    Code.DKIM_ONMICROSOFT_UNALIGNED,
    Severity.ERROR,
    "Signed by onmicrosoft.com only",
    action=Action(ActionKind.CHECK_DOMAIN, domain="tailspintoys.com", provider="eop"),
)


async def _stream(analysis: Analysis, *, flush: bool = False) -> AsyncIterator[Verification]:
    """A verification that finds the onmicrosoft.com signature unaligned (no DNS)."""
    yield Verification(mode=VerifyMode.LIVE, resolver="fake", pending=("dkim",))
    yield Verification(mode=VerifyMode.LIVE, resolver="fake", done=True, findings=(UNALIGNED,))


class Host(App[None]):
    """Hosts one screen and records what it posts up; it has none of HeaderlensApp's methods."""

    def __init__(self, screen: Screen[None]) -> None:
        super().__init__()
        use_roles(self.console, {}, replace=False)  # the role styles the screens use
        self._first = screen
        self.posted: list[Message] = []

    def on_mount(self) -> None:
        self.push_screen(self._first)

    def on_open_text(self, message: OpenText) -> None:
        self.posted.append(message)

    def on_check_domain(self, message: CheckDomain) -> None:
        self.posted.append(message)


def _onms() -> Analysis:
    return analyze(ONMS.read_bytes(), source_name=ONMS.name)


async def _enter_on_first_finding(screen: AnalysisScreen, pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("f")
    ol = screen.query_one("#findings-list", OptionList)
    ol.highlighted = 0
    await pilot.press("enter")
    await pilot.pause()


async def test_paste_screen_posts_open_text() -> None:
    app = Host(PasteScreen())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.post_message(events.Paste("Subject: hi\nFrom: a@example.com\n"))
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert [type(m) for m in app.posted] == [OpenText]
        assert isinstance(app.posted[0], OpenText)
        assert app.posted[0].text.startswith("Subject: hi\nFrom: a@example.com")


async def test_console_opens_the_posted_paste() -> None:
    app = HeaderlensApp(None, verify_options=VerifyOptions(offline=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = (EXAMPLES / "eop-to-gmail-headers-only.txt").read_text()
        app.screen.query_one("#paste", TextArea).load_text(text)
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, AnalysisScreen)
        assert app.screen.analysis.source_name == "pasted headers"


async def test_screen_verifies_with_the_stream_handed_down() -> None:
    """The verification comes from the ``verify`` attribute, whatever app hosts the screen."""
    screen = AnalysisScreen(_onms(), verify=_stream)
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.verification is not None and screen.verification.done
        assert screen.verification.findings == (UNALIGNED,)
    quiet = AnalysisScreen(_onms())  # nothing handed down: nothing verified, no crash
    app = Host(quiet)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert quiet.verification is None


async def test_dns_record_finding_posts_check_domain() -> None:
    screen = AnalysisScreen(_onms(), verify=_stream)
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        await _enter_on_first_finding(screen, pilot)
        assert [type(m) for m in app.posted] == [CheckDomain]
        posted = app.posted[0]
        assert isinstance(posted, CheckDomain)
        assert (posted.domain, posted.provider) == ("tailspintoys.com", "eop")
        assert posted.message is screen.shown
        assert app.screen is screen  # the host did nothing with it: the screen did not either


async def test_console_opens_the_posted_domain_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "headerlens.tui.checkscreen.make_resolver", lambda options: (MemResolver(), "memory")
    )

    options = VerifyOptions(offline=True, timeout=1.5)
    app = HeaderlensApp(str(ONMS), verify_options=options)
    monkeypatch.setattr(app, "verification_stream", _stream)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        screen = app.screen
        assert isinstance(screen, AnalysisScreen)
        await _enter_on_first_finding(screen, pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        check = app.screen
        assert isinstance(check, DomainCheckScreen)
        assert (check.domain, check.provider) == ("tailspintoys.com", "eop")
        assert check.message is screen.shown
        assert check._options is options  # the app's DNS settings handed down


def test_no_screen_module_reaches_into_the_app() -> None:
    """Only app.py knows HeaderlensApp; screens post messages (tui/messages.py)."""
    tui = REPO / "tui"
    offenders = []
    for path in sorted(tui.glob("*.py")):
        if path.name == "app.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "headerlens.tui.app":
                offenders.append(f"{path.name}:{node.lineno} imports the app")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "getattr"
                and node.args
                and ast.unparse(node.args[0]) == "self.app"
            ):
                offenders.append(f"{path.name}:{node.lineno} reads an app attribute by name")
    assert offenders == []
