"""Pastes that would be misread: a web viewer's summary above the message, doubled line ends, quoting.

Pure. ``normalize_paste`` returns the bytes as the message looked before copying damaged them,
and one note per repair, so the report says what was changed and why. Each rule needs a shape
that a real message cannot have (a summary page's fixed labels; every line end doubled; every
line quoted), so an ordinary message passes through untouched.
"""

from __future__ import annotations

import re

from headerlens import budgets
from headerlens.model.core import Defect, Severity

_LINE_END = re.compile(rb"\r\n|\n|\r")
# Gmail's "Show original" page: a title row, summary rows with fixed labels, then two buttons.
_GMAIL_TITLE = re.compile(rb"[ \t]*Original [Mm]essage[ \t]*\Z")
_GMAIL_LABELS = (
    b"message id",
    b"created at:",
    b"from:",
    b"to:",
    b"cc:",
    b"subject:",
    b"spf:",
    b"dkim:",
    b"dmarc:",
)
# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches a pasted header's cleanup should not pay for compiling these before the console's first frame.
_GMAIL_BUTTONS = rb"(?i)\A[ \t]*(download original|copy to clipboard)"
_SUMMARY_SCAN = int(budgets.PASTE_SUMMARY_LINES.limit)
_SUMMARY_WINDOW = int(budgets.PASTE_SUMMARY_BYTES.limit)
_FIELD_LINE = rb"[\x21-\x39\x3b-\x7e]+[ \t]*:"
# A line's quote mark ("> " or ">"), a quoted line, and a non-blank line that is not quoted.
# Each pattern starts at a line end (LF, CRLF or a bare CR); the first line is checked apart.
# A leading character class lets the engine skip to the next line end in C, where a
# "(?<=[\r\n])" lookbehind would be tried at every offset (3x slower).
# Real header sections are a few KB to ~100 KB (budgets.HEADER_BYTES); a quoted paste larger
# than this is not a header paste and is left as it is.
_QUOTED_PASTE_BYTES = int(budgets.QUOTED_PASTE_BYTES.limit)
_QUOTE_MARK = rb"(\A|[\r\n])[ \t]*>[ \t]?"
_UNQUOTED_LINE = rb"[\r\n](?![ \t]*>)[ \t]*[^ \t\r\n]"
_QUOTED_LINE = rb"[\r\n][ \t]*>"


def _lines(data: bytes, limit: int) -> list[tuple[int, int]]:
    """(start, end-after-line-end) of the first ``limit`` lines."""
    out: list[tuple[int, int]] = []
    pos = 0
    while pos < len(data) and len(out) < limit:
        m = _LINE_END.search(data, pos)
        end = m.end() if m else len(data)
        out.append((pos, end))
        pos = end
    return out


def _strip_gmail_summary(data: bytes) -> tuple[bytes, Defect | None]:
    # the summary's rows are short: a window keeps a 25 MB first line from being copied
    lines = _lines(data[:_SUMMARY_WINDOW], _SUMMARY_SCAN)
    texts = [data[s:e].rstrip(b"\r\n") for s, e in lines]
    first = next((i for i, t in enumerate(texts) if t.strip()), None)
    if first is None or not _GMAIL_TITLE.match(texts[first]):
        return data, None
    last_button = None
    labels = 0
    for i in range(first + 1, len(texts)):
        t = texts[i].strip().lower()
        if re.match(_GMAIL_BUTTONS, texts[i]):
            last_button = i
            continue
        if last_button is not None:
            break  # the raw message starts after the buttons
        if t.startswith(_GMAIL_LABELS):
            labels += 1
    if last_button is None or labels < 3:
        return data, None
    cut = lines[last_button][1]
    rest = data[cut:]
    # Whatever the buttons row left (tabs, blank lines) before the first field goes too.
    rest = rest.lstrip(b" \t\r\n")
    from headerlens.model.codes import Code

    note = Defect(
        Code.INPUT_PASTE_GMAIL_SUMMARY,
        f'The paste starts with Gmail\'s "Show original" summary ({last_button - first + 1} '
        "lines: Message ID, Created at, From, To, Subject, SPF, DKIM, DMARC, buttons). Those rows "
        "are Gmail's page, not header fields: they were left out and the message below them was "
        "analysed.",
        Severity.INFO,
    )
    return rest, note


