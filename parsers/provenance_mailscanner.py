"""A MailScanner run appended below the header: which organisation's filter wrote it (pure).

MailScanner, a content filter run by the MTA of a site, appends its fields after the header
the message arrived with: X-<Org>-MailScanner-Information, -ID, the virus verdict
X-<Org>-MailScanner ("Found to be clean" / "... infected"), -SpamCheck ("spam, ..." / "not
spam"), -SpamScore, -From, and with its usual spam action "X-Spam-Status: Yes" (MailScanner.conf:
``Spam Actions = deliver header "X-Spam-Status: Yes"``). Its ID field carries the queue id the
MTA's Received line gave the message (Postfix "0E2574CE4B12.AF51C", Sendmail
"r85Jajo6016850", Exim "1tPPg3-005FGQ-34"), which a sender cannot know in advance: the run is
the organisation's whose line carries that id. Without the ID nothing in the run is the
receiver's own (the <Org> label and the texts are anyone's to write), and a sending site's
outbound MailScanner writes the same run, so only a spam or virus verdict in the run that
closes the header counts for the receiver by position: a sender gains nothing by planting one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from headerlens.model.core import HeaderField
from headerlens.model.provenance import Author, FieldAuthor
from headerlens.model.received import Hop
from headerlens.parsers.boundary import org_of
from headerlens.parsers.provenance_scanner import DELIVERY_FILTER

__all__ = ["MAILSCANNER_UNTIED", "mailscanner_author", "mailscanner_fields", "mailscanner_tail"]

# Kept as pattern text, compiled on first use through re's own cache.
_MS_NAME = r"^(?:x-(?:[\w.-]+-)?mailscanner(?:-[\w-]+)?|mailscanner-null-check)$"
# The <Org> label of X-<Org>-MailScanner-* (MailScanner's %org-name% setting), lower case.
_LABEL = r"^x-([\w.]+?)-mailscanner(?:-[\w-]+)?$"
_SPAM_FIELDS = frozenset({"x-spam-status", "x-spam-flag", "x-spam-level"})

MAILSCANNER_UNTIED = (
    "In the MailScanner run that closes the header, where a receiving site's MailScanner "
    f"appends its fields ({DELIVERY_FILTER}), beside a spam or virus verdict counted as the "
    "receiver's; but nothing in the run is the receiver's own (no MailScanner-ID naming the "
    "queue id of its Received line) and a sender can write these fields too, so this one is "
    "unknown."
)


def _in_run(f: HeaderField) -> bool:
    return f.lname in _SPAM_FIELDS or re.match(_MS_NAME, f.lname) is not None


def _runs(fields: Sequence[HeaderField]) -> list[list[HeaderField]]:
    """The unbroken runs of MailScanner fields (with its X-Spam-* fields) below every Received
    line that hold at least one field named after MailScanner."""
    last = max((f.index for f in fields if f.lname == "received"), default=len(fields))
    runs: list[list[HeaderField]] = []
    run: list[HeaderField] = []
    for f in [*fields[last + 1 :], None]:
        if f is not None and _in_run(f):
            run.append(f)
            continue
        if any(re.match(_MS_NAME, g.lname) for g in run):
            runs.append(run)
        run = []
    return runs


def _queue_id(run: Sequence[HeaderField]) -> str | None:
    """The MTA queue id the run's (last) ID field carries, lower case."""
    ids = [g for g in run if g.lname.endswith("mailscanner-id")]
    token = (ids[-1].value.split() or [""])[0] if ids else ""
    # Postfix's id is followed by ".XXXXX" (MailScanner's own suffix); others are used as is
    qid = token.split(".", 1)[0].strip().lower()
    return qid or None


def _own_block(run: Sequence[HeaderField]) -> dict[str, int]:
    """Field name -> header index of the last field of each name in the receiver's own
    MailScanner block: from its (last) ID field, with the Information notice written directly
    above it, to the end of the header. MailScanner appends its block after the header the
    message arrived with, so the sender's own last fields run straight into it: an
    "X-Spam-Flag: NO" or "X-<Org>-MailScanner-SpamCheck: not spam" the sender wrote there, of a
    name the receiver's block does not hold (MailScanner writes X-Spam-Status only as its spam
    action), would otherwise be the last of its name in the run and read as the receiver's."""
    start = max(i for i, g in enumerate(run) if g.lname.endswith("mailscanner-id"))
    while start > 0 and run[start - 1].lname.endswith("mailscanner-information"):
        start -= 1
    return {g.lname: g.index for g in run[start:]}


