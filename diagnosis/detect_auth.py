"""Detectors that read authentication: spoofs, allow lists, bounces, control."""

from __future__ import annotations

import re

from headerlens.diagnosis.auth_state import (
    aligned_pass,
    checked_author,
    dmarc_decided,
    from_domain,
    policy,
    reverified,
)
from headerlens.diagnosis.detect_platform import shown_brand
from headerlens.diagnosis.detect_relay import relay_name
from headerlens.diagnosis.esp_sent import via_service
from headerlens.diagnosis.facts import Outcome, OutcomeFact, Situation
from headerlens.diagnosis.form_mail import form_mail
from headerlens.diagnosis.forward_signed import unchecked_author_signature
from headerlens.diagnosis.gateway_spf import gateway_handoff
from headerlens.diagnosis.inputs import (
    Stamp,
    by_receiver,
    confirmed_rdns,
    entry,
    envelope,
    fields,
    not_a_domain,
    org,
    plain_form,
    receiver_fields,
    same_org,
    stamp,
    stamps,
)
from headerlens.diagnosis.list_delivery import body_changed_only
from headerlens.diagnosis.ndr import Report
from headerlens.diagnosis.provider_hosts import entered_elsewhere
from headerlens.diagnosis.replyto import FREEMAIL, reply_to_elsewhere, shared_account
from headerlens.diagnosis.spoof_signs import (
    foreign_submission,
    implicit_spoof,
    live_dmarc_pass,
    null_sender_elsewhere,
    own_spf_fail,
    own_workspace,
)
from headerlens.diagnosis.spoof_unaligned import unaligned_spoof
from headerlens.diagnosis.throwaway import disposable
from headerlens.model import Analysis
from headerlens.model.provenance import Author
from headerlens.model.verdicts import DmarcResult
from headerlens.model.verification import Verification
from headerlens.stamped import final_receiver_results

_ALLOW = re.compile(r"OFR:(TrustedSenderList|ExclusiveSettings)|\b(?:wl|pcwl):1\b", re.IGNORECASE)
_SCL = re.compile(r"\bSCL:(\d+)", re.IGNORECASE)


