"""Why a queue gap happened, where the message says so: a list's hold, or greylisting."""

from __future__ import annotations

import re

from headerlens.diagnosis.inputs import fields, same_org
from headerlens.model import Analysis, Hop

__all__ = [
    "GREY",
    "HOLD",
    "SENDER",
    "cause",
    "greylisted",
    "list_addresses",
    "list_hold",
    "list_resend",
    "list_server",
    "short",
]

HOLD = "the list's own hold"
GREY = "greylisted"
# a gap that starts at a line below the trust boundary: the sending side wrote its start time
SENDER = "by the sending side's own stamps"
SENDER_NOTE = (
    f"{SENDER}: the earlier line is below the trust boundary, text that came with the message, "
    "so no receiver measured this time"
)

# milter-greylist: "X-Greylist: Delayed for 00:15:01 by milter-greylist-4.6.4 (host [ip]); date";
# Postgrey: "X-Greylist: delayed 316 seconds by postgrey-1.27 at host; date"
_X_GREYLIST = re.compile(
    r"\bdelayed\s+(?:for\s+(?P<hms>\d+:\d{2}:\d{2})|(?P<secs>\d+)\s+seconds?)\s+by\s+"
    r"(?P<tool>[\w.-]+)(?:[^;]*?(?:\bat\s+|\()(?P<host>[\w.-]+))?",
    re.IGNORECASE,
)
# Rspamd's greylisting module: the symbol GREYLIST with option "pass" on the retry it accepted
# (or "greylisted" on the try it deferred) in X-Spamd-Result / X-Rspamd-Report
_RSPAMD_GREYLIST = re.compile(r"\bGREYLIST\s*\([^)]*\)\s*\[\s*pass\b", re.IGNORECASE)


def cause(note: str) -> str | None:
    """The kind of a gap note these rules wrote ("list" or "greylist"), else None."""
    if note.startswith(HOLD):
        return "list"
    if note.startswith(SENDER):
        return "sender"
    return "greylist" if f" {GREY} it: " in note else None


def short(note: str) -> str:
    """The few words of a gap note these rules wrote, for a headline."""
    if cause(note) == "greylist":
        return f"{GREY} by {note.split(' ', 1)[0]}"
    if cause(note) == "sender":
        return SENDER
    return HOLD if cause(note) == "list" else note


def list_addresses(analysis: Analysis) -> set[str]:
    """The posting addresses of a list the message went through (X-BeenThere, X-Mailing-List,
    List-Post)."""
    out: set[str] = set()
    # the look-behind: a long run of address characters without an @ is tried once (linear)
    for f in fields(analysis, "x-beenthere", "x-mailing-list", "list-post"):
        out.update(a.lower() for a in re.findall(r"(?<![\w.+=-])[\w.+=-]+@[\w.-]+\w", f.value))
    return out


def _hop(analysis: Analysis, number: int) -> Hop | None:
    return next((h for h in analysis.chain.hops if h.number == number), None)


def list_hold(analysis: Analysis, earlier: int, later: int) -> str | None:
    """The gap from stamp ``earlier`` to ``later`` is a list's own time: its host received the
    post for the list's posting address (the ``for`` of its own line) and a host of the same
    organisation stamped the list's re-send. List managers hold posts for moderation, digest
    or batch runs; this is the list's queue, not the author's nor the final receiver's."""
    a, b = _hop(analysis, earlier), _hop(analysis, later)
    if a is None or b is None or not a.received.by:
        return None
    rcpt = (a.received.for_addr or "").strip("<> ").lower()
    if rcpt not in list_addresses(analysis):
        return None
    if not same_org(b.received.by, a.received.by):
        return None
    # the list's re-send: a re-injection on its host (no client, or a loopback one) or a copy for
    # a subscriber; another stamp of the same organisation for the list's address is a relay
    # of the author's side on its way to the list (its outbound gateway), not the list
    later_rcpt = (b.received.for_addr or "").strip("<> ").lower()
    client = b.received.from_ip
    if later_rcpt in list_addresses(analysis) or (client and not _loopback(client)):
        return None
    return (
        f"{HOLD}: {a.received.by} took the post for {rcpt} and the list re-sent it only then, "
        "after its queue, a batch run or a moderator's approval"
    )


# a program on the host handed the message in: qmail-inject ("invoked by uid N"), Postfix's
# sendmail ("from userid N"), Exim ("with local"); how a list manager (ezmlm, Mailman, Sympa)
# re-sends a post
_LOCAL = re.compile(r"invoked by uid \d+|from userid \d+|\bwith local\b", re.IGNORECASE)


def list_server(analysis: Analysis) -> str | None:
    """The list's own domain (of its posting address), to name a list server whose stamps name
    no host (qmail's)."""
    where = sorted(list_addresses(analysis))
    return f"the list's server {where[0].rsplit('@', 1)[-1]}" if where else None


def list_resend(analysis: Analysis, earlier: int, later: int) -> str | None:
    """The gap ends at the list's own re-send: stamp ``later`` is a local injection with no
    client (ezmlm's qmail-inject "invoked by uid N"), and the list's fields (Mailing-List,
    List-Id, List-Post) sit between its line and the line of stamp ``earlier``: the list
    manager wrote them on the post it took in at ``earlier`` and re-sent it then. qmail's
    stamps name no host, so the list's hold is found by this shape, not by its name."""
    a, b = _hop(analysis, earlier), _hop(analysis, later)
    if a is None or b is None or b.received.from_ip or not _LOCAL.search(b.received.raw):
        return None
    between = [
        f
        for f in fields(analysis, "mailing-list", "list-id", "list-post")
        if b.header_index < f.index < a.header_index
    ]
    if not between:
        return None
    where = sorted(list_addresses(analysis))
    name = f" for {where[0]}" if where else ""
    return (
        f"{HOLD}: the list's server took the post{name} and its list manager re-sent it only "
        f"then (stamp {later}, a local injection under the list's own fields), after its "
        "queue, a batch run or a moderator's approval"
    )


def _loopback(ip: str) -> bool:
    return ip.startswith("127.") or ip in ("::1", "0:0:0:0:0:0:0:1")


def greylisted(analysis: Analysis, later: int) -> str | None:
    """The host that wrote stamp ``later`` says it greylisted the message (X-Greylist naming
    that host, or its Rspamd's GREYLIST pass, tied by the queue id of that host's own line):
    it had refused the first try with a temporary error (RFC 6647), so the gap before is the
    sending server's retry wait. The fields are that host's words, not the final receiver's."""
    b = _hop(analysis, later)
    if b is None or not b.received.by:
        return None
    host = b.received.by
    for f in fields(analysis, "x-greylist"):
        m = _X_GREYLIST.search(f.value)
        if m and m.group("host") and same_org(m.group("host"), host):
            took = m.group("hms") or f"{m.group('secs')} s"
            return f"{host} {GREY} it: X-Greylist says delayed {took} by {m.group('tool')}"
    queue = (b.received.id or "").lower()
    tied = queue and any(
        f.value.strip().lower() == queue for f in fields(analysis, "x-rspamd-queue-id")
    )
    if tied and any(
        _RSPAMD_GREYLIST.search(f.value)
        for f in fields(analysis, "x-spamd-result", "x-rspamd-report")
    ):
        return (
            f"{host} {GREY} it: its Rspamd, tied by queue id {b.received.id}, shows GREYLIST "
            "pass on the retry it accepted, so the sending server had to try again later"
        )
    return None
