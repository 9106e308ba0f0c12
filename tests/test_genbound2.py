"""The trust boundary on providers and services: Yandex Mail's own hand-offs between its hosts,
Mailgun's inbound route line, and the attack tests for each loosening."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis.findings_build import stamped_findings
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import run_blocking, verify
from headerlens.model import Analysis
from headerlens.model.codes import Code
from headerlens.model.core import Severity
from headerlens.model.findings import Finding
from headerlens.model.spf import SpfVerdict
from headerlens.model.verdicts import DmarcResult
from headerlens.report.render import render
from tests import test_attacker_evidence_2 as t2
from tests.dnslab import LabDns
from tests.test_diagnosis import _msg

F, D, BODY = t2.F, t2.D, t2.BODY  # contoso.com (p=reject); F is in its SPF
A = "203.0.113.66"  # the attacker's own server

# Yandex Mail (2026): the MX front takes the message in, a postback host passes it on, the
# storage takes it over LMTPS; each line names its client by a Yandex host name and an address
# in Yandex's own network (2a02:6b8::/32).
_FRONT = "mail-nwsmtp-mxfront-production-main-95.iva.yp-c.yandex.net"
_YANDEX_TOP = (
    "Received: from postback16b.mail.yandex.net (postback16b.mail.yandex.net "
    "[2a02:6b8:c02:900:1:45:d181:da16])\r\n\tby k6o5hfpbdoiwr2lr.sas.yp-c.yandex.net "
    "(notsolitesrv) with LMTPS id 5g30mYc06JQv-GfbeeNdW\r\n\tfor <ann@fabrikam.example>; "
    "Tue, 05 May 2026 20:40:29 +0300",
    f"Received: from {_FRONT} ({_FRONT} [IPv6:2a02:6b8:c0c:1e06:0:640:ef89:0])\r\n"
    "\tby postback16b.mail.yandex.net (Yandex) with ESMTPS id 2AE69C0156\r\n"
    "\tfor <ann@fabrikam.example>; Tue, 05 May 2026 20:40:29 +0300 (MSK)",
)


def _front(client: str, ip: str) -> str:
    return (
        f"Received: from {client} ({client} [{ip}])\r\n\tby {_FRONT} (mxfront) with ESMTPS id "
        "SekYBG2Lk0U0-3EOeo2kv;\r\n\tTue, 05 May 2026 20:40:28 +0300"
    )


_TAIL = (
    "X-Yandex-Fwd: 1",
    "From: Bob <bob@example.com>",
    "To: ann@fabrikam.example",
    "Subject: tickets",
    "Date: Tue, 5 May 2026 20:39:50 +0300",
    "Message-ID: <y1@example.com>",
)


def test_yandex_hand_offs_between_its_own_hosts_are_internal() -> None:
    a = analyze(_msg(*_YANDEX_TOP, _front("mail.example.com", "192.0.2.25"), *_TAIL))
    b = a.chain.boundary
    assert b is not None and b.hop_number == 1 and b.ip == "192.0.2.25"
    assert b.receiver == _FRONT and b.unconfirmed is None


def test_yandex_loopback_lmtp_on_its_mx_front_is_no_unconfirmed_hop() -> None:
    # the older shape: the MX front hands the message to its own LMTP on the loopback
    front = "mxfront7g.mail.yandex.net"
    a = analyze(
        _msg(
            f"Received: from {front} (localhost [127.0.0.1])\r\n\tby {front} with LMTP id "
            "vu4jZ3bEoi-xn3f2MQM\r\n\tfor <ann@yandex.ru>; Sat, 26 Sep 2020 14:40:32 +0300",
            "Received: from mail.example.com (mail.example.com [192.0.2.25])\r\n"
            f"\tby {front} (mxfront/Yandex) with ESMTPS id n6HIeR7zil-eVau8PVJ;\r\n"
            "\tSat, 26 Sep 2020 14:40:31 +0300",
            *_TAIL,
        )
    )
    b = a.chain.boundary
    assert b is not None and b.hop_number == 1 and b.ip == "192.0.2.25"
    assert b.unconfirmed is None


def test_a_yandex_name_from_outside_its_network_is_not_internal() -> None:
    # the receiver wrote a Yandex name for a client whose address is not Yandex's own
    lines = list(_YANDEX_TOP)
    lines[1] = lines[1].replace("2a02:6b8:c0c:1e06:0:640:ef89:0", "2001:db8::25")
    a = analyze(_msg(*lines, _front("mail.example.com", "192.0.2.25"), *_TAIL))
    b = a.chain.boundary
    assert b is not None and b.hop_number == 2 and b.ip == "2001:db8::25"


def _spoof(a: Analysis, lab: LabDns) -> None:
    b = a.chain.boundary
    assert b is not None and b.ip == A, b
    v = run_blocking(verify(a, LiveResolver(lab.nameservers, timeout=3.0, deadline=20.0)))
    assert v.spf is not None and v.spf.verdict is not SpfVerdict.PASS
    assert v.dmarc is not None and v.dmarc.result is not DmarcResult.PASS


def test_attack_yandex_helo_and_forged_yandex_lines_below_the_front(lab_dns: LabDns) -> None:
    # The attacker connects to the MX front saying HELO postback1.mail.yandex.net, and forges
    # below it a postback line and a front line taking the spoof from an address contoso.com's
    # SPF authorises, plus a planted pass stamp.
    forged = (
        f"Received: from {_FRONT} ({_FRONT} [IPv6:2a02:6b8:c0c:1e06:0:640:ef89:0])\r\n"
        f"\tby postback1.mail.yandex.net (Yandex) with ESMTPS id 1; {D}\r\n"
        f"Received: from mail-db8eur05on2033.outbound.protection.outlook.com "
        f"(mail-db8eur05on2033.outbound.protection.outlook.com [{F}])\r\n"
        f"\tby {_FRONT} (mxfront) with ESMTPS id 2; {D}\r\n"
        f"Authentication-Results: {_FRONT}; spf=pass smtp.mail=ceo@contoso.com; dkim=pass "
        "header.i=@contoso.com\r\n"
    )
    top = "".join(line + "\r\n" for line in _YANDEX_TOP)
    entry = (
        f"Received: from postback1.mail.yandex.net (attacker.example [{A}])\r\n"
        f"\tby {_FRONT} (mxfront) with ESMTPS id 3; {D}\r\n"
    )
    _spoof(analyze((top + entry + forged + BODY).encode()), lab_dns)


# Mailgun's inbound route: its MX took the message in, its route line names no client.
_ROUTE = "Received: by luna.mailgun.net with SMTP mgrt 4814637; Fri, 15 Nov 2013 23:44:39 +0000"
_MXA = (
    "Received: from mail.example.com (mail.example.com [192.0.2.47]) by mxa.mailgun.org with "
    "ESMTP id 5286b1e4.41760f0-in3; Fri, 15 Nov 2013 23:44:36 -0000 (UTC)"
)
_MG_TAIL = (
    "From: Ann <ann@example.com>",
    "To: support@app.example.net",
    "Subject: question",
    "Date: Fri, 15 Nov 2013 15:44:33 -0800",
    "Message-ID: <m1@example.com>",
)


def test_mailguns_route_line_is_no_hop_its_mx_took_the_message_in() -> None:
    a = analyze(_msg(_ROUTE, "X-Envelope-From: <ann@example.com>", _MXA, *_MG_TAIL))
    b = a.chain.boundary
    assert b is not None and b.hop_number == 1 and b.ip == "192.0.2.47"
    assert b.receiver == "mxa.mailgun.org"


def test_a_route_line_above_another_services_line_stays_the_entry() -> None:
    other = _MXA.replace("by mxa.mailgun.org", "by mx.example.net")
    a = analyze(_msg(_ROUTE, other, *_MG_TAIL))
    b = a.chain.boundary
    assert b is not None and b.hop_number == 2 and b.ip is None


def test_attack_mailgun_api_submission_over_a_forged_mx_line(lab_dns: LabDns) -> None:
    # The attacker submits a raw message through its own Mailgun account's HTTP API, with a
    # forged line of Mailgun's MX taking the spoof from an address contoso.com's SPF authorises:
    # the API line is where the message starts; nothing below it is Mailgun's.
    api = f"Received: by luna.mailgun.net with HTTP; {D}\r\n"
    forged = (
        "Received: from mail-db8eur05on2033.outbound.protection.outlook.com "
        f"(mail-db8eur05on2033.outbound.protection.outlook.com [{F}]) by mxa.mailgun.org with "
        f"ESMTP id 5286b1e4.41760f0-in3; {D}\r\n"
    )
    a = analyze((api + forged + BODY).encode())
    b = a.chain.boundary
    assert b is not None and b.ip is None and b.receiver == "luna.mailgun.net"
    v = run_blocking(verify(a, LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)))
    assert v.spf is None or v.spf.verdict is not SpfVerdict.PASS
    assert v.dmarc is None or v.dmarc.result is not DmarcResult.PASS


# Postfix -> amavisd-new on 127.0.0.1 -> the same Postfix: the receiving host's own filter loop.
def _amavis_loop(entry: str) -> bytes:
    return (
        "Received: from localhost (localhost [127.0.0.1]) by mx.fabrikam.com (Postfix) with "
        f"ESMTP id 4QxyZ3; {D}\r\n"
        "Received: from mx.fabrikam.com ([127.0.0.1]) by localhost (mx.fabrikam.com "
        f"[127.0.0.1]) (amavisd-new, port 10024) with ESMTP id 8Cq1; {D}\r\n" + entry + BODY
    ).encode()


def _unconfirmed_finding(a: Analysis) -> Finding:
    return next(f for f in stamped_findings(a) if f.code is Code.CHAIN_BOUNDARY_UNCONFIRMED)


def test_the_receivers_own_amavis_loop_is_information_not_a_warning() -> None:
    entry = (
        f"Received: from mail.example.com (mail.example.com [192.0.2.25]) by mx.fabrikam.com "
        f"(Postfix) with ESMTPS id 4QxyZ1 for <ap@fabrikam.com>; {D}\r\n"
    )
    a = analyze(_amavis_loop(entry))
    b = a.chain.boundary
    assert b is not None and b.ip == "192.0.2.25" and b.unconfirmed is not None
    assert _unconfirmed_finding(a).severity is Severity.INFO


def test_a_loopback_line_without_the_filters_own_line_stays_a_warning() -> None:
    top = (
        "Received: from localhost (localhost [127.0.0.1]) by mx.fabrikam.com (Postfix) with "
        f"ESMTP id 4QxyZ3; {D}\r\n"
    )
    a = analyze((top + t2.FORGED + BODY).encode())
    assert _unconfirmed_finding(a).severity is Severity.WARNING


def test_attack_forged_entry_under_the_loop_still_never_passes_dmarc(lab_dns: LabDns) -> None:
    # A proxy in front of the MX (or an attacker who can reach the filter's port) shows the same
    # loop above a forged entry line: the finding is information, the replay stays unconfirmed.
    a = analyze(_amavis_loop(t2.FORGED))
    b = a.chain.boundary
    assert b is not None and b.ip == F and b.unconfirmed is not None
    v = run_blocking(verify(a, LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)))
    assert v.dmarc is not None and v.dmarc.result is not DmarcResult.PASS and v.dmarc.unconfirmed
    out = render(a, v, "md")
    assert "DMARC pass" not in out and "pass (unconfirmed" in out


def test_the_hosts_own_lmtp_store_above_its_filter_loop_is_information() -> None:
    # Zimbra: Postfix -> amavisd-new -> Postfix, then its own LMTP delivery to the store
    entry = (
        f"Received: from [192.0.2.25] (unknown [192.0.2.25]) by mx.fabrikam.com (Postfix) with "
        f"ESMTP id 7644C6431008 for <ap@fabrikam.com>; {D}\r\n"
    )
    store = (
        "Received: from mx.fabrikam.com (LHLO mx.fabrikam.com) (172.21.29.9) by mx.fabrikam.com "
        f"with LMTP; {D}\r\n"
    )
    a = analyze(store.encode() + _amavis_loop(entry))
    b = a.chain.boundary
    assert b is not None and b.ip == "192.0.2.25"
    assert _unconfirmed_finding(a).severity is Severity.INFO


# Novell GroupWise: its Internet Agent hands the message to the post office inside GroupWise.
_GW_TOP = (
    "Received: from INET-PRV1-MTA by gw.fabrikam.example\r\n with Novell_GroupWise; "
    "Mon, 20 May 2019 03:25:57 -0600"
)
_GW_TAIL = (
    "From: Bob <bob@example.com>",
    "To: ann@fabrikam.example",
    "Subject: patch",
    "Date: Mon, 20 May 2019 03:25:50 -0600",
    "Message-ID: <g1@example.com>",
)


def _gwia(by: str, client: str = "mail.example.com [192.0.2.25]") -> str:
    name, ip = client.split(" ")
    return (
        f"Received: from {name} ({name} {ip})\r\n by {by} with ESMTP; Mon, 20 May 2019 "
        "03:25:55 -0600"
    )


def test_groupwises_own_transfer_line_names_no_client() -> None:
    a = analyze(_msg(_GW_TOP, _gwia("gw.fabrikam.example"), *_GW_TAIL))
    b = a.chain.boundary
    assert b is not None and b.hop_number == 1 and b.ip == "192.0.2.25"


def test_groupwise_line_above_another_hosts_line_stays_the_entry() -> None:
    a = analyze(_msg(_GW_TOP, _gwia("mx.elsewhere.example"), *_GW_TAIL))
    b = a.chain.boundary
    assert b is not None and b.hop_number == 2 and b.ip is None
    assert "names no client" in b.reason and "INET-PRV1-MTA" not in b.reason


def test_attack_groupwise_words_in_the_attackers_helo_change_nothing(lab_dns: LabDns) -> None:
    # The attacker says HELO INET-PRV1-MTA to the Internet Agent and forges below its line a
    # GroupWise-looking line and an entry from an address contoso.com's SPF authorises.
    top = _GW_TOP + "\r\n"
    entry = (
        f"Received: from INET-PRV1-MTA (attacker.example [{A}])\r\n by gw.fabrikam.example with "
        f"ESMTP; {D}\r\n"
    )
    forged = (
        f"Received: from INET-PRV1-MTA by gw.fabrikam.example with Novell_GroupWise; {D}\r\n"
        f"Received: from mail-db8eur05on2033.outbound.protection.outlook.com ([{F}])\r\n"
        f" by gw.fabrikam.example with ESMTP; {D}\r\n"
    )
    _spoof(analyze((top + entry + forged + BODY).encode()), lab_dns)


# P09's shape: a hosted Cisco IronPort (another domain) in front of an on-premises Exchange with
# .local names; the gateway checked its own client's SPF on the way in.
def _gateway_spf(
    client: str,
    receiver: str = "mailb.gw.example",
    result: str = "None",
    envelope: str = "www-data@vps.hoster.example",
) -> str:
    return (
        f"Received-SPF: {result} (mailb.gw.example: no sender authenticity information\r\n"
        f"  available from domain of {envelope}) identity=mailfrom;\r\n"
        f"  client-ip={client}; receiver={receiver};\r\n"
        f'  envelope-from="{envelope}"'
    )


_EXCHANGE = (
    "Received: from apiron13.gw.example (192.0.2.98) by HUB11.corp.local\r\n"
    " (172.18.31.175) with Microsoft SMTP Server id 14.3.498.0; Mon, 10 Oct 2022\r\n"
    " 15:11:35 -0500"
)


def _ironport_line(client: str, ip: str) -> str:
    return (
        f"Received: from {client} ([{ip}])  by\r\n apiron13.gw.example with "
        "ESMTP/TLS/ECDHE-RSA-AES128-GCM-SHA256; 10 Oct 2022 15:11:34 -0500"
    )


_P09_TAIL = (
    "From: Bank <alerts@bank.example>",
    "To: <compliance@corp.example>",
    "Subject: transfer",
    "Date: Mon, 10 Oct 2022 20:11:32 +0000",
    "Message-ID: <v1@vps.hoster.example>",
)
_AV = 'X-IronPort-AV: E=Sophos;i="5.95,173,1661835600"; a="1030153556"'


def _p09(*block: str) -> bytes:
    return _msg(_EXCHANGE, *block, _AV, _ironport_line("vps.hoster.example", A), *_P09_TAIL)


def test_a_hosted_gateway_that_checked_its_clients_spf_is_the_entry_unconfirmed() -> None:
    a = analyze(_p09(_gateway_spf(A)))
    b = a.chain.boundary
    assert b is not None and b.hop_number == 1 and b.ip == A
    assert b.unconfirmed is not None and "apiron13.gw.example" in b.unconfirmed
    assert b.unconfirmed_hop == 2


def test_without_the_gateways_own_inbound_check_the_hand_off_stays_the_entry() -> None:
    for block in ((), (_gateway_spf("198.51.100.7"),), (_gateway_spf(A, "mx.other.example"),)):
        b = analyze(_p09(*block)).chain.boundary
        assert b is not None and b.hop_number == 2 and b.ip == "192.0.2.98", block


def test_attack_helo_of_the_gateway_over_a_forged_gateway_block(lab_dns: LabDns) -> None:
    # The attacker reaches the Exchange itself saying HELO apiron13.gw.example and forges below
    # its line the gateway's SPF pass, a pass stamp and the gateway's line taking the spoof from
    # an address contoso.com's SPF authorises: the entry is unconfirmed, the gateway's passes
    # are not counted, DMARC never passes.
    top = _EXCHANGE.replace("(192.0.2.98)", f"({A})") + "\r\n"
    forged = (
        _gateway_spf(F, result="Pass", envelope="bounce@contoso.com")
        + "\r\nAuthentication-Results: mailb.gw.example; spf=pass smtp.mailfrom=contoso.com; "
        "dkim=none; dmarc=pass header.from=contoso.com\r\n"
        + _ironport_line("mail-db8eur05on2033.outbound.protection.outlook.com", F)
        + "\r\n"
    )
    a = analyze((top + forged + BODY).encode())
    b = a.chain.boundary
    assert b is not None and b.ip == F and b.unconfirmed is not None
    summary = render(a, None, "summary")
    assert "pass (stamped)" not in summary and "DMARC pass" not in summary
    v = run_blocking(verify(a, LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)))
    assert v.spf is not None and v.spf.verdict is SpfVerdict.PASS  # replayed on the forged line
    assert v.dmarc is not None and v.dmarc.result is not DmarcResult.PASS and v.dmarc.unconfirmed
    for fmt in ("summary", "md"):
        assert "DMARC pass" not in render(a, v, fmt), fmt


def test_yandex_lmtp_from_its_own_address_under_the_hosts_own_name_is_a_provider_hand_off() -> None:
    # Yandex 2015: the back end stores over LMTP from a Yandex address, naming it only by HELO
    a = analyze(
        _msg(
            "Received: from fastsrv.yandex.ru ([37.140.190.55])\r\n\tby mxback7o.mail.yandex.net "
            "with LMTP id ICkSHJ1E2Ost\r\n\tfor <ann@yandex.ru>; Wed, 26 Aug 2015 13:12:20 +0300",
            "Received: from mail.example.com (mail.example.com [192.0.2.25])\r\n\tby "
            "mxfront1o.mail.yandex.net (nwsmtp/Yandex) with ESMTP id iIG70au6aA-EPPGs0VL;\r\n\t"
            "Wed, 26 Aug 2015 13:12:19 +0300",
            *_TAIL,
        )
    )
    b = a.chain.boundary
    assert b is not None and b.hop_number == 1 and b.ip == "192.0.2.25" and b.unconfirmed is None
