"""The console's status line tells the truth about DNS: never "verified" when nothing answered."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from headerlens.dnsclient.options import VerifyOptions
from headerlens.model.dns import DnsRecord
from headerlens.tui.analysis import AnalysisScreen
from headerlens.tui.app import HeaderlensApp
from headerlens.tui.status import dns_failures
from tests.dnslab import LabDns, SilentUdpPort
from tests.paths import EXAMPLES

EOP = EXAMPLES / "eop-to-gmail-pass.eml"


def _status(app: HeaderlensApp) -> str:
    screen = app.screen
    assert isinstance(screen, AnalysisScreen)
    content = screen.query_one("#status", Static).visual
    return content.plain if hasattr(content, "plain") else str(content)


async def _run(options: VerifyOptions, path: Path = EOP) -> str:
    app = HeaderlensApp(str(path), verify_options=options)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        return _status(app)


def test_failure_counting_leaves_cache_hits_out() -> None:
    log = (
        DnsRecord("a.example", "TXT", "TIMEOUT"),
        DnsRecord("a.example", "TXT", "TIMEOUT", from_cache=True),
        DnsRecord("b.example", "TXT", "NOERROR"),
        DnsRecord("c.example", "TXT", "SERVFAIL"),
    )
    assert dns_failures(log) == (3, ["TIMEOUT", "SERVFAIL"])


async def test_a_silent_resolver_is_not_verified() -> None:
    with SilentUdpPort() as silent:
        options = VerifyOptions(
            nameservers=((silent.host, silent.port),), timeout=0.2, deadline=1.0
        )
        status = await _run(options)
    assert "verified" not in status.replace("re-verified", "")
    assert status.startswith("✖ DNS did not answer (")
    assert "timed out" in status


async def test_a_snapshot_missing_some_answers_is_partly_verified(tmp_path: Path) -> None:
    import json

    snap = json.loads((EXAMPLES / "eop-to-gmail-pass.dns.json").read_text(encoding="utf-8"))
    snap["records"] = [
        r for r in snap["records"] if r["rdtype"] != "TXT" or "_dmarc" not in r["name"]
    ]
    path = tmp_path / "partial.dns.json"
    path.write_text(json.dumps(snap), encoding="utf-8")
    status = await _run(VerifyOptions(snapshot=path))
    assert status.startswith("⚠ partly verified over DNS snapshot replay")
    assert "not in the snapshot" in status


@pytest.mark.dns
async def test_a_working_resolver_is_verified(lab_dns: LabDns) -> None:
    status = await _run(VerifyOptions(nameservers=((lab_dns.host, lab_dns.port),)))
    assert status.startswith("✔ verified over live DNS")
