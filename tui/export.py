"""Export the findings summary or a domain check from the console, written atomically."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from headerlens import budgets
from headerlens.atomic import write_atomic
from headerlens.model import Analysis
from headerlens.model.verification import Verification
from headerlens.report.render import SUFFIX, render
from headerlens.textsafe import inert
from headerlens.tui.safe import safe

if TYPE_CHECKING:
    from headerlens.tui.analysis import AnalysisScreen

_NOT_FILES = ("<stdin>", "pasted headers")
# The palette's "Export …" entries: format, title, what it writes.
EXPORT_FORMATS = (
    ("md", "Markdown", "the findings summary as Markdown"),
    ("json", "JSON", "the findings summary as JSON"),
    ("html", "HTML", "the findings summary as HTML"),
    ("summary", "ticket summary", "the short ticket summary c copies (plain text)"),
)
_MAX_NUMBERED = int(budgets.EXPORT_NUMBERED.limit)


def input_file(analysis: Analysis) -> Path | None:
    """The file the message was read from, or None for a paste or a pipe."""
    name = analysis.source_name
    if name in _NOT_FILES or name == "-":
        return None
    path = Path(name)
    return path if path.is_file() else None


def export_folder(analysis: Analysis) -> Path:
    """Where exports go: the input file's folder, or the current folder for a paste or pipe."""
    src = input_file(analysis)
    return (src.parent if src is not None else Path.cwd()).absolute()


def where_text(analysis: Analysis) -> str:
    """One sentence for the dialog saying which folder and why."""
    folder = export_folder(analysis)
    if input_file(analysis) is not None:
        return f"Saved next to the input file, in {folder}"
    return f"A paste has no file of its own: saved in the current folder, {folder}"


def free_path(path: Path) -> Path:
    """``path`` if nothing is there, else the first free ``<stem>-2<ext>``, ``-3``…

    An earlier export is never replaced without being asked (lexists: a dangling link counts).
    """
    if not os.path.lexists(path):
        return path
    for n in range(2, _MAX_NUMBERED + 1):
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise OSError(f"{_MAX_NUMBERED} earlier exports are already there")


def default_path(analysis: Analysis, fmt: str) -> Path:
    """``<folder>/<input stem>.headerlens.<ext>`` (never the input itself).

    The stem is made inert: a file name may carry escape sequences or bidi controls, and the
    name is shown in the dialog and later by ``ls``.
    """
    src = input_file(analysis)
    stem = inert(src.stem) if src is not None else "headers"
    return export_folder(analysis) / f"{stem or 'headers'}.headerlens{SUFFIX[fmt]}"


def write_export(text: str, path: Path, *, protect: Path | None = None) -> Path:
    """Write ``text`` atomically to ``path``; refuses to overwrite ``protect`` (the input)."""
    if protect is not None and os.path.lexists(path) and protect.resolve() == path.resolve():
        raise OSError("that is the input file; choose another name")
    write_atomic(path, text)
    return path


def failure_text(path: Path, exc: OSError) -> str:
    """'Export failed: could not write /dir/m.md: Permission denied'.

    Names the file the user chose, never the temporary file the atomic write made beside it
    (str(exc) of a failed mkstemp or rename names that one).
    """
    reason = exc.strerror or (exc.args[0] if exc.args else "") or type(exc).__name__
    return inert(f"Export failed: could not write {path}: {reason}")


def export_to(screen: AnalysisScreen, fmt: str) -> None:
    """Export straight to the default file name, numbered when it is taken (palette entries)."""
    try:
        path = free_path(default_path(screen.analysis, fmt))
        text = render(screen.analysis, screen.verification, fmt)
        write_export(text, path, protect=input_file(screen.analysis))
    except OSError as exc:
        shown = default_path(screen.analysis, fmt)
        screen.notify(failure_text(shown, exc), severity="error", markup=False)
        return
    screen.notify(inert(f"Exported to {path}"), markup=False)


