"""The domain-check console screen: same content as the Markdown, inert DNS text, Enter re-checks."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App
from textual.widgets import Input, Static

from headerlens.checks.domaincheck import check_domain
from headerlens.model.dns import DnsRecord
from headerlens.model.domaincheck import DomainCheck, SelectorState
from headerlens.report.domaincheck import outline
from headerlens.tui.checkscreen import DomainCheckScreen

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
