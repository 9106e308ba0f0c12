"""DKIM body hash computed in bounded memory: canonicalise and hash chunk by chunk (RFC 6376 §3.7).

dkimpy canonicalises the whole body at once (several full-size copies: line split, join, one per
regular-expression pass), which costs about six times a 25 MB message in memory. Here the body is
read through a memoryview in chunks that end on a line break, so each rule of RFC 6376 §3.4.3
(simple) and §3.4.4 (relaxed) stays inside one chunk; only trailing empty lines cross chunks, and
they are held back as a count until content follows (§3.4.3: they are ignored at the end). The
result is byte-for-byte what dkimpy's canonicaliser gives (the tests compare them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

BytesLike = bytes | memoryview

CHUNK = 1 << 20  # bytes per step: large enough for C-speed regex passes, small next to the body
_EOL = re.compile(rb"\r?\n")  # as dkimpy reads lines: CRLF or bare LF
_TRAILING_WSP = re.compile(rb"[\t ]+\r\n")
_WSP_RUN = re.compile(rb"[\t ]+")
_BLANK_LINE = re.compile(rb"\n\r?\n")


def split_message(raw: bytes) -> tuple[bytes, memoryview | None]:
    """(header section, body view) split at the first empty line, as dkimpy's parser does.

    The body is a view into ``raw`` (no copy); None when there is no empty line at all.
    """
    if raw.startswith((b"\n", b"\r\n")):
        return b"", memoryview(raw)[raw.index(b"\n") + 1 :]
    found = _BLANK_LINE.search(raw)
    if found is None:
        return raw, None
    return raw[: found.start() + 1], memoryview(raw)[found.end() :]


def _chunks(body: BytesLike) -> Iterator[memoryview]:
    view = memoryview(body).cast("B")
    start, size = 0, len(view)
    while start < size:
        end = min(start + CHUNK, size)
        if end < size:
            # extend to the next line break so no line (or CR LF pair) is cut in two
            cut = bytes(view[end : min(end + 65536, size)]).find(b"\n")
            end = size if cut < 0 else end + cut + 1
        yield view[start:end]
        start = end


def _canonical(view: memoryview, relaxed: bool) -> bytes:
    """One chunk in canonical form. Each regular-expression pass runs only when a cheap
    substring test shows it would change something: a base64 attachment needs none of them."""
    chunk = bytes(view)
    if chunk.count(b"\n") != chunk.count(b"\r\n"):
        chunk = _EOL.sub(b"\r\n", chunk)
    if relaxed:
        if b" \r\n" in chunk or b"\t\r\n" in chunk:
            chunk = _TRAILING_WSP.sub(b"\r\n", chunk)
        if b"\t" in chunk or b"  " in chunk:
            chunk = _WSP_RUN.sub(b" ", chunk)
    return chunk


def _trailing_crlfs(chunk: bytes) -> int:
    end, count = len(chunk), 0
    while end >= 2 and chunk[end - 2 : end] == b"\r\n":
        end -= 2
        count += 1
    return count


def body_hash(
    body: BytesLike, relaxed: bool, new_hash: Callable[[], Any], limit: int | None = None
) -> tuple[bytes, int]:
    """(digest of the canonical body, or of its first ``limit`` bytes (l=); canonical length).

    ``new_hash`` makes a hashlib-style object (``update``/``digest``).
    """
    h = new_hash()
    fed = 0  # canonical bytes produced so far (all of them, for the length)
    pending = 0  # CR LF pairs held back: empty lines that may turn out to be trailing
    content = False

    def feed(data: bytes) -> None:
        nonlocal fed
        if limit is None:
            h.update(data)
        elif fed < limit:
            h.update(data[: limit - fed])
        fed += len(data)

    for view in _chunks(body):
        chunk = _canonical(view, relaxed)
        tail = _trailing_crlfs(chunk)
        if tail * 2 == len(chunk):
            pending += tail  # nothing but empty lines (so far)
            continue
        if pending:
            feed(b"\r\n" * pending)
        feed(chunk[: len(chunk) - tail * 2])
        content, pending = True, tail
    if content or not relaxed:
        feed(b"\r\n")  # the body ends with exactly one CRLF; an empty relaxed body is empty
    return h.digest(), fed
