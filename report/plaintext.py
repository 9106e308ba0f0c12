"""Plain text for a terminal: our Markdown rendered by Rich with no colour, links or escapes."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markdown import Markdown

TEXT_WIDTH = 100


def markdown_to_text(markdown: str, width: int = TEXT_WIDTH) -> str:
    """``markdown`` (already made inert by our Markdown renderers) as readable plain text.

    Rich's Markdown renderer (markdown-it) undoes the backslash escapes and HTML entities that keep
    untrusted values inert in Markdown, so a record reads as it must be typed. Rendered with no
    colour system, no hyperlinks and no terminal codes: the output holds no escape sequences of
    ours, and every value's controls were already made visible by textsafe.inert().
    """
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system=None,
        force_terminal=False,
        force_jupyter=False,
        no_color=True,
        emoji=False,
        highlight=False,
        markup=False,
        soft_wrap=False,
        legacy_windows=False,
    )
    console.print(Markdown(markdown, hyperlinks=False, code_theme="default"))
    text = buffer.getvalue()
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n"
