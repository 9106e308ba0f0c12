"""Live DNS lookups (dnspython asyncio), each kept as DnsRecord evidence: the only network code."""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import re
import time
from collections.abc import Sequence
from typing import Protocol

import dns.asyncresolver
import dns.exception
import dns.message
import dns.name
import dns.nameserver
import dns.rcode
import dns.rdata
import dns.rdatatype
import dns.rdtypes.IN.A
import dns.rdtypes.IN.AAAA
import dns.rdtypes.txtbase
import dns.resolver

from headerlens.model.dns import DnsRecord

DEFAULT_PORT = 53
_EDNS_PAYLOAD = 1232  # the DNS Flag Day 2020 size: big DKIM keys fit in UDP, no fragments
_PORT_RE = re.compile(r"[0-9]{1,5}")
_DNSPY_SERVER_RE = re.compile(r"(?:\w+:)?(?P<host>.+)@(?P<port>[0-9]+)")  # "Do53:192.0.2.1@53"
_USAGE = "expected IP[:PORT], e.g. 192.0.2.53, 192.0.2.53:5353 or [2001:db8::53]:5353"

_Key = tuple[str, int]


class Resolver(Protocol):
    """What the checks need from DNS: one lookup at a time, and the record of every lookup."""

    async def query(self, name: str, rdtype: str) -> DnsRecord:
        """Look ``name`` up for ``rdtype``; never raises for DNS failures."""
        ...

    @property
    def log(self) -> tuple[DnsRecord, ...]:
        """Every query made so far, in the order the answers came back."""
        ...

    def clear_cache(self) -> None:
        """Forget cached answers, so the next queries ask again."""
        ...


