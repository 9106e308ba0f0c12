"""The trust boundary on old and self-hosted receivers: relay lines with no address, a site's
private or loopback hand-offs under two names, and the attack tests for each loosening."""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import run_blocking, verify
from headerlens.model import Analysis
from headerlens.model.codes import Code
from headerlens.model.verdicts import DmarcResult
from headerlens.report.render import render
from tests import test_attacker_evidence_2 as t2
from tests.dnslab import LabDns
from tests.test_diagnosis import _msg

F, D, BODY = t2.F, t2.D, t2.BODY  # contoso.com (p=reject); F is in its SPF
FORGED = (
    "Received: from mail-db8eur05on2033.outbound.protection.outlook.com "
    f"(mail-db8eur05on2033.outbound.protection.outlook.com [{F}]) by {{by}} with ESMTPS id 4Q0;"
    f" {D}\r\n"
)

# Sendmail relay -> MIMEsweeper (no client address) -> Exchange 2000 on private addresses.
_MIMESWEEPER = (
    "Received: from gw1.corp.fabrikam.com ([192.168.110.237]) by mbx01.corp.fabrikam.com with "
    "Microsoft SMTPSVC(5.0.2195.2966); Thu, 10 Jan 2002 16:10:15 -0600",
    "Received: from relay.fabrikam.com (unverified) by gw1.corp.fabrikam.com (Content "
    "Technologies SMTPRS 4.2.5) with ESMTP id <T585d92a5e1c0a86ee487c@gw1.corp.fabrikam.com> "
    "for <ann@exchange.fabrikam.com>; Thu, 10 Jan 2002 16:10:13 -0600",
)


def _sendmail_below(by: str) -> str:
    return (
        "Received: from news.example.net (news.example.net [198.51.100.35])\r\n"
        f"\tby {by} (8.11.4/8.11.4/corp-1.06) with ESMTP id g0AMAB920109\r\n"
        "\tfor <ann@fabrikam.com>; Thu, 10 Jan 2002 16:10:11 -0600 (CST)"
    )


def _tail() -> tuple[str, ...]:
    return (
        "From: News <news@example.net>",
        "To: ann@fabrikam.com",
        "Subject: January",
        "Date: Thu, 10 Jan 2002 16:10:00 -0600",
        "Message-ID: <n1@example.net>",
    )


def test_a_relay_line_with_no_address_passes_to_the_client_its_relay_recorded() -> None:
    a = analyze(_msg(*_MIMESWEEPER, _sendmail_below("relay.fabrikam.com"), *_tail()))
    b = a.chain.boundary
    assert b is not None and b.hop_number == 1 and b.ip == "198.51.100.35"
    # the receiver wrote no address for its relay: the boundary rests on that line
    assert b.unconfirmed is not None and "relay.fabrikam.com" in b.unconfirmed
    assert "no address" in b.reason


@pytest.mark.parametrize(
    "relay_line",
    [
        # the name is outside the receiving organisation: an outside server handed it over
        "Received: from relay.partner.example (unverified) by gw1.corp.fabrikam.com (Content "
        "Technologies SMTPRS 4.2.5) with ESMTP id <T1@gw1.corp.fabrikam.com>; "
        "Thu, 10 Jan 2002 16:10:13 -0600",
    ],
)
def test_a_relay_line_with_no_address_naming_an_outside_host_stays_the_entry(
    relay_line: str,
) -> None:
    a = analyze(
        _msg(_MIMESWEEPER[0], relay_line, _sendmail_below("relay.partner.example"), *_tail())
    )
    b = a.chain.boundary
    assert b is not None and b.hop_number == 2 and b.ip is None and b.unconfirmed is None


def test_a_relay_line_with_no_address_above_another_hosts_line_stays_the_entry() -> None:
    # chain continuity is missing: the line below was not written by the host it names
    a = analyze(_msg(*_MIMESWEEPER, _sendmail_below("mx9.fabrikam.com"), *_tail()))
    b = a.chain.boundary
    assert b is not None and b.hop_number == 2 and b.ip is None


