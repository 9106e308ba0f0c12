"""Who wrote each header field: the receiving organisation, an intermediary, the sender, or unknown."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from headerlens.model.dcmethods import ModelMethods


class Author(enum.Enum):
    """The party that wrote a header field, as far as the evidence shows.

    Only the final receiving organisation's fields prove anything about this delivery; what the
    others wrote is shown for what it is (RFC 8601 §5: a receiver's own stamp counts only where
    the receiver put it).
    """

    FINAL_RECEIVER = "final receiving organisation"
    INTERMEDIARY = "intermediary"  # a forwarder, a list, another organisation's gateway
    SENDER = "sending side"
    UNKNOWN = "unknown (possibly forged)"


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class FieldAuthor(ModelMethods):
    """The author of one header field, with the evidence for it.

    ``hop_number`` is the hop whose receiver wrote the field (None when it sits below every
    Received line or nothing ties it to a hop); ``writer`` names that host or organisation as the
    field or its Received line states it; ``evidence`` is one plain sentence saying why.
    """

    header_index: int
    header_name: str
    author: Author
    hop_number: int | None = None
    writer: str | None = None
    evidence: str = ""

    @property
    def is_receivers(self) -> bool:
        """True when the final receiving organisation wrote the field."""
        return self.author is Author.FINAL_RECEIVER


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Provenance(ModelMethods):
    """The author of every header field, in header order (``fields[i].header_index == i``)."""

    receiver_org: str | None = None  # registrable domain of the final receiver, when named
    fields: tuple[FieldAuthor, ...] = ()

    def of(self, header_index: int) -> FieldAuthor | None:
        """The author of the field at ``header_index``, or None when it was not attributed."""
        if 0 <= header_index < len(self.fields):
            found = self.fields[header_index]
            if found.header_index == header_index:
                return found
        return next((f for f in self.fields if f.header_index == header_index), None)

    def is_receivers(self, header_index: int) -> bool:
        """True when the final receiving organisation wrote the field at ``header_index``."""
        found = self.of(header_index)
        return found is not None and found.is_receivers
