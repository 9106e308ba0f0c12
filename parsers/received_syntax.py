"""Lexical layer for Received fields: tokens, RFC 5321 §4.4 clause grouping, date split."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["Clause", "Token", "group_clauses", "normalize_ip", "split_date", "tokenize"]

# RFC 5321 §4.4 clause keywords, in their specified order. "from" and "by" are mandatory
# for relays; "via", "with", "id" and "for" are optional.
_KEYWORDS = ("from", "by", "via", "with", "id", "for")

# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches a date-shaped tail should not pay for compiling it before the console's first frame.
# A date somewhere in the text, for lines that omit the ";" before it (SendGrid, EaaS) or bury
# it after other words. RFC 5322 style (optional weekday) or ISO 8601.
_DATE_START = (
    r"(?:(?<=\s)|^)(?:[^\W\d_]{2,9}\.?,\s*)?\d{1,3}\s+[^\W\d_]{3,9}\.?\s+\d{2,4}\s+\d{1,2}:\d{2}"
    r"|(?:(?<=\s)|^)\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"
)


@dataclass(slots=True)
class Token:
    """One lexical item of the clause part: a word, a (comment), an <angle> or a [literal]."""

    kind: str  # "word", "comment", "angle", "literal", "quoted"
    text: str  # for comments/angles/literals: the inside, without the delimiters
    glued: bool = False  # no whitespace between it and the token before


@dataclass(slots=True)
class Clause:
    keyword: str
    words: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    # comments glued to the clause's first word, e.g. "from x([192.0.2.1])": an SMTP HELO
    # argument holds no whitespace, so they are part of the client's own HELO text
    glued: list[str] = field(default_factory=list)


# "1.2.3.4:25" (Exim port) and "[::1]:25" forms
_IPV4_WITH_PORT = re.compile(r"(\d{1,3}(?:\.\d{1,3}){3}):\d+")
# Exim 3 wrote the client port as a fifth dotted part inside the literal: "[10.0.8.6.13219]".
_IPV4_DOT_PORT = re.compile(r"(\d{1,3}(?:\.\d{1,3}){3})\.\d{1,5}")
# Every character ipaddress accepts in an address without its zone: ASCII digits for IPv4,
# hex digits, ":" and "." for IPv6. Anything else is rejected before ipaddress (which raises).
_ADDRESS_CHARS = re.compile(r"[0-9A-Fa-f:.]+")


def normalize_ip(text: str | None) -> str | None:
    """The canonical text of an IP address written as ``1.2.3.4``, ``[IPv6:...]`` or with a
    port or zone, or None if the text is not an address."""
    if not text:
        return None
    return _normalize_ip(text)


@lru_cache(maxsize=4096)
def _normalize_ip(text: str) -> str | None:
    # Cached: one message asks about the same few addresses and host names dozens of times
    # (clauses, comments, SPF evidence, hop classification).
    bracketed = text.strip().startswith("[")
    t = text.strip().strip("[]").strip()
    if t.lower().startswith("ipv6:"):
        t = t[5:]
    t = t.rstrip(".")
    m = _IPV4_WITH_PORT.fullmatch(t)
    if m is None and bracketed:
        m = _IPV4_DOT_PORT.fullmatch(t)
    if m:
        t = m.group(1)
    zone = ""
    if "%" in t:
        t, _, zone = t.partition("%")
    if not _ADDRESS_CHARS.fullmatch(t):
        return None
    try:
        addr = ipaddress.ip_address(t)
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return str(addr.ipv4_mapped)  # "::ffff:1.2.3.4" (a dual-stack socket) is that IPv4 client
    return f"{addr}%{zone}" if zone and addr.version == 6 else str(addr)


# Lexer patterns. Each token is found with one match call instead of a Python step per
# character; every pattern is a single character class or an unrolled loop over disjoint
# alternatives, so a long run of one character is scanned once (no backtracking).
# Blanks, then a word (group 1: it never starts with '"') or an opening delimiter (group 2).
_NEXT_TOKEN = re.compile(r'\s*+(?:([^\s(\[<"][^\s(\[<]*+)|(["(\[<]))')
_QUOTED_BODY = re.compile(r'[^"\\]*(?:\\[\s\S][^"\\]*)*')
# Inside a delimited token only the escape, the quote and the two delimiters matter.
_DELIM_SPECIALS = {
    "(": re.compile(r"[\\()]"),  # quotes have no meaning inside comments
    "[": re.compile(r'[\\"\[\]]'),
    "<": re.compile(r'[\\"<>]'),
}
_KIND = {"(": "comment", "[": "literal", "<": "angle"}
# Characters that decide where the top-level ";" before the date is.
_SEMI_SPECIALS = re.compile(r"[()<>;]")
_PARENS = re.compile(r"[()]")


def _delimited_end(text: str, start: int, open_char: str) -> tuple[int, bool]:
    """End offset of the delimited token whose opener is at ``start``, and whether it closed.

    Nesting counts the same delimiter only; a backslash escapes the next character; inside
    ``[...]`` and ``<...>`` a quoted string hides the delimiters.
    """
    specials = _DELIM_SPECIALS[open_char]
    n = len(text)
    depth, j = 1, start + 1
    in_quote = False
    while depth:
        m = specials.search(text, j)
        if m is None:
            return n, False
        k = m.start()
        ch = text[k]
        if ch == "\\":
            j = k + 2 if k + 1 < n else k + 1
            continue
        if ch == '"':
            in_quote = not in_quote
        elif not in_quote:
            depth += 1 if ch == open_char else -1
        j = k + 1
    return j, True


def tokenize(text: str) -> list[Token]:
    """Split the clause part into tokens, honouring nested comments (RFC 5322 §3.2.2)."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        m = _NEXT_TOKEN.match(text, i)
        if m is None:  # only whitespace left
            break
        word = m.group(1)
        if word is not None:
            # a word may carry a literal, e.g. "[1.2.3.4]:25" is handled as literal + word
            tokens.append(Token("word", word))
            i = m.end()
            continue
        i = m.start(2)
        c = text[i]
        if c == '"':
            q = _QUOTED_BODY.match(text, i + 1)
            j = q.end() if q is not None else i + 1
            if j < n and text[j] == '"':
                tokens.append(Token("quoted", text[i + 1 : j]))
                i = j + 1
            else:  # unterminated (or a lone trailing backslash): the rest of the text
                tokens.append(Token("quoted", text[i + 1 :]))
                i = n
        else:
            j, closed = _delimited_end(text, i, c)
            inner = text[i + 1 : j - 1] if closed else text[i + 1 : j]
            glued = bool(tokens) and i > 0 and not text[i - 1].isspace()
            tokens.append(Token(_KIND[c], inner.strip(), glued))
            i = j
    return tokens


