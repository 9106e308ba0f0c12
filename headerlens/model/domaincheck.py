"""Result types of ``headerlens check DOMAIN``: published SPF, DKIM selectors and DMARC."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from headerlens.model.core import Defect
from headerlens.model.dcmethods import ModelMethods
from headerlens.model.dns import DnsRecord
from headerlens.model.mailrouting import DnsblCheck, DnssecCheck, MxCheck, PolicyCheck
from headerlens.model.spf import SpfRecord, SpfResult
from headerlens.model.verdicts import DkimKey, DmarcRecord, OrgDomain


class SpfNodeState(enum.Enum):
    """What was found at one name of the SPF include/redirect tree."""

    OK = "ok"  # exactly one SPF record, followed
    NO_RECORD = "no record"  # the name exists but publishes no SPF record
    NXDOMAIN = "nxdomain"  # the name does not exist
    MULTIPLE = "multiple records"  # more than one SPF record: permerror (RFC 7208 §4.5)
    DNS_ERROR = "dns error"  # SERVFAIL, timeout, offline...: temperror
    MACRO = "macro"  # the target depends on the sender (%{...}): not followed
    LOOP = "loop"  # the name is already on the path above: not followed again
    NOT_FOLLOWED = "not followed"  # the walk's size guard stopped here
    TOO_LARGE = "too large"  # the record is over the SPF record size budget: not parsed


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class SpfNode(ModelMethods):
    """One record in the include/redirect tree, with the DNS answer that holds it.

    ``via`` is the term that led here (``include:spf.protection.outlook.com``, ``redirect=x``;
    "" for the domain's own record). ``dns_terms`` counts this record's own DNS-querying terms
    (include, a, mx, ptr, exists, redirect: RFC 7208 §4.6.4); ``subtree_terms`` adds those of
    every record below it. ``void_lookups`` counts this record's a/mx/exists lookups that
    returned no answer; ``term_evidence`` holds those lookups.
    """

    domain: str
    via: str
    state: SpfNodeState
    evidence: DnsRecord | None = None
    record: SpfRecord | None = None
    children: tuple[SpfNode, ...] = ()
    dns_terms: int = 0
    subtree_terms: int = 0
    void_lookups: int = 0
    term_evidence: tuple[DnsRecord, ...] = ()
    problems: tuple[Defect, ...] = ()


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class SpfRange(ModelMethods):
    """One ip4/ip6 network listed somewhere in the tree, and where."""

    network: str
    term: str
    domain: str
    path: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class SpfCheck(ModelMethods):
    """The domain's SPF as published: tree, counts against the RFC 7208 §4.6.4 limits, problems.

    ``limit_result`` is "permerror" when the whole tree needs more than 10 DNS-querying terms
    or more than 2 void lookups: a sending IP that matches nothing earlier gets that result.
    ``ip_result`` is check_host() for ``--ip`` (None without it).
    """

    domain: str
    tree: SpfNode
    dns_terms: int
    void_lookups: int
    limit_result: str | None = None
    ranges: tuple[SpfRange, ...] = ()
    includes: tuple[str, ...] = ()  # every include/redirect target in the tree, in walk order
    ip_result: SpfResult | None = None
    problems: tuple[Defect, ...] = ()
    evidence: tuple[DnsRecord, ...] = ()


class SelectorState(enum.Enum):
    """What DNS says about one DKIM selector name."""

    PRESENT = "present"  # a usable key
    MISSING = "missing"  # no record and no CNAME at the selector name
    CNAME_TARGET_MISSING = "cname to missing target"  # a CNAME whose target holds no key
    NO_KEY = "no key"  # the name answers, but no DKIM key record
    REVOKED = "revoked"  # p= is empty
    BAD_KEY = "bad key"  # a key record that cannot be used (syntax, size, type...)
    DNS_ERROR = "dns error"  # the lookup failed: state unknown


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class PublishRecord(ModelMethods):
    """A DNS record to publish, as the provider's portal asks for it."""

    name: str
    rdtype: str
    value: str
    note: str = ""

    def zone_line(self) -> str:
        """``name TYPE value`` (TXT values quoted), ready for a zone file."""
        value = f'"{self.value}"' if self.rdtype == "TXT" else self.value
        return f"{self.name} {self.rdtype} {value}"


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class SelectorCheck(ModelMethods):
    """One DKIM selector: ``<selector>._domainkey.<domain>`` (RFC 6376 §3.6.2.1).

    ``cname_chain`` lists the names followed from the selector name to the key (empty when
    the key is published directly); ``cname_target`` is the selector's own CNAME, if any.
    """

    selector: str
    name: str
    state: SelectorState
    cname_chain: tuple[str, ...] = ()
    cname_target: str | None = None
    key: DkimKey | None = None
    publish: tuple[PublishRecord, ...] = ()
    problems: tuple[Defect, ...] = ()
    evidence: tuple[DnsRecord, ...] = ()


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class DmarcTagCheck(ModelMethods):
    """One DMARC tag as published and what it means; ``problem`` is None when it is fine."""

    tag: str
    value: str | None
    meaning: str
    problem: Defect | None = None


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class ReportDestination(ModelMethods):
    """One rua/ruf address and whether it may receive reports (RFC 7489 §7.1).

    ``external`` is True when the address's organisational domain differs from the policy
    domain's; then ``auth_name`` (``<policy-domain>._report._dmarc.<dest-domain>``) must hold
    a ``v=DMARC1`` TXT record, and ``authorised`` says whether it does (None when unknown).
    """

    tag: str
    uri: str
    address: str
    domain: str
    external: bool
    auth_name: str | None = None
    authorised: bool | None = None
    evidence: DnsRecord | None = None


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class DmarcCheck(ModelMethods):
    """The DMARC policy that governs the domain, found by the RFC 9989 §4.10 tree walk."""

    domain: str
    record: DmarcRecord | None = None
    record_domain: str | None = None
    org_domain: OrgDomain | None = None
    tags: tuple[DmarcTagCheck, ...] = ()
    destinations: tuple[ReportDestination, ...] = ()
    reading: tuple[str, ...] = ()
    problems: tuple[Defect, ...] = ()
    evidence: tuple[DnsRecord, ...] = ()


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class DomainCheck(ModelMethods):
    """Everything ``headerlens check DOMAIN`` found, with every DNS answer it used."""

    domain: str
    spf: SpfCheck | None
    dkim: tuple[SelectorCheck, ...]
    dmarc: DmarcCheck | None
    provider: str | None = None
    ip: str | None = None
    resolver: str = ""
    advice: tuple[Defect, ...] = ()
    notes: tuple[str, ...] = ()
    dns_log: tuple[DnsRecord, ...] = ()
    mx: MxCheck | None = None
    dnsbl: DnsblCheck | None = None
    policies: tuple[PolicyCheck, ...] = ()
    dnssec: DnssecCheck | None = None
    records: tuple[str, ...] = ()  # every record to publish, as it must be typed (zone-file form)
