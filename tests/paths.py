"""Where the test data lives: ours in tests/data, the shared corpus and lab beside the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SHARED_LAB = SHARED / "lab"
EXAMPLES = REPO / "examples"

# Files in the corpus that are not messages: DNS data, test-suite tables, documentation.
NOT_MESSAGES = {"zonefile.txt", "FAKE_DNS.dat", "SOURCES.md", "EXPECTED.tsv"}


def need_shared() -> None:
    """Skip (or fail in CI) when ../shared is not beside the repository."""
    import os

    if not CORPUS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED} is missing: CI must run with ../shared beside the repo")
        pytest.skip(f"{SHARED} not present")


def corpus_messages() -> list[Path]:
    """Every message file of the shared corpus and lab (sorted, for stable test ids)."""
    if not CORPUS.is_dir():
        return []
    files = [
        p
        for p in CORPUS.rglob("*")
        if p.is_file() and p.suffix in {".eml", ".txt"} and p.name not in NOT_MESSAGES
    ]
    files += sorted((SHARED_LAB / "messages").glob("*"))
    return sorted(set(files))
