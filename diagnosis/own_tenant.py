"""A Microsoft 365 tenant that is most likely the sender's own, not a taken-over business mailbox.

A real user's mailbox is used from Outlook or the web (a MAPI / HTTP submission inside the
tenant). Fraud set up as a tenant looks otherwise: a script on a cloud server hands the mail to
its own tenant over SMTP, announcing itself by the tenant's default name (``<name>.onmicrosoft
.com``), which has nothing to do with the From domain. Microsoft records that client for the
sending tenant (X-MS-Exchange-CrossTenant-OriginalAttributedTenantConnectingIp, and H: / PTR: of
the tenant's own -Untrusted antispam report). These are the sending side's fields: they only
turn "a taken-over mailbox at <domain>" into "the sender's own tenant", never make anything pass.
"""

from __future__ import annotations

import re

from headerlens.diagnosis.detect_relay_account import cloud_provider
from headerlens.diagnosis.inputs import fields, org
from headerlens.diagnosis.throwaway import disposable
from headerlens.model import Analysis

_ATTRIBUTED = re.compile(r"Ip=\[([^\]]*)\];\s*Helo=\[([^\]]*)\]", re.I)
_REPORT = re.compile(r"\b(CIP|H|PTR):([^;]*)", re.I)


def _client(analysis: Analysis) -> tuple[str, str, str]:
    """(address, HELO, reverse DNS) of the client that handed the message to the sending tenant."""
    ip = helo = ptr = ""
    for f in fields(analysis, "x-ms-exchange-crosstenant-originalattributedtenantconnectingip"):
        if m := _ATTRIBUTED.search(f.value):
            ip, helo = m.group(1).strip(), m.group(2).strip()
    for f in fields(analysis, "x-forefront-antispam-report-untrusted"):
        got = {k.upper(): v.strip() for k, v in _REPORT.findall(f.value)}
        ip, helo, ptr = ip or got.get("CIP", ""), helo or got.get("H", ""), got.get("PTR", "")
    return ip, helo, ptr


def own_tenant(analysis: Analysis, dom: str) -> tuple[str, str] | None:
    """(the tenant's default domain, the evidence) when the client that fed the message into the
    sending tenant announced itself by that tenant's onmicrosoft.com name, unrelated to the From
    domain ``dom``, and was a cloud server or a host without reverse DNS, or ``dom`` itself looks
    like a throwaway (diagnosis.throwaway)."""
    ip, helo, ptr = _client(analysis)
    host = helo.lower().rstrip(".")
    if not host.endswith(".onmicrosoft.com"):
        return None
    name = host.split(".", 1)[0]
    if name in (org(dom) or dom).lower():
        return None  # a business's tenant is named after it (contoso.onmicrosoft.com)
    cloud = cloud_provider(ptr)
    if cloud is not None:
        how = f"a cloud server ({cloud}: {ptr}) at {ip or '?'}"
    elif ptr.lower() in ("infodomainnonexistent", ""):
        how = f"a server at {ip or '?'} with no reverse DNS"
    elif (signs := disposable(analysis, dom)) is not None:
        how = f"a server at {ip or '?'}; {signs}"
    else:
        return None
    return host, (
        f"{how} handed it to the tenant over SMTP announcing itself as {host}, the tenant's own "
        f"default name, which has nothing to do with {dom}"
    )


# A story that already says who sent it: the tenant is then not the lead.
_TOLD = frozenset(
    {"spoof", "compromised-account", "ndr", "mailing-list", "forward-srs", "forward-nosrs"}
)


def lead(
    analysis: Analysis, line: str, labels: tuple[str, ...], brand: tuple[str, str] | None
) -> str:
    """The headline led by the sender's own tenant, when nothing else says who sent it."""
    dom = analysis.from_addr.domain if analysis.from_addr else None
    found = own_tenant(analysis, dom) if dom and not _TOLD & set(labels) else None
    if found is None or not line:
        return line
    posing = f"; its From name poses as {brand[0]}, whose own domain is {brand[1]}" if brand else ""
    return (
        f"Sent through a Microsoft 365 tenant that is most likely the sender's own "
        f"({found[0]}), not through a taken-over mailbox{posing}; {line[0].lower()}{line[1:]}"
    )
