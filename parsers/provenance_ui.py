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
"""

from __future__ import annotations

from collections.abc import Sequence

from headerlens.model.core import HeaderField
from headerlens.model.provenance import Author, FieldAuthor

__all__ = ["UI_ORGS", "ui_author", "ui_block"]

# The registrable domains of United Internet's mail exchangers (GMX, WEB.DE, 1&1 / IONOS, mail.com).
UI_ORGS = frozenset(
    {"gmx.net", "gmx.de", "gmx.com", "web.de", "kundenserver.de", "1and1.com", "ionos.com"}
)
_APPENDED = frozenset({"x-gmx-antispam", "x-gmx-antivirus", "x-ui-filterresults"})


def ui_block(fields: Sequence[HeaderField], receiver_org: str | None) -> set[int]:
    """Indexes of the fields United Internet's inbound appended (see the module text), when the
    receiving organisation is one of its services."""
    if receiver_org not in UI_ORGS:
        return set()
    start = next((f.index for f in reversed(fields) if f.lname == "envelope-to"), None)
    if start is None:
        return set()
    last = {f.lname: f.index for f in fields[start:] if f.lname in _APPENDED}
    return {start, *last.values()}


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
