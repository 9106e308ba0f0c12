"""The author address of one From value, read by the one From parser (parsers/identity)."""

from __future__ import annotations

from headerlens.model.core import HeaderField
from headerlens.parsers.identity import read_author


def mailbox(value: str) -> str:
    """The From address ``value`` names as the analysis reads it ("" when none): the bracketed
    address of ``a@lure.example <b@sender.example>``, nothing for group syntax or a field past
    the parse cap. Every reader of a From value uses this, so none disagrees with the author
    the DMARC checks and the report name."""
    field = HeaderField(0, "From", value, f"From: {value}\r\n".encode(errors="replace"))
    return read_author([field]).address or ""


def mailbox_domain(value: str) -> str:
    """The domain of that address, lower case ("" when it names none: ``MAILER-DAEMON``)."""
    field = HeaderField(0, "From", value, f"From: {value}\r\n".encode(errors="replace"))
    return read_author([field]).domain or ""
