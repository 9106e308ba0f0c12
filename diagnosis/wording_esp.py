"""Words for mail sent through a sending service whose From domain's DMARC nothing decided."""

from __future__ import annotations

from headerlens.diagnosis.facts import Unauthenticated, ViaService
from headerlens.model import Finding, Severity
from headerlens.model.codes import Code


def _signs(v: ViaService) -> str:
    return "; ".join(v.signs)


def _state(v: ViaService, dom: str) -> str:
    """What is known of ``dom``'s DMARC, in a clause."""
    if v.dmarc == "no-policy":
        return (
            f"{dom} publishes no usable DMARC policy, so nothing ties the message to {dom}: it "
            "cannot be told from a spoof, though nothing marks it as one either"
        )
    if v.dmarc == "undecided":
        return (
            f"DMARC for {dom} was not decided (the DNS answers needed were not obtained): "
            "neither authenticated nor a proven spoof"
        )
    return (
        f"DMARC alignment for {dom} is not proven offline (re-run with DNS): neither "
        "authenticated nor a proven spoof"
    )


_KINDS = (
    ("the envelope", "its envelope"),
    ("the DKIM", "its DKIM signature"),
    ("the sending host", "its sending host"),
)


def cause(u: Unauthenticated, v: ViaService) -> str:
    """The headline's cause: which kinds of fields name the service, in short."""
    kinds = [word for lead, word in _KINDS if any(s.startswith(lead) for s in v.signs)]
    others = sum(1 for s in v.signs if not s.startswith(tuple(lead for lead, _ in _KINDS)))
    if others:
        kinds.append(f"{others} more field{'s' if others > 1 else ''}")
    named = ", ".join(kinds[:-1]) + (" and " if len(kinds) > 1 else "") + kinds[-1]
    return f"Sent through {v.name} for {u.domain} ({named} name {v.name}); {_state(v, u.domain)}"


def finding(u: Unauthenticated, v: ViaService) -> Finding:
    dom = u.domain
    if v.dmarc == "no-policy":
        fix = (
            "Treat the sender as unverified; nothing for the recipient to fix. If this is "
            f"{dom}'s own mailing, {dom} can have {v.name} sign with its own domain (DKIM "
            f"d={dom}) and publish a DMARC policy, so receivers can tell its mail from forgeries."
        )
    else:
        fix = (
            f"Re-run with DNS: a DMARC pass shows {dom} authorised the mailing ({v.name} signed "
            f"with {dom}'s domain or used it as the envelope); a DMARC failure makes it a spoof "
            f"of {dom}. Nothing for the recipient to fix meanwhile."
        )
    return Finding(
        Code.UNAUTHENTICATED_ESP,
        Severity.WARNING,
        f"Sent through {v.name} for {dom}: {_state(v, dom)}.",
        detail=f"Evidence: {_signs(v)}; sent from {u.host}. The sender writes or chooses every "
        f"one of these fields, so they show which service it came through, not that {dom} "
        f"authorised it: {v.name}'s own envelope and signature are not aligned with {dom}, and "
        f"only {dom}'s DMARC (its own domain signing, or as the envelope) can tell its mailing "
        "from a spoof sent through the same service.",
        fix=fix,
    )
