"""Where a finding points: the boundary hop, the hop that added a field, what was stamped."""

from __future__ import annotations

from headerlens.diagnosis.sending_service import boundary_hop
from headerlens.model import Action, ActionKind, Analysis
from headerlens.stamped import hop_for_header


def where(analysis: Analysis) -> tuple[int | None, int | None]:
    """(hop, header index) of the trust boundary: where SPF and DMARC are decided."""
    hop = boundary_hop(analysis)
    return (hop.number, hop.header_index) if hop else (None, None)


def from_index(analysis: Analysis) -> int | None:
    return next((h.index for h in analysis.headers if h.lname == "from"), None)


def hop_of(analysis: Analysis, header_index: int | None) -> int | None:
    if header_index is None:
        return None
    return hop_for_header(analysis.chain, header_index)


def check_from_domain(analysis: Analysis, provider: str | None = None) -> Action | None:
    """Open the domain check for the From domain: the fix is a DNS record it should publish."""
    domain = analysis.from_addr.domain if analysis.from_addr else None
    return Action(ActionKind.CHECK_DOMAIN, domain=domain, provider=provider) if domain else None
