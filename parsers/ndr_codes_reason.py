"""Catalogue rows for replies whose text names the party at fault, whatever their status class says.

"550 5.2.0 From: Domain is invalid" has a mailbox-status code (X.2.x, the recipient's side) but says
the sender's From domain is the problem; a Google Groups notice has no code at all. These rows are
tried before the generic texts (ndr_codes wraps them in its ``Entry``); each names its source.
"""

from __future__ import annotations

from headerlens.model.ndr import WhoActs
from headerlens.parsers.ndr_codes_queue import Row

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

# Keys whose text decides the party whatever the status class says (headlines name them).
TEXT_OVER_CLASS = frozenset(key for key, _, _ in TEXTS_SENDER)
