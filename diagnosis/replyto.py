"""A Reply-To that sends the answers to a free-mail mailbox unrelated to the From domain."""

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
    ]
)


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
