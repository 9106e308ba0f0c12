"""Which DNS queries verify() sends before the first answer arrives (its first round trip).

The resolver below holds every answer until the test releases it, so "asked before any
answer" is exact, whatever the machine's speed (issue 5: the critical path).
"""

from __future__ import annotations

import asyncio

import pytest

from headerlens.diagnosis.sending_service import likely_include
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import verify
from headerlens.model.dns import DnsRecord
from headerlens.model.verification import Verification, VerifyMode
from tests.dnslab import LabDns, UdpRelay
from tests.labverify import LAB, NOW, LoggingMemoryResolver, load_analysis, run_verify


class GatedResolver(LoggingMemoryResolver):
    """The lab zones, with every answer held until ``gate`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.first_round: list[str] = []

    async def query(self, name: str, rdtype: str) -> DnsRecord:
        if not self.gate.is_set():
            self.first_round.append(name)
        await self.gate.wait()
        return await super().query(name, rdtype)


async def _first_round(file: str, mode: VerifyMode = VerifyMode.LIVE) -> GatedResolver:
    analysis = load_analysis(LAB / "messages" / file)
    resolver = GatedResolver()
    task = asyncio.ensure_future(verify(analysis, resolver, mode=mode, now=NOW))
    for _ in range(50):  # let every task start and block on the gate
        await asyncio.sleep(0)
    resolver.gate.set()
    await task
    return resolver


@pytest.mark.parametrize(
    ("file", "include"),
    [
        ("shared-eop-to-gmail-pass.eml", "spf.protection.outlook.com"),  # lab: EOP at the boundary
        ("shared-hes-to-gmail-pass.eml", "spf.hes.trendmicro.com"),  # lab: HES at the boundary
        ("shared-spf-not-updated.eml", "spf.protection.outlook.com"),  # lab: record lacks it
        ("shared-edge-bypasses-hes.eml", None),  # lab: the customer's Edge delivered directly
        ("shared-strict-alignment-fail.eml", None),  # lab: Postfix at proseware.com
    ],
)
async def test_service_include_is_asked_in_the_first_round(file: str, include: str | None) -> None:
    analysis = load_analysis(LAB / "messages" / file)
    assert likely_include(analysis, "sender.example") == include
    resolver = await _first_round(file)
    if include is not None:
        assert include in resolver.first_round
    else:  # no guess: an include is only asked once the sender's record names it
        assert not {"spf.protection.outlook.com", "spf.hes.trendmicro.com"} & set(
            resolver.first_round
        )
    assert resolver.first_round  # the sender's SPF record, DKIM keys and _dmarc go first


async def test_no_speculative_include_when_replaying_a_snapshot() -> None:
    # replaying a snapshot, SPF still runs (the sender's record is asked first) but nothing
    # is guessed: the log lists what SPF itself asked. (Offline, SPF does not run at all.)
    resolver = await _first_round("shared-eop-to-gmail-pass.eml", VerifyMode.SNAPSHOT)
    assert "contoso.com" in resolver.first_round
    assert "spf.protection.outlook.com" not in resolver.first_round


# Each query waits this long in the relay before it reaches the lab resolver: a query sent
# before any answer could come back belongs to the first round.
ROUND_TRIP_S = 0.4


def _lab_rounds(lab_dns: LabDns, file: str) -> tuple[list[tuple[float, str, str]], Verification]:
    """Verify ``file`` through the lab DNS behind a delaying relay that records each packet."""
    with UdpRelay((lab_dns.host, lab_dns.port), delay=ROUND_TRIP_S) as relay:
        # A generous per-query timeout: on a loaded machine an answer that took over 3 s counted
        # as a timeout, so SPF asked the include again and the "sent once" count saw 2.
        resolver = LiveResolver([(relay.host, relay.port)], timeout=15.0, deadline=40.0)
        _, verification = run_verify(LAB / "messages" / file, resolver)
    return relay.questions(), verification


@pytest.mark.dns
def test_service_include_is_sent_once_in_the_first_round_through_lab_dns(
    lab_dns: LabDns,
) -> None:
    # the packets that reach the lab DNS, not our own log: the guessed include leaves with the
    # sender's record, before any answer, and SPF's own lookup of it sends nothing more
    sent, verification = _lab_rounds(lab_dns, "shared-eop-to-gmail-pass.eml")
    start = sent[0][0]
    first_round = {(name, rdtype) for t, name, rdtype in sent if t - start < ROUND_TRIP_S}
    assert {("contoso.com", "TXT"), ("spf.protection.outlook.com", "TXT")} <= first_round
    asked = [(name, rdtype) for _, name, rdtype in sent]
    # once, unless the first attempt failed (a loaded lab resolver's SERVFAIL or timeout is not
    # cached, so SPF rightly asks again): every extra packet needs a failed answer in the log
    failed = [
        r
        for r in verification.dns_log
        if r.name.rstrip(".").lower() == "spf.protection.outlook.com"
        and r.rdtype == "TXT"
        and not r.from_cache
        and r.rcode != "NOERROR"
    ]
    assert asked.count(("spf.protection.outlook.com", "TXT")) == 1 + len(failed)
    assert verification.spf is not None and verification.spf.verdict.value == "pass"
    assert verification.unused_prefetches == set()


@pytest.mark.dns
def test_no_service_include_is_sent_without_a_guess_through_lab_dns(lab_dns: LabDns) -> None:
    # lab: Postfix at proseware.com delivered directly; no service to guess, nothing guessed
    sent, verification = _lab_rounds(lab_dns, "shared-strict-alignment-fail.eml")
    names = {name for _, name, _ in sent}
    assert "proseware.com" in names  # SPF ran
    assert not {"spf.protection.outlook.com", "spf.hes.trendmicro.com"} & names
    assert verification.prefetched and all(n.startswith("_dmarc.") for n in verification.prefetched)


def test_no_include_for_the_service_itself() -> None:
    analysis = load_analysis(LAB / "messages" / "shared-eop-to-gmail-pass.eml")
    assert likely_include(analysis, "spf.protection.outlook.com.") is None
    assert likely_include(analysis, None) is None


def test_run_blocking_hands_back_the_result_and_raises_errors() -> None:
    from headerlens.evaluators.verify import run_blocking

    async def value() -> list[int]:
        await asyncio.sleep(0)
        return [1, 2]

    async def broken() -> None:
        raise ValueError("boom")

    assert run_blocking(value()) == [1, 2]
    with pytest.raises(ValueError, match="boom"):
        run_blocking(broken())
