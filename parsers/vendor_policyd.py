"""policyd-weight's X-policyd-weight: a Postfix policy daemon's score of the connecting client.

policyd-weight scores the client at RCPT time (DNSBLs, HELO, MAIL FROM and client DNS matching)
and prepends ``X-policyd-weight: <checks>; rate: <score>``, or ``using cached result; rate:
<score>`` for a client it scored recently. Negative is good; mail whose score exceeds
``$REJECTLEVEL`` (1 by default) is refused (policyd-weight.conf.sample, "Mails with scores
which exceed this REJECTLEVEL will be rejected", https://github.com/Whissi/policyd-weight).
A delivered message therefore scored at most the configured level; the default is quoted as
the default, never as this server's.
"""

from __future__ import annotations

import re

from headerlens.model.core import HeaderField, Severity
from headerlens.model.vendor import DecodedField, VendorHeader
from headerlens.parsers.vendor_base import Decoder, header, to_float

POLICYD_WEIGHT = "policyd-weight"
DEFAULT_REJECT_LEVEL = 1.0
_RATE = re.compile(r"\brate:\s*(?:[a-z]+:\s*)?(-?\d+(?:\.\d+)?)\s*$", re.IGNORECASE)
_CHECK = re.compile(r"\b([A-Z][A-Z0-9_/()]*)=(-?\d+(?:\.\d+)?)")


def rate(value: str) -> float | None:
    """The score policyd-weight gave (the number after "rate:"), or None."""
    m = _RATE.search(value.strip())
    return to_float(m.group(1)) if m else None


def verdict(score: float) -> str:
    """The score in words, against policyd-weight's default reject level."""
    if score < DEFAULT_REJECT_LEVEL:
        return (
            f"{score:g}: below its reject level (1 by default), so the connecting server and "
            "its names looked legitimate"
        )
    return (
        f"{score:g}: at or above its default reject level (1); delivered, so this server "
        "uses a higher one"
    )


def decode_policyd_weight(field: HeaderField) -> VendorHeader:
    value = " ".join(field.value.split())
    score = rate(value)
    cached = "using cached result" in value.lower()
    fields: list[DecodedField] = []
    if score is not None:
        sev = Severity.INFO if score < DEFAULT_REJECT_LEVEL else Severity.WARNING
        fields.append(DecodedField("rate", f"{score:g}", "Score", verdict(score), sev))
    checks = [f"{name}={points}" for name, points in _CHECK.findall(value)]
    if checks:
        fields.append(
            DecodedField("checks", ", ".join(checks), "Checks", "Each check and its points.")
        )
    if cached:
        fields.append(
            DecodedField("cached", "yes", "Cached", "A result kept from a recent connection.")
        )
    summary = (
        f"policyd-weight scored the connecting client {score:g}"
        + (" (a cached result)" if cached else "")
        + "."
        if score is not None
        else "policyd-weight result (no score found)."
    )
    return header(field, POLICYD_WEIGHT, summary, tuple(fields))


EXACT: dict[str, Decoder] = {"x-policyd-weight": decode_policyd_weight}
