"""Catalogue of bounce status codes and rejection texts: meaning, who must act, the fix, the source.

Lookup order (most specific first): a vendor's documented rejection text, the vendor's documented
code, an RFC 3463 detail code, the RFC 3463 class. An unknown code falls back to its class; a
meaning is never invented. Each entry names the document it follows (the texts themselves are
catalogue data in ``ndr_codes_texts``).
"""

from __future__ import annotations

import re

from headerlens.model.ndr import CodeMeaning, WhoActs
from headerlens.parsers import ndr_codes_address as address
from headerlens.parsers import ndr_codes_generic as generic
from headerlens.parsers import ndr_codes_queue as queue
from headerlens.parsers import ndr_codes_reason as reason
from headerlens.parsers import ndr_codes_server as server
from headerlens.parsers.ndr_codes_texts import (
    FIX_AUTH,
    FIX_FORWARD,
    FIX_SPF_ADD,
    GMAIL,
    MS_7XX,
    MS_541,
    MS_NDR,
    TEXTS,
    YAHOO_579,
    Entry,
)
from headerlens.parsers.rfc3463 import CODE, rfc3463_meaning

__all__ = ["TEXTS", "VENDOR", "Entry", "lookup", "meaning_of", "sender_entry", "text_entry"]

# Vendor codes, keyed by (vendor, code). Only documented meanings.
VENDOR: dict[tuple[str, str], Entry] = {
    ("microsoft", "5.7.1"): Entry(
        "Delivery not authorised: the sender is not allowed to send to this recipient (a "
        "restricted recipient or group, a mail flow rule, or the sender's IP/domain is blocked).",
        WhoActs.RECIPIENT_ADMIN,
        "Ask the recipient's administrator to allow the sender; if the sender's IP is "
        "listed, request delisting.",
        MS_NDR,
    ),
    ("microsoft", "5.7.23"): Entry(
        "The message was rejected because of an SPF violation: the sending IP is not "
        "authorised by the envelope domain's SPF record.",
        WhoActs.SENDER_ADMIN,
        "Add the sending server to the domain's SPF record. " + FIX_FORWARD,
        MS_NDR,
        "spf",
    ),
    ("microsoft", "5.7.509"): Entry(
        "Access denied: the sending domain does not pass DMARC and publishes a DMARC "
        "policy of reject.",
        WhoActs.SENDER_ADMIN,
        FIX_AUTH + " " + FIX_FORWARD,
        MS_NDR,
        "dmarc",
    ),
    ("microsoft", "5.7.606"): Entry(
        "Access denied, banned sending IP: the sending IP is on Microsoft's block list.",
        WhoActs.SENDER_ADMIN,
        "Request delisting at sender.office.com and find out why the IP was listed "
        "(compromised account, spam); SPF/DKIM/DMARC changes will not help.",
        MS_NDR + " (5.7.606-649)",
        "ip",
    ),
    ("microsoft", "5.7.708"): Entry(
        "Access denied, traffic not accepted from this IP: Microsoft does not accept mail "
        "from the sending IP (typically a new tenant's or a low-reputation IP).",
        WhoActs.SENDER_ADMIN,
        "Send through a reputable IP or contact Microsoft support to have the tenant reviewed.",
        MS_7XX,
        "ip",
    ),
    ("microsoft", "5.7.750"): Entry(
        "Client blocked from sending from unregistered domains: the tenant relayed mail "
        "for domains it has not added and verified.",
        WhoActs.SENDER_ADMIN,
        "Add and verify the sending domain in Microsoft 365 (accepted domain) and check "
        "the outbound connector.",
        MS_7XX,
    ),
    ("microsoft", "5.4.1"): Entry(
        "Recipient address rejected: Access denied. The recipient domain is hosted in "
        "Exchange Online and directory-based edge blocking rejected an address that does "
        "not exist there (or the domain is not set up to receive).",
        WhoActs.RECIPIENT_ADMIN,
        "Check the recipient address; the recipient's administrator must create the "
        "mailbox or fix the domain's accepted-domain and MX set-up.",
        MS_541,
    ),
    ("microsoft", "5.1.10"): Entry(
        "Recipient not found: the recipient's address does not exist in the recipient's "
        "Exchange Online organisation.",
        WhoActs.SENDER,
        "Check the address for typos; the recipient's administrator can confirm it.",
        MS_NDR,
    ),
    ("microsoft", "5.1.1"): Entry(
        "Bad destination mailbox address: the recipient's address was not found.",
        WhoActs.SENDER,
        "Delete and retype the address (clear the Auto-Complete entry); ask the recipient "
        "to confirm it.",
        MS_NDR,
    ),
    ("microsoft", "5.2.2"): Entry(
        "Submission quota exceeded: the sender went over the recipient-rate or message-rate limit.",
        WhoActs.SENDER,
        "Wait and send to fewer recipients at a time; use a bulk mail service for mass mail.",
        MS_NDR,
    ),
    ("microsoft", "5.7.350"): Entry(
        "The recipient's mail server (or its filtering service), outside Microsoft 365, "
        "suspected the message is spam and rejected it; Exchange Online passes on its reply "
        "after '->'.",
        WhoActs.RECIPIENT_ADMIN,
        "The sender can revise the message (content, links, attachments) and resend it; "
        "otherwise only the recipient's administrator can fix it, by allowing the sender's "
        "address or domain.",
        MS_NDR,
    ),
    ("microsoft", "5.7.501"): Entry(
        "Access denied, spam abuse detected: Microsoft 365 banned the sending account for "
        "spam it sent; the sender's own service refused to send the message.",
        WhoActs.SENDER_ADMIN,
        "Find out why the account sent spam (a taken-over account is common), secure it, "
        "remove mass mailings, then ask Microsoft support to unblock it.",
        MS_NDR + " (5.7.501-503)",
    ),
    ("microsoft", "4.4.7"): Entry(
        "Message expired: the sending server could not deliver it before the queue's "
        "expiration time; usually a problem at the receiving server.",
        WhoActs.RECIPIENT_ADMIN,
        "Check that the recipient domain's MX servers accept connections; the recipient's "
        "administrator must fix an unreachable server.",
        MS_NDR,
    ),
    ("yahoo", "5.7.9"): Entry(
        "Yahoo could not verify that the message came from a legitimate sender: it failed "
        "DKIM, SPF or DMARC.",
        WhoActs.SENDER_ADMIN,
        FIX_AUTH + " " + FIX_FORWARD,
        YAHOO_579,
        "dmarc",
    ),
    ("google", "5.7.26"): Entry(
        "Gmail blocked the message because it is unauthenticated (neither SPF nor DKIM "
        "passed) or fails the From domain's DMARC policy.",
        WhoActs.SENDER_ADMIN,
        FIX_AUTH + " " + FIX_FORWARD,
        GMAIL,
        "dmarc",
    ),
    ("google", "5.7.27"): Entry(
        "Gmail blocked the message because SPF did not pass for the sending domain.",
        WhoActs.SENDER_ADMIN,
        FIX_SPF_ADD + " " + FIX_FORWARD,
        GMAIL,
        "spf",
    ),
    ("google", "5.7.25"): Entry(
        "The sending IP has no PTR record, or the PTR name does not resolve back to the IP.",
        WhoActs.SENDER_ADMIN,
        "Set a PTR record for the sending IP whose name resolves back to it.",
        GMAIL,
        "ptr",
    ),
    ("google", "5.7.1"): Entry(
        "Gmail refused the message on policy grounds (blocked sender, content, or failed "
        "authentication: the reply text says which).",
        WhoActs.SENDER_ADMIN,
        "Read the reply text; for authentication failures make SPF or DKIM pass.",
        GMAIL,
    ),
    ("google", "4.7.28"): Entry(
        "Gmail rate-limited mail from this sender: an unusual rate of unsolicited mail "
        "or senders not meeting its requirements.",
        WhoActs.SENDER_ADMIN,
        "Authenticate the mail (SPF, DKIM, DMARC) and lower the rate; the server retries.",
        GMAIL,
        "ip",
    ),
    ("google", "4.7.0"): Entry(
        "Gmail temporarily blocked the message (unusual rate of unsolicited mail from the "
        "IP, TLS required, or a temporary system problem).",
        WhoActs.NOBODY,
        "Wait for the retry; if it persists, check the sender's reputation and TLS.",
        GMAIL,
    ),
    ("google", "5.2.1"): Entry(
        "The Gmail account you tried to reach is disabled.",
        WhoActs.SENDER,
        "Reach the recipient another way and ask for a working address.",
        GMAIL,
    ),
    ("google", "5.1.1"): Entry(
        "The Gmail account you tried to reach does not exist.",
        WhoActs.SENDER,
        "Check the address for typos.",
        GMAIL,
    ),
}


