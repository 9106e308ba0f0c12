"""A forwarded message that still carries its author's own DKIM signature.

A forwarder that re-sends a message without SRS keeps the author's envelope, so SPF fails at
the final receiver on the forwarder's address; the author's DKIM signature, which a plain
forward does not touch, is what DMARC relies on then. When a forward explains the SPF failure
and a signature of the From domain's organisation that signs From is present, nothing shows
a spoof offline: that signature has not been checked, which is "unknown", never "pass". Once
it is re-verified, a failure is read as any other (a copied signature of a real notice fails
there: the spoof is called)."""

from __future__ import annotations

from headerlens.diagnosis.auth_state import from_domain
from headerlens.diagnosis.facts import Situation
from headerlens.diagnosis.inputs import org, stamps
from headerlens.model import Analysis
from headerlens.model.verdicts import DkimResult
from headerlens.model.verification import Verification


def unchecked_author_signature(
    analysis: Analysis, verification: Verification | None, dom: str
) -> str | None:
    """The d= of a DKIM signature of ``dom``'s organisation that signs From and that nothing
    has checked yet (not re-verified, and no failure stamped by the receiver); None otherwise."""
    if any(s.value != "pass" for s in stamps(analysis, "dkim")):
        return None  # the receiver stamped a DKIM result other than pass: it decides
    checked = {v.header_index: v.result for v in verification.dkim} if verification else {}
    for sig in analysis.dkim_signatures:
        if not sig.domain or org(sig.domain) != org(dom) or "from" not in sig.signed_headers:
            continue
        if sig.header_index in checked and checked[sig.header_index] is not DkimResult.UNAVAILABLE:
            continue  # re-verified: a pass aligns on its own, a failure is no excuse
        return sig.domain.lower()
    return None


def with_signature(
    fwd: Situation | None, analysis: Analysis, verification: Verification | None
) -> Situation | None:
    """A forward without SRS, with the author's unchecked signature named in its evidence."""
    dom = from_domain(analysis)
    if fwd is None or fwd.label != "forward-nosrs" or not dom:
        return fwd
    d = unchecked_author_signature(analysis, verification, dom)
    if d is None:
        return fwd
    ev = (
        f"the author's DKIM signature (d={d}) is still on the message, not re-verified here: "
        "DMARC for the author can pass on it at the final receiver; unknown until checked"
    )
    return Situation(fwd.label, fwd.hop_number, (*fwd.evidence, ev), fwd.facts)
