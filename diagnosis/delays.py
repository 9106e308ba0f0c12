"""Where time was spent: the gap after Received stamp n is time on host n (its queue).

A negative gap followed by an equal positive one is one clock's skew; a gap of (almost exactly)
whole hours, or a 30/45-minute zone step, is a wrong time-zone label only with evidence that a
label is wrong (the two labels differ, the host writes another label elsewhere in the chain, or
one wall clock reads the other's UTC time); a gap that starts at a forged Received line is no
queue at all.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from headerlens.diagnosis.facts import DateNote, Gap, GapKind
from headerlens.diagnosis.gap_beyond import QUEUE_MAX, beyond_queue, year_implausible
from headerlens.diagnosis.gap_causes import (
    SENDER_NOTE,
    cause,
    greylisted,
    list_addresses,
    list_hold,
    list_resend,
    list_server,
)
from headerlens.diagnosis.inputs import entry, fields, same_org
from headerlens.diagnosis.stray_lines import stray_hops
from headerlens.model import Analysis, HopRole
from headerlens.model.codes import Code
from headerlens.parsers.dates import parse_date
from headerlens.parsers.received import parse_received

# Transit that may ride on a zone step: the hops of one message take seconds (the corpus's real
# label errors are 1 to 7 s off whole hours), so 1 h 58 min 17 s is a delay, not a label.
TZ_TOLERANCE = timedelta(seconds=90)
TZ_STEP = timedelta(minutes=15)  # zone offsets are whole hours, or N h 30 / N h 45 minutes
SKEW_MATCH = timedelta(minutes=2)  # how closely the positive gap must mirror the negative one
SKEW_MIN = timedelta(seconds=60)  # smaller negative gaps are rounding and queue reordering
SKEW_MAX = timedelta(minutes=55)  # a clock wrong by more is a zone label or a bogus date
DATE_AHEAD = timedelta(minutes=15)  # a Date this far after the first stamp is not a delay
DATE_BEHIND = timedelta(hours=2)  # a Date this far before it is worth a note
RESENT_AHEAD = timedelta(minutes=15)  # a re-send's submission stamp within this of its Resent-Date


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


def tz_label(earlier: datetime, later: datetime, relabelled: bool = False) -> bool:
    """True when ``later - earlier`` is at least an hour and a wrong zone label explains it.

    Either one wall clock reads the other's wall clock or UTC time (give or take transit), or the
    gap is whole hours (or N h 30 / N h 45 min) and there is evidence that a label is wrong: the
    two labels differ, ``relabelled`` (a host of the pair writes another label elsewhere in
    the chain), or the later stamp is whole hours earlier (time does not run back). Two stamps
    with the same label a whole number of hours apart, in order, are a real wait.
    """
    gap = later - earlier
    if abs(gap) < timedelta(minutes=55):
        return False
    pairs = (
        (_wall(earlier), _wall(later)),
        (_utc_wall(earlier), _wall(later)),
        (_wall(earlier), _utc_wall(later)),
    )
    if any(abs(b - a) <= TZ_TOLERANCE for a, b in pairs):
        return True
    step = round(gap / TZ_STEP) * TZ_STEP
    if abs(gap - step) > TZ_TOLERANCE:
        return False
    # N h 30 / N h 45 min only next to a label of such a zone (+0530, +0545, -0330...)
    part = abs(step) % timedelta(hours=1)
    if part and not any(
        (o or timedelta(0)) % timedelta(hours=1) in (part, timedelta(hours=1) - part)
        for o in (earlier.utcoffset(), later.utcoffset())
    ):
        return False
    # a stamp whole hours earlier than the one before it: no clock runs back, one hour is wrong
    return earlier.utcoffset() != later.utcoffset() or relabelled or gap < timedelta(0)


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
    """Every dated stamp, oldest first (X-Received before the chain when it was renamed); the
    stamps of lines from another message's path (stray_lines) date nothing of this one."""
    stray = stray_hops(analysis)
    chain = [
        _Stamp(h.number, h.received.by, h.received.timestamp, h.header_index)
        for h in analysis.chain.hops
        if h.received.timestamp is not None and h.number not in stray
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
    submitted = {h.number for h in analysis.chain.hops if h.role is HopRole.SUBMISSION}
    local = _local_submissions(analysis)
    resent = _resent_dates(analysis)
    labels: dict[str, set[timedelta | None]] = {}
    for s in st:
        labels.setdefault((s.host or "").lower(), set()).add(s.when.utcoffset())
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
        elif b.hop in submitted and (when := _resent_between(resent, a, b)) is not None:
            kinds[i] = GapKind.REDELIVERED
            notes[i] = when
        elif b.hop in local and a.host and b.host and not same_org(a.host, b.host):
            kinds[i] = GapKind.REDELIVERED
            notes[i] = (
                f"later submitted again on {b.host or 'another host'} by a local program there "
                f"({local[b.hop]}: a mail client's bounce or re-send; no server of "
                f"{a.host or 'the earlier hop'} handed it over)"
            )
        elif tz_label(a.when, b.when, _relabelled(labels, a, b)):
            kinds[i] = GapKind.TZ_LABEL
            notes[i] = f"{a.when:%H:%M:%S %z} then {b.when:%H:%M:%S %z}"
        elif i == 0 and _slow_first(st, analysis.date):
            kinds[i] = GapKind.SKEW
            notes[i] = (
                f"the Date agrees with stamp {b.hop}: the clock of {a.host or 'one host'} is slow"
            )
    edge = entry(analysis)
    for i, (a, b, gap) in enumerate(raw):
        if kinds[i] is GapKind.TRANSIT and gap >= SKEW_MIN and a.hop > 0:
            notes[i] = (
                list_hold(analysis, a.hop, b.hop)
                or list_resend(analysis, a.hop, b.hop)
                or greylisted(analysis, b.hop)
                or ""
            )
            # a gap that starts below the boundary is timed by a line the sending side wrote
            if not notes[i] and edge is not None and a.hop < edge.hop_number:
                notes[i] = SENDER_NOTE
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
        elif gap > QUEUE_MAX and cause(notes[i]) != "list":  # a list's moderator may take weeks
            kinds[i], notes[i] = beyond_queue(
                analysis, (a.hop, a.host, a.when), (b.hop, b.host, b.when)
            )
    # a list's hold on qmail (ezmlm): its stamps name no host, the list's address does
    unnamed = list_server(analysis) if any(cause(n) == "list" for n in notes) else None
    return tuple(
        Gap(
            a.hop,
            b.hop,
            a.host or (unnamed if cause(notes[i]) == "list" else None),
            gap.total_seconds(),
            kinds[i],
            notes[i],
        )
        for i, (a, b, gap) in enumerate(raw)
    )


def _local_submissions(analysis: Analysis) -> dict[int, str]:
    """Hops where a program on the host itself handed the message in, with no client (Postfix
    "from userid N", qmail "invoked by uid", Exim "with local", a webmail's "with HTTP"), and
    how the line says so. After a stamp of another organisation's host, such a line is a new
    sending (a person's bounce or re-send of a copy read from a mailbox): had a server of that
    host passed it on, the later host would have written an SMTP line naming it."""
    out: dict[int, str] = {}
    for h in analysis.chain.hops:
        r = h.received
        if h.role is not HopRole.SUBMISSION or r.from_ip or r.from_rdns:
            continue
        m = re.search(r"from userid \d+|invoked by uid \d+", r.raw, re.IGNORECASE)
        out[h.number] = m.group(0) if m else f"with {r.with_protocol or 'no client'}"
    return out


def _resent_dates(analysis: Analysis) -> list[tuple[datetime, str]]:
    """(Resent-Date, Resent-From or Resent-Sender) of each Resent-* block (RFC 5322 §3.6.6),
    paired in header order: who re-introduced the message, and when."""
    who = [f.value.strip() for f in fields(analysis, "resent-from", "resent-sender")]
    out: list[tuple[datetime, str]] = []
    for n, f in enumerate(fields(analysis, "resent-date")):
        when = parse_date(f.value)[0]
        if when is not None:
            out.append((when, who[n] if n < len(who) else "its re-sender"))
    return out


def _resent_between(resent: list[tuple[datetime, str]], a: _Stamp, b: _Stamp) -> str | None:
    """The re-send that ends the gap from ``a`` to ``b``: ``b`` is a submission (checked by the
    caller) stamped just after a Resent-Date that falls inside the gap, so the stamps below it
    are the earlier trip and the time between is no queue. The Resent-* fields are the sender's
    words, but so is every stamp of a submission below the boundary, and a stamp the receiver
    wrote that is a submission is a new sending, never time in a queue; a gap that does not end
    at a submission near a Resent-Date (a real delay above the re-send) is left as it is."""
    for when, who in resent:
        if a.when <= when and -TZ_TOLERANCE <= b.when - when <= RESENT_AHEAD:
            return f"re-sent from it by {who[:80]} (Resent-Date {when:%d %b %Y %H:%M:%S %z})"
    return None


def _relabelled(labels: dict[str, set[timedelta | None]], *pair: _Stamp) -> bool:
    """A host of the pair writes more than one zone label in this chain: its label is unsteady."""
    return any(s.host and len(labels.get(s.host.lower(), ())) > 1 for s in pair)


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
    delivered into a mailbox there and later sent on (a forward, or a re-send of a saved copy).
    A Delivered-To of the list taking a post is no mailbox: the list host's MTA writes it (with
    X-Original-To, Postfix) when it hands the post to the list manager (Mailman behind Postfix),
    under its own name for the list address (iommu@mail.example.org for
    iommu@lists.example.org), so the pair's X-Original-To or the line below shows the list's
    posting address."""
    top = min((h.header_index for h in analysis.chain.hops), default=None)
    if top is None:
        return []
    lists = list_addresses(analysis)
    out = []
    for f in fields(analysis, "delivered-to"):
        if f.index <= top or f.value.strip(" <>\t").lower() in lists:
            continue
        near = [
            g.value.strip(" <>\t").lower()
            for g in fields(analysis, "x-original-to")
            if abs(g.index - f.index) == 1
        ]
        below = min(
            (h for h in analysis.chain.hops if h.header_index > f.index),
            key=lambda h: h.header_index,
            default=None,
        )
        if below is not None and below.received.for_addr:
            near.append(below.received.for_addr.strip("<> ").lower())
        if not any(a in lists for a in near):
            out.append(f.index)
    return out


def date_note(analysis: Analysis, forged: frozenset[int] = frozenset()) -> DateNote | None:
    """The Date header against the first stamp not on a forged line, when far apart; when the
    message was delivered once and sent on later, against the first stamp of the later sending
    when the Date is nearer to it (a re-sent copy carries the re-sender's Date)."""
    st = [s for s in stamps(analysis) if s.hop not in forged]
    if analysis.date is None or not st or year_implausible(analysis):
        return None  # a Date of the year 3609 is an input problem, not hours of skew
    date = analysis.date
    first = st[1] if _slow_first(st, date) else st[0]
    for d in _deliveries(analysis):
        later = [s for s in st if s.index < d]
        if later and abs(date - later[0].when) < abs(date - first.when):
            first = later[0]
    diff = date - first.when
    unzoned = unzoned_date(analysis)
    if diff > DATE_AHEAD:
        kind = GapKind.TZ_LABEL if tz_label(first.when, date, unzoned) else GapKind.SKEW
        return DateNote(diff.total_seconds(), kind, first.host)
    if -diff > DATE_BEHIND:
        kind = GapKind.TZ_LABEL if tz_label(date, first.when, unzoned) else GapKind.TRANSIT
        return DateNote(diff.total_seconds(), kind, first.host)
    return None


def unzoned_date(analysis: Analysis) -> bool:
    """The Date names no usable zone (none, an unknown name, or -0000, RFC 5322 §3.3): UTC was
    assumed, so its label is no evidence of the sender's zone."""
    f = next(iter(fields(analysis, "date")), None)
    if f is None:
        return False
    defect = parse_date(f.value)[1]
    return re.search(r"-0000\b", f.value) is not None or (
        defect is not None and defect.code is Code.DATE_NO_ZONE
    )


def held_by_reporter(
    arrival: datetime | None,
    last: datetime | None,
    host: str | None,
    note: str = "DSN Arrival-Date to Last-Attempt-Date",
) -> Gap | None:
    """A bounce's Arrival-Date to Last-Attempt-Date: time the reporting server kept retrying
    (RFC 3464 §2.2.5, §2.3.7); ``note`` says where the two times come from."""
    if arrival is None or last is None or last <= arrival:
        return None
    return Gap(
        0,
        0,
        host,
        (last - arrival).total_seconds(),
        GapKind.TRANSIT,
        note,
    )
