"""Catalogue rows for replies whose text names the party at fault, whatever their status class says.

"550 5.2.0 From: Domain is invalid" has a mailbox-status code (X.2.x, the recipient's side) but says
the sender's From domain is the problem; a Google Groups notice has no code at all. These rows are
tried before the generic texts (ndr_codes wraps them in its ``Entry``); each names its source.
"""

from __future__ import annotations

from headerlens.model.ndr import WhoActs
from headerlens.parsers.ndr_codes_generic import TEXTS_GENERIC
from headerlens.parsers.ndr_codes_queue import Row
from headerlens.parsers.ndr_codes_server import SERVER_KEYS

RFC3463 = "RFC 3463"
POSTFIX = (
    "Postfix documentation, postconf(5) (reject_unknown_sender_domain, reject_non_fqdn_sender)"
)
GODADDY = (
    "GoDaddy Help 40685, 'Fix rejected email with a bounce error' (sender bounces: IB506 "
    "'From: Domain is invalid')"
)
EXIM_VERIFY = (
    "Exim specification, ch. 42 'Access control lists' (verify = sender, 'Sender verify failed')"
)
QQ = (
    "Tencent QQ Mail help (service.mail.qq.com, bounce help for 'Connection frequency limited': "
    "too frequent connections from the sending IP); " + RFC3463 + " §3.8 (X.7.x policy)"
)
OUTLOOK = (
    "Microsoft, Outlook.com Postmaster 'Troubleshooting' (SC-001 to SC-004: mail refused for "
    "policy reasons, by the connecting IP's reputation; delisting through the sender support "
    "form; Smart Network Data Services)"
)
GROUPS = (
    "Google Groups' own refusal notice, which lists the causes: the group name misspelt, the group "
    "removed by its owner, the sender must join before posting, the group not open to posting "
    "(help: groups.google.com/support)"
)

# (key, pattern, row): matched case-insensitively against the reply (and, for Gmail's notices,
# the notice's first lines), before every other text.
TEXTS_SENDER: tuple[tuple[str, str, Row], ...] = (
    (
        "text:sender-domain-invalid",
        r"(?:From:?\s*(?:header\s+)?domain (?:is )?invalid|"
        r"(?:Sender|From) (?:address )?domain (?:is invalid|does not exist|not found|must exist|"
        r"must resolve)|"
        r"Domain of sender address \S+ does not exist|"
        r"Sender address rejected:\s*(?:Domain not found|need fully-qualified address)|"
        r"sender verify failed|unverifiable sender|invalid sender (?:address|domain)|"
        r"unroutable sender address|sender address (?:is )?unroutable|"
        r"\bIB506\b)",
        (
            "The receiving server refused the sender, not the recipient: the domain of the "
            "sender's address (the From header or the envelope sender) does not exist or does "
            "not resolve in DNS, so the receiver cannot accept mail claiming it.",
            WhoActs.SENDER_ADMIN,
            "Send from an address whose domain exists and resolves (MX or address records), and "
            "use the same real domain in the From header and the envelope sender. The "
            "recipient's address and server are not in question.",
            f"{RFC3463} §3.2 (X.1.7 bad sender's mailbox address syntax, X.1.8 bad sender's "
            f"system address); {POSTFIX}; {EXIM_VERIFY}; {GODADDY}",
        ),
    ),
    (
        "text:sending-quota",
        r"(?:daily (?:user )?(?:relay|sending) quota|reached your daily relay quota|"
        r"(?:relay|sending) quota (?:exceeded|reached)|sending limit exceeded)",
        (
            "The sender went over a sending limit (messages or recipients per day) of the "
            "server that refused it, usually the sender's own provider or relay: nothing is "
            "wrong with the recipient's address or server.",
            WhoActs.SENDER_ADMIN,
            "Wait until the limit resets (usually 24 hours) and send again, or ask the provider "
            "to raise it; send mass mail through a bulk mail service.",
            "Google Workspace Admin Help, 'Gmail SMTP errors and codes' (550 5.4.5 Daily user "
            "sending limit exceeded); " + RFC3463 + " §3.8 (X.7.x security or policy status)",
        ),
    ),
    (
        "text:malformed-address",
        r"(?:malformed (?:recipient )?address|incorrectly constructed)",
        (
            "The address as written is not a valid address (its syntax is broken, for example "
            "two addresses in one field without a comma), so the server could not use it.",
            WhoActs.SENDER,
            "Correct the address in the To or Cc field (one address per entry, separated by "
            "commas) and send the message again.",
            RFC3463 + " §3.2 (X.1.3 bad destination mailbox address syntax); RFC 5322 §3.4 "
            "(address specification); Exim specification ('malformed address')",
        ),
    ),
    (
        "text:connection-rate",
        # Tencent QQ: "550 Connection frequency limited [...] Blocked IP 192.0.2.1"; others say
        # "too many connections from your IP"
        r"(?:connection frequency limited|too many (?:concurrent )?connections from|"
        r"connection rate limit (?:exceeded|reached))",
        (
            "The receiving server limited how often the sending server may connect or send "
            "(too many connections or messages in a short time) and refused it; some providers "
            "also block the sending IP for a while. The recipient's address and the message's "
            "authentication are not in question.",
            WhoActs.SENDER_ADMIN,
            "The operator of the sending server must slow its sending to that provider (fewer "
            "connections and messages per minute) and send again later; if the reply says the "
            "IP is blocked, follow the provider's help link to have it unblocked.",
            QQ,
        ),
    ),
    (
        "text:ip-reputation",
        # Outlook.com / Hotmail (consumer): "550 SC-004 (COL0-MC1-F1) Unfortunately, messages
        # from 192.0.2.1 weren't sent. … too many unwanted messages have been sent from the
        # following IP address above"; SC-001 … SC-004 and the "weren't sent" text name the IP
        r"(?:\bSC-00[1-4]\b|messages from \[?[0-9a-f.:]+\]? weren't sent)",
        (
            "Outlook.com (Hotmail) refused the sending server's IP address for its reputation "
            "(complaints, spam from that address or its network, a block list): the recipient's "
            "address and the message's authentication are not in question.",
            WhoActs.SENDER_ADMIN,
            "The operator of the sending server (the sender's provider) must stop what hurt the "
            "IP's reputation and ask Microsoft for delisting (Outlook.com's sender support form; "
            "its SNDS shows the IP's status). Meanwhile send through another server.",
            OUTLOOK,
        ),
    ),
    (
        "text:group-post-refused",
        r"(?:group you tried to contact\s*\([^)]*\)\s*may not exist|"
        r"may not have permission to post messages to the group|"
        # Japanese notice: "the group you tried to contact does not exist, or you may not have the
        # right to post messages to the group"
        r"\u9023\u7d61\u3057\u3088\u3046\u3068\u3057\u305f\u30b0\u30eb\u30fc\u30d7|"
        r"\u30b0\u30eb\u30fc\u30d7\u306b\u30e1\u30c3\u30bb\u30fc\u30b8\u3092\u6295\u7a3f\u3059\u308b"
        r"\u6a29\u9650\u304c\u306a\u3044)",
        (
            "Google Groups refused the post: the group does not exist (a misspelt or deleted "
            "group), or the sender may not post to it (not a member, or the group does not "
            "accept posts). No mailbox refused it and authentication is not in question.",
            WhoActs.SENDER,
            "Check the group's address; if it is right, join the group (or ask its owner to let "
            "you post, or to open it to posting) and send the message again.",
            GROUPS,
        ),
    ),
)

