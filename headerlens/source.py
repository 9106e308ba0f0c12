"""Read what the user gave us (file, stdin, Outlook .msg) into bytes, never modifying the input."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from headerlens import budgets
from headerlens.model.core import InputKind
from headerlens.parsers.binary import describe_binary, looks_binary, starts_with_field

# Refuse inputs past this size before reading them whole: a pasted header block is a few KB,
# a large message with attachments tens of MB (budgets.INPUT_BYTES).
MAX_INPUT_BYTES = int(budgets.INPUT_BYTES.limit)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary header ([MS-CFB] §2.2)
# First line Exchange/Outlook put before the header fields in some transport headers streams.
_MS_MAIL_PREFIX = "Microsoft Mail Internet Headers Version 2.0"


class InputError(Exception):
    """The input can't be analysed; ``str(err)`` is one clear line for the user."""


@dataclass(frozen=True, slots=True)
class LoadedInput:
    """Bytes to analyse, where they came from and what kind of input they are."""

    name: str
    data: bytes
    kind: InputKind
    note: str | None = None  # e.g. "converted from Outlook .msg; body is not the original MIME"


def _read_limited(stream: BinaryIO, name: str, expected: int | None = None) -> bytes:
    """All of ``stream``, refused past the cap. Reads grow with what arrived (``expected`` is
    the file size, when known): read(cap + 1) would allocate a 25 MiB buffer for any input."""
    want = max(expected, 1) if expected is not None else 64 * 1024  # exact: no shrinking copy
    parts: list[bytes] = []
    total = 0
    while total <= MAX_INPUT_BYTES:
        block = stream.read(min(want, MAX_INPUT_BYTES + 1 - total))
        if not block:
            break
        parts.append(block)
        total += len(block)
        # a file read whole at its size: a small read for the end, not another cap-sized one
        want = 64 * 1024 if expected is not None and total >= expected else max(want, total)
    if total > MAX_INPUT_BYTES:
        raise InputError(
            f"{name}: larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB; "
            "save only the headers (or the .eml without attachments) and try again"
        )
    return parts[0] if len(parts) == 1 else b"".join(parts)


_EMBEDDED_MESSAGE = "__substg1.0_3701000d"  # [MS-OXMSG] §2.2.2.1: an attached message's storage


def _msg_nesting(path: Path) -> int:
    """How deep messages attached to messages go, read from the OLE directory alone.

    extract-msg opens every embedded message, recursively, before it hands out the top one's
    headers; olefile (its own reader) lists the storages without opening any of them.
    """
    import olefile  # type: ignore[import-untyped]  # extract-msg's dependency; no stubs

    try:
        with olefile.OleFileIO(str(path)) as ole:
            storages = ole.listdir(streams=False, storages=True)
    except RecursionError:  # storages nested past Python's recursion limit
        return sys.maxsize
    return max(
        (sum(1 for part in parts if part.lower() == _EMBEDDED_MESSAGE) for parts in storages),
        default=0,
    )


def _from_msg(path: Path) -> LoadedInput:
    """Outlook .msg: the transport headers stream holds the header section as received."""
    import extract_msg  # imported here: slow to import and only needed for .msg

    limit = int(budgets.MSG_NESTING.limit)
    try:
        depth = _msg_nesting(path)
    except Exception as exc:  # olefile raises OSError and others for broken files
        raise InputError(f"{path}: not a readable Outlook .msg file ({exc})") from None
    if depth > limit:
        shown = "too many" if depth == sys.maxsize else f"{depth:,}"
        raise InputError(
            f"{path}: Outlook .msg with messages attached {shown} levels deep (limit {limit}); "
            "save the innermost message you need as .eml or .msg and open that"
        )
    try:
        # only the top message's headers are read: its attachments are never opened
        msg = extract_msg.openMsg(str(path), strict=False, delayAttachments=True)
    except Exception as exc:  # extract_msg raises many unrelated types for broken files
        raise InputError(f"{path}: not a readable Outlook .msg file ({exc})") from None
    try:
        header_text = getattr(msg, "headerText", None)  # only mail items carry headers
    finally:
        msg.close()
    if not header_text or not header_text.strip():
        raise InputError(
            f"{path}: this Outlook .msg has no Internet headers (it was never sent or received "
            "over SMTP, e.g. a draft); open the received copy instead"
        )
    text = header_text.rstrip("\x00").replace("\r\n", "\n")  # some writers store the NUL
    if text.startswith(_MS_MAIL_PREFIX):  # not a field: it would read as a stray line
        text = text[len(_MS_MAIL_PREFIX) :].lstrip("\n")
    # The stream ends with the blank line after the header section; keep only the header
    # section, or the analysis would see an empty body and check DKIM body hashes against it.
    text = text.rstrip("\n") + "\n"
    data = text.replace("\n", "\r\n").encode("utf-8")
    return LoadedInput(
        name=str(path),
        data=data,
        kind=InputKind.MSG,
        note="Outlook .msg: transport headers only; the body is not the original MIME, "
        "so DKIM body hashes cannot be checked",
    )


def load(source: str, stdin: BinaryIO | None = None) -> LoadedInput:
    """Load ``source`` ("-" = standard input). Raises InputError with a one-line reason."""
    if source == "-":
        if stdin is None and sys.stdin is None:  # the process was started with fd 0 closed
            raise InputError("standard input is closed; give a file name instead of '-'")
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = _read_limited(stream, "standard input")
        name = "<stdin>"
    else:
        path = Path(source)
        try:
            if path.is_dir():
                raise InputError(f"{source}: is a directory, not a message file")
            size = path.stat().st_size
            if size > MAX_INPUT_BYTES:
                raise InputError(
                    f"{source}: {size // (1024 * 1024)} MiB is larger than the "
                    f"{MAX_INPUT_BYTES // (1024 * 1024)} MiB limit"
                )
            with path.open("rb") as fh:  # read-only: the input file is never modified
                magic = fh.read(8)
                if magic == _OLE_MAGIC:
                    return _from_msg(path)
                fh.seek(0)
                data = _read_limited(fh, source, size)
        except OSError as exc:
            raise InputError(f"{source}: {exc.strerror or exc}") from None
        name = source
    if looks_binary(data) and not starts_with_field(data):
        raise InputError(
            f"{name}: binary data, not an email message or header text ({describe_binary(data)})"
        )
    if not data or data.isspace():  # strip() would copy a 25 MB input to test it
        raise InputError(f"{name}: empty input; paste or save the message headers first")
    kind = InputKind.EML
    return LoadedInput(name=name, data=data, kind=kind)
