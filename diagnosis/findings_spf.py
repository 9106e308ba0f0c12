"""SPF findings: the sending service missing from SPF, a bypassed gateway, lookup limits,
include/redirect loops and lookups that carry the sender's local part."""

from __future__ import annotations

from headerlens import budgets
from headerlens.diagnosis.advice import advised
from headerlens.diagnosis.findings_where import check_from_domain, where
from headerlens.diagnosis.replyto import freemail_fix
from headerlens.diagnosis.sending_service import included_services, sending_service, spf_includes
from headerlens.model import Analysis, Finding, Severity
from headerlens.model.codes import Code
from headerlens.model.spf import SpfResult, SpfVerdict
from headerlens.parsers.hops import is_internal_ip
from headerlens.stamped import stamped as stamped_result

# The re-checked SPF results reported as they are (pass is not; temperror has its own).
_LIVE_SPF = {
    SpfVerdict.FAIL: Code.SPF_LIVE_FAIL,
    SpfVerdict.SOFTFAIL: Code.SPF_LIVE_SOFTFAIL,
    SpfVerdict.NEUTRAL: Code.SPF_LIVE_NEUTRAL,
    SpfVerdict.NONE: Code.SPF_LIVE_NONE,
    SpfVerdict.PERMERROR: Code.SPF_LIVE_PERMERROR,
}


def spf_findings(analysis: Analysis, spf: SpfResult) -> list[Finding]:
    hop, hdr = where(analysis)
    res = spf.verdict
    limit = int(budgets.SPF_DNS_TERMS.limit)  # RFC 7208 §4.6.4
    out: list[Finding] = []
    loop = next((d for d in spf.defects if d.code == Code.SPF_LOOP), None)
    matched = f" (matched {spf.match.describe()})" if spf.match else ""
    bad = res in (SpfVerdict.FAIL, SpfVerdict.SOFTFAIL, SpfVerdict.NEUTRAL, SpfVerdict.NONE)
    sender = sending_service(analysis)
    boundary = analysis.chain.boundary
    receiver = boundary.receiver if boundary and boundary.receiver else "the receiver"
    if bad and sender is not None and not spf_includes(spf, sender.service.spf_include):
        inc = sender.service.spf_include
        out.append(
            Finding(
                Code.SPF_SERVICE_NOT_INCLUDED,
                Severity.ERROR if res is SpfVerdict.FAIL else Severity.WARNING,
                advised(
                    f"SPF for {spf.domain} does not include {inc}, but mail now leaves through "
                    f"{sender.service.name}",
                    f"add include:{inc}",
                ),
                detail=f"At hop {sender.hop_number} {receiver} received the message from "
                f"{sender.host or spf.ip} [{spf.ip}] ({sender.evidence}); SPF for "
                f"{spf.domain} is {res.value}{matched}.",
                fix=freemail_fix(spf.domain)
                or f"Add include:{inc} to the SPF record of {spf.domain} (before its all term).",
                hop_number=hop,
                header_index=hdr,
                action=check_from_domain(analysis),
            )
        )
    elif (
        res in (SpfVerdict.FAIL, SpfVerdict.SOFTFAIL)
        and sender is None
        and included_services(spf)
        and not is_internal_ip(spf.ip)  # a NAT hid the client: nothing says who sent it
    ):
        svc = included_services(spf)[0]
        client = boundary.helo if boundary and boundary.helo else spf.ip
        out.append(
            Finding(
                Code.SPF_GATEWAY_BYPASSED,
                Severity.ERROR if res is SpfVerdict.FAIL else Severity.WARNING,
                advised(
                    f"SPF for {spf.domain} authorises {svc.name} (include:{svc.spf_include}), but "
                    f"this message went from {client} [{spf.ip}] straight to {receiver}, "
                    "bypassing it",
                    "route outbound through the smart host",
                ),
                detail=f"SPF {res.value}{matched}. No {svc.name} hop appears before the "
                "boundary, so the sending server delivered by DNS (MX lookup) itself.",
                fix=f"Set the outbound send connector (e.g. on the Exchange Edge server) to relay "
                f"through {svc.name} as its smart host instead of using DNS delivery; only if "
                f"this server must send directly, add {'ip6' if ':' in spf.ip else 'ip4'}:{spf.ip} to the SPF record.",
                hop_number=hop,
                header_index=hdr,
            )
        )
    elif res is SpfVerdict.PERMERROR and loop is not None:
        out.append(
            Finding(
                Code.SPF_LOOP,
                Severity.ERROR,
                f"SPF for {spf.domain} is permerror because its include/redirect terms loop: "
                f"{loop.message}",
                detail="RFC 7208 has no separate loop rule: receivers go round the loop until "
                f"the limit of {limit} DNS-querying terms (§4.6.4) makes SPF "
                f"permerror for every IP not matched before the loop. {spf.reason}",
                fix="Remove the include:/redirect= named above from that record, or point it at "
                "the record that was meant, so no record includes one already above it.",
                hop_number=hop,
                header_index=hdr,
            )
        )
    elif res is SpfVerdict.PERMERROR and spf.lookup_count > limit:
        out.append(
            Finding(
                Code.SPF_TOO_MANY_LOOKUPS,
                Severity.ERROR,
                f"SPF for {spf.domain} is permerror: evaluating it needs more than "
                f"{limit} DNS-querying terms (term {spf.lookup_count} broke the "
                "limit), so receivers stop before reaching the rest of the record.",
                detail=spf.reason,
                fix="Remove unused include: terms or replace some with ip4:/ip6: ranges so that "
                f"at most {limit} include/a/mx/ptr/exists/redirect terms are needed (RFC 7208 "
                "§4.6.4).",
                hop_number=hop,
                header_index=hdr,
                action=check_from_domain(analysis),
            )
        )
    elif res is SpfVerdict.TEMPERROR:
        out.append(
            Finding(
                Code.SPF_TEMPERROR,
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
                _LIVE_SPF[res],
                Severity.ERROR
                if res in (SpfVerdict.FAIL, SpfVerdict.PERMERROR)
                else Severity.WARNING,
                f"SPF re-checked at the boundary: {res.value} for {spf.ip} sending as "
                f"{spf.domain}{matched}.",
                detail=spf.reason or (spf.explanation or ""),
                fix=freemail_fix(spf.domain)
                or f"Publish the sending IP or service in the SPF record of {spf.domain}.",
                hop_number=hop,
                header_index=hdr,
            )
        )
    out += [
        Finding(
            Code.SPF_PRIVACY_LOCAL_PART,
            Severity.WARNING,
            d.message,
            detail="Whoever runs DNS for that name sees the query: the sender's local part "
            "(often a per-recipient bounce address) tells them this message is being checked, "
            "and when (RFC 7208 §11.6).",
            fix="Inspect such messages with --offline (no DNS queries are made) or replay "
            "saved answers with --dns-snapshot.",
            hop_number=hop,
            header_index=hdr,
        )
        for d in spf.defects
        if d.code == Code.SPF_MACRO_LOCAL_PART
    ]
    stamped = stamped_result(analysis, "spf")
    if stamped and stamped != res.value and res is not SpfVerdict.TEMPERROR:
        out.append(
            Finding(
                Code.SPF_CHANGED,
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
