"""Run every detector in order and assemble one Diagnosis (facts first, headline last)."""

from __future__ import annotations

from headerlens.diagnosis import (
    auth_state,
    backscatter,
    delays,
    detect_abuse,
    detect_auth,
    detect_compromise,
    detect_platform,
    detect_relay,
    detect_relay_account,
    detect_signals,
    forward_signed,
    headline,
    impersonation,
    list_delivery,
    list_notice,
    notice_dmarc,
    outbound_check,
    own_tenant,
    report_list,
    stray_lines,
    time_consistency,
    unauthenticated,
    usenet,
    wording_complaint,
)
from headerlens.diagnosis.auth_state import reverified
from headerlens.diagnosis.copied_lines import copied_google
from headerlens.diagnosis.facts import LABELS, Complaint, Diagnosis, Situation
from headerlens.diagnosis.inputs import boundary_hop, entry, final_stamps, submission_hops
from headerlens.diagnosis.ndr import read_report, tied_offline, vouched
from headerlens.diagnosis.outcome import outcome as read_outcome
from headerlens.model import Analysis
from headerlens.model.feedback import Feedback
from headerlens.model.verification import Verification
from headerlens.parsers.ndr_gate import NO_ENVELOPE
from headerlens.parsers.provenance_ses import seal_words


