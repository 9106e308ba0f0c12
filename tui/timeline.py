"""Where the time went: how long each server held the message, as a bar chart, and the
diagnosis line under the status line."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text

from headerlens.diagnosis import Diagnosis, GapKind, diagnose
from headerlens.diagnosis.detect_signals import DELAY_MIN
from headerlens.diagnosis.wording import GAP_KIND_NOTE
from headerlens.model import Analysis
from headerlens.report.words import fmt_delay, transit_words
from headerlens.tui.safe import safe

BAR_WIDTH = 24


def diagnosis_text(d: Diagnosis) -> Text:
    """The headline and the situation labels, for the line under the status line."""
    out = Text()
    out.append("Diagnosis: ", style="bold")
    out.append(safe(d.headline))
    if d.situations:
        out.append("  [", style="dim")
        out.append(safe(", ".join(d.labels()), "hl.info.strong"))
        out.append("]", style="dim")
    return out


def timeline_text(analysis: Analysis, *, width: int = BAR_WIDTH) -> Text:
    """One line per stamp: the host that accepted the message there and how long it held it
    until the next stamp (that host's queue and filters), bars scaled to the longest real wait.

    Skew pairs, time-zone label errors and forged lines get a marker instead of a bar: they
    are not time spent anywhere.
    """
    hops = analysis.chain.hops
    out = Text()
    if not hops:
        out.append("No Received lines: nothing to draw.", style="hl.warning.soft")
        return out
    d = diagnose(analysis)
    after = {g.hop_number: g for g in d.gaps}
    real = [g.seconds for g in d.gaps if g.kind is GapKind.TRANSIT and g.seconds > 0]
    longest = max(real, default=0.0)
    out.append("How long each server held the message (until the next stamp)\n\n", style="bold")
    for hop in hops:
        host = (hop.received.by or "?")[:24]
        out.append(f"{hop.number:>3} ", style="bold")
        out.append(safe(f"{host:<24} "))
        g = after.get(hop.number)
        if hop.number == hops[-1].number:
            out.append("delivered", style="dim")
        elif g is None:
            out.append("? (date missing or unparsed)", style="hl.warning.soft")
        elif g.kind in GAP_KIND_NOTE:
            out.append("◀ " if g.seconds < 0 else "▶ ", style="hl.error")
            out.append(
                f"{fmt_delay(timedelta(seconds=g.seconds))} {GAP_KIND_NOTE[g.kind]}",
                style="hl.error",
            )
        else:
            n = round(width * g.seconds / longest) if longest > 0 else 0
            style = (
                "hl.error.soft"
                if g.seconds >= DELAY_MIN
                else ("hl.warning.soft" if g.seconds >= 30 else "hl.success.soft")
            )
            out.append("█" * max(n, 1 if g.seconds > 0 else 0), style=style)
            out.append(f" {fmt_delay(timedelta(seconds=g.seconds))}")
        out.append("\n")
    if d.slowest is not None and d.slowest.seconds >= DELAY_MIN:
        out.append("\nLongest wait: ", style="bold")
        out.append(
            safe(f"{fmt_delay(timedelta(seconds=d.slowest.seconds))} on {d.slowest.host or '?'}")
        )
        out.append("\n")
    if analysis.chain.total_transit is not None:
        out.append(f"\nTotal transit: {transit_words(analysis)}\n", style="bold")
    return out
