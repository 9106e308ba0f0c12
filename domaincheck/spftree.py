"""Walk a domain's whole SPF include/redirect tree and count it against RFC 7208 §4.6.4 limits.

check_host() (evaluators/spf.py) stops at the first matching term, so it cannot tell an admin
what the *worst* case costs. This walk follows every include and redirect regardless of any
client IP, counts every DNS-querying term and void lookup, and lists every ip4/ip6 range, so
"11 terms: permerror for any IP not matched before the 11th" can be said before mail fails.
"""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass, field

from headerlens import budgets
from headerlens.dnsclient.dnsproto import Resolver
from headerlens.evaluators.spf import evaluate_spf
from headerlens.evaluators.spf_eval import MAX_DNS_TERMS, MAX_VOID_LOOKUPS
from headerlens.evaluators.spf_macro import finish_target, private_macros
from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.model.dns import DnsRecord, Rcode
from headerlens.model.domaincheck import SpfCheck, SpfNode, SpfNodeState, SpfRange
from headerlens.model.spf import MacroToken, SpfMechanism, SpfRecord
from headerlens.parsers.spfrecord import is_spf_version, oversized_record, parse_spf_record

MAX_TREE_RECORDS = int(budgets.SPF_TREE_RECORDS.limit)
MAX_OVERLAP_FINDINGS = int(budgets.SPF_OVERLAPS_LISTED.limit)
# The parser's per-record remarks that the whole-tree checks below restate with more context.
_TREE_CODES = frozenset({Code.SPF_PASS_ALL, Code.SPF_TOO_MANY_LOOKUPS})


def _plain(spec: str | None, tokens: tuple[MacroToken, ...]) -> str | None:
    """The query name of a macro-free domain-spec, "" when it holds macros."""
    if spec is None:
        return None
    if not all(isinstance(t, str) for t in tokens):
        return ""
    return finish_target(spec) or ""


def _void(record: DnsRecord) -> bool:
    """NXDOMAIN or NODATA: a void lookup (§4.6.4)."""
    return record.rcode == Rcode.NXDOMAIN or record.nodata


def _loop(domain: str, via: str, path: tuple[str, ...]) -> Defect | None:
    """F2: ``domain`` is already on ``path`` (the domains above it): name the cycle.

    Names compare case-insensitively and without a trailing dot. RFC 7208 has no loop rule;
    an evaluator goes round the cycle until the 10-term limit of §4.6.4 (permerror).
    """
    key = domain.lower().rstrip(".")
    above = [p.lower().rstrip(".") for p in path]
    if key not in above:
        return None
    start = len(above) - 1 - above[::-1].index(key)
    cycle = " → ".join([*above[start:], key])
    return Defect(
        Code.SPF_LOOP,
        f"{via} in the SPF record of {above[-1]} points back to {key}, already above it: loop "
        f"{cycle}. Evaluation goes round it until the limit of {MAX_DNS_TERMS} DNS-querying "
        "terms (RFC 7208 §4.6.4): permerror for any IP not matched before the loop. Remove "
        f"{via} from {above[-1]}.",
        Severity.ERROR,
    )


def _local_part_note(term: str, tokens: tuple[MacroToken, ...], domain: str) -> list[Defect]:
    """H6: a term whose query name carries the sender's local part (RFC 7208 §11.6)."""
    if not private_macros(tokens):
        return []
    return [
        Defect(
            Code.SPF_MACRO_LOCAL_PART,
            f"{term} in the SPF record of {domain} puts the sender's local part into a DNS "
            "query name: whoever serves that name learns which sender address each check is "
            "for, and when (RFC 7208 §11.6).",
            Severity.WARNING,
        )
    ]


