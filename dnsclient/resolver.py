"""Live DNS lookups (dnspython asyncio), each kept as DnsRecord evidence: the only network code."""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import re
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from headerlens import budgets
from headerlens.dnsclient.resolvconf import system_nameservers
from headerlens.model.dns import DnsRecord, Rcode

if TYPE_CHECKING:
    from headerlens.dnsclient import dnswire

DEFAULT_PORT = 53
_PORT_RE = re.compile(r"[0-9]{1,5}")
_USAGE = "expected IP[:PORT], e.g. 192.0.2.53, 192.0.2.53:5353 or [2001:db8::53]:5353"

_Key = tuple[str, int]


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
            rcode=Rcode.OFFLINE,
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
        timeout: float = float(budgets.DNS_QUERY_TIMEOUT.limit),
        deadline: float = float(budgets.DNS_DEADLINE.limit),
        max_concurrency: int = int(budgets.DNS_CONCURRENCY.limit),
    ) -> None:
        if timeout <= 0 or deadline <= 0 or max_concurrency < 1:
            raise ValueError("timeout and deadline must be > 0 and max_concurrency >= 1")
        self.timeout = timeout
        self.deadline = deadline
        self.max_concurrency = max_concurrency
        self._given = None if nameservers is None else tuple(nameservers)
        self._servers: tuple[tuple[str, int], ...] = ()
        self._config_error: str | None = None
        self.label = "system resolver"
        self._cache: dict[_Key, tuple[float, DnsRecord]] = {}
        self._inflight: dict[_Key, asyncio.Future[DnsRecord]] = {}
        self._log: list[DnsRecord] = []
        self._started: float | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sem = asyncio.Semaphore(max_concurrency)
        # dnspython is imported only once a live resolver exists: --offline and snapshot
        # runs never pay for it (about 55 ms, most of it dns.name and importlib.metadata)
        from headerlens.dnsclient import dnswire  # noqa: F401

        self._configure()

    def _configure(self) -> None:
        """Pick the servers to ask; a missing configuration is kept as an error, not raised."""
        try:
            if self._given is None:
                servers = system_nameservers()
            elif not self._given:
                raise ValueError("no nameservers given")
            else:
                servers = self._given
        except ValueError as exc:  # ResolvConfError is a ValueError
            self._config_error = f"no usable nameservers: {exc}"
            return
        self._servers = servers
        self.label = ", ".join(format_server(host, port) for host, port in servers)

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
            Rcode.TIMEOUT,
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
        from headerlens.dnsclient import dnswire  # already loaded by __init__

        rdtype = rdtype.strip().upper()
        try:
            q = dnswire.question(name, rdtype)
        except dnswire.MalformedQuery as exc:
            return self._done(
                DnsRecord(name, rdtype, Rcode.ERROR, resolver=self.label, error=str(exc))
            )
        key = dnswire.cache_key(q)
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
        task = asyncio.ensure_future(self._fetch(q, name, rdtype, key))
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

    async def _fetch(self, q: dnswire.Question, name: str, rdtype: str, key: _Key) -> DnsRecord:
        """Send one query (after a concurrency slot frees up) and cache what may be cached."""
        from headerlens.dnsclient import dnswire  # already loaded by __init__

        if not self._servers:
            return DnsRecord(
                name, rdtype, Rcode.ERROR, resolver=self.label, error=self._config_error
            )
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
            base = DnsRecord(name, rdtype, Rcode.ERROR, resolver=self.label)
            record, cache_ttl = await dnswire.resolve(
                q, base, self._servers, lifetime, self.timeout
            )
            record = dataclasses.replace(record, duration_ms=(time.monotonic() - t0) * 1000.0)
        finally:
            self._sem.release()
        if cache_ttl > 0:
            self._cache[key] = (time.monotonic() + cache_ttl, record)
        return record
