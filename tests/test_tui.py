"""The console driven through Textual's Pilot: open, paste, navigate, panels, export, copy,
re-verify, offline, live DNS (lab servers) and hostile header text. No public network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual import events
from textual.widgets import OptionList, Static, TabbedContent, TextArea

from headerlens.diagnosis import diagnose
from headerlens.dnsclient.options import VerifyOptions
from headerlens.model import Finding
from headerlens.tui.analysis import AnalysisScreen
from headerlens.tui.app import HeaderlensApp
from headerlens.tui.export import ExportScreen
from headerlens.tui.hoptree import HopTree
from headerlens.tui.paste import PasteScreen
from tests.dnslab import UdpRelay
from tests.paths import EXAMPLES, REPO

EOP = EXAMPLES / "eop-to-gmail-pass.eml"
OFFLINE = VerifyOptions(offline=True)
SIZE = (120, 40)


def _static_text(screen: AnalysisScreen, selector: str) -> str:
    content = screen.query_one(selector, Static).visual
    return content.plain if hasattr(content, "plain") else str(content)


async def _settle(app: HeaderlensApp, pilot: object) -> AnalysisScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    screen = app.screen
    assert isinstance(screen, AnalysisScreen)
    return screen


async def _choose_finding(screen: AnalysisScreen, pilot: object, code: str) -> Finding:
    """Open the Findings tab, highlight the finding with ``code`` and press Enter on it."""
    findings = screen._findings()
    idx = next(i for i, f in enumerate(findings) if f.code == code)
    await pilot.press("f")  # type: ignore[attr-defined]
    ol = screen.query_one("#findings-list", OptionList)
    ol.focus()
    ol.highlighted = idx
    await pilot.press("enter")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    return findings[idx]


async def test_open_file_shows_hops_and_boundary() -> None:
    app = HeaderlensApp(str(EOP), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        tree = screen.query_one(HopTree)
        hops = [n for n in tree.root.children if n.data is not None and n.data.kind == "hop"]
        assert len(hops) == 6
        boundary = [n for n in hops if "boundary" in str(n.label)]
        assert len(boundary) == 1
        assert "mx.google.com" in str(boundary[0].label)
        assert "offline" in _static_text(screen, "#status")


async def test_paste_flow() -> None:
    # A terminal paste reaches the App, which hands it to the focused TextArea (posting it to
    # the TextArea directly would deliver it twice: once there and once via the App).

    app = HeaderlensApp(None, verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PasteScreen)
        area = app.screen.query_one("#paste", TextArea)
        app.post_message(events.Paste((EXAMPLES / "eop-to-gmail-headers-only.txt").read_text()))
        await pilot.pause()
        assert "Received:" in area.text
        await pilot.press("ctrl+r")
        screen = await _settle(app, pilot)
        assert screen.analysis.kind.value == "headers"
        assert len(screen.analysis.chain.hops) == 6


async def test_paste_of_non_mail_keeps_text_and_says_why() -> None:
    app = HeaderlensApp(None, verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.post_message(events.Paste("just some words\nno headers here\n"))
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, PasteScreen)
        assert app.screen.query_one("#paste", TextArea).text.startswith("just some words")


async def test_unreadable_file_gives_a_message_not_a_crash(tmp_path: Path) -> None:
    bad = tmp_path / "junk.bin"
    bad.write_bytes(b"\x00\x01\x02" * 1000)
    app = HeaderlensApp(str(bad), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PasteScreen)
        assert "binary data" in str(app.screen.query_one("#paste-error", Static).visual)


async def test_navigate_tree_updates_detail_and_flip_order() -> None:
    app = HeaderlensApp(str(EOP), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        await pilot.press("down")
        assert "Hop 1" in _static_text(screen, "#detail-text")
        await pilot.press("o")
        tree = screen.query_one(HopTree)
        first = next(n for n in tree.root.children if n.data and n.data.kind == "hop")
        assert first.data is not None and first.data.hop_number == 6


@pytest.mark.parametrize(
    ("key", "tab"),
    [
        ("a", "auth"),
        ("f", "findings"),
        ("n", "dns"),
        ("t", "timeline"),
        ("h", "headers"),
        ("d", "details"),
    ],
)
async def test_each_panel_opens(key: str, tab: str) -> None:
    app = HeaderlensApp(str(EOP), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        await pilot.press(key)
        assert screen.query_one(TabbedContent).active == tab


async def test_export_markdown_writes_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "m.eml"
    src.write_bytes(EOP.read_bytes())
    app = HeaderlensApp(str(src), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("enter")
        await pilot.pause()
    out = tmp_path / "m.headerlens.md"
    assert out.read_text().startswith("# headerlens report:")
    assert src.read_bytes() == EOP.read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))


async def test_export_json_and_html_from_dialog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "eop-to-gmail-pass.eml"
    src.write_bytes(EOP.read_bytes())
    app = HeaderlensApp(str(src), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        for key in ("ctrl+j", "ctrl+t"):
            await pilot.press("e")
            await pilot.pause()
            await pilot.press(key)
            await pilot.pause()
    assert (tmp_path / "eop-to-gmail-pass.headerlens.json").read_text().startswith("{")
    assert "<!DOCTYPE html>" in (tmp_path / "eop-to-gmail-pass.headerlens.html").read_text()


async def test_copy_summary_and_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from headerlens.tui.verdictbar import verdict_bar

    monkeypatch.chdir(tmp_path)
    src = tmp_path / "eop-to-gmail-pass.eml"
    src.write_bytes(EOP.read_bytes())
    app = HeaderlensApp(str(src), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        await pilot.press("c")
        # the short ticket summary, not the whole report; its verdicts are the bar's text
        summary = app.clipboard
        assert summary.startswith("headerlens summary: ")
        assert "## " not in summary and "Re-verification" not in summary
        d = diagnose(screen.shown, screen.shown_verification)
        bar = verdict_bar(screen.shown, screen.shown_verification, d).plain
        assert f"Verdicts: {bar}\n" in summary
        assert "Hops (oldest first):" in summary
        notes = [n.message for n in app._notifications]
        assert any("OSC 52" in n and "set-clipboard on" in n and "press w" in n for n in notes)
        await pilot.press("w")  # the same text to a file instead
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        saved = tmp_path / "eop-to-gmail-pass.headerlens.copy.txt"
        assert saved.read_text() == summary
        await pilot.press("down", "y")
        assert app.clipboard.startswith("Received: from mbx01.contoso.local")
        node = app.clipboard
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("ctrl+j")  # one format only: still the copied text, as .txt
        await pilot.pause()
        assert (tmp_path / "eop-to-gmail-pass.headerlens.copy-2.txt").read_text() == node


async def test_reverify_runs_again() -> None:
    app = HeaderlensApp(str(EOP), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        first = screen.verification
        await pilot.press("r")
        screen = await _settle(app, pilot)
        assert screen.verification is not None and screen.verification is not first
        assert screen.verification.done


async def test_findings_jump_to_hop(tmp_path: Path) -> None:
    src = tmp_path / "skew.eml"
    data = EOP.read_bytes().replace(
        b"Tue, 10 Nov 2026 09:14:08 -0800", b"Tue, 10 Nov 2026 08:14:08 -0800"
    )
    src.write_bytes(data)
    app = HeaderlensApp(str(src), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        finding = await _choose_finding(
            screen, pilot, "delay.tz-label"
        )  # an hour off: a zone label
        tree = screen.query_one(HopTree)
        assert tree.cursor_node is not None and tree.cursor_node.data is not None
        assert tree.cursor_node.data.hop_number == finding.hop_number


@pytest.mark.dns
async def test_live_verification_against_lab_dns(lab_dns) -> None:  # type: ignore[no-untyped-def]
    options = VerifyOptions(nameservers=((lab_dns.host, lab_dns.port),))
    app = HeaderlensApp(str(EOP), verify_options=options)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        v = screen.verification
        assert v is not None and v.done
        assert v.spf is not None and v.spf.verdict.value == "pass"
        await pilot.press("a")  # the Auth tab is built when it first opens
        auth = _static_text(screen, "#auth-text")
        assert "ip4:40.107.0.0/16" in auth
        assert "include:spf.protection.outlook.com" in auth
        assert "verified over live DNS" in _static_text(screen, "#status")
        await pilot.press("n")
        assert len(screen.query_one("#dns-table").rows) >= 3  # type: ignore[attr-defined]


@pytest.mark.dns
async def test_reverify_flushes_the_cache_and_asks_the_lab_dns_again(lab_dns) -> None:  # type: ignore[no-untyped-def]
    # the packets that reach the lab DNS through a recording relay: verifying the same message
    # again is answered from the cache (no packet), `r` empties it and every query goes out again
    with UdpRelay((lab_dns.host, lab_dns.port)) as relay:
        options = VerifyOptions(nameservers=((relay.host, relay.port),))
        app = HeaderlensApp(str(EOP), verify_options=options)
        async with app.run_test(size=SIZE) as pilot:
            screen = await _settle(app, pilot)
            first = sorted((name, rdtype) for _, name, rdtype in relay.questions())
            assert ("contoso.com", "TXT") in first and ("_dmarc.contoso.com", "TXT") in first
            assert screen.verification is not None
            logged = len(screen.verification.dns_log)

            screen.start_verification()  # no flush: the same resolver and its cache
            screen = await _settle(app, pilot)
            assert relay.count == len(first)
            v = screen.verification
            assert v is not None and v.done and len(v.dns_log) > logged
            assert all(r.from_cache for r in v.dns_log[logged:])

            await pilot.press("r")
            screen = await _settle(app, pilot)
            again = sorted((name, rdtype) for _, name, rdtype in relay.questions()[len(first) :])
            assert again == first
            v = screen.verification
            assert v is not None and v.done and v.spf is not None
            assert v.spf.verdict.value == "pass"
            sent = {(r.name, r.rdtype) for r in v.dns_log if not r.from_cache}
            assert sent == set(first)
            assert "DNS cache flushed" in " ".join(str(n.message) for n in app._notifications)


HOSTILE_SUBJECT = "[bold red]PASS[/] [@click=app.quit]x[/] [link=http://evil]y[/] \x1b[31mred\x1b]52;c;ZXZpbA==\x07"


async def test_hostile_header_text_is_inert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    raw = EOP.read_bytes().replace(
        b"Subject: Quarterly numbers", b"Subject: " + HOSTILE_SUBJECT.encode()
    )
    src = tmp_path / "hostile.eml"
    src.write_bytes(raw)
    app = HeaderlensApp(str(src), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        root_label = screen.query_one(HopTree).root.label
        assert isinstance(root_label, Text)
        assert "[bold red]PASS[/]" in root_label.plain
        assert "[@click=app.quit]x" in root_label.plain
        assert "\x1b" not in root_label.plain
        assert not root_label.spans or all("link" not in str(s.style) for s in root_label.spans)
        detail = _static_text(screen, "#detail-text")
        assert "[bold red]PASS[/]" in detail
        assert "\x1b" not in detail
        # clicking around must not run the embedded action
        await pilot.click(HopTree, offset=(5, 0))
        await pilot.pause()
        assert app.is_running
        for key in ("ctrl+j", "ctrl+t"):
            await pilot.press("e")
            await pilot.pause()
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    for ext in ("md", "json", "html"):
        text = (tmp_path / f"hostile.headerlens.{ext}").read_text()
        assert "\x1b" not in text and "\x07" not in text
    html = (tmp_path / "hostile.headerlens.html").read_text()
    assert "<script" not in html.lower()


def _lab_app(lab_dns, name: str) -> HeaderlensApp:  # type: ignore[no-untyped-def]
    """The console on one lab message, verifying over the lab DNS."""
    options = VerifyOptions(nameservers=((lab_dns.host, lab_dns.port),))
    return HeaderlensApp(
        str(REPO / "tests" / "data" / "lab" / "messages" / name), verify_options=options
    )


@pytest.mark.dns
async def test_onmicrosoft_finding_opens_domain_check(lab_dns) -> None:  # type: ignore[no-untyped-def]
    from headerlens.tui.checkscreen import DomainCheckScreen

    app = _lab_app(lab_dns, "shared-onmicrosoft-dkim-unaligned.eml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        await _choose_finding(screen, pilot, "dkim.onmicrosoft-unaligned")
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, DomainCheckScreen)


async def test_catalogue_payloads_in_every_field_stay_inert(tmp_path: Path) -> None:
    """Catalogue K1-K3 in the console: every field carries markup, OSC/CSI escapes and bidi
    controls; walking every node and tab must run nothing and paint no control byte."""
    import re

    from tests.test_catalogue_display import _hostile_message

    src = tmp_path / "hostile-all-fields.eml"
    src.write_bytes(_hostile_message())
    app = HeaderlensApp(str(src), verify_options=OFFLINE)
    controls = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        tree = screen.query_one(HopTree)
        tree.root.expand_all()
        await pilot.pause()
        for _ in range(tree.last_line + 1):
            await pilot.press("down")
            for tab in ("d", "p", "a", "f", "n", "t", "h"):
                await pilot.press(tab)
                await pilot.pause()
                painted = app.export_screenshot()
                assert not controls.search(painted)
            tree.focus()
            await pilot.press("y")  # copy node: the clipboard gets inert text too
            assert not controls.search(app.clipboard)
        assert app.is_running
        assert isinstance(app.screen, AnalysisScreen)


class _EarlyAnswerFirst:
    """A resolver that holds every other question until ``early`` has been answered.

    The early query is a guess nobody awaits: when the checks finish first (a loaded
    machine), it is cancelled and never logged. Holding the rest makes the order the test
    needs certain instead of likely; a guess that is never asked fails after 10 s.
    """

    def __init__(self, inner: Any, early: str) -> None:
        self._inner, self._early = inner, early

    async def query(self, name: str, rdtype: str) -> Any:
        import asyncio

        if name.lower().rstrip(".") != self._early:
            for _ in range(200):
                if any(r.name.lower().rstrip(".") == self._early for r in self._inner.log):
                    break
                await asyncio.sleep(0.05)
        return await self._inner.query(name, rdtype)

    @property
    def log(self) -> Any:
        return self._inner.log

    def clear_cache(self) -> None:
        self._inner.clear_cache()


@pytest.mark.dns
async def test_dns_log_labels_the_unused_early_query(lab_dns, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # lab: shared-spf-not-updated.eml — EOP handed the message over, so its SPF include was
    # asked ahead, but the sender's record does not name it: the DNS log says so
    from headerlens.dnsclient import options as options_module

    real = options_module.make_resolver

    def ordered(options: VerifyOptions) -> Any:
        resolver, label = real(options)
        return _EarlyAnswerFirst(resolver, "spf.protection.outlook.com"), label

    monkeypatch.setattr(options_module, "make_resolver", ordered)
    app = _lab_app(lab_dns, "shared-spf-not-updated.eml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        await pilot.press("n")
        table = screen.query_one("#dns-table")
        rows = [
            [str(getattr(cell, "plain", cell)) for cell in table.get_row_at(i)]  # type: ignore[attr-defined]
            for i in range(table.row_count)  # type: ignore[attr-defined]
        ]
        early = [r for r in rows if r[0] == "spf.protection.outlook.com"]
        assert early and early[0][3].startswith("(asked ahead; no check needed it)")
        assert not [
            r for r in rows if r[0] != "spf.protection.outlook.com" and "asked ahead" in r[3]
        ]


async def test_keys_and_quit_work_while_the_checks_compute(monkeypatch: pytest.MonkeyPatch) -> None:
    # The checks' CPU work (canonicalising a large body, RSA, the ARC chain) ran on the event
    # loop: Ctrl+Q was ignored for over 60 s. A step that holds its thread for up to 20 s
    # stands for it here; keys and quit are handled while it still runs.
    import threading

    from headerlens.evaluators import verify as verify_module

    entered, release, finished = threading.Event(), threading.Event(), threading.Event()
    real = verify_module.build_findings

    def heavy(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        release.wait(20)
        finished.set()
        return real(*args, **kwargs)

    monkeypatch.setattr(verify_module, "build_findings", heavy)
    app = HeaderlensApp(str(EOP), verify_options=OFFLINE)
    try:
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(200):
                if entered.is_set():
                    break
                await pilot.pause(0.05)
            assert entered.is_set()
            await pilot.press("t")
            assert app.screen.query_one(TabbedContent).active == "timeline"
            assert not finished.is_set(), "the key waited for the checks"
            await pilot.press("ctrl+q")
        assert app.return_code == 0
        assert not finished.is_set(), "quitting waited for the checks"
    finally:
        release.set()
