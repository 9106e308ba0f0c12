"""Where the test data lives: ours in tests/data, the shared corpus and lab beside the repo."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
# HEADERLENS_TEST_SHARED points the tests at another copy of ../shared (or at a missing folder,
# to check that CI fails without it: tests/test_shared_missing.py).
SHARED = Path(os.environ.get("HEADERLENS_TEST_SHARED") or REPO.parent / "shared")
CORPUS = SHARED / "corpus"
SHARED_LAB = SHARED / "lab"
EXAMPLES = REPO / "examples"

# Files in the corpus that are not messages: DNS data, test-suite tables, documentation.
NOT_MESSAGES = {"zonefile.txt", "FAKE_DNS.dat", "SOURCES.md", "EXPECTED.tsv"}


def in_ci() -> bool:
    """True under CI (CI set to anything but empty, 0, false or no)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def need_shared(path: Path = CORPUS) -> None:
    """Skip the calling test when ``path`` (by default the corpus) of ../shared is missing;
    under CI fail instead: a CI run without the corpus must not pass by skipping."""
    if path.exists():
        return
    message = f"{path} is missing (../shared beside the repository holds the corpus and lab)"
    if in_ci():
        pytest.fail(f"{message}: CI must run with it")
    pytest.skip(message)


# Marks a test (or the stand-in case below) that needs ../shared: tests/conftest.py calls
# need_shared() before it runs.
needs_shared = pytest.mark.needs_shared


def shared_cases(cases: Sequence[Any], argnames: int = 1) -> list[Any]:
    """``cases`` for a parametrisation drawn from ../shared, or, when it is missing, one stand-in
    case that skips (fails under CI) rather than a test with no cases at all."""
    if cases:
        return list(cases)
    values = (None,) * argnames
    return [pytest.param(*values, id="shared-missing", marks=needs_shared)]


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
