"""The paste screen: a large text area for the raw headers and one key to analyse them."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from headerlens.tui.messages import OpenText
from headerlens.tui.safe import safe

if TYPE_CHECKING:  # imported when the screen is built: a console opened on a file never needs it
    from textual.widgets import TextArea

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
        from textual.widgets import TextArea

        yield Header()
        yield Static(Text(HINT), id="paste-hint")
        if self._error:
            yield Static(safe(self._error, "hl.error"), id="paste-error")
        yield TextArea(id="paste", soft_wrap=False, show_line_numbers=True, tab_behavior="focus")
        yield Footer()

    def _area(self) -> TextArea:
        from textual.widgets import TextArea

        return self.query_one("#paste", TextArea)

    def on_mount(self) -> None:
        self._area().focus()

    def action_analyse(self) -> None:
        text = self._area().text
        if not text.strip():
            self.notify("Nothing to analyse yet: paste the headers first.", severity="warning")
            return
        self.post_message(OpenText(text))

    def action_clear(self) -> None:
        self._area().clear()
