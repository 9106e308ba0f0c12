"""Decoders for Trend Micro headers (X-TM-AS-*, X-TMASE-*, X-imss-*) from IMSVA, ScanMail, HES.

Formats follow Trend Micro's public pages: KA-0001462 (X-TM-AS-Product-Ver, X-TM-AS-Result:
"spam flag - score - threshold - category - trend type", where a doubled dash before the score
means a negative score) and the Email Security "Antispam Engine scan details" help
(X-TMASE-Result: "trend type - score - threshold"). Anything else is a Trend Micro internal value.
"""

from __future__ import annotations

import re

from headerlens.model.core import Defect, HeaderField, Severity
from headerlens.model.vendor import DecodedField, VendorHeader
from headerlens.parsers.vendor_base import Decoder, b64_text, described, header, to_float

TREND = "Trend Micro"
INFO, WARN = Severity.INFO, Severity.WARNING
_INTERNAL = "Trend Micro internal value."

_NUM = r"-?\d+(?:\.\d+)?"
# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches Trend Micro's fields should not pay for compiling them before the console's first frame.
# Yes-5.339-5.0-31-1 / No--8.069-5.0-31-10 ; category and trend type are optional (older SMEX).
_AS_RESULT = rf"(?i)^(Yes|No)-({_NUM})-({_NUM})(?:-(\d+))?(?:-(\d+))?$"
# Hosted Email Security: Yes-11-27.237300-8.000000 (verdict - trend type - score - threshold)
_AS_RESULT_TYPED = r"(?i)^(Yes|No)-(\d+)-(-?\d+\.\d+)-(\d+\.\d+)$"
# 10--8.069400-10.000000
_TMASE_RESULT = rf"^(\d+)-({_NUM})-({_NUM})$"

_PRODUCTS = {
    "IMSVA": "InterScan Messaging Security Virtual Appliance",
    "IMSS": "InterScan Messaging Security Suite",
    "SMEX": "ScanMail for Microsoft Exchange",
    "SMD": "ScanMail for Lotus Domino",
}

_TREND_TYPES = {"1": "spam", "2": "phishing"}


def _product_field(name: str) -> DecodedField:
    full = _PRODUCTS.get(name.upper())
    return DecodedField("product", name, "Product", full)


def decode_product_ver(field: HeaderField) -> VendorHeader:
    """X-TM-AS-Product-Ver: product - version - anti-spam engine version - pattern version."""
    from headerlens.model.codes import Code

    parts = field.value.strip().split("-")
    if len(parts) != 4:
        bad = Defect(
            Code.TRENDMICRO_BAD_VERSION, f"Expected 4 dash-separated parts: {field.value!r}"
        )
        return header(
            field,
            TREND,
            "Trend Micro product and pattern versions.",
            (DecodedField("value", field.value),),
            (bad,),
        )
    product, version, engine, pattern = parts
    fields = (
        _product_field(product),
        DecodedField("version", version, "Product version"),
        DecodedField("engine", engine, "Anti-spam engine version"),
        DecodedField("pattern", pattern, "Spam pattern version"),
    )
    summary = (
        f"Scanned by Trend Micro {product} {version} "
        f"(anti-spam engine {engine}, pattern {pattern})."
    )
    return header(field, TREND, summary, fields)


