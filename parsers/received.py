"""Parse one Received field value: RFC 5321 §4.4 trace clauses plus real MTA dialects."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from headerlens.model.core import Defect, Severity
from headerlens.model.received import Received
from headerlens.parsers.dates import parse_date
from headerlens.parsers.masked_ip import PLACEHOLDERS, masked_address, masked_in_comment
from headerlens.parsers.received_syntax import (
    Clause,
    group_clauses,
    normalize_ip,
    split_date,
    tokenize,
)

if TYPE_CHECKING:  # the code registry loads where a defect is made, not before the first frame
    from headerlens.model.codes import Code

__all__ = ["normalize_ip", "parse_received"]

_PROTOCOL = re.compile(
    r"^(?:UTF8)?(?:E?SMTP|LMTP)[SA]*$|^HTTPS?$|^mapi$|^local$|^IMAP$|^smtps$|^asmtp$",
    re.IGNORECASE,
)
# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches these product comments should not pay for compiling them before the console's first frame.
_SENDMAIL_VERSION = r"^(\d+\.\d+\.\d+(?:\.\d+)?)/\d+\.\d+"
_SOFTWARE_VERSION = r"^([A-Za-z][\w.+-]*(?: [A-Za-z][\w.+-]*)*?)[ /-]v?(\d+(?:\.\d+)+)"
_EXCHANGE_BUILD = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{1,4}\.\d{1,4}$")
# "helo=name", "HELO name", "EHLO name", "LHLO name" (LMTP, RFC 2033 §4.1); an address-literal
# HELO keeps its brackets ("HELO [10.10.10.10]"); ZMailer quotes it ("\"EHLO name\"").
_HELO_IN_COMMENT = re.compile(
    r"(?:\bhelo=|\b(?:HELO|EHLO|LHLO)\b\s*)(\[[^\]\s]*\]|[^\s()\]\"]*)", re.IGNORECASE
)
_RDNS_AND_IP = re.compile(r"(?:^|\s)([A-Za-z0-9_][\w.-]*?)?\.?\s*\[([^\]]+)\]")
_ENVELOPE_FROM = re.compile(r"envelope-(?:from|sender)\s*<?([^<>\s()]*)>?", re.IGNORECASE)
# "(envelope-from <x>)" written after the date (Postfix on FreeBSD, Sendmail, Exchange relays).
_TRAILING_ENVELOPE = re.compile(r"\(\s*envelope-(?:from|sender)\b[^()]*\)", re.IGNORECASE)
# Exim 4 message ids: "1dWJDl-00035d-BU" and, from 4.97, "1rOqQV-0000000216-1Uab".
_EXIM_ID = re.compile(r"^[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}$")
_TLS_USING = re.compile(r"using\s+(\S+)\s+with\s+cipher\s+(\S+)", re.IGNORECASE)
_TLS_VERSION_KV = re.compile(r"\bversion=([\w./]+)", re.IGNORECASE)
_TLS_CIPHER_KV = re.compile(r"\bcipher=([\w.-]+)", re.IGNORECASE)
_EXIM_TLS = re.compile(r"^(TLS[\w.]*|SSL[\w.]*|UNKNOWN)(?::([\w.-]+)(?::\d+)?)?$", re.IGNORECASE)
# An address literal that looks like an IP (RFC 5321 §4.1.3): dotted digits or "IPv6:".
_IP_LITERAL = re.compile(r"\[((?:IPv6:[^\]]{0,80})|(?:[0-9]{1,4}(?:\.[0-9]{1,4}){2,5}))\]", re.I)
# A product name written where a protocol or host is expected: letters first, no dots.
_PRODUCT_WORD = r"[A-Za-z][A-Za-z0-9_-]{1,30}"
_QMAIL = r"(?i)^qmail\s+\d+\s+invoked"
_BRACKETED = re.compile(r"\[([^\]]+)\]")
_WORD_SEPARATORS = re.compile(r"[\s,]+")


def _host(word: str | None) -> str | None:
    """A host name as written, without a trailing dot or comma; None for empty or placeholders."""
    if not word:
        return None
    w = word.strip().rstrip(".,;")
    return w or None


def _ip_from_words(text: str) -> str | None:
    """The first IP address in a comment: "[1.2.3.4]", "(1.2.3.4)", "[IPv6:...]", "[ip]:port",
    or qmail/vpopmail's ident form "(user@1.2.3.4)" and "(user@domain@1.2.3.4 with plain)"."""
    # Searching only up to the last "]" keeps a run of "[" without one linear: every "["
    # before it then either matches or fails at once (60 KB of "[" took 21 s otherwise).
    for lit in _BRACKETED.findall(text, 0, text.rfind("]") + 1):
        ip = normalize_ip(lit)
        if ip:
            return ip
    for word in _WORD_SEPARATORS.split(text):
        ip = normalize_ip(word.rpartition("@")[2])
        if ip:
            return ip
    return None


