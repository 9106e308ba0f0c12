"""What the final receiver's stamps and the re-verification decide: alignment, ARC, DMARC."""

from __future__ import annotations

import re

from headerlens.diagnosis.inputs import envelope, org, same_org, stamp, stamps
from headerlens.diagnosis.replyto import shared_account
from headerlens.diagnosis.spoof_signs import own_workspace
from headerlens.model import Analysis
from headerlens.model.verdicts import DkimResult, DmarcResult
from headerlens.model.verification import Verification

_POLICY = re.compile(r"\bp=(reject|quarantine|none)\b", re.IGNORECASE)
# The receiver let a DMARC failure through on ARC: "dis=NONE arc=pass" in its dmarc= comment.
_ARC_OVERRIDE = re.compile(r"\bdis=none\b.*\barc=pass\b|\barc=pass\b.*\bdis=none\b", re.IGNORECASE)


def from_domain(analysis: Analysis) -> str | None:
    """The author domain; the final receiver's header.from when From could not be parsed."""
    dom = analysis.from_addr.domain if analysis.from_addr else None
    if not dom:
        d = stamp(analysis, "dmarc")
        dom = d.result.prop("header.from") if d is not None else None
    return dom.rstrip(".").lower() if dom else None


def checked_author(analysis: Analysis, verification: Verification | None) -> str | None:
    """The author domain the verdicts speak for: the From domain, or, when the From field(s)
    name several domains, the one whose re-verified DMARC verdict decides (its strictest
    failure, evaluators.dmarc_authors): a client may show that one."""
    v = verification.dmarc if verification is not None else None
    if v is not None and v.from_domain in analysis.author_domains:
        return v.from_domain
    return from_domain(analysis)


def aligned_pass(analysis: Analysis) -> str | None:
    """Evidence that an identifier aligned with the From domain passed at the final receiver."""
    dom = from_domain(analysis)
    for s in stamps(analysis, "dkim"):
        d = s.result.prop("header.d") or s.result.prop("header.i")
        if s.value == "pass" and same_org(d, dom):
            return s.quote()
    spf = stamp(analysis, "spf")
    if spf is not None and spf.value == "pass":
        mf = spf.result.prop("smtp.mailfrom") or envelope(analysis)
        if same_org(mf, dom):
            return spf.quote()
    return None


def unaligned_dkim(analysis: Analysis) -> str | None:
    """The signing domain of the author's DKIM signature that passed at the final receiver but is
    not aligned with the From domain (zone.ee's mail signed d=zonevs.eu, a provider's domain),
    when no identifier aligned with the From domain passed there."""
    dom = from_domain(analysis)
    if dom is None or aligned_pass(analysis) is not None:
        return None
    for s in stamps(analysis, "dkim"):
        d = (s.result.prop("header.d") or s.result.prop("header.i") or "").rpartition("@")[2]
        if s.value == "pass" and d and not same_org(d, dom):
            return d.lower()
    return None


def arc_acceptance(analysis: Analysis) -> str | None:
    """The final receiver accepted the message on the relay's ARC seal although DMARC failed:
    Microsoft's compauth reason 130, or Gmail's dmarc=fail with "dis=NONE arc=pass" (the policy
    not applied because ARC passed)."""
    ca = stamp(analysis, "compauth")
    if ca is not None and ca.result.reason == "130":
        return ca.quote()
    d = stamp(analysis, "dmarc")
    m = _ARC_OVERRIDE.search(" ".join(d.result.comments)) if d is not None else None
    if d is not None and d.value == "fail" and m is not None:
        return f"{d.quote()} ({m.group(0)})"
    return None


def policy(analysis: Analysis, verification: Verification | None) -> str | None:
    d = stamp(analysis, "dmarc")
    if d is not None:
        action = dict(d.result.extras).get("action")
        m = _POLICY.search(" ".join(d.result.comments))
        if m:
            return m.group(1).lower()
        if d.value == "none":  # no DMARC record: action=none is not a policy
            return "no-record"
        if d.value == "permerror":  # a broken record: no policy could be applied
            return "unusable"
        if action:
            return action.lower()
    if verification is not None and verification.dmarc is not None:
        rec = verification.dmarc.record
        if rec is not None:
            return rec.effective_p
    return None


def dmarc_decided(analysis: Analysis, verification: Verification | None) -> bool:
    """The final receiver stamped a DMARC verdict, or the re-verification reached one."""
    d = stamp(analysis, "dmarc")
    if d is not None and d.value in ("pass", "fail", "none"):
        return True
    return (
        verification is not None
        and verification.dmarc is not None
        and verification.dmarc.result in (DmarcResult.PASS, DmarcResult.FAIL, DmarcResult.NONE)
    )


