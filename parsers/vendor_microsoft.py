"""Decoders for the Microsoft 365 / EOP anti-spam headers (X-Forefront-Antispam-Report...).

Meanings follow Microsoft's public "Anti-spam message headers", "Spam confidence level" and
"Bulk complaint level" articles (learn.microsoft.com/defender-office-365); fields Microsoft
describes as diagnostic-only are shown raw with a note, never guessed.
"""

from __future__ import annotations

import ipaddress

from headerlens.model.core import Defect, HeaderField, Severity
from headerlens.model.vendor import DecodedField, VendorHeader
from headerlens.parsers.vendor_base import (
    Decoder,
    colon_pairs,
    described,
    header,
    table_field,
    to_int,
)

EOP = "Microsoft EOP"

INFO, WARN, ERR = Severity.INFO, Severity.WARNING, Severity.ERROR

_UNTRUSTED_NOTE = (
    "Copy renamed '-Untrusted' on arrival: it was written by another Microsoft 365 organisation "
    "(usually the sender's outbound scan), not by the receiving one."
)
_ORIGINAL_NOTE = "'-Original' copy: an earlier Microsoft stamp kept when the message was re-sent."


def scl_meaning(value: str) -> tuple[str | None, Severity]:
    """Plain reading of a spam confidence level (-1..9) and how much it matters."""
    scl = to_int(value)
    if scl is None or not -1 <= scl <= 9:
        return None, INFO
    if scl == -1:
        return "Spam filtering was skipped (safe sender, allow list or a rule): Inbox.", INFO
    if scl <= 1:
        return "Not spam: delivered to the Inbox.", INFO
    if scl <= 4:
        return (
            "Low spam likelihood, below the junk threshold (5). EOP's own filter never stamps 2-4; "
            "an on-premises content filter or a mail flow rule set it.",
            INFO,
        )
    if scl <= 6:
        return "Spam: goes to Junk Email by default (quarantine under the Strict preset).", WARN
    return (
        "High-confidence spam: Junk Email under the default policy, quarantine under the "
        "Standard and Strict presets.",
        ERR,
    )


def bcl_meaning(value: str) -> tuple[str | None, Severity]:
    """Plain reading of a bulk complaint level (0..9); the default bulk threshold is 7."""
    bcl = to_int(value)
    if bcl is None or not 0 <= bcl <= 9:
        return None, INFO
    if bcl == 0:
        return "Not from a bulk sender.", INFO
    if bcl <= 3:
        text = "Bulk sender that draws few complaints."
    elif bcl <= 7:
        text = "Bulk sender that draws a mixed number of complaints."
    else:
        text = "Bulk sender that draws many complaints."
    if bcl >= 7:
        return text + " Meets the default bulk threshold (7): Junk Email by default.", WARN
    if bcl >= 5:
        return text + " Meets the Strict (5) or Standard (6) preset threshold.", INFO
    return text, INFO


def pcl_meaning(value: str) -> tuple[str | None, Severity]:
    """Plain reading of a phishing confidence level (Exchange content filter scale)."""
    pcl = to_int(value)
    if pcl is None or not 0 <= pcl <= 8:
        return None, INFO
    if pcl <= 3:
        return "Neutral: the content does not look like phishing.", INFO
    return "Suspicious: the content looks like phishing.", WARN


_SFV: dict[str, tuple[str, Severity]] = {
    "NSPM": ("Spam filtering found the message clean (not spam).", INFO),
    "SPM": ("Spam filtering marked the message as spam.", WARN),
    "BLK": ("Blocked: the sender is in the recipient's Blocked Senders list.", WARN),
    "SFE": (
        "Allowed: the sender is in the recipient's Safe Senders list (filtering skipped).",
        INFO,
    ),
    "SKA": ("Allowed by an anti-spam policy allow list (sender or domain); Inbox.", INFO),
    "SKB": ("Marked as spam by an anti-spam policy block list (sender or domain).", WARN),
    "SKI": ("Intra-organisation message, classified from its content.", INFO),
    "SKN": ("Marked as not spam before filtering (e.g. a mail flow rule set SCL -1).", INFO),
    "SKQ": ("Released from quarantine to the recipients.", INFO),
    "SKS": ("Marked as spam before filtering (e.g. a mail flow rule set SCL 5-9).", WARN),
}

