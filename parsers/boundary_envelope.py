"""The envelope sender at the boundary: what the receiver stamped, else Return-Path (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from headerlens.model.core import HeaderField

__all__ = ["choose_mail_from", "return_path"]


def return_path(headers: Sequence[HeaderField]) -> str | None:
    """The address in the first Return-Path field (the null sender as "")."""
    for h in headers:
        if h.lname == "return-path":
            v = h.value.strip()
            m = re.search(r"<([^<>]*)>", v)
            return (m.group(1) if m else v).strip()
    return None


def choose_mail_from(candidates: list[str], rpath: str | None, envelope: str | None) -> str | None:
    """Prefer a full address the receiver stamped, then Return-Path, then a bare domain."""
    for c in candidates:
        if "@" in c or c == "":
            return c
    if rpath is not None:
        domain_only = next((c for c in candidates if c), None)
        if domain_only is None or rpath.lower().endswith("@" + domain_only.lower()):
            return rpath
    if candidates:
        return candidates[0]
    return envelope
