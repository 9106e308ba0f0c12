"""Fields a receiving MTA's software writes away from its own Received line, tied to its hop (pure).

Two habits are read here. A greylister running inside an MTA (postgrey, milter-greylist) writes
its note directly below that MTA's Received line and names the host, so the note belongs to the
line above it, not to the hop below whose line it happens to precede. A Barracuda appliance
writes X-ASG-Debug-ID above its Received line, a few X-Barracuda-* fields just below it, and
appends the rest (X-Barracuda-Connect, -Start-Time, -URL, spam score and status) at the bottom
of the header; its Connect field names the client of its own hop and its Start-Time the second
its hop's Received stamp was written, which places the whole run at that hop. Exchange Online
writes its X-IncomingTopHeaderMarker directly below its own Received line. Also here: the
milter-block helpers (a repeated stamp came with the message; a milter naming the receiver's
queue id ties the block to the receiver).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from headerlens.model.core import HeaderField
from headerlens.model.provenance import Author, FieldAuthor
from headerlens.model.received import Hop
from headerlens.parsers.authresults import parse_auth_results
from headerlens.parsers.from_mailbox import mailbox_domain
from headerlens.parsers.masked_ip import client_text
from headerlens.parsers.stamp_evidence import is_pass, stamp_identity

__all__ = [
    "MARKER_WHY",
    "MILTER_WHY",
    "barracuda_fields",
    "filter_tie",
    "machine_name",
    "mdaemon_fields",
    "milter_pass_unbacked",
    "names_its_line",
    "receiver_author",
    "repeated_stamps",
    "stamp_results",
]

MARKER_WHY = (
    "Exchange Online writes its X-IncomingTopHeaderMarker on receipt, directly below its own "
    "Received line and above the header it received: the topmost one there is its own"
)
MILTER_WHY = (
    "a milter's field in the unbroken run directly below its own Received line, down to the "
    "milter stamp naming the queue id that line gave the message"
)


_LOOPBACK = frozenset({"localhost", "localhost.localdomain", "127.0.0.1", "::1"})


def machine_name(hop: Hop) -> str | None:
    """The host that wrote ``hop``'s line: its ``by``, or for a hand-off between two programs on
    one machine (amavisd's "from mm01.example.org ([127.0.0.1]) by localhost"), the name the
    loopback client gave, which is that machine's own."""
    r = hop.received
    by = (r.by or "").lower().rstrip(".")
    if by not in _LOOPBACK or r.from_ip not in _LOOPBACK:
        return r.by
    for name in (r.from_rdns, r.from_helo):
        if name and "." in name and name.lower().rstrip(".") not in _LOOPBACK:
            return name
    return r.by


def receiver_author(f: HeaderField, line: Hop, why: str) -> FieldAuthor:
    """A field the receiving organisation's software at ``line`` wrote away from its line."""
    return FieldAuthor(
        f.index,
        f.name,
        Author.FINAL_RECEIVER,
        line.number,
        line.received.by,
        f"Written by the receiving organisation's software at hop {line.number}: {why}.",
    )


# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches these appliance fields should not pay for compiling them before the console's first frame.
# Greylisting notes name the host that held the message: postgrey "delayed 1103 seconds by
# postgrey-1.27 at HOST", milter-greylist "... by milter-greylist-4.6.2 (HOST [IP])".
_GREYLIST_HOST = r"(?i)\bby\s+\S*grey\S*\s+(?:at\s+([\w.-]+)|\(([\w.-]+))"


def names_its_line(f: HeaderField, line: Hop) -> bool:
    """A greylisting note directly below a Received line (no other Received between) that names
    that line's receiving host: the greylister runs inside that MTA."""
    if f.lname != "x-greylist" or not line.received.by:
        return False
    m = re.search(_GREYLIST_HOST, " ".join(f.value.split()))
    host = (m.group(1) or m.group(2)) if m else None
    return host is not None and host.lower().rstrip(".") == line.received.by.lower().rstrip(".")


_BARRACUDA = re.compile(r"^x-(?:barracuda-|asg-)")
_SCANNED_BY_BSMTPD = r"(?i)\bby bsmtpd\b"
# The client as the appliance wrote it; a paste may have masked it as in the Received line
# ("[10.192.xx.xx]"), which then still names the same hop when the text and the second agree.
_CONNECT_IP = r"\[([0-9A-Fa-f:.]+|[0-9A-Fa-fxX*.:]{7,39})\]"
_EPOCH = r"^\s*(\d{9,11})\b"


def _is_barracuda(f: HeaderField) -> bool:
    return bool(_BARRACUDA.match(f.lname)) or (
        f.lname == "x-virus-scanned" and bool(re.search(_SCANNED_BY_BSMTPD, f.value))
    )


def _stamp_epoch(hop: Hop) -> int | None:
    ts = hop.received.timestamp
    if ts is None or ts.tzinfo is None:
        return None
    return int(ts.astimezone(UTC).timestamp())


def barracuda_fields(
    fields: Sequence[HeaderField], hops: Sequence[Hop], trusted: Callable[[Hop], bool]
) -> dict[int, tuple[Hop, str]]:
    """Header index -> (the hop whose Barracuda wrote the field, why) for the Barracuda fields
    below that hop's Received line. The hop is the one whose client X-Barracuda-Connect names and
    whose stamp is the second X-Barracuda-Start-Time gives (both must agree; the last of each
    field is the appliance's, which appends at the bottom). For the receiving organisation's own
    Barracuda (``trusted``) the tie must also be confirmed by its X-ASG-Debug-ID above its own
    Received line started at most two minutes before, and only the last field of each name is placed
    (the appliance appends its own after anything the sender planted)."""
    last = {f.lname: f for f in fields if _is_barracuda(f)}
    start, connect = last.get("x-barracuda-start-time"), last.get("x-barracuda-connect")
    if start is None or connect is None:
        return {}
    m, ip = re.match(_EPOCH, start.value), re.search(_CONNECT_IP, connect.value)
    if m is None or ip is None:
        return {}
    epoch = int(m.group(1))
    hop = next(
        (
            h
            for h in hops
            if client_text(h.received) == ip.group(1)
            and (t := _stamp_epoch(h)) is not None
            and abs(t - epoch) <= 2
        ),
        None,
    )
    if hop is None:
        return {}
    why = (
        f"X-Barracuda-Connect names {ip.group(1)}, the client of hop {hop.number}, and "
        f"X-Barracuda-Start-Time the second of its stamp "
        f"({datetime.fromtimestamp(epoch, UTC):%H:%M:%S} UTC)"
    )
    below = [f for f in fields if f.index > hop.header_index and _is_barracuda(f)]
    if not trusted(hop):
        return {f.index: (hop, why) for f in below}
    debug = [
        f
        for f in fields
        if f.lname == "x-asg-debug-id"
        and f.index < hop.header_index
        and not any(g.lname == "received" for g in fields[f.index + 1 : hop.header_index])
    ]
    seen = re.match(_EPOCH, debug[0].value) if debug else None
    # the debug id counts from the connection, the start time from the message (seconds later)
    if seen is None or not 0 <= epoch - int(seen.group(1)) <= 120:
        return {}
    why += "; its X-ASG-Debug-ID above that line was written the same minute"
    return {f.index: (hop, why) for f in below if last[f.lname] is f}


_AR_METHOD = re.compile(r";\s*([A-Za-z][\w.-]*)\s*=")


def repeated_stamps(block: Sequence[HeaderField]) -> set[int]:
    """Stamps in the block under the receiver's line that repeat a verdict an earlier one with
    the same identity already gave (a second spf= from the same authserv-id, a second
    Received-SPF): the receiver writes each once, so the later one came with the message."""
    seen: set[tuple[str, str, str]] = set()
    out: set[int] = set()
    for g in block:
        if g.lname not in ("authentication-results", "received-spf"):
            continue
        ident = stamp_identity(g) or ""
        if g.lname == "received-spf":
            keys = {(g.lname, ident, "spf")}
        else:
            keys = {(g.lname, ident, m.lower()) for m in _AR_METHOD.findall(g.value)}
        if keys & seen:
            out.add(g.index)
        seen |= keys
    return out


# Milters name the host and the MTA's queue id of the message they checked: OpenDKIM and
# OpenDMARC ("DKIM-Filter: OpenDKIM Filter v2.11.0 mx.example.org 4A1B2C3D4E"), Sendmail's
# dkim-milter and sid-milter ("X-DKIM: Sendmail DKIM Filter v2.8.3 ...", "X-SenderID: Sendmail
# Sender-ID Filter v1.0.0 mx.example.jp oBB3JxRJ022484").
_FILTER_ID = r"(?i)\bFilter\s+v\S+\s+(\S+)\s+(\S+)\s*$"


# The methods each of those milters stamps in the Authentication-Results it writes right after
# its own field (sid-milter: Sender ID and SPF, and the client's SMTP AUTH as "auth=pass
# (CRAM-MD5)" when it logged in: Sendmail Sender-ID Filter v1.0.0 in every sisimai sample that
# has it; OpenDKIM / dkim-milter: DKIM; OpenDMARC: DMARC, and SPF / ARC where it checks them).
_MILTER_METHODS = {
    "x-senderid": frozenset({"sender-id", "spf", "auth"}),
    "dkim-filter": frozenset({"dkim"}),
    "x-dkim": frozenset({"dkim"}),
    "dmarc-filter": frozenset({"dmarc", "spf", "arc"}),
}
# The method the stamps of each milter always name: sid-milter writes sender-id= (with spf= in
# the same field), OpenDMARC a dmarc= field beside any spf= / arc= one. Stamps after the tie
# without it are no stamps of that milter (a sender's "spf=pass" where sid-milter wrote none).
_MILTER_PRIMARY = {
    "x-senderid": "sender-id",
    "dkim-filter": "dkim",
    "x-dkim": "dkim",
    "dmarc-filter": "dmarc",
}
_AR_RESULT = re.compile(r";\s*([A-Za-z][\w.-]*)\s*=\s*([A-Za-z]+)")


def stamp_results(f: HeaderField) -> dict[str, str]:
    """method -> result (lower case) of an Authentication-Results or Received-SPF field."""
    if f.lname == "received-spf":
        return {"spf": (f.value.split() or [""])[0].lower()}
    return {m.lower(): r.lower() for m, r in _AR_RESULT.findall(f.value)}


def _ties(block: Sequence[HeaderField], hop: Hop) -> list[int]:
    """Positions in ``block`` of the milter fields naming the queue id of ``hop``'s line."""
    queue = (hop.received.id or "").lower()
    return [
        i
        for i, g in enumerate(block)
        if queue
        and (m := re.search(_FILTER_ID, " ".join(g.value.split()))) is not None
        and m.group(2).lower() == queue
    ]


def _signers(fields: Sequence[HeaderField]) -> set[str]:
    """The d= domains of the message's DKIM-Signature fields (lower case)."""
    out: set[str] = set()
    for g in fields:
        if g.lname == "dkim-signature" and (
            m := re.search(r"(?:^|;)\s*d\s*=\s*([^;\s]+)", g.value)
        ):
            out.add(m.group(1).lower().rstrip("."))
    return out


def _sid_own_stamp(f: HeaderField, block: Sequence[HeaderField], tie: int) -> bool:
    """True when ``f`` is sid-milter's own stamp: the field directly below its X-SenderID, naming
    the host that X-SenderID names as its authserv-id, with its sender-id= result. sid-milter
    (sid-filter.c 1.156, mlfi_eom) always builds its "HOST; sender-id=..." field, inserts it at
    index 1 (below the MTA's own Received line) and only then, with -h, inserts its X-SenderID
    at the same index, above it; a failed insertion tempfails the message. So an X-SenderID
    always has the milter's own Authentication-Results directly below it, and a stamp the
    sender planted at the top of its header sits after that one (a repeat of its methods)."""
    m = re.search(_FILTER_ID, " ".join(block[tie].value.split()))
    if m is None or tie + 1 >= len(block) or block[tie + 1] is not f:
        return False
    host = m.group(1).lower().rstrip(".")
    return (
        f.lname == "authentication-results"
        and stamp_identity(f) == host
        and "sender-id" in stamp_results(f)
    )


def milter_pass_unbacked(
    f: HeaderField, block: Sequence[HeaderField], hop: Hop, fields: Sequence[HeaderField]
) -> bool:
    """True when a pass in ``f``, a stamp after a milter's tying field, is not shown to be that
    milter's. The field shows only that the milter ran, not that it stamped: OpenDKIM writes its
    DKIM-Filter on every message but an Authentication-Results only for a signed one (unless
    AlwaysAddARHeader is set, opendkim.conf(5)), so on an unsigned spoof the sender's own first
    field "dkim=pass header.d=victim.example" sits where its stamp would be; a dkim=pass after
    OpenDKIM's (or dkim-milter's) field counts only for a domain that signed the message. No
    such check exists for sid-milter (Sender ID and SPF name only what the sender wrote), so
    its passes read as unknown (but an auth=pass where the receiver's own line shows the
    client authenticated), except in the field sid-milter writes with its X-SenderID
    (``_sid_own_stamp``); its failures count (headerlens/stamped.py)."""
    ties = _ties(block, hop)
    if not ties or f.index <= block[ties[-1]].index:
        return False  # above the last tying field: a milter inserted it
    milter = block[ties[-1]].lname
    passes = {m for m, r in stamp_results(f).items() if is_pass(r)}
    if milter == "x-senderid":
        if _sid_own_stamp(f, block, ties[-1]):
            return False
        # its auth=pass names the client's SMTP AUTH, which the receiver's own line shows
        # ("(authenticated bits=0)", "(Authenticated sender: ...)")
        authed = re.search(r"(?i)\bauthenticated\b", hop.received.raw) is not None
        return bool(passes - {"auth"}) or ("auth" in passes and not authed)
    if milter == "dmarc-filter":
        return _opendmarc_pass_unbacked(f, block[ties[-1] + 1 :], fields)
    if milter not in ("dkim-filter", "x-dkim") or "dkim" not in passes:
        return False
    signers = _signers(fields)
    for r in parse_auth_results(f).results:
        if r.method.lower() != "dkim" or r.result.lower() != "pass":
            continue
        d = (r.prop("header.d") or r.prop("header.i") or "").rsplit("@", 1)[-1]
        d = d.lower().rstrip(".")
        if not any(d == s or d.endswith("." + s) for s in signers):
            return True
    return False


def _near(a: str, b: str) -> bool:
    """True when domains ``a`` and ``b`` may share an organisational domain: the same last two
    labels (a superset of RFC 7489 relaxed alignment, which needs the Public Suffix List that a
    pure parser does not load: "one.co.uk" and "two.co.uk" count as near, the safe side)."""
    return a == b or (a.count(".") > 0 and a.split(".")[-2:] == b.split(".")[-2:])


def _opendmarc_pass_unbacked(
    f: HeaderField, after: Sequence[HeaderField], fields: Sequence[HeaderField]
) -> bool:
    """True when a pass other than DMARC's in ``f`` (after OpenDMARC's tying field) is not shown
    to be OpenDMARC's. OpenDMARC always writes its dmarc= stamp but an spf= one only where it
    checks SPF itself (SPFSelfValidate, opendmarc.conf(5)); with that off the sender's own first
    field "spf=pass smtp.mailfrom=victim.example" sits where its stamp would be. OpenDMARC's
    DMARC verdict is computed from its SPF result, so an SPF pass of a domain near the From one
    after a dmarc= that did not pass (fail, or none for a domain with no policy) is no result it
    reached; nor is any other pass there (arc=). An SPF pass of an unrelated domain after a
    failed DMARC agrees with it, and everything agrees with a DMARC pass."""
    dmarc = next((g for g in after if g.index <= f.index and "dmarc" in stamp_results(g)), None)
    if dmarc is None:
        return False  # above OpenDMARC's own dmarc= stamp: inserted with it
    if is_pass(stamp_results(dmarc)["dmarc"]):
        return False
    passes = {m for m, r in stamp_results(f).items() if is_pass(r) and m != "dmarc"}
    if not passes:
        return False
    if passes != {"spf"}:
        return True
    from_domains = {
        (r.prop("header.from") or "").lower().rstrip(".")
        for r in parse_auth_results(dmarc).results
        if r.method.lower() == "dmarc"
    }
    from_domains |= {mailbox_domain(g.value) for g in fields if g.lname == "from"}
    for r in parse_auth_results(f).results:
        if r.method.lower() != "spf" or not is_pass(r.result.lower()):
            continue
        d = (r.prop("smtp.mailfrom") or r.prop("smtp.helo") or "").rsplit("@", 1)[-1]
        d = d.lower().rstrip(".")
        if not d or any(_near(d, fd) for fd in from_domains if fd):
            return True
    return False


def filter_tie(block: Sequence[HeaderField], hop: Hop) -> set[int]:
    """Header indexes of the milter block under the boundary line that the receiver's milters
    wrote: from its top down to the last field naming the queue id the receiver's own Received
    line gave this message (its milters stamped it: the sender cannot know that id in advance,
    as Rspamd's queue id shows for Rspamd), then the stamps right after that field that hold
    only that milter's methods, each method once, one of them its primary method
    (OpenDMARC's dmarc= then spf= fields on mail.kernel.org); empty when no field names the id. Milters insert their fields directly
    below the MTA's own line, so every field down to the last tying one was inserted there;
    below it the sender's header may already begin, so a stamp there with another method, or
    repeating one, proves nothing."""
    ties = _ties(block, hop)
    if not ties:
        return set()
    out = {f.index for f in block[: ties[-1] + 1]}
    methods = _MILTER_METHODS.get(block[ties[-1]].lname, frozenset())
    seen: set[str] = set()
    run: set[int] = set()
    for after in block[ties[-1] + 1 :]:
        found = set(stamp_results(after))
        stamp = after.lname in ("authentication-results", "received-spf")
        if not stamp or not found or not found <= methods or found & seen:
            break
        seen |= found
        run.add(after.index)
    # the milter's stamps name its own method (in either order: OpenDMARC's spf= field may come
    # before its dmarc= one); a run without it is no stamp of that milter
    return out | run if _MILTER_PRIMARY.get(block[ties[-1]].lname) in seen else out


# MDaemon's spam filter stamp: "X-Spam-Processed: voidstudicom.it, Fri, 09 Jun 2017 17:56:17
# +0200 (not processed: spam filter heuristic analysis disabled)": the domain the MDaemon serves
# and the second it took the message in (SpamScope mail-parser's mail_test_7).
_SPAM_PROCESSED = r"^\s*([\w.-]+\.[A-Za-z]{2,})\s*,\s*([^()]+?)\s*(?:\(|$)"


def mdaemon_fields(
    fields: Sequence[HeaderField], hops: Sequence[Hop], trusted: Callable[[Hop], bool]
) -> dict[int, tuple[Hop, str]]:
    """Header index -> (the hop whose MDaemon wrote it, why) for an X-Spam-Processed that names
    the host of a hop before the receiving organisation and that hop's stamp to the second: the
    sending side's MDaemon processed the message there (its filter's note, not the receiver's).
    The receiver's own hops are not placed this way (a sender can write both the name and a
    time close to the receiver's)."""
    out: dict[int, tuple[Hop, str]] = {}
    for f in fields:
        m = (
            re.match(_SPAM_PROCESSED, " ".join(f.value.split()))
            if f.lname == "x-spam-processed"
            else None
        )
        if m is None:
            continue
        try:
            when = parsedate_to_datetime(m.group(2))
        except (TypeError, ValueError, IndexError):
            continue
        host = m.group(1).lower().rstrip(".")
        for hop in hops:
            by, ts = (hop.received.by or "").lower().rstrip("."), hop.received.timestamp
            if trusted(hop) or ts is None or ts.tzinfo is None or when.tzinfo is None:
                continue
            if by == host and abs((ts - when).total_seconds()) <= 2:
                why = f"MDaemon's X-Spam-Processed names {host} and the second of hop {hop.number}'s stamp"
                out[f.index] = (hop, why)
                break
    return out
