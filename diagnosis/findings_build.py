"""Plain-language findings from the stamped verdicts, the chain and the live re-verification."""

from __future__ import annotations

from datetime import timedelta

from headerlens.diagnosis import diagnose, usenet
from headerlens.diagnosis.allowlist import allow_not_honoured
from headerlens.diagnosis.findings import reconcile
from headerlens.diagnosis.findings_live import live_findings
from headerlens.diagnosis.findings_resolver import guard_dns_advice
from headerlens.diagnosis.findings_stamped_none import nothing_stamped
from headerlens.diagnosis.fix_party import compauth_fix, dkim_advice, dmarc_fail_fix, error_advice
from headerlens.diagnosis.gateway_spf import gateway_handoff, gateway_spf
from headerlens.diagnosis.inputs import (
    TRUSTED_HOST_FIX,
    envelope,
    normal_result,
    not_a_domain,
    same_org,
    stamps,
)
from headerlens.diagnosis.ndr_trace import filter_loop, own_filter_loop
from headerlens.diagnosis.replyto import freemail_fix
from headerlens.diagnosis.sending_service import sending_service
from headerlens.diagnosis.subject_tag import subject_tag_finding
from headerlens.diagnosis.wording import not_a_domain_fix
from headerlens.model import Analysis, AuthResults, Defect, Finding, Hop, Severity
from headerlens.model.auth import MethodResult
from headerlens.model.codes import Code
from headerlens.model.provenance import Author
from headerlens.model.verification import Verification
from headerlens.parsers.chain import non_public_range
from headerlens.parsers.hops import is_internal_ip
from headerlens.parsers.masked_ip import client_text
from headerlens.parsers.provenance import describe_author
from headerlens.parsers.stamp_evidence import stated_client_ip
from headerlens.stamped import final_receiver_results

SLOW_HOP = timedelta(minutes=5)
_BAD_SPF = {"fail", "softfail", "permerror", "temperror"}
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


# The code of a stamped verdict; results outside RFC 8601's words share the '-other' code.
_STAMPED_CODES = {
    ("spf", "fail"): Code.STAMPED_SPF_FAIL,
    ("spf", "softfail"): Code.STAMPED_SPF_SOFTFAIL,
    ("spf", "temperror"): Code.STAMPED_SPF_TEMPERROR,
    ("spf", "permerror"): Code.STAMPED_SPF_PERMERROR,
    ("dkim", "fail"): Code.STAMPED_DKIM_FAIL,
    ("dkim", "neutral"): Code.STAMPED_DKIM_NEUTRAL,
    ("dkim", "policy"): Code.STAMPED_DKIM_POLICY,
    ("dkim", "temperror"): Code.STAMPED_DKIM_TEMPERROR,
    ("dkim", "permerror"): Code.STAMPED_DKIM_PERMERROR,
    ("dmarc", "fail"): Code.STAMPED_DMARC_FAIL,
    ("dmarc", "temperror"): Code.STAMPED_DMARC_TEMPERROR,
    ("dmarc", "permerror"): Code.STAMPED_DMARC_PERMERROR,
    ("compauth", "fail"): Code.STAMPED_COMPAUTH_FAIL,
    ("compauth", "softfail"): Code.STAMPED_COMPAUTH_SOFTFAIL,
}
_STAMPED_OTHER = {"dkim": Code.STAMPED_DKIM_OTHER, "dmarc": Code.STAMPED_DMARC_OTHER}


def _stamped_code(method: str, result: str) -> Code:
    """The code for ``method=result`` stamped by the receiver (only the methods reported)."""
    code = _STAMPED_CODES.get((method, result))
    return code if code is not None else _STAMPED_OTHER[method]


