"""A web site's form mail sent with the visitor's address as From (a contact or lead form).

Form scripts (PHP's mail(), FormMail, CMS contact forms) often put the address the visitor typed
in From and send it from the site's own server to the site's own staff: the From domain never
authorised that server, so the message cannot be told from a spoof of it, but the one who can
fix it is the site (send from an address of its own domain, the visitor in Reply-To), never the
visitor's mail provider. Everything read here is the sending side's text: it only moves the fix
to the site; it never makes anything pass."""

from __future__ import annotations

import re

from headerlens.diagnosis.facts import FormMail
from headerlens.diagnosis.inputs import (
    addressed_at,
    boundary_hop,
    confirmed_rdns,
    entry,
    fields,
    first,
    org,
)
from headerlens.model import Analysis

_SCRIPT_FIELDS = ("x-php-originating-script", "x-php-script", "x-originating-script")
# Mailers of form scripts and CMS contact forms (X-Mailer / User-Agent).
_FORM_MAILER = re.compile(
    r"\b(?:phpmailer|php/\d|formmail|wordpress|drupal|joomla|contact form|gravity ?forms"
    r"|ninja ?forms|webform|typo3|wix|squarespace)\b",
    re.IGNORECASE,
)
# A web server's own name for itself (GAWWW03, www2, web01) on a line below the site's entry.
_WEB_HOST = re.compile(r"(?:^|[^a-z])(?:[a-z]{0,4}www\d*|web\d+|webserver)(?:[^a-z]|$)", re.I)
# A program on the web server handing the message to the local MTA as the web server's user.
_WEB_USER = re.compile(r"\bfrom userid (?:33|48|80)\b|\b(?:www-data|apache|nginx|nobody)\b")
# What a form's notice calls itself in its subject.
_FORM_SUBJECT = re.compile(
    r"\b(?:lead|enquiry|inquiry|contact(?:ed)? (?:form|request)|form submission|web ?form"
    r"|new (?:submission|message) from|website (?:message|contact))\b",
    re.IGNORECASE,
)


def _site(analysis: Analysis) -> str | None:
    """The organisation of the server that handed the message to the final receiver: the reverse
    DNS its receiver confirmed. The name the client gave itself (its HELO, or a reverse DNS the
    receiver did not confirm) is its own claim: an attacker's server saying HELO
    www.autosite.example would move the blame for its spoof to that site."""
    hop = boundary_hop(analysis)
    return org(confirmed_rdns(hop)) if hop is not None else None


def form_mail(analysis: Analysis, dom: str) -> FormMail | None:
    """The site whose form sent the message in ``dom``'s name, with the signs: the sending
    server, the Message-ID or a recipient in the site's domain, and a form's own mark (a script
    field, a form mailer, a web server below the entry, a form's subject)."""
    site = _site(analysis)
    b = entry(analysis)
    if site is None or b is None or site == org(dom):
        return None
    own: list[str] = []
    mid = (analysis.message_id or "").strip("<> ").rpartition("@")[2]
    if org(mid) == site:
        own.append(f"its Message-ID is the site's ({mid})")
    to = addressed_at(analysis, site)
    if to:
        own.append(f"it is addressed to the site's own {to}")
    marks: list[str] = []
    if script := next(iter(fields(analysis, *_SCRIPT_FIELDS)), None):
        marks.append(f"{script.name}: {script.value.strip()[:60]}")
    mailer = first(analysis, "x-mailer") or first(analysis, "user-agent") or ""
    if _FORM_MAILER.search(mailer):
        marks.append(f"its mailer is {mailer.strip()[:60]}")
    for hop in (h for h in analysis.chain.hops if h.number < b.hop_number):
        r = hop.received
        name = r.from_helo or r.from_rdns or ""
        if _WEB_HOST.search(name):
            marks.append(
                f"a web server ({name}) handed it to {r.by or 'the site'} (hop {hop.number})"
            )
            break
        if _WEB_USER.search(r.raw):
            marks.append(
                f"the web server's user handed it to {r.by or 'the site'} (hop {hop.number})"
            )
            break
    if _FORM_SUBJECT.search(analysis.subject or ""):
        marks.append(f"its subject is a form's notice ({(analysis.subject or '').strip()[:60]})")
    if not own or not marks:
        return None
    return FormMail(
        site, (f"sent by {site}'s server {b.helo or '?'} [{b.ip or '?'}]", *own, *marks)
    )
