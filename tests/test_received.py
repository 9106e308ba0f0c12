"""Tests for headerlens.parsers.received: RFC 5321 §4.4 Received lines and MTA dialects."""

from __future__ import annotations

import email
import email.policy
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from headerlens.parsers.received import normalize_ip, parse_received
from tests.paths import SHARED, needs_shared

CORPUS_DIRS = ("corpus/eml", "corpus/headers", "corpus/dkim", "lab/messages")

# Each case: a real line (tag = its source), then the fields it must yield.
DIALECTS: list[Any] = [
    pytest.param(
        "from x.y.test by example.net via TCP with ESMTP id ABC12345 for <mary@example.net>; "
        "21 Nov 1997 10:05:43 -0600",
        {
            "from_helo": "x.y.test",
            "by": "example.net",
            "via": "TCP",
            "with_protocol": "ESMTP",
            "id": "ABC12345",
            "for_addr": "mary@example.net",
            "timestamp": datetime(1997, 11, 21, 10, 5, 43, tzinfo=timezone(timedelta(hours=-6))),
        },
        id="rfc5322-A.4-trace",  # RFC 5322 §A.4 / RFC 5321 §4.4
    ),
    pytest.param(
        "from machine.example by x.y.test; 21 Nov 1997 10:01:22 -0600",
        {"from_helo": "machine.example", "by": "x.y.test", "with_protocol": None},
        id="rfc5322-A.4-minimal",  # RFC 5322 §A.4
    ),
    pytest.param(
        "from AS9PR06CA0001.eurprd06.prod.outlook.com (2603:10a6:20b:462::31) by "
        "SJ1P223MB0532.NAMP223.PROD.OUTLOOK.COM (2603:10b6:a03:459::16) with Microsoft SMTP "
        "Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7918.27;"
        " Sat, 7 Sep 2024 03:06:46 +0000",
        {
            "from_helo": "AS9PR06CA0001.eurprd06.prod.outlook.com",
            "from_ip": "2603:10a6:20b:462::31",
            "by": "SJ1P223MB0532.NAMP223.PROD.OUTLOOK.COM",
            "by_ip": "2603:10b6:a03:459::16",
            "with_protocol": "SMTP",
            "server_software": "Microsoft SMTP Server",
            "server_version": "15.20.7918.27",
            "tls_version": "TLS1_2",
            "tls_cipher": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "timestamp": datetime(2024, 9, 7, 3, 6, 46, tzinfo=UTC),
        },
        id="eop-internal",  # corpus: eml/barracuda-to-eop-all-pass.eml
    ),
    pytest.param(
        "from barracudain.cobranet.org (80.89.176.228) by "
        "AMS0EPF00000197.mail.protection.outlook.com (10.167.16.219) with Microsoft SMTP Server "
        "id 15.20.7918.13 via Frontend Transport; Sat, 7 Sep 2024 03:06:44 +0000",
        {
            "from_helo": "barracudain.cobranet.org",
            "from_ip": "80.89.176.228",
            "by_ip": "10.167.16.219",
            "via": "Frontend Transport",
            "server_version": "15.20.7918.13",
            "tls_version": None,
        },
        id="eop-frontend-no-tls",  # corpus: eml/barracuda-to-eop-all-pass.eml
    ),
    pytest.param(
        "from EXCHANGE01.dicle.edu.tr ([fe80::389a:10d7:139:e06a]) by EXCHANGE01.dicle.edu.tr "
        "([fe80::389a:10d7:139:e06a%13]) with mapi id 15.02.1544.011; "
        "Sat, 3 Aug 2024 23:27:15 +0300",
        {
            "from_ip": "fe80::389a:10d7:139:e06a",
            "by_ip": "fe80::389a:10d7:139:e06a%13",
            "with_protocol": "mapi",
            "server_version": "15.02.1544.011",
        },
        id="exchange-2019-mapi-link-local",
        # corpus: eml/exchange2019-onprem-trendmicro-imsva-to-eop-outlookcom-clock-skew.eml
    ),
    pytest.param(
        "from EX2010-01.corp.fabrikam.com (10.1.1.20) by EDGE2010.fabrikam.com (192.0.2.60) with "
        "Microsoft SMTP Server (TLS) id 14.3.513.0; Tue, 10 Nov 2026 20:14:02 +0000",
        {"from_ip": "10.1.1.20", "by_ip": "192.0.2.60", "tls_version": "TLS"},
        id="exchange-2010-edge",  # lab: messages/shared-edge-bypasses-hes.eml
    ),
    pytest.param(
        "from mx.ville-saumur.fr (mx.ville-saumur.fr [185.87.100.136]) by mindbounce1.odiso.net "
        "(Postfix) with ESMTP id 3C9D4105B7FE for "
        "<ha3dsljxgizc2mjrgq2dkobx@mb.newsletter-autos.fr>; Wed, 13 Dec 2017 16:10:03 +0100 (CET)",
        {
            "from_helo": "mx.ville-saumur.fr",
            "from_rdns": "mx.ville-saumur.fr",
            "from_ip": "185.87.100.136",
            "server_software": "Postfix",
            "id": "3C9D4105B7FE",
            "for_addr": "ha3dsljxgizc2mjrgq2dkobx@mb.newsletter-autos.fr",
        },
        # corpus: eml/trendmicro-hes-imsva-exchange-ndr-embedded-original-headers.eml
        id="postfix",
    ),
    pytest.param(
        "from out15-200.antispamcloud.com (out15-200.antispamcloud.com [185.201.19.200]) (using "
        "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 "
        "server-signature RSA-PSS (2048 bits) server-digest SHA256) (No client certificate "
        "requested) by aspmx1.migadu.com (Postfix) with ESMTPS id AF39D5CA5 for <xxx@xxxxx.xxx>; "
        "Mon, 07 Oct 2024 20:59:29 +0200 (CEST)",
        {
            "from_ip": "185.201.19.200",
            "by": "aspmx1.migadu.com",
            "with_protocol": "ESMTPS",
            "tls_version": "TLSv1.3",
            "tls_cipher": "TLS_AES_256_GCM_SHA384",
        },
        id="postfix-using-tls",
        # corpus: eml/mailgun-spoof-arc-reject-spf-softfail-dkim-fail-invalid-date.eml
    ),
    pytest.param(
        "from localhost.localdomain (unknown [IPv6:2001:470:107:1::212:8d46:a771]) by "
        "mx-out-01b.sjc2.discourse.org (Postfix) with ESMTP id 98C035E012C for "
        "<romain.calascibetta@gmail.com>; Wed, 28 Mar 2018 22:01:17 +0000 (UTC)",
        {"from_ip": "2001:470:107:1:0:212:8d46:a771", "from_rdns": None},
        id="postfix-ipv6-prefix-unknown-rdns",
        # corpus: dkim/blaze-004-discourse-to-gmail-dkim-fails-offline-arc1.eml
    ),
    pytest.param(
        "from [194.9.179.62] (port=56303 helo=DESKTOP-RQ5VPH2) by server3.intersmartsolution.com "
        "with esmtpsa (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.95) (envelope-from "
        "<smtpfox-9gv31@ayurmithrawellness.com>) id 1oxikm-00BXtl-4S for phishing@pot; "
        "Wed, 23 Nov 2022 00:57:00 -0500",
        {
            "from_ip": "194.9.179.62",
            "from_helo": "DESKTOP-RQ5VPH2",
            "with_protocol": "esmtpsa",
            "tls_version": "TLS1.3",
            "tls_cipher": "TLS_AES_256_GCM_SHA384",
            "server_software": "Exim",
            "server_version": "4.95",
            "envelope_from": "smtpfox-9gv31@ayurmithrawellness.com",
            "id": "1oxikm-00BXtl-4S",
            "for_addr": "phishing@pot",
        },
        id="exim-4.9x",  # corpus: eml/eop-dkim-bodyhash-fail-compauth-pass-105.eml
    ),
    pytest.param(
        "from smtp11.ggg.com ([66.202.209.213]:59716) by mx34.test.it with esmtp (envelope-from "
        "<noreply@ggg.com>) id 1dWJDl-00035d-BU for mvk2008_64@test.it; Sat, 15 Jul 2017 "
        "12:18:41 +0300",
        {
            "from_ip": "66.202.209.213",
            "from_helo": "smtp11.ggg.com",
            "envelope_from": "noreply@ggg.com",
        },
        id="exim-ip-port",  # corpus: eml/exim-mx-spf-pass-dkim-pass-russian-sender.eml
    ),
    pytest.param(
        "from m140-82.mailgun.net ([159.135.140.82]) by mx303.antispamcloud.com with esmtps "
        "(TLSv1.3:TLS_AES_256_GCM_SHA384:256) (Exim 4.92) (envelope-from <b@rolo-sistemi.si>) "
        "id 1sxswz-00COfK-Qx for xxx@xxxxx.xxx; Mon, 07 Oct 2024 20:59:28 +0200",
        {
            "tls_version": "TLSv1.3",
            "tls_cipher": "TLS_AES_256_GCM_SHA384",
            "server_version": "4.92",
        },
        id="exim-old-tls-comment",
        # corpus: eml/mailgun-spoof-arc-reject-spf-softfail-dkim-fail-invalid-date.eml
    ),
    pytest.param(
        "from d06av25.portsmouth.uk.ibm.com (d06av25.portsmouth.uk.ibm.com [9.149.105.61]) by "
        "b06cxnps4076.portsmouth.uk.ibm.com (8.14.9/8.14.9/NCO v10.0) with ESMTP id "
        "v28GkLOt35979332 for <lina.vailati@dududu.it>; Wed, 8 Mar 2017 16:46:21 GMT",
        {"server_software": "Sendmail", "server_version": "8.14.9", "from_ip": "9.149.105.61"},
        id="sendmail",  # corpus: eml/ibm-proofpoint-15-hops-2017.eml
    ),
    pytest.param(
        "(qmail 20959 invoked from network); 8 Mar 2017 16:46:30 -0000",
        {
            "server_software": "qmail",
            "by": None,
            "from_ip": None,
            "timestamp": datetime(2017, 3, 8, 16, 46, 30, tzinfo=UTC),
        },
        id="qmail-invoked",  # corpus: eml/ibm-proofpoint-15-hops-2017.eml
    ),
    pytest.param(
        "from mx0b-001b2d01.pphosted.com (HELO mx0a-001b2d01.pphosted.com) (148.163.158.5) by "
        "smtp.didi.net with SMTP; 8 Mar 2017 16:46:30 -0000",
        {
            "from_rdns": "mx0b-001b2d01.pphosted.com",
            "from_helo": "mx0a-001b2d01.pphosted.com",
            "from_ip": "148.163.158.5",
            "with_protocol": "SMTP",
        },
        id="qmail-helo",  # corpus: eml/ibm-proofpoint-15-hops-2017.eml
    ),
    pytest.param(
        "from unknown (HELO ) (185.137.84.106) by smtp.customers.net with SMTP; "
        "24 May 2016 12:30:11 -0000",
        {"from_helo": None, "from_rdns": None, "from_ip": "185.137.84.106"},
        id="qmail-empty-helo",  # corpus: eml/malformed-received-empty-by-and-helo.eml
    ),
    pytest.param(
        "by 2002:a05:6130:6b0d:b0:84b:1f39:44a6 with SMTP id jp13csp832922uab; "
        "Fri, 4 Oct 2024 17:48:26 -0700 (PDT)",
        {
            "by": "2002:a05:6130:6b0d:b0:84b:1f39:44a6",
            "by_ip": "2002:a05:6130:6b0d:b0:84b:1f39:44a6",
            "id": "jp13csp832922uab",
            "from_ip": None,
        },
        id="gmail-internal-ipv6-by",
        # corpus: eml/mailgun-spoof-arc-reject-spf-softfail-dkim-fail-invalid-date.eml
    ),
    pytest.param(
        "from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com "
        "with SMTPS id d6-20020a05651221c600b004d57a6acf55sor44520lft.57.2023.02.21.17.42.30 for "
        "<phishing@pot> (Google Transport Security); Tue, 21 Feb 2023 17:42:30 -0800 (PST)",
        {
            "from_rdns": "mail-sor-f41.google.com",
            "from_ip": "209.85.220.41",
            "by": "mx.google.com",
            "with_protocol": "SMTPS",
            "for_addr": "phishing@pot",
        },
        id="gmail-mx-transport-security",  # corpus: eml/gmail-to-gmail-all-pass.eml
    ),
    pytest.param(
        "from NAM12-MW2-obe.outbound.protection.outlook.com (mail-mw2nam12olkn20800.outbound."
        "protection.outlook.com. [2a01:111:f403:2805::800]) by mx.google.com with ESMTPS id "
        "g9-20020aa79dc9000000b006ea90f89a9asi4600059pfq.303.2024.03.29.18.35.26 for "
        "<jenunder73@gmail.com> (version=TLS1_2 cipher=ECDHE-ECDSA-AES128-GCM-SHA256 "
        "bits=128/128); Fri, 29 Mar 2024 18:35:26 -0700 (PDT)",
        {
            "from_ip": "2a01:111:f403:2805::800",
            "tls_version": "TLS1_2",
            "tls_cipher": "ECDHE-ECDSA-AES128-GCM-SHA256",
        },
        id="gmail-mx-ipv6",
        # corpus: headers/outlookcom-to-gmail-ipv6-arc-dkim-temperror-reordered-unfolded.txt
    ),
    pytest.param(
        "from mail-northeuropeazlp17011030.outbound.protection.outlook.com (HELO "
        "DU2PR03CU002.outbound.protection.outlook.com) ([40.93.64.30]) by "
        "ob1.hc489-80.eu.iphmx.com with ESMTP/TLS/ECDHE-RSA-AES256-GCM-SHA384; "
        "26 May 2025 13:44:26 +0200",
        {
            "from_ip": "40.93.64.30",
            "from_helo": "DU2PR03CU002.outbound.protection.outlook.com",
            "with_protocol": "ESMTP",
            "tls_cipher": "ECDHE-RSA-AES256-GCM-SHA384",
        },
        id="ironport",  # corpus: eml/ironport-to-eop-arc2-all-pass.eml
    ),
    pytest.param(
        "by filterdrecv-7fd948b676-mhxck with SMTP id filterdrecv-7fd948b676-mhxck-1-64C417C9-BB "
        "2023-07-28 19:32:25.928333532 +0000 UTC m=+6810983.819096959",
        {
            "by": "filterdrecv-7fd948b676-mhxck",
            "id": "filterdrecv-7fd948b676-mhxck-1-64C417C9-BB",
            "timestamp": datetime(2023, 7, 28, 19, 32, 25, 928333, tzinfo=UTC),
        },
        # corpus: eml/sendgrid-received-iso8601-timestamps-to-eop.eml
        id="sendgrid-no-semicolon-iso",
    ),
    pytest.param(
        "from 127.0.0.1 (localhost. [127.0.0.1]) by eaas-14 (EaaS) id <3Thv2@sfdc.net> for "
        '<"spprtmailgun@gmail.com" <spprtmailgun@gmail.com>> Sat, 5 Oct 2024 00:48:25 GMT (GMT)',
        {
            "from_ip": "127.0.0.1",
            "by": "eaas-14",
            "for_addr": "spprtmailgun@gmail.com",
            "timestamp": datetime(2024, 10, 5, 0, 48, 25, tzinfo=UTC),
        },
        id="no-semicolon-nested-angle",
        # corpus: eml/mailgun-spoof-arc-reject-spf-softfail-dkim-fail-invalid-date.eml
    ),
    pytest.param(
        "from smtp.notes.na.collabserv.com (192.155.248.67) by d50lp03.ny.us.ibm.com "
        "(158.87.18.22) with IBM ESMTP SMTP Gateway: Authorized Use Only! Violators will be "
        "prosecuted; (version=TLSv1/SSLv3 cipher=AES128-GCM-SHA256 bits=128/128) "
        "Wed, 8 Mar 2017 11:46:17 -0500",
        {
            "from_ip": "192.155.248.67",
            "by_ip": "158.87.18.22",
            "tls_version": "TLSv1/SSLv3",
            "timestamp": datetime(2017, 3, 8, 11, 46, 17, tzinfo=timezone(timedelta(hours=-5))),
        },
        id="ibm-comment-after-semicolon",  # corpus: eml/ibm-proofpoint-15-hops-2017.eml
    ),
    pytest.param(
        "from 3lyw4 ([127.0.0.1]) by ADMINISTRATOR with Microsoft SMTPSVC(10.0.14393.0); "
        "Wed, 25 Dec 2024 21:13:56 +0000",
        {"server_software": "Microsoft SMTPSVC", "server_version": "10.0.14393.0"},
        id="iis-smtpsvc",  # corpus: eml/sourceforge-list-smtpsvc-date-1899.eml
    ),
    pytest.param(
        "from (localhost[127.0.0.1]) by voicemail.cis.att.net (vm2) with SMTP id "
        "<2006050319071918800spa0re>; Wed, 3 May 2006 19:07:19 +0000",
        {"from_helo": None, "from_rdns": "localhost", "from_ip": "127.0.0.1"},
        id="no-space-before-literal",  # corpus: dkim/mail-dkim/bad_ietf01_1.txt
    ),
]


