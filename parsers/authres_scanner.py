"""A cursor over a structured field value that reads RFC 5322 comments and quoted strings."""

from __future__ import annotations

import re
from functools import lru_cache

from headerlens.model.core import Defect, Severity

__all__ = ["Scanner"]


_WSP = " \t\r\n"
# Scanner patterns: a run is consumed by one match instead of a Python step per character.
# Each is a single character class (or an alternation of single characters), so a long run
# is scanned once.
_WSP_RUN = re.compile(r"[ \t\r\n]*")
_CFWS_START = _WSP + "("
_COMMENT_SPECIAL = re.compile(r"[\\()]")
_QUOTED_RUN = re.compile(r'[^"\\]+')
_VALUE_RUN = re.compile(r'[^ \t\r\n;("]+')


@lru_cache(maxsize=16)
def _word_re(stops: str) -> re.Pattern[str]:
    """The pattern of a word ending at whitespace, "(", '"' or any of ``stops``."""
    return re.compile("[^" + re.escape(_WSP + '("' + stops) + "]*")


class Scanner:
    """A cursor over the field value that understands comments and quoted strings."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.defects: list[Defect] = []
        self.glued = False  # a result stopped where the next one starts without a ";"

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_cfws(self) -> list[str]:
        """Skip whitespace and comments (RFC 5322 §3.2.2), returning the comment texts."""
        comments: list[str] = []
        text = self.text
        if self.pos >= len(text) or text[self.pos] not in _CFWS_START:
            return comments  # the common case: nothing to skip
        while True:
            m = _WSP_RUN.match(text, self.pos)  # "*": always matches
            self.pos = m.end() if m is not None else self.pos
            if self.pos < len(text) and text[self.pos] == "(":
                comments.append(self._comment())
            else:
                return comments

    def _comment(self) -> str:
        """Read a (possibly nested) comment starting at "("; returns its inner text."""
        text = self.text
        start = self.pos + 1
        depth = 0
        # Only "\\", "(" and ")" matter inside a comment: jump from one to the next.
        while (m := _COMMENT_SPECIAL.search(text, self.pos)) is not None:
            k = m.start()
            ch = text[k]
            if ch == "\\":
                self.pos = k + 2
                continue
            if ch == "(":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    self.pos = k + 1
                    return text[start:k].strip()
            self.pos = k + 1
        self.pos = len(text)
        from headerlens.model.codes import Code

        self.defects.append(
            Defect(
                Code.AUTHRES_UNCLOSED_COMMENT, "A comment '(' is never closed.", Severity.WARNING
            )
        )
        return text[start:].strip()

    def quoted(self) -> str:
        """Read a quoted-string starting at '"'; returns the unescaped content."""
        from headerlens.model.codes import Code

        text = self.text
        n = len(text)
        self.pos += 1
        out: list[str] = []
        while self.pos < n:
            m = _QUOTED_RUN.match(text, self.pos)
            if m is not None:  # a run of plain characters, copied at once
                out.append(m.group())
                self.pos = m.end()
                continue
            ch = text[self.pos]
            if ch == "\\" and self.pos + 1 < n:
                out.append(text[self.pos + 1])
                self.pos += 2
                continue
            self.pos += 1
            if ch == '"':
                return "".join(out)
            out.append(ch)  # a lone backslash at the very end
        self.defects.append(
            Defect(Code.AUTHRES_UNCLOSED_QUOTE, "A quoted string '\"' is never closed.")
        )
        return "".join(out)

    def word(self, stops: str) -> str:
        """Read characters up to whitespace, "(", '"' or any of ``stops``."""
        start = self.pos
        m = _word_re(stops).match(self.text, start)  # "*": always matches
        self.pos = m.end() if m is not None else start
        return self.text[start : self.pos]

    def value(self) -> str:
        """Read a value: a run of token characters and quoted strings (quotes removed)."""
        out: list[str] = []
        text = self.text
        while True:
            m = _VALUE_RUN.match(text, self.pos)
            if m is not None:
                out.append(m.group())
                self.pos = m.end()
            if self.pos < len(text) and text[self.pos] == '"':
                out.append(self.quoted())
            else:
                return "".join(out)

    def skip_to_semicolon(self) -> str:
        """Skip to the next top-level ";" (not consumed); returns the skipped text."""
        start = self.pos
        while not self.at_end():
            ch = self.text[self.pos]
            if ch == ";":
                break
            if ch == "(":
                self._comment()
            elif ch == '"':
                self.quoted()
            else:
                self.pos += 1
        return self.text[start : self.pos].strip()
