"""The hops as a flat table (hop, time, delay, from, by, with, TLS), as header analysers show them."""

from __future__ import annotations

from datetime import UTC

from rich.text import Text
from textual.widgets import DataTable

from headerlens.diagnosis import GapKind
from headerlens.model import Analysis, Hop
from headerlens.report.words import fmt_delay
from headerlens.tui.hoptree import SLOW_HOP
from headerlens.tui.safe import safe

COLUMNS = ("hop", "time (UTC)", "delay", "from ([IP] HELO / rDNS)", "by", "with", "TLS")
_WIDTH = {"from ([IP] HELO / rDNS)": 40, "by": 30}  # the rest fit their content


def _sender(hop: Hop) -> Text:
    """``[ip] helo / rdns``: the IP first, so a cut column still shows it; a HELO that equals
    the rDNS is not repeated."""
    r = hop.received
    names = " / ".join(n for n in dict.fromkeys((r.from_helo, r.from_rdns)) if n)
    shown = r.from_ip or r.from_ip_masked  # a masked address as the paste wrote it
    ip = f"[{shown}]" if shown else ""
    return safe(" ".join(p for p in (ip, names) if p) or "?")


def _delay(hop: Hop, gap: GapKind | None) -> Text:
    if hop.number == 1:
        return Text("start", style="dim")
    if hop.delay is None:
        return Text("?", style="hl.warning.soft")
    if gap is not None:  # no time spent anywhere, as the reports say (report/diagnosis.py)
        return Text(f"{fmt_delay(hop.delay)} {gap.value}", style="hl.error")
    if hop.clock_skew:
        return Text(f"{fmt_delay(hop.delay)} skew", style="hl.error")
    return Text(fmt_delay(hop.delay), style="hl.warning" if hop.delay >= SLOW_HOP else "")


def hop_row(hop: Hop, gap: GapKind | None = None) -> tuple[Text, ...]:
    """One row; every cell a Text made by safe(): header text is never markup."""
    r = hop.received
    when = r.timestamp.astimezone(UTC).strftime("%d %b %H:%M:%S") if r.timestamp else None
    number = Text(f"{hop.number}")
    if hop.is_boundary:
        number.append(" ★", style="bold")
    return (
        number,
        safe(when) if when else Text("unparsed", style="hl.warning.soft"),
        _delay(hop, gap),
        _sender(hop),
        safe(r.by or "?"),
        safe(r.with_protocol or ""),
        safe(r.tls_version or "", "hl.success.soft"),
    )


class HopTable(DataTable[Text]):
    """The Received chain row by row; Enter on a row shows that hop in the tree."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, zebra_stripes=True, cursor_type="row")

    def show(
        self,
        analysis: Analysis,
        *,
        newest_first: bool = False,
        gaps: dict[int, GapKind] | None = None,
    ) -> None:
        """Fill the table with ``analysis``'s hops in the tree's order; ``gaps``: the gaps the
        diagnosis reads as no time spent, by the hop whose stamp ends them."""
        gaps = gaps or {}
        if not self.columns:
            for label in COLUMNS:  # long host names are cut so by, with and TLS stay in view
                self.add_column(label, width=_WIDTH.get(label))
        self.clear()
        hops = list(analysis.chain.hops)
        if newest_first:
            hops.reverse()
        for hop in hops:
            self.add_row(*hop_row(hop, gaps.get(hop.number)), key=str(hop.number))