def format_server(host: str, port: int) -> str:
    """``host:port`` with IPv6 addresses in brackets (RFC 3986 §3.2.2 style)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _parse_port(port_text: str, text: str) -> int:
    if not _PORT_RE.fullmatch(port_text):
        raise ValueError(f"bad resolver port in {text!r}: {port_text!r} is not a number; {_USAGE}")
    port = int(port_text)
    if not 1 <= port <= 65535:
        raise ValueError(f"bad resolver port in {text!r}: {port} is not in 1-65535; {_USAGE}")
    return port


def _parse_ip(host: str, text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(
            f"bad resolver {text!r}: {host!r} is not an IP address (host names are not "
            f"accepted: finding the DNS server would itself need DNS); {_USAGE}"
        ) from None


def parse_resolver_arg(text: str) -> tuple[str, int]:
    """Parse ``--resolver IP[:PORT]``: IPv4, bare IPv6 or ``[IPv6]:PORT``; the port defaults to 53.

    Raises ValueError with a message fit for the command line on anything else.
    """
    raw = text.strip()
    if not raw:
        raise ValueError(f"empty resolver address; {_USAGE}")
    if raw.startswith("["):
        host, closed, rest = raw[1:].partition("]")
        if not closed:
            raise ValueError(f"bad resolver {text!r}: missing ']' after the IPv6 address")
        if rest and not rest.startswith(":"):
            raise ValueError(f"bad resolver {text!r}: expected ':PORT' after ']'")
        addr = _parse_ip(host, text)
        if addr.version != 6:
            raise ValueError(f"bad resolver {text!r}: brackets are only for IPv6 addresses")
        port = _parse_port(rest[1:], text) if rest else DEFAULT_PORT
        return str(addr), port
    if raw.count(":") == 1:  # IPv4:PORT; a bare IPv6 address has at least two colons
        host, _, port_text = raw.partition(":")
        addr = _parse_ip(host, text)
        return str(addr), _parse_port(port_text, text)
    return str(_parse_ip(raw, text)), DEFAULT_PORT


class OfflineResolver:
    """``--offline``: never touches the network; every lookup is recorded as OFFLINE."""

    def __init__(self) -> None:
        self._log: list[DnsRecord] = []

    async def query(self, name: str, rdtype: str) -> DnsRecord:
        """Record the lookup that was not made."""
        record = DnsRecord(
            name=name,
            rdtype=rdtype.strip().upper(),
            rcode="OFFLINE",
            resolver="offline",
            error="offline mode: not queried",
        )
        self._log.append(record)
        return record

    @property
    def log(self) -> tuple[DnsRecord, ...]:
        """Every lookup asked for, in order."""
        return tuple(self._log)

    def clear_cache(self) -> None:
        """Nothing is cached offline."""


def _rdata_text(rd: dns.rdata.Rdata) -> str:
    """One record in presentation form; TXT strings joined with no separator (RFC 7208 §3.3)."""
    if isinstance(rd, dns.rdtypes.txtbase.TXTBase):
        return b"".join(rd.strings).decode("utf-8", errors="replace")
    if isinstance(rd, dns.rdtypes.IN.A.A | dns.rdtypes.IN.AAAA.AAAA):
        return str(rd.address)
    return str(rd.to_text())


def _name_text(name: dns.name.Name) -> str:
    return str(name.to_text(omit_final_dot=True))


def _chain(qname: dns.name.Name, result: dns.message.ChainingResult) -> tuple[str, ...]:
    """The names followed through CNAMEs, from the query name to the canonical name."""
    if not result.cnames:
        return ()
    return (_name_text(qname), *(_name_text(rrset[0].target) for rrset in result.cnames))


class LiveResolver:
    """Real DNS through dnspython, with a TTL cache, shared in-flight queries, bounded
    concurrency, a per-query timeout and an overall deadline for one analysis.

    ``nameservers`` None means the system resolver (/etc/resolv.conf). Lookups never raise
    for DNS failures: timeouts, SERVFAIL, malformed names... become DnsRecord rcodes.
    """

    def __init__(
        self,
        nameservers: Sequence[tuple[str, int]] | None = None,
        *,
        timeout: float = 3.0,
        deadline: float = 20.0,
        max_concurrency: int = 16,
    ) -> None:
        if timeout <= 0 or deadline <= 0 or max_concurrency < 1:
            raise ValueError("timeout and deadline must be > 0 and max_concurrency >= 1")
        self.timeout = timeout
        self.deadline = deadline
        self.max_concurrency = max_concurrency
        self._servers = None if nameservers is None else tuple(nameservers)
        self._backend: dns.asyncresolver.Resolver | None = None
        self._config_error: str | None = None
        self.label = "system resolver"
        self._cache: dict[_Key, tuple[float, DnsRecord]] = {}
        self._inflight: dict[_Key, asyncio.Future[DnsRecord]] = {}
        self._log: list[DnsRecord] = []
        self._started: float | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sem = asyncio.Semaphore(max_concurrency)
        self._configure()

    def _configure(self) -> None:
        """Build dnspython's resolver; a missing configuration is kept as an error, not raised."""
        try:
            if self._servers is None:
                backend = dns.asyncresolver.Resolver(configure=True)
                servers = [format_server(str(ns), backend.port) for ns in backend.nameservers]
            else:
                if not self._servers:
                    raise ValueError("no nameservers given")
                backend = dns.asyncresolver.Resolver(configure=False)
                backend.nameservers = [
                    dns.nameserver.Do53Nameserver(host, port) for host, port in self._servers
                ]
                servers = [format_server(host, port) for host, port in self._servers]
        except (dns.exception.DNSException, OSError, ValueError) as exc:
            self._config_error = f"no usable nameservers: {exc}"
            return
        backend.timeout = self.timeout
        backend.lifetime = self.timeout
        backend.retry_servfail = False  # a SERVFAIL is an answer: report it fast
        backend.cache = None  # our own cache logs hits and shares in-flight queries
        backend.use_edns(0, 0, _EDNS_PAYLOAD)
        self._backend = backend
        self.label = ", ".join(servers) or "system resolver"

    @property
    def log(self) -> tuple[DnsRecord, ...]:
        """Every query made, in the order the answers came back; cache hits say from_cache."""
        return tuple(self._log)

    def clear_cache(self) -> None:
        """Forget cached answers and start a new deadline window (a new analysis)."""
        self._cache.clear()
        self._started = None

    def _remaining(self, now: float) -> float:
        if self._started is None:  # clear_cache() ran while this query was in flight
            self._started = now
        return self.deadline - (now - self._started)

    def _deadline_record(self, name: str, rdtype: str) -> DnsRecord:
        return DnsRecord(
            name,
            rdtype,
            "TIMEOUT",
            resolver=self.label,
            error=f"not queried: the {self.deadline:g} s DNS deadline for this analysis passed",
        )

    def _bind_loop(self) -> None:
        """Semaphore and in-flight futures belong to one event loop; renew them on a new one."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop = loop
            self._sem = asyncio.Semaphore(self.max_concurrency)
            self._inflight = {}

    def _done(self, record: DnsRecord) -> DnsRecord:
        self._log.append(record)
        return record

    async def query(self, name: str, rdtype: str) -> DnsRecord:
        """Look ``name`` up; answers come from the cache or an identical query in flight
        when possible (``from_cache``). Never raises for DNS failures."""
        start = time.monotonic()
        self._bind_loop()
        if self._started is None:
            self._started = start
        rdtype = rdtype.strip().upper()
        try:
            if not name.strip(". "):
                raise ValueError("empty name")
            qname = dns.name.from_text(name)
            qtype = dns.rdatatype.from_text(rdtype)
        except (dns.exception.DNSException, ValueError, UnicodeError) as exc:
            error = f"malformed query {name!r} {rdtype}: {exc}"
            return self._done(DnsRecord(name, rdtype, "ERROR", resolver=self.label, error=error))
        key = (qname.canonicalize().to_text(), int(qtype))
        cached = self._cache.get(key)
        if cached is not None:
            if cached[0] > start:
                return self._done(self._shared(cached[1], name, start))
            del self._cache[key]
        pending = self._inflight.get(key)
        if pending is not None:
            return self._done(self._shared(await asyncio.shield(pending), name, start))
        if self._remaining(start) <= 0:
            return self._done(self._deadline_record(name, rdtype))
        task = asyncio.ensure_future(self._fetch(qname, qtype, name, rdtype, key))
        self._inflight[key] = task
        task.add_done_callback(lambda t: self._forget(key, t))
        return self._done(await asyncio.shield(task))

    def _forget(self, key: _Key, task: asyncio.Future[DnsRecord]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]

    @staticmethod
    def _shared(record: DnsRecord, name: str, start: float) -> DnsRecord:
        elapsed = (time.monotonic() - start) * 1000.0
        return dataclasses.replace(record, name=name, from_cache=True, duration_ms=elapsed)

    async def _fetch(
        self,
        qname: dns.name.Name,
        qtype: dns.rdatatype.RdataType,
        name: str,
        rdtype: str,
        key: _Key,
    ) -> DnsRecord:
        """Send one query (after a concurrency slot frees up) and cache what may be cached."""
        if self._backend is None:
            return DnsRecord(name, rdtype, "ERROR", resolver=self.label, error=self._config_error)
        try:
            async with asyncio.timeout(max(0.0, self._remaining(time.monotonic()))):
                await self._sem.acquire()
        except TimeoutError:
            return self._deadline_record(name, rdtype)
        try:
            t0 = time.monotonic()
            lifetime = min(self.timeout, self._remaining(t0))
            if lifetime <= 0:
                return self._deadline_record(name, rdtype)
            record, cache_ttl = await self._resolve(qname, qtype, name, rdtype, lifetime)
            record = dataclasses.replace(record, duration_ms=(time.monotonic() - t0) * 1000.0)
        finally:
            self._sem.release()
        if cache_ttl > 0:
            self._cache[key] = (time.monotonic() + cache_ttl, record)
        return record

    async def _resolve(
        self,
        qname: dns.name.Name,
        qtype: dns.rdatatype.RdataType,
        name: str,
        rdtype: str,
        lifetime: float,
    ) -> tuple[DnsRecord, int]:
        """One dnspython lookup turned into (record, seconds it may be cached)."""
        assert self._backend is not None
        base = DnsRecord(name, rdtype, "ERROR", resolver=self.label)
        try:
            answer = await self._backend.resolve(
                qname, qtype, raise_on_no_answer=False, lifetime=lifetime, search=False
            )
        except dns.resolver.NXDOMAIN as exc:
            return _nxdomain(base, qname, exc)
        except dns.resolver.NoNameservers as exc:
            return _no_nameservers(base, exc), 0
        except dns.exception.Timeout:
            why = "the DNS deadline for this analysis" if lifetime < self.timeout else "timeout"
            error = f"no answer within {lifetime:.3g} s ({why}) from {self.label}"
            return dataclasses.replace(base, rcode="TIMEOUT", error=error), 0
        except dns.resolver.YXDOMAIN as exc:
            return dataclasses.replace(base, rcode="YXDOMAIN", error=str(exc)), 0
        except (dns.exception.DNSException, OSError) as exc:
            return dataclasses.replace(base, error=f"{type(exc).__name__}: {exc}"), 0
        result = answer.chaining_result
        answers = () if answer.rrset is None else tuple(_rdata_text(rd) for rd in answer.rrset)
        record = dataclasses.replace(
            base,
            rcode="NOERROR",
            answers=answers,
            cname_chain=_chain(qname, result),
            ttl=result.minimum_ttl if answer.rrset is not None else None,
            resolver=format_server(str(answer.nameserver), answer.port or DEFAULT_PORT),
        )
        return record, result.minimum_ttl  # NODATA: the negative TTL (RFC 2308 §5)


def _nxdomain(
    base: DnsRecord, qname: dns.name.Name, exc: dns.resolver.NXDOMAIN
) -> tuple[DnsRecord, int]:
    """NXDOMAIN, with any CNAMEs followed before it and its negative TTL (RFC 2308 §5)."""
    response = exc.kwargs.get("responses", {}).get(qname)
    chain: tuple[str, ...] = ()
    negative_ttl = 0
    if isinstance(response, dns.message.QueryMessage):
        try:
            result = response.resolve_chaining()
        except dns.exception.DNSException:
            pass
        else:
            chain, negative_ttl = _chain(qname, result), result.minimum_ttl
    record = dataclasses.replace(
        base, rcode="NXDOMAIN", cname_chain=chain, error="the name does not exist"
    )
    return record, negative_ttl


def _no_nameservers(base: DnsRecord, exc: dns.resolver.NoNameservers) -> DnsRecord:
    """Every server failed: use the rcode a server answered, else TIMEOUT or ERROR."""
    errors = exc.kwargs.get("errors", [])
    rcode: str | None = None
    texts: list[str] = []
    timeouts = 0
    for server, _tcp, port, err, response in errors:
        found = _DNSPY_SERVER_RE.fullmatch(str(server))
        where = (
            format_server(found["host"], int(found["port"]))
            if found
            else format_server(str(server), int(port))
        )
        if isinstance(err, str) and response is not None:
            rcode = rcode or err  # dnspython puts the rcode name here (SERVFAIL, REFUSED...)
            texts.append(f"{where} answered {err}")
        else:
            timeouts += isinstance(err, dns.exception.Timeout)
            texts.append(f"{where}: {type(err).__name__} {err}".rstrip())
    if rcode is None:
        rcode = "TIMEOUT" if errors and timeouts == len(errors) else "ERROR"
    error = "; ".join(texts) or "no nameserver could be asked"
    return dataclasses.replace(base, rcode=rcode, error=error)
