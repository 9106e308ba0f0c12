"""Turn the frozen model into plain JSON-ready data, every string made inert."""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime, timedelta
from typing import Any

from headerlens.textsafe import inert

# Raw bytes stay out of exports: they are the input itself, already in the user's hands.
# A bounce's returned message (Analysis.ndr, Verification.original) is reported once, as the
# JSON report's "ndr" section, not again inside "analysis" and "verification".
_SKIP_FIELDS = frozenset({"raw_bytes", "header_bytes", "body", "ndr", "original"})


def to_plain(value: Any) -> Any:
    """Recursively convert dataclasses, enums, datetimes and tuples into JSON-ready values."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return inert(value, keep_newlines=True)
    if isinstance(value, bytes):
        return None
    if isinstance(value, enum.Enum):
        return to_plain(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            if f.name in _SKIP_FIELDS or not f.init:  # derived fields (HeaderField.lname)
                continue
            item = getattr(value, f.name)
            if isinstance(item, bytes):
                continue
            out[f.name] = to_plain(item)
        return out
    if isinstance(value, dict):
        return {str(to_plain(k)): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_plain(v) for v in value]
    return inert(str(value))
