"""How one failed recipient of a bounce is read: its reply's codes and meaning, who refused it.

``parse_ndr`` (parsers/ndr.py) finds the recipients; ``explain`` reads each one: the reply code
and enhanced status, the catalogue meaning (text, vendor code, RFC 3463), and which server
refused, from the reply's own host ("host H[IP] said:") before the reporting server's side.
"""

from __future__ import annotations

import re
from dataclasses import replace

from headerlens.model.ndr import (
    SUCCESS_ACTIONS,
    CodeMeaning,
    FailedRecipient,
    NdrFormat,
    Rejecter,
    WhoActs,
)
from headerlens.parsers import ndr_text
from headerlens.parsers.ndr_codes import (
    ALL_TEXTS,
    Entry,
    lookup,
    meaning_of,
    sender_entry,
    text_entry,
)
from headerlens.parsers.ndr_codes_queue import (
    EXPIRED_KEYS,
    RECIPIENT_SIDE_KEYS,
    sender_tenant_block,
    still_queued,
)
from headerlens.parsers.ndr_codes_server import FINAL_PARTY
from headerlens.parsers.ndr_rejecter import org_guess, refusing_server
from headerlens.parsers.ndr_simulator import simulated
from headerlens.parsers.ndr_sms import sms_gateway
from headerlens.parsers.ndr_success import succeeded
from headerlens.parsers.rfc3463 import rfc3463_meaning


def _vendor(r: FailedRecipient, fmt: NdrFormat) -> str | None:
    where = f"{r.remote_mta or ''} {r.diagnostic}".lower()
    if "gsmtp" in where or re.search(r"google(?:mail)?\.com\b", r.remote_mta or "", re.I):
        return "google"
    if (
        "outlook.com" in where
        or "sender.office.com" in where
        or "go.microsoft.com" in where
        or "resolver.adr" in where
        or "storedrv" in where
        or (fmt is NdrFormat.EXCHANGE and r.remote_mta is None)
        or (fmt is NdrFormat.EXCHANGE and ndr_text.relayed_reply(r.diagnostic) is not None)
    ):
        return "microsoft"
    if "yahoo" in where:
        return "yahoo"
    return None


# Outbound hosts of sending services: they accept no mail for any recipient, so a refusal in
# their report is the remote server's reply (SES's DSN: Reporting-MTA dXXX.smtp-out.amazonses.com).
# Amazon SES only sends (its inbound is inbound-smtp.<region>.amazonaws.com): any host of
# amazonses.com that reports a reply passes on the remote server's ("a27-23.smtp-out.us-west-2.
# amazonses.com", WorkMail's "us-west-2.amazonses.com").
_SENDS_ONLY = re.compile(r"(?:^|\.)amazonses\.com\.?$", re.IGNORECASE)
_RELAYS_REMOTE_REPLY = frozenset(
    {NdrFormat.QMAIL, NdrFormat.YAHOO, NdrFormat.AMAZON_SES, NdrFormat.MESSAGELABS}
)


# Texts about an address that does not exist: the recipient's, unless the server said them in
# reply to MAIL FROM.
_ADDRESS_KEYS = frozenset({"text:user-unknown", "text:domain-unreachable", "text:null-mx"})
# Texts saying the sending side found no server to deliver to (nobody refused the message).
NO_SERVER_KEYS = frozenset({"text:domain-unreachable", "text:null-mx"})


def _as_final(key: str) -> WhoActs | None:
    """Who acts on a transient RFC 3463 status (4.x.y) had it been final (5.x.y), or on a
    deferral whose text names the party once the sender gave up, when known."""
    if key in FINAL_PARTY:
        return FINAL_PARTY[key]
    if not re.fullmatch(r"4\.\d{1,3}\.\d{1,3}", key):
        return None
    party = rfc3463_meaning("5" + key[1:]).who_acts
    return None if party in (WhoActs.UNKNOWN, WhoActs.NOBODY) else party


