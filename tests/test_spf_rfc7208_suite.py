"""The RFC 7208 conformance suite (pyspf 2.0.14, test/rfc7208-tests.yml) against check_host."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from headerlens.evaluators.spf import check_message, run_sync
from tests._spf_fakedns import FakeZone, zone_from_suite

SUITE = Path(__file__).resolve().parent / "data" / "rfc7208" / "rfc7208-tests.yml"

# Cases we knowingly do not pass: name -> reason (run as xfail(strict=True)). Empty: 203/203.
KNOWN_GAPS: dict[str, str] = {}


def _load() -> list[tuple[str, str, FakeZone, dict[str, Any]]]:
    cases = []
    for doc in yaml.safe_load_all(SUITE.read_text(encoding="utf-8")):
        zone = zone_from_suite(doc["zonedata"])
        for name, case in doc["tests"].items():
            cases.append((doc["description"], name, zone, case))
    return cases


CASES = _load()


def test_suite_has_all_203_cases() -> None:
    assert len(CASES) == 203
    assert len({name for _, name, _, _ in CASES}) == 203


def _params() -> list[Any]:
    out = []
    for section, name, zone, case in CASES:
        marks = []
        if name in KNOWN_GAPS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[name]))
        # id: rfc7208-tests.yml case name + RFC 7208 section it exercises
        out.append(pytest.param(zone, case, id=f"{name}[§{case['spec']}]", marks=marks))
        del section
    return out


@pytest.mark.parametrize(("zone", "case"), _params())
def test_rfc7208_case(zone: FakeZone, case: dict[str, Any]) -> None:
    result = run_sync(
        check_message(str(case["host"]), case["mailfrom"], case["helo"], now=1_700_000_000),
        zone.answer,
    )
    expected = case["result"]
    allowed = expected if isinstance(expected, list) else [expected]
    trace = "\n".join(f"  {s.path} {s.term!r}: {s.outcome.value} {s.detail}" for s in result.steps)
    assert result.result in allowed, f"got {result.result} ({result.reason})\n{trace}"
    if "explanation" in case:
        # the suite's driver sets the default explanation to "DEFAULT"
        assert (result.explanation or "DEFAULT") == case["explanation"], trace
