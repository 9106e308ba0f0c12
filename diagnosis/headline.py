"""The headline: one sentence, causes first, from the diagnosis facts (complaints and returned copies too)."""

from __future__ import annotations

from headerlens.diagnosis import usenet, wording_esp, wording_form
from headerlens.diagnosis.facts import (
    Outcome,
    OutcomeFact,
    Situation,
    Unauthenticated,
)
from headerlens.diagnosis.inputs import not_a_domain
from headerlens.diagnosis.unauthenticated import posing
from headerlens.diagnosis.usenet import NewsArticle
from headerlens.diagnosis.wording import (
    domain_of,
    duration,
    own_domain_caveat,
    remote_part,
    server_of,
    taken,
    what_of,
)
from headerlens.diagnosis.wording_notice import notice_headline
from headerlens.diagnosis.wording_spoof import provider_cause
from headerlens.diagnosis.wording_success import forged_doubt, success_headline
from headerlens.parsers.provenance_ses import SES_UNSEALED_WORDS

_FAILED = frozenset({"fail", "softfail", "permerror", "temperror"})
# What a reading that rests on the top Received line alone assumes (a forged top is not told
# from the header: redteam round 7's residual).
_FORGED_TOP = (
    "that holds if the top of this header is as the mailbox received it (a file handed over, "
    "such as an attached .eml, could carry a forged top)"
)
_WHERE = {
    Outcome.INBOX: "delivered it to the Inbox",
    Outcome.JUNK: "filed it in Junk",
    Outcome.QUARANTINE: "quarantined it",
    Outcome.REJECTED: "refused it",
}


def _unnamed(s: Situation) -> str:
    """A host whose Received stamp names no receiver (an empty ``by``)."""
    return f"the unnamed server of stamp {s.hop_number}" if s.hop_number else "an unnamed server"


def _unchecked_cause(s: Situation) -> str:
    """The headline of a list or forward that only its own headers name, nothing checked."""
    relay = s.fact("relay")
    if s.fact("taken-for"):
        return f"A post to the list {relay or ''} as the list's host received it, before the list re-sent anything; nothing checked its authenticity ({s.fact('unchecked')}): {s.fact('rerun') or 're-run with DNS'} to check the author's side"
    if s.fact("relay-kind") == "list":
        what, genuine = (f"the list {relay}" if relay else "a list"), "a genuine list copy"
        cause = f"A message from {what}"
    else:
        genuine = "a genuine forward"
        cause = f"A message forwarded by {relay}" if relay else "A forwarded message"
    return f"{cause}, by its own headers; nothing checked its authenticity ({s.fact('unchecked')}): {s.fact('rerun') or 're-run with DNS'} to tell {genuine} from a spoof"


def _delivered_cause(s: Situation, group: bool) -> str:
    """A list delivery the receiver recorded, with the author's DMARC undecided."""
    name = s.fact("list") or ""
    bracketed = name[name.find("<") + 1 : name.find(">")] if "<" in name and ">" in name else name
    what = f"the list {bracketed}" if bracketed else "a list"
    what += " (a Google Group)" if group else ""
    dom = domain_of(s)
    return (
        f"A message from {what}, handed over by the list's own server {s.fact('delivered')}; DMARC for {dom} is unknown ({s.fact('undecided')}: {s.fact('rerun') or 're-run with DNS'}), and a failure caused by the list's re-send would be the list's to fix, not {dom}'s"
        + own_domain_caveat(s)
    )


def _unaligned_cause(unaligned: tuple[str, str, bool]) -> str:
    """(From domain, the domains that passed instead, no policy known): nothing authenticated
    the From domain itself."""
    dom, passed, absent = unaligned
    why = (
        "(its own Workspace tenant sent it, but that signature is not aligned with it)"
        if "Google Workspace" in passed
        else "(another domain's identity, such as a sending service's, not aligned with it)"
    )
    dmarc = (
        f"{dom} publishes no DMARC policy"
        if absent
        else f"no DMARC verdict was written (whether {dom} publishes a policy is unknown)"
    )
    return f"Nothing authenticated {dom} itself: only {passed} passed {why}, and {dmarc}"


