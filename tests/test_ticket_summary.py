"""The ticket summary ``c`` copies: headline, verdicts, causes and fixes, hops; all inert."""

from __future__ import annotations

from headerlens.model import Finding, Severity
from headerlens.report.summary import MAX_CAUSES, _causes, ticket_summary
from tests.catalogue import RAW_CONTROL, timed
from tests.test_catalogue_display import ACTIVE, PAYLOAD, _hostile_message
from tests.test_tui import EOP


def test_hostile_values_stay_inert() -> None:
    a, _ = timed(_hostile_message())
    out = ticket_summary(a, None, "DMARC fail " + PAYLOAD)
    assert not RAW_CONTROL.search(out)
    for active in ACTIVE[:-1]:  # "<script>" is plain text here: no HTML reads the summary
        assert active not in out
    assert "\\x1b]52" in out  # the payload is shown, escaped, not dropped
    assert out.splitlines()[2].startswith("Verdicts: DMARC fail ")


def test_causes_and_fixes_inert_and_capped() -> None:
    hostile = Finding("x.y", Severity.ERROR, "bad \x1b]52;c;QQ==\x07 title", fix="do \u202e this")
    info = Finding("x.info", Severity.INFO, "only information")
    warn = Finding("x.w", Severity.WARNING, "a warning")
    lines = _causes((info, warn, hostile))
    assert lines == [
        "- [ERROR] bad \\x1b]52;c;QQ==\\x07 title",
        "  Fix: do \\u202e this",
        "- [WARNING] a warning",
    ]
    many = tuple(Finding(f"e{n}", Severity.ERROR, f"error {n}") for n in range(MAX_CAUSES + 3))
    lines = _causes(many)
    assert len(lines) == MAX_CAUSES + 1 and lines[-1] == "- … 3 more in the full report"


def test_summary_has_headline_verdicts_and_hop_table() -> None:
    a, _ = timed(EOP.read_bytes())
    out = ticket_summary(a, None, "SPF pass")
    lines = out.splitlines()
    assert lines[1].startswith("Diagnosis: ") and len(lines[1]) > len("Diagnosis: ")
    assert lines[2] == "Verdicts: SPF pass"
    hops = lines[lines.index("Hops (oldest first):") + 1 :]
    assert hops[0].split() == ["hop", "time", "(UTC)", "delay", "from", "IP", "by"]
    assert len(hops) == len(a.chain.hops) + 1
    assert hops[1].split()[0] == "1"
    assert "# headerlens report" not in out and "|" not in out


def test_report_format_summary() -> None:
    import io

    from headerlens.cli import EXIT_OK, run_report

    out = io.StringIO()
    assert run_report(["--offline", "--format", "summary", str(EOP)], out) == EXIT_OK
    lines = out.getvalue().splitlines()
    assert lines[0] == f"headerlens summary: {EOP.name}"  # not the folder path
    assert lines[2].startswith("Verdicts: DMARC ") and " · SPF " in lines[2]
    assert "Hops (oldest first):" in lines and "Causes and fixes:" in lines
    assert "\x1b" not in out.getvalue()
