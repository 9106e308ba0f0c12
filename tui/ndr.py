"""The console's "Rejected" panel for a bounce: code, meaning, who must act, the fix."""

from __future__ import annotations

from rich.text import Text

from headerlens.diagnosis.backscatter import of_bounce
from headerlens.diagnosis.ndr import reporter_doubt
from headerlens.model import Analysis
from headerlens.model.verification import Verification
from headerlens.report.ndr import notice_kind, refusal_lines, refusals
from headerlens.tui.safe import safe

# The lines the summary panel shows; the rest (server reply, MTAs, stage, source) go to Details.
_SUMMARY = ("Meaning", "Who must act", "Fix", "Refused by", "Why (original re-checked)", "Why")


def rejected_text(analysis: Analysis, verification: Verification | None, *, full: bool) -> Text:
    """Every refused recipient: the summary lines, or (``full``) the rest of the evidence: the
    server's reply, the MTAs, what was re-checked and the time-of-check caveat."""
    out = Text()
    ndr = analysis.ndr
    if ndr is None:
        return out
    items = refusals(ndr, verification, reporter_doubt(analysis, verification), of_bounce(analysis))
    title = notice_kind(ndr)[0].split(" (", 1)[0]
    mark, style = ("✔", "hl.success") if ndr.succeeded else ("✖", "hl.error")
    out.append(f"{mark} {title}" if not full else f"{title}: the evidence", style=style)
    state = "delivered or passed on" if ndr.succeeded else "not delivered"
    out.append(f"  {len(items)} recipient{'s' if len(items) != 1 else ''} {state} · ")
    out.append(safe(ndr.format.value, "dim"))
    out.append(" · returned message: ", style="dim")
    out.append(safe(ndr.original_kind.value, "dim"))
    for f in items:
        out.append("\n")
        out.append(safe(f.code, "hl.error"))
        out.append("  ")
        out.append(safe(f.recipient.address, "bold"))
        for label, text in refusal_lines(f):
            if label == "Code" or (label in _SUMMARY) == full:
                continue
            out.append(f"\n  {label}: ", style="hl.success.soft" if label == "Fix" else "bold")
            out.append(safe(text))
    if ndr.original is not None and not full:
        out.append("\nBelow: the returned message's own delivery path and checks.", style="dim")
    return out