def _stamped(analysis: Analysis) -> list[Finding]:
    out: list[Finding] = []
    final = final_receiver_results(analysis)
    if not final:
        return nothing_stamped(analysis)
    who = final[0].authserv_id or "Microsoft (EOP / Exchange Online)"
    for ar in final:
        hop = ar.stamped_by_hop
        for r in ar.results:
            method, result = r.method.lower(), normal_result(r.result)
            sentence: str | None = None
            fix = ""
            sev = Severity.WARNING
            if method == "dkim" and result == "permerror":
                sentence, fix, sev = dkim_advice(analysis, who, r)
            elif method in ("spf", "dkim", "dmarc") and result in ("temperror", "permerror"):
                sentence, fix = error_advice(who, method, result, _checked_domain(analysis, r))
                sev = Severity.WARNING if result == "temperror" else Severity.ERROR
            elif (
                method == "spf" and result in _BAD_SPF and (inner := _checked_inside(analysis, ar))
            ):
                sentence, fix = _spf_inside(who, result, inner, analysis)
            elif (
                method == "spf"
                and result in ("fail", "softfail")
                and (gw := gateway_handoff(analysis))
            ):
                sentence, fix, passed = gateway_spf(who, result, ar, analysis, gw)
                sev = Severity.INFO if passed else Severity.WARNING
            elif method == "spf" and result in _BAD_SPF:
                ip = analysis.chain.boundary.ip if analysis.chain.boundary else None
                helo = r.prop("smtp.helo")
                mf, whose = _spf_identity(r.prop("smtp.mailfrom"), helo, envelope(analysis))
                sentence = f"{who} stamped spf={result}: {ip or 'the sending IP'} is not authorised by {whose}."
                if mf is not None and mf == helo:
                    fix = _helo_fix(
                        mf, ip, analysis.from_addr.domain if analysis.from_addr else None
                    )
                else:
                    fix = (freemail_fix(mf) if mf else None) or _spf_fail_fix(analysis, mf, ip)
                sev = Severity.ERROR if result == "fail" else Severity.WARNING
            elif method == "dkim" and result not in ("pass", "none"):
                sentence, fix, sev = dkim_advice(analysis, who, r)
            elif method == "dmarc" and result not in ("pass", "bestguesspass", "none"):
                action = dict(r.extras).get("action")
                act = f" (action={action})" if action else ""
                sentence = f"{who} stamped dmarc={result}{act}: neither SPF nor DKIM passed aligned with the From domain."
                fix = freemail_fix(r.prop("header.from")) or dmarc_fail_fix(
                    _checked_domain(analysis, r)
                )
                sev = Severity.ERROR
            elif method == "compauth" and result in ("fail", "softfail"):
                reason = f" (reason {r.reason})" if r.reason else ""
                sentence = f"Microsoft composite authentication: compauth={result}{reason}."
                if r.explanation:
                    sentence += f" {r.explanation}"
                fix = _compauth_fix(analysis, r.reason)
                sev = Severity.ERROR if result == "fail" else Severity.WARNING
            if sentence:
                out.append(
                    Finding(
                        code=_stamped_code(method, result),
                        severity=sev,
                        title=sentence,
                        detail=f"From the {ar.header_name} field added at hop {hop}."
                        if hop
                        else "",
                        fix=fix,
                        hop_number=hop,
                        header_index=ar.header_index,
                    )
                )
    return out


def _spf_identity(
    mail_from: str | None, helo: str | None, envelope: str | None
) -> tuple[str | None, str]:
    """The identity the SPF stamp checked and how to say it: the MAIL FROM, else the HELO name
    (RFC 7208 §2.3: a null envelope sender, a bounce, is checked by its HELO; a receiver may
    also check the HELO on its own, §2.3 "SHOULD"), else neither. ``envelope`` is the envelope
    sender the receiver recorded: "empty" is said only when it was."""
    if mail_from:
        return mail_from, f"the SPF record of {mail_from}"
    if helo:
        # a bare domain equal to the HELO name is the receiver's SPF comment naming the identity
        # it checked (EOP: "domain of <helo>"), not an envelope sender
        named_helo = "@" not in (envelope or "") and (envelope or "").lower() == helo.lower()
        why = (
            "the envelope sender was empty"
            if not envelope or named_helo
            else f"the HELO identity was checked, not the MAIL FROM {envelope}"
        )
        return helo, f"the SPF record of the HELO name {helo} ({why})"
    return None, "the SPF record of the identity it checked (the stamp names no domain)"


