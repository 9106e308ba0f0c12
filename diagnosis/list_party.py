"""Who fixes a list message's DMARC failure: a verdict written before the list re-sent it."""

from __future__ import annotations

from headerlens.diagnosis.auth_state import from_domain
from headerlens.diagnosis.inputs import same_org
from headerlens.model import Analysis
from headerlens.model.auth import AuthResults

__all__ = ["failed_before_list"]


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
