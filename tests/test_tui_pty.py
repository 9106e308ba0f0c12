"""Terminal injection, end to end: the real console on a pty, hostile text in every widget.

Header values, the From domain decoded from RFC 2047 words, the input file name, the DNS
snapshot's name and the TXT answers in it carry OSC 2 (window title), OSC 52 (clipboard
write), a CSI window-resize and a right-to-left override. Whatever widget shows them (Input,
Static, Label, notification, sub-title, Option, Tree label, DataTable cell), the bytes that
reach the terminal must hold none of them, and each must be visible as an escape instead.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from headerlens.dnsclient.snapshot import save_snapshot
from headerlens.model.dns import DnsRecord
from headerlens.textsafe import inert
from tests.paths import EXAMPLES
from tests.pty_console import run_in_pty

pytestmark = pytest.mark.skipif(
    not hasattr(__import__("os"), "openpty"), reason="needs a pseudo-terminal"
)


def payload(marker: str) -> str:
    """OSC 2 (BEL-terminated), OSC 52 (ST-terminated), a CSI and an RLO, tagged ``marker``."""
    return (
        f"\x1b]2;{marker}\x07"
        f"\x1b]52;c;{base64.b64encode(marker.encode()).decode()}\x1b\\"
        "\x1b[8;5;5t"
        f"\u202e{marker}"
    )


# What the terminal would act on, from the payloads above (Textual itself writes none of it:
# no window title, no clipboard without the copy keys, no resize, no bidi override).
ACTIVE = {
    "OSC 2 title": b"\x1b]2;",
    "OSC 0 title": b"\x1b]0;",
    "OSC 52 clipboard": b"\x1b]52;",
    "CSI resize": b"\x1b[8;5;5t",
    "RLO": "\u202e".encode(),
    "C1 CSI": "\u009b".encode(),
}


def _visible(marker: str) -> bytes:
    """How the OSC 2 of ``payload(marker)`` looks once made inert."""
    return inert(f"\x1b]2;{marker}\x07").encode()


def _message(from_domain: str) -> bytes:
    encoded = "=?utf-8?b?" + base64.b64encode(from_domain.encode()).decode() + "?="
    lines = [
        "Received: from mail.example.net (mail.example.net [192.0.2.10]) by "
        f"{payload('hostby')}.example.com with ESMTPS id abc; Tue, 10 Nov 2026 09:14:08 -0800",
        f"Authentication-Results: {payload('authserv')}; spf=pass smtp.mailfrom=example.net",
        f"Received-SPF: pass ({payload('spfcomment')}) client-ip=192.0.2.10",
        "Return-Path: <bounce@example.net>",
        f"From: CEO <ceo@{encoded}>",  # the domain is in an RFC 2047 encoded word
        f"Subject: {payload('subject')}",
        "Date: Tue, 10 Nov 2026 09:14:00 -0800",
        "To: bob@example.com",
        f"X-Forefront-Antispam-Report: CIP:192.0.2.10;CTRY:{payload('vendor')};SFV:SPM;",
    ]
    return ("\r\n".join(lines) + "\r\n\r\nbody\r\n").encode()


def _assert_inert(output: bytes, *markers: str) -> None:
    leaks = [name for name, seq in ACTIVE.items() if seq in output]
    raw = [m for m in markers if f"\x1b]2;{m}".encode() in output]
    assert not leaks, f"reached the terminal raw: {leaks}, from {raw}"
    for marker in markers:  # each path was painted, as visible escapes
        assert _visible(marker) in output, f"{marker!r} was never painted"


def test_every_widget_path_paints_inert_bytes(tmp_path: Path) -> None:
    from_domain = f"x{payload('fromdomain')}.com"
    message = tmp_path / f"in{payload('filename')}.eml"
    message.write_bytes(_message(from_domain))
    snapshot = tmp_path / f"dns{payload('snapname')}.json"
    save_snapshot(
        [  # the sender's own DNS: its TXT answers are attacker text too
            DnsRecord("example.net", "TXT", "NOERROR", (payload("dnstxt"), "v=spf1 -all"), ttl=300),
        ],
        snapshot,
    )
    status, output = run_in_pty(["message", str(message), str(snapshot)], cwd=tmp_path)
    assert status == 0, output[-3000:].decode("utf-8", "replace")
    _assert_inert(
        output,
        "subject",  # Tree label (root), detail Static, Headers Static
        "hostby",  # Tree label (hop), Timeline
        "authserv",  # Tree label (Authentication-Results)
        "filename",  # sub-title, export dialog Input, "Exported to" notification
        "snapname",  # status line, Auth panel
        "fromdomain",  # domain check Input, DataTable (the _dmarc query), check result
        "dnstxt",  # DataTable cell
    )
    exported = [p.name for p in tmp_path.glob("*.headerlens.md")]
    assert len(exported) == 1 and "\x1b" not in exported[0] and "\u202e" not in exported[0]


def test_unreadable_snapshot_messages_are_inert(tmp_path: Path) -> None:
    message = tmp_path / "plain.eml"
    message.write_bytes(_message("example.org"))
    snapshot = tmp_path / f"broken{payload('badsnap')}.json"
    snapshot.write_text("{not json")
    status, output = run_in_pty(["bad-snapshot", str(message), str(snapshot)], cwd=tmp_path)
    assert status == 0, output[-3000:].decode("utf-8", "replace")
    _assert_inert(output, "badsnap")  # Auth panel error line, domain check notification


def test_bounce_panel_is_inert(tmp_path: Path) -> None:
    raw = (EXAMPLES / "ndr-gmail-unauthenticated.eml").read_bytes()
    raw = raw.replace(
        b"Diagnostic-Code: smtp;550-5.7.26 This mail",
        b"Diagnostic-Code: smtp;550-5.7.26 " + payload("diag").encode() + b" This mail",
    ).replace(
        b"Final-Recipient: rfc822;carol.recipient@gmail.com",
        b"Final-Recipient: rfc822;carol" + payload("rcpt").encode() + b"@gmail.com",
    )
    message = tmp_path / "bounce.eml"
    message.write_bytes(raw)
    snapshot = EXAMPLES / "ndr-gmail-unauthenticated.dns.json"
    status, output = run_in_pty(["bounce", str(message), str(snapshot)], cwd=tmp_path)
    assert status == 0, output[-3000:].decode("utf-8", "replace")
    _assert_inert(output, "diag", "rcpt")  # the Rejected panel and the Details pane


# --- the two Input widgets, through Pilot ------------------------------------------------------

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


async def test_domain_check_input_gets_the_from_domain_inert(tmp_path: Path) -> None:
    from textual.widgets import Input

    from headerlens.dnsclient.options import VerifyOptions
    from headerlens.tui.app import HeaderlensApp
    from headerlens.tui.checkscreen import DomainCheckScreen

    src = tmp_path / "m.eml"
    src.write_bytes(_message(f"x{payload('fromdomain')}.com"))
    app = HeaderlensApp(str(src), verify_options=VerifyOptions(offline=True))
    async with app.run_test(size=(160, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.analysis is not None and app.analysis.from_addr is not None
        # an encoded word is no address (RFC 2047 §5(3)): there is no From domain, but the
        # decoded text a client shows still carries the payload where the domain would be
        assert app.analysis.from_addr.domain is None
        domain = app.analysis.from_addr.display.rpartition("@")[2].strip(" >")
        assert "\x1b]2;fromdomain" in domain  # decoded from the RFC 2047 word
        app.action_check_domain(domain)  # what Enter on a DNS-record finding does
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DomainCheckScreen)
        value = app.screen.query_one("#check_domain", Input).value
        assert not CONTROLS.search(value)
        assert value == inert(domain)
        assert not CONTROLS.search(app.export_screenshot())


@pytest.mark.parametrize(
    "name",
    [f"x{payload('filename')}y.eml", "invoice\u202elmth.eml"],
    ids=["osc", "rlo"],
)
async def test_export_dialog_input_gets_the_file_name_inert(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Input

    from headerlens.dnsclient.options import VerifyOptions
    from headerlens.tui.app import HeaderlensApp
    from headerlens.tui.export import ExportScreen

    monkeypatch.chdir(tmp_path)
    src = tmp_path / name
    src.write_bytes(_message("example.org"))
    app = HeaderlensApp(str(src), verify_options=VerifyOptions(offline=True))
    async with app.run_test(size=(160, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        value = app.screen.query_one("#export-path", Input).value
        assert not CONTROLS.search(value)
        assert value == str(tmp_path / inert(Path(name).stem)) + ".headerlens"
        assert not CONTROLS.search(app.export_screenshot())
        await pilot.press("enter")
        await pilot.pause()
        notices = [n.message for n in app._notifications]
        assert notices and not any(CONTROLS.search(n) for n in notices)
    written = [p.name for p in tmp_path.glob("*.headerlens.md")]
    assert written == [inert(Path(name).stem) + ".headerlens.md"]
