"""Detectors that read authentication: spoofs, forwards, lists, allow lists, bounces, control."""

from __future__ import annotations

import re

from headerlens.diagnosis.facts import Outcome, OutcomeFact, Situation
from headerlens.diagnosis.inputs import (
    Stamp,
    envelope,
    fields,
    first,
    is_srs,
    org,
    receiver_fields,
    same_org,
    srs_original_domain,
    stamp,
    stamps,
    submission_hops,
)
from headerlens.diagnosis.ndr import Report
from headerlens.model import Analysis
from headerlens.model.verdicts import DmarcResult
from headerlens.model.verification import Verification
from headerlens.stamped import final_receiver_results

_LIST_STRONG = (
    "list-post",
    "x-mailman-version",
    "x-beenthere",
    "mailing-list",
    "x-mailing-list",
    "x-google-group-id",
    "x-sympa-to",
    "x-groupsio-id",
    "x-loop",
)
_POLICY = re.compile(r"\bp=(reject|quarantine|none)\b", re.IGNORECASE)
_ALLOW = re.compile(r"OFR:(TrustedSenderList|ExclusiveSettings)|\b(?:wl|pcwl):1\b", re.IGNORECASE)
_SCL = re.compile(r"\bSCL:(\d+)", re.IGNORECASE)


def _from_domain(analysis: Analysis) -> str | None:
    return analysis.from_addr.domain if analysis.from_addr else None


def aligned_pass(analysis: Analysis) -> str | None:
    """Evidence that an identifier aligned with the From domain passed at the final receiver."""
    dom = _from_domain(analysis)
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


def arc_acceptance(analysis: Analysis) -> str | None:
    """Microsoft accepted the message on a trusted ARC seal (compauth reason 130), or the final
    receiver stamped arc=pass."""
    ca = stamp(analysis, "compauth")
    if ca is not None and ca.result.reason == "130":
        return ca.quote()
    return None


def _forwarded_headers(analysis: Analysis) -> list[str]:
    names = (
        "x-forwarded-to",
        "x-forwarded-for",
        "resent-from",
        "resent-to",
        "authentication-results-original",
    )
    return [f"{f.name}: {f.value[:50]}" for f in fields(analysis, *names)]


def forward(analysis: Analysis, report: Report | None) -> Situation | None:
    """A forwarder re-sent the message: SRS (rewritten envelope) or not."""
    env = envelope(analysis)
    b = analysis.chain.boundary
    hop_number = b.hop_number if b else None
    ev = _forwarded_headers(analysis)
    if report is not None:
        return _ndr_forward(report)
    if is_srs(env):
        original = srs_original_domain(env)
        own_submission = any(same_org(h.received.by, env) for h in submission_hops(analysis))
        if own_submission:
            return None  # the hoster rewrites its own users' outbound mail: not a forward
        if ev or "+caf_=" in (env or "").lower() or (original and not same_org(original, env)):
            facts = [("forwarder", org(env) or ""), ("envelope", env or "")]
            if original:
                facts.append(("original", original))
            arc = arc_acceptance(analysis)
            if arc:
                facts.append(("arc", arc))
            return Situation(
                "forward-srs",
                hop_number,
                (
                    f"envelope sender {env} (rewritten by the forwarder)",
                    *ev,
                    *((arc,) if arc else ()),
                ),
                tuple(facts),
            )
        return None
    if any(e.lower().startswith(("x-forwarded", "resent-")) for e in ev):
        facts = [("envelope", env or ""), ("forwarder", (org(b.receiver) if b else None) or "")]
        return Situation(
            "forward-nosrs", hop_number, (*ev, f"envelope sender {env} kept"), tuple(facts)
        )
    return None


