"""The trust boundary on old and self-hosted receivers: relay lines with no address, a site's
private or loopback hand-offs under two names, and the attack tests for each loosening."""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import run_blocking, verify
from headerlens.model import Analysis
from headerlens.model.codes import Code
from headerlens.model.spf import SpfVerdict
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


# A self-hosted Postfix that names itself "localhost", taking an ESP's newsletter.
def _localhost_receiver(client: str, for_addr: str, by: str = "localhost") -> bytes:
    return _msg(
        f"Received: {client}\r\n\tby {by} (Postfix) with ESMTP id 80656362457{for_addr}; "
        "Wed, 29 Aug 2018 20:26:50 +0000 (UTC)",
        "Received: from (127.0.0.1) by mail90.esp.example id hgs0ok2ddl42 for <ann@bank.example>; "
        "Wed, 29 Aug 2018 20:26:47 +0000 (envelope-from <bounce-ann=bank.example@mail90.esp.example>)",
        "From: Webinars <info@webinars.example>",
        "To: <ann@bank.example>",
        "Subject: New webinar",
        "Date: Wed, 29 Aug 2018 20:26:47 +0000",
        "Message-ID: <w1@mail90.esp.example>",
    )


@pytest.mark.parametrize("for_addr", ["\r\n\tfor <ann@bank.example>", ""])
def test_a_receiver_named_localhost_takes_the_message_in_from_its_public_client(
    for_addr: str,
) -> None:
    client = "from mail90.esp.example (mail90.esp.example [198.51.100.90])"
    a = analyze(_localhost_receiver(client, for_addr))
    b = a.chain.boundary
    assert b is not None and b.hop_number == 2 and b.ip == "198.51.100.90"
    assert a.provenance.receiver_org == ("bank.example" if for_addr else None)


def test_attack_localhost_receiver_with_a_client_named_like_the_forged_lines_host(
    lab_dns: LabDns,
) -> None:
    # The attacker's own address has forward-confirmed reverse DNS mail.attacker.example (it
    # runs that DNS); it forges below it a line "by mail.attacker.example" from an address
    # contoso.com authorises. The receiver names itself "localhost": the line below must not
    # lend the receiver its organisation.
    top = (
        f"Received: from mail.attacker.example (mail.attacker.example [{t2.A}]) by localhost "
        f"(Postfix) with ESMTP id 4Q for <ap@fabrikam.com>; {D}\r\n"
    )
    a = analyze((top + FORGED.format(by="mail.attacker.example") + BODY).encode())
    b = a.chain.boundary
    assert b is not None and b.hop_number == 2 and b.ip == t2.A and b.unconfirmed is None
    v = run_blocking(verify(a, LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)))
    assert v.spf is None or v.spf.verdict is not SpfVerdict.PASS
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.FAIL


# One ISP's two Sendmail builds with rebranded version comments ("(3.10pn)", "(3.11g)").
def _isp_pair(mark: str = "", qid: str = "oBA4LLJd001809") -> bytes:
    return _msg(
        f"Received: from r.mx.isp.example.ne.jp (r-fbp.mx.isp.example.ne.jp [192.0.2.126]){mark}\r\n"
        f"    by e5-fbp.mx.isp.example.ne.jp (3.10pn) with ESMTP id {qid} for\r\n"
        "    <ann@x.isp.example.ne.jp>; Fri, 10 Dec 2010 13:21:21 +0900 (JST)",
        "Received: from mx.example.org (v182.example.net [192.0.2.128])\r\n"
        "    by r.mx.isp.example.ne.jp (3.11g) with ESMTP id oBA4LLQE019906 for\r\n"
        "    <ann@x.isp.example.ne.jp>; Fri, 10 Dec 2010 13:21:21 +0900 (JST)",
        "From: postmaster@example.org",
        "To: ann@x.isp.example.ne.jp",
        "Subject: notice",
        "Date: Fri, 10 Dec 2010 13:21:21 +0900",
        "Message-ID: <n1@example.org>",
    )


def test_a_sendmail_queue_id_confirms_the_isps_own_sub_host() -> None:
    a = analyze(_isp_pair())
    b = a.chain.boundary
    assert b is not None and b.hop_number == 1 and b.ip == "192.0.2.128"


@pytest.mark.parametrize(
    ("mark", "qid"),
    [
        (" (may be forged)", "oBA4LLJd001809"),  # Sendmail's own mark: the PTR did not confirm
        ("", "oBA5LLJd001809"),  # an hour off the stamp: not a queue id of this line
        ("", "oBA4LLJd1809"),  # too few digits for a process id
    ],
)
def test_a_sub_host_name_sendmail_did_not_confirm_stays_outside(mark: str, qid: str) -> None:
    # the client's reverse DNS is what its owner publishes; only a receiver that checked it
    # forward (Sendmail, or it says "may be forged") makes it a host of the ISP
    a = analyze(_isp_pair(mark, qid))
    b = a.chain.boundary
    assert b is not None and b.hop_number == 2 and b.ip == "192.0.2.126"


