"""The console on a bounce: it opens on the "Rejected" summary, the tree shows the returned
message's hops and findings, and the report's text stays inert."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TabbedContent

from headerlens.dnsclient.options import VerifyOptions
from headerlens.tui.app import HeaderlensApp
from headerlens.tui.hoptree import HopTree
from tests.labverify import NOW
from tests.paths import EXAMPLES
from tests.test_tui import OFFLINE, SIZE, _settle, _static_text

NDR = EXAMPLES / "ndr-gmail-unauthenticated.eml"
REPLAY = VerifyOptions(snapshot=EXAMPLES / "ndr-gmail-unauthenticated.dns.json")


async def test_bounce_opens_on_the_rejected_summary() -> None:
    app = HeaderlensApp(str(NDR), verify_options=REPLAY, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        assert screen.verification is not None and screen.verification.done
        summary = _static_text(screen, "#rejected")
        assert summary.startswith("✖ Rejected")
        assert "550 5.7.26  carol.recipient@gmail.com" in summary
        assert "Who must act: the sender's mail administrator" in summary
        assert "route outbound through the smart host" in summary  # the fix
        assert "Why (original re-checked): The message left EDGE2010.fabrikam.com" in summary
        # the tree beneath is the returned message's, not the report's
        tree = screen.query_one(HopTree)
        assert "Direct from edge" in str(tree.root.label)
        assert screen.shown is screen.analysis.ndr.original  # type: ignore[union-attr]
        # Details opens on the whole refusal: server reply, MTAs, the time-of-check caveat
        detail = _static_text(screen, "#detail-text")
        assert "Server reply: 550-5.7.26 This mail has been blocked" in detail
        assert "Remote MTA: gmail-smtp-in.l.google.com" in detail
        assert "Caveat: Re-checked 2026-11-26 12:00 UTC" in detail
        assert "The returned message" in detail
        # the findings are the returned message's (its DMARC failure, the bypassed gateway)
        codes = [f.code for f in screen._findings()]
        assert "spf.gateway-bypassed" in codes and "dmarc.fail" in codes
        await pilot.press("f")
        assert screen.query_one(TabbedContent).active == "findings"


async def test_ordinary_message_has_no_rejected_panel() -> None:
    app = HeaderlensApp(str(EXAMPLES / "eop-to-gmail-pass.eml"), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        assert not screen.query("#rejected")


HOSTILE = "[bold red]PASS[/] [@click=app.quit]x[/] \x1b[31mred\x1b]52;c;ZXZpbA==\x07"


async def test_hostile_diagnostic_is_inert(tmp_path: Path) -> None:
    # an attacker-written bounce: markup and escape sequences in the remote's reply
    text = NDR.read_bytes().replace(
        b"Diagnostic-Code: smtp;550-5.7.26 This mail",
        b"Diagnostic-Code: smtp;550-5.7.26 " + HOSTILE.encode() + b" This mail",
    )
    src = tmp_path / "hostile.eml"
    src.write_bytes(text)
    app = HeaderlensApp(str(src), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        detail = _static_text(screen, "#detail-text")
        assert "[bold red]PASS[/] [@click=app.quit]x[/]" in detail
        assert "\x1b" not in detail and "\\x1b[31m" in detail
        assert screen.is_current  # the [@click=app.quit] did nothing


def test_bundled_snapshot_answers_every_query() -> None:
    # the console test and the screenshot replay examples/ndr-gmail-unauthenticated.dns.json:
    # it must hold every query the bounce and its returned message make
    import asyncio

    from headerlens.analyze import analyze
    from headerlens.dnsclient.snapshot import SnapshotResolver
    from headerlens.evaluators.verify import verify
    from headerlens.model.verification import VerifyMode

    resolver = SnapshotResolver(EXAMPLES / "ndr-gmail-unauthenticated.dns.json")
    analysis = analyze(NDR.read_bytes(), source_name=NDR.name)
    v = asyncio.run(verify(analysis, resolver, mode=VerifyMode.SNAPSHOT, label="replay", now=NOW))
    assert [r.name for r in v.dns_log if r.rcode == "MISSING"] == []
    assert v.ndr_links and v.ndr_links[0].status == "5.7.26"


def _bounce_text() -> str:
    """The human-readable part of a real Postfix bounce, as a helpdesk user would paste it."""
    from tests.paths import CORPUS, need_shared

    need_shared()
    raw = CORPUS / "real2/ndr-postfix-gmail-5.7.26-unauthenticated-alias-fix-at-sender.eml"
    text = raw.read_text(encoding="utf-8")
    start = text.index("This is the mail system at host")
    return text[start : text.index("--vHTqBwkX9xzYJqKR", start)]


async def test_pasted_bounce_text_without_headers_opens_rejected() -> None:
    from textual import events

    app = HeaderlensApp(None, verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.post_message(events.Paste(_bounce_text()))
        await pilot.pause()
        await pilot.press("ctrl+r")
        screen = await _settle(app, pilot)
        assert screen.analysis.headers == ()
        summary = _static_text(screen, "#rejected")
        assert "550 5.7.26  kijitora@google.example.com" in summary
        assert "Postfix bounce" in summary


def test_report_accepts_a_pasted_bounce_text(tmp_path: Path) -> None:
    # "no header fields" is exit 2 for anything else; a bounce's text alone is a report
    import io

    from headerlens.cli import run_report

    src = tmp_path / "bounce.txt"
    src.write_text(_bounce_text(), encoding="utf-8")
    out = io.StringIO()
    assert run_report(["--offline", str(src)], out) == 0
    text = out.getvalue()
    assert "## Rejected" in text and "relay3.example.com" in text
    assert "550 5.7.26" in text
    plain = tmp_path / "plain.txt"
    plain.write_text("just some words\nwithout any header\n", encoding="utf-8")
    assert run_report(["--offline", str(plain)], io.StringIO()) == 2