@dataclass
class _Walk:
    """Shared state of one tree walk: the resolver and how many records were fetched."""

    resolver: Resolver
    fetched: int = 0
    void_terms: int = 0  # a/mx/exists terms whose void lookups were made
    skipped_terms: int = 0  # ... and those past the §4.6.4 term limit, never looked up
    evidence: list[DnsRecord] = field(default_factory=list)

    async def ask(self, name: str, rdtype: str) -> DnsRecord:
        record = await self.resolver.query(name, rdtype)
        self.evidence.append(record)
        return record

    async def term_voids(self, mech: SpfMechanism, domain: str) -> tuple[int, list[DnsRecord]]:
        """Void lookups a/mx/exists would make, whatever the client IP (ptr depends on it)."""
        target = _plain(mech.domain_spec, mech.macro) if mech.domain_spec else domain
        if not target or mech.name not in ("a", "mx", "exists"):
            return 0, []
        if self.void_terms >= MAX_DNS_TERMS:
            # An evaluator stops at the 10th DNS-querying term (RFC 7208 §4.6.4): a record of
            # 500 a:victim.example terms made 7,000 queries to a third party's servers.
            self.skipped_terms += 1
            return 0, []
        self.void_terms += 1
        if mech.name == "mx":
            recs = [await self.ask(target, "MX")]
            return int(_void(recs[0])), recs
        if mech.name == "exists":
            recs = [await self.ask(target, "A")]
            return int(_void(recs[0])), recs
        recs = list(await asyncio.gather(self.ask(target, "A"), self.ask(target, "AAAA")))
        return int(all(_void(r) for r in recs)), recs

    async def node(self, domain: str, via: str, path: tuple[str, ...]) -> SpfNode:
        """Fetch and judge the record at ``domain`` and, concurrently, everything below it."""
        loop = _loop(domain, via, path)
        if loop is not None:
            return SpfNode(domain, via, SpfNodeState.LOOP, problems=(loop,))
        if self.fetched >= MAX_TREE_RECORDS:
            note = Defect(
                Code.SPF_TREE_TOO_BIG,
                f"Stopped walking after {MAX_TREE_RECORDS} records; {domain} was not fetched.",
            )
            return SpfNode(domain, via, SpfNodeState.NOT_FOLLOWED, problems=(note,))
        self.fetched += 1
        answer = await self.ask(domain, "TXT")
        if answer.rcode == Rcode.NXDOMAIN:
            return SpfNode(domain, via, SpfNodeState.NXDOMAIN, answer)
        if not answer.ok:  # NXDOMAIN was taken above: a temporary failure, or offline
            note = Defect(
                Code.SPF_DNS_ERROR,
                f"TXT {domain}: {answer.rcode} ({answer.error or 'no answer'}); an evaluator "
                "would return temperror (RFC 7208 §4.4).",
                Severity.ERROR,
            )
            return SpfNode(domain, via, SpfNodeState.DNS_ERROR, answer, problems=(note,))
        texts = [t for t in answer.answers if is_spf_version(t)]
        if not texts:
            return SpfNode(domain, via, SpfNodeState.NO_RECORD, answer)
        if len(texts) > 1:
            note = Defect(
                Code.SPF_MULTIPLE_RECORDS,
                f"{domain} publishes {len(texts)} SPF records: permerror (RFC 7208 §4.5). "
                "Merge them into one.",
                Severity.ERROR,
            )
            return SpfNode(domain, via, SpfNodeState.MULTIPLE, answer, problems=(note,))
        size = oversized_record(texts[0])
        if size is not None:
            note = budgets.exceeded(
                budgets.SPF_TXT_BYTES,
                size,
                f"The SPF record at {domain} was not read; an evaluator would return permerror.",
                Severity.ERROR,
            )
            return SpfNode(domain, via, SpfNodeState.TOO_LARGE, answer, problems=(note,))
        record = parse_spf_record(texts[0])
        return await self._expand(domain, via, path, answer, record)

    async def _expand(
        self, domain: str, via: str, path: tuple[str, ...], answer: DnsRecord, record: SpfRecord
    ) -> SpfNode:
        problems = [d for d in record.defects if d.code not in _TREE_CODES]
        here = (*path, domain)
        children: list[asyncio.Task[SpfNode]] = []
        voids: list[asyncio.Task[tuple[int, list[DnsRecord]]]] = []
        terms = 0
        has_all = False
        for mech in record.mechanisms:
            has_all = has_all or mech.name == "all"
            terms += mech.queries_dns
            problems += _local_part_note(mech.raw, mech.macro, domain)
            if mech.name == "include":
                target = _plain(mech.domain_spec, mech.macro)
                children.append(asyncio.ensure_future(self._child(target, mech.raw, here)))
            elif mech.name in ("a", "mx", "exists"):
                voids.append(asyncio.ensure_future(self.term_voids(mech, domain)))
        redirect = record.modifier("redirect")
        if redirect is not None and not has_all:
            terms += 1
            problems += _local_part_note(redirect.raw, redirect.macro, domain)
            target = _plain(redirect.value, redirect.macro)
            children.append(asyncio.ensure_future(self._child(target, redirect.raw, here)))
        kids = tuple(await asyncio.gather(*children))
        void_results = await asyncio.gather(*voids)
        for kid in kids:
            if kid.state in (SpfNodeState.NXDOMAIN, SpfNodeState.NO_RECORD):
                problems.append(
                    Defect(
                        Code.SPF_INCLUDE_NONE,
                        f"{kid.via} in {domain}: {kid.domain} has no SPF record, so evaluation "
                        "ends in permerror there (RFC 7208 §5.2, §6.1).",
                        Severity.ERROR,
                    )
                )
        return SpfNode(
            domain=domain,
            via=via,
            state=SpfNodeState.OK,
            evidence=answer,
            record=record,
            children=kids,
            dns_terms=terms,
            subtree_terms=terms + sum(k.subtree_terms for k in kids),
            void_lookups=sum(n for n, _ in void_results),
            term_evidence=tuple(r for _, recs in void_results for r in recs),
            problems=tuple(problems),
        )

    async def _child(self, target: str | None, via: str, path: tuple[str, ...]) -> SpfNode:
        if not target:
            note = Defect(
                Code.SPF_MACRO_TARGET,
                f"{via} depends on the sender (macros): not followed here.",
                Severity.INFO,
            )
            return SpfNode(via, via, SpfNodeState.MACRO, problems=(note,))
        return await self.node(target, via, path)


