"""Mobile carriers' e-mail-to-text gateways: a refusal there is the carrier's messaging rule.

Mail to a phone number at a carrier's gateway (5551234567@txt.att.net) is turned into a text
message. Carriers refuse such mail under their own messaging rules, not a mailbox's: automated
or bulk traffic to 10-digit numbers (CTIA Messaging Principles and Best Practices), content they
ban, senders they do not trust; AT&T ended its gateways (txt.att.net, mms.att.net) on 17 June
2025. An address that does not exist or a full mailbox keeps its own reading.
"""

from __future__ import annotations

import re
from dataclasses import replace

from headerlens.model.ndr import CodeMeaning, FailedRecipient, WhoActs

# The carriers' published e-mail-to-SMS/MMS gateway domains (US and Canada).
_GATEWAYS = re.compile(
    r"@(?:txt\.att\.net|mms\.att\.net|vtext\.com|vzwpix\.com|tmomail\.net|"
    r"messaging\.sprintpcs\.com|pm\.sprint\.com|sms\.myboostmobile\.com|myboostmobile\.com|"
    r"mms\.uscc\.net|email\.uscc\.net|sms\.cricketwireless\.net|mms\.cricketwireless\.net|"
    r"msg\.fi\.google\.com|text\.republicwireless\.com|txt\.bell\.ca|txt\.bellmobility\.ca|"
    r"pcs\.rogers\.com|msg\.telus\.com|vmobl\.com|mymetropcs\.com)$",
    re.I,
)
# Readings that stay: the number or mailbox itself, the domain, the connection, the size.
_OWN_READING = frozenset(
    {
        "text:user-unknown",
        "text:invalid-recipient",
        "text:mailbox-full",
        "text:account-disabled",
        "text:domain-unreachable",
        "text:null-mx",
        "text:no-connection",
        "text:connection-failed",
        "text:too-large",
        "X.1.1",
        "5.1.1",
        "5.2.2",
        "5.3.4",
    }
)


def sms_gateway(r: FailedRecipient) -> FailedRecipient:
    """``r`` read as a carrier gateway's refusal when its recipient is one; else unchanged."""
    if r.meaning is None or not _GATEWAYS.search(r.address.strip().strip("<>")):
        return r
    status = r.effective_status or ""
    if r.meaning.key in _OWN_READING or not (status.startswith("5") or (r.smtp_code or 0) >= 500):
        return r
    domain = r.address.rpartition("@")[2].lower()
    meaning = CodeMeaning(
        key="text:sms-gateway",
        explanation=(
            f"{r.address} is a phone number at {domain}, a mobile carrier's e-mail-to-text "
            "gateway: the carrier refused the message under its own messaging rules (automated "
            "or bulk mail to phone numbers, content or senders it blocks), or the gateway no "
            "longer takes mail (AT&T ended txt.att.net and mms.att.net on 17 June 2025). The "
            "sender's authentication is not what decided it."
        ),
        who_acts=WhoActs.SENDER,
        fix=(
            "Send text messages through an SMS service (a short code or a registered number) "
            "instead of the carrier's e-mail gateway, or write to the person's ordinary e-mail "
            "address; sending again to the gateway will be refused the same way."
        ),
        source=(
            "CTIA, 'Messaging Principles and Best Practices' (automated traffic to 10-digit "
            "numbers); AT&T, 'Email to text and text to email' (service ended 17 June 2025)"
        ),
        matched="vendor-text",
    )
    return replace(r, meaning=meaning)
