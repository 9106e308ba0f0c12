"""Findings from the live re-verification: what fails today, the likely cause, and the DNS fix."""

from __future__ import annotations

from headerlens.checks.sending_service import (
    boundary_hop,
    included_services,
    sending_service,
    spf_includes,
)
from headerlens.model import Analysis, Finding, Severity
from headerlens.model.spf import SpfResult, SpfVerdict
from headerlens.model.verdicts import (
    Alignment,
    ArcResult,
    DkimResult,
    DkimVerdict,
    DmarcResult,
    DmarcVerdict,
)
from headerlens.model.verification import Verification, VerifyMode
from headerlens.stamped import final_results

SPF_LOOKUP_LIMIT = 10  # RFC 7208 §4.6.4
# DKIM defects that a finding below restates with more context.
RESTATED = frozenset({"dkim.key.rotated"})
_TEMP = {"TIMEOUT", "SERVFAIL", "REFUSED", "ERROR", "MISSING"}


def _where(analysis: Analysis) -> tuple[int | None, int | None]:
    """(hop, header index) of the trust boundary: where SPF and DMARC are decided."""
    hop = boundary_hop(analysis)
    return (hop.number, hop.header_index) if hop else (None, None)


def _from_index(analysis: Analysis) -> int | None:
    return next((h.index for h in analysis.headers if h.lname == "from"), None)


def _hop_of(analysis: Analysis, header_index: int | None) -> int | None:
    if header_index is None:
        return None
    from headerlens.analyze import hop_for_header

    return hop_for_header(analysis.chain, header_index)


# --- SPF -----------------------------------------------------------------------------------


