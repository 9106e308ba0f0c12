"""An ARC set the attacker seals himself on a spoof of contoso.com (p=reject).

His i=1 ARC-Authentication-Results claims the final receiver's authserv-id (mx.fabrikam.com)
and spf/dkim/dmarc=pass; the seal is valid, made with a key in his own DNS. Before, the report
relayed it as "the ARC chain passes and shows dmarc=pass at i=1: a receiver that trusts
attacker.example as an intermediary may accept the message", explained as a list or forwarder.
An intermediary records its results under its own name: a set from another organisation under
the receiver's name is a forgery and is said to be one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import dkim
import pytest

from headerlens.analyze import analyze
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import run_blocking, verify
from headerlens.model.codes import Code
from headerlens.model.verdicts import ArcResult, DmarcResult
from headerlens.model.verification import Verification
from tests.dnslab import LabDns
from tests.redteam_lab import ATTACKER_IP, attacker_lab

D = "Tue, 10 Nov 2026 09:14:09 +0000"
RX = (
    f"Received: from mail.attacker.example (mail.attacker.example [{ATTACKER_IP}]) by "
    f"mx.fabrikam.com (Postfix) with ESMTP id 4QxyZ1 for <ap@fabrikam.com>; {D}\r\n"
)
SPOOF = (
    "Return-Path: <x@attacker.example>\r\nFrom: Contoso CEO <ceo@contoso.com>\r\n"
    f"To: ap@fabrikam.com\r\nSubject: Urgent\r\nDate: {D}\r\nMessage-ID: <s1@contoso.com>\r\n"
    "\r\nPay.\r\n"
)
PASSES = (
    "spf=pass smtp.mailfrom=contoso.com; dkim=pass header.d=contoso.com; "
    "dmarc=pass header.from=contoso.com"
)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LabDns, bytes]]:
    yield from attacker_lab(tmp_path_factory)


def _sealed(key: bytes, authserv_id: str) -> bytes:
    """The spoof with an ARC set i=1 sealed by attacker.example, its AAR under ``authserv_id``."""
    msg = f"Authentication-Results: {authserv_id}; {PASSES}\r\n{SPOOF}".encode()
    ident = authserv_id.encode()
    fields = dkim.arc_sign(
        msg, b"s1", b"attacker.example", key, ident, timestamp=str(int(time.time()))
    )
    return RX.encode() + b"".join(fields) + SPOOF.encode()


def _check(raw: bytes, dns: LabDns) -> Verification:
    a = analyze(raw)
    v = run_blocking(verify(a, LiveResolver(dns.nameservers, timeout=3.0, deadline=20.0)))
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.FAIL
    assert v.arc is not None and v.arc.result is ArcResult.PASS  # the seal itself is valid
    return v


def test_a_set_sealed_by_another_organisation_under_the_receivers_name_is_forged(
    lab: tuple[LabDns, bytes],
) -> None:
    dns, key = lab
    v = _check(_sealed(key, "mx.fabrikam.com"), dns)
    codes = [f.code for f in v.findings]
    assert Code.ARC_CLAIMS_RECEIVER in codes
    assert Code.ARC_ORIGINAL_PASS not in codes  # no "may be accepted on that basis"
    claim = next(f for f in v.findings if f.code is Code.ARC_CLAIMS_RECEIVER)
    assert "attacker.example" in claim.title and "mx.fabrikam.com" in claim.title


def test_a_set_under_the_sealers_own_name_is_reported_as_before(lab: tuple[LabDns, bytes]) -> None:
    dns, key = lab
    v = _check(_sealed(key, "lists.attacker.example"), dns)
    codes = [f.code for f in v.findings]
    assert Code.ARC_ORIGINAL_PASS in codes
    assert Code.ARC_CLAIMS_RECEIVER not in codes
