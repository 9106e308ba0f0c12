"""A bounce's refusal tied to the re-verified original, over real DNS (Knot + Unbound).

examples/ndr-gmail-unauthenticated.eml wraps the lab message shared-edge-bypasses-hes.eml
(Exchange Edge sending straight to Gmail, bypassing Trend Micro HES: SPF softfail for
192.0.2.60, no DKIM, DMARC fail) in the bounce Gmail's 550 5.7.26 would cause.
"""

from __future__ import annotations

import asyncio

import pytest

from headerlens.analyze import analyze
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import verify
from headerlens.model import WhoActs
from headerlens.model.spf import SpfVerdict
from headerlens.model.verdicts import DmarcResult
from tests.dnslab import LabDns
from tests.labverify import EXAMPLES, LAB, NOW

pytestmark = pytest.mark.dns

EXAMPLE = EXAMPLES / "ndr-gmail-unauthenticated.eml"


def test_example_wraps_the_lab_message() -> None:
    # the returned message is the lab file's part below Gmail's own fields, byte for byte
    lab = (LAB / "messages/shared-edge-bypasses-hes.eml").read_bytes()
    part = lab[lab.index(b"Received: from EX2010-01") :]
    assert part in EXAMPLE.read_bytes()


def test_5_7_26_explained_by_the_originals_dmarc_failure(lab_dns: LabDns) -> None:
    analysis = analyze(EXAMPLE.read_bytes(), source_name=EXAMPLE.name)
    assert analysis.ndr is not None and analysis.ndr.original is not None
    resolver = LiveResolver([(lab_dns.host, lab_dns.port)])
    v = asyncio.run(verify(analysis, resolver, label="lab", now=NOW))
    assert v.done and not v.errors, v.errors
    original = v.original
    assert original is not None and original.done
    # SPF replayed as Gmail saw it: the IP quoted in the reply, the returned envelope sender
    assert original.spf is not None
    assert (original.spf.ip, original.spf.domain) == ("192.0.2.60", "fabrikam.com")
    assert original.spf.verdict is SpfVerdict.SOFTFAIL
    assert original.dkim == ()
    assert original.dmarc is not None and original.dmarc.result is DmarcResult.FAIL
    # the refusal tied to that failure
    (link,) = v.ndr_links
    assert (link.recipient, link.status, link.check) == (
        "carol.recipient@gmail.com",
        "5.7.26",
        "auth",
    )
    assert "DMARC for fabrikam.com: fail" in link.checked
    assert "SPF for fabrikam.com from 192.0.2.60: softfail" in link.checked
    assert "left EDGE2010.fabrikam.com from 192.0.2.60" in link.why
    assert "no DKIM signature aligned with fabrikam.com" in link.why
    assert link.who_acts is WhoActs.SENDER_ADMIN
    # the original's own finding: Edge bypassed the Trend Micro smart host
    assert "route outbound through the smart host" in link.fix
    assert "DKIM-sign outgoing mail with d=fabrikam.com" in link.fix
    assert "Re-checked 2026-11-26 12:00 UTC" in link.caveat and "2026-11-10" in link.caveat
