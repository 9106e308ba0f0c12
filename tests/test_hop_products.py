"""Hop roles and products of real chains: gateways, filters, LMTP, lists, Exchange Online."""

from __future__ import annotations

import re
from typing import Any

import pytest

from headerlens.analyze import analyze
from headerlens.model.core import HeaderField
from headerlens.model.received import Hop, HopRole, Vendor
from headerlens.parsers.chain import build_chain
from tests.paths import CORPUS, corpus_messages, need_shared


def fields(*lines: str) -> list[HeaderField]:
    return [
        HeaderField(i, line.split(":", 1)[0], line.split(":", 1)[1].strip(), line.encode())
        for i, line in enumerate(lines)
    ]


def hop_of(line: str, *extra: str) -> Hop:
    """The hop a single Received line makes, with other header fields of the message."""
    return build_chain(fields(*extra, f"Received: {line}")).hops[0]


# Each case: a Received line as the product writes it (from the shared corpus or the issue
# that listed these products), the other headers the message carries, the expected result.
CASES: list[Any] = [
    pytest.param(
        "from uls-op-cesaip02.wdc.com ([10.248.3.37]) by uls-op-cesaep01.wdc.com with "
        "ESMTP/TLS/ECDHE-RSA-AES128-GCM-SHA256; 21 Sep 2022 16:16:02 -0700",
        (),
        Vendor.IRONPORT,
        None,
        id="ironport-tls-protocol",
    ),
    pytest.param(
        "from gateway.pc5.atmailcloud.com (HELO mqr.i-0c7af53d62c273327) ([13.54.26.16]) by "
        "rpt-glb-asav2.external.tpg.com.au with ESMTP; 14 Jan 2024 13:40:48 +1100",
        ("X-IronPort-AV: E=Sophos;i=6.04,294,1695650400",),
        Vendor.IRONPORT,
        None,
        id="ironport-shape-with-its-header",
    ),
    pytest.param(
        "from mx0b-001b2d01.pphosted.com (HELO mx0a-001b2d01.pphosted.com) (148.163.158.5) by "
        "smtp.didi.net with SMTP; 8 Mar 2017 16:46:30 -0000",
        (),
        Vendor.QMAIL,
        None,
        id="qmail-smtpd-shape",
    ),
    pytest.param(
        "(qmail 44553 invoked by uid 0); 5 Aug 2024 00:51:45 -0000",
        (),
        Vendor.QMAIL,
        HopRole.SUBMISSION,
        id="qmail-invoked-by-uid",
    ),
    pytest.param(
        "from unknown (HELO webmail.example.com) (182.74.196.30) by "
        "server-33.tower-702.messagelabs.com with ECDHE-RSA-AES256-GCM-SHA384 encrypted SMTP; "
        "5 Aug 2024 00:51:45 -0000",
        (),
        Vendor.SYMANTEC,
        HopRole.GATEWAY_INBOUND,
        id="symantec-messagelabs",
    ),
    pytest.param(
        "from smtp.vox.co.za ([196.41.6.132]) by fortimail-02.vox.co.za with ESMTPS id "
        "60RKkRFs029920-60RKkRFu029920 (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 "
        "verify=NO); Tue, 27 Jan 2026 22:46:27 +0200",
        (),
        Vendor.FORTIMAIL,
        None,
        id="fortimail",
    ),
    pytest.param(
        "from mail.example.org (mail.example.org [192.0.2.9]) by "
        "mx-01-us-west-2.prod.hydra.sophos.com (Postfix) with ESMTPS id 4ABC; "
        "Tue, 27 Jan 2026 22:46:27 +0000",
        (),
        Vendor.SOPHOS,
        HopRole.GATEWAY_INBOUND,
        id="sophos-email",
    ),
    pytest.param(
        "from ontonmp0gvprl003.one-mail.on.ca ([10.223.131.197]) by ontonmp0gvgw01.one-mail.on.ca "
        "with ESMTP id 3j80fem8dt-1 (version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256 "
        "verify=NOT); Wed, 31 Aug 2022 07:05:33 -0400",
        ("X-Proofpoint-Virus-Version: vendor=baseguard engine=ICAP:2.0.205",),
        Vendor.PROOFPOINT,
        None,
        id="proofpoint-pps-queue-id",
    ),
    pytest.param(
        "from pps.filterd (m0098413.example.net [127.0.0.1]) by mx.example.com (8.17.1.19/8.17.1.19)"
        " with SMTP id 36P4Mx4u012345; Wed, 31 Aug 2022 07:05:33 -0400",
        (),
        Vendor.PROOFPOINT,
        None,
        id="proofpoint-pps-filterd",
    ),
    pytest.param(
        "from isp.numzaan.com ([127.0.0.1]) by localhost (isp.numzaan.com [127.0.0.1]) "
        "(amavisd-new, port 10026) with LMTP id zWJVHUf-s_sr; Tue, 16 May 2023 23:33:50 +0000 (UTC)",
        (),
        Vendor.AMAVIS,
        HopRole.FILTER,
        id="amavisd-new",
    ),
    pytest.param(
        "from mail.lfdr.de by mail.lfdr.de with LMTP id OsSCMRz8U2pcggMAu9opvQ (envelope-from "
        "<list-bounces@example.org>) for <lists@lfdr.de>; Sun, 12 Jul 2026 22:42:04 +0200",
        (),
        Vendor.DOVECOT,
        HopRole.LOCAL,
        id="dovecot-lmtp",
    ),
    pytest.param(
        "from webmail.example.com.br (LHLO webmail.example.com.br) (172.21.29.9) by "
        "webmail.example.com.br with LMTP; Thu, 1 Dec 2022 10:50:49 -0300 (BRT)",
        (),
        Vendor.ZIMBRA,
        HopRole.LOCAL,
        id="zimbra-lmtp",
    ),
    pytest.param(
        "from sea.source.kernel.org (sea.source.kernel.org. [2600:3c0a:e001:78e:0:1991:8:25]) by "
        "gmr-mx.google.com with ESMTPS id 71dfb90a1353d-5bfaa8cf428si243127e0c.6.2026.07.12.13.42.00"
        " for <clang-built-linux@googlegroups.com>; Sun, 12 Jul 2026 13:42:00 -0700 (PDT)",
        ("X-Google-Group-Id: 357212215037",),
        Vendor.GOOGLE_GROUPS,
        HopRole.LIST,
        id="google-groups-inbound",
    ),
    pytest.param(
        "by 2002:a05:6214:768:b0:8fd:ed5a:31cd with SMTP id "
        "6a1803df08f44-8fe624fa0e0ls108143386d6.2.-pod-prod-05-us; Sun, 12 Jul 2026 13:42:00 -0700",
        (),
        Vendor.GOOGLE_GROUPS,
        HopRole.INTERNAL,
        id="google-groups-pod-prod",
    ),
    pytest.param(
        "by 10.217.143.139 with HTTP; Sat, 24 Jan 2015 19:35:19 -0800 (PST)",
        ("X-Gm-Message-State: ALoCoQk",),
        Vendor.GMAIL,
        HopRole.SUBMISSION,
        id="gmail-web-submission",
    ),
    pytest.param(
        "from sironeko-nyaan by neko.example.com with local (Exim 4.86) (envelope-from "
        "<kijitora@example.com>) id 1aXyZ0-0001aB-Cd; Thu, 29 Apr 2016 23:34:45 +0900",
        (),
        Vendor.EXIM,
        HopRole.SUBMISSION,
        id="exim-local-submission",
    ),
    pytest.param(
        "by email-4.example.jp (Postfix, from userid 625) id 4ABC; Thu, 29 Apr 2011 23:34:45 +0900",
        (),
        Vendor.POSTFIX,
        HopRole.SUBMISSION,
        id="postfix-from-userid",
    ),
    pytest.param(
        "from mail.example.com [192.0.2.4] by localhost with POP3 (fetchmail-6.4.37) for "
        "<user@localhost> (single-drop); Thu, 29 Apr 2021 23:34:45 +0200 (CEST)",
        (),
        Vendor.FETCHMAIL,
        HopRole.RETRIEVAL,
        id="fetchmail",
    ),
    pytest.param(
        "from LV8PR12MB9620.namprd12.prod.outlook.com (2603:10b6:408:2a1::19) by "
        "IA0PR12MB8421.namprd12.prod.outlook.com (2603:10b6:208:487::7) with Microsoft SMTP Server "
        "(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.9611.13; "
        "Wed, 18 Feb 2026 00:18:41 +0000",
        (),
        Vendor.EXCHANGE_ONLINE,
        HopRole.HUB,
        id="exchange-online-mailbox-to-mailbox",
    ),
    pytest.param(
        'from rfoutemea1.hes.trendmicro.eu ([52.58.63.51]:56992 "EHLO rfoutemea1.hes.trendmicro.eu"'
        " rhost-flags-OK-OK-OK-OK) by vger.kernel.org with ESMTP id S1727806AbfIKMyw (ORCPT "
        "<rfc822;linux-usb@vger.kernel.org>); Wed, 11 Sep 2019 08:54:52 -0400",
        (),
        Vendor.ZMAILER,
        HopRole.MTA,
        id="zmailer",
    ),
    pytest.param(
        "from User ([61.73.116.66]) by chetta.it with MailEnable ESMTPA; Thu, 2 Mar 2023 "
        "07:50:04 +0100",
        (),
        Vendor.MAILENABLE,
        HopRole.SUBMISSION,
        id="mailenable",
    ),
    pytest.param(
        "from smtp11.ggg.com ([66.202.209.213]:59716) by mx34.test.it with esmtp (envelope-from "
        "<noreply@ggg.com>) id 1dWJDl-00035d-BU for x@test.it; Sat, 15 Jul 2017 12:18:41 +0300",
        (),
        Vendor.EXIM,
        HopRole.MTA,
        id="exim-by-its-message-id",
    ),
]


