"""The headerlens console: paste or open a message, walk the hops, read the findings, export."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from headerlens.analyze import analyze
from headerlens.dnsclient.options import VerifyOptions
from headerlens.model import Analysis, InputKind
from headerlens.source import InputError, LoadedInput, load
from headerlens.textsafe import inert
from headerlens.tui.analysis import AnalysisScreen
from headerlens.tui.messages import CheckDomain, OpenText
from headerlens.tui.paste import PasteScreen
from headerlens.tui.startup import resume_collector
from headerlens.tui.theme import VARIABLES, use_roles

if TYPE_CHECKING:  # the DNS code is imported where used: the checks start after the first frame
    from headerlens.dnsclient.dnsproto import Resolver
    from headerlens.model.received import TrustedHosts
    from headerlens.model.verification import Verification


class HeaderlensApp(App[None]):
    """Keyboard-first console. Attributes down (the screens get an Analysis), messages up."""

    CSS_PATH = "headerlens.tcss"
    TITLE = "headerlens"
    SUB_TITLE = "why did this message fail?"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("f1", "help", "Help", id="help"),
        Binding("ctrl+o", "paste_screen", "New paste", id="new_paste", show=False),
    ]

    def __init__(
        self,
        source: str | None = None,
        *,
        loaded: LoadedInput | None = None,
        now: datetime | None = None,
        verify_options: VerifyOptions | None = None,
        trusted: TrustedHosts | None = None,
    ) -> None:
        super().__init__()
        self.trusted = trusted  # --trusted-host: the receiving organisation's own hosts
        self._source = source
        self._loaded = loaded
        self.now = now
        self.verify_options = verify_options or VerifyOptions()
        self.analysis: Analysis | None = None
        self._resolver: tuple[Resolver, str] | None = None
        self._resolver_for: Analysis | None = None

    async def verification_stream(
        self, analysis: Analysis, *, flush: bool = False
    ) -> AsyncIterator[Verification]:
        """Verification snapshots for ``analysis``; ``flush`` starts with an empty DNS cache."""
        from headerlens.dnsclient.options import make_resolver
        from headerlens.evaluators.verify import verify_stream
        from headerlens.model.verification import Verification

        options = self.verify_options
        # One resolver per analysis: its cache is shared by re-renders of the same message,
        # and its deadline (one analysis' budget) starts afresh for each new message.
        if self._resolver is None or flush or self._resolver_for is not analysis:
            self._resolver_for = analysis
            try:
                self._resolver = make_resolver(options)
            except ValueError as exc:  # unreadable snapshot
                yield Verification(mode=options.mode, resolver="", done=True, errors=(str(exc),))
                return
        resolver, label = self._resolver
        last: Verification | None = None
        async for snap in verify_stream(
            analysis, resolver, mode=options.mode, label=label, now=self.now
        ):
            last = snap
            yield snap
        if options.save_dns is not None and last is not None:
            from headerlens.dnsclient.snapshot import save_snapshot

            try:
                save_snapshot(last.dns_log, options.save_dns)
            except OSError as exc:
                self.notify(
                    inert(f"Could not save the DNS log: {exc}"), severity="error", markup=False
                )

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(VARIABLES)  # the console's colours (hl-error, ...): a theme may override them

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables; the role styles Text uses (hl.error, ...) follow them."""
        variables = super().get_css_variables()
        # called from App.__init__ (console made, our attributes not yet) and on each theme change
        use_roles(self.console, variables, replace=getattr(self, "_roles_named", False))
        self._roles_named = True
        return variables

    def on_mount(self) -> None:
        # Runs after the first screen's first frame (a callback goes to the screen then shown).
        self.call_after_refresh(resume_collector)
        if self._loaded is not None:
            self.open_loaded(self._loaded)
            return
        if self._source is not None:
            try:
                loaded = load(self._source)
            except InputError as exc:
                self.push_screen(PasteScreen(error=str(exc)))
                return
            self.open_loaded(loaded)
            return
        self.push_screen(PasteScreen())

    def open_loaded(self, loaded: LoadedInput) -> None:
        """Analyse ``loaded`` and show the analysis screen (replacing a paste screen)."""
        analysis = analyze(
            loaded.data, source_name=loaded.name, kind=loaded.kind, trusted=self.trusted
        )
        if not analysis.headers and analysis.ndr is None:  # a bounce's text alone is fine
            from headerlens.model.codes import Code

            binary = analysis.defect(Code.INPUT_BINARY)
            message = inert(
                f"{loaded.name}: {binary.message}"
                if binary is not None
                else f"{loaded.name}: no header fields found; this is not an email message"
            )
            if isinstance(self.screen, PasteScreen):
                self.notify(message, severity="error", markup=False)
            else:
                self.push_screen(PasteScreen(error=message))
            return
        self.analysis = analysis
        screen = AnalysisScreen(analysis, note=loaded.note, verify=self.verification_stream)
        if isinstance(self.screen, PasteScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def open_text(self, text: str) -> None:
        """Analyse pasted text."""
        data = text.encode("utf-8", errors="surrogateescape")
        self.open_loaded(LoadedInput(name="pasted headers", data=data, kind=InputKind.EML))

    def on_open_text(self, message: OpenText) -> None:
        self.open_text(message.text)

    def on_check_domain(self, message: CheckDomain) -> None:
        self._open_check(message.domain, message.provider, message.message)

    def action_paste_screen(self) -> None:
        self.push_screen(PasteScreen())

    def action_check_domain(self, domain: str = "", provider: str | None = None) -> None:
        """Open the domain check screen (from the palette or a finding)."""
        screen = self.screen
        message = screen.shown if isinstance(screen, AnalysisScreen) else self.analysis
        self._open_check(domain, provider, message)

    def _open_check(self, domain: str, provider: str | None, message: Analysis | None) -> None:
        from headerlens.tui.checkscreen import DomainCheckScreen

        options = self.verify_options
        self.push_screen(
            DomainCheckScreen(domain, provider=provider, message=message, options=options)
        )

    def action_help(self) -> None:
        from headerlens.tui.help import GENERAL, HelpScreen

        focused = self.focused
        keys = getattr(self.screen, "HELP_KEYS", GENERAL)  # a screen's own keys, if it has them
        self.push_screen(HelpScreen(focused.id if focused is not None else None, keys=str(keys)))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "New paste", "Open the paste screen for another message", self.action_paste_screen
        )
        yield SystemCommand("Help", "Keys and panels (F1)", self.action_help)
        yield SystemCommand(
            "Check a domain",
            "SPF, DKIM selectors and DMARC a domain publishes",
            self.action_check_domain,
        )
        if isinstance(screen, AnalysisScreen):
            yield from screen.commands()


def run_console(source: str | None, *, loaded: LoadedInput | None = None) -> None:
    """Start the console on ``source`` (a path), on pre-read input, or on the paste screen."""
    HeaderlensApp(source, loaded=loaded).run()
