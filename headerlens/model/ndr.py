"""Non-delivery reports (RFC 3464 DSNs and vendor bounces): failed recipients and the original."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from headerlens.model.core import Defect
from headerlens.model.dcmethods import ModelMethods

if TYPE_CHECKING:
    from headerlens.model.analysis import Analysis


class NdrFormat(enum.Enum):
    """Who wrote the report, as its layout and wording show."""

    DSN = "RFC 3464 delivery status notification"
    EXCHANGE = "Microsoft Exchange / Exchange Online NDR"
    GMAIL = "Gmail delivery status notification"
    POSTFIX = "Postfix bounce"
    EXIM = "Exim bounce"
    SENDMAIL = "Sendmail postmaster notice"
    QMAIL = "qmail failure notice"
    MIMECAST = "Mimecast delivery failure"
    YAHOO = "Yahoo failure notice"
    AMAZON_SES = "Amazon SES bounce notification"
    MESSAGELABS = "Symantec Email Security.cloud (MessageLabs) bounce"
    INTERSCAN = "Trend Micro InterScan Messaging Security Suite notice"
    PLAIN = "plain-text bounce (a bounce sender and a reason in its text)"
    OTHER = "bounce in its own layout, with no delivery-status part"


class Rejecter(enum.Enum):
    """Which server refused the message, relative to the sender and the recipient."""

    SENDER_OWN = "the sender's own server"
    RECIPIENT_GATEWAY = "the recipient's gateway (filtering service in front of the mailbox)"
    RECIPIENT_MAILBOX = "the recipient's mailbox host"
    RECIPIENT_SERVER = "the recipient's mail server (gateway or mailbox host: not known which)"
    UNKNOWN = "unknown"


class WhoActs(enum.Enum):
    """Who can make the message go through."""

    SENDER = "the sender (check the address or the message)"
    SENDER_ADMIN = "the sender's mail administrator"
    RECIPIENT_ADMIN = "the recipient's mail administrator"
    RECIPIENT = "the recipient (their own settings refuse this sender)"
    FORWARDER = "the administrator of the forwarding server"
    NOBODY = "nobody yet: the server will retry"
    NOBODY_DELIVERED = "nobody: the report says the message was delivered or passed on"
    NOBODY_TEST = "nobody: a sending service's test address that bounces by design"
    NOTHING_FORGED = "nobody: the original was a forgery of the sender's address (backscatter)"
    UNKNOWN = "unknown"


# RFC 3464 §2.3.3: the actions of a recipient the message reached (a success notice, not a
# bounce): "delivered" to the mailbox, "relayed" on to a system that sends no further
# notices, "expanded" by an alias or list to further recipients.
SUCCESS_ACTIONS = frozenset({"delivered", "relayed", "expanded"})


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class CodeMeaning(ModelMethods):
    """What a status code (or a known rejection text) means, from a cited catalogue entry.

    ``matched`` says how specific the entry is: a vendor's documented text or code, an RFC 3463
    detail code, or only the RFC 3463 class (``"class"``) when nothing more is known.
    """

    key: str  # the catalogue key: "5.7.26", "5.7.x", "text:relay-access-denied"…
    explanation: str
    who_acts: WhoActs
    fix: str
    source: str  # the document the entry follows (RFC section or vendor page)
    matched: str  # "vendor-text", "vendor-code", "rfc3463-detail", "rfc3463-class", "none"
    about: str = ""  # the check it concerns: "spf", "dkim", "dmarc", "auth", "ip", "ptr", ""


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class FailedRecipient(ModelMethods):
    """One recipient the report says was not delivered (RFC 3464 §2.3 per-recipient fields)."""

    address: str
    original_recipient: str | None = (
        None  # Original-Recipient / X-Actual-Recipient / "expanded from"
    )
    action: str = "failed"  # failed, delayed, delivered, relayed, expanded (RFC 3464 §2.3.3)
    status: str | None = None  # RFC 3463 enhanced code as the report gives it, e.g. "5.7.26"
    diagnostic_status: str | None = (
        None  # the enhanced code inside the remote reply, when it differs
    )
    smtp_code: int | None = None  # RFC 5321 reply code, e.g. 550
    diagnostic: str = ""  # the remote server's reply (or the reporter's reason), unfolded
    reporting_mta: str | None = None
    remote_mta: str | None = None
    remote_ip: str | None = None
    # the refusing organisation's domain when the report names no host ("contoso.com suspects
    # your message is spam and rejected it")
    remote_domain: str | None = None
    sending_ip: str | None = None  # the sender's IP as the refusing server quotes it in its reply
    smtp_stage: str | None = None  # "RCPT TO", "end of DATA", "MAIL FROM"…
    rejecter: Rejecter = Rejecter.UNKNOWN
    rejecter_why: str = ""
    meaning: CodeMeaning | None = None

    @property
    def effective_status(self) -> str | None:
        """The most specific enhanced code known: the remote reply's, else the report's.

        Postfix and Exim write ``Status: 5.0.0`` while the remote said ``5.7.1``; the remote's
        code is the one that explains the rejection. Sendmail writes ``Status: 4.4.7`` (its
        queue time ran out) over the last attempt's own reply (``450 4.7.1 Access denied``):
        the reply says why the message expired (RFC 3463 §3.5: X.4.7 names no cause).
        """
        if self.diagnostic_status and (
            self.status is None or self.status.endswith((".0.0", ".4.7")) or self.status == "5.0.0"
        ):
            return self.diagnostic_status
        return self.status or self.diagnostic_status


class OriginalKind(enum.Enum):
    """How the report carries the message it is about."""

    MESSAGE = "message/rfc822 part"
    HEADERS = "text/rfc822-headers part"
    QUOTED = "headers quoted in the report's text"
    NONE = "not included"


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class NonDelivery(ModelMethods):
    """A recognised non-delivery report: who reported, each failed recipient, the original.

    ``original`` is the returned message analysed as a message of its own (its hops up to the
    server that refused it, its stamps); None when the report carries none.
    """

    format: NdrFormat
    reporting_mta: str | None
    recipients: tuple[FailedRecipient, ...]
    original_kind: OriginalKind = OriginalKind.NONE
    original: Analysis | None = None
    detected_by: str = ""  # "multipart/report", "flufl.bounce", "text signature"
    defects: tuple[Defect, ...] = ()
    arrival: datetime | None = None  # the DSN's Arrival-Date (RFC 3464 §2.2.5)
    last_attempt: datetime | None = None  # the first Last-Attempt-Date (RFC 3464 §2.3.7)

    @property
    def failed(self) -> tuple[FailedRecipient, ...]:
        """Recipients whose action is "failed" (permanent), else the delayed ones, else all."""
        failed = tuple(r for r in self.recipients if r.action.lower() == "failed")
        delayed = tuple(r for r in self.recipients if r.action.lower() == "delayed")
        return failed or delayed or self.recipients

    @property
    def succeeded(self) -> str | None:
        """The action ("relayed", "delivered", "expanded") when every recipient's says the
        message reached it (RFC 3464 §2.3.3: a success notice, not a bounce), else None."""
        actions = {r.action.lower() for r in self.recipients}
        if not actions or not actions <= SUCCESS_ACTIONS:
            return None
        return "/".join(a for a in ("delivered", "relayed", "expanded") if a in actions)


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class NdrLink(ModelMethods):
    """A status code tied to the re-verified check of the original that explains it.

    ``checked`` states what was re-verified (today's DNS) and ``why`` the cause found there;
    ``who_acts`` and ``fix`` refine the catalogue's when the original shows, for instance, a
    forward. ``caveat`` is the time-of-check note: DNS now is not DNS at the rejection.
    """

    recipient: str
    status: str
    check: str  # "dmarc", "spf", "auth", "ip", "ptr"
    checked: str
    why: str
    who_acts: WhoActs
    fix: str
    caveat: str
