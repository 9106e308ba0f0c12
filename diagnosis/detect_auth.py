"""Detectors that read authentication: spoofs, forwards, lists, allow lists, bounces, control."""

from __future__ import annotations

import re

from headerlens.diagnosis.detect_forward import probable_forward
from headerlens.diagnosis.facts import Outcome, OutcomeFact, Situation
from headerlens.diagnosis.inputs import (
    Stamp,
    boundary_hop,
    confirmed_rdns,
    entry,
    envelope,
    envelopes,
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
from headerlens.diagnosis.replyto import reply_to_elsewhere
from headerlens.diagnosis.spoof_signs import (
    foreign_submission,
    implicit_spoof,
    null_sender_elsewhere,
    own_workspace,
)
from headerlens.model import Analysis
from headerlens.model.verdicts import DmarcResult
from headerlens.model.verification import Verification
from headerlens.parsers.hops import is_internal_ip
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
)
_POLICY = re.compile(r"\bp=(reject|quarantine|none)\b", re.IGNORECASE)
_ALLOW = re.compile(r"OFR:(TrustedSenderList|ExclusiveSettings)|\b(?:wl|pcwl):1\b", re.IGNORECASE)
# The receiver let a DMARC failure through on ARC: "dis=NONE arc=pass" in its dmarc= comment.
_ARC_OVERRIDE = re.compile(r"\bdis=none\b.*\barc=pass\b|\barc=pass\b.*\bdis=none\b", re.IGNORECASE)
_SCL = re.compile(r"\bSCL:(\d+)", re.IGNORECASE)


def _from_domain(analysis: Analysis) -> str | None:
    """The author domain; the final receiver's header.from when From could not be parsed."""
    dom = analysis.from_addr.domain if analysis.from_addr else None
    if not dom:
        d = stamp(analysis, "dmarc")
        dom = d.result.prop("header.from") if d is not None else None
    return dom.rstrip(".").lower() if dom else None


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
    env = next((e for e in envelopes(analysis) if is_srs(e)), envelope(analysis))
    b = entry(analysis)
    hop_number = b.hop_number if b else None
    ev = _forwarded_headers(analysis)
    if report is not None:
        return _ndr_forward(report) or probable_forward(analysis, _from_domain(analysis))
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
            spf = stamp(analysis, "spf")
            checked = spf.result.prop("smtp.mailfrom") if spf is not None else None
            if b is not None and same_org(env, b.receiver) and checked and not is_srs(checked):
                # the receiving organisation re-sent it internally after its own checks
                facts += [("internal", "yes"), ("checked", checked)]
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
    return probable_forward(analysis, _from_domain(analysis))


def _same_domain(a: str, b: str) -> bool:
    return a.rsplit("@", 1)[-1].lower() == b.rsplit("@", 1)[-1].lower()


def _ndr_forward(report: Report) -> Situation | None:
    """A bounce of a forwarded copy: an alias expansion or a redirect to another domain, of a
    message the reporting server had received from outside, with the envelope kept."""
    ev: list[str] = []
    if (
        report.actual_recipient
        and report.final_recipient
        and not _same_domain(report.actual_recipient, report.final_recipient)
    ):
        ev.append(f"the address {report.actual_recipient} was expanded to {report.final_recipient}")
    orig_to = [r for r in report.original_received if " for " in r]
    if report.final_recipient and report.original_received and not ev:
        tos = re.findall(r"\bfor <?([^>;\s]+@[^>;\s]+)>?", " ".join(orig_to))
        final_dom = report.final_recipient.rsplit("@", 1)[-1].lower()
        if tos and not any(t.rsplit("@", 1)[-1].lower() == final_dom for t in tos):
            ev.append(f"the message for {tos[0]} was redirected to {report.final_recipient}")
    outside = [
        r
        for r in report.original_received
        if any(not is_internal_ip(ip) for ip in re.findall(r"\[(\d+\.\d+\.\d+\.\d+)\]", r))
    ]
    if not ev or not outside:
        return None
    env = report.original_return_path
    label = "forward-srs" if is_srs(env) else "forward-nosrs"
    return Situation(
        label,
        None,
        (
            *ev,
            f"envelope sender {env} kept"
            if env
            else "the report does not show the envelope sender",
        ),
        (("envelope", env or ""), ("forwarder", report.reporting_mta or "")),
    )