def _spf(analysis: Analysis, v: Verification, spf: SpfResult) -> list[Finding]:
    hop, hdr = _where(analysis)
    res = spf.verdict
    out: list[Finding] = []
    matched = f" (matched {spf.match.describe()})" if spf.match else ""
    bad = res in (SpfVerdict.FAIL, SpfVerdict.SOFTFAIL, SpfVerdict.NEUTRAL, SpfVerdict.NONE)
    sender = sending_service(analysis)
    boundary = analysis.chain.boundary
    receiver = boundary.receiver if boundary and boundary.receiver else "the receiver"
    if bad and sender is not None and not spf_includes(spf, sender.service.spf_include):
        inc = sender.service.spf_include
        out.append(
            Finding(
                "spf.service-not-included",
                Severity.ERROR if res is SpfVerdict.FAIL else Severity.WARNING,
                f"SPF for {spf.domain} does not include {inc}, but mail now leaves through "
                f"{sender.service.name}: add include:{inc}",
                detail=f"At hop {sender.hop_number} {receiver} received the message from "
                f"{sender.host or spf.ip} [{spf.ip}] ({sender.evidence}); SPF for "
                f"{spf.domain} is {res.value}{matched}.",
                fix=f"Add include:{inc} to the SPF record of {spf.domain} (before its all term).",
                hop_number=hop,
                header_index=hdr,
            )
        )
    elif (
        res in (SpfVerdict.FAIL, SpfVerdict.SOFTFAIL) and sender is None and included_services(spf)
    ):
        svc = included_services(spf)[0]
        client = boundary.helo if boundary and boundary.helo else spf.ip
        out.append(
            Finding(
                "spf.gateway-bypassed",
                Severity.ERROR if res is SpfVerdict.FAIL else Severity.WARNING,
                f"SPF for {spf.domain} authorises {svc.name} (include:{svc.spf_include}), but "
                f"this message went from {client} [{spf.ip}] straight to {receiver}, bypassing "
                "it: route outbound through the smart host",
                detail=f"SPF {res.value}{matched}. No {svc.name} hop appears before the "
                "boundary, so the sending server delivered by DNS (MX lookup) itself.",
                fix=f"Set the outbound send connector (e.g. on the Exchange Edge server) to relay "
                f"through {svc.name} as its smart host instead of using DNS delivery; only if "
                f"this server must send directly, add ip4:{spf.ip} to the SPF record.",
                hop_number=hop,
                header_index=hdr,
            )
        )
    elif res is SpfVerdict.PERMERROR and spf.lookup_count > SPF_LOOKUP_LIMIT:
        out.append(
            Finding(
                "spf.too-many-lookups",
                Severity.ERROR,
                f"SPF for {spf.domain} is permerror: evaluating it needs more than "
                f"{SPF_LOOKUP_LIMIT} DNS-querying terms (term {spf.lookup_count} broke the "
                "limit), so receivers stop before reaching the rest of the record.",
                detail=spf.reason,
                fix="Remove unused include: terms or replace some with ip4:/ip6: ranges so that "
                "at most 10 include/a/mx/ptr/exists/redirect terms are needed (RFC 7208 §4.6.4).",
                hop_number=hop,
                header_index=hdr,
            )
        )
    elif res is SpfVerdict.TEMPERROR:
        out.append(
            Finding(
                "spf.temperror",
                Severity.WARNING,
                f"SPF for {spf.domain} could not be re-checked: {spf.reason}.",
                fix="Retry later or point --resolver at a DNS server that answers.",
                hop_number=hop,
                header_index=hdr,
            )
        )
    elif bad or res is SpfVerdict.PERMERROR:
        out.append(
            Finding(
                f"spf.live-{res.value}",
                Severity.ERROR
                if res in (SpfVerdict.FAIL, SpfVerdict.PERMERROR)
                else Severity.WARNING,
                f"SPF re-checked at the boundary: {res.value} for {spf.ip} sending as "
                f"{spf.domain}{matched}.",
                detail=spf.reason or (spf.explanation or ""),
                fix=f"Publish the sending IP or service in the SPF record of {spf.domain}.",
                hop_number=hop,
                header_index=hdr,
            )
        )
    stamped = _stamped_word(analysis, "spf")
    if stamped and stamped != res.value and res is not SpfVerdict.TEMPERROR:
        out.append(
            Finding(
                "spf.changed",
                Severity.WARNING,
                f"SPF today says {res.value}, the receiver stamped {stamped} at delivery.",
                detail="Likely cause: the SPF record of "
                f"{spf.domain} changed since delivery, or the receiver checked a different IP "
                "(a connector or relay in front of it).",
                hop_number=hop,
                header_index=hdr,
            )
        )
    return out


# --- DKIM ----------------------------------------------------------------------------------


def _age_days(d: DkimVerdict) -> int | None:
    born = d.receipt_time or d.signed_at
    if born is None or d.checked_at is None:
        return None
    return round((d.checked_at - born).total_seconds() / 86400)


def _stamped_dkim(analysis: Analysis, d: DkimVerdict) -> str | None:
    """What the final receiver stamped for this signature (matched on d= / i= and s=)."""
    for r in final_results(analysis):
        if r.method.lower() != "dkim":
            continue
        dom = (r.prop("header.d") or r.prop("header.i") or "").rsplit("@", 1)[-1].lower()
        sel = (r.prop("header.s") or "").lower()
        if dom == (d.domain or "").lower() and (not sel or sel == (d.selector or "").lower()):
            return r.result.lower()
    return None


def _onmicrosoft(analysis: Analysis, d: DkimVerdict, dmarc: DmarcVerdict | None) -> Finding | None:
    """Exchange Online signs with the tenant domain until the custom domain's selectors exist."""
    author = analysis.from_addr.domain if analysis.from_addr else None
    dom = (d.domain or "").lower()
    if not author or not d.passed or not dom.endswith(".onmicrosoft.com"):
        return None
    if dmarc is not None and any(
        a.method == "dkim" and a.domain == dom and a.aligned for a in dmarc.alignments
    ):
        return None
    dashed = author.replace(".", "-")
    return Finding(
        "dkim.onmicrosoft-unaligned",
        Severity.WARNING,
        f"DKIM passes but signs as {dom}, not aligned with From: publish the selector1/selector2 "
        f"CNAMEs and enable DKIM for {author}",
        detail=f"Exchange Online signs with the tenant domain {dom} until DKIM is enabled for "
        f"{author}, so DMARC can only pass through SPF.",
        fix=f"Publish selector1._domainkey.{author} CNAME selector1-{dashed}._domainkey.{dom} and "
        f"selector2._domainkey.{author} CNAME selector2-{dashed}._domainkey.{dom}, then enable "
        f"DKIM signing for {author} in Microsoft 365.",
        hop_number=_hop_of(analysis, d.header_index),
        header_index=d.header_index,
    )