@pytest.mark.parametrize(("line", "expected"), DIALECTS)
def test_dialects(line: str, expected: dict[str, object]) -> None:
    r = parse_received(line)
    assert r.raw == line
    for attr, value in expected.items():
        assert getattr(r, attr) == value, attr


@pytest.mark.parametrize(
    ("line", "codes"),
    [
        pytest.param(
            "from [129.212.207.5] (account captivatedm41@tin.it HELO idmktqmly.wpncbwhfbr.tin.it) "
            "by (Postfix) with esmtpa (Exim 4.86) id 4CA80EAC911C for e.salvation.comprehei@"
            "virusnet.it; Tue, 24 May 2016 13:09:41 +0100",
            {"received.empty-by"},
            id="empty-by",  # corpus: eml/malformed-received-empty-by-and-helo.eml
        ),
        pytest.param("from a.example by b.example with SMTP", {"received.no-date"}, id="no-date"),
        pytest.param(
            "from a.example by b.example; Tomorrow-ish", {"date.unparseable"}, id="junk-date"
        ),
        pytest.param(
            "from a.example by b.example; 1 Jan 2020 10:00:00 +0000; 2 Jan 2020 10:00:00 +0000",
            set(),
            id="two-semicolons-last-wins",
        ),
        pytest.param("", {"received.empty"}, id="empty"),
        pytest.param(
            "garbled text only", {"received.no-clauses", "received.no-date"}, id="garbled"
        ),
        pytest.param("from a.example; 1 Jan 2020 10:00:00 +0000", {"received.no-by"}, id="no-by"),
    ],
)
def test_defects(line: str, codes: set[str]) -> None:
    r = parse_received(line)
    got = {d.code for d in r.defects}
    assert codes <= got
    if not codes:
        assert r.timestamp == datetime(2020, 1, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "line",
    [
        "from ((((( by",
        "by <<<<<",
        "from [ by ] with (",
        'for "unterminated',
        ";;;;",
        "from a (b (c (d) e) f) by g; \x1b]8;;http://x\x07 [bold]x[/bold]",
    ],
)
def test_never_raises(line: str) -> None:
    r = parse_received(line)
    assert r.raw == line


