"""Export the findings summary (Markdown, JSON, HTML) from the console, written atomically."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from headerlens.atomic import write_atomic
from headerlens.model import Analysis
from headerlens.model.verification import Verification
from headerlens.report.render import SUFFIX, render
from headerlens.textsafe import inert
from headerlens.tui.safe import safe

if TYPE_CHECKING:
    from headerlens.tui.analysis import AnalysisScreen


def default_path(analysis: Analysis, fmt: str) -> Path:
    """``<input stem>.headerlens.<ext>`` in the current folder (never the input itself).

    The stem is made inert: a file name may carry escape sequences or bidi controls, and the
    name is shown in the dialog and later by ``ls``.
    """
    name = analysis.source_name
    stem = inert(Path(name).stem) if name not in ("<stdin>", "pasted headers") else "headers"
    return Path(f"{stem or 'headers'}.headerlens{SUFFIX[fmt]}")


def write_export(
    analysis: Analysis, verification: Verification | None, fmt: str, path: Path
) -> Path:
    """Render and write atomically; refuses to overwrite the input file."""
    src = Path(analysis.source_name)
    if src.exists() and src.resolve() == path.resolve():
        raise OSError("refusing to overwrite the input file")
    write_atomic(path, render(analysis, verification, fmt))
    return path


def export_to(screen: AnalysisScreen, fmt: str) -> None:
    """Export straight to the default file name (command palette entries)."""
    path = default_path(screen.analysis, fmt)
    try:
        write_export(screen.analysis, screen.verification, fmt, path)
    except OSError as exc:
        screen.notify(inert(f"Export failed: {exc}"), severity="error", markup=False)
        return
    screen.notify(inert(f"Exported to {path}"), markup=False)


class ExportScreen(ModalScreen[None]):
    """Pick a format with one key; the file name can be edited first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Cancel", id="cancel"),
        Binding("ctrl+j", "export('json')", "JSON", id="export_json", priority=True),
        Binding("ctrl+t", "export('html')", "HTML", id="export_html", priority=True),
    ]

    def __init__(self, analysis: Analysis, verification: Verification | None) -> None:
        super().__init__()
        self.analysis = analysis
        self.verification = verification

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Label(Text("Export the findings summary", style="bold"))
            yield Static(
                Text(
                    "File name (.md/.json/.html is added for the format unless you type one). Enter = Markdown, "
                    "Ctrl+J = JSON, Ctrl+T = HTML, Esc = cancel."
                ),
                markup=False,
            )
            yield Input(
                value=inert(str(default_path(self.analysis, "md").with_suffix(""))),
                id="export-path",
            )
            yield Static("", id="export-result", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_export("md")

    def action_export(self, fmt: str) -> None:
        base = self.query_one("#export-path", Input).value.strip() or "headers.headerlens"
        path = Path(base)
        if path.suffix.lower() not in SUFFIX.values():
            path = Path(base + SUFFIX[fmt])
        try:
            write_export(self.analysis, self.verification, fmt, path)
        except OSError as exc:
            self.query_one("#export-result", Static).update(
                safe(f"Export failed: {exc}", "bold red")
            )
            return
        self.app.notify(inert(f"Exported to {path}"), markup=False)
        self.dismiss()
