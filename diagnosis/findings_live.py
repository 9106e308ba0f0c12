"""Findings from the live re-verification: what fails today, the likely cause, and the DNS fix.

DKIM findings live here; SPF, DMARC and ARC have their own modules.
"""

from __future__ import annotations

from headerlens.diagnosis.advice import advised
from headerlens.diagnosis.findings_dmarc import arc_findings, dmarc_findings
from headerlens.diagnosis.findings_spf import spf_findings
from headerlens.diagnosis.findings_where import check_from_domain, hop_of, where
from headerlens.model import Analysis, Finding, Severity
from headerlens.model.codes import Code
from headerlens.model.dns import Rcode
from headerlens.model.verdicts import HEADERS_ONLY_WORDS, DkimResult, DkimVerdict, DmarcVerdict
from headerlens.model.verification import Verification, VerifyMode
from headerlens.parsers.selectorprivacy import recipient_addresses, tracking_selector
from headerlens.stamped import final_results

# DKIM defects that a finding below restates with more context.
RESTATED = frozenset({Code.DKIM_KEY_ROTATED})


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
        Code.DKIM_ONMICROSOFT_UNALIGNED,
        Severity.WARNING,
        advised(
            f"DKIM passes but signs as {dom}, not aligned with From",
            f"publish the selector1/selector2 CNAMEs and enable DKIM for {author}",
        ),
        detail=f"Exchange Online signs with the tenant domain {dom} until DKIM is enabled for "
        f"{author}, so DMARC can only pass through SPF.",
        fix=f"Publish selector1._domainkey.{author} CNAME selector1-{dashed}._domainkey.{dom} and "
        f"selector2._domainkey.{author} CNAME selector2-{dashed}._domainkey.{dom}, then enable "
        f"DKIM signing for {author} in Microsoft 365.",
        hop_number=hop_of(analysis, d.header_index),
        header_index=d.header_index,
        action=check_from_domain(analysis, provider="eop"),
    )


def _tracking_selector(analysis: Analysis, d: DkimVerdict) -> Finding | None:
    """H6: a selector that looks made for this message or recipient (parsers/selectorprivacy)."""
    why = tracking_selector(d.selector or "", recipient_addresses(analysis.headers))
    if why is None:
        return None
    name = d.key_name or f"{d.selector}._domainkey.{d.domain or '?'}"
    return Finding(
        Code.DKIM_SELECTOR_TRACKING,
        Severity.INFO,
        f"DKIM d={d.domain or '?'} s={d.selector}: looking up this selector may tell the sender "
        "the message was opened.",
        detail=f"The selector {why}, so it looks made for this message or recipient. The key "
        f"lookup ({name} TXT) goes to the signer's DNS servers, which then learn that, and "
        "when, this message is being checked.",
        fix="Inspect such messages with --offline (no DNS queries are made) or replay saved "
        "answers with --dns-snapshot.",
        hop_number=hop_of(analysis, d.header_index),
        header_index=d.header_index,
    )


# The re-verified DKIM results the generic finding reports (the others have their own).
_LIVE_DKIM = {
    DkimResult.FAIL: Code.DKIM_FAIL,
    DkimResult.NEUTRAL: Code.DKIM_NEUTRAL,
    DkimResult.POLICY: Code.DKIM_POLICY,
    DkimResult.PERMERROR: Code.DKIM_PERMERROR,
    DkimResult.NONE: Code.DKIM_NONE,
    DkimResult.TEMPERROR: Code.DKIM_TEMPERROR,
    DkimResult.HEADERS_ONLY: Code.DKIM_HEADERS_ONLY,
}


