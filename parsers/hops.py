"""Classify one Received hop: vendor, role and product version, from host names and software."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from headerlens.model.received import HopRole, Received, Vendor
from headerlens.parsers.hop_products import NO_HINTS, Hints, marked_vendor
from headerlens.parsers.ip_ranges import NON_PUBLIC_RANGES
from headerlens.parsers.received import normalize_ip

__all__ = [
    "GATEWAY_VENDORS",
    "classify_hop",
    "exchange_product",
    "is_gmail_internal",
    "is_internal_ip",
    "registrable_domain",
    "special_range",
    "vendor_of_host",
]

# Second-level labels under which country-code TLDs register names (co.uk, com.au, gov.za...).
# A stand-in for the Public Suffix List, which this pure layer cannot read from disk; callers
# that have publicsuffixlist pass its lookup to build_chain instead.
_CC_SECOND_LEVEL = frozenset(
    {"co", "com", "net", "org", "gov", "edu", "ac", "or", "ne", "go", "gob", "gv", "mil", "nic"}
)

# Addresses that never appear on the public Internet. We do not use ipaddress.is_private:
# it also covers the documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
# 198.18.0.0/15) which examples and our lab use as stand-ins for public servers.
_INTERNAL_NETS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",  # carrier-grade NAT (RFC 6598)
        "127.0.0.0/8",
        "169.254.0.0/16",
        "0.0.0.0/8",
        "::1/128",
        "::/128",
        "fe80::/10",
        "fc00::/7",
    )
)

# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches these vendor cases should not pay for compiling them before the console's first frame.
_EOP_INTERNAL_HOST = (
    r"(?i)"
    r"\.prod\.outlook\.com$|\.prod\.protection\.outlook\.com$|\.outlook\.office365\.com$"
    r"|\.prod\.exchangelabs\.com$"
)
_GMAIL_INTERNAL_ID = r"(?i)csp\d+|mr\d+|so\d+"
# Gmail's SMTP ids: "x70so28855493vke.3", "du40-20020a0568703a2800b0019a101f8fa2ls2823557oab.1".
_GMAIL_SMTP_ID = r"(?i)^[\w-]+(?:so|ls|sf|csp)\d+[a-z]{2,4}\.\d+\b"
# Exchange Online mailbox servers: "PH0PR19MB7494.namprd19.prod.outlook.com" (MB = mailbox
# role); front ends are "...FT0nn", "...CA0nnn", "...EPF..." and belong to EOP's transport.
_EXCHANGE_ONLINE_HOST = re.compile(
    r"^[A-Z]{2,4}\d{0,2}P(?:R\d{2}|\d{3})MB\d{4}\.[\w.-]*prod\.outlook\.com$", re.IGNORECASE
)
_LOCAL_SUBMISSION = re.compile(
    r"\(Postfix, from userid \d+\)|\(qmail \d+ invoked by uid \d+\)", re.IGNORECASE
)


def is_internal_ip(ip: str | None) -> bool:
    """True for loopback, RFC 1918, CGNAT, link-local and unique-local addresses."""
    if not ip:
        return False
    return _is_internal(ip)


@lru_cache(maxsize=1024)
def _is_internal(ip: str) -> bool:
    # Cached: the chain and the boundary search ask about the same addresses repeatedly.
    try:
        addr = ipaddress.ip_address(ip.partition("%")[0])
    except ValueError:
        return False
    return any(addr.version == net.version and addr in net for net in _INTERNAL_NETS)


# Special-purpose ranges named by their RFC (IANA special-purpose registries, RFC 6890). The
# ipaddress properties say *whether* an address is special, not *which* range it is in; this
# table gives the name a helpdesk reader needs. Looked up before the generic properties.
_NAMED_RANGES = NON_PUBLIC_RANGES + tuple(
    (ipaddress.ip_network(net), label)
    for net, label in (
        ("192.0.2.0/24", "documentation (RFC 5737)"),
        ("198.51.100.0/24", "documentation (RFC 5737)"),
        ("203.0.113.0/24", "documentation (RFC 5737)"),
        ("198.18.0.0/15", "benchmarking (RFC 2544)"),
        ("0.0.0.0/8", "'this network' (RFC 1122)"),
        ("2001:db8::/32", "documentation (RFC 3849)"),
    )
)


def special_range(ip: str | None) -> str | None:
    """The special-purpose range ``ip`` belongs to ("private (RFC 1918)", "documentation
    (RFC 5737)", "loopback"...), or None for a global unicast address or a non-address.

    An IPv4-mapped IPv6 address (``::ffff:10.0.0.1``) is judged by the IPv4 address inside.
    """
    if not ip:
        return None
    try:
        addr = ipaddress.ip_address(ip.partition("%")[0])
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        inner = special_range(str(addr.ipv4_mapped))
        return f"IPv4-mapped {inner}" if inner else None
    for net, label in _NAMED_RANGES:
        if addr.version == net.version and addr in net:
            return label
    for flag, label in (
        (addr.is_loopback, "loopback"),
        (addr.is_link_local, "link-local"),
        (addr.is_unspecified, "unspecified"),
        (addr.is_multicast, "multicast"),
        (addr.is_reserved, "reserved"),
        (addr.is_private or not addr.is_global, "special-purpose (not globally routable)"),
    ):
        if flag:
            return label
    return None


def registrable_domain(host: str) -> str | None:
    """Approximate registrable domain ("mail.example.co.uk" -> "example.co.uk"), or None."""
    h = host.strip().rstrip(".").lower()
    if not h or normalize_ip(h) is not None:
        return None
    labels = [label for label in h.split(".") if label]
    if len(labels) < 2:
        return None
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _CC_SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _host_matches(host: str | None, *suffixes: str) -> bool:
    if not host:
        return False
    h = host.lower().rstrip(".")
    return any(h == s or h.endswith("." + s) for s in suffixes)


def is_gmail_internal(r: Received) -> bool:
    """Google's internal hand-offs: "by 2002:a05:...", "by 10.x.y.z with SMTP id ...csp..."."""
    by = r.by or ""
    if by.lower().startswith("2002:") and normalize_ip(by):
        return True
    if r.from_ip is None and r.from_helo is None and r.id and re.match(_GMAIL_SMTP_ID, r.id):
        return True  # "by vkex70 with SMTP id x70so28855493vke.3"
    return bool(
        r.by_ip
        and r.from_ip is None
        and r.from_helo is None
        and r.id
        and re.search(_GMAIL_INTERNAL_ID, r.id)
        and (r.with_protocol or "").upper() in {"SMTP", "HTTP"}
    )


def exchange_product(build: str | None) -> str | None:
    """Exchange product name from a build number: 14.x = 2010, 15.1 = 2016, 15.20+ = Online."""
    if not build:
        return None
    m = re.match(r"^(\d+)\.(\d+)", build)
    if not m:
        return None
    major, minor = int(m.group(1)), int(m.group(2))
    if major == 6:
        return "Exchange Server 2003"
    if major == 8:
        return "Exchange Server 2007"
    if major == 14:
        return "Exchange Server 2010" + (f" SP{minor}" if minor else "")
    if major == 15:
        return {
            0: "Exchange Server 2013",
            1: "Exchange Server 2016",
            2: "Exchange Server 2019",
        }.get(minor, "Exchange Online" if minor >= 20 else None)
    return None


def _vendor(r: Received, hints: Hints = NO_HINTS) -> Vendor:
    by = r.by
    sw = (r.server_software or "").lower()
    if _host_matches(by, "outlook.com", "office365.com"):
        # Mailbox servers (MB) run the tenant's Exchange Online; the rest is EOP's transport.
        return Vendor.EXCHANGE_ONLINE if _EXCHANGE_ONLINE_HOST.match(by or "") else Vendor.EOP
    marked = marked_vendor(r, hints)
    if marked is not None:
        return marked
    if _host_matches(by, "google.com", "gmail.com") or is_gmail_internal(r):
        return Vendor.GMAIL
    if _host_matches(by, "hes.trendmicro.com", "trendmicro.eu", "trendmicro.com") or (
        by or ""
    ).upper().startswith("IMSVA"):
        return Vendor.TREND_MICRO
    if _host_matches(by, "pphosted.com", "ppops.net"):
        return Vendor.PROOFPOINT
    if _host_matches(by, "mimecast.com", "mimecast.co.za"):
        return Vendor.MIMECAST
    if _host_matches(by, "barracudanetworks.com", "ess.barracuda.com", "barracuda.com") or (
        by and "barracuda" in by.split(".")[0].lower()
    ):
        return Vendor.BARRACUDA
    if _host_matches(by, "iphmx.com"):
        return Vendor.IRONPORT
    if sw in {"microsoft smtp server", "microsoft exchange"} or (r.with_protocol or "") == "mapi":
        product = exchange_product(r.server_version)
        return Vendor.EOP if product == "Exchange Online" else Vendor.EXCHANGE
    if sw.startswith("postfix"):
        return Vendor.POSTFIX
    if sw.startswith("exim"):
        return Vendor.EXIM
    if sw.startswith("sendmail"):
        return Vendor.SENDMAIL
    if sw.startswith("qmail") or re.search(r"\(qmail \d+ invoked", r.raw):
        return Vendor.QMAIL
    if sw == "microsoft smtpsvc":
        return Vendor.IIS_SMTP
    return Vendor.GENERIC


def _role(r: Received, vendor: Vendor) -> HopRole:
    proto = (r.with_protocol or "").upper()
    via = (r.via or "").lower()
    by = (r.by or "").lower()
    from_internal = bool(r.from_ip) and is_internal_ip(r.from_ip)
    if _LOCAL_SUBMISSION.search(r.raw) or proto.startswith("LOCAL"):
        return HopRole.SUBMISSION  # handed in on the host itself (sendmail binary, cron, PHP)
    if r.by is None and r.from_ip is None and r.from_helo is None:
        return HopRole.LOCAL if vendor == Vendor.QMAIL else HopRole.UNKNOWN
    if proto == "MAPI" or via == "mailbox transport":
        return HopRole.MAILBOX
    special = _product_role(r, vendor, proto, via)
    if special is not None:
        return special
    if proto == "HTTP" and r.from_ip is None:
        return HopRole.SUBMISSION  # webmail: "by 10.x.y.z with HTTP"
    if vendor == Vendor.GMAIL:
        if by == "mx.google.com" or by.startswith("mx"):
            return HopRole.MX
        if proto == "HTTP" or proto.endswith("SA"):
            return HopRole.SUBMISSION
        return HopRole.INTERNAL
    if vendor == Vendor.EOP:
        if proto == "HTTPS":
            return HopRole.LOCAL  # delivery into the Exchange Online mailbox store
        name = r.from_helo or r.from_rdns or ""
        if re.search(_EOP_INTERNAL_HOST, name.rstrip(".")):
            return HopRole.GATEWAY_INTERNAL
        return HopRole.GATEWAY_INBOUND
    if vendor in GATEWAY_VENDORS:
        same_vendor = vendor_of_host(r.from_rdns or r.from_helo) == vendor
        if from_internal or same_vendor or r.from_ip is None:
            return HopRole.GATEWAY_INTERNAL
        return HopRole.GATEWAY_INBOUND
    if proto.endswith("SA") or (proto.endswith("A") and proto.startswith("ESMTP")):
        return HopRole.SUBMISSION
    if vendor == Vendor.EXCHANGE:
        if "edge" in by.split(".")[0]:
            return HopRole.EDGE
        if "frontend" in via and r.from_ip and not from_internal:
            return HopRole.MX
        return HopRole.HUB
    if proto.startswith("LMTP"):
        return HopRole.LOCAL
    if r.from_ip and not from_internal:
        return HopRole.MTA
    return HopRole.INTERNAL if from_internal else HopRole.MTA


def _product_role(r: Received, vendor: Vendor, proto: str, via: str) -> HopRole | None:
    """Roles that follow from the product rather than from the hop's position."""
    if vendor is Vendor.AMAVIS:
        return HopRole.FILTER
    if vendor in {Vendor.FETCHMAIL, Vendor.GETMAIL} or proto in {"POP3", "IMAP", "IMAP4"}:
        return HopRole.RETRIEVAL
    if vendor is Vendor.GOOGLE_GROUPS:
        return HopRole.LIST if (r.by or "").lower() == "gmr-mx.google.com" else HopRole.INTERNAL
    if "listexpand" in via:
        return HopRole.LIST  # ZMailer's list expansion (vger.kernel.org)
    if vendor is Vendor.EXCHANGE_ONLINE:
        return HopRole.LOCAL if proto == "HTTPS" else HopRole.HUB
    return None


# Filtering services that run gateways for their customers (inbound or outbound).
GATEWAY_VENDORS = frozenset(
    {
        Vendor.TREND_MICRO,
        Vendor.PROOFPOINT,
        Vendor.MIMECAST,
        Vendor.BARRACUDA,
        Vendor.IRONPORT,
        Vendor.SYMANTEC,
        Vendor.SOPHOS,
        Vendor.FORTIMAIL,
        Vendor.TESSIAN,
    }
)


def vendor_of_host(name: str | None) -> Vendor | None:
    """The vendor whose servers carry this host name, or None."""
    if not name:
        return None
    return _vendor(Received(raw="", by=name))


def classify_hop(r: Received, hints: Hints = NO_HINTS) -> tuple[HopRole, Vendor, str | None]:
    """Role, vendor and product version ("Exchange Server 2019", "Exim 4.96"...) of a hop.

    ``hints`` (the vendor headers the message carries) confirm products whose Received lines
    have a recognisable shape but no name (see hop_products.marked_vendor).
    """
    vendor = _vendor(r, hints)
    role = _role(r, vendor)
    version: str | None = None
    if (
        r.server_software in {"Microsoft SMTP Server", "Microsoft Exchange"}
        or (r.with_protocol or "").lower() == "mapi"
    ):
        version = exchange_product(r.server_version)
    elif r.server_software == "Microsoft SMTPSVC" and r.server_version:
        version = f"IIS SMTP service {r.server_version}"
    elif r.server_software and r.server_version:
        version = f"{r.server_software} {r.server_version}"
    return role, vendor, version
