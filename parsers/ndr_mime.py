"""The MIME parts of a report: its text, its delivery-status fields, the returned message's bytes."""

from __future__ import annotations

import contextlib
import email.message
import quopri
import re
from datetime import datetime

from headerlens.model.ndr import FailedRecipient, OriginalKind
from headerlens.parsers import ndr_text
from headerlens.parsers.dates import parse_date

_QP_INSIDE = re.compile(r"^Content-Transfer-Encoding:\s*quoted-printable", re.I | re.M)


def text_of(msg: email.message.Message) -> str:
    """The decoded text/plain parts of the report, outside the returned message."""
    out: list[str] = []
    stack = [msg]
    while stack:
        part = stack.pop(0)
        ctype = (part.get_content_type().split() or [""])[0]  # "text/plain charset=…" (no ";")
        if ctype.startswith("message/") or ctype == "text/rfc822-headers":
            continue
        if part.is_multipart():
            payload = part.get_payload()
            stack[0:0] = [p for p in payload if isinstance(p, email.message.Message)]
            continue
        lost = part is msg or part.get_param("boundary") is None
        if lost and ctype.startswith("multipart/") and isinstance(part.get_payload(), str):
            # a report whose boundary never occurs (a flattened copy), or a part whose boundary
            # parameter lost its fold onto a line of its own (Apache James): its body is the
            # text, quoted-printable when the parts inside it say so
            body = str(part.get_payload())
            if part is not msg and _QP_INSIDE.search(body):
                body = quopri.decodestring(body.encode("latin-1", "replace")).decode(
                    "utf-8", "replace"
                )
            out.append(body)
            continue
        if ctype != "text/plain":
            continue
        raw = part.get_payload(decode=True)
        if isinstance(raw, bytes):
            charset = part.get_content_charset() or "utf-8"
            try:
                out.append(raw.decode(charset, "replace"))
            except LookupError:
                out.append(raw.decode("utf-8", "replace"))
    return "\n".join(out).replace("\r\n", "\n").replace("\r", "\n")


def _dsn_value(block: email.message.Message, name: str) -> str | None:
    value = block.get(name)
    if value is None:
        return None
    text = ndr_text.unfold(str(value))
    if "\x1b$" in text:  # raw ISO-2022-JP (Japanese Domino and Notes write it unlabelled)
        with contextlib.suppress(UnicodeError, LookupError):
            text = text.encode("ascii").decode("iso-2022-jp")
    return text.split(";", 1)[1].strip() if ";" in text[:12] else text


def _mta_name(value: str | None) -> str | None:
    """An MTA's name without the comment some servers add after it ("mail.example.jp (Sun
    Internet Mail Server sims.4.0…)", RFC 5322 §3.2.2 comments)."""
    if not value:
        return value
    return re.sub(r"\([^()]*\)\s*$", "", value).strip() or value  # no leading \s*: linear


def _dsn_date(block: email.message.Message, name: str) -> datetime | None:
    value = _dsn_value(block, name)
    return parse_date(value)[0] if value else None


_REMOTE = re.compile(r"\s*([^\s\[]*)\s*(?:\[(?:IPv6:)?([0-9A-Fa-f.:]+)\])?")


def _status_parts(msg: email.message.Message) -> list[email.message.Message]:
    """The message/delivery-status parts of the report itself: those inside the fewest enclosed
    messages. A returned original can carry a bounce of its own as an attachment (a user
    forwarding a bounce to a mailbox that refused it): its status is not this report's; a
    report wrapped whole in a message/rfc822 part (a list's digest of bounces) still counts."""
    found: list[tuple[int, email.message.Message]] = []
    stack: list[tuple[int, email.message.Message]] = [(0, msg)]
    while stack:
        depth, part = stack.pop()
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            found.append((depth, part))
            continue
        inner = depth + 1 if ctype == "message/rfc822" else depth
        payload = part.get_payload() if part.is_multipart() else None
        if isinstance(payload, list):
            stack.extend(
                (inner, p) for p in reversed(payload) if isinstance(p, email.message.Message)
            )
    least = min((d for d, _ in found), default=0)
    return [p for d, p in found if d == least]


