"""A notice's own From domain failing DMARC: the receiver's dmarc=fail of a bounce, success or
delay notice is said whatever the notice reports (a phish sent with a null envelope and a
bounce's words must not hide it), and a tie to a reporter of another organisation does not
speak for that From domain."""

from __future__ import annotations

from dataclasses import replace

from headerlens.diagnosis.auth_state import enforced_dmarc_fail, from_domain
from headerlens.diagnosis.facts import Situation
from headerlens.diagnosis.inputs import same_org, stamp
from headerlens.diagnosis.ndr import one_operator
from headerlens.model import Analysis
from headerlens.model.verification import Verification


def from_is_reporters(analysis: Analysis) -> bool:
    """The notice's From domain is in the organisation of the reporter it names (or it names
    none): a tie to that reporter (its confirmed reverse DNS, its SPF) speaks for the From."""
    reporter = analysis.ndr.reporting_mta if analysis.ndr is not None else None
    dom = from_domain(analysis)
    return not reporter or not dom or same_org(reporter, dom) or one_operator(reporter, dom)


def marked(
    analysis: Analysis, verification: Verification | None, n: Situation | None
) -> Situation | None:
    """The notice's situation with the fact ``dmarc-failed`` (its From domain) when the final
    receiver stamped dmarc=fail for it, or its re-verified DMARC failed under p=reject or
    p=quarantine; the receiver's stamp is quoted as evidence."""
    dom = from_domain(analysis)
    d = stamp(analysis, "dmarc")
    stamped = d is not None and d.value == "fail"
    if n is None or not dom or not (stamped or enforced_dmarc_fail(analysis, verification)):
        return n
    said = d.quote() if stamped and d is not None else f"re-verified DMARC for {dom}: fail"
    return replace(n, evidence=(*n.evidence, said), facts=(*n.facts, ("dmarc-failed", dom)))
