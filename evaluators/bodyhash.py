"""DKIM body hash computed in linear time and bounded memory, chunk by chunk (RFC 6376 §3.7).

dkimpy canonicalises the whole body at once (several full-size copies: line split, join, one per
regular-expression pass), which costs about six times a 25 MB message in memory, and its relaxed
rule ``[\\t ]+\\r\\n`` backtracks: a long run of blanks not followed by CR LF costs time
quadratic in its length (160 KB of blanks: 43 s). Here the body is read through a memoryview in
chunks of at most ``CHUNK`` bytes (plus one byte, so a CR LF pair is never cut), and relaxed
canonicalisation (RFC 6376 §3.4.4) first reduces every run of blanks to one space, then drops a
space before CR LF: bytes.replace passes, and one regular expression for runs of 32 blanks or
more (a regular expression costs ~1 us per match: ``[\\t ]+`` took 3 s on 24 MiB of ordinary
text). A run cut by a chunk boundary is carried as one pending space; trailing empty lines are
held back as a count until content follows (§3.4.3: they are ignored at the end). The result is
byte-for-byte what dkimpy's canonicaliser gives (the tests compare them).

Several signatures over one body (RFC 6376 §6.1: each with its own l= and a=) share one pass per
canonicalisation (``BodyDigests``), so five relaxed signatures cost one canonicalisation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

BytesLike = bytes | memoryview
NewHash = Callable[[], Any]  # makes a hashlib-style object (``update``/``digest``)

CHUNK = 1 << 20  # bytes per step: large enough for C-speed passes, small next to the body
_BLANK_LINE = re.compile(rb"\n\r?\n")
_LONG_RUN_TEXT = b" " * 32
_LONG_RUN = re.compile(rb" {32,}")  # linear: no backtracking, one match per long run
_CR, _LF = 0x0D, 0x0A


def _split_at(raw: bytes) -> tuple[int, int] | None:
    """(end of the header section, start of the body), or None when there is no empty line."""
    if raw.startswith((b"\n", b"\r\n")):
        return 0, raw.index(b"\n") + 1
    found = _BLANK_LINE.search(raw)
    return None if found is None else (found.start() + 1, found.end())


def split_message(raw: bytes) -> tuple[bytes, memoryview | None]:
    """(header section, body view) split at the first empty line, as dkimpy's parser does.

    The body is a view into ``raw`` (no copy); None when there is no empty line at all.
    """
    at = _split_at(raw)
    if at is None:
        return raw, None
    return raw[: at[0]], memoryview(raw)[at[1] :]


def header_length(raw: bytes) -> int:
    """Where the header section ``split_message`` finds ends (the whole input without a body)."""
    at = _split_at(raw)
    return len(raw) if at is None else at[0]


def body_view(raw: bytes) -> memoryview | None:
    """The body ``split_message`` finds, without copying the header section (a view)."""
    at = _split_at(raw)
    return None if at is None else memoryview(raw)[at[1] :]


def _chunks(body: BytesLike) -> Iterator[memoryview]:
    """Slices of at most CHUNK + 1 bytes; a CR LF pair is never cut in two."""
    view = memoryview(body).cast("B")
    start, size = 0, len(view)
    while start < size:
        end = min(start + max(CHUNK, 1), size)
        if end < size and view[end - 1] == _CR and view[end] == _LF:
            end += 1
        yield view[start:end]
        start = end


def _canonical(view: memoryview, relaxed: bool) -> bytes:
    """One chunk in canonical form. Each pass runs only when a cheap substring test shows it
    would change something: a base64 attachment needs none of them."""
    chunk = bytes(view)
    if chunk.count(b"\n") != chunk.count(b"\r\n"):
        # CR LF or bare LF -> CR LF, as dkimpy reads lines (re.sub costs ~1 us per match)
        chunk = chunk.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if relaxed:
        if b"\t" in chunk:
            chunk = chunk.replace(b"\t", b" ")
        if b"  " in chunk:
            if _LONG_RUN_TEXT in chunk:  # few, long runs: one match each
                chunk = _LONG_RUN.sub(b" ", chunk)
            while b"  " in chunk:  # runs under 32 blanks: each pass halves them, 5 at most
                chunk = chunk.replace(b"  ", b" ")
        # now blanks before a line break are exactly one space
        chunk = chunk.replace(b" \r\n", b"\r\n")
    return chunk


def _trailing_crlfs(chunk: bytes) -> int:
    end, count = len(chunk), 0
    while end >= 2 and chunk[end - 2 : end] == b"\r\n":
        end -= 2
        count += 1
    return count


def body_hashes(
    body: BytesLike, relaxed: bool, wants: Sequence[tuple[NewHash, int | None]]
) -> tuple[list[bytes], int]:
    """One canonicalisation pass: for each ``(new_hash, limit)`` the digest of the canonical
    body, or of its first ``limit`` bytes (l=); and the canonical length."""
    hashes = [(new_hash(), limit) for new_hash, limit in wants]
    fed = 0  # canonical bytes produced so far (all of them, for the length)
    pending = 0  # CR LF pairs held back: empty lines that may turn out to be trailing
    content = False
    carry = False  # relaxed: the previous chunk ended in blanks, kept back as one space

    def feed(data: bytes) -> None:
        nonlocal fed
        for h, limit in hashes:
            if limit is None:
                h.update(data)
            elif fed < limit:
                h.update(data[: limit - fed])
        fed += len(data)

    for view in _chunks(body):
        chunk = _canonical(view, relaxed)
        if relaxed:
            if carry and not chunk.startswith((b" ", b"\r\n")):
                chunk = b" " + chunk  # the run of blanks ended inside a line
            carry = chunk.endswith(b" ")
            if carry:
                chunk = chunk[:-1]
        tail = _trailing_crlfs(chunk)
        if tail * 2 == len(chunk):
            pending += tail  # nothing but empty lines (so far)
            continue
        if pending:
            feed(b"\r\n" * pending)
        feed(chunk[: len(chunk) - tail * 2])
        content, pending = True, tail
    if carry:  # blanks at the very end, after no line break: dkimpy keeps one space
        feed(b"\r\n" * pending + b" ")
        content = True
    if content or not relaxed:
        feed(b"\r\n")  # the body ends with exactly one CRLF; an empty relaxed body is empty
    return [h.digest() for h, _ in hashes], fed


def body_hash(
    body: BytesLike, relaxed: bool, new_hash: NewHash, limit: int | None = None
) -> tuple[bytes, int]:
    """(digest of the canonical body, or of its first ``limit`` bytes (l=); canonical length)."""
    digests, length = body_hashes(body, relaxed, [(new_hash, limit)])
    return digests[0], length


class BodyDigests:
    """The body hashes several signatures need, one canonicalisation pass per c= body rule.

    ``want`` every (relaxed, algorithm, limit) first; the first ``digest`` or ``length`` for a
    rule computes all of that rule's wants at once (a later, unannounced want costs one more pass).
    """

    def __init__(self, body: BytesLike) -> None:
        self._body = body
        self._wants: dict[bool, dict[tuple[Any, int | None], None]] = {False: {}, True: {}}
        self._digests: dict[tuple[bool, Any, int | None], bytes] = {}
        self._lengths: dict[bool, int] = {}

    def want(self, relaxed: bool, new_hash: NewHash, limit: int | None) -> None:
        """Announce a digest that will be asked for."""
        if (relaxed, new_hash, limit) not in self._digests:
            self._wants[relaxed][(new_hash, limit)] = None

    def _run(self, relaxed: bool) -> None:
        wants = list(self._wants[relaxed]) or [(_NoHash, None)]
        digests, self._lengths[relaxed] = body_hashes(self._body, relaxed, wants)
        for (new_hash, limit), digest in zip(wants, digests, strict=True):
            self._digests[(relaxed, new_hash, limit)] = digest
        self._wants[relaxed].clear()

    def digest(self, relaxed: bool, new_hash: NewHash, limit: int | None) -> bytes:
        """The digest of the canonical body (its first ``limit`` bytes)."""
        key = (relaxed, new_hash, limit)
        if key not in self._digests:
            self.want(relaxed, new_hash, limit)
            self._run(relaxed)
        return self._digests[key]

    def length(self, relaxed: bool) -> int:
        """The length of the canonical body."""
        if relaxed not in self._lengths:
            self._run(relaxed)
        return self._lengths[relaxed]


class _NoHash:
    """A hash that keeps nothing: a pass run only for the canonical length."""

    def update(self, data: bytes) -> None:
        """Ignore ``data``."""

    def digest(self) -> bytes:
        """Nothing was kept."""
        return b""
