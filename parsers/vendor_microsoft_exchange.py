"""Decoders for Exchange / Exchange Online headers (X-MS-Exchange-Organization-*, -CrossTenant-*).

SCL/PCL and the antispam report stamp follow Microsoft's "Antispam stamps" article for Exchange
Server; AuthAs follows the Exchange transport AuthenticationSource enumeration. Codes Microsoft
does not publish (AuthMechanism, SenderADCheck...) are shown raw and said to be undocumented.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from headerlens.model.core import Defect, HeaderField, Severity
from headerlens.model.vendor import DecodedField, VendorHeader
from headerlens.parsers.vendor_base import (
    Decoder,
    b64_text,
    colon_pairs,
    described,
    header,
    table_field,
)
from headerlens.parsers.vendor_microsoft import decode_forefront, pcl_meaning, scl_meaning

EXCHANGE = "Microsoft Exchange"
INFO, WARN = Severity.INFO, Severity.WARNING

_AUTH_AS: dict[str, tuple[str, Severity]] = {
    "ANONYMOUS": (
        "The sending server did not authenticate: treated as mail from the Internet.",
        INFO,
    ),
    "INTERNAL": ("The sender authenticated as part of the organisation (internal mail).", INFO),
    "PARTNER": ("The sending server authenticated as a partner (secure domain).", INFO),
}

_FROM_ENTITY: dict[str, tuple[str, Severity]] = {
    "INTERNET": ("Came in from the Internet.", INFO),
    "HOSTED": ("Sent by a mailbox hosted in Exchange Online.", INFO),
    "HYBRIDONPREM": ("Came from the organisation's on-premises Exchange (hybrid connector).", INFO),
}

_DIRECTIONALITY: dict[str, tuple[str, Severity]] = {
    "INCOMING": ("Incoming: received from outside the organisation.", INFO),
    "ORIGINATING": ("Originating: sent by a user of the organisation.", INFO),
}

_SENDER_ID: dict[str, tuple[str, Severity]] = {
    "PASS": ("Sender ID passed: the IP may send for the purported responsible address.", INFO),
    "NEUTRAL": ("Sender ID neutral: the published data is inconclusive.", INFO),
    "SOFTFAIL": ("Sender ID soft fail: the IP is probably not allowed.", WARN),
    "FAIL": ("Sender ID fail: the IP is not allowed, or no PRA / domain found.", WARN),
    "NONE": ("No SPF/Sender ID data published.", INFO),
    "TEMPERROR": ("Temporary DNS error during the check.", WARN),
    "PERMERROR": ("Invalid record (permanent error).", WARN),
}

# Exchange antispam report stamp keys (Exchange Server "Antispam stamps").
_REPORT_LABELS: dict[str, str] = {
    "DV": "Spam definition (DAT) version",
    "SV": "Signature DAT version",
    "SA": "Signature action",
    "CW": "Custom word weight applied",
    "PP": "Presolved puzzle (postmark)",
    "TIME": "Time-based features applied",
    "ORIGIP": "Original source IP",
    "MIME": "Not MIME compliant",
    "P100": "Phishing URL block",
    "SID": "Sender ID status",
}

_MS_TIME = "%d %b %Y %H:%M:%S.%f"


def parse_ms_time(text: str) -> datetime | None:
    """Parse Exchange's ``03 Aug 2024 20:27:18.3119 (UTC)`` timestamps (UTC-aware), or None."""
    cleaned = re.sub(r"\s*\(UTC\)\s*$", "", text.strip())
    cleaned = re.sub(r"\s+", " ", cleaned)
    if "." not in cleaned.rsplit(" ", 1)[-1]:
        cleaned += ".0"
    try:
        return datetime.strptime(cleaned, _MS_TIME).replace(tzinfo=UTC)
    except ValueError:
        return None


def _one(field: HeaderField, label: str, meaning: str | None, sev: Severity = INFO) -> VendorHeader:
    f = DecodedField("value", field.value, label, meaning, sev)
    summary = f"{label}: {meaning}" if meaning else f"{label}: {field.value}"
    return header(field, EXCHANGE, summary, (f,))


def _table(label: str, table: dict[str, tuple[str, Severity]]) -> Decoder:
    def decode(field: HeaderField) -> VendorHeader:
        f = table_field("value", field.value, label, table)
        summary = f"{label}: {f.meaning}" if f.meaning else f"{label}: {field.value}"
        return header(field, EXCHANGE, summary, (f,))

    return decode


def decode_scl(field: HeaderField) -> VendorHeader:
    """X-MS-Exchange-Organization-SCL: the spam confidence level Exchange acts on."""
    meaning, sev = scl_meaning(field.value)
    return _one(field, f"Spam confidence level {field.value}", meaning, sev)


def decode_pcl(field: HeaderField) -> VendorHeader:
    """X-MS-Exchange-Organization-PCL: phishing confidence level (1-3 neutral, 4-8 suspicious)."""
    meaning, sev = pcl_meaning(field.value)
    return _one(field, f"Phishing confidence level {field.value}", meaning, sev)


