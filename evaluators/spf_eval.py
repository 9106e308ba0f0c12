"""The check_host() state machine of RFC 7208 (§4.3-§6.2) as generators, recording a trace."""

from __future__ import annotations

import ipaddress
from collections.abc import Generator
from dataclasses import dataclass
from typing import NamedTuple

from headerlens import budgets
from headerlens.evaluators.spf_macro import MacroContext, escaped, expand, finish_target, needs_p
from headerlens.evaluators.spf_macro import valid_check_domain as _valid_domain
from headerlens.evaluators.spf_path import EvalPath
from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.model.dns import DnsRecord, Rcode
from headerlens.model.spf import (
    MacroToken,
    SpfMatch,
    SpfMechanism,
    SpfOutcome,
    SpfRecord,
    SpfStep,
    SpfVerdict,
)
from headerlens.parsers.digits import ascii_int
from headerlens.parsers.spfrecord import (
    is_spf_version,
    oversized_record,
    parse_macro_string,
    parse_spf_record,
)

MAX_DNS_TERMS = int(budgets.SPF_DNS_TERMS.limit)  # §4.6.4
MAX_VOID_LOOKUPS = int(budgets.SPF_VOID_LOOKUPS.limit)  # §4.6.4
MAX_MX_NAMES = int(budgets.SPF_MX_NAMES.limit)  # §4.6.4
MAX_PTR_NAMES = int(budgets.SPF_PTR_NAMES.limit)  # §4.6.4


class DnsQuestion(NamedTuple):
    """A question the evaluator asks: ``(name, rdtype)`` plus the DNS-term count so far."""

    name: str
    rdtype: str
    lookups: int = 0


Ask = Generator[DnsQuestion, DnsRecord, DnsRecord]


