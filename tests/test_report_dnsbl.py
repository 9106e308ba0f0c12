"""``headerlens report --dnsbl``: the trust-boundary IP on DNS blocklists (lab zones served by Knot)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from headerlens.cli import run_report
from tests.dnslab import LabDns
from tests.paths import EXAMPLES

EOP = EXAMPLES / "eop-to-gmail-pass.eml"  # boundary: mx.google.com from 40.107.22.101


def _report(lab: LabDns, *extra: str) -> dict[str, Any]:
    out = io.StringIO()
    argv = ["--format", "json", "--resolver", f"{lab.host}:{lab.port}", *extra, str(EOP)]
    assert run_report(argv, out) == 0
    doc: dict[str, Any] = json.loads(out.getvalue())
    return doc


@pytest.mark.dns
def test_boundary_ip_listed(lab_dns: LabDns) -> None:
    doc = _report(lab_dns, "--dnsbl")
    listed = [f for f in doc["findings"] if f["code"] == "dnsbl.listed"]
    assert len(listed) == 1
    assert "40.107.22.101" in listed[0]["title"] and "zen.spamhaus.org" in listed[0]["title"]
    assert "SBL CSS" in listed[0]["title"] and listed[0]["severity"] == "error"
    assert listed[0]["hop_number"] == 5
    dnsbl = doc["verification"]["dnsbl"]
    assert dnsbl["ip"] == "40.107.22.101"
    assert {r["zone"]: r["state"] for r in dnsbl["results"]} == {
        "zen.spamhaus.org": "listed",
        "b.barracudacentral.org": "not listed",
        "bl.spamcop.net": "not listed",
    }
    assert any(
        r["name"] == "101.22.107.40.zen.spamhaus.org" for r in doc["verification"]["dns_log"]
    )


@pytest.mark.dns
def test_dnsbl_is_opt_in_and_zones_are_chosen(lab_dns: LabDns) -> None:
    plain = _report(lab_dns)
    assert plain["verification"]["dnsbl"] is None
    assert not any("spamhaus" in r["name"] for r in plain["verification"]["dns_log"])
    chosen = _report(lab_dns, "--dnsbl-zone", "bl.spamcop.net")
    assert [r["zone"] for r in chosen["verification"]["dnsbl"]["results"]] == ["bl.spamcop.net"]
    assert [f["code"] for f in chosen["findings"] if f["code"].startswith("dnsbl.")] == [
        "dnsbl.clean"
    ]
