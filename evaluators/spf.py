"""Sans-IO SPF check_host() (RFC 7208 §4-§7) with a trace, and an async driver with prefetch.

The core, :func:`check_host`, is a generator: it yields :class:`DnsQuestion` values and is
sent a :class:`DnsRecord` for each, so it does no I/O and runs the same against live DNS,
a snapshot or the RFC 7208 test suite's zone. :func:`run_sync` drives it with a function;
:func:`evaluate_spf` drives it with an async :class:`Resolver`.

Prefetch trade-off (``evaluate_spf(prefetch=True)``, the default): whenever a TXT answer
holding an SPF record arrives, the driver starts fetching, concurrently, the TXT records of
the record's ``include:``/``redirect=`` targets, and does the same for their answers, so the
walk costs about the depth of the include tree in round trips instead of one round trip per
lookup. Queries that sequential evaluation would never make are avoided where that is cheap
to know from the record alone: nothing after an ``ip4``/``ip6`` term that already matches the
client, nothing after ``all`` (which also voids ``redirect=``), nothing past the 10-lookup
budget (§4.6.4), no target that needs macro expansion, no ``a``/``mx``/``ptr``/``exists``
lookups. What cannot be avoided cheaply: when an earlier include matches, the TXT queries
already sent for its later siblings are wasted (sequential peers such as mailauth stop at
the first match). ``prefetch=False`` sends exactly the sequential query set.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import cast

from headerlens import budgets
from headerlens.dnsclient.dnsproto import Resolver
from headerlens.evaluators.spf_eval import Abort, DnsQuestion, Outcome, Run
from headerlens.evaluators.spf_macro import IPAddress, MacroContext, client_ip, finish_target
from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.model.dns import DnsRecord, Rcode
from headerlens.model.spf import SpfResult, SpfVerdict
from headerlens.parsers.spfrecord import is_spf_version, oversized_record, parse_spf_record

SpfGenerator = Generator[DnsQuestion, DnsRecord, SpfResult]


def check_host(
    ip: str,
    domain: str,
    sender: str,
    helo: str | None = None,
    *,
    receiver: str = "unknown",
    identity: str = "mailfrom",
    now: int | None = None,
) -> SpfGenerator:
    """RFC 7208 §4 check_host(<ip>, <domain>, <sender>) as a generator of DNS questions.

    ``sender`` is local-part@domain; an empty local-part becomes "postmaster" (§4.3).
    ``receiver`` and ``now`` feed the %{r} and %{t} macros of explanations (§7.3).
    """
    addr = client_ip(ip)
    local, at, sender_domain = sender.rpartition("@")
    if not at:
        sender_domain = sender
    local = local or "postmaster"
    if addr is None:
        return SpfResult(
            verdict=SpfVerdict.NONE,
            domain=domain,
            ip=ip,
            sender=f"{local}@{sender_domain}",
            helo=helo,
            identity=identity,
            reason=f"client IP {ip!r} is not an IP address: nothing to evaluate",
            defects=(Defect(Code.SPF_BAD_IP, f"client IP {ip!r} is not valid", Severity.ERROR),),
        )
    ctx = MacroContext(
        ip=addr,
        sender=f"{local}@{sender_domain}",
        local=local,
        sender_domain=sender_domain,
        helo=helo or "",
        receiver=receiver,
        timestamp=int(time.time()) if now is None else now,
    )
    run = Run(ctx)
    try:
        outcome = yield from run.check(domain, ())
    except Abort as abort:
        return _result(run, abort.verdict, domain, ip, helo, identity, reason=abort.reason)
    explanation = None
    if outcome.verdict is SpfVerdict.FAIL and outcome.exp_record is not None:
        explanation = yield from run.explanation(outcome.exp_record, outcome.exp_domain)
    return _result(
        run,
        outcome.verdict,
        domain,
        ip,
        helo,
        identity,
        reason=outcome.reason,
        outcome=outcome,
        explanation=explanation,
    )


def _result(
    run: Run,
    verdict: SpfVerdict,
    domain: str,
    ip: str,
    helo: str | None,
    identity: str,
    *,
    reason: str,
    outcome: Outcome | None = None,
    explanation: str | None = None,
) -> SpfResult:
    """Freeze the run's evidence into an SpfResult."""
    return SpfResult(
        verdict=verdict,
        domain=domain,
        ip=ip,
        sender=run.ctx.sender,
        helo=helo,
        identity=identity,
        match=outcome.match if outcome is not None else None,
        explanation=explanation,
        reason=reason,
        steps=tuple(run.steps),
        records=tuple(run.records),
        lookup_count=run.lookups,
        void_count=run.voids,
        defects=tuple(run.defects),
    )


