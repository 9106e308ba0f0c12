"""Plain-language findings from the stamped verdicts, the chain and the live re-verification."""

from __future__ import annotations

from datetime import timedelta

from headerlens.model import Analysis, Defect, Finding, Severity
from headerlens.model.verdicts import ArcResult, DkimResult, DmarcResult
from headerlens.model.verification import Verification, VerifyMode
from headerlens.stamped import final_receiver_results

SLOW_HOP = timedelta(minutes=5)
_BAD_SPF = {"fail", "softfail", "permerror", "temperror"}
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def _stamped(analysis: Analysis) -> list[Finding]:
    out: list[Finding] = []
    final = final_receiver_results(analysis)
    if not final:
        return out
    who = final[0].authserv_id or "Microsoft (EOP / Exchange Online)"
    hop = final[0].stamped_by_hop
    for ar in final:
        for r in ar.results:
            method, result = r.method.lower(), r.result.lower()
            sentence: str | None = None
            fix = ""
            sev = Severity.WARNING
            if method == "spf" and result in _BAD_SPF:
                ip = analysis.chain.boundary.ip if analysis.chain.boundary else None
                mf = r.prop("smtp.mailfrom") or "the envelope sender"
                sentence = f"{who} stamped spf={result}: {ip or 'the sending IP'} is not authorised by the SPF record of {mf}."
                fix = "Add the sending service (include: or ip4:/ip6:) to the sender domain's SPF record, or send through a listed server."
                sev = Severity.ERROR if result == "fail" else Severity.WARNING
            elif method == "dkim" and result not in ("pass", "none"):
                d = r.prop("header.d") or r.prop("header.i") or "the signer"
                sentence = f"{who} stamped dkim={result} for {d}."
                fix = "Check that the selector's public key is published and that nothing modified the message after signing (footers, link rewriting)."
                sev = Severity.ERROR if result in ("fail", "permerror") else Severity.WARNING
            elif method == "dmarc" and result not in ("pass", "bestguesspass", "none"):
                action = dict(r.extras).get("action")
                act = f" (action={action})" if action else ""
                sentence = f"{who} stamped dmarc={result}{act}: neither SPF nor DKIM passed aligned with the From domain."
                fix = "Make SPF pass for a MAIL FROM in the From domain, or DKIM-sign with d= in the From domain."
                sev = Severity.ERROR
            elif method == "compauth" and result in ("fail", "softfail"):
                reason = f" (reason {r.reason})" if r.reason else ""
                sentence = f"Microsoft composite authentication: compauth={result}{reason}."
                if r.explanation:
                    sentence += f" {r.explanation}"
                fix = "Fix SPF/DKIM/DMARC for the From domain; compauth follows them."
                sev = Severity.ERROR if result == "fail" else Severity.WARNING
            if sentence:
                out.append(
                    Finding(
                        code=f"stamped.{method}-{result}",
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


def _chain(analysis: Analysis) -> list[Finding]:
    out: list[Finding] = []
    chain = analysis.chain
    if not chain.hops:
        out.append(
            Finding(
                "chain.empty",
                Severity.WARNING,
                "No Received lines: the delivery path is unknown.",
                fix="Paste the complete header block, including every Received line.",
            )
        )
    for hop in chain.hops:
        if hop.clock_skew and hop.delay is not None:
            out.append(
                Finding(
                    "chain.clock-skew",
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
                    "chain.slow-hop",
                    Severity.WARNING,
                    f"Hop {hop.number} ({hop.received.by or '?'}) took {mins} min: the delay happened here.",
                    fix="Check that server's queue, greylisting or content scanning at that time.",
                    hop_number=hop.number,
                    header_index=hop.header_index,
                )
            )
    return out


def _vendor(analysis: Analysis) -> list[Finding]:
    out: list[Finding] = []
    for vh in analysis.vendor_headers:
        for f in vh.fields:
            if f.severity is Severity.INFO:
                continue
            label = f.label or f.key
            out.append(
                Finding(
                    f"vendor.{vh.vendor.lower().replace(' ', '-')}.{f.key.lower()}",
                    f.severity,
                    f"{vh.header_name}: {label} {f.value} — {f.meaning or 'flagged by the filter'}",
                    header_index=vh.header_index,
                    hop_number=_hop_of(analysis, vh.header_index),
                )
            )
    return out


def _hop_of(analysis: Analysis, header_index: int) -> int | None:
    from headerlens.analyze import hop_for_header

    return hop_for_header(analysis.chain, header_index)


def _defect(code: str, d: Defect, hop: int | None = None, header: int | None = None) -> Finding:
    return Finding(
        code=f"{code}.{d.code}",
        severity=d.severity,
        title=d.message,
        hop_number=hop,
        header_index=header,
    )


def stamped_findings(analysis: Analysis) -> tuple[Finding, ...]:
    """Findings that need no DNS: stamped verdicts, the chain, vendor headers."""
    return _sorted([*_stamped(analysis), *_chain(analysis), *_vendor(analysis)])


def _live(analysis: Analysis, v: Verification) -> list[Finding]:
    out: list[Finding] = []
    offline = v.mode is VerifyMode.OFFLINE
    b = analysis.chain.boundary
    hop = b.hop_number if b else None
    if v.spf is not None:
        res = v.spf.verdict.value
        match = ""
        if v.spf.match is not None:
            via = " via " + " → ".join(v.spf.match.path) if v.spf.match.path else ""
            match = f" (matched {v.spf.match.term}{via})"
        stamped = _stamped_word(analysis, "spf")
        if not offline:
            if res in _BAD_SPF or res in ("none", "neutral"):
                out.append(
                    Finding(
                        "spf.live-" + res,
                        Severity.ERROR if res in ("fail", "permerror") else Severity.WARNING,
                        f"SPF re-checked at the boundary: {res} for {v.spf.ip} sending as {v.spf.domain}{match}.",
                        detail=v.spf.reason or (v.spf.explanation or ""),
                        fix="Publish the sending IP or service in the SPF record of "
                        + v.spf.domain
                        + ".",
                        hop_number=hop,
                    )
                )
            if stamped and stamped != res and not (stamped == "pass" and res == "pass"):
                out.append(
                    Finding(
                        "spf.changed",
                        Severity.WARNING,
                        f"SPF today says {res}, the receiver stamped {stamped} at delivery.",
                        detail="The SPF record changed since delivery, or the receiver checked a different IP (a connector or relay in front of it).",
                        hop_number=hop,
                    )
                )
    elif v.spf_note:
        out.append(Finding("spf.not-checked", Severity.INFO, v.spf_note))
    for d in v.dkim:
        name = f"d={d.domain} s={d.selector}"
        if offline:
            break
        if d.header_result is DkimResult.PASS and d.body_result is DkimResult.FAIL:
            out.append(
                Finding(
                    "dkim.body-modified",
                    Severity.ERROR,
                    f"DKIM {name}: signed headers are intact but the body changed after signing.",
                    detail=d.explanation,
                    fix="Something after the signer modified the body (disclaimer/footer, link rewriting): sign after it, or exempt this flow.",
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
                    header_index=d.header_index,
                )
            )
        out += [_defect("dkim", x, header=d.header_index) for x in d.findings]
    if v.dmarc is not None and not offline:
        dm = v.dmarc
        if dm.result in (DmarcResult.FAIL, DmarcResult.PERMERROR, DmarcResult.TEMPERROR):
            out.append(
                Finding(
                    f"dmarc.{dm.result.value}",
                    Severity.ERROR,
                    f"DMARC re-checked: {dm.result.value} for {dm.from_domain}"
                    + (
                        f"; policy {dm.policy_tag}={dm.policy} means {dm.disposition}"
                        if dm.policy
                        else ""
                    )
                    + ".",
                    detail=dm.explanation,
                    fix="Align SPF (MAIL FROM in the From domain) or DKIM (d= in the From domain).",
                )
            )
        out += [_defect("dmarc", x) for x in dm.findings]
    if v.arc is not None and not offline:
        if v.arc.result is ArcResult.FAIL:
            out.append(
                Finding(
                    "arc.fail",
                    Severity.WARNING,
                    f"ARC chain: fail ({v.arc.reason}).",
                    detail=v.arc.explanation,
                )
            )
        out += [_defect("arc", x) for x in v.arc.findings]
    if offline:
        out.append(
            Finding(
                "verify.offline",
                Severity.INFO,
                "Offline: no DNS queries were made, so SPF, DKIM, DMARC and ARC were not re-verified; the stamped verdicts are shown as received.",
            )
        )
    for err in v.errors:
        out.append(
            Finding("verify.internal-error", Severity.ERROR, f"Internal error in a check: {err}")
        )
    return out


def _stamped_word(analysis: Analysis, method: str) -> str | None:
    for ar in final_receiver_results(analysis):
        for r in ar.results:
            if r.method.lower() == method:
                return r.result.lower()
    return None


def _sorted(items: list[Finding]) -> tuple[Finding, ...]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for f in items:
        if (f.code, f.title) not in seen:
            seen.add((f.code, f.title))
            unique.append(f)
    return tuple(sorted(unique, key=lambda f: _ORDER[f.severity]))


def build_findings(analysis: Analysis, verification: Verification) -> tuple[Finding, ...]:
    """All findings for the report: live re-verification first, then stamped, chain, vendor."""
    return _sorted(
        [*_live(analysis, verification), *_stamped(analysis), *_chain(analysis), *_vendor(analysis)]
    )
