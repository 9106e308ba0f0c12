"""Tests for headerlens.parsers.chain (and hops): order, delays, roles, trust boundary."""

from __future__ import annotations

import csv
import json
import re
from datetime import timedelta

import pytest

from headerlens.model.core import HeaderField
from headerlens.model.received import HopRole, Vendor
from headerlens.parsers.chain import build_chain
from headerlens.parsers.hops import exchange_product, is_internal_ip, registrable_domain
from tests.paths import SHARED, needs_shared, shared_cases

_FIELD = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]*:")


def fields_of(data: bytes) -> list[HeaderField]:
    """A small header splitter for tests (the real one lives elsewhere): unfold, keep order."""
    head = re.split(rb"\r?\n\r?\n", data, maxsplit=1)[0]
    out: list[HeaderField] = []
    for line in re.split(rb"\r?\n", head):
        if line[:1] in (b" ", b"\t") and out:
            prev = out[-1]
            value = prev.value + " " + line.decode("utf-8", "replace").strip()
            out[-1] = HeaderField(prev.index, prev.name, value, prev.raw + b"\n" + line)
            continue
        m = _FIELD.match(line)
        if m is None:
            continue  # stray line without a field name
        value = line[m.end() :].decode("utf-8", "replace").strip()
        out.append(HeaderField(len(out), m.group(1).decode(), value, line))
    return out


def fields_from_text(*lines: str) -> list[HeaderField]:
    return [
        HeaderField(i, line.split(":", 1)[0], line.split(":", 1)[1].strip(), line.encode())
        for i, line in enumerate(lines)
    ]


# --- ordering and delays ---------------------------------------------------------------------


def test_order_and_signed_negative_delay() -> None:
    headers = fields_from_text(
        "Received: from b.example (b.example [198.51.100.2]) by c.example with ESMTP id 3; "
        "Tue, 10 Nov 2026 10:00:05 +0000",
        "X-Received: by 2002:a05:6a20::1 with SMTP id zz; Tue, 10 Nov 2026 10:00:06 +0000",
        "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=example; s=x; b=abc",
        "Received: from a.example (a.example [198.51.100.1]) by b.example with ESMTP id 2; "
        "Tue, 10 Nov 2026 10:00:10 +0000",
        "received: from x.example (x.example [10.0.0.1]) by a.example with ESMTP id 1; "
        "Tue, 10 Nov 2026 11:00:00 +0100",
    )
    chain = build_chain(headers)
    assert [h.received.id for h in chain.hops] == ["1", "2", "3"]  # bottom-most first
    assert [h.number for h in chain.hops] == [1, 2, 3]
    assert [h.header_index for h in chain.hops] == [4, 3, 0]
    assert chain.hops[0].delay is None
    assert chain.hops[1].delay == timedelta(seconds=10)
    # A -5 s skew stays -5 s (never 23:59:55) and is flagged.
    assert chain.hops[2].delay == timedelta(seconds=-5)
    assert chain.hops[2].clock_skew is True
    assert chain.hops[1].clock_skew is False
    assert chain.total_transit == timedelta(seconds=5)


def test_one_second_rounding_is_not_skew() -> None:
    chain = build_chain(
        fields_from_text(
            "Received: from a.example by b.example; Tue, 10 Nov 2026 10:00:00 +0000",
            "Received: from z.example by a.example; Tue, 10 Nov 2026 10:00:01 +0000",
        )
    )
    assert chain.hops[1].delay == timedelta(seconds=-1)
    assert chain.hops[1].clock_skew is False


def test_undated_hop_is_kept_and_skipped_for_delays() -> None:
    chain = build_chain(
        fields_from_text(
            "Received: from b.example by c.example; Tue, 10 Nov 2026 10:00:30 +0000",
            "Received: from a.example by b.example; not a date at all",
            "Received: from z.example by a.example; Tue, 10 Nov 2026 10:00:00 +0000",
        )
    )
    assert len(chain.hops) == 3
    assert chain.hops[1].received.timestamp is None
    assert "hop.undated" in {d.code for d in chain.hops[1].defects}
    assert chain.hops[1].delay is None
    assert chain.hops[2].delay == timedelta(seconds=30)  # against the last dated hop


