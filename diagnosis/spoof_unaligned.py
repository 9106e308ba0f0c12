"""A spoof Microsoft's composite check saw: only another organisation's own identity passed."""

from __future__ import annotations

import re

from headerlens.diagnosis.detect_platform import service_hop
from headerlens.diagnosis.esp_hosts import esp_name
from headerlens.diagnosis.inputs import (
    Stamp,
    boundary_hop,
    confirmed_rdns,
    entry,
    envelope,
    is_srs,
    org,
    receiver_fields,
    same_org,
    stamp,
    stamps,
)
from headerlens.diagnosis.replyto import SHARED_SERVICES
from headerlens.diagnosis.sending_service import SERVICES
from headerlens.model import Analysis


def _passed_for(analysis: Analysis, s: Stamp) -> str:
    """The domain a passing SPF or DKIM stamp vouched for ("" when it names none)."""
    r = s.result
    spf = r.method.lower() == "spf"
    name = (
        r.prop("header.d") or r.prop("header.i") or r.prop("smtp.mailfrom") or r.prop("smtp.helo")
    )
    name = name or (envelope(analysis) if spf else None) or ""
    return name.rpartition("@")[2].lower().rstrip(".")


def _service(name: str) -> bool:
    """A name of a service that sends for other domains: an ESP, an account platform anyone can
    open (onmicrosoft.com…), or Microsoft's, Google's, Trend Micro's outbound servers."""
    host = name.lower().rstrip(".")
    return bool(
        esp_name(host)
        or org(host) in SHARED_SERVICES
        or any(host.endswith("." + sfx) or host == sfx for s in SERVICES for sfx in s.host_suffixes)
    )


def _scl(analysis: Analysis) -> int:
    """The spam confidence level the final receiver itself wrote (0 when it wrote none)."""
    for f in receiver_fields(analysis, "x-ms-exchange-organization-scl"):
        if m := re.match(r"\s*(\d+)\s*$", f.value):
            return int(m.group(1))
    return 0


def unaligned_spoof(analysis: Analysis, dom: str) -> tuple[list[str], str] | None:
    """(evidence, the organisations that passed) when only another organisation's own identity
    passed (SPF for its envelope domain, DKIM for its d=), nothing aligned with the From domain
    (which publishes no DMARC policy: the caller checks), and Microsoft's composite check judged
    the From domain: compauth=fail 000/001 (its anti-spoofing verdict), or compauth=pass on its
    implicit signals (reason 1xx/2xx other than the PTR fallbacks 111/116 and ARC's 130) while
    its own spam filter rated the message junk (SCL >= 5).
    An identity a legitimate domain sends through is no sign: a sending service (ESP), an
    account on a shared platform (onmicrosoft.com…), an SRS envelope (a forwarder or hoster
    re-sent it); those keep the "unless it sends through" hedge."""
    ca = stamp(analysis, "compauth")
    if ca is None or is_srs(envelope(analysis)):
        return None
    passing = [s for s in stamps(analysis, "spf") + stamps(analysis, "dkim") if s.value == "pass"]
    names = {_passed_for(analysis, s) for s in passing}
    if not passing or "" in names or any(same_org(n, dom) for n in names):
        return None
    hop = boundary_hop(analysis)
    hosts = {confirmed_rdns(hop) or "", (hop.received.from_helo or "") if hop else ""}
    b = entry(analysis)
    below = [h for h in analysis.chain.hops if b is not None and h.number < b.hop_number]
    # a white-labelled ESP (its servers under the customer's name) shows itself in its own lines
    if any(_service(n) for n in names | hosts) or service_hop(analysis, below) is not None:
        return None
    reason = ca.result.reason or ""
    passed = " and ".join(sorted({org(n) or n for n in names}))
    ev = [
        f"nothing {dom} controls authenticated it: only {passed} passed, for itself, not aligned "
        f"with {dom} ({'; '.join(s.quote() for s in passing)})"
    ]
    if ca.value == "fail" and reason in ("000", "001"):
        ev.append(f"{ca.quote()}: Microsoft's composite check judged it a spoof of {dom}")
        return ev, passed
    if ca.value not in ("pass", "softpass") or reason[:1] not in ("1", "2"):
        return None
    scl = _scl(analysis)
    if reason in ("111", "116", "130") or scl < 5:  # the PTR named dom; ARC vouched for it
        return None
    ev += [
        f"{ca.quote()}: Microsoft's composite check passed it on its own implicit signals "
        f"(reputation, history), not on any record or signature of {dom}",
        f"X-MS-Exchange-Organization-SCL: {scl}: its spam filter rated it junk all the same",
    ]
    return ev, passed
