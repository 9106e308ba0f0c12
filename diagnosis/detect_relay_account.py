"""A customer account of a shared relay used from a cloud server or a home line (facts only).

A hoster's shared SMTP relay signs or passes its own identity for every customer; the account
that submitted the message is named only in the relay's own Received line below the trust
boundary. When that line records an authenticated submission (ESMTPSA) from a cloud server's
default name or a residential line, and the From domain is not the relay's (nothing aligned with
it passed), someone probably sent through a customer's relay account with its stolen login.
The final receiver's evidence ties only the relay (its verified signature, its SPF pass or the
reverse DNS it confirmed); the submission line is the relay's word, which a sender could forge:
a weak sign, never a pass.
"""

from __future__ import annotations

import re

from headerlens.diagnosis.auth_state import aligned_pass, from_domain
from headerlens.diagnosis.compromise_helo import public_ip
from headerlens.diagnosis.facts import Situation
from headerlens.diagnosis.inputs import (
    boundary_hop,
    confirmed_rdns,
    entry,
    envelope,
    org,
    same_org,
    stamps,
    submission_hops,
)
from headerlens.model import Analysis, Hop
from headerlens.parsers.received_syntax import normalize_ip

# Default names cloud providers give their virtual machines (the VM's own host name, or the
# provider's reverse DNS for the address): nobody's office or home mail client.
_CLOUD = (
    (re.compile(r"\.cloudapp\.(?:net|azure\.com)$"), "Microsoft Azure"),
    (re.compile(r"(?:\.compute\.amazonaws\.com|\.compute\.internal|\.ec2\.internal)$"), "AWS"),
    (re.compile(r"\.googleusercontent\.com$"), "Google Cloud"),
    (re.compile(r"(?:\.linodeusercontent\.com|\.members\.linode\.com)$"), "Linode"),
    (re.compile(r"(?:\.vultrusercontent\.com|^vultr\.guest)$"), "Vultr"),
    (re.compile(r"\.contaboserver\.net$"), "Contabo"),
    (re.compile(r"\.your-server\.de$"), "Hetzner"),
    (re.compile(r"\.vps\.ovh\.(?:net|ca|us)$"), "OVH"),
    (re.compile(r"\.colocrossing\.com$"), "ColoCrossing"),
)
# A residential or dynamic line: the ISP's reverse DNS spells the address and says what it is.
_HOME = re.compile(
    r"(?:^|[.-])(?:dsl|adsl|vdsl|dyn|dynamic|dynip|dhcp|pool|ppp|pppoe|cable|broadband|"
    r"dialup|hsd\d*|dip\d*|ftth|fibra|cpe|res|residential|home)(?:[.-]|\d|$)",
    re.IGNORECASE,
)


def cloud_provider(name: str | None) -> str | None:
    """The cloud provider whose default VM name ``name`` is, or None."""
    host = (name or "").lower().rstrip(".")
    return next((provider for pattern, provider in _CLOUD if host and pattern.search(host)), None)


def _octets(name: str, ip: str) -> bool:
    """The name spells the address (1-2-3-4, 4.3.2.1, 001002003004...): an ISP's pool name."""
    parts = ip.split(".")
    if len(parts) != 4:
        return False
    flat = re.sub(r"\D", "", name)
    return (
        "".join(parts) in flat or "".join(reversed(parts)) in flat or all(p in name for p in parts)
    )


def _client_kind(hop: Hop) -> str | None:
    """What the submitting client is, by the names the relay's line records for it."""
    r = hop.received
    ip = normalize_ip(r.from_ip)
    if ip is None or not public_ip(ip):
        return None
    for name in (r.from_rdns, r.from_helo):
        host = (name or "").lower().rstrip(".")
        if not host or host == "unknown":
            continue
        if provider := cloud_provider(host):
            return f"a cloud server ({provider}: {name})"
        if _HOME.search(host) and _octets(host, ip):
            return f"a residential or dynamic line ({name})"
    return None


def _relay_tie(analysis: Analysis) -> tuple[str, str] | None:
    """(the relay's organisation, what the final receiver wrote that ties the client it met to
    it): a DKIM signature of the relay's domain it verified, its SPF pass of an envelope in that
    domain, or the reverse DNS it confirmed."""
    bh = boundary_hop(analysis)
    if bh is None:
        return None
    r = bh.received
    rdns = confirmed_rdns(bh)
    if rdns and (o := org(rdns)):
        return o, f"the final receiver confirmed its client's reverse DNS {rdns}"
    name = r.from_helo or r.from_rdns
    relay = org(name)
    if relay is None:
        return None
    for s in stamps(analysis, "dkim") + stamps(analysis, "spf"):
        d = s.result.prop("header.d") or s.result.prop("smtp.mailfrom") or ""
        if s.value == "pass" and same_org(d.rpartition("@")[2], relay):
            return relay, f"{s.quote()}: the final receiver verified the relay's own identity"
    return None


def relay_account(analysis: Analysis) -> Situation | None:
    """Signs that a customer account of a shared relay was used by someone else (see module)."""
    dom = from_domain(analysis)
    b = entry(analysis)
    if not dom or b is None or aligned_pass(analysis) is not None:
        return None
    tied = _relay_tie(analysis)
    if tied is None or same_org(dom, tied[0]) or same_org(envelope(analysis), tied[0]):
        return None
    relay, tie = tied
    subs = [h for h in submission_hops(analysis) if h.number < b.hop_number]
    if not subs:
        return None
    hop = subs[-1]
    # the hops between it and the entry are the relay's own (no client at a public address)
    between = [h for h in analysis.chain.hops if hop.number < h.number < b.hop_number]
    if any(public_ip(h.received.from_ip) for h in between):
        return None
    kind = _client_kind(hop)
    if kind is None:
        return None
    r = hop.received
    ev = (
        f"the relay's own line (hop {hop.number}) says: authenticated submission "
        f"({r.with_protocol or 'SMTP AUTH'}) from {r.from_ip} into {r.by or '?'}, {kind}; "
        "a line below the boundary, which a sender could forge: a weak sign",
        tie,
        f"the From domain {dom} is not {relay}'s and nothing aligned with it passed: not the "
        "relay's customer domain sending for itself",
    )
    facts = (("party", relay), ("what", "relay account"), ("claimed", org(dom) or dom))
    return Situation("compromised-account", hop.number, ev, facts)
