"""The paste screen: a large text area for the raw headers and one key to analyse them."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TextArea

from headerlens.tui.messages import OpenText
from headerlens.tui.safe import safe

HINT = (
    "Paste the message headers (Outlook: File › Properties › Internet headers; Gmail: ⋮ › Show "
    "original) and press Ctrl+R to analyse. The whole .eml works too."
)


class PasteScreen(Screen[None]):
    """Bracketed paste lands in the TextArea; Ctrl+R (or F5) analyses it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "analyse", "Analyse", id="analyse", priority=True),
        Binding("f5", "analyse", "Analyse", show=False),
        Binding("ctrl+l", "clear", "Clear", id="clear"),
    ]

    def __init__(self, *, error: str | None = None) -> None:
        super().__init__()
        self._error = error

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(HINT), id="paste-hint")
        if self._error:
            yield Static(safe(self._error, "hl.error"), id="paste-error")
        yield TextArea(id="paste", soft_wrap=False, show_line_numbers=True, tab_behavior="focus")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#paste", TextArea).focus()

    def action_analyse(self) -> None:
        text = self.query_one("#paste", TextArea).text
        if not text.strip():
            self.notify("Nothing to analyse yet: paste the headers first.", severity="warning")
            return
        self.post_message(OpenText(text))

    def action_clear(self) -> None:
        self.query_one("#paste", TextArea).clear()
