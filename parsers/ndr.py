"""Recognise non-delivery reports (RFC 3464 DSNs and vendor bounces) and read each failed recipient.

Pure: bytes in, ``NonDelivery`` (without the nested analysis) and the original's bytes out.
Python's ``email`` package reads the MIME structure and the message/delivery-status fields
(RFC 3464 §2). flufl.bounce (GNU Mailman's detectors) recognises the layouts we have no reader
for and names their failed addresses; it gives no status code, diagnostic or remote server, so
the status reading below is ours.
"""

from __future__ import annotations

import email
import email.message
import json
import logging
import re
from collections.abc import Callable
from dataclasses import replace
from email import policy

from headerlens import budgets
from headerlens.model.codes import Code
from headerlens.model.core import Defect, HeaderField
from headerlens.model.ndr import (
    FailedRecipient,
    NdrFormat,
    NonDelivery,
    OriginalKind,
)
from headerlens.parsers import (
    ndr_text,
    ndr_text_carrier,
    ndr_text_local,
    ndr_text_more,
    ndr_text_other,
)
from headerlens.parsers.ndr_explain import REMOTE_WORDS, explain, local_delivery
from headerlens.parsers.ndr_gate import NO_ENVELOPE, bounce_sender, looks_like_ndr
from headerlens.parsers.ndr_mime import dsn_fields, raw_original, text_dsn, text_of
from headerlens.parsers.ndr_rejecter import author_domain, self_named, sender_host
from headerlens.parsers.ndr_text import TextHit


def _format(fields: tuple[HeaderField, ...], text: str, report: bool) -> NdrFormat:
    names = {f.lname: f.value for f in reversed(fields)}
    sender = names.get("from", "").lower()
    if (
        "x-ms-exchange-message-is-ndr" in names
        or ndr_text._EXCH_DIAG.search(text)
        or "did not reach some or all of the intended recipients" in text
        or "did not reach the following recipient(s)" in text  # Exchange 5.5 IMS
    ):
        return NdrFormat.EXCHANGE
    checks = (
        (NdrFormat.POSTFIX, "This is the mail system at host"),
        (NdrFormat.EXIM, "created automatically by mail delivery software"),
        (NdrFormat.SENDMAIL, "addresses had permanent fatal errors"),
        (NdrFormat.QMAIL, "This is the qmail-send program"),
        (NdrFormat.MIMECAST, "This is an automated alert notification"),
    )
    for fmt, sign in checks:
        if sign in text:
            return fmt
    if "googlemail.com" in sender or "google.com" in sender or "** Address not found **" in text:
        return NdrFormat.GMAIL
    # Symantec's relay words its notice like Yahoo's ("unable to deliver your message to the
    # following addresses"): its own name and sender tell them apart.
    if "messagelabs.com" in sender or "mail delivery agent at Symantec Email Security" in text:
        return NdrFormat.MESSAGELABS
    if (
        "yahoo" in sender
        or "Sorry, we were unable to deliver your message to the following" in text
    ):
        return NdrFormat.YAHOO
    # Trend Micro InterScan MSS: From "InterScan MSS" <postmaster@…>, its MIME boundary
    # "InterScan_NT_MIME_Boundary", its text "Message from InterScan Messaging Security Suite"
    if (
        "interscan" in sender
        or "interscan_nt_mime_boundary" in names.get("content-type", "").lower()
        or "InterScan Messaging Security" in text
    ):
        return NdrFormat.INTERSCAN
    if any(n.startswith("x-mimecast") for n in names):
        return NdrFormat.MIMECAST
    # SES's notification JSON, raw or (SNS's e-mail subscription) as the escaped "Message" string
    if '"notificationType":"Bounce"' in text.replace(" ", "").replace('\\"', '"'):
        return NdrFormat.AMAZON_SES
    return NdrFormat.DSN if report else NdrFormat.OTHER


