"""The cheap tests of whether an input looks like a bounce or a complaint, before their readers load."""

from __future__ import annotations

import re

from headerlens import budgets
from headerlens.model.core import HeaderField

_SUBJECT = re.compile(
    r"undeliver|undelivered|delivery (?:status notification|has failed|failure)|returned mail|"
    r"mail delivery failed|failure notice|non remis|unzustellbar|delivery failure|"
    r"returning message to sender|postmaster notify|message you sent blocked",
    re.I,
)
_FROM = re.compile(r"mailer-daemon|postmaster|mail delivery", re.I)
# Phrases only bounces contain, matched in the lower-cased head of the input with ``in`` (a
# case-insensitive regex alternation over 64 KiB cost 6 ms per ordinary message).
_BODY_SIGNS = (
    b"diagnostic information for administrators",
    b"did not reach some or all of the intended recipients",
    b"error has occurred while attempting to deliver a message for",  # OpenSMTPD
    b"------- failure reasons",  # Lotus Notes
    b"this is the mail system at host",
    b"created automatically by mail delivery software",
    b"this is the qmail-send program",
    b"following addresses had permanent fatal errors",
    b"the following addresses had delivery problems",  # McAfee Email Gateway
    b"reporting-mta:",
    b"remote server returned",
    b'"notificationtype":"bounce"',
    b'"notificationtype": "bounce"',
    b'\\"notificationtype\\":\\"bounce\\"',  # wrapped in Amazon SNS's "Message" string
    b"this is an automated alert notification",
    b"unable to deliver your message",
    b"** address not found **",
    b"** message not delivered **",
    b"the response from the remote server was:",
    # Japanese carriers' own notices (parsers/ndr_text_carrier: read only with a null envelope)
    b"could not be delivered to: <",  # au by KDDI
    b"the user(s) account is ",  # au/EZweb
    b"----- non-delivered information -----",  # BIGLOBE
)


# How a plain notice was recognised when the copy shows no envelope sender: the diagnosis then
# still judges its From as for any message (a phish dressed as a bounce keeps its failures).
NO_ENVELOPE = (
    "no envelope sender in this copy: read from its bounce sender, its SMTP transaction echo "
    "(MAIL FROM, RCPT TO) and its reply"
)

# The local part a bounce is sent from (RFC 5321 §4.5.5: with a null reverse-path).
_BOUNCE_SENDER = re.compile(
    r"(?:^|[<\s\"])(?:mailer[-_]?daemon|post_?master|mail[-_]?delivery[-_]?(?:subsystem|system)?|"
    r"mdaemon|bounces?)@",
    re.I,
)


def bounce_sender(fields: tuple[HeaderField, ...]) -> bool:
    """The From is a bounce sender's address (MAILER-DAEMON@, postmaster@, post_master@…)."""
    return any(f.lname == "from" and _BOUNCE_SENDER.search(f.value) for f in fields)


def looks_like_ndr(
    fields: tuple[HeaderField, ...], data: bytes, null_envelope: bool | None = False
) -> bool:
    """Cheap gate: only messages that look like a bounce are parsed as one. ``null_envelope``:
    the receiver recorded an empty envelope sender (its own Return-Path: <>), which with a bounce
    sender's From makes a plain notice worth reading as one; None: the copy shows no envelope
    at all, and then only a notice that echoes the SMTP transaction (MAIL FROM, RCPT TO) is."""
    if null_envelope and bounce_sender(fields):
        return True
    if null_envelope is None and bounce_sender(fields):
        head = data[: int(budgets.NDR_SCAN_BYTES.limit)].lower()
        if b"mail from:" in head and b"rcpt to:" in head:
            return True
    for f in fields:
        name = f.lname
        if name == "content-type" and "report" in f.value.lower():
            return True
        if name in ("x-failed-recipients", "x-ms-exchange-message-is-ndr"):
            return True
        if name == "subject" and _SUBJECT.search(f.value):
            return True
        if name == "from" and _FROM.search(f.value):
            return True
    head = data[: int(budgets.NDR_SCAN_BYTES.limit)].lower()
    return any(sign in head for sign in _BODY_SIGNS)


# Phrases only complaint reports carry, matched in the lower-cased head of the input.
_FEEDBACK_SIGNS = (
    b"message/feedback-report",
    b"x-hmxmroriginalrecipient:",  # Microsoft JMRP / Outlook.com: the complainant's address
)


def looks_like_feedback(fields: tuple[HeaderField, ...], data: bytes) -> bool:
    """Cheap gate: only inputs that look like a complaint report are parsed as one."""
    for f in fields:
        if f.lname == "content-type" and "feedback-report" in f.value.lower():
            return True
    head = data[: int(budgets.NDR_SCAN_BYTES.limit)].lower()
    return any(sign in head for sign in _FEEDBACK_SIGNS)
