"""Findings in the order a reader needs them: the situation (the cause) first, then the
authentication verdicts, then what the receiver did, then the path; repeats merged and fixes
that a situation contradicts withdrawn."""

from __future__ import annotations

from dataclasses import replace

from headerlens.diagnosis import (
    impersonation,
    unauthenticated,
    wording,
    wording_complaint,
)
from headerlens.diagnosis.advice import ADVISING, withdrawn
from headerlens.diagnosis.detect_signals import queue_delays, short_queues
from headerlens.diagnosis.facts import Complaint, Diagnosis, GapKind, Situation
from headerlens.diagnosis.gap_causes import cause
from headerlens.model import Finding, Severity
from headerlens.model.codes import Code

# Where the fix for an authentication failure is not at the author's DNS.
_FIX_ELSEWHERE = (
    "spoof",
    "forward-srs",
    "forward-nosrs",
    "mailing-list",
    "google-groups",
    "phish-sim",
)
_AUTH = (
    "stamped.spf-",
    "stamped.dkim-",
    "stamped.dmarc-",
    "stamped.compauth-",
    "spf.",
    "dkim.",
    "dmarc.",
    "arc.",
)
_CONSEQUENCE = ("vendor.",)
# Re-verified findings that report the same verdict as a stamp under a more precise code.
_SAME_VERDICT = {
    "spf-fail": (Code.SPF_SERVICE_NOT_INCLUDED, Code.SPF_GATEWAY_BYPASSED),
    "spf-softfail": (Code.SPF_SERVICE_NOT_INCLUDED, Code.SPF_GATEWAY_BYPASSED),
    "spf-permerror": (Code.SPF_TOO_MANY_LOOKUPS, Code.SPF_LOOP),
    "dkim-fail": (Code.DKIM_BODY_MODIFIED,),
}
_REPLACED = (Code.CHAIN_SLOW_HOP, Code.CHAIN_CLOCK_SKEW)  # the delay facts below say it right
_SEVERITY = {
    "spoof": Severity.ERROR,
    "compromised-account": Severity.ERROR,
    "ndr": Severity.ERROR,
    "forged-received": Severity.WARNING,
    "allowlist-override": Severity.WARNING,
    "junk": Severity.WARNING,
    "delay": Severity.WARNING,
    "paste-damage": Severity.WARNING,
}


# The finding code of each situation label (diagnosis.facts.LABELS).
SITUATION_CODES = {
    "phish-sim": Code.SITUATION_PHISH_SIM,
    "ndr": Code.SITUATION_NDR,
    "spoof": Code.SITUATION_SPOOF,
    "compromised-account": Code.SITUATION_COMPROMISED_ACCOUNT,
    "forward-srs": Code.SITUATION_FORWARD_SRS,
    "forward-nosrs": Code.SITUATION_FORWARD_NOSRS,
    "mailing-list": Code.SITUATION_MAILING_LIST,
    "google-groups": Code.SITUATION_GOOGLE_GROUPS,
    "forged-received": Code.SITUATION_FORGED_RECEIVED,
    "allowlist-override": Code.SITUATION_ALLOWLIST_OVERRIDE,
    "junk": Code.SITUATION_JUNK,
    "sender-side-scan": Code.SITUATION_SENDER_SIDE_SCAN,
    "delay": Code.SITUATION_DELAY,
    "tz-artefact": Code.SITUATION_TZ_ARTEFACT,
    "paste-damage": Code.SITUATION_PASTE_DAMAGE,
    "control": Code.SITUATION_CONTROL,
}


def situation_finding(s: Situation) -> Finding:
    # a success notice (RFC 3464 Action: delivered / relayed) reports nothing wrong
    success = s.label == "ndr" and s.fact("succeeded")
    return Finding(
        SITUATION_CODES[s.label],
        Severity.INFO if success else _SEVERITY.get(s.label, Severity.INFO),
        wording.title(s),
        detail="Evidence: " + "; ".join(s.evidence) if s.evidence else "",
        fix=wording.fix(s),
        hop_number=s.hop_number,
    )


def complaint_finding(c: Complaint) -> Finding:
    """The one finding of a complaint / feedback report (no situation label exists for it)."""
    facts = [
        f"{name}: {value}"
        for name, value in (
            ("format", c.format),
            ("feedback type", c.feedback_type),
            ("reporter", c.reporter),
            ("source", c.source),
            ("authentication failure", c.auth_failure),
            ("reported author", c.author),
            ("complainant", ", ".join(c.complainants)),
        )
        if value
    ]
    return Finding(
        Code.FEEDBACK_REPORT,
        Severity.WARNING,
        wording_complaint.complaint_headline(c),
        detail="Evidence: " + "; ".join(facts),
        fix=wording_complaint.complaint_fix(c),
    )


