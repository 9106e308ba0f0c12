"""A short plain-text ticket summary: headline, verdicts, causes and fixes, and the hops."""

from __future__ import annotations

from headerlens import budgets
from headerlens.diagnosis import diagnose
from headerlens.model import Analysis, Finding, Severity
from headerlens.model.verification import Verification
from headerlens.report.verdicts import bar_line, shown_message
from headerlens.report.words import file_label, fmt_delay, utc_time
from headerlens.textsafe import inert, short

# A ticket summary is read at a glance: the first causes only, the rest are in the full report.
MAX_CAUSES = 8
_CELL = int(budgets.SUMMARY_CELL_CHARS.limit)  # a hostile host name cannot stretch the table


def _findings(analysis: Analysis, verification: Verification | None) -> tuple[Finding, ...]:
    if verification is not None:
        return verification.findings
    from headerlens.diagnosis.findings_build import stamped_findings

    return stamped_findings(analysis)


def _causes(findings: tuple[Finding, ...]) -> list[str]:
    """Errors, then warnings, with their fixes; at most MAX_CAUSES, saying how many were left."""
    serious = [f for f in findings if f.severity is Severity.ERROR]
    serious += [f for f in findings if f.severity is Severity.WARNING]
    out: list[str] = []
    for f in serious[:MAX_CAUSES]:
        mark = "ERROR" if f.severity is Severity.ERROR else "WARNING"
        out.append(f"- [{mark}] {inert(f.title)}")
        if f.fix:
            out.append(f"  Fix: {inert(f.fix)}")
    if len(serious) > MAX_CAUSES:
        out.append(f"- … {len(serious) - MAX_CAUSES} more in the full report")
    return out


def _hops(analysis: Analysis) -> list[str]:
    """hop, time (UTC), delay, from IP, by: aligned columns of inert, cut values."""
    rows = [("hop", "time (UTC)", "delay", "from IP", "by")]
    for hop in analysis.chain.hops:
        r = hop.received
        when = utc_time(r.timestamp) if r.timestamp else "?"
        delay = fmt_delay(hop.delay) if hop.number > 1 else ""
        rows.append(
            (
                str(hop.number),
                when,
                delay,
                short(inert(r.from_ip or "?"), _CELL),
                short(inert(r.by or "?"), _CELL),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def ticket_text(analysis: Analysis, verification: Verification | None) -> str:
    """The ticket summary with the verdict bar's words (report/verdicts.py), as the console's
    ``c``, its export dialog and ``report --format summary`` give it: for a bounce, the summary
    of the returned message, refused by the bounce."""
    shown, v, _bounce = shown_message(analysis, verification)
    return ticket_summary(shown, v, bar_line(analysis, verification))


def ticket_summary(analysis: Analysis, verification: Verification | None, verdicts: str) -> str:
    """The text ``c`` copies for a ticket: the diagnosis headline, ``verdicts`` (the console's
    verdict bar as plain text), the error and warning findings with their fixes, a hop table.

    Every value is made inert: the text goes to a clipboard and then into a ticket or a terminal.
    """
    d = diagnose(analysis, verification)
    out = [
        # the file's name, not the folders it sits in (a user's home path in a ticket)
        f"headerlens summary: {inert(file_label(analysis.source_name))}",
        f"Diagnosis: {inert(d.headline)}",
        f"Verdicts: {inert(verdicts)}",
        "",
    ]
    causes = _causes(_findings(analysis, verification))
    out += ["Causes and fixes:", *(causes or ["- no errors or warnings"]), ""]
    out += ["Hops (oldest first):", *_hops(analysis)]
    return "\n".join(out) + "\n"
