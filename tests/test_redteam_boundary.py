"""A receiver line that names no client, above a line the sender forged.

The receiving host's newest line records no client ("Received: by mx.fabrikam.com with ESMTP",
a local submission "from userid 1000"); below it the sender wrote "from <an IP contoso.com's SPF
authorises> by <any host>". The walk treated the client-less line as an internal hand-off and
took the forged line as the entry: SPF and DMARC of a contoso.com (p=reject) spoof re-verified
as pass. Below a client-less line only lines the same host wrote continue the receiver's trace.
"""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import run_blocking, verify
from headerlens.model.spf import SpfVerdict
from headerlens.model.verdicts import DmarcResult
from tests import test_attacker_evidence_2 as t2
from tests.dnslab import LabDns

A, F, D, BODY = t2.A, t2.F, t2.D, t2.BODY  # contoso.com (p=reject); F is in its SPF
FORGED = (
    "Received: from mail-db8eur05on2033.outbound.protection.outlook.com "
    f"(mail-db8eur05on2033.outbound.protection.outlook.com [{F}]) by {{by}} with ESMTPS id 4Q0;"
    f" {D}\r\n"
)
TOPS = {
    "smtp-without-client": f"Received: by mx.fabrikam.com with ESMTP id 77; {D}\r\n",
    "local-submission": f"Received: by mx.fabrikam.com (Postfix, from userid 1000) id 77; {D}\r\n",
}
BYS = ["mail.attacker.example", "mx2.fabrikam.com", "mail.contoso.com"]


@pytest.mark.parametrize("by", BYS)
@pytest.mark.parametrize("top", TOPS.values(), ids=TOPS.keys())
def test_a_forged_line_below_a_client_less_line_is_not_the_entry(
    top: str, by: str, lab_dns: LabDns
) -> None:
    a = analyze((top + FORGED.format(by=by) + BODY).encode())
    assert a.chain.boundary is not None and a.chain.boundary.ip is None
    assert "names no client" in a.chain.boundary.reason
    v = run_blocking(verify(a, LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)))
    assert v.spf is None or v.spf.verdict is not SpfVerdict.PASS
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.FAIL


PRIVATE = {
    "nat": "from mail.attacker.example (unknown [10.0.0.5])",
    "loopback": "from localhost (localhost [127.0.0.1])",
}


@pytest.mark.parametrize("by", ["mail.attacker.example", "mail.contoso.com"])
@pytest.mark.parametrize("client", PRIVATE.values(), ids=PRIVATE.keys())
def test_a_forged_line_below_a_private_client_is_not_the_entry(
    client: str, by: str, lab_dns: LabDns
) -> None:
    # a proxy or NAT in front of the receiver hid the client; the line below names a host
    # outside the receiving organisation, so the sender wrote it
    top = f"Received: {client} by mx.fabrikam.com (Postfix) with ESMTP id 4Q; {D}\r\n"
    a = analyze((top + FORGED.format(by=by) + BODY).encode())
    v = run_blocking(verify(a, LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)))
    assert a.chain.boundary is not None and v.dmarc is not None
    if client.startswith(f"from {by} "):
        # the HELO names the forged line's host, as a site's own hand-off under two names
        # does (Postfix on smtp.example.org -> imap.example.net): the walk goes on, but only
        # as unconfirmed, and DMARC never passes on it (tests/test_genbound.py)
        assert a.chain.boundary.ip == F and a.chain.boundary.unconfirmed is not None
        assert v.dmarc.result is not DmarcResult.PASS and v.dmarc.unconfirmed
        return
    assert a.chain.boundary.ip != F
    assert "entry client is unknown" in a.chain.boundary.reason
    assert v.spf is None or v.spf.verdict is not SpfVerdict.PASS
    assert v.dmarc.result is DmarcResult.FAIL


def test_the_same_hosts_line_below_a_client_less_line_is_still_read() -> None:
    # a content filter re-injecting through the sendmail binary on the receiving host
    top = TOPS["local-submission"]
    entry = (
        f"Received: from mail.attacker.example (unknown [{A}]) by mx.fabrikam.com (Postfix) with "
        f"ESMTP id 4Q1; {D}\r\n"
    )
    a = analyze((top + entry + BODY).encode())
    assert a.chain.boundary is not None and a.chain.boundary.ip == A
