"""Read a domain's published DMARC policy tag by tag, check report destinations, say it plainly.

Discovery is the RFC 9989 §4.10 DNS tree walk shared with message verification
(evaluators/orgdomain.py, evaluators/dmarc.py); external report destinations follow RFC 7489 §7.1.
"""

from __future__ import annotations

import asyncio

from headerlens.dnsclient.dnsproto import Resolver
from headerlens.evaluators.dmarc import (  # the same discovery rule messages get
    IGNORED_RECORD_CODES,
    _discover,
)
from headerlens.evaluators.orgdomain import DmarcLookups, org_domain, psl_org_domain
from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.model.dns import DnsRecord
from headerlens.model.domaincheck import DmarcCheck, DmarcTagCheck, ReportDestination
from headerlens.model.verdicts import DmarcRecord
from headerlens.parsers.dmarcrecord import is_dmarc_record

_ACTION = {
    "none": "delivered as usual (monitoring only)",
    "quarantine": "sent to junk/quarantine",
    "reject": "rejected",
}


def _policy_tags(r: DmarcRecord) -> list[DmarcTagCheck]:
    out = []
    p_problem = None
    if r.effective_p == "none":
        p_problem = Defect(
            Code.DMARC_POLICY_NONE,
            "p=none only monitors: spoofed mail is still delivered. Move to quarantine, then "
            "reject, once reports show all your mail passes.",
        )
    out.append(DmarcTagCheck("p", r.p, f"failing mail is {_ACTION[r.effective_p]}", p_problem))
    sp_meaning = f"subdomains: failing mail is {_ACTION[r.effective_sp]}"
    out.append(DmarcTagCheck("sp", r.sp, sp_meaning + ("" if r.sp else " (absent: as p=)")))
    np_meaning = f"non-existent subdomains: failing mail is {_ACTION[r.effective_np]}"
    out.append(DmarcTagCheck("np", r.np, np_meaning + ("" if r.np else " (absent: as sp=)")))
    for tag, value, what in (("adkim", r.adkim, "DKIM d="), ("aspf", r.aspf, "SPF MAIL FROM")):
        meaning = (
            f"strict: {what} must equal the From domain"
            if value == "s"
            else f"relaxed: {what} may be any name under the same organisational domain"
            + ("" if value else " (absent: relaxed)")
        )
        out.append(DmarcTagCheck(tag, value, meaning))
    return out


def _other_tags(r: DmarcRecord) -> list[DmarcTagCheck]:
    out = []
    if r.pct is not None:
        problem = None
        if r.pct < 100:
            problem = Defect(
                Code.DMARC_PCT,
                f"pct={r.pct}: receivers that still read this legacy tag apply the policy to only "
                f"{r.pct}% of failing mail; RFC 9989 uses t=y for a gradual start.",
            )
        out.append(DmarcTagCheck("pct", str(r.pct), f"legacy: policy applied to {r.pct}%", problem))
    rua_problem = None
    if not r.rua:
        rua_problem = Defect(
            Code.DMARC_NO_RUA,
            "No rua=: nobody receives aggregate reports, so you cannot see who sends as you.",
        )
    out.append(
        DmarcTagCheck("rua", ", ".join(r.rua) or None, "aggregate (daily) reports", rua_problem)
    )
    out.append(DmarcTagCheck("ruf", ", ".join(r.ruf) or None, "failure (per-message) reports"))
    fo = ":".join(r.fo) or None
    fo_meaning = {
        "0": "failure report when every mechanism fails",
        "1": "failure report when any mechanism fails",
        "d": "failure report when DKIM fails",
        "s": "failure report when SPF fails",
    }
    meaning = "; ".join(fo_meaning[o] for o in r.fo) or "absent: fo=0"
    out.append(DmarcTagCheck("fo", fo, meaning + ("" if r.ruf else " (no ruf=, so unused)")))
    t_problem = None
    if r.t == "y":
        t_problem = Defect(
            Code.DMARC_TEST_MODE,
            "t=y: test mode; receivers apply one step softer than the policy says.",
        )
    out.append(DmarcTagCheck("t", r.t, "test mode" if r.t == "y" else "not test mode", t_problem))
    psd_meaning = {
        "y": "this is a public suffix domain",
        "n": "this is an organisational domain",
        "u": "unspecified (the default)",
    }
    out.append(DmarcTagCheck("psd", r.psd, psd_meaning.get(r.psd or "u", "")))
    return out


def _address(uri: str) -> str:
    """``mailto:a@b.example!10m`` -> ``a@b.example``."""
    return uri.split(":", 1)[-1].split("!", 1)[0].strip()


async def _destination(
    tag: str, uri: str, policy_domain: str, resolver: Resolver
) -> ReportDestination:
    address = _address(uri)
    dest = address.rpartition("@")[2].strip().rstrip(".").lower()
    if not uri.lower().startswith("mailto:") or not dest:
        return ReportDestination(tag, uri, address, dest, external=False)
    external = (psl_org_domain(dest) or dest) != (psl_org_domain(policy_domain) or policy_domain)
    if not external:
        return ReportDestination(tag, uri, address, dest, external=False)
    auth_name = f"{policy_domain}._report._dmarc.{dest}"
    rec = await resolver.query(auth_name, "TXT")
    authorised: bool | None = any(is_dmarc_record(a) for a in rec.answers)
    if not rec.answered:
        authorised = None
    return ReportDestination(tag, uri, address, dest, True, auth_name, authorised, rec)


