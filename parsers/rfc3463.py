"""RFC 3463 enhanced status codes: classes, subjects, detail codes (§3), and their meaning.

The fallback of the bounce catalogue: a code no vendor documents is explained by its detail
code when RFC 3463 defines it, else by its class and subject. Never an invented meaning.
"""

from __future__ import annotations

import re

from headerlens.model.ndr import CodeMeaning, WhoActs
from headerlens.parsers.digits import is_ascii_digits

RFC3463 = "RFC 3463"
CODE = re.compile(r"^([245])\.([0-9]{1,3})\.([0-9]{1,3})$")  # ASCII digits only

# RFC 3463 §3.x detail codes (subject.detail) and §3.1-3.8 subjects; §3.0 classes.
DETAIL: dict[str, str] = {
    "0.0": "other undefined status",
    "1.0": "other address status",
    "1.1": "bad destination mailbox address",
    "1.2": "bad destination system address",
    "1.3": "bad destination mailbox address syntax",
    "1.4": "destination mailbox address ambiguous",
    "1.6": "destination mailbox has moved",
    "1.7": "bad sender's mailbox address syntax",
    "1.8": "bad sender's system address",
    "2.0": "other or undefined mailbox status",
    "2.1": "mailbox disabled, not accepting messages",
    "2.2": "mailbox full",
    "2.3": "message length exceeds administrative limit",
    "2.4": "mailing list expansion problem",
    "3.0": "other or undefined mail system status",
    "3.1": "mail system full",
    "3.2": "system not accepting network messages",
    "3.4": "message too big for system",
    "4.0": "other or undefined network or routing status",
    "4.1": "no answer from host",
    "4.2": "bad connection",
    "4.3": "directory server failure",
    "4.4": "unable to route",
    "4.5": "mail system congestion",
    "4.6": "routing loop detected",
    "4.7": "delivery time expired",
    "5.0": "other or undefined protocol status",
    "5.1": "invalid command",
    "5.2": "syntax error",
    "5.3": "too many recipients",
    "6.0": "other or undefined media error",
    "7.0": "other or undefined security status",
    "7.1": "delivery not authorized, message refused",
    "7.2": "mailing list expansion prohibited",
    "7.7": "message integrity failure",
}
SUBJECT: dict[str, str] = {
    "0": "other or undefined",
    "1": "addressing",
    "2": "mailbox",
    "3": "mail system",
    "4": "network and routing",
    "5": "mail delivery protocol",
    "6": "message content or media",
    "7": "security or policy",
}
_WHO_BY_SUBJECT = {
    "1": WhoActs.SENDER,
    "2": WhoActs.RECIPIENT_ADMIN,
    "3": WhoActs.RECIPIENT_ADMIN,
    "4": WhoActs.RECIPIENT_ADMIN,
    "5": WhoActs.SENDER_ADMIN,
    "6": WhoActs.SENDER,
    "7": WhoActs.SENDER_ADMIN,
}


