"""DMARC identifier alignment (RFC 9989 §4.4), its notes, and why a shown-only one leaves it open."""

from __future__ import annotations

from dataclasses import replace

from headerlens.evaluators.orgdomain import PolicyAt, normalize, psl_org_domain
from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.model.verdicts import UNCONFIRMED_SPF, Alignment, DmarcResult, OrgDomain

__all__ = [
    "align",
    "alignment_notes",
    "headers_only_alignment",
    "unconfirmed_alignment",
    "undecided_text",
]


def align(
    method: str,
    domain: str,
    authenticated: bool,
    strict: bool,
    from_domain: str,
    orgs: dict[str, OrgDomain],
) -> Alignment:
    """Identifier alignment (RFC 7489 §3.1, RFC 9989 §4.4): strict = equal, relaxed = same org."""
    d = normalize(domain)
    psl_a = psl_org_domain(d) or d
    psl_b = orgs[from_domain].psl or from_domain
    if d == from_domain:
        same_org = True
    elif d in orgs:
        same_org = orgs[d].tree_walk == orgs[from_domain].tree_walk
    elif authenticated:
        # Not walked because it cannot align: a tree-walk organisational domain is always the
        # name itself or one of its parents, so d (outside the From domain's one) has another.
        same_org = False
    else:
        # A failed identifier never makes DMARC pass; its relaxed alignment is only shown,
        # and the Public Suffix List answers that without DNS queries.
        same_org = psl_a == psl_b
    aligned = d == from_domain if strict else same_org
    mode = "strict" if strict else "relaxed"
    label = "SPF " if method == "spf" else "DKIM d="
    status = "passes" if authenticated else "does not pass"
    if aligned:
        how = "is the From domain" if d == from_domain else "shares the organisational domain"
        text = f"{label}{d} {status} and {how} ({mode} alignment)."
    else:
        text = f"{label}{d} {status} and is not aligned with From {from_domain} ({mode})."
    return Alignment(
        method=method,
        domain=d,
        authenticated=authenticated,
        strict=strict,
        aligned=aligned,
        relaxed_would_align=same_org,
        psl_aligned=d == from_domain or psl_a == psl_b,
        explanation=text,
    )


def alignment_notes(
    alignments: tuple[Alignment, ...], result: DmarcResult, from_domain: str
) -> list[Defect]:
    out: list[Defect] = []
    if result is DmarcResult.FAIL and any(
        a.authenticated and a.strict and a.relaxed_would_align for a in alignments
    ):
        out.append(
            Defect(
                Code.DMARC_STRICT_ALIGNMENT,
                "Strict alignment (adkim=s / aspf=s) makes DMARC fail here; relaxed alignment "
                "would pass. Use relaxed alignment or sign/send with the exact From domain.",
                Severity.WARNING,
            )
        )
    for a in alignments:
        if a.authenticated and not a.relaxed_would_align and a.method == "dkim":
            hint = (
                " Publish the selector1/selector2 CNAMEs and enable DKIM signing for the custom "
                "domain in Microsoft 365."
                if a.domain.endswith(".onmicrosoft.com")
                else " Have the sender sign with the From domain (or a subdomain of it)."
            )
            out.append(
                Defect(
                    Code.DMARC_DKIM_UNALIGNED,
                    f"DKIM passes for d={a.domain}, which is not aligned with From {from_domain}."
                    + hint,
                    Severity.WARNING,
                )
            )
        if a.relaxed_would_align != a.psl_aligned and a.authenticated:
            out.append(
                Defect(
                    Code.DMARC_ALIGNMENT_METHODS_DIFFER,
                    f"{a.method.upper()} {a.domain}: the DNS tree walk says "
                    f"{'aligned' if a.relaxed_would_align else 'not aligned'}, the Public Suffix "
                    f"List says {'aligned' if a.psl_aligned else 'not aligned'}.",
                    Severity.INFO,
                )
            )
    return out


def headers_only_alignment(a: Alignment) -> Alignment:
    """A header-only DKIM signature's alignment: shown, never authenticating (method
    "dkim-headers", so nothing counts it as DKIM)."""
    status = "is aligned" if a.aligned else "would not align either"
    return replace(
        a,
        method="dkim-headers",
        authenticated=False,
        explanation=f"DKIM d={a.domain} verifies for the signed header fields only (the body "
        f"was not given, so bh= was not checked) and {status} with the From domain.",
    )


def unconfirmed_alignment(a: Alignment) -> Alignment:
    """An SPF pass replayed at a trust boundary nothing confirms: shown, never authenticating
    (method "spf-unconfirmed", so nothing counts it as SPF)."""
    status = "is aligned" if a.aligned else "would not align either"
    return replace(
        a,
        method=UNCONFIRMED_SPF,
        authenticated=False,
        explanation=f"SPF passes for {a.domain} at a trust boundary nothing the receiver wrote "
        f"confirms (see the boundary), so it is unconfirmed, and it {status} with the From domain.",
    )


def undecided_text(
    alignments: tuple[Alignment, ...],
    author: str,
    policy_tag: str | None,
    policy: str | None,
    found: PolicyAt | None,
) -> str:
    """Why DMARC is not decided: only a header-only DKIM signature, or SPF at an unconfirmed
    boundary, would align."""
    where = f" from _dmarc.{found.name}" if found else ""
    if any(a.method == UNCONFIRMED_SPF and a.aligned for a in alignments):
        return (
            f"DMARC unconfirmed: only SPF would pass aligned with From {author}, and it was "
            "replayed at a trust boundary that rests on an internal line nothing the receiver "
            "wrote confirms: if that line's client is a NAT or a proxy, the entry line was "
            "written by the sender with an address of its choice. Give the organisation's own "
            f"hosts with --trusted-host to decide. Policy {policy_tag}={policy}{where}."
        )
    names = ", ".join(
        dict.fromkeys(a.domain for a in alignments if a.method == "dkim-headers" and a.aligned)
    )
    return (
        f"DMARC not decided: no identifier passes aligned with From {author}; DKIM d={names} "
        "verifies for the headers only, and its body was not given, so whether it passes "
        "(and DMARC with it) is unknown. The signed header fields of a genuine message also "
        "verify when a replay attaches another body: check the receiver's stamped dkim= "
        f"result or open the whole message. Policy {policy_tag}={policy}{where}."
    )