def _hits(fmt: NdrFormat, text: str, report: bool) -> tuple[list[TextHit], str | None, str]:
    """The recipients the text names, the host that generated the notice (DragonFly's) and,
    when a reader of a layout with no format of its own found them, whose layout that is."""
    readers = {
        NdrFormat.POSTFIX: ndr_text.postfix,
        NdrFormat.EXIM: ndr_text_local.exim,
        NdrFormat.SENDMAIL: ndr_text.sendmail,
        NdrFormat.QMAIL: ndr_text.qmail,
        NdrFormat.YAHOO: ndr_text.qmail,
        NdrFormat.MIMECAST: ndr_text_other.mimecast,
        NdrFormat.GMAIL: ndr_text.gmail,
        NdrFormat.INTERSCAN: ndr_text_other.interscan,
    }
    if fmt is NdrFormat.EXCHANGE:
        return (*ndr_text.exchange(text), "")
    reader = readers.get(fmt)
    found = reader(text) if reader is not None else []
    if found:
        return found, None, ""
    # layouts without a format of their own (or whose first line reads like another's: Zoho
    # writes Exim's "created automatically by mail delivery software")
    for other, layout in _LAYOUTS.items():
        hits = other(text)
        if hits:
            host = ndr_text_other.dma_host(text) if other is ndr_text_other.dma else None
            return hits, host, layout
    # "<rcpt>:" then the reason: qmail's layout, copied by others (X2); a report's own
    # Diagnostic-Code says more than a text of unknown layout
    hits = [] if report else ndr_text.qmail(text)
    return hits, None, 'qmail\'s "<rcpt>:" layout' if hits else ""


# The readers of layouts with no format of their own, and whose layout each reads (named in the
# report instead of the detector's: a reader, not flufl.bounce, found these recipients).
_LAYOUTS: dict[Callable[[str], list[TextHit]], str] = {
    ndr_text_local.sendmail_transcript: "a Sendmail session transcript",
    ndr_text_local.exim_malformed: "Exim's notice",
    ndr_text_local.x3: "the X3 notice layout",
    ndr_text_local.sendgrid: "SendGrid's notice",
    ndr_text_local.groupwise: "GroupWise's notice",
    ndr_text_local.einsundeins: "1&1 / IONOS's notice",
    ndr_text_other.dma: "DragonFly Mail Agent's notice",
    ndr_text_other.opensmtpd: "OpenSMTPD's notice",
    ndr_text_other.notes: "Lotus Notes' notice",
    ndr_text_other.zoho: "Zoho Mail's notice",
    ndr_text_other.gmx: "GMX / WEB.DE's notice",
    ndr_text_other.domino: "Domino's notice",
    ndr_text_other.imail: "IMail Server's notice",
    ndr_text_other.mfilter: "m-FILTER's notice",
    ndr_text_other.mailmarshal: "MailMarshal's notice",
    ndr_text_other.interscan: "InterScan MSS's notice",
    ndr_text_other.x1: "the X1 notice layout",
    ndr_text_other.messaging_server: "Oracle Communications Messaging Server's notice",
    ndr_text_more.mailfoundry: "MailFoundry's notice",
    ndr_text_more.surfcontrol: "SurfControl's notice",
    ndr_text_more.telekom: "Deutsche Telekom (T-Online)'s notice",
    ndr_text_more.x6: "the X6 notice layout",
    ndr_text_more.communigate: "CommuniGate Pro's notice",
    ndr_text_carrier.ezweb: "au/EZweb's notice",
    ndr_text_carrier.kddi: "au by KDDI's notice",
    ndr_text_carrier.biglobe: "BIGLOBE's notice",
}


def _carrier_hits(
    hits: list[TextHit], fields: tuple[HeaderField, ...], null_envelope: bool | None
) -> list[TextHit]:
    """A carrier's notice is a sentence and an address, which anybody can write: it is read only
    with the receiver's null envelope (or none shown, from a bounce sender: then judged as any
    message), never from a sender that gave the receiver an address of its own; and the report's
    own addressee is never its failed recipient (a notice about the reader's own address)."""
    if not (null_envelope or (null_envelope is None and bounce_sender(fields))):
        return []
    own = {a.lower() for f in fields if f.lname == "to" for a in _ADDRESSES.findall(f.value)}
    return [h for h in hits if h.address.lower() not in own]


