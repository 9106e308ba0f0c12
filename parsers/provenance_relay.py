"""Which hops below the boundary belong to an organisation that re-sent the message (a relay)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from headerlens.model.core import HeaderField
from headerlens.model.received import Hop
from headerlens.parsers.boundary import client_inside, org_of

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
