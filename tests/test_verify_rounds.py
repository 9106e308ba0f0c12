"""Which DNS queries verify() sends before the first answer arrives (its first round trip).

The resolver below holds every answer until the test releases it, so "asked before any
answer" is exact, whatever the machine's speed (issue 5: the critical path).
"""

from __future__ import annotations

import asyncio

import pytest

from headerlens.checks.sending_service import likely_include
from headerlens.checks.verify import verify
from headerlens.model.dns import DnsRecord
from headerlens.model.verification import VerifyMode
from tests.labverify import LAB, NOW, LoggingMemoryResolver, load_analysis


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


async def test_no_speculative_include_offline() -> None:
    # offline, the log lists exactly what SPF would ask; nothing is guessed
    resolver = await _first_round("shared-eop-to-gmail-pass.eml", VerifyMode.OFFLINE)
    assert "spf.protection.outlook.com" not in resolver.first_round


def test_no_include_for_the_service_itself() -> None:
    analysis = load_analysis(LAB / "messages" / "shared-eop-to-gmail-pass.eml")
    assert likely_include(analysis, "spf.protection.outlook.com.") is None
    assert likely_include(analysis, None) is None


def test_run_blocking_hands_back_the_result_and_raises_errors() -> None:
    from headerlens.checks.verify import run_blocking

    async def value() -> list[int]:
        await asyncio.sleep(0)
        return [1, 2]

    async def broken() -> None:
        raise ValueError("boom")

    assert run_blocking(value()) == [1, 2]
    with pytest.raises(ValueError, match="boom"):
        run_blocking(broken())
