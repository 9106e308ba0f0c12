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
_NON_BLANK_RE = re.compile(rb"[^ \t\r\n]")
# anchored at line starts so a failed attempt costs O(1), not 999 steps per position
_LONG_LINE_RE = re.compile(
    rb"(?:^|(?<=[\r\n]))[^\r\n]{999,}", re.MULTILINE
)  # RFC 5322 §2.1.1: 998 octets at most
_FIELD_START_RE = re.compile(rb"(?:^|(?<=[\r\n]))[\x21-\x39\x3b-\x7e]+[ \t]*:", re.MULTILINE)
_FROM_SPACE_COLON = re.compile(rb"From[ \t]+:")


@dataclass(frozen=True, slots=True)
class SplitMessage:
    """The header section split into fields, and the body if the input had one."""

    header_bytes: bytes
    body_start: int | None  # offset of the body in the input; None: no blank line, no body
    fields: tuple[HeaderField, ...]
    defects: tuple[Defect, ...]
    skipped_prefix: bytes  # blank lines / mbox "From " line removed before the first field
    data: bytes  # the input itself (a reference, not a copy)

    @property
    def body(self) -> bytes | None:
        """The body bytes (a copy made on demand), or None for a header-only input."""
        return None if self.body_start is None else self.data[self.body_start :]


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
    """Offset where the header section that starts at ``pos`` ends (its blank line), or -1.

    Line ends followed directly by a line end are found with ``bytes.find`` (C speed on a 25 MB
    input); a "blank" line holding only spaces or tabs is searched for with the regex, but only
    inside the header-size budget, past which nothing is split into fields anyway.
    """
    found = [
        i + 1
        for i in (data.find(b"\n\n", pos), data.find(b"\n\r", pos), data.find(b"\r\r", pos))
        if i >= 0
    ]
    cap = pos + int(budgets.HEADER_BYTES.limit)
    m = _BLANK_LINE_RE.search(data, pos, min(len(data), min(found, default=cap) + 2, cap))
    if m is not None:
        found.append(m.start() + len(m.group(1)))
    return min(found, default=-1)


def split_message(data: bytes) -> SplitMessage:
    """Split ``data`` into fields (top-most first) and body. Never raises on bad input.

    Linear in the input and streaming: only the header section is scanned, at most
    ``budgets.HEADER_BYTES`` of it, line by line without keeping a list of lines, and at most
    ``budgets.FIELDS`` fields are materialised (the rest are only counted).
    Tolerated, with a defect where the sender did something wrong: leading blank lines or
    whitespace (typical of a paste), an mbox ``From `` line, an indented first line, lines that
    are not fields inside the header section (skipped), CRLF/LF/CR line ends mixed.
    """
    defects: list[Defect] = []
    offset = _first_content_line(data)
    end = _header_end(data, offset)
    section_end = len(data) if end < 0 else end
    cap = offset + int(budgets.HEADER_BYTES.limit)
    body_start: int | None = None if end < 0 else _after_blank_line(data, end)
    if section_end > cap:
        defects.append(
            budgets.exceeded(
                budgets.HEADER_BYTES,
                section_end - offset,
                "Only the first part was split into fields; the rest is kept raw.",
                Severity.ERROR,
            )
        )
    scan_end = min(section_end, cap)
    start = offset
    first = _LINE_RE.match(data, offset, scan_end)
    first_line = first.group(0) if first is not None else b""
    if first_line.startswith(b"From ") and not _FIELD_RE.match(first_line):
        start += len(first_line)
        defects.append(
            Defect("input.mbox-line", "An mbox 'From ' separator line was skipped.", Severity.INFO)
        )
        first = _LINE_RE.match(data, start, scan_end)
        first_line = first.group(0) if first is not None else b""
    elif _FROM_SPACE_COLON.match(first_line):
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
    stripped = first_line.lstrip(b" \t")
    first_indent = b""
    if stripped != first_line and _FIELD_RE.match(stripped):
        first_indent = first_line[: len(first_line) - len(stripped)]
        defects.append(
            Defect(
                "input.indented-start",
                "The first header line was indented; the indentation was ignored.",
                Severity.INFO,
            )
        )
    fields: list[HeaderField] = []
    current: bytearray | None = None
    skipped = 0
    first_stray: int | None = None
    after_stray = 0  # fields below the first stray line
    limit = int(budgets.FIELDS.limit)
    number = 0
    stopped_at: int | None = None  # offset where materialising stopped (FIELDS budget)
    for m in _LINE_RE.finditer(data, start + len(first_indent), scan_end):
        line = m.group(0)
        if not line:
            continue
        number += 1
        if line[:1] in (b" ", b"\t"):
            if current is not None:
                current += line
            else:
                skipped += 1
            continue
        if _FIELD_RE.match(line):
            if current is not None:
                fields.append(_make_field(len(fields), bytes(current)))
            if len(fields) >= limit:
                current = None
                stopped_at = m.start()
                break
            current = bytearray(line)
            after_stray += first_stray is not None
            continue
        # Not a field and not a continuation: a stray line inside the header section.
        skipped += 1
        first_stray = number if first_stray is None else first_stray
        if skipped <= 5:
            text = line.decode("utf-8", errors="replace").rstrip("\r\n")[:80]
            defects.append(
                Defect(
                    "input.stray-line",
                    f"Line {number + (start > offset)} is not a header field and was skipped: "
                    f"{text!r}",
                )
            )
    if current is not None:
        fields.append(_make_field(len(fields), bytes(current)))
    if skipped > 5:
        defects.append(
            Defect("input.stray-lines", f"{skipped} lines in the header section were skipped.")
        )
    if first_stray is not None and after_stray:
        defects.append(
            Defect(
                "input.parser-differential",
                f"Line {first_stray + (start > offset)} has no colon: RFC 5322 parsers such as "
                f"Python's email package end the header section there and treat the "
                f"{after_stray} field(s) below it as body; this tool keeps them as header fields.",
            )
        )
    if stopped_at is not None:
        dropped = 0
        for _ in _FIELD_START_RE.finditer(data, stopped_at, scan_end):  # counted, not kept
            dropped += 1
        defects.append(
            budgets.exceeded(
                budgets.FIELDS,
                limit + dropped,
                f"Only the first {limit:,} fields were processed; {dropped:,} more are "
                "kept raw only.",
                Severity.ERROR,
            )
        )
    header_bytes = data[start + len(first_indent) : section_end]
    defects.extend(_scan_defects(data, start, scan_end))
    return SplitMessage(
        header_bytes=header_bytes,
        body_start=body_start,
        fields=tuple(fields),
        defects=tuple(defects),
        skipped_prefix=data[:start],
        data=data,
    )


