"""Name the product behind a Received hop from its line's markers and the message's headers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from headerlens.model.core import HeaderField
from headerlens.model.received import Received, Vendor

__all__ = ["NO_HINTS", "Hints", "marked_vendor", "message_hints", "named_software"]


@dataclass(frozen=True, slots=True)
class Hints:
    """Products whose own headers the message carries; they name a hop only together with a
    Received line shaped the way that product writes it, never on their own."""

    ironport: bool = False  # X-IronPort-AV, X-IronPort-Anti-Spam-*, IronPort-SDR
    google: bool = False  # X-Gm-*, X-Google-*: a Google submission hop may be unnamed
    google_groups: bool = False  # X-Google-Group-Id
    proofpoint: bool = False  # X-Proofpoint-*
    fortimail: bool = False  # X-FEAS-*, X-FE-*
    # The sending tenant's Exchange Online wrote its outbound verdict (DIR:OUT) or took the
    # message from its own servers through a connector (FromEntityHeader: HybridOnPrem).
    eop_outbound: bool = False
    # Client addresses a Received-SPF field says it checked (client-ip=): a host that wrote one
    # for its own client took the message in from outside (an inbound SPF check).
    spf_clients: frozenset[str] = frozenset()


NO_HINTS = Hints()


def message_hints(headers: Sequence[HeaderField]) -> Hints:
    """The product hints of a header section (field names, and two Exchange values)."""
    names = {h.lname for h in headers}

    def any_prefix(*prefixes: str) -> bool:
        return any(n.startswith(prefixes) for n in names)

    outbound = any(
        (h.lname.startswith("x-forefront-antispam-report") and "DIR:OUT" in h.value.upper())
        or (
            h.lname == "x-ms-exchange-crosstenant-fromentityheader"
            and h.value.strip().lower() == "hybridonprem"
        )
        for h in headers
    )
    return Hints(
        ironport=any_prefix("x-ironport-", "ironport-"),
        google=any_prefix("x-gm-", "x-google-"),
        google_groups="x-google-group-id" in names,
        proofpoint=any_prefix("x-proofpoint-"),
        fortimail=any_prefix("x-feas-", "x-fe-"),
        eop_outbound=outbound,
        spf_clients=frozenset(
            m.group(1).lower()
            for h in headers
            if h.lname == "received-spf"
            and (m := re.search(r"(?i)\bclient-ip\s*=\s*\[?([0-9a-f:.]+)", h.value))
        ),
    )


# Cisco Secure Email (IronPort AsyncOS) writes the TLS details into the protocol:
# "with ESMTP/TLS/ECDHE-RSA-AES256-GCM-SHA384".
_IRONPORT_PROTOCOL = re.compile(r"\bwith E?SMTPS?/(?:TLS|SSL)/", re.IGNORECASE)
# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches these product shapes should not pay for compiling them before the console's first frame.
# AsyncOS without TLS: "from rdns (HELO helo) ([ip]) by host with ESMTP; 14 Jan 2024 13:40:48
# +1100": an address literal alone in its comment, no id, no weekday.
_IRONPORT_SHAPE = r"(?i)\(\[[0-9A-Fa-f:.]+\]\)\s+by\s+\S+\s+with\s+E?SMTP;\s*\d"
# qmail-smtpd: "from rdns (HELO helo) (ip) by host with SMTP; 24 May 2016 12:30:11 -0000"
# (the IP bare in its own comment, optionally "user@ip", and always a -0000 date).
_QMAIL_SHAPE = re.compile(
    r"\(HELO [^()]*\)\s+\([^()\[\]]*\d\)\s+by\s+\S+\s+with\s+E?SMTPA?;\s*\d{1,2} \w{3} \d{4} "
    r"[\d:]{8} -0000$",
    re.IGNORECASE,
)
# Proofpoint Protection Server queue ids ("3j80fem8dt-1") and its filter daemon's HELO.
_PPS_ID = r"^\d[0-9a-z]{9}-\d{1,2}$"
# Dovecot's LMTP session id: a 22-character base64 GUID, "OsSCMRz8U2pcggMAu9opvQ" (":P1" when
# it delivers to several mailboxes), written "by host with LMTP id <guid>".
_DOVECOT_ID = r"^[A-Za-z0-9+/]{22}(?::P\d+)?$"
# ZMailer's smtpserver: "rhost-flags-OK-OK-OK-OK", "(ORCPT <rfc822;...>)", "via listexpand".
_ZMAILER = re.compile(r"rhost-flags-|\(ORCPT <rfc822;|\bvia listexpand\b", re.IGNORECASE)
# Exim 4 message ids ("1dWJDl-00035d-BU"; 4.97+: "1rOqQV-0000000216-1Uab") with Exim's
# lower-case protocol names ("with esmtps").
_EXIM_ID = r"^[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}$"
_EXIM_PROTOCOL = re.compile(r"^(?:e?smtp[sa]*|local(?:-\w+)?)$")
# FortiMail ids pair the session and message ids: "60RKkRFs029920-60RKkRFu029920".
_FORTIMAIL_ID = r"^[0-9A-Za-z]{14}-[0-9A-Za-z]{14}$"
# Zimbra's mailbox server (LMTP): "from host (LHLO host) (ip) by host with LMTP; date".
_ZIMBRA_LMTP = re.compile(r"\(LHLO [^()]*\)\s+\([0-9A-Fa-f:.]+\)\s+by\s+\S+\s+with\s+LMTP;", re.I)
# SendGrid's own host names: "ismtpd0004p1iad1", "geopod-ismtpd-0", "filterdrecv-...".
_SENDGRID_HOST = re.compile(r"^(?:\S*ismtpd\S*|filterdrecv-\S+|filter\d+p\d+\w+)$", re.I)
_BY_COMMENT_SOFTWARE = {
    "amavisd-new": Vendor.AMAVIS,
    "dovecot": Vendor.DOVECOT,
    "mailenable": Vendor.MAILENABLE,
    "microsoft smtpsvc": Vendor.IIS_SMTP,
    "sg": Vendor.SENDGRID,
    "pps": Vendor.PROOFPOINT,
    "fetchmail": Vendor.FETCHMAIL,
    "getmail": Vendor.GETMAIL,
}


def _by_suffix(by: str, *suffixes: str) -> bool:
    return any(by == s or by.endswith("." + s) for s in suffixes)


def _host_vendor(by: str) -> Vendor | None:
    """Vendors named by the receiving host alone."""
    if by == "gmr-mx.google.com":  # Google Groups' inbound MX
        return Vendor.GOOGLE_GROUPS
    if _by_suffix(by, "messagelabs.com"):
        return Vendor.SYMANTEC
    if _by_suffix(by, "sophos.com"):
        return Vendor.SOPHOS
    if "fortimail" in by.split(".")[0]:
        return Vendor.FORTIMAIL
    if any("tessian" in label for label in by.split(".")):
        return Vendor.TESSIAN
    if _by_suffix(by, "yahoo.com", "yahoodns.net"):
        return Vendor.YAHOO
    if _by_suffix(by, "sendgrid.net") or _SENDGRID_HOST.match(by):
        return Vendor.SENDGRID
    return None


def marked_vendor(r: Received, hints: Hints = NO_HINTS) -> Vendor | None:
    """The product a hop's own markers name (host, software, protocol, id shape), or None.

    Vendor headers (``hints``) only confirm a shape that the product writes: an ``X-IronPort-AV``
    field alone does not make every hop an IronPort.
    """
    by = (r.by or "").lower().rstrip(".")
    raw = " ".join(r.raw.split())
    sw = (r.server_software or "").lower()
    proto = r.with_protocol or ""
    rid = r.id or ""
    found = _host_vendor(by)
    if found is not None:
        return found
    if sw in _BY_COMMENT_SOFTWARE:
        return _BY_COMMENT_SOFTWARE[sw]
    if "pps.filterd" in raw or (hints.proofpoint and re.match(_PPS_ID, rid)):
        return Vendor.PROOFPOINT
    if _IRONPORT_PROTOCOL.search(raw) or (hints.ironport and re.search(_IRONPORT_SHAPE, raw)):
        return Vendor.IRONPORT
    if hints.fortimail and re.match(_FORTIMAIL_ID, rid):
        return Vendor.FORTIMAIL
    if _EXIM_PROTOCOL.match(proto) and re.match(_EXIM_ID, rid):
        return Vendor.EXIM
    if proto.upper().startswith("LMTP") and re.match(_DOVECOT_ID, rid):
        return Vendor.DOVECOT
    if _ZIMBRA_LMTP.search(raw):
        return Vendor.ZIMBRA
    if _ZMAILER.search(raw):
        return Vendor.ZMAILER
    if _QMAIL_SHAPE.search(raw):
        return Vendor.QMAIL
    if "-pod-prod-" in rid:  # Google Groups' internal delivery ids end "ls...-pod-prod-NN-us"
        return Vendor.GOOGLE_GROUPS
    if hints.google and proto.upper() == "HTTP" and r.from_ip is None and r.by_ip:
        return Vendor.GMAIL  # Gmail web submission: "by 10.217.143.139 with HTTP"
    return None


def named_software(r: Received) -> str | None:
    """The software a line names for a hop no vendor rule knows ("Halon", "trex 7.0.2")."""
    if not r.server_software:
        return None
    return r.server_software
