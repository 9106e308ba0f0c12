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
from headerlens.parsers.header_defects import scan_defects
from headerlens.parsers.pasteshape import open_received

# RFC 5322 §3.6.8: field-name = 1*ftext, ftext = %d33-57 / %d59-126 (printable ASCII except ":").
# Compiled on first use through re's cache, as _FOLD_RE below.
_FIELD_RE = rb"^([\x21-\x39\x3b-\x7e]+)[ \t]*:"
_LINE_RE = re.compile(rb"[^\r\n]*(?:\r\n|\n|\r(?!\n)|$)")
# _FIELD_RE for a match at an offset inside the data (where "^" would not match).
_FIELD_AT_RE = re.compile(rb"([\x21-\x39\x3b-\x7e]+)[ \t]*:")
# The line end that closes a field: one not followed by a blank (RFC 5322 §2.2.3 folding).
_FIELD_END_RE = re.compile(rb"(?:\r\n|\n|\r(?!\n))(?![ \t])")
_BLANKS = b" \t"
# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches a bare CR fold should not pay for compiling it before the console's first frame.
_FOLD_RE = r"\r?\n(?=[ \t])|\r(?=[ \t])"
# A line end followed by a line holding only blanks (RFC 5322 §2.1: the empty line before the body),
# unless the next line is indented: then the blanks-only line is folding inside a field (obs-FWS,
# RFC 5322 §4.2; SpamAssassin's report writes " " lines between its paragraphs), as the stdlib
# email parser reads it too.
_BLANK_LINE_RE = rb"(\r\n|\n|\r(?!\n))[ \t]*(?:\r\n|\n|\r(?!\n))(?![ \t])"
_NON_BLANK_RE = re.compile(rb"[^ \t\r\n]")
_FIELD_START_RE = re.compile(rb"(?:^|(?<=[\r\n]))[\x21-\x39\x3b-\x7e]+[ \t]*:", re.MULTILINE)
_FROM_SPACE_COLON = re.compile(rb"From[ \t]+:")
# Field names real mail uses: letters, digits, "-", "_", "." (RFC 5322 allows more, but a
# "name" such as "(2603" is the start of a folded line that lost its indentation).
_PLAUSIBLE_NAME = re.compile(rb"[A-Za-z0-9_.-]+")
# Hyphen-less field names that real messages carry; any other lone word ("abwl", "BCL",
# "CIP") at column 0 under an empty field or an unfinished "k:v;" list continues that field.
_ONE_WORD_FIELDS = frozenset(
    b"from to cc bcc subject date sender received comments keywords references organization "
    b"importance priority sensitivity encrypted path newsgroups lines xref status precedence "
    b"expires supersedes approved control distribution summary followup-to user-agent "
    b"mailer thread-index".split()
)
_MAX_JOIN_NOTES = int(budgets.JOIN_NOTES.limit)


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
    if "\r" in value:
        if value.count("\r") != value.count("\r\n"):  # a bare CR: the general rule
            return re.sub(_FOLD_RE, "", value).replace("\r\n", " ").replace("\n", " ")
        value = value.replace("\r\n", "\n")
    # Only LF line ends left: str.replace does the same as the regex, about 4x faster.
    return value.replace("\n ", " ").replace("\n\t", "\t").replace("\n", " ")


def _lost_indentation(name: bytes, value_so_far: bytes, rest: bytes) -> bool:
    """True when a line that reads as ``name:`` is more likely a folded line of the field
    above whose leading white space was lost (pastes, some NDRs), than a field of its own.

    ``rest`` is the line after the colon. A lost continuation of a ``key:value;`` list reads
    ``abwl:0;wl:0;...``: a value right after the colon, or a ``;``/``,`` list. A one-word field
    with an empty value (Outlook's ``msip_labels:``) is a field of its own.
    """
    if not _PLAUSIBLE_NAME.fullmatch(name):
        return True
    if b"-" in name or name.lower() in _ONE_WORD_FIELDS:
        return False
    tail = rest.strip()
    if not tail or (rest[:1] in (b" ", b"\t") and b";" not in tail and b"," not in tail):
        return False
    before = value_so_far.strip()
    return not before or before.endswith((b";", b","))