def _unaligned_spoof_cause(s: Situation) -> str:
    """A spoof where only another organisation's own identity passed, as Microsoft's composite
    check saw it (a fail: its anti-spoofing verdict; a pass: its implicit signals, not dom's)."""
    dom = domain_of(s)
    verdict, _, reason = (s.fact("compauth") or "").partition(" ")
    why = f"compauth={verdict}" + (f" reason {reason}" if reason else "")
    judged = (
        f"Microsoft's composite check failed it ({why})"
        if verdict == "fail"
        else f"Microsoft's {why} rests on its own implicit signals, not on anything of {dom}"
    )
    return f"A spoof of {dom}{_posing(s)}: only {s.fact('passed')} passed, for itself, and nothing {dom} controls authenticated it; {judged}; nothing to fix there"


def _posing(s: Situation) -> str:
    """The brand a spoof shows as its From name, when that brand is not the From domain's."""
    brand = s.fact("brand")
    return (
        f" posing as {brand} (its From name; {brand}'s own domain is {s.fact('brand-domain')})"
        if brand
        else ""
    )


def _auth_cause(stamped: tuple[str, ...], junk: bool) -> str:
    """The headline's cause when no situation explains the message: what the final receiver's
    own verdicts say, its composite verdict before any single failed token."""
    bad = [v for v in stamped if v.split("=", 1)[-1] in _FAILED]
    filtered = (
        ": the junk verdict came from its spam filter (content or reputation), not from authentication"
        if junk
        else ""
    )
    if "compauth=pass" in stamped:
        despite = f" although it stamped {', '.join(bad)}" if bad else ""
        return f"Authentication passed the receiver's composite check (compauth=pass){despite}{filtered}"
    if bad:
        return f"The final receiver stamped {', '.join(bad)}"
    if any(v.split("=", 1)[-1] == "pass" for v in stamped):
        return f"No authentication failure was stamped{filtered}"
    if stamped:  # only none/neutral: nothing was authenticated, nothing failed
        return f"Nothing authenticated the sender and nothing failed (the final receiver stamped {', '.join(stamped)})"
    return "The final receiver wrote no authentication verdict"


def unauthenticated_cause(u: Unauthenticated) -> str:
    if u.service is not None:
        return wording_esp.cause(u, u.service)
    if u.form is not None and not u.disposable:
        return wording_form.cause(u, u.form)
    if not u.domain:
        return (
            f"Unauthenticated From: the From field names no usable address ({u.shown}), so nothing "
            f"could authenticate the sender and who sent it cannot be told (it came from {u.host})"
        )
    if u.disposable:
        return (
            f"Unauthenticated mail from {u.domain}, most likely the sender's own throwaway domain "
            f"({u.disposable}): nothing authenticated it, it publishes no DMARC policy and the "
            f"sending host {u.host} has no tie to it, so it is no proven spoof but cannot be told "
            f"from one{posing(u)}"
        )
    tie = (
        "has no tie to it"
        if u.claimed is None
        else f"has no verified tie to it (only the sender's own lines name {u.claimed})"
    )
    if u.helo_claim is not None:
        tie += f" (its HELO {u.helo_claim} is only its own claim: the reverse DNS the receiver confirmed is in another domain)"
    return (
        f"Unauthenticated From: nothing authenticated {u.domain} and no check of it failed "
        f"(it publishes nothing usable to fail against), and the sending host {u.host} {tie}, so "
        f"this message cannot be told from a spoof of {u.domain}"
    )


def _posing_notice(n: Situation, sp: Situation) -> str:
    """A notice nothing ties to its reporter, whose own From domain's DMARC failed: a spoof of
    that domain dressed as a notice (a phish wearing a bounce's or a success notice's words)."""
    kind = (
        "success notice"
        if n.fact("succeeded")
        else "delay notice"
        if n.fact("delayed")
        else "bounce"
    )
    # tied only to a reporter of another organisation, it is the From domain nothing ties it to
    tied = not (n.fact("unvouched") or n.fact("untied"))
    return (
        f"A spoof of {domain_of(sp)} dressed as a {kind}: nothing ties it to "
        f"{domain_of(sp) if tied else n.fact('reporter') or 'its reporter'} and DMARC fails for {domain_of(sp)}, so what it "
        f"reports is its sender's invention; do not act on its links; nothing to fix at "
        f"{domain_of(sp)}"
    )


