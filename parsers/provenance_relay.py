"""Which hops below the boundary belong to an organisation that re-sent the message (a relay)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from headerlens.model.core import HeaderField
from headerlens.model.received import Hop
from headerlens.parsers.boundary import org_of
from headerlens.parsers.boundary_client import client_inside
from headerlens.parsers.stamp_evidence import stamp_identity

# Fields a mailbox delivery writes: the organisation above whose line they sit delivered the
# message to a mailbox, so whatever went on from there was forwarded.
_MAILBOX = frozenset({"delivered-to", "x-forwarded-to", "x-forwarded-for"})


def own_client(hop: Hop, org: str | None, domain_of: Callable[[str], str | None]) -> bool:
    """The client of ``hop`` belongs to the organisation ``org`` that wrote it: by what its
    receiver wrote, or by the reverse DNS name the receiver looked up (attribution between two
    outside parties only; the boundary never relies on it)."""
    if client_inside(hop, org, domain_of) is not None:
        return True
    return org is not None and org_of(hop.received.from_rdns, domain_of) == org


def mailbox_relays(
    fields: Sequence[HeaderField],
    hops: Sequence[Hop],
    is_trusted: Callable[[Hop], bool],
    org: str | None,
    domain_of: Callable[[str], str | None],
) -> set[int]:
    """Hops below the boundary of an organisation that delivered the message to a mailbox (a
    Delivered-To or X-Forwarded-To/-For above its line) before it went on: a forwarder, even
    when its entry is the oldest line (Gmail to Gmail). Its hops down to its entry."""
    by_number = {h.number: h for h in hops}
    found: set[int] = set()
    for hop in hops:
        newer = by_number.get(hop.number + 1)
        if is_trusted(hop) or newer is None:
            continue
        if any(g.lname in _MAILBOX for g in fields[newer.header_index + 1 : hop.header_index]):
            for n in range(hop.number, 0, -1):
                found.add(n)
                if client_inside(by_number[n], org, domain_of) is None:
                    break  # its entry: the hop it received the message at
    return found


# The envelope sender of a list's re-send: Mailman "list-bounces+...", vger "list+bounces-...",
# Sympa/Majordomo "owner-list" / "list-owner", Google Groups "list+bnc...".
_LIST_BOUNCE = r"(?i)(?:^|[-+._])(?:bounces?|owner|errors|bnc\w*)(?:$|[-+._=])|^owner-"
_ADDRESS = r"<?\s*([^<>@\s]+)@([\w.-]+)\s*>?"


def list_relays(
    fields: Sequence[HeaderField],
    hops: Sequence[Hop],
    boundary: int | None,
    domain_of: Callable[[str], str | None],
) -> set[int]:
    """Hops below the boundary of a list that re-sent the message: the receiver wrote the
    envelope sender (a Return-Path above its own boundary line) as a list's bounce address, and
    the hops right below the boundary were written by hosts of that address's organisation.
    Those hops (down to, not including, the oldest one: the author's own submission) are the
    list's, an intermediary, not the sending side. Who is an intermediary and who the sender
    proves nothing for the receiver's verdicts: both are outside it."""
    by_number = {h.number: h for h in hops}
    line = by_number[boundary].header_index if boundary in by_number else None
    if line is None or boundary is None or boundary <= 2:
        return set()
    rp = next((f for f in fields[:line] if f.lname == "return-path"), None)
    m = re.match(_ADDRESS, rp.value.strip()) if rp is not None else None
    if m is None or not re.search(_LIST_BOUNCE, m.group(1)):
        return set()
    org = org_of(m.group(2), domain_of)
    n = boundary - 1
    while n >= 2 and org is not None and org_of(by_number[n].received.by, domain_of) == org:
        n -= 1
    return set(range(n + 1, boundary))


def arc_relay(
    f: HeaderField, hops: Sequence[Hop], relays: set[int], domain_of: Callable[[str], str | None]
) -> Hop | None:
    """The entry hop of the relay (a list) whose organisation an ARC field names: a list seals
    above the line of the hop it received the message at, so its ARC set can sit above an
    older hop's line (attribution between two outside parties only)."""
    ident = stamp_identity(f) if f.lname.startswith("arc-") else None
    org = org_of(ident, domain_of) if ident else None
    if org is None:
        return None
    ordered = sorted((h for h in hops if h.number in relays), key=lambda h: h.number)
    return next((h for h in ordered if org_of(h.received.by, domain_of) == org), None)