def _spoof_verified(a: Analysis, lab: LabDns) -> None:
    """The spoof's SPF pass at the forged entry is unconfirmed and DMARC never passes."""
    b = a.chain.boundary
    assert b is not None and b.ip == F and b.unconfirmed is not None
    v = run_blocking(verify(a, LiveResolver(lab.nameservers, timeout=3.0, deadline=20.0)))
    assert v.dmarc is not None and v.dmarc.result is not DmarcResult.PASS
    assert v.dmarc.unconfirmed
    assert {Code.DMARC_UNCONFIRMED, Code.CHAIN_BOUNDARY_UNCONFIRMED} <= {f.code for f in v.findings}
    for fmt in ("summary", "md", "text"):
        out = render(a, v, fmt)
        assert "DMARC pass" not in out and "--trusted-host" in out, fmt
        assert "pass (unconfirmed" in out, fmt


def test_attack_helo_of_the_receivers_relay_above_a_forged_line(lab_dns: LabDns) -> None:
    # The attacker connects to the gateway itself, says HELO relay.fabrikam.com (the gateway
    # writes no address), and forges below a line by relay.fabrikam.com from an address
    # contoso.com's SPF authorises.
    top = (
        "Received: from relay.fabrikam.com (unverified) by gw1.corp.fabrikam.com (Content "
        f"Technologies SMTPRS 4.2.5) with ESMTP id <T1@gw1.corp.fabrikam.com>; {D}\r\n"
    )
    _spoof_verified(
        analyze((top + FORGED.format(by="relay.fabrikam.com") + BODY).encode()), lab_dns
    )


# Postfix -> amavisd-new on 127.0.0.1 -> Postfix and Cyrus, one site under two names.
_TWO_NAMES = (
    "Received: from me ([unix socket]) by imap1.site.example.net (Cyrus v2.2.12) with LMTPA; "
    "Sun, 18 Nov 2007 00:56:33 -0800",
    "Received: from smtp.site.example.org (unknown [{client}])\r\n\tby imap1.site.example.net "
    "(Postfix) with ESMTP id F128477EB5; Sun, 18 Nov 2007 00:56:32 -0800 (PST)",
    "Received: from omta02.mx.isp.example (omta02.mx.isp.example [203.0.113.154])\r\n"
    "\tby smtp.site.example.org (Postfix) with ESMTP id 2D567ACC08; Sun, 18 Nov 2007 "
    "00:56:28 -0800 (PST)",
    "From: Bob <bob@isp.example>",
    "To: ann@site.example.org",
    "Subject: re",
    "Date: Sun, 18 Nov 2007 19:56:20 +1100",
    "Message-ID: <r1@isp.example>",
)


@pytest.mark.parametrize("client", ["127.0.0.1", "10.254.15.30", "192.168.3.4"])
def test_a_hand_off_inside_one_site_under_two_names_is_internal(client: str) -> None:
    lines = [line.replace("{client}", client) for line in _TWO_NAMES]
    a = analyze(_msg(*lines))
    b = a.chain.boundary
    assert b is not None and b.hop_number == 1 and b.ip == "203.0.113.154"
    assert b.unconfirmed is not None and client in b.unconfirmed
    assert "entry client is unknown" not in b.reason


def test_a_private_hand_off_above_another_hosts_line_still_ends_the_walk() -> None:
    lines = [line.replace("{client}", "10.254.15.30") for line in _TWO_NAMES]
    lines[2] = lines[2].replace("by smtp.site.example.org", "by mx.elsewhere.example")
    a = analyze(_msg(*lines))
    b = a.chain.boundary
    assert b is not None and b.hop_number == 2 and "entry client is unknown" in b.reason


@pytest.mark.parametrize(
    "client",
    [
        "from mail.attacker.example (unknown [10.0.0.5])",
        "from mail.attacker.example (localhost [127.0.0.1])",
    ],
)
def test_attack_private_client_helo_names_the_forged_lines_host(
    client: str, lab_dns: LabDns
) -> None:
    # a NAT or a local proxy in front of the receiver: the attacker's HELO names the host of
    # the line it forged below; the chain looks continuous, so the entry stays unconfirmed
    top = f"Received: {client} by mx.fabrikam.com (Postfix) with ESMTP id 4Q; {D}\r\n"
    _spoof_verified(
        analyze((top + FORGED.format(by="mail.attacker.example") + BODY).encode()), lab_dns
    )
