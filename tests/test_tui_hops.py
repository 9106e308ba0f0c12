"""The hops at a glance: the flat hop table, tree rows that keep the verdict, delay and IP in view
at any width, jumps that expand the hop, list tabs that take the keyboard, and 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable, OptionList, TabbedContent, TabPane

from headerlens.dnsclient.options import VerifyOptions
from headerlens.tui.analysis import TABS, AnalysisScreen
from headerlens.tui.app import HeaderlensApp
from headerlens.tui.hoptable import COLUMNS, HopTable
from headerlens.tui.hoptree import HopTree
from tests.paths import EXAMPLES

EOP = EXAMPLES / "eop-to-gmail-pass.eml"
OFFLINE = VerifyOptions(offline=True)
KEYS = {"details": "d", "hoptable": "p", "auth": "a", "findings": "f", "dns": "n"}
KEYS |= {"timeline": "t", "headers": "h"}


async def _settle(app: HeaderlensApp, pilot: object) -> AnalysisScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    screen = app.screen
    assert isinstance(screen, AnalysisScreen)
    return screen


def _hop_nodes(tree: HopTree) -> dict[int, object]:
    return {
        n.data.hop_number: n
        for n in tree.root.children
        if n.data is not None and n.data.kind == "hop" and n.data.hop_number is not None
    }


async def test_hop_table_has_a_row_per_hop_with_every_column() -> None:
    app = HeaderlensApp(str(EOP), verify_options=OFFLINE)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await _settle(app, pilot)
        await pilot.press("p")
        table = screen.query_one(HopTable)
        assert [str(c.label) for c in table.columns.values()] == list(COLUMNS)
        rows = [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert len(rows) == 6
        assert rows[0][:3] == ["1", "10 Nov 17:14:01", "start"]  # 09:14:01 -0800, in UTC
        assert rows[4] == [
            "5 ★",
            "10 Nov 17:14:06",
            "+2 s",
            "[40.107.22.101] EUR05-AM6-obe.outbound.protection.outlook.com / "
            "mail-am6eur05on2101.outbound.protection.outlook.com",
            "mx.google.com",
            "ESMTPS",
            "TLS1_3",
        ]
        await pilot.press("o")  # the tree's order, both ways
        assert table.get_row_at(0)[0].plain == "6"


async def test_hop_table_cells_are_inert(tmp_path: Path) -> None:
    src = tmp_path / "m.eml"
    src.write_bytes(
        EOP.read_bytes().replace(
            b"Received: from mbx01.contoso.local (10.0.0.15) by edge01.contoso.com",
            b"Received: from x\x1b]2;t\x07.example (10.0.0.15) by edge01.contoso.com",
        )
    )
    app = HeaderlensApp(str(src), verify_options=OFFLINE)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await _settle(app, pilot)
        await pilot.press("p")
        table = screen.query_one(HopTable)
        cells = [cell for i in range(table.row_count) for cell in table.get_row_at(i)]
        assert all(isinstance(c, Text) for c in cells)  # never a markup string
        sender = table.get_row_at(1)[3].plain
        assert "x\\x1b]2;t\\x07.example" in sender
        assert not any("\x1b" in c.plain or "\x07" in c.plain for c in cells)


async def test_enter_on_a_row_shows_that_hop_expanded() -> None:
    app = HeaderlensApp(str(EOP), verify_options=OFFLINE)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _settle(app, pilot)
        tree = screen.query_one(HopTree)
        boundary = _hop_nodes(tree)[5]
        boundary.collapse()  # type: ignore[attr-defined]
        await pilot.press("p")
        assert app.focused is screen.query_one(HopTable)  # the table has the keyboard
        await pilot.press("down", "down", "down", "down", "enter")
        await pilot.pause()
        assert tree.cursor_node is boundary and boundary.is_expanded  # type: ignore[attr-defined]
        assert app.focused is tree
        assert screen.query_one(TabbedContent).active == "details"


async def test_jumping_to_a_hop_expands_it_and_never_collapses_it() -> None:
    app = HeaderlensApp(str(EOP), verify_options=OFFLINE)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _settle(app, pilot)
        tree = screen.query_one(HopTree)
        hop4, hop5 = _hop_nodes(tree)[4], _hop_nodes(tree)[5]
        assert not hop4.is_expanded and hop5.is_expanded  # type: ignore[attr-defined]
        for number in (4, 5, 5):  # what Enter on a finding about that hop does
            screen._jump_to_hop(number)
            await pilot.pause()
            assert tree.cursor_node is _hop_nodes(tree)[number]
        assert hop4.is_expanded and hop5.is_expanded  # type: ignore[attr-defined]


async def test_list_tabs_take_the_keyboard_when_they_open() -> None:
    app = HeaderlensApp(str(EOP), verify_options=OFFLINE)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _settle(app, pilot)
        await pilot.press("f")
        assert app.focused is screen.query_one("#findings-list", OptionList)
        await pilot.press("escape")
        screen.query_one(HopTree).focus()
        await pilot.click("#--content-tab-dns")  # a click on the tab, not its key
        await pilot.pause()
        assert app.focused is screen.query_one("#dns-table", DataTable)
        await pilot.click("#--content-tab-findings")
        await pilot.pause()
        assert app.focused is screen.query_one("#findings-list", OptionList)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 40)])
async def test_tree_rows_keep_the_verdict_delay_and_ip_in_view(size: tuple[int, int]) -> None:
    app = HeaderlensApp(str(EOP), verify_options=OFFLINE)
    async with app.run_test(size=size) as pilot:
        screen = await _settle(app, pilot)
        tree = screen.query_one(HopTree)
        width = tree.scrollable_content_region.width
        assert tree.virtual_size.width <= width  # nothing runs off the right edge
        hops = screen.shown.chain.hops
        below = 0
        for number, node in _hop_nodes(tree).items():
            label = tree.render_label(node, Style(), Style()).plain  # type: ignore[arg-type]
            hop = hops[number - 1]
            ip = hop.received.from_ip
            first = node.children[0] if node.children else None  # type: ignore[attr-defined]
            if first is not None and first.data.kind == "hop-from":
                # too wide for one row: the IP on the line right under it, never folded away
                below += 1
                second = tree.render_label(first, Style(), Style()).plain  # type: ignore[arg-type]
                assert second.rstrip().endswith(f"[{ip}]"), second
                assert node.is_expanded and not node.allow_expand  # type: ignore[attr-defined]
            elif ip:
                assert f"[{ip}]" in label
            if number > 1:
                assert label.rstrip().endswith("s"), label  # the delay, last, kept whole
            assert "…" not in label
        # hop 4 came from an IPv6 address: at 80 columns it needs the second line
        assert (below > 0) is (size[0] < 100)
        boundary = _hop_nodes(tree)[5]
        ar = next(n for n in boundary.children if n.data.kind == "auth")  # type: ignore[attr-defined]
        assert "dmarc=pass" in tree.render_label(ar, Style(), Style()).plain


async def test_every_tab_is_reachable_at_80x24() -> None:
    app = HeaderlensApp(str(EOP), verify_options=OFFLINE)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _settle(app, pilot)
        tabs = screen.query_one(TabbedContent)
        for tab in TABS:
            await pilot.press(KEYS[tab])
            await pilot.pause()
            assert tabs.active == tab
            pane = screen.query_one(f"#{tab}", TabPane)
            assert pane.region.width >= 40 and pane.region.height >= 5
            assert screen.query_one("#main").region.height >= 14  # the status lines leave room
            assert screen.query_one(f"#--content-tab-{tab}").region.width > 0  # its label shows


async def test_a_wider_terminal_puts_the_ip_back_on_the_hop_row() -> None:
    app = HeaderlensApp(str(EOP), verify_options=OFFLINE)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _settle(app, pilot)
        tree = screen.query_one(HopTree)
        hop4 = _hop_nodes(tree)[4]
        assert hop4.children[0].data.kind == "hop-from"  # type: ignore[attr-defined]
        tree.select_hop(3)
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        await pilot.pause()
        hop4 = _hop_nodes(tree)[4]
        label = tree.render_label(hop4, Style(), Style()).plain  # type: ignore[arg-type]
        assert "[2603:10a6:20b:f0::18]" in label and label.rstrip().endswith("+1 s")
        assert all(c.data.kind != "hop-from" for c in hop4.children)  # type: ignore[attr-defined]
        assert tree.cursor_node is _hop_nodes(tree)[3]  # the cursor stays on its hop
        assert _hop_nodes(tree)[5].is_expanded  # type: ignore[attr-defined]
