"""The delays between hops as a horizontal bar chart, so a slow hop stands out at a glance."""

from __future__ import annotations

from rich.text import Text

from headerlens.model import Analysis
from headerlens.report.words import fmt_delay
from headerlens.tui.safe import safe

BAR_WIDTH = 24


def timeline_text(analysis: Analysis, *, width: int = BAR_WIDTH) -> Text:
    """One line per hop: number, receiving host, a bar scaled to the slowest hop, the delay.

    Negative delays (clock skew) get a red marker instead of a bar: they are not time spent.
    """
    hops = analysis.chain.hops
    out = Text()
    if not hops:
        out.append("No Received lines: nothing to draw.", style="yellow")
        return out
    delays = [h.delay.total_seconds() for h in hops if h.delay is not None and h.number > 1]
    longest = max((d for d in delays if d > 0), default=0.0)
    out.append("Delay since the previous hop (bars scaled to the slowest hop)\n\n", style="bold")
    for hop in hops:
        host = (hop.received.by or "?")[:24]
        out.append(f"{hop.number:>3} ", style="bold")
        out.append(safe(f"{host:<24} "))
        if hop.number == 1:
            out.append("start", style="dim")
        elif hop.delay is None:
            out.append("? (date missing or unparsed)", style="yellow")
        else:
            secs = hop.delay.total_seconds()
            if secs < 0:
                out.append("◀ ", style="bold red")
                out.append(f"{fmt_delay(hop.delay)} clock skew", style="bold red")
            else:
                n = round(width * secs / longest) if longest > 0 else 0
                style = "red" if secs >= 300 else ("yellow" if secs >= 30 else "green")
                out.append("█" * max(n, 1 if secs > 0 else 0), style=style)
                out.append(f" {fmt_delay(hop.delay)}")
        out.append("\n")
    if analysis.chain.total_transit is not None:
        out.append(f"\nTotal transit: {fmt_delay(analysis.chain.total_transit)}\n", style="bold")
    return out