@pytest.mark.parametrize(
    ("text", "ip"),
    [
        ("[IPv6:2001:db8::1]", "2001:db8::1"),
        ("1.2.3.4:25", "1.2.3.4"),
        ("fe80::1%13", "fe80::1%13"),
        ("2002:a8a:d03:0:0:0:0:0", "2002:a8a:d03::"),
        ("mx.google.com", None),
        ("15.20.7918.27", None),
    ],
)
def test_normalize_ip(text: str, ip: str | None) -> None:
    assert normalize_ip(text) == ip


def _corpus_received_values() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for d in CORPUS_DIRS:
        for p in sorted((SHARED / d).rglob("*")):
            if p.suffix not in {".eml", ".txt"} or not p.is_file():
                continue
            msg = email.message_from_bytes(p.read_bytes(), policy=email.policy.compat32)
            for v in msg.get_all("Received") or []:
                out.append((str(p.relative_to(SHARED)), " ".join(str(v).split())))
    return out


# Corpus lines that contain a date we do not turn into a timestamp, with the reason.
# Empty today: every dated line in the corpus parses. Add entries here (file, line prefix,
# reason) rather than weakening the threshold below.
DATE_ALLOW_LIST: dict[tuple[str, str], str] = {}


@needs_shared
def test_corpus_parses_and_dates_resolve() -> None:
    values = _corpus_received_values()
    assert len(values) > 250  # the corpus really was read
    dated = 0
    stamped = 0
    missing: list[tuple[str, str]] = []
    for source, value in values:
        r = parse_received(value)  # must not raise
        if r.date_text is None:
            continue
        dated += 1
        if r.timestamp is not None:
            assert r.timestamp.tzinfo is not None
            stamped += 1
        elif not any(source == f and value.startswith(prefix) for f, prefix in DATE_ALLOW_LIST):
            missing.append((source, value))
    assert stamped / dated >= 0.98
    assert missing == []