def _from_comment(comment: str, found: dict[str, str | None]) -> None:
    """Read one comment of the 'from' clause into ``found`` (helo, ip, rdns), first one wins."""
    hm = _HELO_IN_COMMENT.search(comment)
    if hm and found["helo"] is None:
        found["helo"] = _host(hm.group(1)) or ""
    if found["ip"] is not None:
        return
    # Without the HELO part: "(account u@example.edu HELO [10.10.10.10])" names no client IP.
    rest = f"{comment[: hm.start()]} {comment[hm.end() :]}" if hm else comment
    rm = _RDNS_AND_IP.search(rest, 0, rest.rfind("]") + 1)  # linear: see _ip_from_words
    cand_ip = normalize_ip(rm.group(2)) if rm else None
    masked = masked_address(rm.group(2)) if rm and not cand_ip else None
    if rm and (cand_ip or masked):
        found["ip"], found["masked"] = cand_ip, found["masked"] or masked
        name = _host(rm.group(1))
        # MIMEsweeper (SMTPRS) writes "unverified" where the name did not check out
        if name and name.lower() not in {"unknown", "unverified", "helo", "ehlo"}:
            found["rdns"] = name
        return
    found["ip"] = _ip_from_words(rest)
    if found["ip"] is None and found["masked"] is None:
        found["masked"] = masked_in_comment(rest)
    if found["ip"] is None and found["masked"] is None and not hm:
        # "(rdns)" alone, or "(unknown)"
        word = comment.split()[0] if comment.split() else ""
        if re.fullmatch(r"[A-Za-z0-9][\w.-]*\.[A-Za-z]{2,}\.?", word):
            found["rdns"] = _host(word)


def _parse_from(
    clause: Clause, rec: dict[str, str | None], defects: list[Defect], exim: bool
) -> None:
    first = clause.words[0] if clause.words else None
    first_ip = normalize_ip(first) if first else None
    helo_word = _host(first) if first and not first_ip else None
    found: dict[str, str | None] = {"helo": None, "ip": None, "rdns": None, "masked": None}
    # Comments glued to the first word are the client's HELO text ("from x([192.0.2.1])
    # (unknown [203.0.113.5])"): read only when the receiver wrote no comment of its own.
    for comment in clause.comments or clause.glued:
        _from_comment(comment, found)
    if clause.comments and clause.glued and helo_word:
        helo_word += "".join(f"({c})" for c in clause.glued)
    explicit_helo, ip, rdns = found["helo"], found["ip"], found["rdns"]
    if ip is None and found["masked"] is None and first and first.startswith("["):
        # Exim's "from [10.0.xx.xx] (helo=...)": the masked literal is the client, no name
        found["masked"] = masked_address(first)
        helo_word = None if found["masked"] else helo_word
    if ip is None:
        # A bare literal after the name: GMX "from rdns (EHLO helo) [ip]", Exim 3 "from h [ip]"
        ip = next((normalize_ip(w) for w in clause.words[1:] if w.startswith("[")), None)

    if explicit_helo is not None:
        # qmail/IronPort/Exim: "from rdns (HELO helo) (ip)" or "from [ip] (helo=helo)"
        rec["from_helo"] = explicit_helo or None
        if helo_word and helo_word.lower() != "unknown" and rdns is None:
            rdns = helo_word
    elif first_ip and ip:
        # Postfix/Sendmail "from [192.168.1.5] (rdns [ip])": the literal was the HELO argument.
        rec["from_helo"] = _host(first)
    else:
        rec["from_helo"] = helo_word
        if exim and helo_word and ip and rdns is None and helo_word.lower() != "unknown":
            # Exim writes "name ([ip])" only when "name" is the verified host name and the
            # HELO was that name too (it adds "helo=" otherwise): the name is rDNS and HELO.
            rdns = helo_word
    if rdns is not None:
        rec["from_rdns"] = rdns
    rec["from_ip"] = ip or first_ip
    if rec["from_ip"] in PLACEHOLDERS:
        found["masked"], rec["from_ip"] = rec["from_ip"], None
    rec["from_ip_masked"] = found["masked"] if rec["from_ip"] is None else None
    for text in (*clause.words, *clause.comments):
        for lit in _IP_LITERAL.findall(text):
            if normalize_ip(f"[{lit}]") is None:
                from headerlens.model.codes import Code

                defects.append(
                    _defect(
                        Code.RECEIVED_BAD_IP,
                        f"The address literal [{lit[:60]}] is not a valid IP address "
                        "(RFC 5321 §4.1.3); it is not used.",
                    )
                )
    if first is None and not clause.comments:
        from headerlens.model.codes import Code

        defects.append(_defect(Code.RECEIVED_EMPTY_FROM, "The 'from' clause is empty."))
    elif (
        rec["from_helo"] is None
        and (rec["from_ip"] or rec["from_ip_masked"]) is None
        and rdns is None
    ):
        from headerlens.model.codes import Code

        defects.append(
            _defect(Code.RECEIVED_EMPTY_HELO, "The 'from' clause names no host and no address.")
        )