def _helo_fix(helo: str, ip: str | None, from_domain: str | None) -> str:
    """A failed HELO check is about the name the sending host gave itself, never about the
    From domain: only the HELO name's owner can act, and only if the host is really theirs."""
    server = ip or "the sending server"
    about = f" It says nothing about {from_domain}, the From domain." if from_domain else ""
    return (
        f"The sending host called itself {helo} (HELO), and {helo}'s SPF record does not list "
        f"{server}: a host using a name that is not its own, unless {helo} really is that server "
        f"(then its administrator publishes SPF for the host name, e.g. 'v=spf1 a -all').{about}"
    )


def _spf_fail_fix(analysis: Analysis, mail_from: str | None, ip: str | None) -> str:
    """Advise adding the server to SPF only when something shows the domain sends through it:
    an aligned DKIM pass at the final receiver, or a recognised sending service at the boundary.
    Otherwise the same failure is what a forgery looks like, and "add it" would authorise it."""
    generic = "Add the sending service (include: or ip4:/ip6:) to the sender domain's SPF record, or send through a listed server."
    if not mail_from:  # the stamp names no domain: nothing to advise about
        return generic
    dom = mail_from.rpartition("@")[2].rstrip(".").lower()
    if problem := not_a_domain(dom):
        return not_a_domain_fix(dom, problem)
    if "." not in dom:
        return generic
    signed = any(
        s.value == "pass" and same_org(s.result.prop("header.d") or s.result.prop("header.i"), dom)
        for s in stamps(analysis, "dkim")
    )
    if signed or sending_service(analysis) is not None:
        return generic
    server = ip or "the sending server"
    return (
        f"The server {server} is not authorised by {dom}'s SPF: a forgery unless {dom} really "
        f"sends through {server} (then add it to {dom}'s SPF record). Nothing in the message "
        f"(no DKIM pass for {dom}, no recognised sending service) shows that it does."
    )


def _checked_inside(analysis: Analysis, ar: AuthResults) -> Hop | None:
    """The hop after the boundary whose client IP the receiver's SPF check names: the check ran
    on a hand-off inside the receiving side (its inbound filter), not on the sending server."""
    b = analysis.chain.boundary
    ip = stated_client_ip(analysis.headers[ar.header_index])
    if b is None or ip is None or ip == b.ip:
        return None
    return next(
        (h for h in analysis.chain.hops if h.number > b.hop_number and h.received.from_ip == ip),
        None,
    )


def _spf_inside(who: str, result: str, hop: Hop, analysis: Analysis) -> tuple[str, str]:
    r = hop.received
    b = analysis.chain.boundary
    name = r.from_rdns or r.from_helo or "the previous server"
    return (
        f"{who} stamped spf={result} for {r.from_ip}, the address of {name} that handed the "
        f"message over inside the receiving side (hop {hop.number}), not of the sending server "
        f"{b.ip if b else ''}: this verdict says nothing about the sender.",
        f"At {r.by or 'the mailbox host'}: skip SPF for the inbound filter's addresses, or take "
        "its verdict (a trusted-relay / enhanced-filtering setting, or its ARC seal), so SPF is "
        "checked against the sending server.",
    )


def _compauth_fix(analysis: Analysis, reason: str | None) -> str:
    """Reason 001 (implicit: no enforcing DMARC) is also what a legitimate third party sending for
    a domain that never authorised it gets; the headers cannot tell it from a spoof."""
    dom = (analysis.from_addr.domain if analysis.from_addr else None) or "the From domain"
    if reason != "001":
        return compauth_fix(dom)
    if problem := not_a_domain(dom):
        return not_a_domain_fix(dom, problem)
    return (
        f"Cannot tell from the headers whether {dom} uses this sender: Microsoft gives reason 001 "
        f"to spoofs and to legitimate services that {dom} never authorised alike. Only if {dom} "
        f"does use it: authorise it there (SPF include, or DKIM signing with d={dom}) and publish "
        f"DMARC. If not, it is a spoof and there is nothing to fix at {dom}."
    )