def meaning_of(key: str, e: Entry, matched: str) -> CodeMeaning:
    return CodeMeaning(key, e.explanation, e.who, e.fix, e.source, matched, e.about)


def _rows(
    rows: tuple[tuple[str, str, queue.Row | reason.RowAbout], ...],
) -> tuple[tuple[str, re.Pattern[str], Entry], ...]:
    return tuple((key, re.compile(rx, re.I | re.S), Entry(*row)) for key, rx, row in rows)


# Every text in lookup order: a full mailbox first (some hosts also say "mailbox unavailable"),
# then the texts that blame the sender's own address whatever their code's class (an invalid
# sender domain also says "does not exist"), the replies whose words decide the party, the
# vendors' texts, Exim's bare "retry timeout exceeded" last …
ALL_TEXTS = (
    _rows(queue.TEXTS_FIRST)
    + _rows(reason.TEXTS_SENDER)
    + _rows(reason.TEXTS_REPLY)
    + TEXTS
    + _rows(address.TEXTS_ADDRESS)
    + _rows(queue.TEXTS_LAST)
)
# … and the generic reasons a vendor's code says more about (tried after the vendor codes).
LATE_TEXTS = (
    _rows(server.TEXTS_SERVER) + _rows(generic.TEXTS_GENERIC) + _rows(queue.TEXTS_UNREACHED)
)


