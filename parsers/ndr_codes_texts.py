"""The catalogue's vendor rejection texts (data): the documents they follow, and the fixes they share.

``ndr_codes`` looks them up (with the status codes); kept apart so catalogue data and matching
each stay a readable size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from headerlens.model.ndr import Rejecter, WhoActs
from headerlens.parsers.rfc3463 import RFC3463

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

FIX_AUTH = (
    "Make the message authenticate for the From domain: DKIM-sign it with that domain "
    "(aligned) and list every server that sends for the domain in its SPF record."
)
# A refusal for SPF reaches whoever the envelope names, also when a spammer forged that address
# (backscatter): adding the refused server to SPF is right only for mail the reader really sent.
FIX_SPF_ADD = (
    "If your organisation sent the original through that server, add the server to the envelope "
    "domain's SPF record; if it did not send it (a spam that forged your address, returned to you "
    "as backscatter), add nothing."
)
FIX_FORWARD = (
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
            r"does not pass DMARC|rejected per DMARC|"
            # Apple "rejected due to example.org's DMARC policy", Mail.ru "not accepted due
            # to domain (example.org) owner DMARC policy", Comcast "rejected due to DMARC"
            r"(?:rejected|not accepted) due to (?:\S+ )?(?:\(\S+\) )?(?:owner )?DMARC)",
            Entry(
                "The From domain publishes a DMARC policy of reject and the message passed "
                "neither aligned SPF nor aligned DKIM, so the receiver refused it.",
                WhoActs.SENDER_ADMIN,
                FIX_AUTH + " " + FIX_FORWARD + " If the sender never sent it, it was a "
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
                FIX_AUTH + " " + FIX_FORWARD,
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
                FIX_SPF_ADD + " " + FIX_FORWARD,
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
                FIX_SPF_ADD + " " + FIX_FORWARD,
                MS_NDR + " (5.7.23); " + POSTFIX,
                "spf",
            ),
        ),
        (
            "text:reverse-dns",
            r"(?:Fix reverse DNS|reverse DNS|cannot find your hostname|"
            r"cannot find your reverse hostname|does not have a PTR record|No PTR record|"
            r"invalid RDNS|\bRDNS (?:record|lookup|check)|IP name lookup failed)",
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
            r"|not permitted to\s*(?:\d{3}[ -]?)?relay"
            # "This system is not configured to relay mail", "Relaying denied", "we do not relay"
            r"|not configured to relay|relaying (?:denied|not allowed|prohibited)"
            r"|we do not relay"
            # qmail: "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"
            r"|isn.t in my list of allowed rcpthosts",
            Entry(
                "The server that answered for the recipient's domain does not accept mail for "
                "that domain (it refuses to relay it): the domain's MX records point to a server "
                "not (or no longer) set up to receive for it, or the address's domain is wrong.",
                WhoActs.RECIPIENT_ADMIN,
                "Check the domain part of the recipient's address for typos. If it is right, the "
                "recipient domain's administrator must fix its MX records or add the domain to "
                "the server's accepted domains. (When the refusing server is the sender's own "
                "outgoing relay, it wants SMTP authentication: the sender's administrator acts.)",
                POSTFIX + " (reject_unauth_destination: 'Relay access denied'); RFC 5321 §3.6 "
                "(relaying), §5 (MX lookup)",
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
            # Exim's callout: "Verification failed for <sender>", "Sender verify failed"
            r"\bsender (?:address )?rejected\b|\bsender verify failed\b|"
            r"\bverification failed for <",
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
            "text:null-mx",
            # RFC 7505 §4.2: "556 5.1.10" for a recipient domain with a null MX; Gmail writes
            # "The domain D doesn't receive email according to the administrator: returned Null MX".
            # X.1.10 alone is no null MX: Exchange Online's "550 5.1.10 RESOLVER.ADR.
            # RecipientNotFound" is a recipient address its organisation does not have.
            r"(?:\bNull MX\b|\bnullMX\b|\b556[ -]5\.1\.10\b|"
            r"doesn.t receive email according to the administrator)",
            Entry(
                "The recipient's domain publishes a null MX (RFC 7505): its owner declares that "
                "it accepts no mail at all, so the sending server did not try to deliver it; no "
                "server refused the message.",
                WhoActs.SENDER,
                "Check the recipient's address for typos. If the domain is right, it receives no "
                "mail: ask the recipient for another address. Sending again will not help.",
                "RFC 7505 §3-§4 (null MX, 556 5.1.10); " + RFC3463 + " §3.2 (X.1.2)",
            ),
        ),
        (
            "text:domain-unreachable",
            r"(?:Host or domain name not found|domain is not reachable|Name service error|"
            r"Domain not found|Unrout(?:e)?able address|no valid MX|No such domain|"
            # Gmail (2008-2014): "DNS Error: Domain name not found", "DNS Error: DNS server
            # returned answer with no data" (the domain has no MX and no address record)
            r"Domain name not found|DNS server returned answer with no data|"
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
            # Trend Micro InterScan MSS's own notice: "Please check if address is correct."
            r"check if (?:the )?address is correct|"
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
            r"\bRBL\b|blacklisted|block-?listed|Spamhaus|"
            # Proofpoint: "554 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=…"
            r"dnsbl-lookup|\bDNSBL\b)",
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
            r"spam classification|"
            # a score-based filter (SpamAssassin and those built on it): "This message scored
            # 12.4 points", "spam score 9.1 exceeds threshold", "rejected by SpamAssassin"
            r"scored\s+-?\d+(?:\.\d+)?\s+(?:spam\s+)?points|spam ?score|SpamAssassin|"
            r"message content rejected|content filter|"
            r"content presents a potential\s+security issue|"
            # Mimecast: "554 email rejected due to security policies - MCSpamSignature.sa.2.2"
            r"\bMCSpamSignature\b|"
            # a filter's own words: "contains spam", "high probability of spam", "spam message
            # rejected", "looks like SPAM", "banned word", "content restrictions"
            r"contains spam|probability of (?:being )?spam|\bspam message\b|looks like spam|"
            r"banned (?:word|phrase|content)|content restrictions?\b)",
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
        (
            "text:gmail-unsolicited",
            # "550-5.7.1 [IP] Our system has detected that this message is likely unsolicited
            # mail. To reduce the amount of spam sent to Gmail, this message has been blocked."
            r"likely unsolicited mail",
            Entry(
                "Gmail's spam filter refused the message as likely unsolicited mail: its judgement "
                "of the sending IP's and domain's reputation, the authentication and the content. "
                "The recipient's address is not in question.",
                WhoActs.SENDER_ADMIN,
                "Check the sending IP's and domain's reputation with Gmail (Google Postmaster "
                "Tools), make SPF, DKIM and DMARC pass and align, and send only mail the recipients "
                "asked for; if a forwarder re-sent it, the forwarder's reputation is the one judged.",
                "Google Workspace Admin Help, 'Gmail SMTP errors and codes' (550 5.7.1 'likely "
                "unsolicited mail'); Gmail Help, 'Prevent mail to Gmail users from being blocked or "
                "sent to spam' (support.google.com/mail/answer/81126)",
                "ip",
            ),
        ),
    )
)
