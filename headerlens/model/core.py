"""Shared basic types: severities, defects and raw header fields."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from headerlens.model.dcmethods import ModelMethods

if TYPE_CHECKING:
    from headerlens.model.codes import Code

# The words for two verdicts that are not RFC 8601 results (model/verdicts.py gives them); here,
# so that the console's colours for them load without the verdict classes.
HEADERS_ONLY_WORDS = "pass for the headers only; body not checked"
UNDECIDED_WORDS = "not decided (unknown)"
# A pass replayed at a trust boundary that rests on an internal line nothing confirms.
UNCONFIRMED_WORDS = "unconfirmed (the trust boundary is not confirmed)"


class Severity(enum.Enum):
    """How much a defect or finding matters to the person reading the report."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Defect(ModelMethods):
    """Something malformed or surprising in the input, kept instead of raising.

    ``code`` is a stable machine name (``received.bad-date``), ``message`` a plain sentence.
    """

    code: Code
    message: str
    severity: Severity = Severity.WARNING


class InputKind(enum.Enum):
    """What the user gave us."""

    EML = "eml"  # header section and body
    HEADERS = "headers"  # header section only (a paste, a .txt)
    MSG = "msg"  # Outlook .msg converted to RFC 5322 headers (+ body when present)


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class HeaderField(ModelMethods):
    """One header field exactly as it appears in the message.

    ``index`` is the position in the header section, 0 = top-most (newest).
    ``raw`` holds the exact bytes of the field including the name, folding and the final line
    break, as DKIM canonicalisation needs them. ``value`` is the unfolded text after the colon,
    decoded as UTF-8 (invalid bytes replaced), with leading/trailing whitespace stripped.
    """

    index: int
    name: str
    value: str
    raw: bytes
    # The field name in lower case, for case-insensitive matching. Read tens of thousands of
    # times per corpus pass, so computed once here rather than in a property.
    lname: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lname", self.name.lower())
