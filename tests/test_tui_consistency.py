"""The console and the ticket summary state what the reports state for the same message: a
bounce's own verdicts and headline (its returned copy's marked as such), the total transit when
the stamps contradict each other, and no wait where the diagnosis reads none."""

from __future__ import annotations

import re
from datetime import timedelta

from textual.widgets import Static

from headerlens.diagnosis.detect_signals import DELAY_MIN
from headerlens.dnsclient.options import VerifyOptions
from headerlens.report.render import render
from headerlens.tui.analysis import AnalysisScreen
from headerlens.tui.app import HeaderlensApp
from headerlens.tui.hoptable import HopTable
from headerlens.tui.hoptree import SLOW_HOP, HopTree, hop_parts
from tests.labverify import load_analysis
from tests.paths import CORPUS, EXAMPLES, need_shared
from tests.test_tui import OFFLINE, _settle

NDR = EXAMPLES / "ndr-gmail-unauthenticated.eml"
REPLAY = VerifyOptions(snapshot=EXAMPLES / "ndr-gmail-unauthenticated.dns.json")
# Read from ../shared, never copied (CC BY-NC): a bounce whose stamps and returned copy carry
# sisimai's placeholder times (23:34:45 under several zones): no transit, no delay can be named.
PLACEHOLDER_NDR = (
    CORPUS / "real2" / "ndr-exchange-online-forwarded-copy-rejected-by-godaddy-spf-5.1.0.eml"
)
# A bounce whose own final receiver (Gmail) stamped spf=pass; its returned copy stamped nothing.
BARRACUDA = CORPUS / "eml" / "barracuda-ndr-to-gmail-spf-best-guess-pass.eml"
SIZE = (200, 50)


def _plain(screen: AnalysisScreen, selector: str) -> str:
    content = screen.query_one(selector, Static).visual
    return content.plain if hasattr(content, "plain") else str(content)


def _report_line(md: str, label: str) -> str:
    """The first ``- **label:** …`` row of a Markdown report (the bounce's own, at the top)."""
    found = re.search(rf"^- \*\*{re.escape(label)}:\*\* (.*)$", md, re.M)
    assert found is not None, label
    return found.group(1)


def _unescape(md_text: str) -> str:
    return re.sub(r"\\(.)", r"\1", md_text)


