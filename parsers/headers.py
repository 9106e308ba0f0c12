"""Split raw message bytes into header fields and body, keeping exact bytes (RFC 5322 §2.2, §3.5).

Python's ``email`` package is not used for the split on purpose: it re-folds and re-decodes
fields, loses the exact bytes DKIM canonicalisation needs (RFC 6376 §3.4), and its tolerance
rules for pasted header blocks (leading blanks, a first line that is indented, stray lines)
differ from what a helpdesk paste looks like. This module only splits; it never re-encodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from headerlens import budgets
from headerlens.model.core import Defect, HeaderField, Severity

# RFC 5322 §3.6.8: field-name = 1*ftext, ftext = %d33-57 / %d59-126 (printable ASCII except ":").
_FIELD_RE = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]*:")
_LINE_RE = re.compile(rb"[^\r\n]*(?:\r\n|\n|\r(?!\n)|$)")
_FOLD_RE = re.compile(r"\r?\n(?=[ \t])|\r(?=[ \t])")
# A line end followed by a line holding only blanks (RFC 5322 §2.1: the empty line before the body).
_BLANK_LINE_RE = re.compile(rb"(\r\n|\n|\r(?!\n))[ \t]*(?:\r\n|\n|\r(?!\n))")
_LEADING_BLANKS = re.compile(rb"(?:[ \t]*(?:\r\n|\n|\r))*")
_FROM_SPACE_COLON = re.compile(rb"From[ \t]+:")


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


def _header_end(data: bytes, pos: int) -> int:
    """Offset where the header section that starts at ``pos`` ends (its blank line), or -1."""
    m = _BLANK_LINE_RE.search(data, pos)
    return -1 if m is None else m.start() + len(m.group(1))


def split_message(data: bytes) -> SplitMessage:
    """Split ``data`` into fields (top-most first) and body. Never raises on bad input.

    Linear in the input: only the header section is scanned line by line, at most
    ``budgets.HEADER_BYTES`` of it, and at most ``budgets.FIELDS`` fields are materialised.
    Tolerated, with a defect where the sender did something wrong: leading blank lines or
    whitespace (typical of a paste), an mbox ``From `` line, an indented first line, lines that
    are not fields inside the header section (skipped), CRLF/LF/CR line ends mixed.
    """
    defects: list[Defect] = []
    lines: list[bytes] = []
    prefix = bytearray()
    # Leading blank lines of a paste are not a (blank-line) end of the header section.
    leading = _LEADING_BLANKS.match(data)
    offset = leading.end() if leading is not None else 0
    prefix += data[:offset]
    end = _header_end(data, offset)
    section_end = len(data) if end < 0 else end
    cap = offset + budgets.HEADER_BYTES.limit
    body: bytes | None = None if end < 0 else _after_blank_line(data, end)
    if section_end > cap:
        defects.append(
            budgets.exceeded(
                budgets.HEADER_BYTES,
                section_end - offset,
                "Only the first part was split into fields; the rest is kept raw.",
                Severity.ERROR,
            )
        )
    scan_end = min(section_end, int(cap))
    for m in _LINE_RE.finditer(data, offset, scan_end):
        if m.group(0):
            lines.append(m.group(0))
    pos = 0
    if lines and lines[0].startswith(b"From ") and not _FIELD_RE.match(lines[0]):
        prefix += lines[0]
        pos = 1
        defects.append(
            Defect("input.mbox-line", "An mbox 'From ' separator line was skipped.", Severity.INFO)
        )
    elif lines and _FROM_SPACE_COLON.match(lines[0]):
        defects.append(
            Defect(
                "input.hidden-from",
                "The first line is 'From :' (a space before the colon): this tool reads it as "
                "the From field, but Python's email package and other mbox-aware parsers drop it "
                "as an mbox envelope line, so they would see no (or another) From.",
                Severity.ERROR,
            )
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
    skipped = 0
    first_stray: int | None = None
    dropped = 0  # fields seen past the FIELDS budget
    limit = int(budgets.FIELDS.limit)
    for i in range(start, len(lines)):
        line = lines[i]
        if i == start and first_indent:
            line = line[len(first_indent) :]
        if line[:1] in (b" ", b"\t"):
            if current is not None:
                current += line
            elif not dropped:
                skipped += 1
            continue
        if _FIELD_RE.match(line):
            if current is not None:
                fields.append(_make_field(len(fields), bytes(current)))
                current = None
            if len(fields) < limit:
                current = bytearray(line)
            else:
                dropped += 1
            continue
        # Not a field and not a continuation: a stray line inside the header section.
        skipped += 1
        first_stray = i if first_stray is None else first_stray
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
    if first_stray is not None:
        after = sum(1 for line in lines[first_stray + 1 :] if _FIELD_RE.match(line))
        if after:
            defects.append(
                Defect(
                    "input.parser-differential",
                    f"Line {first_stray + 1} has no colon: RFC 5322 parsers such as Python's "
                    f"email package end the header section there and treat the {after} "
                    "field(s) below it as body; this tool keeps them as header fields.",
                )
            )
    if dropped:
        defects.append(
            budgets.exceeded(
                budgets.FIELDS,
                limit + dropped,
                f"Only the first {limit:,} fields were processed; {dropped:,} more are "
                "kept raw only.",
                Severity.ERROR,
            )
        )
    header_bytes = data[offset + sum(len(x) for x in lines[:start]) : section_end]
    if first_indent:
        header_bytes = header_bytes[len(first_indent) :]
    defects.extend(_scan_defects(bytes(header_bytes[: budgets.HEADER_BYTES.limit]), lines))
    return SplitMessage(
        header_bytes=header_bytes,
        body=body,
        fields=tuple(fields),
        defects=tuple(defects),
        skipped_prefix=bytes(prefix),
    )


def _after_blank_line(data: bytes, end: int) -> bytes:
    """The body: everything after the blank line that starts at ``end``."""
    m = _LINE_RE.match(data, end)
    return data[m.end() :] if m is not None else b""


def looks_binary(data: bytes) -> bool:
    """True for input that is clearly not text: more than 5% control bytes (NUL included) in
    the first 8 KiB. A few stray NULs in a header section are a defect, not a binary file."""
    head = data[:8192]
    if not head:
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32 or b == 0x7F)
    return controls / len(head) > 0.05


def _scan_defects(header: bytes, lines: list[bytes]) -> list[Defect]:
    """Line-level anomalies of the header section: terminators, long lines, NUL and 8-bit."""
    out: list[Defect] = []
    crlf = header.count(b"\r\n")
    bare_cr = header.count(b"\r") - crlf
    bare_lf = header.count(b"\n") - crlf
    if bare_cr:
        out.append(
            Defect(
                "input.bare-cr",
                f"{bare_cr} line(s) end in a bare CR (RFC 5322 §2.2 allows only CRLF): a possible "
                "SMTP smuggling indicator. Python's email parser splits fields there; this tool "
                "treats the bare CR as a line end as well.",
            )
        )
    if crlf and bare_lf:
        out.append(
            Defect(
                "input.mixed-eol",
                f"The header section mixes CRLF ({crlf}) and bare LF ({bare_lf}) line ends "
                "(RFC 5322 §2.2): possible SMTP smuggling, or an edited file.",
            )
        )
    long_lines = [n for n, line in enumerate(lines, 1) if len(line.rstrip(b"\r\n")) > 998]
    if long_lines:
        longest = max(len(lines[n - 1]) for n in long_lines)
        out.append(
            budgets.exceeded(
                budgets.LINE_OCTETS,
                longest,
                f"{len(long_lines)} header line(s) are longer than RFC 5322 §2.1.1 allows, "
                f"the first at line {long_lines[0]}.",
            )
        )
    nuls = header.count(b"\x00")
    if nuls:
        out.append(
            Defect(
                "input.nul",
                f"The header section contains {nuls} NUL byte(s); they are shown "
                "as \\x00 and never passed on to DNS.",
                Severity.ERROR,
            )
        )
    if not header.isascii():
        try:
            header.decode("utf-8")
        except UnicodeDecodeError:
            out.append(
                Defect(
                    "input.8bit",
                    "The header section holds raw 8-bit bytes that are not UTF-8 (neither "
                    "RFC 2047 encoded words nor RFC 6532 UTF-8); they are shown replaced by "
                    "U+FFFD, the raw bytes are kept.",
                )
            )
        else:
            out.append(
                Defect(
                    "input.utf8-headers",
                    "The header section holds raw UTF-8 (RFC 6532 internationalised headers).",
                    Severity.INFO,
                )
            )
    return out
