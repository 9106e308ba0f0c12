"""Without ../shared the corpus tests skip on a developer's machine and fail under CI.

Each case below reaches ../shared in a different way (need_shared() in the body, a specific
file, the ``needs_shared`` mark, a parametrisation drawn from the corpus, the EXPECTED.tsv
reader, the vendor field reader); pytest runs them in a child process pointed at a folder that
does not exist (HEADERLENS_TEST_SHARED, see tests/paths.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.paths import REPO, in_ci

NEEDS_SHARED = [
    "tests/test_cli_report.py::test_corpus_is_present",  # need_shared()
    "tests/test_authresults.py::test_expected_rows_were_read",  # EXPECTED.tsv
    "tests/test_dkimkey.py::test_arc_suite_key_sizes",  # need_shared(one file)
    "tests/test_received.py::test_corpus_parses_and_dates_resolve",  # @needs_shared
    "tests/test_analyze_corpus.py::test_pipeline_matches_stated",  # cases from EXPECTED.tsv
    "tests/test_chain.py::test_lab_messages",  # cases from ../shared/lab
    "tests/test_vendor_corpus.py::test_every_corpus_field_decodes_without_exception",
]


def _outcomes(tmp_path: Path, ci: str | None) -> dict[str, str]:
    """Run NEEDS_SHARED without ../shared; the outcome of each test case by its id."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["HEADERLENS_TEST_SHARED"] = str(tmp_path / "no-shared-here")
    if ci is not None:
        env["CI"] = ci
    report = tmp_path / "report.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         f"--junitxml={report}", *NEEDS_SHARED],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        outcomes[f"{case.get('classname')}::{case.get('name')}"] = kinds[0] if kinds else "passed"
    return outcomes


def test_corpus_tests_fail_under_ci_without_shared(tmp_path: Path) -> None:
    outcomes = _outcomes(tmp_path, "true")
    assert len(outcomes) == len(NEEDS_SHARED), outcomes
    assert set(outcomes.values()) <= {"failure", "error"}, outcomes


def test_corpus_tests_skip_elsewhere_without_shared(tmp_path: Path) -> None:
    outcomes = _outcomes(tmp_path, None)
    assert len(outcomes) == len(NEEDS_SHARED), outcomes
    assert set(outcomes.values()) == {"skipped"}, outcomes


@pytest.mark.parametrize(
    ("value", "ci"),
    [("true", True), ("1", True), ("yes", True), ("", False), ("0", False), ("false", False),
     ("No", False), (None, False)],
)  # fmt: skip
def test_what_counts_as_ci(monkeypatch: pytest.MonkeyPatch, value: str | None, ci: bool) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert in_ci() is ci


def test_every_test_module_collects_without_shared(tmp_path: Path) -> None:
    # a parametrisation drawn from ../shared must not come out empty without it (that is a
    # collection error, pyproject's empty_parameter_set_mark): tests.paths.shared_cases
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["HEADERLENS_TEST_SHARED"] = str(tmp_path / "no-shared-here")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:]