def _unresolved(
    r: FailedRecipient, hit: tuple[str, Entry] | None, meaning: CodeMeaning
) -> tuple[FailedRecipient, tuple[str, Entry] | None, CodeMeaning]:
    """X.1.2 (RFC 3463: the destination system does not exist or accepts no mail) with no
    server named but the recipient's own domain (Sendmail's "Remote-MTA: DNS; <domain>" after
    "Host unknown (Name server: <domain>: host not found)"): no server answered, the sending
    side found none for the domain."""
    domain = r.address.rpartition("@")[2].lower()
    named = (r.remote_mta or "").lower().rstrip(".")
    if (r.effective_status or "")[1:] != ".1.2" or r.remote_ip or named not in ("", domain):
        return r, hit, meaning
    if hit is None or hit[0] != "text:domain-unreachable":
        hit = next((k, e) for k, _, e in ALL_TEXTS if k == "text:domain-unreachable")
        meaning = meaning_of(*hit, "vendor-text")
    return replace(r, remote_mta=None), hit, meaning


# Sendmail's words for a local delivery program that failed ("unknown mailer error 255"), and
# its DSN's "Diagnostic-Code: X-Unix; <exit status>" (sysexits.h codes, or the program's own).
_PROGRAM_EXIT = re.compile(r"^\s*(?:x-unix;\s*)?(\d{1,3})\s*$|unknown mailer error \d+", re.I)


def _local_program(r: FailedRecipient, meaning: CodeMeaning) -> CodeMeaning:
    """A recipient delivered to a program or a file (".forward" or alias "|/path/prog") whose
    delivery failed with only an exit status: the recipient's own system failed, nothing the
    sender sent or set up is in question."""
    if not r.address.startswith(("|", "/")) or meaning.matched == "vendor-text":
        return meaning
    if not _PROGRAM_EXIT.search(r.diagnostic or "") and r.diagnostic:
        return meaning
    return replace(
        meaning,
        key="text:local-program-failed",
        matched="vendor-text",
        explanation="The recipient's own mail server delivers this address to a program or a "
        "file, and that delivery failed (the program's exit status is all the report gives): "
        "the recipient's system is at fault, not the address or the message.",
        who_acts=WhoActs.RECIPIENT_ADMIN,
        fix="The recipient's mail administrator must check the delivery program (its log, what "
        "it depends on, its exit status); send the message again once it works.",
        source="Sendmail: 'unknown mailer error N' is the local mailer's exit status "
        "(sysexits.h); RFC 3463 §3.4 (X.3.0 other mail system status)",
    )


def local_delivery(address: str) -> bool:
    """A recipient that is a file or a pipe (Exim's "save to /var/mail/x", "|/usr/bin/procmail",
    Final-Recipient: rfc822;/var/mail/x): delivered by the reporting server itself."""
    return address.startswith(("/", "|")) or address.lower() in ("inbox", "an undisclosed address")


def _stored_locally(r: FailedRecipient, fmt: NdrFormat, meaning_key: str, relayed: bool) -> bool:
    """The reporting server failed to store the message itself: a file or pipe recipient, or a
    full mailbox no remote server reported (Exim and Postfix name the remote host when one
    answered; the formats that relay a remote's reply unnamed do not count)."""
    if local_delivery(r.address):
        return True
    return (
        meaning_key == "text:mailbox-full"
        and r.smtp_code is None  # a reply code is a server's answer, relayed
        and not (r.remote_mta or r.remote_ip or r.remote_domain or relayed)
        and fmt not in _RELAYS_REMOTE_REPLY
        and fmt is not NdrFormat.EXCHANGE
    )


_IP = re.compile(r"^\[?(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]*:[0-9a-f:.]+)\]?$", re.I)
# "host H[IP] said: REPLY (in reply to X command)": Postfix's words, also inside a
# Diagnostic-Code of a layout no text reader took (Postfix's older "This is the Postfix program
# at host …" notice): the reply is H's, not the reporter's.
_HOST_SAID = re.compile(
    r"^\s*host\s+([\w.-]+?)\.?(?:\[([^\]]+)\])?\s+(said|refused to talk to me):\s*(.*?)"
    r"(?:\(in\s+reply\s+to\s+(.+?)\s+command\))?\s*$",
    re.S | re.I,
)
# The sending server names the host it could not reach: Gmail "[(0) mx.example.org. [192.0.2.1]:25:
# socket error]", Postfix "connect to H[IP]:25: Connection refused", "lost connection with H[IP]".
_PEER = re.compile(
    r"\[\(\d+\)\s+([\w.-]+?)\.?\s+\[([0-9a-fA-F.:]+)\]:\d+:|"
    r"(?:connect to|lost connection with|conversation with)\s+([\w.-]+?)\.?\[([^\]]+)\]",
    re.I,
)


