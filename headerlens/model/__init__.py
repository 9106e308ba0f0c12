"""The shared frozen model: every layer speaks these types."""

from headerlens.model.analysis import Address, Analysis
from headerlens.model.auth import (
    ARCSeal,
    ARCSet,
    AuthProperty,
    AuthResults,
    DKIMSignature,
    MethodResult,
    ReceivedSPF,
    TagList,
)
from headerlens.model.core import Defect, HeaderField, InputKind, Severity
from headerlens.model.findings import Action, ActionKind, Finding
from headerlens.model.ndr import (
    CodeMeaning,
    FailedRecipient,
    NdrFormat,
    NonDelivery,
    OriginalKind,
    Rejecter,
    WhoActs,
)
from headerlens.model.provenance import Author, FieldAuthor, Provenance
from headerlens.model.received import Boundary, Chain, Hop, HopRole, Received, Vendor
from headerlens.model.vendor import DecodedField, VendorHeader

__all__ = [
    "ARCSeal",
    "ARCSet",
    "Action",
    "ActionKind",
    "Address",
    "Analysis",
    "AuthProperty",
    "AuthResults",
    "Author",
    "Boundary",
    "Chain",
    "CodeMeaning",
    "DKIMSignature",
    "DecodedField",
    "Defect",
    "FailedRecipient",
    "FieldAuthor",
    "Finding",
    "HeaderField",
    "Hop",
    "HopRole",
    "InputKind",
    "MethodResult",
    "NdrFormat",
    "NonDelivery",
    "OriginalKind",
    "Provenance",
    "Received",
    "ReceivedSPF",
    "Rejecter",
    "Severity",
    "TagList",
    "Vendor",
    "VendorHeader",
    "WhoActs",
]