def dsn_fields(
    msg: email.message.Message,
) -> tuple[str | None, list[FailedRecipient], dict[str, datetime]]:
    """Reporting-MTA, the per-recipient fields of every message/delivery-status part, and its
    Arrival-Date and first Last-Attempt-Date ("arrival", "last-attempt")."""
    reporting: str | None = None
    out: list[FailedRecipient] = []
    dates: dict[str, datetime] = {}
    for part in _status_parts(msg):
        payload = part.get_payload()
        if not isinstance(payload, list):
            continue
        blocks = [b for b in payload if isinstance(b, email.message.Message)]
        if blocks:
            reporting = reporting or _mta_name(_dsn_value(blocks[0], "Reporting-MTA"))
            _read_blocks(blocks, reporting, out, dates)
    return reporting, out, dates


# A delivery-status field as a report writes it (RFC 3464 §2.2, §2.3), at the start of a line.
_DSN_FIELD = re.compile(
    r"^(?:Reporting-MTA|Final-Recipient|Original-Recipient|Action|Status|Diagnostic-Code|"
    r"Remote-MTA|Arrival-Date|Last-Attempt-Date|Received-From-MTA|Will-Retry-Until|"
    r"X-Actual-Recipient|X-Postfix-[\w-]+|X-[\w-]+-Envelope-Id|Original-Envelope-Id|"
    r"DSN-Gateway|X-Queue-ID)[ \t]*:",
    re.I | re.M,
)


def text_dsn(text: str) -> tuple[str | None, list[FailedRecipient], dict[str, datetime]]:
    """The delivery-status fields a notice writes into its TEXT instead of a
    message/delivery-status part (Amazon WorkMail's "Technical report:", a multipart/mixed
    notice): the same RFC 3464 blocks, one paragraph each. Read only when the text holds a
    Final-Recipient with an Action or a Status: a notice that merely quotes one field is not one."""
    first = _DSN_FIELD.search(text)
    if first is None:
        return None, [], {}
    paragraphs: list[str] = []
    for para in re.split(r"\n[ \t]*\n", text[first.start() : first.start() + 16384]):
        lines = [ln for ln in para.split("\n") if ln.strip()]
        if not lines:
            continue
        if not all(_DSN_FIELD.match(ln) or ln[:1] in " \t" for ln in lines):
            break
        paragraphs.append("\n".join(lines))
    blocks = [email.message_from_string(p + "\n") for p in paragraphs]
    if not any(b.get("Final-Recipient") and (b.get("Action") or b.get("Status")) for b in blocks):
        return None, [], {}
    reporting = next((v for b in blocks if (v := _mta_name(_dsn_value(b, "Reporting-MTA")))), None)
    out: list[FailedRecipient] = []
    dates: dict[str, datetime] = {}
    _read_blocks(blocks, reporting, out, dates)
    return reporting, out, dates


