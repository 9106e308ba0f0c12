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

A third: a hosted filtering gateway of another domain (a cloud IronPort) in front of an
on-premises Exchange whose line names only the gateway host that wrote the line below, where the
gateway's own Received-SPF checked its client on the way in: its entry is the boundary, marked
unconfirmed likewise, and its passes are not counted (tests/test_genbound2.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence, Set

from headerlens.model.core import HeaderField
from headerlens.model.received import Hop
from headerlens.parsers.hops import GATEWAY_VENDORS, is_internal_ip
from headerlens.parsers.masked_ip import client_text

__all__ = ["HOSTED_GATEWAY", "UNRECORDED", "hands_on", "hosted_gateway", "unrecorded_relay"]

UNRECORDED = "the receiver recorded no client address"
HOSTED_GATEWAY = "the client is a filtering gateway that checked its own client's SPF on the way in"
_SPF_CLIENT = re.compile(r"(?i)\bclient-ip\s*=\s*\[?([0-9a-f:.]+)")
_SPF_RECEIVER = re.compile(r"(?i)\breceiver\s*=\s*([a-z0-9.-]+)")


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


def hosted_gateway(
    hop: Hop,
    older: Hop | None,
    headers: Sequence[HeaderField],
    domain_of: Callable[[str], str | None],
) -> str | None:
    """Why ``hop`` is taken as the hand-off from the recipient's hosted filtering gateway (a
    cloud IronPort of another domain in front of an on-premises Exchange): its client named the
    gateway host that wrote the line below, that line is a filtering gateway's, and between the
    two lines the gateway's own Received-SPF checked the public client of its line (an inbound
    SPF check: a gateway relaying a sender's outbound mail does not check its own customer).
    Nothing the receiver wrote confirms the gateway is its own: the caller marks it unconfirmed."""
    if older is None or older.vendor not in GATEWAY_VENDORS or not hands_on(hop, older):
        return None
    ip, gateway = older.received.from_ip, _name(older.received.by)
    if not ip or is_internal_ip(ip) or "." not in gateway:
        return None
    org = domain_of(gateway)
    for h in headers:
        if h.lname != "received-spf" or not hop.header_index < h.index < older.header_index:
            continue
        client, receiver = _SPF_CLIENT.search(h.value), _SPF_RECEIVER.search(h.value)
        if (
            client
            and receiver
            and client.group(1).lower() == ip.lower()
            and org is not None
            and domain_of(_name(receiver.group(1))) == org
        ):
            return (
                f"{HOSTED_GATEWAY} ({gateway}, whose Received-SPF checked {ip}), taken as "
                "the recipient's hosted gateway"
            )
    return None