_CAT: dict[str, tuple[str, Severity]] = {
    "NONE": ("No threat category applied.", INFO),
    "AMP": ("Anti-malware policy.", ERR),
    "BIMP": ("Brand impersonation (Defender for Office 365).", WARN),
    "BULK": ("Bulk mail.", WARN),
    "DIMP": ("Domain impersonation (Defender for Office 365).", WARN),
    "FTBP": ("Anti-malware common attachments (file type) filter.", ERR),
    "GIMP": ("Mailbox-intelligence impersonation (Defender for Office 365).", WARN),
    "HPHSH": ("High-confidence phishing.", ERR),
    "HPHISH": ("High-confidence phishing.", ERR),
    "HSPM": ("High-confidence spam.", ERR),
    "INTOS": ("Intra-organisation phishing.", ERR),
    "MALW": ("Malware.", ERR),
    "OSPM": ("Outbound spam (the sending organisation's outbound filter).", WARN),
    "PHSH": ("Phishing.", ERR),
    "SAP": ("Safe Attachments (Defender for Office 365).", ERR),
    "SPM": ("Spam.", WARN),
    "SPOOF": ("Spoofing: the sender failed Microsoft's sender checks.", ERR),
    "UIMP": ("User impersonation (Defender for Office 365).", WARN),
}

_SFTY: dict[str, tuple[str, Severity]] = {
    "9.19": ("Domain impersonation: the sending domain imitates a protected domain.", WARN),
    "9.20": ("User impersonation: the sender imitates a protected or internal user.", WARN),
    "9.25": ("First contact safety tip: the recipient rarely or never got mail from here.", WARN),
}

_DIR: dict[str, tuple[str, Severity]] = {
    "INB": ("Inbound message (from outside the organisation).", INFO),
    "OUT": ("Outbound message (leaving the organisation).", INFO),
    "INT": ("Internal message (within the organisation).", INFO),
}

_IPV: dict[str, tuple[str, Severity]] = {
    "CAL": ("Spam filtering skipped: the source IP is on the IP Allow List.", INFO),
    "NLI": ("The IP address is not on any IP reputation list.", INFO),
}

_SRV: dict[str, tuple[str, Severity]] = {
    "BULK": (
        "Identified as bulk mail (BCL met the policy threshold); marked as spam by default.",
        WARN,
    ),
    "": ("No bulk verdict.", INFO),
}

_LABELS: dict[str, str] = {
    "ARC": "ARC details",
    "CAT": "Threat category",
    "CIP": "Connecting IP",
    "CTRY": "Country/region of connecting IP",
    "DIR": "Direction",
    "H": "HELO/EHLO name",
    "IPV": "IP reputation",
    "LANG": "Language",
    "PCL": "Phishing confidence level",
    "PTR": "Reverse DNS of connecting IP",
    "SCL": "Spam confidence level",
    "SFP": "Spam filter policy code",
    "SFS": "Spam filter rules matched",
    "SFTY": "Safety tip",
    "SFV": "Spam filter verdict",
    "SRV": "Bulk verdict",
    "SRVR": "Filtering server",
    "SPF": "SPF result (older format)",
}


def _forefront_field(key: str, value: str) -> tuple[DecodedField, tuple[Defect, ...]]:
    """Decode one KEY:VALUE item of X-Forefront-Antispam-Report."""
    k = key.upper()
    label = _LABELS.get(k)
    if k == "SCL":
        meaning, sev = scl_meaning(value)
        return DecodedField(key, value, label, meaning, sev), ()
    if k == "PCL":
        meaning, sev = pcl_meaning(value)
        return DecodedField(key, value, label, meaning, sev), ()
    tables = {"SFV": _SFV, "CAT": _CAT, "SFTY": _SFTY, "DIR": _DIR, "IPV": _IPV, "SRV": _SRV}
    if k in tables and label is not None:
        return table_field(key, value, label, tables[k]), ()
    if k == "CIP":
        try:
            ip = ipaddress.ip_address(value.strip("[]"))
        except ValueError:
            from headerlens.model.codes import Code

            bad = Defect(Code.EOP_BAD_CIP, f"CIP is not an IP address: {value!r}")
            return DecodedField(key, value, label), (bad,)
        if ip == ipaddress.ip_address("255.255.255.255"):
            text = "Placeholder address: Microsoft did not record a real connecting IP here."
        else:
            text = "IP address of the server that handed the message to Microsoft 365."
        return DecodedField(key, value, label, text), ()
    if k == "CTRY":
        text = "Derived from the connecting IP, not the original sender." if value else "Unknown."
        return DecodedField(key, value, label, text), ()
    if k == "LANG":
        return DecodedField(
            key, value, label, "Language detected in the message." if value else None
        ), ()
    if k == "H":
        return DecodedField(key, value, label, "Name the connecting server gave in HELO/EHLO."), ()
    if k == "PTR":
        text = (
            "Reverse DNS name of the connecting IP."
            if value
            else "No reverse DNS (PTR) name found."
        )
        return DecodedField(key, value, label, text), ()
    if k == "SFS":
        count = value.count("(")
        text = (
            f"{count} internal Microsoft rule IDs; undocumented, useful only to Microsoft support."
        )
        return DecodedField(key, value, label, text), ()
    if k == "SFP":
        return DecodedField(
            key, value, label, "Internal Microsoft code; not publicly documented."
        ), ()
    if k == "SRVR":
        return DecodedField(key, value, label, "Microsoft server that ran the filter."), ()
    if k == "ARC":
        return DecodedField(
            key, value, label, "ARC results as seen by the filter (AAR, AMS, AS)."
        ), ()
    if k == "SPF":
        return DecodedField(key, value, label, f"SPF result recorded by the filter: {value}."), ()
    return DecodedField(key, value, label), ()


