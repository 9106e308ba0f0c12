"""Where time was spent: the gap after Received stamp n is time on host n (its queue).

A negative gap followed by an equal positive one is one clock's skew; a gap that is a whole
number of hours once the minutes and seconds agree is a wrong time-zone label; a gap that
starts at a forged Received line is no queue at all.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from headerlens.diagnosis.facts import DateNote, Gap, GapKind
from headerlens.diagnosis.inputs import fields
from headerlens.model import Analysis, HopRole
from headerlens.parsers.received import parse_received

TZ_TOLERANCE = timedelta(minutes=3)  # "identical minutes and seconds", give or take transit
SKEW_MATCH = timedelta(minutes=2)  # how closely the positive gap must mirror the negative one
SKEW_MIN = timedelta(seconds=60)  # smaller negative gaps are rounding and queue reordering
SKEW_MAX = timedelta(minutes=55)  # a clock wrong by more is a zone label or a bogus date
DATE_AHEAD = timedelta(minutes=15)  # a Date this far after the first stamp is not a delay
DATE_BEHIND = timedelta(hours=2)  # a Date this far before it is worth a note


@dataclass(frozen=True, slots=True)
class _Stamp:
    hop: int  # hop number; 0 and below for X-Received stamps older than the chain
    host: str | None
    when: datetime
    index: int  # position of its field in the header section (0 = top-most)


def _wall(dt: datetime) -> datetime:
    return dt.replace(tzinfo=None)


def _utc_wall(dt: datetime) -> datetime:
    off = dt.utcoffset() or timedelta(0)
    return dt.replace(tzinfo=None) - off


def tz_label(earlier: datetime, later: datetime) -> bool:
    """True when ``later - earlier`` is at least an hour but the clocks agree once one zone label
    is read as wrong: whole hours with the same minutes and seconds, or the wall clock of one
    equal to the other's wall clock or UTC time."""
    gap = later - earlier
    if abs(gap) < timedelta(minutes=55):
        return False
    hours = round(gap / timedelta(hours=1))
    if hours and abs(gap - timedelta(hours=hours)) <= TZ_TOLERANCE:
        return True
    pairs = (
        (_wall(earlier), _wall(later)),
        (_utc_wall(earlier), _wall(later)),
        (_wall(earlier), _utc_wall(later)),
    )
    return any(abs(b - a) <= TZ_TOLERANCE for a, b in pairs)


def _older_x_received(analysis: Analysis) -> list[_Stamp]:
    """X-Received lines below the oldest Received: a list (groups.io) or gateway renamed the
    earlier trace lines; they still date the time before the chain we have."""
    if not analysis.chain.hops:
        return []
    bottom = max(h.header_index for h in analysis.chain.hops)
    out: list[_Stamp] = []
    for f in fields(analysis, "x-received"):
        if f.index <= bottom:
            continue
        r = parse_received(f.value)
        if r.timestamp is not None and r.by:
            out.append(_Stamp(0, r.by, r.timestamp, f.index))
    out.reverse()  # oldest first
    return [_Stamp(i - len(out), s.host, s.when, s.index) for i, s in enumerate(out)]


def stamps(analysis: Analysis) -> list[_Stamp]:
    """Every dated stamp, oldest first (X-Received before the chain when it was renamed)."""
    chain = [
        _Stamp(h.number, h.received.by, h.received.timestamp, h.header_index)
        for h in analysis.chain.hops
        if h.received.timestamp is not None
    ]
    return _older_x_received(analysis) + chain


def gaps(analysis: Analysis, forged: frozenset[int] = frozenset()) -> tuple[Gap, ...]:
    """The gap after every dated stamp, classified (skew pairs and zone labels marked)."""
    st = stamps(analysis)
    raw: list[tuple[_Stamp, _Stamp, timedelta]] = [
        (a, b, b.when - a.when) for a, b in itertools.pairwise(st)
    ]
    kinds: list[GapKind] = [GapKind.TRANSIT] * len(raw)
    notes = [""] * len(raw)
    delivered = _deliveries(analysis)
    retrieved = {h.number for h in analysis.chain.hops if h.role is HopRole.RETRIEVAL}
    for i, (a, b, _gap) in enumerate(raw):
        if a.hop in forged:
            kinds[i] = GapKind.FORGED
        elif b.hop in retrieved:  # fetchmail/getmail: it sat in the mailbox until fetched
            kinds[i] = GapKind.REDELIVERED
            notes[i] = (
                f"fetched from it later (a POP3/IMAP retrieval by {b.host or 'a mail client'})"
            )
        elif any(b.index < d < a.index for d in delivered):
            kinds[i] = GapKind.REDELIVERED
        elif tz_label(a.when, b.when):
            kinds[i] = GapKind.TZ_LABEL
            notes[i] = f"{a.when:%H:%M:%S %z} then {b.when:%H:%M:%S %z}"
        elif i == 0 and _slow_first(st, analysis.date):
            kinds[i] = GapKind.SKEW
            notes[i] = (
                f"the Date agrees with stamp {b.hop}: the clock of {a.host or 'one host'} is slow"
            )
    for i, (_a, _b, gap) in enumerate(raw):
        if kinds[i] is not GapKind.TRANSIT or abs(gap) < SKEW_MIN:
            continue
        if gap < timedelta(0):
            kinds[i] = GapKind.SKEW
        # one clock off: a gap mirrored by the next one that is not a few seconds (-67 min then
        # +67 min, or the reverse); the stamps between were all written by the wrong clock
        j = _mirror(raw, kinds, i)
        if j is not None:
            kinds[i] = kinds[j] = GapKind.SKEW
            hosts = dict.fromkeys(s.host or "one host" for s, _b, _g in raw[i + 1 : j + 1])
            notes[i] = notes[j] = f"the clock of {' and '.join(hosts)} is off"
    return tuple(
        Gap(a.hop, b.hop, a.host, gap.total_seconds(), kinds[i], notes[i])
        for i, (a, b, gap) in enumerate(raw)
    )