def decode_time(label: str) -> Decoder:
    """A decoder for Exchange timestamp headers; the meaning states the time in ISO form."""

    def decode(field: HeaderField) -> VendorHeader:
        when = parse_ms_time(field.value)
        if when is None:
            from headerlens.model.codes import Code

            bad = Defect(Code.EXCHANGE_BAD_TIME, f"Unreadable {label.lower()}: {field.value!r}")
            return header(
                field,
                EXCHANGE,
                f"{label}: {field.value}",
                (DecodedField("value", field.value, label),),
                (bad,),
            )
        text = f"{when.isoformat()} (UTC)"
        return _one(field, label, text)

    return decode


def decode_antispam_report(field: HeaderField) -> VendorHeader:
    """X-MS-Exchange-Organization-Antispam-Report: EOP format or the Exchange Server stamp."""
    if re.search(r"(?:^|;)\s*(?:SFV|SCL|CIP|CAT):", field.value, re.IGNORECASE):
        eop = decode_forefront(field)
        return VendorHeader(
            eop.header_name,
            eop.header_index,
            EXCHANGE,
            eop.raw,
            eop.summary,
            eop.fields,
            eop.defects,
        )
    pairs, defects = colon_pairs(field.value, code="EXCHANGE_BAD_ITEM")
    decoded: list[DecodedField] = []
    for key, value in pairs:
        k = key.upper()
        label = _REPORT_LABELS.get(k)
        if k == "PCL":
            verdict = value.split()[-1] if value else ""
            sev = WARN if verdict.lower() == "suspicious" else INFO
            decoded.append(
                DecodedField(key, value, "Phishing verdict", f"Phishing verdict: {verdict}.", sev)
            )
        elif k == "SID":
            status = value.split()[-1] if value else ""
            decoded.append(table_field(key, status, "Sender ID status", _SENDER_ID))
        else:
            decoded.append(DecodedField(key, value, label))
    return header(field, EXCHANGE, "Exchange antispam report stamp.", tuple(decoded), defects)


def decode_connecting_ip(field: HeaderField) -> VendorHeader:
    """X-MS-Exchange-CrossTenant-OriginalAttributedTenantConnectingIp: TenantId=;Ip=[];Helo=[]."""
    decoded: list[DecodedField] = []
    labels = {"tenantid": "Tenant ID", "ip": "Connecting IP", "helo": "HELO name"}
    for item in field.value.split(";"):
        key, _eq, value = item.strip().partition("=")
        if key:
            decoded.append(DecodedField(key, value.strip("[]"), labels.get(key.lower())))
    return header(
        field,
        EXCHANGE,
        "Tenant, IP and HELO Microsoft attributed the connection to.",
        tuple(decoded),
    )


def decode_message_delivery(field: HeaderField) -> VendorHeader:
    """X-Message-Delivery (Outlook.com): base64 of a ``k=v;`` list, shown decoded. Its SCL is
    Outlook.com's own rating, not Exchange's X-MS-Exchange-Organization-SCL: Exchange's meanings
    (an on-premises rule for 2-4, filtering skipped for -1) do not apply, so only the number and
    its direction are said (the folder itself comes from diagnosis/outcome)."""
    text = b64_text(field.value)
    if text is None:
        return _one(field, "Outlook.com delivery data", None)
    decoded = [DecodedField("decoded", text, "Base64-decoded", "Outlook.com internal values.")]
    for item in text.split(";"):
        key, eq, value = item.partition("=")
        if eq and key.upper() == "SCL":
            meaning = (
                "Outlook.com's own spam rating (higher is more likely spam); Microsoft "
                "documents no meaning for its values."
            )
            decoded.append(DecodedField(key, value, f"Spam confidence level {value}", meaning))
        elif eq and key:
            decoded.append(DecodedField(key, value))
    return header(field, EXCHANGE, f"Outlook.com delivery data (decoded: {text}).", tuple(decoded))


def decode_has_attach(field: HeaderField) -> VendorHeader:
    """X-MS-Has-Attach: 'yes' when Exchange saw attachments, empty otherwise."""
    value = field.value.strip().lower()
    meaning = "Has attachments." if value == "yes" else "No attachments." if not value else None
    return _one(field, "Attachments", meaning)


_UNDOCUMENTED = "Internal Exchange value; Microsoft does not publish its meaning."

