"""Narrow views of an Analysis that the detectors read: who wrote what, and the final verdicts.

Every detector asks these helpers instead of walking the headers itself, so the rule deciding
which fields the final receiving organisation wrote lives in one place.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from headerlens.model import (
    Analysis,
    AuthResults,
    Boundary,
    HeaderField,
    Hop,
    MethodResult,
)
from headerlens.model.received import Vendor
from headerlens.parsers.boundary_client import rdns_confirmed
from headerlens.parsers.dkimsig import dns_name_problem
from headerlens.parsers.hops import registrable_domain
from headerlens.parsers.received import normalize_ip
from headerlens.stamped import final_receiver_results

_SRS = re.compile(r"^(?:SRS[01][=+-]|[^@]*\+SRS=)", re.IGNORECASE)
_SRS0_DOMAIN = re.compile(r"^SRS0[=+-][^=]*=[^=]*=([^=@]+)=[^@]*@", re.IGNORECASE)
# libsrs2's SRS1 (a second forwarder re-wrapping an SRS0 address): SRS1=HHH=first-forwarder==
# HHH=TT=original-domain=local@second-forwarder; the original domain is the SRS0 part's third
_SRS1_DOMAIN = re.compile(r"^SRS1[=+-][^=]*=[^=@]+=[=+-][^=]*=[^=]*=([^=@]+)=[^@]*@", re.I)
_GMAIL_CAF = re.compile(r"\+caf_=", re.IGNORECASE)


def org(domain: str | None) -> str | None:
    """The registrable domain (the organisation) of a host or mail domain, lower case."""
    if not domain:
        return None
    return registrable_domain(domain.rsplit("@", 1)[-1].strip("<>. "))


def _bare(name: str | None) -> str:
    return (name or "").rsplit("@", 1)[-1].strip("<>. ").lower()


def same_org(a: str | None, b: str | None) -> bool:
    """Both names are in one organisation: the same registrable domain, or, for names that have
    none (one label such as ``correios``, a name that cannot be a domain), the same name."""
    oa, ob = org(a), org(b)
    if oa is not None or ob is not None:
        return oa == ob
    ba = _bare(a)
    return bool(ba) and ba == _bare(b) and normalize_ip(ba.strip("[]")) is None


def not_a_domain(domain: str | None) -> str | None:
    """Why a mail domain cannot be a real domain name (a single label such as ``correios``, or
    characters no host name has, such as ``%``), or None. Non-ASCII names (IDN) are not judged."""
    if not domain or not domain.isascii() or domain.startswith("["):
        return None
    problem = dns_name_problem(domain.rstrip("."), min_labels=2)
    return None if problem is None else problem.replace("is not a multi-label domain", "has no dot")


def plain_form(domain: str | None) -> str | None:
    """The ASCII domain a From domain written in compatibility look-alikes (mathematical bold,
    fullwidth letters) stands for: its NFKC form, which IDNA also applies before DNS. None when
    the domain is ASCII already or its NFKC form is not (a Cyrillic look-alike is another
    domain)."""
    if not domain or domain.isascii():
        return None
    mapped = unicodedata.normalize("NFKC", domain).lower()
    return mapped if mapped.isascii() and mapped != domain.lower() else None


def fields(analysis: Analysis, *names: str) -> Iterator[HeaderField]:
    """The fields with any of ``names`` (lower case), top-most first."""
    want = frozenset(names)
    return (f for f in analysis.headers if f.lname in want)


def first(analysis: Analysis, name: str) -> str | None:
    return next((f.value for f in fields(analysis, name)), None)


# an address as written in To/Cc; group 1 is its domain
ADDRESS = re.compile(r"[\w.+=-]+@([\w-]+(?:\.[\w-]+)+)")


def addressed_at(analysis: Analysis, site: str) -> str | None:
    """The first To/Cc address whose organisation is ``site``, as written."""
    return next(
        (
            m.group(0)
            for f in fields(analysis, "to", "cc")
            for m in ADDRESS.finditer(f.value)
            if org(m.group(1)) == site
        ),
        None,
    )


def entry(analysis: Analysis) -> Boundary | None:
    """Where the message entered the final receiving organisation (the chain's boundary, which
    the receiver's own evidence decides: parsers/boundary)."""
    return analysis.chain.boundary


TRUSTED_HOST_FIX = (
    "Run again listing the receiving organisation's own mail hosts and the addresses they use "
    "between them, e.g. --trusted-host 'mx*.fabrikam.com,10.0.0.0/8' (never the address of a "
    "NAT or proxy in front of the MX): only listed hosts then continue the receiver's trace. "
    "Until then, trust the verdicts the receiver stamped, not this replay."
)


def boundary_hop(analysis: Analysis) -> Hop | None:
    b = entry(analysis)
    if b is None:
        return None
    return next((h for h in analysis.chain.hops if h.number == b.hop_number), None)


def confirmed_rdns(hop: Hop | None) -> str | None:
    """The reverse-DNS name the receiver confirmed for ``hop``'s client (parsers/boundary), or
    Gmail's (it refuses senders whose reverse DNS does not resolve forward to their address:
    5.7.25); None when the line shows only a claim: the PTR of an address is its owner's to
    set, so a name nobody checked forward (Sendmail's "may be forged", qmail) proves nothing."""
    if hop is None or not (rdns_confirmed(hop.received) or hop.vendor is Vendor.GMAIL):
        return None
    return hop.received.from_rdns


def receiver_line(analysis: Analysis) -> int:
    """Header index of the final receiving organisation's entry line: fields above it (a lower
    index) were written by that organisation; fields below were there when it received the
    message (the sender's side, an intermediary, or forged)."""
    hop = boundary_hop(analysis)
    if hop is not None:
        return hop.header_index
    tops = [h.header_index for h in analysis.chain.hops]
    return max(tops) if tops else len(analysis.headers)


def by_receiver(analysis: Analysis, header_index: int) -> bool:
    """True when the final receiving organisation wrote the field at ``header_index``, as the
    field attribution of analyze() (parsers/provenance) says; without one (an Analysis built by
    hand), when it sits above the receiver's entry line."""
    prov = analysis.provenance
    if prov.fields:
        # parsers/provenance already sets aside what sits in Exchange's incoming bracket
        return prov.is_receivers(header_index)
    return header_index < receiver_line(analysis)


def receiver_fields(analysis: Analysis, *names: str) -> list[HeaderField]:
    return [f for f in fields(analysis, *names) if by_receiver(analysis, f.index)]


def normal_result(result: str) -> str:
    """A stamped result lower-cased, with Yahoo's ``unknown`` (its dkim= for an unsigned message,
    its dmarc= when the From domain publishes no policy) read as RFC 8601's ``none``, and its
    ``success`` (dmarc=success(p=REJECT) where DKIM passed aligned for yahoo.com: deltachat's
    yahoo_ndn and aol_ndn copies) as ``pass``."""
    value = result.lower()
    return {"unknown": "none", "success": "pass"}.get(value, value)


@dataclass(frozen=True, slots=True)
class Stamp:
    """The final receiver's result for one method, with the field it came from."""

    result: MethodResult
    field: AuthResults

    @property
    def value(self) -> str:
        return normal_result(self.result.result)

    def quote(self) -> str:
        r = self.result
        props = " ".join(f"{p.ptype}.{p.name}={p.value}" for p in r.properties[:2])
        extra = " ".join(f"{k}={v}" for k, v in r.extras if k.lower() == "action")
        reason = f" reason={r.reason}" if r.reason else ""
        who = self.field.authserv_id or "no authserv-id"
        text = " ".join(x for x in (f"{r.method}={r.result}{reason}", extra, props) if x)
        return f"{self.field.header_name} ({who}): {text}"


def receiver_auth(analysis: Analysis, ar: AuthResults) -> bool:
    """An Authentication-Results field is the final receiver's when it sits above the entry
    line, or when it was credited to the entry hop or a later one (Gmail writes its fields
    just below its Received line), or when its authserv-id is in the receiver's organisation
    and no hop before the entry was handled by that organisation (Proton writes its fields
    below the whole trace block)."""
    if by_receiver(analysis, ar.header_index):
        return True
    b = entry(analysis)
    if b is None:
        return False
    if ar.stamped_by_hop is not None and ar.stamped_by_hop >= b.hop_number:
        return True
    if ar.authserv_id and same_org(ar.authserv_id, b.receiver):
        earlier = [h for h in analysis.chain.hops if h.number < b.hop_number]
        return not any(same_org(h.received.by, b.receiver) for h in earlier)
    return False


def final_stamps(analysis: Analysis) -> list[Stamp]:
    """Every method result the final receiving organisation wrote."""
    out: list[Stamp] = []
    for ar in final_receiver_results(analysis):
        if receiver_auth(analysis, ar):
            out += [Stamp(r, ar) for r in ar.results]
    return out


def receiver_auth_indices(analysis: Analysis) -> frozenset[int]:
    """Header indices of the authentication fields the final receiver wrote."""
    return frozenset(
        a.header_index for a in analysis.auth_results if receiver_auth(analysis, a)
    ) | frozenset(
        r.header_index
        for r in analysis.received_spf
        if r.stamped_by_hop is not None
        and (b := entry(analysis)) is not None
        and r.stamped_by_hop >= b.hop_number
    )


def stamp(analysis: Analysis, method: str) -> Stamp | None:
    return next((s for s in final_stamps(analysis) if s.result.method.lower() == method), None)


def stamps(analysis: Analysis, method: str) -> list[Stamp]:
    return [s for s in final_stamps(analysis) if s.result.method.lower() == method]


def envelope(analysis: Analysis) -> str | None:
    """The envelope sender as the final receiver saw it (its boundary, else Return-Path)."""
    b = entry(analysis)
    if b is not None and b.mail_from:
        return b.mail_from
    rp = analysis.return_path
    return rp.address if rp is not None else None


def envelopes(analysis: Analysis) -> list[str]:
    """Every envelope sender the receiver recorded: its boundary's and the Return-Path."""
    rp = analysis.return_path.address if analysis.return_path else None
    return [e for e in dict.fromkeys((envelope(analysis), rp)) if e]


def is_srs(address: str | None) -> bool:
    """A rewritten envelope sender: SRS0=/SRS1= (RFC-less de facto scheme), Exchange Online's
    ``+SRS=`` and Gmail's ``+caf_=`` forwarding address."""
    if not address:
        return False
    local = address.rsplit("@", 1)[0]
    return bool(_SRS.search(local + "@") or _GMAIL_CAF.search(local))


def srs_original_domain(address: str | None) -> str | None:
    """The original sender's domain encoded in an SRS0 or SRS1 address, or Exchange's
    ``=domain=`` form."""
    if not address:
        return None
    m = _SRS0_DOMAIN.match(address) or _SRS1_DOMAIN.match(address)
    if m:
        return m.group(1).lower()
    local = address.rsplit("@", 1)[0]
    if "+SRS=" in local.upper():
        parts = local.split("=")
        if len(parts) >= 5 and "." in parts[3]:
            return parts[3].lower()
    return None


# SMTP AUTH as older MTAs write it in their own line: Sendmail "(authenticated bits=0)",
# "(authenticated (0 bits))" (its $?{auth_type} macro), Critical Path "(authenticated as
# user)", CommuniGate "(account user@example.edu ...)", Courier "(AUTH: LOGIN user, ...)"
# (the shapes SpamAssassin's Received parser reads as auth=), and qmail's SMTP-AUTH patches,
# which put the signed-in account where the ident name goes: "(user@example.com@[192.0.2.1])",
# "(Authenticated_SSL:user@[192.0.2.1])"
_OLD_AUTH = re.compile(
    r"\(authenticated(?:\s+bits=\d+|\s+\(\d+\s+bits\)|\s+as\s+[^()\s]+)?\)"
    r"|\(AUTH:\s*\w+\s|\(account\s+[^\s()@]+@[\w.-]+[\s)]"
    r"|\(Authenticated(?:_SSL)?:[^\s()]+@\[[0-9a-f.:]+\]\)"
    r"|\([^\s()@]+@[\w-]+(?:\.[\w-]+)+@\[[0-9a-f.:]+\]\)",
    re.IGNORECASE,
)
_QMAIL_AUTH = re.compile(
    r"\((?:Authenticated(?:_SSL)?:)?([^\s():@]+@[\w-]+(?:\.[\w-]+)+)@\[[0-9a-f.:]+\]\)", re.I
)


def submission_hops(analysis: Analysis) -> list[Hop]:
    """Hops where a client authenticated (ESMTPA/ESMTPSA, "Authenticated sender"; a webmail's
    own line for a signed-in user: SquirrelMail's "(SquirrelMail authenticated user NAME) by
    webmail.example with HTTP"; Sendmail's, Courier's and qmail's own marks, _OLD_AUTH)."""
    out = []
    for hop in analysis.chain.hops:
        proto = (hop.received.with_protocol or "").upper()
        raw = hop.received.raw.lower()
        if (
            (proto.endswith("A") and "SMTP" in proto)
            or "authenticated sender" in raw
            or (proto.startswith("HTTP") and "authenticated user" in raw)
            or _OLD_AUTH.search(hop.received.raw)
        ):
            out.append(hop)
    return out


_AUTH_SENDER = re.compile(r"\(Authenticated sender:\s*([^\s()]+@[\w.-]+)\)", re.IGNORECASE)
# cPanel's Exim: "X-Authenticated-Sender: HOST: user@dom", "X-Get-Message-Sender-Via: HOST:
# authenticated_id: user@dom"
_CPANEL_AUTH = re.compile(r"\s*([\w.-]+):\s*(?:authenticated_id:\s*)?([^\s@]+@[\w.-]+)")


def submitted_account(analysis: Analysis, hop: Hop) -> tuple[str, str] | None:
    """The account that authenticated at submission hop ``hop`` and where it is written:
    Postfix's "(Authenticated sender: a@b)" in the hop's line, or cPanel's X-Authenticated-Sender
    / X-Get-Message-Sender-Via naming that hop's server. Both are the sending side's text."""
    m = _AUTH_SENDER.search(hop.received.raw) or _QMAIL_AUTH.search(hop.received.raw)
    if m:
        return m.group(1), f"hop {hop.number}'s Received line"
    by = (hop.received.by or "").lower()
    for f in fields(analysis, "x-authenticated-sender", "x-get-message-sender-via"):
        c = _CPANEL_AUTH.match(f.value)
        if c and by and c.group(1).lower() == by:
            return c.group(2), f.name
    return None


def foreign_account(analysis: Analysis, hop: Hop) -> str | None:
    """The account that authenticated at ``hop`` belongs to another organisation than the From
    domain: the From domain's own mail system did not send it."""
    dom = analysis.from_addr.domain if analysis.from_addr else None
    acct = submitted_account(analysis, hop)
    if not dom or acct is None or same_org(acct[0], dom):
        return None
    return f"the account that authenticated is {acct[0]} ({acct[1]}), not one of {dom}"
