"""Build Rich Text from untrusted strings: never markup, never escape sequences."""

from __future__ import annotations

from rich.text import Text

from headerlens.model import Severity
from headerlens.model.core import HEADERS_ONLY_WORDS, UNCONFIRMED_WORDS, UNDECIDED_WORDS
from headerlens.textsafe import clip, inert

SEVERITY_STYLE = {
    Severity.INFO: "hl.info",
    Severity.WARNING: "hl.warning",
    Severity.ERROR: "hl.error",
}

RESULT_STYLE = {
    "pass": "hl.success",
    "bestguesspass": "hl.success.soft",
    "none": "dim",
    "neutral": "hl.warning.soft",
    "softfail": "hl.warning.soft",
    "policy": "hl.warning.soft",
    "fail": "hl.error",
    "hardfail": "hl.error",
    "permerror": "hl.error",
    "temperror": "hl.temporary",
    "timeout": "hl.temporary",
    "unavailable": "dim",
    HEADERS_ONLY_WORDS: "hl.warning.soft",  # b= verified, body not checked: not a pass
    UNCONFIRMED_WORDS: "hl.warning.soft",  # a pass at a trust boundary nothing confirms
    UNDECIDED_WORDS: "hl.warning",
}


def safe(text: str | None, style: str = "") -> Text:
    """A Text holding ``text`` literally (controls shown as visible escapes), never parsed."""
    return Text(clip(inert(text or "")), style=style)


def inert_lines(text: str) -> str:
    """``text`` inert, its line breaks kept: a CRLF (how mail folds a field) is a line break,
    any other CR, like every control character, is shown escaped."""
    return inert(text.replace("\r\n", "\n"), keep_newlines=True)


def safe_block(text: str | None, style: str = "") -> Text:
    """Like safe() but keeps line breaks, for multi-line detail panes."""
    return Text(clip(inert_lines(text or "")), style=style)


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
