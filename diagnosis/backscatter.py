"""Backscatter: a bounce of a message that forged its envelope sender (spam returned to the victim).

A bounce goes to the returned message's envelope sender, also when a spammer forged it. The
returned copy's own Received lines show where the message came from: when they never name a
server of the envelope sender's organisation and it entered the reporting system from an
unauthenticated outside client, that organisation did not send it. Then the bounce is
backscatter: an SPF or DMARC refusal in it is no reason to change that organisation's DNS.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from headerlens.diagnosis.facts import Situation
from headerlens.diagnosis.inputs import org, same_org
from headerlens.diagnosis.ndr import one_operator
from headerlens.model import Analysis
from headerlens.model.ndr import NonDelivery
from headerlens.model.received import Hop
from headerlens.parsers.hops import is_internal_ip
from headerlens.parsers.received_syntax import normalize_ip


@dataclass(frozen=True, slots=True)
class Backscatter:
    """Why a bounce is backscatter: the forged address and where the original really entered."""

    forged: str  # the returned message's envelope sender (else its From), which it forged
    domain: str  # that address's organisation (registrable domain)
    entry: str  # "relay.example from HC-VM-PC [192.0.2.84]": where and from which client it came
    nameless: bool  # the reporting system found no reverse DNS for that client
    # the client's reverse DNS name and IP when it has one whose name its HELO does not repeat
    # (an app server saying "HELO app01" from ec2-...amazonaws.com): the domain may send from
    # it without listing it, so "backscatter" holds only unless the domain sends from there
    server: str | None = None
    # the mailing list (its List-Id, else its posting address) that passed the bounce on to
    # its members: the bounce went to the list's posting address, which the list's own mail
    # never uses as its envelope sender (via_list)
    via_list: str | None = None


def _authenticated(hop: Hop) -> bool:
    """The client logged in (ESMTPA/ESMTPSA, "Authenticated sender", "authenticated bits") or
    submitted over a web or local interface: a user of the reporting system, not a stranger."""
    proto = (hop.received.with_protocol or "").upper()
    raw = hop.received.raw.lower()
    return (
        (proto.endswith("A") and "SMTP" in proto)
        or proto in ("HTTP", "HTTPS", "HTTPREST", "LOCAL", "MAPI")
        or "authenticated" in raw
        or "userid" in raw
    )


def _reporters(host: str | None, reporter: str | None) -> bool:
    """``host`` is the reporting system's own (its organisation, or a local name without a dot
    such as "localhost")."""
    if not host or "." not in host.strip("[]."):
        return True
    return same_org(host, reporter) or one_operator(host, reporter)


# Multi-tenant filtering services that relay both ways (their customers' outbound mail and their
# customers' inbound mail), by the domain of their hosts: Symantec Email Security.cloud
# (messagelabs.com), Mimecast, Proofpoint Essentials / PPS hosted (pphosted.com, ppe-hosted.com),
# Barracuda Email Security Service, Cisco Secure Email cloud (iphmx.com), Trend Micro Email
# Security, Sophos Email (hydra.sophos.com), SpamExperts / N-able Mail Assure (antispamcloud.com,
# spamexperts.*), Hornetsecurity.
_SHARED_GATEWAYS = (
    "messagelabs.com",
    "mimecast.com",
    "mimecast.co.za",
    "pphosted.com",
    "ppe-hosted.com",
    "barracudanetworks.com",
    "iphmx.com",
    "hes.trendmicro.com",
    "trendmicro.eu",
    "hydra.sophos.com",
    "antispamcloud.com",
    "spamexperts.com",
    "spamexperts.net",
    "hornetsecurity.com",
)


def _shared_gateway(host: str | None) -> bool:
    h = (host or "").rstrip(".").lower()
    return any(h == d or h.endswith("." + d) for d in _SHARED_GATEWAYS)


def _loop(ip: str) -> bool:
    """A loopback client: the host handed the message to itself (a content filter's loop)."""
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def misdirected(analysis: Analysis, b: Backscatter) -> bool:
    """The bounce itself went to the forged address's organisation (its To, or the recipient
    its receiver wrote): backscatter proper, not a copy for the reporter's postmaster."""
    to = [a for f in analysis.headers if f.lname in _TO for a in _ADDRESS.findall(f.value)]
    to += [h.received.for_addr or "" for h in analysis.chain.hops]
    return any(same_org(a, b.domain) for a in to if "@" in a)


def of_bounce(analysis: Analysis) -> Backscatter | None:
    """The bounce's backscatter as the diagnosis names it: only when the bounce itself went to
    the forged address's organisation (a copy for the reporter's own postmaster is none)."""
    b = backscatter(analysis.ndr)
    return via_list(analysis, b if b is not None and misdirected(analysis, b) else None)


def why_forged(b: Backscatter) -> str:
    """Why the bounced original forged ``b.forged``, as a clause for a fix."""
    if not b.entry:
        return (
            f"the bounce went to the list's posting address {b.forged}, which the list's own mail "
            f"never uses as its envelope sender, so the original forged {b.forged}"
        )
    return (
        f"the original entered at {b.entry}, unauthenticated, and never passed a server of "
        f"{b.domain}, so it forged {b.forged}"
    )


_TO = ("to", "delivered-to", "x-original-to")
# (?<!...) starts a match only where a run of address characters starts: a long run without
# an @ is then tried once, not once per character (that was quadratic: 40 KB took 16 s).
_ADDRESS = re.compile(r"(?<![\w.+=-])[\w.+=-]+@[\w.-]+")


def backscatter(ndr: NonDelivery | None) -> Backscatter | None:
    """The bounce's original forged its envelope sender, as its own Received lines show; None
    when they do not decide (no returned trace, a line of the sender's organisation, a client
    that authenticated, or the sender's organisation reported the failure itself)."""
    original = ndr.original if ndr is not None else None
    if ndr is None or original is None or not original.chain.hops:
        return None
    envelope = original.return_path or original.from_addr
    address = (envelope.address if envelope is not None else None) or ""
    domain = org(address) if "@" in address else None
    reporter = ndr.reporting_mta
    if not domain or same_org(reporter, domain) or one_operator(reporter, domain):
        return None
    hops = original.chain.hops
    if any(not _reporters(h.received.by, reporter) for h in hops):
        return None  # it passed another organisation's server first: the sender's own relay
    names = (n for h in hops for n in (h.received.by, h.received.from_rdns, h.received.from_helo))
    if any(same_org(n, domain) for n in names if n):
        return None  # it passed a server of the sender's organisation (or one claiming to be)
    entry = next(
        (
            h
            for h in hops
            if (ip := normalize_ip(h.received.from_ip)) is not None and not is_internal_ip(ip)
        ),
        None,
    )
    if entry is None or any(_authenticated(h) for h in hops):
        return None
    if _shared_gateway(entry.received.by):
        # a filtering service many organisations share (MessageLabs, Mimecast, Proofpoint...)
        # relays its customers' outbound mail from their own servers and takes its customers'
        # inbound mail from anyone: its entry line alone cannot tell the sender's outbound
        # relay (its bounce is genuine) from the recipient's gateway
        return None
    # a loop inside the reporting host (its own content filter on 127.0.0.1: "from localhost
    # (localhost [127.0.0.1]) by mx.x") is no earlier server: the newest client is the newest
    # one that is not the host itself
    newest = next(
        (h for h in reversed(hops) if (ip := normalize_ip(h.received.from_ip)) and not _loop(ip)),
        entry,
    )
    if hops.index(newest) > 0 and normalize_ip(newest.received.from_ip) != normalize_ip(
        entry.received.from_ip
    ):
        # the reporting system took it from a client that was itself handed the message by an
        # earlier server (a line below): an ISP's outbound relay or a smarthost the sender's
        # domain may use without naming it; where the sender really sent from is not decided
        return None
    r = entry.received
    if any(_reporters(n, reporter) for n in (r.from_rdns, r.from_helo) if n and "." in n):
        return None  # one of the reporting system's own hosts handed it on: a user of its own
    client = f"{r.from_helo or r.from_rdns or '?'} [{r.from_ip}]"
    nameless = not r.from_rdns or r.from_rdns.lower() == "unknown"
    if not nameless and r.from_rdns and r.from_helo and r.from_rdns.lower() == r.from_helo.lower():
        # a mail server whose name its reverse DNS confirms (an app server or a hosted platform
        # sending for the domain straight to the MX writes no line of its own): the domain's
        # own mail missing from its SPF looks the same, so this decides nothing (the refusal's
        # fix stays conditional: add the server only if the domain really sent through it)
        return None
    server = None if nameless else f"{r.from_rdns} [{r.from_ip}]"
    entry_at = f"{r.by or 'the reporting server'} from {client}"
    return Backscatter(address, domain, entry_at, nameless, server)


_MAILTO = re.compile(r"<mailto:([^>?\s]+@[^>?\s]+)", re.I)


def via_list(analysis: Analysis, found: Backscatter | None) -> Backscatter | None:
    """A bounce a mailing list passed on to its members, sent to the list's own posting address
    (List-Post, RFC 2369 §3.4): a list sends its posts with its bounce address as the envelope
    sender (Mailman's -bounces, ezmlm's -return-, LISTSERV's owner-), never the posting address,
    so the bounced original forged it and the list distributed the backscatter. The reader sent
    nothing. ``found``: the backscatter the returned copy's own lines already show, if any."""
    if analysis.ndr is None or analysis.ndr.original is None:
        return found
    posts = {
        m.group(1).lower()
        for f in analysis.headers
        if f.lname == "list-post"
        for m in _MAILTO.finditer(f.value)
    }
    if not posts:
        return found
    original = analysis.ndr.original
    envelope = original.return_path or original.from_addr
    sent_as = (envelope.address or "").lower() if envelope is not None else ""
    to = {a.lower() for f in analysis.headers if f.lname == "to" for a in _ADDRESS.findall(f.value)}
    if sent_as not in posts or not (to & posts):
        return found
    # the List-Id is the list's (or a sender's) text: at most a line's worth of it is named
    name = next((f.value.strip()[:80] for f in analysis.headers if f.lname == "list-id"), sent_as)
    if found is not None:
        return Backscatter(
            found.forged, found.domain, found.entry, found.nameless, found.server, name
        )
    return Backscatter(sent_as, org(sent_as) or sent_as, "", False, None, name)


def mark(s: Situation, b: Backscatter) -> Situation:
    """The bounce's own situation, with what shows its original was a forgery of ``b.forged``."""
    ev = (
        f"backscatter of a message that forged {b.forged}: its returned copy entered at "
        f"{b.entry}, unauthenticated, and never passed a server of {b.domain}"
    )
    facts: tuple[tuple[str, str], ...] = (
        ("backscatter", b.forged),
        ("forged-domain", b.domain),
        ("entry", b.entry),
    )
    facts += (("unless-server", b.server),) if b.server else ()
    if b.via_list:
        listed = (
            f"the mailing list {b.via_list} passed the bounce on to its members: it was sent to "
            f"the list's posting address {b.forged}, which the list's own mail never uses as its "
            "envelope sender"
        )
        ev = f"{ev}; {listed}" if b.entry else f"backscatter: {listed}"
        facts = (
            ("backscatter", b.forged),
            ("forged-domain", b.domain),
            ("via-list", b.via_list),
            *((("entry", b.entry),) if b.entry else ()),
            *((("unless-server", b.server),) if b.server else ()),
        )
    return Situation(s.label, s.hop_number, (*s.evidence, ev), s.facts + facts)


def spoof(b: Backscatter) -> Situation | None:
    """A spoof of the forged domain, when the reporting system could not even name the client
    that injected the original (no reverse DNS): a stranger relaying the domain's address."""
    if not b.nameless:
        return None
    return Situation(
        "spoof",
        None,
        (
            f"the bounced original claimed {b.forged} but entered at {b.entry} (no reverse DNS), "
            f"unauthenticated, and never passed a server of {b.domain}",
        ),
        (("domain", b.domain), ("backscatter", b.forged), ("entry", b.entry)),
    )
