"""Received lines that belong to another message's path: far from the lines around them in time and not joined to them."""

from __future__ import annotations

from datetime import datetime, timedelta

from headerlens.diagnosis.gap_beyond import QUEUE_MAX
from headerlens.diagnosis.inputs import entry, same_org
from headerlens.model import Analysis, Hop

NEIGHBOURS_AGREE = timedelta(days=1)  # the lines around the run must be this close to each other


def _joins(lower: Hop, upper: Hop) -> bool:
    """``upper``'s client is the host that stamped ``lower`` (by name, or one organisation):
    the message went from the one to the other."""
    by = (lower.received.by or "").lower()
    client = (upper.received.from_rdns, upper.received.from_helo)
    return bool(by) and any(c and (c.lower() == by or same_org(c, by)) for c in client)


def _far(when: datetime, *others: datetime) -> bool:
    return all(abs(when - o) > QUEUE_MAX for o in others)


def stray_hops(analysis: Analysis) -> dict[int, str]:
    """Runs of lines below the trust boundary dated more than any queue holds away from both
    the line below and the line above them (or the Date, for a run at the bottom), where those
    two agree with each other, and not joined to them by name on at least one side. Such
    lines come from another message's path (pasted by the sender's tool, or paste damage in
    the copy); a host whose clock is wrong writes a line that joins its neighbours, and is read
    as clock skew instead. The sender writes every line below the boundary, so no receiver's
    word is set aside."""
    b = entry(analysis)
    if b is None:
        return {}
    below = [
        h
        for h in sorted(analysis.chain.hops, key=lambda h: h.number)
        if h.number < b.hop_number and h.received.timestamp is not None
    ]
    above = next((h for h in analysis.chain.hops if h.number == b.hop_number), None)
    path = [*below, *([above] if above is not None and above.received.timestamp else [])]
    out: dict[int, str] = {}
    i = 0
    while i < len(below):
        j = i
        when = below[i].received.timestamp
        assert when is not None
        # the run: consecutive lines that agree with each other
        while j + 1 < len(below):
            nxt = below[j + 1].received.timestamp
            if nxt is None or abs(nxt - when) > NEIGHBOURS_AGREE:
                break
            j += 1
        run = below[i : j + 1]
        lower = path[i - 1] if i > 0 else None
        upper = path[j + 1] if j + 1 < len(path) else None
        why = _stray(analysis, run, lower, upper)
        if why:
            out.update(dict.fromkeys((h.number for h in run), why))
        i = j + 1
    return out


def _stray(analysis: Analysis, run: list[Hop], lower: Hop | None, upper: Hop | None) -> str:
    """Why ``run`` does not belong between ``lower`` and ``upper``, or ""."""
    if upper is None:
        return ""
    up = upper.received.timestamp
    low = lower.received.timestamp if lower is not None else analysis.date
    if (
        up is None
        or low is None
        or not timedelta(0) - NEIGHBOURS_AGREE <= up - low <= NEIGHBOURS_AGREE
    ):
        return ""
    times = [h.received.timestamp for h in run if h.received.timestamp is not None]
    if not all(_far(t, up, low) for t in times):
        return ""
    breaks = []
    if lower is not None and not _joins(lower, run[0]):
        breaks.append(
            f"hop {run[0].number} claims to come from "
            f"{run[0].received.from_helo or run[0].received.from_rdns or 'an unnamed host'}, "
            f"not {lower.received.by or 'the host below'}"
        )
    if not _joins(run[-1], upper):
        breaks.append(
            f"hop {upper.number} took the message from "
            f"{upper.received.from_helo or upper.received.from_rdns or 'an unnamed host'}, "
            f"not {run[-1].received.by or 'the host of the line below'}"
        )
    if not breaks:
        return ""  # joined on both sides: one host's clock is wrong, not a pasted line
    hops = ", ".join(str(h.number) for h in run)
    around = "the lines around them" if lower is not None else "the line above and the Date"
    return (
        f"hop{'s' if len(run) > 1 else ''} {hops} {'are' if len(run) > 1 else 'is'} dated "
        f"{times[0]:%d %b %Y}, far from {around} ({up:%d %b %Y}), and "
        f"{'; '.join(breaks)}: lines of another message's path (pasted or forged), left out "
        "of the path's times"
    )
