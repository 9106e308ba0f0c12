"""Exchange's bracket around the header it received (X-IncomingTopHeaderMarker ...
X-IncomingHeaderCount): an organisation header inside it came with the message, whatever its
name, behind Exchange Online and behind Exchange Server alike (parsers/provenance)."""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.model import Analysis, Author
from tests.test_provenance import DATE, ORIGINAL, SENDER_HOP

EXO_TOP = (
    "Received: from BN0PR04CA0085.namprd04.prod.outlook.com (2603:10b6:408:ea::30) by "
    "PH0PR19MB7494.namprd19.prod.outlook.com (2603:10b6:510:28d::20) with Microsoft SMTP Server "
    f"id 15.20.7452.28; {DATE}\r\n"
    "Received: from mail.sender.example (198.51.100.20) by "
    "BN0PR04CA0085.mail.protection.outlook.com (10.13.160.240) with Microsoft SMTP Server id "
    f"15.20.7452.28 via Frontend Transport; {DATE}\r\n"
)
ONPREM_TOP = (
    "Received: from EX01.corp.fabrikam.com (10.1.0.11) by EX02.corp.fabrikam.com (10.1.0.12) "
    "with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) "
    f"id 15.1.2507.39; {DATE}\r\n"
    "Received: from mail.sender.example (198.51.100.20) by EX01.corp.fabrikam.com (10.1.0.11) "
    f"with Microsoft SMTP Server id 15.1.2507.39 via Frontend Transport; {DATE}\r\n"
)
FORGED = (
    "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:I;OFR:TrustedSenderList;\r\n"
    "X-MS-Exchange-Organization-SCL: -1\r\n"
)


def _msg(top: str, inside: str, after: str) -> Analysis:
    raw = (
        top
        + "X-IncomingTopHeaderMarker: OriginalChecksum:0;UpperCasedChecksum:0;SizeAsReceived:900;"
        "Count:8\r\n"
        + SENDER_HOP
        + ORIGINAL
        + inside
        + "X-IncomingHeaderCount: 8\r\n"
        + "X-MS-Exchange-Organization-ExpirationStartTime: 10 Nov 2026 09:14:09.0000 (UTC)\r\n"
        + after
        + "\r\nbody\r\n"
    )
    return analyze(raw.encode())


def _authors(a: Analysis, name: str) -> list[Author]:
    found = [a.provenance.of(f.index) for f in a.headers if f.lname == name.lower()]
    return [f.author for f in found if f is not None]


_NAMES = ("X-Microsoft-Antispam-Mailbox-Delivery", "X-MS-Exchange-Organization-SCL")


@pytest.mark.parametrize("top", [EXO_TOP, ONPREM_TOP], ids=["exchange-online", "exchange-server"])
def test_organisation_headers_inside_the_incoming_block_are_not_the_receivers(top: str) -> None:
    a = _msg(top, FORGED, "")
    for name in _NAMES:
        authors = _authors(a, name)
        assert authors and all(x in (Author.SENDER, Author.UNKNOWN) for x in authors), name
    ev = a.provenance.of(
        next(f.index for f in a.headers if f.lname == "x-ms-exchange-organization-scl")
    )
    assert ev is not None and "X-IncomingTopHeaderMarker" in ev.evidence
    # the message's own fields inside the block stay the sender's
    assert _authors(a, "Subject") == [Author.SENDER]


def test_the_same_fields_after_the_block_stay_the_receivers() -> None:
    a = _msg(EXO_TOP, "", FORGED)
    for name in _NAMES:
        assert _authors(a, name) == [Author.FINAL_RECEIVER], name
    # both: the copy inside is not the receiver's, the one appended after the count is
    b = _msg(EXO_TOP, FORGED, FORGED)
    for name in _NAMES:
        inside, after = _authors(b, name)
        assert inside is not Author.FINAL_RECEIVER and after is Author.FINAL_RECEIVER, name


def test_a_count_planted_before_the_real_one_does_not_end_the_block_early() -> None:
    # the sender plants a marker pair inside its own header: the block still runs from the
    # topmost marker to the last count, so its forged fields stay inside
    planted = "X-IncomingHeaderCount: 1\r\n" + FORGED
    a = _msg(EXO_TOP, planted, "")
    for name in _NAMES:
        assert Author.FINAL_RECEIVER not in _authors(a, name), name


def _onprem(middle: str, tail: str) -> Analysis:
    """Exchange Server receiving with no incoming bracket: the sender's header, then what the
    receiver appended after it."""
    raw = (
        ONPREM_TOP
        + SENDER_HOP
        + "From: a@sender.example\r\nTo: b@fabrikam.com\r\n"
        + middle
        + f"Subject: hello\r\nDate: {DATE}\r\nMessage-ID: <1@sender.example>\r\n"
        + "X-MS-Exchange-Organization-AuthSource: EX01.corp.fabrikam.com\r\n"
        + "X-MS-Exchange-Organization-AuthAs: Anonymous\r\n"
        + tail
        + "\r\nbody\r\n"
    )
    return analyze(raw.encode())


def test_a_planted_scl_behind_exchange_server_without_a_bracket_is_not_the_receivers() -> None:
    a = _onprem("X-MS-Exchange-Organization-SCL: -1\r\n", "")
    assert Author.FINAL_RECEIVER not in _authors(a, "X-MS-Exchange-Organization-SCL")
    # what Exchange Server appended after the sender's fields stays its own
    assert _authors(a, "X-MS-Exchange-Organization-AuthSource") == [Author.FINAL_RECEIVER]
    b = _onprem("", "X-MS-Exchange-Organization-SCL: 5\r\n")
    assert _authors(b, "X-MS-Exchange-Organization-SCL") == [Author.FINAL_RECEIVER]