def test_no_received_fields() -> None:
    chain = build_chain(fields_from_text("Subject: hi", "X-Received: by x with SMTP; 1 Jan 2020"))
    assert chain.hops == ()
    assert chain.boundary is None
    assert "chain.empty" in {d.code for d in chain.defects}


@needs_shared
def test_clock_skew_corpus_file() -> None:
    # corpus: eml/exchange2019-onprem-trendmicro-imsva-to-eop-outlookcom-clock-skew.eml
    path = (
        SHARED / "corpus/eml/exchange2019-onprem-trendmicro-imsva-to-eop-outlookcom-clock-skew.eml"
    )
    chain = build_chain(fields_of(path.read_bytes()))
    skewed = [h for h in chain.hops if h.clock_skew]
    assert len(skewed) == 1
    hop = skewed[0]
    assert hop.received.by == "mgw01.dicle.edu.tr"
    assert hop.delay is not None
    assert timedelta(minutes=-69) < hop.delay < timedelta(minutes=-67)
    assert "hop.clock-skew" in {d.code for d in hop.defects}


# --- classification --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "product"),
    [
        ("8.3.83.6", "Exchange Server 2007"),
        ("14.3.513.0", "Exchange Server 2010 SP3"),  # lab: shared-hes-to-gmail-pass.eml
        ("14.03.0513.000", "Exchange Server 2010 SP3"),
        (
            "15.0.1497.42",
            "Exchange Server 2013",
        ),  # corpus: eml/sophos-to-eop-dmarc-pass-dkim-none.eml
        ("15.1.2242.12", "Exchange Server 2016"),
        ("15.02.1544.011", "Exchange Server 2019"),
        ("15.20.7452.28", "Exchange Online"),
        ("garbage", None),
        (None, None),
    ],
)
def test_exchange_product(build: str | None, product: str | None) -> None:
    assert exchange_product(build) == product


