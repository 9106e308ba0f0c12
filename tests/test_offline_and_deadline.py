"""--offline sends nothing; an unreachable resolver ends within the deadline with temperror.

The offline proof uses a PEP 578 audit hook that records the socket events CPython raises
(socket.connect, socket.sendto, socket.getaddrinfo...) while a full report runs.
"""

from __future__ import annotations

import asyncio
import io
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from headerlens.cli import run_report
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import verify
from headerlens.model.spf import SpfVerdict
from headerlens.model.verdicts import ArcResult, DkimResult, DmarcResult
from tests.dnslab import SilentUdpPort
from tests.labverify import LAB, NOW, load_analysis

MESSAGES = LAB / "messages"
# Socket operations that would put a packet on the wire or ask a name service.
NETWORK_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.sendto",
        "socket.sendmsg",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
    }
)

_seen: list[tuple[str, str]] | None = None  # recording when not None
_hook_installed = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _seen is not None and event.startswith("socket."):
        _seen.append((event, repr(args)[:200]))


@contextmanager
def socket_events() -> Iterator[list[tuple[str, str]]]:
    """Record socket audit events inside the block (the hook itself can't be removed)."""
    global _seen, _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True
    events: list[tuple[str, str]] = []
    _seen = events
    try:
        yield events
    finally:
        _seen = None


