"""Organisational domains: Public Suffix List (RFC 7489 §3.2) and DNS tree walk (RFC 9989 §4.10)."""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass, field

from publicsuffixlist import PSLFILE, PublicSuffixList

from headerlens import budgets
from headerlens.dnsclient.dnsproto import Resolver
from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.model.dns import DnsRecord
from headerlens.model.verdicts import DmarcRecord, OrgDomain
from headerlens.parsers.dmarcrecord import is_dmarc_record, parse_dmarc_record

MAX_WALK_QUERIES = int(budgets.DMARC_WALK_QUERIES.limit)  # RFC 9989 §4.10: eight per walk


@functools.cache
def _psl(punycode: bool) -> PublicSuffixList:
    """The bundled Public Suffix List, loaded once per kind.

    With ``punycode`` the list also holds the A-label form of every IDN rule; computing those
    (IDNA ToASCII on several hundred rules) is two thirds of the load time, about 35 ms per
    process. Only a name with an ``xn--`` label can match such a rule, so other names use the
    list without them and get the same answer.
    """
    with open(PSLFILE, "rb") as fh:
        text = fh.read().decode("utf-8")
    # A third of the bundled list is comments and blank lines, which the library's parser
    # decodes and splits one by one in Python; handing it only the rule lines (which it then
    # parses exactly as before) takes the load from ~18 to ~12 ms per process.
    rules = [line for line in text.splitlines() if line and not line.startswith("//")]
    return PublicSuffixList(rules, accept_encoded_idn=punycode)


def normalize(domain: str) -> str:
    """Lower-case, no trailing dot."""
    return domain.strip().rstrip(".").lower()


def psl_org_domain(domain: str) -> str | None:
    """The registrable domain by the Public Suffix List, or None for a public suffix itself."""
    name = normalize(domain)
    if not name:
        return None
    punycode = any(label.startswith("xn--") for label in name.split("."))
    result = _psl(punycode).privatesuffix(name)
    return str(result) if result else None


def walk_names(domain: str) -> tuple[str, ...]:
    """The names the RFC 9989 §4.10 tree walk queries, from ``domain`` upwards.

    The domain itself first; then, if it has more than seven labels, straight to its seven
    right-most labels; then one label fewer each time, down to the single top-level label.
    That bounds the walk at eight queries however deep the name is.
    """
    labels = normalize(domain).split(".")
    if not labels or labels == [""]:
        return ()
    names = [".".join(labels)]
    for count in range(min(len(labels) - 1, MAX_WALK_QUERIES - 1), 0, -1):
        names.append(".".join(labels[-count:]))
    return tuple(names)


@dataclass(frozen=True, slots=True)
class PolicyAt:
    """What ``_dmarc.<name>`` holds: the answer and the one valid DMARC record, if exactly one."""

    name: str
    evidence: DnsRecord
    record: DmarcRecord | None
    multiple: bool = False

    @property
    def temp_error(self) -> bool:
        """True when the lookup failed temporarily (the walk's outcome is uncertain)."""
        return not self.evidence.answered


@dataclass
class DmarcLookups:
    """Memoised ``_dmarc`` TXT lookups for one evaluation: every walk shares one answer per name."""

    resolver: Resolver
    _tasks: dict[str, asyncio.Task[PolicyAt]] = field(default_factory=dict)

    def at(self, name: str) -> asyncio.Task[PolicyAt]:
        """Start (once) and return the lookup for ``_dmarc.<name>``."""
        key = normalize(name)
        if key not in self._tasks:
            self._tasks[key] = asyncio.ensure_future(self._fetch(key))
        return self._tasks[key]

    async def _fetch(self, name: str) -> PolicyAt:
        rec = await self.resolver.query(f"_dmarc.{name}", "TXT")
        texts = [a for a in rec.answers if is_dmarc_record(a)]
        if len(texts) == 1:
            return PolicyAt(name, rec, parse_dmarc_record(texts[0]))
        return PolicyAt(name, rec, None, multiple=len(texts) > 1)

    async def walk(self, domain: str) -> tuple[PolicyAt, ...]:
        """All the walk's lookups for ``domain``, issued concurrently, in walk order."""
        return tuple(await asyncio.gather(*(self.at(n) for n in walk_names(domain))))

    @property
    def evidence(self) -> tuple[DnsRecord, ...]:
        """Every DMARC lookup made so far (finished ones), in the order first asked."""
        return tuple(t.result().evidence for t in self._tasks.values() if t.done())