def check_message(
    ip: str,
    mail_from: str | None,
    helo: str | None,
    *,
    receiver: str = "unknown",
    now: int | None = None,
) -> SpfGenerator:
    """check_host() for a message: the MAIL FROM identity, or HELO for the null sender (§2.4).

    ``mail_from`` may carry angle brackets; "" or None means the null reverse-path, in which
    case the sender is postmaster@<helo> (§4.3).
    """
    address = (mail_from or "").strip().removeprefix("<").removesuffix(">").strip()
    if address:
        local, at, domain = address.rpartition("@")
        if not at:
            domain, local = address, ""
        return (
            yield from check_host(ip, domain, f"{local}@{domain}", helo, receiver=receiver, now=now)
        )
    if not helo:
        return SpfResult(
            verdict=SpfVerdict.NONE,
            domain="",
            ip=ip,
            sender="",
            helo=helo,
            identity="helo",
            reason="null sender and no HELO name: no identity to check",
        )
    return (
        yield from check_host(
            ip, helo, f"postmaster@{helo}", helo, receiver=receiver, identity="helo", now=now
        )
    )


def run_sync(gen: SpfGenerator, answer: Callable[[DnsQuestion], DnsRecord]) -> SpfResult:
    """Drive a check_host()/check_message() generator with a synchronous answer function."""
    try:
        question = next(gen)
        while True:
            question = gen.send(answer(question))
    except StopIteration as stop:
        return cast(SpfResult, stop.value)


def _plain_target(spec: str | None, tokens: tuple[object, ...]) -> str | None:
    """The query name of a macro-free domain-spec, else None."""
    if spec is None or not all(isinstance(t, str) for t in tokens):
        return None
    return finish_target(spec)


def plan_prefetch(answer: DnsRecord, ip: IPAddress | None, used: int) -> tuple[DnsQuestion, ...]:
    """TXT questions worth fetching ahead for the SPF record in ``answer`` (see module doc).

    ``used`` is the smallest number of DNS-querying terms already counted when this record
    is evaluated; targets whose term would pass ``budgets.SPF_DNS_TERMS`` (§4.6.4) are left out.
    """
    if answer.rdtype != "TXT" or not answer.ok:
        return ()
    texts = [t for t in answer.answers if is_spf_version(t)]
    if len(texts) != 1 or oversized_record(texts[0]) is not None:
        return ()  # an oversized record is not evaluated, so nothing below it is fetched
    record = parse_spf_record(texts[0])
    if not record.valid:
        return ()
    out: list[DnsQuestion] = []
    limit = int(budgets.SPF_DNS_TERMS.limit)
    count = used
    for mech in record.mechanisms:
        if mech.name == "all":
            return tuple(out)
        if mech.network is not None and ip is not None:
            net = ipaddress.ip_network(mech.network)
            if net.version == ip.version and ip in net:
                return tuple(out)
        if mech.queries_dns:
            count += 1
            if count > limit:
                return tuple(out)
        if mech.name == "include":
            target = _plain_target(mech.domain_spec, mech.macro)
            if target:
                out.append(DnsQuestion(target, "TXT", count))
    redirect = record.modifier("redirect")
    if redirect is not None and count < limit:
        target = _plain_target(redirect.value, redirect.macro)
        if target:
            out.append(DnsQuestion(target, "TXT", count + 1))
    return tuple(out)


@dataclass(slots=True)
class _Fetcher:
    """Answers questions through a Resolver, sharing in-flight and speculative queries."""

    resolver: Resolver
    ip: IPAddress | None
    prefetch: bool
    tasks: dict[tuple[str, str], asyncio.Task[DnsRecord]]

    def start(self, question: DnsQuestion) -> asyncio.Task[DnsRecord]:
        key = (question.name.lower().rstrip("."), question.rdtype)
        task = self.tasks.get(key)
        if task is None:
            task = asyncio.ensure_future(self._fetch(question))
            self.tasks[key] = task
        return task

    async def _fetch(self, question: DnsQuestion) -> DnsRecord:
        try:
            record = await self.resolver.query(question.name, question.rdtype)
        except Exception as exc:  # a resolver that raises is a DNS failure: temperror, not a crash
            record = DnsRecord(question.name, question.rdtype, Rcode.ERROR, error=str(exc))
        if self.prefetch:
            for child in plan_prefetch(record, self.ip, question.lookups):
                self.start(child)
        return record

    def close(self) -> None:
        for task in self.tasks.values():
            if not task.done():
                task.cancel()


async def evaluate_spf(
    resolver: Resolver,
    ip: str,
    mail_from: str | None,
    helo: str | None,
    *,
    receiver: str = "unknown",
    prefetch: bool = True,
    now: int | None = None,
) -> SpfResult:
    """Evaluate SPF for one message against a live resolver (see the module doc on prefetch)."""
    gen = check_message(ip, mail_from, helo, receiver=receiver, now=now)
    fetcher = _Fetcher(resolver, client_ip(ip), prefetch, {})
    try:
        question = next(gen)
        while True:
            answer = await fetcher.start(question)
            question = gen.send(answer)
    except StopIteration as stop:
        return cast(SpfResult, stop.value)
    finally:
        fetcher.close()


__all__ = [
    "DnsQuestion",
    "SpfGenerator",
    "check_host",
    "check_message",
    "evaluate_spf",
    "plan_prefetch",
    "run_sync",
]
