"""Plain wording of model values shared by the reports and the console.

Nothing here escapes: the values may hold attacker-controlled text, and each caller makes it
inert for its own output (Markdown, HTML, JSON, Rich text).
"""

from __future__ import annotations

from datetime import timedelta

from headerlens.model import Hop
from headerlens.model.verdicts import DkimResult, DkimVerdict
from headerlens.parsers.dkimcoverage import coverage_entry


def fmt_delay(delta: timedelta | None) -> str:
    """A signed, human duration: ``+2 s``, ``-5 s (clock skew)``, ``+1 h 08 min``."""
    if delta is None:
        return "?"
    secs = round(delta.total_seconds())
    sign = "-" if secs < 0 else "+"
    secs = abs(secs)
    if secs < 60:
        return f"{sign}{secs} s"
    if secs < 3600:
        return f"{sign}{secs // 60} min {secs % 60:02d} s"
    hours, rem = divmod(secs, 3600)
    if hours < 48:
        return f"{sign}{hours} h {rem // 60:02d} min"
    return f"{sign}{hours // 24} d {hours % 24} h"


def hop_from(hop: Hop) -> str:
    """Who connected: HELO / reverse DNS [IP], each named once."""
    r = hop.received
    parts = [p for p in (r.from_helo, r.from_rdns) if p]
    ident = " / ".join(dict.fromkeys(parts))
    if r.from_ip:
        ident = f"{ident} [{r.from_ip}]" if ident else f"[{r.from_ip}]"
    return ident


def hop_role(hop: Hop) -> str:
    """Vendor and role of a hop, with the product version when known."""
    label = f"{hop.vendor_label}, {hop.role.value}"
    if hop.product_version:
        label += f" ({hop.product_version})"
    return label


def dkim_words(verdict: DkimVerdict) -> str:
    """One signature's re-verified result: header (b=) and body (bh=) apart, and for a
    header-only paste "pass for the headers only; body not checked"."""
    parts = f"header {verdict.header_result.value}, body {verdict.body_result.value}"
    if verdict.result is DkimResult.HEADERS_ONLY:
        return f"{verdict.result_words} ({parts})"
    return parts


def coverage_sentence(verdict: DkimVerdict) -> str:
    """Which header instances one signature's h= covers, or "" when unknown."""
    if not verdict.coverage:
        return ""
    return f"h= covers (header #): {', '.join(map(coverage_entry, verdict.coverage))}."