def _undouble_line_ends(data: bytes) -> tuple[bytes, Defect | None]:
    """CRLF that arrived as CR CR (tmux, some terminals) or as LF LF: every line end doubled."""
    if b"\r\r" in data and b"\n" not in data:
        pair, single, shown = b"\r\r", b"\r\n", "CR CR"
    elif b"\n\n" in data and b"\r" not in data:
        pair, single, shown = b"\n\n", b"\n", "LF LF"
    else:
        return data, None
    # The header block as pasted: up to the first doubled blank line (4 line ends in a row).
    head = data.split(pair * 2, 1)[0]
    lines = head.split(pair)
    if len(lines) < 4 or any(not line or single[-1:] in line for line in lines):
        return data, None  # a single line end inside the block: not a doubled paste
    # The first lines must read as fields (or their folded continuations), so a one-field
    # message whose body has blank-separated "Word: text" paragraphs is left alone.
    if not re.match(_FIELD_LINE, lines[0]) or not all(
        line[:1] in (b" ", b"\t") or re.match(_FIELD_LINE, line) for line in lines[1:4]
    ):
        return data, None
    from headerlens.model.codes import Code

    note = Defect(
        Code.INPUT_PASTE_DOUBLE_SPACED,
        f"Every line end of the paste was doubled ({shown}), which would end the header after "
        "the first field; the doubled line ends were collapsed to one.",
        Severity.WARNING,
    )
    return data.replace(pair, single), note


def _unquote(data: bytes) -> tuple[bytes, Defect | None]:
    """Headers copied from a forwarded or replied copy, every line quoted with '> '.

    Only for inputs up to ``_QUOTED_PASTE_BYTES`` (a quoted copy is a header paste): one search
    for an unquoted non-blank line, one substitution, both linear (the substitution holds one
    piece per line, about 25x a small input: a few MB at most)."""
    if len(data) > _QUOTED_PASTE_BYTES or data.lstrip()[:1] != b">":
        return data, None  # a quoted copy is a header paste, never a whole large message
    if (
        re.search(_UNQUOTED_LINE, data) is not None
        or len(re.compile(_QUOTED_LINE).findall(data, 0, 4096)) < 2
    ):
        return data, None
    out = re.sub(_QUOTE_MARK, rb"\1", data)
    if not re.match(_FIELD_LINE, out.lstrip()):
        return data, None
    from headerlens.model.codes import Code

    note = Defect(
        Code.INPUT_PASTE_QUOTED,
        "Every line of the paste was quoted with '>' (copied from a forwarded or replied copy); "
        "the quote marks were removed. Signatures over a quoted copy rarely verify.",
        Severity.WARNING,
    )
    return out, note


def normalize_paste(data: bytes) -> tuple[bytes, tuple[Defect, ...]]:
    """Undo the ways copying damages a message; ``data`` unchanged when none applies."""
    notes: list[Defect] = []
    for repair in (_strip_gmail_summary, _unquote, _undouble_line_ends):
        data, note = repair(data)
        if note is not None:
            notes.append(note)
    return data, tuple(notes)


# The date-time a Received field ends with (RFC 5321 §4.4: "; " date-time, RFC 5322 §3.3):
# day, month, year, time and zone after the last semicolon. Pattern text compiled on first use.
_RECEIVED_DATE = (
    rb";\s*(?:[A-Za-z]{3},?\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    rb"\s*(?:[+-]\d{4}|[A-Za-z]{1,5})\b[^;]*$"
)
_RECEIVED_MAX = 4096


def open_received(name: str, field: bytes | bytearray, value_start: int) -> bool:
    """A Received field (``field`` its raw bytes, its value from ``value_start``) whose value
    does not yet end with its date-time: a paste that lost the
    indentation of its continuation lines cut it there, so a following line that cannot be a
    field ("by X with ESMTP id Y; date", "(10.1.2.3) by ...") is its continuation. A complete
    Received line (every receiver dates its own) takes nothing more: a stray line after it is
    not joined to it."""
    # Bounded: only a Received of ordinary length is continued, and only its tail is read (a
    # megabyte of stray lines under a dateless Received must not cost a scan per line).
    if name.lower() != "received" or len(field) - value_start > _RECEIVED_MAX:
        return False
    return re.search(_RECEIVED_DATE, bytes(field[max(value_start, len(field) - 160) :])) is None
