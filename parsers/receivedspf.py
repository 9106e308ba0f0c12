"""Received-SPF fields (RFC 7208 §9.1) and look-alikes such as Trend Micro's X-TM-Received-SPF.

Grammar: ``result [FWS comment] [FWS key-value-list]``; keys of interest are client-ip,
envelope-from, helo, receiver, identity, mechanism and problem (RFC 7208 §9.1). Gmail and
Exchange Online write the receiver's name at the start of the comment
("pass (google.com: domain of ... designates 192.0.2.1 as permitted sender)").
"""

from __future__ import annotations

import re

from headerlens.model.auth import ReceivedSPF
from headerlens.model.core import Defect, HeaderField, Severity

# RFC 7208 §2.6 results; "error"/"unknown" are RFC 4408-era spellings still seen in old mail.
_RESULTS = frozenset({"pass", "fail", "softfail", "neutral", "none", "temperror", "permerror"})
_LEGACY_RESULTS = frozenset({"error", "unknown"})
_KEY_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*\Z")
_WSP = " \t\r\n"


def parse_received_spf(field: HeaderField) -> ReceivedSPF:
    """Parse one Received-SPF-style field. Never raises; problems become defects.

    The result is lower-cased ("Pass" -> "pass"); the comment is kept without its
    parentheses; key=value pairs are kept in order in ``pairs`` (keys lower-cased, quoted
    values unquoted) and the well-known ones are copied to their own attributes.
    """
    text = field.value
    defects: list[Defect] = []
    pos = _skip_ws(text, 0)
    start = pos
    while pos < len(text) and text[pos] not in _WSP and text[pos] not in "(;":
        pos += 1
    word = text[start:pos]
    result: str | None = word.lower() or None
    if result is None:
        from headerlens.model.codes import Code

        defects.append(
            Defect(Code.RECEIVED_SPF_EMPTY, "The field has no SPF result.", Severity.WARNING)
        )
    elif "=" in word:
        from headerlens.model.codes import Code

        # No result at all, the field starts with key=value pairs.
        defects.append(
            Defect(
                Code.RECEIVED_SPF_NO_RESULT,
                "The field does not start with an SPF result (RFC 7208 §9.1).",
                Severity.WARNING,
            )
        )
        result, pos = None, start
    elif result in _LEGACY_RESULTS:
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.RECEIVED_SPF_LEGACY_RESULT,
                f"Result {word!r} is an RFC 4408 spelling; RFC 7208 says "
                f"{'temperror' if result == 'error' else 'permerror'}.",
                Severity.INFO,
            )
        )
    elif result not in _RESULTS:
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.RECEIVED_SPF_UNKNOWN_RESULT,
                f"Result {word!r} is not an RFC 7208 §2.6 result.",
                Severity.WARNING,
            )
        )

    comment: str | None = None
    pos = _skip_ws(text, pos)
    if pos < len(text) and text[pos] == "(":
        comment, pos, closed = _comment(text, pos)
        if not closed:
            from headerlens.model.codes import Code

            defects.append(
                Defect(
                    Code.RECEIVED_SPF_UNCLOSED_COMMENT,
                    "The comment '(' is never closed.",
                    Severity.WARNING,
                )
            )

    pairs: list[tuple[str, str]] = []
    for chunk in _split_pairs(text[pos:]):
        key, eq, value = chunk.partition("=")
        key = key.strip(_WSP)
        if not eq or not _KEY_RE.match(key):
            from headerlens.model.codes import Code

            defects.append(
                Defect(
                    Code.RECEIVED_SPF_BAD_PAIR,
                    f"Text {_show(chunk)} is not a key=value pair; ignored.",
                    Severity.INFO,
                )
            )
            continue
        pairs.append((key.lower(), _unquote(value.strip(_WSP))))

    found = dict(reversed(pairs))  # first occurrence wins
    return ReceivedSPF(
        header_name=field.name,
        header_index=field.index,
        raw=field.value,
        result=result,
        comment=comment,
        client_ip=found.get("client-ip"),
        envelope_from=found.get("envelope-from"),
        helo=found.get("helo"),
        receiver=found.get("receiver"),
        identity=found.get("identity"),
        mechanism=found.get("mechanism"),
        pairs=tuple(pairs),
        defects=tuple(defects),
    )


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WSP:
        pos += 1
    return pos


def _comment(text: str, pos: int) -> tuple[str, int, bool]:
    """Read a nested comment at ``pos`` ("("); returns (inner text, end, closed)."""
    depth = 0
    start = pos + 1
    while pos < len(text):
        ch = text[pos]
        if ch == "\\":
            pos += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return text[start:pos].strip(), pos + 1, True
        pos += 1
    return text[start:].strip(), len(text), False


def _split_pairs(text: str) -> list[str]:
    """Split the key-value list on ";" (and on whitespace between pairs), honouring quotes.

    RFC 7208 §9.1 separates pairs with ";", but some producers use only spaces; a space
    followed by ``key=`` therefore also starts a new pair.
    """
    chunks: list[str] = []
    buf: list[str] = []
    in_quote = False
    i = 0
    while i < len(text):
        ch = text[i]
        if in_quote:
            buf.append(ch)
            if ch == "\\" and i + 1 < len(text):
                buf.append(text[i + 1])
                i += 1
            elif ch == '"':
                in_quote = False
        elif ch == '"':
            in_quote = True
            buf.append(ch)
        elif ch == ";" or (ch in _WSP and _next_is_key(text, i) and "".join(buf).strip()):
            chunks.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    chunks.append("".join(buf))
    return [c.strip(_WSP) for c in chunks if c.strip(_WSP)]


_NEXT_KEY_RE = re.compile(r"[ \t\r\n]+[A-Za-z][A-Za-z0-9_.-]*[ \t]*=")


def _next_is_key(text: str, pos: int) -> bool:
    return _NEXT_KEY_RE.match(text, pos) is not None


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _show(text: str, limit: int = 60) -> str:
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(short)
