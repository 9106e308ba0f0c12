"""Types for stamped authentication headers: Authentication-Results, Received-SPF, DKIM and ARC."""

from __future__ import annotations

from dataclasses import dataclass

from headerlens.model.core import Defect
from headerlens.model.dcmethods import ModelMethods


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class AuthProperty(ModelMethods):
    """One ``ptype.property=value`` of a method result (RFC 8601 §2.3), e.g. smtp.mailfrom=a@b."""

    ptype: str
    name: str
    value: str


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class MethodResult(ModelMethods):
    """One ``method=result`` clause of an Authentication-Results field (RFC 8601 §2.2).

    Unknown methods (``compauth``, ``bimi``, ``dkim-atps``...) are kept like known ones.
    ``reason`` is the ``reason=`` value; ``extras`` holds other bare ``key=value`` pairs that
    are not ptype.property (Microsoft's ``action=``, ``header.from=`` is a property).
    ``explanation`` is a plain-language meaning where we know one (compauth reason codes...).
    """

    method: str
    result: str
    version: str | None = None
    reason: str | None = None
    properties: tuple[AuthProperty, ...] = ()
    comments: tuple[str, ...] = ()
    extras: tuple[tuple[str, str], ...] = ()
    explanation: str | None = None

    def prop(self, ptype_name: str) -> str | None:
        """The value of ``ptype.name`` (e.g. "header.d"), case-insensitive, or None."""
        want = ptype_name.lower()
        for p in self.properties:
            if f"{p.ptype}.{p.name}".lower() == want:
                return p.value
        return None


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class AuthResults(ModelMethods):
    """One Authentication-Results or ARC-Authentication-Results field.

    ``authserv_id`` is None for Microsoft's fields that start directly with ``spf=``.
    ``instance`` is ARC's ``i=`` for ARC-Authentication-Results. ``header_index`` points to the
    field; ``stamped_by_hop`` is the hop number (delivery order) whose receiver added it, if known.
    """

    header_name: str
    header_index: int
    raw: str
    authserv_id: str | None
    results: tuple[MethodResult, ...] = ()
    version: str | None = None
    instance: int | None = None
    comments: tuple[str, ...] = ()
    stamped_by_hop: int | None = None
    defects: tuple[Defect, ...] = ()

    def first(self, method: str) -> MethodResult | None:
        """The first result for ``method`` (case-insensitive), or None."""
        for r in self.results:
            if r.method.lower() == method.lower():
                return r
        return None


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class ReceivedSPF(ModelMethods):
    """A Received-SPF field (RFC 7208 §9.1): result, comment and key=value pairs."""

    header_name: str
    header_index: int
    raw: str
    result: str | None
    comment: str | None = None
    client_ip: str | None = None
    envelope_from: str | None = None
    helo: str | None = None
    receiver: str | None = None
    identity: str | None = None
    mechanism: str | None = None
    pairs: tuple[tuple[str, str], ...] = ()
    stamped_by_hop: int | None = None
    defects: tuple[Defect, ...] = ()


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class TagList(ModelMethods):
    """A DKIM-style tag=value list (RFC 6376 §3.2), tags in order, whitespace removed from values
    where the RFC says it is insignificant is left to the specific parser."""

    tags: tuple[tuple[str, str], ...] = ()
    defects: tuple[Defect, ...] = ()

    def get(self, name: str) -> str | None:
        """The value of the first tag called ``name``, or None."""
        for k, v in self.tags:
            if k == name:
                return v
        return None


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class DKIMSignature(ModelMethods):
    """A parsed DKIM-Signature (RFC 6376 §3.5) or ARC-Message-Signature (RFC 8617 §4.1.2)."""

    header_name: str
    header_index: int
    raw: str
    tags: TagList
    version: str | None = None
    algorithm: str | None = None  # a=
    domain: str | None = None  # d=
    selector: str | None = None  # s=
    signed_headers: tuple[str, ...] = ()  # h=, lower-cased
    canonicalization: str | None = None  # c=
    identity: str | None = None  # i= (AUID) for DKIM; for AMS the ARC instance is ``instance``
    body_length: int | None = None  # l=
    timestamp: int | None = None  # t=
    expiration: int | None = None  # x=
    body_hash: str | None = None  # bh=
    signature: str | None = None  # b= (whitespace removed)
    instance: int | None = None  # ARC i=
    defects: tuple[Defect, ...] = ()


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class ARCSeal(ModelMethods):
    """A parsed ARC-Seal (RFC 8617 §4.1.3)."""

    header_index: int
    raw: str
    tags: TagList
    instance: int | None = None
    cv: str | None = None
    algorithm: str | None = None
    domain: str | None = None
    selector: str | None = None
    timestamp: int | None = None
    signature: str | None = None
    defects: tuple[Defect, ...] = ()


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class ARCSet(ModelMethods):
    """The three ARC fields sharing one instance number (RFC 8617 §4.2)."""

    instance: int
    seal: ARCSeal | None = None
    message_signature: DKIMSignature | None = None
    results: AuthResults | None = None
    defects: tuple[Defect, ...] = ()
    stamped_by_hop: int | None = None  # the hop whose receiver added this set