def spoof(
    analysis: Analysis,
    verification: Verification | None,
    report: Report | None,
    own_account: bool,
    relayed: bool,
    unconfirmed: Situation | None = None,
    explained: bool = False,
) -> Situation | None:
    """The From domain was not authenticated and the sending infrastructure is not its own.
    ``unconfirmed`` is a list or forward only the message's fields name: it explains nothing,
    but the spoof is then stated as possible (a relay that broke authentication looks the same).
    Where nothing decided DMARC and nothing else failed there is no spoof to state: see
    ``unchecked_relay``. ``explained``: something else explains an SPF failure of the envelope
    domain (a forward, even one only probable; a web script on the sending host)."""
    if report is not None:
        return _ndr_spoof(report)
    dom = checked_author(analysis, verification)
    if not dom or aligned_pass(analysis) or own_account or relayed or _own_servers(analysis, dom):
        return None
    d = stamp(analysis, "dmarc")
    # A bounce's returned copy was refused before any receiver stamped it: under p=none the
    # organisation's own unauthenticated message fails DMARC the same way a forgery does, so
    # there the re-verified failure alone decides nothing (the other signs below still do).
    live_fail = (
        verification is not None
        and verification.dmarc is not None
        and verification.dmarc.result is DmarcResult.FAIL
        and (
            analysis.copy_kind != "returned"
            or policy(analysis, verification) in ("reject", "quarantine")
        )
    )
    live_pass = (
        verification is not None
        and verification.dmarc is not None
        and verification.dmarc.result is DmarcResult.PASS
    )
    ev: list[str] = []
    passed_for = ""  # sign "unaligned": the organisations whose own identity passed
    sign = ""  # "spf": only the receiver's SPF check failed (no DMARC record to decide)
    entered = ""  # sign "provider": the client, not the provider's server, it came from
    passed, appended = live_dmarc_pass(verification) if d is None else (False, None)
    if passed and appended is None:
        return None  # nothing stamped, and re-verified DMARC passes: the domain vouched for it
    if appended is not None:
        ev.append(appended)
        sign = "length"
    elif d is not None and d.value == "fail":
        ev.append(d.quote())
    elif live_fail:
        ev.append(f"re-verified DMARC for {dom}: fail")
    elif d is None or d.value in ("none", "permerror"):
        # permerror: the From domain's DMARC record is unusable, so no policy applied: as if
        # it published none (RFC 7489 §6.6.3); nothing aligned passing decides the same way
        checked = stamps(analysis, "spf") + stamps(analysis, "dkim")
        anything = [s for s in checked if s.value == "pass"]
        env = envelope(analysis)
        # "nothing authenticated" is a fact only where something was checked: the receiver
        # stamped a verdict, or the re-verification ran; with neither, it is unknown
        # A DKIM body hash broken offline is what the list or forwarder the message names does
        # (a footer, a subject tag): it checked nothing of the author's
        edited = unconfirmed is not None and body_changed_only(verification)
        looked = bool(checked) or d is not None or (reverified(verification) and not edited)
        # a spoof needs a victim: a domain that looks like the sender's own throwaway is none
        throwaway = disposable(analysis, dom) if not anything else None
        # a sending service's envelope is what a brand's newsletter shows too: while nothing
        # decided the brand's DMARC, that is no sign of a spoof (esp_sent, "not proven")
        via = via_service(analysis, verification, dom) if not anything else None
        # a forward explains the SPF failure and the author's own signature is still unchecked
        signed = explained and unchecked_author_signature(analysis, verification, dom)
        if (
            not anything
            and looked
            and env
            and not same_org(env, dom)
            and not (throwaway or via or signed)
        ):
            ev.append(f"nothing authenticated {dom}; the envelope sender {env} is another domain")
            ca = stamp(analysis, "compauth")
            if ca is not None and ca.value == "pass" and ca.result.reason != "130":
                # said, or the report contradicts itself (130 is an ARC override, not this)
                ev.append(
                    f"{ca.quote()}: Microsoft's composite check passed it on its own implicit "
                    f"signals (reputation, history), not on any record or signature of {dom}"
                )
        elif not anything and not throwaway and (null := null_sender_elsewhere(analysis, dom)):
            ev.append(null)
        elif not anything and looked and (problem := not_a_domain(dom)):
            ev.append(f"nothing authenticated {dom} (it {problem})")
        elif own := own_spf_fail(analysis, dom, explained or unconfirmed is not None or live_pass):
            ev += own
            sign = "spf"
        elif implicit := implicit_spoof(analysis, dom, throwaway is None):
            ev += implicit
        elif unconfirmed is None and not explained and (found := unaligned_spoof(analysis, dom)):
            ev += found[0]
            sign, passed_for = "unaligned", found[1]
        elif foreign := foreign_submission(analysis):
            ev.append(f"nothing {dom} controls authenticated it; {foreign}")
        elif _self_spoof(analysis):
            ev.append(
                f"From is the recipient's own address ({analysis.from_addr.address if analysis.from_addr else ''}) but the message came from outside unauthenticated"
            )
        elif not (anything or looked or explained or unconfirmed) and (
            elsewhere := entered_elsewhere(analysis, dom)
        ):
            # no verdict anywhere: where it came from still shows the provider did not send it
            ev += [f"no verdict of the receiver's and not re-verified; {elsewhere[0]}"]
            sign, entered = "provider", elsewhere[1]
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
    mapped = plain_form(dom)
    facts = [("domain", mapped), ("shown", dom)] if mapped else [("domain", dom)]
    if sign:
        facts += [("sign", sign), ("server", b.ip if b is not None and b.ip else "")]
    if entered:
        facts.append(("entered", entered))
    if passed_for and (ca := stamp(analysis, "compauth")) is not None:
        facts += [("passed", passed_for), ("compauth", f"{ca.value} {ca.result.reason or ''}")]
    pol = policy(analysis, verification)
    if pol:
        facts.append(("policy", pol))
    if (form := form_mail(analysis, dom)) is not None:  # a site's form wrote dom in From
        ev.append(f"a web form of {form.site} sent it: {'; '.join(form.signs[1:])}")
        facts.append(("form-site", form.site))
    if brand := shown_brand(analysis):  # the lure's name for itself: a brand not dom's
        facts += [("brand", brand[0]), ("brand-domain", brand[1])]
    if d is not None and d.value == "fail" and (gw := gateway_handoff(analysis)) is not None:
        # Microsoft checked the gateway's address (and a gateway that rewrites links breaks
        # DKIM): its DMARC fail cannot tell a forgery from the domain's own mail
        ev.append(f"the receiver's SPF check named the {gw[2]} gateway that handed it over")
        facts.append(("gateway", gw[2]))
    if unconfirmed is not None:
        kind = "list" if unconfirmed.label == "mailing-list" else "forwarder"
        facts += [("relay", relay_name(analysis, unconfirmed)), ("relay-kind", kind)]
        if undecided:
            facts.append(("dmarc", "undecided"))
    return Situation("spoof", b.hop_number if b else None, tuple(ev), tuple(facts))


