"""A resolver that does not see the internet: its NXDOMAINs are not evidence, and no DNS change is advised.

The blind resolver is a real loopback DNS server (tests/misbehaving_dns.py) that answers NXDOMAIN
for every name, as a lab or filtering resolver does for internet names.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from headerlens.cli import run_report
from tests.dnslab import LabDns
from tests.misbehaving_dns import MisbehavingDns
from tests.paths import EXAMPLES

EOP = EXAMPLES / "eop-to-gmail-pass.eml"  # Gmail stamped spf=pass, dkim=pass for contoso.com
SPF_NOT_UPDATED = EXAMPLES / "spf-not-updated.eml"


def _report(server: str, path: str) -> dict[str, Any]:
    out = io.StringIO()
    assert run_report(["--format", "json", "--resolver", server, "--timeout", "1", path], out) == 0
    doc: dict[str, Any] = json.loads(out.getvalue())
    return doc


def _advice(doc: dict[str, Any]) -> list[str]:
    return [
        f["fix"]
        for f in doc["findings"]
        if f["fix"].lower().startswith(("publish", "add include", "add the "))
    ]


def test_nxdomain_for_what_the_receiver_verified_is_a_blind_resolver() -> None:
    with MisbehavingDns() as blind:  # every name: NXDOMAIN
        doc = _report(f"{blind.host}:{blind.port}", str(EOP))
    codes = [f["code"] for f in doc["findings"]]
    assert "verify.resolver-blind" in codes
    [blind_finding] = [f for f in doc["findings"] if f["code"] == "verify.resolver-blind"]
    assert "contoso.com TXT: NXDOMAIN" in blind_finding["detail"]
    assert _advice(doc) == []
    assert any(f["fix"].startswith("Withheld") for f in doc["findings"])


@pytest.mark.dns
def test_advice_withheld_only_when_blind(lab_dns: LabDns) -> None:
    # The same advice over the lab DNS (which sees the lab's "internet") is given as usual.
    doc = _report(f"{lab_dns.host}:{lab_dns.port}", str(SPF_NOT_UPDATED))
    assert "verify.resolver-blind" not in [f["code"] for f in doc["findings"]]
    assert any("include:spf.protection.outlook.com" in fix for fix in _advice(doc))
    with MisbehavingDns() as blind:
        doc = _report(f"{blind.host}:{blind.port}", str(SPF_NOT_UPDATED))
    assert "verify.resolver-blind" in [f["code"] for f in doc["findings"]]
    assert _advice(doc) == []
