"""Build Rich Text from untrusted strings: never markup, never escape sequences."""

from __future__ import annotations

from rich.text import Text

from headerlens.model import Severity
from headerlens.model.verdicts import HEADERS_ONLY_WORDS, UNDECIDED_WORDS
from headerlens.textsafe import clip, inert

SEVERITY_STYLE = {
    Severity.INFO: "cyan",
    Severity.WARNING: "bold yellow",
    Severity.ERROR: "bold red",
}

RESULT_STYLE = {
    "pass": "bold green",
    "bestguesspass": "green",
    "none": "dim",
    "neutral": "yellow",
    "softfail": "yellow",
    "policy": "yellow",
    "fail": "bold red",
    "hardfail": "bold red",
    "permerror": "bold red",
    "temperror": "bold magenta",
    "timeout": "bold magenta",
    "unavailable": "dim",
    HEADERS_ONLY_WORDS: "yellow",  # b= verified, body not checked: not a pass
    UNDECIDED_WORDS: "bold yellow",
}


def safe(text: str | None, style: str = "") -> Text:
    """A Text holding ``text`` literally (controls shown as visible escapes), never parsed."""
    return Text(clip(inert(text or "")), style=style)


def safe_block(text: str | None, style: str = "") -> Text:
    """Like safe() but keeps line breaks, for multi-line detail panes."""
    return Text(clip(inert(text or "", keep_newlines=True)), style=style)


def result_text(result: str | None) -> Text:
    """A verdict word coloured by meaning (pass green, fail red, ...)."""
    word = (result or "?").lower()
    return Text(inert(word), style=RESULT_STYLE.get(word, "bold"))


def join(*parts: Text | str) -> Text:
    """Concatenate trusted literal strings (ours) and Text pieces (already safe)."""
    out = Text()
    for p in parts:
        out.append(p if isinstance(p, Text) else Text(p))
    return out