def _dkim_one(analysis: Analysis, d: DkimVerdict, dmarc: DmarcVerdict | None) -> list[Finding]:
    name = f"d={d.domain or '?'} s={d.selector or '?'}"
    hop = hop_of(analysis, d.header_index)
    stamped = _stamped_dkim(analysis, d)
    out: list[Finding] = []
    rotated = any(x.code == Code.DKIM_KEY_ROTATED for x in d.findings)
    if rotated:
        age = _age_days(d)
        then = f" The receiver stamped dkim={stamped} at delivery." if stamped else ""
        out.append(
            Finding(
                Code.DKIM_KEY_ROTATED,
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
                Code.DKIM_BODY_MODIFIED,
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
                Code.DKIM_TEMPERROR,
                Severity.WARNING,
                f"DKIM {name} could not be re-checked: {d.explanation}",
                hop_number=hop,
                header_index=d.header_index,
            )
        )
    elif d.result is DkimResult.HEADERS_ONLY:
        out.append(
            Finding(
                Code.DKIM_HEADERS_ONLY,
                Severity.INFO,
                f"DKIM {name}: {HEADERS_ONLY_WORDS}.",
                detail=d.explanation + " It does not count as a DKIM pass, for DMARC either: "
                "the signed header fields of a genuine message verify whatever body is attached.",
                fix="Open the whole message (.eml or .msg) to check the body hash.",
                hop_number=hop,
                header_index=d.header_index,
            )
        )
    elif (code := _LIVE_DKIM.get(d.result)) is not None:
        out.append(
            Finding(
                code,
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
        and not (stamped == "pass" and d.result is DkimResult.HEADERS_ONLY)
    ):
        if d.result is DkimResult.HEADERS_ONLY and stamped in ("fail", "neutral", "permerror"):
            cause = (
                "the receiver had the body and its hash did not match (changed after signing: a "
                "footer, or a replay of genuinely signed headers with another body); the signed "
                "header fields verify, the body this paste leaves out did not"
            )
        elif stamped == "pass" and d.body_result is DkimResult.FAIL:
            cause = "the body was changed after delivery (a forward, an export or a mail client)"
        elif stamped == "pass" and d.header_result is DkimResult.FAIL:
            cause = "a signed header field was changed after delivery"
        elif stamped == "pass":
            cause = "the key record changed or was removed since delivery"
        else:
            cause = "the receiver could not fetch the key at delivery, or checked another copy"
        out.append(
            Finding(
                Code.DKIM_CHANGED,
                Severity.WARNING,
                f"DKIM {name} today says {d.result_words}, the receiver stamped {stamped} at "
                "delivery.",
                detail=f"Likely cause: {cause}.",
                hop_number=hop,
                header_index=d.header_index,
            )
        )
    return out


def _dns_trouble(v: Verification) -> list[Finding]:
    failed = [r for r in v.dns_log if r.temporary and not r.from_cache]
    if not failed:
        return []
    causes = sorted({"timeout" if r.rcode == Rcode.TIMEOUT else r.rcode for r in failed})
    names = ", ".join(dict.fromkeys(f"{r.name} {r.rdtype}" for r in failed[:5]))
    return [
        Finding(
            Code.VERIFY_DNS_UNAVAILABLE,
            Severity.WARNING,
            f"DNS did not answer {len(failed)} queries ({', '.join(causes)}): verdicts marked "
            "temperror are unknown, not failures.",
            detail=f"First failed lookups: {names}. Resolver: {v.resolver or '?'}.",
            fix="Retry later, or use --resolver to ask a DNS server that answers.",
        )
    ]


def _appended(analysis: Analysis, d: DkimVerdict) -> Finding | None:
    """Offline, text after a signature's l= limit: the body needs no DNS (its canonical length
    and the hash of the first l= bytes come from the body alone), only the key does; online
    the DKIM and DMARC findings (diagnosis/spoof_signs) say it with the verdicts."""
    if not d.unsigned_body_bytes or d.body_result is not DkimResult.PASS:
        return None
    return Finding(
        Code.DKIM_APPENDED,
        Severity.WARNING,
        f"Text appended after signing: the DKIM signature of {d.domain} (s={d.selector}) covers "
        f"only the first {d.body_length} bytes of the body (l={d.body_length}), and "
        f"{d.unsigned_body_bytes} bytes follow that no signature covers: anyone could have "
        "added them, and the reader sees them last.",
        detail="The signed part is intact (its body hash matches over those bytes); whether "
        "the signature itself verifies was not checked (offline: its key was not looked up). "
        "The canonical body length follows the signature's c= rule (RFC 6376 §3.4, §3.5 l=, "
        "§8.2).",
        fix=f"Treat everything after the first {d.body_length} bytes as unsigned text of "
        f"unknown origin; {d.domain} should stop signing with l=.",
        hop_number=hop_of(analysis, d.header_index),
        header_index=d.header_index,
    )


def live_findings(analysis: Analysis, v: Verification) -> list[Finding]:
    """Findings from the re-verification; offline, a note that nothing was checked, plus any
    selector that looks made for this message (a lookup the user may want to avoid, H6)."""
    tracking = [f for d in v.dkim if (f := _tracking_selector(analysis, d)) is not None]
    if v.mode is VerifyMode.OFFLINE:
        return [
            Finding(
                Code.VERIFY_OFFLINE,
                Severity.INFO,
                "Offline: no DNS queries were made, so SPF, DKIM, DMARC and ARC were not "
                "re-verified; the stamped verdicts are shown as received.",
            ),
            *tracking,
            *(f for d in v.dkim if (f := _appended(analysis, d)) is not None),
        ]
    out: list[Finding] = list(tracking)
    if v.spf is not None:
        out += spf_findings(analysis, v.spf)
    elif v.spf_note:
        hop, hdr = where(analysis)
        out.append(
            Finding(
                Code.SPF_NOT_CHECKED, Severity.INFO, v.spf_note, hop_number=hop, header_index=hdr
            )
        )
    for d in v.dkim:
        out += _dkim_one(analysis, d, v.dmarc)
        out += [
            Finding(
                x.code,
                x.severity,
                x.message,
                hop_number=hop_of(analysis, d.header_index),
                header_index=d.header_index,
            )
            for x in d.findings
            if x.code not in RESTATED
        ]
    if v.dmarc is not None:
        onms = any(f.code == Code.DKIM_ONMICROSOFT_UNALIGNED for f in out)
        dm_findings = dmarc_findings(analysis, v, v.dmarc)
        if onms:
            dm_findings = [f for f in dm_findings if f.code != Code.DMARC_DKIM_UNALIGNED]
        out += dm_findings
    out += arc_findings(v)
    out += _seal(analysis, v)
    out += _dns_trouble(v)
    out += [
        Finding(Code.VERIFY_INTERNAL_ERROR, Severity.ERROR, f"Internal error in a check: {e}")
        for e in v.errors
    ]
    return out


def _seal(analysis: Analysis, v: Verification) -> list[Finding]:
    """Amazon SES's block under its line whose X-SES-DKIM-SIGNATURE did not verify: its stamps
    were set aside (parsers/provenance_ses.with_seal); say why."""
    seal = v.receiver_seal
    if seal is None or seal.crypto_valid is True:
        return []
    at = next((f.index for f in analysis.headers if f.lname == "x-ses-dkim-signature"), None)
    checked = seal.result not in (DkimResult.TEMPERROR, DkimResult.UNAVAILABLE)
    return [
        Finding(
            Code.RECEIVER_SEAL_INVALID,
            Severity.WARNING if checked else Severity.INFO,
            "The verdicts under Amazon SES's Received line are not counted: the block's "
            + (
                "X-SES-DKIM-SIGNATURE does not verify with amazonses.com's key, so SES did not "
                "write it (it arrived with the message: forged)."
                if checked
                else "X-SES-DKIM-SIGNATURE could not be checked, so nothing shows SES wrote it."
            ),
            f"{seal.result.value}: {seal.explanation}",
            hop_number=hop_of(analysis, at) if at is not None else None,
            header_index=at,
        )
    ]