class ExportDialog(ModalScreen[None]):
    """Pick a format with one key; the file name (a full path) can be edited first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Cancel", id="cancel"),
        Binding("ctrl+j", "export('json')", "JSON", id="export_json", priority=True),
        Binding("ctrl+t", "export_alt", "Other format", id="export_alt", priority=True),
    ]

    def __init__(
        self,
        *,
        title: str,
        render: Callable[[str], str],
        default: Path,
        where: str,
        alt: str = "html",
        protect: Path | None = None,
        keys: str | None = None,
    ) -> None:
        """``default`` is the path without its suffix; ``alt`` the format Ctrl+T writes."""
        super().__init__()
        self.title_text = title
        self._make_text = render
        self.alt = alt
        self.protect = protect
        self.where = where
        self.folder = default.parent
        # The real default (its folder may hold characters the Input shows as escapes).
        self._default = default
        self._shown_default = inert(str(default))
        self._confirm: Path | None = None  # an existing file the user was warned about
        self._keys = keys  # the key line, when the dialog writes one format only

    def compose(self) -> ComposeResult:
        alt = {"html": "HTML", "text": "plain text"}.get(self.alt, self.alt)
        suffixes = "/".join(SUFFIX[f] for f in ("md", "json", self.alt))
        with Vertical(id="export-box"):
            yield Label(Text(self.title_text, style="bold"))
            yield Static(safe(self.where, "italic"), id="export-where")
            keys = self._keys or (
                f"File name ({suffixes} is added for the format unless you type one). "
                f"Enter = Markdown, Ctrl+J = JSON, Ctrl+T = {alt}, Esc = cancel."
            )
            yield Static(Text(keys), markup=False)
            yield Input(value=self._shown_default, id="export-path")
            yield Static("", id="export-result", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_export("md")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._confirm = None

    def action_export_alt(self) -> None:
        self.action_export(self.alt)

    def _target(self, fmt: str) -> tuple[Path, bool]:
        """The path to write and whether the user typed it (False: our default name)."""
        typed = self.query_one("#export-path", Input).value.strip()
        if typed in ("", self._shown_default):
            return self._default.with_name(self._default.name + SUFFIX[fmt]), False
        path = Path(typed).expanduser()
        if not path.is_absolute():  # a bare name goes to the folder the dialog names
            path = self.folder / path
        if path.suffix.lower() not in SUFFIX.values():
            path = path.with_name(path.name + SUFFIX[fmt])
        return path, True

    def action_export(self, fmt: str) -> None:
        result = self.query_one("#export-result", Static)
        path, typed = self._target(fmt)
        try:
            if not typed:
                path = free_path(path)  # our own name: number it rather than replace
            elif os.path.lexists(path) and self._confirm != path:
                self._confirm = path
                result.update(
                    safe(f"{path} exists. Press the same key again to replace it.", "hl.warning")
                )
                return
            write_export(self._make_text(fmt), path, protect=self.protect)
        except OSError as exc:
            result.update(safe(failure_text(path, exc), "hl.error"))
            return
        self.app.notify(inert(f"Exported to {path}"), markup=False)
        self.dismiss()


class ExportScreen(ExportDialog):
    """The message's findings summary (Markdown, JSON or HTML) or its short ticket summary,
    next to the input file."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "export('summary')", "Summary", id="export_summary", priority=True),
    ]

    def __init__(self, analysis: Analysis, verification: Verification | None) -> None:
        super().__init__(
            title="Export the findings summary",
            render=lambda fmt: render(analysis, verification, fmt),
            default=default_path(analysis, "md").with_suffix(""),
            where=where_text(analysis),
            protect=input_file(analysis),
            keys=(
                "File name (.md/.json/.html/.summary.txt is added for the format unless you type "
                "one). Enter = Markdown, Ctrl+J = JSON, Ctrl+T = HTML, Ctrl+S = the short ticket "
                "summary (plain text, as c copies it), Esc = cancel."
            ),
        )
        self.analysis = analysis
        self.verification = verification


class SaveTextScreen(ExportDialog):
    """The text ``c`` or ``y`` copied, written to a file (when OSC 52 does not reach the
    clipboard): plain text only, whichever key is pressed."""

    def __init__(self, analysis: Analysis, text: str) -> None:
        super().__init__(
            title="Write the copied text to a file",
            render=lambda _fmt: text,
            default=default_path(analysis, "text").with_suffix(".copy"),
            where=where_text(analysis),
            protect=input_file(analysis),
            keys="File name (.txt is added unless you type a suffix). Enter = write, Esc = cancel.",
        )

    def action_export(self, fmt: str) -> None:
        super().action_export("text")