HOP_CASES = [
    pytest.param(
        "from mbx01.contoso.local (10.0.0.15) by mbx01.contoso.local (10.0.0.15) with Microsoft "
        "SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id "
        "15.2.1544.4 via Mailbox Transport; Tue, 10 Nov 2026 17:14:01 +0000",
        HopRole.MAILBOX,
        Vendor.EXCHANGE,
        "Exchange Server 2019",
        id="exchange-mailbox",  # lab: messages/shared-eop-to-gmail-pass.eml
    ),
    pytest.param(
        "from mbx01.contoso.local (10.0.0.15) by edge01.contoso.com (203.0.113.25) with Microsoft "
        "SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id "
        "15.2.1544.4; Tue, 10 Nov 2026 17:14:02 +0000",
        HopRole.EDGE,
        Vendor.EXCHANGE,
        "Exchange Server 2019",
        id="exchange-edge",  # lab: messages/shared-eop-to-gmail-pass.eml
    ),
    pytest.param(
        "from EXCHANGE01.dicle.edu.tr (10.1.1.21) by EXCHANGE01.dicle.edu.tr (10.1.1.21) with "
        "Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id "
        "15.2.1544.11; Sat, 3 Aug 2024 23:27:15 +0300",
        HopRole.HUB,
        Vendor.EXCHANGE,
        "Exchange Server 2019",
        id="exchange-hub",
        # corpus: eml/exchange2019-onprem-trendmicro-imsva-to-eop-outlookcom-clock-skew.eml
    ),
    pytest.param(
        "from server3.intersmartsolution.com (173.249.159.38) by "
        "SN1NAM02FT0058.mail.protection.outlook.com (10.97.5.116) with Microsoft SMTP Server "
        "(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.5857.17 via "
        "Frontend Transport; Wed, 23 Nov 2022 05:57:00 +0000",
        HopRole.GATEWAY_INBOUND,
        Vendor.EOP,
        "Exchange Online",
        id="eop-frontend",  # corpus: eml/eop-dkim-bodyhash-fail-compauth-pass-105.eml
    ),
    pytest.param(
        "from SA0PR11CA0107.namprd11.prod.outlook.com (2603:10b6:806:d1::22) by "
        "PH0PR19MB7428.namprd19.prod.outlook.com (2603:10b6:510:28f::13) with Microsoft SMTP "
        "Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.5834.9; "
        "Wed, 23 Nov 2022 05:57:01 +0000",
        HopRole.HUB,
        Vendor.EXCHANGE_ONLINE,
        "Exchange Online",
        # an Exchange Online mailbox server (MB) taking the message from EOP's front end
        id="exchange-online-mailbox-server",  # corpus: eml/eop-dkim-bodyhash-fail-compauth-...
    ),
    pytest.param(
        "from PH0PR19MB7428.namprd19.prod.outlook.com (::1) by "
        "MN0PR19MB6312.namprd19.prod.outlook.com with HTTPS; Wed, 23 Nov 2022 05:57:02 +0000",
        HopRole.LOCAL,
        Vendor.EXCHANGE_ONLINE,
        None,
        id="eop-mailbox-delivery-https",  # corpus: eml/eop-dkim-bodyhash-fail-compauth-pass-105.eml
    ),
    pytest.param(
        "from outbound-36.hes.trendmicro.com (outbound-36.hes.trendmicro.com. [150.70.149.36]) "
        "by mx.google.com with ESMTPS id f1f2f3-hes.106.2026 for <carol.recipient@gmail.com> "
        "(version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256); "
        "Tue, 10 Nov 2026 12:14:12 -0800",
        HopRole.MX,
        Vendor.GMAIL,
        None,
        id="gmail-mx",  # lab: messages/shared-hes-to-gmail-pass.eml
    ),
    pytest.param(
        "by 2002:a05:7208:3187:b0:86:4c9e:7a1d with SMTP id t7csp1184129rbd; "
        "Tue, 10 Nov 2026 12:14:14 -0800",
        HopRole.INTERNAL,
        Vendor.GMAIL,
        None,
        id="gmail-internal",  # lab: messages/shared-hes-to-gmail-pass.eml
    ),
    pytest.param(
        "from mgw01.dicle.edu.tr (unknown [127.0.0.1]) by IMSVA (Postfix) with ESMTP id "
        "30CC8384FF; Sat, 3 Aug 2024 22:19:40 +0300 (EEST)",
        HopRole.GATEWAY_INTERNAL,
        Vendor.TREND_MICRO,
        None,
        id="trend-imsva",
        # corpus: eml/exchange2019-onprem-trendmicro-imsva-to-eop-outlookcom-clock-skew.eml
    ),
    pytest.param(
        "from e06smtp10.uk.ibm.com (e06smtp10.uk.ibm.com [195.75.94.106]) by "
        "mx0b-001b2d01.pphosted.com with ESMTP id 292hw54kbu-1 (version=TLSv1.2 cipher=AES256-SHA "
        "bits=256 verify=NOT) for <lina.vailati@dududu.it>; Wed, 08 Mar 2017 11:46:27 -0500",
        HopRole.GATEWAY_INBOUND,
        Vendor.PROOFPOINT,
        None,
        id="proofpoint",  # corpus: eml/ibm-proofpoint-15-hops-2017.eml
    ),
    pytest.param(
        "from [41.86.153.86] (port=37652 helo=[192.168.1.29]) by localhost.localdomain with esmtp "
        "(Exim 4.69) (envelope-from <no-reply@cobranet.ng>) id 1smQ6C-00068I-5i; "
        "Fri, 06 Sep 2024 04:57:28 +0100",
        HopRole.MTA,
        Vendor.EXIM,
        "Exim 4.69",
        id="exim",  # corpus: eml/barracuda-to-eop-all-pass.eml
    ),
    pytest.param(
        "from a27-82.smtp-out.us-west-2.amazonses.com (a27-82.smtp-out.us-west-2.amazonses.com "
        "[54.240.27.82]) by nijo.example.jp (8.15.2/8.15.2) with ESMTP id u9L06fOn017159 for "
        "<nekochan@example.jp>; Fri, 21 Oct 2016 09:06:41 +0900",
        HopRole.MTA,
        Vendor.SENDMAIL,
        "Sendmail 8.15.2",
        id="sendmail",  # corpus: eml/amazonses-relayed-to-gmail-spf-fail-dkim-neutral.eml (version)
    ),
    pytest.param(
        "(qmail 27928 invoked from network); 5 Aug 2024 00:51:45 -0000",
        HopRole.LOCAL,
        Vendor.QMAIL,
        None,
        id="qmail",  # corpus: eml/symantec-messagelabs-to-eop-all-pass.eml
    ),
]


@pytest.mark.parametrize(("line", "role", "vendor", "product"), HOP_CASES)
def test_hop_classification(line: str, role: HopRole, vendor: Vendor, product: str | None) -> None:
    chain = build_chain(fields_from_text(f"Received: {line}"))
    hop = chain.hops[0]
    assert (hop.role, hop.vendor, hop.product_version) == (role, vendor, product)