_CARRIERS = frozenset(
    _LAYOUTS[r] for r in (ndr_text_carrier.ezweb, ndr_text_carrier.kddi, ndr_text_carrier.biglobe)
)


def _ses(text: str) -> tuple[list[FailedRecipient], bytes | None]:
    """Amazon SES bounce notification (JSON sent through SNS)."""
    start = text.find("{")
    try:
        # SNS folds long lines inside JSON strings: accept control characters there.
        doc, _ = json.JSONDecoder(strict=False).raw_decode(text[start:]) if start >= 0 else ({}, 0)
    except ValueError:
        return [], None
    if isinstance(doc, dict) and "bounce" not in doc and isinstance(doc.get("Message"), str):
        # Amazon SNS's e-mail notification wraps SES's JSON as the string "Message"
        try:
            doc = json.loads(doc["Message"], strict=False)
        except ValueError:
            return [], None
    bounce = doc.get("bounce") if isinstance(doc, dict) else None
    if not isinstance(bounce, dict):
        return [], None
    mta = str(bounce.get("reportingMTA", "")).split(";")[-1].strip() or None
    out = [
        FailedRecipient(
            address=str(r.get("emailAddress", "")),
            action=str(r.get("action", "failed")),
            status=r.get("status") if isinstance(r.get("status"), str) else None,
            diagnostic=ndr_text.clean_reply(str(r.get("diagnosticCode", "")).split(";", 1)[-1]),
            reporting_mta=mta,
        )
        for r in bounce.get("bouncedRecipients", ())
        if isinstance(r, dict)
    ]
    headers = doc.get("mail", {}).get("headers") if isinstance(doc.get("mail"), dict) else None
    original = None
    if isinstance(headers, list):
        lines = [
            f"{ndr_text.unfold(str(h.get('name')))}: {ndr_text.unfold(str(h.get('value')))}"
            for h in headers
            if isinstance(h, dict)
        ]
        original = ("\r\n".join(lines) + "\r\n").encode("utf-8", "replace") if lines else None
    return out, original


def _merge(dsn: list[FailedRecipient], hits: list[TextHit]) -> list[FailedRecipient]:
    """Complete the DSN's recipients from the text (fuller replies, remote IP, SMTP stage)."""
    if not dsn:
        return [
            FailedRecipient(
                address=h.address,
                original_recipient=h.original_recipient,
                action=h.action or "failed",
                diagnostic=h.diagnostic,
                remote_mta=h.remote_mta,
                remote_ip=h.remote_ip,
                remote_domain=h.remote_domain,
                smtp_stage=h.stage,
            )
            for h in hits
        ]
    by_addr = {h.address.lower(): h for h in hits}
    out = []
    for i, r in enumerate(dsn):
        hit = by_addr.get(r.address.lower()) or (hits[i] if len(hits) == len(dsn) else None)
        if hit is None:
            out.append(r)
            continue
        longer = len(hit.diagnostic) > len(r.diagnostic)
        out.append(
            FailedRecipient(
                address=r.address,
                original_recipient=r.original_recipient or hit.original_recipient,
                action=r.action,
                status=r.status,
                diagnostic=hit.diagnostic if longer or not r.diagnostic else r.diagnostic,
                reporting_mta=r.reporting_mta,
                remote_mta=r.remote_mta or hit.remote_mta,
                remote_ip=hit.remote_ip or r.remote_ip,
                remote_domain=hit.remote_domain,
                smtp_stage=hit.stage,
            )
        )
    return out


# (?<!...) starts a match only where a run of address characters starts: a long run without
# an @ is then tried once, not once per character (that was quadratic: 40 KB took 16 s).
_ADDRESSES = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w.-]+")
_MESSAGE_IDS = re.compile(
    r"^(?:Message-ID|References|In-Reply-To)\s*:\s*<?([^>\s]+@[^>\s]+)>?", re.I | re.M
)


