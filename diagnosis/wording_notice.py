"""Sentences for a list manager's own notice (diagnosis/list_notice): what happened, who acts."""

from __future__ import annotations

from headerlens.diagnosis.facts import Situation

# kind -> (what the notice says happened, who acts and how)
_SAYS = {
    "loop": (
        "it dropped a message it had already seen (a duplicated Message-ID, or a message that "
        "came back to the list: a loop or a relay that sent it again)",
        "the list administrator, if anyone: check which relay sent the message again (the "
        "quoted header shows its path); the author need not resend, the first copy was "
        "distributed",
    ),
    "held": (
        "it holds a post for the moderator's approval; nothing was refused yet",
        "the list moderator (approve or reject the post); the author only waits",
    ),
    "rejected": (
        "the list did not distribute a post (its moderator, or its rules, refused it)",
        "the author: read the reason given, and post again only once it no longer applies",
    ),
    "not-member": (
        "it did not distribute a post from an address that is not a member of the list",
        "the author (subscribe, or post from the subscribed address) or the list owner (accept "
        "posts from non-members)",
    ),
    "bounces": (
        "its bounce processing acted on a member whose address bounced (a subscription "
        "disabled or removed, or a bounce it could not read)",
        "the member whose address bounces (fix the mailbox, then re-enable the subscription); "
        "the list administrator only for a bounce the list could not read",
    ),
}


def _who(s: Situation) -> str:
    manager = s.fact("manager") or "a list manager"
    listed = s.fact("list")
    return f"{manager}" + (f" ({listed})" if listed else "")


def notice_title(s: Situation) -> str:
    """The mailing-list situation's title when the message is the list manager's own notice."""
    says, acts = _SAYS.get(s.fact("notice") or "", _SAYS["held"])
    reason = f" (reason given: {s.fact('reason')})" if s.fact("reason") else ""
    return (
        f"A notice the list manager {_who(s)} wrote itself, not a bounce and not a list post: "
        f"{says}{reason}. Who acts: {acts}. (Its text is the list server's word: "
        f"{s.fact('source')}.)"
    )


def notice_headline(s: Situation) -> str:
    """The headline's cause for a list manager's notice."""
    says, acts = _SAYS.get(s.fact("notice") or "", _SAYS["held"])
    return f"A list manager's notice, not a bounce: {_who(s)} says {says}; who acts: {acts.split(': ', 1)[0].split(' (', 1)[0]}"


def notice_fix(s: Situation) -> str:
    """What to do about the notice."""
    return "Who acts: " + _SAYS.get(s.fact("notice") or "", _SAYS["held"])[1] + "."