def tree_walk_org(domain: str, steps: tuple[PolicyAt, ...]) -> tuple[str, str]:
    """The organisational domain from the walk's answers, and why (RFC 9989 §4.10.2).

    A record with psd=n marks its own domain as the organisational domain; psd=y (on a record
    above the starting name) marks a public suffix, so the organisational domain is the name
    one label below it. Otherwise the valid record with the fewest labels wins; with no record
    at all, the domain is its own.
    """
    name = normalize(domain)
    labels = name.split(".")
    fewest: str | None = None
    for step in steps:
        rec = step.record
        if rec is None:
            continue
        if rec.psd == "n":
            return step.name, f"_dmarc.{step.name} says psd=n (organisational domain)."
        if rec.psd == "y" and step.name != name:
            # RFC 9989 §4.10.2 step 2 applies psd=y to records other than the one where the
            # walk started: a domain that calls itself a public suffix is still a candidate
            depth = len(step.name.split(".")) + 1
            org = ".".join(labels[-depth:]) if depth <= len(labels) else name
            return org, f"_dmarc.{step.name} says psd=y (a public suffix), so the name below it."
        fewest = step.name
    if fewest is not None:
        return fewest, f"_dmarc.{fewest} is the highest DMARC record on the walk."
    return name, "No DMARC record anywhere on the walk, so the domain is its own."


async def org_domain(domain: str, lookups: DmarcLookups) -> OrgDomain:
    """Both organisational domains of ``domain``, with the walk's DNS evidence."""
    return org_from_walk(domain, await lookups.walk(domain))


def org_from_walk(domain: str, steps: tuple[PolicyAt, ...]) -> OrgDomain:
    """Both organisational domains of ``domain`` from its finished walk."""
    org, why = tree_walk_org(domain, steps)
    if any(s.temp_error for s in steps):
        why += " Some lookups failed, so this may be incomplete."
    return OrgDomain(
        domain=normalize(domain),
        psl=psl_org_domain(domain),
        tree_walk=org,
        walk_reason=why,
        evidence=tuple(s.evidence for s in steps),
    )


def unwalked_org(step: PolicyAt) -> OrgDomain:
    """The organisational domain of a From domain whose own record was found and whose walk
    upwards was skipped because no passing identifier differs from it (alignment is then
    decided by equality alone, RFC 9989 §4.4, so the walk could not change the result)."""
    return OrgDomain(
        domain=step.name,
        psl=psl_org_domain(step.name),
        tree_walk=step.name,
        walk_reason=(
            f"Not walked above _dmarc.{step.name}: the record is at the From domain and no "
            "passing identifier other than the From domain itself could share its "
            "organisational domain, so that cannot change the result."
        ),
        evidence=(step.evidence,),
        walked=False,
    )


def could_share_org(a: str, b: str) -> bool:
    """False when ``a`` and ``b`` cannot have the same organisational domain by any method:
    one is always the name itself or a parent of it, so they need a common top-level label."""
    return normalize(a).rpartition(".")[2] == normalize(b).rpartition(".")[2]


def is_within(name: str, ancestor: str) -> bool:
    """True when ``name`` is ``ancestor`` or a name below it (label-wise)."""
    name, ancestor = normalize(name), normalize(ancestor)
    return name == ancestor or name.endswith("." + ancestor)


def disagreement(org: OrgDomain) -> Defect | None:
    """A finding when the Public Suffix List and the DNS tree walk disagree."""
    if org.agree:
        return None
    return Defect(
        Code.DMARC_ORGDOMAIN_DISAGREE,
        f"Organisational domain of {org.domain}: the DNS tree walk (RFC 9989) says "
        f"{org.tree_walk}, the Public Suffix List (RFC 7489) says {org.psl or '(a public suffix)'}."
        " Receivers using different methods may align differently.",
        Severity.INFO,
    )
