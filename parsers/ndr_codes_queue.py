"""Catalogue rows for failures no remote server decided: a full mailbox, a queue that expired.

Plain rows (ndr_codes wraps them in its ``Entry``): Exchange Online's x.4.3xx codes, written when a
message waited in the *sending* organisation's own Exchange Online queue until it expired (the
DNS lookup for the recipient's domain failed, the connection was refused…), and two reasons Exim
and mailbox hosts write in words. Also which Exchange Online codes block the sender's own tenant.
"""

from __future__ import annotations

from dataclasses import replace

from headerlens.model.ndr import CodeMeaning, FailedRecipient, Rejecter, WhoActs
from headerlens.parsers.rfc3463 import CODE

MS_MFI = (
    "Microsoft Learn, 'Mail flow intelligence in EOP' "
    "(learn.microsoft.com/defender-office-365/connectors-mail-flow-intelligence: 450 4.4.312 DNS "
    "query failed, 4.4.315 connection timed out, 4.4.316 connection refused, 4.4.317 cannot "
    "connect to remote server, 4.4.318 connection was closed abruptly; Microsoft 365 retries, then "
    "the queued message expires and returns in an NDR)"
)
RFC3463 = "RFC 3463"
EXIM_SPEC = "Exim specification, ch. 33 'Retry configuration' (retry timeout exceeded)"

# (explanation, who acts, fix, source)
Row = tuple[str, WhoActs, str, str]

_EXPIRED = (
    "The message never reached the recipient's server: it waited in the sending side's own "
    "Exchange Online queue and expired there when its retries ran out (the notice's own times "
    "say after how long), because "
)
_DNS: Row = (
    _EXPIRED + "the DNS query for the recipient's domain failed (no MX or address record answered: "
    "InfoNoRecords, a lapsed domain, broken name servers).",
    WhoActs.SENDER,
    "Check the recipient's domain for typos and that the domain still exists; if it is right, its "
    "owner must fix the domain's DNS (its name servers and MX records). Nothing in the sender's "
    "authentication set-up is involved.",
    MS_MFI + " (4.4.312)",
)
_TIMEOUT: Row = (
    _EXPIRED + "every connection to the recipient's mail server timed out.",
    WhoActs.RECIPIENT_ADMIN,
    "The recipient's administrator must bring the mail server back or fix its MX records; send "
    "the message again later.",
    MS_MFI + " (4.4.315)",
)
_REFUSED: Row = (
    _EXPIRED + "the recipient's mail server refused the TCP connection (nothing listens on port "
    "25, or a firewall blocks Microsoft 365's addresses).",
    WhoActs.RECIPIENT_ADMIN,
    "The recipient's administrator must open port 25 to Microsoft 365 or fix the MX records (a "
    "server that was shut down after a migration); send the message again later.",
    MS_MFI + " (4.4.316)",
)
_CONNECT: Row = (
    _EXPIRED + "the recipient's server answered with an immediate error or did not meet the "
    "connection's requirements (TLS).",
    WhoActs.RECIPIENT_ADMIN,
    "The recipient's administrator must fix the server's TLS settings or its service; send the "
    "message again later.",
    MS_MFI + " (4.4.317)",
)
_CLOSED: Row = (
    _EXPIRED + "the connection to the recipient's server was closed abruptly each time.",
    WhoActs.RECIPIENT_ADMIN,
    "The recipient's administrator must check the firewall's SMTP inspection and the server's "
    "health; send the message again later.",
    MS_MFI + " (4.4.318)",
)
_GENERIC: Row = (
    "The message never reached the recipient: it expired in the sending side's own Exchange "
    "queue after repeated temporary failures; the earlier attempts in the notice say why.",
    WhoActs.RECIPIENT_ADMIN,
    "Read the last attempt's reply in the notice; usually the recipient's server is unreachable "
    "or deferring, which only its administrator can fix. Send the message again later.",
    MS_MFI,
)

# Exchange Online (vendor "microsoft"): the 4.4.3xx retry reasons and the 5.4.3xx expiry.
EXO_QUEUE: dict[str, Row] = {
    "4.4.312": _DNS,
    "5.4.312": _DNS,
    "4.4.315": _TIMEOUT,
    "5.4.315": _TIMEOUT,
    "4.4.316": _REFUSED,
    "5.4.316": _REFUSED,
    "4.4.317": _CONNECT,
    "5.4.317": _CONNECT,
    "4.4.318": _CLOSED,
    "5.4.318": _CLOSED,
    "5.4.300": _GENERIC,
}
# Catalogue keys of failures where the message expired in the reporter's queue: no server refused.
EXPIRED_KEYS = frozenset(EXO_QUEUE)
# Keys that say what happened to the recipient's mailbox: a reply carrying them came from the
# recipient's side, whoever relays it.
RECIPIENT_SIDE_KEYS = frozenset({"text:user-unknown", "text:mailbox-full"})