def _parse_by(clause: Clause, rec: dict[str, str | None], defects: list[Defect]) -> None:
    first = clause.words[0] if clause.words else None
    rec["by"] = _host(first)
    if rec["by"] is None:
        from headerlens.model.codes import Code

        defects.append(_defect(Code.RECEIVED_EMPTY_BY, "The 'by' clause names no receiving host."))
    else:
        rec["by_ip"] = normalize_ip(rec["by"])
    for comment in clause.comments:
        if rec["by_ip"] is None:
            ip = _ip_from_words(comment)
            if ip:
                rec["by_ip"] = ip
                continue
        _software_from_comment(comment, rec)


def _software_from_comment(comment: str, rec: dict[str, str | None]) -> None:
    """Recognise MTA names in comments: (Postfix), (8.15.2/8.15.2), (Exim 4.96), ..."""
    if rec["server_software"] is not None:
        return
    text = comment.strip()
    if not text or "=" in text or normalize_ip(text.split()[0] if text.split() else "") is not None:
        return
    m = re.match(_SENDMAIL_VERSION, text)
    if m:
        rec["server_software"], rec["server_version"] = "Sendmail", m.group(1)
        return
    if re.match(r"^V8/", text):
        rec["server_software"] = "Sendmail"
        return
    if re.match(r"^Postfix\b", text, re.IGNORECASE):
        rec["server_software"] = "Postfix"
        return
    if re.match(r"^amavisd?(?:-new)?\b", text, re.IGNORECASE):  # "(amavisd-new, port 10024)"
        rec["server_software"] = "amavisd-new"
        return
    m = re.match(_SOFTWARE_VERSION, text)
    if m and m.group(1).lower() not in {"using", "version"}:
        rec["server_software"], rec["server_version"] = m.group(1), m.group(2)
        return
    if re.fullmatch(r"[A-Za-z][\w.-]{1,30}", text) and text.lower() not in {"unknown", "tls"}:
        rec["server_software"] = text


def _parse_with(clause: Clause, rec: dict[str, str | None]) -> None:
    words = clause.words
    proto: str | None = None
    for w in words:
        head = w.split("/")[0]
        if _PROTOCOL.match(head):
            proto = head
            break
    if proto is None and words:
        proto = words[0]
    rec["with_protocol"] = proto
    joined = " ".join(words)
    if re.search(r"Microsoft SMTP Server", joined, re.IGNORECASE):
        rec["server_software"] = "Microsoft SMTP Server"
    elif joined.startswith("IBM ESMTP SMTP Gateway"):
        rec["server_software"] = "IBM SMTP Gateway"
    elif len(words) > 1 and _PROTOCOL.match(words[1]) and re.fullmatch(_PRODUCT_WORD, words[0]):
        rec["server_software"] = words[0]  # "with MailEnable ESMTPA"
    elif words and proto == words[0] and not _PROTOCOL.match(proto):
        # "with JS-mailcore (0.1)": a product name where the protocol should be
        version = next((c for c in clause.comments if re.fullmatch(r"v?\d+(?:\.\d+)+", c)), None)
        if version and re.fullmatch(_PRODUCT_WORD, proto):
            rec["server_software"], rec["server_version"] = proto, version.lstrip("v")
    # IronPort: "ESMTP/TLS/ECDHE-RSA-AES256-GCM-SHA384"
    for w in words:
        parts = w.split("/")
        if len(parts) == 3 and parts[1].upper().startswith("TLS"):
            rec["tls_version"] = rec["tls_version"] or parts[1]
            rec["tls_cipher"] = rec["tls_cipher"] or parts[2]
    # Exim 4.9x: "with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384"
    for i, w in enumerate(words[:-1]):
        if w.lower() == "tls":
            rec["tls_cipher"] = rec["tls_cipher"] or words[i + 1]
    if any(w.lower() == "starttls" for w in words):
        rec["_starttls"] = "yes"
    if any(w.upper() == "SMTPSVC" for w in words):
        # IIS SMTP service: "with Microsoft SMTPSVC(10.0.14393.0)"
        rec["server_software"] = "Microsoft SMTPSVC"
        rec["with_protocol"] = "SMTP"
        for comment in clause.comments:
            if re.fullmatch(r"[\d.]+", comment.strip()):
                rec["server_version"] = comment.strip()
    for comment in clause.comments:
        em = _EXIM_TLS.match(comment.strip())
        if em:
            rec["tls_version"] = rec["tls_version"] or em.group(1)
            if em.group(2):
                rec["tls_cipher"] = rec["tls_cipher"] or em.group(2)
            continue
        xm = re.match(r"^(Exim|ecelerity)\s+([\d.]+)", comment, re.IGNORECASE)
        if xm:
            rec["server_software"], rec["server_version"] = xm.group(1), xm.group(2)
            continue
        _software_from_comment(comment, rec)