def _mirror(
    raw: list[tuple[_Stamp, _Stamp, timedelta]], kinds: list[GapKind], i: int
) -> int | None:
    """The gap that undoes gap ``i``: the next one longer than rounding, of the opposite sign and
    (with the few seconds in between) the same size; None when there is none."""
    gap = raw[i][2]
    between = timedelta(0)
    for j in range(i + 1, len(raw)):
        nxt = raw[j][2]
        if kinds[j] is not GapKind.TRANSIT:
            return None
        if abs(nxt) < SKEW_MIN:
            between += nxt
            continue
        undone = abs(gap + between + nxt) <= max(SKEW_MATCH, abs(gap) / 10)
        return j if (gap < timedelta(0)) != (nxt < timedelta(0)) and undone else None
    return None


def _slow_first(st: list[_Stamp], date: datetime | None) -> bool:
    """The first stamp is older than the Date (a client cannot date a message after it was
    received) while the second agrees with the Date: the first host's clock is slow, and the
    gap after it is no queue."""
    if date is None or len(st) < 2:
        return False
    first, second = st[0], st[1]
    if tz_label(first.when, second.when) or second.when - first.when > SKEW_MAX:
        return False
    return date - first.when > DATE_AHEAD and timedelta(0) <= second.when - date <= TZ_TOLERANCE


def _deliveries(analysis: Analysis) -> list[int]:
    """Header positions of Delivered-To fields with Received lines above them: the message was
    delivered into a mailbox there and later sent on (a forward, or a re-send of a saved copy)."""
    top = min((h.header_index for h in analysis.chain.hops), default=None)
    if top is None:
        return []
    lists = _list_addresses(analysis)
    return [
        f.index
        for f in fields(analysis, "delivered-to")
        if f.index > top and f.value.strip(" <>\t").lower() not in lists
    ]


def _list_addresses(analysis: Analysis) -> set[str]:
    """The posting addresses of a list the message went through (X-BeenThere, X-Mailing-List,
    List-Post): the list host's MTA writes Delivered-To with that address when it hands the post
    to the list manager (Mailman behind Postfix), which is the list taking it, not a mailbox."""
    out: set[str] = set()
    for f in fields(analysis, "x-beenthere", "x-mailing-list", "list-post"):
        out.update(a.lower() for a in re.findall(r"[\w.+=-]+@[\w.-]+\w", f.value))
    return out


def date_note(analysis: Analysis, forged: frozenset[int] = frozenset()) -> DateNote | None:
    """The Date header against the first stamp not on a forged line, when far apart; when the
    message was delivered once and sent on later, against the first stamp of the later sending
    when the Date is nearer to it (a re-sent copy carries the re-sender's Date)."""
    st = [s for s in stamps(analysis) if s.hop not in forged]
    if analysis.date is None or not st:
        return None
    date = analysis.date
    first = st[1] if _slow_first(st, date) else st[0]
    for d in _deliveries(analysis):
        later = [s for s in st if s.index < d]
        if later and abs(date - later[0].when) < abs(date - first.when):
            first = later[0]
    diff = date - first.when
    if diff > DATE_AHEAD:
        kind = GapKind.TZ_LABEL if tz_label(first.when, analysis.date) else GapKind.SKEW
        return DateNote(diff.total_seconds(), kind, first.host)
    if -diff > DATE_BEHIND:
        kind = GapKind.TZ_LABEL if tz_label(analysis.date, first.when) else GapKind.TRANSIT
        return DateNote(diff.total_seconds(), kind, first.host)
    return None


def held_by_reporter(
    arrival: datetime | None, last: datetime | None, host: str | None
) -> Gap | None:
    """A bounce's Arrival-Date to Last-Attempt-Date: time the reporting server kept retrying
    (RFC 3464 §2.2.5, §2.3.7)."""
    if arrival is None or last is None or last <= arrival:
        return None
    return Gap(
        0,
        0,
        host,
        (last - arrival).total_seconds(),
        GapKind.TRANSIT,
        "DSN Arrival-Date to Last-Attempt-Date",
    )
