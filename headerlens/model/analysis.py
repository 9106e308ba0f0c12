"""The immutable result of analysing one message: everything later layers consume."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from headerlens.model.auth import ARCSet, AuthResults, DKIMSignature, ReceivedSPF
from headerlens.model.core import Defect, HeaderField, InputKind
from headerlens.model.dcmethods import ModelMethods
from headerlens.model.provenance import Provenance
from headerlens.model.received import Chain
from headerlens.model.vendor import VendorHeader

if TYPE_CHECKING:
    from headerlens.model.codes import Code
    from headerlens.model.feedback import Feedback
    from headerlens.model.ndr import NonDelivery

_UNATTRIBUTED = Provenance()  # for analyses built by hand (tests): no field attributed


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Address(ModelMethods):
    """An address from From / Return-Path, with the domain split off (lower-cased)."""

    display: str  # the decoded field value as shown
    address: str | None  # local@domain, or "" for the null sender
    domain: str | None


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Analysis(ModelMethods):
    """Everything the pure layers learnt from one message. Replace, never mutate."""

    source_name: str
    kind: InputKind
    raw: bytes  # the whole message as read (CRLF/LF kept) for DKIM
    body_start: int | None  # where the body starts in ``raw``; None for a header-only input
    headers: tuple[HeaderField, ...]
    chain: Chain
    auth_results: tuple[AuthResults, ...] = ()  # Authentication-Results (+ -Original variants)
    received_spf: tuple[ReceivedSPF, ...] = ()
    dkim_signatures: tuple[DKIMSignature, ...] = ()
    arc_sets: tuple[ARCSet, ...] = ()
    vendor_headers: tuple[VendorHeader, ...] = ()
    from_addr: Address | None = None
    # every domain the From field(s) name when there are several (RFC 7489 §6.6.1), else ()
    author_domains: tuple[str, ...] = ()
    return_path: Address | None = None
    subject: str | None = None  # RFC 2047 decoded
    subject_raw: str | None = None
    message_id: str | None = None
    date: datetime | None = None  # Date: header
    receipt_time: datetime | None = None  # timestamp of the boundary hop (or newest dated hop)
    defects: tuple[Defect, ...] = ()
    ndr: NonDelivery | None = None  # set when the message is a non-delivery report
    feedback: Feedback | None = None  # set when it is a complaint / feedback report (ARF)
    # "returned" for a bounce's copy of the original (it stops before the server that refused
    # it), "reported" for a complaint's copy of the reported message; None for a message itself
    copy_kind: str | None = None
    provenance: Provenance = _UNATTRIBUTED  # who wrote each header field

    def defect(self, code: Code) -> Defect | None:
        """The first defect of the message with ``code``, or None."""
        return next((d for d in self.defects if d.code is code), None)

    @property
    def has_body(self) -> bool:
        """True when the message body is available (not a header-only paste)."""
        return self.body_start is not None

    @property
    def body(self) -> bytes | None:
        """The body (a copy made on demand: large messages are held once, in ``raw``)."""
        return None if self.body_start is None else self.raw[self.body_start :]