def _dkim_one(analysis: Analysis, d: DkimVerdict, dmarc: DmarcVerdict | None) -> list[Finding]:
    name = f"d={d.domain} s={d.selector}"
    hop = _hop_of(analysis, d.header_index)
    stamped = _stamped_dkim(analysis, d)
    out: list[Finding] = []
    rotated = any(x.code == "dkim.key.rotated" for x in d.findings)
    if rotated:
        age = _age_days(d)
        then = f" The receiver stamped dkim={stamped} at delivery." if stamped else ""
        out.append(
            Finding(
                "dkim.key-rotated",
                Severity.WARNING,
                f"DKIM {name}: key no longer published; message is {age} days old: likely "
                "rotation since delivery.",
                detail=d.explanation + then,
                fix="Nothing to repair if the receiver stamped pass at delivery. Providers such "
                "as Exchange Online rotate selector1/selector2; keep a retired selector "
                "published for a while if old messages must stay verifiable.",
                hop_number=hop,
                header_index=d.header_index,
            )
        )
    elif d.header_result is DkimResult.PASS and d.body_result is DkimResult.FAIL:
        out.append(
            Finding(
                "dkim.body-modified",
                Severity.ERROR,
                f"DKIM {name}: headers intact, body modified after signing.",
                detail=d.explanation
                + " A disclaimer or footer added after the signer is the usual cause.",
                fix="Something after the signer modified the body (disclaimer/footer, link "
                "rewriting): add it before signing, or exempt this flow.",
                hop_number=hop,
                header_index=d.header_index,
            )
        )
    elif d.result is DkimResult.TEMPERROR:
        out.append(
            Finding(
                "dkim.temperror",
                Severity.WARNING,
                f"DKIM {name} could not be re-checked: {d.explanation}",
                hop_number=hop,
                header_index=d.header_index,
            )
        )
    elif d.result not in (DkimResult.PASS, DkimResult.UNAVAILABLE):
        out.append(
            Finding(
                f"dkim.{d.result.value}",
                Severity.ERROR
                if d.result in (DkimResult.FAIL, DkimResult.PERMERROR)
                else Severity.WARNING,
                f"DKIM {name}: {d.result.value}.",
                detail=d.explanation,
                hop_number=hop,
                header_index=d.header_index,
            )
        )
    finding = _onmicrosoft(analysis, d, dmarc)
    if finding is not None:
        out.append(finding)
    live = d.result.value
    if (
        stamped is not None
        and not rotated
        and stamped != live
        and d.result not in (DkimResult.TEMPERROR, DkimResult.UNAVAILABLE)
    ):
        if stamped == "pass" and d.body_result is DkimResult.FAIL:
            cause = "the body was changed after delivery (a forward, an export or a mail client)"
        elif stamped == "pass" and d.header_result is DkimResult.FAIL:
            cause = "a signed header field was changed after delivery"
        elif stamped == "pass":
            cause = "the key record changed or was removed since delivery"
        else:
            cause = "the receiver could not fetch the key at delivery, or checked another copy"
        out.append(
            Finding(
                "dkim.changed",
                Severity.WARNING,
                f"DKIM {name} today says {live}, the receiver stamped {stamped} at delivery.",
                detail=f"Likely cause: {cause}.",
                hop_number=hop,
                header_index=d.header_index,
            )
        )
    return out


