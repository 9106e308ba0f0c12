"""Stamped-verdict sentences and fixes addressed to the party that can act: the signing or sending
domain's admin (only for its own mail), whoever changed the message on the way, or nobody."""

from __future__ import annotations

import re

from headerlens.diagnosis.inputs import same_org, stamps
from headerlens.model import Analysis, Severity
from headerlens.model.auth import MethodResult

NOT_FOR_RECIPIENT = "Nothing for the recipient to fix."
_NO_SIGNATURE = ("no signature", "not signed", "message not signed", "no dkim signature")
# Yahoo writes "dkim=neutral (no sig)" for an unsigned message (not "no signing key")
_NO_SIG = r"\bno sig\b"
_NO_KEY = ("no key", "key not found", "no public key", "nxdomain", "key unavailable")
_CHANGED = (
    "body hash",
    "bad signature",
    "signature did not verify",
    "signature verification failed",
    "verification failed",
)


def _said(r: MethodResult) -> str:
    """What the receiver wrote about the result (its comments and reason), lower-cased."""
    return " ".join([*r.comments, r.reason or ""]).lower()


def _domain(value: str | None) -> str | None:
    return value.rpartition("@")[2].strip().rstrip(".").lower() or None if value else None


def ed25519_signature(analysis: Analysis, r: MethodResult) -> bool:
    """The stamp is about an Ed25519 signature (RFC 8463): the DKIM-Signature fields of its
    domain that its selector / b= prefix designate all use ed25519-sha256, or, when the stamp
    names neither, the domain signed with both algorithms and another stamp passed for it
    (the RSA signature verified, the Ed25519 one was not checked)."""
    d = _domain(r.prop("header.d") or r.prop("header.i"))
    if d is None:
        return False
    sel, b = r.prop("header.s"), (r.prop("header.b") or "").strip()
    sigs = [
        s
        for s in analysis.dkim_signatures
        if s.header_name.lower() == "dkim-signature" and (s.domain or "").lower().rstrip(".") == d
    ]
    if sel:
        sigs = [s for s in sigs if (s.selector or "").lower() == sel.lower()]
    if b:
        sigs = [s for s in sigs if (s.signature or "").startswith(b)]
    ed = [s for s in sigs if (s.algorithm or "").lower().startswith("ed25519")]
    if not ed:
        return False
    if len(ed) == len(sigs):
        return True
    return not sel and not b and _passed_for(analysis, d)


def _passed_for(analysis: Analysis, d: str) -> bool:
    return any(
        s.value == "pass" and same_org(s.result.prop("header.d") or s.result.prop("header.i"), d)
        for s in stamps(analysis, "dkim")
    )


def dkim_advice(analysis: Analysis, who: str, r: MethodResult) -> tuple[str, str, Severity]:
    """The sentence, the fix and the severity of a stamped DKIM result other than pass/none,
    by what the receiver said about it: no signature at all, an Ed25519 signature it cannot
    verify, a missing key (the signer's DNS), content changed after signing (whoever changed
    it), or unexplained (the signer's admin, for its own mail only)."""
    result = r.result.lower()
    d = _domain(r.prop("header.d") or r.prop("header.i"))
    said = _said(r)
    head = f"{who} stamped dkim={result}"
    unsigned = any(k in said for k in _NO_SIGNATURE) or re.search(_NO_SIG, said) is not None
    if unsigned and not (d and _signed_by(analysis, d)):
        return (
            f"{head}: the message carries no DKIM signature, so DKIM neither passed nor failed.",
            "",
            Severity.INFO,
        )
    if ed25519_signature(analysis, r):
        rsa = d is not None and _passed_for(analysis, d)
        also = (
            f" {d}'s RSA signature passed, so DKIM is in order."
            if rsa
            else f" Only {d}'s admin can act: sign with an RSA key too, which every receiver verifies."
        )
        return (
            f"{head} for {d}'s Ed25519 signature: the receiver could not verify it, as many "
            "receivers (Gmail among them) do not support Ed25519 signatures (RFC 8463); it says "
            "nothing about the message.",
            NOT_FOR_RECIPIENT + also,
            Severity.INFO,
        )
    signer = d or "the signing domain"
    if result == "neutral" and "no key" in said and d and _passed_for(analysis, d):
        # Gmail's stamp for a second signature it cannot check, named by header.i only: an
        # Ed25519 one in practice (the copy may no longer carry the signature to tell)
        return (
            f"{head} (no key) for a second signature of {d} that it could not check (typically "
            "an Ed25519 signature, which Gmail and many receivers do not verify, RFC 8463); "
            f"{d}'s other signature passed, so DKIM is in order.",
            NOT_FOR_RECIPIENT,
            Severity.INFO,
        )
    if any(k in said for k in _NO_KEY):
        sel = r.prop("header.s")
        key = f"{sel}._domainkey.{signer}" if sel else f"the selector's record under {signer}"
        return (
            f"{head} for {signer}: the receiver found no public key ({key}).",
            f"{NOT_FOR_RECIPIENT} Only {signer}'s DNS admin can act, and only if this is "
            f"{signer}'s own mail: the key at {key} is missing or was removed.",
            Severity.WARNING,
        )
    if any(k in said for k in _CHANGED):
        return (
            f"{head} for {signer}: the signed content changed after {signer} signed it.",
            f"{NOT_FOR_RECIPIENT} Whoever changed the message after signing must stop or sign "
            f"after changing it: {signer}'s own gateway (a footer, a disclaimer, link rewriting) "
            "or a relay on the way (a list, a forwarder, a security gateway).",
            Severity.ERROR if result == "fail" else Severity.WARNING,
        )
    return (
        f"{head} for {signer}.",
        f"{NOT_FOR_RECIPIENT} Only if this is {signer}'s own mail can its admin act: check that "
        "the selector's public key is published and that nothing modifies the message after "
        "signing (footers, link rewriting).",
        Severity.ERROR if result in ("fail", "permerror") else Severity.WARNING,
    )


