"""Light decoders for other gateways (Proofpoint, Mimecast, Barracuda, IronPort, Sophos...).

Also FortiMail, Symantec and SpamAssassin. They are mostly recognised and split into their
visible parts; a value gets a meaning only where it reads literally (a Yes/No verdict, a named
score, an engine name). Thresholds and scales are never assumed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from headerlens.model.core import HeaderField, Severity
from headerlens.model.vendor import DecodedField, VendorHeader
from headerlens.parsers.vendor_base import Decoder, described, eq_pairs, header, to_float, to_int

PROOFPOINT = "Proofpoint"
MIMECAST = "Mimecast"
BARRACUDA = "Barracuda"
IRONPORT = "Cisco IronPort"
SOPHOS = "Sophos"
FORTIMAIL = "FortiMail"
SYMANTEC = "Symantec (Broadcom) Email Security"
SPAMASSASSIN = "SpamAssassin"
SES = "Amazon SES"
INFO, WARN = Severity.INFO, Severity.WARNING

_VENDOR_ONLY = "Internal value of the gateway; not publicly documented."

_PP_LABELS = {
    "rule": "Rule (verdict)",
    "policy": "Policy",
    "score": "Overall score",
    "spamscore": "Spam score",
    "phishscore": "Phishing score",
    "malwarescore": "Malware score",
    "bulkscore": "Bulk score",
    "adultscore": "Adult-content score",
    "suspectscore": "Suspect score",
    "impostorscore": "Impostor score",
    "classifier": "Classifier",
    "reason": "Reason",
    "engine": "Engine version",
    "definitions": "Definitions version",
}


def _proofpoint_verdict(rule: str) -> tuple[str, Severity] | None:
    """The verdict a Proofpoint rule name states literally ("notspam", "spam", "phish"...)."""
    r = rule.lower()
    if "notspam" in r or r in {"safe", "orgsafe"}:
        return "not spam", INFO
    for word, verdict in (("phish", "phishing"), ("malware", "malware"), ("virus", "virus")):
        if word in r:
            return verdict, WARN
    if "spam" in r or "junk" in r or "bulk" in r:
        return ("bulk" if "bulk" in r else "spam"), WARN
    return None


def decode_proofpoint_spam(field: HeaderField) -> VendorHeader:
    """X-Proofpoint-Spam-Details: ``rule=... policy=... score=...`` pairs from Proofpoint PPS.

    ``rule`` is the rule that decided and ``score`` the overall spam score (0-100, the one the
    policy's thresholds compare); ``spamscore``, ``phishscore``... are the classifier's
    sub-scores, so the summary quotes ``score``, never a sub-score in its place.
    """
    fields: list[DecodedField] = []
    rule: str | None = None
    verdict: tuple[str, Severity] | None = None
    for key, value in eq_pairs(field.value):
        label = _PP_LABELS.get(key.lower())
        if key.lower() == "rule":
            rule = value
            verdict = _proofpoint_verdict(value)
            text = f"Proofpoint rule that decided: {value}" + (
                f" ({verdict[0]})." if verdict else " (its meaning is set by the policy)."
            )
            fields.append(DecodedField(key, value, label, text, verdict[1] if verdict else INFO))
        else:
            fields.append(DecodedField(key, value, label))
    pairs = {f.key.lower(): f.value for f in fields}
    summary = "Proofpoint"
    if rule:
        summary += f": {verdict[0]} (rule {rule})" if verdict else f": rule {rule}"
    else:
        summary += " spam details"
    if "score" in pairs:
        summary += f", score {pairs['score']}"
    elif "spamscore" in pairs:
        summary += f", spam sub-score {pairs['spamscore']}"
    return header(field, PROOFPOINT, summary + ".", tuple(fields))


def decode_eq_list(vendor: str, summary: str, labels: dict[str, str] | None = None) -> Decoder:
    """Split a ``key=value`` list into labelled fields, no meanings (AV versions, IronPort AV)."""
    names = labels or {}

    def decode(field: HeaderField) -> VendorHeader:
        fields = tuple(DecodedField(k, v, names.get(k)) for k, v in eq_pairs(field.value))
        return header(field, vendor, summary, fields)

    return decode


_NUMERIC_KEYS = frozenset({"score", "required", "tag_level", "quarantine_level", "kill_level"})


def _status_decoder(vendor: str, labels: dict[str, str]) -> Decoder:
    """SpamAssassin-style status ``Yes|No, score=X required=Y tests=...`` (Barracuda: SCORE=)."""

    def decode(field: HeaderField) -> VendorHeader:
        head = field.value.split(",", 1)[0].strip()
        fields: list[DecodedField] = []
        spam = head.lower() == "yes"
        if head.lower() in ("yes", "no"):
            text = "Marked as spam." if spam else "Not marked as spam."
            fields.append(
                DecodedField("verdict", head, "Spam verdict", text, WARN if spam else INFO)
            )
        for key, value in eq_pairs(field.value):
            if key.lower() in _NUMERIC_KEYS and value:
                value = value.split()[0]  # Barracuda: "SCORE=3.20 using global scores of"
            fields.append(DecodedField(key, value, labels.get(key.lower())))
        score = next((f.value for f in fields if f.key.lower() == "score"), None)
        limit = next(
            (f.value for f in fields if f.key.lower() in ("required", "kill_level")),
            None,
        )
        verdict = "spam" if spam else "not spam" if head.lower() == "no" else "status"
        summary = f"{vendor}: {verdict}"
        if score is not None:
            summary += f", score {score}" + (f" (limit {limit})" if limit is not None else "")
        return header(field, vendor, summary + ".", tuple(fields))

    return decode


_SA_LABELS = {
    "score": "Score",
    "required": "Spam threshold",
    "tests": "Rules hit",
    "autolearn": "Auto-learn",
    "version": "Version",
}
_BARRACUDA_LABELS = {
    "score": "Score",
    "tag_level": "Tag level",
    "quarantine_level": "Quarantine level",
    "kill_level": "Block (kill) level",
    "tests": "Rules hit",
}


def decode_score(vendor: str, label: str) -> Decoder:
    """A numeric score header; the scale is the vendor's and is not interpreted."""

    def decode(field: HeaderField) -> VendorHeader:
        token = field.value.strip().split(" ", 1)[0]
        number = to_float(token)
        f = DecodedField(
            "score", field.value, label, None if number is None else f"{vendor} score {token}."
        )
        return header(field, vendor, f"{label}: {field.value.strip()}", (f,))

    return decode


def decode_barracuda_start(field: HeaderField) -> VendorHeader:
    """X-Barracuda-Start-Time: Unix time at which the Barracuda began processing."""
    seconds = to_int(field.value)
    if seconds is None or not 0 <= seconds <= 253402300799:  # up to 9999-12-31
        return header(
            field,
            BARRACUDA,
            "Barracuda processing start time.",
            (DecodedField("value", field.value, "Start time"),),
        )
    when = datetime.fromtimestamp(seconds, tz=UTC).isoformat()
    f = DecodedField("value", field.value, "Start time", f"{when} (Unix time {seconds}).")
    return header(field, BARRACUDA, f"Barracuda started processing at {when}.", (f,))


def decode_flag_yes(vendor: str, label: str) -> Decoder:
    """X-Spam-Flag style headers: YES means the filter marked the message as spam."""

    def decode(field: HeaderField) -> VendorHeader:
        yes = field.value.strip().upper() == "YES"
        meaning = "Marked as spam." if yes else None
        f = DecodedField("value", field.value, label, meaning, WARN if yes else INFO)
        text = f"{label}: {field.value.strip()}" + (" (marked as spam)." if yes else "")
        return header(field, vendor, text, (f,))

    return decode


def decode_sasi_probability(field: HeaderField) -> VendorHeader:
    """X-SASI-SpamProbability: Sophos anti-spam engine probability, e.g. ``9%``."""
    value = field.value.strip()
    ok = re.fullmatch(r"\d{1,3}%", value) is not None
    f = DecodedField(
        "value",
        field.value,
        "Spam probability",
        f"Sophos rated the spam probability {value}." if ok else None,
    )
    return header(field, SOPHOS, f"Sophos spam probability: {value}", (f,))


# The statuses of Amazon SES's receipt verdicts, as its guide defines them ("Contents of
# notifications for Amazon SES email receiving": spamVerdict / virusVerdict objects).
_SES_STATUS = {
    "PASS": ("passed the check", INFO),
    "FAIL": ("failed the check", WARN),
    "GRAY": ("SES could not tell with confidence", INFO),
    "PROCESSING_FAILED": ("the check could not be run", INFO),
}


def decode_ses_verdict(what: str) -> Decoder:
    """X-SES-Spam-Verdict / X-SES-Virus-Verdict: Amazon SES inbound's scan of the message."""

    def decode(field: HeaderField) -> VendorHeader:
        value = field.value.strip()
        known = _SES_STATUS.get(value.upper())
        meaning = f"{what}: {known[0]}." if known else None
        shown = DecodedField(
            "value", value, f"SES {what.lower()} verdict", meaning, known[1] if known else INFO
        )
        text = f"Amazon SES {what.lower()} verdict: {value}" + (f" ({known[0]})." if known else ".")
        return header(field, SES, text, (shown,))

    return decode


def _d(vendor: str, label: str, text: str = _VENDOR_ONLY) -> Decoder:
    return described(vendor, label, text)


EXACT: dict[str, Decoder] = {
    # Amazon SES receiving
    "x-ses-spam-verdict": decode_ses_verdict("Spam"),
    "x-ses-virus-verdict": decode_ses_verdict("Virus"),
    "x-ses-receipt": _d(SES, "SES receipt", "Encrypted Amazon SES receipt data; not decodable."),
    "x-ses-dkim-signature": _d(
        SES, "SES DKIM signature", "Amazon SES's own signature over the stored message."
    ),
    # Proofpoint
    "x-proofpoint-spam-details": decode_proofpoint_spam,
    "x-proofpoint-virus-version": decode_eq_list(
        PROOFPOINT, "Proofpoint antivirus engine and definitions versions."
    ),
    "x-proofpoint-guid": _d(
        PROOFPOINT, "Proofpoint message GUID", "Proofpoint's ID for the message (for its logs)."
    ),
    "x-proofpoint-orig-guid": _d(
        PROOFPOINT, "Proofpoint original GUID", "Proofpoint's ID for the original message."
    ),
    "x-proofpoint-spam-reason": _d(
        PROOFPOINT, "Proofpoint spam reason", "Reason keyword Proofpoint gave."
    ),
    # Mimecast
    "x-mimecast-spam-score": decode_score(MIMECAST, "Mimecast spam score"),
    "x-mimecast-mfc-agg-id": _d(
        MIMECAST, "Mimecast aggregate ID", "Mimecast's message ID (for its logs)."
    ),
    "x-mimecast-mfc-proc-id": _d(
        MIMECAST, "Mimecast processing ID", "Mimecast's processing ID (for its logs)."
    ),
    "x-mimecast-originator": _d(
        MIMECAST, "Mimecast originator", "Sender domain Mimecast recorded."
    ),
    "x-mc-unique": _d(MIMECAST, "Mimecast unique ID", "Mimecast's message ID (for its logs)."),
    # Barracuda
    "x-barracuda-spam-score": decode_score(BARRACUDA, "Barracuda spam score"),
    "x-barracuda-spam-status": _status_decoder(BARRACUDA, _BARRACUDA_LABELS),
    "x-barracuda-connect": _d(
        BARRACUDA, "Barracuda connecting host", "Host name and IP that connected to the Barracuda."
    ),
    "x-barracuda-envelope-from": _d(
        BARRACUDA, "Barracuda envelope sender", "MAIL FROM address the Barracuda received."
    ),
    "x-barracuda-start-time": decode_barracuda_start,
    "x-barracuda-spam-report": _d(
        BARRACUDA, "Barracuda spam report", "Rule-by-rule breakdown of the Barracuda score."
    ),
    "x-barracuda-url": _d(
        BARRACUDA, "Barracuda URL", "Address of the Barracuda appliance's web interface."
    ),
    "x-asg-debug-id": _d(BARRACUDA, "Barracuda debug ID", "Barracuda's message ID (for its logs)."),
    "x-asg-orig-subj": _d(
        BARRACUDA, "Original subject", "Subject before the Barracuda changed it."
    ),
    # Cisco IronPort
    "x-ironport-av": decode_eq_list(
        IRONPORT, "IronPort antivirus scan data (E= is the engine used).", {"E": "Antivirus engine"}
    ),
    "x-ironport-anti-spam-result": _d(
        IRONPORT, "IronPort anti-spam result", "Encoded Cisco anti-spam data; not documented."
    ),
    "x-ironport-anti-spam-filtered": _d(
        IRONPORT, "IronPort anti-spam filtered", "The IronPort anti-spam engine scanned it."
    ),
    "x-ipas-result": _d(
        IRONPORT, "IronPort anti-spam result", "Encoded Cisco anti-spam data; not documented."
    ),
    # Sophos
    "x-sasi-spamprobability": decode_sasi_probability,
    "x-sasi-hits": _d(
        SOPHOS, "Sophos anti-spam rules hit", "Sophos rule names with their weights."
    ),
    "x-sasi-version": _d(
        SOPHOS, "Sophos anti-spam versions", "Sophos anti-spam engine and data versions."
    ),
    "x-sasi-rcode": _d(SOPHOS, "Sophos anti-spam return code"),
    # FortiMail
    "x-feas-client-ip": _d(
        FORTIMAIL, "FortiMail client IP", "IP address that connected to the FortiMail."
    ),
    "x-fe-policy-id": _d(
        FORTIMAIL, "FortiMail policy ID", "FortiMail policies that applied to the message."
    ),
    "x-fe-last-public-client-ip": _d(
        FORTIMAIL, "FortiMail last public client IP", "Last public IP FortiMail saw."
    ),
    # Symantec / Broadcom
    "x-brightmail-tracker": _d(
        SYMANTEC, "Brightmail tracker", "Encoded Symantec tracking data; not decoded."
    ),
    "x-starscan-received": _d(
        SYMANTEC, "StarScan received", "Symantec Email Security.cloud scanner marker."
    ),
    "x-starscan-version": _d(
        SYMANTEC, "StarScan version", "Symantec Email Security.cloud scanner version."
    ),
    "x-symc-ess-client-auth": decode_eq_list(
        SYMANTEC, "Symantec Email Security.cloud client authentication result."
    ),
    # SpamAssassin (and filters that copy its headers)
    "x-spam-status": _status_decoder(SPAMASSASSIN, _SA_LABELS),
    "x-spam-flag": decode_flag_yes(SPAMASSASSIN, "Spam flag"),
    "x-spam-score": decode_score(SPAMASSASSIN, "Spam score"),
    "x-spam-level": _d(SPAMASSASSIN, "Spam level", "One star per point of spam score."),
    "x-spam-checker-version": _d(
        SPAMASSASSIN, "Spam checker version", "Filter name, version and host."
    ),
    "x-spam-report": _d(SPAMASSASSIN, "Spam report", "Rule-by-rule breakdown of the spam score."),
}

PREFIXES: tuple[tuple[str, Decoder], ...] = (
    ("x-proofpoint-", _d(PROOFPOINT, "Proofpoint header")),
    ("x-mimecast-", _d(MIMECAST, "Mimecast header")),
    ("x-barracuda-", _d(BARRACUDA, "Barracuda header")),
    ("x-ironport-", _d(IRONPORT, "Cisco IronPort header")),
    ("x-sophos-", _d(SOPHOS, "Sophos header")),
    ("x-sasi-", _d(SOPHOS, "Sophos anti-spam header")),
    ("x-feas-", _d(FORTIMAIL, "FortiMail anti-spam header")),
    ("x-fe-", _d(FORTIMAIL, "FortiMail header")),
    ("x-brightmail-", _d(SYMANTEC, "Symantec Brightmail header")),
    ("x-messagelabs-", _d(SYMANTEC, "Symantec MessageLabs header")),
    ("x-starscan-", _d(SYMANTEC, "Symantec StarScan header")),
    ("x-symc-", _d(SYMANTEC, "Symantec header")),
)
