"""Readers for Japanese carriers' and ISPs' own notices: au/EZweb, au by KDDI (dion, auone-net), BIGLOBE.

They are multipart/mixed (or plain) notices with no message/delivery-status part and no SMTP
reply of their own: a sentence of the carrier's (often under a Japanese one), the recipient
in angle brackets, sometimes a transcript of the remote server. Each returns one ``TextHit``
per failed recipient, like ndr_text's; the sentence is the diagnostic when no reply is quoted.
"""

from __future__ import annotations

import re

from headerlens.parsers.ndr_text import _ADDR, TextHit, clean_reply

# au/EZweb's sentences (sisimai, lib/sisimai/lhost/ezweb.rb): the reason of every recipient
# listed under it.
_EZWEB_REASON = re.compile(
    r"^(?:The user\(s\) account is (?:disabled|temporarily (?:over quota|limited))\.|"
    r"Your message was not delivered within [^\n]{1,80}|"
    r"Each of the following recipients was rejected by a remote mail server\.?)",
    re.M,
)
_EZWEB_RCPT = re.compile(r"^[ \t]*(?:Recipient:[ \t]*)?<(" + _ADDR + r")>(?::[ \t]*(.*))?$")
_EZWEB_END = re.compile(r"^(?:-{50}|Content-Type:[ \t]*message/rfc822)", re.I | re.M)


def ezweb(text: str) -> list[TextHit]:
    """au/EZweb's "Mail System Error - Returned Mail": "The user(s) account is disabled." (or
    over quota, limited, not delivered within…), then "<rcpt>" lines; or "Each of the following
    recipients was rejected by a remote mail server." with "Recipient: <rcpt>", ">>> RCPT
    TO:<rcpt>" and "<<< 550 …" per recipient (sisimai, lib/sisimai/lhost/ezweb.rb)."""
    start = _EZWEB_REASON.search(text)
    if start is None:
        return []
    end = _EZWEB_END.search(text, start.start())
    block = text[start.start() : end.start() if end else start.start() + 8192]
    reason = ""
    hits: list[TextHit] = []
    stage: str | None = None
    for line in block.splitlines():
        said = _EZWEB_REASON.match(line.strip())
        if said is not None:
            reason = said.group(0)
            continue
        m = _EZWEB_RCPT.match(line)
        if m is not None:
            if hits and hits[-1].address.lower() == m.group(1).lower():
                continue  # ">>> RCPT TO:<x>" is read below; the same address twice is one row
            hits.append(TextHit(m.group(1), clean_reply(m.group(2) or reason)))
            stage = None
            continue
        command = re.match(r"^[ \t]*>>>[ \t]*(RCPT TO|MAIL FROM|DATA)\b", line, re.I)
        if command is not None:
            stage = command.group(1).upper()
            continue
        reply = re.match(r"^[ \t]*(?:<<<|Reason:)[ \t]*([45]\d\d\b.*|[245]\.\d+\.\d+\b.*)$", line)
        if reply is not None and hits:
            last = hits[-1]
            hits[-1] = TextHit(last.address, clean_reply(reply.group(1)), stage=stage)
    return hits


# au by KDDI (dion.ne.jp, auone-net.jp): "Your mail sent on: <date>" (or "attempted to be
# delivered on:"), then "    Could not be delivered to: <rcpt>" and the reason indented under it
# (sisimai, lib/sisimai/lhost/kddi.rb).
_KDDI_START = re.compile(r"^Your mail (?:sent on|attempted to be delivered on):?[ \t]", re.M)
_KDDI_ROW = re.compile(
    r"^[ \t]+Could not be delivered to:[ \t]*<(" + _ADDR + r")>[ \t]*\n((?:[ \t]+\S[^\n]*\n?)*)",
    re.M,
)


def kddi(text: str) -> list[TextHit]:
    """One hit per "Could not be delivered to: <rcpt>" of au by KDDI's notice."""
    start = _KDDI_START.search(text)
    if start is None:
        return []
    return [
        TextHit(m.group(1), clean_reply(m.group(2)))
        for m in _KDDI_ROW.finditer(text, start.end())
        if m.group(2).strip()
    ]


# BIGLOBE (and the cable ISPs it serves): "----- The following addresses had delivery problems
# -----", the addresses one a line, then "----- Non-delivered information -----" and the reason
# (sisimai, lib/sisimai/lhost/biglobe.rb).
_BIGLOBE = re.compile(
    r"^[ \t]*-+ The following addresses had delivery problems -+[ \t]*\n(.*?)"
    r"^[ \t]*-+ Non-delivered information -+[ \t]*\n(.*?)(?=\n[ \t]*\n|\n-|\Z)",
    re.M | re.S,
)


def biglobe(text: str) -> list[TextHit]:
    """One hit per address listed in BIGLOBE's notice, each with the notice's reason."""
    m = _BIGLOBE.search(text)
    if m is None:
        return []
    reason = clean_reply(m.group(2))
    rcpts = re.findall(r"^[ \t]*<?(" + _ADDR + r")>?[ \t]*$", m.group(1), re.M)
    return [TextHit(a, reason) for a in dict.fromkeys(rcpts)] if reason else []