# Details whose remedy lies with someone other than their subject's: a message too large is
# sent again smaller by its sender (the receiver's limit is its own policy, RFC 3463 §3.3, §3.4).
_TOO_BIG = (
    WhoActs.SENDER,
    "Send it again smaller (compress or leave out attachments, or share a link); only the "
    "recipient's administrator can raise the size limit.",
)
# A routing loop (X.4.6, in either class: retrying only loops again) is fixed by the administrator
# of the servers that pass the message back and forth, usually the recipient's MX, forwarding or
# connector set-up; the report's Received lines show which servers they are.
_LOOP = (
    WhoActs.RECIPIENT_ADMIN,
    "The servers named in the returned copy's Received lines passed the message back and forth "
    "until the hop limit: their administrator (usually the recipient's: MX records, a forward "
    "or a connector pointing back) must fix the routing. Resending will not help until then.",
)
_WHO_BY_DETAIL = {"2.3": _TOO_BIG, "3.4": _TOO_BIG, "4.6": _LOOP}
_EITHER_CLASS = frozenset({"4.6"})
# What a permanent addressing or mailbox detail asks of whom, when the report gives no reply
# text to read (a status-only DSN, as Exchange 2003 / IIS SMTPSVC and many gateways write them):
# RFC 3463 §3.2 (X.1.1 "the mailbox specified in the address does not exist", X.1.2 "the
# destination system specified in the address does not exist", X.1.3 "the destination address
# was syntactically invalid", X.1.6 "the mailbox address provided was at one time valid, but
# mail is no longer being accepted for that address") and §3.3 (X.2.1 "the mailbox exists, but
# is not accepting messages", X.2.2 "the mailbox is full because the user has exceeded a
# per-mailbox administrative quota").
_NO_TEXT_REMEDY = {
    "1.1": "Check the recipient's address (a typo, or an address that no longer exists) and ask "
    "the recipient for the right one by another channel; sending again to the same address "
    "will not help.",
    "1.2": "Check the domain part of the recipient's address: the destination system it names "
    "does not exist. Ask the recipient for the right address.",
    "1.3": "Correct the recipient's address: it is not a valid address.",
    "1.6": "The address no longer takes mail (the mailbox has moved): ask the recipient for "
    "the new address.",
    "2.1": "The recipient's mailbox exists but takes no messages (disabled or suspended): "
    "reach the recipient by another channel; their mail administrator must re-enable it.",
    "2.2": "Tell the recipient by another channel: they (or their mail administrator) must "
    "free space in the mailbox or raise its quota. Then send the message again.",
}


def rfc3463_meaning(status: str | None, has_text: bool = True) -> CodeMeaning:
    """The meaning RFC 3463 gives ``status`` (detail code, else class and subject).

    ``has_text``: the report carries a reply text worth reading; without one, a permanent
    addressing or mailbox detail gives its own remedy instead of "read the diagnostic text"."""
    code = CODE.match(status or "")
    if code is None:
        return CodeMeaning(
            status or "",
            "The report gives no status code this catalogue can read.",
            WhoActs.UNKNOWN,
            "Read the diagnostic text.",
            RFC3463,
            "none",
        )
    cls, subject, detail_no = code.groups()
    temporary = cls == "4"
    who = WhoActs.NOBODY if temporary else _WHO_BY_SUBJECT.get(subject, WhoActs.UNKNOWN)
    what = "Temporary failure" if temporary else "Permanent failure"
    if cls == "2":
        return CodeMeaning(
            status or "",
            "Success (delivered).",
            WhoActs.NOBODY,
            "Nothing.",
            RFC3463 + " §3.1",
            "rfc3463-class",
        )
    detail = DETAIL.get(f"{subject}.{detail_no}")
    key = f"{subject}.{detail_no}"
    special = _WHO_BY_DETAIL.get(key) if not temporary or key in _EITHER_CLASS else None
    if detail is not None:
        return CodeMeaning(
            status or "",
            f"{what}: {detail} ({RFC3463} {cls}.{subject}.{detail_no}).",
            special[0] if special else who,
            special[1]
            if special
            else "Retry later; the sending server normally does this itself."
            if temporary
            else _NO_TEXT_REMEDY[key]
            if not has_text and key in _NO_TEXT_REMEDY
            else "Read the diagnostic text for the receiver's reason.",
            f"{RFC3463} §3.{int(subject) + 1}",
            "rfc3463-detail",
        )
    area = SUBJECT.get(subject, "unknown subject")
    return CodeMeaning(
        f"{cls}.{subject}.x",
        f"{what} in the area of {area} ({RFC3463} class {cls}, subject {subject}); the "
        "detail code is not in the catalogue.",
        who,
        "Read the diagnostic text for the receiver's reason.",
        f"{RFC3463} §3.1-§3.{int(subject) + 1 if is_ascii_digits(subject) else 1}",
        "rfc3463-class",
    )
