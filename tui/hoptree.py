"""The hop tree: one node per hop in delivery order, the verdicts stamped there underneath."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from headerlens.model import Analysis, AuthResults, Hop, HopRole, ReceivedSPF, Vendor, VendorHeader
from headerlens.model.auth import ARCSet
from headerlens.report.words import fmt_delay
from headerlens.tui.safe import SEVERITY_STYLE, join, result_text, safe

if TYPE_CHECKING:  # the diagnosis loads after the first frame
    from headerlens.diagnosis import GapKind

# A delay from 10 minutes on any host, as the reports say it (diagnosis/detect_signals.DELAY_MIN,
# not imported: the diagnosis loads after the first frame; a test ties the two).
SLOW_HOP = timedelta(minutes=10)
# What Tree looks for in a click's meta to toggle a node (textual.widgets._tree.TOGGLE_STYLE).
TOGGLE_STYLE = Style.from_meta({"toggle": True})


@dataclass(frozen=True, slots=True)
class NodeRef:
    """What a tree node stands for; the detail pane renders from this."""

    kind: str  # "message", "hop", "hop-from" (a hop's second line), "auth", "spf", "arc", ...
    hop_number: int | None = None
    header_index: int | None = None
    item: object | None = None


_SHORT_VENDOR = {
    Vendor.EXCHANGE: "Exchange",
    Vendor.EOP: "EOP",
    Vendor.TREND_MICRO: "Trend Micro",
    Vendor.GMAIL: "Gmail",
    Vendor.IRONPORT: "IronPort",
    Vendor.GENERIC: "MTA",
}
_SHORT_ROLE = {
    HopRole.MAILBOX: "mailbox",
    HopRole.HUB: "hub",
    HopRole.EDGE: "Edge",
    HopRole.GATEWAY_INBOUND: "inbound",
    HopRole.GATEWAY_INTERNAL: "internal",
    HopRole.GATEWAY_OUTBOUND: "outbound",
    HopRole.MX: "MX",
    HopRole.INTERNAL: "internal",
    HopRole.SUBMISSION: "submission",
    HopRole.LOCAL: "local",
    HopRole.MTA: "",
    HopRole.UNKNOWN: "",
}


def short_role(hop: Hop) -> str:
    """``Exchange mailbox 2019``, ``EOP outbound``, ``Gmail MX``: fits the tree's width."""
    vendor = hop.product or _SHORT_VENDOR.get(hop.vendor, hop.vendor.value)
    parts = [vendor, _SHORT_ROLE.get(hop.role, hop.role.value)]
    if hop.product_version and hop.vendor not in (Vendor.EOP, Vendor.EXCHANGE_ONLINE):
        version = hop.product_version
        for prefix in ("Exchange Server ", "Exchange "):
            version = version.removeprefix(prefix)
        parts.append(version)
    return " ".join(p for p in parts if p)


_METHOD_ORDER = {"dmarc": 0, "spf": 1, "dkim": 2, "arc": 3}
Parts = list[tuple[int, Text]]  # (rank, piece): rank 0 always shown, the highest dropped first


def fit(parts: Parts, width: int) -> Text:
    """Join ``parts``, dropping the highest-ranked ones until the label fits ``width`` cells.

    A tree row is one line: what would be cut at the right edge (the verdicts, the delay, the
    IP) is kept, and host names, which the detail pane and the hop table show whole, give way.
    """
    kept = list(parts)
    while sum(p.cell_len for _, p in kept) > width and any(rank for rank, _ in kept):
        drop = max(range(len(kept)), key=lambda i: (kept[i][0], i))
        del kept[drop]
    label = join(*(p for _, p in kept))
    label.truncate(max(width, 1), overflow="ellipsis")  # only essentials left: mark the cut
    return label