@pytest.mark.parametrize(
    ("by", "vendor"),
    [
        ("relay.hes.trendmicro.com", Vendor.TREND_MICRO),
        ("mx.emailsecurity.trendmicro.eu", Vendor.TREND_MICRO),
        ("relay.mimecast.com", Vendor.MIMECAST),
        ("d123.ess.barracudanetworks.com", Vendor.BARRACUDA),
        ("ob1.hc489-80.eu.iphmx.com", Vendor.IRONPORT),
        ("m0098419.ppops.net", Vendor.PROOFPOINT),
    ],
)
def test_gateway_vendors_by_host(by: str, vendor: Vendor) -> None:
    line = f"Received: from a.example (a.example [198.51.100.9]) by {by} with ESMTP id 1; " + (
        "Tue, 10 Nov 2026 10:00:00 +0000"
    )
    assert build_chain(fields_from_text(line)).hops[0].vendor == vendor


@pytest.mark.parametrize(
    ("ip", "internal"),
    [
        ("10.1.1.20", True),
        ("172.20.6.142", True),
        ("192.168.13.202", True),
        ("127.0.0.1", True),
        ("::1", True),
        ("fe80::389a:10d7:139:e06a%13", True),
        ("192.0.2.60", False),  # documentation range: stands in for a public server
        ("40.107.22.101", False),
        (None, False),
        ("not-an-ip", False),
    ],
)
def test_is_internal_ip(ip: str | None, internal: bool) -> None:
    assert is_internal_ip(ip) is internal


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("mail.example.co.uk", "example.co.uk"),
        ("za-smtp-delivery-146.mimecast.co.za", "mimecast.co.za"),
        ("SG2PEPF000B66CA.mail.protection.outlook.com", "outlook.com"),
        ("mx.google.com.", "google.com"),
        ("IMSVA", None),
        ("10.1.1.1", None),
    ],
)
def test_registrable_domain(host: str, domain: str | None) -> None:
    assert registrable_domain(host) == domain


# --- trust boundary --------------------------------------------------------------------------


def _lab_expectations() -> list[tuple[str, dict[str, object]]]:
    if not SHARED.is_dir():
        return []
    data = json.loads((SHARED / "lab/expected.json").read_text())
    return [(item["file"], item["expect"]) for item in data]


def _stated_mail_from(headers: list[HeaderField]) -> str | None:
    """smtp.mailfrom= of the top-most AR field, else envelope-from= of Received-SPF."""
    for h in headers:
        if h.lname == "authentication-results":
            m = re.search(r"smtp\.mailfrom=([^;\s]+)", h.value)
            if m:
                return m.group(1)
    for h in headers:
        if h.lname == "received-spf":
            m = re.search(r"envelope-from=([^;\s]+)", h.value)
            if m:
                return m.group(1)
    return None


@needs_shared
@pytest.mark.parametrize(("name", "expect"), shared_cases(_lab_expectations(), 2))
def test_lab_messages(name: str, expect: dict[str, object]) -> None:
    # lab: expected.json (hops, boundary_hop, boundary_ip); MAIL FROM as stamped by the receiver
    headers = fields_of((SHARED / "lab" / name).read_bytes())
    chain = build_chain(headers)
    assert len(chain.hops) == expect["hops"]
    b = chain.boundary
    assert b is not None
    boundary_hop = chain.hops[b.hop_number - 1]
    assert boundary_hop.is_boundary
    assert sum(h.is_boundary for h in chain.hops) == 1
    if "boundary_hop" in expect:
        assert b.receiver == expect["boundary_hop"]
        assert boundary_hop.received.by == expect["boundary_hop"]
    if "boundary_ip" in expect:
        assert b.ip == expect["boundary_ip"]
    assert b.mail_from == _stated_mail_from(headers)
    assert b.helo == boundary_hop.received.from_helo
    assert b.reason