def iter_nodes(node: SpfNode) -> list[tuple[SpfNode, tuple[str, ...]]]:
    """Every node in walk order with the include/redirect path leading to it."""
    out: list[tuple[SpfNode, tuple[str, ...]]] = []

    def visit(n: SpfNode, path: tuple[str, ...]) -> None:
        out.append((n, path))
        for kid in n.children:
            visit(kid, (*path, kid.via))

    visit(node, ())
    return out


def _ranges(tree: SpfNode) -> list[SpfRange]:
    out: list[SpfRange] = []
    for node, path in iter_nodes(tree):
        if node.record is None:
            continue
        for mech in node.record.mechanisms:
            if mech.network is not None:
                out.append(SpfRange(mech.network, mech.raw, node.domain, path))
    return out


def _where(r: SpfRange) -> str:
    return r.domain if not r.path else f"{r.domain} (via {' > '.join(r.path)})"


def overlap_problems(ranges: list[SpfRange]) -> list[Defect]:
    """Duplicate and nested ip4/ip6 ranges: harmless to evaluate, but a sign of drift.

    CIDR blocks are either nested or disjoint, so after sorting by (version, first address,
    prefix length) the blocks enclosing each one form a stack: n log n, not every pair. Each
    range is compared with the innermost block holding it.
    """
    nets = []
    for order, r in enumerate(ranges):
        try:
            net = ipaddress.ip_network(r.network, strict=False)
        except ValueError:
            continue
        nets.append((net.version, int(net.network_address), net.prefixlen, order, net, r))
    nets.sort(key=lambda t: t[:4])
    out: list[Defect] = []
    found = 0
    stack: list[tuple[int, int, int, SpfRange]] = []  # (version, prefix, last address, range)
    for version, first, prefix, _order, net, r in nets:
        while stack and (stack[-1][0] != version or stack[-1][2] < first):
            stack.pop()
        if stack:
            found += 1
            outer = stack[-1]
            if found <= MAX_OVERLAP_FINDINGS:
                out.append(_overlap(outer[3], r, same=outer[1] == prefix))
        stack.append((version, prefix, int(net.broadcast_address), r))
    if found > MAX_OVERLAP_FINDINGS:
        out.append(
            Defect(
                Code.SPF_OVERLAPPING_RANGE,
                f"{found - MAX_OVERLAP_FINDINGS:,} more ranges repeat or lie inside another "
                "range of the tree (not listed one by one).",
                Severity.INFO,
            )
        )
    return out


def _overlap(outer: SpfRange, inner: SpfRange, *, same: bool) -> Defect:
    if same:
        return Defect(
            Code.SPF_DUPLICATE_RANGE,
            f"{outer.term} is listed twice: in {_where(outer)} and in {_where(inner)}.",
            Severity.INFO,
        )
    return Defect(
        Code.SPF_OVERLAPPING_RANGE,
        f"{inner.term} ({_where(inner)}) lies inside {outer.term} ({_where(outer)}).",
        Severity.INFO,
    )


