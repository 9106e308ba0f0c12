"""The verdict bar under the status line, coloured: report/verdicts.py says the words."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from headerlens.diagnosis import Diagnosis
from headerlens.diagnosis.facts import Outcome
from headerlens.model import Analysis, Finding, Severity
from headerlens.model.verification import Verification
from headerlens.report.verdicts import SEPARATOR, Kind, Piece, returned_pieces, verdict_pieces
from headerlens.tui.safe import result_text, safe

_WHERE_STYLE = {
    Outcome.INBOX: "hl.success",
    Outcome.JUNK: "hl.warning",
    Outcome.QUARANTINE: "hl.error",
    Outcome.REJECTED: "hl.error",
    Outcome.FOLDER: "hl.success",
    Outcome.UNKNOWN: "dim",
}
_KIND_STYLE = {
    Kind.NAME: "bold",
    Kind.HEADERS_ONLY: "hl.warning.soft",
    Kind.PLAIN: "",
    Kind.NOTE: "dim",
}
SEP = Text(SEPARATOR, style="dim")


def _piece(p: Piece) -> Text:
    if p.kind is Kind.RESULT:
        return result_text(p.text)
    if p.kind is Kind.WHERE:
        return safe(p.text, _WHERE_STYLE[p.outcome or Outcome.UNKNOWN])
    return safe(p.text, _KIND_STYLE[p.kind])


def _join(groups: list[list[Piece]]) -> Text:
    out = Text()
    for i, group in enumerate(groups):
        if i:
            out.append(SEP)
        for p in group:
            out.append(_piece(p))
    return out


def verdict_bar(
    analysis: Analysis, v: Verification | None, d: Diagnosis, outcome: Diagnosis | None = None
) -> Text:
    """``DMARC fail (quarantine) · SPF pass (not aligned) · DKIM pass (not aligned) · Gmail: Spam
    folder``, each part coloured by what it means (report/verdicts.verdict_pieces). A bounce's
    bar is the bounce's own, as in the reports; its returned copy's verdicts follow, marked."""
    out = _join(verdict_pieces(analysis, v, d, outcome))
    returned = returned_pieces(analysis, v)
    if returned:
        out.append("  │  ", style="dim")
        out.append(_join(returned))
    return out


def findings_label(findings: Iterable[Finding]) -> Text:
    """``Findings 2✖ 1⚠``: the tab's label counts errors and warnings."""
    items = list(findings)
    errors = sum(1 for f in items if f.severity is Severity.ERROR)
    warnings = sum(1 for f in items if f.severity is Severity.WARNING)
    out = Text("Findings")
    if errors:
        out.append(f" {errors}✖", style="hl.error")
    if warnings:
        out.append(f" {warnings}⚠", style="hl.warning")
    return out