def parse_ndr(
    fields: tuple[HeaderField, ...], data: bytes, null_envelope: bool | None = False
) -> tuple[NonDelivery, bytes | None] | None:
    """Read ``data`` as a bounce; None when it is not one. Never raises on bad input.

    ``null_envelope``: the final receiver wrote ``Return-Path: <>``. Only then, and only from a
    bounce sender (MAILER-DAEMON@, postmaster@…), is a notice with no layout of its own read from
    its words; a body alone never makes a message a bounce. None: the copy has no Return-Path
    at all; then the notice must also echo the SMTP transaction it failed (MAIL FROM and RCPT TO
    lines, a 4xx/5xx reply), and it is marked as read without an envelope (``NO_ENVELOPE``). A
    receiver's non-null Return-Path rules a plain notice out: bounces have a null sender.
    """
    if not looks_like_ndr(fields, data, null_envelope):
        return None
    if len(data) > int(budgets.NDR_PARSE_BYTES.limit):
        return None
    msg = email.message_from_bytes(data, policy=policy.compat32)
    text = text_of(msg)
    report = msg.get_content_type() == "multipart/report"
    kind_of_report = msg.get_param("report-type")
    if (
        report
        and isinstance(kind_of_report, str)
        and kind_of_report.lower()
        not in (
            "",
            "delivery-status",
        )
    ):
        # RFC 6522 reports of other kinds: read receipts (disposition-notification, RFC 8098),
        # complaints (feedback-report, RFC 5965), TLS reports… say nothing failed to deliver
        return None
    fmt = _format(fields, text, report)
    reporting, dsn, dates = dsn_fields(msg)
    scan = text[: int(budgets.NDR_TEXT_BYTES.limit)]  # the readers' regexes see a bounded text
    hits, generating, layout = _hits(fmt, scan, report)
    if layout in _CARRIERS:
        hits = _carrier_hits(hits, fields, null_envelope)
        layout = layout if hits else ""
    detected = (
        "multipart/report" if dsn else f"text signature: {layout}" if layout else "text signature"
    )
    if layout in _CARRIERS and null_envelope is None:
        detected = NO_ENVELOPE
    if not dsn:
        # the report's fields written into the notice's text (WorkMail's multipart/mixed)
        reporting, dsn, dates = text_dsn(scan)
        detected = "delivery-status fields in the text" if dsn else detected
        fmt = NdrFormat.DSN if dsn and fmt is NdrFormat.OTHER else fmt
    original, kind = raw_original(data, msg)
    if fmt is NdrFormat.AMAZON_SES:
        dsn, original = _ses(text)
        reporting = next((r.reporting_mta for r in dsn if r.reporting_mta), None)
        kind = OriginalKind.QUOTED if original else OriginalKind.NONE
    recipients = _merge(dsn, hits)
    defects: list[Defect] = []
    if not recipients:
        # flufl.bounce's detectors also pick up the sender's own address (the report's To) and
        # Message-IDs of the quoted copy: neither is a failed recipient
        own = {a.lower() for f in fields if f.lname == "to" for a in _ADDRESSES.findall(f.value)}
        ids = {a.lower() for a in _MESSAGE_IDS.findall(text)}
        failed = [a for a in _flufl(data, defects) if a.lower() not in own | ids]
        header = [f.value for f in fields if f.lname == "x-failed-recipients"]
        addresses = failed or [a.strip() for v in header for a in v.split(",") if a.strip()]
        words = null_envelope or (null_envelope is None and ndr_text_local.echoed(scan))
        plain = (
            ndr_text_local.plain(scan, own)
            if not addresses and not report and words and bounce_sender(fields)
            else []
        )
        if not addresses and not plain and not report:
            return None
        response = ndr_text.gmail_response(scan)
        recipients = [FailedRecipient(address=a, diagnostic=response) for a in addresses]
        detected = "flufl.bounce" if failed else "X-Failed-Recipients"
        if plain:
            recipients, detected, fmt = (
                _merge([], plain),
                "null envelope and its words" if null_envelope else NO_ENVELOPE,
                NdrFormat.PLAIN,
            )
    recipients = _local_parts(recipients, fields)
    if original is None:
        quoted = ndr_text.quoted_original(text)
        if quoted:
            original, kind = quoted.encode("utf-8", "surrogateescape"), OriginalKind.QUOTED
    reporter = reporting or generating or sender_host(fields) or self_named(text)
    if reporting and re.fullmatch(r"\[?[\d.]+\]?|\[?[0-9a-f:]*:[0-9a-f:.]*\]?", reporting, re.I):
        # a Reporting-MTA given only as an (internal) IP address: the bounce's own host says who
        reporter = sender_host(fields) or generating or reporter
    author = author_domain(original)
    context = text[:4096] if fmt is NdrFormat.GMAIL else ""
    cap = int(budgets.NDR_RECIPIENTS.limit)
    if len(recipients) > cap:
        defects.append(
            budgets.exceeded(
                budgets.NDR_RECIPIENTS, len(recipients), f"Only the first {cap} are explained."
            )
        )
        recipients = recipients[:cap]
    return NonDelivery(
        format=fmt,
        reporting_mta=reporter,
        recipients=tuple(
            explain(r, fmt, reporter, author, context, bool(REMOTE_WORDS.search(scan)))
            for r in recipients
        ),
        original_kind=kind,
        detected_by=detected,
        defects=tuple(defects),
        arrival=dates.get("arrival"),
        last_attempt=dates.get("last-attempt"),
    ), original


