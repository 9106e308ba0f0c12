"""Whether a hop's client is inside the receiving organisation, by what its receiver wrote."""

from __future__ import annotations

import re
from collections.abc import Callable

from headerlens.model.received import Hop, Received, TrustedHosts, Vendor
from headerlens.parsers.hops import is_gmail_internal, is_internal_ip
from headerlens.parsers.masked_ip import client_text, masked_private
from headerlens.parsers.provenance_apple import is_apple_gateway
from headerlens.parsers.provider_tiers import provider_handoff
from headerlens.parsers.sendmail_qid import sendmail_queue_id
from headerlens.parsers.trusted_hosts import listed_client

__all__ = [
    "PRIVATE_CLIENT",
    "SHARED_PROVIDER_DOMAINS",
    "UNCONFIRMED_REASONS",
    "client_inside",
    "is_retrieval",
    "names_client",
    "provider_tier",
    "rdns_confirmed",
]


# Mailbox providers whose customers and own servers share one domain: sharing the domain
# with the receiver says nothing about being inside its organisation.
SHARED_PROVIDER_DOMAINS = frozenset(
    {"google.com", "gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com", "me.com"}
)
# Exchange Online's internal tier: these hosts accept mail only from Microsoft's own servers
# (mail from the Internet enters at *.mail.protection.outlook.com).
_EOP_INTERNAL_BY = re.compile(
    r"\.prod\.outlook\.com$|\.prod\.protection\.outlook\.com$|\.outlook\.office365\.com$",
    re.IGNORECASE,
)
# Yahoo's (and AOL's) mailbox tier: atlas hosts take mail only over HTTP(S) from Yahoo's own
# inbound MTAs, whose lines name them by a private address (no customer's NAT fronts them).
_YAHOO_ATLAS_BY = re.compile(r"^atlas[\w.-]*\.(?:yahoo|aol)\.com$", re.IGNORECASE)
_RETRIEVAL = re.compile(r"\((?:fetchmail|getmail)[-\s]", re.IGNORECASE)
_LOCAL_PROTOCOLS = ("LOCAL", "HTTP")  # HTTP, HTTPS, HTTPREST: webmail / API submission


def rdns_confirmed(r: Received) -> bool:
    """True when the receiver wrote a reverse-DNS name it confirmed: Postfix writes "unknown"
    and Sendmail "(may be forged)" when the forward lookup does not match; Exim verifies the
    name before it shows it. Other dialects show the client's claim or nothing."""
    if not r.from_rdns or "may be forged" in r.raw.lower():
        return False
    software = (r.server_software or "").lower()
    if not software and sendmail_queue_id(r):
        return True  # a Sendmail build with a rebranded version comment
    return software.startswith(("postfix", "exim", "sendmail"))


PRIVATE_CLIENT = "the receiver saw a private or loopback address"
_LMTP = "a delivery over LMTP"
# Reasons nothing the receiver wrote confirms: a NAT or a proxy in front of it, or an LMTP
# server reachable from outside, shows the same line with the sender's text below it.
UNCONFIRMED_REASONS = (PRIVATE_CLIENT, _LMTP)


