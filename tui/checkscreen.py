"""Console screen for ``headerlens check``: domain, selectors and provider fields, the outline."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Select, Static

from headerlens.dnsclient.dnsproto import Resolver
from headerlens.dnsclient.options import VerifyOptions, make_resolver
from headerlens.domaincheck.check import ASK_SELECTOR_CONSOLE, check_domain
from headerlens.domaincheck.mailrouting import PROVIDER_NAME
from headerlens.model import Analysis
from headerlens.model.domaincheck import DomainCheck
from headerlens.parsers.dkimsig import dns_name_problem
from headerlens.parsers.from_mailbox import mailbox
from headerlens.report.domaincheck import Line, outline, render_domain_check
from headerlens.textsafe import inert
from headerlens.tui.safe import SEVERITY_STYLE, result_text, safe

_HEADING_STYLE = {1: "bold underline", 2: "bold reverse", 3: "bold"}
_SPLIT = re.compile(r"[\s,;]+")

CHECK_KEYS = """\
headerlens — domain check keys
  Enter            check the domain with the selectors and provider in the fields
  Tab / Shift+Tab  next / previous field (domain, selectors, provider, from the message)
  F2               copy the result as plain text (OSC 52 clipboard)
  F3               export the result (Markdown, JSON or plain text)
  Esc              back to the message      Ctrl+Q  quit
