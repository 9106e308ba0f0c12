"""Make attacker-controlled header text inert for terminals, Markdown and HTML.

Header values may carry ANSI/OSC escape sequences, C1 controls, bidirectional overrides and
Rich/Textual markup. Markup is neutralised where text is rendered (Text/Content objects, never
markup strings); this module removes everything a terminal or a document viewer would act on.
"""

from __future__ import annotations

import html
import json
import re

# C0 controls except TAB/LF, DEL, C1 controls, and the Unicode bidi/invisible format characters
# that can reorder or hide text (Trojan Source, CVE-2021-42574).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
    "\ud800-\udfff\U000e0000-\U000e007f]"  # lone surrogates, Unicode tag characters
)
_NEWLINES = re.compile("[\t\n]")


def _visible(m: re.Match[str]) -> str:
    code = ord(m.group(0))
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def inert(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control/format character replaced by a visible escape (``\\x1b``).

    Tabs and newlines become spaces unless ``keep_newlines`` is set.
    """
    out = _UNSAFE.sub(_visible, text)
    if not keep_newlines:
        out = _NEWLINES.sub(" ", out)
    return out


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
# GFM's autolink extension turns bare "scheme://", "www.", "mailto:"/"xmpp:" and e-mail
# addresses into links; escaping that ":", "." or "@" (any ASCII punctuation may be
# backslash-escaped, CommonMark §2.4) keeps them plain text.
_MD_AUTOLINK = re.compile(r"(?i)(?<![a-z0-9])www\.|:(?=//)|(?<=mailto):|(?<=xmpp):|@(?=[\w.-])")


# Longest value a Markdown/HTML export repeats in full: a ticket is read by people, and a
# 1 MB Subject must not become 1 MB of ticket (catalogue K3). JSON keeps every value whole.
EXPORT_VALUE_CHARS = 4000


def clip(text: str, limit: int = EXPORT_VALUE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text) - limit} more characters not shown]"


def short(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis, for one-line displays."""
    return text if len(text) <= width else text[: width - 1] + "…"


def md_escape(text: str) -> str:
    """Inert text for Markdown: controls escaped, Markdown punctuation backslash-escaped and
    ``<``/``&`` HTML-escaped, bare URLs defused, so a value can neither format nor link nor
    inject HTML."""
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(clip(inert(text)), quote=False))
    return _MD_AUTOLINK.sub(_defuse, escaped)


def _defuse(match: re.Match[str]) -> str:
    """Backslash-escape the punctuation that makes GFM see a link."""
    text = match.group(0)
    return f"{text[:-1]}\\{text[-1]}"


def html_escape(text: str) -> str:
    """Inert text for HTML element content and attribute values."""
    return html.escape(clip(inert(text, keep_newlines=True)), quote=True)


def json_text(doc: object, *, indent: int = 2) -> str:
    """JSON for exports: controls already escaped by inert(); ``<``, ``>`` and ``&`` written as
    ``\\u003c``-style escapes so a report pasted into a web page or ticket can't open a tag.
    The document decodes to exactly the same strings."""
    text = json.dumps(doc, indent=indent, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"