@pytest.mark.parametrize(("line", "extra", "vendor", "role"), CASES)
def test_product_and_role(
    line: str, extra: tuple[str, ...], vendor: Vendor, role: HopRole | None
) -> None:
    hop = hop_of(line, *extra)
    assert hop.vendor is vendor
    if role is not None:
        assert hop.role is role


def test_vendor_header_alone_names_no_hop() -> None:
    # X-IronPort-AV says an IronPort saw the message, not that every hop is one.
    hop = hop_of(
        "from a.example.org (a.example.org [192.0.2.1]) by mx.example.net (Postfix) with ESMTP "
        "id 4AB; Tue, 10 Nov 2026 10:00:05 +0000",
        "X-IronPort-AV: E=Sophos;i=6.04",
    )
    assert hop.vendor is Vendor.POSTFIX


def test_unknown_named_software_is_shown_not_generic() -> None:
    hop = hop_of(
        "from s198.example.nl (s198.example.nl [192.0.2.154]) by mailfilter02.example.nl (Halon)"
        " with ESMTPSA id a060b686; Fri, 20 Sep 2024 10:52:12 +0200 (CEST)"
    )
    assert hop.vendor is Vendor.GENERIC
    assert hop.vendor_label == "Halon"


def test_tenant_reentering_its_own_eop_is_its_outbound_path() -> None:
    # On-prem Exchange -> the sender's own EOP tenant (connector, DIR:OUT) -> recipient's EOP.
    headers = fields(
        "Received: from DM6PR13CA0030.namprd13.prod.outlook.com (2603:10b6:5:bc::43) by "
        "CP5P284MB2711.BRAP284.PROD.OUTLOOK.COM (2603:10d6:103:a8::13) with Microsoft SMTP Server"
        " id 15.20.8069.17; Wed, 16 Oct 2024 16:34:08 +0000",
        "Received: from DX1P273CU004.outbound.protection.outlook.com (52.102.199.3) by "
        "CY4PEPF0000E9DC.mail.protection.outlook.com (10.167.241.77) with Microsoft SMTP Server "
        "id 15.20.8069.17 via Frontend Transport; Wed, 16 Oct 2024 16:34:07 +0000",
        "Received-SPF: Pass (protection.outlook.com: domain of example.ae designates 52.102.199.3 "
        "as permitted sender) receiver=protection.outlook.com; client-ip=52.102.199.3; "
        "helo=DX1P273CU004.outbound.protection.outlook.com; pr=C",
        "Received: from AM9P195CA0021.EURP195.PROD.OUTLOOK.COM (2603:10a6:20b:21f::26) by "
        "AU2P273MB0596.AREP273.PROD.OUTLOOK.COM (2603:10c6:200:13::11) with Microsoft SMTP Server"
        " id 15.20.8069.17; Wed, 16 Oct 2024 16:34:05 +0000",
        "Received: from AMS0EPF000001AC.eurprd05.prod.outlook.com (2603:10a6:20b:21f:cafe::d4) by "
        "AM9P195CA0021.outlook.office365.com (2603:10a6:20b:21f::26) with Microsoft SMTP Server "
        "id 15.20.8069.17 via Frontend Transport; Wed, 16 Oct 2024 16:34:04 +0000",
        "Received: from mail.example.ae (185.66.16.8) by AMS0EPF000001AC.mail.protection.outlook.com"
        " (10.167.16.152) with Microsoft SMTP Server id 15.20.8069.17 via Frontend Transport; "
        "Wed, 16 Oct 2024 16:34:03 +0000",
        "X-MS-Exchange-CrossTenant-FromEntityHeader: HybridOnPrem",
    )
    chain = build_chain(headers)
    roles = [(h.vendor, h.role) for h in chain.hops]
    assert chain.boundary is not None and chain.boundary.hop_number == 4
    assert roles[0] == (Vendor.EOP, HopRole.GATEWAY_OUTBOUND)  # not "gateway inbound"
    assert roles[1] == (Vendor.EOP, HopRole.GATEWAY_OUTBOUND)
    assert roles[2] == (Vendor.EXCHANGE_ONLINE, HopRole.HUB)
    assert roles[3] == (Vendor.EOP, HopRole.GATEWAY_INBOUND)


