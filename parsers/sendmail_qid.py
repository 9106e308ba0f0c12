"""Sendmail's queue id, which encodes the time it was assigned: the mark of a Sendmail receiver
whose version comment was rebranded (Japanese ISPs' "(3.10pn)", "(3.11g)") (pure).

Sendmail (queue.c, assign_queueid) builds the id from the UTC time: one character each for the
year (counted from 1900) modulo 60, the month, the day, the hour, the minute and the second, taken from
"0-9A-Za-x", then one (8.11) or two (8.12 and later) sequence characters and the process id in
five or six digits: "oBA4LLJd001809" is 2010-12-10 04:21:21 UTC. An id that decodes to the
time the line itself carries was written by Sendmail (or a build of it), whatever the comment
says; no other MTA's ids have that shape and agree with the stamp's date by chance.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from headerlens.model.received import Received

__all__ = ["sendmail_queue_id"]

_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx"
_QID = re.compile(r"([0-9A-Za-x]{6})[0-9A-Za-x]{1,2}\d{5,6}")
# The id is assigned when the envelope starts; the stamp's date when the header is written.
_SLACK = timedelta(minutes=15)


def sendmail_queue_id(r: Received) -> bool:
    """The line's id is a Sendmail queue id assigned at the time the line carries."""
    m = _QID.fullmatch(r.id or "")
    if m is None or r.timestamp is None or r.timestamp.tzinfo is None:
        return False
    year, month, day, hour, minute, second = (_CHARS.index(c) for c in m.group(1))
    stamp = r.timestamp.astimezone(UTC)
    if (stamp.year - 1900) % 60 != year:  # struct tm counts years from 1900
        return False
    try:
        assigned = datetime(stamp.year, month + 1, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return False
    return abs(stamp - assigned) <= _SLACK
