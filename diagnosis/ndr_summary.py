"""A bounce of several recipients whose reasons differ: the count of each reason, for the headline."""

from __future__ import annotations

from collections import Counter

from headerlens.model.ndr import FailedRecipient

# Short names of the common reasons (singular, plural), by catalogue key: the RFC 3463 detail
# codes (RFC 3463 §3.2-§3.8) and the texts that say the same.
_NAMES = {
    "text:user-unknown": ("unknown address", "unknown addresses"),
    "text:invalid-recipient": ("unknown address", "unknown addresses"),
    "X.1.1": ("unknown address", "unknown addresses"),
    "X.1.0": ("address refused", "addresses refused"),
    "text:mailbox-full": ("mailbox full", "mailboxes full"),
    "X.2.2": ("mailbox full", "mailboxes full"),
    "text:account-disabled": ("mailbox disabled", "mailboxes disabled"),
    "X.2.1": ("mailbox disabled", "mailboxes disabled"),
    "text:domain-unreachable": ("domain with no mail server", "domains with no mail server"),
    "text:null-mx": ("domain that takes no mail", "domains that take no mail"),
    "X.1.2": ("domain with no mail server", "domains with no mail server"),
    "text:too-large": ("message too large", "messages too large"),
    "X.3.4": ("message too large", "messages too large"),
    "X.2.3": ("message too large", "messages too large"),
    "test:simulator": ("test address (bounces by design)", "test addresses (bounce by design)"),
}


def _reason(r: FailedRecipient) -> str:
    """One recipient's reason, short: the catalogue's name for it, else its status code."""
    key = r.meaning.key if r.meaning is not None else ""
    status = r.effective_status or (str(r.smtp_code) if r.smtp_code else "")
    detail = "X" + status[1:] if len(status) > 2 and status[1] == "." else ""
    for k in (key, detail):
        if k in _NAMES:
            return k
    if key.startswith("text:"):
        return key
    return status or "no status"


def mixed_reasons(failed: tuple[FailedRecipient, ...]) -> str | None:
    """The count of each reason ("3 recipients failed: 2 unknown addresses, 1 mailbox full")
    when the failed recipients' reasons differ; None for one recipient or one reason."""
    if len(failed) < 2:
        return None
    counts = Counter(_reason(r) for r in failed)
    if len(counts) < 2:
        return None
    parts = []
    for key, n in counts.items():
        one, many = _NAMES.get(key, ("", ""))
        if one:
            parts.append(f"{n} {one if n == 1 else many}")
        else:
            said = key.removeprefix("text:").replace("-", " ")
            parts.append(f"{n} {said}")
    return f"{len(failed)} recipients failed: " + ", ".join(parts)
