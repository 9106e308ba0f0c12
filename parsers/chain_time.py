"""The Received fields against the hop budget and the clock: hops kept, future stamps, receipt time."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from headerlens import budgets
from headerlens.model.core import Defect, HeaderField
from headerlens.model.received import Chain

FUTURE_SLACK = timedelta(minutes=15)  # clock drift tolerated before a timestamp is "future"


def future_stamps(date: datetime | None, chain: Chain, now: datetime) -> list[Defect]:
    """Date or Received timestamps later than ``now`` (plus slack): forged or a wrong clock."""
    from headerlens.model.codes import Code

    out: list[Defect] = []
    limit = now + FUTURE_SLACK
    if date is not None and date > limit:
        out.append(
            Defect(Code.DATE_FUTURE, f"The Date field ({date.isoformat()}) is in the future.")
        )
    future_hops = [
        h.number for h in chain.hops if h.received.timestamp and h.received.timestamp > limit
    ]
    if future_hops:
        out.append(
            Defect(
                Code.HOP_FUTURE,
                f"Received timestamps of hop(s) {', '.join(map(str, future_hops[:10]))} are in "
                "the future: a wrong clock or a forged trace field.",
            )
        )
    return out


def capped_hops(fields: tuple[HeaderField, ...], defects: list[Defect]) -> tuple[HeaderField, ...]:
    """The fields with Received fields past ``budgets.HOPS`` left out of the chain."""
    received = [f for f in fields if f.lname == "received"]
    limit = int(budgets.HOPS.limit)
    if len(received) <= limit:
        return fields
    defects.append(
        budgets.exceeded(
            budgets.HOPS,
            len(received),
            f"Only the top {limit} hops are shown; this many Received fields suggests a mail "
            "loop (RFC 5321 §6.3).",
        )
    )
    dropped = {f.index for f in received[limit:]}
    return tuple(f for f in fields if f.index not in dropped)


PLACEHOLDER_MIN = 3  # time points that must share one wall-clock time, written in 2+ zones


def placeholder_clock(times: list[datetime]) -> str | None:
    """One wall-clock time (to the second) written on several time points in different zones:
    invented times of an anonymised or test copy ("23:34:45 +0900" next to "23:34:45 -0700"),
    since real clocks in different zones do not read the same second along a chain."""
    if len(times) < PLACEHOLDER_MIN:
        return None
    clock, n = Counter(t.strftime("%H:%M:%S") for t in times).most_common(1)[0]
    zones = {t.utcoffset() for t in times if t.strftime("%H:%M:%S") == clock}
    return clock if n >= PLACEHOLDER_MIN and len(zones) >= 2 else None


def time_of_receipt(chain: Chain) -> datetime | None:
    """When the receiving organisation got the message: the boundary hop's date, else the
    newest dated hop (what DKIM x=/t= are judged against, RFC 6376 §3.5)."""
    if chain.boundary is not None:
        for hop in chain.hops:
            if hop.number == chain.boundary.hop_number and hop.received.timestamp is not None:
                return hop.received.timestamp
    for hop in reversed(chain.hops):
        if hop.received.timestamp is not None:
            return hop.received.timestamp
    return None