# Refusals of the sending server's own sending (its IP, name, relay, header, rate), whoever wrote
# the message: after an alias expansion the forwarder's server sent it on, so they are its own.
_OWN_SENDING = frozenset(
    {
        "text:header-malformed",
        "text:line-too-long",
        "text:protocol-violation",
        "text:relay-denied",
        "text:rate-limited",
        "text:connection-rate",
        "text:sending-quota",
        "text:client-rejected",
        "text:greeting-refused",
    }
)


def _by_forwarder(
    r: FailedRecipient, meaning: CodeMeaning, rejecter: Rejecter, why: str, reporter: str | None
) -> tuple[CodeMeaning, str]:
    """A recipient the reporter reached by expanding an alias of its own domain to an address
    elsewhere ("<x@other> (expanded from <alias@own>)"), refused for the sending server's own
    sending: the forwarder's administrator acts, not the original sender's."""
    alias, final = (r.original_recipient or "").lower(), r.address.lower()
    if (
        meaning.who_acts is not WhoActs.SENDER_ADMIN
        or not (meaning.about in ("ip", "ptr", "helo") or meaning.key in _OWN_SENDING)
        or not reporter
        or "@" not in alias
        or "@" not in final
        or alias == final
        or org_guess(alias.rpartition("@")[2]) != org_guess(reporter)
        or org_guess(final.rpartition("@")[2]) == org_guess(reporter)
    ):
        return meaning, why
    forwarded = (
        f"{reporter} forwarded the message ({r.original_recipient} → {r.address}) and sent it "
        "on itself"
    )
    meaning = replace(
        meaning,
        who_acts=WhoActs.FORWARDER,
        fix=f"{forwarded}: its administrator must fix this, not the original sender's. "
        + meaning.fix,
    )
    if rejecter is Rejecter.SENDER_OWN:
        why = f"{why}; the sending side here is the forwarder: {forwarded}"
    return meaning, why


def reply_host(r: FailedRecipient) -> FailedRecipient:
    """The remote host named inside the reply, when no reader set it: "host H[IP] said: …"
    (whose reply it is: H refused, not the reporter) or the host a connection failed to."""
    if r.remote_mta or r.remote_ip:
        return r
    said = _HOST_SAID.match(r.diagnostic)
    if said is not None:
        # "refused to talk to me": the reply to the connection, before any command
        stage = said.group(5) or ("initial connection" if said.group(3) != "said" else None)
        return replace(
            r,
            remote_mta=said.group(1),
            remote_ip=said.group(2),
            diagnostic=ndr_text.clean_reply(said.group(4)),
            smtp_stage=r.smtp_stage or (stage.upper() if stage else None),
        )
    peer = _PEER.search(r.diagnostic)
    if peer is not None:
        return replace(
            r, remote_mta=peer.group(1) or peer.group(3), remote_ip=peer.group(2) or peer.group(4)
        )
    return r


# Google's SMTP servers end every reply with "gsmtp" (after a transaction id): the reply is
# theirs, whoever passes it on.
_GSMTP = re.compile(r"\bgsmtp\W*$", re.I)
# Exim's notice says the reply came from the remote server ("SMTP error from remote mail server
# after RCPT TO:…"), Sendmail's "... while talking to H.:", Gmail's "The response from the remote
# server was": the reporter passes on another server's answer.
REMOTE_WORDS = re.compile(
    r"SMTP error from remote (?:mail server|mailer)|response from the remote server|"
    r"the other server returned",
    re.I,
)