# Rejection texts, (key, pattern, row): tried before the other texts (a full mailbox also says
# "mailbox unavailable" at some hosts) …
TEXTS_FIRST: tuple[tuple[str, str, Row], ...] = (
    (
        "text:mailbox-full",
        r"(?:mail ?box (?:is )?(?:full|over (?:its )?quota)|mailbox for user is full|"
        r"over (?:the )?(?:storage )?quota|user(?:'s)? quota exceeded|Quota exceeded \(mailbox|"
        r"exceeded (?:the|its|his|her|their) (?:storage|mailbox|disk) (?:quota|allocation|limit)|"
        r"mailbox size limit exceeded|insufficient (?:system )?storage|MailboxFull\b|"
        # IMail's "User mailbox exceeds allowed size" (a message size limit says "message")
        r"mail ?box exceeds (?:the |its )?(?:allowed|maximum|storage) (?:size|quota|limit)|"
        # Gmail's "Storage quota exceeded" (a bare "quota exceeded" can be a sending quota:
        # Gmail's "Daily user sending quota", Exchange's "Submission quota exceeded")
        r"storage quota exceeded|"
        # the mail store's own file-system quota (EDQUOT, "Disk quota exceeded"), as a local
        # delivery agent writes it (Sun Internet Mail Server, Sendmail's mail.local)
        r"disk ?(?:space )?quota|\bEDQUOT\b|"
        # RFC 5321 §4.2.2's own 552 text, and a quota named as the mailbox's
        r"exceeded storage allocation|mail ?box quota exceeded)",
        (
            "The recipient's mailbox is full (over its quota): the recipient's own server could "
            "not store the message. The address is right and nothing in the sender's set-up is "
            "involved.",
            WhoActs.RECIPIENT_ADMIN,
            "Tell the recipient by another channel: they (or their mail administrator) must free "
            "space in the mailbox or raise its quota. Then send the message again.",
            RFC3463 + " §3.3 (X.2.2 mailbox full); " + EXIM_SPEC,
        ),
    ),
)
# … and after them (Exim's bare "retry timeout exceeded" names no reason of its own).
TEXTS_LAST: tuple[tuple[str, str, Row], ...] = (
    (
        "text:too-large",
        r"(?:mail|message) size limit exceeded|message (?:is )?too (?:large|big)|"
        r"exceeds (?:the )?(?:maximum )?(?:allowed )?message size",
        (
            "The message is larger than the receiving side accepts (its size limit); nothing in "
            "the addresses or the authentication is in question.",
            WhoActs.SENDER,
            "Send it again smaller: share large attachments as links or split them.",
            RFC3463 + " §3.4 and §3.5 (X.2.3, X.3.4 message too big)",
        ),
    ),
    (
        "text:mail-loop",
        # Postfix "mail forwarding loop for x", Exim "Too many \"Received\" headers - suspected
        # mail loop", Sendmail "Too many hops", Exchange "5.4.14 Hop count exceeded"
        r"(?:mail (?:forwarding )?loop|routing loop|loop detected|too many hops|"
        r"hop count exceeded|Too many .?Received.? headers)",
        (
            "The message went round in a loop between mail servers (a forwarding rule or MX "
            "set-up sent it back where it came from) until a server stopped it; nothing in the "
            "sender's message or authentication is in question.",
            WhoActs.RECIPIENT_ADMIN,
            "The administrator of the recipient's domain (or of a forwarding address on the way) "
            "must fix the forwarding or routing that sends the message back; the returned copy's "
            "Received lines show the circle. Send it again once it is fixed.",
            "RFC 5321 §6.3 (loop detection: counting Received lines); "
            + RFC3463
            + " §3.5 (X.4.6 routing loop detected)",
        ),
    ),
    (
        "text:no-connection",
        r"(?:wasn't|was not) able to establish an SMTP connection|"
        r"has been in the queue too long|"
        # Amazon SES: "5.4.7 - Delivery expired (message too old) 'timeout' (delivery attempts: 0)"
        r"Delivery expired \(message too old\)|"
        # an expiry whose last attempt could not connect (Amazon SES / WorkMail: "554 4.4.7
        # Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>")
        # (Exchange Online's own "5.4.312 Message expired, DNS query failed" keeps its code's row)
        r"(?:delivery time expired|unable to deliver in \d+ (?:minutes|hours))[^\n]{0,300}?"
        r"(?:connection (?:timed out|refused)|no route to host|\b4\.4\.[12]\b)",
        (
            "The reporting server never got an SMTP connection to the recipient's server and "
            "gave up when the message had been queued too long: no server refused it.",
            WhoActs.RECIPIENT_ADMIN,
            "The recipient's administrator must make the domain's MX servers reachable on port "
            "25; check the recipient's domain for typos and send the message again later.",
            "qmail-send's bounce texts (qmail-remote: 'Sorry, I wasn't able to establish an "
            "SMTP connection'; qmail-send: 'this message has been in the queue too long'); "
            "RFC 3463 §3.5 (X.4.7 delivery time expired)",
        ),
    ),
    (
        "text:retry-expired",
        r"retry timeout exceeded|retry time not reached for any host after a long failure period|"
        r"delivery time expired|unable to deliver in \d+ (?:minutes|hours)",
        (
            "The reporting server kept getting temporary failures for this address and gave up "
            "when its retry time ran out; the text before 'retry timeout exceeded', if any, says "
            "what failed.",
            WhoActs.SENDER,
            "Send the message again later; if it fails again, reach the recipient another way "
            "and ask them to have their mail server checked.",
            EXIM_SPEC,
        ),
    ),
)