def _signed_by(analysis: Analysis, d: str) -> bool:
    return any(
        s.header_name.lower() == "dkim-signature" and same_org(s.domain, d)
        for s in analysis.dkim_signatures
    )


_RECORD = {"spf": "SPF record", "dkim": "DKIM key record", "dmarc": "DMARC record"}
_BROKEN = {
    "spf": "a syntax error, more than 10 DNS lookups, or several SPF records",
    "dkim": "a malformed key record or signature",
    "dmarc": "a syntax error or several DMARC records",
}
_MEANS = {
    "spf": "SPF neither passed nor failed",
    "dkim": "this signature neither passed nor failed",
    "dmarc": "its DMARC policy could not be applied to this message",
}


def error_advice(who: str, method: str, result: str, domain: str | None) -> tuple[str, str]:
    """temperror = DNS trouble at delivery, permerror = a broken record (RFC 7208 §2.6.6-7,
    RFC 6376 §3.9, RFC 7489 §6.6.3). The fix belongs to the domain's DNS admin, for its own
    mail only; a spoof's broken record is nobody's to fix for this message."""
    what = _RECORD[method]
    whose = f"{domain}'s {what}" if domain else f"the {what}"
    owner = f"{domain}'s" if domain else "the domain's"
    if result == "temperror":
        return (
            f"{who} stamped {method}=temperror: its DNS lookup of {whose} failed temporarily at "
            "delivery, so the message was neither authenticated nor failed by this check.",
            f"{NOT_FOR_RECIPIENT} If this is {owner} own mail, its DNS admin should check that its DNS servers answer reliably for the {what}; the "
            "re-verification below shows today's answer.",
        )
    check = (
        f" (`headerlens check {domain}` shows what is published and what is wrong)"
        if domain
        else ""
    )
    return (
        f"{who} stamped {method}=permerror: {whose} could not be used ({_BROKEN[method]}), so "
        f"{_MEANS[method]}.",
        f"{NOT_FOR_RECIPIENT} Only {owner} DNS admin can fix the {what}, and only if this is "
        f"{owner} own mail{check}.",
    )


def dmarc_fail_fix(domain: str | None) -> str:
    dom = domain or "the From domain"
    return (
        f"If {dom} did not send this, nothing to fix: DMARC did its job. Only if it is {dom}'s "
        f"own mail can its admin act: make SPF pass for a MAIL FROM in {dom}, or DKIM-sign with "
        f"d={dom}, at the service that sent it."
    )


def compauth_fix(domain: str | None) -> str:
    dom = domain or "the From domain"
    return (
        f"If {dom} did not send this, nothing to fix. Only if it is {dom}'s own mail can its "
        f"admin act: make SPF or DKIM pass aligned with {dom} (and publish DMARC); compauth "
        "follows them."
    )