def mailing_list(analysis: Analysis) -> Situation | None:
    """A list server re-sent it: list-manager fields, or a List-Id together with a sign that the
    list handled the message (Precedence, an ARC seal or X-Original-* fields from the list's
    domain, a [tag] in the subject). A List-Id alone is also set by newsletter services."""
    strong = [f"{f.name}: {f.value[:50]}" for f in fields(analysis, *_LIST_STRONG)]
    list_id = first(analysis, "list-id")
    m = re.search(r"<?([^<>\s]+)>?\s*$", list_id or "")
    list_dom = m.group(1).split(".", 1)[-1] if m else None
    if not strong and list_id:
        strong = _list_handled(analysis, list_id, list_dom)
    if not strong:
        return None
    ev = ([f"List-Id: {list_id[:60]}"] if list_id else []) + strong
    hop = next(
        (h.number for h in analysis.chain.hops if list_dom and same_org(h.received.by, list_dom)),
        None,
    )
    facts = [("list", list_id or "")]
    b = entry(analysis)
    if hop is not None and b is not None and hop >= b.hop_number:
        # the final receiver is the list's own host: its stamps judged the post as the author's
        # side sent it, before the list changed anything
        facts.append(("inbound", "yes"))
    if arc := arc_acceptance(analysis):
        facts.append(("arc", arc))
        ev.insert(1, arc)
    return Situation("mailing-list", hop, tuple(ev[:5]), tuple(facts))


def _list_handled(analysis: Analysis, list_id: str, list_dom: str | None) -> list[str]:
    out = []
    prec = (first(analysis, "precedence") or "").strip().lower()
    if prec in ("list", "bulk"):
        out.append(f"Precedence: {prec}")
    for f in fields(analysis, "arc-seal"):
        d = re.search(r"\bd=([\w.-]+)", f.value)
        if d and list_dom and same_org(d.group(1), list_dom):
            out.append(f"ARC-Seal by {d.group(1)}, the list's domain")
    out += [
        f.name for f in fields(analysis, "x-original-authentication-results", "x-original-from")
    ]
    name = list_id.strip("<> ").split(".", 1)[0].split()[-1].lower() if list_id.strip() else ""
    if name and (analysis.subject or "").lower().lstrip().startswith(f"[{name}]"):
        out.append(f"Subject tag [{name}]")
    return out


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
        if d.value == "none":  # no DMARC record: action=none is not a policy
            return "no-record"
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
    unconfirmed: Situation | None = None,
) -> Situation | None:
    """The From domain was not authenticated and the sending infrastructure is not its own.
    ``unconfirmed`` is a list or forward only the message's fields name: it explains nothing,
    but the spoof is then stated as possible (a relay that broke authentication looks the same).
    Where nothing decided DMARC and nothing else failed there is no spoof to state: see
    ``unchecked_relay``."""
    if report is not None:
        return _ndr_spoof(report)
    dom = _from_domain(analysis)
    if not dom or aligned_pass(analysis) or own_account or relayed or _own_servers(analysis, dom):
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
        checked = stamps(analysis, "spf") + stamps(analysis, "dkim")
        anything = [s for s in checked if s.value == "pass"]
        env = envelope(analysis)
        # "nothing authenticated" is a fact only where something was checked: the receiver
        # stamped a verdict, or the re-verification ran; with neither, it is unknown
        looked = bool(checked) or d is not None or _reverified(verification)
        if not anything and looked and env and not same_org(env, dom):
            ev.append(f"nothing authenticated {dom}; the envelope sender {env} is another domain")
        elif not anything and (null := null_sender_elsewhere(analysis, dom)):
            ev.append(null)
        elif implicit := implicit_spoof(analysis, dom):
            ev += implicit
        elif foreign := foreign_submission(analysis):
            ev.append(f"nothing {dom} controls authenticated it; {foreign}")
        elif _self_spoof(analysis):
            ev.append(
                f"From is the recipient's own address ({analysis.from_addr.address if analysis.from_addr else ''}) but the message came from outside unauthenticated"
            )
    undecided = unconfirmed is not None and not dmarc_decided(analysis, verification)
    # nothing decided DMARC and nothing else failed: that is no evidence of a spoof; the relay
    # stays what the message's own fields claim, marked unchecked (see unchecked_relay)
    if not ev:
        return None
    if unconfirmed is not None:
        name = relay_name(analysis, unconfirmed) or "a relay"
        ev.append(
            f"{name} is named only by the message's own fields"
            if undecided
            else f"the receiver's reverse DNS for the client is in {name}'s domain, but nothing "
            f"shows {dom}'s own message went through it (a sender can run a list itself)"
        )
    b = entry(analysis)
    if b is not None and b.ip:
        ev.append(f"sent from {b.helo or '?'} [{b.ip}] into {b.receiver or '?'}")
    if rt := reply_to_elsewhere(analysis):
        ev.append(f"{rt}: replies go to the sender, not to {dom}")
    facts = [("domain", dom)]
    pol = _policy(analysis, verification)
    if pol:
        facts.append(("policy", pol))
    if unconfirmed is not None:
        kind = "list" if unconfirmed.label == "mailing-list" else "forwarder"
        facts += [("relay", relay_name(analysis, unconfirmed)), ("relay-kind", kind)]
        if undecided:
            facts.append(("dmarc", "undecided"))
    return Situation("spoof", b.hop_number if b else None, tuple(ev), tuple(facts))


