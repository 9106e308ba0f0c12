"""The analysis screen: hop tree on the left, detail / auth / findings / DNS / timeline tabs."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, Tree

from headerlens.model import Analysis
from headerlens.textsafe import inert
from headerlens.tui.copykeys import CopyKeys
from headerlens.tui.hoptree import HopTree, NodeRef
from headerlens.tui.messages import CheckDomain, VerifyStream
from headerlens.tui.status import status_text
from headerlens.tui.verifyworker import VerifyWorker

if TYPE_CHECKING:
    from textual.widgets import DataTable, OptionList, TabbedContent

    from headerlens.diagnosis import GapKind
    from headerlens.model import Finding
    from headerlens.model.verification import Verification

# Imported where used, not before the first frame (the hop tree, the status line, the header and
# the footer): the diagnosis and the verdict bar (the bar says "analysing…" for that frame), the
# tab widgets (mounted just after it) and what fills the tabs. The first frame comes sooner.


TABS = ("details", "hoptable", "auth", "findings", "dns", "timeline", "headers")
# The tabs built when they first open, with their labels (Details is built at once).
_LAZY_TABS = {
    "hoptable": "Hops",
    "auth": "Auth",
    "findings": "Findings",
    "dns": "DNS log",
    "timeline": "Timeline",
    "headers": "Headers",
}
# The widget that takes the keyboard when its tab opens (the list, not the tab strip).
_TAB_FOCUS = {"findings": "#findings-list", "hoptable": "#hop-table", "dns": "#dns-table"}


class AnalysisScreen(CopyKeys, VerifyWorker, Screen[None]):
    """Everything about one message. The verification worker fills the tabs as it progresses."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "flip_order", "Order", id="flip_order"),
        Binding("r", "reverify", "Re-verify", id="reverify"),
        Binding("e", "export", "Export", id="export"),
        Binding("c", "copy_summary", "Copy", id="copy_summary"),
        Binding("y", "copy_node", "Copy node", id="copy_node", show=False),
        Binding("w", "save_copy", "Save copy", id="save_copy", show=False),
        Binding("d", "tab('details')", "Details", id="tab_details", show=False),
        Binding("p", "tab('hoptable')", "Hops", id="tab_hoptable", show=False),
        Binding("a", "tab('auth')", "Auth", id="tab_auth", show=False),
        Binding("f", "tab('findings')", "Findings", id="tab_findings", show=False),
        Binding("n", "tab('dns')", "DNS log", id="tab_dns", show=False),
        Binding("t", "tab('timeline')", "Timeline", id="tab_timeline", show=False),
        Binding("h", "tab('headers')", "Headers", id="tab_headers", show=False),
        Binding("escape", "back", "Back", id="back", show=False),
    ]

    def __init__(
        self, analysis: Analysis, *, note: str | None = None, verify: VerifyStream | None = None
    ) -> None:
        super().__init__()
        self.analysis = analysis
        self._received = analysis  # as parsed: a verified SES seal credits SES's stamps on it
        self._verify_stream = verify  # the app's verification; None: nothing is verified
        self.note = note
        self.verification: Verification | None = None
        self._selected: NodeRef | None = None
        self._run = 0  # the current verification; snapshots of a replaced one are dropped
        self._built: set[str] = set()  # the lazily built tabs that exist so far
        self._tabs_ready = False  # the tabs are mounted just after the first frame
        self._pending_tab: str | None = None  # a tab asked for before they were
        # Set once the first frame is on screen: the checks (imports, CPU work) wait for it.
        self._painted = threading.Event()
        self.last_copy = ""  # what c or y last sent to the clipboard, for w (save to a file)
        self._gaps: dict[int, GapKind] = {}  # hops whose preceding gap is no time spent

    # -- what the tree and tabs show ----------------------------------------------------
    @property
    def shown(self) -> Analysis:
        """The message the tree and tabs explain: a bounce's returned message, else the input."""
        ndr = self.analysis.ndr
        return ndr.original if ndr is not None and ndr.original is not None else self.analysis

    @property
    def shown_verification(self) -> Verification | None:
        v = self.verification
        if v is not None and self.shown is not self.analysis:
            return v.original
        return v

    # -- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._status_text(), id="status")
        yield Static(Text("analysing…", style="dim"), id="diagnosis", markup=False)
        if self.analysis.ndr is not None:
            with VerticalScroll(id="rejected-box"):
                yield Static(id="rejected", markup=False)
        with Horizontal(id="main"):
            yield HopTree(id="hops")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = inert(self.analysis.source_name)
        tree = self.query_one(HopTree)
        tree.show(self.shown)
        tree.focus()
        self._show_detail(None)
        self.call_after_refresh(self._refresh_verification)  # the diagnosis: right after it
        self.call_after_refresh(self._mount_tabs)
        self.call_after_refresh(self._painted.set)  # runs once the first frame is drawn
        self.start_verification()

    async def _mount_tabs(self) -> None:
        """The tabs come right after the first frame (the tree and verdict bar come first:
        Textual's tab widgets cost about as much to set up as the rest of the screen). Only the
        Details tab is filled now; the others are built when they first open (_build_tab)."""
        from textual.widgets import TabbedContent, TabPane

        tabs = TabbedContent(id="tabs", initial="details")
        details = VerticalScroll(Static(id="detail-text", markup=False))
        tabs.compose_add_child(TabPane("Details", details, id="details"))
        for tab, label in _LAZY_TABS.items():
            tabs.compose_add_child(TabPane(label, id=tab))
        await self.query_one("#main", Horizontal).mount(tabs)
        self._tabs_ready = True
        self._show_detail(self._selected)
        self._fill_findings()
        if self._pending_tab is not None:
            self.action_tab(self._pending_tab)

    def _build_tab(self, tab: str) -> None:
        """Build a tab's content the first time it opens, filled from what is known now."""
        if tab not in _LAZY_TABS or tab in self._built:
            return
        from textual.widgets import DataTable, OptionList, TabPane

        self._built.add(tab)
        pane = self.query_one(f"#{tab}", TabPane)
        if tab == "hoptable":
            from headerlens.tui.hoptable import HopTable  # with the tab: not before first paint

            table = HopTable(id="hop-table")
            pane.mount(table)
            tree = self.query_one(HopTree)
            table.show(self.shown, newest_first=tree.newest_first, gaps=self._gaps)
        elif tab == "findings":
            pane.mount(OptionList(id="findings-list", markup=False))
            self._fill_findings()
        elif tab == "dns":
            dns = DataTable[Text](id="dns-table", zebra_stripes=True, cursor_type="row")
            pane.mount(dns)
            dns.add_columns("name", "type", "rcode", "answer", "TTL", "ms", "resolver")
            self._fill_dns()
        else:  # auth, timeline, headers: a scrolling text
            text = Static(id=f"{tab}-text", markup=False)
            pane.mount(VerticalScroll(text))
            if tab == "auth":
                from headerlens.tui.authpanel import auth_text

                text.update(auth_text(self.shown, self.shown_verification))
            elif tab == "timeline":
                from headerlens.tui.timeline import timeline_text

                text.update(timeline_text(self.shown))
            else:
                from headerlens.tui.tabtext import headers_text

                text.update(headers_text(self.analysis))

    # -- verification (the worker: VerifyWorker) --------------------------------------
    @on(VerifyWorker.Snapshot)
    def _snapshot(self, event: VerifyWorker.Snapshot) -> None:
        if event.run == self._run:
            from headerlens.parsers.provenance_ses import with_seal

            self.verification = event.verification
            self.analysis = with_seal(self._received, event.verification.receiver_seal)
            self._refresh_verification()

    def _refresh_verification(self) -> None:
        from headerlens.diagnosis import diagnose
        from headerlens.report.diagnosis import not_time_spent
        from headerlens.tui.timeline import diagnosis_text
        from headerlens.tui.verdictbar import verdict_bar

        self.query_one("#status", Static).update(self._status_text())
        # the bar and the headline are the message's own, a bounce's too (as in the reports);
        # the tree and the tabs explain the returned copy, and its gaps are read on it
        own = diagnose(self.analysis, self.verification)
        bar = verdict_bar(self.analysis, self.verification, own)
        self.query_one("#diagnosis", Static).update(bar.append("\n").append(diagnosis_text(own)))
        shown = (
            own if self.shown is self.analysis else diagnose(self.shown, self.shown_verification)
        )
        gaps = not_time_spent(shown)
        if gaps != self._gaps:  # the tree, table and detail say it as the reports do
            self._gaps = gaps
            tree = self.query_one(HopTree)
            tree.mark_gaps(gaps)
            if "hoptable" in self._built:
                from headerlens.tui.hoptable import HopTable

                self.query_one(HopTable).show(self.shown, newest_first=tree.newest_first, gaps=gaps)
            if self._selected is not None and self._selected.kind == "hop":
                self._show_detail(self._selected)
        if self.analysis.ndr is not None:
            from headerlens.tui.ndr import rejected_text

            summary = rejected_text(self.analysis, self.verification, full=False)
            self.query_one("#rejected", Static).update(summary)
            if self._selected is None or self._selected.kind == "message":
                self._show_detail(self._selected)
        if "auth" in self._built:
            from headerlens.tui.authpanel import auth_text

            text = auth_text(self.shown, self.shown_verification)
            self.query_one("#auth-text", Static).update(text)
        self._fill_findings()
        self._fill_dns()

    def _status_text(self) -> Text:
        return status_text(self.verification, self.note)

    def _findings(self) -> tuple[Finding, ...]:
        if self.shown_verification is not None:
            return self.shown_verification.findings
        from headerlens.diagnosis.findings_build import stamped_findings

        return stamped_findings(self.shown)

    def _fill_findings(self) -> None:
        if not self._tabs_ready:
            return
        from textual.widgets import OptionList, TabbedContent
        from textual.widgets.option_list import Option

        from headerlens.tui.tabtext import finding_prompt
        from headerlens.tui.verdictbar import findings_label

        tab = self.query_one(TabbedContent).get_tab("findings")
        tab.label = findings_label(self._findings())
        tab.refresh(layout=True)  # the label's width changed
        if "findings" not in self._built:
            return
        ol = self.query_one("#findings-list", OptionList)
        ol.clear_options()
        for i, f in enumerate(self._findings()):
            ol.add_option(Option(finding_prompt(f), id=f"finding-{i}"))

    def _fill_dns(self) -> None:
        if "dns" not in self._built:
            return
        from textual.widgets import DataTable

        from headerlens.tui.tabtext import dns_rows

        table = self.query_one("#dns-table", DataTable)
        table.clear()
        if self.verification is None:
            return
        for row in dns_rows(self.verification):
            table.add_row(*row)

    # -- selection ----------------------------------------------------------------------
    @on(Tree.NodeHighlighted, "#hops")
    def _highlighted(self, event: Tree.NodeHighlighted[NodeRef]) -> None:
        self._show_detail(event.node.data)

    def _show_detail(self, ref: NodeRef | None) -> None:
        self._selected = ref
        if not self._tabs_ready:  # shown when the tabs are mounted
            return
        from headerlens.tui.detail import describe
        from headerlens.tui.ndr import rejected_text

        text = describe(ref, self.shown, self._gaps)
        if self.analysis.ndr is not None and (ref is None or ref.kind == "message"):
            full = rejected_text(self.analysis, self.verification, full=True)
            text = full.append("\n\nThe returned message\n", style="bold underline").append(text)
        self.query_one("#detail-text", Static).update(text)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a finding: take the step it offers (Finding.next_step): open the domain
        check when the fix is a DNS record to publish, otherwise go to the hop it is about.
        (A handler by name, not @on(OptionList.OptionSelected, ...): that would import the
        widget before the first frame; the same for the tabs and the hop table below.)"""
        if event.control.id != "findings-list":
            return
        from headerlens.model import ActionKind

        findings = self._findings()
        idx = event.option_index
        if not 0 <= idx < len(findings):
            return
        step = findings[idx].next_step
        if step is None:
            return
        if step.kind is ActionKind.CHECK_DOMAIN and step.domain:
            self.post_message(CheckDomain(step.domain, step.provider, self.shown))
        elif step.kind is ActionKind.JUMP_TO_HOP and step.hop_number is not None:
            self._jump_to_hop(step.hop_number)

    # -- actions ------------------------------------------------------------------------
    def action_flip_order(self) -> None:
        tree = self.query_one(HopTree)
        tree.show(self.shown, newest_first=not tree.newest_first)
        if "hoptable" in self._built:
            from headerlens.tui.hoptable import HopTable

            self.query_one(HopTable).show(
                self.shown, newest_first=tree.newest_first, gaps=self._gaps
            )
        order = "newest" if tree.newest_first else "oldest"
        self.notify(f"Hops now listed {order} first.", markup=False)

    def action_reverify(self) -> None:
        self.verification = None
        self.analysis = self._received
        self._refresh_verification()
        self.start_verification(flush=True)
        self.notify("DNS cache flushed; verifying again.", markup=False)

    def action_tab(self, tab: str) -> None:
        if not self._tabs_ready:
            self._pending_tab = tab
            return
        from textual.widgets import TabbedContent

        self._build_tab(tab)
        self.query_one(TabbedContent).active = tab
        self._focus_tab(tab)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.control.id == "tabs" and event.pane.id is not None:
            self._build_tab(event.pane.id)
            self._focus_tab(event.pane.id)

    def _focus_tab(self, tab: str) -> None:
        """A list tab takes the keyboard as it opens: ↑ ↓ and Enter work at once."""
        selector = _TAB_FOCUS.get(tab)
        if selector is not None:
            self.query_one(selector).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row of the hop table: that hop in the tree, expanded, with its details."""
        if event.control.id == "hop-table" and event.row_key.value is not None:
            self._jump_to_hop(int(event.row_key.value))

    def _jump_to_hop(self, hop_number: int) -> None:
        tree = self.query_one(HopTree)
        tree.select_hop(hop_number)
        tree.focus()
        if self._tabs_ready:
            from textual.widgets import TabbedContent

            self.query_one(TabbedContent).active = "details"

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def commands(self) -> Iterable[SystemCommand]:
        """Palette entries for this screen (the app adds them to the command palette)."""
        from headerlens.tui.export import EXPORT_FORMATS, export_to

        for fmt, label, what in EXPORT_FORMATS:
            yield SystemCommand(
                f"Export {label}",
                f"Write {what} next to the input",
                lambda fmt=fmt: export_to(self, fmt),
            )
        yield SystemCommand(
            "Re-verify", "Flush the DNS cache and verify again", self.action_reverify
        )
        yield SystemCommand(
            "Copy summary", "Copy the short ticket summary (OSC 52)", self.action_copy_summary
        )
        yield SystemCommand(
            "Save copy to file",
            "Write the copied text (or the summary) to a file (w)",
            self.action_save_copy,
        )
        yield SystemCommand("Flip hop order", "Oldest first / newest first", self.action_flip_order)
        for tab in TABS:
            yield SystemCommand(
                f"Show {tab}", f"Switch to the {tab} tab", lambda t=tab: self.action_tab(t)
            )
