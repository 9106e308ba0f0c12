"""Re-validate the ARC chain with dkimpy's ARC verifier, keys prefetched (RFC 8617 §5.2).

dkimpy gets the header section only: given the whole message, its parser splits and re-joins the
body (11x the input in memory with 50 sets) and every ARC-Message-Signature canonicalises the body
again (50 sets over a large body: 76 s). Here each AMS body hash comes from one streamed pass per
canonicalisation (checks.bodyhash.BodyDigests) shared by all sets.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
from collections.abc import Mapping
from typing import Any

import dkim
from dkim.canonicalization import (
    CanonicalizationPolicy,
    InvalidCanonicalizationPolicyError,
    Relaxed,
)
from dkim.crypto import HASH_ALGORITHMS
from dkim.util import InvalidTagValueList, parse_tag_value

from headerlens import budgets
from headerlens.dnsclient.dnsproto import Resolver
from headerlens.evaluators.bodyhash import BodyDigests, split_message
from headerlens.evaluators.dkimkey import pick_key_record
from headerlens.evaluators.dkimsigcheck import MAX_DIGITS
from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.model.dns import DnsRecord, Rcode
from headerlens.model.verdicts import ArcInstanceResult, ArcResult, ArcVerdict, DkimKey

_ARC_SIGNED = (b"arc-seal", b"arc-message-signature")
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_COMMENT = re.compile(r"\([^()]*\)")
# No answer at all (timeout, no usable server, not in a replayed snapshot): the chain can't be
# judged. A server that answered SERVFAIL/REFUSED still counts as a failed chain, as before.
_NO_ANSWER_RCODES = frozenset({Rcode.TIMEOUT, Rcode.ERROR, Rcode.MISSING})
_METHOD = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*=\s*([A-Za-z0-9_-]+)")


class _ArcVerifier(dkim.ARC):  # type: ignore[misc]  # dkimpy ships no type hints
    """dkimpy's ARC verifier over the header section; AMS body hashes are checked here.

    dkimpy checks the body hash before b=; it gets every AMS without bh= (so it only verifies
    b=, which covers the AMS field itself, bh= included), after the body hash was compared with
    the shared streamed digest. Without a body (header-only input) bh= is not checked at all.
    """

    def __init__(self, head: bytes, digests: BodyDigests | None) -> None:
        super().__init__(head, minkey=1024)
        self._digests = digests

    def verify_sig_process(
        self, sig: dict[bytes, bytes], include_headers: list[bytes], sig_header: Any, dnsfunc: Any
    ) -> Any:
        if b"bh" in sig:
            if self._digests is not None:
                _check_body_hash(sig, self._digests)
            sig = {k: v for k, v in sig.items() if k != b"bh"}
        return super().verify_sig_process(sig, include_headers, sig_header, dnsfunc)


def _check_body_hash(sig: dict[bytes, bytes], digests: BodyDigests) -> None:
    """Raise as dkimpy would when bh= does not match the canonical body (RFC 6376 §3.7)."""
    try:
        policy = CanonicalizationPolicy.from_c_value(sig.get(b"c", b"simple/simple"))
    except InvalidCanonicalizationPolicyError as exc:
        raise dkim.MessageFormatError(f"invalid c= value: {exc.args[0]}") from None
    hasher = HASH_ALGORITHMS.get(sig.get(b"a", b""))
    if hasher is None:
        raise dkim.ValidationError(f"unknown signature algorithm: {sig.get(b'a')!r}")
    length = sig.get(b"l")
    if length is not None and not (length.isdigit() and len(length) <= MAX_DIGITS):
        raise dkim.MessageFormatError(f"invalid l= value: {length[:40]!r}")
    limit = int(length) if length is not None else None
    digest = digests.digest(policy.body_algorithm is Relaxed, hasher, limit)
    try:
        expected = base64.b64decode(re.sub(rb"\s+", b"", sig[b"bh"]))
    except (binascii.Error, ValueError) as exc:
        raise dkim.MessageFormatError(str(exc)) from None
    if digest != expected:
        raise dkim.ValidationError(
            f"body hash mismatch (got {base64.b64encode(digest)!r}, expected {sig[b'bh']!r})"
        )


def _key_uses(verifier: _ArcVerifier) -> list[tuple[str, str, int]]:
    """(``<s>._domainkey.<d>``, field name, i=) for every ARC-Seal and ARC-Message-Signature."""
    uses: list[tuple[str, str, int]] = []
    for name, value in verifier.headers:
        if name.lower() not in _ARC_SIGNED:
            continue
        try:
            tags = parse_tag_value(value)
        except InvalidTagValueList:
            continue
        s, d, i = tags.get(b"s"), tags.get(b"d"), tags.get(b"i", b"").strip()
        if s and d:
            key = f"{s.decode('utf-8', 'replace')}._domainkey.{d.decode('utf-8', 'replace')}"
            field = "ARC-Seal" if name.lower() == b"arc-seal" else "ARC-Message-Signature"
            number = int(i) if i.isascii() and i.isdigit() and len(i) < 4 else 0
            uses.append((key.rstrip(".").lower(), field, number))
    return uses


def _key_names(verifier: _ArcVerifier) -> set[str]:
    """The ``<s>._domainkey.<d>`` names every ARC-Seal and ARC-Message-Signature points to."""
    return {name for name, _field, _i in _key_uses(verifier)}


def _missing_keys(
    verifier: _ArcVerifier, records: Mapping[str, DnsRecord], keys: Mapping[str, DkimKey | None]
) -> list[tuple[str, Defect]]:
    """A finding naming each key the chain needs that could not be used (RFC 8617 §5.2).

    Every ARC-Seal must validate, and the newest ARC-Message-Signature; an older AMS's key is
    not needed, so its absence is not named as the cause.
    """
    uses = _key_uses(verifier)
    newest = max((i for _n, f, i in uses if f == "ARC-Message-Signature"), default=0)
    needed: dict[str, list[str]] = {}
    for name, field, i in uses:
        if field == "ARC-Seal" or i == newest:
            needed.setdefault(name, []).append(f"{field} i={i}")
    out: list[tuple[str, Defect]] = []
    for name, fields in needed.items():
        rec, key = records.get(name), keys.get(name)
        if rec is None or (key is not None and key.usable):
            continue
        if rec.rcode == Rcode.NXDOMAIN:
            why = "does not exist (NXDOMAIN)"
        elif not rec.answers:
            why = f"has no TXT record ({rec.rcode})"
        elif key is None:
            why = "holds no DKIM key record"
        elif key.revoked:
            why = "is revoked (empty p=)"
        else:
            why = "holds a key that cannot be used" + (
                f" ({key.defects[0].message})" if key.defects else ""
            )
        out.append(
            (
                name,
                Defect(
                    Code.ARC_KEY_MISSING,
                    f"The ARC key {name} ({', '.join(fields)}) {why}, so that signature cannot be "
                    "verified and the chain fails. The key was probably rotated or removed since "
                    "the message was sealed; ask the operator of that domain.",
                    Severity.ERROR,
                ),
            )
        )
    return out


def summarize_aar(value: str) -> tuple[tuple[str, str], ...]:
    """The ``method=result`` pairs an ARC-Authentication-Results value states, in order.

    A display summary only (comments dropped, properties ignored); the full RFC 8601 reading
    of these fields is the Authentication-Results parser's job.
    """
    clauses = _COMMENT.sub("", value).split(";")
    out: list[tuple[str, str]] = []
    for clause in clauses[2:] if clauses and clauses[0].strip().startswith("i=") else clauses[1:]:
        m = _METHOD.match(clause)
        if m:
            out.append((m.group(1).lower(), m.group(2).lower()))
    return tuple(out)


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return None if value is None else str(value)


def _instances(data: list[Mapping[str, Any]]) -> tuple[ArcInstanceResult, ...]:
    out = []
    for item in data:
        aar = (_text(item.get("aar-value")) or "").strip()
        out.append(
            ArcInstanceResult(
                instance=int(item["instance"]),
                ams_domain=_text(item.get("ams-domain")),
                ams_selector=_text(item.get("ams-selector")),
                ams_valid=item.get("ams-valid"),
                seal_domain=_text(item.get("as-domain")),
                seal_selector=_text(item.get("as-selector")),
                seal_valid=item.get("as-valid"),
                cv=(_text(item.get("cv")) or "").lower() or None,
                aar=aar or None,
                aar_results=summarize_aar(aar),
            )
        )
    return tuple(out)


def _oldest_pass(instances: tuple[ArcInstanceResult, ...]) -> int | None:
    """Lowest instance from which every newer AMS validates too (RFC 8617 §5.2 "oldest-pass")."""
    oldest = None
    for inst in instances:  # newest first
        if not inst.ams_valid:
            break
        oldest = inst.instance
    return oldest


def _explain(
    result: ArcResult,
    reason: str,
    instances: tuple[ArcInstanceResult, ...],
    oldest: int | None,
    header_only: bool,
) -> tuple[str, list[Defect]]:
    notes: list[Defect] = []
    if result is ArcResult.NONE:
        return "The message carries no ARC sets.", notes
    newest = instances[0].instance if instances else None
    if result is ArcResult.PASS:
        text = f"The ARC chain i=1..{newest} validates."
        if oldest is not None and oldest > 1:
            text += (
                f" AMS i={oldest - 1} and older no longer validate (the message was changed after"
                " they were added); ARC allows that, only the newest AMS must validate."
            )
    elif result is ArcResult.UNAVAILABLE:
        text = f"Not checked: {reason}."
    elif result is ArcResult.TEMPERROR:
        text = f"The ARC chain could not be validated: {reason}."
    else:
        text = f"The ARC chain fails: {reason}."
    first = next((i for i in instances if i.instance == 1), None)
    if first is not None and first.aar_results:
        said = " ".join(f"{m}={r}" for m, r in first.aar_results)
        text += f" The first ARC handler (i=1, {first.seal_domain}) recorded: {said}."
    if header_only:
        text += " Body not available: AMS body hashes could not be checked, only signed headers."
        notes.append(
            Defect(
                Code.ARC_HEADER_ONLY,
                "Only the header section was given, so ARC-Message-Signature body hashes (bh=) "
                "were not checked; the chain result covers the signed header fields.",
                Severity.INFO,
            )
        )
    return text, notes


def _unsure(records: list[DnsRecord]) -> tuple[ArcResult, str] | None:
    """When a key lookup got no answer or was not made, a failing chain is unknown rather than
    "fail" (compare temperror for DKIM keys, RFC 8601 §2.7.1); the reason names the cause."""
    offline = [r for r in records if r.rcode == Rcode.OFFLINE]
    if offline:
        names = ", ".join(r.name for r in offline)
        return (
            ArcResult.UNAVAILABLE,
            f"offline: the ARC keys ({names}) were not looked up",
        )
    failed = [r for r in records if r.rcode in _NO_ANSWER_RCODES]
    if failed:
        causes = "; ".join(
            f"{r.name}: {r.rcode}" + (f" ({r.error})" if r.error else "") for r in failed
        )
        return (
            ArcResult.TEMPERROR,
            f"key lookup failed: {causes}",
        )
    return None


async def verify_arc(
    raw: bytes,
    resolver: Resolver,
    *,
    has_body: bool | None = None,
    digests: BodyDigests | None = None,
) -> ArcVerdict:
    """Validate the ARC chain of ``raw``; ``has_body`` None means "header-only if no body".

    ``digests`` shares body hashes with the DKIM check (it must be over the body of ``raw``).

    All AS/AMS keys are fetched concurrently first, then dkimpy's ARC verifier runs with a
    ``dnsfunc`` serving only those answers (and refusing keys we judged unsafe to compute with).
    """
    header_only = (not has_body) if has_body is not None else not _HEADER_END.search(raw)
    head, body = split_message(raw)
    if header_only:
        digests = None
    elif digests is None:
        digests = BodyDigests(body if body is not None else b"")
    try:
        verifier = _ArcVerifier(head, digests)
    except Exception as exc:  # dkimpy raises IndexError and others on odd header blocks
        return ArcVerdict(ArcResult.FAIL, str(exc), f"The header section could not be read: {exc}.")
    seals = sum(1 for name, _value in verifier.headers if name.lower() == b"arc-seal")
    if seals > budgets.ARC_SETS.limit:
        # RFC 8617 §5.2 step 1: more than 50 sets is cv=fail, decided before any DNS query.
        finding = budgets.exceeded(
            budgets.ARC_SETS, seals, "The chain fails without any key lookup.", Severity.ERROR
        )
        return ArcVerdict(ArcResult.FAIL, "too many ARC sets", finding.message, findings=(finding,))
    names = sorted(_key_names(verifier))
    records: list[DnsRecord] = list(
        await asyncio.gather(*(resolver.query(n, "TXT") for n in names))
    )
    keys: dict[str, DkimKey | None] = {}
    notes: list[Defect] = []
    for name, rec in zip(names, records, strict=True):
        key, key_notes = pick_key_record(rec.answers)
        keys[name] = key
        notes.extend(key_notes)
        if key is not None:
            notes.extend(key.defects)

    def dnsfunc(name: bytes, timeout: int = 5) -> bytes | None:
        """dkimpy's lookup hook: the prefetched key, or nothing for a key we will not use."""
        key = keys.get(name.decode("utf-8", "replace").rstrip(".").lower())
        if key is None or not key.usable:
            return None
        return key.raw.encode("utf-8", "surrogateescape")

    try:
        cv, data, reason = verifier.verify(dnsfunc=dnsfunc)
    except Exception as exc:
        cv, data, reason = dkim.CV_Fail, [], f"{type(exc).__name__}: {exc}"
    terminated = cv is None
    result = {dkim.CV_Pass: ArcResult.PASS, dkim.CV_None: ArcResult.NONE}.get(cv, ArcResult.FAIL)
    if result is ArcResult.NONE and seals:
        # ARC fields are present but dkimpy found no instance 1..50 (e.g. only i=0): that is a
        # broken chain (RFC 8617 §5.2 step 3), not an unsigned message.
        result, reason = ArcResult.FAIL, "ARC fields present but no valid instance (i=1..50)"
    instances = _instances(data)
    unsure = _unsure(records) if result is ArcResult.FAIL else None
    if unsure is not None:
        result, reason = unsure
    if result is ArcResult.FAIL:
        missing = _missing_keys(verifier, dict(zip(names, records, strict=True)), keys)
        notes.extend(defect for _name, defect in missing)
        if missing:
            reason = f"{reason} (key {', '.join(name for name, _d in missing)} not usable)"
    oldest = _oldest_pass(instances) if result is ArcResult.PASS else None
    text, more = _explain(result, str(reason), instances, oldest, header_only)
    if terminated:
        text += " A seal already reported cv=fail, so the chain was broken before this hop."
    return ArcVerdict(
        result=result,
        reason=str(reason),
        explanation=text,
        instances=instances,
        oldest_pass=oldest,
        header_only=header_only and result is not ArcResult.NONE,
        terminated=terminated,
        evidence=tuple(records),
        findings=tuple(notes + more),
    )
