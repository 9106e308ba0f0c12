"""A lure written as the recipient's display name in To or Cc (a link or a money claim)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from headerlens import budgets
from headerlens.model.core import Defect, HeaderField, Severity
from headerlens.parsers.display_text import decode_words

# The name shown before "<address>", or the whole value when it is quoted text alone.
_NAME = re.compile(r'^\s*"?(?P<name>[^<]*?)"?\s*<[^<>]*>\s*$', re.S)
# A link: a scheme, "www.", or a host with a path (transfer705.pages.dev/…).
_LINK = re.compile(
    r"\bhttps?://|\bwww\.\S|\b[\w-]+(?:\.[\w-]+)+\.[a-z]{2,}/\S|\b[\w-]+\.[a-z]{2,}/\S", re.I
)
# What a money lure says: a transaction, a withdrawal, a payout, a prize.
_CLAIM = re.compile(
    r"\b(?:transaction|withdraw(?:al)?|payout|transfer|invoice|bitcoin|btc|usdt|crypto"
    r"|prize|reward|winner|claim|funds|refund)\b",
    re.I,
)


def recipient_lure(fields: Sequence[HeaderField]) -> Defect | None:
    """The defect when a To/Cc display name carries a link, or is a long money claim: nobody
    names a recipient like that; it is text the sender (or whoever subscribed the address to a
    mailing) chose, shown where the reader expects their own name."""
    for f in fields:
        if f.lname not in ("to", "cc") or len(f.value) > budgets.EMAIL_PARSE_BYTES.limit:
            continue
        m = _NAME.match(decode_words(f.value))
        name = " ".join(m.group("name").split()) if m else ""
        if not name or "@" in name:
            continue  # an address as the name is the From parser's concern
        link = _LINK.search(name)
        claim = _CLAIM.search(name) if len(name) >= 40 else None
        if link is None and claim is None:
            continue
        why = "a link" if link is not None else f"a money claim ({claim.group(0) if claim else ''})"
        shown = name if len(name) <= 90 else name[:90] + "…"
        # imported here: the console's first frame analyses every message, lure or not, and
        # loads the code registry only with the first defect it makes
        from headerlens.model.codes import Code

        return Defect(
            Code.IDENTITY_RECIPIENT_LURE,
            f"The recipient's display name in {f.name} is {why}, not a name: {shown!r}. Someone "
            "chose that text (the sender, or whoever typed it into a sign-up form as the "
            "subscriber's name); a reader sees it where their own name should be: treat its "
            "claim and link as phishing. The mailing's sender should validate its sign-up "
            "form (double opt-in).",
            Severity.WARNING,
        )
    return None