EXACT: dict[str, Decoder] = {
    "x-ms-exchange-organization-scl": decode_scl,
    "x-ms-exchange-organization-pcl": decode_pcl,
    "x-ms-exchange-organization-authas": _table("Authenticated as", _AUTH_AS),
    "x-ms-exchange-crosstenant-authas": _table("Authenticated as (cross-tenant)", _AUTH_AS),
    "x-ms-exchange-organization-authsource": described(
        EXCHANGE, "Authentication source", "Server that decided how the sender authenticated."
    ),
    "x-ms-exchange-crosstenant-authsource": described(
        EXCHANGE, "Authentication source", "Server that decided how the sender authenticated."
    ),
    "x-ms-exchange-organization-authmechanism": described(
        EXCHANGE,
        "Authentication mechanism",
        "Exchange's code for how the sender authenticated; Microsoft publishes no list of codes.",
    ),
    "x-ms-exchange-organization-messagedirectionality": _table("Direction", _DIRECTIONALITY),
    "x-ms-exchange-crosstenant-fromentityheader": _table("Came from", _FROM_ENTITY),
    "x-ms-exchange-transport-fromentityheader": _table("Came from", _FROM_ENTITY),
    "x-ms-exchange-organization-network-message-id": described(
        EXCHANGE,
        "Network message ID",
        "Exchange Online's ID for this message; use it in message trace.",
    ),
    "x-ms-exchange-crosstenant-network-message-id": described(
        EXCHANGE,
        "Network message ID",
        "Exchange Online's ID for this message; use it in message trace.",
    ),
    "x-ms-exchange-crosstenant-id": described(
        EXCHANGE, "Tenant ID", "Microsoft 365 tenant (organisation) that handled the message."
    ),
    "x-ms-exchange-crosstenant-originalarrivaltime": decode_time("Arrival time at Microsoft 365"),
    "x-ms-exchange-organization-expirationstarttime": decode_time("Queue expiry counted from"),
    "x-ms-exchange-organization-expirationinterval": described(
        EXCHANGE,
        "Expiry interval",
        "How long (d:hh:mm:ss) the message may wait in queues before it expires.",
    ),
    "x-ms-exchange-organization-antispam-report": decode_antispam_report,
    "x-ms-exchange-organization-senderidresult": _table("Sender ID result", _SENDER_ID),
    "x-sid-result": _table("Sender ID result", _SENDER_ID),
    "x-sid-pra": described(
        EXCHANGE, "Purported responsible address", "Address Sender ID checked (the PRA)."
    ),
    "x-ms-exchange-crosstenant-originalattributedtenantconnectingip": decode_connecting_ip,
    "x-ms-has-attach": decode_has_attach,
    "x-ms-tnef-correlator": described(
        EXCHANGE, "TNEF correlator", "Links a TNEF (winmail.dat) part to the message."
    ),
    "x-ms-exchange-atpmessageproperties": described(
        EXCHANGE,
        "Defender for Office 365 properties",
        "Flags of Defender (ATP) processing; not documented.",
    ),
    "x-ms-exchange-senderadcheck": described(EXCHANGE, "Sender directory check", _UNDOCUMENTED),
    "x-ms-publictraffictype": described(
        EXCHANGE, "Traffic type", "Kind of traffic Exchange Online recorded."
    ),
    "x-ms-traffictypediagnostic": described(EXCHANGE, "Traffic type diagnostic", _UNDOCUMENTED),
    "x-ms-office365-filtering-correlation-id": described(
        EXCHANGE,
        "Filtering correlation ID",
        "ID Microsoft support uses to find the filtering record.",
    ),
    "x-ms-office365-filtering-correlation-id-prvs": described(
        EXCHANGE,
        "Filtering correlation ID (previous)",
        "Correlation ID from an earlier Microsoft hop.",
    ),
    "x-ms-exchange-authentication-results": described(
        EXCHANGE,
        "Exchange authentication results",
        "Authentication-Results-style copy (SPF/DKIM/DMARC).",
    ),
    "x-message-delivery": decode_message_delivery,
    "x-message-info": described(
        EXCHANGE, "Outlook.com message info", "Encoded Outlook.com value; not documented."
    ),
    "x-originatororg": described(
        EXCHANGE, "Originating organisation", "Organisation that sent the message."
    ),
    "x-eopattributedmessage": described(EXCHANGE, "EOP attributed message", _UNDOCUMENTED),
    "x-eoptenantattributedmessage": described(EXCHANGE, "EOP tenant attribution", _UNDOCUMENTED),
    "x-incomingheadercount": described(
        EXCHANGE, "Incoming header count", "Number of header fields on arrival."
    ),
    "x-incomingtopheadermarker": described(
        EXCHANGE, "Incoming header marker", "Checksums of the header on arrival."
    ),
}

PREFIXES: tuple[tuple[str, Decoder], ...] = (
    ("x-ms-exchange-", described(EXCHANGE, "Exchange header", _UNDOCUMENTED)),
    ("x-microsoft-exchange-", described(EXCHANGE, "Exchange diagnostics", _UNDOCUMENTED)),
    ("x-ms-office365-", described(EXCHANGE, "Office 365 header", _UNDOCUMENTED)),
    ("x-ms-", described(EXCHANGE, "Microsoft header", _UNDOCUMENTED)),
)