def reverified(verification: Verification | None) -> bool:
    """Whether the re-verification decided anything: SPF replayed, or a DKIM signature judged
    (its key answered, or its body hash failing, which no key can rescue). An offline run that
    could not ask for a key checked nothing: 'nothing authenticated' is then unknown."""
    if verification is None:
        return False
    return verification.spf is not None or any(
        d.result not in (DkimResult.UNAVAILABLE, DkimResult.TEMPERROR)
        or d.body_result is DkimResult.FAIL
        for d in verification.dkim
    )


def dmarc_failed(analysis: Analysis, verification: Verification | None) -> bool:
    """DMARC failed, as the final receiver stamped it or as re-verified."""
    d = stamp(analysis, "dmarc")
    return (d is not None and d.value == "fail") or (
        verification is not None
        and verification.dmarc is not None
        and verification.dmarc.result is DmarcResult.FAIL
    )


def spf_only_pass(verification: Verification | None) -> tuple[str, str] | None:
    """(From domain, client IP) when the re-verified DMARC passes through SPF alone: the pass
    is SPF replayed for the client the receiver's Received line names, so it is only as good as
    that line. Nothing signed ties that line to the delivery: a whole top forged in a file
    handed over (an .eml attached to a helpdesk ticket) passes the same."""
    if verification is None or verification.dmarc is None or verification.spf is None:
        return None
    dm = verification.dmarc
    if dm.result is not DmarcResult.PASS or dm.aligned_methods != ("spf",):
        return None
    return dm.from_domain or verification.spf.domain, verification.spf.ip


def enforced_dmarc_fail(analysis: Analysis, verification: Verification | None) -> bool:
    """DMARC failed under p=reject or p=quarantine: the From domain asks receivers not to take
    the message."""
    failed = dmarc_failed(analysis, verification)
    return failed and policy(analysis, verification) in ("reject", "quarantine")


def unaligned_only(
    analysis: Analysis, verification: Verification | None
) -> tuple[str, str, bool] | None:
    """(From domain, the domains that passed, whether the From domain is known to publish no
    DMARC policy) when SPF or DKIM passed only for other domains (a sending service's own
    identity: amazonses.com, sendgrid.net) and the From domain has no DMARC verdict that
    decides: nothing authenticated the From domain itself. "No policy" is known only from the
    receiver's dmarc=none or a re-verification that found none; a receiver that wrote no dmarc
    token at all (Amazon SES in 2017) said nothing about it."""
    dom = from_domain(analysis)
    d = stamp(analysis, "dmarc")
    decided = (
        verification is not None
        and verification.dmarc is not None
        and verification.dmarc.result in (DmarcResult.PASS, DmarcResult.FAIL)
    )
    if not dom or aligned_pass(analysis) or (d is not None and d.value != "none") or decided:
        return None
    raw = {
        s.result.prop("header.d") or s.result.prop("header.i") or s.result.prop("smtp.mailfrom")
        for s in stamps(analysis, "spf") + stamps(analysis, "dkim")
        if s.value == "pass"
    }
    # an account under a service anyone can sign up to is named whole: "Microsoft 365
    # (x7.onmicrosoft.com)", not the service's own onmicrosoft.com
    others = [r.rpartition("@")[2] for r in raw if r and not same_org(r.rpartition("@")[2], dom)]
    names = sorted({shared_account(r) or org(r) or r for r in others})
    absent = (d is not None and d.value == "none") or (
        verification is not None
        and verification.dmarc is not None
        and verification.dmarc.result is DmarcResult.NONE
    )
    if names == ["gappssmtp.com"] and own_workspace(analysis, dom):
        return (dom, "the default signature of its own Google Workspace (gappssmtp.com)", absent)
    return (dom, " and ".join(names), absent) if names else None


def forward_passes(analysis: Analysis, verification: Verification | None) -> str | None:
    """Evidence that a forward left nothing to fix: SPF passed for the envelope the message
    arrived with and DMARC passed, as the final receiver stamped them or as re-verified (a
    re-verified failure of either overrides a stamped pass). None when either failed or is
    not known: only then is a fix at the forwarder worth saying."""
    v_dmarc = verification.dmarc.result if verification and verification.dmarc else None
    v_spf = verification.spf.result if verification and verification.spf else None
    d, s = stamp(analysis, "dmarc"), stamp(analysis, "spf")
    if dmarc_failed(analysis, verification) or v_spf not in (None, "pass", "temperror"):
        return None
    dmarc_ok = v_dmarc is DmarcResult.PASS or (d is not None and d.value == "pass")
    spf_ok = v_spf == "pass" or (s is not None and s.value == "pass")
    if not (dmarc_ok and spf_ok):
        return None
    said = [
        f"{x.result.method}=pass ({x.result.prop(p) or '?'})"
        for x, p in ((s, "smtp.mailfrom"), (d, "header.from"))
        if x is not None and x.value == "pass"
    ]
    return ", ".join(said) or "re-verified"
