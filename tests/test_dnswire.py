"""LiveResolver's own stub-resolver steps (checks/dnswire.py) against a scripted loopback server:
EDNS payload, TCP retry on truncation, moving on to the next server, failures kept as rcodes."""

from __future__ import annotations

import contextlib
import socket
import threading

import dns.flags
import dns.message
import dns.rcode
import dns.rrset
import pytest

from headerlens.checks.resolver import LiveResolver
from headerlens.model.dns import DnsRecord

HOST = "127.0.0.1"
# the DMARC record of the lab's contoso.com (tests/data/lab/zones/contoso.com.zone)
CONTOSO_DMARC = "v=DMARC1;p=reject;sp=reject;pct=100;rua=mailto:dmarcreports@contoso.com"


class ScriptedDns:
    """UDP and TCP on one loopback port. ``mode`` is "answer", "truncate" (TC=1 over UDP, the
    answer over TCP) or an rcode name such as "REFUSED". Keeps every query it received."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.queries: list[tuple[str, dns.message.Message]] = []
        self._tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._tcp.bind((HOST, 0))
        self.port = int(self._tcp.getsockname()[1])
        self._tcp.listen()
        self._udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._udp.bind((HOST, self.port))
        self._threads = [
            threading.Thread(target=self._serve_udp, daemon=True),
            threading.Thread(target=self._serve_tcp, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _reply(self, wire: bytes, transport: str) -> bytes:
        query = dns.message.from_wire(wire)
        self.queries.append((transport, query))
        response = dns.message.make_response(query)
        if self.mode not in ("answer", "truncate"):
            response.set_rcode(dns.rcode.from_text(self.mode))
        elif self.mode == "truncate" and transport == "udp":
            response.flags |= dns.flags.TC
        else:
            response.answer.append(
                dns.rrset.from_text(query.question[0].name, 300, "IN", "TXT", f'"{CONTOSO_DMARC}"')
            )
        return response.to_wire()

    def _serve_udp(self) -> None:
        while True:
            try:
                wire, peer = self._udp.recvfrom(65535)
            except OSError:
                return
            if not wire:  # the socket was shut down
                return
            self._udp.sendto(self._reply(wire, "udp"), peer)

    def _serve_tcp(self) -> None:
        while True:
            try:
                conn, _ = self._tcp.accept()
            except OSError:
                return
            with conn:
                size = int.from_bytes(conn.recv(2), "big")
                if not size:
                    continue
                wire = b""
                while len(wire) < size:
                    wire += conn.recv(size - len(wire))
                out = self._reply(wire, "tcp")
                conn.sendall(len(out).to_bytes(2, "big") + out)

    def __enter__(self) -> ScriptedDns:
        return self

    def __exit__(self, *exc: object) -> None:
        for sock in (self._tcp, self._udp):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


async def _ask(*servers: ScriptedDns) -> DnsRecord:
    resolver = LiveResolver([(HOST, s.port) for s in servers], timeout=2.0)
    return await resolver.query("_dmarc.contoso.com", "TXT")


async def test_query_asks_for_a_1232_byte_edns_payload() -> None:
    # DNS Flag Day 2020: EDNS0 (RFC 6891 §6.2.3) with a 1232-byte UDP payload, recursion desired
    with ScriptedDns("answer") as server:
        record = await _ask(server)
    assert record.answers == (CONTOSO_DMARC,)
    assert record.ttl == 300
    [(transport, query)] = server.queries
    assert transport == "udp"
    assert query.edns == 0
    assert query.payload == 1232
    assert query.flags & dns.flags.RD


async def test_truncated_udp_answer_is_asked_again_over_tcp() -> None:
    # RFC 7766 §5: TC=1 over UDP means ask the same server over TCP
    with ScriptedDns("truncate") as server:
        record = await _ask(server)
    assert [t for t, _ in server.queries] == ["udp", "tcp"]
    assert record.rcode == "NOERROR"
    assert record.answers == (CONTOSO_DMARC,)
    assert record.resolver == f"{HOST}:{server.port}"


@pytest.mark.parametrize("rcode", ["REFUSED", "SERVFAIL", "FORMERR", "NOTIMP"])
async def test_a_failing_server_is_skipped_for_the_next(rcode: str) -> None:
    with ScriptedDns(rcode) as bad, ScriptedDns("answer") as good:
        record = await _ask(bad, good)
    assert record.rcode == "NOERROR"
    assert record.resolver == f"{HOST}:{good.port}"  # the server that answered
    assert len(bad.queries) == len(good.queries) == 1


@pytest.mark.parametrize("rcode", ["REFUSED", "SERVFAIL", "FORMERR", "NOTIMP"])
async def test_every_server_failing_keeps_the_rcode(rcode: str) -> None:
    with ScriptedDns(rcode) as one, ScriptedDns(rcode) as two:
        record = await _ask(one, two)
    assert record.rcode == rcode
    assert record.error == f"{HOST}:{one.port} answered {rcode}; {HOST}:{two.port} answered {rcode}"
    assert len(one.queries) == len(two.queries) == 1  # no retries on the same server


async def test_failures_are_not_cached() -> None:
    with ScriptedDns("REFUSED") as server:
        resolver = LiveResolver([(HOST, server.port)], timeout=2.0)
        first = await resolver.query("_dmarc.contoso.com", "TXT")
        second = await resolver.query("_dmarc.contoso.com", "TXT")
    assert (first.rcode, second.rcode) == ("REFUSED", "REFUSED")
    assert not second.from_cache
    assert len(server.queries) == 2


async def test_dead_first_server_does_not_hide_the_second(lab_dns) -> None:  # type: ignore[no-untyped-def]
    # resolv.conf / repeated --resolver: a server that never answers gets its share of the
    # time, then the next one is asked.
    from headerlens.checks.resolver import LiveResolver
    from tests.dnslab import SilentUdpPort

    with SilentUdpPort() as dead:
        r = LiveResolver(
            [("127.0.0.1", dead.port), (lab_dns.host, lab_dns.port)], timeout=2.0, deadline=10.0
        )
        rec = await r.query("contoso.com", "TXT")
    assert rec.rcode == "NOERROR"
    assert any(a.startswith("v=spf1") for a in rec.answers)
