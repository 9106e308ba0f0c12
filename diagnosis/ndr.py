"""Recognise a non-delivery report and read the few DSN facts the diagnosis needs (RFC 3464).

A small reader of the report's text: the status, the remote server's reply, the recipients and
the returned message's sender; timestamps for the time the reporting server held the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from headerlens.diagnosis.inputs import body_text, first
from headerlens.model import Analysis
from headerlens.parsers.dates import parse_date

_SUBJECT = re.compile(
    r"^(?:undeliverable|undelivered mail|delivery status notification \(failure\)|mail delivery "
    r"failed|returned mail|failure notice|delivery failure|non[- ]?delivery|postmaster notify)",
    re.IGNORECASE,
)
_DAEMON = re.compile(r"\b(?:mailer-daemon|postmaster|mail delivery (?:system|subsystem))\b", re.I)
_FIELD = re.compile(r"^(?P<name>[A-Za-z-]+)\s*:\s*(?P<value>.*(?:\n[ \t]+.*)*)", re.MULTILINE)
_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_REPLY = re.compile(r"\b([45]\d\d)[ -]([45]\.\d{1,3}\.\d{1,3})?", re.MULTILINE)
_EXPANDED = re.compile(r"\(expanded from:?\s*<?([^>)\s]+)>?\)", re.IGNORECASE)
_REPLY_LINES = re.compile(r"^.*\b[45]\d\d[ -]\d?\.?\d*\.?\d*.*(?:\n.*)?$", re.MULTILINE)
_QMAIL = re.compile(r"This is the qmail-send program", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Report:
    """What a bounce says: the status, the reply, who refused, the recipients, when."""

    status: str | None
    diagnostic: str | None
    remote_mta: str | None
    reporting_mta: str | None
    final_recipient: str | None
    actual_recipient: str | None
    expanded_from: str | None
    original_from: str | None
    original_return_path: str | None
    original_received: tuple[str, ...]
    arrival: datetime | None
    last_attempt: datetime | None
    evidence: tuple[str, ...]
    replies: str  # the remote server's reply lines as quoted in the report, with what follows

    @property
    def permanent(self) -> bool:
        return bool(self.status and self.status.startswith("5")) or bool(
            self.diagnostic and re.match(r"\s*5\d\d", self.diagnostic)
        )


def _dsn_fields(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _FIELD.finditer(text):
        name = m.group("name").lower()
        value = re.sub(r"\s*\n[ \t]+", " ", m.group("value")).strip()
        if name in {
            "status",
            "diagnostic-code",
            "remote-mta",
            "reporting-mta",
            "final-recipient",
            "x-actual-recipient",
            "arrival-date",
            "last-attempt-date",
        }:
            out.setdefault(name, value)
    return out


def _after_type(value: str | None) -> str | None:
    if not value:
        return None
    return value.split(";", 1)[-1].strip() or None


def _returned(text: str) -> tuple[str | None, str | None, tuple[str, ...]]:
    """From, Return-Path and Received lines of the returned message (the last header block)."""
    froms = re.findall(r"^From:\s*(.+)$", text, re.MULTILINE)
    paths = re.findall(r"^Return-Path:\s*(.+)$", text, re.MULTILINE | re.IGNORECASE)
    received = re.findall(r"^Received:\s*(.+(?:\n[ \t]+.+)*)", text, re.MULTILINE)
    return (
        froms[-1].strip() if froms else None,
        paths[-1].strip() if paths else None,
        tuple(re.sub(r"\s+", " ", r) for r in received),
    )


def read_report(analysis: Analysis) -> Report | None:
    """The bounce facts, or None when the message is not a non-delivery report."""
    ctype = (first(analysis, "content-type") or "").lower()
    subject = analysis.subject or ""
    sender = first(analysis, "from") or ""
    text = body_text(analysis)
    evidence: list[str] = []
    if "multipart/report" in ctype and "delivery-status" in ctype:
        evidence.append("Content-Type: multipart/report; report-type=delivery-status")
    if _SUBJECT.match(subject.strip()):
        evidence.append(f"Subject: {subject.strip()[:60]}")
    if _QMAIL.search(text):
        evidence.append("qmail-send failure notice")
    if first(analysis, "x-failed-recipients"):
        evidence.append("X-Failed-Recipients")
    if first(analysis, "x-ms-exchange-message-is-ndr") is not None:
        evidence.append("X-MS-Exchange-Message-Is-Ndr")
    daemon = bool(_DAEMON.search(sender))
    # a null Return-Path alone is no bounce (spam uses it too): a report format, an NDR subject
    # from a mailer daemon, or the qmail notice are needed
    strong = any(
        e.startswith(("Content-Type", "qmail", "X-Failed", "X-MS-Exchange")) for e in evidence
    )
    if not (strong or (daemon and evidence)):
        return None
    if daemon:
        evidence.append(f"From: {sender.strip()[:60]}")
    dsn = _dsn_fields(text)
    diagnostic = _after_type(dsn.get("diagnostic-code"))
    if diagnostic is None:
        m = re.search(r"^.*\b[45]\d\d[ -][45]\.\d+\.\d+.*$", text, re.MULTILINE)
        diagnostic = m.group(0).strip() if m else None
    status = dsn.get("status")
    if status is None and diagnostic:
        m = _STATUS.search(diagnostic)
        status = m.group(1) if m else None
    remote = _after_type(dsn.get("remote-mta"))
    if remote is None:
        m = re.search(r"remote host ([\w.-]+|\d+\.\d+\.\d+\.\d+)", text, re.IGNORECASE)
        remote = m.group(1) if m else None
    exp = _EXPANDED.search(text)
    o_from, o_rp, o_received = _returned(text)
    arrival = parse_date(dsn["arrival-date"])[0] if "arrival-date" in dsn else None
    last = parse_date(dsn["last-attempt-date"])[0] if "last-attempt-date" in dsn else None
    return Report(
        status=status,
        diagnostic=diagnostic,
        remote_mta=remote,
        reporting_mta=_after_type(dsn.get("reporting-mta")),
        final_recipient=_after_type(dsn.get("final-recipient")),
        actual_recipient=_after_type(dsn.get("x-actual-recipient")),
        expanded_from=exp.group(1) if exp else None,
        original_from=o_from,
        original_return_path=o_rp,
        original_received=o_received,
        arrival=arrival,
        last_attempt=last,
        evidence=tuple(evidence),
        replies=" ".join(m.group(0) for m in _REPLY_LINES.finditer(text))[:4000],
    )
