"""An unauthenticated From with no failure token: nothing authenticated the From domain, nothing
failed (it publishes nothing to fail against), and the sending host has no tie to it.

Not the ``spoof`` label: the real2 definition needs the sending infrastructure to have "nothing
to do with" the From domain, and a domain that publishes no SPF, DKIM or DMARC may send from
anywhere, so nothing the receiver wrote tells its own mail from a forgery. The honest statement
is "cannot be told from a spoof". A receiver's own anti-spoofing verdict, or a failure of the
domain's own SPF, makes it a spoof elsewhere (detect_auth.spoof, spoof_signs)."""

from __future__ import annotations

import re

from headerlens.diagnosis import wording_esp, wording_form
from headerlens.diagnosis.auth_state import aligned_pass, checked_author
from headerlens.diagnosis.detect_platform import shown_brand
from headerlens.diagnosis.esp_sent import client_hop, via_service
from headerlens.diagnosis.facts import Unauthenticated, ViaService
from headerlens.diagnosis.form_mail import form_mail
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
from headerlens.diagnosis.throwaway import disposable
from headerlens.model import Analysis, Finding, ReceivedSPF, Severity
from headerlens.model.codes import Code
from headerlens.model.verdicts import DmarcResult
from headerlens.model.verification import Verification
from headerlens.parsers.received import normalize_ip
from headerlens.parsers.stamp_evidence import first_stated_ip
from headerlens.stamped import receiver_rspamd, receiver_spamassassin

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
    if not dom and analysis.from_addr is not None:
        return _no_address(analysis)
    if not dom or not_a_domain(dom) or aligned_pass(analysis) is not None:
        return None
    if (via := via_service(analysis, verification, dom)) is not None:
        return _through(analysis, dom, via)
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
    # of dom's own is a failure token another rule reads (spoof_signs.own_spf_fail), unless dom
    # looks like the sender's own throwaway: its failed signature then is the sender's own
    throwaway = disposable(analysis, dom)
    if any(s.value not in _NOTHING and _about(s, analysis, dom) for s in checked) and not (
        throwaway and not any(s.value in ("fail", "softfail") for s in stamps(analysis, "spf"))
    ):
        return None
    b = entry(analysis)
    hop = boundary_hop(analysis)
    if b is None or not b.ip:
        return None
    rdns = confirmed_rdns(hop)
    if rdns and same_org(rdns, dom):
        return None  # the receiver confirmed a name of the domain for its client: a tie
    names = [b.helo, hop.received.from_rdns if hop else None]
    named = next((n for n in names if n and same_org(n.strip("[]"), dom)), None)
    if named and not rdns:
        return None  # the host names itself inside the domain and nothing contradicts it
    # a HELO (or an unconfirmed PTR) in the domain, where the reverse DNS the receiver confirmed
    # names another organisation, is the client's own claim: the receiver's check says otherwise
    host = f"{rdns} [{b.ip}]" if named and rdns else f"{b.helo or '?'} [{b.ip}]"
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
        dom,
        tokens,
        host,
        bool(env) and same_org(env, dom),
        claimed,
        named if rdns else None,
        disposable=throwaway,
        brand=shown_brand(analysis),
        form=form_mail(analysis, dom),
    )


def _through(analysis: Analysis, dom: str, via: ViaService) -> Unauthenticated:
    """Sent through a sending service for ``dom``, whose DMARC nothing decided (esp_sent)."""
    hop = client_hop(analysis)
    r = hop.received if hop is not None else None
    host = (
        f"{(r.from_rdns or r.from_helo or '?') if r else '?'} [{(r.from_ip if r else None) or '?'}]"
    )
    found = [s for m in ("spf", "dkim", "dmarc") for s in stamps(analysis, m)]
    tokens = tuple(f"{s.result.method}={s.value}" for s in found)
    env = envelope(analysis)
    return Unauthenticated(
        dom,
        tokens,
        host,
        bool(env) and same_org(env, dom),
        service=via,
        brand=shown_brand(analysis),
    )


def _no_address(analysis: Analysis) -> Unauthenticated | None:
    """A From field that names no address (no domain) and no DMARC domain of the receiver's:
    nothing can authenticate it, whatever the other checks say, so who sent it cannot be told."""
    author = analysis.from_addr
    b = entry(analysis)
    if author is None or author.domain or b is None or not b.ip:
        return None
    tokens = tuple(
        f"{s.result.method}={s.value}"
        for s in stamps(analysis, "spf") + stamps(analysis, "dkim") + stamps(analysis, "dmarc")
    )
    shown = " ".join((author.display or author.address or "").split())[:80]
    return Unauthenticated("", tokens, f"{b.helo or '?'} [{b.ip}]", False, shown=shown or "(empty)")


def finding(u: Unauthenticated) -> Finding:
    if u.service is not None:
        return wording_esp.finding(u, u.service)
    if not u.domain:
        return _no_address_finding(u)
    if u.disposable:
        return _throwaway_finding(u)
    if u.form is not None:
        return wording_form.finding(u, u.form)
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
        f"to it ({_untied(u)}){_claim(u)}: the "
        f"message cannot be told from a spoof of {u.domain}.",
        detail=f"Evidence: the final receiver stamped {', '.join(u.stamped)}; sent from "
        f"{u.host}. No check of {u.domain} failed only because it publishes nothing that could fail: "
        "that proves nothing about who sent it.",
        fix="Treat the sender as unverified; nothing for the recipient to fix. Only "
        f"{u.domain}'s owner can change this, if it is a real sender: SPF, DKIM signing and an "
        "enforcing DMARC policy let receivers tell its mail from forgeries.",
    )