def parse_as_result(text: str) -> tuple[tuple[DecodedField, ...], str | None, Defect | None]:
    """Decode one ``Yes|No-score-threshold-category-type`` result: fields, summary, defect."""
    from headerlens.model.codes import Code

    typed = re.match(_AS_RESULT_TYPED, text.strip())
    m = re.match(_AS_RESULT, text.strip()) if typed is None else None
    if typed is not None:
        flag, trend_type, score, threshold = typed.groups()
        category: str | None = None
    elif m is None:
        bad = Defect(
            Code.TRENDMICRO_BAD_RESULT, f"Not in the 'Yes/No-score-threshold-...' form: {text!r}"
        )
        return (DecodedField("value", text),), None, bad
    else:
        flag, score, threshold, category, trend_type = m.groups()
    spam = flag.lower() == "yes"
    fields: list[DecodedField] = [
        DecodedField(
            "spam",
            flag,
            "Spam verdict",
            "Detected as spam." if spam else "Not detected as spam.",
            WARN if spam else INFO,
        ),
        DecodedField(
            "score",
            score,
            "Trend score",
            "Spam score; the message is spam when it reaches the threshold.",
        ),
        DecodedField(
            "threshold",
            threshold,
            "Detection threshold",
            "Score at which the message counts as spam.",
        ),
    ]
    if category is not None:
        fields.append(DecodedField("category", category, "Category", _INTERNAL))
    if trend_type is not None:
        kind = _TREND_TYPES.get(trend_type)
        meaning = f"Trend type {trend_type}: {kind}." if kind else _INTERNAL
        fields.append(DecodedField("trend_type", trend_type, "Trend type", meaning))
    verdict = "spam" if spam else "not spam"
    summary = f"Trend Micro: {verdict} (score {score}, threshold {threshold})."
    return tuple(fields), summary, None


def decode_as_result(field: HeaderField) -> VendorHeader:
    """X-TM-AS-Result and X-imss-scan-details (one or more results, space separated)."""
    tokens = [t for t in re.split(r"[\s,;]+", field.value.strip()) if t]
    if not tokens:
        return header(field, TREND, "Trend Micro scan result (empty).")
    fields: list[DecodedField] = []
    defects: list[Defect] = []
    summaries: list[str] = []
    for token in tokens:
        f, s, d = parse_as_result(token)
        fields.extend(f)
        if s:
            summaries.append(s)
        if d:
            defects.append(d)
    summary = " ".join(summaries) if summaries else "Trend Micro scan result (unreadable)."
    return header(field, TREND, summary, tuple(fields), tuple(defects))


def decode_tmase_result(field: HeaderField) -> VendorHeader:
    """X-TMASE-Result: trend type - score - threshold (a doubled dash = negative score)."""
    m = re.match(_TMASE_RESULT, field.value.strip())
    if m is None:
        from headerlens.model.codes import Code

        bad = Defect(
            Code.TRENDMICRO_BAD_TMASE, f"Not in the 'type-score-threshold' form: {field.value!r}"
        )
        return header(
            field,
            TREND,
            "Trend Micro anti-spam engine result.",
            (DecodedField("value", field.value),),
            (bad,),
        )
    trend_type, score_text, threshold_text = m.groups()
    score, threshold = to_float(score_text), to_float(threshold_text)
    spam = score is not None and threshold is not None and score >= threshold
    verdict = "at or above the threshold: spam" if spam else "below the threshold: not spam"
    fields = (
        DecodedField("trend_type", trend_type, "Trend type", _INTERNAL),
        DecodedField(
            "score",
            score_text,
            "Spam score",
            f"Score {score_text}, {verdict}.",
            WARN if spam else INFO,
        ),
        DecodedField(
            "threshold", threshold_text, "Spam threshold", "Spam level set in the spam policy."
        ),
    )
    summary = (
        f"Trend Micro anti-spam engine: score {score_text}, threshold {threshold_text} ({verdict})."
    )
    return header(field, TREND, summary, fields)


def decode_yes_no(label: str, yes_meaning: str, yes_sev: Severity) -> Decoder:
    """A decoder for Yes/No list checks (approved / blocked sender)."""

    def decode(field: HeaderField) -> VendorHeader:
        value = field.value.strip()
        if value.lower() == "yes":
            f = DecodedField("value", field.value, label, yes_meaning, yes_sev)
        elif value.lower() == "no":
            f = DecodedField("value", field.value, label, "No match.")
        else:
            f = DecodedField("value", field.value, label)
        return header(field, TREND, f"{label}: {f.meaning or field.value}", (f,))

    return decode


def decode_as_smtp(field: HeaderField) -> VendorHeader:
    """X-TM-AS-SMTP: a version then base64 tokens; shown decoded, their role is not documented."""
    tokens = field.value.split()
    fields: list[DecodedField] = []
    for i, token in enumerate(tokens):
        text = b64_text(token) if i else None
        if i == 0:
            fields.append(DecodedField("version", token, "Format version"))
        elif text is not None:
            fields.append(DecodedField(f"token{i}", token, "Base64 value", f"Decodes to: {text}"))
        else:
            fields.append(DecodedField(f"token{i}", token, "Value"))
    decoded = [f.meaning.removeprefix("Decodes to: ") for f in fields if f.meaning]
    summary = "Trend Micro SMTP session data" + (
        f" (decoded: {', '.join(decoded)})." if decoded else "."
    )
    return header(field, TREND, summary, tuple(fields))


