"""Result types of the domain check's inbound side: MX routing, blocklists, MTA-STS/TLS-RPT/BIMI, DNSSEC."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from headerlens.model.core import Defect
from headerlens.model.dcmethods import ModelMethods
from headerlens.model.dns import DnsRecord


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class MxHost(ModelMethods):
    """One MX record: preference, exchange, its addresses, and whether it is the provider's gateway.

    ``gateway`` is None when no provider was named (nothing to compare with).
    """

    preference: int
    host: str
    addresses: tuple[str, ...] = ()
    gateway: bool | None = None
    evidence: tuple[DnsRecord, ...] = ()
    problems: tuple[Defect, ...] = ()


class MxState(enum.Enum):
    """What the MX query found."""

    OK = "ok"  # one or more MX records
    NULL = "null MX"  # "0 ." — the domain accepts no mail (RFC 7505)
    IMPLICIT = "no MX"  # no MX: senders fall back to the domain's A/AAAA (RFC 5321 §5.1)
    NXDOMAIN = "nxdomain"
    DNS_ERROR = "dns error"


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class MxCheck(ModelMethods):
    """Where inbound mail for the domain goes, and what the provider needs (``expected``)."""

    domain: str
    state: MxState
    hosts: tuple[MxHost, ...] = ()
    expected: tuple[str, ...] = ()  # MX host names (or patterns) the provider documents
    publish: str | None = None  # the exact record to publish when the MX is wrong
    problems: tuple[Defect, ...] = ()
    evidence: tuple[DnsRecord, ...] = ()


class DnsblState(enum.Enum):
    """One blocklist's answer for one IP."""

    LISTED = "listed"
    NOT_LISTED = "not listed"
    REFUSED = "query refused"  # the operator's "you may not query this way" codes: not a listing
    ERROR = "dns error"


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class DnsblResult(ModelMethods):
    """The answer of one DNS blocklist zone for the IP, each return code with its meaning."""

    zone: str
    query: str
    state: DnsblState
    codes: tuple[str, ...] = ()
    meanings: tuple[str, ...] = ()
    reason: str = ""  # the list's TXT explanation, when it gives one
    evidence: tuple[DnsRecord, ...] = ()


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class DnsblCheck(ModelMethods):
    """Blocklist look-ups for one IP."""

    ip: str
    results: tuple[DnsblResult, ...] = ()


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class PolicyCheck(ModelMethods):
    """One of MTA-STS, TLS-RPT, BIMI: the record found (or None), in plain words, problems."""

    kind: str  # "MTA-STS", "TLS-RPT", "BIMI"
    name: str  # the DNS name asked
    record: str | None
    words: tuple[str, ...] = ()
    problems: tuple[Defect, ...] = ()
    evidence: tuple[DnsRecord, ...] = ()


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class DnssecCheck(ModelMethods):
    """Is the zone signed (DNSKEY at the domain, DS at the parent), and did the resolver validate.

    ``validated`` is the AD bit of the DNSKEY answer: True only from a validating resolver; None
    when there was no answer to judge.
    """

    domain: str
    dnskeys: int
    ds: int
    validated: bool | None
    words: tuple[str, ...] = ()
    problems: tuple[Defect, ...] = ()
    evidence: tuple[DnsRecord, ...] = ()
