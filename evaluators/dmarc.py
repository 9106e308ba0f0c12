"""Evaluate DMARC: policy discovery, identifier alignment and the policy that applies (RFC 9989)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from headerlens.dnsclient.dnsproto import Resolver
from headerlens.evaluators.dmarc_align import (
    align,
    alignment_notes,
    headers_only_alignment,
    unconfirmed_alignment,
    undecided_text,
)
from headerlens.evaluators.orgdomain import (
    DmarcLookups,
    PolicyAt,
    could_share_org,
    disagreement,
    is_within,
    normalize,
    org_domain,
    org_from_walk,
    unwalked_org,
)
from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.model.dns import DnsRecord, Rcode
from headerlens.model.verdicts import (
    UNCONFIRMED_SPF,
    DmarcRecord,
    DmarcResult,
    DmarcVerdict,
    OrgDomain,
)
from headerlens.parsers.dmarcrecord import version_check

_EXISTENCE_TYPES = ("A", "AAAA", "MX")
IGNORED_RECORD_CODES = frozenset(
    {
        Code.DMARC_RECORD_VERSION_CASE,
        Code.DMARC_RECORD_VERSION,
        Code.DMARC_RECORD_V_NOT_FIRST,
        Code.DMARC_RECORD_NO_VERSION,
    }
)
_SOFTER = {"reject": "quarantine", "quarantine": "none", "none": "none"}
# Alignments shown but never authenticating; aligned, they leave DMARC undecided, not failed.
_UNDECIDED = ("dkim-headers", UNCONFIRMED_SPF)


def _discover(
    steps: tuple[PolicyAt, ...],
) -> tuple[PolicyAt | None, PolicyAt | None, list[Defect]]:
    """The first name up the walk with exactly one DMARC record (RFC 9989 §4.10.1).

    Returns the step, the lookup that failed temporarily before one was found (result unsure),
    and notes.
    """
    notes: list[Defect] = []
    for step in steps:
        notes.extend(start_notes(step))
        if step.multiple:
            notes.append(
                Defect(
                    Code.DMARC_RECORD_MULTIPLE,
                    f"_dmarc.{step.name} has more than one DMARC record, so all of them are "
                    "discarded (RFC 9989 §4.10; RFC 7489 §6.6.3) and the walk goes on as if "
                    "there were none. Some receivers stamp dmarc=permerror instead. Publish "
                    "exactly one.",
                    Severity.ERROR,
                )
            )
        if step.temp_error:
            return None, step, notes
        if step.record is not None:
            return step, None, notes
    return None, None, notes


_USED_HINT = {
    Code.DMARC_RECORD_LEADING_SPACE: "DKIM's tag-list syntax, which DMARC records follow, allows "
    "that, but the formal DMARC grammar does not, and receivers that compare the first bytes of "
    "the text with v=DMARC1 ignore the record",
    Code.DMARC_RECORD_UPPER_V: 'the DMARC grammar allows that (its "v" is case-insensitive '
    "ABNF), but receivers that read tag names case-sensitively, as DKIM's tag-list rules say "
    "(RFC 6376 §3.2), ignore the record",
}


def start_notes(step: PolicyAt) -> list[Defect]:
    """G7: say why each TXT text at ``_dmarc.<name>`` was or was not taken as a DMARC record.

    The rule itself is :func:`headerlens.parsers.dmarcrecord.version_check`; texts that are
    plainly something else (no DMARC tag at all) get no note.
    """
    out: list[Defect] = []
    where = f"_dmarc.{step.name}"
    for text in step.evidence.answers:
        check = version_check(text)
        if not check.code:
            continue
        shown = text if len(text) <= 80 else text[:77] + "..."
        if check.used:
            out.append(
                Defect(
                    check.code,
                    f"The DMARC record at {where} is used, although {check.why}: "
                    f"{_USED_HINT[check.code]}. Start it exactly with v=DMARC1; "
                    f"(published: {shown!r}).",
                    Severity.WARNING,
                )
            )
        else:
            out.append(
                Defect(
                    check.code,
                    f"The DMARC record at {where} does not start with v=DMARC1 ({check.why}), "
                    f"so receivers ignore it (RFC 7489 §6.3, §6.6.3): {shown!r}. Publish it "
                    "starting exactly with v=DMARC1;",
                    Severity.ERROR,
                )
            )
    return out


def _temp_text(rec: DnsRecord) -> str:
    """Why DMARC could not be decided, naming the DNS cause (timeout, SERVFAIL, offline...)."""
    if rec.rcode == Rcode.OFFLINE:
        return f"Not checked: offline, so {rec.name} was not looked up (no DNS queries were made)."
    cause = rec.rcode.lower() if rec.rcode != Rcode.TIMEOUT else "timeout"
    detail = f": {rec.error}" if rec.error else ""
    return (
        f"The DMARC lookup {rec.name} failed ({cause}{detail}), so the policy could not be "
        "found; retry later."
    )


async def _exists(domain: str, resolver: Resolver) -> tuple[bool | None, tuple[DnsRecord, ...]]:
    """Whether a domain exists for np= (RFC 9989 §3.2.9: NXDOMAIN or NODATA for A, AAAA and MX)."""
    recs = tuple(await asyncio.gather(*(resolver.query(domain, t) for t in _EXISTENCE_TYPES)))
    if any(r.answers for r in recs):
        return True, recs
    if all(r.answered for r in recs):
        return False, recs
    return None, recs


async def _organisations(
    author: str, idents: list[tuple[str, str, bool]], lookups: DmarcLookups
) -> tuple[tuple[PolicyAt, ...], dict[str, OrgDomain]]:
    """The From domain's walk and the organisational domains alignment needs, asking only the
    names that can change the result (RFC 9989 §4.10).

    A tree-walk organisational domain is always the name itself or one of its parents. So the
    walk above the From domain is needed only when it has no record of its own, or when a
    passing identifier differs from it but shares its top-level label (and its record does not
    say psd=n). A passing identifier's own walk is needed only when it lies within the From
    domain's organisational domain; outside it the two cannot be equal. Failed identifiers are
    never walked (they cannot make DMARC pass).
    """
    first = await lookups.at(author)
    if first.temp_error:  # the result is temperror whatever the walk would find
        return (first,), {author: org_from_walk(author, (first,))}
    others = sorted({d for _, d, ok in idents if ok and d != author and could_share_org(d, author)})
    if first.record is not None and first.record.psd == "n":
        # psd=n at the From domain ends the walk there: it is its own organisational domain
        steps: tuple[PolicyAt, ...] = (first,)
        orgs = {author: org_from_walk(author, steps)}
    elif first.record is not None and not others:
        return (first,), {author: unwalked_org(first)}
    else:
        steps = await lookups.walk(author)
        orgs = {author: org_from_walk(author, steps)}
    unsure = any(s.temp_error for s in steps)
    walk = [d for d in others if unsure or is_within(d, orgs[author].tree_walk)]
    for d, org in zip(
        walk, await asyncio.gather(*(org_domain(d, lookups) for d in walk)), strict=True
    ):
        orgs[d] = org
    return steps, orgs


async def evaluate_dmarc(
    from_domain: str | None,
    spf: tuple[str, str | None] | None,
    dkim: Sequence[tuple[str, bool]],
    resolver: Resolver,
    *,
    headers_only: Sequence[str] = (),
    spf_unconfirmed: bool = False,
) -> DmarcVerdict:
    """Evaluate DMARC for a From domain given SPF (result, domain) and DKIM (d=, passed) pairs.

    The policy record is found with the RFC 9989 DNS tree walk; organisational domains come
    from the walk (deciding) and from the Public Suffix List (shown when they disagree).
    ``headers_only`` lists the d= of signatures whose b= verified but whose body was not given:
    they never make DMARC pass, and when one of them would align and nothing else passes, the
    result is UNKNOWN (not decided) rather than fail. ``spf_unconfirmed``: the SPF pass was
    replayed at a trust boundary nothing confirms (Boundary.unconfirmed); it is treated so too.
    """
    if not from_domain or not normalize(from_domain):
        return DmarcVerdict(
            from_domain=None,
            result=DmarcResult.NONE,
            explanation="No From domain, so DMARC cannot be applied.",
        )
    author = normalize(from_domain)
    lookups = DmarcLookups(resolver)
    idents: list[tuple[str, str, bool]] = []
    if spf is not None and spf[1]:
        idents.append(("spf", normalize(spf[1]), spf[0].strip().lower() == "pass"))
    idents += [("dkim", normalize(d), bool(ok)) for d, ok in dkim if d and normalize(d)]
    unchecked = [normalize(d) for d in headers_only if d and normalize(d)]
    # Walked as if they passed, since with the body they might: their alignment is shown.
    steps, orgs = await _organisations(
        author, idents + [("dkim", d, True) for d in unchecked], lookups
    )
    found, temp, notes = _discover(steps)
    record: DmarcRecord | None = found.record if found else None
    strict_spf = bool(record and record.strict_spf)
    strict_dkim = bool(record and record.strict_dkim)
    alignments = tuple(
        unconfirmed_alignment(a) if spf_unconfirmed and a.method == "spf" and a.authenticated else a
        for a in (
            align(m, d, ok, strict_spf if m == "spf" else strict_dkim, author, orgs)
            for m, d, ok in idents
        )
    ) + tuple(
        headers_only_alignment(align("dkim", d, True, strict_dkim, author, orgs)) for d in unchecked
    )
    evidence = list(lookups.evidence)
    exists: bool | None = None
    policy_tag: str | None = None
    policy: str | None = None
    passes = any(a.passes for a in alignments)
    if record is not None and found is not None and record.is_policy:
        if found.name == author:
            policy_tag, policy = "p", record.effective_p
        elif passes or record.effective_np == record.effective_sp:
            # np= vs sp= (RFC 9989 §4.7) needs three existence queries; they can only change
            # the outcome when DMARC fails and the two policies differ.
            policy_tag, policy = "sp", record.effective_sp
        else:
            exists, recs = await _exists(author, resolver)
            evidence.extend(recs)
            policy_tag = "np" if exists is False else "sp"
            policy = record.effective_np if exists is False else record.effective_sp
        notes.extend(record.defects)
    if temp is not None:
        result = DmarcResult.TEMPERROR
        text = _temp_text(temp.evidence)
    elif record is None:
        # Several records at one name: RFC 9989 §4.10 discards them all and the walk goes on;
        # RFC 7489 §6.6.3 ends discovery. Either way DMARC is not applied, so the result is
        # none, not permerror (RFC 8601 §2.7.6 keeps permerror for a record that cannot be
        # used, and a receiver that stamps it is told apart by the finding).
        result = DmarcResult.NONE
        text = f"No usable DMARC record for {author} or its parents: DMARC does not apply."
        ignored = [
            n
            for n in notes
            if n.severity is Severity.ERROR
            and (n.code in IGNORED_RECORD_CODES or n.code == Code.DMARC_RECORD_MULTIPLE)
        ]
        if ignored:
            text += f" {ignored[0].message}"
    elif not record.is_policy:
        # RFC 9989 §4.10.1: no valid p= (or an invalid sp=/np=) and no valid rua= report URI:
        # "the Mail Receiver applies no DMARC processing to this message".
        notes.extend(record.defects)
        result = DmarcResult.NONE
        text = (
            f"The DMARC record at _dmarc.{found.name if found else author} has no valid p= (or "
            "has an invalid sp= or np=) and no valid rua= report address, so it is not a "
            "policy: DMARC does not apply (RFC 9989 §4.10.1)."
        )
    elif not passes and any(a.aligned for a in alignments if a.method in _UNDECIDED):
        result = DmarcResult.UNKNOWN
        text = undecided_text(alignments, author, policy_tag, policy, found)
    else:
        result = DmarcResult.PASS if passes else DmarcResult.FAIL
        where = f"_dmarc.{found.name}" if found else "?"
        passing = [a.method.upper() for a in alignments if a.passes]
        text = (
            f"DMARC {result.value}: "
            + (
                f"{' and '.join(dict.fromkeys(passing))} aligned with From {author}. "
                if passing
                else f"no passing identifier is aligned with From {author}. "
            )
            + f"Policy {policy_tag}={policy} from {where}"
            + (
                " (the From domain has no A, AAAA or MX record, so np= applies)."
                if policy_tag == "np"
                else " (np= would be the same, so the From domain's existence was not checked)."
                if policy_tag == "sp" and exists is None and not passes
                else "."
            )
        )
    disposition = None
    if result is DmarcResult.FAIL and policy is not None and record is not None:
        disposition = _SOFTER[policy] if record.t == "y" else policy
        if record.t == "y":
            notes.append(
                Defect(
                    Code.DMARC_TEST_MODE,
                    f"t=y (test mode): receivers apply {disposition} instead of {policy}.",
                    Severity.INFO,
                )
            )
        elif record.pct is not None and record.pct < 100:
            notes.append(
                Defect(
                    Code.DMARC_PCT,
                    f"pct={record.pct}: receivers following RFC 7489 apply {policy} to only "
                    f"{record.pct}% of failing mail.",
                    Severity.INFO,
                )
            )
    if record is not None and policy == "none" and result is DmarcResult.FAIL:
        notes.append(
            Defect(
                Code.DMARC_MONITOR_ONLY,
                "The policy is none: failing mail is still delivered (monitoring only).",
                Severity.INFO,
            )
        )
    notes.extend(alignment_notes(alignments, result, author))
    for org in orgs.values():
        d = disagreement(org)
        if d is not None:
            notes.append(d)
    return DmarcVerdict(
        from_domain=author,
        result=result,
        explanation=text,
        record=record,
        record_domain=found.name if found else None,
        policy=policy,
        policy_tag=policy_tag,
        disposition=disposition,
        alignments=alignments,
        org_domain=orgs[author],
        from_domain_exists=exists,
        evidence=tuple(evidence),
        findings=tuple(notes),
    )
