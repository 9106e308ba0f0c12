"""Which stamped verdicts count: the final receiver's Authentication-Results (RFC 8601 §5)."""

from __future__ import annotations

from headerlens.model import Analysis, AuthResults, MethodResult


def final_receiver_results(analysis: Analysis) -> tuple[AuthResults, ...]:
    """The top-most Authentication-Results field and every other one with the same authserv-id.

    Copies such as Authentication-Results-Original are not the final receiver's word. Microsoft
    writes no authserv-id; its fields (authserv_id None) are grouped together the same way.
    """
    fields = [a for a in analysis.auth_results if a.header_name.lower() == "authentication-results"]
    if not fields:
        return ()
    top = min(fields, key=lambda a: a.header_index)
    key = (top.authserv_id or "").lower()
    return tuple(
        sorted(
            (a for a in fields if (a.authserv_id or "").lower() == key),
            key=lambda a: a.header_index,
        )
    )


def final_results(analysis: Analysis) -> tuple[MethodResult, ...]:
    """All method results of the final receiver, in header order."""
    return tuple(r for a in final_receiver_results(analysis) for r in a.results)


def stamped(analysis: Analysis, method: str) -> str | None:
    """The final receiver's first result for ``method`` (lower-cased), or None if not stamped."""
    for r in final_results(analysis):
        if r.method.lower() == method.lower():
            return r.result.lower()
    return None
