"""The verdict bar under the status line: where the message went and the final verdicts."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from headerlens.diagnosis import Diagnosis, diagnose
from headerlens.diagnosis.facts import Outcome
from headerlens.diagnosis.inputs import boundary_hop
from headerlens.model import Analysis, Finding, Severity, Vendor
from headerlens.model.verdicts import Alignment, DkimResult, DmarcResult
from headerlens.model.verification import Verification, VerifyMode
from headerlens.report.summary import ticket_summary
from headerlens.stamped import stamped
from headerlens.tui.safe import result_text, safe
from headerlens.tui.status import blind

_MICROSOFT = (Vendor.EOP, Vendor.EXCHANGE, Vendor.EXCHANGE_ONLINE)
_WHERE = {
    Outcome.INBOX: ("Inbox", "hl.success"),
    Outcome.JUNK: ("Spam folder", "hl.warning"),
    Outcome.QUARANTINE: ("Quarantine", "hl.error"),
    Outcome.REJECTED: ("Rejected", "hl.error"),
    Outcome.UNKNOWN: ("folder unknown", "dim"),
}
# Re-verified results that say nothing about the message: the DNS did not answer or was not asked.
_UNDECIDED = {"temperror", "unavailable", "unknown"}
SEP = Text(" · ", style="dim")


def _receiver(analysis: Analysis) -> str:
    """'Gmail', 'Microsoft 365', or the receiving host; the organisation that filed the mail."""
    hop = boundary_hop(analysis)
    if hop is None:
        return "Receiver"
    if hop.vendor is Vendor.GMAIL:
        return "Gmail"
    if hop.vendor in _MICROSOFT:
        return "Microsoft 365"
    if hop.vendor is not Vendor.GENERIC:
        return str(hop.vendor.value)
    return hop.received.by or "Receiver"


def _outcome(analysis: Analysis, d: Diagnosis) -> Text:
    words, style = _WHERE[d.outcome.outcome]
    if d.outcome.outcome is Outcome.REJECTED:  # a bounce: the refusing server says so
        return Text(f"{words} (bounce)", style=style)
    if d.outcome.outcome is Outcome.JUNK and boundary_hop(analysis) is not None:
        hop = boundary_hop(analysis)
        if hop is not None and hop.vendor in _MICROSOFT:
            words = "Junk Email folder"
    out = Text()
    out.append(safe(f"{_receiver(analysis)}: ", "bold"))
    out.append(words, style=style)
    return out


def _aligned(alignments: Iterable[Alignment], method: str) -> str:
    mine = [a for a in alignments if a.method == method and a.authenticated]
    if not mine:
        return ""
    return " (aligned)" if any(a.aligned for a in mine) else " (not aligned)"


def _verdict(name: str, live: str | None, stamp: str | None, extra: str = "") -> Text:
    """``DMARC fail (quarantine)``; the receiver's stamp, marked, when nothing was re-verified."""
    out = Text()
    out.append(f"{name} ", style="bold")
    if live == DkimResult.HEADERS_ONLY.value:
        out.append("pass (headers only; body not checked)", style="hl.warning.soft")
        out.append(extra)
    elif live is not None and live not in _UNDECIDED:
        out.append(result_text(live))
        out.append(extra)
    elif stamp is not None:
        out.append(result_text(stamp))
        out.append(" (stamped)", style="dim")
    elif live is not None:
        out.append(result_text(live))
    else:
        out.append("—", style="dim")
    return out


def verdicts(analysis: Analysis, v: Verification | None) -> list[Text]:
    """DMARC, SPF and DKIM as the bar shows them: re-verified when DNS answered."""
    # a blind resolver's NXDOMAINs say nothing about the message: the receiver's stamps stand
    usable = v is not None and v.done and v.mode is not VerifyMode.OFFLINE and not blind(v)
    dmarc = v.dmarc if usable and v is not None else None
    alignments = dmarc.alignments if dmarc is not None else ()
    live_dmarc = dmarc.result.value if dmarc is not None else None
    if dmarc is not None and dmarc.result is DmarcResult.UNKNOWN:
        live_dmarc = "unknown"
    policy = ""
    if dmarc is not None and dmarc.policy:  # what the domain asks for a failing message
        policy = " (p=none)" if dmarc.policy == "none" else f" ({dmarc.policy})"
    out = [
        _verdict(
            "DMARC",
            live_dmarc,
            stamped(analysis, "dmarc"),
            policy if live_dmarc == "fail" else "",
        )
    ]
    spf = v.spf if usable and v is not None else None
    out.append(
        _verdict(
            "SPF",
            spf.verdict.value if spf is not None else None,
            stamped(analysis, "spf"),
            _aligned(alignments, "spf"),
        )
    )
    dkim = v.dkim if usable and v is not None else ()
    live_dkim: str | None = None
    if dkim:
        best = next((k for k in dkim if k.result is DkimResult.PASS), None)
        best = best or next((k for k in dkim if k.result is DkimResult.HEADERS_ONLY), dkim[0])
        live_dkim = best.result.value
    elif usable and analysis.dkim_signatures == ():
        live_dkim = "none"
    out.append(_verdict("DKIM", live_dkim, stamped(analysis, "dkim"), _aligned(alignments, "dkim")))
    return out


def verdict_bar(
    analysis: Analysis, v: Verification | None, d: Diagnosis, outcome: Diagnosis | None = None
) -> Text:
    """``DMARC fail (quarantine) · SPF pass (not aligned) · DKIM pass (not aligned) · Gmail: Spam
    folder``: ``analysis``'s verdicts, and where ``outcome`` (default ``d``) says it went (for a
    bounce, the bounce's diagnosis: refused)."""
    out = Text()
    where = _outcome(analysis, outcome or d)
    for i, part in enumerate([*verdicts(analysis, v), where]):
        if i:
            out.append(SEP)
        out.append(part)
    return out


def ticket_text(shown: Analysis, v: Verification | None, analysis: Analysis | None = None) -> str:
    """The short ticket summary (report/summary.py) of ``shown`` with this bar's verdicts;
    ``analysis`` is the bounce ``shown`` came back in, if any."""
    d = diagnose(shown, v)
    bounce = diagnose(analysis) if analysis is not None and analysis is not shown else None
    return ticket_summary(shown, v, verdict_bar(shown, v, d, bounce).plain)


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
