"""The bundled examples/*.dns.json replay to the same verdicts as the live lab run.

The snapshots are made by scripts/make_example_snapshots.py (the CLI's --save-dns against
Knot + Unbound). Replaying needs no DNS servers, so this runs everywhere; the last test,
marked dns, also compares a live run with the replay verdict for verdict.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from headerlens.cli import run_report
from headerlens.dnsclient.snapshot import SnapshotResolver
from headerlens.model.verification import VerifyMode
from tests.dnslab import LabDns
from tests.labverify import EXAMPLES, LAB, NOW, check_expected, lab_cases, run_verify

# example file -> the lab message it copies (byte for byte; checked below)
EXAMPLE_OF = {
    "eop-to-gmail-pass.eml": "messages/shared-eop-to-gmail-pass.eml",
    "hes-to-gmail-pass.eml": "messages/shared-hes-to-gmail-pass.eml",
    "eop-to-gmail-headers-only.txt": "messages/shared-eop-to-gmail-headers-only.txt",
    "spf-not-updated.eml": "messages/shared-spf-not-updated.eml",
}
EXPECT = {c.file: c.expect for c in lab_cases()}


def _snapshot(example: str) -> Path:
    return EXAMPLES / f"{Path(example).stem}.dns.json"


def _cli(args: list[str]) -> dict[str, Any]:
    out = io.StringIO()
    assert run_report(["--format", "json", *args], out) == 0
    doc: dict[str, Any] = json.loads(out.getvalue())
    return doc


def _verdicts(doc: dict[str, Any]) -> dict[str, Any]:
    """The verdicts of a JSON report, without timings, resolver names or cache flags."""
    v = doc["verification"]
    return {
        "spf": (v["spf"]["result"], v["spf"]["match"]),
        "dkim": [
            (d["domain"], d["selector"], d["header_result"], d["body_result"]) for d in v["dkim"]
        ],
        "dmarc": (v["dmarc"]["result"], v["dmarc"]["policy"]),
        "arc": (v["arc"]["result"], v["arc"]["oldest_pass"], v["arc"]["header_only"]),
        "findings": sorted(f["code"] for f in doc["findings"]),
    }


@pytest.mark.parametrize("example", sorted(EXAMPLE_OF))
def test_example_is_the_lab_message(example: str) -> None:
    # lab: the expectations below are the lab's, so the example must be the same bytes
    assert (EXAMPLES / example).read_bytes() == (LAB / EXAMPLE_OF[example]).read_bytes()
    assert _snapshot(example).is_file()


@pytest.mark.parametrize("example", sorted(EXAMPLE_OF))
def test_snapshot_replays_the_lab_verdicts(example: str) -> None:
    # lab: expected.json entry of the example's message
    resolver = SnapshotResolver(_snapshot(example))
    analysis, v = run_verify(EXAMPLES / example, resolver, mode=VerifyMode.SNAPSHOT, now=NOW)
    check_expected(analysis, v, EXPECT[EXAMPLE_OF[example]])
    assert v.dns_log
    assert [r.name for r in v.dns_log if r.rcode == "MISSING"] == []


@pytest.mark.parametrize("example", sorted(EXAMPLE_OF))
def test_readme_command_shows_real_verdicts_offline(example: str) -> None:
    # The README's command: headerlens report --dns-snapshot examples/X.dns.json examples/X
    doc = _cli(["--dns-snapshot", str(_snapshot(example)), str(EXAMPLES / example)])
    v = doc["verification"]
    assert v["mode"] == "DNS snapshot replay"
    assert all(r["rcode"] in ("NOERROR", "NXDOMAIN") for r in v["dns_log"])
    assert v["dkim"] and all(d["header_result"] == "pass" for d in v["dkim"])
    assert v["dmarc"]["result"] == "pass"


def test_spf_not_updated_snapshot_keeps_the_advice() -> None:
    # lab: expected.json "add include:spf.protection.outlook.com", replayed offline
    doc = _cli(
        [
            "--dns-snapshot",
            str(_snapshot("spf-not-updated.eml")),
            str(EXAMPLES / "spf-not-updated.eml"),
        ]
    )
    titles = [f["title"] for f in doc["findings"] if f["code"] == "spf.service-not-included"]
    assert titles and "add include:spf.protection.outlook.com" in titles[0]


@pytest.mark.dns
@pytest.mark.parametrize("example", sorted(EXAMPLE_OF))
def test_snapshot_matches_a_live_run(example: str, lab_dns: LabDns) -> None:
    # lab: live through Knot + Unbound vs the bundled snapshot, verdict for verdict
    live = _cli(["--resolver", f"{lab_dns.host}:{lab_dns.port}", str(EXAMPLES / example)])
    replay = _cli(["--dns-snapshot", str(_snapshot(example)), str(EXAMPLES / example)])
    assert _verdicts(replay) == _verdicts(live)
