"""An unauthenticated From with no failure token: nothing authenticated the From domain, nothing
failed (it publishes nothing to fail against), and the sending host has no tie to it.

Not the ``spoof`` label: the real2 definition needs the sending infrastructure to have "nothing
to do with" the From domain, and a domain that publishes no SPF, DKIM or DMARC may send from
anywhere, so nothing the receiver wrote tells its own mail from a forgery. The honest statement
is "cannot be told from a spoof". A receiver's own anti-spoofing verdict, or a failure of the
domain's own SPF, makes it a spoof elsewhere (detect_auth.spoof, spoof_signs)."""

from __future__ import annotations

import re

from headerlens.diagnosis.auth_state import aligned_pass, checked_author
from headerlens.diagnosis.facts import Unauthenticated
from headerlens.diagnosis.inputs import (
    Stamp,
    boundary_hop,
    confirmed_rdns,
    entry,
    envelope,
    not_a_domain,
    receiver_auth_indices,
    same_org,
    stamp,
    stamps,
)
from headerlens.diagnosis.spoof_signs import live_dmarc_pass
from headerlens.model import Analysis, Finding, Severity
from headerlens.model.codes import Code
from headerlens.model.verdicts import DmarcResult
from headerlens.model.verification import Verification

# A story that already says who sent it, or why nothing authenticated it.
_EXPLAINED = frozenset(
    {
        "spoof",
        "compromised-account",
        "forward-srs",
        "forward-nosrs",
        "mailing-list",
        "google-groups",
        "ndr",
        "phish-sim",
        "control",
    }
)
_NOTHING = frozenset({"none", "neutral"})


def read(
    analysis: Analysis, verification: Verification | None, labels: tuple[str, ...]
) -> Unauthenticated | None:
    """The fact, when the final receiver stamped only none/neutral results (so something was
    checked), no DMARC verdict decides (none, or an unusable record), the re-verification did
    not pass or fail DMARC, and neither the receiver-confirmed reverse DNS nor the HELO of the
    entry hop's client names the From domain's organisation."""
    if _EXPLAINED & set(labels) or analysis.feedback is not None or analysis.ndr is not None:
        return None
    dom = checked_author(analysis, verification)
    if not dom or not_a_domain(dom) or aligned_pass(analysis) is not None:
        return None
    d = stamp(analysis, "dmarc")
    if d is not None and d.value not in ("none", "permerror"):
        return None
    if live_dmarc_pass(verification)[0] or (
        verification is not None
        and verification.dmarc is not None
        and verification.dmarc.result is DmarcResult.FAIL
    ):
        return None
    checked = stamps(analysis, "spf") + stamps(analysis, "dkim")
    if not checked or any(s.value == "pass" for s in checked):
        return None  # nothing stamped (unknown), or a pass another rule reads (unaligned_only)
    if _receiver_spf_pass(analysis, dom):
        return None  # Yahoo writes its SPF verdict only in Received-SPF: dom passed there
    # a failure of another domain's identifier (a stray DKIM signature) says nothing of dom; one
    # of dom's own is a failure token another rule reads (spoof_signs.own_spf_fail)
    if any(s.value not in _NOTHING and _about(s, analysis, dom) for s in checked):
        return None
    b = entry(analysis)
    hop = boundary_hop(analysis)
    if b is None or not b.ip:
        return None
    names = [b.helo, confirmed_rdns(hop), hop.received.from_rdns if hop else None]
    if any(n and same_org(n.strip("[]"), dom) for n in names):
        return None  # the host names itself (or resolves) inside the domain: a tie, if a claim
    tokens = tuple(f"{s.result.method}={s.value}" for s in [*checked, *([d] if d else [])])
    env = envelope(analysis)
    # the lines below the entry are the sender's own text: a server of the domain named there
    # is a claim worth stating, not a tie
    below = (h.received for h in analysis.chain.hops if h.number < b.hop_number)
    claimed = next(
        (
            n
            for r in below
            for n in (r.by, r.from_rdns, r.from_helo)
            if n and same_org(n.strip("[]"), dom)
        ),
        None,
    )
    return Unauthenticated(
        dom, tokens, f"{b.helo or '?'} [{b.ip}]", bool(env) and same_org(env, dom), claimed
    )


def finding(u: Unauthenticated) -> Finding:
    spf = (
        f"no SPF pass for {u.domain} (it publishes no SPF record)"
        if u.envelope_in_domain and any(t == "spf=none" for t in u.stamped)
        else f"no SPF pass for {u.domain}"
    )
    return Finding(
        Code.UNAUTHENTICATED_FROM,
        Severity.WARNING,
        f"Unauthenticated From: nothing authenticated {u.domain} ({spf}, no DKIM signature "
        f"of it verified, no DMARC policy applied) and the sending host {u.host} has no tie "
        f"to it (neither its HELO name nor its reverse DNS is in {u.domain}){_claim(u)}: the "
        f"message cannot be told from a spoof of {u.domain}.",
        detail=f"Evidence: the final receiver stamped {', '.join(u.stamped)}; sent from "
        f"{u.host}. No check of {u.domain} failed only because it publishes nothing that could fail: "
        "that proves nothing about who sent it.",
        fix="Treat the sender as unverified; nothing for the recipient to fix. Only "
        f"{u.domain}'s owner can change this, if it is a real sender: SPF, DKIM signing and an "
        "enforcing DMARC policy let receivers tell its mail from forgeries.",
    )


def _claim(u: Unauthenticated) -> str:
    if u.claimed is None:
        return ""
    return (
        f"; only the sender's own Received lines name a server of {u.domain} ({u.claimed}), "
        "which nothing verified"
    )


def _about(s: Stamp, analysis: Analysis, dom: str) -> bool:
    """The stamped identifier is the From domain's (or names no domain at all)."""
    ident = (
        s.result.prop("header.d")
        or s.result.prop("header.i")
        or s.result.prop("smtp.mailfrom")
        or (envelope(analysis) if s.result.method.lower() == "spf" else None)
    )
    return not ident or same_org(ident, dom)


_SPF_DOMAIN = re.compile(r"\bdomain of (?:\S+@)?([\w.-]+\.[a-z]{2,})\s+designates\b", re.I)


def _receiver_spf_pass(analysis: Analysis, dom: str) -> bool:
    """The final receiver's own Received-SPF passed for the From domain's organisation (named by
    envelope-from=, else by its "domain of X designates" comment, as Yahoo writes it)."""
    own = receiver_auth_indices(analysis)
    for r in analysis.received_spf:
        if r.header_index not in own or r.result != "pass":
            continue
        m = _SPF_DOMAIN.search(r.comment or "")
        named = r.envelope_from or (m.group(1) if m else None)
        if named and same_org(named.rpartition("@")[2], dom):
            return True
    return False


def received_spf_token(analysis: Analysis) -> tuple[str, ...]:
    """``spf=<result>`` of the final receiver's own Received-SPF when its Authentication-Results
    carry no spf= (Yahoo writes the SPF verdict only there), else nothing."""
    if stamps(analysis, "spf"):
        return ()
    own = receiver_auth_indices(analysis)
    found = next((r for r in analysis.received_spf if r.header_index in own and r.result), None)
    return (f"spf={found.result}",) if found is not None else ()
