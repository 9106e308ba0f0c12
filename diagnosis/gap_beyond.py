"""Gaps longer than any mail server keeps a message queued: a wrong clock or a later re-send."""

from __future__ import annotations

from datetime import datetime, timedelta

from headerlens.diagnosis.facts import GapKind
from headerlens.diagnosis.inputs import fields
from headerlens.diagnosis.wording import duration
from headerlens.model import Analysis
from headerlens.model.codes import Code
from headerlens.parsers.dates import parse_date

# The longest default time a server keeps retrying a queued message before it bounces it:
# qmail-send's queuelifetime 604800 s (qmail-control(5)); Postfix maximal_queue_lifetime 5d
# (postconf(5)), Sendmail Timeout.queuereturn 5d, Exim's default retry rule gives up after 4 d
# (F,4d,6h; spec ch. 32), Exchange MessageExpirationTimeout 2 days. A longer gap is no queue.
QUEUE_MAX = timedelta(days=7)
DATE_AGREES = timedelta(hours=1)  # how near the Date must be to a stamp to side with it


def year_implausible(analysis: Analysis) -> bool:
    """The Date's year is one no mail carries (3609, 1900): the parser's defect says so, and
    its distance to any stamp measures nothing."""
    f = next(iter(fields(analysis, "date")), None)
    defect = parse_date(f.value)[1] if f is not None else None
    return defect is not None and defect.code is Code.DATE_IMPLAUSIBLE


def _date(analysis: Analysis, near: datetime) -> tuple[datetime | None, bool]:
    """The Date, and whether its year was set aside: a Date whose year is implausible (3609)
    still dates the day and time its writer's clock showed, compared in the year of ``near``."""
    if analysis.date is None:
        return None, False
    if not year_implausible(analysis):
        return analysis.date, False
    try:
        return analysis.date.replace(year=near.year), True
    except ValueError:  # 29 February in a year without one
        return None, False


def beyond_queue(
    analysis: Analysis,
    earlier: tuple[int, str | None, datetime],
    later: tuple[int, str | None, datetime],
) -> tuple[GapKind, str]:
    """How to read a gap longer than ``QUEUE_MAX`` from stamp ``earlier`` to ``later`` (each
    hop number, host, time). The Date decides which clock is wrong when it agrees with one
    stamp only: with the later one, the earlier host's clock is off (a clock skew, as a
    negative gap would show); with the earlier one, the message was sent again later (a replay
    or a re-send of an old copy) unless the later host's clock is wrong. Without it, both."""
    (a_hop, a_host, a_when), (b_hop, b_host, b_when) = earlier, later
    a_name, b_name = a_host or f"the host of stamp {a_hop}", b_host or f"the host of stamp {b_hop}"
    date, year_aside = _date(analysis, b_when)
    the_date = "the Date (its year aside)" if year_aside else "the Date"
    if date is not None and abs(b_when - date) <= DATE_AGREES:
        return (
            GapKind.SKEW,
            f"{the_date} agrees with stamp {b_hop}: the clock of {a_name} is "
            f"{duration(abs((b_when - a_when).total_seconds()))} off",
        )
    if date is not None and abs(a_when - date) <= DATE_AGREES:
        return (
            GapKind.NO_QUEUE,
            f"{the_date} agrees with stamp {a_hop}: the message was sent again later (a replay "
            f"or a re-send of an old copy), or the clock of {b_name} is wrong",
        )
    return (
        GapKind.NO_QUEUE,
        f"a wrong clock on {a_name} or {b_name}, or the message was sent again later (a replay "
        "or a re-send of an old copy)",
    )
