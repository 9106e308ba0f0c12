"""Read and judge a DKIM key record (RFC 6376 §3.6.1, RFC 8301 key sizes, RFC 8463 ed25519)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass

from dkim.crypto import UnparsableKeyError, parse_public_key
from dkim.util import InvalidTagValueList, parse_tag_value

from headerlens import budgets
from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.model.verdicts import DkimKey, DkimResult

MIN_RSA_BITS = int(budgets.RSA_MIN_BITS.limit)  # RFC 8301 §3.2: smaller MUST NOT be valid
RECOMMENDED_RSA_BITS = 2048  # RFC 8301 §3.2: signers SHOULD use at least this
# dkimpy's RSA is pure Python: its cost grows with the modulus and the exponent. Refuse keys
# that would make a hostile record expensive to check, before dkimpy ever sees them.
MAX_RSA_BITS = int(budgets.RSA_MAX_BITS.limit)  # RFC 8301 §3.2 requires 1024..4096
MAX_RSA_EXPONENT_BITS = int(budgets.RSA_MAX_EXPONENT_BITS.limit)
# A DER SubjectPublicKeyInfo for a MAX_RSA_BITS modulus is a little over 2 KiB; reading a much
# longer blob (the ASN.1 reader is quadratic in integer length) is refused up front.
_MAX_DER_BYTES = MAX_RSA_BITS // 8 + 256
_ED25519_KEY_BYTES = 32  # RFC 8463 §4.2: the raw public key, base64
_B64_RE = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")


def _split_list(value: str) -> tuple[str, ...]:
    """A colon-separated tag value (h=, s=, t=) as lower-case items, blanks dropped."""
    return tuple(x.strip().lower() for x in value.split(":") if x.strip())


def _read_rsa(der: bytes) -> tuple[int | None, int | None, Defect | None]:
    """Modulus size and exponent of an RSA public key, without doing any RSA arithmetic.

    We read the DER with dkimpy's own ASN.1 reader (``dkim.crypto.parse_public_key``): it is
    exactly how dkimpy will read the key later, and it accepts both SubjectPublicKeyInfo and a
    bare RSAPublicKey, so our size judgement can never disagree with what gets verified.
    ``cryptography`` would also do it but is not a dependency of ours.
    """
    if len(der) > _MAX_DER_BYTES:
        return (
            None,
            None,
            Defect(
                Code.DKIM_KEY_UNSAFE,
                f"The public key blob is {len(der)} bytes, more than a {MAX_RSA_BITS}-bit RSA key "
                "needs; it was not used.",
                Severity.ERROR,
            ),
        )
    try:
        pk = parse_public_key(der)
    except (UnparsableKeyError, ValueError, IndexError, TypeError) as exc:
        return (
            None,
            None,
            Defect(
                Code.DKIM_KEY_UNPARSABLE,
                f"The p= value is not a readable RSA public key ({exc}).",
                Severity.ERROR,
            ),
        )
    modulus, exponent = int(pk["modulus"]), int(pk["publicExponent"])
    return modulus.bit_length(), exponent, None


def _rsa_defects(bits: int, exponent: int) -> tuple[bool, list[Defect]]:
    """Whether an RSA key is safe to compute with, and what to say about its size (RFC 8301)."""
    out: list[Defect] = []
    safe = True
    if bits > MAX_RSA_BITS:
        safe = False
        out.append(
            Defect(
                Code.DKIM_KEY_UNSAFE,
                f"The RSA key is {bits} bits, above the {MAX_RSA_BITS}-bit limit we verify.",
                Severity.ERROR,
            )
        )
    if exponent < 3 or exponent % 2 == 0 or exponent.bit_length() > MAX_RSA_EXPONENT_BITS:
        safe = False
        out.append(
            Defect(
                Code.DKIM_KEY_UNSAFE,
                f"The RSA public exponent ({exponent if exponent < 2**64 else 'huge'}) is not a "
                "small odd number such as 65537; the key was not used.",
                Severity.ERROR,
            )
        )
    if bits < MIN_RSA_BITS:
        out.append(
            Defect(
                Code.DKIM_KEY_TOO_SMALL,
                f"The RSA key is only {bits} bits: RFC 8301 §3.2 forbids accepting signatures "
                f"made with keys under {MIN_RSA_BITS} bits.",
                Severity.ERROR,
            )
        )
    elif bits < RECOMMENDED_RSA_BITS:
        out.append(
            Defect(
                Code.DKIM_KEY_WEAK,
                f"The RSA key is {bits} bits; RFC 8301 §3.2 asks signers to use at least "
                f"{RECOMMENDED_RSA_BITS}. Rotate to a 2048-bit key.",
                Severity.WARNING,
            )
        )
    return safe, out


def parse_key_record(text: str, *, name: str = "") -> DkimKey:
    """Parse one DKIM key TXT record (strings already joined) into a judged ``DkimKey``.

    Never raises: syntax problems make ``usable`` False with an ERROR defect. ``name``, the
    selector's DNS name, only makes messages more precise.
    """
    size = len(text.encode("utf-8", "surrogateescape"))
    if size > budgets.DKIM_TXT_BYTES.limit:  # catalogue F8: checked before any parsing
        where = f"at {name} " if name else ""
        detail = f"The TXT record {where}was not read as a key."
        finding = budgets.exceeded(budgets.DKIM_TXT_BYTES, size, detail, Severity.ERROR)
        return DkimKey(raw=text, usable=False, defects=(finding,))
    defects: list[Defect] = []
    try:
        tags = parse_tag_value(text.encode("utf-8", "surrogateescape"))
    except InvalidTagValueList as exc:
        return DkimKey(
            raw=text,
            defects=(
                Defect(
                    Code.DKIM_KEY_SYNTAX,
                    f"The key record is not a valid tag=value list ({exc}).",
                    Severity.ERROR,
                ),
            ),
        )
    values = {k.decode("ascii", "replace"): v.decode("utf-8", "replace") for k, v in tags.items()}
    version = values.get("v")
    usable = True
    if version is not None and (version != "DKIM1" or next(iter(values)) != "v"):
        usable = False
        defects.append(
            Defect(
                Code.DKIM_KEY_VERSION,
                f"v={version} must be exactly DKIM1 and come first (RFC 6376 §3.6.1).",
                Severity.ERROR,
            )
        )
    key_type = values.get("k", "rsa").strip().lower() or "rsa"
    public_key = re.sub(r"\s+", "", values.get("p", ""))
    flags = _split_list(values.get("t", ""))
    hashes = _split_list(values.get("h", ""))
    services = _split_list(values.get("s", ""))
    bits: int | None = None
    exponent: int | None = None
    if "p" not in values:
        usable = False
        defects.append(Defect(Code.DKIM_KEY_NO_P, "The key record has no p= tag.", Severity.ERROR))
    elif public_key == "":
        usable = False
        defects.append(
            Defect(
                Code.DKIM_KEY_REVOKED,
                "The key record has an empty p=: the domain revoked this key (RFC 6376 §3.6.1).",
                Severity.ERROR,
            )
        )
    elif not _B64_RE.match(public_key):
        usable = False
        defects.append(
            Defect(Code.DKIM_KEY_UNPARSABLE, "The p= value is not base64.", Severity.ERROR)
        )
    else:
        try:
            blob = base64.b64decode(public_key, validate=True)
        except (binascii.Error, ValueError):
            blob = None
        if blob is None:
            usable = False
            defects.append(
                Defect(Code.DKIM_KEY_UNPARSABLE, "The p= value is not base64.", Severity.ERROR)
            )
        elif key_type == "rsa":
            bits, exponent, problem = _read_rsa(blob)
            if problem is not None:
                usable = False
                defects.append(problem)
            elif bits is not None and exponent is not None:
                safe, notes = _rsa_defects(bits, exponent)
                usable = usable and safe
                defects.extend(notes)
        elif key_type == "ed25519":
            bits = 256
            if len(blob) != _ED25519_KEY_BYTES:
                usable = False
                defects.append(
                    Defect(
                        Code.DKIM_KEY_UNPARSABLE,
                        f"An ed25519 key is 32 bytes; this p= decodes to {len(blob)} "
                        "(RFC 8463 §4.2).",
                        Severity.ERROR,
                    )
                )
        else:
            usable = False
            defects.append(
                Defect(
                    Code.DKIM_KEY_UNKNOWN_TYPE,
                    f"k={key_type} is not a key type we know (rsa, ed25519).",
                    Severity.ERROR,
                )
            )
    if services and not ({"*", "email"} & set(services)):
        usable = False
        defects.append(
            Defect(
                Code.DKIM_KEY_SERVICE,
                f"s={':'.join(services)} does not include email or *: the key is not for mail.",
                Severity.ERROR,
            )
        )
    if "y" in flags:
        defects.append(
            Defect(
                Code.DKIM_KEY_TESTING,
                "t=y: the domain says it is testing DKIM; receivers should not treat the "
                "message differently from unsigned mail (RFC 6376 §3.6.1).",
                Severity.WARNING,
            )
        )
    return DkimKey(
        raw=text,
        version=version,
        key_type=key_type,
        public_key=public_key,
        flags=flags,
        hash_algorithms=hashes,
        service_types=services,
        notes=values.get("n"),
        key_bits=bits,
        rsa_exponent=exponent,
        usable=usable,
        defects=tuple(defects),
    )


def pick_key_record(
    answers: Sequence[str], *, name: str = ""
) -> tuple[DkimKey | None, tuple[Defect, ...]]:
    """The key record to use among the TXT answers at a selector name (``name``, optional).

    RFC 6376 §3.6.2.2 leaves several records undefined; we use the first that parses as a
    DKIM key and say that there were several.
    """
    if not answers:
        return None, ()
    notes: list[Defect] = []
    if len(answers) > 1:
        notes.append(
            Defect(
                Code.DKIM_KEY_MULTIPLE,
                f"{len(answers)} TXT records at the selector name; results are undefined "
                "(RFC 6376 §3.6.2.2). Publish exactly one.",
                Severity.WARNING,
            )
        )
    keys = [parse_key_record(a, name=name) for a in answers]
    for key in keys:
        if key.usable:
            return key, tuple(notes)
    return keys[0], tuple(notes)


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """Whether a key may verify a given signature; ``result`` is set when it may not."""

    result: DkimResult | None
    reasons: tuple[Defect, ...]


def check_key_for_signature(
    key: DkimKey, *, algorithm: str | None, sdid: str | None, auid: str | None
) -> KeyCheck:
    """Apply the key record's rules to one signature (RFC 6376 §3.6.1, §6.1.2; RFC 8301 §3).

    ``result`` is PERMERROR for a key that cannot be used, FAIL for a key or algorithm that
    RFC 8301 forbids accepting, None when the signature may be verified with this key.
    """
    blocking = [d for d in key.defects if d.severity is Severity.ERROR]
    if not key.usable:
        return KeyCheck(DkimResult.PERMERROR, tuple(blocking))
    reasons: list[Defect] = []
    sig_key, _, sig_hash = (algorithm or "").lower().partition("-")
    if sig_key and sig_key != key.key_type:
        reasons.append(
            Defect(
                Code.DKIM_KEY_TYPE_MISMATCH,
                f"The signature uses {algorithm} but the key is k={key.key_type}.",
                Severity.ERROR,
            )
        )
    if key.hash_algorithms and sig_hash and sig_hash not in key.hash_algorithms:
        reasons.append(
            Defect(
                Code.DKIM_KEY_HASH_NOT_ALLOWED,
                f"The key allows h={':'.join(key.hash_algorithms)} only, the signature uses "
                f"{sig_hash}.",
                Severity.ERROR,
            )
        )
    if key.strict_subdomains and auid and sdid:
        auid_domain = auid.rpartition("@")[2].lower()
        if auid_domain != sdid.lower():
            reasons.append(
                Defect(
                    Code.DKIM_KEY_STRICT_SUBDOMAIN,
                    f"The key has t=s, so i= must use exactly d={sdid}, not {auid_domain}.",
                    Severity.ERROR,
                )
            )
    if reasons:
        return KeyCheck(DkimResult.PERMERROR, tuple(reasons))
    if sig_hash == "sha1":
        return KeyCheck(
            DkimResult.FAIL,
            (
                Defect(
                    Code.DKIM_SHA1,
                    "rsa-sha1 signatures must not be accepted (RFC 8301 §3.1); sign with "
                    "rsa-sha256.",
                    Severity.ERROR,
                ),
            ),
        )
    if any(d.code == Code.DKIM_KEY_TOO_SMALL for d in key.defects):
        return KeyCheck(DkimResult.FAIL, tuple(blocking))
    return KeyCheck(None, ())
