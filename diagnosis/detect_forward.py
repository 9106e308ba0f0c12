"""A forward without SRS inferred from what the final receiver itself wrote (pure).

A forwarder that keeps the original envelope sender (a ``.forward`` file, a Sendmail or Postfix
alias to another domain, a mailbox rule re-sending as is) leaves no X-Forwarded or Resent field,
and the lines below the boundary are the forwarder's own text, which a spoofer can write too. What
the receiver wrote still tells the story: its SPF check failed for the envelope domain at a client
whose reverse DNS (looked up by the receiver) is another organisation, while the message was
addressed to that client's domain and the receiver delivered it to another address (the author's
DKIM signature still passing there adds weight; alone it is as likely a sending service missing
from the author's SPF record). That is "probably forwarded", never proof: it moves the
SPF fix to the forwarder, but it never explains away a DMARC failure the From domain enforces
(diagnose keeps the spoof for that).
"""

from __future__ import annotations

import re

from headerlens.diagnosis.facts import Situation
from headerlens.diagnosis.inputs import (
    boundary_hop,
    envelope,
    fields,
    is_srs,
    receiver_fields,
    same_org,
    stamp,
    stamps,
)
from headerlens.model import Analysis, Hop

__all__ = ["probable_forward"]

# (?<!...) starts a match only where a run of address characters starts: a long run without
# an @ is then tried once, not once per character (that was quadratic: 40 KB took 16 s).
_ADDR = re.compile(r"(?<![\w.+=-])[\w.+=-]+@([\w-]+(?:\.[\w-]+)+)")


def probable_forward(analysis: Analysis, from_domain: str | None) -> Situation | None:
    """``forward-nosrs`` (fact ``probable``) when the receiver's own stamps point to a forwarder
    that kept the envelope sender; None when they do not."""
    hop = boundary_hop(analysis)
    spf = stamp(analysis, "spf")
    if hop is None or (spf is not None and spf.value not in ("fail", "softfail")):
        return None
    env = (spf.result.prop("smtp.mailfrom") if spf else None) or envelope(analysis)
    client = (hop.received.from_rdns or "").rstrip(".").lower()
    if not env or is_srs(env) or not client or "." not in client:
        return None
    if same_org(client, env) or same_org(client, from_domain):
        return None  # the sender's own server: a misconfigured sender, not a forward
    below = next((h for h in analysis.chain.hops if h.number == hop.number - 1), None)
    redirected = _redirected(analysis, client, hop.received.for_addr, below)
    if redirected is None:  # a sending service missing from SPF looks the same otherwise
        return None
    kept = _surviving_signature(analysis, env, from_domain, client)
    if spf is None and not kept:
        # no SPF result written: only the author's signature surviving at the receiver adds
        # weight to the redirect (a message the client's users sent on by hand looks the same)
        return None
    where = (
        f"{client} [{hop.received.from_ip or '?'}], a host of another organisation (its reverse "
        "DNS)"
    )
    ev = [
        f"{spf.quote()}: the receiver's SPF check failed for {env} at {where}"
        if spf is not None
        else f"the receiver wrote no SPF result; it got the message with envelope sender {env} "
        f"from {where} than the envelope's domain",
        redirected,
        *kept,
    ]
    if below is not None and same_org(below.received.by, client):
        ev.append(
            f"the line below, written by {below.received.by} as it claims, shows it received "
            f"the message from {below.received.from_rdns or below.received.from_helo or '?'} "
            f"[{below.received.from_ip or '?'}]"
        )
    return Situation(
        "forward-nosrs",
        hop.number,
        tuple(ev),
        (
            ("envelope", env),
            ("forwarder", client),
            ("probable", "yes"),
            *((("spf", "not stamped"),) if spf is None else ()),
        ),
    )


def _surviving_signature(
    analysis: Analysis, env: str, from_domain: str | None, client: str
) -> list[str]:
    """The receiver's DKIM pass for the author's (or the envelope's) domain: the original
    signature survived the re-send, which a spoofer cannot make."""
    out = []
    for s in stamps(analysis, "dkim"):
        d = s.result.prop("header.d") or s.result.prop("header.i") or ""
        if s.value != "pass" or not d or same_org(d, client):
            continue
        if same_org(d, env) or same_org(d, from_domain):
            out.append(f"{s.quote()}: the author's DKIM signature survived the re-send")
            break
    return out


def _redirected(
    analysis: Analysis, client: str, for_addr: str | None, below: Hop | None
) -> str | None:
    """The message was addressed to the client's own domain (To/Cc, or the recipient of the line
    below, which the client wrote), or to an address the client host itself recorded taking the
    message for on that line (a web host's server holding a customer domain's mail), and the
    receiver delivered it to an address in another one: an alias or .forward on that host sent
    it on. Without this, an SPF failure at another
    organisation with the author's DKIM intact is as likely a sending service missing from the
    author's SPF record."""
    delivered = [for_addr] if for_addr else []
    delivered += [
        f.value.strip("<> \t") for f in receiver_fields(analysis, "delivered-to", "x-original-to")
    ]
    rcpt = next((a for a in delivered if "@" in a), None)
    if rcpt is None:
        return None
    to = [m.group(0) for f in fields(analysis, "to", "cc") for m in _ADDR.finditer(f.value)]
    if below is not None and below.received.for_addr:
        to.append(below.received.for_addr.strip("<> "))
    mine = next((a for a in to if same_org(a, client)), None)
    took = _taken_for(analysis, client, below)
    if mine is None and took is not None:
        # the client host itself recorded taking the message for that address (its own line's
        # recipient, or the Delivered-To it wrote on local delivery): it holds that domain's mail
        # under its own name (a web host's server, a forwarding service), as a cPanel, qmail or
        # .forward forward to a mailbox elsewhere shows
        address, how = took
        if any(same_org(a, rcpt) for a in [*to, address]):
            return None
        return f"addressed to {address}, which {client} took the message for ({how}), but delivered to {rcpt}"
    if mine is None or any(same_org(a, rcpt) for a in to):
        return None
    return f"addressed to {mine} (the domain of {client}) but delivered to {rcpt}"


def _taken_for(analysis: Analysis, client: str, below: Hop | None) -> tuple[str, str] | None:
    """(an address, how it shows) that the client host recorded taking the message for below
    the receiver's entry line: the recipient on its own Received line, or a Delivered-To /
    X-Original-To it wrote on local delivery before forwarding (between that line and the
    receiver's). Its own line is the newest one below the entry that names a host: qmail's
    "invoked by uid" lines in between name none and are that host's own."""
    if below is None:
        return None
    own = None
    for h in sorted(analysis.chain.hops, key=lambda h: -h.number):
        if h.number > below.number:
            continue
        if h.received.by is None and not h.received.from_ip:
            continue  # a local line of the same host (qmail's "invoked by uid")
        own = h if same_org(h.received.by, client) else None
        break
    if own is None:
        return None
    if own.received.for_addr and "@" in own.received.for_addr:
        return own.received.for_addr.strip("<> "), "on its own line below"
    entry = boundary_hop(analysis)
    top = entry.header_index if entry is not None else -1
    for f in fields(analysis, "delivered-to", "x-original-to"):
        value = f.value.strip("<> \t")
        if top < f.index < own.header_index and "@" in value:
            return value, f"its own {f.name} below the receiver's line"
    return None
