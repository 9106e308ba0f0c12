"""Signs that make an unauthenticated From domain a spoof when DMARC does not decide."""

from __future__ import annotations

import re

from headerlens.diagnosis.inputs import (
    entry,
    envelope,
    first,
    foreign_account,
    receiver_fields,
    same_org,
    stamp,
    stamps,
    submission_hops,
)
from headerlens.diagnosis.replyto import reply_to_elsewhere
from headerlens.model import Analysis
from headerlens.model.verdicts import DmarcResult
from headerlens.model.verification import Verification


def implicit_spoof(analysis: Analysis, dom: str, victim: bool = True) -> list[str]:
    """compauth=fail 001 (000 with dmarc=none is the same: no enforcing DMARC, nothing vouched
    for the From domain) is a spoof only with a second sign that a legitimate third party does
    not show: Microsoft's anti-spoofing verdict (CAT:SPOOF in the receiver's own report), or
    replies sent to an unrelated free-mail mailbox (added to the evidence by spoof()). Microsoft
    also gives 001 to legitimate services a domain never authorised: compauth alone cannot tell.
    ``victim`` False: the From domain looks like the sender's own throwaway (diagnosis.throwaway),
    so replies going elsewhere divert nothing from anyone: only Microsoft's verdict counts."""
    ca = stamp(analysis, "compauth")
    if ca is None or ca.value != "fail" or ca.result.reason not in ("000", "001"):
        return []
    for f in receiver_fields(analysis, "x-forefront-antispam-report"):
        if re.search(r"\bCAT:SPOOF\b", f.value, re.IGNORECASE):
            return [ca.quote(), f"{f.name}: CAT:SPOOF (Microsoft's anti-spoofing verdict)"]
    if victim and reply_to_elsewhere(analysis):
        return [f"{ca.quote()}: nothing authenticated {dom}"]
    return []


def foreign_submission(analysis: Analysis) -> str | None:
    """An account of another organisation submitted it (below the entry), and nothing of the
    From domain vouched for it: that account's mail system sent it in the From domain's name."""
    if not _rejected_by_receiver(analysis):
        return None  # a sister domain sent through a colleague's account is not a spoof
    b = entry(analysis)
    for hop in submission_hops(analysis):
        if (b is None or hop.number < b.hop_number) and (foreign := foreign_account(analysis, hop)):
            return foreign
    return None


def _rejected_by_receiver(analysis: Analysis) -> bool:
    """The receiver did not take the message as clean: compauth=fail, an SCL of 5 or more in its
    own fields, or replies sent to an unrelated free-mail mailbox."""
    ca = stamp(analysis, "compauth")
    if (ca is not None and ca.value == "fail") or reply_to_elsewhere(analysis):
        return True
    for f in receiver_fields(analysis, "x-ms-exchange-organization-scl"):
        m = re.match(r"\s*(\d+)\s*$", f.value)
        if m and int(m.group(1)) >= 5:
            return True
    return False


def null_sender_elsewhere(analysis: Analysis, dom: str) -> str | None:
    """An empty envelope sender (the bounce address, RFC 5321 §4.5.5) from a host of another
    domain: SPF could only check the HELO, and nothing tied the message to the From domain. A
    real bounce or auto-reply comes from a host of the domain it is written in (and Microsoft's
    auto-replies pass SPF for their HELO)."""
    b = entry(analysis)
    if envelope(analysis) != "" or b is None or b.ip is None or _automatic(analysis):
        return None
    host = b.helo or ""
    if not host or same_org(host, dom):
        return None
    return (
        f"nothing authenticated {dom}; the envelope sender is empty (<>) and the sending host "
        f"{host} is another domain"
    )


def _automatic(analysis: Analysis) -> bool:
    """An auto-reply or a bounce says so (Auto-Submitted, RFC 3834 §5) or comes from the
    mailer-daemon / postmaster: a hosted domain's out-of-office reply from its hoster's server
    is not a spoof."""
    auto = (first(analysis, "auto-submitted") or "").strip().lower()
    local = (analysis.from_addr.address or "").split("@")[0].lower() if analysis.from_addr else ""
    return (auto not in ("", "no")) or local in ("mailer-daemon", "postmaster")


def own_workspace(analysis: Analysis, dom: str) -> bool:
    """Google Workspace signs a customer's mail that has no DKIM key of its own with
    d=<domain with dashes>.<date>.gappssmtp.com, and only for that customer's own domain: a pass
    of that signature in the receiver's stamps shows the From domain's own Workspace tenant sent
    the message (a sender that has not set up DKIM and SPF for Google, not a spoof)."""
    own = dom.lower().replace(".", "-")
    for s in stamps(analysis, "dkim"):
        d = (s.result.prop("header.d") or "").lower().rstrip(".")
        parts = d.split(".")
        if (
            s.value == "pass"
            and d.endswith(".gappssmtp.com")
            and len(parts) == 4
            and parts[0] == own
        ):
            return True
    return False


def own_spf_fail(analysis: Analysis, dom: str, explained: bool) -> list[str]:
    """The receiver's own SPF check failed for an envelope domain in the From domain's
    organisation (fail; softfail only when no DKIM signature passed either), no DKIM signature
    of that domain verified and the domain publishes no DMARC record (the caller checks both):
    the server was not allowed to send for it and nothing stopped the message. A forgery, or the
    domain's SPF record misses a server it really uses; a forward that kept the envelope sender,
    or a web script on the domain's own (shared) host, looks the same, so either wins
    (``explained``). Microsoft's compauth=pass (its implicit authentication vouched for the
    domain) also rules it out."""
    spf = stamp(analysis, "spf")
    if explained or spf is None or spf.value not in ("fail", "softfail"):
        return []
    env = spf.result.prop("smtp.mailfrom") or envelope(analysis)
    if not env or not same_org(env, dom):
        return []
    ca = stamp(analysis, "compauth")
    if ca is not None and ca.value == "pass":
        return []
    signed = [s for s in stamps(analysis, "dkim") if s.value == "pass"]
    if spf.value == "softfail" and signed:
        return []
    b = entry(analysis)
    server = (b.ip if b is not None else None) or "the sending server"
    dmarc = stamp(analysis, "dmarc")
    return [
        f"{spf.quote()}: the receiver's SPF check says {server} is not allowed to send for {dom}",
        f"no DKIM signature of {dom} verified; {dom} publishes no DMARC record "
        f"({dmarc.quote() if dmarc is not None else 'no dmarc verdict written'})",
    ]


def live_dmarc_pass(verification: Verification | None) -> tuple[bool, str | None]:
    """Whether the re-verified DMARC verdict passed, and when it did only through DKIM
    signatures whose l= leaves bytes appended after the signed part, that evidence: the
    appended text (what the reader sees last) is signed by no one (RFC 6376 §8.2)."""
    dm = verification.dmarc if verification is not None else None
    if verification is None or dm is None or dm.result is not DmarcResult.PASS:
        return False, None
    passing = [a for a in dm.alignments if a.passes]
    if any(a.method != "dkim" for a in passing):
        return True, None
    domains = {a.domain for a in passing}
    sigs = [
        v for v in verification.dkim if v.passed and (v.domain or "").lower().rstrip(".") in domains
    ]
    if not sigs or not all(v.unsigned_body_bytes for v in sigs):
        return True, None
    v = sigs[0]
    return True, (
        f"DMARC passes only through d={v.domain}'s DKIM signature, which covers the first "
        f"{v.body_length} bytes of the body (l={v.body_length}); the {v.unsigned_body_bytes} "
        "bytes after them are signed by no one"
    )
