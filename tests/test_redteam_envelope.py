"""A spoof of contoso.com delivered by Exchange Online, with an SRS Return-Path in the sender's
own header.

Exchange Online writes the Return-Path of the envelope it accepted after the header it received
(after X-IncomingHeaderCount), so a Return-Path the sender puts in its header comes first. The
first one was taken as the envelope: a spoof Microsoft itself stamped dmarc=fail action=oreject
was headlined "A forwarded message (fix at the forwarder, not the author's domain)" and shown
with the attacker's Return-Path. The Return-Path that counts is the one the receiver wrote.
"""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.model import Author

A = "203.0.113.66"
D = "Tue, 10 Nov 2026 09:14:09 +0000"
EOP = (
    "Received: from BN0PR04CA0085.namprd04.prod.outlook.com (2603:10b6:408:ea::30) by "
    "PH0PR19MB7494.namprd19.prod.outlook.com (2603:10b6:510:28d::20) with Microsoft SMTP "
    f"Server (version=TLS1_2, cipher=TLS_AES) id 15.20.7452.28; {D}\r\n"
    "Received: from BN8NAM04FT006.eop-NAM04.prod.protection.outlook.com "
    "(2603:10b6:408:ea:cafe::f2) by BN0PR04CA0085.outlook.office365.com (2603:10b6:408:ea::30) "
    "with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_AES) id 15.20.7452.28 via Frontend "
    f"Transport; {D}\r\n"
    f"Authentication-Results: spf=fail (sender IP is {A}) smtp.mailfrom=contoso.com; dkim=none "
    "(message not signed) header.d=none;dmarc=fail action=oreject header.from=contoso.com;"
    "compauth=fail reason=000\r\n"
    "Received-SPF: Fail (protection.outlook.com: domain of contoso.com does not designate "
    f"{A} as permitted sender) receiver=protection.outlook.com; client-ip={A}; "
    "helo=mail.attacker.example;\r\n"
    f"Received: from mail.attacker.example ({A}) by BN8NAM04FT006.mail.protection.outlook.com "
    "(10.13.160.240) with Microsoft SMTP Server id 15.20.7452.28 via Frontend Transport; "
    f"{D}\r\n"
    "X-IncomingTopHeaderMarker: OriginalChecksum:AB;UpperCasedChecksum:CD;SizeAsReceived:700;"
    "Count:7\r\n"
)
SENDER = (
    "{planted}"
    "From: Contoso CEO <ceo@contoso.com>\r\nTo: ap@fabrikam.com\r\nSubject: Urgent\r\n"
    f"Date: {D}\r\nMessage-ID: <s1@contoso.com>\r\n"
)
APPENDED = (
    "X-IncomingHeaderCount: 7\r\n"
    "Return-Path: bounce@contoso.com\r\n"
    "X-MS-Exchange-Organization-Network-Message-Id: c2205673-ee1b-40c3-289d-08dac7fc3487\r\n"
    "X-EOPAttributedMessage: 0\r\n"
    "X-MS-Exchange-Organization-MessageDirectionality: Incoming\r\n"
    "X-MS-Exchange-Organization-AuthSource: BN8NAM04FT006.eop-NAM04.prod.protection.outlook.com\r\n"
    "X-MS-Exchange-Organization-AuthAs: Anonymous\r\n"
    "X-MS-Exchange-Organization-SCL: 9\r\n"
    "\r\nPay.\r\n"
)
PLANTED = {
    "srs-forward": "Return-Path: <SRS0=ab12=XY=contoso.com=ceo@fwd.attacker.example>\r\n",
    "null-sender": "Return-Path: <>\r\n",
    "another-domain": "Return-Path: <ceo@tailspintoys.com>\r\n",
}


@pytest.mark.parametrize("planted", PLANTED.values(), ids=PLANTED.keys())
def test_the_return_path_exchange_online_wrote_is_the_envelope(planted: str) -> None:
    a = analyze((EOP + SENDER.format(planted=planted) + APPENDED).encode())
    assert a.return_path is not None and a.return_path.address == "bounce@contoso.com"
    paths = [f for f in a.headers if f.lname == "return-path"]
    authors = [a.provenance.of(f.index) for f in paths]
    assert [x.author if x else None for x in authors] == [Author.SENDER, Author.FINAL_RECEIVER]
    d = diagnose(a)
    assert d.headline.startswith("A spoof of contoso.com"), d.headline
    assert "forward-srs" not in d.labels()


def test_a_single_return_path_is_read_as_before() -> None:
    a = analyze((EOP + SENDER.format(planted="") + APPENDED).encode())
    assert a.return_path is not None and a.return_path.address == "bounce@contoso.com"
    raw = "Return-Path: <x@example.org>\r\nFrom: a@example.org\r\nSubject: s\r\n\r\nx\r\n"
    a = analyze(raw.encode())
    assert a.return_path is not None and a.return_path.address == "x@example.org"