def test_qmail_stamps_that_name_no_client_say_the_entry_cannot_be_told() -> None:
    a = analyze(
        _msg(
            "Received: (qmail 1213 invoked by uid 550); 20 Nov 2025 17:02:55 -0000",
            "Mailing-List: contact list-help@lists.example.org; run by ezmlm",
            "Received: (qmail 9440 invoked from network); 20 Nov 2025 15:05:38 -0000",
            "From: Ann <ann@example.net>",
            "To: list@lists.example.org",
            "Subject: advisory",
            "Date: Thu, 20 Nov 2025 15:05:30 +0000",
            "Message-ID: <q1@example.net>",
        )
    )
    assert a.chain.boundary is None
    said = [d.message for d in a.chain.defects if d.code is Code.CHAIN_NO_BOUNDARY]
    assert said and "cannot be told" in said[0] and "Every hop is internal" not in said[0]


def test_a_fetchmail_retrieval_into_localhost_keeps_the_mailbox_providers_organisation() -> None:
    a = analyze(
        _msg(
            "Received: from pop3.mail.example [198.51.100.177]\r\n\tby localhost with POP3 "
            "(fetchmail-6.4.6)\r\n\tfor <ann@localhost> (single-drop); Fri, 26 Jun 2020 "
            "12:56:08 +0200 (CEST)",
            "Received: from list.example.edu ([192.0.2.16]) by mx-ha.mail.example (mx112 "
            "[198.51.100.8]) with ESMTPS id 1MdMYE for <ann@mail.example>; Fri, 26 Jun 2020 "
            "01:28:11 +0200",
            "From: Bob <bob@example.edu>",
            "To: ann@mail.example",
            "Subject: s",
            "Date: Thu, 25 Jun 2020 18:20:00 -0500",
            "Message-ID: <f1@example.edu>",
        )
    )
    assert a.provenance.receiver_org == "mail.example"
    b = a.chain.boundary
    assert b is not None and b.hop_number == 1 and b.ip == "192.0.2.16"


def test_a_relay_line_with_no_address_above_another_without_one_stays_the_entry() -> None:
    # an anonymised chain with no address anywhere: passing the relay line on would only land
    # on another line without a client address
    a = analyze(
        _msg(
            "Received: from relay.fabrikam.com by mbx.fabrikam.com with ESMTP id 6AAE for "
            "<ann@fabrikam.com>; Sun, 8 May 2005 12:30:23 -0500",
            "Received: from agw1.partner.example by relay.fabrikam.com with ESMTP id j48H for "
            "<ann@fabrikam.com>; Sun, 8 May 2005 12:30:13 -0500",
            *_tail(),
        )
    )
    b = a.chain.boundary
    assert b is not None and b.hop_number == 2 and b.unconfirmed is None


def test_a_relay_that_gave_its_bare_host_name_is_passed_on_like_its_full_name() -> None:
    # "from mailhub (unverified) by gw1..." above the line written by mailhub.fabrikam.com
    relay = _MIMESWEEPER[1].replace(
        "from relay.fabrikam.com (unverified)", "from relay (unverified)"
    )
    a = analyze(_msg(_MIMESWEEPER[0], relay, _sendmail_below("relay.fabrikam.com"), *_tail()))
    b = a.chain.boundary
    assert b is not None and b.hop_number == 1 and b.ip == "198.51.100.35"
    assert b.unconfirmed is not None


def test_mimesweepers_unverified_is_not_a_reverse_dns_name() -> None:
    from headerlens.parsers.received import parse_received

    r = parse_received(
        "from msx.corp.example (unverified [172.20.1.77]) by mf2.corp.example (Content "
        "Technologies SMTPRS 4.3.14) with ESMTP id <T6ccd@mf2.corp.example>; "
        "Fri, 22 Oct 2004 14:20:18 +0800"
    )
    assert (r.from_helo, r.from_rdns, r.from_ip) == ("msx.corp.example", None, "172.20.1.77")


def test_with_the_host_list_a_relay_line_with_no_address_is_the_entry() -> None:
    from headerlens.parsers.trusted_hosts import parse_trusted_hosts

    data = _msg(*_MIMESWEEPER, _sendmail_below("relay.fabrikam.com"), *_tail())
    plain = analyze(data).chain.boundary
    assert plain is not None and "only listed hosts' addresses" in (plain.unconfirmed or "")
    a = analyze(data, trusted=parse_trusted_hosts(["*.fabrikam.com,192.168.0.0/16"]))
    b = a.chain.boundary
    assert b is not None and b.hop_number == 2 and b.ip is None and b.unconfirmed is None


@pytest.mark.parametrize("by", ["0", "192.0.2.10", "mail"])
def test_a_receiver_named_by_an_address_or_a_bare_name_is_not_the_senders_organisation(
    by: str,
) -> None:
    client = "from mail90.esp.example (mail90.esp.example [198.51.100.90])"
    a = analyze(_localhost_receiver(client, "\r\n\tfor <ann@bank.example>", by))
    b = a.chain.boundary
    assert b is not None and b.hop_number == 2 and b.ip == "198.51.100.90"
    assert a.provenance.receiver_org == "bank.example"
