"""Catalogue rows for replies about the receiving server's own trouble or a provider's own block list.

Plain rows (ndr_codes wraps them in its ``Entry``), tried after the vendor codes with the other
generic reasons; each names its source.
"""

from __future__ import annotations

from headerlens.model.ndr import WhoActs
from headerlens.parsers.ndr_codes_queue import Row

RFC3463 = "RFC 3463"
EXIM_DEFER = (
    "Exim source, smtp_in.c (an ACL that defers, or whose lookup fails, without a message of its "
    "own answers '451 Temporary local problem - please try later')"
)
TELEKOM = (
    "Spam Resource, 'Whoops: T-Online.de not accepting mail' (2020-06, T-Online's answer: it "
    "accepts no mail from hosts with a bad or unknown reputation until their operator asks it, "
    "at the address the reply names, to allow them)"
)

# (key, pattern, row, about): matched case-insensitively against the reply.
TEXTS_SERVER: tuple[tuple[str, str, Row | tuple[str, WhoActs, str, str, str]], ...] = (
    (
        "text:provider-ip-block",
        # T-Online (Deutsche Telekom): "554 IP=192.0.2.1 - A problem occurred. (Ask your
        # postmaster for help or to contact tosa@rx.t-online.de to clarify.) (BL)"; the newer
        # "… - None/bad reputation. … for reset. (NOWL)"
        r"IP=\[?[0-9a-f.:]+\]? - .{0,300}?\((?:BL|NOWL)\)",
        (
            "The recipient's provider refused the sending server's IP address itself: it is on "
            "the provider's own block list (T-Online's '(BL)'), or the provider accepts no mail "
            "from an IP with a bad or unknown reputation ('(NOWL)': not on its allow list). The "
            "recipient's address and the message's authentication are not in question.",
            WhoActs.SENDER_ADMIN,
            "The operator of the sending server must write to the address the reply names "
            "(T-Online: the one in the reply, with the server's IP, its domain and a web page "
            "naming who runs it) to have the IP allowed; public DNS blocklists, SPF or DKIM "
            "changes do not lift it. Meanwhile send through a relay the provider accepts.",
            TELEKOM,
            "ip",
        ),
    ),
    (
        "text:receiver-local-problem",
        r"Temporary local problem",
        (
            "The recipient's server deferred the message because of a problem of its own (a "
            "lookup or check it could not complete, a database or DNS failure on its side): it "
            "names no fault of the sender, the address or the message's authentication. A "
            "deferral that lasted until the sending server gave up means it was not fixed.",
            WhoActs.NOBODY,
            "Nothing yet: the sending server retries by itself. If the deferral lasts until it "
            "gives up, the recipient's administrator must find in the server's log why it "
            "deferred (its checks, lookups and storage) and fix it; the sender can only send "
            "the message again later and tell the recipient by another channel.",
            EXIM_DEFER + "; " + RFC3463 + " §3.5 (X.3.0 other or undefined mail system status)",
        ),
    ),
    (
        "text:service-unavailable",
        # RFC 5321 §4.2.2-4.2.3: "421 <domain> Service not available, closing transmission
        # channel", "554 No SMTP service here"; SurfControl / MDaemon "554 Service currently
        # unavailable", "Service temporarily unavailable"
        r"\bService (?:is )?(?:currently |temporarily )?(?:not available|unavailable)|"
        r"No SMTP service here",
        (
            "The recipient's server refused to serve the connection at all (it was not "
            "accepting mail at that moment: overloaded, in maintenance, or shut to all mail); "
            "nothing about the address, the message or its authentication was judged.",
            WhoActs.RECIPIENT_ADMIN,
            "Send the message again later. If it keeps failing, tell the recipient by another "
            "channel: their mail administrator must bring the server back into service (or fix "
            "the MX records that point at a server that takes no mail).",
            "RFC 5321 §4.2.2 and §4.2.3 (421 'Service not available', 554 'No SMTP service "
            "here'); " + RFC3463 + " §3.4 (X.3.2 system not accepting network messages)",
        ),
    ),
)
TEXTS_SERVER += (
    (
        "text:header-refused",
        # the recipient's content filter refused the header without naming a field: "554 5.7.0
        # Header error" (answered at the end of DATA); "header check(s) failed", "rejected by
        # header rule"
        r"\bHeader error\b|\bheader (?:checks?|rules?|polic(?:y|ies)) (?:failed|violat\w*|"
        r"rejected)|rejected by (?:a )?header (?:check|rule|filter)",
        (
            "The recipient's server (its content filter, at the end of the message) refused the "
            "message for its header: one of its own rules about a header field matched (a "
            "malformed or missing field, unencoded 8-bit characters, a field its policy bans). "
            "The reply names no field; the address and the authentication results are not in "
            "question.",
            WhoActs.RECIPIENT_ADMIN,
            "Ask the recipient's mail administrator which header rule refused it: their filter's "
            "log for this message names the field. If the field is malformed (a raw non-ASCII "
            "name or subject, a broken Date or Message-ID), the sending program that wrote it "
            "must be fixed by the sender's administrator; otherwise the recipient's "
            "administrator must relax the rule or allow the sender.",
            RFC3463 + " §3.8 (X.7.0 other or undefined security status: a policy of the "
            "receiver's own); RFC 5322 §3.6 (the header fields and their syntax)",
        ),
    ),
)
# Who acts on a deferral these texts name once the sending server gave up (Action: failed).
FINAL_PARTY = {"text:receiver-local-problem": WhoActs.RECIPIENT_ADMIN}
# Keys whose text decides the party whatever the status class says (ndr_codes_reason's
# TEXT_OVER_CLASS; headlines name them): also the vendor text for a missing reverse DNS name
# (Sendmail's "450 4.7.1 Access denied. IP name lookup failed").
SERVER_KEYS = frozenset(key for key, _, _ in TEXTS_SERVER) | {"text:reverse-dns"}
