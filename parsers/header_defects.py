"""Line-level anomalies of a header section: line ends, long lines, NUL, 8-bit (RFC 5322 §2)."""

from __future__ import annotations

import re

from headerlens import budgets
from headerlens.model.core import Defect, Severity

__all__ = ["scan_defects"]


# RFC 5322 §2.1.1: 998 octets at most. Anchored on a line end (the first line is matched
# separately) so a failed attempt costs O(1), not 999 steps per position; a leading character
# class also lets the regex engine skip to the next line end in C, about 3x faster than
# "(?:^|(?<=[\r\n]))" which is tried at every offset.
_LONG_FIRST_LINE_RE = re.compile(rb"[^\r\n]{999,}")
_LONG_LINE_RE = re.compile(rb"[\r\n]([^\r\n]{999,})")


def scan_defects(data: bytes, start: int, end: int) -> list[Defect]:
    """Line-level anomalies of the (capped) header section: terminators, long lines, NUL,
    8-bit bytes. Regex counts only: linear, and no per-line objects."""
    header = data[start:end]
    out: list[Defect] = []
    crlf = header.count(b"\r\n")
    bare_cr = header.count(b"\r") - crlf
    bare_lf = header.count(b"\n") - crlf
    if bare_cr:
        from headerlens.model.codes import Code

        out.append(
            Defect(
                Code.INPUT_BARE_CR,
                f"{bare_cr} line(s) end in a bare CR (RFC 5322 §2.2 allows only CRLF): a possible "
                "SMTP smuggling indicator. Python's email parser splits fields there; this tool "
                "treats the bare CR as a line end as well.",
            )
        )
    if crlf and bare_lf:
        from headerlens.model.codes import Code

        out.append(
            Defect(
                Code.INPUT_MIXED_EOL,
                f"The header section mixes CRLF ({crlf}) and bare LF ({bare_lf}) line ends "
                "(RFC 5322 §2.2): possible SMTP smuggling, or an edited file.",
            )
        )
    longest = 0
    count = 0
    first = _LONG_FIRST_LINE_RE.match(header)
    if first is not None:
        count, longest = 1, first.end()
    for m in _LONG_LINE_RE.finditer(header):
        count += 1
        longest = max(longest, m.end(1) - m.start(1))
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
        from headerlens.model.codes import Code

        out.append(
            Defect(
                Code.INPUT_NUL,
                f"The header section contains {nuls} NUL byte(s); they are shown as \\x00 and "
                "never passed on to DNS.",
                Severity.ERROR,
            )
        )
    if not header.isascii():
        try:
            header.decode("utf-8")
        except UnicodeDecodeError:
            from headerlens.model.codes import Code

            out.append(
                Defect(
                    Code.INPUT_8BIT,
                    "The header section holds raw 8-bit bytes that are not UTF-8 (neither "
                    "RFC 2047 encoded words nor RFC 6532 UTF-8); they are shown replaced by "
                    "U+FFFD, the raw bytes are kept.",
                )
            )
        else:
            from headerlens.model.codes import Code

            out.append(
                Defect(
                    Code.INPUT_UTF8_HEADERS,
                    "The header section holds raw UTF-8 (RFC 6532 internationalised headers).",
                    Severity.INFO,
                )
            )
    return out