# --- DMARC and ARC -------------------------------------------------------------------------


def _ident(a: Alignment) -> str:
    return f"SPF {a.domain}" if a.method == "spf" else f"DKIM d={a.domain}"


def _dmarc(analysis: Analysis, v: Verification, dm: DmarcVerdict) -> list[Finding]:
    hop, _ = _where(analysis)
    hdr = _from_index(analysis)
    out: list[Finding] = []
    author = dm.from_domain or "?"
    where = f"_dmarc.{dm.record_domain}" if dm.record_domain else "the DMARC record"
    policy = f" Policy {dm.policy_tag}={dm.policy} from {where}." if dm.policy else ""
    detail = " ".join(a.explanation for a in dm.alignments) + policy
    strict = [
        a
        for a in dm.alignments
        if a.authenticated and a.strict and not a.aligned and a.relaxed_would_align
    ]
    if dm.result is DmarcResult.FAIL and strict:
        tags = "/".join(sorted({"adkim=s" if a.method == "dkim" else "aspf=s" for a in strict}))
        who = " and ".join(_ident(a) for a in strict)
        out.append(
            Finding(
                "dmarc.strict-alignment",
                Severity.ERROR,
                f"DMARC fails for {author} because of strict alignment ({tags} in {where}): "
                f"{who} pass but only share the organisational domain; relaxed would pass.",
                detail=detail,
                fix=f"Use adkim=r; aspf=r in {where}, or sign with d={author} and send with a "
                f"MAIL FROM in {author}.",
                hop_number=hop,
                header_index=hdr,
            )
        )
    elif dm.result is DmarcResult.FAIL:
        out.append(
            Finding(
                "dmarc.fail",
                Severity.ERROR,
                f"DMARC fails for {author}: no identifier passed and aligned with the From "
                "domain" + (f"; policy {dm.policy_tag}={dm.policy}" if dm.policy else "") + ".",
                detail=detail or dm.explanation,
                fix=f"Make SPF pass for a MAIL FROM in {author}, or DKIM-sign with d={author}.",
                hop_number=hop,
                header_index=hdr,
            )
        )
    elif dm.result in (DmarcResult.TEMPERROR, DmarcResult.PERMERROR):
        out.append(
            Finding(
                f"dmarc.{dm.result.value}",
                Severity.WARNING if dm.result is DmarcResult.TEMPERROR else Severity.ERROR,
                f"DMARC for {author} could not be evaluated: {dm.explanation}",
                hop_number=hop,
                header_index=hdr,
            )
        )
    elif dm.result is DmarcResult.PASS and len(dm.aligned_methods) == 1:
        only = dm.aligned_methods[0]
        others = [a for a in dm.alignments if a.method != only]
        why = (
            " ".join(a.explanation for a in others)
            or f"There is no {'DKIM' if only == 'spf' else 'SPF'} identifier to align."
        )
        out.append(
            Finding(
                "dmarc.single-method",
                Severity.INFO,
                f"DMARC passes for {author} only through {only.upper()}.",
                detail=why
                + (" If forwarding breaks SPF, DMARC will fail." if only == "spf" else ""),
                hop_number=hop,
                header_index=hdr,
            )
        )
    for x in dm.findings:
        if x.code == "dmarc.strict-alignment" and strict:
            continue  # restated above with the identifiers and the record
        out.append(Finding(x.code, x.severity, x.message, hop_number=hop, header_index=hdr))
    if dm.result is DmarcResult.FAIL and v.arc is not None and v.arc.result is ArcResult.PASS:
        first = next((i for i in v.arc.instances if i.instance == 1), None)
        if first is not None and first.aar_results:
            said = " ".join(f"{m}={r}" for m, r in first.aar_results)
            out.append(
                Finding(
                    "arc.original-pass",
                    Severity.INFO,
                    f"DMARC fails now, but the ARC chain passes and shows {said} at i=1 "
                    f"({first.seal_domain}): a receiver that trusts {first.seal_domain} as an "
                    "intermediary may accept the message on that basis (RFC 8617 §7.2).",
                    detail="Mailing lists and forwarders change the subject or body, breaking "
                    "the author's DKIM; ARC records what they saw before.",
                    hop_number=hop,
                )
            )
    return out


