"""Console screen for ``headerlens check``: the same outline as the Markdown, plus a domain box."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from headerlens.checks.domaincheck import check_domain
from headerlens.checks.options import VerifyOptions, make_resolver
from headerlens.checks.resolver import Resolver
from headerlens.model.domaincheck import DomainCheck
from headerlens.report.domaincheck import Line, outline
from headerlens.textsafe import inert
from headerlens.tui.safe import SEVERITY_STYLE, result_text, safe

_HEADING_STYLE = {1: "bold underline", 2: "bold reverse", 3: "bold"}


def line_text(line: Line) -> Text:
    """One outline line as Text; the line's text is untrusted and goes through safe()."""
    out = Text()
    if line.kind == "heading":
        out.append(safe(line.text, _HEADING_STYLE.get(line.level, "bold")))
        return out
    if line.kind == "item":
        out.append("  " * line.level + "• ")
    if line.kind == "record":  # a DNS record to publish: no bullet, so it copies as typed
        out.append("  " * line.level + "  ")
        out.append(safe(line.text, "bold"))
        return out
    if line.severity is not None:
        out.append(f"{line.severity.value.upper()} ", style=SEVERITY_STYLE[line.severity])
    out.append(safe(line.text))
    if line.status is not None:
        out.append(" [")
        out.append(result_text(line.status))
        out.append("]")
    return out


def render_check(result: DomainCheck) -> Text:
    """The whole check as one Text, line for line what the Markdown report says."""
    lines = outline(result)
    out = Text()
    for i, line in enumerate(lines):
        if line.kind == "heading" and i:
            out.append("\n")
        out.append(line_text(line))
        out.append("\n")
    return out


class DomainCheckScreen(Screen[None]):
    """Shows one domain's check; type another domain and press Enter to check it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="check_back"),
    ]

    def __init__(
        self,
        domain: str,
        result: DomainCheck | None = None,
        *,
        selectors: Sequence[str] = (),
        provider: str | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        super().__init__()
        self.domain = domain
        self.result = result
        self.selectors = tuple(selectors)
        self.provider = provider
        self._resolver = resolver

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            value=inert(self.domain),  # the From domain: RFC 2047 words may decode to escapes
            placeholder="domain to check, e.g. contoso.com (Enter)",
            id="check_domain",
        )
        with VerticalScroll(id="check_scroll"):
            yield Static(Text(""), id="check_result")
        yield Footer()

    def on_mount(self) -> None:
        if self.result is not None:
            self.show(self.result)
        elif self.domain:
            self.run_check(self.domain)

    def show(self, result: DomainCheck) -> None:
        """Display ``result`` (built from Text objects only: DNS data is never markup)."""
        self.result = result
        self.domain = result.domain
        self.query_one("#check_result", Static).update(render_check(result))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        domain = event.value.strip()
        if domain:
            self.run_check(domain)

    def _resolver_and_label(self) -> tuple[Resolver, str] | None:
        if self._resolver is not None:
            return self._resolver, getattr(self._resolver, "label", "")
        options = getattr(self.app, "verify_options", None)
        try:
            return make_resolver(options if isinstance(options, VerifyOptions) else VerifyOptions())
        except ValueError as exc:  # an unreadable DNS snapshot
            self.notify(inert(str(exc)), severity="error", markup=False)
            return None

    @work(exclusive=True, group="domain_check")
    async def run_check(self, domain: str) -> None:
        """Check ``domain`` in the background; the newest request wins."""
        made = self._resolver_and_label()
        if made is None:
            return
        resolver, label = made
        self.query_one("#check_result", Static).update(safe(f"Checking {domain}…", "dim"))
        result = await check_domain(
            domain, resolver, selectors=self.selectors, provider=self.provider, label=label
        )
        self.show(result)
