"""The verdict bar under the status line: the final DMARC, SPF and DKIM verdicts and where the
receiver put the message, on each kind of story (pass, fail, junk, bounce, a resolver that times
out or answers NXDOMAIN for everything), and the Findings tab counting errors and warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import Static, TabbedContent

from headerlens.dnsclient.options import VerifyOptions
from headerlens.tui.analysis import AnalysisScreen
from headerlens.tui.app import HeaderlensApp
from tests.dnslab import LabDns, SilentUdpPort
from tests.labverify import NOW, LabCase, LoggingMemoryResolver, first_word, lab_cases
from tests.misbehaving_dns import MisbehavingDns
from tests.paths import EXAMPLES, REPO

EOP = EXAMPLES / "eop-to-gmail-pass.eml"
LAB = REPO / "tests" / "data" / "lab" / "messages"


def _replay(name: str) -> VerifyOptions:
    return VerifyOptions(snapshot=EXAMPLES / f"{name}.dns.json")


def _plain(screen: AnalysisScreen, selector: str) -> str:
    content = screen.query_one(selector, Static).visual
    return content.plain if hasattr(content, "plain") else str(content)


async def _lines(path: Path, options: VerifyOptions) -> tuple[str, str, str, str]:
    """(status line, verdict bar, diagnosis line, Findings tab label) once verification is done."""
    app = HeaderlensApp(str(path), verify_options=options)
    async with app.run_test(size=(160, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnalysisScreen)
        bar, diagnosis = _plain(screen, "#diagnosis").split("\n", 1)
        tab = screen.query_one(TabbedContent).get_tab("findings").label.plain
        return _plain(screen, "#status"), bar, diagnosis, tab


async def test_a_passing_message() -> None:
    _status, bar, diagnosis, tab = await _lines(EOP, _replay("eop-to-gmail-pass"))
    assert bar == "DMARC pass · SPF pass (aligned) · DKIM pass (aligned) · Gmail: folder unknown"
    assert diagnosis.startswith("Diagnosis: Authentication and the delivery path are in order.")
    assert tab == "Findings"  # nothing to warn about


async def test_a_message_gmail_filed_as_spam(tmp_path: Path) -> None:
    src = tmp_path / "junk.eml"
    raw = EOP.read_bytes().replace(b"Delivered-To:", b"X-Gmail-Labels: Spam\r\nDelivered-To:", 1)
    src.write_bytes(raw)
    _status, bar, _diagnosis, _tab = await _lines(src, _replay("eop-to-gmail-pass"))
    assert bar.endswith(" · Gmail: Spam folder")
    assert bar.startswith("DMARC pass · ")


async def test_spf_failing_for_a_service_not_included() -> None:
    path = EXAMPLES / "spf-not-updated.eml"
    _status, bar, _diagnosis, tab = await _lines(path, _replay("spf-not-updated"))
    assert bar.startswith("DMARC pass · SPF fail · DKIM pass (aligned) · ")
    assert tab == "Findings 1✖"


async def test_a_bounce_says_rejected() -> None:
    path = EXAMPLES / "ndr-gmail-unauthenticated.eml"
    _status, bar, _diagnosis, _tab = await _lines(path, _replay("ndr-gmail-unauthenticated"))
    # the bounce's own verdicts (as the reports say them), then its returned copy's, marked
    assert bar == (
        "DMARC fail (p=none) · SPF none · DKIM none · Rejected (bounce)"
        "  │  returned copy: DMARC fail (p=none) · SPF softfail · DKIM none"
    )


async def test_offline_shows_the_receivers_stamps_as_such() -> None:
    _status, bar, _diagnosis, _tab = await _lines(EOP, VerifyOptions(offline=True))
    assert bar.startswith("DMARC pass (stamped) · SPF pass (stamped) · DKIM pass (stamped) · ")


async def test_a_resolver_that_times_out_leaves_the_stamps() -> None:
    with SilentUdpPort() as silent:
        options = VerifyOptions(
            nameservers=((silent.host, silent.port),), timeout=0.2, deadline=1.0
        )
        status, bar, _diagnosis, _tab = await _lines(EOP, options)
    assert status.startswith("✖ DNS did not answer (")
    assert bar.startswith("DMARC pass (stamped) · SPF pass (stamped) · DKIM pass (stamped) · ")


async def test_a_resolver_answering_nxdomain_for_everything_is_not_believed() -> None:
    with MisbehavingDns() as blind:  # every name: NXDOMAIN, as a lab or filtering resolver does
        options = VerifyOptions(nameservers=((blind.host, blind.port),), timeout=1.0)
        status, bar, _diagnosis, _tab = await _lines(EOP, options)
    assert status.startswith("⚠ the resolver may not see the internet")
    assert "verified" not in status.replace("receiver verified", "")
    assert bar.startswith("DMARC pass (stamped) · SPF pass (stamped) · DKIM pass (stamped) · ")


@pytest.mark.dns
async def test_dmarc_failing_on_strict_alignment(lab_dns: LabDns) -> None:
    options = VerifyOptions(nameservers=((lab_dns.host, lab_dns.port),))
    _status, bar, _diagnosis, tab = await _lines(LAB / "shared-strict-alignment-fail.eml", options)
    assert bar == (
        "DMARC fail (quarantine) · SPF pass (not aligned) · DKIM pass (not aligned) · "
        "Gmail: folder unknown"
    )
    assert "✖" in tab


def test_only_the_method_name_is_bold() -> None:
    from headerlens.report.verdicts import _verdict
    from headerlens.tui.verdictbar import _piece

    part = Text.assemble(*(_piece(p) for p in _verdict("SPF", "pass", None, " (not aligned)")))
    assert part.plain == "SPF pass (not aligned)"
    assert not part.style  # the qualifier is plain text, not bold like the name
    assert (part.spans[0].start, part.spans[0].end, str(part.spans[0].style)) == (0, 4, "bold")


def _dkim_word(expect: dict[str, object]) -> str | None:
    """The DKIM word the bar shows for a story: pass when one signature passes whole."""
    wants = expect.get("dkim")
    if not isinstance(wants, list):
        return None
    if any(w["header"] == "pass" and w.get("body") == "pass" for w in wants):
        return "pass"
    return None


@pytest.mark.dns
@pytest.mark.parametrize("case", lab_cases(), ids=lambda c: c.stem)
async def test_the_bar_on_every_lab_story(lab_dns: LabDns, case: LabCase) -> None:
    """Over the lab DNS each story's bar holds its re-verified verdicts (expected.json),
    never the receiver's stamps, and says where the message went."""
    options = VerifyOptions(nameservers=((lab_dns.host, lab_dns.port),))
    app = HeaderlensApp(str(case.path), verify_options=options, now=NOW)
    async with app.run_test(size=(200, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnalysisScreen)
        v = screen.verification
        assert v is not None and v.done
        bar = _plain(screen, "#diagnosis").split("\n", 1)[0]
    dmarc, spf, dkim, where = bar.split(" · ")
    expect = case.expect
    assert "(stamped)" not in bar, bar
    if "dmarc" in expect:
        assert v.dmarc is not None
        assert dmarc.startswith(f"DMARC {v.dmarc.result.value}"), bar
        if case.file.endswith(".eml"):  # the headers-only paste: see the lab's README
            assert dmarc.split()[1] == first_word(str(expect["dmarc"])), bar
    if "spf" in expect:
        assert spf.startswith(f"SPF {first_word(str(expect['spf']))}"), bar
        if "(unaligned)" in str(expect["spf"]):
            assert spf.endswith("(not aligned)"), bar
    word = _dkim_word(expect)
    if word is not None:
        assert dkim.startswith(f"DKIM {word}"), bar
    assert ": " in where or where.startswith("Rejected"), bar


@pytest.mark.parametrize("name", ["eop-to-gmail-pass", "ndr-gmail-unauthenticated"])
async def test_reports_carry_the_bar_the_console_shows(name: str) -> None:
    """One wording of the verdicts: the Markdown and HTML reports' Verdicts row is the bar."""
    import html

    from headerlens.evaluators.verify import verify
    from headerlens.model.verification import VerifyMode
    from headerlens.report.render import render
    from tests.labverify import load_analysis

    path = EXAMPLES / f"{name}.eml"
    options = VerifyOptions(offline=True)
    _status, bar, _diagnosis, _tab = await _lines(path, options)
    bar = bar.split("  │  returned copy: ", 1)[0]  # a bounce's own; its copy's has its section
    a = load_analysis(path)
    v = await verify(a, LoggingMemoryResolver(), mode=VerifyMode.OFFLINE)
    md = render(a, v, "md")
    assert f"- **Verdicts:** {bar}\n" in md
    assert f"<li><b>Verdicts:</b> {html.escape(bar)}</li>" in render(a, v, "html")