def _arc(v: Verification) -> list[Finding]:
    arc = v.arc
    if arc is None:
        return []
    out: list[Finding] = []
    if arc.result is ArcResult.FAIL:
        out.append(
            Finding(
                "arc.fail", Severity.WARNING, f"ARC chain: fail ({arc.reason}).", arc.explanation
            )
        )
    elif arc.result is ArcResult.TEMPERROR:
        out.append(
            Finding("arc.temperror", Severity.WARNING, f"ARC chain not validated: {arc.reason}.")
        )
    elif arc.result is ArcResult.PASS and arc.oldest_pass is not None and arc.oldest_pass > 1:
        out.append(
            Finding(
                "arc.older-ams-broken",
                Severity.INFO,
                f"ARC passes; AMS i={arc.oldest_pass - 1} and older no longer validate because "
                "the message changed after they were added (only the newest AMS must validate).",
            )
        )
    out += [Finding(x.code, x.severity, x.message) for x in arc.findings]
    return out


def _dns_trouble(v: Verification) -> list[Finding]:
    failed = [r for r in v.dns_log if r.rcode in _TEMP and not r.from_cache]
    if not failed:
        return []
    causes = sorted({"timeout" if r.rcode == "TIMEOUT" else r.rcode for r in failed})
    names = ", ".join(dict.fromkeys(f"{r.name} {r.rdtype}" for r in failed[:5]))
    return [
        Finding(
            "verify.dns-unavailable",
            Severity.WARNING,
            f"DNS did not answer {len(failed)} queries ({', '.join(causes)}): verdicts marked "
            "temperror are unknown, not failures.",
            detail=f"First failed lookups: {names}. Resolver: {v.resolver or '?'}.",
            fix="Retry later, or use --resolver to ask a DNS server that answers.",
        )
    ]


def _stamped_word(analysis: Analysis, method: str) -> str | None:
    for r in final_results(analysis):
        if r.method.lower() == method:
            return r.result.lower()
    return None


def live_findings(analysis: Analysis, v: Verification) -> list[Finding]:
    """Findings from the re-verification; offline, a single note that nothing was checked."""
    if v.mode is VerifyMode.OFFLINE:
        return [
            Finding(
                "verify.offline",
                Severity.INFO,
                "Offline: no DNS queries were made, so SPF, DKIM, DMARC and ARC were not "
                "re-verified; the stamped verdicts are shown as received.",
            )
        ]
    out: list[Finding] = []
    if v.spf is not None:
        out += _spf(analysis, v, v.spf)
    elif v.spf_note:
        hop, hdr = _where(analysis)
        out.append(
            Finding("spf.not-checked", Severity.INFO, v.spf_note, hop_number=hop, header_index=hdr)
        )
    for d in v.dkim:
        out += _dkim_one(analysis, d, v.dmarc)
        out += [
            Finding(
                x.code,
                x.severity,
                x.message,
                hop_number=_hop_of(analysis, d.header_index),
                header_index=d.header_index,
            )
            for x in d.findings
            if x.code not in RESTATED
        ]
    if v.dmarc is not None:
        onms = any(f.code == "dkim.onmicrosoft-unaligned" for f in out)
        dm_findings = _dmarc(analysis, v, v.dmarc)
        if onms:
            dm_findings = [f for f in dm_findings if f.code != "dmarc.dkim-unaligned"]
        out += dm_findings
    out += _arc(v)
    out += _dns_trouble(v)
    out += [
        Finding("verify.internal-error", Severity.ERROR, f"Internal error in a check: {e}")
        for e in v.errors
    ]
    return out