@needs_shared
@pytest.mark.parametrize(
    ("name", "boundary_ip", "by"),
    [
        ("shared-eop-to-gmail-pass.eml", "40.107.22.101", "mx.google.com"),
        ("shared-hes-to-gmail-pass.eml", "150.70.149.36", "mx.google.com"),
        ("shared-edge-bypasses-hes.eml", "192.0.2.60", "mx.google.com"),
        ("shared-mailing-list-arc.eml", "198.19.3.5", "mx.google.com"),
    ],
)
def test_lab_boundary_without_stamps(name: str, boundary_ip: str, by: str) -> None:
    # Same lab messages with Received-SPF and Authentication-Results removed: the chain walk
    # alone must still find Gmail's MX as the entry point.
    headers = [
        h
        for h in fields_of((SHARED / "lab/messages" / name).read_bytes())
        if h.lname not in {"received-spf", "authentication-results"}
    ]
    b = build_chain(headers).boundary
    assert b is not None
    assert (b.ip, b.receiver) == (boundary_ip, by)
    assert "outside the receiving organisation" in b.reason


def _expected_rows() -> list[tuple[str, int]]:
    if not SHARED.is_dir():
        return []
    rows: list[tuple[str, int]] = []
    with (SHARED / "corpus/EXPECTED.tsv").open(newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            m = re.search(r"\bhops=(\d+)", row["stated_by_source"] or "")
            if m:
                rows.append((row["local_name"], int(m.group(1))))
    return rows


@needs_shared
@pytest.mark.parametrize(("name", "hops"), shared_cases(_expected_rows(), 2))
def test_corpus_hop_counts(name: str, hops: int) -> None:
    # corpus: EXPECTED.tsv column stated_by_source, hops=N
    chain = build_chain(fields_of((SHARED / "corpus" / name).read_bytes()))
    assert len(chain.hops) == hops
    if chain.boundary is not None:
        assert chain.hops[chain.boundary.hop_number - 1].is_boundary


CORPUS_BOUNDARIES = [
    # (file, boundary receiver, boundary ip)
    pytest.param(
        "eml/exchange-onprem-2016-to-eop-tenant-srs-forward-to-outlookcom-arc2.eml",
        "DB8EUR05FT020.mail.protection.outlook.com",
        "52.100.156.204",
        id="eop-forwarded-tenant-uses-stamp-not-first-entry",
    ),
    pytest.param(
        "eml/exchange2019-onprem-trendmicro-imsva-to-eop-outlookcom-clock-skew.eml",
        "SG2PEPF000B66CA.mail.protection.outlook.com",
        "193.140.240.11",
        id="eop-after-imsva",
    ),
    pytest.param(
        # antispamcloud is the recipient's inbound filter in front of migadu (migadu confirmed
        # its reverse DNS): the filter's entry is the boundary, Google's older stamp is ignored
        "eml/mailgun-spoof-arc-reject-spf-softfail-dkim-fail-invalid-date.eml",
        "mx303.antispamcloud.com",
        "159.135.140.82",
        id="older-google-stamp-ignored",
    ),
    pytest.param(
        "eml/ibm-proofpoint-15-hops-2017.eml", "smtp.didi.net", "148.163.158.5", id="qmail-top"
    ),
    pytest.param(
        "eml/gmail-to-gmail-all-pass.eml", "mx.google.com", "209.85.220.41", id="gmail-to-gmail"
    ),
    pytest.param(
        "headers/outlookcom-to-gmail-ipv6-arc-dkim-temperror-reordered-unfolded.txt",
        "mx.google.com",
        "2a01:111:f403:2805::800",
        id="ipv6-client",
    ),
    pytest.param(
        "eml/sourceforge-list-smtpsvc-date-1899.eml", "mail.lfdr.de", "216.105.38.7", id="list"
    ),
]


@needs_shared
@pytest.mark.parametrize(("name", "receiver", "ip"), CORPUS_BOUNDARIES)
def test_corpus_boundaries(name: str, receiver: str, ip: str) -> None:
    chain = build_chain(fields_of((SHARED / "corpus" / name).read_bytes()))
    assert chain.boundary is not None
    assert (chain.boundary.receiver, chain.boundary.ip) == (receiver, ip)


def test_boundary_null_sender_from_return_path() -> None:
    # EOP stamps only the MAIL FROM domain (or nothing); Return-Path <> is the null sender.
    chain = build_chain(
        fields_from_text(
            "Received: from x.prod.outlook.com (2603:10b6:4:ad::15) by y.prod.outlook.com with "
            "HTTPS; Mon, 30 Jun 2025 15:10:46 +0000",
            "Authentication-Results: spf=none (sender IP is 137.131.50.177) "
            "smtp.helo=deseruntcujfy.knowledgenexus.pro; dkim=none",
            "Return-Path: <>",
            "Received: from deseruntcujfy.knowledgenexus.pro (137.131.50.177) by "
            "DS1PEPF0001709C.mail.protection.outlook.com (10.167.18.106) with Microsoft SMTP "
            "Server id 15.20.8901.15 via Frontend Transport; Mon, 30 Jun 2025 15:10:43 +0000",
        )
    )
    # corpus-derived: eml/eop-inbound-scl9-null-sender-unqualified-from-spf-none.eml
    b = chain.boundary
    assert b is not None
    assert b.ip == "137.131.50.177"
    assert b.mail_from == ""
    assert b.hop_number == 1


def test_all_internal_chain_has_no_boundary() -> None:
    chain = build_chain(
        fields_from_text(
            "Received: from b.corp.example (10.0.0.2) by c.corp.example; 1 Jan 2024 10:00:01 +0000",
            "Received: from a.corp.example (10.0.0.1) by b.corp.example; 1 Jan 2024 10:00:00 +0000",
        )
    )
    assert chain.boundary is None
    assert not any(h.is_boundary for h in chain.hops)
    assert "chain.no-boundary" in {d.code for d in chain.defects}


def test_injected_registrable_domain_lookup() -> None:
    # A Public Suffix List lookup from a higher layer replaces the built-in heuristic.
    headers = fields_from_text(
        "Received: from relay.corp-b.example (relay.corp-b.example [198.51.100.5]) by "
        "mx.corp-a.example (Postfix) with ESMTP id 1; Tue, 10 Nov 2026 10:00:05 +0000",
    )
    default = build_chain(headers)
    assert default.boundary is not None
    assert default.boundary.hop_number == 1
    merged = build_chain(headers, registrable_domain_of=lambda host: "same-org")
    assert merged.boundary is None


def test_planted_received_spf_below_the_previous_hop_is_not_used() -> None:
    # review finding (RFC 8601 §5): a Received-SPF the sender wrote under its own hops names the
    # entry hop's client and a MAIL FROM of its choosing; it must not override Return-Path.
    # The genuine one, just above the receiver's Received line, still counts.
    from headerlens.analyze import analyze

    receiver = (
        b"Received: from out.sender.example (out.sender.example [203.0.113.9]) by mx.example.com"
        b" with ESMTPS id a1; Tue, 10 Nov 2026 09:14:09 -0800\r\n"
    )
    sender_hop = (
        b"Received: from pc.sender.example ([10.0.0.5]) by out.sender.example with ESMTP id b2;"
        b" Tue, 10 Nov 2026 09:14:08 -0800\r\n"
    )
    planted = (
        b"Received-SPF: pass (mx.example.com: domain of ceo@bank.example designates 203.0.113.9"
        b" as permitted sender) client-ip=203.0.113.9; envelope-from=ceo@bank.example;\r\n"
    )
    genuine = planted.replace(b"ceo@bank.example", b"bounce@sender.example")
    rest = b"Return-Path: <bounce@sender.example>\r\nFrom: a@sender.example\r\nSubject: x\r\n\r\nhi\r\n"

    forged = analyze(receiver + sender_hop + planted + rest)
    assert forged.chain.boundary is not None and forged.chain.boundary.hop_number == 2
    assert forged.chain.boundary.mail_from == "bounce@sender.example"
    assert "chain.stamp-below-hop" in {d.code for d in forged.chain.defects}

    # Exim's add_header appends the receiver's own stamp at the bottom: it still finds the
    # entry hop, and agreeing with Return-Path it raises nothing
    exim = analyze(receiver + sender_hop + genuine + rest)
    assert exim.chain.boundary is not None and exim.chain.boundary.hop_number == 2
    assert exim.chain.boundary.mail_from == "bounce@sender.example"
    assert "chain.stamp-below-hop" not in {d.code for d in exim.chain.defects}

    honest = analyze(genuine + receiver + sender_hop + rest)
    assert honest.chain.boundary is not None
    assert honest.chain.boundary.mail_from == "bounce@sender.example"
    assert "The receiver's Received-SPF field" in honest.chain.boundary.reason
    assert "chain.stamp-below-hop" not in {d.code for d in honest.chain.defects}