def _named_outside(
    run: Sequence[HeaderField],
    hops: Sequence[Hop],
    trusted: Callable[[Hop], bool],
    domain_of: Callable[[str], str | None],
) -> tuple[Hop, str] | None:
    """The newest hop before the receiving organisation whose organisation the run's
    X-<Org>-MailScanner label names (the first label of its registrable domain: "X-ITU-..."
    for itu.edu.tr), and why: that organisation's MailScanner, not the receiver's."""
    labels = {m.group(1) for g in run if (m := re.match(_LABEL, g.lname))}
    if len(labels) != 1:  # a run mixing two sites' labels (a sender's plant before the
        return None  # receiver's own block) names no single one
    for hop in reversed(hops):
        org = org_of(hop.received.by, domain_of)
        if trusted(hop) or org is None or org.split(".", 1)[0] not in labels:
            continue
        return hop, (
            f"its MailScanner fields are named after {org}, the organisation of hop "
            f"{hop.number} (before the receiving organisation)"
        )
    return None


def mailscanner_fields(
    fields: Sequence[HeaderField],
    hops: Sequence[Hop],
    trusted: Callable[[Hop], bool],
    domain_of: Callable[[str], str | None],
) -> dict[int, tuple[Hop, str]]:
    """Header index -> (the hop whose MTA's MailScanner wrote the field, why), for the runs
    whose MailScanner-ID names the queue id of that hop's Received line. For the receiving
    organisation's own hop only the last field of each name is placed (its MailScanner appends
    after anything the sender wrote). A run with no such ID whose X-<Org>- label names the
    organisation of a hop before the receiver is placed at that hop: never the receiver's (a
    list's or a forwarder's scanner appends its run last too)."""
    out: dict[int, tuple[Hop, str]] = {}
    for run in _runs(fields):
        qid = _queue_id(run)
        hop = next((h for h in hops if qid and (h.received.id or "").lower() == qid), None)
        if hop is None:
            if (named := _named_outside(run, hops, trusted, domain_of)) is not None:
                out.update(dict.fromkeys((g.index for g in run), named))
            continue
        why = (
            f"its MailScanner-ID names {qid}, the queue id hop {hop.number}'s Received line "
            "gave the message"
        )
        placed = set(_own_block(run).values()) if trusted(hop) else {g.index for g in run}
        out.update(dict.fromkeys(placed, (hop, why)))
    return out


def _adverse(f: HeaderField) -> bool:
    """A spam or virus verdict: what a sender gains nothing by planting."""
    v = " ".join(f.value.split()).lower()
    if f.lname in ("x-spam-status", "x-spam-flag"):
        return v.startswith("yes")
    if f.lname.endswith("mailscanner-spamcheck"):
        return v.startswith(("spam", "high scoring spam"))
    if re.match(r"^x-(?:[\w.-]+-)?mailscanner$", f.lname):
        return "infected" in v
    return False


def mailscanner_tail(
    fields: Sequence[HeaderField], placed: dict[int, tuple[Hop, str]]
) -> tuple[set[int], set[int]]:
    """(indexes credited to the receiver by position, indexes of the same run left unknown):
    the spam and virus verdicts (the last of each name) of the MailScanner run that closes the
    header when no MailScanner-ID ties it to a hop; empty when the run holds no such verdict."""
    runs = _runs(fields)
    if not fields or not runs or runs[-1][-1] is not fields[-1]:
        return set(), set()
    run = runs[-1]
    if any(g.index in placed for g in run):
        return set(), set()
    last = {g.lname: g for g in run}
    adverse = {g.index for g in last.values() if _adverse(g)}
    if not adverse:
        return set(), set()
    return adverse, {g.index for g in run} - adverse


def mailscanner_author(f: HeaderField) -> FieldAuthor:
    """The author record of a spam or virus verdict of the MailScanner run closing the header."""
    return FieldAuthor(
        f.index,
        f.name,
        Author.FINAL_RECEIVER,
        None,
        "MailScanner",
        "A spam or virus verdict in the MailScanner run that closes the header, where the "
        "receiving site's MailScanner appends its fields after the header the message arrived "
        "with; nothing ties the run to the receiver's own Received line (no MailScanner-ID), but "
        "an adverse verdict gains a sender nothing, so it counts as the receiver's by position.",
    )
