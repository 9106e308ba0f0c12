"""Make attacker-controlled header text inert for terminals, Markdown and HTML.

Header values may carry ANSI/OSC escape sequences, C1 controls, bidirectional overrides and
Rich/Textual markup. Markup is neutralised where text is rendered (Text/Content objects, never
markup strings); this module removes everything a terminal or a document viewer would act on.
"""

from __future__ import annotations

import re

from headerlens import budgets

# Characters that draw nothing or reorder what is drawn, so a reader cannot see them: bidi
# controls (Trojan Source, CVE-2021-42574), zero-width and word joiners, the deprecated format
# controls U+206A-206F, the soft hyphen, the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0,
# which render blank), the combining grapheme joiner, Khmer inherent vowels, the Mongolian vowel
# separator, the interlinear annotation controls U+FFF9-FFFB, shorthand and musical format
# controls and the tag characters: the Unicode Default_Ignorable_Code_Point set and the format
# (Cf) characters, less the variation selectors U+FE00-FE0F (they pick a glyph, e.g. emoji
# style). The supplement's VS17-VS256 only pick CJK ideograph glyphs: after any other letter
# they show nothing, and lures split brand names with them ("M\U000e0139icrosoft").
HIDDEN_FORMAT_CHARS = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e007f\U000e0100-\U000e01ef"
)
# C0 controls except TAB/LF, DEL, C1 controls, line/paragraph separators, lone surrogates and
# the hidden format characters above.
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff{HIDDEN_FORMAT_CHARS}]")
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


# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches a Markdown export should not pay for compiling these before the console's first frame.
_MD_SPECIAL = r"([\\`*_\[\]|~])"
# GFM's autolink extension turns bare "scheme://", "www.", "mailto:"/"xmpp:" and e-mail
# addresses into links; escaping that ":", "." or "@" (any ASCII punctuation may be
# backslash-escaped, CommonMark §2.4) keeps them plain text.
_MD_AUTOLINK = r"(?i)(?<![a-z0-9])www\.|:(?=//)|(?<=mailto):|(?<=xmpp):|@(?=[\w.-])"


# Longest value a Markdown/HTML export repeats in full: a ticket is read by people, and a
# 1 MB Subject must not become 1 MB of ticket (catalogue K3). JSON keeps every value whole.
EXPORT_VALUE_CHARS = int(budgets.EXPORT_VALUE_CHARS.limit)


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
    import html  # here, not at the top: the console's start needs none of the export escapes

    escaped = re.sub(_MD_SPECIAL, r"\\\1", html.escape(clip(inert(text)), quote=False))
    return re.sub(_MD_AUTOLINK, _defuse, escaped)


def md_code(text: str) -> str:
    """``text`` as a Markdown code span, so a DNS record reads exactly as it must be typed (no
    backslash escapes, no ``&lt;``): inside a code span GFM interprets nothing but the closing
    backticks, so the fence is made longer than any backtick run in the text. Controls are
    escaped by inert() first; a line end inside the span is flattened to a space."""
    flat = inert(text).replace("\n", " ")
    longest = max((len(m) for m in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def _defuse(match: re.Match[str]) -> str:
    """Backslash-escape the punctuation that makes GFM see a link."""
    text = match.group(0)
    return f"{text[:-1]}\\{text[-1]}"


def html_escape(text: str) -> str:
    """Inert text for HTML element content and attribute values."""
    import html

    return html.escape(clip(inert(text, keep_newlines=True)), quote=True)


def json_text(doc: object, *, indent: int = 2) -> str:
    """JSON for exports: controls already escaped by inert(); ``<``, ``>`` and ``&`` written as
    ``\\u003c``-style escapes so a report pasted into a web page or ticket can't open a tag.
    The document decodes to exactly the same strings."""
    import json

    text = json.dumps(doc, indent=indent, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"
