"""Readers for the less common bounce layouts: Mimecast, dma, OpenSMTPD, Lotus Notes, Zoho, GMX /
mail.com, Sun / Oracle Messaging Server (PMDF), Domino, IMail, m-FILTER, MailMarshal, InterScan,
X1. Each returns one ``TextHit`` per failed recipient, like ndr_text's.
"""

from __future__ import annotations

import re

from headerlens.parsers.ndr_text import _ADDR, TextHit, clean_reply


def mimecast(text: str) -> list[TextHit]:
    """Mimecast's "could not be delivered: -- rcpt … Additional information follows : -- …"."""
    m = re.search(r"could not be\s*delivered:\s*\n--\s*(" + _ADDR + r")", text)
    if m is None:
        return []
    info = re.search(
        r"Additional information follows\s*:\s*\n--\s*(.*?)(?=\n[ \t]*\n|\Z)", text, re.S
    )
    problem = re.search(r"The problem appears to be\s*:\s*\n--\s*(.*?)\n", text)
    diag = info.group(1) if info else (problem.group(1) if problem else "")
    return [TextHit(m.group(1), clean_reply(diag))]


def dma(text: str) -> list[TextHit]:
    """The DragonFly Mail Agent (dma, also Debian's dma): "There was an error delivering your
    mail to <rcpt>." then the remote's answer ("HOST [IP] did not like our final DATA: 550 ...")
    up to "Message headers follow." (dma's own text, src/mail.c)."""
    m = re.search(
        r"There was an error delivering your mail to <(" + _ADDR + r")>\.?\s*\n(.{0,4000}?)"
        r"(?=\n\s*Message headers follow|\Z)",
        text,
        re.S,
    )
    if m is None:
        return []
    para = m.group(2)
    host = re.match(r"\s*([\w.-]+\.[a-z]{2,})\s+\[([0-9a-f.:]+)\]", para, re.I)
    said = re.search(r"did not like our ([^:]+):\s*(.*)", para, re.S)
    stage = None
    if said is not None:
        stage = "end of DATA" if "DATA" in said.group(1) else said.group(1).strip()
    return [
        TextHit(
            m.group(1),
            clean_reply(said.group(2) if said else para),
            host.group(1) if host else None,
            host.group(2) if host else None,
            stage,
        )
    ]


def opensmtpd(text: str) -> list[TextHit]:
    """OpenSMTPD's notice: "An error has occurred while attempting to deliver a message for the
    following list of recipients:" then "rcpt: reason" lines, up to "Below is a copy"."""
    start = re.search(r"following list of recipients:\s*\n", text)
    if start is None:
        return []
    body = re.split(r"\n[ \t]*Below is a copy of the original message", text[start.end() :])[0]
    return [
        TextHit(m.group(1), clean_reply(m.group(2)))
        for m in re.finditer(r"^[ \t]*(" + _ADDR + r"):\s+(.{1,2000})$", body, re.M)
    ]


def notes(text: str) -> list[TextHit]:
    """Lotus Notes / Domino: "------- Failure Reasons --------", the reason on one line and the
    address on the next, up to "------- Returned Message --------"."""
    start = re.search(r"^-+ Failure Reasons\s+-+\s*$", text, re.M)
    if start is None:
        return []
    body = re.split(r"\n-+ Returned Message -+", text[start.end() :])[0]
    return [
        TextHit(m.group(2), clean_reply(m.group(1)))
        for m in re.finditer(
            r"^[ \t]*(\S[^\n@]{0,400})\n[ \t]*<?(" + _ADDR + r")>?\s*$", body, re.M
        )
    ]


def dma_host(text: str) -> str | None:
    """The host dma names as its own: "This is the DragonFly Mail Agent v0.13 at HOST."."""
    m = re.search(r"This is the DragonFly Mail Agent \S+ at ([\w.-]+?)\.?\s*$", text, re.M)
    return m.group(1) if m else None


def zoho(text: str) -> list[TextHit]:
    """Zoho Mail: "rcpt Invalid Address, ERROR_CODE :550, ERROR_CODE :reply text" lines."""
    return [
        TextHit(m.group(1), clean_reply(f"{m.group(3)} {m.group(4)} ({m.group(2)})"))
        for m in re.finditer(
            r"^(" + _ADDR + r")\s+([^,\n]{1,200}),\s*ERROR_CODE\s*:\s*(\d{3}),\s*ERROR_CODE\s*:\s*"
            r"(.{0,2000})$",
            text,
            re.M,
        )
    ]


