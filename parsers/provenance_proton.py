"""ProtonMail's appended verdict block: which fields at the end of the header Proton wrote (pure).

Proton stores a message with every Received field first, its Authentication-Results after them,
then the header the message arrived with, and appends its own block at the very end: its Rspamd
fields (X-Rspamd-Queue-Id first, naming the queue id of Proton's own Received line, then
X-Rspamd-Server, X-Spamd-Result, X-Rspamd-Action), X-Spam when it rates the message spam, and
the X-Pm-* fields ending with X-Pm-Spam-Action (phishing_pot samples 1206, 1794 and 2280, and a
Mimecast-to-Proton delivery). A sender's fields all come before what Proton appends, so from the
queue id Proton's own line gave the message down to the end, every field is Proton's. Without
that anchor only an X-Spam saying Yes directly before Proton's X-Pm-Spam is taken as Proton's: a
spam flag is nothing a sender gains by planting, while a planted "No" in the same place cannot
be told from Proton's own.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from headerlens.model.core import HeaderField
from headerlens.model.provenance import Author, FieldAuthor

__all__ = ["proton_author", "proton_block"]


def proton_block(fields: Sequence[HeaderField], receiver_ids: Collection[str]) -> set[int]:
    """Indexes of the fields Proton appended at the end of the header (see the module text)."""
    anchor = next(
        (
            f.index
            for f in fields
            if f.lname == "x-rspamd-queue-id" and f.value.strip().lower() in receiver_ids
        ),
        None,
    )
    if anchor is not None:
        return set(range(anchor, len(fields)))
    pm_spam = [f.index for f in fields if f.lname == "x-pm-spam"]
    if not pm_spam or pm_spam[-1] == 0:
        return set()
    flag = fields[pm_spam[-1] - 1]
    if flag.lname == "x-spam" and flag.value.strip().lower().startswith("yes"):
        return {flag.index}
    return set()


def proton_author(f: HeaderField) -> FieldAuthor:
    """The author record of a field in Proton's appended block."""
    return FieldAuthor(
        f.index,
        f.name,
        Author.FINAL_RECEIVER,
        None,
        "ProtonMail",
        "ProtonMail appends its own block (its Rspamd fields from the queue id its own Received "
        "line gave the message, X-Spam, the X-Pm-* fields) after the header the message arrived "
        "with, so this one is the receiving organisation's.",
    )
