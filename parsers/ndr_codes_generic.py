"""Catalogue rows for generic refusal reasons, tried after every vendor text and code."""

from __future__ import annotations

from headerlens.model.ndr import WhoActs
from headerlens.parsers.ndr_codes_queue import Row
from headerlens.parsers.ndr_codes_texts import FIX_AUTH, FIX_FORWARD, YAHOO_579
from headerlens.parsers.rfc3463 import RFC3463

RFC5321 = "RFC 5321"

# Generic reasons, tried after every vendor text and code (a vendor's code says more: Gmail's
# 4.7.28 "rate limited" keeps its own entry).
TEXTS_GENERIC: tuple[tuple[str, str, Row | tuple[str, WhoActs, str, str, str]], ...] = (
    (
        "text:line-too-long",
        # Exim/others: "500 Line limit exceeded", "line too long"
        r"(?:line (?:length )?limit exceeded|(?:text )?line (?:is )?too long|"
        r"exceeds (?:the )?(?:maximum )?line length)",
        (
            "The receiving server refused the message because a line in it is longer than "
            "SMTP allows (998 characters plus CRLF): the sending software did not encode the "
            "long lines; the addresses and authentication are not in question.",
            WhoActs.SENDER_ADMIN,
            "Send the message with its long lines encoded (quoted-printable or base64, which "
            "any current mail program does for HTML or generated text); the administrator of "
            "the program or server that produced it must fix its encoding.",
            RFC5321 + " §4.5.3.1.6 (text line: at most 1000 octets with CRLF); RFC 5322 §2.1.1",
        ),
    ),
    (
        "text:greeting-refused",
        # the remote refuses the session at its greeting (554 before any command): iCloud
        # "554 … ESMTP not accepting connections", Postfix "refused to talk to me"
        r"(?:not accepting (?:connections|network messages)|"
        r"refused to talk to me|no SMTP service here)",
        (
            "The recipient's server refused the sending server's connection at its greeting "
            "(554 before any command): it takes no mail from that server at all, usually for "
            "its IP's reputation, a missing or generic reverse DNS name, or a block of its "
            "network. The address and the message are not in question.",
            WhoActs.SENDER_ADMIN,
            "The operator of the sending server must check its IP's reputation and block "
            "lists and its reverse DNS, and ask the recipient's provider to accept it (or send "
            "through a relay with a good reputation).",
            RFC5321 + " §3.1 and §4.2.3 (554 at the opening of the session: no SMTP service "
            "here), §4.3.2",
        ),
    ),
    (
        "text:auth-policy",
        # after the vendors' codes (Yahoo's own 5.7.9 keeps its entry): Yahoo's "Message not accepted for policy reasons" (and Yahoo! JAPAN's "DM Email not
        # accepted for policy reasons"): documented as an SPF, DKIM or DMARC failure
        r"(?:Message|E-?mail) not accepted for policy reasons",
        (
            "Yahoo refused the message because it could not verify that it came from a "
            "legitimate sender of the From domain: it failed DKIM, SPF or DMARC (for a domain "
            "that publishes DMARC, its policy).",
            WhoActs.SENDER_ADMIN,
            FIX_AUTH + " " + FIX_FORWARD,
            YAHOO_579,
            "dmarc",
        ),
    ),
    (
        "text:policy-refusal",
        # a refusal "by policy" that names no policy: Postfix access maps' "Denied by policy",
        # "Rejected for policy reasons", "Administrative prohibition" (RFC 3463 X.7.1)
        r"(?:denied by policy|rejected (?:by|for|due to) (?:local )?policy|"
        r"administrative prohibition|policy rejection)",
        (
            "The recipient's server refused the message under a local policy of its own and "
            "does not say which (a sender, domain or network it does not accept, a rule of the "
            "recipient's organisation): nothing in the reply points at the sender's set-up.",
            WhoActs.RECIPIENT_ADMIN,
            "Ask the recipient (by another channel) to have their postmaster say which policy "
            "refused the message and to allow the sender; SPF, DKIM or DMARC changes are not "
            "called for by this reply.",
            RFC3463 + " §3.8 (X.7.1 delivery not authorized, message refused); Postfix "
            "documentation, access(5) (REJECT with an optional text)",
        ),
    ),
    (
        "text:client-rejected",
        # Postfix smtpd_client_restrictions: "Client host rejected: …" (a reason of the receiver's
        # own, La Poste "#216 lpn"); an end-user address told to use its ISP's relay
        r"(?:Client host rejected|use the smtp server of your ISP|"
        r"dynamic (?:IP|address|pool)|dial-?up (?:IP|address|user)|residential (?:IP|address))",
        (
            "The recipient's server refused the sending server itself (its IP address, network "
            "or host name), before looking at the message: a local block, a dynamic or "
            "end-user address that should send through its provider's relay, or a host it "
            "does not trust. The recipient's address is not in question.",
            WhoActs.SENDER_ADMIN,
            "Send through a proper outgoing server (the provider's relay, with a static IP and "
            "matching reverse DNS); if the sending server is one already, ask the recipient's "
            "postmaster why its IP is refused and have it unblocked.",
            "Postfix documentation, postconf(5) (smtpd_client_restrictions: 'Client host "
            "rejected'); " + RFC3463 + " §3.8 (X.7.1)",
        ),
    ),
    (
        "text:recipient-refused",
        # Postfix check_recipient_access REJECT: "554 5.7.1 <x@y>: Recipient address rejected:
        # Access denied" (after the vendors' codes: Exchange Online's 5.4.1 keeps its entry)
        r"Recipient address rejected:\s*Access denied",
        (
            "The recipient's server refuses mail for this address by a rule of its own (an "
            "address or domain it does not take mail for): most often the address or its "
            "domain is misspelt, sometimes the recipient's side blocks it. Not a problem of the "
            "sender's server or authentication.",
            WhoActs.SENDER,
            "Check the recipient's address, its domain above all, for typos and send again; if "
            "it is right, the recipient's administrator must let the server accept it.",
            "Postfix documentation, access(5) and postconf(5) (check_recipient_access: REJECT "
            "answers 'Recipient address rejected: Access denied'); " + RFC3463 + " §3.2",
        ),
    ),
    (
        "text:greylisted",
        r"(?:gr[ae]ylist(?:ed|ing)?\b|greylisting in (?:action|effect))",
        (
            "The receiving server greylists: it defers the first attempts from a sender it has "
            "not seen and accepts a retry after a few minutes. Nothing is wrong; a normal "
            "sending server retries by itself.",
            WhoActs.NOBODY,
            "Nothing: the sending server retries. If the attempts end in a bounce, the sending "
            "server gave up too early or retries from changing IPs.",
            "RFC 6647 (e-mail greylisting: an applicability statement)",
        ),
    ),
    (
        "text:rate-limited",
        r"(?:rate limit (?:exceeded|reached)|sending rate (?:exceeded|too high)|"
        r"too many (?:messages|mails|e-?mails)\b|message rate (?:limit|exceeded)|"
        r"throttl(?:ed|ing)\b)",
        (
            "The receiving server limited how much mail it takes from the sending server or "
            "sender in a period (a rate limit) and refused or deferred it; the address and "
            "authentication are not in question.",
            WhoActs.SENDER_ADMIN,
            "Slow the sending to that receiver (fewer messages per minute), let queued mail "
            "retry later, and check that the sender's mail is wanted (complaints raise limits).",
            RFC3463 + " §3.8 (X.7.x policy); RFC 6647 §2 (deferral by receivers)",
        ),
    ),
    (
        "text:virus",
        r"(?:virus (?:found|detected)|infected with|contains? (?:a )?(?:virus|malware)|"
        r"malware (?:found|detected)|\bmalicious (?:content|attachment|file)|"
        r"(?:banned|dangerous|blocked) (?:attachment|file type))",
        (
            "The receiving server's scanner found a virus, malware or a banned attachment type "
            "in the message and refused it.",
            WhoActs.SENDER,
            "Scan the sending computer and the attachment; send the file in another form "
            "(a shared link, an archive type the receiver allows) or without it.",
            RFC3463 + " §3.7 (X.6.x content), §3.8 (X.7.1)",
        ),
    ),
)