def decode_ers(field: HeaderField) -> VendorHeader:
    """X-TM-AS-ERS: Email Reputation Services lookup, ``client-IP-reply``."""
    m = re.fullmatch(r"\s*([0-9A-Fa-f:.]+?)-(\d+\.\d+\.\d+\.\d+)\s*", field.value)
    if m is None:
        return header(
            field,
            TREND,
            "Trend Micro Email Reputation Services data.",
            (DecodedField("value", field.value, None, _INTERNAL),),
        )
    ip, reply = m.groups()
    fields = (
        DecodedField("ip", ip, "Client IP checked"),
        DecodedField("reply", reply, "Reputation reply", _INTERNAL),
    )
    return header(field, TREND, f"Email Reputation Services checked {ip} (reply {reply}).", fields)


def decode_tmase_version(field: HeaderField) -> VendorHeader:
    """X-TMASE-Version: version string of the Trend Micro Anti-Spam Engine (TMASE) that scanned."""
    product = field.value.strip().split("-", 1)[0]
    fields = (_product_field(product), DecodedField("value", field.value, "Engine version string"))
    return header(
        field,
        TREND,
        f"Scanned by the Trend Micro Anti-Spam Engine ({field.value.strip()}).",
        fields,
    )


def decode_received_spf(field: HeaderField) -> VendorHeader:
    """X-TM-Received-SPF: the SPF result Trend Micro recorded (first word), kept literally."""
    result = field.value.strip().split(" ", 1)[0] if field.value.strip() else ""
    f = DecodedField("result", result, "SPF result", f"Trend Micro recorded SPF '{result}'.")
    return header(field, TREND, f"SPF result recorded by Trend Micro: {result or '(empty)'}.", (f,))


EXACT: dict[str, Decoder] = {
    "x-tm-as-product-ver": decode_product_ver,
    "x-tm-as-result": decode_as_result,
    "x-imss-scan-details": decode_as_result,
    "x-tm-as-user-approved-sender": decode_yes_no(
        "Approved sender", "The sender is on the Approved Senders list: not treated as spam.", INFO
    ),
    "x-tm-as-user-blocked-sender": decode_yes_no(
        "Blocked sender", "The sender is on the Blocked Senders list: reported as spam.", WARN
    ),
    "x-tmase-version": decode_tmase_version,
    "x-tmase-result": decode_tmase_result,
    "x-tmase-matchedrid": described(
        TREND, "Matched anti-spam rules", "Encoded IDs of the engine rules matched; " + _INTERNAL
    ),
    "x-tmase-snap-result": described(TREND, "SNAP result", _INTERNAL),
    "x-tm-as-smtp": decode_as_smtp,
    "x-tm-as-ers": decode_ers,
    "x-tm-as-gconf": described(TREND, "Configuration flags", _INTERNAL),
    "x-tm-deliver-signature": described(TREND, "Delivery signature", _INTERNAL),
    "x-tm-addin-auth": described(TREND, "Add-in authentication", _INTERNAL),
    "x-tm-received-spf": decode_received_spf,
    "x-tm-authentication-results": described(
        TREND,
        "Authentication results recorded by Trend Micro",
        "SPF/DKIM/DMARC results in Authentication-Results form.",
    ),
    "x-tmase-inertia": described(TREND, "TMASE inertia", _INTERNAL),
    "x-tmase-xgencloud": described(TREND, "TMASE XGen cloud", _INTERNAL),
}

PREFIXES: tuple[tuple[str, Decoder], ...] = (
    ("x-tm-", described(TREND, "Trend Micro header", _INTERNAL)),
    ("x-tmase-", described(TREND, "Trend Micro anti-spam engine header", _INTERNAL)),
    ("x-imss-", described(TREND, "Trend Micro IMSS header", _INTERNAL)),
)
