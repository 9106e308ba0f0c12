"""The few facts of a non-delivery report the diagnosis needs, read from analyze()'s bounce
parser (parsers/ndr) plus the DSN's Arrival-Date and Last-Attempt-Date (RFC 3464 §2.2.5, §2.3.7)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from headerlens.diagnosis.inputs import body_text
from headerlens.model import Analysis
from headerlens.parsers.dates import parse_date

_DATE_FIELD = re.compile(r"^(Arrival-Date|Last-Attempt-Date)\s*:\s*(.+)$", re.I | re.M)


@dataclass(frozen=True, slots=True)
class Report:
    """What a bounce says: the status, the reply, who refused, the recipients, when."""

    status: str | None
    diagnostic: str | None
    remote_mta: str | None
    reporting_mta: str | None
    final_recipient: str | None
    actual_recipient: str | None  # the address before an alias expanded it
    original_from: str | None
    original_return_path: str | None
    original_received: tuple[str, ...]  # the returned message's Received lines, newest first
    arrival: datetime | None
    last_attempt: datetime | None
    evidence: tuple[str, ...]
    replies: str  # every remote reply quoted in the report

    @property
    def permanent(self) -> bool:
        return bool(self.status and self.status.startswith("5"))


def _dates(analysis: Analysis) -> dict[str, datetime]:
    out: dict[str, datetime] = {}
    for m in _DATE_FIELD.finditer(body_text(analysis)):
        when = parse_date(m.group(2).strip())[0]
        if when is not None:
            out.setdefault(m.group(1).lower(), when)
    return out


def read_report(analysis: Analysis) -> Report | None:
    """The bounce facts, or None when analyze() did not recognise a non-delivery report."""
    ndr = analysis.ndr
    if ndr is None:
        return None
    first = ndr.failed[0] if ndr.failed else None
    original = ndr.original
    status = first.effective_status if first else None
    if first is not None and first.smtp_code and not status:
        status = str(first.smtp_code)
    dates = _dates(analysis)
    evidence = [f"{ndr.format.value} ({ndr.detected_by or 'recognised'})"]
    return Report(
        status=status,
        diagnostic=first.diagnostic if first else None,
        remote_mta=(first.remote_mta or first.remote_ip) if first else None,
        reporting_mta=ndr.reporting_mta,
        final_recipient=first.address if first else None,
        actual_recipient=first.original_recipient if first else None,
        original_from=original.from_addr.address if original and original.from_addr else None,
        original_return_path=(
            original.return_path.address if original and original.return_path else None
        ),
        original_received=tuple(h.received.raw for h in reversed(original.chain.hops))
        if original
        else (),
        arrival=dates.get("arrival-date"),
        last_attempt=dates.get("last-attempt-date"),
        evidence=tuple(evidence),
        replies=" ".join(r.diagnostic for r in ndr.recipients),
    )
