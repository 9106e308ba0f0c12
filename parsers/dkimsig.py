"""DKIM-Signature, ARC-Message-Signature and ARC-Seal fields, and ARC set grouping.

Syntax per RFC 6376 §3.5 (DKIM) and RFC 8617 §4.1, §4.2, §5.1.1 (ARC). Only syntax is checked
here; cryptographic verification belongs to the evaluators (evaluators/dkim.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from headerlens import budgets
from headerlens.model.auth import ARCSeal, ARCSet, AuthResults, DKIMSignature, TagList
from headerlens.model.core import Defect, HeaderField, Severity
from headerlens.parsers.digits import is_ascii_digits
from headerlens.parsers.taglist import parse_tag_list

if TYPE_CHECKING:  # the code registry loads where a defect is made, not before the first frame
    from headerlens.model.codes import Code

_WS_RE = re.compile(r"[ \t\r\n]+")
_DKIM_REQUIRED = ("v", "a", "b", "bh", "d", "h", "s")  # RFC 6376 §3.5
_AMS_REQUIRED = ("i", "a", "b", "bh", "d", "h", "s")  # RFC 8617 §4.1.2
_SEAL_REQUIRED = ("i", "a", "b", "d", "s", "cv")  # RFC 8617 §4.1.3
_KNOWN_ALGORITHMS = frozenset({"rsa-sha256", "ed25519-sha256"})  # RFC 6376, RFC 8463
_CV_VALUES = frozenset({"none", "fail", "pass"})  # RFC 8617 §4.4
ARC_MAX_INSTANCE = int(budgets.ARC_SETS.limit)  # RFC 8617 §4.2.1
_MAX_DIGITS = int(budgets.DKIM_TAG_DIGITS.limit)  # RFC 6376 §3.5
# RFC 6376 §3.5 d= / s= are domain names / selectors (sub-domain syntax, RFC 5321 §4.1.2): LDH
# labels (underscore tolerated, as published selectors use it) of 1-63 octets, 253 in all.
_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\Z")


def _defect(code: Code, message: str, severity: Severity = Severity.WARNING) -> Defect:

    return Defect(code, message, severity)


def _int_tag(tags: TagList, name: str, what: str, defects: list[Defect]) -> int | None:
    """The tag as a non-negative integer; a defect when present but not numeric."""
    raw = tags.get(name)
    if raw is None:
        return None
    if is_ascii_digits(raw):
        if len(raw) > _MAX_DIGITS:
            from headerlens.model.codes import Code

            # RFC 6376 §3.5 caps l=, t= and x= at 76 digits; checking first also keeps int()
            # from raising on Python's 4300-digit conversion limit (CVE-2020-10735).
            defects.append(
                _defect(
                    Code.DKIM_NUMBER_TOO_LONG,
                    f"{name}= ({what}) has {len(raw)} digits, more than the {_MAX_DIGITS} RFC 6376 §3.5 "
                    "allows; the signature is invalid.",
                    Severity.ERROR,
                )
            )
            return None
        return int(raw)
    from headerlens.model.codes import Code

    defects.append(
        _defect(Code.DKIM_BAD_NUMBER, f"{name}= ({what}) is not a number: {raw[:40]!r}.")
    )
    return None


def _no_ws(value: str | None) -> str | None:
    """Remove FWS from a base64 value (b=, bh=): RFC 6376 §3.5 says it is ignored."""
    return None if value is None else _WS_RE.sub("", value)


def _instance(tags: TagList, defects: list[Defect], kind: str) -> int | None:
    inst = _int_tag(tags, "i", "ARC instance", defects)
    if inst is not None and not 1 <= inst <= ARC_MAX_INSTANCE:
        from headerlens.model.codes import Code

        defects.append(
            _defect(
                Code.ARC_BAD_INSTANCE,
                f"{kind} instance i={inst} is outside 1..{ARC_MAX_INSTANCE} (RFC 8617 §4.2.1).",
                Severity.ERROR,
            )
        )
    return inst


def _check_required(tags: TagList, required: Iterable[str], kind: str) -> list[Defect]:
    missing = [name for name in required if tags.get(name) is None]
    if not missing:
        return []
    from headerlens.model.codes import Code

    return [
        _defect(Code.DKIM_MISSING_TAG, f"{kind} lacks the required tag {name}=.", Severity.ERROR)
        for name in missing
    ]


def _check_algorithm(algorithm: str | None, kind: str) -> list[Defect]:
    if algorithm is None or algorithm.lower() in _KNOWN_ALGORITHMS:
        return []
    if algorithm.lower() == "rsa-sha1":
        from headerlens.model.codes import Code

        return [
            _defect(
                Code.DKIM_RSA_SHA1,
                f"{kind} uses rsa-sha1, which RFC 8301 §3.1 says verifiers must not accept.",
            )
        ]
    from headerlens.model.codes import Code

    return [_defect(Code.DKIM_UNKNOWN_ALGORITHM, f"{kind} uses unknown algorithm a={algorithm}.")]


def dns_name_problem(name: str, *, min_labels: int = 1) -> str | None:
    """Why ``name`` is not a usable DNS name for a key lookup, or None when it is."""
    if not name.isascii():
        return "contains non-ASCII characters (use the A-label)"
    if len(name.rstrip(".")) > 253:
        return "is longer than 253 characters"
    labels = name.removesuffix(".").split(".")
    for label in labels:
        if not _LABEL.match(label):
            return f"has an invalid label {label[:70]!r}"
    if len(labels) < min_labels:
        return "is not a multi-label domain"
    return None


def _check_names(domain: str | None, selector: str | None, kind: str) -> list[Defect]:
    """d= and s= must be DNS names before any key is looked up (RFC 6376 §3.5, §3.6.2.1);
    a value like ``legit.com(.attacker.com`` must never reach DNS or alignment."""
    out: list[Defect] = []
    for tag, value, labels in (("d", domain, 2), ("s", selector, 1)):
        if value is None:
            continue
        why = dns_name_problem(value, min_labels=labels)
        if why is not None:
            from headerlens.model.codes import Code

            out.append(
                _defect(
                    Code.DKIM_BAD_NAME,
                    f"{kind} {tag}= {value[:80]!r} {why}; no key is looked up for it.",
                    Severity.ERROR,
                )
            )
    return out


def parse_dkim_signature(field: HeaderField) -> DKIMSignature:
    """Parse a DKIM-Signature or ARC-Message-Signature field. Never raises.

    For ARC-Message-Signature (RFC 8617 §4.1.2) ``i=`` is the ARC instance (``instance``) and
    there is no ``v=``; for DKIM ``i=`` is the AUID (``identity``).
    """
    is_ams = field.lname == "arc-message-signature"
    kind = "ARC-Message-Signature" if is_ams else "DKIM-Signature"
    tags = parse_tag_list(field.value)
    defects = list(tags.defects)
    defects += _check_required(tags, _AMS_REQUIRED if is_ams else _DKIM_REQUIRED, kind)

    version = tags.get("v")
    if not is_ams and version is not None and version != "1":
        from headerlens.model.codes import Code

        defects.append(_defect(Code.DKIM_BAD_VERSION, f"v={version!r} is not 1 (RFC 6376 §3.5)."))
    algorithm = tags.get("a")
    defects += _check_algorithm(algorithm, kind)

    h_raw = tags.get("h")
    signed = tuple(h for h in (p.strip(" \t\r\n").lower() for p in (h_raw or "").split(":")) if h)
    if h_raw is not None and "from" not in signed:
        from headerlens.model.codes import Code

        # RFC 6376 §5.4 binds DKIM signers; ARC validators accept an AMS without From
        # (ValiMail ARC suite case ams_fields_h_empty passes), so it is only noted there.
        defects.append(
            _defect(
                Code.DKIM_FROM_NOT_SIGNED,
                f"{kind} h= does not include From (RFC 6376 §5.4 requires it for DKIM).",
                Severity.INFO if is_ams else Severity.ERROR,
            )
        )

    domain = tags.get("d")
    instance: int | None = None
    identity: str | None = None
    if is_ams:
        instance = _instance(tags, defects, kind)
    else:
        identity = tags.get("i")
        if identity is not None and domain:
            auid_domain = identity.rpartition("@")[2].lower().rstrip(".")
            d = domain.lower().rstrip(".")
            if auid_domain != d and not auid_domain.endswith("." + d):
                from headerlens.model.codes import Code

                defects.append(
                    _defect(
                        Code.DKIM_AUID_MISMATCH,
                        f"i={identity} is not in d={domain} or a subdomain (RFC 6376 §3.5).",
                        Severity.ERROR,
                    )
                )

    defects += _check_names(domain, tags.get("s"), kind)
    body_length = _int_tag(tags, "l", "body length", defects)
    timestamp = _int_tag(tags, "t", "signature timestamp", defects)
    expiration = _int_tag(tags, "x", "signature expiration", defects)
    if timestamp is not None and expiration is not None and expiration < timestamp:
        from headerlens.model.codes import Code

        defects.append(
            _defect(
                Code.DKIM_EXPIRES_BEFORE_SIGNED,
                f"x={expiration} is earlier than t={timestamp}; RFC 6376 §3.5 requires x > t.",
                Severity.ERROR,
            )
        )
    return DKIMSignature(
        header_name=field.name,
        header_index=field.index,
        raw=field.value,
        tags=tags,
        version=version,
        algorithm=algorithm,
        domain=domain,
        selector=tags.get("s"),
        signed_headers=signed,
        canonicalization=tags.get("c"),
        identity=identity,
        body_length=body_length,
        timestamp=timestamp,
        expiration=expiration,
        body_hash=_no_ws(tags.get("bh")),
        signature=_no_ws(tags.get("b")),
        instance=instance,
        defects=tuple(defects),
    )


def parse_arc_seal(field: HeaderField) -> ARCSeal:
    """Parse an ARC-Seal field (RFC 8617 §4.1.3). Never raises."""
    tags = parse_tag_list(field.value)
    defects = list(tags.defects)
    defects += _check_required(tags, _SEAL_REQUIRED, "ARC-Seal")
    if tags.get("h") is not None:
        from headerlens.model.codes import Code

        defects.append(
            _defect(
                Code.ARC_SEAL_HAS_H,
                "ARC-Seal carries h=, which RFC 8617 §4.1.3 forbids; validators fail the chain.",
                Severity.ERROR,
            )
        )
    if tags.get("bh") is not None:
        from headerlens.model.codes import Code

        defects.append(
            _defect(Code.ARC_SEAL_HAS_BH, "ARC-Seal carries bh=, which it does not use.")
        )
    algorithm = tags.get("a")
    defects += _check_algorithm(algorithm, "ARC-Seal")
    cv_raw = tags.get("cv")
    cv = cv_raw.lower() if cv_raw is not None else None
    if cv is not None and cv not in _CV_VALUES:
        from headerlens.model.codes import Code

        defects.append(
            _defect(
                Code.ARC_BAD_CV,
                f"cv={cv_raw!r} is not none, pass or fail (RFC 8617 §4.4).",
                Severity.ERROR,
            )
        )
    instance = _instance(tags, defects, "ARC-Seal")
    if instance == 1 and cv not in (None, "none"):
        from headerlens.model.codes import Code

        defects.append(
            _defect(
                Code.ARC_FIRST_CV,
                f"The first ARC-Seal (i=1) must say cv=none, not cv={cv} (RFC 8617 §5.1.1).",
                Severity.ERROR,
            )
        )
    elif instance is not None and instance > 1 and cv == "none":
        from headerlens.model.codes import Code

        defects.append(
            _defect(
                Code.ARC_LATER_CV_NONE,
                f"ARC-Seal i={instance} says cv=none; only i=1 may (RFC 8617 §5.1.1).",
                Severity.ERROR,
            )
        )
    return ARCSeal(
        header_index=field.index,
        raw=field.value,
        tags=tags,
        instance=instance,
        cv=cv,
        algorithm=algorithm,
        domain=tags.get("d"),
        selector=tags.get("s"),
        timestamp=_int_tag(tags, "t", "seal timestamp", defects),
        signature=_no_ws(tags.get("b")),
        defects=tuple(defects),
    )


def group_arc_sets(
    seals: Iterable[ARCSeal],
    message_signatures: Iterable[DKIMSignature],
    results: Iterable[AuthResults],
) -> tuple[ARCSet, ...]:
    """Group ARC fields by instance into sets, lowest instance first (RFC 8617 §4.2).

    Each set gets defects for missing members, duplicated members and instances outside
    1..50. Gaps (i=1 and i=3 without i=2, RFC 8617 §5.1.1) become empty sets carrying an
    ``arc.gap`` defect. Fields without a usable instance cannot join a set: they are
    reported on the highest set (where a validator starts), or on a set with instance 0 when
    no numbered set exists. When a member is duplicated, the first one given is kept.
    """
    seal_by: dict[int, list[ARCSeal]] = {}
    ams_by: dict[int, list[DKIMSignature]] = {}
    aar_by: dict[int, list[AuthResults]] = {}
    unnumbered: list[str] = []
    for s in seals:
        if s.instance is None:
            unnumbered.append(f"ARC-Seal (header #{s.header_index})")
        else:
            seal_by.setdefault(s.instance, []).append(s)
    for m in message_signatures:
        if m.instance is None:
            unnumbered.append(f"ARC-Message-Signature (header #{m.header_index})")
        else:
            ams_by.setdefault(m.instance, []).append(m)
    for r in results:
        if r.instance is None:
            unnumbered.append(f"ARC-Authentication-Results (header #{r.header_index})")
        else:
            aar_by.setdefault(r.instance, []).append(r)

    sets: dict[int, ARCSet] = {}
    for inst in set(seal_by) | set(ams_by) | set(aar_by):
        defects: list[Defect] = []
        for name, count in (
            ("ARC-Seal", len(seal_by.get(inst, ()))),
            ("ARC-Message-Signature", len(ams_by.get(inst, ()))),
            ("ARC-Authentication-Results", len(aar_by.get(inst, ()))),
        ):
            if count == 0:
                from headerlens.model.codes import Code

                defects.append(
                    _defect(
                        Code.ARC_MISSING_MEMBER,
                        f"ARC set i={inst} has no {name} (RFC 8617 §4.2).",
                        Severity.ERROR,
                    )
                )
            elif count > 1:
                from headerlens.model.codes import Code

                defects.append(
                    _defect(
                        Code.ARC_DUPLICATE_MEMBER,
                        f"ARC set i={inst} has {count} {name} fields; RFC 8617 §5.1.1 fails "
                        "such a chain.",
                        Severity.ERROR,
                    )
                )
        if not 1 <= inst <= ARC_MAX_INSTANCE:
            from headerlens.model.codes import Code

            defects.append(
                _defect(
                    Code.ARC_INSTANCE_RANGE,
                    f"ARC instance i={inst} is outside 1..{ARC_MAX_INSTANCE} (RFC 8617 §4.2.1).",
                    Severity.ERROR,
                )
            )
        sets[inst] = ARCSet(
            instance=inst,
            seal=seal_by[inst][0] if inst in seal_by else None,
            message_signature=ams_by[inst][0] if inst in ams_by else None,
            results=aar_by[inst][0] if inst in aar_by else None,
            defects=tuple(defects),
        )

    top = max((i for i in sets if 1 <= i <= ARC_MAX_INSTANCE), default=0)
    for gap in range(1, top):
        if gap not in sets:
            from headerlens.model.codes import Code

            sets[gap] = ARCSet(
                instance=gap,
                defects=(
                    _defect(
                        Code.ARC_GAP,
                        f"No ARC fields with i={gap} although i={top} exists; the chain has a "
                        "gap (RFC 8617 §5.1.1).",
                        Severity.ERROR,
                    ),
                ),
            )
    if unnumbered:
        from headerlens.model.codes import Code

        lost = _defect(
            Code.ARC_NO_INSTANCE,
            "ARC fields without a usable i= cannot be placed in a set: "
            + ", ".join(unnumbered)
            + ".",
            Severity.ERROR,
        )
        key = max(sets, default=0)
        old = sets.get(key, ARCSet(instance=key))
        sets[key] = replace(old, defects=(*old.defects, lost))
    return tuple(sets[i] for i in sorted(sets))
