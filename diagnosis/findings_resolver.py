"""Is the resolver blind? NXDOMAIN for what the receiver verified at delivery means its answers prove nothing.

A resolver inside a lab, behind a filtering or split-horizon DNS, or without a route to the
internet answers NXDOMAIN (or nothing) for names that certainly existed when the message was
delivered. Re-verifying over it turns every pass into "none" and every key into "missing"; the
advice drawn from such answers ("publish this record") would send an admin to change DNS that is
fine. This module spots it and withholds that advice.
"""

from __future__ import annotations

import dataclasses

from headerlens.model import Analysis, Finding, Severity
from headerlens.model.codes import Code
from headerlens.model.dns import Rcode
from headerlens.model.verification import Verification
from headerlens.stamped import final_results

_IDENTITIES = ("smtp.mailfrom", "smtp.helo", "header.d", "header.i", "header.from")
# Advice that only makes sense when the DNS answers are right.
_DNS_ADVICE = ("publish", "add include", "add the ")


def stamped_pass_domains(analysis: Analysis) -> frozenset[str]:
    """Domains the final receiver verified at delivery (a method result of pass naming them)."""
    out: set[str] = set()
    for r in final_results(analysis):
        if r.result.lower() != "pass":
            continue
        for prop in _IDENTITIES:
            value = r.prop(prop)
            if value:
                domain = value.rpartition("@")[2].strip().rstrip(".").lower()
                if "." in domain:
                    out.add(domain)
    return frozenset(out)


def blind_evidence(analysis: Analysis, v: Verification) -> tuple[str, ...]:
    """The answers that show the resolver does not see the names the receiver saw (empty if none).

    Two signs: a domain the receiver stamped as passing does not exist for this resolver (its
    own name answered NXDOMAIN); or not one query got a NOERROR answer.
    """
    sent = [r for r in v.dns_log if not r.from_cache]
    if len(sent) < 2:
        return ()
    passing = stamped_pass_domains(analysis)
    vanished = [
        f"{r.name} {r.rdtype}: NXDOMAIN"
        for r in sent
        if r.rcode == Rcode.NXDOMAIN and r.name.lower().rstrip(".") in passing
    ]
    if vanished:
        return tuple(dict.fromkeys(vanished))
    if not any(r.rcode == Rcode.NOERROR for r in sent) and any(
        r.rcode == Rcode.NXDOMAIN for r in sent
    ):
        return (f"none of {len(sent)} queries got an answer (NXDOMAIN or no reply)",)
    return ()


def guard_dns_advice(analysis: Analysis, v: Verification, findings: list[Finding]) -> list[Finding]:
    """Add the blind-resolver finding and withhold publish-this-record advice when it applies."""
    evidence = blind_evidence(analysis, v)
    if not evidence:
        return findings
    out = [
        Finding(
            Code.VERIFY_RESOLVER_BLIND,
            Severity.WARNING,
            "The DNS resolver says names the receiver verified at delivery do not exist: it "
            "probably cannot see the internet (a lab, filtering or split-horizon resolver), so the "
            "re-verified verdicts are not evidence and no DNS change is advised from them.",
            detail=f"{'; '.join(evidence[:5])}. Resolver: {v.resolver or '?'}.",
            fix="Re-verify over a resolver that answers for internet names (--resolver IP), or "
            "trust the verdicts the receiver stamped at delivery.",
        )
    ]
    for f in findings:
        if f.fix and f.fix.lower().startswith(_DNS_ADVICE):
            f = dataclasses.replace(
                f,
                fix="Withheld: the resolver does not see the internet (see the resolver finding); "
                "check again over one that does before changing DNS.",
            )
        out.append(f)
    return out
