"""Run the live checks for one Analysis concurrently and stream Verification snapshots.

SPF (replayed at the trust boundary), DKIM and ARC start together; the DMARC record is fetched
at the same time (the resolver's cache shares it), and DMARC is decided as soon as SPF and DKIM
are known. One analysis therefore costs about the depth of its lookup graph in round trips.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Coroutine
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from headerlens.diagnosis.findings_build import build_findings
from headerlens.diagnosis.sending_service import likely_include
from headerlens.dnsclient.dnsproto import Resolver
from headerlens.evaluators.arc import verify_arc
from headerlens.evaluators.bodyhash import BodyDigests, body_view
from headerlens.evaluators.dkim import verify_dkim
from headerlens.evaluators.dmarc import evaluate_dmarc
from headerlens.evaluators.dmarc_authors import evaluate_authors
from headerlens.evaluators.ndr_link import links, original_identity, untied_original
from headerlens.evaluators.orgdomain import could_share_org, normalize, psl_org_domain, walk_names
from headerlens.evaluators.ses_seal import check_seal, seal_message
from headerlens.evaluators.spf import evaluate_spf
from headerlens.model import Analysis
from headerlens.model.spf import SpfResult
from headerlens.model.verdicts import DkimResult, DkimVerdict
from headerlens.model.verification import Verification, VerifyMode
from headerlens.parsers.provenance_ses import with_seal

OFFLINE_SPF_NOTE = (
    "Not checked: offline, so SPF was not replayed at the boundary (no DNS queries were made)."
)


def spf_identity(analysis: Analysis) -> tuple[str | None, str | None, str | None, str | None]:
    """(ip, mail_from, helo, note) for the SPF replay at the trust boundary (RFC 7208 §2.4)."""
    b = analysis.chain.boundary
    if b is None:
        return None, None, None, "No trust-boundary hop was found, so SPF cannot be replayed."
    if not b.ip:
        hop = next((h for h in analysis.chain.hops if h.number == b.hop_number), None)
        if hop is not None and (masked := hop.received.from_ip_masked):
            return (
                None,
                None,
                None,
                (
                    f"The boundary hop's connecting IP is masked in the paste ({masked}), so SPF "
                    "cannot be replayed: what the receiver stamped at delivery is all there is."
                ),
            )
        return None, None, None, f"The boundary hop ({b.receiver}) does not show the connecting IP."
    return b.ip, b.mail_from, b.helo, None


def spf_unconfirmed(analysis: Analysis) -> str | None:
    """Why the SPF replay at the trust boundary is unconfirmed (Boundary.unconfirmed)."""
    b = analysis.chain.boundary
    return b.unconfirmed if b is not None and b.ip else None


def _spf_domain(result: SpfResult | None) -> tuple[str, str | None] | None:
    if result is None:
        return None
    return (result.verdict.value, result.domain or None)


def _dkim_pairs(verdicts: tuple[DkimVerdict, ...]) -> list[tuple[str, bool]]:
    """(d=, passed) for DMARC: passed only for a full DKIM pass, b= and bh= both verified.

    A signature of a header-only paste whose b= verifies is not a pass (its body was not
    checked: a replay of genuinely signed headers with another body looks the same); it goes
    to DMARC apart, see :func:`_headers_only`.
    """
    return [(v.domain, v.result is DkimResult.PASS) for v in verdicts if v.domain]


def _headers_only(verdicts: tuple[DkimVerdict, ...]) -> list[str]:
    """The d= of each signature that verifies for the signed header fields only."""
    return [v.domain for v in verdicts if v.domain and v.result is DkimResult.HEADERS_ONLY]


def _checked_domain(mail_from: str | None, helo: str | None) -> str | None:
    """The domain SPF checks: MAIL FROM's, else HELO's (RFC 7208 §2.4)."""
    return mail_from.rpartition("@")[2] if mail_from and "@" in mail_from else helo


def dmarc_prefetch_names(
    analysis: Analysis,
    from_domain: str | None,
    mail_from: str | None,
    helo: str | None,
    spf_runs: bool,
) -> tuple[str, ...]:
    """The ``_dmarc`` names evaluate_dmarc is likely to query, asked while SPF and DKIM run.

    Always the From domain's own record. When an identifier (the SPF domain — MAIL FROM, else
    HELO, RFC 7208 §2.4 — or a DKIM d=) differs from the From domain but could share its
    organisational domain (same top-level label), the From domain's RFC 9989 §4.10 walk too, and the walk of each such identifier that the Public Suffix List
    puts in the same organisation (the one alignment case where its walk is usually needed).
    evaluate_dmarc asks the rest itself, only if the results make them matter.
    """
    if not from_domain or not normalize(from_domain):
        return ()
    author = normalize(from_domain)
    domains: list[str] = []
    spf_domain = _checked_domain(mail_from, helo) if spf_runs else None
    if spf_domain:
        domains.append(spf_domain)
    domains += [s.domain for s in analysis.dkim_signatures if s.domain]
    others = {normalize(d) for d in domains if could_share_org(d, author)} - {author, ""}
    walks = [author] if others else []
    author_org = psl_org_domain(author)
    walks += [d for d in sorted(others) if author_org and psl_org_domain(d) == author_org]
    names: dict[str, None] = {f"_dmarc.{author}": None}
    for domain in walks:
        for name in walk_names(domain):
            names[f"_dmarc.{name}"] = None
    return tuple(names)


def signed_bytes(analysis: Analysis) -> bytes:
    """The message as its signers saw it: the header fields exactly as received, then the body.

    Usually that is the input itself (no copy). A paste may carry leading blank lines, an
    indented first line, Outlook's "Microsoft Mail Internet Headers Version 2.0" line or stray
    lines that the splitter skipped; dkimpy would read those as part of the header section, so
    the section is rebuilt from the fields' exact bytes (RFC 6376 §3.4 needs them unchanged).
    """
    raw, size = analysis.raw, 0
    for f in analysis.headers:  # compared in place: joining them copied a 25 MB header section
        if not raw.startswith(f.raw, size):
            size = -1
            break
        size += len(f.raw)
    if size >= 0 and (analysis.body_start is None or size < analysis.body_start):
        if analysis.body_start is None:
            return raw[:size] if size < len(raw) else raw
        return raw
    fields = b"".join(f.raw for f in analysis.headers)
    if analysis.body_start is None:
        return fields
    head = analysis.raw[: analysis.body_start]
    sep = b"\r\n" if head.endswith(b"\r\n") else b"\n"
    if not fields.endswith((b"\n", b"\r")):
        fields += sep
    return fields + sep + analysis.raw[analysis.body_start :]


async def verify_stream(
    analysis: Analysis,
    resolver: Resolver,
    *,
    mode: VerifyMode = VerifyMode.LIVE,
    label: str = "",
    now: datetime | None = None,
    identity: tuple[str | None, str | None, str | None, str | None] | None = None,
) -> AsyncIterator[Verification]:
    """Yield a Verification after each check completes; the last one has ``done=True``.

    ``identity`` (ip, mail_from, helo, note) replaces the trust boundary's for the SPF replay:
    a bounce's original is checked as the refusing server saw it. A bounce's original is
    verified alongside ("original" in ``pending``) and its refusals tied to those checks.
    """
    start = time.perf_counter()
    now = now or datetime.now(UTC)
    ip, mail_from, helo, spf_note = identity or spf_identity(analysis)
    # SPF replayed at a boundary that rests on an internal line nothing confirms
    unconfirmed = identity is None and spf_unconfirmed(analysis) is not None
    if mode is VerifyMode.OFFLINE and ip is not None:
        # Nothing to replay without DNS: say so rather than report a DNS failure.
        ip, spf_note = None, OFFLINE_SPF_NOTE
    from_domain = analysis.from_addr.domain if analysis.from_addr is not None else None
    current = Verification(mode=mode, resolver=label, spf_note=spf_note, checked_at=now)

    tasks: dict[str, asyncio.Task[Any]] = {}

    def start_task(name: str, coro: Awaitable[Any]) -> None:
        tasks[name] = asyncio.ensure_future(coro)

    if ip is not None:
        start_task("spf", evaluate_spf(resolver, ip, mail_from, helo))
    signed = signed_bytes(analysis)
    # DKIM and ARC share the body hashes: one canonicalisation pass per c= body rule
    digests = BodyDigests(body_view(signed) or b"")
    start_task(
        "dkim",
        verify_dkim(
            signed,
            has_body=analysis.has_body,
            resolver=resolver,
            receipt_time=analysis.receipt_time,
            now=now,
            field_names=[h.name for h in analysis.headers],
            digests=digests,
        ),
    )
    if mode is not VerifyMode.OFFLINE and seal_message(analysis) is not None:
        start_task("seal", check_seal(analysis, resolver, now))
    if analysis.arc_sets:
        start_task("arc", verify_arc(signed, resolver, has_body=analysis.has_body, digests=digests))
    if analysis.ndr is not None and analysis.ndr.original is not None:
        inner = original_identity(analysis)
        start_task(
            "original",
            verify(
                analysis.ndr.original, resolver, mode=mode, label=label, now=now, identity=inner
            ),
        )
    # Warm the cache for DMARC while SPF and DKIM run (shared in-flight queries): every
    # _dmarc name its tree walks will ask is known now, so DMARC adds no round trip.
    names = list(dmarc_prefetch_names(analysis, from_domain, mail_from, helo, ip is not None))
    # Likewise the SPF include of the service that handed the message over (EOP, Trend Micro
    # HES, Google): asked alongside the sender's record, it saves SPF its second round trip.
    # If the record turns out not to include it, that one query was wasted (the "add include:"
    # finding follows). Only with live DNS: offline, the log lists what SPF itself would ask.
    if ip is not None and mode is VerifyMode.LIVE:
        include = likely_include(analysis, _checked_domain(mail_from, helo))
        if include is not None:
            names.append(include)
    prefetch = [asyncio.ensure_future(resolver.query(name, "TXT")) for name in names]
    current = replace(current, prefetched=tuple(names))
    dmarc_started = False

    def pending() -> tuple[str, ...]:
        names = list(tasks)
        if not dmarc_started:
            names.append("dmarc")
        return tuple(n for n in ("spf", "dkim", "dmarc", "arc", "original") if n in names)

    current = replace(current, pending=pending(), dns_log=resolver.log)
    yield current
    try:
        while tasks:
            done, _ = await asyncio.wait(tasks.values(), return_when=asyncio.FIRST_COMPLETED)
            for name in [n for n, t in tasks.items() if t in done]:
                try:
                    result = tasks.pop(name).result()
                except Exception as exc:  # a bug in one check must not hide the others
                    message = f"{name}: internal error ({type(exc).__name__}: {exc})"
                    current = replace(current, errors=(*current.errors, message))
                    continue
                if name == "spf":
                    current = replace(current, spf=result)
                elif name == "dkim":
                    current = replace(current, dkim=result)
                elif name == "arc":
                    current = replace(current, arc=result)
                elif name == "seal":
                    current = replace(current, receiver_seal=result)
                elif name == "dmarc":
                    current = replace(current, dmarc=result)
                elif name == "original":
                    current = replace(current, original=result)
            if not dmarc_started and "spf" not in tasks and "dkim" not in tasks:
                dmarc_started = True
                spf_pair, dkim_pairs = _spf_domain(current.spf), _dkim_pairs(current.dkim)
                unchecked = _headers_only(current.dkim)
                start_task(
                    "dmarc",
                    evaluate_authors(
                        analysis.author_domains,
                        spf_pair,
                        dkim_pairs,
                        resolver,
                        headers_only=unchecked,
                        spf_unconfirmed=unconfirmed,
                    )
                    if analysis.author_domains
                    else evaluate_dmarc(
                        from_domain,
                        spf_pair,
                        dkim_pairs,
                        resolver,
                        headers_only=unchecked,
                        spf_unconfirmed=unconfirmed,
                    ),
                )
            elapsed = (time.perf_counter() - start) * 1000
            current = replace(current, pending=pending(), dns_log=resolver.log, elapsed_ms=elapsed)
            if tasks:
                yield current
    finally:
        for t in tasks.values():
            t.cancel()
        for p in prefetch:
            if not p.done():
                p.cancel()
    elapsed = (time.perf_counter() - start) * 1000
    current = replace(
        current,
        done=True,
        pending=(),
        dns_log=resolver.log,
        elapsed_ms=elapsed,
        ndr_links=links(analysis, current.original, now, bounce=current),
    )
    current = replace(current, original=untied_original(analysis, current, current.original))
    sealed = with_seal(analysis, current.receiver_seal)  # SES's stamps as its seal decides
    yield replace(current, findings=build_findings(sealed, current))


async def verify(
    analysis: Analysis,
    resolver: Resolver,
    *,
    mode: VerifyMode = VerifyMode.LIVE,
    label: str = "",
    now: datetime | None = None,
    identity: tuple[str | None, str | None, str | None, str | None] | None = None,
) -> Verification:
    """The final Verification (what the headless report waits for)."""
    last: Verification | None = None
    async for snap in verify_stream(
        analysis, resolver, mode=mode, label=label, now=now, identity=identity
    ):
        last = snap
    assert last is not None
    return last


_T = TypeVar("_T")


def run_blocking(coro: Coroutine[Any, Any, _T]) -> _T:
    """``asyncio.run(coro)`` for the command line, without a hidden cost of Python 3.11.

    On leaving, 3.11's asyncio.run restores the SIGINT handler through signal.getsignal(),
    which formats repr() of the handler, and so of the main task and the result it holds: for
    a Verification that walks every dataclass in it (~3 ms per run). The main task here holds
    nothing, the result is handed back through a list.
    """
    box: list[_T] = []

    async def main() -> None:
        box.append(await coro)

    asyncio.run(main())
    return box[0]