def _line_rest(data: bytes, pos: int) -> bytes:
    """The bytes from ``pos`` to the end of its line (at most one line, without the line end)."""
    m = _LINE_RE.match(data, pos)
    return m.group(0).rstrip(b"\r\n") if m is not None else b""


def _make_field(index: int, raw: bytes, name: str, value_start: int) -> HeaderField:
    """The field ``raw`` whose name (already matched) is ``name`` and value starts at
    ``value_start`` (just after the colon)."""
    text = raw[value_start:].decode("utf-8", errors="replace")
    body = text.rstrip("\r\n")
    # Most fields are one line: only its final line break goes, and strip() removes that
    # however unfold() would have rewritten it, so unfold() runs only on folded fields.
    value = unfold(text).strip() if "\n" in body or "\r" in body else body.strip()
    return HeaderField(index=index, name=name, value=value, raw=raw)


def _header_end(data: bytes, pos: int) -> int:
    """Offset where the header section that starts at ``pos`` ends (its blank line), or -1.

    Line ends followed directly by a line end are found with ``bytes.find`` (C speed on a 25 MB
    input); a "blank" line holding only spaces or tabs is searched for with the regex, but only
    inside the header-size budget, past which nothing is split into fields anyway.
    """
    best = -1
    for pair in (b"\n\n", b"\n\r", b"\r\r"):
        # Only an earlier pair matters: bounding the search stops a pair the message never
        # holds (e.g. "\n\r" in an LF-only file) from scanning the whole body.
        i = data.find(pair, pos) if best < 0 else data.find(pair, pos, best + 1)
        if i >= 0:
            best = i
    found = [best + 1] if best >= 0 else []
    cap = pos + int(budgets.HEADER_BYTES.limit)
    end = min(len(data), min(found, default=cap) + 2, cap)
    # A line of blanks ends in a blank followed by a line end; most headers hold no such
    # pair, and four bytes.find calls are far cheaper than the regex scan.
    if any(data.find(pair, pos, end) >= 0 for pair in (b" \n", b"\t\n", b" \r", b"\t\r")):
        m = re.compile(_BLANK_LINE_RE).search(data, pos, end)
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
    if first_line.startswith(b"From ") and not re.match(_FIELD_RE, first_line):
        start += len(first_line)
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.INPUT_MBOX_LINE, "An mbox 'From ' separator line was skipped.", Severity.INFO
            )
        )
        first = _LINE_RE.match(data, start, scan_end)
        first_line = first.group(0) if first is not None else b""
    elif _FROM_SPACE_COLON.match(first_line):
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.INPUT_HIDDEN_FROM,
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
    if stripped != first_line and re.match(_FIELD_RE, stripped):
        first_indent = first_line[: len(first_line) - len(stripped)]
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.INPUT_INDENTED_START,
                "The first header line was indented; the indentation was ignored.",
                Severity.INFO,
            )
        )
    fields: list[HeaderField] = []
    current: bytes | bytearray | None = None  # the field being read; bytearray once extended
    name = ""  # its name, and where its value starts in it
    value_start = 0
    skipped = 0
    first_stray: int | None = None
    after_stray = 0  # fields below the first stray line
    limit = int(budgets.FIELDS.limit)
    stopped_at: int | None = None  # offset where materialising stopped (FIELDS budget)
    lines_start = pos = start + len(first_indent)
    # Without a bare CR every line ends in LF, and bytes.find can find the ends.
    lf_only = data.count(b"\r", pos, scan_end) == data.count(b"\r\n", pos, scan_end)
    joined = 0
    while pos < scan_end:
        field_m = _FIELD_AT_RE.match(data, pos, scan_end)
        if current is not None and (
            _lost_indentation(
                field_m.group(1), bytes(current[value_start:]), _line_rest(data, field_m.end())
            )
            if field_m is not None
            else data[pos] not in _BLANKS and open_received(name, current, value_start)
        ):
            field_m = None  # read below as a continuation line of ``current``
            joined += 1
            if joined <= _MAX_JOIN_NOTES:
                line_m = _LINE_RE.match(data, pos, scan_end)
                line = line_m.group(0) if line_m is not None else b""
                text = line.decode("utf-8", errors="replace").rstrip("\r\n")[:60]
                number = _count_line_ends(data, lines_start, pos) + 1 + (start > offset)
                from headerlens.model.codes import Code

                defects.append(
                    Defect(
                        Code.INPUT_UNINDENTED_CONTINUATION,
                        f"Line {number} ({text!r}) starts at column 0 but continues the {name} "
                        "field above it (a folded line must start with white space, RFC 5322 "
                        "§2.2.3); it was joined to that field.",
                    )
                )
            if lf_only:
                end = _field_end_lf(data, pos, scan_end)
            else:
                end_m = _FIELD_END_RE.search(data, pos, scan_end)
                end = end_m.end() if end_m is not None else scan_end
            if not isinstance(current, bytearray):
                current = bytearray(current)
            current += data[pos:end]
            pos = end
            continue
        if field_m is not None:
            if current is not None:
                fields.append(_make_field(len(fields), bytes(current), name, value_start))
            if len(fields) >= limit:
                current = None
                stopped_at = pos
                break
            # The field with its continuation lines at once: up to the first line end that
            # is not followed by a blank (RFC 5322 §2.2.3), instead of one step per line.
            if lf_only:
                end = _field_end_lf(data, field_m.end(), scan_end)
            else:
                end_m = _FIELD_END_RE.search(data, pos, scan_end)
                end = end_m.end() if end_m is not None else scan_end
            current = data[pos:end]
            name = field_m.group(1).decode("ascii")
            value_start = field_m.end() - pos
            after_stray += first_stray is not None
            pos = end
            continue
        line_m = _LINE_RE.match(data, pos, scan_end)
        end = line_m.end() if line_m is not None else scan_end  # never empty: pos < scan_end
        if data[pos] in _BLANKS:  # a continuation line after a stray line, or before any field
            if current is not None:
                if not isinstance(current, bytearray):
                    current = bytearray(current)
                current += data[pos:end]
            else:
                skipped += 1
            pos = end
            continue
        # Not a field and not a continuation: a stray line inside the header section.
        skipped += 1
        if skipped <= 5 or first_stray is None:  # the line number is needed: count the ends
            number = _count_line_ends(data, lines_start, pos) + 1
            first_stray = number if first_stray is None else first_stray
        if skipped <= 5:
            text = data[pos:end].decode("utf-8", errors="replace").rstrip("\r\n")[:80]
            from headerlens.model.codes import Code

            defects.append(
                Defect(
                    Code.INPUT_STRAY_LINE,
                    f"Line {number + (start > offset)} is not a header field and was skipped: "
                    f"{text!r}",
                )
            )
        pos = end
    if current is not None:
        fields.append(_make_field(len(fields), bytes(current), name, value_start))
    if joined > _MAX_JOIN_NOTES:
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.INPUT_UNINDENTED_CONTINUATIONS,
                f"{joined} lines without indentation were joined to the field above them.",
            )
        )
    if skipped > 5:
        from headerlens.model.codes import Code

        defects.append(
            Defect(Code.INPUT_STRAY_LINES, f"{skipped} lines in the header section were skipped.")
        )
    if first_stray is not None and after_stray:
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.INPUT_PARSER_DIFFERENTIAL,
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
    defects.extend(scan_defects(data, start, scan_end))
    return SplitMessage(
        header_bytes=header_bytes,
        body_start=body_start,
        fields=tuple(fields),
        defects=tuple(defects),
        skipped_prefix=data[:start],
        data=data,
    )


def _field_end_lf(data: bytes, pos: int, end: int) -> int:
    """_FIELD_END_RE for a section whose line ends are all LF: ``bytes.find`` per line."""
    while True:
        i = data.find(b"\n", pos, end)
        if i < 0:
            return end
        pos = i + 1
        if pos >= end or data[pos] not in _BLANKS:
            return pos


def _count_line_ends(data: bytes, start: int, end: int) -> int:
    """How many line ends (CRLF, LF or a bare CR) lie in ``data[start:end]``."""
    return (
        data.count(b"\n", start, end)
        + data.count(b"\r", start, end)
        - data.count(b"\r\n", start, end)
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
