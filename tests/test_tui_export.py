"""Export from the console lands where the user expects it: next to the input file (the current
folder for a paste, said in the dialog), the full path in the notice, never over an earlier export
without asking, and errors name the chosen file, not the atomic write's temporary one."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, Static

from headerlens.dnsclient.options import VerifyOptions
from headerlens.tui.analysis import AnalysisScreen
from headerlens.tui.app import HeaderlensApp
from headerlens.tui.export import ExportScreen, export_to
from tests.paths import EXAMPLES

EOP = EXAMPLES / "eop-to-gmail-pass.eml"
OFFLINE = VerifyOptions(offline=True)
SIZE = (120, 40)


def _notices(app: HeaderlensApp) -> list[str]:
    return [n.message for n in app._notifications]


def _plain(screen: ExportScreen, selector: str) -> str:
    content = screen.query_one(selector, Static).visual
    return content.plain if hasattr(content, "plain") else str(content)


async def _open_dialog(app: HeaderlensApp, pilot: object) -> ExportScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press("e")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, ExportScreen)
    return app.screen


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The message in one folder, the console started from another."""
    inbox, cwd = tmp_path / "inbox", tmp_path / "cwd"
    inbox.mkdir()
    cwd.mkdir()
    (inbox / "m.eml").write_bytes(EOP.read_bytes())
    monkeypatch.chdir(cwd)
    return inbox, cwd


async def test_export_goes_next_to_the_input_with_the_full_path(
    elsewhere: tuple[Path, Path],
) -> None:
    inbox, cwd = elsewhere
    app = HeaderlensApp(str(inbox / "m.eml"), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _open_dialog(app, pilot)
        assert dialog.query_one("#export-path", Input).value == str(inbox / "m.headerlens")
        assert f"next to the input file, in {inbox}" in _plain(dialog, "#export-where")
        await pilot.press("enter")
        await pilot.pause()
        assert _notices(app) == [f"Exported to {inbox / 'm.headerlens.md'}"]
    assert (inbox / "m.headerlens.md").read_text().startswith("# headerlens report:")
    assert list(cwd.iterdir()) == []


async def test_a_relative_input_path_still_exports_beside_it(
    elsewhere: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, _cwd = elsewhere
    monkeypatch.chdir(inbox.parent)
    app = HeaderlensApp("inbox/m.eml", verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        await _open_dialog(app, pilot)
        await pilot.press("ctrl+j")
        await pilot.pause()
        assert _notices(app) == [f"Exported to {inbox / 'm.headerlens.json'}"]
    assert (inbox / "m.headerlens.json").read_text().startswith("{")


async def test_a_paste_exports_to_the_current_folder_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = HeaderlensApp(None, verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.post_message(events.Paste((EXAMPLES / "eop-to-gmail-headers-only.txt").read_text()))
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, AnalysisScreen)
        dialog = await _open_dialog(app, pilot)
        where = _plain(dialog, "#export-where")
        assert where == f"A paste has no file of its own: saved in the current folder, {tmp_path}"
        await pilot.press("enter")
        await pilot.pause()
        assert _notices(app) == [f"Exported to {tmp_path / 'headers.headerlens.md'}"]
    assert (tmp_path / "headers.headerlens.md").is_file()


async def test_a_second_export_is_numbered_not_written_over(
    elsewhere: tuple[Path, Path],
) -> None:
    inbox, _cwd = elsewhere
    earlier = inbox / "m.headerlens.md"
    earlier.write_text("my notes in the earlier export\n")
    app = HeaderlensApp(str(inbox / "m.eml"), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        await _open_dialog(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        await _open_dialog(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnalysisScreen)
        export_to(screen, "md")  # the command palette's entry numbers too
        await pilot.pause()
        assert _notices(app) == [
            f"Exported to {inbox / 'm.headerlens-2.md'}",
            f"Exported to {inbox / 'm.headerlens-3.md'}",
            f"Exported to {inbox / 'm.headerlens-4.md'}",
        ]
    assert earlier.read_text() == "my notes in the earlier export\n"
    assert (inbox / "m.headerlens-2.md").read_text().startswith("# headerlens report:")


async def test_a_typed_existing_name_is_replaced_only_when_confirmed(
    elsewhere: tuple[Path, Path],
) -> None:
    inbox, _cwd = elsewhere
    ticket = inbox / "ticket.md"
    ticket.write_text("keep me\n")
    app = HeaderlensApp(str(inbox / "m.eml"), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _open_dialog(app, pilot)
        dialog.query_one("#export-path", Input).value = "ticket"  # relative: the dialog's folder
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and ticket.read_text() == "keep me\n"
        assert f"{ticket} exists" in _plain(dialog, "#export-result")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog
        assert _notices(app) == [f"Exported to {ticket}"]
    assert ticket.read_text().startswith("# headerlens report:")


async def test_a_failed_write_names_the_chosen_file_not_the_temporary_one(
    elsewhere: tuple[Path, Path],
) -> None:
    inbox, _cwd = elsewhere
    target = inbox / "no-such-folder" / "x"
    app = HeaderlensApp(str(inbox / "m.eml"), verify_options=OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _open_dialog(app, pilot)
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        shown = _plain(dialog, "#export-result")
    assert shown == f"Export failed: could not write {target}.md: No such file or directory"
    assert ".tmp" not in shown


async def test_the_dialog_exports_the_ticket_summary_c_copies(
    elsewhere: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+S in the export dialog writes the ticket summary: the text c copies, and the text
    ``headerlens report --format summary`` prints (one definition of the verdict words)."""
    import io

    from headerlens.cli import EXIT_OK, run_report

    inbox, _cwd = elsewhere
    app = HeaderlensApp(str(inbox / "m.eml"), verify_options=OFFLINE)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("c")
        dialog = await _open_dialog(app, pilot)
        keys = [str(s.visual) for s in dialog.query(Static)]
        assert any("Ctrl+S = the short ticket summary" in k for k in keys)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert _notices(app)[-1] == f"Exported to {inbox / 'm.headerlens.summary.txt'}"
    written = (inbox / "m.headerlens.summary.txt").read_text()
    assert written.startswith("headerlens summary: m.eml\n")
    assert copied == [written]
    out = io.StringIO()
    args = ["--offline", "--format", "summary", str(inbox / "m.eml")]
    assert await asyncio.to_thread(run_report, args, out) == EXIT_OK  # it runs its own loop
    assert out.getvalue() == written


async def test_a_bounce_summary_is_the_same_from_c_and_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    from headerlens.cli import EXIT_OK, run_report

    ndr = EXAMPLES / "ndr-gmail-unauthenticated.eml"
    app = HeaderlensApp(str(ndr), verify_options=OFFLINE)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
    out = io.StringIO()
    args = ["--offline", "--format", "summary", str(ndr)]
    assert await asyncio.to_thread(run_report, args, out) == EXIT_OK
    assert copied == [out.getvalue()]
    assert "· Rejected (bounce)\n" in out.getvalue()