def diagnose(analysis: Analysis, verification: Verification | None = None) -> Diagnosis:
    """The situations of ``analysis`` with their evidence, its delays, outcome and headline."""
    if analysis.feedback is not None:
        # The report's own envelope (feedback loop → abuse desk) is not the story: no situation
        # or delay of it is diagnosed; the reported message is diagnosed on its own.
        c = complaint(analysis.feedback)
        out = read_outcome(analysis, None)
        return Diagnosis((), (), None, out, wording_complaint.complaint_headline(c), c)
    report = read_report(analysis)
    rejected = None
    if report is not None and report.permanent:
        rejected = f"DSN status {report.status or '?'} from {report.remote_mta or '?'}"
    out = read_outcome(analysis, rejected)
    forged = (
        detect_signals.forged_hops(analysis)
        | detect_signals.nameless_hops(analysis)
        | stray_lines.stray_hops(analysis)
        | copied_google(analysis)
    )
    gaps = delays.gaps(analysis, frozenset(forged))
    if report is not None:
        held = delays.held_by_reporter(
            report.arrival, report.last_attempt, report.reporting_mta, report.held_note
        )
        gaps += (held,) if held is not None else ()
    note = delays.date_note(analysis, frozenset(forged))
    gaps, placeholder = time_consistency.checked(analysis, gaps, note)
    note = time_consistency.date_checked(note, analysis, placeholder, gaps)
    unvouched = untied = None
    if report is not None and (
        not vouched(analysis, verification)
        if reverified(verification)
        else not tied_offline(analysis)
    ):
        b = entry(analysis)
        client = f"{b.helo or '?'} [{b.ip}]" if b is not None and b.ip else "outside"
        unvouched, untied = (client, None) if reverified(verification) else (None, client)
    bounced = notice_dmarc.marked(
        analysis, verification, detect_auth.ndr(report, unvouched, untied)
    )
    # the returned copy's lines are the bounce's own text: they show a forged original only
    # as far as something ties the bounce to its reporter (else the spoof is not named)
    scatter = backscatter.of_bounce(analysis) if report is not None else None
    found: list[Situation | None] = [
        detect_signals.phish_sim(analysis),
        backscatter.mark(bounced, scatter) if bounced and scatter else bounced,
    ]
    lst = detect_relay.mailing_list(analysis)
    fwd = _handled(detect_relay.forward(analysis, report), analysis, verification)
    fwd = forward_signed.with_signature(fwd, analysis, verification)
    shown = impersonation.read(analysis, verification)
    overridden = detect_auth.allowlist_override(analysis, out) is not None
    comp = (
        detect_compromise.compromised(analysis, out, lst is not None)
        or detect_abuse.relay_injection(analysis, out, lst is not None)
        or (detect_abuse.esp_brand(analysis, out, shown) if lst is None else None)
        or (
            detect_platform.abused(analysis, verification, out, overridden) if lst is None else None
        )
        or (
            detect_platform.mailbox_user(analysis, verification, out, overridden)
            if lst is None
            else None
        )
    )
    # The submission lines below the entry hop are the sender's text: they make a taken-over
    # account of the From domain's own only while nothing decided that its DMARC failed (such
    # an account sends through the domain's own servers, which authenticate it).
    if comp is not None and _own(comp) and auth_state.dmarc_failed(analysis, verification):
        comp = None
    # A sending service's account "abused" is a story of mail that authenticates: where the From
    # domain's DMARC, composite authentication or SPF failed, it is the spoof's story instead.
    if (
        comp is not None
        and comp.fact("abused")
        and not detect_platform.authenticated(analysis, verification)
    ):
        comp = None
    # a shared relay's customer account used from a cloud server or a home line (a weak sign of
    # the relay's own line): beside a spoof of the From domain, never instead of it
    comp = comp or (detect_relay_account.relay_account(analysis) if lst is None else None)
    own = comp is not None and _own(comp)
    # A list or forwarder the message's own fields name (List-Id, Resent-*, an SRS envelope)
    # explains a failure of DMARC only when the From domain does not enforce it, and either DMARC
    # was decided or the receiver's reverse DNS ties the client to the relay. An enforced failure
    # is explained only by the receiver's acceptance on ARC (or no hop from outside): a sender
    # can run a list on its own domain. Unexplained, the spoof is "possible" (DMARC undecided,
    # relay untied, another sign of a spoof) or holds "unless" the tied relay really re-sent the
    # From domain's message.
    # A forward only inferred from the receiver's stamps (detect_forward) explains no spoof away.
    # An earlier leg's forward (a later sending followed it) explains nothing either.
    named = (
        fwd
        if report is None and (fwd is None or not (fwd.fact("probable") or fwd.fact("earlier")))
        else None
    )
    relay = lst or named
    tied = detect_relay.relay_tied(analysis, relay)
    decided = auth_state.dmarc_decided(analysis, verification)
    relayed = auth_state.arc_acceptance(analysis) is not None or (
        relay is not None
        and (
            detect_relay.relay_confirmed(analysis)
            or (not auth_state.enforced_dmarc_fail(analysis, verification) and (decided or tied))
        )
    )
    unconfirmed = relay if relay is not None and not relayed and (tied or not decided) else None
    # A forward, or a web script on the sending host (the From domain's site may live there),
    # explains an SPF failure of the envelope domain as well as a forgery does.
    scripted = comp is not None and comp.fact("what") == "website or hosting account"
    # a notice read without seeing its envelope (no Return-Path in the copy) is judged as any
    # message too: a phish dressed as a bounce keeps its authentication failures. So does a
    # notice nothing ties to its reporter whose own From domain's enforced DMARC failed: a spoof
    # of it (under p=none a domain's own unauthenticated bounce fails the same way).
    # A notice tied only to a reporter of another organisation than its From domain (the
    # sender's own server named as the reporter) speaks for that reporter, not for its From.
    posing = auth_state.enforced_dmarc_fail(analysis, verification) and (
        bool(unvouched or untied) or not notice_dmarc.from_is_reporters(analysis)
    )
    no_envelope = analysis.ndr is not None and analysis.ndr.detected_by == NO_ENVELOPE
    judged = None if no_envelope or posing else report
    spoof = detect_auth.spoof(
        analysis,
        verification,
        judged,
        own,
        relayed,
        unconfirmed,
        (fwd is not None and not fwd.fact("earlier")) or scripted,
    ) or (backscatter.spoof(scatter) if scatter and not (unvouched or untied) else None)
    if spoof is not None and posing:
        spoof = Situation(
            "spoof", spoof.hop_number, spoof.evidence, (*spoof.facts, ("dressed-as", "notice"))
        )
    # Nothing checked (no DMARC verdict of the receiver's, none re-verified) and nothing else
    # failed: no spoof is shown, and the relay explains nothing either; it stays what the
    # message's own fields claim, marked unchecked.
    if (
        spoof is None
        and report is None
        and unconfirmed is not None
        and not decided
        and auth_state.aligned_pass(analysis) is None
    ):
        marked = detect_relay.unchecked_relay(analysis, verification, unconfirmed)
        lst, fwd = (marked, fwd) if unconfirmed is lst else (lst, marked)
    # The receiver's own line and envelope show the list's server handed it over, and nothing
    # decided the author's DMARC: a list delivery whose authentication is unknown, not a spoof.
    if (
        lst is not None
        and spoof is None
        and report is None
        and not decided
        and auth_state.aligned_pass(analysis) is None
        and list_delivery.receiver_filter_dmarc(analysis) is None
        and (server := detect_relay.list_server(analysis, lst)) is not None
    ):
        lst = list_delivery.delivered(analysis, verification, lst, server)
    # a list manager's own notice (held, not a member, a loop…): facts added after every rule
    # above used the list's own situation, so the notice's words change no verdict
    listed = lst
    lst = list_notice.merged(lst, list_notice.notice(analysis) if report is None else None)
    found += [
        spoof,
        comp,
        fwd,
        lst,
        _claimed(detect_relay.google_groups(analysis), lst)
        or detect_relay.groups_refusal(analysis),
    ]
    if forged:
        hop = min(forged)
        stray = stray_lines.stray_hops(analysis)
        facts = (("stray", "yes"),) if set(forged) <= set(stray) else ()
        found.append(
            Situation("forged-received", hop, tuple(dict.fromkeys(forged.values())), facts)
        )
    found += [
        detect_auth.allowlist_override(analysis, out),
        detect_signals.junk(analysis, out),
        outbound_check.outbound_scan(analysis, detect_signals.sender_side_scan(analysis)),
        # a spoof's own lines below the boundary are the attacker's text: a wait they time on
        # a host other than the client the receiver saw would blame a server the message may
        # never have passed (a forged line naming it)
        _unless_spoofed(analysis, detect_signals.delay(gaps), spoof),
        detect_signals.tz_artefact(gaps, note),
        detect_signals.paste_damage(analysis),
    ]
    situations = [s for s in found if s is not None]
    ctl = detect_auth.control(analysis, situations, lst is not None)
    # a returned copy's outbound check by its own sending organisation is no receiver's verdict
    if ctl is not None and outbound_check.outbound_writer(analysis) is None:
        situations.append(ctl)
    situations.sort(key=lambda s: LABELS.index(s.label))
    final = tuple(situations)
    stamped = tuple(f"{s.result.method}={s.result.result.lower()}" for s in final_stamps(analysis))
    stamped += unauthenticated.received_spf_token(analysis)
    stamped += unauthenticated.scanner_tokens(analysis, stamped)
    # a list notice's own words explain no missing authentication (a phish can wear them)
    bare = unauthenticated.read(
        analysis,
        verification,
        tuple(s.label for s in final if listed is not None or not s.fact("notice")),
    )
    line = headline.headline(
        final,
        out,
        stamped,
        auth_state.unaligned_only(analysis, verification),
        bare,
        _signed_in(analysis),
        seal_words(analysis.provenance),
        untraced=not analysis.chain.hops,
        top_only=auth_state.spf_only_pass(verification),
        article=usenet.news_article(analysis),
    )
    if analysis.copy_kind == "returned":
        line = headline.returned_copy_headline(final, line, stamped)
    labels = tuple(s.label for s in final)
    if analysis.from_addr and impersonation.list_rewrite(shown, analysis.from_addr.display, labels):
        shown = None
    line = impersonation.lead(line, shown, labels)
    line = own_tenant.lead(analysis, line, labels, detect_platform.shown_brand(analysis))
    final = impersonation.mark_control(final, shown)
    return Diagnosis(final, gaps, note, out, line, impersonation=shown, unauthenticated=bare)