def _destination_problems(dests: tuple[ReportDestination, ...]) -> list[Defect]:
    out = []
    for d in dests:
        if d.external and d.authorised is False:
            out.append(
                Defect(
                    Code.DMARC_REPORT_UNAUTHORISED,
                    f"{d.tag}= sends to {d.address}, outside the domain, but {d.domain} has not "
                    f"agreed: receivers will not send these reports until {d.auth_name} TXT "
                    f'"v=DMARC1" is published (RFC 7489 §7.1).',
                    Severity.ERROR,
                )
            )
        elif d.external and d.authorised is None:
            out.append(
                Defect(
                    Code.DMARC_REPORT_UNKNOWN,
                    f"Could not check whether {d.domain} accepts reports ({d.auth_name}).",
                )
            )
    return out


def _reading(
    domain: str, record: DmarcRecord, record_domain: str, dests: tuple[ReportDestination, ...]
) -> tuple[str, ...]:
    lines = []
    if record_domain == domain:
        lines.append(
            f"Mail from {domain} that fails DMARC is {_ACTION[record.effective_p]} "
            f"(p={record.effective_p})."
        )
    else:
        lines.append(
            f"{domain} has no record of its own: the organisational domain's record at "
            f"_dmarc.{record_domain} applies, so its failing mail is "
            f"{_ACTION[record.effective_sp]} (sp={record.effective_sp}; "
            f"np={record.effective_np} if {domain} did not exist)."
        )
    lines.append(
        f"A spoof of a subdomain (e.g. anything.{record_domain}) would be "
        f"{_ACTION[record.effective_sp]} (sp={record.effective_sp}); one of a subdomain that does "
        f"not exist would be {_ACTION[record.effective_np]} (np={record.effective_np})."
    )
    agg = [d.address for d in dests if d.tag == "rua"]
    fail = [d.address for d in dests if d.tag == "ruf"]
    lines.append(
        ("Aggregate reports go to " + ", ".join(agg) if agg else "No aggregate reports are asked")
        + ("; failure reports go to " + ", ".join(fail) if fail else "; no failure reports")
        + "."
    )
    strict = [m for m, v in (("DKIM", record.adkim), ("SPF", record.aspf)) if v == "s"]
    lines.append(
        f"Alignment: {' and '.join(strict)} strict (exact domain)"
        + ("." if len(strict) == 2 else ", the other relaxed.")
        if strict
        else f"Alignment is relaxed: signatures and MAIL FROM anywhere under {record_domain} count."
    )
    if record.t == "y":
        lines.append("Test mode (t=y): receivers soften the policy by one step.")
    elif record.pct is not None and record.pct < 100:
        lines.append(f"Older receivers apply the policy to {record.pct}% of failing mail (pct).")
    return tuple(lines)


async def check_dmarc_policy(domain: str, resolver: Resolver) -> DmarcCheck:
    """The DMARC record governing ``domain`` with every tag judged and a plain reading."""
    lookups = DmarcLookups(resolver)
    org = await org_domain(domain, lookups)
    steps = await lookups.walk(domain)
    found, temp, notes = _discover(steps)
    evidence: list[DnsRecord] = list(lookups.evidence)
    problems = list(notes)
    if temp:
        problems.append(
            Defect(
                Code.DMARC_TEMPERROR,
                "A DMARC lookup failed, so the policy could not be found; retry later.",
                Severity.ERROR,
            )
        )
    if found is None or found.record is None:
        if not temp:
            org_name = org.psl or domain
            # G7: a record that does not start with v=DMARC1 is named by _discover's notes.
            ignored = any(
                p.severity is Severity.ERROR and p.code in IGNORED_RECORD_CODES for p in notes
            )
            what = "No usable DMARC record" if ignored else "No DMARC record"
            problems.append(
                Defect(
                    Code.DMARC_NONE,
                    f"{what} for {domain} or its parents: receivers apply no policy. "
                    f'Start with _dmarc.{org_name} TXT "v=DMARC1; p=none; '
                    f'rua=mailto:dmarc-reports@{org_name}".',
                    Severity.ERROR,
                )
            )
        return DmarcCheck(
            domain, org_domain=org, problems=tuple(problems), evidence=tuple(evidence)
        )
    record, record_domain = found.record, found.name
    problems.extend(record.defects)
    uris = [("rua", u) for u in record.rua] + [("ruf", u) for u in record.ruf]
    dests = tuple(
        await asyncio.gather(*(_destination(t, u, record_domain, resolver) for t, u in uris))
    )
    evidence.extend(d.evidence for d in dests if d.evidence is not None)
    tags = tuple(_policy_tags(record) + _other_tags(record))
    problems.extend(t.problem for t in tags if t.problem is not None)
    problems.extend(_destination_problems(dests))
    return DmarcCheck(
        domain=domain,
        record=record,
        record_domain=record_domain,
        org_domain=org,
        tags=tags,
        destinations=dests,
        reading=_reading(domain, record, record_domain, dests),
        problems=tuple(problems),
        evidence=tuple(evidence),
    )
