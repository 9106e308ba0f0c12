"""Hand-offs inside the receiving site that its receiver recorded without a public client (pure).

Two shapes of real receivers' chains:

- A relay line with no address at all. MIMEsweeper (Content Technologies SMTPRS) in front of
  Exchange 2000 writes ``from mailman.example.com (unverified) by gw.example.com``: the name is
  the client's HELO, no IP. When that name is a host of the receiving organisation and the line
  below was written ``by`` that very host, the line is most likely the site's own relay handing
  the message on, and the entry is where a receiver-written client address first appears below.
- A private or loopback client (Postfix handing to amavisd-new on 127.0.0.1 and back, a DMZ
  relay on 10.x) whose line below was written by the host the client named, under another
  registrable domain than the receiver's (a site with two names: ``smtp.example.org`` in front
  of ``imap.example.net``).

Neither line proves it: a NAT or a proxy in front of the receiver, or a client that simply
gave the relay's name as HELO, shows the same line with the sender's text below it. So these
hops are passed over only as *unconfirmed* (``Boundary.unconfirmed``): SPF replayed at the
entry below reads "pass (unconfirmed)" and DMARC never passes on it (see
tests/test_genbound.py for the attack tests).
"""

from __future__ import annotations

from collections.abc import Callable, Set

from headerlens.model.received import Hop
from headerlens.parsers.masked_ip import client_text

__all__ = ["UNRECORDED", "hands_on", "unrecorded_relay"]

UNRECORDED = "the receiver recorded no client address"


def _name(host: str | None) -> str:
    return (host or "").lower().rstrip(".")


def hands_on(hop: Hop, older: Hop | None) -> bool:
    """The line below ``hop`` was written ``by`` the host ``hop``'s client named (its HELO or
    the name its receiver wrote, in full or as the bare host name, "mailhub" for
    mailhub.example.com): the chain continues from one line to the next."""
    if older is None or not (below := _name(older.received.by)) or "." not in below:
        return False
    r = hop.received
    names = {_name(r.from_helo), _name(r.from_rdns)} - {""}
    return below in names or below.split(".", 1)[0] in names


def unrecorded_relay(
    hop: Hop,
    older: Hop | None,
    orgs: Set[str | None],
    domain_of: Callable[[str], str | None],
) -> str | None:
    """Why ``hop`` is taken as the receiving site's own relay although its receiver recorded
    no client address: the only name it wrote is a host of the organisation (``orgs``, the
    registrable domains the receiver's own lines name), and that host wrote the line below,
    naming the client it took the message from."""
    r = hop.received
    if client_text(r) is not None or not hands_on(hop, older) or older is None:
        return None
    if client_text(older.received) is None:
        return None  # the relay's own line records no client either: nothing to pass on to
    name = _name(older.received.by)
    if domain_of(name) not in orgs - {None}:
        return None
    return (
        f"{UNRECORDED}, only the name {name} (a host of {domain_of(name)}, which wrote the line "
        "below), taken as the site's own relay"
    )