def _checked_domain(analysis: Analysis, r: MethodResult) -> str | None:
    """The domain a stamped result is about: the From domain for DMARC, the envelope (or HELO)
    domain for SPF, the signing domain for DKIM."""
    method = r.method.lower()
    if method == "dmarc":
        value = r.prop("header.from") or (analysis.from_addr.domain if analysis.from_addr else None)
    elif method == "spf":
        value = r.prop("smtp.mailfrom") or r.prop("smtp.helo")
    else:
        value = r.prop("header.d") or r.prop("header.i")
    dom = (value or "").rpartition("@")[2].strip().rstrip(".").lower()
    return dom or None


def _private_ip(hop: Hop, d: Defect) -> Finding:
    """The boundary's client IP is not public: SPF there is meaningless (or a lab's answer)."""
    ip, label = client_text(hop.received), non_public_range(hop)
    if d.severity is Severity.INFO:  # documentation / benchmarking: a lab or sanitised copy
        title = (
            f"Hop {hop.number}: the message entered from {ip}, a {label} address: "
            "a test message or a sanitised copy, so SPF cannot be replayed as at delivery."
        )
        fix = ""
    else:
        title = (
            f"Hop {hop.number}: the message entered from {ip}, a {label} address, "
            "so SPF at the trust boundary cannot be trusted."
        )
        fix = (
            "If the receiver sits behind NAT or a load balancer, make it see the real client "
            "IP (or trust a header that carries it); otherwise treat the trace as forged."
        )
    return Finding(
        d.code,
        d.severity,
        title,
        detail=d.message,
        fix=fix,
        hop_number=hop.number,
        header_index=hop.header_index,
    )


def _generated_here(analysis: Analysis) -> bool:
    """The trace is the message's own, with no boundary to judge: a bounce that never came in
    from a public address (the local MTA or its content filter wrote it), or the returned copy
    inside a bounce (the original's own submission, localhost or webmail, up to where it was
    refused). An ordinary message entering from a private or loopback address keeps its warning."""
    if analysis.copy_kind == "returned":
        return True
    if analysis.ndr is None:
        return False
    ips = [h.received.from_ip for h in analysis.chain.hops if h.received.from_ip]
    return not any(ip and not is_internal_ip(ip) for ip in ips)


