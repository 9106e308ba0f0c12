"""What a receiver's SPF stamps say about the connecting client: its IP, sender, HELO and writer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from headerlens.model.core import HeaderField
from headerlens.parsers.received import normalize_ip

_IP = r"([0-9A-Fa-f:.]{1,45})"
# Every phrasing of an SPF stamp that names the client IP: Received-SPF's client-ip= (RFC 7208
# §9.1), Microsoft's "sender IP is", the "designates / does not designate / discourages use of
# IP as permitted sender" comments of Gmail, Microsoft, rspamd and pypolicyd-spf, "IP is neither
# permitted nor denied", pyspf's "IP is (not) authorized to use", and the smtp.remote-ip /
# smtp.client-ip properties of rspamd and Proton. The lookbehinds let a match start only where a
# run of address characters starts, and every run is bounded: without both, 60k digits cost a
# quadratic scan.
_SPF_IP_PATTERNS = (
    re.compile(r"client-ip=" + _IP, re.IGNORECASE),
    re.compile(r"sender IP is " + _IP, re.IGNORECASE),
    re.compile(r"(?:designates?|discourages use of) " + _IP + " as", re.IGNORECASE),
    re.compile(r"(?<![0-9A-Fa-f:.])" + _IP + " is neither permitted nor denied", re.I),
    # pyspf / spf-engine comments: "1.2.3.4 is (not) authorized to use 'a@b' in 'mfrom' identity"
    re.compile(r"(?<![0-9A-Fa-f:.])" + _IP + " is (?:not )?authori[sz]ed to use", re.I),
    re.compile(r"\bremote-ip=\[?" + _IP, re.IGNORECASE),
)
_SPF_IN_AR = re.compile(r"(?:^|[;\s])spf=\w+(?P<rest>[^;]*)", re.IGNORECASE)
_REMOTE_IP_AR = re.compile(r"\bsmtp\.(?:remote|client)-ip=\[?" + _IP, re.IGNORECASE)
_MAILFROM_AR = re.compile(r"smtp\.mailfrom=(\"[^\"]*\"|[^;\s)]*)", re.IGNORECASE)
_ENVFROM_RSPF = re.compile(r"envelope-from=(\"[^\"]*\"|[^;\s]*)", re.IGNORECASE)
_HELO_RSPF = re.compile(r"\bhelo=(\"[^\"]*\"|[^;\s]*)", re.IGNORECASE)
_DOMAIN_OF = re.compile(
    r"domain of (?:transitioning )?(\S+?) (?:designates|does not|discour)", re.I
)
_RECEIVER_RSPF = re.compile(r"\breceiver=([\w.-]+)", re.IGNORECASE)
_COMMENT_ID = re.compile(r"^\s*\w+\s*\(([\w.-]+\.[\w-]+)\s*:")
# Kept as pattern text, compiled on first use through re's own cache: the console's first frame
# does not read an ARC field's identity, so compiling it at import would only delay that frame.
_SIGNING_DOMAIN = r"(?:^|;)\s*d\s*=\s*([\w.-]+)\s*(?:;)"
_AUTHSERV = re.compile(r"^\s*([^\s;=()]+)\s*(?:\d+\s*)?;")
# ARC-Authentication-Results carries its instance first: "i=3; mx.example.org; ..." (RFC 8617
# §4.1.1). Pattern text compiled on first use, like the ARC signing-domain pattern above.
_ARC_AUTHSERV = r"^\s*i\s*=\s*\d+\s*;\s*([^\s;=()]+)\s*(?:\d+\s*)?;"


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a stamp says about the connecting client (Received-SPF or AR spf=)."""

    ip: str
    header_index: int
    mail_from: str | None
    helo: str | None
    source: str  # "Received-SPF" / "Authentication-Results"
    identity: str | None  # authserv-id / receiver= / the host naming itself in the comment


def _unquote(value: str | None) -> str | None:
    if value is None:
        return None
    v = value.strip().strip('"').strip()
    return v[1:-1] if v.startswith("<") and v.endswith(">") else v


