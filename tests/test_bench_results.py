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


def _paint_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_paint", BENCH / "paint.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(code: str, eop_ms: float, bare_ms: float, rounds: int = 7) -> dict[str, object]:
    def rows(ms: float) -> list[dict[str, float]]:
        return [{"launch_to_render_ms": ms, "cpu_to_render_ms": ms}] * rounds

    return {"code": code, "rounds": rounds, "console": {"eop": rows(eop_ms), "bare": rows(bare_ms)}}


def test_the_first_paint_verdict_pools_runs_of_the_same_code() -> None:
    paint = _paint_module()
    one = {"console_runs": [_run("abc", 140, 100)]}
    assert paint.paint_verdict(one) is None  # one 7-round run decides nothing
    assert "not decided: 7 rounds in 1 run(s)" in paint.undecided_words(one)
    # an earlier run of other code is listed but not pooled: still two runs of 14 rounds
    two = {"console_runs": [_run("old", 300, 100), _run("abc", 140, 100), _run("abc", 145, 100)]}
    assert paint.paint_verdict(two) is None
    three = {"console_runs": [*two["console_runs"], _run("abc", 170, 100)]}
    assert paint.paint_verdict(three) is True  # pooled median 145 / 100 (the old run is out)
    slow = {"console_runs": [_run("abc", 160, 100)] * 2 + [_run("abc", 140, 100)]}
    assert paint.paint_verdict(slow) is False  # pooled 160 / 100, though the last run met it
    assert paint.paint_verdict({"console_runs": [_run("abc", 140, 100, rounds=21)]}) is True
