"""Parse one Received field value: RFC 5321 §4.4 trace clauses plus real MTA dialects."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from headerlens.model.core import Defect, Severity
from headerlens.model.received import Received
from headerlens.parsers.dates import parse_date

__all__ = ["normalize_ip", "parse_received"]

# RFC 5321 §4.4 clause keywords, in their specified order. "from" and "by" are mandatory
# for relays; "via", "with", "id" and "for" are optional.
_KEYWORDS = ("from", "by", "via", "with", "id", "for")

# A date somewhere in the text, for lines that omit the ";" before it (SendGrid, EaaS) or bury
# it after other words. RFC 5322 style (optional weekday) or ISO 8601.
_DATE_START = re.compile(
    r"(?:(?<=\s)|^)(?:[^\W\d_]{2,9}\.?,\s*)?\d{1,3}\s+[^\W\d_]{3,9}\.?\s+\d{2,4}\s+\d{1,2}:\d{2}"
    r"|(?:(?<=\s)|^)\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"
)

_PROTOCOL = re.compile(
    r"^(?:UTF8)?(?:E?SMTP|LMTP)[SA]*$|^HTTPS?$|^mapi$|^local$|^IMAP$|^smtps$|^asmtp$",
    re.IGNORECASE,
)
_SENDMAIL_VERSION = re.compile(r"^(\d+\.\d+\.\d+(?:\.\d+)?)/\d+\.\d+")
_SOFTWARE_VERSION = re.compile(r"^([A-Za-z][\w.+-]*(?: [A-Za-z][\w.+-]*)*?)[ /-]v?(\d+(?:\.\d+)+)")
_EXCHANGE_BUILD = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{1,4}\.\d{1,4}$")
_HELO_IN_COMMENT = re.compile(r"(?:\bhelo=|\b(?:HELO|EHLO)\s+)([^\s()\]]*)", re.IGNORECASE)
_RDNS_AND_IP = re.compile(r"(?:^|\s)([A-Za-z0-9_][\w.-]*?)?\.?\s*\[([^\]]+)\]")
_ENVELOPE_FROM = re.compile(r"envelope-from\s*<?([^<>\s()]*)>?", re.IGNORECASE)
_TLS_USING = re.compile(r"using\s+(\S+)\s+with\s+cipher\s+(\S+)", re.IGNORECASE)
_TLS_VERSION_KV = re.compile(r"\bversion=([\w.]+)", re.IGNORECASE)
_TLS_CIPHER_KV = re.compile(r"\bcipher=([\w.-]+)", re.IGNORECASE)
_EXIM_TLS = re.compile(r"^(TLS[\w.]*|SSL[\w.]*|UNKNOWN)(?::([\w.-]+)(?::\d+)?)?$", re.IGNORECASE)
_QMAIL = re.compile(r"^qmail\s+\d+\s+invoked", re.IGNORECASE)


@dataclass(slots=True)
class _Token:
    """One lexical item of the clause part: a word, a (comment), an <angle> or a [literal]."""

    kind: str  # "word", "comment", "angle", "literal", "quoted"
    text: str  # for comments/angles/literals: the inside, without the delimiters


@dataclass(slots=True)
class _Clause:
    keyword: str
    words: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def normalize_ip(text: str | None) -> str | None:
    """The canonical text of an IP address written as ``1.2.3.4``, ``[IPv6:...]`` or with a
    port or zone, or None if the text is not an address."""
    if not text:
        return None
    t = text.strip().strip("[]").strip()
    if t.lower().startswith("ipv6:"):
        t = t[5:]
    t = t.rstrip(".")
    # "1.2.3.4:25" (Exim port) and "[::1]:25" forms
    m = re.fullmatch(r"(\d{1,3}(?:\.\d{1,3}){3}):\d+", t)
    if m:
        t = m.group(1)
    zone = ""
    if "%" in t:
        t, _, zone = t.partition("%")
    try:
        addr = ipaddress.ip_address(t)
    except ValueError:
        return None
    return f"{addr}%{zone}" if zone and addr.version == 6 else str(addr)


def _tokenize(text: str) -> list[_Token]:
    """Split the clause part into tokens, honouring nested comments (RFC 5322 §3.2.2)."""
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "([<":
            close = {"(": ")", "[": "]", "<": ">"}[c]
            depth, j = 1, i + 1
            in_quote = False
            while j < n and depth:
                ch = text[j]
                if ch == "\\" and j + 1 < n:
                    j += 2
                    continue
                if ch == '"' and c != "(":
                    in_quote = not in_quote
                elif not in_quote:
                    if ch == c:
                        depth += 1
                    elif ch == close:
                        depth -= 1
                j += 1
            inner = text[i + 1 : j - 1] if depth == 0 else text[i + 1 : j]
            kind = {"(": "comment", "[": "literal", "<": "angle"}[c]
            tokens.append(_Token(kind, inner.strip()))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            tokens.append(_Token("quoted", text[i + 1 : j]))
            i = j + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in "(<":
                if text[j] == "[" and j > i:
                    break
                j += 1
            # a word may carry a literal, e.g. "[1.2.3.4]:25" is handled as literal + word
            tokens.append(_Token("word", text[i:j]))
            i = j
    return tokens


def _split_date(value: str) -> tuple[str, str | None]:
    """Split ``clauses ; date`` at the last top-level semicolon, or find the date by pattern."""
    depth_paren = 0
    depth_angle = 0
    last_semi = -1
    for i, ch in enumerate(value):
        if ch == "(":
            depth_paren += 1
        elif ch == ")" and depth_paren:
            depth_paren -= 1
        elif ch == "<" and not depth_paren:
            depth_angle += 1
        elif ch == ">" and depth_angle:
            depth_angle -= 1
        elif ch == ";" and not depth_paren and not depth_angle:
            last_semi = i
    if last_semi >= 0:
        clauses, date = value[:last_semi], value[last_semi + 1 :].strip()
        # "...prosecuted; (version=TLSv1/SSLv3 ...) Wed, 8 Mar 2017" : keep comments with clauses
        while date.startswith("("):
            close = _matching_paren(date)
            if close < 0:
                break
            clauses += " " + date[: close + 1]
            date = date[close + 1 :].strip()
        if date:
            return clauses, date
        # a trailing ";" with no date: look for one in the clause text
        value = clauses
    matches = list(_DATE_START.finditer(value))
    if matches:
        m = matches[-1]
        return value[: m.start()], value[m.start() :].strip()
    return value, None


def _matching_paren(text: str) -> int:
    depth = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _clauses(tokens: list[_Token]) -> tuple[list[_Clause], list[str]]:
    """Group tokens under the RFC 5321 keywords; a keyword counts once, the first time."""
    clauses: list[_Clause] = []
    leading: list[str] = []  # comments before any keyword, e.g. "(qmail 1 invoked from network)"
    seen: set[str] = set()
    current: _Clause | None = None
    for tok in tokens:
        if tok.kind == "word" and tok.text.lower() in _KEYWORDS and tok.text.lower() not in seen:
            current = _Clause(tok.text.lower())
            seen.add(current.keyword)
            clauses.append(current)
            continue
        if current is None:
            if tok.kind == "comment":
                leading.append(tok.text)
            else:
                current = _Clause("")
                clauses.append(current)
                current.words.append(_token_text(tok))
            continue
        if tok.kind == "comment":
            current.comments.append(tok.text)
        else:
            current.words.append(_token_text(tok))
    return clauses, leading


def _token_text(tok: _Token) -> str:
    if tok.kind == "literal":
        return f"[{tok.text}]"
    if tok.kind == "angle":
        return f"<{tok.text}>"
    if tok.kind == "quoted":
        return f'"{tok.text}"'
    return tok.text


def _host(word: str | None) -> str | None:
    """A host name as written, without a trailing dot; None for empty or placeholders."""
    if not word:
        return None
    w = word.strip().rstrip(".")
    return w or None


def _ip_from_words(text: str) -> str | None:
    """The first IP address in a comment: "[1.2.3.4]", "(1.2.3.4)", "[IPv6:...]", "[ip]:port"."""
    for lit in re.findall(r"\[([^\]]+)\]", text):
        ip = normalize_ip(lit)
        if ip:
            return ip
    for word in re.split(r"[\s,]+", text):
        ip = normalize_ip(word)
        if ip:
            return ip
    return None


def _parse_from(clause: _Clause, rec: dict[str, str | None], defects: list[Defect]) -> None:
    first = clause.words[0] if clause.words else None
    helo_word: str | None = None
    first_ip = normalize_ip(first) if first else None
    if first and not first_ip:
        helo_word = _host(first)

    explicit_helo: str | None = None
    rdns: str | None = None
    ip: str | None = None
    for comment in clause.comments:
        hm = _HELO_IN_COMMENT.search(comment)
        if hm and explicit_helo is None:
            explicit_helo = _host(hm.group(1).strip("[]")) or ""
        if ip is None:
            rm = _RDNS_AND_IP.search(comment)
            if rm:
                cand_ip = normalize_ip(rm.group(2))
                if cand_ip:
                    ip = cand_ip
                    name = _host(rm.group(1))
                    if name and name.lower() not in {"unknown", "helo", "ehlo"}:
                        rdns = name
            if ip is None and not hm:
                ip = _ip_from_words(comment)
                if ip is None:
                    # "(rdns)" alone, or "(unknown)"
                    word = comment.split()[0] if comment.split() else ""
                    if re.fullmatch(r"[A-Za-z0-9][\w.-]*\.[A-Za-z]{2,}\.?", word):
                        rdns = _host(word)
            elif ip is None and hm:
                rest = _HELO_IN_COMMENT.sub(" ", comment)
                ip = _ip_from_words(rest)

    if explicit_helo is not None:
        # qmail/IronPort/Exim: "from rdns (HELO helo) (ip)" or "from [ip] (helo=helo)"
        rec["from_helo"] = explicit_helo or None
        if helo_word and helo_word.lower() != "unknown" and rdns is None:
            rdns = helo_word
    else:
        rec["from_helo"] = helo_word
    if rdns is not None:
        rec["from_rdns"] = rdns
    rec["from_ip"] = ip or first_ip
    if first is None and not clause.comments:
        defects.append(_defect("empty-from", "The 'from' clause is empty."))
    elif rec["from_helo"] is None and rec["from_ip"] is None and rdns is None:
        defects.append(_defect("empty-helo", "The 'from' clause names no host and no address."))


def _parse_by(clause: _Clause, rec: dict[str, str | None], defects: list[Defect]) -> None:
    first = clause.words[0] if clause.words else None
    rec["by"] = _host(first)
    if rec["by"] is None:
        defects.append(_defect("empty-by", "The 'by' clause names no receiving host."))
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
    m = _SENDMAIL_VERSION.match(text)
    if m:
        rec["server_software"], rec["server_version"] = "Sendmail", m.group(1)
        return
    if re.match(r"^V8/", text):
        rec["server_software"] = "Sendmail"
        return
    if re.match(r"^Postfix\b", text, re.IGNORECASE):
        rec["server_software"] = "Postfix"
        return
    m = _SOFTWARE_VERSION.match(text)
    if m and m.group(1).lower() not in {"using", "version"}:
        rec["server_software"], rec["server_version"] = m.group(1), m.group(2)
        return
    if re.fullmatch(r"[A-Za-z][\w.-]{1,30}", text) and text.lower() not in {"unknown", "tls"}:
        rec["server_software"] = text


def _parse_with(clause: _Clause, rec: dict[str, str | None]) -> None:
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
    ms = re.search(r"Microsoft SMTPSVC\(([\d.]+)\)", joined, re.IGNORECASE)
    if ms:
        rec["server_software"], rec["server_version"] = "Microsoft SMTPSVC", ms.group(1)
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
        rec["tls_version"] = rec["tls_version"] or "TLS"
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


def _defect(code: str, message: str, severity: Severity = Severity.WARNING) -> Defect:
    return Defect(code=f"received.{code}", message=message, severity=severity)


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
        return Received(
            raw=raw, defects=(_defect("empty", "The Received field is empty.", Severity.ERROR),)
        )

    clause_text, date_text = _split_date(text)
    clauses, leading = _clauses(_tokenize(clause_text))
    by_kw = {c.keyword: c for c in clauses}

    for comment in leading:
        if _QMAIL.match(comment):
            rec["server_software"] = "qmail"

    if "with" in by_kw:
        _parse_with(by_kw["with"], rec)
    if "from" in by_kw:
        _parse_from(by_kw["from"], rec, defects)
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
        defects.append(
            _defect(
                "unknown-words",
                f"Text before the first clause keyword: {' '.join(by_kw[''].words)!r}.",
                Severity.INFO,
            )
        )

    all_comments = [c for cl in clauses for c in cl.comments]
    _tls_from_comments(all_comments, rec)

    # Exchange writes its build number as the id: "with Microsoft SMTP Server ... id 15.20.x.y"
    # and "with mapi id 15.02.1544.011".
    if rec["id"] and _EXCHANGE_BUILD.match(rec["id"]):
        proto = (rec["with_protocol"] or "").lower()
        if rec["server_software"] in {"Microsoft SMTP Server", None} or proto == "mapi":
            rec["server_version"] = rec["id"]
            if rec["server_software"] is None and proto == "mapi":
                rec["server_software"] = "Microsoft Exchange"
    if rec["server_software"] == "Microsoft SMTP Server":
        rec["with_protocol"] = "SMTP" if rec["with_protocol"] in {None, "Microsoft"} else rec[
            "with_protocol"
        ]

    if "from" not in by_kw and "by" not in by_kw:
        if rec["server_software"] == "qmail":
            defects.append(
                _defect("local", "qmail local injection: no 'from' or 'by' clause.", Severity.INFO)
            )
        else:
            defects.append(_defect("no-clauses", "Neither a 'from' nor a 'by' clause was found."))
    elif "by" not in by_kw:
        defects.append(_defect("no-by", "No 'by' clause: the receiving host is not named."))

    timestamp = None
    if date_text is None:
        defects.append(_defect("no-date", "The line carries no date."))
    else:
        timestamp, date_defect = parse_date(date_text)
        if date_defect is not None:
            defects.append(date_defect)

    return Received(
        raw=raw,
        from_helo=rec["from_helo"],
        from_rdns=rec["from_rdns"],
        from_ip=rec["from_ip"],
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