def _own_servers(analysis: Analysis, dom: str) -> bool:
    """The message left through the From domain's own servers (a misconfigured sender, not a
    spoof): the receiver wrote a confirmed reverse-DNS name inside that domain for the entry
    hop's client.
    The HELO and the hops below the entry are the sender's own text, so they never count."""
    b = entry(analysis)
    hop = next((h for h in analysis.chain.hops if b is not None and h.number == b.hop_number), None)
    return same_org(confirmed_rdns(hop), dom) or own_workspace(analysis, dom)


def receiver_recipients(analysis: Analysis) -> str:
    """The mailboxes the final receiver says it delivered to (lower case, space-separated): its
    Delivered-To / X-Original-To and the ``for <…>`` of its own Received lines. To and Cc are
    the sender's text (a list's post is addressed to the list, not to the subscriber)."""
    b = entry(analysis)
    mine = [
        h.received.for_addr or ""
        for h in analysis.chain.hops
        if b is not None and h.number >= b.hop_number
    ]
    heads = [f.value for f in receiver_fields(analysis, "delivered-to", "x-original-to")]
    return " ".join(heads + mine).lower()


def _self_spoof(analysis: Analysis) -> bool:
    """From is the recipient's own address, as the receiver recorded the recipient."""
    addr = (analysis.from_addr.address or "").lower() if analysis.from_addr else ""
    if not addr:
        return False
    rcpts = receiver_recipients(analysis)
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
    """The recipient's allow list (Safe Senders, wl:1 / pcwl:1, a trusted-sender list) let a
    message the filter judged junk into the Inbox, or into a folder of the user's own by rule."""
    dest = {Outcome.INBOX: "I", Outcome.FOLDER: "C"}.get(outcome.outcome)
    if dest is None:
        return None
    for f in receiver_fields(analysis, "x-microsoft-antispam-mailbox-delivery"):
        m = _ALLOW.search(f.value)
        if not m:
            continue
        ev = [f"{f.name}: {m.group(0)} and dest:{dest}"]
        spam = _would_be_junk(analysis)
        if spam:
            ev.append(spam)
            facts = (("folder", outcome.folder or ""),) if dest == "C" else ()
            return Situation("allowlist-override", None, tuple(ev), facts)
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


