"""Recognise complaint and feedback reports (RFC 5965 ARF, RFC 6591 failure reports, JMRP).

Pure: bytes in, ``Feedback`` (without the nested analysis) and the reported message's bytes out.
Python's ``email`` package reads the MIME structure and the message/feedback-report fields.
"""

from __future__ import annotations

import email
import email.message
import re
from email import policy

from headerlens import budgets
from headerlens.model.core import HeaderField
from headerlens.model.feedback import Feedback, FeedbackFormat
from headerlens.model.ndr import OriginalKind
from headerlens.parsers.from_mailbox import mailbox_domain
from headerlens.parsers.ndr_gate import looks_like_feedback


def _first(block: email.message.Message, name: str) -> str | None:
    value = block.get(name)
    if value is None:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def _all(block: email.message.Message, name: str) -> tuple[str, ...]:
    values = (re.sub(r"\s+", " ", str(v)).strip() for v in block.get_all(name, []))
    return tuple(v for v in values if v)


def _fields(msg: email.message.Message) -> email.message.Message | None:
    """The message/feedback-report part's fields (RFC 5965 §3.1), if there is one."""
    for part in msg.walk():
        if part.get_content_type() != "message/feedback-report":
            continue
        payload = part.get_payload()
        if isinstance(payload, list) and payload and isinstance(payload[0], email.message.Message):
            return payload[0]
    return None


def _from_domain(value: str | None) -> str | None:
    """The domain of the report's From address, read by the one From parser."""
    if not value:
        return None
    return mailbox_domain(value) or None


_JMRP_SOURCE = re.compile(r"complaint about message from\s+([0-9a-fA-F.:]+[0-9a-fA-F])", re.I)
_X_REPORTER = re.compile(rb"^X-HmXmrOriginalRecipient:", re.M | re.I)


def parse_feedback(
    fields: tuple[HeaderField, ...], data: bytes
) -> tuple[Feedback, bytes | None] | None:
    """Read ``data`` as a complaint report; None when it is not one. Never raises on bad input."""
    if not looks_like_feedback(fields, data) or len(data) > int(budgets.NDR_PARSE_BYTES.limit):
        return None
    # the returned-message cutter is the bounce reader's (the same MIME layout, RFC 6522)
    from headerlens.parsers.ndr_mime import raw_original

    msg = email.message_from_bytes(data, policy=policy.compat32)
    report = _fields(msg)
    original, kind = raw_original(data, msg)
    headers = {f.lname: f.value for f in reversed(fields)}
    sender = headers.get("from")
    if report is None:
        # Microsoft's JMRP / Outlook.com complaint: the message attached, no ARF part; the
        # complainant's address is stamped into the attached copy.
        if original is None or kind is not OriginalKind.MESSAGE:
            return None
        if _X_REPORTER.search(original[: int(budgets.NDR_SCAN_BYTES.limit)]) is None:
            return None
        source = _JMRP_SOURCE.search(headers.get("subject", ""))
        return Feedback(
            format=FeedbackFormat.JMRP,
            feedback_type="abuse",
            reporter=_from_domain(sender),
            source_ip=source.group(1) if source else None,
            original_kind=kind,
        ), original
    ftype = (_first(report, "Feedback-Type") or "").lower() or None
    auth_failure = (_first(report, "Auth-Failure") or "").lower() or None
    reporting = _first(report, "Reporting-MTA")
    if reporting and ";" in reporting:
        reporting = reporting.split(";", 1)[1].strip()
    return Feedback(
        format=FeedbackFormat.FAILURE if ftype == "auth-failure" else FeedbackFormat.ARF,
        feedback_type=ftype,
        reporter=reporting or _from_domain(sender),
        user_agent=_first(report, "User-Agent"),
        source_ip=_first(report, "Source-IP"),
        original_mail_from=_first(report, "Original-Mail-From"),
        original_rcpt_to=_all(report, "Original-Rcpt-To"),
        reported_domain=_all(report, "Reported-Domain"),
        arrival_date=_first(report, "Arrival-Date") or _first(report, "Received-Date"),
        auth_failure=auth_failure,
        original_kind=kind,
    ), original
