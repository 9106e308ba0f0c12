"""How the console looks (pytest-textual-snapshot): fixed terminal sizes, no network, no clock.

Regenerate after an intended change with ``pytest tests/test_tui_snapshots.py --snapshot-update``
and review the SVG diffs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from headerlens.dnsclient.options import VerifyOptions
from headerlens.tui.app import HeaderlensApp
from tests.paths import REPO

OFFLINE = VerifyOptions(offline=True)
# every tab at 80x24: the smallest terminal the console promises to work in
TAB_KEYS = (("hops", "p"), ("auth", "a"), ("findings", "f"), ("dns", "n"), ("timeline", "t"))
TAB_KEYS += (("headers", "h"),)


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    # Relative paths keep the machine's checkout folder out of the pictures.
    monkeypatch.chdir(REPO)


def _then(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize(
    ("name", "keys", "size"),
    [
        ("tree", (), (120, 36)),
        ("tree-expanded-boundary", ("down", "down", "down", "down", "down"), (120, 36)),
        ("auth", ("a",), (120, 36)),
        ("findings", ("f",), (120, 36)),
        ("timeline", ("t",), (120, 36)),
        ("small-80x24", (), (80, 24)),
        *((f"80x24-{tab}", (key,), (80, 24)) for tab, key in TAB_KEYS),
    ],
)
def test_analysis_screen(
    snap_compare: Any, name: str, keys: tuple[str, ...], size: tuple[int, int]
) -> None:
    app = HeaderlensApp("examples/eop-to-gmail-pass.eml", verify_options=OFFLINE)
    assert snap_compare(app, terminal_size=size, run_before=_then(*keys))


def test_paste_screen(snap_compare: Any) -> None:
    app = HeaderlensApp(None, verify_options=OFFLINE)
    assert snap_compare(app, terminal_size=(100, 30), run_before=_then())


def test_help_screen(snap_compare: Any) -> None:
    app = HeaderlensApp("examples/hes-to-gmail-pass.eml", verify_options=OFFLINE)
    assert snap_compare(app, terminal_size=(100, 30), run_before=_then("f1"))


def test_bounce_opens_on_rejected(snap_compare: Any) -> None:
    # a bounce: the Rejected summary above the returned message's hop tree (DNS replayed)
    from headerlens.dnsclient.options import VerifyOptions as Options
    from tests.labverify import NOW

    snapshot = REPO / "examples" / "ndr-gmail-unauthenticated.dns.json"
    app = HeaderlensApp(
        "examples/ndr-gmail-unauthenticated.eml",
        verify_options=Options(snapshot=snapshot.relative_to(REPO)),
        now=NOW,
    )
    assert snap_compare(app, terminal_size=(120, 40), run_before=_then())