def _all_problems(tree: SpfNode) -> list[Defect]:
    """+all anywhere authorises the whole Internet; ?all at the top protects nothing."""
    out: list[Defect] = []
    for node, path in iter_nodes(tree):
        if node.record is None:
            continue
        where = node.domain if not path else f"{node.domain} (via {' > '.join(path)})"
        for mech in node.record.mechanisms:
            if mech.name != "all":
                continue
            if mech.qualifier == "+":
                out.append(
                    Defect(
                        Code.SPF_PASS_ALL,
                        f"{mech.raw} in {where}: every host on the Internet passes SPF.",
                        Severity.ERROR,
                    )
                )
            elif mech.qualifier == "?" and not path:
                out.append(
                    Defect(
                        Code.SPF_NEUTRAL_ALL,
                        f"{mech.raw} in {where}: mail from any other host is neutral, so SPF "
                        "protects nothing. End with ~all or -all.",
                        Severity.WARNING,
                    )
                )
    top = tree.record
    if top is not None and not any(m.name == "all" for m in top.mechanisms) and not top.redirect:
        out.append(
            Defect(
                Code.SPF_NO_ALL,
                "The record has neither 'all' nor redirect=: unlisted hosts get neutral (§4.7).",
                Severity.WARNING,
            )
        )
    return out


def _limit_problems(terms: int, voids: int) -> tuple[str | None, list[Defect]]:
    out: list[Defect] = []
    result = None
    if terms > MAX_DNS_TERMS:
        result = "permerror"
        out.append(
            Defect(
                Code.SPF_TOO_MANY_LOOKUPS,
                f"The tree holds {terms} DNS-querying terms, more than the {MAX_DNS_TERMS} "
                "RFC 7208 §4.6.4 allows: any IP not matched before the limit gets permerror. "
                "Flatten includes or replace a/mx with ip4/ip6.",
                Severity.ERROR,
            )
        )
    elif terms >= MAX_DNS_TERMS - 1:
        out.append(
            Defect(
                Code.SPF_NEAR_LIMIT,
                f"The tree holds {terms} DNS-querying terms: close to the limit of "
                f"{MAX_DNS_TERMS}; one more include breaks SPF.",
            )
        )
    if voids > MAX_VOID_LOOKUPS:
        result = "permerror"
        out.append(
            Defect(
                Code.SPF_TOO_MANY_VOIDS,
                f"{voids} lookups return nothing (void), more than the {MAX_VOID_LOOKUPS} "
                "RFC 7208 §4.6.4 allows: evaluation can end in permerror.",
                Severity.ERROR,
            )
        )
    return result, out


async def check_spf_tree(domain: str, resolver: Resolver, ip: str | None = None) -> SpfCheck:
    """The whole SPF tree of ``domain`` with its counts and problems; check_host() for ``ip``."""
    walk = _Walk(resolver)
    tree = await walk.node(domain, "", ())
    nodes = iter_nodes(tree)
    voids = sum(n.void_lookups for n, _ in nodes)
    problems = [p for n, _ in nodes for p in n.problems]
    if tree.state is SpfNodeState.NO_RECORD or tree.state is SpfNodeState.NXDOMAIN:
        problems.append(
            Defect(
                Code.SPF_NONE,
                f"{domain} publishes no SPF record: receivers get SPF none for its mail.",
                Severity.ERROR,
            )
        )
    limit_result, limits = _limit_problems(tree.subtree_terms, voids)
    if any(n.state in (SpfNodeState.LOOP, SpfNodeState.TOO_LARGE) for n, _ in nodes):
        # a loop never ends before the §4.6.4 limit; an oversized record is not evaluated
        limit_result = "permerror"
    problems += limits + _all_problems(tree)
    if walk.skipped_terms:
        problems.append(
            Defect(
                Code.SPF_VOIDS_NOT_COUNTED,
                f"Void lookups were counted for the first {MAX_DNS_TERMS} a/mx/exists terms "
                f"only; the other {walk.skipped_terms:,} were not looked up, since an evaluator "
                f"stops at {MAX_DNS_TERMS} DNS-querying terms (RFC 7208 §4.6.4).",
                Severity.INFO,
            )
        )
    ranges = _ranges(tree)
    problems += overlap_problems(ranges)
    ip_result = None
    evidence = list(walk.evidence)
    if ip is not None:
        ip_result = await evaluate_spf(resolver, ip, f"postmaster@{domain}", domain)
        evidence.extend(ip_result.records)
    includes = tuple(n.domain for n, _ in nodes[1:] if n.state is not SpfNodeState.MACRO)
    return SpfCheck(
        domain=domain,
        tree=tree,
        dns_terms=tree.subtree_terms,
        void_lookups=voids,
        limit_result=limit_result,
        ranges=tuple(ranges),
        includes=includes,
        ip_result=ip_result,
        problems=tuple(problems),
        evidence=tuple(evidence),
    )
