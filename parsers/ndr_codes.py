"""Catalogue of bounce status codes and rejection texts: meaning, who must act, the fix, the source.

Lookup order (most specific first): a vendor's documented rejection text, the vendor's documented
code, an RFC 3463 detail code, the RFC 3463 class. An unknown code falls back to its class; a
meaning is never invented. Each entry names the document it follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from headerlens.model.ndr import CodeMeaning, Rejecter, WhoActs
from headerlens.parsers import ndr_codes_queue as queue
from headerlens.parsers import ndr_codes_reason as reason
from headerlens.parsers.rfc3463 import CODE, RFC3463, rfc3463_meaning

# Vendor documents the entries below follow.
MS_NDR = (
    "Microsoft Learn, 'Email non-delivery reports and SMTP errors in Exchange Online' "
    "(learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online)"
)
MS_7XX = "Microsoft Learn, 'Fix error code 5.7.700 through 5.7.750 in Exchange Online'"
MS_541 = "Microsoft Learn, 'Fix email delivery issues for error code 5.4.1 in Exchange Online'"
GMAIL = "Google Workspace Admin Help, 'Gmail SMTP errors and codes' (support.google.com/a/answer/3726730)"
GMAIL_AUTH = "Gmail Help, 'Email sender guidelines' (support.google.com/mail/answer/81126)"
GMAIL_SENDAS = "Gmail Help, 'Send emails from a different address or alias' (?p=CustomFromDenied)"
YAHOO = "Yahoo Sender Hub, 'SMTP error codes' (senders.yahooinc.com/smtp-error-codes)"
YAHOO_579 = "Yahoo Help SLN7253, 'Error 554 5.7.9: Message not accepted for policy reasons'"
POSTFIX = "Postfix documentation, postconf(5) and SMTPD_ACCESS_README (reject texts)"
EXIM = "Exim specification, ch. 42 'Access control lists' (verify = reverse_host_lookup)"
MIMECAST = "Mimecast Knowledge Base, 'SMTP error codes' (community.mimecast.com/docs/DOC-1369)"
COX = "Cox, 'Email error codes' (cox.com/residential/support/email-error-codes.html)"
CLOUDFLARE = "Cloudflare Docs, 'Email Routing: postmaster' (developers.cloudflare.com/email-routing/postmaster)"
GODADDY = "GoDaddy, 'Email bounce codes' (IB508: SPF failure; x.co/srbounce)"

_FIX_AUTH = (
    "Make the message authenticate for the From domain: DKIM-sign it with that domain "
    "(aligned) and list every server that sends for the domain in its SPF record."
)
# A refusal for SPF reaches whoever the envelope names, also when a spammer forged that address
# (backscatter): adding the refused server to SPF is right only for mail the reader really sent.
_FIX_SPF_ADD = (
    "If your organisation sent the original through that server, add the server to the envelope "
    "domain's SPF record; if it did not send it (a spam that forged your address, returned to you "
    "as backscatter), add nothing."
)
_FIX_FORWARD = (
    "If the message was forwarded (an alias or redirect), fix it at the forwarder: rewrite the "
    "envelope sender (SRS), add ARC, or stop forwarding to external mailboxes."
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One catalogue entry (internal); ``rejecter`` overrides the name-based guess when set."""

    explanation: str
    who: WhoActs
    fix: str
    source: str
    about: str = ""
    rejecter: Rejecter | None = None


