"""Messages the screens post up to the app, and what the app hands down to them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Protocol

from textual.message import Message

from headerlens.model import Analysis

if TYPE_CHECKING:  # loaded with the checks, after the console's first frame
    from headerlens.model.verification import Verification


class VerifyStream(Protocol):
    """Verification snapshots for an analysis (the app's, handed down to each AnalysisScreen)."""

    def __call__(self, analysis: Analysis, *, flush: bool = False) -> AsyncIterator[Verification]:
        """``flush`` starts with an empty DNS cache."""
        ...


class OpenText(Message):
    """The paste screen asks for its text to be analysed."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class CheckDomain(Message):
    """A screen asks for the domain check of ``domain`` (``message``: the mail it came from)."""

    def __init__(self, domain: str, provider: str | None, message: Analysis | None) -> None:
        super().__init__()
        self.domain = domain
        self.provider = provider
        self.message = message
