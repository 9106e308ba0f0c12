"""Which party filed the message into the mailbox: the receiving site's delivering software or
service, as the verdict bar and the headline name it (pure)."""

from __future__ import annotations

from headerlens.diagnosis.inputs import boundary_hop
from headerlens.model import Analysis, Hop, Vendor
from headerlens.parsers.boundary_client import is_retrieval
from headerlens.parsers.provenance_apple import APPLE_ORGS

__all__ = ["filer_inside", "filer_name"]

_MICROSOFT = (Vendor.EOP, Vendor.EXCHANGE, Vendor.EXCHANGE_ONLINE)
# Mailbox services whose receiving hosts run a stock MTA (Postfix): named by the service.
_SERVICES = {"protonmail.ch": "Proton Mail", "yandex.net": "Yandex Mail"}


# Software in front of the mailbox or beside it that files nothing: gateways, content filters,
# retrievals, list and sending services. The mailbox server behind them files the message.
_NOT_FILERS = frozenset(
    {
        Vendor.AMAVIS,
        Vendor.BARRACUDA,
        Vendor.FETCHMAIL,
        Vendor.FORTIMAIL,
        Vendor.GETMAIL,
        Vendor.GOOGLE_GROUPS,
        Vendor.IRONPORT,
        Vendor.MIMECAST,
        Vendor.PROOFPOINT,
        Vendor.SENDGRID,
        Vendor.SOPHOS,
        Vendor.SYMANTEC,
        Vendor.TESSIAN,
        Vendor.TREND_MICRO,
    }
)


def _filer(analysis: Analysis, boundary: Hop) -> Hop:
    """The receiving site's hop that delivered to the mailbox: the newest hop at or above the
    boundary whose software is named and files mail (a Sendmail MX hands to a MIMEsweeper relay
    and an Exchange mailbox server: Exchange files it), stopping at a retrieval (fetchmail: the
    folder is the one the mail was fetched from, at the provider); the boundary hop otherwise."""
    best = boundary
    for hop in sorted(analysis.chain.hops, key=lambda h: h.number):
        if hop.number <= boundary.number:
            continue
        if is_retrieval(hop.received):
            break
        named = hop.vendor is not Vendor.GENERIC or hop.product is not None
        if named and hop.vendor not in _NOT_FILERS:
            best = hop
    return best


def filer_name(analysis: Analysis) -> str:
    """'Gmail', 'Microsoft 365', 'Exchange Server', or the receiving host; the organisation that
    filed the mail."""
    entry = boundary_hop(analysis)
    if entry is None:
        return "Receiver"
    hop = _filer(analysis, entry)
    if hop.vendor is Vendor.GMAIL:
        return "Gmail"
    org = analysis.provenance.receiver_org
    if org in APPLE_ORGS:
        return "iCloud Mail"
    if org in _SERVICES:
        return _SERVICES[org]
    if hop.vendor is Vendor.EXCHANGE or (hop.vendor is Vendor.IIS_SMTP and hop is not entry):
        # Exchange Server's own lines (on-premises, 2003-2019): no Microsoft 365 service filed it.
        # Exchange 2000/2003 deliver through the IIS SMTP service ("with Microsoft SMTPSVC"): a
        # mailbox server inside the site that writes it is Exchange's.
        return "Exchange Server"
    if hop.vendor in _MICROSOFT:
        return "Microsoft 365"
    if hop.vendor is not Vendor.GENERIC:
        return str(hop.vendor.value)
    if hop is not entry and hop.product:  # the delivering software inside the site: Cyrus
        return hop.product
    return hop.received.by or "Receiver"


_SERVICE_NAMES = frozenset(
    {"Gmail", "Microsoft 365", "Exchange Server", "iCloud Mail", *_SERVICES.values()}
)


def filer_inside(analysis: Analysis) -> str | None:
    """The name of the delivering software inside the receiving site when it is not the
    boundary hop's own (Dovecot or Cyrus behind a Postfix MX, Exchange behind a gateway): the
    headline names it beside the MX host, so it and the verdict bar name the same party."""
    entry = boundary_hop(analysis)
    if entry is None or _filer(analysis, entry) is entry:
        return None
    name = filer_name(analysis)
    # a service's own name (Gmail, Microsoft 365, Yandex Mail) already names the MX's organisation
    return None if name in _SERVICE_NAMES or name == entry.received.by else name
