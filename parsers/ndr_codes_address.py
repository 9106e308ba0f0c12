"""Catalogue rows for the many ways receivers word "no such recipient" (Yahoo's "dd", qmail's…).

Plain rows (ndr_codes wraps them in its ``Entry``), tried after the vendor texts of
``ndr_codes_texts`` under the same key, so every rule for an unknown address applies to them.
"""

from __future__ import annotations

from headerlens.model.ndr import WhoActs
from headerlens.parsers.ndr_codes_queue import Row
from headerlens.parsers.ndr_codes_reason import TEXTS_SENDER, RowAbout
from headerlens.parsers.ndr_codes_texts import YAHOO

SISIMAI_USER_UNKNOWN = (
    "sisimai, lib/sisimai/reason/userunknown.rb (the replies of many MTAs and providers for an "
    "address that does not exist)"
)

_SENDER_DOMAIN = next(row for key, _, row in TEXTS_SENDER if key == "text:sender-domain-invalid")

# (key, pattern, row): matched case-insensitively against the reply.
TEXTS_ADDRESS: tuple[tuple[str, str, Row | RowAbout], ...] = (
    (
        "text:sender-domain-invalid",
        # Yahoo: "451 Message temporarily deferred due to unresolvable RFC.5321 from domain"
        # (the envelope sender's domain has no DNS record Yahoo can resolve; YAHOO's codes page)
        r"unresolvable RFC\.?5321 (?:from )?domain",
        (*_SENDER_DOMAIN[:3], _SENDER_DOMAIN[3] + "; " + YAHOO, *_SENDER_DOMAIN[4:]),
    ),
    (
        "text:user-unknown",
        # Yahoo: "554 delivery error: dd Not a valid recipient - atlas117…"; qmail and vpopmail
        # ("Sorry, no mailbox here by that name. (#5.1.1)"), Courier, Exim, Postfix virtual
        # tables, Zimbra, Italian / Spanish / French ISPs
        r"(?:not a valid (?:recipient|user|mailbox)|is not a valid mailbox|"
        r"no such (?:mailbox|recipient|address|person)|no mailbox (?:here |found|by that name)|"
        r"no mail ?box available for this user|mailbox (?:not (?:found|present)|invalid)|"
        r"unknown (?:mailbox|local[- ]?part|e-?mail address)|recipient unknown|"
        r"address (?:unknown|invalid)|(?:is )?not a known user|user not known|"
        r"no account by that name|there is no one at this address|"
        r"not an active address at this host|#5\.1\.1 bad address|"
        r"(?:not in my validrcptto|in my badrcptto|in my badrecipientto) list|"
        r"sorry, badrcptto|utilisateur inconnu|nessun utente simile|no existe (?:dicha persona|ese usuario)|"
        # Yahoo: "554 delivery error: dd x@yahoo.com is no longer valid."
        r"\bdd \S+@\S+ is no longer valid)",
        (
            "The recipient's server says the address does not exist (or the mailbox is "
            "unavailable).",
            WhoActs.SENDER,
            "Check the address for typos and ask the recipient for the right one; nothing in "
            "the sender's authentication set-up is involved.",
            "RFC 3463 §3.2 (X.1.1); " + SISIMAI_USER_UNKNOWN,
        ),
    ),
)