def client_inside(
    hop: Hop,
    org: str | None,
    domain_of: Callable[[str], str | None],
    trusted: TrustedHosts | None = None,
) -> str | None:
    """Why the client of ``hop`` is inside the receiving organisation, from what the receiver
    wrote; None when nothing it wrote says so (the HELO name never does). With ``trusted``
    (the organisation's own hosts), a network client is inside only when it is listed, or
    when a provider's internal tier took it in."""
    r = hop.received
    if not names_client(hop):
        return "the line names no client: a hand-off inside the receiving host"
    proto = (r.with_protocol or "").upper()
    if is_retrieval(r):
        return (
            f"a retrieval from a mailbox (with {r.with_protocol or 'POP3/IMAP'}): the message "
            "was fetched, not received over SMTP, so the SMTP entry is further down"
        )
    if why := provider_handoff(r):
        return why
    if proto.startswith("LMTP") and (trusted is None or r.from_ip is None):
        return f"{_LMTP}, which only runs inside the receiving side (RFC 2033 §4)"
    if r.from_ip is None and proto.startswith(_LOCAL_PROTOCOLS):
        return f"a local hand-off (with {r.with_protocol}) with no network client"
    if r.from_ip is None and proto == "SPAMASSASSIN":
        return (
            "SpamAssassin's own line on the host that rewrote the message (report_safe): "
            "no server handed it over"
        )
    if trusted is None and is_internal_ip(r.from_ip):
        return f"{PRIVATE_CLIENT} ({r.from_ip})"
    if trusted is None and (label := masked_private(r) or _masked_local(hop)):
        return f"{PRIVATE_CLIENT} ({r.from_ip_masked}, masked in the paste: {label})"
    if is_gmail_internal(r):
        return "a Google-internal hand-off"
    by = (r.by or "").rstrip(".")
    if _EOP_INTERNAL_BY.search(by):
        return f"{by} is an Exchange Online internal server, reached only from Microsoft's own"
    if is_apple_gateway(r):
        return f"{by} is iCloud Mail's delivery gateway, reached only from iCloud's own MX hosts"
    if trusted is not None:
        return listed_client(r, trusted, rdns_confirmed(r))
    if org and org not in SHARED_PROVIDER_DOMAINS and rdns_confirmed(r):
        name = r.from_rdns or ""
        if domain_of(name) == org:
            return f"the receiver confirmed the client's reverse DNS ({name}) inside {org}"
    return None


def is_retrieval(r: Received) -> bool:
    """The line records a retrieval from a mailbox (POP3/IMAP, fetchmail, getmail)."""
    proto = (r.with_protocol or "").upper()
    return proto.startswith(("POP", "IMAP")) or bool(_RETRIEVAL.search(r.raw))


def _masked_local(hop: Hop) -> str | None:
    """Why a line whose client address the paste masked still names a loopback client: the
    receiver confirmed the client's name as localhost (Postfix, Exim and Sendmail write the
    looked-up name only when it resolves back), or the line is a content filter's own loop
    (amavisd-new's "by localhost (amavisd-new, port 10024)": it listens on the host itself)."""
    r = hop.received
    if r.from_ip is not None or not r.from_ip_masked:
        return None
    if rdns_confirmed(r) and (r.from_rdns or "").lower() in ("localhost", "localhost.localdomain"):
        return "the receiver confirmed the client's name as localhost, a loopback address"
    if hop.vendor is Vendor.AMAVIS and (r.by or "").lower() in ("localhost", "127.0.0.1"):
        return "a content filter's own loop on the host (amavisd-new listens on localhost)"
    return None


def provider_tier(hop: Hop) -> bool:
    """The line was written by a mailbox provider's internal tier (Exchange Online's, Google's,
    Yahoo's atlas), which no customer's NAT or proxy fronts: its private or loopback client is
    the provider's."""
    r = hop.received
    by = (r.by or "").rstrip(".")
    if _YAHOO_ATLAS_BY.match(by) and (r.with_protocol or "").upper().startswith("HTTP"):
        return True
    return bool(_EOP_INTERNAL_BY.search(by)) or is_gmail_internal(r) or bool(provider_handoff(r))


def names_client(hop: Hop) -> bool:
    """The line names the client that handed the message over (an address, a looked-up name or
    a HELO). GroupWise's own transfer from its Internet Agent to the post office ("from
    INET-PRV1-MTA by host with Novell_GroupWise") names a GroupWise MTA object, not a client."""
    r = hop.received
    if r.from_ip is None and (r.with_protocol or "").lower() == "novell_groupwise":
        return False
    return client_text(r) is not None or r.from_rdns is not None or r.from_helo is not None