FACEBOOK = (
    "Facebook Postmaster, 'SMTP Response Codes' (postmaster.facebook.com/response_codes: RCP-P2 "
    "'The attempted recipient's preferences prevent messages from being delivered', RCP-P3 "
    "privacy settings; 'administrators observing these are not required to take any action')"
)
# a row that also names the check it concerns ("dmarc", "ip": CodeMeaning.about)
RowAbout = tuple[str, WhoActs, str, str, str]
RFC5321 = "RFC 5321"
RFC5322 = "RFC 5322"

# (key, pattern, row): replies whose words say what happened whatever their status says; tried
# right after TEXTS_SENDER ("553 Invalid recipient" with Status 5.7.1 is an address to correct,
# "550 5.1.1 Refused due to recipient preferences" is no unknown address).
TEXTS_REPLY: tuple[tuple[str, str, Row | RowAbout], ...] = (
    (
        "text:recipient-preference",
        r"(?:refused due to recipient preferences|\bRCP-P[23]\b|"
        r"recipient'?s? (?:preferences|privacy settings) (?:prevent|block)|"
        r"recipient (?:has )?(?:blocked|refused|declined) (?:you|your|mail|messages|this sender)|"
        r"(?:sender|you) (?:is|are|has been|have been) blocked by (?:the )?recipient|"
        r"recipient (?:does not|doesn.t) (?:accept|want) (?:mail|messages|e-?mail) from)",
        (
            "The recipient's own settings refuse mail from this sender (the person blocked the "
            "sender, or accepts mail only from chosen senders): the address exists and nothing "
            "in the sender's server, address or authentication is at fault.",
            WhoActs.RECIPIENT,
            "Nothing the sender's mail administrator can change: reach the recipient another "
            "way and ask them to allow the sender, or accept that they do not want the mail.",
            FACEBOOK,
        ),
    ),
    (
        "text:account-disabled",
        # the recipient's account, not the sender's own ("Your account has been suspended")
        r"(?<!your )(?<!sender )(?<!sender's )(?<!sending )"
        r"(?:(?:account|mailbox|user|recipient)(?: account)?(?: <?[^\s<>@]+@[^\s<>@]+>?)? "
        r"(?:is |has been )?"
        r"(?:disabled|deactivated|suspended|inactive|locked|expired)|"
        r"account (?:that )?you tried to reach is (?:disabled|inactive)|"
        r"(?:mailbox|address|account) (?:is )?no longer (?:active|in use|available))",
        (
            "The recipient's address exists but its account or mailbox is disabled (suspended, "
            "inactive or closed by its provider): it takes no mail.",
            WhoActs.SENDER,
            "Reach the recipient another way and ask for a working address; resending to this "
            "one will fail until the provider re-enables it.",
            RFC3463 + " §3.3 (X.2.1 mailbox disabled, not accepting messages); Google Workspace "
            "Admin Help, 'Gmail SMTP errors and codes' (550 5.2.1 account disabled)",
        ),
    ),
    (
        "text:invalid-recipient",
        r"(?:invalid (?:recipient|mailbox|destination)(?: address)?\b|invalid (?:e-?mail )?address\b|"
        r"recipient (?:address )?(?:is )?(?:invalid|not valid)\b|"
        r"mailbox name (?:not allowed|invalid))",
        (
            "The recipient's server says the recipient address is invalid (misspelt, or not "
            "an address it accepts), whatever the status code's class says: the address must "
            "be corrected.",
            WhoActs.SENDER,
            "Check the recipient's address for typos (compare it with a message they sent) and "
            "send again to the right one; nothing in the sender's server or authentication is "
            "involved.",
            RFC5321 + " §4.2.2 (553 'mailbox name not allowed'); " + RFC3463 + " §3.2 (X.1.1 bad "
            "destination mailbox address, X.1.3 bad destination mailbox address syntax)",
        ),
    ),
    (
        "text:address-blocklist",
        # an ADDRESS (or its domain) on the receiver's own list, not the sending IP on a DNSBL:
        # Exim "sending to/from an address that has been blacklisted"
        r"(?:(?:e-?mail |sender |recipient |from )?address (?:that )?(?:has been |is |was )?"
        r"(?:black|block|deny|ban)-?listed|"
        r"(?:sender|recipient|from) (?:address |domain )?(?:is |has been )?(?:black|block)-?listed|"
        r"(?:sender|recipient) (?:address |domain )?(?:is )?(?:in|on) (?:the |our |a )?"
        r"(?:black|block|deny) ?list|user in blacklist)",
        (
            "The receiving server refused the message because an ADDRESS (the sender's or the "
            "recipient's, or its domain) is on its own block list: a policy on the address at "
            "that server, not a DNS blocklist listing of the sending server's IP.",
            WhoActs.RECIPIENT_ADMIN,
            "Only the refusing server's administrator can lift the block: the sender asks the "
            "recipient's postmaster (by another channel) why the address is blocked and to "
            "remove it. Looking the IP up on DNS blocklists, or SPF, DKIM or DMARC changes, "
            "will not help.",
            "Exim specification, ch. 42 'Access control lists' (deny senders = / recipients = "
            "address lists, custom messages); " + RFC3463 + " §3.8 (X.7.1 delivery not "
            "authorized)",
        ),
    ),
    (
        "text:protocol-violation",
        r"(?:protocol violation|SMTP protocol error|improper use of SMTP command pipelining|"
        r"pipelining (?:not allowed|not permitted|violation)|"
        r"bare (?:<?LF>?|<?CR>?|linefeed|newline)(?!\w)|"
        r"SMTP synchroni[sz]ation error|synchroni[sz]ation error|"
        r"talk(?:ed|ing)? before (?:my|the) (?:greeting|banner)|"
        r"bad sequence of commands|command out of sequence)",
        (
            "The receiving server found an SMTP protocol error in the sending server's session "
            "(commands sent before its greeting or ahead of its replies without PIPELINING, "
            "bare line feeds without CR, a command out of sequence) and refused the transaction: "
            "the address and the message's authentication are not in question.",
            WhoActs.SENDER_ADMIN,
            "The sending server's administrator must check its SMTP client (waits for the "
            "greeting, pipelines only where offered, ends lines with CRLF); a firewall or "
            "filter that rewrites SMTP between them often causes it. Give the recipient's "
            "postmaster the time of the attempt if it persists.",
            RFC5321 + " §4.1.4 (order of commands), §4.3.2 (503 bad sequence), §2.3.8 (CRLF "
            "lines); RFC 2920 (command pipelining); Postfix documentation, postconf(5) "
            "(reject_unauth_pipelining, smtpd_forbid_bare_newline); Exim specification "
            "('SMTP synchronization error')",
        ),
    ),
    (
        "text:domain-blocklist",
        # a DOMAIN on a domain block list (Spamhaus DBL, SURBL…), not the sending IP:
        # "MXIN506 MailFrom domain is listed in Spamhaus", Postfix reject_rhsbl_sender
        r"(?:(?:MailFrom|mail from|sender|envelope|From|sending) domain (?:is )?"
        r"(?:listed|black-?listed|block-?listed)|"
        r"Sender address \[?\S+\]? blocked using|\bDBL\b|dbl\.spamhaus|"
        r"domain (?:is )?listed (?:in|on|at) \S*(?:DBL|SURBL|URIBL))",
        (
            "The receiving server refused the message because the sender's DOMAIN (the "
            "envelope sender's or the From's) is on a domain block list such as Spamhaus's "
            "DBL: the domain's reputation, not the sending server's IP.",
            WhoActs.SENDER_ADMIN,
            "Look the domain up on the list the reply names (Spamhaus: check.spamhaus.org), "
            "stop what got it listed (spam sent with it, a compromised site linking it) and "
            "request removal there; changing the sending server or SPF will not help.",
            "Spamhaus, 'Domain Blocklist (DBL)' (spamhaus.org/blocklists/domain-blocklist); "
            "Postfix documentation, postconf(5) (reject_rhsbl_sender, reject_rhsbl_helo)",
        ),
    ),
    (
        "text:ip-low-reputation",
        # Gmail: "likely suspicious due to the very low reputation of the sending IP address"
        r"(?:low reputation of the sending (?:IP|domain)|"
        r"(?:sending )?IP(?: address)?'?s? (?:poor|low|bad) reputation|"
        r"poor (?:IP )?reputation)",
        (
            "The receiving server refused the message because of the sending server's (or "
            "domain's) poor reputation with it (spam from that IP or its network, complaints): "
            "the recipient's address and the message's authentication are not in question.",
            WhoActs.SENDER_ADMIN,
            "The operator of the sending server must find out why its reputation is low "
            "(compromised accounts, bulk mail without consent, a shared IP), fix it and let "
            "the reputation recover (Gmail: Postmaster Tools); meanwhile send through a "
            "server with a good reputation.",
            "Google Workspace Admin Help, 'Gmail SMTP errors and codes' (550 5.7.1 'very low "
            "reputation of the sending IP address', support.google.com/mail/answer/188131)",
            "ip",
        ),
    ),
    (
        "text:header-malformed",
        # Amazon SES: "554 Transaction failed: Duplicate header 'DKIM-Signature'."
        r"(?:Duplicate header|duplicate (?:\S+ )?header field|"
        r"header (?:field )?(?:is )?(?:malformed|invalid|too long)|"
        r"not (?:RFC ?5322|RFC ?2822) compliant|message is not RFC)",
        (
            "The receiving (or relaying) server refused the message because its header breaks "
            "the message format (a field that may appear once appears twice, a malformed "
            "field): the addresses and authentication results are not in question.",
            WhoActs.SENDER_ADMIN,
            "The administrator of the sending side must find which program adds the bad field "
            "(a second DKIM-Signature from a relay or forwarder, a broken client) and fix it; "
            "then send again.",
            RFC5322 + " §3.6 (fields that occur at most once); Amazon SES Developer Guide, 'SMTP "
            "response codes' ('Transaction failed' on a message SES cannot accept)",
        ),
    ),
    (
        "text:header-field-missing",
        # CommuniGate Pro: "Messages without To: fields are not accepted here"
        r"without (?:a )?(?:To|From|Date|Message-ID|Subject):? (?:header )?fields?\b|"
        r"\bmissing (?:a )?(?:To|From|Date|Message-ID):? (?:header|field)",
        (
            "The receiving server refuses messages that lack a header field it requires (the "
            "reply names it): a message sent with its recipients only in Cc or Bcc has no To, "
            "a program may write no Date or Message-ID. The addresses and authentication are "
            "not in question.",
            WhoActs.SENDER,
            "Send it again with the field the reply names (the recipient in To, not only in Cc "
            "or Bcc); if a program sent it, its administrator must make it write that field.",
            RFC5322 + " §3.6 (the origination date and originator fields are required; the "
            "destination fields are not, so a receiver that requires To applies its own rule)",
        ),
    ),
)

# Keys whose text decides the party whatever the status class says (headlines name them).
TEXT_OVER_CLASS = frozenset(key for key, _, _ in TEXTS_SENDER + TEXTS_REPLY + TEXTS_GENERIC) | {
    *SERVER_KEYS,
    "text:user-unknown",
    "text:mailbox-full",
    "text:relay-denied",
    "text:sms-gateway",  # parsers/ndr_sms.py: the carrier's rule, whatever the class
}
