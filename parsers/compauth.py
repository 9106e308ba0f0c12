"""Plain-language meanings of Microsoft's non-standard Authentication-Results values.

Covers composite authentication (``compauth=... reason=NNN``), ``dmarc=bestguesspass`` and the
DMARC ``action=`` values Exchange Online Protection writes. The facts come from Microsoft's
public documentation ("Anti-spam message headers in Microsoft 365", "Security Operations guide
for email authentication", "Configure trusted ARC sealers"); the wording is ours. Microsoft says
the last two digits of most reason codes are internal, so only the families and the few codes
it documents individually are explained.
"""

from __future__ import annotations

from headerlens.parsers.digits import is_ascii_digits

# Individually documented reason codes.
_COMPAUTH_REASONS: dict[str, str] = {
    "000": (
        "failed explicit authentication: the sender's domain publishes DMARC with a "
        "quarantine or reject policy and the message failed it"
    ),
    "001": (
        "failed implicit authentication: the sender's domain publishes no usable "
        "authentication records, or only weak ones (SPF ~all/?all, DMARC p=none), and "
        "Microsoft's own signals did not vouch for the message"
    ),
    "002": (
        "the receiving organisation has an admin-made rule that forbids this sender/domain "
        "pair from spoofing"
    ),
    "010": (
        "failed DMARC with a quarantine or reject policy, and the From domain is one of the "
        "receiving organisation's own accepted domains (self-to-self spoofing)"
    ),
    "111": (
        "passed on a fallback: the sending server's reverse DNS (PTR) matches the From "
        "domain; SPF/DKIM did not give a conclusive pass"
    ),
    "116": (
        "passed on a fallback: the sending server's reverse DNS (PTR) matches the From "
        "domain; SPF/DKIM did not give a conclusive pass"
    ),
    "130": (
        "passed because of ARC: SPF/DKIM/DMARC failed here, but a trusted ARC sealer "
        "vouched that authentication passed before an intermediary changed the message"
    ),
}

# Families by first digit; Microsoft documents these as "<digit>xx".
_COMPAUTH_FAMILIES: dict[str, str] = {
    "1": "passed composite authentication (explicitly, or implicitly with high confidence)",
    "7": "passed composite authentication",
    "2": "soft-passed implicit authentication (compauth=softpass)",
    "3": "composite authentication was not checked",
    "4": "composite authentication was bypassed (for example an allow rule or intra-org mail)",
    "9": "composite authentication was bypassed",
    "6": (
        "failed implicit authentication, and the From domain is one of the receiving "
        "organisation's own accepted domains (self-to-self spoofing)"
    ),
}

_COMPAUTH_RESULTS: dict[str, str] = {
    "pass": "Microsoft considers the From domain authenticated",
    "fail": "Microsoft considers the message a spoof of its From domain",
    "softpass": "Microsoft found weak evidence the From domain is genuine",
    "none": "Microsoft did not judge the From domain",
}

_DMARC_RESULTS: dict[str, str] = {
    "bestguesspass": (
        "the From domain publishes no DMARC record; had it published one, the message would "
        "have passed (Microsoft-only result, not a real DMARC pass)"
    ),
}

# DMARC ``action=`` values stamped by Exchange Online Protection.
_DMARC_ACTIONS: dict[str, str] = {
    "none": "no DMARC action was taken",
    "quarantine": "DMARC policy quarantine was applied",
    "reject": "DMARC policy reject was applied",
    "oreject": (
        "override reject: the domain's DMARC policy says reject, but Microsoft delivered the "
        "message as spam (junk/quarantine) instead of bouncing it"
    ),
    "o.reject": (
        "override reject: the domain's DMARC policy says reject, but Microsoft delivered the "
        "message as spam (junk/quarantine) instead of bouncing it"
    ),
    "pct.quarantine": "DMARC failed, but the pct= sampling let this message through",
    "pct.reject": "DMARC failed, but the pct= sampling let this message through",
    "permerror": "the domain's DMARC record has an error, so no action was taken",
}


def explain_compauth_reason(reason: str | None) -> str | None:
    """Meaning of a compauth ``reason=`` code ("109" -> pass family), or None if unknown."""
    if reason is None:
        return None
    code = reason.strip()
    if len(code) != 3 or not is_ascii_digits(code):
        return None
    if code in _COMPAUTH_REASONS:
        return f"reason {code}: {_COMPAUTH_REASONS[code]}"
    family = _COMPAUTH_FAMILIES.get(code[0])
    if family is None:
        return None
    return f"reason {code} ({code[0]}xx): {family}; the last two digits are Microsoft-internal"


def explain_method_result(
    method: str, result: str, reason: str | None, extras: tuple[tuple[str, str], ...]
) -> str | None:
    """A one-line explanation of a Microsoft-specific method result, or None.

    ``compauth`` gets its result and reason explained; ``dmarc`` gets ``bestguesspass`` and the
    ``action=`` value explained. Other methods return None (their meaning is standard).
    """
    method = method.lower()
    result = result.lower()
    parts: list[str] = []
    if method == "compauth":
        if result in _COMPAUTH_RESULTS:
            parts.append(f"compauth={result}: {_COMPAUTH_RESULTS[result]}")
        why = explain_compauth_reason(reason)
        if why is not None:
            parts.append(why)
    elif method == "dmarc":
        if result in _DMARC_RESULTS:
            parts.append(f"dmarc={result}: {_DMARC_RESULTS[result]}")
        for key, val in extras:
            if key.lower() == "action" and val.lower() in _DMARC_ACTIONS:
                parts.append(f"action={val.lower()}: {_DMARC_ACTIONS[val.lower()]}")
    return "; ".join(parts) if parts else None