@needs_shared
def test_corpus_vendor_fields_spot_check() -> None:
    # Every Exchange/EOP line with "Microsoft SMTP Server" carries its build number.
    for _, value in _corpus_received_values():
        r = parse_received(value)
        if "Microsoft SMTP Server" in value and " id " in value:
            assert r.server_version is not None, value
            assert r.by is not None, value


def _best_of(runs: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


@pytest.mark.parametrize(
    "make",
    [
        # found while speeding up the lexer: a 60 KB run of "[" inside a comment took 21 s
        # (the bracket regex in _ip_from_words backtracked from every "[")
        pytest.param(lambda n: "from a (" + "[" * n, id="comment-bracket-run"),
        pytest.param(lambda n: "from a (" + "x [" * (n // 3), id="comment-spaced-brackets"),
        pytest.param(lambda n: "by x (" + "[1" * (n // 2), id="by-comment-digits"),
        pytest.param(lambda n: "from " + '"' * n, id="quote-run"),
        pytest.param(lambda n: "from a " + "(" * n, id="open-paren-run"),
        pytest.param(lambda n: "from a; " + ";" * n, id="semicolon-run"),
    ],
)
def test_long_runs_are_linear(make: Callable[[int], str]) -> None:
    # A complexity test, not a stopwatch: four times the input may cost at most 10x the time
    # (linear is 4x, quadratic 16x). Best of three runs each, so a busy machine does not fail it.
    small, big = make(60_000), make(240_000)  # large enough that fixed costs do not dominate
    assert parse_received(big).raw == big
    t_small = _best_of(3, lambda: parse_received(small))
    t_big = _best_of(3, lambda: parse_received(big))
    assert t_big < 10 * t_small + 0.01, (t_small, t_big)