def _read_blocks(
    blocks: list[email.message.Message],
    reporting: str | None,
    out: list[FailedRecipient],
    dates: dict[str, datetime],
) -> None:
    """The per-recipient fields and the dates of one report's blocks, appended to out/dates."""
    for key, name, where in (
        ("arrival", "Arrival-Date", blocks[:1]),
        ("last-attempt", "Last-Attempt-Date", blocks[1:]),
    ):
        for block in where:
            when = _dsn_date(block, name)
            if when is not None:
                dates.setdefault(key, when)
    for block in blocks:
        final = _dsn_value(block, "Final-Recipient")
        if final and final.startswith("<") and final.endswith(">") and "@" in final:
            final = final[1:-1].strip()  # "RFC822; <rcpt>": brackets RFC 3464 does not write
        if not final and (block.get("Action") or block.get("Diagnostic-Code")):
            # McAfee Email Gateway writes only "Original-Recipient: <rcpt>" in its blocks
            final = (_dsn_value(block, "Original-Recipient") or "").strip("<> ") or None
        if not final:
            continue
        actual = _dsn_value(block, "X-Actual-Recipient")
        original = (_dsn_value(block, "Original-Recipient") or "").strip("<> ") or None
        address = actual if actual and actual.lower() != final.lower() else final
        if address != final:
            original = final  # Sendmail: the alias that was addressed, then expanded
        elif "@" not in final and original and "@" in original:
            # CommuniGate Pro's "Final-Recipient: system;<>" when it refused the message as a
            # whole (a header rule): the address the sender wrote is the one that failed
            address, original = original, None
        elif final.startswith("@") and original and "@" in original:
            # a source route to the store ("@smtp.example.net:user@server", Sun ONE Messaging
            # Server over LMTP, RFC 5321 §4.1.2): the address the sender wrote is the original
            address, original = original, None
        # "Remote-MTA: dns; mx.example.org [192.0.2.1]" (Courier), "dns; [192.0.2.1]" (SES)
        remote = _REMOTE.match(_dsn_value(block, "Remote-MTA") or "")
        status = (_dsn_value(block, "Status") or "").split()  # "5.0.0 (permanent failure)"
        out.append(
            FailedRecipient(
                address=address,
                original_recipient=original if original and original != address else None,
                action=(_dsn_value(block, "Action") or "failed").lower(),
                status=status[0] if status else None,
                diagnostic=ndr_text.clean_reply(_dsn_value(block, "Diagnostic-Code") or ""),
                reporting_mta=reporting,
                remote_mta=(remote.group(1) or "").rstrip(".") or None if remote else None,
                remote_ip=remote.group(2) if remote else None,
            )
        )


def raw_original(data: bytes, msg: email.message.Message) -> tuple[bytes | None, OriginalKind]:
    """The returned message's exact bytes (message/rfc822) or header block (text/rfc822-headers).

    The email package re-serialises what it parses; DKIM needs the bytes as sent, so the
    report parts are cut out of the input at their boundaries: the top level's, or one level
    down when a list re-sent the bounce wrapped in its own multipart/mixed (Mailman's footer).
    """
    boundary = msg.get_boundary()
    if not boundary:
        return None, OriginalKind.NONE
    return _cut(data, boundary, 1)


_INNER_BOUNDARY = re.compile(r"multipart/report\b.*?\bboundary=\"?([^\";\r\n]+)", re.I | re.S)


def _cut(data: bytes, boundary: str, depth: int) -> tuple[bytes | None, OriginalKind]:
    delim = re.compile(rb"(?:\r\n|\r|\n)--" + re.escape(boundary.encode("latin-1", "replace")))
    for chunk in delim.split(data)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = re.sub(
            rb"^[^\r\n]*(?:\r\n|\r|\n)", b"", chunk, count=1
        )  # rest of the delimiter line
        head_end = re.search(rb"(?:\r?\n){2}|\r\r", b"\n" + chunk)
        if head_end is None:
            continue
        raw_head = chunk[: max(head_end.start() - 1, 0)].decode("latin-1")
        head = raw_head.lower()
        body = chunk[head_end.end() - 1 :]
        inner = _INNER_BOUNDARY.search(raw_head) if depth > 0 else None
        if inner is not None:
            found = _cut(b"\n" + body, inner.group(1).strip(), depth - 1)
            if found[0] is not None:
                return found
            continue
        kind = (
            OriginalKind.MESSAGE
            if "message/rfc822" in head
            else OriginalKind.HEADERS
            if "text/rfc822-headers" in head
            else None
        )
        if kind is None:
            continue
        if "quoted-printable" in head:
            body = quopri.decodestring(body)
        return body.lstrip(b"\r\n"), kind
    return None, OriginalKind.NONE
