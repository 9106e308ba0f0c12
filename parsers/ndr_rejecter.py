"""Which server refused a bounced message: the sender's own, the recipient's gateway or mailbox host.

Read from the remote MTA's name (filtering services and mailbox providers by their MX names), an
Exchange Online server stamp inside the reply, else from whose domain the reporting server is in.
Also the small readers of who reported and who sent (the report's From, its first line, the
returned message's author).
"""

from __future__ import annotations

import re

from headerlens.model.core import HeaderField
from headerlens.model.ndr import FailedRecipient, NdrFormat, Rejecter
from headerlens.parsers import ndr_text
from headerlens.parsers.from_mailbox import mailbox_domain

# Filtering services that sit in front of the recipient's mailbox host (by MX host name).
_GATEWAYS = re.compile(
    r"mimecast\.com|pphosted\.com|ppe-hosted\.com|mail\.protection\.outlook\.com|iphmx\.com|"
    r"barracudanetworks\.com|messagelabs\.com|trendmicro\.(?:com|eu)|hydra\.sophos\.com|"
    r"mailcontrol\.com|fireeyecloud\.com|spamh\w*\.|mxthunder|antispamcloud\.com",
    re.I,
)
_MAILBOX_HOSTS = re.compile(
    r"(?:google|googlemail|gmail)\.com\.?$|outlook\.com\.?$|hotmail\.com\.?$|yahoodns\.net\.?$|"
    r"yahoo\.com\.?$|secureserver\.net\.?$|icloud\.com\.?$|zoho\.\w+\.?$|gmx\.net\.?$",
    re.I,
)


# Sending services' SMTP submission endpoints: the sender's own outgoing relay, never a recipient's
# server (Amazon SES Developer Guide, 'Connecting to an Amazon SES SMTP endpoint':
# email-smtp.<region>.amazonaws.com).
_SUBMISSION = re.compile(r"^email-smtp(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com\.?$", re.I)


def org_guess(host: str | None) -> str:
    """A rough organisational domain (last two labels, three under a two-letter ccTLD SLD).

    Pure and table-free on purpose: the evaluators use the Public Suffix List (evaluators/orgdomain.py).
    """
    labels = (host or "").lower().rstrip(".").rsplit("@", 1)[-1].split(".")
    keep = 3 if len(labels) > 2 and len(labels[-2]) <= 3 and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


# The sending server never got an SMTP reply (Postfix, Exim and Sendmail wording).
_UNREACHED = re.compile(
    r"^(?:connect to |lost connection with |conversation with \S+ timed out)|"
    r"Connection (?:timed out|refused)|No route to host|Network is unreachable|"
    # Gmail: "did not accept our requests to connect … [(0) H. [IP]:25: socket error]"
    r"did not accept our requests to connect|socket error",
    re.I,
)


def refusing_server(
    r: FailedRecipient,
    fmt: NdrFormat,
    reporter: str | None,
    sender: str | None,
    forced: Rejecter | None,
    remote_reply: bool = False,
) -> tuple[Rejecter, str]:
    """Which server refused: the remote MTA's name, a stamp in the reply, else the reporter's side.

    ``sender`` is the returned message's author domain, when the report carries it.
    """
    if forced is Rejecter.RECIPIENT_GATEWAY:
        return forced, "the rejection text names the service in front of the recipient's mailbox"
    if forced is not None:
        return forced, "the rejection text names the sender's own set-up"
    remote = r.remote_mta or ""
    stamp = ndr_text.microsoft_stamp(r.diagnostic)
    if remote and _SUBMISSION.search(remote):
        return Rejecter.SENDER_OWN, (
            f"{remote} is Amazon SES's SMTP endpoint, the sending side's own outgoing service "
            "(it takes only its customers' authenticated mail): it refused to send it"
        )
    if remote and _GATEWAYS.search(remote):
        return (
            Rejecter.RECIPIENT_GATEWAY,
            f"{remote} is a filtering service in front of the mailbox",
        )
    if remote and _MAILBOX_HOSTS.search(remote):
        return Rejecter.RECIPIENT_MAILBOX, f"{remote} is a mailbox provider's MX"
    if stamp:
        return Rejecter.RECIPIENT_MAILBOX, f"the reply was written by Exchange Online ({stamp})"
    if (remote or r.remote_ip) and _UNREACHED.search(r.diagnostic):
        return Rejecter.RECIPIENT_SERVER, (
            f"{remote or r.remote_ip} (the recipient's server) could not be reached: no SMTP reply"
        )
    if remote or r.remote_ip:
        return Rejecter.RECIPIENT_SERVER, f"{remote or r.remote_ip} answered for the recipient"
    if r.remote_domain and org_guess(r.remote_domain) != org_guess(sender):
        return Rejecter.RECIPIENT_SERVER, (
            f"the notice says {r.remote_domain} rejected it; {reporter or 'the reporting server'} "
            "(the sender's side) only relays its reply"
        )
    if remote_reply and r.smtp_code is not None:
        return Rejecter.RECIPIENT_SERVER, (
            f"the recipient's server answered {r.smtp_code}; {reporter or 'the reporter'} "
            "only relays its reply"
        )
    if remote_reply and r.diagnostic:
        return Rejecter.RECIPIENT_SERVER, (
            f"the recipient's server refused it; {reporter or 'the reporter'} only relays its reply"
        )
    if re.search(r"RESOLVER\.|STOREDRV\.", r.diagnostic):
        return Rejecter.RECIPIENT_MAILBOX, (
            f"Exchange ({reporter or 'the reporting server'}) could not find or deliver to the "
            "mailbox in its own organisation"
        )
    if reporter and org_guess(reporter) == org_guess(r.address):
        role = (
            Rejecter.RECIPIENT_GATEWAY if fmt is NdrFormat.MIMECAST else Rejecter.RECIPIENT_MAILBOX
        )
        return role, f"the report was written in the recipient's domain ({reporter})"
    if reporter and sender and org_guess(reporter) == org_guess(sender):
        return Rejecter.SENDER_OWN, f"{reporter} (the sender's domain) refused or gave up itself"
    if reporter and sender:
        return Rejecter.RECIPIENT_SERVER, (
            f"{reporter} refused it itself and is not in the sender's domain ({sender})"
        )
    return Rejecter.UNKNOWN, "the report names no server that refused"


# Formats whose diagnostic is the remote server's SMTP reply even when no remote host is named.
_AUTHOR = re.compile(rb"^(?:From|Return-Path):[^\n]*?@([A-Za-z0-9.-]+)", re.M | re.I)


def author_domain(original: bytes | None) -> str | None:
    """The returned message's From (else Return-Path) domain, read from its header block."""
    if not original:
        return None
    m = _AUTHOR.search(original[:65536])
    return m.group(1).decode("ascii").lower() if m else None


_SELF_NAMED = re.compile(
    r"This is the (?:mail system at host|qmail-send program at) ([A-Za-z0-9.-]+?)\.?\s"
)


def self_named(text: str) -> str | None:
    """The host a Postfix or qmail bounce names in its first line (a pasted text has no From)."""
    m = _SELF_NAMED.search(text)
    return m.group(1) if m else None


def sender_host(fields: tuple[HeaderField, ...]) -> str | None:
    for f in fields:
        if f.lname == "from":
            return mailbox_domain(f.value) or None
    return None