def headline(
    situations: tuple[Situation, ...],
    outcome: OutcomeFact,
    stamped: tuple[str, ...] = (),
    unaligned: tuple[str, str, bool] | None = None,
    bare: Unauthenticated | None = None,
    signed_in: str | None = None,
    unsealed: str | None = None,
    untraced: bool = False,
    top_only: tuple[str, str] | None = None,
    article: NewsArticle | None = None,
) -> str:
    """One sentence, causes first: the main situation, then what the receiver did.
    ``signed_in``: the receiver's own line shows an authenticated submission (diagnose).
    ``unsealed``: why Amazon SES's verdict block is set aside for its seal (not verified
    offline, or not covered by it: parsers/provenance_ses.seal_words).
    ``untraced``: the copy has no Received line at all (no server stamped it); ``article``:
    it is a Usenet news article (diagnosis/usenet.py), which news servers carry without one.
    ``top_only``: (From domain, IP) when the re-verified DMARC passes through SPF alone
    (auth_state.spf_only_pass): the pass rests on the receiver's Received line, so say so."""
    # a re-send inside the receiving organisation after its checks explains nothing
    by = {s.label: s for s in situations if not s.fact("internal")}
    cause = ""
    # a simulation only the sender's own text claims does not outrank a spoof
    if "phish-sim" in by and by["phish-sim"].fact("receiver"):
        cause = "A phishing simulation (training)"
    elif "phish-sim" in by and "spoof" not in by:
        cause = "Probably a phishing simulation (only the sender's own headers say so: check it is your organisation's)"
    elif "ndr" in by and "spoof" in by and by["spoof"].fact("dressed-as"):
        cause = _posing_notice(by["ndr"], by["spoof"])
    elif "ndr" in by and by["ndr"].fact("succeeded"):
        cause = success_headline(by["ndr"])
    elif "ndr" in by and by["ndr"].fact("delayed"):
        n = by["ndr"]
        cause = f"A delay notice, not a bounce: {n.fact('reporter') or 'the sending server'} has not delivered the original yet and keeps retrying ({n.fact('status') or 'no status'}{remote_part(n)})"
    elif "ndr" in by and by["ndr"].fact("unreached"):
        n = by["ndr"]
        cause = f"A bounce: {n.fact('reporter') or 'the sending server'} could not deliver the original ({n.fact('status') or 'no status'}): {n.fact('unreached')}"
    elif "ndr" in by:
        n = by["ndr"]
        cause = f"A bounce: {n.fact('remote') or 'the remote server'} refused the original ({n.fact('status') or 'no status'})"
        if n.fact("simulator"):
            cause = f"A test bounce: {n.fact('recipient')} is a test address of {n.fact('simulator')}, which bounces by design ({n.fact('status') or 'no status'}); no real mailbox refused the original"
        elif n.fact("mixed"):
            cause = f"A bounce: {n.fact('mixed')} ({n.fact('remote') or 'the remote server'} refused the first, {n.fact('status') or 'no status'})"
        if (g := by.get("google-groups")) is not None and g.fact("refused"):
            cause = f"A bounce: Google Groups refused the post to {g.fact('refused')} (the group does not exist, or the sender may not post to it)"
        if n.fact("backscatter"):
            cause = f"Backscatter: a bounce of a message that forged {n.fact('backscatter')} (it entered at {n.fact('entry')}, never through {n.fact('forged-domain')}'s servers); {n.fact('remote') or 'the remote server'} refused it ({n.fact('status') or 'no status'}); nothing to fix in {n.fact('forged-domain')}'s DNS"
            if server := n.fact("unless-server"):
                cause = f"Backscatter unless {n.fact('forged-domain')} sends from {server}: a bounce of a message that claimed {n.fact('backscatter')} and entered at {n.fact('entry')}, never through another server of {n.fact('forged-domain')}; {n.fact('remote') or 'the remote server'} refused it ({n.fact('status') or 'no status'}); if {n.fact('forged-domain')} does not send from there, nothing to fix in its DNS"
            if (via := n.fact("via-list")) and not n.fact("entry"):
                cause = f"Backscatter passed on by the mailing list {via}: a bounce of a message that forged the list's own address {n.fact('backscatter')} as its sender; {n.fact('remote') or 'the remote server'} refused it ({n.fact('status') or 'no status'}); you sent nothing, so nothing to fix on your side or in {n.fact('forged-domain')}'s DNS"
            elif via:
                cause += f"; the mailing list {via} passed it on to its members (you sent nothing)"
            if n.fact("unvouched") or n.fact("untied"):
                cause += (
                    f"; but the bounce itself is not confirmed offline: nothing yet ties it to {n.fact('reporter') or 'its reporter'}, so its returned copy is its sender's word"
                    if n.fact("untied")
                    else f"; but the bounce itself may be forged: nothing ties it to {n.fact('reporter') or 'its reporter'}, so its returned copy is its sender's word"
                )
        elif n.fact("unvouched") and n.fact("simulator"):
            cause = f"A test bounce nothing ties to {n.fact('reporter') or 'its reporter'} (it may be forged): {n.fact('recipient')} is a test address of {n.fact('simulator')}, which bounces by design ({n.fact('status') or 'no status'}), it says"
        elif n.fact("unvouched"):
            cause = f"A bounce nothing ties to {n.fact('reporter') or 'its reporter'} (it may be forged): {n.fact('remote') or 'the remote server'} refused the original ({n.fact('status') or 'no status'}), it says"
        fwd = by.get("forward-nosrs") or by.get("forward-srs")
        if fwd is not None and fwd.fact("probable"):  # this report itself came through it
            cause += (
                f"; the report itself probably came through a forwarder ({fwd.fact('forwarder')})"
            )
        elif fwd is not None:
            cause += " after a forwarder re-sent it"
        if n.fact("untied") and not n.fact("backscatter"):
            cause += f", it says (that it came from {n.fact('reporter') or 'its reporter'} is not confirmed offline)"
        if (doubt := forged_doubt(n)) and not n.fact("succeeded"):
            cause += f"; but {doubt}"
    elif "spoof" in by and (relay := by["spoof"].fact("relay")):
        sp = by["spoof"]
        kind = sp.fact("relay-kind") or "relay"
        if sp.fact("dmarc") == "undecided":
            cause = f"Possibly a spoof of {domain_of(sp)}: DMARC was not decided and only the message's own fields name the {kind} {relay}"
        else:
            cause = f"A spoof of {domain_of(sp)} unless the {kind} {relay} it names really re-sent it (nothing the receiver wrote confirms that)"
    elif "spoof" in by and (gw := by["spoof"].fact("gateway")):
        cause = f"Possibly a spoof of {domain_of(by['spoof'])}, or its own mail: the receiver's dmarc=fail rests on checks of the {gw} gateway that handed it over, not of the sending server"
    elif "spoof" in by and by["spoof"].fact("sign") == "spf":
        sp = by["spoof"]
        cause = f"Probably a spoof of {domain_of(sp)}: the receiver's SPF check failed for it and it publishes no DMARC policy (or {domain_of(sp)}'s SPF record misses {server_of(sp)})"
    elif "spoof" in by and by["spoof"].fact("sign") == "provider":
        cause = provider_cause(by["spoof"])
    elif "spoof" in by and by["spoof"].fact("sign") == "length":
        cause = f"Text appended to a message of {domain_of(by['spoof'])} after its DKIM signature's l= limit: the added part is not {domain_of(by['spoof'])}'s"
    elif "spoof" in by and not_a_domain(by["spoof"].fact("domain")):
        cause = f"A forgery: the From domain {domain_of(by['spoof'])} is not a real domain name"
    elif "spoof" in by and by["spoof"].fact("sign") == "unaligned":
        cause = _unaligned_spoof_cause(by["spoof"])
    elif "spoof" in by and (site := by["spoof"].fact("form-site")):
        cause = f"A spoof of {domain_of(by['spoof'])} by a web form of {site} (the visitor's address as From); nothing to fix at {domain_of(by['spoof'])}: {site} should send from its own domain, the visitor in Reply-To"
    elif "spoof" in by:
        looks = " (its From written in look-alike characters)" if by["spoof"].fact("shown") else ""
        cause = f"A spoof of {domain_of(by['spoof'])}{looks}{_posing(by['spoof'])}; nothing to fix there"
    elif "compromised-account" in by:
        c = by["compromised-account"]
        cause = (
            f"Signs of {taken(c)} {what_of(c)} at {c.fact('party') or 'the sending organisation'}"
        )
        if c.fact("passed"):
            cause += " (authentication passed because it really came from there)"
        elif claimed := c.fact("claimed"):
            # only the service's own identity passed: the From domain may be forged as well
            cause += f"; nothing authenticated {claimed} itself: a spoof of it unless {claimed} sends through {c.fact('service') or 'that service'}"
    elif "mailing-list" in by and by["mailing-list"].fact("notice") and bare is None:
        cause = notice_headline(by["mailing-list"])
    elif "mailing-list" in by and by["mailing-list"].fact("delivered") and "control" not in by:
        cause = _delivered_cause(by["mailing-list"], "google-groups" in by)
    elif unchecked := next((s for s in by.values() if s.fact("unchecked")), None):
        cause = _unchecked_cause(unchecked)
    elif any(k in by and not by[k].fact("earlier") for k in ("forward-srs", "forward-nosrs")):
        probable = (by.get("forward-nosrs") or by["forward-srs"]).fact("probable")
        cause = "Probably a forwarded message" if probable else "A forwarded message"
        # a fix only where the final receiver's checks failed: a forward that nothing blamed
        # (an internal re-send, or no verdict stamped at all) needs no repair
        signer = (by.get("forward-srs") or by["forward-nosrs"]).fact("unaligned-dkim")
        if signer:  # the forwarder did its part; the author's signature never aligned
            cause += f" (accepted on the forwarder's ARC seal; DMARC failed because the only DKIM that passed is by {signer}, not the From domain)"
        elif any(v.split("=", 1)[-1] in _FAILED for v in stamped):
            cause += " (fix at the forwarder, not the author's domain)"
    elif "mailing-list" in by:
        cause = "A mailing-list message" + (" from a Google Group" if "google-groups" in by else "")
    elif "control" in by:
        cause = "Authentication and the delivery path are in order"
        if free := by["control"].fact("freemail"):
            cause += f" (it came from an account at {free}, which anyone can open)"
        if by["control"].fact("dmarc") == "not-stamped":
            cause += (
                " (an identifier of the From domain passed; the receiver wrote no DMARC verdict)"
            )
        if by["control"].fact("dmarc") == "none-stamped":
            cause += " (an identifier of the From domain passed; it publishes no DMARC policy)"
        if by["control"].fact("dmarc") == "no-record":
            cause += (
                " (the From domain publishes no DMARC policy; Microsoft's implicit check passed)"
            )
    elif bare is not None:
        cause = unauthenticated_cause(bare)
    elif "forged-received" in by:
        cause = "Received lines the sender forged pad the trace (ignore them)"
    elif "allowlist-override" in by:
        cause = "An allow-list entry of the recipient overrode the spam filter"
    elif by or any(v.split("=", 1)[-1] in _FAILED for v in stamped):
        cause = _auth_cause(stamped, outcome.outcome in (Outcome.JUNK, Outcome.QUARANTINE))
        if unaligned is not None and cause.startswith("The final receiver stamped"):
            # a bare "stamped compauth=fail" says less than why: only another domain passed
            cause = f"{_unaligned_cause(unaligned)} ({cause[0].lower()}{cause[1:]})"
    elif unaligned is not None:  # (From domain, the domains that passed instead)
        cause = _unaligned_cause(unaligned)
    elif not stamped and signed_in:  # SMTP AUTH, not SPF/DKIM/DMARC, is the check here
        cause = (
            f"The receiving server {signed_in}: mail submitted through an account of that "
            "organisation (internal mail, or the copy as submitted), which SMTP authentication "
            "vouches for (the account, not the From address); no SPF, DKIM or DMARC check applies "
            f"to such a submission; {_FORGED_TOP}"
        )
    elif not stamped and unsealed == SES_UNSEALED_WORDS:  # offline nothing shows it was SES
        cause = (
            "Amazon SES's verdicts under its own line are not verified offline (its "
            "X-SES-DKIM-SIGNATURE is checked over DNS): re-run with DNS to see what it decided"
        )
    elif not stamped and unsealed:  # SES's seal verifies but does not cover them
        cause = (
            "Amazon SES's verdicts under its own line are not counted: its X-SES-DKIM-SIGNATURE "
            "does not cover them (nor SES's Received line), so the re-check over DNS decides"
        )
    elif not stamped and untraced and article is not None:
        cause = usenet.cause(article)
    elif not stamped and untraced:  # a copy as written or sent: there is no receiver to quote
        cause = (
            "No server stamped this copy (it has no Received line): it shows the message as "
            "written or sent, not as a receiver took it in, so nothing in it was checked and "
            "nothing in it authenticates the sender"
        )
    elif not stamped:  # a receiver that stamps nothing (a plain Postfix): say so, not "nothing"
        cause = (
            "The final receiver wrote no authentication verdict (no SPF, DKIM or DMARC result), "
            "so nothing in the header authenticates the sender"
        )
    else:
        cause = "No particular situation was recognised"
    parts = [cause]
    if "compromised-account" in by and not cause.startswith("Signs of"):
        c = by["compromised-account"]
        parts.append(f"signs of {taken(c)} {what_of(c)} at {c.fact('party') or 'the sending side'}")
    if "allowlist-override" in by and not cause.startswith("An allow-list"):
        parts.append("an allow-list entry overrode the filter")
    if "delay" in by:
        d = by["delay"]
        parts.append(
            f"it waited {duration(float(d.fact('seconds') or 0))} on {d.fact('host') or _unnamed(d)}"
            + (f" ({why})" if (why := d.fact("short")) else "")
        )
    if top_only is not None:
        parts.append(
            f"only SPF vouches for {top_only[0]}, re-checked for {top_only[1]} as the receiver's "
            f"Received line names it: {_FORGED_TOP}"
        )
    if outcome.outcome in _WHERE and "ndr" not in by:
        who = outcome.receiver or "the final receiver"
        how = f" ({outcome.folder})" if outcome.folder else ""
        parts.append(f"{who} {_WHERE[outcome.outcome]}{how}")
    elif outcome.folder and "ndr" not in by:  # a whole predicate: no outcome names it
        parts.append(f"{outcome.receiver or 'the final receiver'} {outcome.folder}")
    return "; ".join(parts) + "."


# Headline causes that speak of the final receiver's verdicts: a bounce's returned copy has none.
_RECEIVER_CAUSES = (
    "Nothing authenticated the sender",
    "The final receiver",
    "No authentication failure",
    "No particular situation",
    "Authentication passed the receiver",
)


def returned_copy_headline(
    situations: tuple[Situation, ...], line: str, stamped: tuple[str, ...]
) -> str:
    """A bounce's returned copy stops before the server that refused it (a success notice's,
    before the one that accepted it): what it carries was
    written on the sender's side, so a headline about "the final receiver" would mislead."""
    if situations and not line.startswith(_RECEIVER_CAUSES):
        return line  # a situation of the copy itself (a spoof, a forward…) leads
    own = f" (the sending side stamped {', '.join(stamped)})" if stamped else ""
    first = (
        "The returned copy as the sending side passed it on: the server the report is about "
        f"added no verdict of its own{own}"
    )
    # keep what else the headline said (a delay on the way), not where a "receiver" filed it
    rest = [p for p in line.rstrip(".").split("; ")[1:] if not p.endswith(tuple(_WHERE.values()))]
    return "; ".join([first, *rest]) + "."
