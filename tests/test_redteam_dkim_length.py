"""A genuine message of victim.example (DMARC p=reject) signed with l=, re-sent by the attacker
from his own server with his own text appended after the signed part.

The signature still verifies, so DMARC passes: that is the protocol. Before, with no verdict of
the receiver's, the diagnosis ignored the re-verified pass and said "a spoof: nothing
authenticated victim.example" for every DKIM-only pass (a genuine message included), and said
nothing about the appended text. Now a re-verified pass is not a spoof, except when it rests
only on signatures whose l= leaves appended bytes unsigned: then the added text is named.
"""

from __future__ import annotations

from collections.abc import Iterator

import dkim
import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings import situation_finding
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import run_blocking, verify
from headerlens.model.verdicts import DmarcResult
from tests.dnslab import LabDns
from tests.redteam_lab import ATTACKER_IP, attacker_lab

D = "Tue, 10 Nov 2026 09:14:09 +0000"
RX = (
    f"Received: from mail.attacker.example (mail.attacker.example [{ATTACKER_IP}]) by "
    f"mx.fabrikam.com (Postfix) with ESMTP id 4QxyZ1 for <ap@fabrikam.com>; {D}\r\n"
    "Return-Path: <x@attacker.example>\r\n"
)
GENUINE = (
    "From: Victim News <news@victim.example>\r\nTo: subscribers@victim.example\r\n"
    f"Subject: Newsletter\r\nDate: {D}\r\nMessage-ID: <n1@victim.example>\r\n"
    "Content-Type: text/plain\r\n\r\nHello all, the newsletter follows.\r\n"
)
APPENDED = b"\r\nURGENT: our bank details changed, pay invoices to IBAN XX00 0000 0000.\r\n"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LabDns, bytes]]:
    yield from attacker_lab(tmp_path_factory)


def _signed(key: bytes, *, length: bool) -> bytes:
    msg = GENUINE.encode()
    return dkim.sign(msg, b"s1", b"victim.example", key, length=length) + msg


def _diagnose(raw: bytes, dns: LabDns):  # type: ignore[no-untyped-def]
    a = analyze(raw)
    v = run_blocking(verify(a, LiveResolver(dns.nameservers, timeout=3.0, deadline=20.0)))
    return v, diagnose(a, v)


def test_text_appended_after_l_is_named(lab: tuple[LabDns, bytes]) -> None:
    dns, key = lab
    v, d = _diagnose(RX.encode() + _signed(key, length=True) + APPENDED, dns)
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.PASS  # the protocol's answer
    assert d.labels()[:1] == ("spoof",)
    assert "appended" in d.headline and "victim.example" in d.headline, d.headline
    sit = d.situations[0]
    assert any("signed by no one" in e and "l=" in e for e in sit.evidence), sit.evidence
    assert "l=" in situation_finding(sit).fix


@pytest.mark.parametrize("length", [False, True], ids=["no-l", "l-nothing-appended"])
def test_a_re_verified_dkim_pass_is_not_called_a_spoof(
    length: bool, lab: tuple[LabDns, bytes]
) -> None:
    # an ESP sending for victim.example with its own envelope domain: DKIM aligned, SPF not
    dns, key = lab
    v, d = _diagnose(RX.encode() + _signed(key, length=length), dns)
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.PASS
    assert "spoof" not in d.labels(), d.headline