def _variant_note(field: HeaderField) -> str | None:
    name = field.lname
    if name.endswith("-untrusted"):
        return _UNTRUSTED_NOTE
    if name.endswith("-original") or "-original-" in name:
        return _ORIGINAL_NOTE
    return None


def _join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def _verdict_phrase(fields: dict[str, DecodedField]) -> str:
    """One line such as "not spam (SFV:NSPM), SCL 1" from the decoded SFV/SCL/CAT fields."""
    bits: list[str] = []
    sfv = fields.get("SFV")
    if sfv is not None:
        short = {
            "NSPM": "not spam",
            "SPM": "marked as spam",
            "BLK": "blocked sender",
            "SFE": "safe sender",
            "SKA": "allowed by policy",
            "SKB": "blocked by policy",
            "SKN": "marked not spam by a rule",
            "SKS": "marked spam by a rule",
            "SKQ": "released from quarantine",
            "SKI": "intra-organisation",
        }.get(sfv.value.upper(), "verdict")
        bits.append(f"{short} (SFV:{sfv.value})")
    scl = fields.get("SCL")
    if scl is not None:
        scl_text = f"SCL {scl.value}"
        n = to_int(scl.value)
        if n is not None and n >= 7:
            scl_text += " - high-confidence spam, goes to Junk or quarantine"
        elif n is not None and n >= 5:
            scl_text += " - goes to Junk"
        bits.append(scl_text)
    cat = fields.get("CAT")
    if cat is not None and cat.value.upper() not in ("NONE", ""):
        bits.append(
            f"category {cat.value}" + (f" ({cat.meaning.rstrip('.')})" if cat.meaning else "")
        )
    return ", ".join(bits) if bits else "no verdict fields"


def decode_forefront(field: HeaderField) -> VendorHeader:
    """X-Forefront-Antispam-Report (and -Untrusted): EOP's per-message filter report."""
    pairs, defects = colon_pairs(field.value, code="EOP_BAD_ITEM")
    decoded: list[DecodedField] = []
    all_defects = list(defects)
    for key, value in pairs:
        f, d = _forefront_field(key, value)
        decoded.append(f)
        all_defects.extend(d)
    by_key = {f.key.upper(): f for f in reversed(decoded)}  # first occurrence wins
    summary = _join(f"EOP: {_verdict_phrase(by_key)}.", _variant_note(field))
    return header(field, EOP, summary, tuple(decoded), tuple(all_defects))


def decode_microsoft_antispam(field: HeaderField) -> VendorHeader:
    """X-Microsoft-Antispam (and -Untrusted): BCL/PCL plus diagnostic-only fields."""
    pairs, defects = colon_pairs(field.value, code="EOP_BAD_ITEM")
    decoded: list[DecodedField] = []
    summary_bits: list[str] = []
    for key, value in pairs:
        k = key.upper()
        if k == "BCL":
            meaning, sev = bcl_meaning(value)
            decoded.append(DecodedField(key, value, "Bulk complaint level", meaning, sev))
            summary_bits.append(f"BCL {value}" + (f": {meaning}" if meaning else ""))
        elif k == "PCL":
            meaning, sev = pcl_meaning(value)
            decoded.append(DecodedField(key, value, "Phishing confidence level", meaning, sev))
        elif k in ("ARA", "RULEID", "URISCAN"):
            text = "Internal Microsoft rule IDs; not documented, useful only to Microsoft support."
            decoded.append(DecodedField(key, value, "Internal rule IDs", text))
        elif k == "SRVR":
            decoded.append(
                DecodedField(
                    key, value, "Filtering server", "Microsoft server that ran the filter."
                )
            )
        else:
            decoded.append(DecodedField(key, value))
    summary = _join(
        "EOP bulk/phish levels" + (": " + "; ".join(summary_bits) if summary_bits else "."),
        _variant_note(field),
    )
    return header(field, EOP, summary, tuple(decoded), defects)