async def test_a_bounce_bar_and_headline_are_the_reports() -> None:
    """The bar and the Diagnosis line on a bounce are the report's Verdicts and headline (the
    bounce's own: SPF none for its HELO), with the returned copy's verdicts after, marked."""
    from headerlens.report.verdicts import bar_line

    app = HeaderlensApp(str(NDR), verify_options=REPLAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        bar, diagnosis = _plain(screen, "#diagnosis").split("\n", 1)
        v = screen.verification
        assert v is not None and v.done
        own = bar_line(screen.analysis, v)
        assert own == "DMARC fail (p=none) · SPF none · DKIM none · Rejected (bounce)"
        # the old bar showed the returned copy's "SPF softfail" as the bounce's
        assert bar == f"{own}  │  returned copy: DMARC fail (p=none) · SPF softfail · DKIM none"
        md = render(screen.analysis, v, "md")
        assert _unescape(_report_line(md, "Verdicts")) == own
        headline = re.search(r"^\*\*Diagnosis:\*\* (.*)$", md, re.M)
        assert headline is not None
        assert diagnosis.startswith(f"Diagnosis: {_unescape(headline.group(1))}")
        assert diagnosis.startswith("Diagnosis: A bounce ")  # not the returned copy's story
        # the tree and the tabs still explain the returned message
        assert screen.shown is screen.analysis.ndr.original  # type: ignore[union-attr]


async def test_a_bounce_with_the_receivers_own_stamp() -> None:
    """Offline, the bounce's final receiver's own spf=pass is its verdict (the report's line);
    its returned copy stamped nothing, and the bar says so apart."""
    need_shared(BARRACUDA)
    app = HeaderlensApp(str(BARRACUDA), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        bar = _plain(screen, "#diagnosis").split("\n", 1)[0]
        md = render(load_analysis(BARRACUDA), None, "md")
        own = _unescape(_report_line(md, "Verdicts"))
        assert own == "DMARC — · SPF pass (stamped) · DKIM — · Rejected (bounce)"
        assert bar == f"{own}  │  returned copy: none stamped"


async def test_times_that_contradict_each_other_are_not_a_transit_or_a_wait() -> None:
    """The report says "not measurable" and names no delay; the console's timeline, detail,
    hop tree and hop table say the same (no "+115 d" transit, no warning-coloured wait)."""
    need_shared(PLACEHOLDER_NDR)
    a = load_analysis(PLACEHOLDER_NDR)
    md = render(a, None, "md")
    returned = md.split("## The returned message, analysed on its own", 1)[1]
    assert "total transit not measurable" in _report_line(returned, "Hops")
    app = HeaderlensApp(str(PLACEHOLDER_NDR), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        detail = _plain(screen, "#detail-text")
        assert "transit not measurable (the stamps' times contradict each other)" in detail
        await pilot.press("t")
        await pilot.pause()
        timeline = _plain(screen, "#timeline-text")
        assert "Total transit: not measurable" in timeline
        assert "+115 d" not in timeline.split("Total transit", 1)[1]
        tree = screen.query_one(HopTree)
        hop4 = next(n for n in tree.root.children if n.data and n.data.hop_number == 4)
        label = hop4.label.plain
        assert "+115 d 0 h inconsistent times" in label
        assert all(s.style != "hl.warning" for s in hop4.label.spans)
        await pilot.press("p")
        await pilot.pause()
        table = screen.query_one(HopTable)
        delay = table.get_row("4")[2]
        assert delay.plain == "+115 d 0 h inconsistent times"
        assert delay.style == "hl.error"  # marked as no time spent, like the report's column
        # the hop's detail says how the reports read the gap
        tree.select_hop(4)
        await pilot.pause()
        assert "inconsistent times, no delay can be named" in _plain(screen, "#detail-text")


async def test_the_ticket_summary_of_a_bounce_is_the_reports_top() -> None:
    """``c`` on a bounce: the bounce's headline and verdicts (as the report), its refusal, the
    returned copy's verdicts marked, and a hop table that marks times no delay can be read in."""
    need_shared(PLACEHOLDER_NDR)
    app = HeaderlensApp(str(PLACEHOLDER_NDR), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        summary = screen.ticket_text()
    md = render(load_analysis(PLACEHOLDER_NDR), None, "md")
    headline = re.search(r"^\*\*Diagnosis:\*\* (.*)$", md, re.M)
    assert headline is not None
    lines = summary.splitlines()
    assert lines[0] == f"headerlens summary: {PLACEHOLDER_NDR.name}"  # not "(returned message)"
    assert lines[1] == f"Diagnosis: {_unescape(headline.group(1))}"
    assert lines[2] == f"Verdicts: {_unescape(_report_line(md, 'Verdicts'))}"
    assert lines[2] == "Verdicts: none stamped on the bounce · Rejected (bounce)"
    assert "Refused: 550 5.1.0 kijitora@example.com: " in summary
    assert "  Who must act: the sender's mail administrator" in lines
    assert (
        "Returned copy (checked on the original, not the bounce): returned copy: none stamped"
        not in summary
    )
    assert "Returned copy (checked on the original, not the bounce): none stamped" in lines


def test_a_summary_hop_table_marks_inconsistent_times() -> None:
    """The returned copy's ticket (a plain message with the same stamps) shows its 9 h and 115 d
    gaps marked as no delay, as the report's delivery-path column does."""
    need_shared(PLACEHOLDER_NDR)
    from headerlens.report.summary import ticket_text

    original = load_analysis(PLACEHOLDER_NDR).ndr.original  # type: ignore[union-attr]
    assert original is not None
    text = ticket_text(original, None)
    assert "+115 d 0 h (inconsistent times, no delay)" in text
    assert "+9 h 00 min (inconsistent times, no delay)" in text


def test_the_console_calls_a_wait_a_delay_where_the_reports_do() -> None:
    """A wait is warning-coloured from the reports' delay threshold (10 min on any host); 3-10
    min on a relay is information there (delay.short-queue), so no warning colour here."""
    assert timedelta(seconds=DELAY_MIN) == SLOW_HOP
    a = load_analysis(EXAMPLES / "eop-to-gmail-pass.eml")
    hop = a.chain.hops[-1]
    from dataclasses import replace

    six_min = replace(hop, delay=timedelta(minutes=6), clock_skew=False)
    parts = hop_parts(six_min)
    assert any(p.plain.strip() == "+6 min 00 s" and p.style == "dim" for _, p in parts)
    eleven = replace(hop, delay=timedelta(minutes=11), clock_skew=False)
    assert any(p.style == "hl.warning" for _, p in hop_parts(eleven))


def test_the_json_summary_gives_no_transit_where_the_reports_say_not_measurable() -> None:
    """An export says what the report says: no 115-day transit in the JSON summary; the raw
    difference stays in the chain, where it is documented as such."""
    need_shared(PLACEHOLDER_NDR)
    import json

    doc = json.loads(render(load_analysis(PLACEHOLDER_NDR), None, "json"))
    original = doc["ndr"]["original"]
    assert original["summary"]["total_transit_seconds"] is None
    assert original["analysis"]["chain"]["total_transit_seconds"] == 9968400.0
    ordinary = json.loads(render(load_analysis(EXAMPLES / "eop-to-gmail-pass.eml"), None, "json"))
    assert ordinary["summary"]["total_transit_seconds"] is not None  # a real chain keeps it