def delay_findings(d: Diagnosis) -> list[Finding]:
    out = []
    queued = queue_delays(d.gaps)
    short = short_queues(d.gaps)
    odd = [g for g in d.gaps if g.kind is GapKind.INCONSISTENT]
    if odd:
        out.append(
            Finding(
                Code.DELAY_INCONSISTENT_TIMES,
                Severity.INFO,
                wording.inconsistent_sentence(odd),
                detail="; ".join(dict.fromkeys(f"{wording.between(g)}: {g.note}" for g in odd)),
                hop_number=odd[0].hop_number if odd[0].hop_number > 0 else None,
            )
        )
    for g in d.gaps:
        if any(g is s for s in short):
            out.append(
                Finding(
                    Code.DELAY_SHORT_QUEUE,
                    Severity.INFO,
                    wording.short_gap_sentence(g),
                    hop_number=g.hop_number if g.hop_number > 0 else None,
                )
            )
            continue
        real = g.kind is GapKind.TRANSIT
        if real and not any(g is q for q in queued):
            continue
        code = {
            GapKind.TRANSIT: Code.DELAY_QUEUE,
            GapKind.SKEW: Code.DELAY_CLOCK_SKEW,
            GapKind.TZ_LABEL: Code.DELAY_TZ_LABEL,
            GapKind.FORGED: Code.DELAY_FORGED_LINE,
            GapKind.REDELIVERED: Code.DELAY_EARLIER_DELIVERY,
            GapKind.NO_QUEUE: Code.DELAY_BEYOND_QUEUE,
        }.get(g.kind)
        if code is None:
            continue
        out.append(
            Finding(
                code,
                # a list's hold or greylisting is the mail system working as designed
                Severity.WARNING if real and cause(g.note) is None else Severity.INFO,
                wording.gap_sentence(g),
                hop_number=g.hop_number if g.hop_number > 0 else None,
            )
        )
    if d.date_note is not None:
        out.append(
            Finding(Code.DELAY_DATE_HEADER, Severity.INFO, wording.date_sentence(d.date_note))
        )
    return out


def group(f: Finding) -> int:
    """0 situations (causes), 1 verdicts, 2 the receiver's filing, 3 delays, 4 the rest."""
    if f.code.startswith(("situation.", "impersonation.", "unauthenticated.")) or (
        f.code is Code.FEEDBACK_REPORT
    ):
        return 0
    if f.code.startswith("delay."):
        return 3
    if f.code.startswith(_AUTH):
        return 1
    if f.code.startswith(_CONSEQUENCE):
        return 2
    return 4


def _merge_stamped(items: list[Finding]) -> list[Finding]:
    """A stamped verdict that says what the re-verification found is folded into it."""
    codes: dict[str, int] = {f.code: i for i, f in enumerate(items)}
    out: list[Finding] = []
    merged: dict[int, list[str]] = {}
    for f in items:
        if f.code.startswith("stamped."):
            method, _, result = f.code.removeprefix("stamped.").partition("-")
            names = (f"{method}.{result}", *_SAME_VERDICT.get(f"{method}-{result}", ()))
            twin = next((codes[n] for n in names if n in codes), None)
            if twin is not None:
                merged.setdefault(twin, []).append(f.title)
                continue
        out.append(f)
    for i, titles in merged.items():
        live = items[i]
        j = out.index(live)
        out[j] = replace(
            live, detail=" ".join([live.detail, "The receiver stamped the same:", *titles]).strip()
        )
    return out


def _not_owners(d: Diagnosis) -> str:
    """Why no verdict's fix goes to the domain's DNS admin when the story says the message is
    not that domain's own legitimate mail but a real account's or another domain's in disguise."""
    comp = d.get("compromised-account")
    if comp is not None:
        return (
            f"No DNS fix: it came through {comp.fact('party') or 'the sending organisation'}'s "
            "real account or server (see the taken-over account finding), which no SPF, DKIM or "
            "DMARC change stops."
        )
    if d.impersonation is not None:
        return (
            "No DNS fix: the sender is not who it shows itself as (see the impersonation "
            "finding); nothing for the recipient to fix."
        )
    bounce = d.get("ndr")
    if bounce is not None and bounce.fact("unvouched"):
        return (
            "No DNS fix on this bounce's word: nothing ties it to the domain it names (it may "
            "be forged), so its own failures are no reason to change that domain's records."
        )
    return ""


def reconcile(findings: tuple[Finding, ...] | list[Finding], d: Diagnosis) -> tuple[Finding, ...]:
    """The report's findings with the diagnosis first and no contradicting advice."""
    items = [f for f in findings if f.code not in _REPLACED]
    items = _merge_stamped(items)
    elsewhere = next(
        (
            s
            for s in d.situations
            if s.label in _FIX_ELSEWHERE
            and not (s.fact("inbound") or s.fact("internal") or s.fact("earlier"))
        ),
        None,
    )
    why = wording.fix(elsewhere) if elsewhere is not None else _not_owners(d)
    if why:
        items = [
            replace(withdrawn(f), fix="", detail=f"{f.detail} {why}".strip())
            if (f.fix or f.code in ADVISING) and f.code.startswith(_AUTH)
            else f
            for f in items
        ]
    situations = [situation_finding(s) for s in d.situations if s.label != "delay"]
    if d.unauthenticated is not None:
        situations.append(unauthenticated.finding(d.unauthenticated))
    if d.impersonation is not None:
        situations.insert(0, impersonation.finding(d.impersonation))
    if d.complaint is not None:
        situations.insert(0, complaint_finding(d.complaint))
        # the report's own hops (feedback loop -> abuse desk) are not the story: the reported
        # message's hops are analysed with it
        items = [f for f in items if f.hop_number is None]
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    # (the findings given are already unique; situations and delays are one per fact)
    return tuple(
        sorted(
            [*situations, *items, *delay_findings(d)], key=lambda f: (group(f), order[f.severity])
        )
    )