def split_date(value: str) -> tuple[str, str | None]:
    """Split ``clauses ; date`` at the last top-level semicolon, or find the date by pattern."""
    last_semi = -1
    if ";" in value:
        depth_paren = 0
        depth_angle = 0
        for m in _SEMI_SPECIALS.finditer(value):
            ch = m.group()
            if ch == "(":
                depth_paren += 1
            elif ch == ")":
                if depth_paren:
                    depth_paren -= 1
            elif ch == "<":
                if not depth_paren:
                    depth_angle += 1
            elif ch == ">":
                if depth_angle:
                    depth_angle -= 1
            elif not depth_paren and not depth_angle:  # ";"
                last_semi = m.start()
    if last_semi >= 0:
        clauses, date = value[:last_semi], value[last_semi + 1 :].strip()
        # "...prosecuted; (version=TLSv1/SSLv3 ...) Wed, 8 Mar 2017" : keep comments with clauses
        while date.startswith("("):
            close = _matching_paren(date)
            if close < 0:
                break
            clauses += " " + date[: close + 1]
            date = date[close + 1 :].strip()
        if date:
            return clauses, date
        # a trailing ";" with no date: look for one in the clause text
        value = clauses
    last: re.Match[str] | None = None
    for m in re.finditer(_DATE_START, value):  # only the last match is wanted
        last = m
    if last is not None:
        return value[: last.start()], value[last.start() :].strip()
    return value, None


def _matching_paren(text: str) -> int:
    depth = 0
    for m in _PARENS.finditer(text):
        if m.group() == "(":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.start()
    return -1


def group_clauses(tokens: list[Token]) -> tuple[list[Clause], list[str]]:
    """Group tokens under the RFC 5321 keywords; a keyword counts once, the first time."""
    clauses: list[Clause] = []
    leading: list[str] = []  # comments before any keyword, e.g. "(qmail 1 invoked from network)"
    seen: set[str] = set()
    current: Clause | None = None
    helo_tail = False  # right after the 'from' clause's first word, no whitespace yet
    for tok in tokens:
        if helo_tail and tok.glued and tok.kind == "comment" and current is not None:
            current.glued.append(tok.text)
            continue
        helo_tail = False
        if tok.kind == "word":
            lower = tok.text.lower()
            if lower in _KEYWORDS and lower not in seen:
                current = Clause(lower)
                seen.add(lower)
                clauses.append(current)
                continue
        if current is not None and current.keyword == "from" and not current.words:
            helo_tail = True
        if current is None:
            if tok.kind == "comment":
                leading.append(tok.text)
            else:
                current = Clause("")
                clauses.append(current)
                current.words.append(_token_text(tok))
            continue
        if tok.kind == "comment":
            current.comments.append(tok.text)
        else:
            current.words.append(_token_text(tok))
    return clauses, leading


def _token_text(tok: Token) -> str:
    if tok.kind == "literal":
        return f"[{tok.text}]"
    if tok.kind == "angle":
        return f"<{tok.text}>"
    if tok.kind == "quoted":
        return f'"{tok.text}"'
    return tok.text
