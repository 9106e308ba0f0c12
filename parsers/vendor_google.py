"""Decoders for Gmail / Google Workspace headers (X-Received, X-Gm-*, X-Google-*, X-Gmail-*).

Google documents almost none of these; most values are encoded Google-internal data, so they
are explained, never decoded. X-Received follows the Received syntax of RFC 5321 §4.4 and is
read minimally here (by / with / id / date, all as text).
"""

from __future__ import annotations

import re

from headerlens.model.core import HeaderField, Severity
from headerlens.model.vendor import DecodedField, VendorHeader
from headerlens.parsers.vendor_base import Decoder, described, header

GMAIL = "Gmail"
_OPAQUE = "encoded Google-internal value; Google does not document it, so it is not decoded."

# "by HOST with PROTO id ID" clauses; values are single tokens.
_CLAUSE = re.compile(r"\b(by|with|id|via|from|for)\s+(\S+)", re.IGNORECASE)


def decode_x_received(field: HeaderField) -> VendorHeader:
    """X-Received: Google's record of an internal hop, written like a Received field.

    Read minimally: the clauses before the last ``;`` and the date after it (RFC 5321 §4.4).
    """
    value = field.value
    clauses, semi, date_text = value.rpartition(";")
    if not semi:
        clauses, date_text = value, ""
    fields: list[DecodedField] = []
    labels = {
        "by": "Receiving host",
        "with": "Protocol",
        "id": "Internal ID",
        "via": "Via",
        "from": "From",
        "for": "For",
    }
    for m in _CLAUSE.finditer(clauses):
        key = m.group(1).lower()
        fields.append(DecodedField(key, m.group(2), labels[key]))
    date_text = date_text.strip()
    if date_text:
        # Kept as text on purpose: the stdlib date parser (email.utils) imports socket, which the
        # pure layer must not load; the Received parser owns date handling.
        fields.append(DecodedField("date", date_text, "Date"))
    by = next((f.value for f in fields if f.key == "by"), None)
    if by and not _google_by(by):
        # groups.io and other relays copy Gmail's field name for their own internal hops
        summary = (
            f"A Received-style record of an internal hop by {by}: X-Received is Gmail's field "
            "name, but this host is not Google's (another relay writes it the same way)."
        )
        return header(field, OTHER_RELAY, summary, tuple(fields))
    summary = "Google-internal hop (not a public Received hop)" + (f" by {by}" if by else "") + "."
    return header(field, GMAIL, summary, tuple(fields))


OTHER_RELAY = "Relay (not Google)"
# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches Google's relays should not pay for compiling it before the console's first frame.
# Google's internal hosts: an internal address (10/8, 2002::/16 and other IPv6), or a Google name.
_GOOGLE_NAME = r"(?i)(?:^|\.)(?:google\.com|gmail\.com|googlemail\.com|1e100\.net)\.?$"


def _google_by(by: str) -> bool:
    """Whether an X-Received ``by`` can be Google's: any address but loopback, or a Google name."""
    host = by.strip("[]").lower()
    if re.fullmatch(r"[\d.]+", host):
        return not host.startswith("127.")
    return ":" in host or re.search(_GOOGLE_NAME, host) is not None


def decode_google_dkim(field: HeaderField) -> VendorHeader:
    """X-Google-DKIM-Signature: Google's own internal signature (d=1e100.net), not the sender's."""
    fields: list[DecodedField] = []
    for item in field.value.split(";"):
        key, eq, value = item.strip().partition("=")
        if eq and key.strip() in ("d", "s", "a"):
            label = {"d": "Signing domain", "s": "Selector", "a": "Algorithm"}[key.strip()]
            fields.append(DecodedField(key.strip(), re.sub(r"\s+", "", value), label))
    summary = (
        "Google's internal DKIM signature (usually d=1e100.net); receivers do not use it "
        "for DMARC, and it is not the sender's DKIM-Signature."
    )
    return header(field, GMAIL, summary, tuple(fields))


def decode_flag(label: str) -> Decoder:
    """X-Gm-Spam / X-Gm-Phishy: a 0/1 flag of Google Workspace's scan, shown literally. Real copies
    carry it next to ``X-CLOUD-SEC-AV-Info: <tenant>,google_mail,monitor``: the sending tenant's
    outbound scan, not a folder the recipient's mailbox chose (diagnosis/outcome never reads it)."""

    def decode(field: HeaderField) -> VendorHeader:
        value = field.value.strip()
        if value == "1":
            f = DecodedField("value", field.value, label, "Flag set.", Severity.WARNING)
        elif value == "0":
            f = DecodedField("value", field.value, label, "Flag not set.")
        else:
            f = DecodedField("value", field.value, label)
        said = f"Google Workspace scan {label.lower()}: {f.meaning or field.value}"
        return header(field, GMAIL, f"{said} (usually the sending tenant's outbound scan)", (f,))

    return decode


EXACT: dict[str, Decoder] = {
    "x-received": decode_x_received,
    "x-google-dkim-signature": decode_google_dkim,
    "x-gm-message-state": described(
        GMAIL, "Gmail message state", "Added by Gmail when it sends; " + _OPAQUE
    ),
    "x-google-smtp-source": described(
        GMAIL, "Google SMTP source", "Added by Google's sending servers; " + _OPAQUE
    ),
    "x-gm-gg": described(GMAIL, "Gmail data", _OPAQUE.capitalize()),
    "x-gm-features": described(GMAIL, "Gmail features", _OPAQUE.capitalize()),
    "x-gm-spam": decode_flag("Spam flag"),
    "x-gm-phishy": decode_flag("Phishing flag"),
    "x-google-group-id": described(
        GMAIL, "Google Group ID", "Numeric ID of the Google Group that relayed it."
    ),
    "x-gm-original-to": described(
        GMAIL, "Original recipient", "Address the message was first sent to, as Gmail recorded it."
    ),
    "x-google-original-from": described(
        GMAIL, "Original From", "The From before Google (e.g. Google Groups) rewrote it."
    ),
    "x-gmail-original-message-id": described(
        GMAIL, "Original Message-ID", "The Message-ID before Gmail replaced it."
    ),
    "x-gmail-labels": described(
        GMAIL, "Gmail labels", "Labels of the message in the Gmail mailbox (from an export)."
    ),
    "x-gm-thrid": described(
        GMAIL, "Gmail thread ID", "Gmail's conversation (thread) ID (from an export)."
    ),
    "x-gmail-msgid": described(
        GMAIL, "Gmail message ID", "Gmail's numeric message ID (from an export)."
    ),
    "x-gmail-thrid": described(
        GMAIL, "Gmail thread ID", "Gmail's conversation (thread) ID (from an export)."
    ),
    "x-google-sender-auth": described(GMAIL, "Google sender auth", _OPAQUE.capitalize()),
    "x-google-sender-delegation": described(
        GMAIL, "Google sender delegation", "Sent by a delegate of the mailbox owner."
    ),
}

PREFIXES: tuple[tuple[str, Decoder], ...] = (
    ("x-gm-", described(GMAIL, "Gmail header", _OPAQUE.capitalize())),
    ("x-gmail-", described(GMAIL, "Gmail header", _OPAQUE.capitalize())),
    ("x-google-", described(GMAIL, "Google header", _OPAQUE.capitalize())),
)