def _ndr_forward(report: Report) -> Situation | None:
    """A bounce of a forwarded copy: an alias expansion or a redirect to another domain, of a
    message the reporting server had received from outside, with the envelope kept."""
    ev: list[str] = []
    if report.expanded_from or report.actual_recipient:
        ev.append(
            f"the address was expanded from {report.expanded_from or '?'} to "
            f"{report.actual_recipient or report.final_recipient or '?'}"
        )
    orig_to = [r for r in report.original_received if " for " in r]
    if report.final_recipient and report.original_received and not ev:
        tos = re.findall(r"\bfor <?([^>;\s]+@[^>;\s]+)>?", " ".join(orig_to))
        if tos and not any(same_org(t, report.final_recipient) for t in tos):
            ev.append(f"the message for {tos[0]} was redirected to {report.final_recipient}")
    outside = [r for r in report.original_received if re.search(r"\[\d+\.\d+\.\d+\.\d+\]", r)]
    if not ev or not outside:
        return None
    env = report.original_return_path
    label = "forward-srs" if is_srs(env) else "forward-nosrs"
    return Situation(
        label,
        None,
        (*ev, f"envelope sender {env or '?'} kept"),
        (("envelope", env or ""), ("forwarder", report.reporting_mta or "")),
    )


def mailing_list(analysis: Analysis) -> Situation | None:
    strong = [f"{f.name}: {f.value[:50]}" for f in fields(analysis, *_LIST_STRONG)]
    list_id = first(analysis, "list-id")
    prec = (first(analysis, "precedence") or "").strip().lower()
    if not strong and not (list_id and prec in ("list", "bulk")):
        return None
    ev = ([f"List-Id: {list_id[:60]}"] if list_id else []) + strong
    m = re.search(r"<?([^<>\s]+)>?\s*$", list_id or "")
    list_dom = m.group(1).split(".", 1)[-1] if m else None
    hop = next(
        (h.number for h in analysis.chain.hops if list_dom and same_org(h.received.by, list_dom)),
        None,
    )
    return Situation("mailing-list", hop, tuple(ev[:4]), (("list", list_id or ""),))


def google_groups(analysis: Analysis) -> Situation | None:
    ev = [f"{f.name}: {f.value[:40]}" for f in fields(analysis, "x-google-group-id")]
    list_id = first(analysis, "list-id") or ""
    if "googlegroups.com" in list_id.lower():
        ev.append(f"List-Id: {list_id[:60]}")
    if "+bncb" in (envelope(analysis) or "").lower():
        ev.append("Google Groups bounce address (+bncB...)")
    return Situation("google-groups", None, tuple(ev)) if ev else None


def _policy(analysis: Analysis, verification: Verification | None) -> str | None:
    d = stamp(analysis, "dmarc")
    if d is not None:
        action = dict(d.result.extras).get("action")
        m = _POLICY.search(" ".join(d.result.comments))
        if m:
            return m.group(1).lower()
        if action:
            return action.lower()
    if verification is not None and verification.dmarc is not None:
        rec = verification.dmarc.record
        if rec is not None:
            return rec.effective_p
    return None


def spoof(
    analysis: Analysis,
    verification: Verification | None,
    report: Report | None,
    own_account: bool,
    relayed: bool,
) -> Situation | None:
    """The From domain was not authenticated and the sending infrastructure is not its own."""
    if report is not None:
        return _ndr_spoof(report)
    dom = _from_domain(analysis)
    if not dom or aligned_pass(analysis) or own_account or relayed:
        return None
    d = stamp(analysis, "dmarc")
    live_fail = (
        verification is not None
        and verification.dmarc is not None
        and verification.dmarc.result is DmarcResult.FAIL
    )
    ev: list[str] = []
    if d is not None and d.value == "fail":
        ev.append(d.quote())
    elif live_fail:
        ev.append(f"re-verified DMARC for {dom}: fail")
    elif d is None or d.value == "none":
        anything = [
            s for s in stamps(analysis, "spf") + stamps(analysis, "dkim") if s.value == "pass"
        ]
        env = envelope(analysis)
        if not anything and env and not same_org(env, dom):
            ev.append(f"nothing authenticated {dom}; the envelope sender {env} is another domain")
        elif _self_spoof(analysis):
            ev.append(
                f"From is the recipient's own address ({analysis.from_addr.address if analysis.from_addr else ''}) but the message came from outside unauthenticated"
            )
    if not ev:
        return None
    b = analysis.chain.boundary
    if b is not None and b.ip:
        ev.append(f"sent from {b.helo or '?'} [{b.ip}] into {b.receiver or '?'}")
    facts = [("domain", dom)]
    pol = _policy(analysis, verification)
    if pol:
        facts.append(("policy", pol))
    return Situation("spoof", b.hop_number if b else None, tuple(ev), tuple(facts))