def unchecked_relay(
    analysis: Analysis, verification: Verification | None, relay: Situation
) -> Situation:
    """``relay`` (a list or forward only the message's own fields name) when nothing decided
    whether the message is authentic: no DMARC verdict of the final receiver's, no
    re-verification that decided DMARC, and no other sign of a spoof. It stays what those fields
    claim, with facts saying that nothing checked it: neither a spoof nor a genuine copy."""
    if verification is not None:
        why, rerun = "the re-verification did not decide DMARC", "re-run the check when DNS answers"
    elif any(stamps(analysis, m) for m in ("spf", "dkim", "dmarc", "arc", "compauth")):
        why, rerun = "no DMARC verdict from the receiver, not re-verified", "re-run with DNS"
    else:
        why, rerun = "offline, no verdict from the receiver", "re-run with DNS"
    kind = "list" if relay.label in ("mailing-list", "google-groups") else "forwarder"
    facts = [
        ("unchecked", why),
        ("rerun", rerun),
        ("relay", relay_name(analysis, relay)),
        ("relay-kind", kind),
    ]
    if dom := _from_domain(analysis):
        facts.append(("domain", dom))
    ev = f"nothing decided DMARC for {dom or 'the From domain'}: {why}"
    return Situation(relay.label, relay.hop_number, (*relay.evidence, ev), relay.facts + tuple(facts))


def relay_confirmed(analysis: Analysis) -> bool:
    """Something the receiver wrote shows that a relay re-sent the message and vouched for it:
    it accepted the message on the relay's ARC seal (compauth reason 130), or no hop came from
    outside (the organisation re-sent its own mail). A list or forwarder the message's own fields
    name (List-Id, Resent-*, an SRS envelope) is only claimed, even when the receiver wrote a
    reverse-DNS name in the relay's domain for the client: a sender can run the list itself."""
    return entry(analysis) is None or arc_acceptance(analysis) is not None


def relay_name(analysis: Analysis, relay: Situation) -> str:
    """The list or forwarder a relay situation names, as the message states it: the List-Id,
    the SRS envelope's domain, or the domain of the address that re-sent it (Resent-From)."""
    if relay.label == "forward-nosrs":
        named = re.findall(
            r"@([\w.-]+)", " ".join(f.value for f in fields(analysis, "resent-from"))
        )
        return named[0].lower() if named else ""
    value = relay.fact("list") or relay.fact("forwarder") or ""
    bracketed = re.search(r"<([^<>\s]+)>", value)  # "Developers <dev.lists.example.org>"
    return bracketed.group(1) if bracketed else value.strip("<> ")


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