# … and after the vendors' codes (Exchange Online's 4.4.316 "Connection refused" keeps its own
# entry): the sending server could not get a connection at all, in any MTA's words.
TEXTS_UNREACHED: tuple[tuple[str, str, Row], ...] = (
    (
        "text:connection-failed",
        # Gmail: "The recipient server did not accept our requests to connect … [(0) host.
        # [IP]:25: socket error]"; Postfix/Exim/Sendmail: "Connection refused/timed out"
        r"(?:did not accept our requests to connect|socket error|"
        r"Connection (?:refused|timed out|reset)|No route to host|Network is unreachable|"
        r"(?:could not|unable to|cannot|can't) connect to|"
        r"all (?:relevant )?MX hosts? (?:are )?unreachable)",
        (
            "The sending server could not open an SMTP connection to the recipient's mail "
            "server (the connection was refused, timed out or found no route): no server "
            "refused the message itself. A delay notice means the sending server keeps "
            "retrying; a bounce means it gave up.",
            WhoActs.RECIPIENT_ADMIN,
            "The recipient domain's administrator must make its MX servers reachable on port "
            "25 (MX records, firewall, the server itself). The sender checks the domain for "
            "typos; after a delay notice there is nothing to resend.",
            MS_MFI + "; RFC 5321 §4.5.4.1 (retry strategy); " + RFC3463 + " §3.5 (X.4.1 no "
            "answer from host, X.4.2 bad connection)",
        ),
    ),
)


def sender_tenant_block(status: str | None) -> bool:
    """Exchange Online codes that mean the sender's own tenant or account may not send
    (5.7.501-503 banned sender, 5.7.700-750 tenant restrictions): refused before any remote."""
    code = CODE.match(status or "")
    if code is None or code.group(1) != "5" or code.group(2) != "7":
        return False
    number = int(code.group(3))
    return 501 <= number <= 503 or 700 <= number <= 750


def still_queued(
    meaning: CodeMeaning, r: FailedRecipient, reporter: str | None
) -> tuple[CodeMeaning, tuple[Rejecter, str] | None]:
    """A delay warning that quotes no reply (Gmail's "has been delayed … will be retried"):
    nothing refused the message, the reporter still holds it in its queue (RFC 3464 §2.3.3
    Action: delayed). Returns the meaning to show and, when no remote server is named or quoted
    at all, who refused it ("nobody yet"); otherwise ``meaning`` unchanged and None."""
    if r.action.lower() != "delayed":
        return meaning, None
    if meaning.matched == "none":
        meaning = replace(
            meaning,
            explanation="Not delivered yet: the reporting server keeps retrying and the notice "
            "gives no reason (no reply of the recipient's server is quoted).",
            who_acts=WhoActs.NOBODY,
            fix="Nothing yet: wait for delivery or a final bounce, which will say why.",
        )
    if r.smtp_code is not None or r.remote_mta or r.remote_ip or r.remote_domain:
        return meaning, None
    return meaning, (
        Rejecter.UNKNOWN,
        f"nobody has refused it yet: {reporter or 'the reporting server'} holds it in its queue "
        "and keeps retrying",
    )