def messaging_server(text: str) -> list[TextHit]:
    """Sun / Oracle Messaging Server and PMDF: "Recipient address: rcpt", "Reason: …",
    "Diagnostic code: smtp; 550 …", "Remote system: dns; host (TCP|ip|port|ip|25) …"."""
    hits = []
    for m in re.finditer(
        r"^[ \t]*Recipient address:\s*<?(" + _ADDR + r")>?\s*\n\s*Reason:\s*(.*)\n"
        r"(?:\s*Diagnostic code:\s*(?:\w+;\s*)?(.*)\n)?(?:\s*Remote system:\s*(?:dns;\s*)?([\w.-]+)"
        r"(?:\s*\(TCP\|[^|]*\|\d+\|([0-9a-fA-F.:]+)\|)?)?",
        text,
        re.M,
    ):
        hits.append(
            TextHit(
                m.group(1),
                clean_reply(m.group(3) or m.group(2)),
                m.group(4),
                m.group(5),
            )
        )
    return hits


def gmx(text: str) -> list[TextHit]:
    """GMX / mail.com / WEB.DE: '"rcpt":' then "SMTP error from remote server after RCPT command:",
    "host: mx.example.net" and the remote's reply, one paragraph per recipient; since about 2019
    on one line ("rcpt:" then "SMTP error from remote server for RCPT TO command, host: H (IP)
    reason: 550-5.1.1 …"); an expiry as "<rcpt>" then "Reason:" and "delivery retry timeout
    exceeded" (sisimai, lib/sisimai/lhost/gmx.rb)."""
    hits = []
    for m in re.finditer(
        r'^[<"]?('
        + _ADDR
        + r')[>"]?:?[ \t]*\nSMTP error from remote server (?:after|for) ([\w ]+?) '
        r"command(?::[ \t]*\n|,)[ \t]*(?:host:[ \t]*([\w.-]+)(?:[ \t]*[\[(]([0-9a-fA-F.:]+)[\])])?"
        r"(?:[ \t]*\n|[ \t]+reason:[ \t]*))?(.{0,2000}?)"
        # a paragraph ends at a blank line or at the next recipient's '"rcpt":' line (GMX writes
        # several recipients with no blank line between them)
        r'(?=\n[ \t]*\n|\n[<"]?' + _ADDR + r'[>"]?:?[ \t]*\n|\Z)',
        text,
        re.M | re.S,
    ):
        word = m.group(2).strip().upper()
        stage = {"RCPT": "RCPT TO", "MAIL": "MAIL FROM"}.get(word, word)
        stage = "end of DATA" if "DATA" in stage else stage
        address = m.group(1).rstrip(":")  # the address runs into GMX's colon
        hits.append(TextHit(address, clean_reply(m.group(5)), m.group(3), m.group(4), stage))
    if hits:
        return hits
    return [
        TextHit(m.group(1), clean_reply(m.group(2)))
        for m in re.finditer(
            r"^<(" + _ADDR + r")>[ \t]*\n[ \t]*\nReason:[ \t]*\n[ \t]*([^\n]{1,500})", text, re.M
        )
    ]


def domino(text: str) -> list[TextHit]:
    """HCL / Lotus Domino: "Your message ... was not delivered to:" the address, then "because:"
    and the reason."""
    m = re.search(
        r"was not delivered to:\s*\n\s*<?(" + _ADDR + r")>?\s*\n\s*because:\s*\n\s*(.{1,2000}?)"
        r"(?=\n[ \t]*\n|\Z)",
        text,
        re.S,
    )
    return [TextHit(m.group(1), clean_reply(m.group(2)))] if m else []


# Ipswitch IMail's one-line reasons ("Invalid final delivery userid: rcpt").
_IMAIL = re.compile(
    r"^(Invalid final delivery userid|User mailbox exceeds allowed size|Unknown user|"
    r"Requested action not taken: mailbox unavailable)\s*:\s*<?(" + _ADDR + r")>?\s*$",
    re.M | re.I,
)


def imail(text: str) -> list[TextHit]:
    """Ipswitch IMail: "Invalid final delivery userid: rcpt" (its own reason, no remote reply)."""
    return [TextHit(m.group(2), clean_reply(m.group(1))) for m in _IMAIL.finditer(text)]


