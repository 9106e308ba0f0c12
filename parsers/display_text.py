"""Header values read for display: RFC 2047 encoded words decoded, one address read under a cap."""

from __future__ import annotations

import email.header
import email.utils

from headerlens import budgets
from headerlens.model import Address, Defect, HeaderField

__all__ = ["decode_words", "decode_words_checked", "single_address"]


def decode_words_checked(value: str) -> tuple[str, Defect | None]:
    """Decode RFC 2047 encoded words for display, with a defect when that was not possible.

    Undecodable input (unknown charset, bad base64/QP, missing ``?=``) is returned unchanged;
    more than ``budgets.ENCODED_WORDS`` words are not decoded at all (the email package's
    decoder is super-linear in the number of words, CPython gh-136063).
    """
    if "=?" not in value:
        return value, None
    words = value.count("=?")
    if words > budgets.ENCODED_WORDS.limit or len(value) > budgets.STRUCTURED_FIELD_BYTES.limit:
        return value, budgets.exceeded(
            budgets.ENCODED_WORDS, words, "The value is shown with its encoded words undecoded."
        )
    try:
        return str(email.header.make_header(email.header.decode_header(value))), None
    except Exception as exc:  # LookupError, binascii.Error, HeaderParseError, UnicodeError...
        from headerlens.model.codes import Code

        return value, Defect(
            Code.INPUT_ENCODED_WORD,
            f"An RFC 2047 encoded word could not be decoded ({type(exc).__name__}); "
            "it is shown raw.",
        )


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words for display; undecodable input is returned unchanged."""
    return decode_words_checked(value)[0]


def single_address(field: HeaderField | None) -> Address | None:
    """Return-Path style single address (RFC 5321 §4.4), read under the email-parse cap."""
    if field is None:
        return None
    display = decode_words(field.value)
    if field.lname == "return-path" and field.value.strip() in ("<>", ""):
        return Address(display=display, address="", domain=None)
    addr = ""
    if len(field.value) <= budgets.EMAIL_PARSE_BYTES.limit:
        try:
            _name, addr = email.utils.parseaddr(field.value)
        except Exception:  # RecursionError on crafted input (CVE-2023-36632)
            addr = ""
    if not addr:
        return Address(display=display, address=None, domain=None)
    domain = addr.rpartition("@")[2].strip().rstrip(".").lower() if "@" in addr else None
    return Address(display=display, address=addr, domain=domain or None)
