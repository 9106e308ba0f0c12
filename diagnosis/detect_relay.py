"""Detectors for relays that re-send a message: forwards, lists, Google Groups, who vouched."""

from __future__ import annotations

import re

from headerlens.diagnosis.auth_state import arc_acceptance, from_domain, unaligned_dkim
from headerlens.diagnosis.detect_forward import probable_forward
from headerlens.diagnosis.facts import Situation
from headerlens.diagnosis.forward_place import (
    forward_index,
    forwarding_address,
    later_sending,
    rewritten_envelope,
)
from headerlens.diagnosis.gap_causes import list_addresses
from headerlens.diagnosis.inputs import (
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
from headerlens.diagnosis.list_delivery import body_changed_only, handed_over, why_undecided
from headerlens.diagnosis.list_manager import old_list, posting_address
from headerlens.diagnosis.list_party import failed_before_list
from headerlens.diagnosis.ndr import Report
from headerlens.diagnosis.replyto import shared_account
from headerlens.model import Analysis
from headerlens.model.verification import Verification
from headerlens.parsers.hops import is_internal_ip

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
        return _ndr_forward(report) or probable_forward(analysis, from_domain(analysis))
    if is_srs(env):
        original = srs_original_domain(env)
        own_submission = any(same_org(h.received.by, env) for h in submission_hops(analysis))
        if own_submission:
            return None  # the hoster rewrites its own users' outbound mail: not a forward
        if ev or "+caf_=" in (env or "").lower() or (original and not same_org(original, env)):
            # a tenant of a shared service is named whole: "Microsoft 365 (t.onmicrosoft.com)"
            who = shared_account((env or "").rpartition("@")[2]) or org(env) or ""
            facts = [("forwarder", who), ("envelope", env or "")]
            if original:
                facts.append(("original", original))
            arc = arc_acceptance(analysis)
            if arc:
                facts.append(("arc", arc))
                failed = (d := stamp(analysis, "dmarc")) is not None and d.value == "fail"
                if failed and (signer := unaligned_dkim(analysis)):  # SPF alone carried DMARC
                    facts += [("unaligned-dkim", signer), ("domain", from_domain(analysis) or "")]
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
    resender = _resender(analysis)
    author = (analysis.from_addr.address or "").lower() if analysis.from_addr else ""
    if resender is not None and resender == author:
        # the author re-sent his own message (RFC 5322 §3.6.6 reintroduction): no forwarder
        ev = [e for e in ev if not e.lower().startswith("resent-")]
    if (earlier := _earlier_forward(analysis, ev)) is not None:
        return earlier
    if any(e.lower().startswith(("x-forwarded", "resent-")) for e in ev):
        by = resender.rsplit("@", 1)[-1] if resender else (org(b.receiver) if b else None)
        facts = [("envelope", env or ""), ("forwarder", org(by) or by or "")]
        return Situation(
            "forward-nosrs", hop_number, (*ev, f"envelope sender {env} kept"), tuple(facts)
        )
    return probable_forward(analysis, from_domain(analysis))


def _earlier_forward(analysis: Analysis, ev: list[str]) -> Situation | None:
    """A forward whose X-Forwarded-* fields sit below a later sending (a person's bounce or
    re-send, or the list's own host): an earlier leg of the trip, named at the mailbox that
    forwarded (X-Forwarded-For), never at the final receiver, and no cause of anything the final
    receiver checked (fact ``earlier``)."""
    index = forward_index(analysis)
    if index is None:
        return None
    lst = mailing_list(analysis)
    later = later_sending(analysis, index, list_identifier(lst.fact("list"))[1] if lst else None)
    if later is None:
        return None
    below = next((h for h in reversed(analysis.chain.hops) if h.header_index > index), None)
    caf = rewritten_envelope(analysis, index)
    who = forwarding_address(analysis) or (caf.rpartition("@")[2] if caf else None)
    who = who or (below.received.by if below is not None else None) or ""
    kept = (
        f"envelope sender rewritten to {caf} (Gmail's forwarding address)"
        if caf
        else "the envelope sender it used is not recorded"
    )
    ev = [e for e in ev if e.lower().startswith("x-forwarded")]
    return Situation(
        "forward-srs" if caf else "forward-nosrs",
        below.number if below is not None else None,
        (*ev, kept, later),
        (("forwarder", who), ("envelope", caf or ""), ("earlier", later)),
    )


def _resender(analysis: Analysis) -> str | None:
    """The address of the newest Resent-From (or Resent-Sender): who re-introduced the message
    (RFC 5322 §3.6.6); the sender's own words, like every Resent-* field."""
    for f in fields(analysis, "resent-from", "resent-sender"):
        if m := re.search(r"(?<![\w.+=-])[\w.+=-]+@[\w.-]+\w", f.value):
            return m.group(0).lower()
    return None


def _same_domain(a: str, b: str) -> bool:
    return a.rsplit("@", 1)[-1].lower() == b.rsplit("@", 1)[-1].lower()


def _resent_elsewhere(report: Report) -> bool:
    """The reporting server re-sent the message to a server of another organisation, which
    refused it. A rewrite the reporting system made for its own delivery (Exchange expanding a
    proxy address, an Exim alias to a local mailbox, a file or pipe) is an address expansion:
    the report names no other server, or one in the reporter's own organisation."""
    host = report.handed_to
    final = report.final_recipient or ""
    if "@" not in final:  # a file, a pipe, a bare local name: delivered by the reporter itself
        return False
    return bool(host) and not same_org(host, report.reporting_mta)


def _ndr_forward(report: Report) -> Situation | None:
    """A bounce of a forwarded copy: an alias expansion or a redirect to another domain, of a
    message the reporting server had received from outside, with the envelope kept, which the
    reporting server then re-sent to another organisation's server (that refused it)."""
    ev: list[str] = []
    if not _resent_elsewhere(report):
        return None
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


def list_identifier(value: str | None) -> tuple[str, str]:
    """The (name, host) of a List-Id (RFC 2919: ``[phrase] <list-label.namespace>``): the
    bracketed identifier, else the last word, split at its first dot ("" where absent, as in
    "List-Id: <>"); a list known only by its posting address (list_manager) splits at its @."""
    text = value or ""
    bracketed = re.search(r"<([^<>\s]+)>", text)
    words = text.replace("<", " ").replace(">", " ").split()
    ident = bracketed.group(1) if bracketed else (words[-1] if words else "")
    name, _, host = ident.rpartition("@") if "@" in ident else ident.partition(".")
    return name.lower(), host.lower() or name.lower()


def mailing_list(analysis: Analysis) -> Situation | None:
    """A list server re-sent it: list-manager fields, or a List-Id together with a sign that the
    list handled the message (Precedence, an ARC seal or X-Original-* fields from the list's
    domain, a [tag] in the subject). A List-Id alone is also set by newsletter services."""
    strong = [f"{f.name}: {f.value[:50]}" for f in fields(analysis, *_LIST_STRONG)]
    list_id = first(analysis, "list-id")
    ev = [f"List-Id: {list_id[:60]}"] if list_id else []
    named = None if strong or list_id else old_list(analysis)
    if named is not None:  # a manager that writes no List-* field names the list's address
        list_id, strong = named
    elif strong and not list_id:  # ezmlm, Yahoo Groups, Mailman 2.0: the posting address
        list_id = posting_address(analysis)
    list_dom = list_identifier(list_id)[1] or None
    if not strong and list_id:
        strong = _list_handled(analysis, list_id, list_dom)
    if not strong:
        return None
    ev += strong
    # the list's own host when a hop names it, else the first hop in the list's organisation
    # (the author's own server may share the organisation: kernel.org and vger.kernel.org)
    ours = [h for h in analysis.chain.hops if list_dom and same_org(h.received.by, list_dom)]
    host = next((h for h in ours if (h.received.by or "").lower().endswith(list_dom or "")), None)
    hop = (host or ours[0]).number if ours else None
    facts = [("list", list_id or "")]
    b = entry(analysis)
    if hop is not None and b is not None and hop >= b.hop_number:
        # the final receiver is the list's own host: its stamps judged the post as the author's
        # side sent it, before the list changed anything
        facts.append(("inbound", "yes"))
    elif b is not None and (taken := _taken_for_list(analysis, list_dom)):
        facts += [("inbound", "yes"), ("taken-for", taken)]
        ev.append(
            f"the final receiver took it for the list's posting address {taken}, with the "
            f"author's side's envelope sender {envelope(analysis)}: the list re-sent nothing yet"
        )
        hop = b.hop_number
    if arc := arc_acceptance(analysis):
        facts.append(("arc", arc))
        ev.insert(1, arc)
    ev = ev[:5]
    if hop is not None and (before := failed_before_list(analysis, hop)):
        facts += [("failed-before", before), ("domain", from_domain(analysis) or "")]
        ev.append(f"written before the list re-sent it, not by the final receiver: {before}")
    return Situation("mailing-list", hop, tuple(ev), tuple(facts))


def _taken_for_list(analysis: Analysis, list_dom: str | None) -> str | None:
    """The list's posting address, when the final receiver took the message for it (the
    recipient of its own Received line, or its Delivered-To / X-Original-To) and the envelope
    sender it recorded is not the list's (the list's re-sends carry its own bounce address): the
    list host's copy of the post as it arrived, under another host name than the list's."""
    hop = boundary_hop(analysis)
    env = envelope(analysis)
    if hop is None or not env or (list_dom and same_org(env, list_dom)):
        return None
    rcpts = [(hop.received.for_addr or "").strip("<> ").lower()]
    rcpts += [
        f.value.strip("<> \t").lower()
        for f in receiver_fields(analysis, "delivered-to", "x-original-to")
    ]
    posting = list_addresses(analysis)
    return next((r for r in rcpts if r and r in posting), None)


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
    name = list_identifier(list_id)[0]
    if name and (analysis.subject or "").lower().lstrip().startswith(f"[{name}]"):
        out.append(f"Subject tag [{name}]")
    # Majordomo (and LISTSERV-style managers) leave only List-Id and name the list's owner
    # address as Sender and envelope sender: owner-NAME@ or NAME-owner@ in the list's domain.
    owners = (f"owner-{name}", f"{name}-owner")
    for label, addr in (("Sender", first(analysis, "sender")), ("envelope", envelope(analysis))):
        m = re.search(r"([\w.+-]+)@([\w.-]+)", addr or "")
        if (
            name
            and m
            and list_dom
            and m.group(1).lower() in owners
            and same_org(m.group(2), list_dom)
        ):
            out.append(f"{label} {m.group(0)}: the list's owner address")
    return out


def google_groups(analysis: Analysis) -> Situation | None:
    ev = [f"{f.name}: {f.value[:40]}" for f in fields(analysis, "x-google-group-id")]
    list_id = first(analysis, "list-id") or ""
    if "googlegroups.com" in list_id.lower():
        ev.append(f"List-Id: {list_id[:60]}")
    if "+bncb" in (envelope(analysis) or "").lower():
        ev.append("Google Groups bounce address (+bncB...)")
    return Situation("google-groups", None, tuple(ev)) if ev else None


def groups_refusal(analysis: Analysis) -> Situation | None:
    """A bounce in which Google Groups refused a post (the group does not exist, or the sender
    may not post to it): a Google Group is the story, though nothing was re-sent."""
    ndr = analysis.ndr
    refused = [
        r.address
        for r in (ndr.failed if ndr is not None else ())
        if r.meaning is not None and r.meaning.key == "text:group-post-refused"
    ]
    if not refused:
        return None
    return Situation(
        "google-groups",
        None,
        (
            f"Google Groups refused the post to {refused[0]}: the group does not exist or the "
            "sender may not post to it",
        ),
        (("refused", refused[0]),),
    )


def unchecked_relay(
    analysis: Analysis, verification: Verification | None, relay: Situation
) -> Situation:
    """``relay`` (a list or forward only the message's own fields name) when nothing decided
    whether the message is authentic: no DMARC verdict of the final receiver's, no
    re-verification that decided DMARC, and no other sign of a spoof. It stays what those fields
    claim, with facts saying that nothing checked it: neither a spoof nor a genuine copy."""
    if verification is not None:
        why, rerun = why_undecided(verification)
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
    if dom := from_domain(analysis):
        facts.append(("domain", dom))
    ev = [f"nothing decided DMARC for {dom or 'the From domain'}: {why}"]
    if body_changed_only(verification):
        ev.append(
            "a DKIM body hash no longer matches: the body changed after signing, as a list "
            "footer or a forwarder's note does, and as a forger's edit would"
        )
    return Situation(
        relay.label, relay.hop_number, (*relay.evidence, *ev), relay.facts + tuple(facts)
    )


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


def relay_tied(analysis: Analysis, relay: Situation | None) -> bool:
    """A list or forwarder the sender's own fields name (List-Id, an SRS envelope) is the one that
    handed the message over: the receiver wrote a confirmed reverse-DNS name in its organisation
    for the entry hop's client. Otherwise those fields are only the sender's claim."""
    if relay is None or relay.fact("probable"):  # inferred, never a tie
        return False
    if entry(analysis) is None:  # no hop from outside: the organisation re-sent its own mail
        return True
    if relay.label == "mailing-list" and list_server(analysis, relay) is not None:
        return True
    rdns = confirmed_rdns(boundary_hop(analysis))
    if rdns is None:
        return False
    named = []
    for key, value in relay.facts:
        if key == "list":  # "<name.lists.example.org>": the list's host is after the name
            named.append(list_identifier(value)[1])
        elif key == "forwarder":
            named.append(value)
    if relay.label == "forward-nosrs":  # the address that re-sent it (RFC 5322 §3.6.6)
        for f in fields(analysis, "resent-from", "resent-sender"):
            named += re.findall(r"@([\w.-]+)", f.value)
    return any(n and same_org(rdns, n) for n in named)


def list_server(analysis: Analysis, lst: Situation) -> tuple[str, str, str] | None:
    """(the list's server, its bounce address) when the final receiver's own Received line and
    envelope sender show that the list ``lst`` names handed the message over
    (list_delivery.handed_over); None when only the message's own fields name the list."""
    name, host = list_identifier(lst.fact("list"))
    return handed_over(analysis, name, host) if name and host else None