def _first_content_line(data: bytes) -> int:
    """Offset of the first line holding something other than blanks (a paste's leading blank
    lines are not the blank line that ends the header section). Linear, constant memory."""
    m = _NON_BLANK_RE.search(data)
    if m is None:
        return len(data)
    return max(data.rfind(b"\n", 0, m.start()), data.rfind(b"\r", 0, m.start())) + 1


def _after_blank_line(data: bytes, end: int) -> int:
    """Where the body starts: just after the blank line that starts at ``end``."""
    m = _LINE_RE.match(data, end)
    return m.end() if m is not None else len(data)


_NOT_CONTROL = bytes(b for b in range(256) if not (b < 9 or 13 < b < 32 or b == 0x7F))


# A header field name then a colon (RFC 5322 §3.6.8), after any leading blank lines.
_FIELD_START = re.compile(rb"[ \t\r\n]*[\x21-\x39\x3b-\x7e]{1,76}[ \t]*:")


def starts_with_field(data: bytes) -> bool:
    """True when the input opens with a header field. A message full of escape sequences is
    still a message: hostile header text must be analysed (and shown inert), not refused as
    binary; real binary files (images, archives, PDFs) do not start with a header field."""
    return _FIELD_START.match(data[:4096]) is not None


def looks_binary(data: bytes) -> bool:
    """True for input that is clearly not text: more than 5% control bytes (NUL included) in
    the first 8 KiB. A few stray NULs in a header section are a defect, not a binary file."""
    head = data[:8192]
    if not head:
        return False
    # bytes.translate deletes the non-control bytes in C: a Python loop over 8 KiB cost
    # ~0.9 ms per message, a quarter of analyze() on the corpus (bench/RESULTS.md).
    controls = len(head.translate(None, _NOT_CONTROL))
    return controls / len(head) > 0.05


def _scan_defects(data: bytes, start: int, end: int) -> list[Defect]:
    """Line-level anomalies of the (capped) header section: terminators, long lines, NUL,
    8-bit bytes. Regex counts only: linear, and no per-line objects."""
    header = data[start:end]
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
    longest = 0
    count = 0
    for m in _LONG_LINE_RE.finditer(header):
        count += 1
        longest = max(longest, m.end() - m.start())
    if count:
        out.append(
            budgets.exceeded(
                budgets.LINE_OCTETS,
                longest,
                f"{count} header line(s) are longer than RFC 5322 §2.1.1 allows.",
            )
        )
    nuls = header.count(b"\x00")
    if nuls:
        out.append(
            Defect(
                "input.nul",
                f"The header section contains {nuls} NUL byte(s); they are shown as \\x00 and "
                "never passed on to DNS.",
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
