"""A big mail provider's address in From, where the message entered from a host that is not one
of that provider's own mail servers (facts only).

A free-mail provider sends its users' mail only from its own servers, and every one of them has
a reverse-DNS name under the provider's own domains and announces that name (Yahoo's
``*.mail.*.yahoo.com``, Gmail's ``mail-*.google.com``, GMX's ``mout.gmx.net``, Outlook.com's
``*.outbound.protection.outlook.com`` / ``*.hotmail.com``). Where the receiver wrote no
authentication result and nothing was re-verified, the client it recorded is still evidence: a
host named elsewhere, or with no name at all, is not the provider's server, so the provider did
not send the message (forged yahoo.com / gmx.net From through open relays and botnets). Only the
boundary's client as its receiver wrote it counts, never the lines below it (the sender's text);
a line below that shows the provider's server handing the message to another host (a forward)
withdraws the reading. Never a DMARC verdict: a hedged call with its evidence.
"""

from __future__ import annotations

import re

from headerlens.diagnosis.inputs import boundary_hop, confirmed_rdns, entry, org, same_org
from headerlens.model import Analysis, Hop
from headerlens.model.received import Received
from headerlens.parsers.hops import is_internal_ip
from headerlens.parsers.received_syntax import normalize_ip

# The provider's address domains -> the registrable domains its outbound servers are named under
# (as their own Received lines and reverse DNS show them on real mail).
_GROUPS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        (
            "yahoo.com",
            "yahoo.co.uk",
            "yahoo.fr",
            "yahoo.de",
            "yahoo.es",
            "yahoo.it",
            "ymail.com",
            "rocketmail.com",
            "yahoo.com.br",
            "yahoo.ca",
            "yahoo.in",
            "yahoo.com.au",
        ),
        ("yahoo.com", "yahoo.net", "yahoodns.net"),
    ),
    (("aol.com", "aim.com"), ("aol.com", "yahoo.com", "yahoo.net")),
    (("gmail.com", "googlemail.com"), ("google.com", "googlemail.com")),
    (
        ("hotmail.com", "outlook.com", "live.com", "msn.com", "hotmail.co.uk", "hotmail.fr"),
        ("hotmail.com", "outlook.com", "msn.com", "live.com"),
    ),
    (("gmx.net", "gmx.de", "gmx.com", "web.de"), ("gmx.net", "gmx.com", "gmx.de", "web.de")),
    (("mail.ru", "inbox.ru", "list.ru", "bk.ru"), ("mail.ru",)),
    (("yandex.ru", "yandex.com"), ("yandex.net", "yandex.ru", "yandex.com")),
    (("icloud.com", "me.com", "mac.com"), ("icloud.com", "me.com", "mac.com", "apple.com")),
    (("earthlink.net", "mindspring.com"), ("earthlink.net", "mindspring.com")),
    (("comcast.net",), ("comcast.net",)),
)


def provider_hosts(dom: str) -> tuple[str, ...] | None:
    """The domains the provider of address domain ``dom`` names its mail servers under."""
    o = (org(dom) or dom).lower()
    return next((hosts for doms, hosts in _GROUPS if o in doms), None)


def theirs(name: str | None, hosts: tuple[str, ...]) -> bool:
    n = (name or "").strip("[]").lower().rstrip(".")
    return bool(n) and any(same_org(n, h) for h in hosts)


# How a receiver writes that its client has no reverse-DNS name: Postfix and Sendmail's
# "(unknown [192.0.2.1])", qmail's "from unknown (HELO …)"
_NO_NAME = re.compile(r"\(unknown\s*\[|^\s*(?:received:\s*)?from\s+unknown\s*\(", re.IGNORECASE)


def _recorded(r: Received) -> str | None:
    """The reverse-DNS name the receiver wrote for its client, "unknown" when it wrote that
    there is none, None when its line does not say."""
    if r.from_rdns and r.from_rdns.lower() != "unknown":
        return r.from_rdns.strip().rstrip(".")
    return "unknown" if r.from_rdns or _NO_NAME.search(r.raw) else None


def handed_on(analysis: Analysis, hosts: tuple[str, ...], below: int) -> bool:
    """A line below hop ``below`` shows a server named under ``hosts`` handing the message to
    a host outside them: the provider sent it and someone relayed it on (a forward, a list, an
    outbound gateway), or the lines are forged; either way the provider's own part is unsure."""
    return any(
        h.number < below and theirs(recorded_client(h), hosts) and not theirs(h.received.by, hosts)
        for h in analysis.chain.hops
    )


def recorded_client(hop: Hop) -> str | None:
    """The name the receiver recorded for ``hop``'s client ("unknown" for none), else its HELO."""
    named = _recorded(hop.received)
    return hop.received.from_helo if named is None else named


def entered_elsewhere(analysis: Analysis, dom: str) -> tuple[str, str] | None:
    """(evidence, the client as "name [address]") when a message in a big provider's name (``dom``) entered from a host that is
    not one of the provider's servers: the reverse-DNS name the receiver recorded for its
    client is outside the provider's domains, or the receiver recorded none and the client did
    not even announce a name of the provider. None where it cannot be told (no boundary, a
    private or unconfirmed hand-off, a name of the provider, a forward seen below)."""
    hosts = provider_hosts(dom)
    b = entry(analysis)
    hop = boundary_hop(analysis)
    if hosts is None or b is None or hop is None or b.unconfirmed:
        return None
    ip = normalize_ip(b.ip)
    if ip is None or is_internal_ip(ip) or theirs(b.receiver, hosts):
        return None
    if handed_on(analysis, hosts, b.hop_number):
        return None
    rdns = _recorded(hop.received) or ""
    helo = b.helo or ""
    name = org(dom) or dom
    where = f"{hosts[0]}" if len(hosts) == 1 else ", ".join(hosts[:-1]) + f" or {hosts[-1]}"
    if rdns and rdns.lower() != "unknown":
        if theirs(rdns, hosts):
            return None
        how = "confirmed" if confirmed_rdns(hop) else "recorded"
        return (
            f"it entered from {rdns} [{b.ip}] (the name its receiver {how}), not a server of "
            f"{name}, whose own mail servers are named under {where}"
        ), f"{rdns} [{b.ip}]"
    if theirs(helo, hosts) and rdns.lower() != "unknown":
        return None  # no name recorded and the client claims one of the provider's: unsure
    said = f"announced itself as {helo}" if helo else "gave no name"
    return (
        f"it entered from {b.ip}, a client with no reverse-DNS name that {said}: not a server "
        f"of {name}, whose own mail servers all have names under {where}"
    ), f"{b.ip}, a host with no reverse-DNS name" + (f" calling itself {helo}" if helo else "")
