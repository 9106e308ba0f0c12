"""ProtonMail's appended verdict block: which fields at the end of the header Proton wrote (pure).

Proton stores a message with every Received field first, its Authentication-Results after them,
then the header the message arrived with, and appends its own block at the very end: its Rspamd
fields (X-Rspamd-Queue-Id naming the queue id of Proton's own Received line, X-Rspamd-Server
naming one of its scanners under plabs.ch, X-Spamd-Result, X-Rspamd-Action), X-Spam when it
rates the message spam, and the X-Pm-* fields (an X-Attached per attachment among them) ending
with X-Pm-Spam-Action. The order of the Rspamd fields inside the block varies between exports
(queue id first in phishing_pot samples 1196, 1206; last of the Rspamd fields in 1175, 1197,
1264; X-Rspamd-Server first in 1258, 1259), so
the block is read as a run, not from one anchor: the unbroken run of those names at the end of
the header, each name once (Proton writes each once: of a repeated name, the earlier one is the
sender's last field, and the run stops there), is Proton's when something in it ties it to
Proton's own hop: the queue id of Proton's Received line (which the sender cannot know in
advance). Anything of the same names elsewhere (above the run, between Received lines) is the
sender's. An X-Rspamd-Server in Proton's scanner domain is text a sender can write as well: where
Proton appended nothing, a run of the sender's own last fields naming cp4-mailin-013.plabs.ch
with "X-Pm-Spam-Action: inbox" would otherwise be Proton's. Tied by that name alone, only the
run's adverse verdicts count (an X-Spam saying Yes, an action other than inbox / no action); its
other fields read as unknown. Without a tie, only an X-Spam saying Yes directly before Proton's
X-Pm-Spam is taken as Proton's: a spam flag is nothing a sender gains by planting, while a
planted "No" in the same place cannot be told from Proton's own. The rule applies only when the receiving
organisation is Proton (parsers/provenance checks), so a planted block naming plabs.ch on mail
Proton never received counts for nothing.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from headerlens.model.core import HeaderField
from headerlens.model.provenance import Author, FieldAuthor

__all__ = ["PROTON_SCANNERS", "PROTON_UNTIED", "proton_author", "proton_block"]

# The domain of the hosts Proton's Rspamd runs on (X-Rspamd-Server: cp4-mailin-013.plabs.ch for
# the MX mailin013.protonmail.ch), seen in every Proton-received sample read.
PROTON_SCANNERS = ("plabs.ch",)
_BLOCK_NAME = r"^x-(?:rspamd-|spamd-|pm-)|^x-spam$|^x-attached$"
# Proton lists each attachment's name in an X-Attached field inside its block (before
# X-Pm-Origin): the one name it may repeat.
_REPEATS = frozenset({"x-attached"})


def _tail_run(fields: Sequence[HeaderField]) -> list[HeaderField]:
    """The unbroken run of Proton's block names at the end of the header, each name once."""
    run: list[HeaderField] = []
    seen: set[str] = set()
    for f in reversed(fields):
        if not re.match(_BLOCK_NAME, f.lname) or f.lname in seen:
            break
        seen |= {f.lname} - _REPEATS
        run.append(f)
    return run


def _scanner(value: str) -> bool:
    host = value.strip().lower().rstrip(".")
    return any(host.endswith("." + d) for d in PROTON_SCANNERS)


PROTON_UNTIED = (
    "In a block at the end of the header that only its X-Rspamd-Server name ties to "
    "ProtonMail (text a sender can write), not the queue id of Proton's own Received line: "
    "where Proton appended nothing, the sender's own last fields sit there, so whose it is is "
    "unknown; only its adverse verdicts, which gain a sender nothing, count."
)


# The fields of the run whose value is an adverse verdict, by name: what a sender gains nothing
# by planting.
def _adverse(f: HeaderField) -> bool:
    v = f.value.strip().lower()
    if f.lname == "x-spam":
        return v.startswith("yes")
    if f.lname in ("x-pm-spam-action", "x-rspamd-action"):
        return v not in ("", "inbox", "no action")
    return False


def proton_block(
    fields: Sequence[HeaderField], receiver_ids: Collection[str]
) -> tuple[set[int], set[int]]:
    """(indexes of the fields Proton appended at the end of the header, indexes of its block
    that only the scanner's name ties to it and that are no adverse verdict): see the module
    text."""
    run = _tail_run(fields)
    if any(f.lname == "x-rspamd-queue-id" and f.value.strip().lower() in receiver_ids for f in run):
        return {f.index for f in run}, set()
    if any(f.lname == "x-rspamd-server" and _scanner(f.value) for f in run):
        adverse = {f.index for f in run if _adverse(f)}
        return adverse, {f.index for f in run} - adverse
    pm_spam = [f.index for f in fields if f.lname == "x-pm-spam"]
    if not pm_spam or pm_spam[-1] == 0:
        return set(), set()
    flag = fields[pm_spam[-1] - 1]
    if flag.lname == "x-spam" and flag.value.strip().lower().startswith("yes"):
        return {flag.index}, set()
    return set(), set()


def proton_author(f: HeaderField) -> FieldAuthor:
    """The author record of a field in Proton's appended block."""
    return FieldAuthor(
        f.index,
        f.name,
        Author.FINAL_RECEIVER,
        None,
        "ProtonMail",
        "ProtonMail appends its own block at the end of the header (its Rspamd fields, tied to "
        "it by the queue id its own Received line gave the message or by its scanner host, "
        "X-Spam, the X-Pm-* fields), after the header the message arrived with, so this one is "
        "the receiving organisation's.",
    )
