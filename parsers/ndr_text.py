"""Readers for the human-readable text of bounces: Postfix, Exim, Sendmail, qmail, Exchange, Gmail…

Each reader returns one ``TextHit`` per failed recipient it finds in the notification text; the
RFC 3464 fields (when present) are read elsewhere and completed from these hits, because MTAs
cut the Diagnostic-Code short (Sendmail) or leave the remote reply only in the text (Exchange).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from headerlens.parsers.ndr_text_reply import bare_reply
from headerlens.parsers.ndr_text_reply import microsoft_stamp as microsoft_stamp
from headerlens.parsers.ndr_text_reply import reply_parts as reply_parts
from headerlens.parsers.ndr_text_reply import sending_ip as sending_ip

_WS = re.compile(r"\s+")
_ADDR = r"[^\s<>()'\"@]+@[^\s<>()'\"@]+"  # one @: a run of them must not backtrack


@dataclass(frozen=True, slots=True)
class TextHit:
    """What the notification text says about one recipient."""

    address: str
    diagnostic: str = ""
    remote_mta: str | None = None
    remote_ip: str | None = None
    stage: str | None = None
    original_recipient: str | None = None
    remote_domain: str | None = None  # the refusing organisation, when only its domain is named
    action: str | None = None  # "delayed" when the text says it is only a warning


def unfold(text: str) -> str:
    """Collapse line breaks and runs of blanks into single spaces."""
    return _WS.sub(" ", text).strip()


# A multi-line SMTP reply keeps "550-5.7.26 " at the start of every line (RFC 5321 §4.2.1);
# the first is kept, the repeats are noise in a one-line diagnostic.
_REPEAT_PREFIX = re.compile(r"(?:\s+(?:<<<\s*)?[245]\d\d[- ](?:[245]\.\d{1,3}\.\d{1,3})?(?=\s|$))+")


def clean_reply(text: str) -> str:
    """One line of reply text: unfolded, repeated reply-code prefixes removed.

    Only the repeats of the leading reply code go: another server's reply quoted inside
    (Exchange Online's "Remote server returned … -> 554 5.7.1 …") keeps its own code.
    """
    flat = unfold(text)
    head, rest = flat[:12], flat[12:]
    if not rest:
        return flat
    lead = re.match(r"\s*([245]\d\d)", head)

    def drop(m: re.Match[str]) -> str:
        quoted = rest[: m.start()].rstrip().endswith("->")
        other = lead is not None and any(c != lead.group(1) for c in _CODE.findall(m.group(0)))
        return m.group(0) if quoted or other else " "

    return unfold(head + _REPEAT_PREFIX.sub(drop, rest))


_CODE = re.compile(r"(?<![\d.])[245]\d\d(?=[- ]|$)")


def _stage(text: str) -> str | None:
    m = re.search(
        r"(RCPT TO|MAIL FROM|end of (?:data|DATA)|DATA|initial connection|HELO|EHLO)", text, re.I
    )
    if m is None:
        return None
    word = m.group(1)
    return "end of DATA" if word.lower() == "end of data" else word.upper()


_PEER = re.compile(r"(?:connect to|lost connection with|conversation with)\s+([\w.-]+)\[([^\]]+)\]")


def postfix(text: str) -> list[TextHit]:
    """``<rcpt> (expanded from <alias>): host H[IP] said: REPLY (in reply to X command)``."""
    hits: list[TextHit] = []
    rx = re.compile(
        r"^<(?P<addr>" + _ADDR + r")>(?:\s*\(expanded from\s*<(?P<orig>[^>]*)>\))?:"
        r"(?P<rest>.{0,4000}?)(?=\n[ \t]*\n|\Z)",
        re.M | re.S,
    )
    for m in rx.finditer(text):
        rest = m.group("rest")
        said = re.search(
            # "host H[IP] said:" ("refused to talk to me:" at its greeting); a sanitised copy
            # may drop the "[IP]"
            r"host\s+(\S+?)(?:\[([^\]]+)\])?\s+(?:said|refused to talk to me):\s*(.*?)"
            r"(?:\(in\s+reply\s+to\s+(.+?)\s+command\)|$)",
            rest,
            re.S,
        )
        if said:
            hits.append(
                TextHit(
                    m.group("addr"),
                    clean_reply(said.group(3)),
                    said.group(1),
                    said.group(2),
                    _stage(said.group(4) or ""),
                    m.group("orig"),
                )
            )
        else:
            # no reply: "connect to H[IP]:25: Connection timed out", "lost connection with H[IP]
            # while …", "conversation with H[IP] timed out while …" (Postfix's own words)
            peer = _PEER.search(rest)
            hits.append(
                TextHit(
                    m.group("addr"),
                    clean_reply(rest),
                    peer.group(1) if peer else None,
                    peer.group(2) if peer else None,
                    original_recipient=m.group("orig"),
                )
            )
    return hits


def sendmail(text: str) -> list[TextHit]:
    """ "The following addresses had permanent fatal errors" and the session transcript."""
    sec = re.search(
        r"-+ The following addresses had (?:permanent fatal|transient non-fatal) "
        r"errors -+\s*\n(.*?)(?=\n\s*-{3,}|\Z)",
        text,
        re.S,
    )
    if sec is None:
        return []
    remote = None
    reply = ""
    stage = None
    # one "... while talking to HOST:" block per attempt: the last one with a permanent reply
    # decided (an earlier MX may only have said "450 busy")
    talks = list(
        re.finditer(
            r"\.\.\. while talking to ([^\s:]+?)\.?:\s*\n(.*?)(?=\n\s*\n|\n\.\.\. while|\Z)",
            text,
            re.S,
        )
    )
    final = [t for t in talks if re.search(r"^<<<\s*5\d\d", t.group(2), re.M)]
    chosen = final or talks
    talk = chosen[-1] if chosen else None
    if talk:
        remote = talk.group(1)
        block: list[str] = []
        last_cmd = None
        for line in talk.group(2).splitlines():
            line = line.strip()
            if line.startswith(">>>"):
                if block:
                    break
                last_cmd = line[3:].strip()
            elif line.startswith("<<<") and re.match(r"<<<\s*[45]\d\d", line):
                block.append(line[3:].strip())
                if re.match(r"[45]\d\d ", line[3:].strip()):
                    break
        reply = clean_reply(" ".join(block))
        stage = _stage(last_cmd or "")
    hits: list[TextHit] = []
    # Active!Hunter writes Sendmail's layout with ">>> rcpt <rcpt>" lines and a transcript of
    # bare replies ("550 <rcpt>: Recipient address rejected: …") without "while talking to"
    for m in re.finditer(
        r"^(?:>>>[ \t]*)?<?("
        + _ADDR
        + r")>?(?:[ \t]+<[^<>\s]+>)?[ \t]*(?:\n|\Z)((?:[ \t]+\(.*\)\s*\n?)*)",
        sec.group(1),
        re.M,
    ):
        detail = m.group(2)
        reason = re.search(r"\(reason:\s*(.*)\)", detail)
        expanded = re.search(r"\(expanded from:\s*(.*)\)", detail)
        diag = (
            reply
            or (reason.group(1) if reason else "")
            or clean_reply(bare_reply(text, m.group(1)))
        )
        hits.append(
            TextHit(
                m.group(1),
                diag,
                remote,
                None,
                stage,
                expanded.group(1).strip("<>") if expanded else None,
            )
        )
    return hits


def qmail(text: str) -> list[TextHit]:
    """``<rcpt>:`` paragraphs of qmail-send (and Yahoo's failure notice, which copies it)."""
    end = re.search(r"^-+ ?Below this line is a copy of the message", text, re.M)
    body = text[: end.start()] if end else text
    hits: list[TextHit] = []
    for m in re.finditer(
        r"^<(" + _ADDR + r")>:\s*\n(.{0,4000}?)(?=\n[ \t]*\n|\Z)", body, re.M | re.S
    ):
        para = m.group(2)
        ip = re.match(r"\s*(\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]*:[0-9a-f]*:[0-9a-f:]+)\s", para, re.I)
        # "… most progress was RCPT TO response; remote host 192.0.2.1 said: 550 …" (qmail's
        # own words when every MX refused), else "Remote host said: …"
        ip = re.search(r"remote host (\S+?) said:", para) or ip
        said = re.search(
            r"Remote host (?:\S+ )?said:\s*(.*?)(?:\n\(Other MXes tried:.*)?$", para, re.S | re.I
        )
        stage = None
        if "after I sent the message" in para:
            stage = "end of DATA"
        elif "does not like recipient" in para or "most progress was RCPT TO" in para:
            stage = "RCPT TO"
        hits.append(
            TextHit(
                m.group(1),
                clean_reply(said.group(1) if said else para),
                None,
                ip.group(1) if ip else None,
                stage,
            )
        )
    return hits


_EXCH_DIAG = re.compile(
    r"(?:Diagnostic information for administrators|Informations de diagnostic pour les "
    r"administrateurs|Diagnoseinformationen f\w+r Administratoren)\s*:?",
    re.I,
)


# Exchange Online's current layout: "Your message to X couldn't be delivered." ... "Error
# Details / Reported error: 550 5.7.350 ..." ... "DSN generated by: HOST" [... "Remote server: HOST"].
_EXO_TO = re.compile(
    r"Your message to (" + _ADDR + r") couldn.t be delivered|"
    r"Couldn.t deliver the message to the following recipients?:\s*\n\s*(" + _ADDR + r")",
    re.I,
)
_EXO_ERROR = re.compile(r"^Reported error\s*:\s*(.{1,4000}?)\s*$", re.M)
_EXO_DSN_BY = re.compile(r"^DSN generated by\s*:\s*(\S+)", re.M)
_EXO_REMOTE = re.compile(r"^Remote server\s*:\s*([\w.-]+\.[a-z]{2,})\s*$", re.M | re.I)
# The human part names the organisation that refused: "contoso.com suspects your message is spam
# and rejected it.", "contoso.com rejected your message", "The following organization rejected
# your message: mx.contoso.com." (Exchange Online and Exchange 2013/2016 notices).
_REJECTED_BY = re.compile(
    r"^[ \t]*(?:The following organization rejected your message:\s*([\w.-]+\.[a-z]{2,})|"
    r"([\w.-]+\.[a-z]{2,}) (?:suspects your message is spam and rejected it|"
    r"rejected your message))",
    re.M | re.I,
)


def rejected_by(text: str) -> str | None:
    """The organisation (domain or host) the notice's human part says refused the message."""
    m = _REJECTED_BY.search(text)
    return (m.group(1) or m.group(2)).rstrip(".").lower() if m else None


def _exchange_online(text: str) -> tuple[list[TextHit], str | None]:
    """Hits from Exchange Online's "couldn't be delivered ... Reported error:" layout."""
    to, error = _EXO_TO.search(text), _EXO_ERROR.search(text)
    if to is None or error is None:
        return [], None
    gen = _EXO_DSN_BY.search(text)
    remote = _EXO_REMOTE.search(text)
    hit = TextHit(
        (to.group(1) or to.group(2)).rstrip(".,"),
        clean_reply(error.group(1)),
        remote.group(1) if remote else None,
        remote_domain=rejected_by(text),
    )
    return [hit], gen.group(1) if gen else None


# Exchange 2013/2016 on-premises: "Remote Server at mx.contoso.com (192.0.2.1) returned '550 …'".
_REMOTE_AT = r"Remote Server (?:at ([\w.-]+)(?: \(([0-9a-fA-F.:]+)\))? )?returned '(.{0,4000}?)'"


# Exchange 5.5/2000/2003: "The following recipient(s) could not be reached:" then per recipient
# "  addr on DATE" and indented lines: a reason, and "<mx.host #5.1.1 smtp;550 reply>" when a
# remote server answered (or "MSEXCH:IMC:…" when Exchange itself gave up).
_LEGACY_START = re.compile(
    r"(?:following recipient\(s\) (?:could not|cannot) be reached|"
    r"did not reach the following recipient\(s\)):\s*\n",  # Exchange 5.5 IMS
    re.I,
)
_LEGACY_REMOTE = re.compile(
    r"<([\w.-]+)\s+#(\d\.\d{1,3}\.\d{1,3})(?:\s+(?:smtp|X-\w+);(.*?))?>", re.S
)


def _exchange_legacy(text: str) -> list[TextHit]:
    start = _LEGACY_START.search(text)
    if start is None:
        return []
    hits = []
    for m in re.finditer(
        r"^[ \t]*(" + _ADDR + r")(?: on [^\n]*)?\n((?:[ \t]{4,}\S[^\n]*\n?)*)",
        text[start.end() : start.end() + 16384],
        re.M,
    ):
        detail = m.group(2)
        remote = _LEGACY_REMOTE.search(detail)
        reason = re.sub(r"^\s*(?:<.*?>|MSEXCH:\S+)\s*$", "", detail, flags=re.M | re.S)
        if remote is not None:
            reply = remote.group(3) or remote.group(2)
            hits.append(TextHit(m.group(1), clean_reply(reply), remote.group(1)))
        else:
            hits.append(TextHit(m.group(1), clean_reply(reason)))
    return hits


def exchange(text: str) -> tuple[list[TextHit], str | None]:
    """The "Diagnostic information for administrators" block (or Exchange Online's "Reported
    error" layout, or Exchange 2003's "could not be reached"): hits and the generating server."""
    m = _EXCH_DIAG.search(text)
    if m is None:
        hits, generating = _exchange_online(text)
        return (hits, generating) if hits else (_exchange_legacy(text), None)
    block = text[m.end() :]
    stop = _EXCHANGE_ORIGINAL.search(block)
    block = block[: stop.start()] if stop else block
    gen = re.search(
        r"(?:Generating server|Serveur de g\S+ration|Generierender Server)\s*:\s*"
        r"(\S+)",
        block,
    )
    domain = rejected_by(text[: m.start()])
    hits = []
    for h in re.finditer(
        r"^(" + _ADDR + r")\s*\n(?:([^\s@']+)\s*\n)?\s*" + _REMOTE_AT + r"\s*$",
        block,
        re.M | re.S,
    ):
        hits.append(
            TextHit(
                h.group(1),
                clean_reply(h.group(5)),
                h.group(3) or h.group(2) or None,
                h.group(4),
                remote_domain=domain,
            )
        )
    if not hits:  # Exchange 2007/2010: "addr\nremote.host #550 5.1.1 text ##"
        for h in re.finditer(
            r"^(" + _ADDR + r")\s*\n(?:([^\s@'#]+)\s+)?#(\d{3}[ -].{0,4000}?)\s*##",
            block,
            re.M | re.S,
        ):
            hits.append(
                TextHit(
                    h.group(1), clean_reply(h.group(3)), h.group(2) or None, remote_domain=domain
                )
            )
    return hits, gen.group(1) if gen else None


# Exchange Online wraps a remote server's reply: "550 5.7.350 Remote server returned message
# detected as spam -> 554 5.7.1 <the remote's own text>".
_RELAYED = re.compile(r"Remote server (?:at \S+ )?returned [^'>]{0,200}?->\s*(.+)$", re.I | re.S)


def relayed_reply(diagnostic: str) -> str | None:
    """The remote server's own reply inside an Exchange Online wrapper, if the text has one."""
    m = _RELAYED.search(diagnostic)
    return m.group(1).strip() if m else None


def gmail(text: str) -> list[TextHit]:
    """Gmail's notice: "Your message wasn't delivered to RCPT because …" (or the older "Delivery
    to the following recipient failed permanently / has been delayed:") and the response."""
    m = re.search(r"(?:wasn't|was not) delivered to\s+(" + _ADDR + r")", text)
    old = re.search(
        r"Delivery to the following recipients? (failed permanently|has been delayed):\s*\n\s*("
        + _ADDR
        + r")",
        text,
    )
    if m is None and old is None:
        return []
    delayed = old is not None and m is None and old.group(1) == "has been delayed"
    address = m.group(1) if m else old.group(2) if old else ""
    # "… rejected by the server for the recipient domain D by HOST. [IP]." (older notices)
    by = re.search(
        r"rejected by the server for the recipient\s+domain\s+\S+\s+by\s+([\w.-]+?)\.?\s+"
        r"\[([0-9a-fA-F.:]+)\]",
        text,
    )
    return [
        TextHit(
            address.rstrip(".,"),
            gmail_response(text),
            by.group(1) if by else None,
            by.group(2) if by else None,
            action="delayed" if delayed else None,
        )
    ]


def gmail_response(text: str) -> str:
    """Gmail's "The response was:" / "The response from the remote server was:" text (older
    notices: "The error that the other server returned was: …", or Google's own reason after
    "Technical details of permanent failure:"), else the reason sentence of a Google Groups
    notice (no code: the group does not exist, or the sender may not post to it)."""
    m = (
        re.search(
            r"The response (?:from the remote server )?was:\s*\n(.*?)(?=\n[ \t]*\n|\Z)",
            text,
            re.S,
        )
        or re.search(
            r"The error that the other server returned was:\s*(.*?)(?=\n[ \t]*\n|\Z)", text, re.S
        )
        or re.search(
            r"Technical details of (?:permanent|temporary) failure:[ \t]*\n?(.*?)(?=\n[ \t]*\n|\Z)",
            text,
            re.S,
        )
        or re.search(_GROUPS_REASON, text[:4096])
    )
    return clean_reply(m.group(1)) if m else ""


# Google Groups' refusal, in English or Japanese: the sentence that says why.
_GROUPS_REASON = re.compile(
    r"((?:We're writing to let you know that )?the group you tried to contact\s*\([^)\n]{0,200}\)"
    r"[^\n]{0,300}?permission to post messages to the group\.?|"
    r"\u9023\u7d61\u3057\u3088\u3046\u3068\u3057\u305f\u30b0\u30eb\u30fc\u30d7[^\n]{0,300})"
)


_EXCHANGE_ORIGINAL = re.compile(
    r"^(?:Original message headers|Original Message Headers|En-t\S+tes de message d'origine|"
    r"Urspr\S+ngliche Nachrichtenkopfzeilen)\s*:?\s*$",
    re.M,
)
_ORIGINAL_MARKERS = (
    _EXCHANGE_ORIGINAL,
    re.compile(r"^-+ ?Below this line is a copy of the message\.?\s*$", re.M),
    re.compile(r"^-+ This is a copy of the message, including all the headers\. -+\s*$", re.M),
    re.compile(r"^Message headers follow\.\s*$", re.M),  # dma
    re.compile(r"^[ \t]*Below is a copy of the original message:\s*$", re.M),  # OpenSMTPD
    re.compile(r"^-+ Returned Message -+\s*$", re.M),  # Lotus Notes
    re.compile(r"^Original message follows\.\s*$", re.M),  # IMail
    re.compile(r"^-{5,}original message\s*$", re.M),  # m-FILTER
    re.compile(r"^Included is a copy of the message header:\s*\n-{5,}\s*$", re.M),  # MXLogic
    re.compile(
        r"^-+ ?(?:Original message|Original message follows|Returned message) -+\s*$", re.M | re.I
    ),
)


def quoted_original(text: str) -> str | None:
    """The original message (or its headers) quoted in the report's text, if marked."""
    for rx in _ORIGINAL_MARKERS:
        m = rx.search(text)
        if m is not None:
            rest = text[m.end() :].lstrip("\r\n")
            if re.match(r"[A-Za-z0-9-]+:", rest):
                return rest
    return None
