"""United Internet's appended block (GMX, WEB.DE, 1&1): which bottom fields its inbound wrote (pure).

GMX's and WEB.DE's inbound MTAs ("by mx-ha.gmx.net … (Nemesis)", "by mx-ha.web.de … (Nemesis)")
append their fields after the header the message arrived with: first Envelope-To, then
X-GMX-Antispam / X-GMX-Antivirus when they ran, and X-UI-Filterresults, their filter's verdict
(sisimai set-of-emails/maildir/bsd/email-gmx-02.eml; a WEB.DE mailbox copy of a list message in
mu's test data, with "Envelope-To" and "X-UI-Filterresults" as the last two fields). A sender
can write the same names at the end of its own header, but the receiver's block comes after
whatever the sender wrote: from the last Envelope-To down to the end, the last field of each of
those names is the receiver's. GMX's outbound writes X-UI-Out-Filterresults (and sometimes
X-GMX-Antispam) on what its users send: without the receiver's Envelope-To before it, nothing at
the bottom is credited.

Nothing in that block is unguessable (no queue id of GMX's own line): where GMX appended none,
the sender's own last fields "Envelope-To: <me@gmx.example>" and "X-UI-Filterresults: notjunk:1"
sit in the same place. So position credits only what a sender gains nothing by planting: a junk
verdict (X-UI-Filterresults "junk:", a non-zero X-GMX-Antispam / -Antivirus) and the block's
Envelope-To beside one; a not-junk verdict there reads as unknown (UI_UNTIED).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from headerlens.model.core import HeaderField
from headerlens.model.provenance import Author, FieldAuthor

__all__ = ["UI_ORGS", "UI_UNTIED", "ui_author", "ui_block"]

# The registrable domains of United Internet's mail exchangers (GMX, WEB.DE, 1&1 / IONOS, mail.com).
UI_ORGS = frozenset(
    {"gmx.net", "gmx.de", "gmx.com", "web.de", "kundenserver.de", "1and1.com", "ionos.com"}
)
_APPENDED = frozenset({"x-gmx-antispam", "x-gmx-antivirus", "x-ui-filterresults"})


# What a junk verdict looks like in each field: "junk:10;…" (not "notjunk:1"), a non-zero
# number first in X-GMX-Antispam ("6 (nemesis text pattern profiler)") or -Antivirus.
_JUNK = {
    "x-ui-filterresults": r"(?i)^\s*junk\s*:",
    "x-gmx-antispam": r"^\s*0*[1-9]",
    "x-gmx-antivirus": r"^\s*0*[1-9]",
}
UI_UNTIED = (
    "Where GMX's and WEB.DE's inbound append their block, but a not-junk verdict there cannot be "
    "told from the sender's own last fields (nothing in the block is GMX's own, such as the id "
    "of its Received line, and where GMX appended none the sender's fields are last): whose it "
    "is is unknown; only a junk verdict, which gains a sender nothing, counts by position."
)


def ui_block(fields: Sequence[HeaderField], receiver_org: str | None) -> tuple[set[int], set[int]]:
    """(indexes credited to United Internet's inbound, indexes of its block that position alone
    cannot credit) of the fields it appended (see the module text), when the receiving
    organisation is one of its services."""
    if receiver_org not in UI_ORGS:
        return set(), set()
    start = next((f.index for f in reversed(fields) if f.lname == "envelope-to"), None)
    if start is None:
        return set(), set()
    last = {f.lname: f for f in fields[start:] if f.lname in _APPENDED}
    junk = {f.index for f in last.values() if re.match(_JUNK[f.lname], f.value)}
    credited = {start, *junk} if junk else set()
    return credited, {start, *(f.index for f in last.values())} - credited


def ui_author(f: HeaderField) -> FieldAuthor:
    """The author record of a field in United Internet's appended block."""
    return FieldAuthor(
        f.index,
        f.name,
        Author.FINAL_RECEIVER,
        None,
        "GMX / WEB.DE (United Internet)",
        "GMX's and WEB.DE's inbound append Envelope-To and then their filter fields after the "
        "header the message arrived with; this is the last of its name after the last "
        "Envelope-To, so the receiving organisation's.",
    )
