"""The analysis screen's copy, save and export keys (c, y, w, e), as a mixin of AnalysisScreen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from headerlens.tui.safe import inert_lines

if TYPE_CHECKING:
    from textual.screen import Screen

    from headerlens.model import Analysis
    from headerlens.model.verification import Verification
    from headerlens.tui.hoptree import NodeRef

    _Screen = Screen[None]
else:
    _Screen = object


def copied_note(what: str) -> str:
    """What ``c``/``y`` say: where the text went, when it may not arrive, and the way round."""
    return (
        f"{what} sent to the terminal's clipboard (OSC 52). Some terminals, and tmux without "
        "`set -g set-clipboard on`, ignore it: press w to write the same text to a file."
    )


class CopyKeys(_Screen):
    """Copy the ticket summary or the selected node, save the last copy, open the export."""

    analysis: Analysis
    verification: Verification | None
    last_copy: str  # what c or y last sent to the clipboard, for w (save to a file)
    _selected: NodeRef | None

    if TYPE_CHECKING:

        @property
        def shown(self) -> Analysis: ...

    def action_export(self) -> None:
        from headerlens.tui.export import ExportScreen

        self.app.push_screen(ExportScreen(self.analysis, self.verification))

    def ticket_text(self) -> str:
        """The short ticket summary ``c`` copies, with the verdict bar's text."""
        from headerlens.report.summary import ticket_text

        return ticket_text(self.analysis, self.verification)

    def _copy(self, text: str, what: str) -> None:
        self.last_copy = text
        self.app.copy_to_clipboard(text)
        self.notify(copied_note(what), markup=False, timeout=8)

    def action_copy_summary(self) -> None:
        self._copy(self.ticket_text(), "Ticket summary")

    def action_copy_node(self) -> None:
        from headerlens.tui.detail import describe, raw_header

        ref = self._selected
        text = raw_header(self.shown, ref.header_index if ref else None)
        if not text:
            text = describe(ref, self.shown).plain
        # Inert: a copied header must not carry escape sequences into the next terminal.
        self._copy(inert_lines(text), "Selected node")

    def action_save_copy(self) -> None:
        """Write what ``c`` or ``y`` copied last (else the ticket summary) to a file."""
        from headerlens.tui.export import SaveTextScreen

        text = self.last_copy or self.ticket_text()
        self.app.push_screen(SaveTextScreen(self.analysis, text))
