"""LiveResolver's own stub-resolver steps (dnsclient/dnswire.py) against a scripted loopback server
(tests/misbehaving_dns.py): EDNS payload, TCP retry on truncation, moving on to the next server,
failures kept as rcodes."""

from __future__ import annotations

import dns.flags
import pytest

from headerlens.dnsclient.resolver import LiveResolver
from headerlens.model.dns import DnsRecord
from tests.misbehaving_dns import HOST, MisbehavingDns, Script, Udp, txt_strings

# the DMARC record of the lab's contoso.com (tests/data/lab/zones/contoso.com.zone)
CONTOSO_DMARC = "v=DMARC1;p=reject;sp=reject;pct=100;rua=mailto:dmarcreports@contoso.com"


def _scripted(mode: str) -> MisbehavingDns:
    """The same behaviour for every name: ``mode`` is "answer", "truncate" (TC=1 over UDP,
    the answer over TCP) or an rcode name such as "REFUSED"."""
    record = (txt_strings(CONTOSO_DMARC),)
    if mode == "answer":
        return MisbehavingDns(default=Script(record))
    if mode == "truncate":
        return MisbehavingDns(default=Script(record, udp=Udp.TRUNCATE))
    return MisbehavingDns(default=Script(rcode=mode))


async def _ask(*servers: MisbehavingDns) -> DnsRecord:
    resolver = LiveResolver([(HOST, s.port) for s in servers], timeout=2.0)
    return await resolver.query("_dmarc.contoso.com", "TXT")


async def test_query_asks_for_a_1232_byte_edns_payload() -> None:
    # DNS Flag Day 2020: EDNS0 (RFC 6891 §6.2.3) with a 1232-byte UDP payload, recursion desired
    with _scripted("answer") as server:
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
    with _scripted("truncate") as server:
        record = await _ask(server)
    assert [t for t, _ in server.queries] == ["udp", "tcp"]
    assert record.rcode == "NOERROR"
    assert record.answers == (CONTOSO_DMARC,)
    assert record.resolver == f"{HOST}:{server.port}"


@pytest.mark.parametrize("rcode", ["REFUSED", "SERVFAIL", "FORMERR", "NOTIMP"])
async def test_a_failing_server_is_skipped_for_the_next(rcode: str) -> None:
    with _scripted(rcode) as bad, _scripted("answer") as good:
        record = await _ask(bad, good)
    assert record.rcode == "NOERROR"
    assert record.resolver == f"{HOST}:{good.port}"  # the server that answered
    assert len(bad.queries) == len(good.queries) == 1


@pytest.mark.parametrize("rcode", ["REFUSED", "SERVFAIL", "FORMERR", "NOTIMP"])
async def test_every_server_failing_keeps_the_rcode(rcode: str) -> None:
    with _scripted(rcode) as one, _scripted(rcode) as two:
        record = await _ask(one, two)
    assert record.rcode == rcode
    assert record.error == f"{HOST}:{one.port} answered {rcode}; {HOST}:{two.port} answered {rcode}"
    assert len(one.queries) == len(two.queries) == 1  # no retries on the same server


async def test_failures_are_not_cached() -> None:
    with _scripted("REFUSED") as server:
        resolver = LiveResolver([(HOST, server.port)], timeout=2.0)
        first = await resolver.query("_dmarc.contoso.com", "TXT")
        second = await resolver.query("_dmarc.contoso.com", "TXT")
    assert (first.rcode, second.rcode) == ("REFUSED", "REFUSED")
    assert not second.from_cache
    assert len(server.queries) == 2


async def test_dead_first_server_does_not_hide_the_second(lab_dns) -> None:  # type: ignore[no-untyped-def]
    # resolv.conf / repeated --resolver: a server that never answers gets its share of the
    # time, then the next one is asked.
    from headerlens.dnsclient.resolver import LiveResolver
    from tests.dnslab import SilentUdpPort

    with SilentUdpPort() as dead:
        r = LiveResolver(
            [("127.0.0.1", dead.port), (lab_dns.host, lab_dns.port)], timeout=2.0, deadline=10.0
        )
        rec = await r.query("contoso.com", "TXT")
    assert rec.rcode == "NOERROR"
    assert any(a.startswith("v=spf1") for a in rec.answers)