class Abort(Exception):
    """Internal control flow: check_host() ends at once with temperror/permerror (§4.4, §4.6).

    Raised and caught inside evaluators/spf*.py only; never reaches callers.
    """

    def __init__(self, verdict: SpfVerdict, reason: str) -> None:
        super().__init__(reason)
        self.verdict = verdict
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one (possibly nested) check_host() returned, with where the result came from."""

    verdict: SpfVerdict
    reason: str
    match: SpfMatch | None = None
    exp_record: SpfRecord | None = None  # the record whose directive decided: its exp= applies
    exp_domain: str = ""


def _void(record: DnsRecord) -> bool:
    """NXDOMAIN, or NOERROR with no answer: a "void lookup" (§4.6.4)."""
    return record.rcode == Rcode.NXDOMAIN or (record.ok and not record.answers)


def _addresses(record: DnsRecord) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    out = []
    for text in record.answers:
        try:
            out.append(ipaddress.ip_address(text.strip()))
        except ValueError:
            continue
    return out


class Run:
    """Mutable state of one check_host() run: counters, cache, trace. Not shared."""

    def __init__(self, ctx: MacroContext) -> None:
        self.ctx = ctx
        self.lookups = 0
        self.voids = 0
        self.steps: list[SpfStep] = []
        self.records: list[DnsRecord] = []
        self.defects: list[Defect] = []
        self._cache: dict[tuple[str, str], DnsRecord] = {}
        self._p_cache: dict[str, str] = {}
        self._addr_rdtype = "A" if ctx.ip.version == 4 else "AAAA"
        self.path = EvalPath()  # the domains being evaluated: loops and private names

    # -- plumbing -------------------------------------------------------------------------
    def query(self, name: str, rdtype: str) -> Ask:
        """Ask one question (once per run: answers are cached) and keep the evidence."""
        key = (name.lower().rstrip("."), rdtype)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        answer = yield DnsQuestion(name, rdtype, self.lookups)
        self._cache[key] = answer
        self.records.append(answer)
        return answer

    def step(
        self, domain: str, term: str, outcome: SpfOutcome, detail: str, path: tuple[str, ...]
    ) -> None:
        self.steps.append(SpfStep(domain, term, outcome, detail, path, self.lookups, self.voids))

    def fail(
        self, verdict: SpfVerdict, reason: str, domain: str, term: str, path: tuple[str, ...]
    ) -> Abort:
        """Record the step that ends the run and build the Abort to raise."""
        outcome = SpfOutcome.TEMPERROR if verdict is SpfVerdict.TEMPERROR else SpfOutcome.PERMERROR
        self.step(domain, term, outcome, reason, path)
        return Abort(verdict, reason)

    def count_term(self, domain: str, term: str, path: tuple[str, ...]) -> None:
        """Count a DNS-querying term; the 11th is a permerror (§4.6.4)."""
        self.lookups += 1
        if self.lookups > MAX_DNS_TERMS:
            raise self.fail(
                SpfVerdict.PERMERROR,
                f"more than {MAX_DNS_TERMS} DNS-querying terms (RFC 7208 §4.6.4)"
                + self.path.loop_suffix(),
                domain,
                term,
                path,
            )

    def dns_ok(self, record: DnsRecord, domain: str, term: str, path: tuple[str, ...]) -> bool:
        """Temperror on a DNS failure (§5); count void lookups (§4.6.4); True if answers."""
        if not record.answered:
            raise self.fail(
                SpfVerdict.TEMPERROR,
                f"DNS {record.rcode} for {record.rdtype} {record.name}",
                domain,
                term,
                path,
            )
        if _void(record):
            self.voids += 1
            if self.voids > MAX_VOID_LOOKUPS:
                raise self.fail(
                    SpfVerdict.PERMERROR,
                    f"more than {MAX_VOID_LOOKUPS} void DNS lookups (RFC 7208 §4.6.4)"
                    + self.path.loop_suffix(),
                    domain,
                    term,
                    path,
                )
            return False
        return True

    def target(
        self, spec: str | None, tokens: tuple[MacroToken, ...], domain: str
    ) -> Generator[DnsQuestion, DnsRecord, str | None]:
        """Expand a domain-spec (default: the current domain) into a query name or None."""
        if spec is None:
            return domain
        p_value = (yield from self.p_value(domain)) if needs_p(tokens) else "unknown"
        expanded = expand(tokens, self.ctx, domain, p_value)
        name = finish_target(expanded)
        if escaped(expanded):
            self.defects.append(
                Defect(
                    Code.SPF_MACRO_ESCAPE,
                    f"The SPF record of {domain} expands {spec!r} to {expanded!r}, which holds "
                    "a backslash: a DNS library would read \\DDD in it as an escape and query "
                    "other bytes than the record names, so it was not queried (RFC 7208 §4.8).",
                    Severity.WARNING,
                )
            )
        note = self.path.private_note(tokens, name, domain) if name is not None else None
        if note is not None:
            self.defects.append(note)
        return name

    # -- check_host -----------------------------------------------------------------------
    def check(
        self, domain: str, path: tuple[str, ...]
    ) -> Generator[DnsQuestion, DnsRecord, Outcome]:
        """check_host() for ``domain`` (§4), keeping the stack of domains being evaluated.

        ``domain`` is already macro-expanded; it is compared case-insensitively and without
        a trailing dot with the domains above it, to name include/redirect loops (F2).
        """
        holder = self.path.holder
        loop = self.path.enter(domain, path)
        if loop is not None:
            self.defects.append(loop)
            term = path[-1] if path else "(top)"
            self.step(holder, term, SpfOutcome.INFO, f"loop: {self.path.loops[0]}", path[:-1])
        try:
            return (yield from self._check(domain, path))
        finally:
            self.path.leave()

    def _check(
        self, domain: str, path: tuple[str, ...]
    ) -> Generator[DnsQuestion, DnsRecord, Outcome]:
        """check_host() for ``domain`` (§4): fetch, parse, evaluate terms, then redirect."""
        if not _valid_domain(domain):
            reason = f"{domain!r} is not a valid multi-label domain name (§4.3)"
            self.step(domain, "(domain)", SpfOutcome.INFO, reason, path)
            return Outcome(SpfVerdict.NONE, reason)
        answer = yield from self.query(domain, "TXT")
        if answer.rcode == Rcode.NXDOMAIN:
            reason = f"{domain} does not exist (NXDOMAIN, §4.3)"
            self.step(domain, "(record)", SpfOutcome.INFO, reason, path)
            return Outcome(SpfVerdict.NONE, reason)
        if not answer.ok:
            raise self.fail(
                SpfVerdict.TEMPERROR,
                f"DNS {answer.rcode} fetching TXT {domain} (§4.4)",
                domain,
                "(record)",
                path,
            )
        texts = [t for t in answer.answers if is_spf_version(t)]
        if not texts:
            reason = f"no SPF record at {domain} (§4.5)"
            self.step(domain, "(record)", SpfOutcome.INFO, reason, path)
            return Outcome(SpfVerdict.NONE, reason)
        if len(texts) > 1:
            raise self.fail(
                SpfVerdict.PERMERROR,
                f"{len(texts)} SPF records at {domain} (§4.5)",
                domain,
                "(record)",
                path,
            )
        size = oversized_record(texts[0])
        if size is not None:
            self.defects.append(
                budgets.exceeded(
                    budgets.SPF_TXT_BYTES, size, f"The SPF record at {domain} was not evaluated."
                )
            )
            raise self.fail(
                SpfVerdict.PERMERROR,
                f"the SPF record at {domain} is {size:,} bytes, over our "
                f"{budgets.SPF_TXT_BYTES.limit:,}-byte budget: not evaluated",
                domain,
                "(record)",
                path,
            )
        record = parse_spf_record(texts[0])
        self.step(domain, record.raw, SpfOutcome.INFO, "SPF record", path)
        errors = [d for d in record.defects if d.severity is Severity.ERROR]
        self.defects.extend(d for d in record.defects if d not in self.defects)
        if errors:
            raise self.fail(
                SpfVerdict.PERMERROR,
                f"syntax error in the SPF record of {domain}: {errors[0].message} (§4.6)",
                domain,
                "(record)",
                path,
            )
        for mech in record.mechanisms:
            if mech.queries_dns:
                self.count_term(domain, mech.raw, path)
            if mech.name == "include":
                inner = yield from self.include(mech, domain, path)
                if inner is None:
                    continue
                match = inner.match or SpfMatch(mech.raw, domain, path)
                reason = f"{mech.raw} matched ({match.describe()}): {mech.verdict.value}"
                return Outcome(mech.verdict, reason, match, record, domain)
            matched, detail = yield from self.match(mech, domain, path)
            self.step(
                domain, mech.raw, SpfOutcome.MATCH if matched else SpfOutcome.NO_MATCH, detail, path
            )
            if matched:
                match = SpfMatch(mech.raw, domain, path)
                reason = f"{match.describe()} matched: {mech.verdict.value}"
                return Outcome(mech.verdict, reason, match, record, domain)
        redirect = record.modifier("redirect")
        if redirect is not None:
            self.count_term(domain, redirect.raw, path)
            target = yield from self.target(redirect.value, redirect.macro, domain)
            if target is None or not _valid_domain(target):
                raise self.fail(
                    SpfVerdict.PERMERROR,
                    f"{redirect.raw}: target is not a valid domain name (§6.1)",
                    domain,
                    redirect.raw,
                    path,
                )
            self.step(domain, redirect.raw, SpfOutcome.INFO, f"following to {target}", path)
            inner = yield from self.check(target, (*path, redirect.raw))
            if inner.verdict is SpfVerdict.NONE:
                raise self.fail(
                    SpfVerdict.PERMERROR,
                    f"{redirect.raw}: {inner.reason} (§6.1: permerror)",
                    domain,
                    redirect.raw,
                    path,
                )
            return inner
        reason = "no mechanism matched: neutral by default (§4.7)"
        self.step(domain, "(end)", SpfOutcome.INFO, reason, path)
        return Outcome(SpfVerdict.NEUTRAL, reason)

    def include(
        self, mech: SpfMechanism, domain: str, path: tuple[str, ...]
    ) -> Generator[DnsQuestion, DnsRecord, Outcome | None]:
        """include: (§5.2): pass inside matches; fail/softfail/neutral do not; none is an error."""
        target = yield from self.target(mech.domain_spec, mech.macro, domain)
        if target is None:
            raise self.fail(
                SpfVerdict.PERMERROR,
                f"{mech.raw}: target is not a valid domain name",
                domain,
                mech.raw,
                path,
            )
        inner = yield from self.check(target, (*path, mech.raw))
        if inner.verdict is SpfVerdict.PASS:
            self.step(domain, mech.raw, SpfOutcome.MATCH, f"{target} gave pass", path)
            return inner
        if inner.verdict is SpfVerdict.NONE:
            raise self.fail(
                SpfVerdict.PERMERROR,
                f"{mech.raw}: {inner.reason} (§5.2: permerror)",
                domain,
                mech.raw,
                path,
            )
        detail = f"{target} gave {inner.verdict.value}: no match"
        self.step(domain, mech.raw, SpfOutcome.NO_MATCH, detail, path)
        return None

    def match(
        self, mech: SpfMechanism, domain: str, path: tuple[str, ...]
    ) -> Generator[DnsQuestion, DnsRecord, tuple[bool, str]]:
        """Does ``mech`` (other than include) match the client IP? (§5.1, §5.3-§5.7)."""
        ip = self.ctx.ip
        if mech.name == "all":
            return True, "matches every client"
        if mech.network is not None:
            net = ipaddress.ip_network(mech.network)
            hit = net.version == ip.version and ip in net
            return hit, f"{ip} {'is' if hit else 'is not'} in {net}"
        target = yield from self.target(mech.domain_spec, mech.macro, domain)
        if target is None:
            return False, "target is not a valid domain name: treated as no match"
        if mech.name == "exists":
            answer = yield from self.query(target, "A")
            hit = self.dns_ok(answer, domain, mech.raw, path)
            return hit, f"A {target} {'exists' if hit else 'does not exist'}"
        if mech.name == "ptr":
            return (yield from self.ptr(target, domain, mech.raw, path))
        prefix = mech.cidr4 if ip.version == 4 else mech.cidr6
        hosts = [target]
        if mech.name == "mx":
            answer = yield from self.query(target, "MX")
            if not self.dns_ok(answer, domain, mech.raw, path):
                return False, f"MX {target}: no records"
            pairs = []
            for rdata in answer.answers:
                pref, _, exchange = rdata.strip().partition(" ")
                number = ascii_int(pref, 5)
                pairs.append((65536 if number is None else number, exchange.strip()))
            if len(pairs) > MAX_MX_NAMES:
                raise self.fail(
                    SpfVerdict.PERMERROR,
                    f"MX {target} has {len(pairs)} names, more than {MAX_MX_NAMES} (§4.6.4)",
                    domain,
                    mech.raw,
                    path,
                )
            hosts = [h.rstrip(".") for _, h in sorted(pairs) if h.rstrip(".")]
        for host in hosts:
            answer = yield from self.query(host, self._addr_rdtype)
            if mech.name == "a":
                if not self.dns_ok(answer, domain, mech.raw, path):
                    return False, f"{self._addr_rdtype} {host}: no records"
            elif not answer.answered:
                raise self.fail(
                    SpfVerdict.TEMPERROR,
                    f"DNS {answer.rcode} for {answer.rdtype} {host}",
                    domain,
                    mech.raw,
                    path,
                )
            for addr in _addresses(answer):
                if addr.version != ip.version:
                    continue
                width = prefix if prefix is not None else addr.max_prefixlen
                if ip in ipaddress.ip_network(f"{addr}/{width}", strict=False):
                    return True, f"{host} has {addr}{'' if prefix is None else f'/{prefix}'}"
        return False, f"no address of {', '.join(hosts) or 'no host'} covers {ip}"

    def _ptr_names(self) -> Generator[DnsQuestion, DnsRecord, tuple[DnsRecord, list[str]]]:
        answer = yield from self.query(self.ctx.ip.reverse_pointer, "PTR")
        names = [n.strip().rstrip(".") for n in answer.answers] if answer.ok else []
        return answer, names[:MAX_PTR_NAMES]

    def _validated(self, name: str) -> Generator[DnsQuestion, DnsRecord, bool]:
        """Forward-confirm one PTR name (§5.5); DNS errors just skip the name."""
        answer = yield from self.query(name, self._addr_rdtype)
        return answer.ok and self.ctx.ip in _addresses(answer)

    def ptr(
        self, target: str, domain: str, term: str, path: tuple[str, ...]
    ) -> Generator[DnsQuestion, DnsRecord, tuple[bool, str]]:
        """ptr (§5.5): a validated PTR name equal to or under ``target``; DNS errors: no match."""
        answer, names = yield from self._ptr_names()
        if answer.answered and _void(answer):
            self.dns_ok(answer, domain, term, path)  # counts the void lookup
        want = target.lower()
        for name in names:  # filter first: only names that could match need validating
            low = name.lower()
            if (low == want or low.endswith("." + want)) and (yield from self._validated(name)):
                return True, f"{self.ctx.ip} has validated name {name}"
        return False, f"no validated PTR name under {target}"

    def p_value(self, domain: str) -> Generator[DnsQuestion, DnsRecord, str]:
        """%{p}: a validated name of the client, preferring ones under ``domain`` (§7.3)."""
        if domain in self._p_cache:
            return self._p_cache[domain]
        _, names = yield from self._ptr_names()
        low = domain.lower()
        under = [n for n in names if n.lower() == low or n.lower().endswith("." + low)]
        value = "unknown"
        for name in under + [n for n in names if n not in under]:
            if (yield from self._validated(name)):
                value = name
                break
        self._p_cache[domain] = value
        return value

    def explanation(
        self, record: SpfRecord, domain: str
    ) -> Generator[DnsQuestion, DnsRecord, str | None]:
        """The exp= text for a fail (§6.2); any problem means no explanation, not an error."""
        mod = record.modifier("exp")
        if mod is None:
            return None
        try:
            target = yield from self.target(mod.value, mod.macro, domain)
            if target is None:
                return None
            answer = yield from self.query(target, "TXT")
            if not answer.ok or len(answer.answers) != 1:
                detail = f"TXT {target}: {answer.rcode}, {len(answer.answers)} record(s): ignored"
                self.step(domain, mod.raw, SpfOutcome.INFO, detail, ())
                return None
            text = answer.answers[0]
            tokens, error = parse_macro_string(text, explanation=True)
            if error or any(not 0x20 <= ord(c) <= 0x7E for c in text):
                self.step(domain, mod.raw, SpfOutcome.INFO, "explanation not valid: ignored", ())
                return None
            p_value = (yield from self.p_value(domain)) if needs_p(tokens) else "unknown"
        except Abort:
            return None
        value = expand(tokens, self.ctx, domain, p_value)
        self.step(domain, mod.raw, SpfOutcome.INFO, f"explanation: {value}", ())
        return value


__all__ = ["Abort", "Ask", "DnsQuestion", "Outcome", "Run"]