"""


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


def domain_of(typed: str) -> tuple[str | None, str]:
    """The domain to check from what was typed, and a note; (None, why) when it is not one.

    An address (``alice@contoso.com``, ``Alice <alice@contoso.com>``) is reduced to its domain
    with a note saying so: the check is about what a domain publishes, never a mailbox.
    """
    text = typed.strip()
    note = ""
    if "@" in text:
        address = mailbox(text) or text
        text = address.rpartition("@")[2].strip().strip(">")
    domain = text.rstrip(".").lower()
    if "@" in typed:
        note = f"{inert(typed.strip())} is an address: checking its domain, {inert(domain)}"
    if not domain:
        return None, "Type a domain to check, e.g. contoso.com"
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            return None, f"{inert(domain)} is not a domain name"
    why = dns_name_problem(domain, min_labels=2)
    if why is not None:
        return None, f"{inert(domain)} is not a domain to check: it {why}"
    return domain, note


def selectors_of(typed: str) -> tuple[tuple[str, ...], str | None]:
    """Selectors typed as ``s1 s2`` or ``s1, s2``; (…, why) when one is not a DNS label run."""
    chosen = tuple(dict.fromkeys(s.lower() for s in _SPLIT.split(typed.strip()) if s))
    for selector in chosen:
        why = dns_name_problem(selector)
        if why is not None:
            return (), f"selector {inert(selector)} {why}"
    return chosen, None


def message_domains(message: Analysis | None) -> list[tuple[str, tuple[str, ...]]]:
    """The From domain first, then each DKIM d=, with the s= its signatures name.

    Only names that are DNS names are offered (a header's d= may be anything).
    """
    found: dict[str, list[str]] = {}
    if message is None:
        return []
    from_domain = message.from_addr.domain if message.from_addr is not None else None
    if from_domain and dns_name_problem(from_domain, min_labels=2) is None:
        found[from_domain.lower().rstrip(".")] = []
    for sig in message.dkim_signatures:
        d, s = sig.domain, sig.selector
        if sig.header_name.lower() != "dkim-signature" or not d:
            continue
        if dns_name_problem(d, min_labels=2) is not None:
            continue
        selectors = found.setdefault(d.lower().rstrip("."), [])
        if s and dns_name_problem(s) is None and s.lower() not in selectors:
            selectors.append(s.lower())
    return [(d, tuple(s)) for d, s in found.items()]


def _known_label(domain: str, selectors: tuple[str, ...], is_from: bool) -> Text:
    out = Text("From " if is_from else "DKIM d=", style="dim")
    out.append(safe(domain))
    if selectors:
        out.append(" s=", style="dim")
        out.append(safe(", ".join(selectors)))
    return out


class DomainCheckScreen(Screen[None]):
    """One domain's check; edit the domain, selectors or provider and press Enter again."""

    HELP_KEYS = CHECK_KEYS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="check_back"),
        Binding("f2", "copy_result", "Copy", id="check_copy"),
        Binding("f3", "export_result", "Export", id="check_export"),
    ]

    def __init__(
        self,
        domain: str,
        result: DomainCheck | None = None,
        *,
        selectors: Sequence[str] = (),
        provider: str | None = None,
        resolver: Resolver | None = None,
        message: Analysis | None = None,
        options: VerifyOptions | None = None,
    ) -> None:
        super().__init__()
        self.known = message_domains(message)
        self.message = message
        if not domain and self.known:  # opened from the palette: the open message's From
            domain = self.known[0][0]
        if not selectors:
            selectors = next((s for d, s in self.known if d == domain.lower()), ())
        self.domain = domain
        self.result = result
        self.selectors = tuple(selectors)
        self.provider = provider
        self._resolver = resolver
        self._options = options or VerifyOptions()  # the app's DNS settings, when no resolver

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="check-form"):
            yield Label("Domain ", classes="check-label")
            yield Input(
                value=inert(self.domain),  # the From domain: RFC 2047 words may decode to escapes
                placeholder="e.g. contoso.com",
                id="check_domain",
                compact=True,
            )
            yield Label(" Selectors ", classes="check-label")
            yield Input(
                value=inert(" ".join(self.selectors)),
                placeholder="e.g. selector1",
                id="check_selectors",
                compact=True,
            )
            yield Select(
                [(f"{name} ({key})", key) for key, name in PROVIDER_NAME.items()],
                prompt="provider: none",
                value=self.provider if self.provider in PROVIDER_NAME else Select.NULL,
                id="check_provider",
                compact=True,
            )
        if self.known:
            yield Select(
                [
                    (_known_label(d, s, i == 0 and d == self.known[0][0]), str(i))
                    for i, (d, s) in enumerate(self.known)
                ],
                prompt="from the open message: its From domain and DKIM signatures",
                id="check_known",
                compact=True,
            )
        yield Static(Text(""), id="check_note", markup=False)
        with VerticalScroll(id="check_scroll"):
            yield Static(Text(""), id="check_result")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "headerlens · domain check"
        self.sub_title = inert(self.domain)
        self.query_one("#check_domain", Input).focus()
        self._note("")
        if self.result is not None:
            self.show(self.result)
        elif self.domain:
            self.submit()

    def show(self, result: DomainCheck) -> None:
        """Display ``result`` (built from Text objects only: DNS data is never markup)."""
        self.result = result
        self.domain = result.domain
        self.sub_title = inert(result.domain)
        self.query_one("#check_result", Static).update(render_check(result))

    def _note(self, text: str, style: str = "italic") -> None:
        note = self.query_one("#check_note", Static)
        note.update(safe(text, style))
        note.display = bool(text)

    def submit(self) -> None:
        """Read the fields and check; a bad domain or selector is refused with the reason."""
        domain, note = domain_of(self.query_one("#check_domain", Input).value)
        if domain is None:
            self._note(note, "hl.error")
            return
        selectors, bad = selectors_of(self.query_one("#check_selectors", Input).value)
        if bad is not None:
            self._note(bad, "hl.error")
            return
        value = self.query_one("#check_provider", Select).value
        self.provider = value if isinstance(value, str) else None
        self.selectors = selectors
        self._note(note)
        self.query_one("#check_domain", Input).value = domain  # an address becomes its domain
        self.run_check(domain)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit()

    @on(Select.Changed, "#check_provider")
    def _provider_chosen(self, event: Select.Changed) -> None:
        chosen = event.value if isinstance(event.value, str) else None
        if chosen != self.provider and self.query_one("#check_domain", Input).value.strip():
            self.submit()

    @on(Select.Changed, "#check_known")
    def _known_chosen(self, event: Select.Changed) -> None:
        if not isinstance(event.value, str):
            return
        domain, selectors = self.known[int(event.value)]
        self.query_one("#check_domain", Input).value = domain
        self.query_one("#check_selectors", Input).value = " ".join(selectors)
        self.submit()

    def _resolver_and_label(self) -> tuple[Resolver, str] | None:
        if self._resolver is not None:
            return self._resolver, getattr(self._resolver, "label", "")
        try:
            return make_resolver(self._options)
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
            domain,
            resolver,
            selectors=self.selectors,
            provider=self.provider,
            label=label,
            ask_selector=ASK_SELECTOR_CONSOLE,
        )
        self.show(result)

    def action_copy_result(self) -> None:
        if self.result is None:
            self.notify("No result to copy yet.", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(render_domain_check(self.result, "text"))
        self.notify(
            inert(f"Check of {self.result.domain} copied as plain text (OSC 52)."), markup=False
        )

    def action_export_result(self) -> None:
        if self.result is None:
            self.notify("No result to export yet.", severity="warning", markup=False)
            return
        from headerlens.tui.export import ExportDialog, export_folder, input_file

        result = self.result
        message = self.message
        folder = export_folder(message) if message is not None else Path.cwd().absolute()
        where = (
            f"Saved next to the open message's file, in {folder}"
            if message is not None and input_file(message) is not None
            else f"Saved in the current folder, {folder}"
        )
        self.app.push_screen(
            ExportDialog(
                title=f"Export the check of {inert(result.domain)}",
                render=lambda fmt: render_domain_check(result, fmt),
                default=folder / f"{inert(result.domain)}.headerlens-check",
                where=where,
                alt="text",
            )
        )