def _local_parts(
    recipients: list[FailedRecipient], fields: tuple[HeaderField, ...]
) -> list[FailedRecipient]:
    """A bare local part in the text (Exim lists "kijitora") completed from X-Failed-Recipients."""
    listed = [
        a.strip()
        for f in fields
        if f.lname == "x-failed-recipients"
        for a in f.value.split(",")
        if "@" in a
    ]
    out = []
    for r in recipients:
        if "@" not in r.address and not local_delivery(r.address):
            full = [a for a in listed if a.split("@")[0].lower() == r.address.lower()]
            r = replace(r, address=full[0]) if len(full) == 1 else r
        out.append(r)
    return out


class _Caught(logging.Handler):
    """The detectors that failed, as (detector name, exception type), from flufl's log."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.failures: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, tuple) else ()
        detector = getattr(args[0], "__name__", "?") if args else "?"
        error = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else "error"
        self.failures.append((str(detector), error))


def _flufl(data: bytes, defects: list[Defect]) -> list[str]:
    """Failed addresses from flufl.bounce's detectors (temporary and permanent).

    Its line-by-line detectors cost seconds on a large body, so they read only the first
    ``budgets.NDR_TEXT_BYTES`` of the input: the notice and its status part come first.
    """
    # Imported here, for bounces only: compiling its detectors' patterns at import cost every
    # start (and the console's first paint) more than the rest of the NDR reader.
    from flufl.bounce import all_failures

    head = data[: int(budgets.NDR_TEXT_BYTES.limit)]
    # flufl.bounce logs a detector's exception with its traceback (logging.exception) and goes
    # on; without a handler Python prints it on stderr, under the report: keep it as a defect.
    caught = _Caught()
    log = logging.getLogger("flufl.bounce")
    log.addHandler(caught)
    propagate, log.propagate = log.propagate, False
    try:
        temporary, permanent = all_failures(email.message_from_bytes(head, policy=policy.compat32))
    except Exception as exc:  # a detector's bug must not take the analysis down
        defects.append(Defect(Code.NDR_DETECTOR, f"flufl.bounce failed ({type(exc).__name__})."))
        return []
    finally:
        log.removeHandler(caught)
        log.propagate = propagate
    defects += [
        Defect(Code.NDR_DETECTOR, f"flufl.bounce's {name} detector failed ({error}); skipped.")
        for name, error in dict.fromkeys(caught.failures)
    ]
    found = sorted({a.decode("utf-8", "replace") for a in permanent | temporary})
    return [a for a in found if "@" in a and len(a) < 320 and '"' not in a]
