"""The console's first paint against a bare Textual app, as RESULTS.md shows it."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import Any

# The verdict needs this much data: on this shared 2-core VM the bare app's own launch swings
# 246-442 ms between runs, so one 7-round run decides nothing (bench/NOTES.md, first paint).
MIN_RUNS, MIN_ROUNDS = 3, 21


def med(values: Sequence[float]) -> float:
    """Median of a non-empty sequence."""
    return float(statistics.median(values))


def console_runs(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The stored console runs, oldest first; data stored before runs were kept has one, its
    console section."""
    if data.get("console_runs"):
        return list(data["console_runs"])
    run = data.get("console_run") or {}
    return [
        {
            "date": run.get("date", data.get("date")),
            "code": None,
            "rounds": run.get("rounds", data.get("rounds")),
            "load": run.get("load"),
            "console": data["console"],
        }
    ]


def pooled_runs(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The runs whose rounds are pooled: every stored run of the newest run's code."""
    runs = console_runs(data)
    return [r for r in runs if r.get("code") == runs[-1].get("code")]


def pooled(runs: Sequence[Mapping[str, Any]], app: str) -> list[dict[str, Any]]:
    """Every round of ``app`` (eop, bare, layout) over ``runs``."""
    return [row for r in runs for row in r["console"].get(app) or []]


def _ratio(runs: Sequence[Mapping[str, Any]], key: str) -> float | None:
    eop, bare = pooled(runs, "eop"), pooled(runs, "bare")
    if not bare or not all(key in row for row in [*eop, *bare]):
        return None
    return med([r[key] for r in eop]) / med([r[key] for r in bare])


def paint_verdict(data: Mapping[str, Any]) -> bool | None:
    """First paint ≤ 1.5 × the bare app in the pooled medians (launch → first frame), or None
    while the pooled runs hold fewer than MIN_RUNS runs and fewer than MIN_ROUNDS rounds."""
    runs = pooled_runs(data)
    ratio = _ratio(runs, "launch_to_render_ms")
    if ratio is None or (len(runs) < MIN_RUNS and len(pooled(runs, "eop")) < MIN_ROUNDS):
        return None
    return ratio <= 1.5


def undecided_words(data: Mapping[str, Any]) -> str:
    """Why the first-paint verdict is not given yet."""
    runs = pooled_runs(data)
    return (
        f"not decided: {len(pooled(runs, 'eop'))} rounds in {len(runs)} run(s) of this code; "
        f"the verdict needs {MIN_RUNS} runs or {MIN_ROUNDS} rounds"
    )


def _runs_table(data: Mapping[str, Any]) -> list[str]:
    """One line per stored run: date, code, rounds, load, its own ratios; pooled ones marked."""
    pool = pooled_runs(data)
    lines = [
        "| run | date | code | rounds | load at start → end | bare launch → frame ms "
        "| wall / bare | CPU / bare | pooled |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for n, run in enumerate(console_runs(data), 1):
        load = run.get("load") or []
        bare = run["console"].get("bare") or []
        wall, cpu = _ratio([run], "launch_to_render_ms"), _ratio([run], "cpu_to_render_ms")
        cells = [
            str(n),
            str(run.get("date")),
            f"`{run['code']}`" if run.get("code") else "?",
            str(len(run["console"].get("eop") or [])),
            " → ".join(f"{avg[0]:.2f}" for avg in load) if load else "?",
            f"{med([r['launch_to_render_ms'] for r in bare]):.0f}" if bare else "-",
            f"{wall:.2f}" if wall is not None else "-",
            f"{cpu:.2f}" if cpu is not None else "-",
            "yes" if run in pool else "no (other code)",
        ]
        lines.append(f"| {' | '.join(cells)} |")
    return lines


def _paint_row(label: str, rows: list[dict[str, Any]], cpu: bool) -> str:
    """One row of the first-paint table: medians of the runs of one app."""
    cells = [
        f"{med([r[key] for r in rows]):.0f}"
        for key in ("launch_to_render_ms", "app_to_render_ms", "imports_ms")
    ]
    if cpu:
        cells.append(f"{med([r['cpu_to_render_ms'] for r in rows]):.0f}")
    return f"| {label} | {' | '.join(cells)} |"


def _paint_split(con: Mapping[str, Any]) -> list[str]:
    """Where headerlens's first paint goes beyond the bare app, from the three medians."""
    layout, bare, eop = con.get("layout") or [], con["bare"], con["eop"]
    if not layout:
        return []

    def m(rows: list[dict[str, Any]], key: str) -> float:
        return med([r[key] for r in rows])

    widgets = m(layout, "launch_to_render_ms") - m(bare, "launch_to_render_ms")
    imports = m(eop, "imports_ms") - m(layout, "imports_ms")
    work = m(eop, "app_to_render_ms") - m(layout, "app_to_render_ms")
    gap = m(eop, "launch_to_render_ms") - m(bare, "launch_to_render_ms")
    return [
        f"Of the {gap:.0f} ms over the bare app: Textual's own cost of the widgets of the "
        f"console's first frame (header, status lines, tree, footer; layout row − bare row) "
        f"{widgets:.0f} ms; headerlens's imports (the model, parsers and console modules) "
        f"{imports:.0f} ms; its work from the app to the first frame (reading and analysing the "
        f"message, the analysis screen's tree and status line; the diagnosis and the tabs come "
        f"just after that frame) {work:.0f} ms.",
    ]


def console_paint_lines(data: Mapping[str, Any]) -> list[str]:
    """First paint against a bare one-widget Textual app measured in the same run, and the time
    until the verdict bar shows the final verdicts (issue 15, item 7)."""
    con = data["console"]
    bare = con.get("bare") or []
    if not bare:
        return ["", "First paint against a bare Textual app: not measured in this run."]
    run = data.get("console_run")
    lines = ["", "### First paint against a bare Textual app", ""]
    if run:
        lines += [
            f"Measured {run['date']} on its own (`{' '.join(['python3', *run['argv']])}`, "
            f"{run['rounds']} rounds, {run['delay_ms']:.0f} ms per DNS query); the other "
            "sections are from the run above. Machine:",
            "",
            *run["machine"],
            *(
                [
                    "- load average (1, 5, 15 min) at the start and the end of the run: "
                    + " / ".join(", ".join(f"{x:.2f}" for x in avg) for avg in run["load"])
                ]
                if "load" in run
                else []
            ),
            "",
        ]
    runs = pooled_runs(data)
    eop, bare, layout = pooled(runs, "eop"), pooled(runs, "bare"), pooled(runs, "layout")
    paint = med([r["launch_to_render_ms"] for r in eop])
    bare_paint = med([r["launch_to_render_ms"] for r in bare])
    verdict = paint_verdict(data)
    # CPU time (every thread, start-up included) counts the work done even when the shared
    # machine keeps the process waiting for a core; runs stored before it was measured lack it
    cpu = all("cpu_to_render_ms" in r for r in [*bare, *layout, *eop])
    verdicts = [r["launch_to_verdicts_ms"] for r in eop if "launch_to_verdicts_ms" in r]
    lines += [
        "Both spawned by the harness, alternating, one process per run: *launch → first frame* "
        "includes Python start-up and imports. The bare app is a Textual `App` composing one "
        "`Static`; headerlens's first frame is the analysis screen with the hop tree filled "
        "and the status line (the verdict bar's diagnosis and the tab strip come just after it).",
        "",
        "| app | launch → first frame ms | app → first frame ms | imports ms |"
        + (" CPU to first frame ms |" if cpu else ""),
        "|---|---|---|---|" + ("---|" if cpu else ""),
        _paint_row("bare Textual app (one Static)", bare, cpu),
        *(
            [_paint_row("the first frame's widgets, plain Textual (no headerlens)", layout, cpu)]
            if layout
            else []
        ),
        _paint_row("headerlens, lab EOP → Gmail", eop, cpu),
        "",
        f"Medians of the {len(eop)} rounds of the {len(runs)} stored run(s) of this code, "
        "pooled: the verdict is taken from pooled medians only, over at least "
        f"{MIN_RUNS} runs or {MIN_ROUNDS} rounds, never from one 7-round run (on this shared "
        "machine the bare app's own launch swings by more than the margin between runs). "
        "Each stored run:",
        "",
        *_runs_table(data),
        "",
        f"First paint / bare app (pooled): {paint / bare_paint:.3f} (target ≤ 1.5; "
        + ("met" if verdict else "missed" if verdict is False else undecided_words(data))
        + ").",
        *_paint_split({"layout": layout, "bare": bare, "eop": eop}),
    ]
    if cpu:
        bare_cpu = med([r["cpu_to_render_ms"] for r in bare])
        lines.append(
            "In CPU time to the first frame: headerlens / bare app "
            f"{med([r['cpu_to_render_ms'] for r in eop]) / bare_cpu:.2f}"
            + (
                f", the plain Textual layout / bare app "
                f"{med([r['cpu_to_render_ms'] for r in layout]) / bare_cpu:.2f}."
                if layout
                else "."
            )
        )
    if verdicts:
        lines.append(
            f"Launch → the first frame with the final verdicts in the verdict bar "
            f"({eop[-1]['queries']} DNS queries at {data.get('console_run', data)['delay_ms']:.0f} "
            f"ms each): {med(verdicts):.0f} ms."
        )
    return lines
