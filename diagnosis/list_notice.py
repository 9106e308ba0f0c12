"""A list manager's own notice (held for moderation, not a member, a loop, bounce processing): facts.

Mailman, fml, Majordomo, Sympa, ezmlm and LISTSERV write these to a poster, a moderator or the
list's owner; they are no bounce (nothing refused a delivery) and no list post (the list server
wrote them itself). Read only when the notice carries both a list manager's mark (its own
header, or a list role address in From) and one of its manager's notice texts: the sentences
are in diagnosis/wording_notice.py. What such a notice says is its writer's word; it changes no
verdict.
"""

from __future__ import annotations

import email
import email.message
import re
from email import policy

from headerlens.diagnosis.facts import Situation
from headerlens.diagnosis.inputs import fields, first
from headerlens.model import Analysis

# Where each manager's notice texts come from (its templates or, for fml, sisimai's reader).
SOURCES = {
    "Mailman": "GNU Mailman 2.1 templates (postheld, postauth, refuse, disabled, bounce notices)",
    "fml": "fml 4 messages, as sisimai's lib/sisimai/lhost/fml.rb reads them",
    "Majordomo": "Majordomo 1.94 resend ('BOUNCE <list>: <reason>' to the list owner)",
    "Sympa": "Sympa mail templates (moderation and rejection notices)",
    "ezmlm": "ezmlm-idx texts (MODERATE, moderation notices)",
    "LISTSERV": "L-Soft LISTSERV notices",
}

# (kind, pattern) in order: the first that matches the subject and the notice's text decides.
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rx, re.I))
    for kind, rx in (
        (
            "bounces",
            r"bounce action noti(?:ce|fication)|disabled due to excessive bounces|"
            r"excessive or fatal bounces|Uncaught bounce notification|"
            r"has been (?:disabled|removed) (?:from the list )?(?:because|due to) .{0,40}bounc",
        ),
        (
            "loop",
            r"Loop Alert:|Loop Back Warning|Duplicated Message-ID|"
            r"has detected a loop condition|UNIX FROM Loop",
        ),
        (
            "held",
            r"awaits moderator approval|is being held until the list moderator|"
            r"post from \S+ requires approval|your authorization is requested for the following|"
            r"has been forwarded to the moderator|\bMODERATE for \S+@|Approval required|"
            r"(?:held|pending|awaiting) (?:for )?(?:moderation|moderator'?s? approval)",
        ),
        (
            "rejected",
            r"has been rejected by the list moderator|Request to mailing list .{1,80} rejected|"
            r"Auto-discard notification|"
            r"Your message (?:to|for) (?:the )?(?:list )?\S+ (?:has been|was) (?:rejected|refused)",
        ),
        (
            "not-member",
            r"NOT MEMBER article from|not a member of (?:this|the) (?:mailing )?list|"
            r"Non-member submission|You are not (?:allowed|authorized) to send (?:messages )?to|"
            r"are not (?:a )?member|not subscribed to (?:the|this) list",
        ),
    )
)

# A list role address as the notice's From: LIST-owner@, LIST-admin@, LIST-bounces@,
# LIST-request@ (groups.io: LIST+owner@), owner-LIST@, or the manager's own mailbox.
_ROLE = re.compile(
    r"(?:^|[<\s\"])(?:[\w.-]+[-+](?:owner|admin|bounces|request)|owner-[\w.+-]+|"
    r"mailman|majordomo|sympa|listserv|ezmlm)@([\w.-]+)",
    re.I,
)
_REASON = re.compile(
    r"(?:reason it is being held|Reason(?: for holding)?)\s*:\s*\n?\s*([^\n]{3,160})", re.I
)
_LIST_ADDR = re.compile(r"<?([\w.+-]+@[\w.-]+)>?")
_TEXT_BYTES = 16384


def _manager(analysis: Analysis, role: str | None, subject: str) -> str | None:
    """Which list manager wrote the notice, by its own header or its role address."""
    if (first(analysis, "x-mlserver") or "").lower().startswith("fml"):
        return "fml"
    if any(fields(analysis, "x-mailman-version", "x-list-administrivia")):
        return "Mailman"
    if any("sympa" in f.value.lower() for f in fields(analysis, "x-loop", "x-mailer", "from")):
        return "Sympa"
    if re.match(r"\s*BOUNCE \S+:", subject) or "majordomo" in (role or "").lower():
        return "Majordomo"
    if "listserv" in (role or "").lower():
        return "LISTSERV"
    if "ezmlm" in (role or "").lower() or "ezmlm" in (first(analysis, "mailing-list") or ""):
        return "ezmlm"
    return None


def _text(analysis: Analysis) -> str:
    """The notice's own words: its first text/plain part, decoded (bounded)."""
    if analysis.body_start is None:
        return ""
    msg = email.message_from_bytes(
        analysis.raw[: analysis.body_start + _TEXT_BYTES], policy=policy.compat32
    )
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return payload[:_TEXT_BYTES].decode("utf-8", "replace")
    return ""


def notice(analysis: Analysis) -> Situation | None:
    """The list manager's notice this message is, as a mailing-list situation with its facts."""
    sender = first(analysis, "from") or ""
    role = _ROLE.search(sender)
    subject = analysis.subject or ""
    manager = _manager(analysis, role.group(0) if role else None, subject)
    if manager is None and role is None:
        return None
    text = _text(analysis)
    said = re.sub(r"\s+", " ", f"{subject}\n{text}")  # templates wrap their lines anywhere
    kind = next((k for k, rx in _KINDS if rx.search(said)), None)
    if kind is None or (manager is None and kind in ("not-member",)):
        # a role address alone with a wording as common as "not a member": not enough
        return None
    if manager is None and not re.search(r"\blist\b|moderat", said, re.I):
        # a role address alone ("finance-request@") says a list wrote it only with its words
        return None
    named = re.search(r"(?:in|to|for) <?([\w.+-]+@[\w.-]+)>?", said)
    list_addr = named.group(1) if named else (role.group(0).strip('<" ') if role else "")
    facts = [
        ("notice", kind),
        ("manager", manager or "a list manager"),
        ("list", first(analysis, "list-id") or list_addr),
        ("source", SOURCES.get(manager or "", "the list manager's own notice texts")),
    ]
    if kind in ("held", "rejected", "not-member") and (why := _REASON.search(text)):
        facts.append(("reason", why.group(1).strip()))
    ev = [f"From: {sender[:80]}", f"Subject: {subject[:80]}"]
    ev += [
        f"{f.name}: {f.value[:60]}"
        for f in fields(analysis, "x-mlserver", "x-mailman-version", "x-list-administrivia")
    ]
    return Situation("mailing-list", None, tuple(ev[:5]), tuple(facts))


def merged(listed: Situation | None, note: Situation | None) -> Situation | None:
    """The mailing-list situation with the notice's facts: the list's own detector's facts (and
    every rule that used them) stay as they were."""
    if note is None:
        return listed
    if listed is None:
        return note
    return Situation(
        listed.label,
        listed.hop_number,
        listed.evidence,
        listed.facts + note.facts[:1] + tuple(f for f in note.facts[1:] if f[0] != "list"),
    )
