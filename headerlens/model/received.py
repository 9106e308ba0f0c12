"""Types for the Received chain: parsed lines, classified hops and the trust boundary."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from headerlens.model.core import Defect
from headerlens.model.dcmethods import ModelMethods


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Received(ModelMethods):
    """One parsed Received field (RFC 5321 §4.4 plus the dialects seen in the wild).

    Every attribute is optional because real lines omit or garble any of them; ``defects`` says
    what could not be understood and ``raw`` keeps the unfolded original text.
    """

    raw: str
    from_helo: str | None = None  # name the client gave in HELO/EHLO
    from_rdns: str | None = None  # reverse-DNS name the receiver looked up
    from_ip: str | None = None  # connecting IP (v4 or v6), without brackets
    # The client address as written when a paste masked it or put a placeholder in its place
    # ("10.192.xx.xx", "IP removed", "0.0.0.0"); from_ip is then None (parsers.masked_ip).
    from_ip_masked: str | None = None
    by: str | None = None  # receiving host
    by_ip: str | None = None
    with_protocol: str | None = None  # SMTP, ESMTPS, ESMTPSA, mapi, HTTP, ...
    via: str | None = None  # e.g. "Frontend Transport"
    id: str | None = None
    for_addr: str | None = None
    tls_version: str | None = None  # TLS1_2, TLSv1.3, ...
    tls_cipher: str | None = None
    server_software: str | None = None  # "Microsoft SMTP Server", "Postfix", "Exim 4.96", ...
    server_version: str | None = None  # "15.20.7452.28", "14.3.498.0", ...
    date_text: str | None = None  # the date part as written
    timestamp: datetime | None = None  # timezone-aware when parsed
    envelope_from: str | None = None  # "envelope-from <a@b>" where stated
    defects: tuple[Defect, ...] = ()


class HopRole(enum.Enum):
    """What a hop is doing in the delivery path."""

    MAILBOX = "mailbox server"
    HUB = "hub transport"
    EDGE = "edge transport"
    GATEWAY_INBOUND = "gateway inbound"
    GATEWAY_INTERNAL = "gateway internal"
    GATEWAY_OUTBOUND = "gateway outbound"
    MX = "MX (inbound)"
    INTERNAL = "internal relay"
    SUBMISSION = "submission"
    LOCAL = "local delivery"
    MTA = "MTA"
    FILTER = "content filter"  # amavisd-new, MailScanner: a scan loop on one host
    LIST = "mailing list"  # the list server accepting or expanding a post
    RETRIEVAL = "mailbox retrieval"  # fetchmail/getmail pulling from a remote mailbox
    UNKNOWN = "unknown"


class Vendor(enum.Enum):
    """Who operates the software on a hop, as far as the line tells."""

    EXCHANGE = "Microsoft Exchange"
    EOP = "Exchange Online Protection"
    TREND_MICRO = "Trend Micro"
    GMAIL = "Gmail"
    PROOFPOINT = "Proofpoint"
    MIMECAST = "Mimecast"
    BARRACUDA = "Barracuda"
    IRONPORT = "Cisco IronPort"
    POSTFIX = "Postfix"
    EXIM = "Exim"
    SENDMAIL = "Sendmail"
    QMAIL = "qmail"
    EXCHANGE_ONLINE = "Exchange Online"  # the tenant's mailbox servers (*MB*.prod.outlook.com)
    GOOGLE_GROUPS = "Google Groups"
    SYMANTEC = "Symantec MessageLabs"
    SOPHOS = "Sophos"
    FORTIMAIL = "FortiMail"
    TESSIAN = "Tessian"
    ZIMBRA = "Zimbra"
    AMAVIS = "amavisd-new"
    DOVECOT = "Dovecot"
    FETCHMAIL = "fetchmail"
    GETMAIL = "getmail"
    SENDGRID = "SendGrid"
    YAHOO = "Yahoo Mail"
    ZMAILER = "ZMailer"
    MAILENABLE = "MailEnable"
    IIS_SMTP = "Microsoft IIS SMTP service"
    GENERIC = "generic MTA"


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Hop(ModelMethods):
    """One Received field placed in the delivery chain.

    ``number`` counts in delivery order: 1 is the oldest hop (bottom-most Received line).
    ``header_index`` points back to the field in the header section.
    ``delay`` is the signed time since the previous hop (None when either date is missing);
    negative means clock skew, never wrapped around a day.
    """

    number: int
    header_index: int
    received: Received
    role: HopRole = HopRole.UNKNOWN
    vendor: Vendor = Vendor.GENERIC
    product_version: str | None = None  # "Exchange Server 2019", "Exchange 2010 SP3", ...
    # The software the line names when it is none of the vendors above ("Halon", "trex").
    product: str | None = None
    delay: timedelta | None = None
    clock_skew: bool = False
    is_boundary: bool = False
    defects: tuple[Defect, ...] = ()

    @property
    def vendor_label(self) -> str:
        """The vendor's name, or the software the line names for a generic MTA."""
        return self.product if self.vendor is Vendor.GENERIC and self.product else self.vendor.value


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Boundary(ModelMethods):
    """Where the message entered the receiving organisation: the SPF check that matters."""

    hop_number: int
    receiver: str | None  # the "by" host of the boundary hop
    ip: str | None  # connecting IP seen by that receiver
    helo: str | None
    mail_from: str | None  # envelope sender (address, "" for the null sender, None if unknown)
    reason: str  # plain sentence: why this hop was chosen
    # Set when the walk reached this hop only by taking a later hop's private, loopback or LMTP
    # client for one of the receiving organisation's own hosts, which nothing the receiver
    # wrote confirms (a NAT or proxy in front of it looks the same): why, in one sentence.
    # Never set when the organisation's hosts were given (TrustedHosts).
    unconfirmed: str | None = None
    # The newest hop the walk passed over on its client alone (set with ``unconfirmed``): its
    # line is the receiver's, but what sits below it may be the sender's own text.
    unconfirmed_hop: int | None = None


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class TrustedHosts(ModelMethods):
    """The receiving organisation's own hosts, as its administrator lists them (--trusted-host).

    ``names`` are host names (a plain name also covers every host under it) or glob patterns
    (``mx*.fabrikam.com``), lower case; ``networks`` are CIDR prefixes (``10.0.0.0/8``). With
    them, only a client that is listed continues the receiver's trace down the chain.
    """

    names: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Chain(ModelMethods):
    """The whole Received chain, oldest hop first."""

    hops: tuple[Hop, ...] = ()
    total_transit: timedelta | None = None  # last dated hop minus first dated hop
    boundary: Boundary | None = None
    defects: tuple[Defect, ...] = ()
