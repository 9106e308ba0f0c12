"""Split raw message bytes into header fields and body, keeping exact bytes (RFC 5322 §2.2, §3.5).

Python's ``email`` package is not used for the split on purpose: it re-folds and re-decodes
fields, loses the exact bytes DKIM canonicalisation needs (RFC 6376 §3.4), and its tolerance
rules for pasted header blocks (leading blanks, a first line that is indented, stray lines)
differ from what a helpdesk paste looks like. This module only splits; it never re-encodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from headerlens.model.core import Defect, HeaderField, Severity

# RFC 5322 §3.6.8: field-name = 1*ftext, ftext = %d33-57 / %d59-126 (printable ASCII except ":").
_FIELD_RE = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]*:")
_LINE_RE = re.compile(rb"[^\r\n]*(?:\r\n|\n|\r(?!\n)|$)")
_FOLD_RE = re.compile(r"\r?\n(?=[ \t])|\r(?=[ \t])")


@dataclass(frozen=True, slots=True)
class SplitMessage:
    """The header section split into fields, and the body if the input had one."""

    header_bytes: bytes
    body: bytes | None  # None when no blank line separates a body (header-only paste)
    fields: tuple[HeaderField, ...]
    defects: tuple[Defect, ...]
    skipped_prefix: bytes  # blank lines / mbox "From " line removed before the first field


def _lines(data: bytes) -> list[bytes]:
    """Lines with their own terminators (CRLF, LF or lone CR) kept."""
    out = [m.group(0) for m in _LINE_RE.finditer(data)]
    if out and out[-1] == b"":
        out.pop()
    return out


def _is_blank(line: bytes) -> bool:
    return line.strip(b" \t\r\n") == b""


def unfold(value: str) -> str:
    """Unfold a field value (RFC 5322 §2.2.3): remove line breaks that precede whitespace."""
    return _FOLD_RE.sub("", value).replace("\r\n", " ").replace("\n", " ")


def _make_field(index: int, raw: bytes) -> HeaderField:
    m = _FIELD_RE.match(raw)
    assert m is not None  # callers only pass lines that matched
    name = m.group(1).decode("ascii")
    value_bytes = raw[m.end() :]
    value = unfold(value_bytes.decode("utf-8", errors="replace")).strip()
    return HeaderField(index=index, name=name, value=value, raw=raw)


def split_message(data: bytes) -> SplitMessage:
    """Split ``data`` into fields (top-most first) and body. Never raises on bad input.

    Tolerated, with a defect where the sender did something wrong: leading blank lines or
    whitespace (typical of a paste), an mbox ``From `` line, an indented first line, lines that
    are not fields inside the header section (skipped), CRLF/LF/CR line ends mixed.
    """
    defects: list[Defect] = []
    lines = _lines(data)
    pos = 0
    prefix = bytearray()
    # Leading blank lines of a paste are not a (blank-line) end of the header section.
    while pos < len(lines) and _is_blank(lines[pos]):
        prefix += lines[pos]
        pos += 1
    if pos < len(lines) and lines[pos].startswith(b"From ") and not _FIELD_RE.match(lines[pos]):
        prefix += lines[pos]
        pos += 1
        defects.append(
            Defect("input.mbox-line", "An mbox 'From ' separator line was skipped.", Severity.INFO)
        )
    # A paste may have every line indented; the first field must start at column 0, so strip
    # the indentation of the very first line only when it then looks like a field.
    first_indent = b""
    if pos < len(lines):
        stripped = lines[pos].lstrip(b" \t")
        if stripped != lines[pos] and _FIELD_RE.match(stripped):
            first_indent = lines[pos][: len(lines[pos]) - len(stripped)]
            defects.append(
                Defect(
                    "input.indented-start",
                    "The first header line was indented; the indentation was ignored.",
                    Severity.INFO,
                )
            )
    start = pos
    fields: list[HeaderField] = []
    current: bytearray | None = None
    body: bytes | None = None
    header_end = len(lines)
    skipped = 0
    for i in range(start, len(lines)):
        line = lines[i]
        if i == start and first_indent:
            line = line[len(first_indent) :]
        if _is_blank(line):
            header_end = i
            body = b"".join(lines[i + 1 :])
            break
        if line[:1] in (b" ", b"\t"):
            if current is not None:
                current += line
            else:
                skipped += 1
            continue
        if _FIELD_RE.match(line):
            if current is not None:
                fields.append(_make_field(len(fields), bytes(current)))
            current = bytearray(line)
            continue
        # Not a field and not a continuation: a stray line inside the header section.
        skipped += 1
        if skipped <= 5:
            text = line.decode("utf-8", errors="replace").rstrip("\r\n")[:80]
            defects.append(
                Defect(
                    "input.stray-line",
                    f"Line {i + 1} is not a header field and was skipped: {text!r}",
                )
            )
    if current is not None:
        fields.append(_make_field(len(fields), bytes(current)))
    if skipped > 5:
        defects.append(
            Defect("input.stray-lines", f"{skipped} lines in the header section were skipped.")
        )
    header_bytes = b"".join(lines[start:header_end])
    if first_indent:
        header_bytes = header_bytes[len(first_indent) :]
    return SplitMessage(
        header_bytes=header_bytes,
        body=body,
        fields=tuple(fields),
        defects=tuple(defects),
        skipped_prefix=bytes(prefix),
    )