def _named_by_reply(
    r: FailedRecipient, fmt: NdrFormat, reporter: str | None
) -> tuple[FailedRecipient, str | None]:
    """A reply no host line names whose own words say whose it is: Google's "gsmtp" trailer
    (Exim's DSN without a Remote-MTA, a relay's notice); Exchange Online's "RESOLVER.ADR.
    RecipientNotFound" about an address at another organisation than the reporter's (Microsoft:
    5.1.10, the recipient's organisation has no such address)."""
    if r.remote_mta or r.remote_ip or r.remote_domain or "@" not in r.address:
        return r, None
    domain = r.address.rpartition("@")[2].lower()
    relay = reporter or "the reporting server"
    google = org_guess(reporter) in ("google.com", "googlemail.com", "gmail.com")
    if fmt is not NdrFormat.GMAIL and not google and _GSMTP.search(r.diagnostic):
        why = f"the reply ends with Google's 'gsmtp' mark: Google's server refused it; {relay} only passes its reply on"
        return replace(r, remote_domain="google.com"), why
    if (
        re.search(r"RESOLVER\.ADR\.Recip(?:ient)?NotFound", r.diagnostic, re.I)
        and reporter
        and re.search(r"\.outlook\.com\.?$|\.outlook\.office365\.com\.?$", reporter, re.I)
        and org_guess(domain) != org_guess(reporter)
    ):
        why = f"Exchange Online ({reporter}) looked the address up in {domain}'s organisation and found no such recipient"
        return replace(r, remote_domain=domain), why
    return r, None


