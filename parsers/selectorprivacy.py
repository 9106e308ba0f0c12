"""Does a DKIM selector look made for one message or one recipient (a lookup that can track)?"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.utils import getaddresses

from headerlens.model.core import HeaderField
from headerlens.parsers.digits import is_ascii_digits

# Header fields that name the message's recipients (RFC 5322 §3.6.3; the rest are common
# delivery stamps: Delivered-To (Postfix, Gmail), X-Original-To (Postfix), Envelope-To (Exim)).
RECIPIENT_FIELDS = frozenset({"to", "cc", "delivered-to", "x-original-to", "envelope-to"})

MIN_LOCAL_PART = 6  # shorter local parts (info, mail, sales) collide with ordinary selectors
MIN_HEX_RUN = 24  # 96 bits: a message or recipient id, far beyond dates (8) or timestamps (14)
MIN_TOKEN = 40  # longer than Amazon SES's 32-character per-identity selectors

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_HEX_RUN = re.compile(rf"[0-9a-f]{{{MIN_HEX_RUN},}}", re.I)
_TOKEN = re.compile(rf"[a-z0-9_]{{{MIN_TOKEN},}}", re.I)
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def _alnum(text: str) -> str:
    return _NOT_ALNUM.sub("", text.lower())


def recipient_addresses(headers: Iterable[HeaderField]) -> tuple[str, ...]:
    """The addresses in To, Cc, Delivered-To, X-Original-To and Envelope-To, lower-cased."""
    values = [h.value for h in headers if h.lname in RECIPIENT_FIELDS]
    found = (addr.strip().lower() for _, addr in getaddresses(values))
    return tuple(dict.fromkeys(a for a in found if "@" in a))


def tracking_selector(selector: str, recipients: Iterable[str] = ()) -> str | None:
    """Why ``selector`` looks unique to one message or recipient, or None (conservative).

    A selector is looked up at ``<selector>._domainkey.<d>`` in the signer's DNS (RFC 6376
    §3.6.2.1). One minted per message or per recipient turns that lookup into a read
    receipt: the exposure RFC 7208 §11.6 describes for SPF macros. Flagged only when the
    selector:

    * contains a recipient's address, or a recipient local part of 6+ letters/digits
      (compared without punctuation, so ``jane.doe`` matches ``jane-doe``);
    * contains a UUID, or a run of 24+ hex digits with a decimal digit among them (a hash
      or an id);
    * has a run of 40+ letters, digits or ``_`` mixing letters and digits.

    Not flagged on purpose: dates and timestamps (``20230601``, 14-digit stamps), Amazon
    SES's 32-character per-identity selectors (``gdwg2y3kokkkj5a55z2ilkup5wp5hhxx``),
    Microsoft 365 tenant selectors (``selector1-contoso-com``).
    """
    flat = _alnum(selector)
    for address in recipients:
        local = _alnum(address.rpartition("@")[0])
        if _alnum(address) and _alnum(address) in flat:
            return f"contains the recipient address {address}"
        if len(local) >= MIN_LOCAL_PART and local in flat:
            return f"contains the local part of the recipient address {address}"
    uuid = _UUID.search(selector)
    if uuid:
        return f"contains a unique identifier ({uuid.group(0)})"
    for hex_run in _HEX_RUN.findall(selector):
        if any(is_ascii_digits(c) for c in hex_run):
            return f"contains a {len(hex_run)}-digit hexadecimal number"
    for token in _TOKEN.findall(selector):
        if any(is_ascii_digits(c) for c in token) and any(c.isalpha() for c in token):
            return f"contains a {len(token)}-character random-looking string"
    return None


__all__ = ["RECIPIENT_FIELDS", "recipient_addresses", "tracking_selector"]
