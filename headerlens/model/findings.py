"""Plain-language findings: what went wrong, how bad it is, where, and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass

from headerlens.model.codes import Code
from headerlens.model.core import Severity


@dataclass(frozen=True, slots=True)
class Finding:
    """One sentence a helpdesk user can act on, tied to the hop and header it comes from.

    ``code`` is stable for scripts (``spf.fail-at-boundary``); ``title`` is the sentence;
    ``detail`` the evidence in words; ``fix`` the suggested remedy (may be empty).
    """

    code: Code
    severity: Severity
    title: str
    detail: str = ""
    fix: str = ""
    hop_number: int | None = None
    header_index: int | None = None