def _tls_from_comments(comments: list[str], rec: dict[str, str | None]) -> None:
    for comment in comments:
        um = _TLS_USING.search(comment)
        if um:
            rec["tls_version"] = rec["tls_version"] or um.group(1)
            rec["tls_cipher"] = rec["tls_cipher"] or um.group(2)
        vm = _TLS_VERSION_KV.search(comment)
        cm = _TLS_CIPHER_KV.search(comment)
        if vm and (cm or vm.group(1).upper().startswith(("TLS", "SSL"))):
            rec["tls_version"] = rec["tls_version"] or vm.group(1)
        if cm:
            rec["tls_cipher"] = rec["tls_cipher"] or cm.group(1)
        if comment.strip().upper() == "TLS":
            rec["tls_version"] = rec["tls_version"] or "TLS"
        em = _ENVELOPE_FROM.search(comment)
        if em and rec["envelope_from"] is None:
            rec["envelope_from"] = em.group(1)


def _defect(code: Code, message: str, severity: Severity = Severity.WARNING) -> Defect:

    return Defect(code=code, message=message, severity=severity)


def _strip_angle(word: str) -> str:
    w = word.strip()
    if w.startswith("<") and w.endswith(">"):
        w = w[1:-1].strip()
        inner = re.search(r"<([^<>]*)>\s*$", w)  # <"name" <addr>>
        if inner:
            w = inner.group(1)
    return w.strip('"')