def first_stated_ip(text: str) -> str | None:
    for pat in _SPF_IP_PATTERNS:
        m = pat.search(text)
        if m and normalize_ip(m.group(1)):
            return normalize_ip(m.group(1))
    return None


def stamp_identity(field: HeaderField) -> str | None:
    """Who a stamp says wrote it: the authserv-id of an Authentication-Results field (RFC 8601
    §2.5), or the receiver= / "(host: ...)" of a Received-SPF field; None when it says nothing.
    """
    if field.lname in ("received-spf", "x-tm-received-spf"):
        m = _RECEIVER_RSPF.search(field.value) or _COMMENT_ID.search(field.value)
    elif field.lname in ("arc-seal", "arc-message-signature"):
        m = re.search(_SIGNING_DOMAIN, field.value)
    elif field.lname == "arc-authentication-results":
        m = re.match(_ARC_AUTHSERV, field.value) or _AUTHSERV.match(field.value)
    else:
        m = _AUTHSERV.match(field.value)
    if m is None or "=" in m.group(1) or m.group(1).lower() in ("<unknown>", "unknown"):
        return None
    return m.group(1).strip().rstrip(".").lower() or None


def spf_evidence(headers: Sequence[HeaderField]) -> list[Evidence]:
    """Client IPs stated by Received-SPF (RFC 7208 §9.1) and AR spf= comments (RFC 8601)."""
    found: list[Evidence] = []
    for h in headers:
        lname = h.lname
        if lname == "received-spf":
            ip = first_stated_ip(h.value)
            if ip is None:
                continue
            env = _ENVFROM_RSPF.search(h.value)
            dom = _DOMAIN_OF.search(h.value)
            helo = _HELO_RSPF.search(h.value)
            mail_from = _unquote(env.group(1)) if env else (dom.group(1) if dom else None)
            found.append(
                Evidence(
                    ip,
                    h.index,
                    mail_from,
                    _unquote(helo.group(1)) if helo else None,
                    "Received-SPF",
                    stamp_identity(h),
                )
            )
        elif lname == "authentication-results":
            ident = stamp_identity(h)
            clauses = [(sm.group("rest"), True) for sm in _SPF_IN_AR.finditer(h.value)]
            remote = _REMOTE_IP_AR.search(h.value)
            if remote:
                clauses.append((remote.group(0), False))
            for rest, is_spf in clauses:
                ip = first_stated_ip(rest)
                if ip is None:
                    continue
                mf = _MAILFROM_AR.search(rest) if is_spf else None
                dom = _DOMAIN_OF.search(rest) if is_spf else None
                mail_from = _unquote(mf.group(1)) if mf else (dom.group(1) if dom else None)
                found.append(
                    Evidence(ip, h.index, mail_from, None, "Authentication-Results", ident)
                )
                break
    return found


def stated_client_ip(field: HeaderField) -> str | None:
    """The connecting IP a Received-SPF or Authentication-Results field says it checked."""
    found = spf_evidence((field,))
    return found[0].ip if found else None


# A stamp saying pass: what a sender gains by forging (a fail or none it would not plant).
# Yahoo writes dmarc=success for its pass (diagnosis/inputs.normal_result reads it so), and
# "bestguesspass" is read as no failure: a planted one of either is a pass too.
PASSING = frozenset({"pass", "success", "bestguesspass"})
_CLAIMS_PASS = re.compile(r"=\s*(?:pass|success|bestguesspass)\b", re.IGNORECASE)
_PASS_STAMPS = frozenset({"authentication-results", "arc-authentication-results"})


def is_pass(result: str) -> bool:
    """A stamped result that reads as a pass (see PASSING)."""
    return result.strip().lower() in PASSING


def claims_pass(f: HeaderField) -> bool:
    """The stamp says pass (Received-SPF "Pass ...", an AR or ARC-AR "x=pass")."""
    if f.lname == "received-spf":
        return f.value.strip().lower().startswith("pass")
    return f.lname in _PASS_STAMPS and _CLAIMS_PASS.search(f.value) is not None
