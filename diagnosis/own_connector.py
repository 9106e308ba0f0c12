"""Exchange Online took the message from the recipient tenant's own server (hybrid connector)."""

from __future__ import annotations

import re

from headerlens.model import Analysis, Hop
from headerlens.parsers.received import normalize_ip

# Exchange Online names the tenant a connecting address was attributed to through a connector
# ("TenantId=<guid>;Ip=[<ip>];Helo=[<name>]") and the tenant the message now belongs to
# (X-MS-Exchange-CrossTenant-Id). Microsoft's header firewall removes X-MS-Exchange-CrossTenant-*
# and X-MS-Exchange-Organization-* fields from mail that enters from outside, so the copies
# below the receiver's lines are its own (the field attribution credits them to the receiver).
_ATTRIBUTED = re.compile(r"TenantId=([0-9a-fA-F-]{36})\s*;\s*Ip=\[([^\]]+)\]", re.IGNORECASE)
_EOP_BY = re.compile(r"\.protection\.outlook\.com\.?$", re.IGNORECASE)
ON_PREMISES = "hybrid Exchange"


def _receivers(analysis: Analysis, name: str) -> list[str]:
    return [
        h.value.strip()
        for h in analysis.headers
        if h.lname == name and analysis.provenance.is_receivers(h.index)
    ]


def own_connector(analysis: Analysis) -> tuple[Hop, Hop] | None:
    """The boundary hop and the line below it when Exchange Online accepted the message from
    a server of the recipient organisation itself: it attributed the client's address to the
    recipient's own tenant and says the message came from that tenant's on-premises servers
    (X-MS-Exchange-CrossTenant-FromEntityHeader: HybridOnPrem). Exchange Online's SPF, DKIM and
    DMARC verdicts at that hop then judged the organisation's own server, not the sender: the
    message entered the organisation further down (Microsoft Learn, "Enhanced Filtering for
    Connectors in Exchange Online"; Exchange Team Blog, "Office 365 Message Attribution", 2019,
    and "Demystifying and troubleshooting hybrid mail flow: when is a message internal?", 2020,
    for the attribution, the HybridOnPrem origin and the header firewall). A sender's own tenant writes the same fields for its
    outbound copy: the boundary hop must be the receiver's Exchange Online entry and the
    attributed tenant the one the message was delivered in."""
    b = analysis.chain.boundary
    if b is None or b.ip is None or not _EOP_BY.search(b.receiver or ""):
        return None
    if [v.lower() for v in _receivers(analysis, "x-ms-exchange-crosstenant-fromentityheader")] != [
        "hybridonprem"
    ]:
        return None
    tenants = {v.lower() for v in _receivers(analysis, "x-ms-exchange-crosstenant-id")}
    if len(tenants) != 1:
        return None
    attributed = [
        m
        for v in _receivers(
            analysis, "x-ms-exchange-crosstenant-originalattributedtenantconnectingip"
        )
        if (m := _ATTRIBUTED.search(v))
    ]
    if len(attributed) != 1:
        return None
    tenant, ip = attributed[0].group(1).lower(), normalize_ip(attributed[0].group(2).strip())
    if tenant not in tenants or ip != normalize_ip(b.ip):
        return None
    by_number = {h.number: h for h in analysis.chain.hops}
    hop, below = by_number.get(b.hop_number), by_number.get(b.hop_number - 1)
    if hop is None or below is None or hop.received.from_ip != b.ip:
        return None
    return hop, below
