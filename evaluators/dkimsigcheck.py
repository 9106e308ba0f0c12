"""One DKIM-Signature as the verifier reads it: tags, structural findings, canonicalisation,
and t=/x= judged at the receipt time (RFC 6376 §3.5, §6.1.1)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import dkim
from dkim.canonicalization import (
    CanonicalizationPolicy,
    InvalidCanonicalizationPolicyError,
    Relaxed,
)
from dkim.util import InvalidTagValueList, parse_tag_value

from headerlens import budgets
from headerlens.evaluators.bodyhash import BodyDigests
from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.parsers.digits import is_ascii_digits
from headerlens.parsers.dkimsig import dns_name_problem

CLOCK_SLOP_S = 36000  # the same 10 h leeway dkimpy allows for signers with wrong clocks
MAX_DIGITS = int(budgets.DKIM_TAG_DIGITS.limit)  # RFC 6376 §3.5


@dataclass
class Sig:
    """Working state for one signature while it is checked (internal, mutable)."""

    index: int
    header_index: int
    header_field: tuple[bytes, bytes]
    tags: dict[bytes, bytes] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    include: list[bytes] = field(default_factory=list)
    error: Defect | None = None
    findings: list[Defect] = field(default_factory=list)
    # dkimpy split the header section into other fields than our splitter (a bare CR, a
    # whitespace-only line): its header numbers are not ours, so no per-instance map is shown
    view_differs: bool = False
    unsigned_body_bytes: int | None = None  # body bytes after l= (None: no l= or not known)

    def get(self, tag: str) -> str | None:
        return self.text.get(tag)

    @property
    def key_name(self) -> str | None:
        s, d = self.get("s"), self.get("d")
        return f"{s}._domainkey.{d}".rstrip(".").lower() if s and d else None


def timestamp(value: str | None) -> datetime | None:
    if value is None or not is_ascii_digits(value):
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (OverflowError, OSError, ValueError):
        return None


def parse_sig(index: int, header_index: int, name: bytes, value: bytes) -> Sig:
    """Tag list and dkimpy's field checks, minus its wall-clock t=/x= rules (we judge those)."""
    sig = Sig(index, header_index, (name, value))
    try:
        sig.tags = parse_tag_value(value)
    except InvalidTagValueList as exc:
        sig.error = Defect(Code.DKIM_SIG_SYNTAX, f"The signature is not a valid tag list ({exc}).")
        return sig
    sig.text = {
        k.decode("ascii", "replace"): v.decode("utf-8", "replace") for k, v in sig.tags.items()
    }
    for tag in ("t", "x"):
        raw = sig.get(tag)
        if raw is not None and not is_ascii_digits(raw):
            sig.error = Defect(Code.DKIM_SIG_SYNTAX, f"{tag}={raw[:40]} is not a decimal number.")
            return sig
    for tag in ("l", "t", "x"):
        raw = sig.get(tag)
        if raw is not None and len(raw) > MAX_DIGITS:
            # Checked before any int(): Python refuses > 4300 digits (CVE-2020-10735).
            sig.error = Defect(
                Code.DKIM_SIG_SYNTAX,
                f"{tag}= has {len(raw)} digits; RFC 6376 §3.5 allows at most {MAX_DIGITS}.",
            )
            return sig
    try:
        dkim.validate_signature_fields({k: v for k, v in sig.tags.items() if k not in (b"t", b"x")})
    except dkim.DKIMException as exc:
        sig.error = Defect(Code.DKIM_SIG_INVALID, f"The signature is malformed: {exc}.")
        return sig
    for tag, labels in (("d", 2), ("s", 1)):
        why = dns_name_problem(sig.get(tag) or "", min_labels=labels)
        if why is not None:
            # never look up (or align with) a name like "legit.com(.attacker.com"
            sig.error = Defect(
                Code.DKIM_SIG_BAD_NAME, f"{tag}= {sig.get(tag)!r:.80} {why}; no key was looked up."
            )
            return sig
    sig.include = [h.lower() for h in re.split(rb"\s*:\s*", sig.tags[b"h"]) if h]
    if b"from" not in sig.include:
        sig.error = Defect(Code.DKIM_SIG_FROM_UNSIGNED, "h= does not list From (RFC 6376 §5.4).")
    return sig


def structure_findings(sig: Sig, digests: BodyDigests, has_body: bool) -> None:
    """l= and From over-signing: things that pass but leave room for tampering."""
    if sig.include.count(b"from") == 1:
        sig.findings.append(
            Defect(
                Code.DKIM_FROM_NOT_OVERSIGNED,
                "h= lists From only once: a second From field could be added above it without "
                "breaking this signature. Sign From twice (over-signing).",
                Severity.INFO,
            )
        )
    length = sig.get("l")
    if length is not None and is_ascii_digits(length):
        extra = ""
        if has_body:
            policy = canon_policy(sig)
            total = digests.length(policy.body_algorithm is Relaxed) if policy else None
            if total is not None and total > int(length):
                sig.unsigned_body_bytes = total - int(length)
                extra = f" {total - int(length)} byte(s) of this body are not covered."
            elif total is not None and total < int(length):
                extra = " The body is now shorter than l= says."
        sig.findings.append(
            Defect(
                Code.DKIM_BODY_LENGTH,
                f"l={length}: only the first {length} bytes of the body are signed, so content "
                f"could have been appended without breaking the signature.{extra}",
                Severity.WARNING,
            )
        )


def canon_policy(sig: Sig) -> CanonicalizationPolicy | None:
    try:
        return CanonicalizationPolicy.from_c_value(sig.tags.get(b"c", b"simple/simple"))
    except InvalidCanonicalizationPolicyError:
        return None


def expiry_defect(sig: Sig, receipt: datetime | None, now: datetime) -> Defect | None:
    """Judge t= and x= against the receipt time, not the wall clock (RFC 6376 §3.5)."""
    signed, expires = timestamp(sig.get("t")), timestamp(sig.get("x"))
    when = receipt or now
    label = "receipt" if receipt else "now (no receipt time known)"
    if signed and expires and expires < signed:
        return Defect(Code.DKIM_SIG_X_BEFORE_T, "x= is earlier than t= (RFC 6376 §3.5).")
    if signed and (signed - when).total_seconds() > CLOCK_SLOP_S:
        sig.findings.append(
            Defect(
                Code.DKIM_SIG_FUTURE,
                f"t= ({signed:%Y-%m-%d %H:%M} UTC) is later than {label}: the signer's clock is "
                "wrong.",
            )
        )
    if expires is None:
        return None
    if (when - expires).total_seconds() > CLOCK_SLOP_S:
        return Defect(
            Code.DKIM_SIG_EXPIRED,
            f"The signature expired (x= {expires:%Y-%m-%d %H:%M} UTC) before {label}.",
            Severity.ERROR,
        )
    if receipt and expires < now:
        sig.findings.append(
            Defect(
                Code.DKIM_SIG_EXPIRED_SINCE,
                f"x= ({expires:%Y-%m-%d %H:%M} UTC) has passed since delivery; that does not "
                "matter: expiry is judged at receipt.",
                Severity.INFO,
            )
        )
    return None


def age_days(sig: Sig, receipt: datetime | None, now: datetime) -> int | None:
    born = receipt or timestamp(sig.get("t"))
    return round((now - born).total_seconds() / 86400) if born else None
