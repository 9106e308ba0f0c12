"""Which filter verdicts a sender gains by planting: a "clean" or "Inbox" decision.

A spam verdict saying the opposite (spam, junk, add header, reject) gains a sender nothing, so
where whose a field is cannot be told, only these are set aside (parsers/provenance). A score
under a threshold (SpamAssassin's "No", MailScanner's "not spam") files nothing and is left as
it is (diagnosis/outcome reads it as "rated not spam", never as the Inbox)."""

from __future__ import annotations

import re

from headerlens.model.core import HeaderField

__all__ = ["claims_clean"]

_SCL = re.compile(r"\bSCL:(-?\d+)", re.IGNORECASE)
_NOT_SPAM_SFV = re.compile(r"\bSFV:(?:NSPM|SKN|SKA|SKI|SFE)\b", re.IGNORECASE)
# field name -> the values (lower case, by their start) that read as clean or Inbox
_CLEAN_STARTS = {
    "x-rspamd-action": ("no action", "greylist", "inbox"),
    "x-pm-spam-action": ("inbox",),
    "x-vade-spamstate": ("clean", "legit"),
}


def claims_clean(f: HeaderField) -> bool:
    """The field is a filter's verdict that the message is clean or goes to the Inbox."""
    value = " ".join(f.value.split()).lower()
    if f.lname in _CLEAN_STARTS:
        return value.startswith(_CLEAN_STARTS[f.lname])
    if f.lname == "x-gmail-labels":
        return "spam" not in {x.strip() for x in value.split(",")}
    if f.lname == "x-ms-exchange-organization-scl":
        return value.lstrip("-").isdigit() and int(value) < 5
    if f.lname in ("x-forefront-antispam-report", "x-microsoft-antispam"):
        scl = _SCL.search(value)
        return bool(_NOT_SPAM_SFV.search(value)) or (scl is not None and int(scl.group(1)) < 5)
    return False
