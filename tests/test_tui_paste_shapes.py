"""Each paste shape through the console itself: pasted into the paste screen (a terminal's
bracketed paste), analysed with Ctrl+R, repaired with a note, and re-verified over the example's
DNS snapshot: the bar says DMARC pass and no summary row became a field."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Static

from headerlens.analyze import analyze
from headerlens.dnsclient.options import VerifyOptions
from headerlens.model.codes import Code
from headerlens.tui.analysis import AnalysisScreen
from headerlens.tui.app import HeaderlensApp
from headerlens.tui.paste import PasteScreen
from tests.test_pasteshape import GMAIL_PAGE, MESSAGE, SNAPSHOT

TEXT = MESSAGE.decode()
SHAPES = [
    pytest.param(GMAIL_PAGE.decode() + TEXT, Code.INPUT_PASTE_GMAIL_SUMMARY, id="gmail-page"),
    pytest.param(TEXT.replace("\n", "\r\r"), Code.INPUT_PASTE_DOUBLE_SPACED, id="cr-cr"),
    pytest.param(TEXT.replace("\n", "\n\n"), Code.INPUT_PASTE_DOUBLE_SPACED, id="lf-lf"),
    pytest.param(
        "".join("> " + line for line in TEXT.splitlines(keepends=True)),
        Code.INPUT_PASTE_QUOTED,
        id="quoted",
    ),
    # Outlook's File > Properties box starts with this line; it is not a field
    pytest.param("Microsoft Mail Internet Headers Version 2.0\r\n" + TEXT, None, id="outlook"),
    pytest.param("\n\n    " + TEXT, None, id="blank-lines-and-indent"),
]


@pytest.mark.parametrize(("text", "code"), SHAPES)
async def test_a_pasted_shape_is_repaired_in_the_console(text: str, code: Code | None) -> None:
    app = HeaderlensApp(None, verify_options=VerifyOptions(snapshot=SNAPSHOT))
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PasteScreen)
        app.post_message(events.Paste(text))
        await pilot.pause()
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnalysisScreen)
        a = screen.analysis
        assert len(a.headers) == len(analyze(MESSAGE).headers)  # no row became a field
        assert [f.name for f in a.headers if f.lname == "from"] == ["From"]
        if code is not None:
            defect = next(d for d in a.defects if d.code == code)
            detail = screen.query_one("#detail-text", Static).visual
            assert defect.message in getattr(detail, "plain", str(detail))  # the note, on screen
        v = screen.verification
        assert v is not None and v.done and v.dmarc is not None
        assert [d.result.value for d in v.dkim] == ["pass"]
        bar = screen.query_one("#diagnosis", Static).visual
        assert getattr(bar, "plain", str(bar)).startswith("DMARC pass · SPF pass")
