"""Received dialects of other MTAs than the lab's: client IP, HELO, envelope sender, dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from headerlens.parsers.dates import parse_date
from headerlens.parsers.received import parse_received

# Each case: a real line (from mail seen in the wild or other projects' public test cases, as
# quoted in the issue that asked for it), then the attributes it must yield.
FORMS: list[Any] = [
    pytest.param(
        "from postfix3-2.free.fr (HELO machine.domain.com) (foobar@213.228.20.149) by "
        "totor.example.net with SMTP; 10 Aug 2003 10:44:35 -0000",
        {
            "from_ip": "213.228.20.149",
            "from_helo": "machine.domain.com",
            "from_rdns": "postfix3-2.free.fr",
            "by": "totor.example.net",
        },
        id="qmail-ident-at-ip",
    ),
    pytest.param(
        "from unknown (HELO localhost) (user@mydomain.it@151.80.38.67) by mx.example.it with "
        "SMTP; 10 Aug 2003 10:44:35 -0000",
        {"from_ip": "151.80.38.67", "from_helo": "localhost", "from_rdns": None},
        id="vpopmail-user-at-domain-at-ip",
    ),
    pytest.param(
        "from unknown (HELO mail.example.net) (baldusi@200.69.254.217 with plain) by "
        "smtp2.example.net with SMTP; 10 Aug 2003 10:44:35 -0000",
        {"from_ip": "200.69.254.217", "from_helo": "mail.example.net"},
        id="vpopmail-ident-with-plain",
    ),
    pytest.param(
        "from stgt-5f70f8a3.pool.mediaWays.net (EHLO user588a01834c) [95.112.248.163] by "
        "mail.gmx.net (mp017) with SMTP; 14 Nov 2003 10:22:08 +0100",
        {
            "from_ip": "95.112.248.163",
            "from_helo": "user588a01834c",
            "from_rdns": "stgt-5f70f8a3.pool.mediaWays.net",
            "by": "mail.gmx.net",
        },
        id="gmx-bare-literal-after-helo",
    ),
    pytest.param(
        "from host.example.com [10.0.8.6] by mx.example.org with esmtp (Exim 3.36 #1) "
        "id 1AAAAA-0000AA-00; Fri, 14 Nov 2003 10:22:08 +0100",
        {"from_ip": "10.0.8.6", "from_helo": "host.example.com", "by": "mx.example.org"},
        id="exim3-bare-literal",
    ),
    pytest.param(
        "from host.example.com [10.0.8.6.13219] by mx.example.org with esmtp (Exim 3.36 #1) "
        "id 1AAAAA-0000AA-00; Fri, 14 Nov 2003 10:22:08 +0100",
        {"from_ip": "10.0.8.6", "defects": ()},
        id="exim3-ip-dot-port-literal",
    ),
    pytest.param(
        "from [128.114.2.223] (account user@example.edu HELO [10.10.10.10]) by mail.example.edu "
        "(CommuniGate Pro SMTP 5.1.1) with ESMTPA id 123; Fri, 14 Nov 2003 10:22:08 +0100",
        {"from_ip": "128.114.2.223", "from_helo": "[10.10.10.10]"},
        id="address-literal-helo-is-not-the-client",
    ),
    pytest.param(
        "from [110.174.147.37] (helo=[192.168.100.126]) by CMR-KAKADU03.i-0dbb7119c678380a0 "
        "with esmtp (envelope-from <cUSToMER_service@TPg.com.AU>) id 1rOqQV-000216-1U; "
        "Sun, 14 Jan 2024 02:40:46 +0000",
        {
            "from_ip": "110.174.147.37",
            "from_helo": "[192.168.100.126]",
            "envelope_from": "cUSToMER_service@TPg.com.AU",
        },
        id="exim-private-literal-helo-kept",  # corpus: real2/sender-side-tpg-...
    ),
    pytest.param(
        "from [192.168.1.5] (dsl-1-2-3-4.example.net [203.0.113.4]) by mx.example.org (Postfix) with "
        "ESMTP id 4ABC; Fri, 14 Nov 2003 10:22:08 +0100",
        {
            "from_ip": "203.0.113.4",
            "from_helo": "[192.168.1.5]",
            "from_rdns": "dsl-1-2-3-4.example.net",
        },
        id="postfix-literal-helo-behind-nat",
    ),
    pytest.param(
        "from mail.example.com (mail.example.com [203.0.113.4]) by mx.example.org "
        "(envelope-sender <bounce@example.com>) (MIMEDefang) with ESMTP id x; "
        "Fri, 14 Nov 2003 10:22:08 +0100",
        {"envelope_from": "bounce@example.com"},
        id="envelope-sender-comment",
    ),
    pytest.param(
        "from mail.example.com (mail.example.com [203.0.113.4]) by mx.example.org (Haraka/2.8.25) "
        "with ESMTPS id 1234 envelope-from <bounce@example.com> "
        "(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384); Fri, 14 Nov 2003 10:22:08 +0100",
        {"envelope_from": "bounce@example.com", "server_software": "Haraka"},
        id="haraka-bare-envelope-from",
    ),
    pytest.param(
        "from mail.example.com (mail.example.com [203.0.113.4]) by mx.example.org (Postfix) with "
        "ESMTP id ABC; Fri, 14 Nov 2003 10:22:08 +0100 (envelope-from bounce@example.com)",
        {
            "envelope_from": "bounce@example.com",
            "date_text": "Fri, 14 Nov 2003 10:22:08 +0100",
            "defects": (),
        },
        id="postfix-freebsd-envelope-from-after-date",
    ),
    pytest.param(
        "from mail.amdigital.ch (149.102.150.235) by info.keepgoo.com id h7rpti0e97cn for "
        "<phishing@pot>; Sat, 11 May 2024 12:28:08 +0800 (envelope-from <office@sportwitness.co.uk>)",
        {
            "envelope_from": "office@sportwitness.co.uk",
            "date_text": "Sat, 11 May 2024 12:28:08 +0800",
        },
        id="sendmail-envelope-from-after-date",  # corpus: real2/tz-artefact-...
    ),
    pytest.param(
        "from mail.example.com (mail.example.com [203.0.113.4]) by mx.example.org with ESMTP id ABC; "
        "Fri, 14 Nov 2003 13:35:36.102 +0000",
        {"timestamp": datetime(2003, 11, 14, 13, 35, 36, 102000, tzinfo=UTC)},
        id="rfc5322-date-fractional-seconds",
    ),
    pytest.param(
        "from mail.example.com (mail.example.com [203.0.113.4]) by mx.example.org with ESMTP id ABC; "
        "2018-4-20 11:01:08 PM +0200",
        {"timestamp": datetime(2018, 4, 20, 23, 1, 8, tzinfo=timezone(timedelta(hours=2)))},
        id="twelve-hour-clock-pm",
    ),
    pytest.param(
        "from mail.example.com (mail.example.com [203.0.113.4]) by mx.example.org, with ESMTP id ABC; "
        "Fri, 14 Nov 2003 13:35:36 +0000",
        {"by": "mx.example.org", "with_protocol": "ESMTP"},
        id="by-host-with-comma",
    ),
    pytest.param(
        "from webmail.phishing.com.br (LHLO webmail.phishing.com.br) (172.21.29.9) by "
        "webmail.phishing.com.br with LMTP; Thu, 1 Dec 2022 10:50:49 -0300 (BRT)",
        {
            "from_helo": "webmail.phishing.com.br",
            "from_rdns": "webmail.phishing.com.br",
            "from_ip": "172.21.29.9",
        },
        id="zimbra-lhlo",  # corpus: real2/self-spoof-sextortion-zimbra-...
    ),
    pytest.param(
        "from mail.example.com (mail.example.com [::ffff:192.0.2.7]) by mx.example.org with ESMTP "
        "id ABC; Fri, 14 Nov 2003 13:35:36 +0000",
        {"from_ip": "192.0.2.7"},
        id="ipv4-mapped-ipv6-client",
    ),
    pytest.param(
        "from smtp11.ggg.com ([66.202.209.213]:59716) by mx34.test.it with esmtp (envelope-from "
        "<noreply@ggg.com>) id 1dWJDl-00035d-BU for mvk2008_64@test.it; Sat, 15 Jul 2017 "
        "12:18:41 +0300",
        {"from_rdns": "smtp11.ggg.com", "from_helo": "smtp11.ggg.com", "from_ip": "66.202.209.213"},
        id="exim-name-is-rdns-and-helo",  # corpus: eml/exim-mx-spf-pass-dkim-pass-russian-sender
    ),
    pytest.param(
        'from rfoutemea1.hes.trendmicro.eu ([52.58.63.51]:56992 "EHLO rfoutemea1.hes.trendmicro.eu"'
        " rhost-flags-OK-OK-OK-OK) by vger.kernel.org with ESMTP id S1727806AbfIKMyw (ORCPT "
        "<rfc822;linux-usb@vger.kernel.org>); Wed, 11 Sep 2019 08:54:52 -0400",
        {"from_helo": "rfoutemea1.hes.trendmicro.eu", "from_ip": "52.58.63.51"},
        id="zmailer-quoted-ehlo",  # corpus: real2/list-vger-linux-usb-...
    ),
]


@pytest.mark.parametrize(("line", "expected"), FORMS)
def test_received_form(line: str, expected: dict[str, Any]) -> None:
    r = parse_received(line)
    for name, value in expected.items():
        assert getattr(r, name) == value, name


def test_exim_helo_differs_from_name_keeps_both() -> None:
    # Exim adds "helo=" only when the HELO differs from the verified name: then they differ.
    r = parse_received(
        "from mail.example.com ([203.0.113.4] helo=laptop) by mx.example.org with esmtps "
        "id 1dWJDl-00035d-BU; Sat, 15 Jul 2017 12:18:41 +0300"
    )
    assert (r.from_rdns, r.from_helo, r.from_ip) == ("mail.example.com", "laptop", "203.0.113.4")


def test_postfix_name_first_is_helo_not_rdns() -> None:
    # Postfix writes the HELO first, then "(rdns [ip])": no Exim rule may turn it into rDNS.
    r = parse_received(
        "from laptop (unknown [203.0.113.4]) by mx.example.org (Postfix) with ESMTP id 4ABC; "
        "Fri, 14 Nov 2003 10:22:08 +0100"
    )
    assert (r.from_helo, r.from_rdns, r.from_ip) == ("laptop", None, "203.0.113.4")


@pytest.mark.parametrize(
    ("text", "hour"),
    [("2018-4-20 11:01:08 PM", 23), ("2018-4-20 12:01:08 AM", 0), ("2018-4-20 12:30 PM", 12)],
)
def test_twelve_hour_clock_honoured(text: str, hour: int) -> None:
    dt, _ = parse_date(text)
    assert dt is not None and dt.hour == hour


def test_impossible_twelve_hour_clock_refused() -> None:
    dt, defect = parse_date("2018-4-20 13:01:08 PM")
    assert dt is None
    assert defect is not None and defect.code == "date.unparseable"
    assert "2018-4-20 13:01:08 PM" in defect.message
