"""How many stamped fields of one kind a readable report lists: a header may carry a thousand
planted Authentication-Results fields, and rendering each one (then the Markdown of all of them
again as plain text) made one export take seconds. The JSON export lists every field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

LISTED = 100


def listed(items: Sequence[T]) -> tuple[Sequence[T], str]:
    """The first LISTED ``items`` (top-most first, where a receiver's own stamps are), and the
    sentence that says how many more were left out ("" when none)."""
    more = len(items) - LISTED
    if more <= 0:
        return items, ""
    return items[
        :LISTED
    ], f"… and {more} more fields of this kind, not listed here (the JSON export lists every one)."
