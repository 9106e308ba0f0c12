"""SpamAssassin's spam report (report_safe): read the attached original beneath SpamAssassin's stamp.

Pure. With ``report_safe 1`` (SpamAssassin's default) or ``2``, a message SpamAssassin rates as
spam is replaced by a new one: its only Received line is SpamAssassin's own
("from localhost by HOST with SpamAssassin (version X)"), its X-Spam-* fields carry the verdict,
and the original message, unchanged, is a MIME part marked ``x-spam-type=original``
(Mail::SpamAssassin::PerMsgStatus::rewrite_report_safe; Mail::SpamAssassin::Conf report_safe).
The delivery path and every receiver's stamp are in that part, so the report reads it, with
SpamAssassin's line and fields on top, where a filter at delivery would have written them.

Only a report with nothing above SpamAssassin's line but lines that name no client (a local
pickup) is unwrapped: a report a sender writes and mails arrives under the receiver's line for
the sender's connection, and stays as it is.
"""

from __future__ import annotations

import re

from headerlens.parsers.headers import SplitMessage
from headerlens.parsers.received import parse_received

__all__ = ["ORIGINAL_MARK", "report_safe_original"]

ORIGINAL_MARK = "x-spam-type=original"
# SpamAssassin 3.x/4.x: "from localhost by HOST"; 2.x: "from localhost [127.0.0.1] by HOST".
_SA_LINE = re.compile(
    r"^from\s+\S+(?:\s+\[[\d.:a-f]*\])?\s+by\s+(?P<host>[\w.-]+)\s+with\s+SpamAssassin\b", re.I
)
_ANY_ADDRESS = re.compile(r"\[(?:IPv6:)?[\da-f.:]+\]|\(\d+\.\d+\.\d+\.\d+\)", re.I)
_BOUNDARY = re.compile(r'boundary\s*=\s*(?:"(?P<q>[^"]+)"|(?P<t>[^\s;]+))', re.I)
_PART_HEAD_END = re.compile(rb"\r?\n\r?\n")
_ENCODING = re.compile(rb"(?im)^content-transfer-encoding:\s*(?P<cte>[\w-]+)")
# The fields SpamAssassin writes on the report; only they are carried above the original.
_SA_FIELD = re.compile(r"^x-spam-", re.I)
_SPAM_YES = re.compile(r"x-spam-(?:flag:\s*yes\b|status:\s*yes\b)", re.I)
_MAX_PARTS = 8  # the report has two parts (three with report_safe 2's text copy)


def report_safe_original(split: SplitMessage) -> tuple[bytes, str] | None:
    """The original message of a SpamAssassin report, with the report's Received line and
    X-Spam-* fields above its header (bytes to analyse instead of the report), and the host
    that wrote the report; None when ``split`` is not such a report. The body (a copy) is
    only taken once the header says it is one: a message at the size cap is not copied."""
    fields = split.fields
    if split.body_start is None:
        return None
    received = [f for f in fields if f.lname == "received"]
    found = next(((i, m) for i, f in enumerate(received) if (m := _SA_LINE.match(f.value))), None)
    if found is None or not all(_on_the_host(f.value) for f in received[: found[0]]):
        return None
    at, m = found
    if not any(_SPAM_YES.match(f"{f.lname}: {f.value}") for f in fields):
        return None  # SpamAssassin writes a report only for a message it rates as spam
    ctype = next((f.value for f in fields if f.lname == "content-type"), "")
    if not ctype.lower().startswith("multipart/") or not (b := _BOUNDARY.search(ctype)):
        return None
    body = split.body
    if not body:
        return None
    original = _original_part(body, (b.group("q") or b.group("t")).encode("utf-8", "replace"))
    if original is None:
        return None
    # the lines of the host down to SpamAssassin's own, then its fields as it wrote them
    kept = {id(f) for f in received[: at + 1]}
    top = b"".join(f.raw for f in fields if id(f) in kept or _SA_FIELD.match(f.name))
    return top + original, m.group("host")


def _on_the_host(value: str) -> bool:
    """A line above SpamAssassin's that only a program on the same host writes: no client at
    all (a local pickup, "by HOST (Postfix, from userid 58)": spamc run as a content filter
    that re-injects the report; Dovecot's LMTP line names no address either). A line with any
    client, a loopback one included (a local proxy in front of the receiver shows every sender
    so), is a receipt a report could have come in by mail through."""
    v = value.strip()
    if not v.lower().startswith("from"):
        return True
    # the Received parser knows every form a receiver writes the address in (qmail's
    # "(::ffff:192.0.2.1)", an IPv6 one, an address with its port); the pattern is kept as well
    return not _ANY_ADDRESS.search(v) and parse_received(v).from_ip is None


def _original_part(body: bytes, boundary: bytes) -> bytes | None:
    """The bytes of the part marked as the original (7bit/8bit only: SpamAssassin writes
    ``Content-Transfer-Encoding: 8bit`` for it), up to the next boundary line."""
    delimiter = b"\n--" + boundary
    parts = body.split(delimiter, _MAX_PARTS + 1)[1 : _MAX_PARTS + 1]
    for part in parts:
        head_end = _PART_HEAD_END.search(part)
        if head_end is None:
            continue
        head = part[: head_end.start()]
        if ORIGINAL_MARK.encode() not in head.lower():
            continue
        cte = _ENCODING.search(head)
        if cte and cte.group("cte").lower() not in (b"7bit", b"8bit", b"binary"):
            return None
        content = part[head_end.end() :]
        content = content[:-1] if content.endswith(b"\r") else content
        return content.rstrip(b"\r\n") + b"\n" if content.strip() else None
    return None
