"""The domain-check console screen: same content as the Markdown, inert DNS text, Enter re-checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.app import App
from textual.widgets import Input, Select, Static

from headerlens.dnsclient.options import VerifyOptions
from headerlens.domaincheck.check import check_domain
from headerlens.model.dns import DnsRecord
from headerlens.model.domaincheck import DomainCheck, SelectorState
from headerlens.report.domaincheck import outline
from headerlens.tui.app import HeaderlensApp
from headerlens.tui.checkscreen import DomainCheckScreen
from headerlens.tui.theme import use_roles
from tests.paths import REPO

# A few answers from the lab zones (tests/data/lab/zones), served from memory: no network.
KEY = "v=DKIM1; k=ed25519; p=+E/1tAYWf12yJvrna17Cf9GT0WTrKKmAZQEcPfwzv6I="  # proseware.com.zone
ZONE: dict[tuple[str, str], tuple[str, ...]] = {
    ("contoso.com", "TXT"): ("v=spf1 include:spf.protection.outlook.com -all",),
    ("spf.protection.outlook.com", "TXT"): ("v=spf1 ip4:40.107.0.0/16 -all",),
    ("_dmarc.contoso.com", "TXT"): ("v=DMARC1; p=reject; rua=mailto:d@contoso.com",),
    ("selector1._domainkey.contoso.com", "TXT"): (KEY,),
    # A hostile value: markup and an escape sequence must show literally.
    ("northwindtraders.com", "TXT"): ("v=spf1 ip4:198.51.100.7 [bold]x[/bold]\x1b[2J -all",),
}


class MemResolver:
    """Answers from ZONE; anything else does not exist."""

    label = "memory"

    def __init__(self) -> None:
        self._log: list[DnsRecord] = []

    async def query(self, name: str, rdtype: str) -> DnsRecord:
        answers = ZONE.get((name.lower(), rdtype))
        rec = (
            DnsRecord(name, rdtype, "NOERROR", answers, ttl=300, resolver="memory")
            if answers
            else DnsRecord(name, rdtype, "NXDOMAIN", resolver="memory")
        )
        self._log.append(rec)
        return rec

    @property
    def log(self) -> tuple[DnsRecord, ...]:
        return tuple(self._log)

    def clear_cache(self) -> None:
        pass


class CheckApp(App[None]):
    """A bare app that shows one DomainCheckScreen."""

    def __init__(self, screen: DomainCheckScreen) -> None:
        super().__init__()
        use_roles(self.console, {}, replace=False)  # the role styles the screens use
        self._check_screen = screen

    def on_mount(self) -> None:
        self.push_screen(self._check_screen)


async def _contoso() -> DomainCheck:
    return await check_domain("contoso.com", MemResolver(), provider="eop", label="memory")


def _shown(app: App[Any]) -> str:
    content = app.screen.query_one("#check_result", Static).content
    assert isinstance(content, Text)  # a Text object, never a markup string
    return content.plain


async def test_screen_shows_the_same_lines_as_the_markdown() -> None:
    result = await _contoso()
    assert [s.state for s in result.dkim] == [SelectorState.PRESENT, SelectorState.MISSING]
    app = CheckApp(DomainCheckScreen("contoso.com", result, resolver=MemResolver()))
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        shown = _shown(app)
        for line in outline(result):
            assert line.text in shown
        assert "Selector selector2: missing" in shown
        assert "selector2-contoso-com._domainkey.<tenant>.onmicrosoft.com" in shown


async def test_enter_checks_another_domain_and_keeps_dns_text_inert() -> None:
    result = await _contoso()
    screen = DomainCheckScreen("contoso.com", result, resolver=MemResolver())
    app = CheckApp(screen)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#check_domain", Input)
        box.value = "northwindtraders.com"
        box.focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.result is not None and screen.result.domain == "northwindtraders.com"
        shown = _shown(app)
        assert "[bold]x[/bold]\\x1b[2J" in shown  # literally, not interpreted
        assert "\x1b" not in shown


def test_screen_snapshot(snap_compare: Any) -> None:
    import asyncio

    result = asyncio.run(_contoso())
    app = CheckApp(DomainCheckScreen("contoso.com", result, resolver=MemResolver()))
    assert snap_compare(app, terminal_size=(110, 40))


# --- the fields: domain, selectors, provider, prefilled from the open message -------------------

ONMS = REPO / "tests" / "data" / "lab" / "messages" / "shared-onmicrosoft-dkim-unaligned.eml"


def _message_app(monkeypatch: pytest.MonkeyPatch) -> HeaderlensApp:
    """The console on a Microsoft 365 message signed by its onmicrosoft.com domain only; the
    checks answer from MemResolver (no network)."""
    monkeypatch.setattr(
        "headerlens.tui.checkscreen.make_resolver", lambda options: (MemResolver(), "memory")
    )
    return HeaderlensApp(str(ONMS), verify_options=VerifyOptions(offline=True))


async def _open_check(app: HeaderlensApp, pilot: Any) -> DomainCheckScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.action_check_domain()  # the command palette's "Check a domain"
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, DomainCheckScreen)
    return screen


def _value(app: App[Any], selector: str) -> str:
    return app.screen.query_one(selector, Input).value


def _note(app: App[Any]) -> str:
    content = app.screen.query_one("#check_note", Static).visual
    return content.plain if hasattr(content, "plain") else str(content)


async def test_fields_are_prefilled_from_the_open_message(monkeypatch: pytest.MonkeyPatch) -> None:
    app = _message_app(monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_check(app, pilot)
        assert _value(app, "#check_domain") == "tailspintoys.com"  # the From domain
        assert _value(app, "#check_selectors") == ""  # nothing signed as tailspintoys.com
        assert screen.result is not None and screen.result.domain == "tailspintoys.com"
        assert (
            screen.title == "headerlens · domain check" and screen.sub_title == "tailspintoys.com"
        )
        known = screen.query_one("#check_known", Select)
        labels = [str(prompt) for prompt, _value_ in known._options if _value_ is not Select.NULL]
        assert labels == [
            "From tailspintoys.com",
            "DKIM d=tailspin.onmicrosoft.com s=selector1-tailspin-onmicrosoft-com",
        ]
        known.value = "1"  # each DKIM d=/s= one choice away
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _value(app, "#check_domain") == "tailspin.onmicrosoft.com"
        assert _value(app, "#check_selectors") == "selector1-tailspin-onmicrosoft-com"
        assert screen.result is not None and screen.result.domain == "tailspin.onmicrosoft.com"
        assert [c.selector for c in screen.result.dkim] == ["selector1-tailspin-onmicrosoft-com"]


async def test_selector_and_provider_fields_are_used() -> None:
    screen = DomainCheckScreen("contoso.com", resolver=MemResolver())
    app = CheckApp(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.result is not None and screen.result.dkim == ()  # nothing to look up
        # the advice names the console's fields, not the command line's options
        advice = next(n for n in screen.result.notes if n.startswith("No DKIM selector"))
        assert "Selectors field" in advice and "--selector" not in advice
        assert "Selectors field" in _shown(app) and "--" not in _shown(app)
        app.screen.query_one("#check_selectors", Input).value = "s2, selector1"
        app.screen.query_one("#check_provider", Select).value = "eop"  # re-checks on change
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.result.provider == "eop"
        assert [c.selector for c in screen.result.dkim] == ["s2", "selector1"]
        assert [c.state for c in screen.result.dkim] == [
            SelectorState.MISSING,
            SelectorState.PRESENT,
        ]


@pytest.mark.parametrize(
    "typed", ["alice@Contoso.com", "Alice Example <alice@contoso.com>", "contoso.com."]
)
async def test_an_address_is_reduced_to_its_domain(typed: str) -> None:
    screen = DomainCheckScreen("northwindtraders.com", resolver=MemResolver())
    app = CheckApp(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        box = app.screen.query_one("#check_domain", Input)
        box.value = typed
        box.focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.result is not None and screen.result.domain == "contoso.com"
        assert box.value == "contoso.com"
        if "@" in typed:
            assert _note(app) == f"{typed} is an address: checking its domain, contoso.com"


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("contoso", "contoso is not a domain to check: it is not a multi-label domain"),
        ("bob@", "Type a domain to check, e.g. contoso.com"),
        ("con toso.com", "con toso.com is not a domain to check: it has an invalid label"),
    ],
)
async def test_what_is_not_a_domain_is_refused_without_a_query(typed: str, why: str) -> None:
    resolver = MemResolver()
    result = await _contoso()
    screen = DomainCheckScreen("contoso.com", result, resolver=resolver)
    app = CheckApp(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#check_domain", Input)
        box.value = typed
        box.focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _note(app).startswith(why)
        assert screen.result is result and resolver.log == ()


async def test_a_bad_selector_is_refused() -> None:
    resolver = MemResolver()
    screen = DomainCheckScreen("contoso.com", await _contoso(), resolver=resolver)
    app = CheckApp(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one("#check_selectors", Input).value = "s1 bad(sel)"
        app.screen.query_one("#check_domain", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert _note(app).startswith("selector bad(sel) has an invalid label")
        assert resolver.log == ()


async def test_f1_explains_the_check_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    from headerlens.tui.help import HelpScreen

    app = _message_app(monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_check(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = app.screen.query_one(Static).visual
        text = shown.plain if hasattr(shown, "plain") else str(shown)
        assert "Domain check: what a domain publishes" in text  # the focused field
        assert "headerlens — domain check keys" in text and "F3" in text
        assert "hop tree" not in text  # not the message screen's keys


async def test_copy_and_export_the_result(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from headerlens.report.domaincheck import render_domain_check
    from headerlens.tui.export import ExportDialog

    monkeypatch.chdir(tmp_path)
    result = await _contoso()
    app = CheckApp(DomainCheckScreen("contoso.com", result, resolver=MemResolver()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f2")
        assert app.clipboard == render_domain_check(result, "text")
        for key in ("ctrl+t", "ctrl+j", "enter"):
            await pilot.press("f3")
            await pilot.pause()
            assert isinstance(app.screen, ExportDialog)
            await pilot.press(key)
            await pilot.pause()
    for ext, fmt in (("txt", "text"), ("json", "json"), ("md", "md")):
        written = tmp_path / f"contoso.com.headerlens-check.{ext}"
        assert written.read_text() == render_domain_check(result, fmt)


def test_screen_snapshot_with_message_fields(
    snap_compare: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(
        "headerlens.tui.checkscreen.make_resolver", lambda options: (MemResolver(), "memory")
    )
    app = HeaderlensApp(str(ONMS.relative_to(REPO)), verify_options=VerifyOptions(offline=True))

    async def open_check(pilot: Any) -> None:
        await _open_check(pilot.app, pilot)

    assert snap_compare(app, terminal_size=(100, 30), run_before=open_check)