def _self_spoof(analysis: Analysis) -> bool:
    addr = (analysis.from_addr.address or "").lower() if analysis.from_addr else ""
    if not addr:
        return False
    rcpts = " ".join(
        f.value.lower() for f in fields(analysis, "to", "delivered-to", "x-original-to")
    )
    spf = stamp(analysis, "spf")
    tests = " ".join(f.value.upper() for f in fields(analysis, "x-spam-status"))
    passed = (spf is not None and spf.value == "pass") or "SPF_PASS" in tests
    b = analysis.chain.boundary
    return addr in rcpts and not passed and b is not None and b.ip is not None


def _ndr_spoof(report: Report) -> Situation | None:
    """A bounce for a DMARC rejection of a message whose sender claimed a domain it had no
    business with (the receiving server marked the client 'may be forged', or the HELO named
    the From domain from an unrelated host)."""
    if not report.diagnostic or "dmarc" not in report.diagnostic.lower():
        return None
    m = re.search(r"@([\w.-]+)", report.original_from or "")
    dom = m.group(1).lower() if m else None
    for line in report.original_received:
        helo = re.match(r"from (\S+) \(([^)\s]*)", line)
        forged = "may be forged" in line.lower()
        if forged or (
            helo and dom and same_org(helo.group(1), dom) and not same_org(helo.group(2), dom)
        ):
            return Situation(
                "spoof",
                None,
                (
                    f"returned message: Received: {line[:120]}",
                    f"the remote server refused it: {report.diagnostic[:100]}",
                ),
                (("domain", dom or ""),),
            )
    return None


def allowlist_override(analysis: Analysis, outcome: OutcomeFact) -> Situation | None:
    if outcome.outcome is not Outcome.INBOX:
        return None
    for f in receiver_fields(analysis, "x-microsoft-antispam-mailbox-delivery"):
        m = _ALLOW.search(f.value)
        if not m:
            continue
        ev = [f"{f.name}: {m.group(0)} and dest:I"]
        spam = _would_be_junk(analysis)
        if spam:
            ev.append(spam)
            return Situation("allowlist-override", None, tuple(ev))
    return None


def _would_be_junk(analysis: Analysis) -> str | None:
    for f in receiver_fields(
        analysis, "x-ms-exchange-organization-scl", "x-forefront-antispam-report"
    ):
        m = _SCL.search(f.value) or re.match(r"\s*(\d+)\s*$", f.value)
        if m and int(m.group(1)) >= 5:
            return f"{f.name}: SCL {m.group(1)} (junk by the spam filter)"
    d = stamp(analysis, "dmarc")
    action = dict(d.result.extras).get("action", "").lower() if d else ""
    if d is not None and d.value == "fail" and action in ("quarantine", "oreject", "reject"):
        return d.quote()
    return None


def ndr(report: Report | None) -> Situation | None:
    if report is None:
        return None
    ev = list(report.evidence)
    if report.status or report.diagnostic:
        ev.append(f"status {report.status or '?'}: {(report.diagnostic or '')[:120]}")
    facts = [
        (k, v)
        for k, v in (
            ("status", report.status),
            ("remote", report.remote_mta),
            ("recipient", report.final_recipient),
            ("diagnostic", report.diagnostic),
        )
        if v
    ]
    return Situation("ndr", None, tuple(ev), tuple(facts))


def control(analysis: Analysis, others: list[Situation], is_list: bool) -> Situation | None:
    bad = {
        "spoof",
        "forward-srs",
        "forward-nosrs",
        "ndr",
        "junk",
        "allowlist-override",
        "phish-sim",
        "compromised-account",
        "forged-received",
        "paste-damage",
        "delay",
    }
    if any(s.label in bad for s in others):
        return None
    d = stamp(analysis, "dmarc")
    if d is None and is_list:  # the archive stamped nothing: the list's own inbound check
        for ar in final_receiver_results(analysis):
            for r in ar.results:
                if r.method.lower() == "dmarc":
                    d = Stamp(r, ar)
    if d is None or d.value != "pass":
        return None
    return Situation("control", None, (d.quote(),))
