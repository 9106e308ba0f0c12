"""The shared frozen model: every layer speaks these types."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
else:  # each name's module loads on first use (PEP 562): the console's first frame needs the
    # parsed message's types, not the bounce's or the findings' (model/ndr.py, findings.py)
    import importlib

    _MODULE = {
        "ARCSeal": "auth",
        "ARCSet": "auth",
        "Action": "findings",
        "ActionKind": "findings",
        "Address": "analysis",
        "Analysis": "analysis",
        "AuthProperty": "auth",
        "AuthResults": "auth",
        "Author": "provenance",
        "Boundary": "received",
        "Chain": "received",
        "CodeMeaning": "ndr",
        "DKIMSignature": "auth",
        "DecodedField": "vendor",
        "Defect": "core",
        "FailedRecipient": "ndr",
        "FieldAuthor": "provenance",
        "Finding": "findings",
        "HeaderField": "core",
        "Hop": "received",
        "HopRole": "received",
        "InputKind": "core",
        "MethodResult": "auth",
        "NdrFormat": "ndr",
        "NonDelivery": "ndr",
        "OriginalKind": "ndr",
        "Provenance": "provenance",
        "Received": "received",
        "ReceivedSPF": "auth",
        "Rejecter": "ndr",
        "Severity": "core",
        "TagList": "auth",
        "Vendor": "received",
        "VendorHeader": "vendor",
        "WhoActs": "ndr",
    }

    def __getattr__(name: str) -> object:
        module = _MODULE.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        globals()[name] = value
        return value


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
