"""Detail text for the selected tree node: every parsed field and the raw header it came from."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text

from headerlens.model import Analysis, AuthResults, Hop, ReceivedSPF, VendorHeader
from headerlens.model.auth import ARCSet
from headerlens.parsers.provenance import describe_author
from headerlens.report.words import fmt_delay, transit_words
from headerlens.tui.hoptree import NodeRef
from headerlens.tui.safe import SEVERITY_STYLE, result_text, safe, safe_block

if TYPE_CHECKING:  # the diagnosis loads after the first frame
    from headerlens.diagnosis import GapKind


def _line(out: Text, label: str, value: str | Text | None) -> None:
    if value is None or value == "":
        return
    out.append(f"{label:<18}", style="bold")
    out.append(value if isinstance(value, Text) else safe(value))
    out.append("\n")


def raw_header(analysis: Analysis, header_index: int | None) -> str:
    """The exact field text as it appears in the message (decoded for display)."""
    if header_index is None or not 0 <= header_index < len(analysis.headers):
        return ""
    return analysis.headers[header_index].raw.decode("utf-8", errors="replace").rstrip("\r\n")


def _defects(out: Text, defects: tuple[object, ...]) -> None:
    for d in defects:
        sev = getattr(d, "severity", None)
        out.append(
            "⚠ ",
            style=SEVERITY_STYLE.get(sev, "hl.warning.soft")
            if sev is not None
            else "hl.warning.soft",
        )
        out.append(safe(str(getattr(d, "message", d))))
        out.append("\n")


def _hop(out: Text, hop: Hop, gap: GapKind | None = None) -> None:
    r = hop.received
    out.append(f"Hop {hop.number}", style="bold underline")
    if hop.is_boundary:
        out.append("  ★ trust boundary", style="bold reverse")
    out.append("\n")
    _line(out, "role", f"{hop.vendor_label}, {hop.role.value}")
    _line(out, "product", hop.product_version)
    for f in dataclasses.fields(r):
        if f.name in ("raw", "defects"):
            continue
        value = getattr(r, f.name)
        if isinstance(value, datetime):
            value = value.isoformat()
        if value is not None:
            _line(out, f.name.replace("_", " "), str(value))
    if hop.delay is not None and hop.number > 1:
        # the gap before this stamp was spent on the previous hop's host, not on this one
        delay = f"{fmt_delay(hop.delay)} on the previous hop's host (hop {hop.number - 1})"
        if gap is not None:  # the diagnosis read the gap as no time spent (report/diagnosis.py)
            from headerlens.diagnosis.wording import GAP_KIND_NOTE

            delay = f"{fmt_delay(hop.delay)}  ({GAP_KIND_NOTE[gap]})"
        elif hop.clock_skew:
            delay += "  (clock skew: negative)"
        style = "hl.error" if hop.clock_skew or gap is not None else ""
        _line(out, "since previous stamp", Text(delay, style=style))
    _defects(out, (*r.defects, *hop.defects))


def _auth(out: Text, ar: AuthResults) -> None:
    out.append(safe(ar.header_name, "bold underline"))
    out.append("\n")
    _line(out, "authserv-id", ar.authserv_id or "(none: Microsoft style)")
    _line(out, "ARC instance", str(ar.instance) if ar.instance is not None else None)
    _line(out, "stamped at hop", str(ar.stamped_by_hop) if ar.stamped_by_hop else None)
    for r in ar.results:
        out.append("• ")
        out.append(safe(r.method, "bold"))
        out.append("=")
        out.append(result_text(r.result))
        if r.reason:
            out.append(" reason=")
            out.append(safe(r.reason))
        out.append("\n")
        for p in r.properties:
            out.append("    ")
            out.append(safe(f"{p.ptype}.{p.name}={p.value}"))
            out.append("\n")
        for k, v in r.extras:
            out.append("    ")
            out.append(safe(f"{k}={v}"))
            out.append("\n")
        for c in r.comments:
            out.append("    (")
            out.append(safe(c, "dim"))
            out.append(")\n")
        if r.explanation:
            out.append("    → ")
            out.append(safe(r.explanation, "italic"))
            out.append("\n")
    _defects(out, ar.defects)


def _spf(out: Text, rs: ReceivedSPF) -> None:
    out.append(safe(rs.header_name, "bold underline"))
    out.append("\n")
    _line(out, "result", result_text(rs.result))
    for name in (
        "comment",
        "client_ip",
        "envelope_from",
        "helo",
        "receiver",
        "identity",
        "mechanism",
    ):
        _line(out, name.replace("_", "-"), getattr(rs, name))
    _defects(out, rs.defects)


def _arc(out: Text, s: ARCSet) -> None:
    out.append(f"ARC set i={s.instance}", style="bold underline")
    out.append("\n")
    if s.seal is not None:
        _line(out, "seal cv", result_text(s.seal.cv))
        _line(out, "seal d= / s=", f"{s.seal.domain} / {s.seal.selector}")
    if s.message_signature is not None:
        ms = s.message_signature
        _line(out, "AMS d= / s=", f"{ms.domain} / {ms.selector}")
        _line(out, "AMS h=", ":".join(ms.signed_headers))
    if s.results is not None:
        out.append("\n")
        _auth(out, s.results)
    _defects(out, s.defects)


def _vendor(out: Text, vh: VendorHeader) -> None:
    out.append(safe(vh.header_name, "bold underline"))
    out.append(safe(f"  ({vh.vendor})"))
    out.append("\n")
    if vh.summary:
        out.append(safe(vh.summary, "bold"))
        out.append("\n")
    for f in vh.fields:
        style = SEVERITY_STYLE[f.severity] if f.severity.value != "info" else ""
        out.append(safe(f"{f.key}", "bold"))
        out.append("=")
        out.append(safe(f.value, style))
        if f.label:
            out.append("  ")
            out.append(safe(f.label, "dim"))
        out.append("\n")
        out.append("    ")
        out.append(safe(f.meaning or "(not decoded: value shown as received)", "italic"))
        out.append("\n")
    _defects(out, vh.defects)


def _message(out: Text, a: Analysis) -> None:
    out.append("Message", style="bold underline")
    out.append("\n")
    _line(out, "subject", a.subject)
    _line(out, "from", a.from_addr.display if a.from_addr else None)
    _line(out, "return-path", a.return_path.display if a.return_path else None)
    _line(out, "date", a.date.isoformat() if a.date else None)
    _line(out, "message-id", a.message_id)
    _line(
        out,
        "input",
        f"{a.kind.value}, {len(a.headers)} fields, body {'present' if a.has_body else 'not available'}",
    )
    _line(out, "hops", f"{len(a.chain.hops)}, transit {transit_words(a)}")
    b = a.chain.boundary
    if b is not None:
        _line(out, "boundary", f"hop {b.hop_number}: {b.receiver} ← {b.ip} (HELO {b.helo})")
        _line(out, "MAIL FROM", "<>" if b.mail_from == "" else b.mail_from)
        _line(out, "why", b.reason)
    _defects(out, a.defects)


def describe(
    ref: NodeRef | None, analysis: Analysis, gaps: dict[int, GapKind] | None = None
) -> Text:
    """The detail text for a node: parsed fields first, then the raw header text; ``gaps``:
    the gaps the diagnosis reads as no time spent, by the hop whose stamp ends them."""
    out = Text()
    item = ref.item if ref is not None else None
    if ref is None or ref.kind in ("message", "delivery"):
        _message(out, analysis)
    elif isinstance(item, Hop):
        _hop(out, item, (gaps or {}).get(item.number))
    elif isinstance(item, AuthResults):
        _auth(out, item)
    elif isinstance(item, ReceivedSPF):
        _spf(out, item)
    elif isinstance(item, ARCSet):
        _arc(out, item)
    elif isinstance(item, VendorHeader):
        _vendor(out, item)
    if ref is not None and ref.header_index is not None and analysis.provenance.fields:
        author = analysis.provenance.of(ref.header_index)
        _line(out, "written by", describe_author(author))
        _line(out, "because", author.evidence if author is not None else None)
    raw = raw_header(analysis, ref.header_index if ref is not None else None)
    if raw:
        out.append("\nRaw header\n", style="bold underline")
        out.append(safe_block(raw, "dim"))
    return out
