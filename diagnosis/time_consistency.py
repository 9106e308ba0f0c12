"""Times that contradict each other (placeholder times, stamps out of order): no delay can be named."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from headerlens.diagnosis.delays import SKEW_MIN, date_note, stamps, unzoned_date
from headerlens.diagnosis.delays import gaps as chain_gaps
from headerlens.diagnosis.detect_signals import forged_hops, nameless_hops
from headerlens.diagnosis.facts import DateNote, Gap, GapKind
from headerlens.diagnosis.gap_beyond import QUEUE_MAX
from headerlens.model import Analysis
from headerlens.parsers.chain_time import placeholder_clock

CONTRADICTION_MIN = timedelta(minutes=15)  # how far a time must fall inside a gap to contradict it
CONTRADICTION_SHARE = 10  # ... and at least a tenth of the gap (one slow clock is no contradiction)
_DATE = "the Date"
_SAID = (GapKind.TRANSIT, GapKind.TZ_LABEL, GapKind.SKEW, GapKind.NO_QUEUE)  # read as time


@dataclass(frozen=True, slots=True)
class _Point:
    """A dated event in the order the message's story puts it (``order``: earlier is smaller).

    ``hop`` is the stamp's hop number (None for the Date and the DSN's dates)."""

    order: int
    when: datetime
    what: str
    hop: int | None = None


def _points(analysis: Analysis, note: DateNote | None) -> list[_Point]:
    """The Date, then every stamp; for a bounce, the returned original's Date and stamps, the
    DSN's Arrival-Date and Last-Attempt-Date come first (RFC 3464 §2.2.5, §2.3.7): the reporter
    got the original before it tried, tried before it wrote the bounce. A Date without a usable
    zone, or whose zone label is wrong (``note``), dates nothing and is left out."""
    seq: list[tuple[datetime | None, str, int | None]] = []
    ndr = analysis.ndr
    if ndr is not None:
        original = ndr.original
        if original is not None:
            seq.append((original.date, "the returned message's Date", None))
            seq += [
                (h.received.timestamp, f"the returned message's stamp {h.number}", None)
                for h in original.chain.hops
            ]
        seq.append((ndr.arrival, "the DSN's Arrival-Date", None))
        seq.append((ndr.last_attempt, "the DSN's Last-Attempt-Date", None))
    label_wrong = note is not None and note.kind is GapKind.TZ_LABEL
    if not label_wrong and not unzoned_date(analysis):
        seq.append((analysis.date, _DATE, None))
    seq += [(s.when, f"stamp {s.hop}", s.hop) for s in stamps(analysis)]
    return [_Point(i, when, what, hop) for i, (when, what, hop) in enumerate(seq) if when]


def placeholder(points: list[_Point]) -> tuple[str, list[_Point]] | None:
    """The placeholder clock time of the chain and the time points that carry it, if any."""
    clock = placeholder_clock([p.when for p in points])
    if clock is None:
        return None
    return clock, [p for p in points if p.when.strftime("%H:%M:%S") == clock]


def _inside(gap: Gap, a: _Point, b: _Point, points: list[_Point]) -> _Point | None:
    """A time point the story puts before ``a`` but dated well inside the gap or past its end by
    less than the margin (it agrees with ``b``: ``a`` is too early; a DSN's Date minutes after
    its own final receipt), or one put after ``b`` but dated well inside it or that little before
    its start (``b`` is too late). Points far outside the gap contradict something else (one
    broken clock), not this gap."""
    margin = max(CONTRADICTION_MIN, timedelta(seconds=gap.seconds) / CONTRADICTION_SHARE)
    for p in points:
        if p.order < a.order and a.when + margin < p.when <= b.when + margin:
            return p
        if p.order > b.order and a.when - margin <= p.when < b.when - margin:
            return p
    return None


def checked(
    analysis: Analysis, gaps: tuple[Gap, ...], note: DateNote | None
) -> tuple[tuple[Gap, ...], str | None]:
    """``gaps`` with those whose stamps contradict the rest of the chain marked INCONSISTENT, and
    the placeholder clock time if the chain carries one (the Date note is then left out)."""
    points = _points(analysis, note)
    by_hop = {p.hop: p for p in points if p.hop is not None}
    arrival = next((p for p in points if p.what == "the DSN's Arrival-Date"), None)
    last = next((p for p in points if p.what == "the DSN's Last-Attempt-Date"), None)
    fake = placeholder(points)
    fake_hops = {p.hop for p in fake[1]} if fake else set()
    out: list[Gap] = []
    for g in gaps:
        held = (g.hop_number, g.next_hop) == (0, 0)
        a, b = (arrival, last) if held else (by_hop.get(g.hop_number), by_hop.get(g.next_hop))
        if g.kind not in _SAID or a is None or b is None or abs(g.seconds) < SKEW_MIN.seconds:
            out.append(g)
            continue
        if fake and ({g.hop_number, g.next_hop} & fake_hops or (held and {a, b} & set(fake[1]))):
            why = (
                f"{len(fake[1])} times read {fake[0]} in different zones: placeholder times of "
                "an anonymised or test copy"
            )
            out.append(replace(g, kind=GapKind.INCONSISTENT, note=why))
            continue
        p = _inside(g, a, b, points) if g.kind is GapKind.TRANSIT and g.seconds > 0 else None
        if p is not None:
            side = "before" if p.order < a.order else "after"
            where = (
                "inside it"
                if a.when < p.when < b.when
                else f"after {b.what}"
                if p.when >= b.when
                else f"before {a.what}"
            )
            why = f"{p.what}, which comes {side} this gap, is dated {p.when:%d %b %H:%M:%S %z}, {where}"
            out.append(replace(g, kind=GapKind.INCONSISTENT, note=why))
            continue
        out.append(g)
    return tuple(out), fake[0] if fake else None


def date_checked(
    note: DateNote | None, analysis: Analysis, clock: str | None, gaps: tuple[Gap, ...] = ()
) -> DateNote | None:
    """The Date note, left out when the Date carries the placeholder time (it measures nothing),
    or when it is what shows a gap's stamps inconsistent (the Date agrees with the later stamps:
    the early ones are wrong, not the sender's clock)."""
    if note is None or analysis.date is None:
        return note
    if any(g.kind is GapKind.INCONSISTENT and g.note.startswith(_DATE) for g in gaps):
        return None
    if clock is None:
        return note
    return None if analysis.date.strftime("%H:%M:%S") == clock else note


def _checked_gaps(analysis: Analysis) -> tuple[Gap, ...]:
    forged = frozenset(forged_hops(analysis) | nameless_hops(analysis))
    return checked(analysis, chain_gaps(analysis, forged), date_note(analysis, forged))[0]


def transit_measurable(analysis: Analysis) -> bool:
    """False when a gap of the chain is inconsistent (placeholder times, or a stamp the other
    times contradict), or longer than any queue holds and not undone by a later one (a clock
    weeks off, a re-send): then the chain's total transit measures nothing either."""
    gaps = _checked_gaps(analysis)
    skew = sum(g.seconds for g in gaps if g.kind is GapKind.SKEW)
    return all(g.kind not in (GapKind.INCONSISTENT, GapKind.NO_QUEUE) for g in gaps) and (
        abs(skew) <= QUEUE_MAX.total_seconds()
    )


def mailbox_time(analysis: Analysis) -> timedelta:
    """The part of the chain's total transit the message spent in a mailbox before it was sent
    on again (a forward of a saved copy, an author's re-send, a POP3/IMAP retrieval): no
    server's transit."""
    seconds = sum(g.seconds for g in _checked_gaps(analysis) if g.kind is GapKind.REDELIVERED)
    return timedelta(seconds=seconds)
