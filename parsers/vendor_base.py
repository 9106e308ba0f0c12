"""Shared building blocks for the vendor header decoders: splitting, numbers, base64, factories."""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable, Mapping
from typing import Literal

from headerlens.model.core import Defect, HeaderField, Severity
from headerlens.model.vendor import DecodedField, VendorHeader

Decoder = Callable[[HeaderField], VendorHeader]
BadItem = Literal["VENDOR_BAD_ITEM", "EOP_BAD_ITEM", "EXCHANGE_BAD_ITEM"]
"""The Code member (by name) of an item without a colon: named, so the code registry loads
only when such an item is found, not for every EOP report before the console's first frame."""
"""A decoder turns one header field into a VendorHeader. It never raises on bad input."""

# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches a key=value filter field should not pay for compiling it before the console's first frame.
# Start of a ``key=`` token in "k=v k=v" lists (Proofpoint, SpamAssassin, Barracuda...).
_EQ_KEY = r"(?:^|(?<=[\s;,]))([A-Za-z_][\w.\-]*)="


def colon_pairs(
    text: str, *, sep: str = ";", code: BadItem = "VENDOR_BAD_ITEM"
) -> tuple[tuple[tuple[str, str], ...], tuple[Defect, ...]]:
    """Split a ``KEY:VALUE;KEY:VALUE;`` list (EOP style) into pairs, keeping the order.

    Items are split at the first colon only (values such as ``H:`` may hold more); empty
    items (the trailing ``;``) are skipped; an item without a colon is kept with an empty
    value and reported as a defect.
    """
    pairs: list[tuple[str, str]] = []
    defects: list[Defect] = []
    for item in text.split(sep):
        item = item.strip()
        if not item:
            continue
        key, colon, value = item.partition(":")
        if not colon:
            from headerlens.model.codes import Code

            defects.append(Defect(Code[code], f"Item without a colon kept as is: {item!r}"))
        pairs.append((key.strip(), value.strip()))
    return tuple(pairs), tuple(defects)


def eq_pairs(text: str) -> tuple[tuple[str, str], ...]:
    """Split a ``key=value key=value`` list whose values may contain spaces or commas.

    A value runs until the next ``name=`` token, so ``tests=A, B, C autolearn=no`` gives
    ``tests`` = ``A, B, C``. Text before the first key is ignored (callers read it separately).
    The stdlib has no parser for these vendor formats, hence this small scanner.
    """
    matches = list(re.finditer(_EQ_KEY, text))
    pairs: list[tuple[str, str]] = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[m.end() : end].strip().rstrip(";,").strip()
        pairs.append((m.group(1), value))
    return tuple(pairs)


def to_float(text: str) -> float | None:
    """The number in ``text``, or None when it is not a finite decimal number."""
    try:
        number = float(text.strip().rstrip("%"))
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return number


def to_int(text: str) -> int | None:
    """The integer in ``text`` (optional sign), or None."""
    text = text.strip()
    if not re.fullmatch(r"[+-]?\d{1,12}", text):
        return None
    return int(text)


def b64_text(text: str) -> str | None:
    """Decode a base64 token to text (UTF-8, bad bytes replaced), or None if it is not base64."""
    token = text.strip()
    if not token or len(token) % 4 or not re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", token):
        return None
    try:
        raw = binascii.a2b_base64(token)
    except (binascii.Error, ValueError):
        return None
    return raw.decode("utf-8", errors="replace")


def table_field(
    key: str,
    value: str,
    label: str,
    table: Mapping[str, tuple[str, Severity]],
    *,
    upper: bool = True,
) -> DecodedField:
    """A DecodedField whose meaning comes from ``table`` (value -> (meaning, severity))."""
    hit = table.get(value.upper() if upper else value)
    if hit is None:
        return DecodedField(key, value, label)
    return DecodedField(key, value, label, hit[0], hit[1])


def header(
    field: HeaderField,
    vendor: str,
    summary: str | None,
    fields: tuple[DecodedField, ...] = (),
    defects: tuple[Defect, ...] = (),
) -> VendorHeader:
    """Build the VendorHeader for ``field``; ``raw`` is the field value exactly as given."""
    return VendorHeader(
        header_name=field.name,
        header_index=field.index,
        vendor=vendor,
        raw=field.value,
        summary=summary,
        fields=fields,
        defects=defects,
    )


def described(vendor: str, label: str, explanation: str) -> Decoder:
    """A decoder for a header whose value we only explain (opaque ids, internal tokens)."""

    def decode(field: HeaderField) -> VendorHeader:
        value = field.value
        shown = DecodedField("value", value, label, explanation if value else "(empty)")
        return header(field, vendor, f"{label}: {explanation}", (shown,))

    return decode
