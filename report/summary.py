"""A short plain-text ticket summary: headline, verdicts, causes and fixes, and the hops."""

from __future__ import annotations

from headerlens import budgets
from headerlens.diagnosis import Diagnosis, diagnose
from headerlens.diagnosis.backscatter import of_bounce
from headerlens.diagnosis.ndr import reporter_doubt
from headerlens.model import Analysis, Finding, Severity
from headerlens.model.verification import Verification
from headerlens.report.diagnosis import not_time_spent
from headerlens.report.ndr import refusals
from headerlens.report.verdicts import RETURNED, bar_line, returned_pieces, verdict_line
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


def _hops(analysis: Analysis, d: Diagnosis) -> list[str]:
    """hop, time (UTC), delay, from IP, by: aligned columns of inert, cut values; a gap the
    diagnosis reads as no time spent (inconsistent times, skew…) is marked as the report does."""
    rows = [("hop", "time (UTC)", "delay", "from IP", "by")]
    marks = not_time_spent(d)
    for hop in analysis.chain.hops:
        r = hop.received
        when = utc_time(r.timestamp) if r.timestamp else "?"
        delay = fmt_delay(hop.delay) if hop.number > 1 else ""
        if hop.number in marks and delay:
            delay += f" ({marks[hop.number].value}, no delay)"
        rows.append(
            (
                str(hop.number),
                when,
                delay,
                short(inert(r.from_ip or r.from_ip_masked or "?"), _CELL),
                short(inert(r.by or "?"), _CELL),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def _bounce_lines(analysis: Analysis, verification: Verification | None) -> list[str]:
    """For a bounce, as the report's top says it: each refusal (code, recipient, who must act,
    the fix) and the returned copy's verdicts, marked as checked on the original."""
    ndr = analysis.ndr
    if ndr is None:
        return []
    out = []
    for f in refusals(
        ndr, verification, reporter_doubt(analysis, verification), of_bounce(analysis)
    ):
        out.append(f"Refused: {inert(f.code)} {inert(f.recipient.address)}: {inert(f.explanation)}")
        out.append(f"  Who must act: {inert(f.who_acts.value)}")
        if f.fix:
            out.append(f"  Fix: {inert(f.fix)}")
    returned = returned_pieces(analysis, verification)
    if returned:
        said = verdict_line(returned).removeprefix(RETURNED)
        out.append(f"Returned copy (checked on the original, not the bounce): {inert(said)}")
    return out


def ticket_text(analysis: Analysis, verification: Verification | None) -> str:
    """The ticket summary with the verdict bar's words (report/verdicts.py), as the console's
    ``c``, its export dialog and ``report --format summary`` give it: the message's own headline,
    verdicts, findings and hops, as the report's top; for a bounce, the bounce's, then its
    refusals and its returned copy's verdicts, marked."""
    return ticket_summary(
        analysis,
        verification,
        bar_line(analysis, verification),
        _bounce_lines(analysis, verification),
    )


def ticket_summary(
    analysis: Analysis,
    verification: Verification | None,
    verdicts: str,
    more: list[str] | None = None,
) -> str:
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
        *(more or []),
        "",
    ]
    causes = _causes(_findings(analysis, verification))
    out += ["Causes and fixes:", *(causes or ["- no errors or warnings"]), ""]
    out += ["Hops (oldest first):", *_hops(analysis, d)]
    return "\n".join(out) + "\n"
