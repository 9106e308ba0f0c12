"""The console's first paint against a bare Textual app, as RESULTS.md shows it."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import Any


def med(values: Sequence[float]) -> float:
    """Median of a non-empty sequence."""
    return float(statistics.median(values))


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
    eop, paint = con["eop"], med([r["launch_to_render_ms"] for r in con["eop"]])
    bare_paint = med([r["launch_to_render_ms"] for r in bare])
    layout = con.get("layout") or []
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
        f"First paint / bare app: {paint / bare_paint:.2f} (target ≤ 1.5).",
        *_paint_split(con),
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
