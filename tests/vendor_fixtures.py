"""Test helper: read header fields of the shared corpus (never copied into the repo)."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

from headerlens.model.core import HeaderField
from tests.paths import CORPUS, SHARED, SHARED_LAB, need_shared

LAB_MESSAGES = SHARED_LAB / "messages"


def require_corpus() -> None:
    """Skip (or fail in CI) when ../shared is not beside the repository."""
    need_shared()


def _fields_of(msg: Message, start: int) -> Iterator[HeaderField]:
    # compat32 keeps folded values as written; unfold (RFC 5322 §2.2.3) ourselves.
    for offset, (name, value) in enumerate(msg.items()):
        text = str(value)
        raw = f"{name}:{text}\r\n".encode("utf-8", "surrogateescape")
        unfolded = re.sub(r"\r?\n(?=[ \t])", "", text)
        unfolded = unfolded.encode("utf-8", "surrogateescape").decode("utf-8", "replace").strip()
        yield HeaderField(start + offset, name, unfolded, raw)


def iter_fields(path: Path) -> Iterator[HeaderField]:
    """Every header field of every part of ``path``, including embedded and NDR header parts."""
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)
    base = 0
    for part in msg.walk():
        yield from _fields_of(part, base)
        base += 1000
        if part.get_content_type() == "text/rfc822-headers":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                inner = email.message_from_bytes(payload, policy=email.policy.compat32)
                yield from _fields_of(inner, base)
                base += 1000


def all_files() -> list[Path]:
    """Every file of the corpus (recursively) and of the lab messages."""
    files = [p for p in CORPUS.rglob("*") if p.is_file()]
    if LAB_MESSAGES.is_dir():
        files += [p for p in LAB_MESSAGES.iterdir() if p.is_file()]
    return sorted(files)


def corpus_field(relpath: str, name: str, nth: int = 0) -> HeaderField:
    """The ``nth`` field called ``name`` (any case) in corpus file ``relpath``."""
    require_corpus()
    path = CORPUS / relpath if not relpath.startswith("lab/") else SHARED / relpath
    hits = [f for f in iter_fields(path) if f.lname == name.lower()]
    assert len(hits) > nth, f"{relpath} has {len(hits)} {name} fields"
    return hits[nth]


def make_field(name: str, value: str, index: int = 0) -> HeaderField:
    """A HeaderField for a literal value (RFC examples, vendor documentation examples)."""
    return HeaderField(index, name, value, f"{name}: {value}\r\n".encode())
