"""Lexical layer for Received fields: tokens, RFC 5321 §4.4 clause grouping, date split."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

__all__ = ["Clause", "Token", "group_clauses", "normalize_ip", "split_date", "tokenize"]

# RFC 5321 §4.4 clause keywords, in their specified order. "from" and "by" are mandatory
# for relays; "via", "with", "id" and "for" are optional.
_KEYWORDS = ("from", "by", "via", "with", "id", "for")

# A date somewhere in the text, for lines that omit the ";" before it (SendGrid, EaaS) or bury
# it after other words. RFC 5322 style (optional weekday) or ISO 8601.
_DATE_START = re.compile(
    r"(?:(?<=\s)|^)(?:[^\W\d_]{2,9}\.?,\s*)?\d{1,3}\s+[^\W\d_]{3,9}\.?\s+\d{2,4}\s+\d{1,2}:\d{2}"
    r"|(?:(?<=\s)|^)\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"
)


@dataclass(slots=True)
class Token:
    """One lexical item of the clause part: a word, a (comment), an <angle> or a [literal]."""

    kind: str  # "word", "comment", "angle", "literal", "quoted"
    text: str  # for comments/angles/literals: the inside, without the delimiters


@dataclass(slots=True)
class Clause:
    keyword: str
    words: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def normalize_ip(text: str | None) -> str | None:
    """The canonical text of an IP address written as ``1.2.3.4``, ``[IPv6:...]`` or with a
    port or zone, or None if the text is not an address."""
    if not text:
        return None
    t = text.strip().strip("[]").strip()
    if t.lower().startswith("ipv6:"):
        t = t[5:]
    t = t.rstrip(".")
    # "1.2.3.4:25" (Exim port) and "[::1]:25" forms
    m = re.fullmatch(r"(\d{1,3}(?:\.\d{1,3}){3}):\d+", t)
    if m:
        t = m.group(1)
    zone = ""
    if "%" in t:
        t, _, zone = t.partition("%")
    try:
        addr = ipaddress.ip_address(t)
    except ValueError:
        return None
    return f"{addr}%{zone}" if zone and addr.version == 6 else str(addr)


def tokenize(text: str) -> list[Token]:
    """Split the clause part into tokens, honouring nested comments (RFC 5322 §3.2.2)."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "([<":
            close = {"(": ")", "[": "]", "<": ">"}[c]
            depth, j = 1, i + 1
            in_quote = False
            while j < n and depth:
                ch = text[j]
                if ch == "\\" and j + 1 < n:
                    j += 2
                    continue
                if ch == '"' and c != "(":
                    in_quote = not in_quote
                elif not in_quote:
                    if ch == c:
                        depth += 1
                    elif ch == close:
                        depth -= 1
                j += 1
            inner = text[i + 1 : j - 1] if depth == 0 else text[i + 1 : j]
            kind = {"(": "comment", "[": "literal", "<": "angle"}[c]
            tokens.append(Token(kind, inner.strip()))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            tokens.append(Token("quoted", text[i + 1 : j]))
            i = j + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in "(<":
                if text[j] == "[" and j > i:
                    break
                j += 1
            # a word may carry a literal, e.g. "[1.2.3.4]:25" is handled as literal + word
            tokens.append(Token("word", text[i:j]))
            i = j
    return tokens


def split_date(value: str) -> tuple[str, str | None]:
    """Split ``clauses ; date`` at the last top-level semicolon, or find the date by pattern."""
    depth_paren = 0
    depth_angle = 0
    last_semi = -1
    for i, ch in enumerate(value):
        if ch == "(":
            depth_paren += 1
        elif ch == ")" and depth_paren:
            depth_paren -= 1
        elif ch == "<" and not depth_paren:
            depth_angle += 1
        elif ch == ">" and depth_angle:
            depth_angle -= 1
        elif ch == ";" and not depth_paren and not depth_angle:
            last_semi = i
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
    matches = list(_DATE_START.finditer(value))
    if matches:
        m = matches[-1]
        return value[: m.start()], value[m.start() :].strip()
    return value, None


def _matching_paren(text: str) -> int:
    depth = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def group_clauses(tokens: list[Token]) -> tuple[list[Clause], list[str]]:
    """Group tokens under the RFC 5321 keywords; a keyword counts once, the first time."""
    clauses: list[Clause] = []
    leading: list[str] = []  # comments before any keyword, e.g. "(qmail 1 invoked from network)"
    seen: set[str] = set()
    current: Clause | None = None
    for tok in tokens:
        if tok.kind == "word" and tok.text.lower() in _KEYWORDS and tok.text.lower() not in seen:
            current = Clause(tok.text.lower())
            seen.add(current.keyword)
            clauses.append(current)
            continue
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