def posing(u: Unauthenticated) -> str:
    """The brand the From name shows, when it is not the domain's: "; its From name poses as …"."""
    if u.brand is None:
        return ""
    return f"; its From name poses as {u.brand[0]}, whose own domain is {u.brand[1]}"


def _throwaway_finding(u: Unauthenticated) -> Finding:
    return Finding(
        Code.UNAUTHENTICATED_FROM,
        Severity.WARNING,
        f"Unauthenticated From, most likely the sender's own throwaway domain: nothing "
        f"authenticated {u.domain}, it publishes no DMARC policy, and the sending host {u.host} "
        f"has no tie to it; {u.disposable}{posing(u)}. Nothing shows that {u.domain} belongs to "
        "anyone else, so this is no proven spoof, but it cannot be told from one either.",
        detail=f"Evidence: the final receiver stamped {', '.join(u.stamped)}; sent from {u.host}. "
        "A spoof borrows someone else's established domain to be believed; names like these are "
        "what senders that register disposable domains choose for themselves. Only the "
        "receiver's checks count, and they proved nothing about who owns the domain.",
        fix="Treat the sender as unverified and the message as unwanted; nothing for the "
        f"recipient to fix and no one to tell at {u.domain}.",
    )


def _untied(u: Unauthenticated) -> str:
    if u.helo_claim is None:
        return f"neither its HELO name nor its reverse DNS is in {u.domain}"
    return (
        f"its HELO {u.helo_claim} names the domain, but that is the client's own claim: the "
        "reverse DNS its receiver confirmed is in another domain, perhaps a sister domain of "
        "the same owner, but nothing here ties the two"
    )


def _no_address_finding(u: Unauthenticated) -> Finding:
    stamped = f"the final receiver stamped {', '.join(u.stamped)}; " if u.stamped else ""
    return Finding(
        Code.UNAUTHENTICATED_FROM,
        Severity.WARNING,
        f"Unauthenticated From: the From field names no usable address ({u.shown}), so there is no "
        "From domain that SPF, DKIM or DMARC could authenticate: who sent this message cannot "
        f"be told (it came from {u.host}).",
        detail=f"Evidence: {stamped}no domain in the From field (an address shown in a name or "
        "comment is only text). Whatever passed or failed concerns other identities, never the "
        "sender the reader sees.",
        fix="Treat the sender as unknown; nothing for the recipient to fix, and nothing at any "
        "domain the name shows: it did not send this as far as anything here proves.",
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


def receiver_received_spf(analysis: Analysis) -> str | None:
    """The result of the final receiver's own Received-SPF when its Authentication-Results carry
    no spf= (lower-cased), else None. Yahoo writes its SPF verdict only there, and so does a
    self-hosted Postfix or Sendmail whose SPF check is a policy daemon or milter (policyd-spf,
    spf-milter) beside an OpenDKIM/OpenDMARC that writes dkim= and dmarc= alone. A field whose
    writer is not shown (Amazon SES's block before its seal is checked) or is anyone but the
    final receiving organisation (a field under its Received line that the sender's server may
    have written, though its client-ip names the boundary's client) does not count."""
    if stamps(analysis, "spf"):
        return None
    own = receiver_auth_indices(analysis)
    prov = analysis.provenance
    b = entry(analysis)
    found = next(
        (
            r
            for r in analysis.received_spf
            if r.header_index in own
            and r.result
            and ((fa := prov.of(r.header_index)) is None or fa.is_receivers)
            and _about_boundary_client(r, b.ip if b is not None else None)
        ),
        None,
    )
    return found.result.lower() if found is not None and found.result else None


# qmail-spf's result for a client its local rules (spfrules) let through: "pass (host: local
# policy designates 192.0.2.1 as permitted sender)". It says the receiver trusts that client (a
# filtering proxy of its own in front, a partner), nothing about the sender's SPF record.
_LOCAL_POLICY = re.compile(r"\blocal policy designates\b", re.IGNORECASE)


def _about_boundary_client(r: ReceivedSPF, boundary_ip: str | None) -> bool:
    """The Received-SPF judged the client the organisation took the message from: the client it
    names (client-ip=, or its "designates IP" comment) is the boundary's, where both are known,
    and its result is no local rule. A stamp a later internal hop wrote about the organisation's
    own proxy or filter judges that host, not the sender."""
    if _LOCAL_POLICY.search(r.comment or "") or _LOCAL_POLICY.search(r.raw):
        return False
    named = r.client_ip or first_stated_ip(r.comment or "")
    return named is None or boundary_ip is None or normalize_ip(named) == normalize_ip(boundary_ip)


def received_spf_token(analysis: Analysis) -> tuple[str, ...]:
    """``spf=<result>`` of the final receiver's own Received-SPF when its Authentication-Results
    carry no spf= (see receiver_received_spf), else nothing."""
    result = receiver_received_spf(analysis)
    return (f"spf={result}",) if result is not None else ()


def scanner_tokens(analysis: Analysis, stamped: tuple[str, ...]) -> tuple[str, ...]:
    """``method=result`` of the final receiver's own spam scanner (its Rspamd's symbols, else its
    SpamAssassin's rules) for the
    methods no stamp of it states: the verdict bar shows them, so the headline must not say the
    receiver wrote no SPF, DKIM or DMARC result."""
    have = {t.partition("=")[0] for t in stamped}
    found = receiver_rspamd(analysis) or receiver_spamassassin(analysis)
    return tuple(f"{m}={r}" for m, r, _ in found if m not in have)
