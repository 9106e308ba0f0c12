"""Complaint and feedback reports (RFC 5965 ARF, RFC 6591 failure reports, Microsoft JMRP)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from headerlens.model.dcmethods import ModelMethods
from headerlens.model.ndr import OriginalKind

if TYPE_CHECKING:
    from headerlens.model.analysis import Analysis


class FeedbackFormat(enum.Enum):
    """How the report is laid out."""

    ARF = "RFC 5965 abuse feedback report (ARF)"
    FAILURE = "RFC 6591 authentication / DMARC failure report"
    JMRP = "complaint with the message attached and no ARF part (Microsoft JMRP / Outlook.com)"


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Feedback(ModelMethods):
    """A complaint or feedback report: who reported what, about which message.

    The report is mail from a feedback loop or a DMARC reporter to the sender's abuse or
    postmaster address; its own envelope says nothing about the reported message, which is
    ``original`` (analysed as a message of its own, one level deep).
    """

    format: FeedbackFormat
    feedback_type: str | None  # abuse, fraud, virus, auth-failure, not-spam, other… (RFC 5965 §7.3)
    reporter: str | None  # the reporting organisation: Reporting-MTA, else the report's From domain
    user_agent: str | None = None
    source_ip: str | None = None  # the IP the reported message came from (Source-IP)
    original_mail_from: str | None = None
    original_rcpt_to: tuple[str, ...] = ()
    reported_domain: tuple[str, ...] = ()
    arrival_date: str | None = None
    auth_failure: str | None = None  # RFC 6591: dmarc, dkim, spf, adsp
    original_kind: OriginalKind = OriginalKind.NONE
    original: Analysis | None = None

    @property
    def about(self) -> str:
        """The source of the reported message, as the report names it (IP, else envelope)."""
        return self.source_ip or self.original_mail_from or "an unnamed source"