# Microsoft does not document this header (Microsoft Q&A 416100). The University of Oxford IT
# guide (help.it.ox.ac.uk/examine-junk-mail-delivery) gives dest:I/J/C, OFR:CustomRules and
# OFR:SpamFilterAuthJ; the other values are read by their names only and said to be so.
_DEST: dict[str, tuple[str, Severity]] = {
    "I": ("Delivered to the Inbox.", INFO),
    "J": ("Delivered to the Junk Email folder.", WARN),
    "C": ("Delivered to a folder of the recipient's own (a custom folder), not to Junk.", INFO),
}
_OFR = {
    "customrules": "a rule the recipient set up (an Outlook inbox rule) chose the folder",
    "spamfilterauthj": "Exchange's junk filtering (possibly the mailbox's junk settings) chose "
    "the folder",
    "trustedsenderlist": "the recipient's Safe Senders / trusted list matched (by its name)",
}
_FLAGS = {
    "wl": "Allow-list match flag (by its name; Microsoft does not document it). "
    "Seen as 1 with OFR:TrustedSenderList.",
    "pcwl": "Personal-contacts allow-list flag (by its name; not documented).",
    "abwl": "Address-book allow-list flag (by its name; not documented).",
    "ucf": "Not documented; seen as 1 whenever a rule of the recipient chose the folder "
    "(OFR:CustomRules).",
    "jmr": "Not documented (read as the junk-mail rule flag by its name).",
    "auth": "Not documented (read as a sender-authentication flag by its name).",
}


def decode_mailbox_delivery(field: HeaderField) -> VendorHeader:
    """X-Microsoft-Antispam-Mailbox-Delivery: where the mailbox filed the message and who chose.

    ``dest`` (I, J, C), ``OFR`` (the folder reason) and ``RF`` are read; the flags are shown with
    what their names suggest, marked as undocumented.
    """
    pairs, defects = colon_pairs(field.value, code="EOP_BAD_ITEM")
    decoded: list[DecodedField] = []
    dest: DecodedField | None = None
    reason = ""
    for key, value in pairs:
        k = key.lower()
        if k == "dest":
            dest = table_field(key, value, "Destination folder", _DEST)
            decoded.append(dest)
        elif k == "rf":
            decoded.append(DecodedField(key, value, "Folder", f"Filed in folder '{value}'."))
        elif k == "ofr":
            known = _OFR.get(value.lower())
            reason = known or ""
            text = (known[0].upper() + known[1:] + ".") if known else f"Folder reason: {value}."
            sev = WARN if value.lower().startswith("spamfilter") and value.endswith("J") else INFO
            decoded.append(DecodedField(key, value, "Folder reason", text, sev))
        elif k == "eng":
            decoded.append(DecodedField(key, value, "Engine IDs", "Internal Microsoft IDs."))
        elif k in _FLAGS:
            decoded.append(DecodedField(key, value, f"{key} flag", _FLAGS[k]))
        else:
            decoded.append(DecodedField(key, value))
    if dest is not None and dest.meaning:
        why = f"; {reason}" if reason else ""
        summary = f"Mailbox delivery: {dest.meaning.rstrip('.')} (dest:{dest.value}){why}."
    else:
        summary = "Mailbox delivery flags (not publicly documented)."
    return header(field, EOP, summary, tuple(decoded), defects)


_OPAQUE = "Encoded Microsoft anti-spam data; Microsoft does not document it, it cannot be decoded."

EXACT: dict[str, Decoder] = {
    "x-forefront-antispam-report": decode_forefront,
    "x-forefront-antispam-report-untrusted": decode_forefront,
    "x-microsoft-antispam": decode_microsoft_antispam,
    "x-microsoft-antispam-untrusted": decode_microsoft_antispam,
    "x-microsoft-antispam-mailbox-delivery": decode_mailbox_delivery,
    "x-microsoft-antispam-message-info": described(EOP, "Anti-spam message info", _OPAQUE),
    "x-microsoft-antispam-message-info-original": described(
        EOP, "Anti-spam message info (original)", _OPAQUE
    ),
    "x-forefront-prvs": described(
        EOP, "Forefront PRVS", "Internal Microsoft value; not documented."
    ),
    "x-exchange-antispam-report-test": described(EOP, "Anti-spam test report", _OPAQUE),
    "x-exchange-antispam-report-cfa-test": described(EOP, "Anti-spam test report", _OPAQUE),
    "x-customspam": described(
        EOP,
        "Advanced Spam Filter match",
        "The message matched an Advanced Spam Filter (ASF) setting of the anti-spam policy.",
    ),
}

PREFIXES: tuple[tuple[str, Decoder], ...] = (
    (
        "x-forefront-",
        described(EOP, "Forefront header", "Microsoft filter header; not documented."),
    ),
    ("x-microsoft-antispam", described(EOP, "Microsoft anti-spam header", _OPAQUE)),
)
