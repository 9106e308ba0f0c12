"""The parts of one SMTP reply line a bounce quotes: its codes, the Exchange Online server stamp
inside it, the sender's IP as the refusing server names it, a transcript's bare reply (regexes
only; ``ndr_text`` re-exports them)."""

from __future__ import annotations

import re


def reply_parts(diagnostic: str) -> tuple[int | None, str | None]:
    """The RFC 5321 reply code and the RFC 3463 enhanced code at the start of a reply."""
    text = re.sub(r"^\s*(?:smtp|x-\w+)\s*;\s*", "", diagnostic, flags=re.I)
    code = re.match(r"\s*([245][0-9][0-9])(?:[\s:-]|$)", text)
    enhanced = re.search(r"(?:^|[\s#(-])([245]\.[0-9]{1,3}\.[0-9]{1,3})(?=[\s)>;,.]|$)", text[:120])
    return (int(code.group(1)) if code else None), (enhanced.group(1) if enhanced else None)


# Exchange Online's servers stamp their name into the reply: "[TY1P286MB3121.JPNP286.PROD.OUTLOOK.COM".
_MS_STAMP = re.compile(
    r"\[([A-Z0-9]+\.(?:[A-Z0-9]+\.)*PROD\.(?:OUTLOOK|EXCHANGELABS)\.COM)\b", re.I
)


def microsoft_stamp(diagnostic: str) -> str | None:
    """The Exchange Online server named inside a reply, if any."""
    m = _MS_STAMP.search(diagnostic)
    return m.group(1) if m else None


# How refusing servers quote the sender's IP: Gmail "with ip: [IP]", Microsoft "banned sending
# IP [IP]", Exim ACLs "Fix reverse DNS for IP", GoDaddy "IP is not allowed to send from".
_SENDING_IP = re.compile(
    r"(?:with ip:\s*\[|sending IP\s*\[|reverse DNS for\s+|^\d{3}[ -][\d.]+\s+)"
    r"([0-9a-f]{0,4}:[0-9a-f:.]+|\d{1,3}(?:\.\d{1,3}){3})"
    r"(?=[\]\s]|$)(?!\s*\]?\s*(?:said|failed))",
    re.I,
)


def sending_ip(diagnostic: str) -> str | None:
    """The sender's IP as the refusing server quotes it, if the reply names it."""
    m = _SENDING_IP.search(diagnostic)
    return m.group(1) if m else None


TRANSCRIPT = re.compile(r"-+ Transcript of session follows -+\s*\n(.*?)(?=\n\s*-{3,}|\Z)", re.S)
_BARE_REPLY = re.compile(r"^[ \t]*(?:<<<[ \t]*)?([45]\d\d[ -][^\n]{1,1000})$", re.M)


def bare_reply(text: str, address: str) -> str:
    """The transcript's reply about ``address`` (else its only 4xx/5xx reply), for a transcript
    of bare reply lines without Sendmail's "... while talking to" (Active!Hunter)."""
    block = TRANSCRIPT.search(text)
    if block is None:
        return ""
    replies = [m.group(1) for m in _BARE_REPLY.finditer(block.group(1))]
    about = [r for r in replies if address.lower() in r.lower()]
    chosen = about or (replies if len(replies) == 1 else [])
    return chosen[0] if chosen else ""