def _reverified(verification: Verification | None) -> bool:
    return verification is not None and (verification.spf is not None or bool(verification.dkim))


def relay_tied(analysis: Analysis, relay: Situation | None) -> bool:
    """A list or forwarder the sender's own fields name (List-Id, an SRS envelope) is the one that
    handed the message over: the receiver wrote a confirmed reverse-DNS name in its organisation
    for the entry hop's client. Otherwise those fields are only the sender's claim."""
    if relay is None or relay.fact("probable"):  # inferred, never a tie
        return False
    if entry(analysis) is None:  # no hop from outside: the organisation re-sent its own mail
        return True
    rdns = confirmed_rdns(boundary_hop(analysis))
    if rdns is None:
        return False
    named = []
    for key, value in relay.facts:
        if key == "list":  # "<name.lists.example.org>": the list's host is after the name
            named.append(value.strip("<> ").split(".", 1)[-1])
        elif key == "forwarder":
            named.append(value)
    if relay.label == "forward-nosrs":  # the address that re-sent it (RFC 5322 §3.6.6)
        for f in fields(analysis, "resent-from", "resent-sender"):
            named += re.findall(r"@([\w.-]+)", f.value)
    return any(n and same_org(rdns, n) for n in named)


def dmarc_failed(analysis: Analysis, verification: Verification | None) -> bool:
    """DMARC failed, as the final receiver stamped it or as re-verified."""
    d = stamp(analysis, "dmarc")
    return (d is not None and d.value == "fail") or (
        verification is not None
        and verification.dmarc is not None
        and verification.dmarc.result is DmarcResult.FAIL
    )


def enforced_dmarc_fail(analysis: Analysis, verification: Verification | None) -> bool:
    """DMARC failed under p=reject or p=quarantine: the From domain asks receivers not to take
    the message."""
    failed = dmarc_failed(analysis, verification)
    return failed and _policy(analysis, verification) in ("reject", "quarantine")


def _own_servers(analysis: Analysis, dom: str) -> bool:
    """The message left through the From domain's own servers (a misconfigured sender, not a
    spoof): the receiver wrote a confirmed reverse-DNS name inside that domain for the entry
    hop's client.
    The HELO and the hops below the entry are the sender's own text, so they never count."""
    b = entry(analysis)
    hop = next((h for h in analysis.chain.hops if b is not None and h.number == b.hop_number), None)
    return same_org(confirmed_rdns(hop), dom) or own_workspace(analysis, dom)


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
    b = entry(analysis)
    return addr in rcpts and not passed and b is not None and b.ip is not None


def _ndr_spoof(report: Report) -> Situation | None:
    """A bounce for a DMARC rejection of a message whose sender claimed a domain it had no
    business with (the receiving server marked the client 'may be forged', or the HELO named
    the From domain from an unrelated host)."""
    if "dmarc" not in report.replies.lower():
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
                    f"the remote server refused it: {(report.diagnostic or report.replies)[:100]}",
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
    ars = [a for a in analysis.auth_results if a.header_name.lower() == "authentication-results"]
    top = final_receiver_results(analysis) or ars[:1]
    if d is None and is_list and top:  # the archive stamped nothing: the list's inbound check
        ident = (top[0].authserv_id or "").lower()
        for ar in analysis.auth_results:
            if (
                ar.header_name.lower() == "authentication-results"
                and (ar.authserv_id or "").lower() == ident
            ):
                d = next((Stamp(r, ar) for r in ar.results if r.method.lower() == "dmarc"), d)
    if d is None or d.value != "pass":
        return None
    failed = [
        s.quote()
        for s in stamps(analysis, "spf") + stamps(analysis, "dkim")
        if s.value in ("fail", "softfail", "permerror", "temperror")
    ]
    if failed:  # DMARC passed on one method, but something is still wrong
        return None
    return Situation("control", None, (d.quote(),))
