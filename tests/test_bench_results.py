"""bench/RESULTS.md is exactly what bench/results.py renders from the stored bench/results.json
(no hand edits, prose included), and its DNS floor is graph rounds × delay, with no slack."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

from tests.paths import REPO

BENCH = REPO / "bench"


def _results_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_results", BENCH / "results.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_results_md_is_the_rendering_of_the_stored_data(tmp_path: Path) -> None:
    data = json.loads((BENCH / "results.json").read_text(encoding="utf-8"))
    out = tmp_path / "RESULTS.md"
    _results_module().write_results(data, out, argv=["bench/run.py"], env={})
    assert out.read_text(encoding="utf-8") == (BENCH / "RESULTS.md").read_text(encoding="utf-8")


def test_the_floor_is_graph_rounds_times_the_delay() -> None:
    data = json.loads((BENCH / "results.json").read_text(encoding="utf-8"))
    text = (BENCH / "RESULTS.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (shared-\S+) \| (\d+) \| (\d+) \| ([\d.]+) ", text, re.MULTILINE)
    assert len(rows) == len(data["live"]) == 12
    for name, depth, floor, _ms in rows:
        assert int(depth) == data["live"][name]["depth"]
        assert int(floor) == int(depth) * data["delay_ms"]