def explain(
    r: FailedRecipient,
    fmt: NdrFormat,
    reporter: str | None,
    author: str | None,
    context: str,
    remote_said: bool = False,
) -> FailedRecipient:
    """The recipient with its reply read, its meaning looked up and the refusing server named.

    ``remote_said``: the notice's own words say the reply is a remote server's (REMOTE_WORDS)."""
    r, named_why = _named_by_reply(reply_host(r), fmt, reporter)
    smtp_code, enhanced = ndr_text.reply_parts(r.diagnostic)
    # Exchange Online's "Remote server returned … -> 554 5.7.1 …": the remote's own reply
    relayed = ndr_text.relayed_reply(r.diagnostic) if fmt is NdrFormat.EXCHANGE else None
    inner_code, inner = ndr_text.reply_parts(relayed) if relayed else (None, None)
    status = r.status or enhanced
    remote_status = inner or enhanced
    r = replace(
        r,
        status=status,
        diagnostic_status=remote_status if remote_status != status else None,
        smtp_code=smtp_code,
        # a DSN that names its reporter by an internal IP only (Facebook's "Reporting-MTA: dns;
        # 10.x.x.x"): the bounce's own host name says more
        reporting_mta=reporter
        if reporter and _IP.match(r.reporting_mta or "") and not _IP.match(reporter)
        else r.reporting_mta or reporter,
    )
    if r.action.lower() in SUCCESS_ACTIONS:
        return succeeded(r, r.reporting_mta)
    vendor = _vendor(r, fmt)
    said = f"{r.diagnostic} {context}".strip()
    meaning = lookup(r.effective_status, said, vendor, r.smtp_code)
    if relayed and meaning.matched.startswith("rfc3463"):
        # the wrapper code says no more than its class: the remote's own reply says why
        meaning = lookup(inner, relayed, None, inner_code)
    if meaning.who_acts is WhoActs.NOBODY and r.action.lower() == "failed":
        # a transient refusal in a bounce: the sending server stopped retrying, nobody will.
        # The refusal it kept getting is the party's as if it were final ("450 4.7.1 Client
        # host rejected" until the queue time ran out: the sender's administrator, as 5.7.1)
        party = _as_final(meaning.key)
        meaning = replace(
            meaning,
            who_acts=party or WhoActs.SENDER,
            fix="The sending server stopped retrying (Action: failed): the message was not "
            + (
                "delivered. The receiver kept giving the reply shown, which says why; until its "
                "cause is fixed, sending again is deferred the same way."
                if party
                else "delivered. Send it again later; if the receiver keeps deferring it, its "
                "reply says why."
            ),
        )
    meaning, queued = still_queued(meaning, r, reporter)
    hit = text_entry(said)
    r, hit, meaning = _unresolved(r, hit, meaning)
    meaning = _local_program(r, meaning)
    if r.smtp_stage == "MAIL FROM" and hit is not None and hit[0] in _ADDRESS_KEYS:
        # refused in reply to MAIL FROM: "No such domain" / "does not exist" is about the
        # sender's own address, not the recipient's (RFC 5321 §3.3: RCPT comes after)
        hit = sender_entry()
        meaning = meaning_of(*hit, "vendor-text")
    # qmail, Yahoo, SES and MessageLabs relay the remote's reply unnamed; Gmail says so in words
    remote_reply = (
        fmt in _RELAYS_REMOTE_REPLY
        or relayed is not None
        or "response from the remote server" in context
        or "the other server returned" in context
        or remote_said
        or bool(reporter and _SENDS_ONLY.search(reporter))
    )
    if (
        not remote_reply
        and r.smtp_code is not None
        and meaning.key in RECIPIENT_SIDE_KEYS
        and not re.search(r"RESOLVER\.|STOREDRV\.", r.diagnostic)  # Exchange's own lookup
        and "@" in r.address
        and reporter
        and org_guess(reporter) != org_guess(r.address.rpartition("@")[2])
    ):
        # "550 5.1.1 <x>... User Unknown" about a mailbox in another domain than the reporter's:
        # the recipient's server answered, the reporter (the sender's relay) passes it on
        remote_reply = True
    forced = hit[1].rejecter if hit else None
    if hit is not None and hit[0] in NO_SERVER_KEYS and not r.remote_mta:
        domain = r.address.rpartition("@")[2]
        rejecter, why = (
            Rejecter.SENDER_OWN,
            (
                f"{reporter or 'the sending server'} found no mail server for {domain}: no server "
                "refused the message"
            ),
        )
    elif meaning.key in EXPIRED_KEYS and vendor == "microsoft":
        rejecter, why = (
            Rejecter.SENDER_OWN,
            (
                "nobody refused it: it never reached the recipient's server and expired in the "
                f"queue of {reporter or 'the reporting server'} (the sender's own mail service)"
            ),
        )
    elif (
        meaning.key == "text:no-connection"
        or (meaning.key == "text:connection-failed" and queued is None)
    ) and not (r.remote_mta or r.remote_ip):
        rejecter, why = (
            Rejecter.SENDER_OWN,
            (
                f"nobody refused it: {reporter or 'the sending server'} never got a connection to "
                "the recipient's server and gave up"
            ),
        )
    elif queued is not None:
        rejecter, why = queued
    elif _stored_locally(r, fmt, meaning.key, remote_reply):
        rejecter, why = (
            Rejecter.RECIPIENT_MAILBOX,
            (
                f"{reporter or 'the reporting server'} was delivering it itself (to "
                f"{r.address}{', for ' + r.original_recipient if r.original_recipient else ''}): "
                "it holds the recipient's mailbox"
            ),
        )
    elif vendor == "microsoft" and not r.remote_mta and sender_tenant_block(r.effective_status):
        rejecter, why = (
            Rejecter.SENDER_OWN,
            (
                f"{r.effective_status} is an Exchange Online block on the sender's own tenant or "
                f"account ({reporter or 'the reporting server'} refused to send it)"
            ),
        )
    elif named_why is not None and forced is None:
        rejecter, why = Rejecter.RECIPIENT_SERVER, named_why
    else:
        rejecter, why = refusing_server(r, fmt, reporter, author, forced, remote_reply)
    if meaning.key == "text:relay-denied" and rejecter is Rejecter.SENDER_OWN:
        # the sender's own outgoing relay refused to relay: it wants SMTP authentication
        meaning = replace(meaning, who_acts=WhoActs.SENDER_ADMIN)
    meaning, why = _by_forwarder(r, meaning, rejecter, why, reporter)
    return simulated(
        sms_gateway(
            replace(
                r,
                sending_ip=ndr_text.sending_ip(r.diagnostic),
                rejecter=rejecter,
                rejecter_why=why,
                meaning=meaning,
            )
        )
    )
