"""Free-mail providers: a Reply-To to one unrelated to the From domain, and the fix when one of
their domains fails authentication (only the provider can change its records)."""

from __future__ import annotations

import re

from headerlens.diagnosis.inputs import first, org
from headerlens.model import Analysis

FREEMAIL = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.fr",
        "ymail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "aol.com",
        "yandex.ru",
        "yandex.com",
        "mail.ru",
        "gmx.de",
        "gmx.net",
        "gmx.com",
        "web.de",
        "firemail.de",
        "indamail.hu",
        "proton.me",
        "protonmail.com",
        "icloud.com",
        "me.com",
        "qq.com",
        "163.com",
        "126.com",
        "zoho.com",
        "seznam.cz",
        "libero.it",
        "orange.fr",
        "free.fr",
        "t-online.de",
        "mail.com",
        "inbox.lv",
        "rambler.ru",
        "bk.ru",
        "list.ru",
        "tutanota.com",
        "naver.com",
        "daum.net",
        # the national domains of the same providers
        "outlook.fr",
        "outlook.de",
        "outlook.es",
        "outlook.it",
        "hotmail.fr",
        "hotmail.de",
        "hotmail.es",
        "hotmail.it",
        "hotmail.co.uk",
        "hotmail.com.br",
        "live.fr",
        "live.co.uk",
        "yahoo.de",
        "yahoo.es",
        "yahoo.it",
        "yahoo.co.jp",
        "yahoo.com.br",
        "gmx.at",
        "gmx.ch",
        # mail.com's free domains most seen as scam reply addresses
        "email.com",
        "financier.com",
        "consultant.com",
        "accountant.com",
        "engineer.com",
        "post.com",
        "usa.com",
        "europe.com",
        "asia.com",
        "dr.com",
        "myself.com",
        "techie.com",
        "writeme.com",
    ]
)


# Services that give every customer (anyone who signs up) an address under their own domain:
# mail authenticated for <account>.zendesk.com proves the account, not who holds it.
SHARED_SERVICES = {
    "zendesk.com": "Zendesk",
    "freshdesk.com": "Freshdesk",
    "zohodesk.com": "Zoho Desk",
    "firebaseapp.com": "Firebase",
    "onmicrosoft.com": "Microsoft 365",
    "mailchimpapp.com": "Mailchimp",
}


def shared_account(domain: str | None) -> str | None:
    """ "Zendesk (acme.zendesk.com)" when ``domain`` is a customer's name under such a service."""
    dom = (domain or "").lower().rstrip(".")
    base = org(dom)
    if base is None or base not in SHARED_SERVICES or dom == base:
        return None
    return f"{SHARED_SERVICES[base]} ({dom})"


def reply_to_elsewhere(analysis: Analysis) -> str | None:
    rt = first(analysis, "reply-to")
    dom = analysis.from_addr.domain if analysis.from_addr else None
    m = re.search(r"@([\w.-]+)", rt or "")
    if not m or not dom:
        return None
    rt_org = org(m.group(1))
    if rt_org and rt_org != org(dom) and rt_org in FREEMAIL:
        return f"Reply-To is at {rt_org}, a free-mail domain unrelated to {dom}"
    return None


def freemail_fix(domain: str | None) -> str | None:
    """The fix when the failing domain is a free-mail provider's: nobody but the provider edits
    its SPF or signs for it, so the only fix is at the sender's side (how it sends)."""
    dom = org(domain)
    if dom is None or dom not in FREEMAIL:
        return None
    return (
        f"{dom} is a free-mail provider: its SPF record and DKIM keys are not the sender's to "
        f"change. Send {dom} addresses only through {dom}'s own servers (authenticated "
        "submission), or send from an address of the domain whose server is used."
    )
