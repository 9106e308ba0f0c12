"""What the list's side recorded before it re-sent a post: a DMARC failure (who fixes it) or its intake's pass."""

from __future__ import annotations

from headerlens.diagnosis.auth_state import from_domain
from headerlens.diagnosis.inputs import boundary_hop, same_org
from headerlens.model import Analysis
from headerlens.model.auth import AuthResults

__all__ = ["failed_before_list", "passed_at_intake"]


def _verdicts(analysis: Analysis) -> list[AuthResults]:
    arc = [s.results for s in analysis.arc_sets if s.results is not None]
    return [*analysis.auth_results, *arc]


def failed_before_list(analysis: Analysis, list_hop: int) -> str | None:
    """The earliest intermediary verdict already failing DMARC for the From domain, written below
    the list's inbound Received line (so before the list re-sent anything: at the list's own MX,
    or an earlier hop), with what it says about DKIM and SPF; None when there is none.

    Such a field is written by the list's side or an earlier hop, never by the final receiver,
    and a sender can write one too: it is a sign of where the failure began, said as whose, and
    it only moves the advice from the list to the author's domain (it never makes anything
    pass)."""
    dom = from_domain(analysis)
    hop = next((h for h in analysis.chain.hops if h.number == list_hop), None)
    if dom is None or hop is None:
        return None
    below = [a for a in _verdicts(analysis) if a.header_index > hop.header_index]
    for ar in sorted(below, key=lambda a: -a.header_index):  # the earliest first
        dmarc = next(
            (
                r
                for r in ar.results
                if r.method.lower() == "dmarc"
                and r.result.lower() == "fail"
                and (r.prop("header.from") or "").lower().rstrip(".") == dom
            ),
            None,
        )
        if dmarc is None:
            continue
        said = [f"dmarc=fail for {dom}"]
        for r in ar.results:
            d = r.prop("header.d") or r.prop("header.i") or ""
            if r.method.lower() == "dkim" and d:
                aligned = "" if same_org(d, dom) else f", not aligned with {dom}"
                said.append(f"dkim={r.result.lower()} for {d.lstrip('@')}{aligned}")
            if r.method.lower() == "spf":
                said.append(f"spf={r.result.lower()} for {r.prop('smtp.mailfrom') or '?'}")
        where = f"{ar.header_name} i={ar.instance}" if ar.instance else ar.header_name
        return f"{ar.authserv_id or 'an intermediary'} ({where}): {'; '.join(said)}"
    return None


def passed_at_intake(analysis: Analysis, list_hop: int, list_org: str) -> str | None:
    """What the list's own intake recorded for the author when the post arrived: an
    Authentication-Results (or ARC-Authentication-Results) whose authserv-id is a host of the
    list's organisation, written above the list's inbound Received line and below the final
    receiver's entry line, passing DMARC or a DKIM signature aligned with the From domain (e.g.
    "dkim=pass for author.example and dmarc=pass for author.example (its Authentication-Results
    as lists.example.org)"). None when there is none.

    It is the list's word, not the receiver's: whoever runs the list's domain writes it, on a
    genuine post or on a spoof alike. It only names what the list checked; it makes nothing
    pass (diagnose never counts it as the receiver's verdict)."""
    dom = from_domain(analysis)
    hop = next((h for h in analysis.chain.hops if h.number == list_hop), None)
    entry = boundary_hop(analysis)
    if dom is None or hop is None or entry is None:
        return None
    for ar in sorted(_verdicts(analysis), key=lambda a: -a.header_index):
        if not entry.header_index < ar.header_index < hop.header_index:
            continue
        if not ar.authserv_id or not same_org(ar.authserv_id, list_org):
            continue
        said = []
        for r in ar.results:
            method, result = r.method.lower(), r.result.lower()
            if result != "pass":
                continue
            d = (r.prop("header.d") or r.prop("header.i") or "").lstrip("@")
            if method == "dkim" and d and same_org(d, dom):
                said.append(f"dkim=pass for {d}")
            if method == "dmarc" and (r.prop("header.from") or "").lower().rstrip(".") == dom:
                said.append(f"dmarc=pass for {dom}")
        if said:
            return f"{' and '.join(said)} (its {ar.header_name} as {ar.authserv_id})"
    return None