def parse_received(value: str) -> Received:
    """Parse the unfolded text of one Received field (RFC 5321 §4.4, RFC 5322 §3.6.7).

    Fills every attribute of :class:`Received` the line states, for the clause grammar of the
    RFC and the dialects of Exchange/EOP, Postfix, Exim, Sendmail, qmail, Gmail, IronPort and
    others. Anything missing or garbled becomes a defect; this function never raises on input.
    """
    raw = value
    text = " ".join(value.split())
    defects: list[Defect] = []
    rec: dict[str, str | None] = dict.fromkeys(
        (
            "from_helo",
            "from_rdns",
            "from_ip",
            "from_ip_masked",
            "by",
            "by_ip",
            "with_protocol",
            "via",
            "id",
            "for_addr",
            "tls_version",
            "tls_cipher",
            "server_software",
            "server_version",
            "envelope_from",
        )
    )
    if not text:
        from headerlens.model.codes import Code

        return Received(
            raw=raw,
            defects=(_defect(Code.RECEIVED_EMPTY, "The Received field is empty.", Severity.ERROR),),
        )

    clause_text, date_text = split_date(text)
    if date_text is not None:
        # "; Fri, 14 Nov 2003 10:22:08 +0100 (envelope-from <x>)": a clause, not part of the date
        for trailing in _TRAILING_ENVELOPE.findall(date_text):
            clause_text += " " + trailing
        date_text = _TRAILING_ENVELOPE.sub(" ", date_text).strip() or None
    clauses, leading = group_clauses(tokenize(clause_text))
    by_kw = {c.keyword: c for c in clauses}

    for comment in leading:
        if re.match(_QMAIL, comment):
            rec["server_software"] = "qmail"

    if "with" in by_kw:
        _parse_with(by_kw["with"], rec)
    if "from" in by_kw:
        id_words = by_kw["id"].words if "id" in by_kw else []
        exim = rec["server_software"] == "Exim" or bool(id_words and _EXIM_ID.match(id_words[0]))
        _parse_from(by_kw["from"], rec, defects, exim)
    if "by" in by_kw:
        _parse_by(by_kw["by"], rec, defects)
    if "via" in by_kw and by_kw["via"].words:
        rec["via"] = " ".join(by_kw["via"].words)
    if "id" in by_kw and by_kw["id"].words:
        rec["id"] = _strip_angle(by_kw["id"].words[0])
    if "for" in by_kw and by_kw["for"].words:
        for_words = by_kw["for"].words
        rec["for_addr"] = _strip_angle(for_words[0])
        # IBM gateways: "for <rcpt> from <sender>"
        for i, w in enumerate(for_words[:-1]):
            if w.lower() == "from" and rec["envelope_from"] is None:
                rec["envelope_from"] = _strip_angle(for_words[i + 1])
    if "" in by_kw and by_kw[""].words and not clauses[0].keyword:
        from headerlens.model.codes import Code

        defects.append(
            _defect(
                Code.RECEIVED_UNKNOWN_WORDS,
                f"Text before the first clause keyword: {' '.join(by_kw[''].words)!r}.",
                Severity.INFO,
            )
        )

    all_comments = [c for cl in clauses for c in cl.comments]
    # Haraka writes the envelope sender as bare words: "id 1234 envelope-from <x>".
    all_words = [w for cl in clauses for w in cl.words]
    for i, w in enumerate(all_words[:-1]):
        if w.lower() in {"envelope-from", "envelope-sender"} and rec["envelope_from"] is None:
            rec["envelope_from"] = _strip_angle(all_words[i + 1])
    _tls_from_comments(all_comments, rec)
    if rec.pop("_starttls", None) and rec["tls_version"] is None:
        rec["tls_version"] = "TLS"  # "with ESMTP with STARTTLS": version not stated

    # Exchange writes its build number as the id: "with Microsoft SMTP Server ... id 15.20.x.y"
    # and "with mapi id 15.02.1544.011".
    if rec["id"] and _EXCHANGE_BUILD.match(rec["id"]):
        proto = (rec["with_protocol"] or "").lower()
        if rec["server_software"] in {"Microsoft SMTP Server", None} or proto == "mapi":
            rec["server_version"] = rec["id"]
            if rec["server_software"] is None and proto == "mapi":
                rec["server_software"] = "Microsoft Exchange"
    if rec["server_software"] == "Microsoft SMTP Server":
        rec["with_protocol"] = (
            "SMTP" if rec["with_protocol"] in {None, "Microsoft"} else rec["with_protocol"]
        )

    if "from" not in by_kw and "by" not in by_kw:
        if rec["server_software"] == "qmail":
            from headerlens.model.codes import Code

            defects.append(
                _defect(
                    Code.RECEIVED_LOCAL,
                    "qmail local injection: no 'from' or 'by' clause.",
                    Severity.INFO,
                )
            )
        else:
            from headerlens.model.codes import Code

            defects.append(
                _defect(Code.RECEIVED_NO_CLAUSES, "Neither a 'from' nor a 'by' clause was found.")
            )
    elif "by" not in by_kw:
        from headerlens.model.codes import Code

        defects.append(
            _defect(Code.RECEIVED_NO_BY, "No 'by' clause: the receiving host is not named.")
        )

    timestamp = None
    if date_text is None:
        from headerlens.model.codes import Code

        defects.append(_defect(Code.RECEIVED_NO_DATE, "The line carries no date."))
    else:
        timestamp, date_defect = parse_date(date_text)
        if date_defect is not None:
            defects.append(date_defect)

    return Received(
        raw=raw,
        from_helo=rec["from_helo"],
        from_rdns=rec["from_rdns"],
        from_ip=rec["from_ip"],
        from_ip_masked=rec["from_ip_masked"],
        by=rec["by"],
        by_ip=rec["by_ip"],
        with_protocol=rec["with_protocol"],
        via=rec["via"],
        id=rec["id"],
        for_addr=rec["for_addr"] or None,
        tls_version=rec["tls_version"],
        tls_cipher=rec["tls_cipher"],
        server_software=rec["server_software"],
        server_version=rec["server_version"],
        date_text=date_text,
        timestamp=timestamp,
        envelope_from=rec["envelope_from"],
        defects=tuple(defects),
    )