def _unless_spoofed(
    analysis: Analysis, delay: Situation | None, spoof: Situation | None
) -> Situation | None:
    """The delay, unless the message is a spoof, only the sending side's own stamps time the
    wait and they put it on a host other than the client the receiver took the message from
    (the sending host's own queue, timed by its local stamp, stays)."""
    if delay is None or spoof is None or delay.fact("cause") != "sender":
        return delay
    hop = boundary_hop(analysis)
    r = hop.received if hop is not None else None
    client = {(n or "").lower().rstrip(".") for n in (r.from_helo, r.from_rdns)} if r else set()
    host = (delay.fact("host") or "").lower().rstrip(".")
    return delay if host and host in client else None


def _signed_in(analysis: Analysis) -> str | None:
    """The receiver's own boundary line says its client signed in (ESMTPA/ESMTPSA, "Authenticated
    sender"): an account of the receiving organisation submitted the message (internal mail, or
    the copy as submitted). Read from the receiver's line, never from the sender's."""
    hop = boundary_hop(analysis)
    if hop is None and analysis.chain.boundary is None and analysis.chain.hops:
        # every hop is internal (the client's name is the organisation's own): the receiver's
        # own top line, never a lower one a sender could have written, says who submitted it
        hop = analysis.chain.hops[-1]
    if hop is None or hop not in submission_hops(analysis):
        return None
    r = hop.received
    client = r.from_ip or r.from_rdns or "its client"
    return f"{r.by or '(unnamed)'} accepted it from a client that signed in ({r.with_protocol or 'SMTP AUTH'} from {client})"