def mfilter(text: str) -> list[TextHit]:
    """m-FILTER (Digital Arts): the address, then "-------server message" with the remote's reply
    and "-------SMTP command" with the command it answered."""
    m = re.search(
        r"^<?(" + _ADDR + r")>?\s*\n\s*\n*-{5,}server message\s*\n(.{1,2000}?)\n\s*\n"
        r"(?:-{5,}SMTP command\s*\n(\S[^\n]*))?",
        text,
        re.M | re.S,
    )
    if m is None:
        return []
    command = (m.group(3) or "").strip().upper()
    stage = {"DATA": "end of DATA", "RCPT": "RCPT TO", "MAIL": "MAIL FROM"}.get(
        command.split(" ")[0], command or None
    )
    return [TextHit(m.group(1), clean_reply(m.group(2)), stage=stage)]


def mailmarshal(text: str) -> list[TextHit]:
    """MailMarshal: "Could not be delivered because of" the reason, then "The following
    recipients were affected:" and the addresses; "Remote-MTA: <host or IP>" below."""
    m = re.search(
        r"Could not be delivered because of\s*\n\s*(.{1,2000}?)\n\s*\n\s*The following recipients "
        r"were affected:\s*\n((?:[ \t]+\S+@\S+\s*\n?)+)",
        text,
        re.S,
    )
    if m is None:
        return []
    remote = re.search(r"^Remote-MTA:\s*<([^>]+)>", text, re.M)
    peer = remote.group(1) if remote else None
    is_ip = bool(peer and re.fullmatch(r"[0-9a-fA-F.:]+", peer))
    return [
        TextHit(
            a.strip(),
            clean_reply(m.group(1)),
            None if is_ip else peer,
            peer if is_ip else None,
        )
        for a in m.group(2).split()
    ]


# InterScan MSS's transcript of the refused session: "Sent <<< RCPT TO:<rcpt>" and "Received >>>
# 550 5.1.1 <rcpt>... user unknown" (English); its Japanese notice turns the arrows (">>> RCPT TO",
# "<<< 550 …") behind a Japanese word (sisimai, lib/sisimai/lhost/interscanmss.rb).
_IMSS_COMMAND = re.compile(
    r"^[^\n<>]{0,20}(?:<<<|>>>)[ \t]+(RCPT TO|MAIL FROM|DATA)\b:?[ \t]*<?(" + _ADDR + r")?", re.M
)
_IMSS_REPLY = re.compile(r"^[^\n<>]{0,20}(?:<<<|>>>)[ \t]+([45]\d\d\b[^\n]{0,500})", re.M)


def interscan(text: str) -> list[TextHit]:
    """Trend Micro InterScan Messaging Security Suite's notice: "Unable to deliver message to
    <rcpt> (and other recipients in the same domain). Please check if address is correct." (its
    own words, no remote reply), or the transcript of the session the remote refused."""
    hits = _interscan_session(text)
    if hits:
        return hits
    m = re.search(r"Unable to deliver message to <(" + _ADDR + r")>([^\n]{0,300})", text)
    if m is None:
        return []
    return [
        TextHit(m.group(1), clean_reply(f"Unable to deliver message to <{m.group(1)}>{m.group(2)}"))
    ]


def _interscan_session(text: str) -> list[TextHit]:
    """Each 4xx/5xx reply of the transcript, for the recipient of the last RCPT TO before it
    (a refusal of MAIL FROM or DATA names the sender or nobody), else the one the notice names."""
    hits: list[TextHit] = []
    told = re.search(r"deliver message to <(" + _ADDR + r")>", text)
    for reply in _IMSS_REPLY.finditer(text):
        before = list(_IMSS_COMMAND.finditer(text, 0, reply.start()))
        rcpts = [c.group(2) for c in before if c.group(1) == "RCPT TO" and c.group(2)]
        address = rcpts[-1] if rcpts else (told.group(1) if told else None)
        if address is None or any(h.address == address for h in hits):
            continue
        stage = before[-1].group(1) if before else None
        stage = "end of DATA" if stage == "DATA" else stage
        hits.append(TextHit(address, clean_reply(reply.group(1)), stage=stage))
    return hits


def x1(text: str) -> list[TextHit]:
    """X1 / Mail2000: "---The following addresses had delivery errors---" then "rcpt [reason]"."""
    start = re.search(r"-+The following addresses had delivery errors-+\s*\n", text)
    if start is None:
        return []
    return [
        TextHit(m.group(1), clean_reply(m.group(2)))
        for m in re.finditer(
            r"^<?(" + _ADDR + r")>?\s+\[([^\]\n]{1,500})\]", text[start.end() :][:8192], re.M
        )
    ]
