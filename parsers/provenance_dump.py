"""Header dumps whose fields a viewer re-ordered and re-cased: position proves nothing there (pure).

Message Header Analyzer and similar viewers list the fields sorted their own way and spell every
name in Title-Case ("Received-Spf", "Arc-Seal", "Dkim-Signature", "X-Ms-Exchange-..."), a spelling
no MTA writes for those names, with trace fields below the sender's content fields. In such a copy a field's place says nothing about who wrote it, so a
stamp carrying the receiver's identity and naming the very client the receiver accepted the message
from is not "the sending side's" because it now sits below the Received lines: who wrote it is
unknown, and it is never counted as the receiver's verdict either.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from headerlens.model.core import HeaderField
from headerlens.model.provenance import Author, FieldAuthor
from headerlens.model.received import Chain, Hop
from headerlens.parsers.boundary import identity_in_org
from headerlens.parsers.stamp_evidence import stamp_identity, stated_client_ip

__all__ = ["reordered_dump", "unplaced_stamps"]

_TITLE = re.compile(r"^[A-Z][a-z0-9]*(?:-[A-Z0-9][a-z0-9]*)*$")
# Names that MTAs spell with an acronym; a Title-Case spelling of them betrays a re-cased copy.
_RECASED = frozenset(
    {
        "Received-Spf",
        "Arc-Seal",
        "Arc-Message-Signature",
        "Arc-Authentication-Results",
        "Dkim-Signature",
        "Mime-Version",
        "X-Ms-Exchange-Organization-Scl",
        "X-Ms-Has-Attach",
    }
)
_CONTENT = frozenset(
    {"content-type", "mime-version", "content-transfer-encoding", "subject", "message-id"}
)
_TRACE = frozenset({"received", "received-spf"})
_STAMPS = frozenset({"authentication-results", "received-spf", "arc-authentication-results"})


def reordered_dump(fields: Sequence[HeaderField]) -> bool:
    """Every field name is Title-Case, at least two are names MTAs spell with an acronym, and
    the order is not the one fields are written in: a receiver's trace field sits below the
    sender's content fields. (ProtonMail's export also writes Title-Case names, but keeps the
    order: its Received fields on top, its own block appended at the end.)"""
    names = [f.name for f in fields]
    if len(names) < 10 or not all(_TITLE.match(n) for n in names):
        return False
    return len(_RECASED & set(names)) >= 2 and _out_of_order(fields)


def _out_of_order(fields: Sequence[HeaderField]) -> bool:
    """A Received or Received-SPF field below a Content-Type, MIME-Version, Subject or
    Message-ID: a receiver prepends its trace fields above the header it received."""
    content = next((f.index for f in fields if f.lname in _CONTENT), None)
    return content is not None and any(f.lname in _TRACE and f.index > content for f in fields)


def unplaced_stamps(
    fields: Sequence[HeaderField],
    found: Sequence[FieldAuthor],
    chain: Chain,
    org: str | None,
    trusted: Sequence[Hop],
    domain_of: Callable[[str], str | None],
) -> list[FieldAuthor]:
    """``found`` with each stamp that position alone made another party's, but that carries the
    receiver's identity and names the boundary client, set to unknown (placed by a viewer)."""
    hop = next(
        (h for h in chain.hops if chain.boundary and h.number == chain.boundary.hop_number), None
    )
    out = list(found)
    if hop is None or not reordered_dump(fields):
        return out
    for i, f in enumerate(fields):
        if f.lname not in _STAMPS or out[i].author is Author.FINAL_RECEIVER:
            continue
        ident = stamp_identity(f)
        if not identity_in_org(ident, org, trusted, domain_of):
            continue
        if stated_client_ip(f) != hop.received.from_ip:
            continue
        out[i] = FieldAuthor(
            f.index,
            f.name,
            Author.UNKNOWN,
            hop.number,
            ident,
            "A re-ordered header dump (a viewer sorted and re-cased the fields): its place proves "
            f"nothing. It carries the receiver's identity ({ident}) and names the client the "
            "receiver accepted the message from, but who wrote it cannot be told from a copy.",
        )
    return out
