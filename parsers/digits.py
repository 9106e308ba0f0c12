"""ASCII digit tests: ``str.isdigit()`` is true for ``²``, ``¹²`` and other digits ``int()`` refuses."""

from __future__ import annotations

from headerlens import budgets

# int() accepts at most this many digits (CVE-2020-10735's sys.int_info.str_digits_check_threshold
# default, 4300); callers pass their own, much smaller, protocol limit.
_INT_DIGITS = int(budgets.INT_DIGITS.limit)


def is_ascii_digits(text: str) -> bool:
    """True when ``text`` is one or more ASCII digits ``0``-``9`` (the ABNF ``DIGIT``).

    ``"²".isdigit()`` and ``"١".isdecimal()`` are true too; every protocol number we read
    (DKIM ``l=``, DMARC ``pct=``, dates, ports) is ASCII only.
    """
    return text.isascii() and text.isdigit()


def ascii_int(text: str, max_digits: int = _INT_DIGITS) -> int | None:
    """``int(text)`` when ``text`` is 1 to ``max_digits`` ASCII digits, else None. Never raises."""
    if not is_ascii_digits(text) or len(text) > max_digits:
        return None
    return int(text)