def hop_parts(hop: Hop, *, ip_below: bool = False, gap: GapKind | None = None) -> Parts:
    """``3 ★ boundary EOP frontend  mail-x… ← mail-y… [40.107.22.101]  TLS1_2  +2 s``;
    ``ip_below``: without the sender, which :func:`from_parts` puts on a line of its own;
    ``gap``: the diagnosis reads the time before this stamp as no time spent (inconsistent
    times, a zone label, clock skew…): said so, never shown as a wait."""
    r = hop.received
    parts: Parts = [(0, Text(f"{hop.number:>2} ", style="bold"))]
    if hop.is_boundary:
        parts += [(0, Text("★ ", style="bold reverse")), (3, Text("boundary ", style="bold"))]
    # the product version comes from the Received text
    parts += [
        (4, safe(short_role(hop), "hl.info.strong")),
        (6, join("  ", safe(r.by or "(no by)"))),
    ]
    sender = r.from_rdns or r.from_helo
    if ip_below:
        pass
    elif shown := r.from_ip or r.from_ip_masked:  # a masked address as the paste wrote it
        if sender:
            parts.append((7, join(Text(" ← ", style="dim"), safe(sender))))
        arrow = " " if sender else " ← "
        parts.append((0, join(Text(arrow, style="dim"), safe(f"[{shown}]", "dim"))))
    elif sender:
        parts.append((5, join(Text(" ← ", style="dim"), safe(sender))))
    if r.tls_version:
        parts.append((5, join("  ", safe(r.tls_version, "hl.success.soft"))))
    if hop.number > 1 and hop.delay is not None:
        style = "hl.warning" if hop.delay >= SLOW_HOP else "dim"
        style = "hl.error" if hop.clock_skew or gap is not None else style
        parts.append((0, Text(f"  {fmt_delay(hop.delay)}", style=style)))
        if gap is not None or hop.clock_skew:
            parts.append(
                (0, Text(f" {gap.value if gap is not None else 'clock skew'}", style="hl.error"))
            )
    elif r.timestamp is None:
        parts.append((1, Text("  (date unparsed)", style="hl.warning.soft")))
    return parts


def from_parts(hop: Hop) -> Parts:
    """``← mail-y… [2603:10a6:20b:4f5::13]``: the sender on the hop's second line."""
    r = hop.received
    sender = r.from_rdns or r.from_helo
    parts: Parts = [(0, Text("← ", style="dim"))]
    if sender:
        parts.append((7, join(safe(sender), " ")))
    parts.append((0, safe(f"[{r.from_ip}]", "dim")))
    return parts


def essential_width(parts: Parts) -> int:
    """Cells the parts :func:`fit` never drops take."""
    return sum(p.cell_len for rank, p in parts if rank == 0)


def auth_parts(ar: AuthResults) -> Parts:
    """``Authentication-Results mx.google.com: spf=pass dkim=pass dmarc=pass``."""
    name = ar.header_name
    if ar.instance is not None:
        name += f" i={ar.instance}"
    verdicts: list[Text | str] = []
    # DMARC first: where the row is cut, the verdict that decides delivery stays in view
    ordered = sorted(
        ar.results, key=lambda r: _METHOD_ORDER.get(r.method.lower(), len(_METHOD_ORDER))
    )
    for i, r in enumerate(ordered):
        if i:
            verdicts.append(" ")
        verdicts += [safe(r.method), "=", result_text(r.result)]
    return [
        (2, join(safe(name, "bold"), " ")),
        (3, join(safe(ar.authserv_id or "(Microsoft)"), ": ")),
        (0, join(*verdicts)),
    ]


def spf_label(rs: ReceivedSPF) -> Text:
    return join(safe(rs.header_name, "bold"), ": ", result_text(rs.result))


def arc_label(s: ARCSet) -> Text:
    cv = s.seal.cv if s.seal else None
    dom = s.seal.domain if s.seal else None
    return join(
        Text(f"ARC set i={s.instance}", style="bold"), " cv=", result_text(cv), " ", safe(dom)
    )


def vendor_parts(vh: VendorHeader) -> Parts:
    worst = max(
        (f.severity for f in vh.fields), key=lambda s: list(SEVERITY_STYLE).index(s), default=None
    )
    style = SEVERITY_STYLE.get(worst, "") if worst is not None and worst.value != "info" else ""
    return [
        (2, join(safe(vh.header_name, "bold"), ": ")),
        (0, safe(vh.summary or vh.vendor, style)),
    ]


