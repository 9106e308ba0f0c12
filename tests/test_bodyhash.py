"""Streaming DKIM body hash (checks.bodyhash) against dkimpy's whole-body canonicaliser."""

from __future__ import annotations

import hashlib

import pytest
from dkim.canonicalization import Relaxed, Simple

from headerlens.checks import bodyhash
from headerlens.checks.bodyhash import body_hash, split_message

BODIES = [
    pytest.param(b"", id="empty"),  # RFC 6376 §3.4.3 / §3.4.4: empty body
    pytest.param(b"\r\n", id="one-empty-line"),
    pytest.param(b"\r\n\r\n\r\n", id="only-empty-lines"),
    pytest.param(b" C \r\nD \t E\r\n\r\n\r\n", id="rfc6376-3.4.5-example"),  # RFC 6376 §3.4.5
    pytest.param(b"no final newline", id="no-final-crlf"),
    pytest.param(b"tail   ", id="trailing-wsp-no-crlf"),
    pytest.param(b"bare\nLF\n\nlines\n\n", id="bare-lf"),
    pytest.param(b"ws only\r\n  \r\n\t\r\n", id="whitespace-only-trailing-lines"),
    pytest.param(b"cr\r\r\nmid\rline\r\n", id="lone-cr"),
    pytest.param(b"\r\nleading empty line\r\n", id="leading-empty-line"),
]


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("relaxed", [False, True], ids=["simple", "relaxed"])
def test_matches_dkimpy(body: bytes, relaxed: bool) -> None:
    # dkimpy reads lines as CRLF or bare LF (its rfc822 parser); compare on that form
    crlf = b"\r\n".join(body.replace(b"\r\n", b"\n").split(b"\n"))
    want = (Relaxed if relaxed else Simple).canonicalize_body(crlf)
    digest, length = body_hash(body, relaxed, hashlib.sha256)
    assert (digest, length) == (hashlib.sha256(want).digest(), len(want))


@pytest.mark.parametrize("relaxed", [False, True], ids=["simple", "relaxed"])
def test_chunk_boundaries(monkeypatch: pytest.MonkeyPatch, relaxed: bool) -> None:
    # tiny chunks: runs of whitespace and empty lines straddle many chunk boundaries
    monkeypatch.setattr(bodyhash, "CHUNK", 7)
    body = b"a  b\t\r\n\r\n  \r\nc\r\n" * 50 + b"\r\n\r\n\r\n"
    want = (Relaxed if relaxed else Simple).canonicalize_body(body)
    assert body_hash(body, relaxed, hashlib.sha256) == (hashlib.sha256(want).digest(), len(want))


@pytest.mark.parametrize("limit", [0, 5, 10_000])  # RFC 6376 §3.5 l=
def test_length_limit(limit: int) -> None:
    body = b"hello  world\r\nsecond line\r\n"
    want = Relaxed.canonicalize_body(body)
    digest, length = body_hash(body, True, hashlib.sha256, limit)
    assert digest == hashlib.sha256(want[:limit]).digest()
    assert length == len(want)


@pytest.mark.parametrize(
    ("raw", "head", "body"),
    [
        pytest.param(b"A: 1\r\nB: 2\r\n\r\nbody\r\n", b"A: 1\r\nB: 2\r\n", b"body\r\n", id="crlf"),
        pytest.param(b"A: 1\n\nbody\n", b"A: 1\n", b"body\n", id="lf"),
        pytest.param(b"A: 1\r\nB: 2\r\n", b"A: 1\r\nB: 2\r\n", None, id="headers-only"),
        pytest.param(b"\r\nbody", b"", b"body", id="no-headers"),
    ],
)
def test_split_message(raw: bytes, head: bytes, body: bytes | None) -> None:
    got_head, view = split_message(raw)
    assert got_head == head
    assert (None if view is None else bytes(view)) == body