# Markers that name the software in a Received line; a hop showing one must not stay generic.
_NAMES_SOFTWARE = re.compile(
    r"\((?:Postfix|Exim|Dovecot|amavisd|qmail \d+ invoked|MailEnable|PPS|Sentrion|Halon)\b"
    r"|\bwith (?:MailEnable|Microsoft SMTP|Microsoft SMTPSVC|ESMTP/TLS/)"
    r"|pps\.filterd|messagelabs\.com|iphmx\.com|pphosted\.com|mimecast\.com|sophos\.com"
    r"|fortimail|rhost-flags-|\(LHLO ",
    re.IGNORECASE,
)


def still_generic(hops: tuple[Hop, ...]) -> list[Hop]:
    """Hops labelled 'generic MTA' although their line names the software."""
    return [
        h
        for h in hops
        if h.vendor_label == Vendor.GENERIC.value
        and (h.received.server_software or _NAMES_SOFTWARE.search(h.received.raw))
    ]


def test_no_hop_of_the_corpus_is_generic_where_its_line_names_the_software() -> None:
    # corpus: every message under ../shared/corpus (real2/ included) and ../shared/lab
    need_shared()
    offenders: list[str] = []
    total = 0
    for path in corpus_messages():
        hops = analyze(path.read_bytes(), source_name=path.name).chain.hops
        total += len(hops)
        offenders += [
            f"{path.relative_to(CORPUS.parent)}#{h.number}: {h.received.raw[:120]}"
            for h in still_generic(hops)
        ]
    assert total > 500
    assert offenders == []


def test_real2_names_the_gateways_the_stories_name() -> None:
    # real2/STORIES.tsv: "labelling the IronPort/Mimecast hops 'generic MTA'" is a wrong reading.
    need_shared()
    path = CORPUS / "real2" / "list-mailman2-dm-devel-wdc-ironport-clock-skew-redhat-mimecast.eml"
    hops = analyze(path.read_bytes()).chain.hops
    by_number = {h.number: h for h in hops}
    assert by_number[2].vendor is Vendor.AMAVIS
    assert {by_number[n].vendor for n in (4, 5, 6)} == {Vendor.IRONPORT}
    assert by_number[7].vendor is Vendor.MIMECAST
    # Red Hat's inbound Mimecast, taking the message from WDC's outbound IronPort
    assert by_number[6].role is HopRole.GATEWAY_OUTBOUND
    assert by_number[7].role is HopRole.GATEWAY_INBOUND
    assert (by_number[15].vendor, by_number[15].role) == (Vendor.MIMECAST, HopRole.GATEWAY_OUTBOUND)
