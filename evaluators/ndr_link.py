"""A bounce's refusals tied to the re-verified checks of its returned message (5.7.26 to DMARC).

The refusing server judged the message as it arrived from the server that handed it over: that
server's IP (quoted in the reply when the server names it), the returned message's envelope
sender and its From. The SPF replay for the original uses that identity, not the original's own
trust boundary (which is on the sender's side: the refusing server never stamped it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from headerlens.diagnosis.advice import ADVISING, advice_of, withdrawn
from headerlens.diagnosis.ndr import reporter_doubt, vouched
from headerlens.evaluators.orgdomain import psl_org_domain
from headerlens.model import Analysis, FailedRecipient, NonDelivery, WhoActs
from headerlens.model.codes import Code
from headerlens.model.ndr import NdrLink
from headerlens.model.verdicts import DkimResult
from headerlens.model.verification import Verification, VerifyMode

_AUTH_CHECKS = frozenset({"dmarc", "auth", "spf"})
_IP_CHECKS = frozenset({"ip", "ptr"})
# Findings on the original whose fix names the cause better than "list the IP in SPF".
_SPECIFIC_SPF = frozenset(
    {Code.SPF_GATEWAY_BYPASSED, Code.SPF_SERVICE_NOT_INCLUDED, Code.SPF_TOO_MANY_LOOKUPS}
)

# ... of which these authorise a server or service in the sender's SPF record.
_AUTHORISING = frozenset({Code.SPF_SERVICE_NOT_INCLUDED})


def _org(name: str | None) -> str:
    """The organisational domain of a host or address (Public Suffix List)."""
    host = (name or "").rsplit("@", 1)[-1]
    return psl_org_domain(host) or host.lower().rstrip(".")


def _related(a: str, b: str) -> bool:
    """Same domain, or one a subdomain of the other (an ESP's bounce.example.com)."""
    a, b = a.lower().rstrip("."), b.lower().rstrip(".")
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def _sending_ip(ndr: NonDelivery) -> str | None:
    return next((r.sending_ip for r in ndr.failed if r.sending_ip), None)


def _mail_from(original: Analysis | None) -> str | None:
    if original is None or original.return_path is None:
        return None
    return original.return_path.address or None


def original_identity(
    analysis: Analysis,
) -> tuple[str | None, str | None, str | None, str | None] | None:
    """(ip, mail_from, helo, note) for the SPF replay of a bounce's original; None: no bounce."""
    ndr = analysis.ndr
    if ndr is None or ndr.original is None:
        return None
    ip = _sending_ip(ndr)
    if ip is None:
        return (
            None,
            None,
            None,
            (
                "The report does not quote the sending IP, so SPF was not replayed as the refusing "
                "server saw it."
            ),
        )
    return ip, _mail_from(ndr.original), ndr.reporting_mta, None


def _addressed(original: Analysis) -> set[str]:
    """Addresses the original was sent to: To/Cc and the Received "for" clauses."""
    out: set[str] = set()
    for f in original.headers:
        if f.lname in ("to", "cc"):
            out.update(w.strip("<>\"',;").lower() for w in f.value.split() if "@" in w)
    for hop in original.chain.hops:
        if hop.received.for_addr:
            out.add(hop.received.for_addr.strip("<>").lower())
    return out


def _forwarded(r: FailedRecipient, ndr: NonDelivery, original: Analysis) -> bool:
    """A third party re-sent it: the envelope sender is not the reporter's, and the refused
    address was reached by alias expansion or is not one the message was addressed to."""
    mail_from = _mail_from(original)
    if not mail_from or _org(mail_from) == _org(ndr.reporting_mta):
        return False
    if r.original_recipient and r.original_recipient.lower() != r.address.lower():
        return True
    addressed = _addressed(original)
    return bool(addressed) and r.address.lower() not in addressed


def _checked(v: Verification, ip: str | None) -> tuple[str, bool, str]:
    """(what the re-check found, whether an aligned DKIM passed, the DMARC result word)."""
    parts = []
    if v.spf is not None:
        parts.append(f"SPF for {v.spf.domain} from {ip}: {v.spf.verdict.value}")
    else:
        parts.append(f"SPF: not replayed ({v.spf_note or 'no identity'})")
    if not v.dkim:
        parts.append("DKIM: no signature")
    for d in v.dkim:
        parts.append(f"DKIM d={d.domain}: {d.result.value}")
    dmarc_word = "not checked"
    if v.dmarc is not None:
        dmarc_word = v.dmarc.result.value
        policy = f" (policy {v.dmarc.policy})" if v.dmarc.policy else ""
        parts.append(f"DMARC for {v.dmarc.from_domain}: {dmarc_word}{policy}")
    aligned_dkim = v.dmarc is not None and "dkim" in v.dmarc.aligned_methods
    if v.dmarc is None:
        aligned_dkim = any(d.result is DkimResult.PASS for d in v.dkim)
    return "; ".join(parts), aligned_dkim, dmarc_word


def _auth_link(
    r: FailedRecipient, ndr: NonDelivery, original: Analysis, v: Verification, vouched: bool
) -> tuple[str, str, WhoActs, str]:
    ip = _sending_ip(ndr)
    checked, aligned_dkim, dmarc = _checked(v, ip)
    from_domain = original.from_addr.domain if original.from_addr else None
    mail_from = _mail_from(original)
    reporter = ndr.reporting_mta or "the reporting server"
    no_dkim = (
        ""
        if aligned_dkim
        else (
            f" and no DKIM signature aligned with {from_domain} verifies, so nothing else "
            "authenticates it"
        )
    )
    if _forwarded(r, ndr, original):
        via = f" ({r.original_recipient} → {r.address})" if r.original_recipient else ""
        why = (
            f"{reporter} forwarded the message{via} keeping the original envelope sender "
            f"{mail_from}: SPF for {_org(mail_from)} cannot list the forwarder's IP"
            f"{f' {ip}' if ip else ''}{no_dkim}; DMARC for {from_domain} is {dmarc}."
        )
        fix = (
            f"Fix it at the forwarder ({reporter}): rewrite the envelope sender (SRS) and add "
            "ARC, or deliver internally instead of forwarding, and filter spam before "
            f"forwarding. Nothing in {from_domain}'s SPF needs to change for this bounce; if "
            f"{from_domain} never sent it, it was a spoof and was rightly refused."
        )
        return checked, why, WhoActs.FORWARDER, fix
    spf_bad = v.spf is not None and v.spf.verdict.value != "pass"
    why = f"The message left {reporter}" + (f" from {ip}" if ip else "") + ": "
    why += (
        (
            f"SPF for {v.spf.domain} is {v.spf.verdict.value}"
            if v.spf is not None
            else "SPF could not be replayed"
        )
        + no_dkim
        + f"; DMARC for {from_domain} is {dmarc}."
    )
    fixes = []
    # The original's own SPF finding knows more (a bypassed gateway, a missing include).
    # (A situation such as "spoof" may have cleared the finding's fix: its title still says it.)
    # On a bounce nothing ties to its reporter, the fix's "add ip4:<the quoted IP>" would
    # authorise the bounce author's own words: its title names the cause without that.
    specific = next((f for f in v.findings if f.code in _SPECIFIC_SPF), None)
    spf_advice = (
        (specific.fix if vouched else "") or specific.title if specific is not None else None
    )
    if spf_bad and not vouched and (specific is None or specific.code in _AUTHORISING):
        # the IP or service would be the bounce's author's words: authorising it in the
        # sender's SPF is what a forged bounce asks for
        fixes.append(
            f"first check the original was really sent (message trace): nothing ties this bounce "
            f"to {reporter}, so the refusal and the IP it quotes may be forged; change no SPF "
            "record on its word"
        )
    elif spf_bad and spf_advice:
        lower = spf_advice[1:2].islower()  # "Set the…" → "set the…", "SPF for…" stays
        fixes.append(
            (spf_advice[:1].lower() if lower else spf_advice[:1]) + spf_advice[1:].rstrip(".")
        )
    elif spf_bad and ip and v.spf is not None:
        # the IP is the reporter's word (its own trace of the original): whoever runs the
        # refusing server can name any address, so the change is for mail really sent there
        fixes.append(
            f"if {v.spf.domain} really sent the original through {ip} (check the message "
            f"trace), list {ip} in the SPF record of {v.spf.domain}; if it did not, add nothing"
        )
    envelope = mail_from.rpartition("@")[2] if mail_from else None
    foreign = bool(from_domain and envelope and not _related(from_domain, envelope))
    if not aligned_dkim and from_domain:
        fixes.append(f"DKIM-sign outgoing mail with d={envelope if foreign else from_domain}")
    if foreign and original.from_addr is not None:
        fixes.append(
            f"do not put another domain's address ({original.from_addr.address}) in From: "
            "use your own domain and Reply-To"
        )
    fix = (
        ("On the sending side: " + "; ".join(fixes) + ".")
        if fixes
        else (r.meaning.fix if r.meaning else "")
    )
    return checked, why, WhoActs.SENDER_ADMIN, fix


def links(
    analysis: Analysis,
    original: Verification | None,
    checked_at: datetime,
    bounce: Verification | None = None,
) -> tuple[NdrLink, ...]:
    """Each refused recipient's code tied to the original's re-verified check that explains it."""
    ndr = analysis.ndr
    if ndr is None:
        return ()
    when = analysis.date.strftime("%Y-%m-%d %H:%M %Z").strip() if analysis.date else "unknown"
    caveat = (
        f"Re-checked {checked_at:%Y-%m-%d %H:%M} UTC against today's DNS; the report is dated "
        f"{when}. Records may have changed since the refusal."
    )
    out = []
    for r in ndr.failed:
        about = r.meaning.about if r.meaning else ""
        status = r.effective_status or (str(r.smtp_code) if r.smtp_code else "?")
        if about in _AUTH_CHECKS:
            if ndr.original is None or original is None or original.mode is VerifyMode.OFFLINE:
                continue  # nothing was re-checked: the catalogue's explanation stands alone
            checked, why, who, fix = _auth_link(
                r, ndr, ndr.original, original, vouched(analysis, bounce)
            )
            out.append(NdrLink(r.address, status, about, checked, why, who, fix, caveat))
        elif about in _IP_CHECKS and r.sending_ip:
            # offline nothing was re-checked: no "Checked" line (a DNS-less DMARC read as
            # temperror) and no "re-checked against today's DNS" caveat
            rechecked = original is not None and original.mode is not VerifyMode.OFFLINE
            checked = _checked(original, r.sending_ip)[0] if original and rechecked else ""
            why = (
                f"The refusing server names the sending IP {r.sending_ip}: the address of "
                f"{ndr.reporting_mta or 'the server that handed the message over'}. The "
                "refusal is about that IP, not about the message's authentication."
            )
            fix = r.meaning.fix if r.meaning else ""
            out.append(
                NdrLink(
                    r.address,
                    status,
                    about,
                    checked,
                    why,
                    WhoActs.SENDER_ADMIN,
                    fix,
                    caveat if rechecked else "",
                )
            )
    return tuple(out)


def untied_original(
    analysis: Analysis, bounce: Verification, original: Verification | None
) -> Verification | None:
    """The returned copy's re-verification with its advice put under the bounce's condition
    when nothing ties the bounce to its reporter: its SPF was replayed for the IP the bounce
    quotes, which is its author's word, so no fix lists that IP (or a service the copy names) in
    SPF; re-routing through the gateway its own SPF names is said under the condition."""
    doubt = reporter_doubt(analysis, bounce)
    if original is None or not doubt:
        return original
    ip = original.spf.ip if original.spf is not None else None
    word = (
        "No DNS fix on this bounce's word: nothing ties it to the domain it names (it may be "
        "forged), so the IP it quotes and its returned copy are no reason to change that "
        "domain's records."
    )
    out = []
    for f in original.findings:
        if f.code == Code.SPF_GATEWAY_BYPASSED and f.fix and advice_of(f):
            f = replace(f, fix=f"{doubt}{advice_of(f)}.")
        elif (f.fix or advice_of(f)) and (f.code in ADVISING or (ip and ip in f.fix)):
            f = replace(withdrawn(f), fix="", detail=f"{f.detail} {word}".strip())
        out.append(f)
    return replace(original, findings=tuple(out))