def ndr(
    report: Report | None, unvouched: str | None = None, untied: str | None = None
) -> Situation | None:
    """The bounce's own situation; ``unvouched`` names the client it came from when nothing
    ties it to its reporter (diagnosis.ndr.vouched): its text may be its sender's invention;
    ``untied`` names it when, offline, nothing the receiver wrote ties it yet (tied_offline)."""
    if report is None:
        return None
    ev = list(report.evidence)
    if report.status or report.diagnostic:
        ev.append(f"status {report.status or '?'}: {(report.diagnostic or '')[:120]}")
    if unvouched:
        ev.append(
            f"nothing ties the report to {report.reporting_mta or 'its reporter'}: it came "
            f"from {unvouched}, and neither its SPF, DKIM nor DMARC passes for it"
        )
    if untied:
        ev.append(
            f"offline, nothing the receiver wrote ties the report to "
            f"{report.reporting_mta or 'its reporter'}: it came from {untied}"
        )
    facts = [
        (k, v)
        for k, v in (
            ("status", report.status),
            ("remote", report.remote_mta),
            ("recipient", report.final_recipient),
            ("diagnostic", report.diagnostic),
            ("reporter", report.reporting_mta),
            ("delayed", "yes" if report.delayed else None),
            ("succeeded", report.succeeded),
            ("unreached", report.unreached),
            ("mixed", report.mixed),
            ("simulator", report.simulator),
            ("unvouched", unvouched),
            ("untied", untied),
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
    if any(s.label in bad for s in others) or _rspamd_auth_failed(analysis):
        return None
    d = stamp(analysis, "dmarc")
    ars = [a for a in analysis.auth_results if a.header_name.lower() == "authentication-results"]
    top = final_receiver_results(analysis) or ars[:1]
    if d is None and is_list and top:  # the archive stamped nothing: the list's inbound check
        ident = (top[0].authserv_id or "").lower()
        for ar in analysis.auth_results:
            placed = analysis.provenance.of(ar.header_index)
            if (
                ar.header_name.lower() == "authentication-results"
                and (ar.authserv_id or "").lower() == ident
                # one whose author nothing shows (a pass a sender could plant) is no check
                and (placed is None or placed.author is not Author.UNKNOWN)
            ):
                d = next((Stamp(r, ar) for r in ar.results if r.method.lower() == "dmarc"), d)
    if d is None and not is_list and final_receiver_results(analysis):
        return _no_dmarc_verdict(analysis)
    if d is not None and d.value == "none" and not is_list:
        # dmarc=none (Yahoo: dmarc=unknown): the From domain publishes no DMARC policy
        found = _no_dmarc_verdict(analysis)
        return (
            None
            if found is None
            else Situation(
                "control", None, (*found.evidence, d.quote()), (("dmarc", "none-stamped"),)
            )
        )
    implicit = _implicit_pass(analysis, d)
    if d is None or (d.value != "pass" and implicit is None):
        return None
    # SPF checked on a filtering gateway's hand-off names the gateway, not the sender
    gateway = gateway_handoff(analysis)
    failed = [
        s.quote()
        for s in ([] if gateway else stamps(analysis, "spf")) + stamps(analysis, "dkim")
        if s.value in ("fail", "softfail", "permerror", "temperror")
    ]
    if failed:  # DMARC passed on one method, but something is still wrong
        return None
    if implicit is not None:
        aligned = aligned_pass(analysis)
        if aligned is None:  # the implicit check alone, no identifier of the From domain passed
            return None
        return Situation("control", None, (d.quote(), implicit, aligned), (("dmarc", "no-record"),))
    dom = org(from_domain(analysis))
    # it proves the account, which anyone can open, not who holds it
    free = dom if dom in FREEMAIL else shared_account(from_domain(analysis))
    facts: tuple[tuple[str, str], ...] = (("gateway", gateway[2]),) if gateway else ()
    if free:
        facts += (("freemail", free),)
    return Situation("control", None, (d.quote(),), facts)


# Rspamd symbols of a failed check (DMARC policy applied, DKIM or ARC signature rejected, SPF fail).
_RSPAMD_AUTH_FAIL = re.compile(
    r"\b(?:DMARC_POLICY_(?:REJECT|QUARANTINE|SOFTFAIL)|R_DKIM_REJECT|ARC_REJECT|R_SPF_FAIL)\("
)


def _rspamd_auth_failed(analysis: Analysis) -> bool:
    """The final receiver's own Rspamd result names a failed authentication check (an archive
    behind a list writes no Authentication-Results, only X-Spamd-Result): not a control."""
    return any(
        _RSPAMD_AUTH_FAIL.search(f.value) and by_receiver(analysis, f.index)
        for f in analysis.headers
        if f.lname == "x-spamd-result"
    )


def _no_dmarc_verdict(analysis: Analysis) -> Situation | None:
    """The final receiver wrote no DMARC verdict (Gmail writes none when the From domain
    publishes no record) but its own stamp shows an identifier of the From domain passing and
    nothing failing: the message is the From domain's, with no DMARC policy behind it."""
    aligned = aligned_pass(analysis)
    bad = ("fail", "softfail", "permerror", "temperror")
    if aligned is None or any(
        s.value in bad for s in stamps(analysis, "spf") + stamps(analysis, "dkim")
    ):
        return None
    return Situation("control", None, (aligned,), (("dmarc", "not-stamped"),))


def _implicit_pass(analysis: Analysis, d: Stamp | None) -> str | None:
    """Microsoft's dmarc=bestguesspass (the From domain publishes no DMARC record; had it
    published one, the message would have passed) with its composite verdict passing
    (compauth=pass): authenticated, with no DMARC policy published."""
    if d is None or d.value != "bestguesspass":
        return None
    ca = stamp(analysis, "compauth")
    return ca.quote() if ca is not None and ca.value == "pass" else None
