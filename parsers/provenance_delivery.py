"""Spam verdicts a filter at the final mailbox appends below the header (pure).

SpamAssassin run at delivery (procmail, maildrop, a fetchmail set-up handing mail to a local
MDA) and cPanel's Exim ACLs (``add_header`` puts a field at the end of the header section unless
told otherwise: Exim's specification, "Adding header lines in ACLs") append their fields after the
header the message arrived with: X-Spam-Status, X-Spam-Flag, X-Spam-Level, X-Spam-Checker-Version,
X-Spam-Score, X-Spam-Bar, X-Ham-Report; DSPAM (run at delivery, or by Maia Mailguard's
amavisd-maia beside its X-Virus-Scanned) appends X-DSPAM-Result, -Processed, -Confidence,
-Probability and -Signature the same way ("Spam" its spam verdict). No Received line is written with them, so nothing ties
them to the receiver, and the sender's own last fields sit in the same place. Only what a sender
gains nothing by planting counts there: a spam verdict (``X-Spam-Status: Yes``, ``X-Spam-Flag:
YES``), the last of its name, in the run that closes the header, or anywhere below every Received
line when the message was fetched into a local mailbox (a retrieval line, fetchmail's
``by localhost with POP3/IMAP``), where the filter runs after the pickup and some archives
regroup the fields. A "No" there stays unknown: planting one would move a junk verdict to the
Inbox.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Sequence

from headerlens.model.core import HeaderField
from headerlens.model.provenance import Author, FieldAuthor
from headerlens.model.received import Hop
from headerlens.parsers.boundary_client import is_retrieval
from headerlens.parsers.provenance_scanner import DELIVERY_FILTER, named_host

__all__ = [
    "DELIVERY_SPAM_UNTIED",
    "DELIVERY_SPAM_WHY",
    "DELIVERY_WRITER",
    "delivery_spam_author",
    "delivery_spam_verdicts",
]

# The fields such a filter appends as one run (kept as pattern text: compiled on first use);
# Rspamd's X-Rspamd-* too (Haraka's and other MTAs' Rspamd plugins add them last): only
# X-Spam / X-Spam-Status / X-Spam-Flag / X-DSPAM-Result say spam; the rest stay unknown.
_RUN = r"^x-(?:spam(?:-[\w-]+)?|ham-report|dspam-[\w-]+|virus-scanned|rspamd-[\w-]+)$"
_VERDICTS = frozenset({"x-spam-status", "x-spam-flag", "x-spam", "x-dspam-result"})

# Who wrote such a verdict, as the reports name it (the outcome and the verdict bar).
DELIVERY_WRITER = "the recipient's own spam filter at delivery"
DELIVERY_SPAM_WHY = (
    "A spam verdict below every Received line, where a filter at the final mailbox "
    "(SpamAssassin run at delivery by procmail or maildrop, or the receiving MTA's ACL) appends "
    "its fields after the header the message arrived with; nothing ties it to the receiver's "
    "own Received line, but a spam verdict gains a sender nothing, so it counts as the final "
    'mailbox\'s by position (a "No" there would not).'
)

DELIVERY_SPAM_UNTIED = (
    f"In the run of spam-filter fields below every Received line where {DELIVERY_FILTER} "
    "appends them (only a spam verdict there counts as the final mailbox's); nothing ties the "
    "run to the receiver and a sender can write this field too, so it is unknown."
)


def _spam(f: HeaderField) -> bool:
    if f.lname == "x-dspam-result":  # Innocent, Spam, Whitelisted, Blacklisted, Virus
        return f.value.strip().lower() == "spam"
    return " ".join(f.value.split()).lower().startswith("yes")


def _runs(fields: Sequence[HeaderField], start: int) -> list[list[HeaderField]]:
    """The unbroken runs of spam-filter fields from header index ``start`` on."""
    runs: list[list[HeaderField]] = []
    run: list[HeaderField] = []
    for f in [*fields[start:], None]:
        if f is not None and re.match(_RUN, f.lname):
            run.append(f)
            continue
        if run:
            runs.append(run)
        run = []
    return runs


def _elsewhere(
    run: Sequence[HeaderField], trusted: Sequence[Hop], domain_of: Callable[[str], str | None]
) -> bool:
    """The run names the host its filter ran on (``SpamAssassin … on HOST``), and that host is
    in none of the organisations whose hosts wrote the receiving side's own Received lines (the
    MX, the local delivery after a pickup): another site's filter, not the final mailbox's."""
    own = {domain_of(h.received.by) for h in trusted if h.received.by} - {None}
    for g in run:
        host = named_host(g)
        if host is not None and "." in host and domain_of(host) not in own:
            return True
    return False


def delivery_spam_verdicts(
    fields: Sequence[HeaderField],
    hops: Sequence[Hop],
    placed: Container[int],
    trusted: Sequence[Hop],
    domain_of: Callable[[str], str | None],
) -> tuple[set[int], set[int]]:
    """(header indexes of the spam verdicts credited to the final mailbox by position, the
    other fields of their runs, left unknown but not the sender's either): the last X-Spam-Status / X-Spam-Flag / X-Spam
    below every Received line, when it says spam, sits in the run that closes the header (or
    anywhere there after a mailbox retrieval), no other tie (a relay's scanner, a MailScanner
    ID, an appliance) placed its run already, and the run names no filter host of another site
    than the receiving side's (``trusted``: the hops from the boundary on)."""
    if not fields or not hops:
        return set(), set()
    last_received = max((f.index for f in fields if f.lname == "received"), default=-1)
    runs = _runs(fields, last_received + 1)
    if not runs:
        return set(), set()
    fetched = any(is_retrieval(h.received) for h in hops)
    candidates = runs if fetched else [runs[-1]] if runs[-1][-1] is fields[-1] else []
    candidates = [
        run
        for run in candidates
        if not any(g.index in placed for g in run) and not _elsewhere(run, trusted, domain_of)
    ]
    last: dict[str, HeaderField] = {}
    for g in (g for run in candidates for g in run):
        if g.lname in _VERDICTS:
            last[g.lname] = g
    credited = {g.index for g in last.values() if _spam(g)}
    return credited, {g.index for run in candidates for g in run} - credited


def delivery_spam_author(f: HeaderField) -> FieldAuthor:
    """The author record of a spam verdict placed by delivery_spam_verdicts."""
    return FieldAuthor(
        f.index, f.name, Author.FINAL_RECEIVER, None, DELIVERY_WRITER, DELIVERY_SPAM_WHY
    )
