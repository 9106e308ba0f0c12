"""The diagnosis at the top of every export: the headline, then each situation with its
evidence; and the delay column that names the host whose queue held the message."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from headerlens.diagnosis import Diagnosis, GapKind
from headerlens.diagnosis.wording import GAP_KIND_NOTE, title
from headerlens.model import Hop
from headerlens.report.words import fmt_delay
from headerlens.textsafe import html_escape, md_escape


def not_time_spent(d: Diagnosis) -> dict[int, GapKind]:
    """Hop number -> how to read the gap before its stamp, for the gaps that are no time spent
    anywhere (clock skew, a zone label, a forged line, inconsistent times): no delay to show."""
    return {g.next_hop: g.kind for g in d.gaps if g.kind in GAP_KIND_NOTE}


def gap_before(d: Diagnosis, hop: Hop) -> str:
    """The time between the previous stamp and this hop's, said as time on the previous host."""
    g = next((g for g in d.gaps if g.next_hop == hop.number and g.hop_number > 0), None)
    if g is None:
        return "" if hop.number == 1 else "?"
    held = f"{fmt_delay(timedelta(seconds=g.seconds))} on {g.host or 'hop ' + str(g.hop_number)}"
    note = GAP_KIND_NOTE.get(g.kind)
    return held + (f" ({note})" if note else "")


def markdown_lines(d: Diagnosis) -> Iterable[str]:
    yield f"**Diagnosis:** {md_escape(d.headline)}"
    yield ""
    if not d.situations:
        return
    yield "## Situations"
    yield ""
    for s in d.situations:
        hop = f" (hop {s.hop_number})" if s.hop_number is not None else ""
        yield f"- **{s.label}**{hop}: {md_escape(title(s))}"
        for e in s.evidence:
            yield f"  - {md_escape(e)}"
    yield ""


def html_lines(d: Diagnosis) -> Iterable[str]:
    yield f"<p><b>Diagnosis:</b> {html_escape(d.headline)}</p>"
    if not d.situations:
        return
    yield "<h2>Situations</h2><ul>"
    for s in d.situations:
        hop = f" (hop {s.hop_number})" if s.hop_number is not None else ""
        evidence = "".join(f"<li>{html_escape(e)}</li>" for e in s.evidence)
        yield (
            f"<li><b>{html_escape(s.label)}</b>{hop}: {html_escape(title(s))}"
            + (f"<ul>{evidence}</ul>" if evidence else "")
            + "</li>"
        )
    yield "</ul>"