def _network(events: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [e for e in events if e[0] in NETWORK_EVENTS]


OFFLINE_CASES = [
    "shared-eop-to-gmail-pass.eml",  # lab: SPF, DKIM, DMARC, ARC i=1..2
    "shared-mailing-list-arc.eml",  # lab: two DKIM signatures, ARC
    "shared-eop-to-gmail-headers-only.txt",  # lab: header-only paste
]


@pytest.mark.parametrize("name", OFFLINE_CASES)
def test_offline_report_sends_no_packet(name: str) -> None:
    out = io.StringIO()
    with socket_events() as events:
        status = run_report(["--offline", "--format", "json", str(MESSAGES / name)], out)
        md = io.StringIO()
        run_report(["--offline", str(MESSAGES / name)], md)
    assert status == 0
    assert _network(events) == []
    v = json.loads(out.getvalue())["verification"]
    assert v["mode"] == "offline (no DNS queries)"
    # Every lookup that was wanted is logged as not made.
    assert v["dns_log"] and {r["rcode"] for r in v["dns_log"]} == {"OFFLINE"}
    # Every DNS-based verdict says it was not checked because offline.
    assert v["spf"] is None and "Not checked: offline" in v["spf_note"]
    assert v["dkim"]
    for d in v["dkim"]:
        assert d["header_result"] == "unavailable" and d["result"] == "unavailable"
        assert "Not checked: offline" in d["explanation"]
    assert v["dmarc"]["result"] == "temperror"
    assert v["dmarc"]["explanation"].startswith("Not checked: offline")
    assert v["arc"]["result"] == "unavailable"
    assert v["arc"]["explanation"].startswith("Not checked: offline")
    codes = [f["code"] for f in v["findings"]]
    assert "verify.offline" in codes
    assert "not checked" in md.getvalue()


def test_the_audit_hook_does_see_dns_packets() -> None:
    # Control: the same hook records the packets of a live lookup (so silence above means
    # something). The silent port never answers; one short timeout is enough.
    with SilentUdpPort() as silent, socket_events() as events:
        resolver = LiveResolver([(silent.host, silent.port)], timeout=0.2, deadline=1.0)
        record = asyncio.run(resolver.query("contoso.com", "TXT"))
    assert record.rcode == "TIMEOUT"
    assert {e for e, _ in _network(events)} & {"socket.sendto", "socket.connect"}


UNREACHABLE_CASES = [
    "shared-eop-to-gmail-pass.eml",  # lab
    "shared-mailing-list-arc.eml",  # lab
    "shared-hes-to-gmail-pass.eml",  # lab
]


@pytest.mark.parametrize("name", UNREACHABLE_CASES)
def test_unreachable_resolver_ends_in_time_with_temperror(name: str) -> None:
    timeout, deadline = 0.5, 2.0
    analysis = load_analysis(MESSAGES / name)
    with SilentUdpPort() as silent:
        resolver = LiveResolver([(silent.host, silent.port)], timeout=timeout, deadline=deadline)
        start = time.monotonic()
        v = asyncio.run(verify(analysis, resolver, now=NOW))
        elapsed = time.monotonic() - start
    # A correctness bound, not a benchmark: the deadline holds, with slack for a slow machine.
    assert elapsed < deadline + 2.0
    assert v.done and not v.errors
    assert v.spf is not None and v.spf.verdict is SpfVerdict.TEMPERROR
    assert "TIMEOUT" in v.spf.reason
    assert v.dkim
    for d in v.dkim:
        assert d.result is DkimResult.TEMPERROR
        assert "timeout" in d.explanation
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.TEMPERROR
    assert "timeout" in v.dmarc.explanation
    assert v.arc is not None and v.arc.result is ArcResult.TEMPERROR
    assert "TIMEOUT" in v.arc.explanation
    assert {r.rcode for r in v.dns_log} == {"TIMEOUT"}
    codes = {f.code for f in v.findings}
    assert {"verify.dns-unavailable", "spf.temperror", "dkim.temperror"} <= codes
    # A timeout is not a failure: nothing claims the message fails authentication now.
    assert not codes & {"dkim.fail", "dmarc.fail", "arc.fail", "spf.changed"}


def test_deadline_cuts_the_second_round_of_lookups() -> None:
    # lab: DMARC is decided after SPF and DKIM, so with timeout 1 s its lookup only gets what
    # is left of a 1.5 s deadline.
    analysis = load_analysis(MESSAGES / "shared-eop-to-gmail-pass.eml")
    with SilentUdpPort() as silent:
        resolver = LiveResolver([(silent.host, silent.port)], timeout=1.0, deadline=1.5)
        start = time.monotonic()
        v = asyncio.run(verify(analysis, resolver, now=NOW))
        elapsed = time.monotonic() - start
    assert elapsed < 1.5 + 2.0
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.TEMPERROR
    assert "deadline" in v.dmarc.explanation


def test_cli_with_unreachable_resolver_reports_temperror(tmp_path: Path) -> None:
    # lab: shared-spf-not-updated.eml through `headerlens report --resolver` (deadline 20 s)
    out = io.StringIO()
    with SilentUdpPort() as silent:
        start = time.monotonic()
        status = run_report(
            [
                "--format",
                "json",
                "--resolver",
                f"{silent.host}:{silent.port}",
                "--timeout",
                "0.5",
                str(MESSAGES / "shared-spf-not-updated.eml"),
            ],
            out,
        )
        elapsed = time.monotonic() - start
    assert status == 0
    assert elapsed < 20.0 + 2.0
    v = json.loads(out.getvalue())["verification"]
    assert v["spf"]["result"] == "temperror"
    assert [d["result"] for d in v["dkim"]] == ["temperror"]
    assert v["dmarc"]["result"] == "temperror"
    # No "add include:" advice from a record we never saw.
    assert "spf.service-not-included" not in {f["code"] for f in v["findings"]}


def test_offline_verification_does_not_copy_a_large_header_section() -> None:
    # Offline verification joined every header field to compare it with the input and sliced
    # the header section to find the body: two copies of a 5 MB header line.
    import tracemalloc

    from headerlens.analyze import analyze
    from headerlens.dnsclient.resolver import OfflineResolver

    data = b"Subject: " + b"x" * 5_000_000 + b"\r\nFrom: a@example.com\r\n\r\nbody\r\n"
    analysis = analyze(data)
    tracemalloc.start()
    try:
        result = asyncio.run(verify(analysis, OfflineResolver()))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.done
    assert peak < 1_000_000, f"{peak:,} bytes allocated"