class HopTree(Tree[NodeRef]):
    """The delivery path as a navigable tree (attributes down: call ``show(analysis)``)."""

    def __init__(self, *, id: str | None = None) -> None:
        self._parts: dict[int, Parts] = {}  # node id -> its label's ranked parts
        super().__init__(Text("message"), data=NodeRef("message"), id=id)
        self.show_root = True
        self.newest_first = False
        self._analysis: Analysis | None = None
        self._ip_below: frozenset[int] = frozenset()  # hops whose sender has a line of its own
        self._gaps: dict[int, GapKind] = {}  # hop -> the gap before it is no time spent

    def _row_width(self) -> int:
        """Cells a row has, leaving room for a vertical scrollbar not shown yet: labels are
        measured once, and one that fitted before the scrollbar came would run off the edge."""
        width = self.scrollable_content_region.width
        if not self.show_vertical_scrollbar:
            width -= self.styles.scrollbar_size_vertical
        return width

    def _hops_too_wide(self, analysis: Analysis) -> frozenset[int]:
        """Hops whose number, IP and delay do not fit one row: their IP goes on a second line
        (a row has one line, and neither the IP nor the delay may be cut)."""
        width = self._row_width()
        if width <= 0:  # not laid out yet: on_resize decides
            return frozenset()
        room = width - self.guide_depth - 2  # a hop row: depth 1, its ▶ / ▼
        return frozenset(
            h.number
            for h in analysis.chain.hops
            if h.received.from_ip
            and essential_width(hop_parts(h, gap=self._gaps.get(h.number))) > room
        )

    def on_resize(self) -> None:
        """Rebuild when the width moves a hop's IP onto, or off, a second line."""
        analysis = self._analysis
        if analysis is None or self._hops_too_wide(analysis) == self._ip_below:
            return
        expanded = {
            n.data.hop_number for n in self.root.children if n.data is not None and n.is_expanded
        }
        cursor = self.cursor_node.data if self.cursor_node is not None else None
        self.show(analysis)
        for node in self.root.children:
            if node.data is not None and node.data.kind == "hop" and node.allow_expand:
                if node.data.hop_number in expanded:
                    node.expand()
                else:
                    node.collapse()
        rows = [n for top in self.root.children for n in (top, *top.children)]
        again = next((n for n in rows if cursor is not None and n.data == cursor), None)
        if again is not None:  # once the new rows are laid out
            self.call_after_refresh(self.move_cursor, again)

    def show(self, analysis: Analysis, *, newest_first: bool | None = None) -> None:
        """Rebuild the tree for ``analysis``, keeping the chosen order."""
        if newest_first is not None:
            self.newest_first = newest_first
        self._analysis = analysis
        self.clear()
        root = self.root
        subject = analysis.subject if analysis.subject is not None else "(no Subject)"
        root.set_label(join(Text("✉ ", style="bold"), safe(subject)))
        root.data = NodeRef("message")
        self._parts = {}
        self._ip_below = self._hops_too_wide(analysis)
        by_hop: dict[int | None, list[tuple[int, Parts, NodeRef]]] = {}

        def attach(header_index: int, label: Parts | Text, ref: NodeRef, hop: int | None) -> None:
            parts = [(0, label)] if isinstance(label, Text) else label
            by_hop.setdefault(hop, []).append((header_index, parts, ref))

        for ar in analysis.auth_results:
            ref = NodeRef("auth", None, ar.header_index, ar)
            attach(ar.header_index, auth_parts(ar), ref, ar.stamped_by_hop)
        for rs in analysis.received_spf:
            ref = NodeRef("spf", None, rs.header_index, rs)
            attach(rs.header_index, spf_label(rs), ref, rs.stamped_by_hop)
        for s in analysis.arc_sets:
            idx = s.seal.header_index if s.seal else (s.results.header_index if s.results else 0)
            attach(idx, arc_label(s), NodeRef("arc", None, idx, s), s.stamped_by_hop)
        for vh in analysis.vendor_headers:
            ref = NodeRef("vendor", None, vh.header_index, vh)
            attach(vh.header_index, vendor_parts(vh), ref, vh.stamped_by_hop)

        hops = list(analysis.chain.hops)
        if self.newest_first:
            hops.reverse()
        if not hops:
            root.add_leaf(Text("No Received lines: the path is unknown", style="hl.warning.soft"))
        for h in hops:
            children = sorted(by_hop.get(h.number, []), key=lambda t: -t[0])
            below = h.number in self._ip_below
            parts = hop_parts(h, ip_below=below, gap=self._gaps.get(h.number))
            node = root.add(
                join(*(p for _, p in parts)),
                data=NodeRef("hop", h.number, h.header_index, h),
                # a hop with its IP on the line below stays open: folding it would hide the IP
                expand=below or (bool(children) and (h.is_boundary or h.number == len(hops))),
                allow_expand=bool(children) and not below,
            )
            self._parts[node.id] = parts
            if below:
                sender = from_parts(h)
                leaf = node.add_leaf(
                    join(*(p for _, p in sender)),
                    data=NodeRef("hop-from", h.number, h.header_index, h),
                )
                self._parts[leaf.id] = sender
            for _idx, label, ref in children:
                leaf = node.add_leaf(
                    join(*(p for _, p in label)),
                    data=NodeRef(ref.kind, h.number, ref.header_index, ref.item),
                )
                self._parts[leaf.id] = label
        delivered = sorted(by_hop.get(None, []), key=lambda t: -t[0])
        if delivered:
            node = root.add(
                Text("Delivery into the mailbox (fields above the newest Received)", style="bold"),
                data=NodeRef("delivery"),
                expand=True,
            )
            for _idx, label, ref in delivered:
                leaf = node.add_leaf(join(*(p for _, p in label)), data=ref)
                self._parts[leaf.id] = label
        root.expand()

    def render_label(self, node: TreeNode[NodeRef], base_style: Style, style: Style) -> Text:
        """The label fitted to the width the row has (see :func:`fit`)."""
        parts = self._parts.get(node.id)
        if parts is None:
            return super().render_label(node, base_style, style)
        depth = 0
        parent = node.parent
        while parent is not None:
            depth += 1
            parent = parent.parent
        icon = 2 if node.allow_expand else 0  # the ▶ / ▼ before an expandable label
        room = self._row_width() - depth * self.guide_depth - icon
        label = fit(parts, room) if room > 0 else join(*(p for _, p in parts))
        label.stylize(style)
        if node.allow_expand:
            icon_text = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
            return Text.assemble((icon_text, base_style + TOGGLE_STYLE), label)
        return label

    def mark_gaps(self, gaps: dict[int, GapKind]) -> None:
        """Relabel the hops whose preceding gap the diagnosis reads as no time spent (report/
        diagnosis.not_time_spent), keeping the tree's expansion and cursor."""
        if gaps == self._gaps:
            return
        self._gaps = dict(gaps)
        for node in self.root.children:
            ref = node.data
            if ref is None or ref.kind != "hop" or not isinstance(ref.item, Hop):
                continue
            below = ref.item.number in self._ip_below
            parts = hop_parts(ref.item, ip_below=below, gap=self._gaps.get(ref.item.number))
            self._parts[node.id] = parts
            node.set_label(join(*(p for _, p in parts)))

    def select_hop(self, hop_number: int) -> None:
        """Move the cursor to the node of ``hop_number``."""
        for node in self.root.children:
            if (
                node.data is not None
                and node.data.kind == "hop"
                and node.data.hop_number == hop_number
            ):
                # move_cursor, not select_node: selecting toggles (auto_expand), so a jump to an
                # open hop folded it away; a jump shows the hop's verdicts, never hides them
                node.expand()
                self.move_cursor(node)
                self.scroll_to_node(node)
                return
