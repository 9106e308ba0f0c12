"""A message sent through a sending service (ESP) for a brand whose DMARC nothing decided.

A newsletter a brand sends through Mailchimp or rapidmail carries the service's envelope, its
DKIM signature and its server names, not the brand's: with no DMARC verdict of the receiver's
and none re-verified, nothing tells it from a spoof of the brand, but nothing marks it as one
either ("the envelope is another domain" is what every such newsletter shows). Every sign read
here is the sender's own text or choice, so the reading only withholds the word "spoof" while
DMARC is undecided: it never reads as authenticated, and a DMARC failure (stamped by the
receiver or re-verified) still makes it a spoof (detect_auth.spoof)."""

from __future__ import annotations

from collections import Counter

from headerlens.diagnosis.auth_state import aligned_pass
from headerlens.diagnosis.esp_hosts import (
    COMPLAINT_FIELDS,
    FEEDBACK_SENDERS,
    MARKERS,
    esp_name,
    named_in,
)
from headerlens.diagnosis.facts import ViaService
from headerlens.diagnosis.inputs import boundary_hop, envelope, stamp, stamps
from headerlens.model import Analysis
from headerlens.model.received import Hop
from headerlens.model.verdicts import DmarcResult
from headerlens.model.verification import Verification, VerifyMode

# Stamped results that leave the From domain's authentication open (nothing passed or failed).
_OPEN = frozenset({"none", "neutral"})


def client_hop(analysis: Analysis) -> Hop | None:
    """The hop where the final receiver met the sending server: the trust boundary, else the
    newest hop that names a client address."""
    hop = boundary_hop(analysis)
    if hop is not None:
        return hop
    return next((h for h in reversed(analysis.chain.hops) if h.received.from_ip), None)


def _signs(analysis: Analysis) -> list[tuple[str, str, bool]]:
    """(service, what names it, whether it is the sending infrastructure) for every field that
    names a service: the envelope, DKIM signatures, the client's name, the service's own fields."""
    out: list[tuple[str, str, bool]] = []
    env = (envelope(analysis) or "").rpartition("@")[2]
    if name := esp_name(env):
        out.append((name, f"the envelope sender is at {env}", True))
    seen: set[str] = set()
    for sig in analysis.dkim_signatures:
        d = (sig.domain or "").lower()
        if sig.header_name.lower() == "dkim-signature" and d not in seen and (name := esp_name(d)):
            seen.add(d)
            out.append((name, f"the DKIM signature is d={d}", True))
    hop = client_hop(analysis)
    if hop is not None:
        r = hop.received
        host = next((n for n in (r.from_rdns, r.from_helo) if esp_name(n)), None)
        if host and (name := esp_name(host)):
            out.append((name, f"the sending host is {host} [{r.from_ip or '?'}]", True))
    for f in analysis.headers:
        if (name := MARKERS.get(f.lname)) is not None:
            out.append((name, f"{f.name} (a field only {name} adds)", False))
        elif f.lname in COMPLAINT_FIELDS and (name := named_in(f.value)) is not None:
            out.append((name, f"{f.name} names {name}", False))
        elif f.lname == "feedback-id":
            tail = f.value.strip().rpartition(":")[2].strip().lower()
            if (name := FEEDBACK_SENDERS.get(tail)) is not None:
                out.append((name, f"{f.name} ends in {name}'s sender id ({tail})", False))
    return out


def service(analysis: Analysis) -> tuple[str, tuple[str, ...]] | None:
    """The service the message names as the way it came, with the fields that name it: at least
    two of them, one of them the envelope, a DKIM signature or the sending host's name."""
    found = _signs(analysis)
    counts = Counter(name for name, _, _ in found)
    for name, n in counts.most_common():
        if n >= 2 and any(infra for s, _, infra in found if s == name):
            return name, tuple(what for s, what, _ in found if s == name)
    return None


def _dmarc_open(analysis: Analysis, verification: Verification | None) -> str | None:
    """Why the From domain's DMARC decides nothing ("offline", "undecided", "no-policy"), or
    None when it decided (a receiver's pass or fail, a re-verified pass or fail)."""
    d = stamp(analysis, "dmarc")
    if d is not None and d.value not in ("none", "permerror"):
        return None
    live = verification.dmarc.result if verification and verification.dmarc else None
    if live in (DmarcResult.PASS, DmarcResult.FAIL):
        return None
    if d is not None or live in (DmarcResult.NONE, DmarcResult.PERMERROR):
        return "no-policy"  # RFC 7489 §6.6.3: an unusable record applies no policy either
    if verification is None or verification.mode is VerifyMode.OFFLINE:
        return "offline"
    return "undecided"


def via_service(
    analysis: Analysis, verification: Verification | None, dom: str
) -> ViaService | None:
    """The sending service the message came through for ``dom`` while nothing decided ``dom``'s
    DMARC and the final receiver stamped nothing that passed or failed; None otherwise (the
    service's own mail, an aligned pass, a decided DMARC, a stamped verdict other rules read)."""
    if esp_name(dom) is not None or aligned_pass(analysis) is not None:
        return None
    if any(s.value not in _OPEN for s in stamps(analysis, "spf") + stamps(analysis, "dkim")):
        return None
    why = _dmarc_open(analysis, verification)
    found = service(analysis) if why is not None else None
    if why is None or found is None:
        return None
    return ViaService(found[0], found[1], why)