def complaint(fb: Feedback) -> Complaint:
    """The complaint's facts; its source is the report's Source-IP, else the client IP the
    reporter's own (top) Received line of the reported message names."""
    original = fb.original
    top = original.chain.hops[-1].received if original and original.chain.hops else None
    author = original.from_addr.address if original and original.from_addr else None
    rcpts = fb.original_rcpt_to or tuple(
        f.value.strip()
        for f in (original.headers if original else ())
        if f.lname == "x-hmxmroriginalrecipient"
    )
    labels = diagnose(original).labels() if original is not None else ()
    relayed_by = (
        "mailing list"
        if "mailing-list" in labels or "google-groups" in labels
        else "forwarder"
        if "forward-srs" in labels or "forward-nosrs" in labels
        else None
    )
    signs: tuple[str, ...] = ()
    if relayed_by is None and original is not None:
        signs = report_list.list_copy_signs(original, fb.original_mail_from)
        relayed_by = "mailing list" if signs else None
    return Complaint(
        relayed_by=relayed_by,
        relay_signs=signs,
        format=fb.format.value,
        feedback_type=fb.feedback_type,
        reporter=fb.reporter,
        source=fb.source_ip or (top.from_ip if top else None) or fb.original_mail_from,
        auth_failure=fb.auth_failure,
        author=author,
        complainants=rcpts[:5],
    )


def _own(s: Situation) -> bool:
    """The taken-over account belongs to the From domain (its own server sent the message)."""
    return any(
        e.startswith(("the sender's server recorded", "the envelope"))
        or " is the From domain's own server" in e
        for e in s.evidence
    )


def _handled(
    fwd: Situation | None, analysis: Analysis, verification: Verification | None
) -> Situation | None:
    """A named forward whose SPF and DMARC pass at the end needs no fix at the forwarder: it
    did what a forwarder should (SRS, or the author's signature kept); marked ``handled``."""
    if fwd is None or fwd.fact("probable") or fwd.fact("internal"):
        return fwd
    passes = auth_state.forward_passes(analysis, verification)
    if passes is None:
        return fwd
    return Situation(fwd.label, fwd.hop_number, fwd.evidence, (*fwd.facts, ("handled", passes)))


def _claimed(group: Situation | None, lst: Situation | None) -> Situation | None:
    """A Google Group that, like its list, only the message's own headers name (nothing checked)."""
    if group is None or lst is None or not lst.fact("unchecked"):
        return group
    return Situation(
        group.label, group.hop_number, group.evidence, (*group.facts, ("claimed", "yes"))
    )
