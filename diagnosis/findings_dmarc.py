"""DMARC and ARC findings: alignment explained (strict vs relaxed), ARC's original verdicts."""

from __future__ import annotations

from headerlens.diagnosis.findings_where import from_index, where
from headerlens.diagnosis.inputs import TRUSTED_HOST_FIX, entry, same_org
from headerlens.diagnosis.replyto import freemail_fix
from headerlens.model import Analysis, Finding, Severity
from headerlens.model.codes import Code
from headerlens.model.verdicts import Alignment, ArcResult, DmarcResult, DmarcVerdict
from headerlens.model.verification import Verification


def _ident(a: Alignment) -> str:
    return f"SPF {a.domain}" if a.method == "spf" else f"DKIM d={a.domain}"


def dmarc_findings(analysis: Analysis, v: Verification, dm: DmarcVerdict) -> list[Finding]:
    hop, _ = where(analysis)
    hdr = from_index(analysis)
    out: list[Finding] = []
    author = dm.from_domain or "?"
    rec_at = f"_dmarc.{dm.record_domain}" if dm.record_domain else "the DMARC record"
    policy = f" Policy {dm.policy_tag}={dm.policy} from {rec_at}." if dm.policy else ""
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
                Code.DMARC_STRICT_ALIGNMENT,
                Severity.ERROR,
                f"DMARC fails for {author} because of strict alignment ({tags} in {rec_at}): "
                f"{who} pass but only share the organisational domain; relaxed would pass.",
                detail=detail,
                fix=f"Use adkim=r; aspf=r in {rec_at}, or sign with d={author} and send with a "
                f"MAIL FROM in {author}.",
                hop_number=hop,
                header_index=hdr,
            )
        )
    elif dm.result is DmarcResult.FAIL:
        out.append(
            Finding(
                Code.DMARC_FAIL,
                Severity.ERROR,
                f"DMARC fails for {author}: no identifier passed and aligned with the From "
                "domain" + (f"; policy {dm.policy_tag}={dm.policy}" if dm.policy else "") + ".",
                detail=detail or dm.explanation,
                fix=freemail_fix(author)
                or f"Make SPF pass for a MAIL FROM in {author}, or DKIM-sign with d={author}.",
                hop_number=hop,
                header_index=hdr,
            )
        )
    elif dm.unconfirmed:
        out.append(
            Finding(
                Code.DMARC_UNCONFIRMED,
                Severity.WARNING,
                f"DMARC for {author} is unconfirmed: only SPF would pass aligned, replayed at a "
                "trust boundary that rests on an internal line nothing confirms"
                + (f"; policy {dm.policy_tag}={dm.policy}" if dm.policy else "")
                + ".",
                detail=dm.explanation,
                fix=TRUSTED_HOST_FIX,
                hop_number=hop,
                header_index=hdr,
            )
        )
    elif dm.result is DmarcResult.UNKNOWN:
        out.append(
            Finding(
                Code.DMARC_UNDECIDED,
                Severity.WARNING,
                f"DMARC for {author} is not decided: only a DKIM signature whose body was not "
                "checked would align"
                + (f"; policy {dm.policy_tag}={dm.policy}" if dm.policy else "")
                + ".",
                detail=dm.explanation,
                fix="Open the whole message (.eml or .msg), not only its headers, so the body "
                "hash can be checked; until then trust the dkim= and dmarc= the receiver stamped.",
                hop_number=hop,
                header_index=hdr,
            )
        )
    elif dm.result in (DmarcResult.TEMPERROR, DmarcResult.PERMERROR):
        out.append(
            Finding(
                Code.DMARC_TEMPERROR
                if dm.result is DmarcResult.TEMPERROR
                else Code.DMARC_PERMERROR,
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
                Code.DMARC_SINGLE_METHOD,
                Severity.INFO,
                f"DMARC passes for {author} only through {only.upper()}.",
                detail=why
                + (" If forwarding breaks SPF, DMARC will fail." if only == "spf" else ""),
                hop_number=hop,
                header_index=hdr,
            )
        )
    for x in dm.findings:
        if x.code == Code.DMARC_STRICT_ALIGNMENT and strict:
            continue  # restated above with the identifiers and the record
        out.append(Finding(x.code, x.severity, x.message, hop_number=hop, header_index=hdr))
    if dm.result is DmarcResult.FAIL and v.arc is not None and v.arc.result is ArcResult.PASS:
        first = next((i for i in v.arc.instances if i.instance == 1), None)
        claimed = _receivers_id_claimed(analysis, first.seal_domain) if first else None
        if first is not None and claimed:
            out.append(
                Finding(
                    Code.ARC_CLAIMS_RECEIVER,
                    Severity.WARNING,
                    f"The ARC set i=1 sealed by {first.seal_domain} writes its results under "
                    f"{claimed}, the final receiver's own name: an intermediary records what it "
                    f"saw under its own name, so {first.seal_domain} is posing as the receiver "
                    "and its results prove nothing.",
                    detail="The seal is valid (anyone can seal with a key in their own DNS); "
                    "what it says counts only as far as its sealer is trusted.",
                    hop_number=hop,
                )
            )
        elif first is not None and ("dmarc", "pass") in first.aar_results:
            said = " ".join(f"{m}={r}" for m, r in first.aar_results)
            out.append(
                Finding(
                    Code.ARC_ORIGINAL_PASS,
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


def _receivers_id_claimed(analysis: Analysis, sealer: str | None) -> str | None:
    """The authserv-id of the oldest ARC set when it names the final receiving organisation
    (the entry hop's receiver) while another organisation sealed it, else None."""
    b = entry(analysis)
    aar = next((s.results for s in analysis.arc_sets if s.instance == 1), None)
    ident = aar.authserv_id if aar is not None else None
    if b is None or not b.receiver or not ident or same_org(sealer, b.receiver):
        return None
    return ident if same_org(ident, b.receiver) else None


def arc_findings(v: Verification) -> list[Finding]:
    arc = v.arc
    if arc is None:
        return []
    out: list[Finding] = []
    if arc.result is ArcResult.FAIL:
        out.append(
            Finding(
                Code.ARC_FAIL, Severity.WARNING, f"ARC chain: fail ({arc.reason}).", arc.explanation
            )
        )
    elif arc.result is ArcResult.TEMPERROR:
        out.append(
            Finding(Code.ARC_TEMPERROR, Severity.WARNING, f"ARC chain not validated: {arc.reason}.")
        )
    elif arc.result is ArcResult.PASS and arc.oldest_pass is not None and arc.oldest_pass > 1:
        out.append(
            Finding(
                Code.ARC_OLDER_AMS_BROKEN,
                Severity.INFO,
                f"ARC passes; AMS i={arc.oldest_pass - 1} and older no longer validate because "
                "the message changed after they were added (only the newest AMS must validate).",
            )
        )
    out += [Finding(x.code, x.severity, x.message) for x in arc.findings]
    return out
