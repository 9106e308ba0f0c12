"""Dispatcher for vendor headers: finds the decoder for a field name and runs it."""

from __future__ import annotations

from functools import lru_cache

from headerlens.model.core import HeaderField
from headerlens.model.vendor import VendorHeader
from headerlens.parsers import (
    vendor_filters,
    vendor_google,
    vendor_microsoft,
    vendor_microsoft_exchange,
    vendor_other,
    vendor_policyd,
    vendor_providers,
    vendor_trendmicro,
)
from headerlens.parsers.vendor_base import Decoder

_EXACT: dict[str, Decoder] = {}
for _module in (
    vendor_microsoft,
    vendor_microsoft_exchange,
    vendor_trendmicro,
    vendor_google,
    vendor_other,
    vendor_filters,
    vendor_providers,
    vendor_policyd,
):
    for _name, _decoder in _module.EXACT.items():
        if _name in _EXACT:  # a programming error: two modules claim one name
            raise RuntimeError(f"vendor header {_name!r} registered twice")
        _EXACT[_name] = _decoder

# Longest prefix first, so "x-ms-exchange-" wins over "x-ms-".
_PREFIXES: tuple[tuple[str, Decoder], ...] = tuple(
    sorted(
        (
            *vendor_microsoft.PREFIXES,
            *vendor_microsoft_exchange.PREFIXES,
            *vendor_trendmicro.PREFIXES,
            *vendor_google.PREFIXES,
            *vendor_other.PREFIXES,
            *vendor_filters.PREFIXES,
        ),
        key=lambda item: len(item[0]),
        reverse=True,
    )
)


@lru_cache(maxsize=1024)
def _decoder_for(name: str) -> Decoder | None:
    # Cached: a message repeats the same few dozen field names; the prefix scan is linear.
    lname = name.strip().lower()
    exact = _EXACT.get(lname)
    if exact is not None:
        return exact
    for prefix, decoder in _PREFIXES:
        if lname.startswith(prefix) and len(lname) > len(prefix):
            return decoder
    return None


def is_vendor_header(name: str) -> bool:
    """True when ``name`` (any case) is a vendor header we recognise."""
    return _decoder_for(name) is not None


def decode_vendor_header(field: HeaderField) -> VendorHeader | None:
    """Decode ``field`` when it is a known vendor header, else None. Never raises on bad input."""
    decoder = _decoder_for(field.name)
    if decoder is None:
        return None
    return decoder(field)
