"""The hop tree: one node per hop in delivery order, the verdicts stamped there underneath."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from rich.text import Text
from textual.widgets import Tree

from headerlens.model import Analysis, AuthResults, Hop, HopRole, ReceivedSPF, Vendor, VendorHeader
from headerlens.model.auth import ARCSet
from headerlens.report.words import fmt_delay
from headerlens.tui.safe import SEVERITY_STYLE, join, result_text, safe

SLOW_HOP = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class NodeRef:
    """What a tree node stands for; the detail pane renders from this."""

    kind: str  # "message", "hop", "auth", "spf", "arc", "vendor", "delivery"
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


def hop_label(hop: Hop) -> Text:
    """``3 ▸ EOP frontend  mail-x.outbound.protection.outlook.com [40.107.22.101] TLS1_2  +2 s``."""
    r = hop.received
    role = short_role(hop)
    host = r.by or "(no by)"
    parts: list[Text | str] = [
        Text(f"{hop.number:>2} ", style="bold"),
        Text("★ boundary ", style="bold reverse") if hop.is_boundary else "",
        safe(role, "bold cyan"),  # the product version comes from the Received text
        "  ",
        safe(host),
    ]
    sender = r.from_rdns or r.from_helo
    if sender or r.from_ip:
        parts += [Text(" ← ", style="dim"), safe(sender or "")]
        if r.from_ip:
            parts += [" ", safe(f"[{r.from_ip}]", "dim")]
    if r.tls_version:
        parts += ["  ", safe(r.tls_version, "green")]
    if hop.number > 1 and hop.delay is not None:
        style = "bold red" if hop.clock_skew else ("bold yellow" if hop.delay > SLOW_HOP else "dim")
        parts += ["  ", Text(fmt_delay(hop.delay), style=style)]
        if hop.clock_skew:
            parts.append(Text(" clock skew", style="bold red"))
    elif r.timestamp is None:
        parts.append(Text("  (date unparsed)", style="yellow"))
    return join(*parts)


def auth_label(ar: AuthResults) -> Text:
    """``Authentication-Results mx.google.com: spf=pass dkim=pass dmarc=pass``."""
    name = ar.header_name
    if ar.instance is not None:
        name += f" i={ar.instance}"
    parts: list[Text | str] = [safe(name, "bold"), " ", safe(ar.authserv_id or "(Microsoft)")]
    parts.append(": ")
    for i, r in enumerate(ar.results):
        if i:
            parts.append(" ")
        parts += [safe(r.method), "=", result_text(r.result)]
    return join(*parts)


def spf_label(rs: ReceivedSPF) -> Text:
    return join(safe(rs.header_name, "bold"), ": ", result_text(rs.result))


def arc_label(s: ARCSet) -> Text:
    cv = s.seal.cv if s.seal else None
    dom = s.seal.domain if s.seal else None
    return join(
        Text(f"ARC set i={s.instance}", style="bold"), " cv=", result_text(cv), " ", safe(dom)
    )


def vendor_label(vh: VendorHeader) -> Text:
    worst = max(
        (f.severity for f in vh.fields), key=lambda s: list(SEVERITY_STYLE).index(s), default=None
    )
    style = SEVERITY_STYLE.get(worst, "") if worst is not None and worst.value != "info" else ""
    return join(safe(vh.header_name, "bold"), ": ", safe(vh.summary or vh.vendor, style))


class HopTree(Tree[NodeRef]):
    """The delivery path as a navigable tree (attributes down: call ``show(analysis)``)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("message"), data=NodeRef("message"), id=id)
        self.show_root = True
        self.newest_first = False
        self._analysis: Analysis | None = None

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
        by_hop: dict[int | None, list[tuple[int, Text, NodeRef]]] = {}

        def attach(header_index: int, label: Text, ref: NodeRef, hop: int | None) -> None:
            by_hop.setdefault(hop, []).append((header_index, label, ref))

        for ar in analysis.auth_results:
            ref = NodeRef("auth", None, ar.header_index, ar)
            attach(ar.header_index, auth_label(ar), ref, ar.stamped_by_hop)
        for rs in analysis.received_spf:
            ref = NodeRef("spf", None, rs.header_index, rs)
            attach(rs.header_index, spf_label(rs), ref, rs.stamped_by_hop)
        for s in analysis.arc_sets:
            idx = s.seal.header_index if s.seal else (s.results.header_index if s.results else 0)
            attach(idx, arc_label(s), NodeRef("arc", None, idx, s), s.stamped_by_hop)
        for vh in analysis.vendor_headers:
            ref = NodeRef("vendor", None, vh.header_index, vh)
            attach(vh.header_index, vendor_label(vh), ref, vh.stamped_by_hop)

        hops = list(analysis.chain.hops)
        if self.newest_first:
            hops.reverse()
        if not hops:
            root.add_leaf(Text("No Received lines: the path is unknown", style="yellow"))
        for h in hops:
            children = sorted(by_hop.get(h.number, []), key=lambda t: -t[0])
            node = root.add(
                hop_label(h),
                data=NodeRef("hop", h.number, h.header_index, h),
                expand=bool(children) and (h.is_boundary or h.number == len(hops)),
                allow_expand=bool(children),
            )
            for _idx, label, ref in children:
                node.add_leaf(label, data=NodeRef(ref.kind, h.number, ref.header_index, ref.item))
        delivered = sorted(by_hop.get(None, []), key=lambda t: -t[0])
        if delivered:
            node = root.add(
                Text("Delivery into the mailbox (fields above the newest Received)", style="bold"),
                data=NodeRef("delivery"),
                expand=True,
            )
            for _idx, label, ref in delivered:
                node.add_leaf(label, data=ref)
        root.expand()

    def select_hop(self, hop_number: int) -> None:
        """Move the cursor to the node of ``hop_number``."""
        for node in self.root.children:
            if (
                node.data is not None
                and node.data.kind == "hop"
                and node.data.hop_number == hop_number
            ):
                self.select_node(node)
                self.scroll_to_node(node)
                return