def _chain(analysis: Analysis) -> list[Finding]:
    out: list[Finding] = []
    chain = analysis.chain
    if not chain.hops and analysis.copy_kind == "returned":
        # a bounce returns the original as its sender's software wrote it, often headers only
        # and before any server stamped it: nothing is missing, and there is nothing to paste
        out.append(
            Finding(
                Code.CHAIN_EMPTY,
                Severity.INFO,
                "No Received lines in the returned copy: a bounce often returns only the "
                "original's own headers, as written before any server stamped it, so this copy "
                "shows no path; the bounce's own Received lines show how the bounce came back.",
            )
        )
    elif not chain.hops and (article := usenet.news_article(analysis)) is not None:
        out.append(usenet.finding(article))  # news servers add no Received line
    elif not chain.hops:
        out.append(
            Finding(
                Code.CHAIN_EMPTY,
                Severity.WARNING,
                "No Received lines: the delivery path is unknown.",
                fix="Paste the complete header block, including every Received line.",
            )
        )
    own_trace = _generated_here(analysis)
    if chain.boundary is not None and chain.boundary.unconfirmed and not own_filter_loop(analysis):
        out.append(
            Finding(
                Code.CHAIN_BOUNDARY_UNCONFIRMED,
                # the receiving host's own filter loop on loopback: the usual internal hand-off
                Severity.INFO if filter_loop(analysis) else Severity.WARNING,
                f"The trust boundary (hop {chain.boundary.hop_number}) rests on an internal line "
                "headerlens cannot confirm, so SPF and DMARC replayed there are unconfirmed.",
                detail=chain.boundary.unconfirmed,
                fix=TRUSTED_HOST_FIX,
                hop_number=chain.boundary.hop_number,
            )
        )
    for hop in chain.hops:
        out += [
            _private_ip(hop, d)
            for d in hop.defects
            if d.code == Code.RECEIVED_PRIVATE_IP_EXTERNAL  # parsers.chain (catalogue C10)
            and not own_trace
        ]
        if hop.clock_skew and hop.delay is not None:
            out.append(
                Finding(
                    Code.CHAIN_CLOCK_SKEW,
                    Severity.INFO,
                    f"Hop {hop.number} is dated {abs(int(hop.delay.total_seconds()))} s before the previous hop: a clock is wrong on one of the servers.",
                    detail="Negative delays are clock skew, not time travel; the order of the Received lines is still the delivery order.",
                    hop_number=hop.number,
                    header_index=hop.header_index,
                )
            )
        elif hop.delay is not None and hop.delay >= SLOW_HOP:
            mins = int(hop.delay.total_seconds() // 60)
            out.append(
                Finding(
                    Code.CHAIN_SLOW_HOP,
                    Severity.WARNING,
                    f"Hop {hop.number} ({hop.received.by or '?'}) took {mins} min: the delay happened here.",
                    fix="Check that server's queue, greylisting or content scanning at that time.",
                    hop_number=hop.number,
                    header_index=hop.header_index,
                )
            )
    return out


def _shown(label: str, value: str) -> str:
    # some decoders already put the value in the label ("Spam confidence level 9")
    return label if label.endswith(f" {value}") else f"{label} {value}"


def _vendor(analysis: Analysis) -> list[Finding]:
    out: list[Finding] = []
    rated = False  # the receiver's own filter rated it: its findings say so, not a Subject tag
    other: str | None = None  # another party's filter that rated it (the tag is probably its)
    for vh in analysis.vendor_headers:
        notable = [f for f in vh.fields if f.severity is not Severity.INFO]
        author = analysis.provenance.of(vh.header_index)
        if notable and author is not None and not author.is_receivers:
            # Another party's filter: what it thought, never where the recipient filed it.
            ratings = ", ".join(_shown(f.label or f.key, f.value) for f in notable)
            if author.author is Author.INTERMEDIARY:  # a list's or forwarder's own filter
                other = other or f"{vh.header_name}, written by {describe_author(author)}"
            out.append(
                Finding(
                    Code.VENDOR_NOT_RECEIVERS,
                    Severity.INFO,
                    f"{vh.header_name} was written by {describe_author(author)}, not the "
                    f"receiving organisation: its ratings ({ratings}) are that filter's, not "
                    "where the recipient filed the message.",
                    detail=author.evidence,
                    header_index=vh.header_index,
                    hop_number=author.hop_number,
                )
            )
            continue
        rated = rated or bool(notable)
        for f in notable:
            out.append(
                Finding(
                    Code.VENDOR_RATING,
                    f.severity,
                    f"{vh.header_name}: {_shown(f.label or f.key, f.value)} — "
                    f"{f.meaning or 'flagged by the filter'}",
                    header_index=vh.header_index,
                    hop_number=vh.stamped_by_hop,
                )
            )
    return out + allow_not_honoured(analysis) + subject_tag_finding(analysis, rated, other)


def stamped_findings(analysis: Analysis) -> tuple[Finding, ...]:
    """Findings that need no DNS: the diagnosis, stamped verdicts, the chain, vendor headers."""
    found = _sorted([*_stamped(analysis), *_chain(analysis), *_vendor(analysis)])
    return reconcile(found, diagnose(analysis))


def _sorted(items: list[Finding]) -> tuple[Finding, ...]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for f in items:
        if (f.code, f.title) not in seen:
            seen.add((f.code, f.title))
            unique.append(f)
    return tuple(sorted(unique, key=lambda f: _ORDER[f.severity]))


def build_findings(analysis: Analysis, verification: Verification) -> tuple[Finding, ...]:
    """All findings for the report, causes first (the diagnosis's situations), then the
    verdicts (re-verified before stamped), then the receiver's filing, then the path."""
    found = [
        *live_findings(analysis, verification),
        *_stamped(analysis),
        *_chain(analysis),
        *_vendor(analysis),
    ]
    return reconcile(
        _sorted(guard_dns_advice(analysis, verification, found)), diagnose(analysis, verification)
    )


def add_findings(verification: Verification, extra: list[Finding]) -> Verification:
    """``verification`` with ``extra`` findings after its own (whose order, causes before
    consequences, is kept), the extra ones in severity order."""
    import dataclasses

    return dataclasses.replace(verification, findings=(*verification.findings, *_sorted(extra)))