def sender_entry() -> tuple[str, Entry]:
    """The catalogue's entry for a sender address or domain the receiver refused."""
    key, _, row = reason.TEXTS_SENDER[0]
    return key, Entry(*row)


def text_entry(diagnostic: str, late: bool = True) -> tuple[str, Entry] | None:
    """The rejection text the diagnostic matches, if any (``late``: also the generic reasons)."""
    for key, rx, entry in ALL_TEXTS + (LATE_TEXTS if late else ()):
        if rx.search(diagnostic):
            return key, entry
    return None


def lookup(
    status: str | None, diagnostic: str, vendor: str | None, smtp_code: int | None = None
) -> CodeMeaning:
    """Meaning of one failure: rejection text, vendor code, RFC 3463 detail, RFC 3463 class.

    Without an enhanced code the SMTP reply code gives the class (RFC 5321 §4.2.1: 4yz
    transient, 5yz permanent), read as RFC 3463's X.0.0.
    """
    hit = text_entry(diagnostic, late=False)
    if hit is not None:
        return meaning_of(hit[0], hit[1], "vendor-text")
    if status is None and smtp_code is not None and 400 <= smtp_code < 600:
        status = f"{smtp_code // 100}.0.0"
    code = CODE.match(status or "")
    if vendor is not None and status is not None:
        entry = VENDOR.get((vendor, status))
        row = queue.EXO_QUEUE.get(status) if vendor == "microsoft" else None
        entry = entry or (Entry(*row) if row else None)
        if entry is None and vendor == "microsoft" and code and code.group(2) == "7":
            number = int(code.group(3))
            if 606 <= number <= 649:  # the documented banned-IP range
                entry = VENDOR[("microsoft", "5.7.606")]
        if entry is not None:
            return meaning_of(status, entry, "vendor-code")
    hit = text_entry(diagnostic)
    if hit is not None:
        return meaning_of(hit[0], hit[1], "vendor-text")
    return rfc3463_meaning(status, has_text=bool(diagnostic.strip()))