# Rejection texts that say more than their code (GoDaddy answers an SPF failure with 5.1.0,
# Gmail's 5.7.1 covers several causes), matched case-insensitively against the diagnostic.
TEXTS: tuple[tuple[str, re.Pattern[str], Entry], ...] = tuple(
    (key, re.compile(rx, re.I | re.S), e)
    for key, rx, e in (
        (
            "text:dmarc-policy",
            r"(?:not accepted due to (?:the )?domain'?s\s+DMARC|DMARC policy of reject|"
            r"does not pass DMARC|rejected per DMARC)",
            Entry(
                "The From domain publishes a DMARC policy of reject and the message passed "
                "neither aligned SPF nor aligned DKIM, so the receiver refused it.",
                WhoActs.SENDER_ADMIN,
                _FIX_AUTH + " " + _FIX_FORWARD + " If the sender never sent it, it was a "
                "spoof and nothing needs fixing.",
                GMAIL + "; " + MS_NDR + " (5.7.509)",
                "dmarc",
            ),
        ),
        (
            "text:unauthenticated",
            r"(?:sender is unauthenticated|does not have authentication information or fails "
            r"to pass\s+authentication|mail is unauthenticated|does not pass authentication "
            r"checks)",
            Entry(
                "Gmail requires every sender to authenticate with SPF or DKIM; for this "
                "message neither passed.",
                WhoActs.SENDER_ADMIN,
                _FIX_AUTH + " " + _FIX_FORWARD,
                GMAIL_AUTH,
                "auth",
            ),
        ),
        (
            "text:cox-ip-blocklist",
            r"AUP#CDRBL",
            Entry(
                "Cox's inbound filter refused the connection at MAIL FROM with its code "
                "AUP#CDRBL: the sending server's IP address is on Cox's own blocklist; the "
                "sender and recipient addresses are not the problem.",
                WhoActs.SENDER_ADMIN,
                "Check the sending IP's reputation and ask Cox to remove it through the "
                "error-code page the reply links to; send from another server meanwhile.",
                COX,
                "ip",
                Rejecter.RECIPIENT_GATEWAY,
            ),
        ),
        (
            "text:cloudflare-routing-upstream",
            r"(?:email-routing/postmaster|Upstream error, please check)",
            Entry(
                "The address is forwarded by Cloudflare Email Routing, and the mailbox it "
                "forwards to refused or deferred the message (Cloudflare passes on that "
                "'upstream' answer); forwarded mail is often refused there when it does not "
                "pass SPF, DKIM or DMARC after forwarding.",
                WhoActs.FORWARDER,
                "The recipient's Email Routing log shows the destination's reply. Senders: "
                "DKIM-sign with the From domain so the message survives forwarding. The "
                "recipient: check the destination mailbox, or deliver to it directly.",
                CLOUDFLARE,
                "forward",
                Rejecter.RECIPIENT_GATEWAY,
            ),
        ),
        (
            "text:spf-ib508",
            r"(?:IB508|not allowed to send from\s+<[^>]*>\s+per it'?s SPF)",
            Entry(
                "The receiving server (GoDaddy) rejected the message because SPF failed for "
                "the envelope sender's domain from the connecting IP (code IB508), whatever "
                "the status code says.",
                WhoActs.SENDER_ADMIN,
                _FIX_SPF_ADD + " " + _FIX_FORWARD,
                GODADDY,
                "spf",
            ),
        ),
        (
            "text:spf-fail",
            r"(?:SPF (?:check )?fail|SPF validation|Sender Policy Framework violation)",
            Entry(
                "The receiving server rejected the message because SPF failed for the "
                "envelope sender's domain.",
                WhoActs.SENDER_ADMIN,
                _FIX_SPF_ADD + " " + _FIX_FORWARD,
                MS_NDR + " (5.7.23); " + POSTFIX,
                "spf",
            ),
        ),
        (
            "text:reverse-dns",
            r"(?:Fix reverse DNS|reverse DNS|cannot find your hostname|"
            r"cannot find your reverse hostname|does not have a PTR record|No PTR record|"
            r"invalid RDNS|\bRDNS (?:record|lookup|check))",
            Entry(
                "The receiving server refuses connections from an IP address without valid "
                "(forward-confirmed) reverse DNS.",
                WhoActs.SENDER_ADMIN,
                "Give the sending server's public IP a PTR record whose name resolves back to "
                "the same IP, and use that name in HELO. SPF and DKIM do not change this.",
                POSTFIX + " (reject_unknown_client_hostname); " + EXIM,
                "ptr",
            ),
        ),
        (
            "text:helo-rejected",
            # "service permits 2 unverifyable sending IPs - HELO-NAME is not IP": the name the
            # sender announced does not resolve to the address it connected from
            r"Helo command rejected|unverif[iy]able sending IPs?",
            Entry(
                "The receiving server refused the name the sending server gave in HELO/EHLO "
                "(not a fully-qualified name, or one that does not resolve).",
                WhoActs.SENDER_ADMIN,
                "Configure the sending server to announce its real fully-qualified host name, "
                "one that resolves in DNS.",
                POSTFIX + " (reject_invalid_helo_hostname, reject_unknown_helo_hostname)",
                "helo",
            ),
        ),
        (
            "text:relay-denied",
            # "not permitted to relay", also split over a multi-line reply ("to\n550 relay")
            r"Relay access denied|Unable to relay|relay not permitted"
            r"|not permitted to\s*(?:\d{3}[ -]?)?relay",
            Entry(
                "The server that answered does not accept mail for the recipient's domain "
                "from this client: it is not the domain's mail server, or the client did not "
                "authenticate for relaying.",
                WhoActs.SENDER_ADMIN,
                "Check the recipient domain's MX records and the sending client's SMTP "
                "authentication; an outdated MX or a smarthost without AUTH causes this.",
                POSTFIX + " (reject_unauth_destination)",
            ),
        ),
        (
            "text:mimecast-host-network",
            r"Host network not allowed",
            Entry(
                "The recipient organisation's Mimecast does not accept mail from the sending "
                "host's network (a policy on the recipient side, not an authentication result).",
                WhoActs.RECIPIENT_ADMIN,
                "Ask the recipient's administrators to allow the sending IP or network, or "
                "send from another IP; SPF, DKIM and DMARC changes will not help.",
                MIMECAST,
                "ip",
            ),
        ),
        (
            "text:gmail-send-as",
            r"Send mail as|CustomFromDenied",
            Entry(
                "Gmail could not send through the SMTP server configured for a 'Send mail as' "
                "address (the server refused or did not offer authentication).",
                WhoActs.SENDER,
                "In Gmail settings, update the 'Send mail as' entry: server name, port, TLS "
                "and the account's password; or send from the Gmail address itself.",
                GMAIL_SENDAS,
                rejecter=Rejecter.SENDER_OWN,
            ),
        ),
        (
            "text:sender-rejected",
            r"\bsender (?:address )?rejected\b",
            Entry(
                "The receiving server refused the envelope sender (its address or domain, or the "
                "reputation of the sender behind it), not the recipient's address.",
                WhoActs.SENDER_ADMIN,
                "Check that the envelope sender's domain resolves and is allowed to send, and "
                "the sending IP's and domain's reputation with that receiver; the reply's code "
                "or link gives its reason. The recipient's address is not in question.",
                POSTFIX + " (reject_unknown_sender_domain, 'Sender address rejected')",
            ),
        ),
        (
            "text:domain-unreachable",
            r"(?:Host or domain name not found|domain is not reachable|Name service error|"
            r"Domain not found|Unrouteable address|no valid MX|No such domain|"
            r"Domain does not exist|Host unknown \(Authoritative answer|"
            r"Could not find a gateway for|"
            # Amazon SES when the domain has no mail server: X.4.4 is "unable to route"
            r"\b5\.4\.4 Invalid domain\b)",
            Entry(
                "The sending server found no mail server for the recipient's domain (its DNS "
                "has no MX or address record, or it could not be reached): no remote server "
                "refused the message.",
                WhoActs.SENDER,
                "Check the recipient's domain for typos. If it is right, the recipient's "
                "administrator must publish working MX records for it.",
                RFC3463 + " §3.2 (X.1.2, X.4.4); " + POSTFIX + " ('Host or domain name not found')",
            ),
        ),
        (
            "text:user-unknown",
            r"(?:User unknown|unknown user|unknown recipient|RecipNotFound|no such user|"
            r"recipient name is not recognized|doesn.t have an? \S+ account|user not found|"
            r"User not on post office|"
            # Gmail's notice without a reply: "wasn't delivered to x because the address
            # couldn't be found" (a missing domain says "the domain … couldn't be found")
            r"because the address couldn.t be found|"
            r"mailbox unavailable|does not exist|Recipient not found|"
            r"not listed in (?:the )?(?:public )?Name (?:&|and) Address Book|"
            r"not (?:listed|found) in (?:the )?Domino Directory|Invalid final delivery userid|"
            # Japanese Notes / Domino: "not in the directory's list", "not found in the directory"
            r"\u30c7\u30a3\u30ec\u30af\u30c8\u30ea\s*(?:\u306e\u30ea\u30b9\u30c8\u306b\u3042\u308a\u307e\u305b\u3093|"
            r"\u306b\u306f\u898b\u3064\u304b\u308a\u307e\u305b\u3093))",
            Entry(
                "The recipient's server says the address does not exist (or the mailbox is "
                "unavailable).",
                WhoActs.SENDER,
                "Check the address for typos and ask the recipient for the right one; nothing "
                "in the sender's authentication set-up is involved.",
                RFC3463 + " §3.2 (X.1.1); " + POSTFIX + " (local_recipient_maps)",
            ),
        ),
        (
            "text:ip-blocklist",
            r"(?:blocked using\s+\S+|listed (?:in|at|on)\s+(?:the\s+)?[\w.-]*(?:spamhaus|spamcop|"
            r"barracuda|sorbs|uceprotect|rbl|dnsbl|blacklist|blocklist)|on our block ?list|"
            r"\bRBL\b|blacklisted|block-?listed|Spamhaus)",
            Entry(
                "The receiving server refused the connection or message because the sending "
                "server's IP address is on a DNS blocklist it uses (the reply names the list); "
                "the addresses and the message's authentication are not in question.",
                WhoActs.SENDER_ADMIN,
                "Look the sending IP up on the list the reply names, stop what got it listed "
                "(a compromised account, a spam run, an open relay) and request delisting there; "
                "SPF, DKIM or DMARC changes will not help. Meanwhile send through another server.",
                RFC3463 + " §3.8 (X.7.1); Spamhaus, 'Blocklist removal center'",
                "ip",
            ),
        ),
        (
            "text:content-spam",
            r"(?:looked like spam|rejected as spam|detected as spam|identified as spam|"
            r"considered (?:as )?spam|suspected spam|spam content|may consider spam|"
            r"message content rejected|content filter|"
            r"content presents a potential\s+security issue|"
            # Mimecast: "554 email rejected due to security policies - MCSpamSignature.sa.2.2"
            r"\bMCSpamSignature\b)",
            Entry(
                "The receiving server's filter judged the message's content to be spam and "
                "refused it (not its sender's authentication or address).",
                WhoActs.RECIPIENT_ADMIN,
                "The sender can revise the message (content, links, attachments) and resend it; "
                "otherwise only the recipient's administrator can let it through, by allowing the "
                "sender's address or domain.",
                RFC3463
                + " §3.8 (X.7.1); "
                + MS_NDR
                + " (5.7.350); "
                + MIMECAST
                + " (MCSpamSignature: its spam signatures matched the message)",
            ),
        ),
        (
            "text:yahoo-tss04",
            r"\[TSS04\]",
            Entry(
                "Yahoo temporarily deferred mail from this IP because of unexpected volume or "
                "user complaints.",
                WhoActs.SENDER_ADMIN,
                "Slow down, check complaint rates and list hygiene; the server retries.",
                YAHOO + " (TSS04)",
                "ip",
            ),
        ),
        (
            "text:yahoo-ph01",
            r"\[PH01\]",
            Entry(
                "Yahoo refused the message because it looks like phishing or spam (PH01).",
                WhoActs.SENDER_ADMIN,
                "Review the message content and links; if it is legitimate, report it to "
                "Yahoo's sender support.",
                YAHOO + " (PH01)",
            ),
        ),
    )
)

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
        "Add the sending server to the domain's SPF record. " + _FIX_FORWARD,
        MS_NDR,
        "spf",
    ),
    ("microsoft", "5.7.509"): Entry(
        "Access denied: the sending domain does not pass DMARC and publishes a DMARC "
        "policy of reject.",
        WhoActs.SENDER_ADMIN,
        _FIX_AUTH + " " + _FIX_FORWARD,
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
        _FIX_AUTH + " " + _FIX_FORWARD,
        YAHOO_579,
        "dmarc",
    ),
    ("google", "5.7.26"): Entry(
        "Gmail blocked the message because it is unauthenticated (neither SPF nor DKIM "
        "passed) or fails the From domain's DMARC policy.",
        WhoActs.SENDER_ADMIN,
        _FIX_AUTH + " " + _FIX_FORWARD,
        GMAIL,
        "dmarc",
    ),
    ("google", "5.7.27"): Entry(
        "Gmail blocked the message because SPF did not pass for the sending domain.",
        WhoActs.SENDER_ADMIN,
        _FIX_SPF_ADD + " " + _FIX_FORWARD,
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
    rows: tuple[tuple[str, str, queue.Row], ...],
) -> tuple[tuple[str, re.Pattern[str], Entry], ...]:
    return tuple((key, re.compile(rx, re.I | re.S), Entry(*row)) for key, rx, row in rows)


# Every text in lookup order: a full mailbox first (some hosts also say "mailbox unavailable"),
# then the texts that blame the sender's own address whatever their code's class (an invalid
# sender domain also says "does not exist"), the vendors' texts, Exim's bare "retry timeout
# exceeded" last.
ALL_TEXTS = _rows(queue.TEXTS_FIRST) + _rows(reason.TEXTS_SENDER) + TEXTS + _rows(queue.TEXTS_LAST)


def sender_entry() -> tuple[str, Entry]:
    """The catalogue's entry for a sender address or domain the receiver refused."""
    key, _, row = reason.TEXTS_SENDER[0]
    return key, Entry(*row)


def text_entry(diagnostic: str) -> tuple[str, Entry] | None:
    """The vendor rejection text the diagnostic matches, if any."""
    for key, rx, entry in ALL_TEXTS:
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
    hit = text_entry(diagnostic)
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
    return rfc3463_meaning(status)
