"""Attacker-written evidence never moves the trust boundary (issue 11, RFC 8601 §5).

A spoof of contoso.com (lab zone: SPF include:spf.protection.outlook.com -all, DMARC p=reject)
arrives from 203.0.113.66. Below the receiver's Received line the sender forged a hop from an
Exchange Online outbound IP that contoso.com's SPF authorises (40.107.22.33) and planted a
Received-SPF and an Authentication-Results saying pass for it. The receiver is Postfix, Exim,
Exchange on-premises, Exchange Online (with a HELO that looks like Microsoft's own servers) or
Gmail, and its own stamp, when it wrote one, is in Gmail, Microsoft 365, rspamd or OpenDMARC
phrasing. Whatever the combination, the boundary is the hop from 203.0.113.66, the planted stamps
are not the receiver's word, and SPF and DMARC re-verified over the lab DNS never pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from headerlens.analyze import analyze
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import run_blocking, verify
from headerlens.model import Analysis, Author
from headerlens.model.spf import SpfVerdict
from headerlens.model.verdicts import DmarcResult
from headerlens.model.verification import Verification
from headerlens.stamped import final_receiver_results, stamped
from tests.dnslab import LabDns

ATTACKER = "203.0.113.66"
FORGED_IP = "40.107.22.33"  # inside spf.protection.outlook.com, which contoso.com includes
DATE = "Tue, 10 Nov 2026 09:14:09 +0000"

FORGED_HOP = (
    "Received: from mail-db8eur05on2033.outbound.protection.outlook.com "
    f"(mail-db8eur05on2033.outbound.protection.outlook.com [{FORGED_IP}]) by {{by}} "
    f"(Postfix) with ESMTPS id 4QxyZ0; {DATE}\r\n"
)
PLANTED_RSPF = (
    "Received-SPF: pass ({id}: domain of bounce@contoso.com designates "
    f"{FORGED_IP} as permitted sender) client-ip={FORGED_IP}; envelope-from=bounce@contoso.com; "
    "helo=mail-db8eur05on2033.outbound.protection.outlook.com;\r\n"
)
PLANTED_AR = (
    "Authentication-Results: {id}; spf=pass (sender IP is "
    f"{FORGED_IP}) smtp.mailfrom=contoso.com; dkim=none; dmarc=pass action=none "
    "header.from=contoso.com\r\n"
)
SENDER_HEADER = (
    "Return-Path: <bounce@contoso.com>\r\n"
    "From: Contoso CEO <ceo@contoso.com>\r\n"
    "To: ap@fabrikam.com\r\n"
    "Subject: Urgent wire transfer\r\n"
    f"Date: {DATE}\r\n"
    "Message-ID: <spoof-1@contoso.com>\r\n"
    "\r\n"
    "Please pay the attached invoice today.\r\n"
)


@dataclass(frozen=True)
class Receiver:
    """The receiving side: its Received lines (newest first), the host its stamps name, and
    where its stamps go (above its entry line, or directly below it)."""

    lines: tuple[str, ...]
    ident: str
    below: bool = False


POSTFIX = Receiver(
    (
        f"Received: from mail.fabrikam.com (unknown [{ATTACKER}]) by mx.fabrikam.com (Postfix) "
        f"with ESMTP id 4QxyZ1 for <ap@fabrikam.com>; {DATE}\r\n",
    ),
    "mx.fabrikam.com",
    below=True,
)
EXIM = Receiver(
    (
        f"Received: from [{ATTACKER}] (helo=mail.fabrikam.com) by mx.fabrikam.com with esmtp "
        "(Exim 4.96) (envelope-from <bounce@contoso.com>) id 1qAbCd-000123-Xy for "
        f"ap@fabrikam.com; {DATE}\r\n",
    ),
    "mx.fabrikam.com",
)
EXCHANGE = Receiver(
    (
        "Received: from EXCH01.fabrikam.com (10.1.0.5) by EXCH02.fabrikam.com (10.1.0.6) with "
        f"Microsoft SMTP Server (version=TLS1_2, cipher=TLS_AES) id 15.2.1118.7; {DATE}\r\n",
        f"Received: from mail.fabrikam.com ({ATTACKER}) by EXCH01.fabrikam.com (10.1.0.5) with "
        "Microsoft SMTP Server (version=TLS1_2, cipher=TLS_AES) id 15.2.1118.7 via Frontend "
        f"Transport; {DATE}\r\n",
    ),
    "EXCH01.fabrikam.com",
)
SENDMAIL = Receiver(
    (
        # the attacker's PTR claims the recipient's domain; Sendmail could not confirm it
        f"Received: from mail.fabrikam.com (mail.fabrikam.com [{ATTACKER}] (may be forged)) by "
        f"mx.fabrikam.com (8.17.1/8.17.1) with ESMTP id 5AAJ0c1; {DATE}\r\n",
    ),
    "mx.fabrikam.com",
)
GENERIC = Receiver(
    (
        # a receiver that does not say whether it checked the reverse name
        f"Received: from mail.fabrikam.com (mail.fabrikam.com [{ATTACKER}]) by mx.fabrikam.com "
        f"with ESMTP id 5AAJ0c2; {DATE}\r\n",
    ),
    "mx.fabrikam.com",
)
POSTFIX_LITERAL_HELO = Receiver(
    (
        # the HELO is an address literal of the forged hop
        f"Received: from [{FORGED_IP}] (unknown [{ATTACKER}]) by mx.fabrikam.com (Postfix) with "
        f"ESMTP id 4QxyZ9 for <ap@fabrikam.com>; {DATE}\r\n",
    ),
    "mx.fabrikam.com",
)
EXCHANGE_IP_HELO = Receiver(
    (
        f"Received: from {FORGED_IP} ({ATTACKER}) by EXCH01.fabrikam.com (10.1.0.5) with "
        f"Microsoft SMTP Server id 15.2.1118.7 via Frontend Transport; {DATE}\r\n",
    ),
    "EXCH01.fabrikam.com",
)
EOP = Receiver(
    (
        "Received: from BN0PR04CA0085.namprd04.prod.outlook.com (2603:10b6:408:ea::30) by "
        "PH0PR19MB7494.namprd19.prod.outlook.com (2603:10b6:510:28d::20) with Microsoft SMTP "
        f"Server (version=TLS1_2, cipher=TLS_AES) id 15.20.7452.28; {DATE}\r\n",
        "Received: from BN8NAM04FT006.eop-NAM04.prod.protection.outlook.com "
        "(2603:10b6:408:ea:cafe::f2) by BN0PR04CA0085.outlook.office365.com "
        "(2603:10b6:408:ea::30) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_AES) id "
        f"15.20.7452.28 via Frontend Transport; {DATE}\r\n",
        # the client claims to be one of Microsoft's own servers
        f"Received: from AM6PR01MB1234.eurprd01.prod.outlook.com ({ATTACKER}) by "
        "BN8NAM04FT006.mail.protection.outlook.com (10.13.160.240) with Microsoft SMTP Server "
        f"id 15.20.7452.28 via Frontend Transport; {DATE}\r\n",
    ),
    "",  # Microsoft writes no authserv-id
)
GMAIL = Receiver(
    (
        f"Received: by 2002:a05:6402:1234:b0:5c1:aaaa:bbbb with SMTP id x1csp123; {DATE}\r\n",
        # the client claims a Google outbound name
        f"Received: from mail-wm1-f52.google.com (unknown [{ATTACKER}]) by mx.google.com with "
        f"ESMTPS id abc123 for <ap@fabrikam.com>; {DATE}\r\n",
    ),
    "mx.google.com",
    below=True,
)

# The receiver's own verdict on the spoof, in each product's phrasing.
STAMPS = {
    "none": "",
    "gmail": (
        "Received-SPF: fail (google.com: domain of bounce@contoso.com does not designate "
        f"{ATTACKER} as permitted sender) client-ip={ATTACKER};\r\n"
        "Authentication-Results: mx.google.com; spf=fail (google.com: domain of "
        f"bounce@contoso.com does not designate {ATTACKER} as permitted sender) "
        "smtp.mailfrom=bounce@contoso.com; dmarc=fail (p=REJECT sp=REJECT dis=REJECT) "
        "header.from=contoso.com\r\n"
    ),
    "m365": (
        f"Authentication-Results: spf=fail (sender IP is {ATTACKER}) smtp.mailfrom=contoso.com; "
        "dkim=none (message not signed) header.d=none;dmarc=fail action=oreject "
        "header.from=contoso.com;compauth=fail reason=000\r\n"
        "Received-SPF: Fail (protection.outlook.com: domain of contoso.com does not designate "
        f"{ATTACKER} as permitted sender) receiver=protection.outlook.com; client-ip={ATTACKER};\r\n"
    ),
    "rspamd": (
        'Authentication-Results: {id}; dkim=none; dmarc=fail reason="SPF not aligned '
        '(relaxed), No valid DKIM" header.from=contoso.com (policy=reject); spf=fail ({id}: '
        f"domain of bounce@contoso.com does not designate {ATTACKER} as permitted sender) "
        "smtp.mailfrom=bounce@contoso.com\r\n"
    ),
    "pyspf": (
        "Authentication-Results: {id}; spf=fail ({id}: "
        f"{ATTACKER} is not authorized to use 'bounce@contoso.com' in 'mfrom' identity "
        "(mechanism '-all' matched)) smtp.mailfrom=bounce@contoso.com\r\n"
    ),
    "opendmarc": (
        "Authentication-Results: {id}; dmarc=fail (p=reject dis=none) header.from=contoso.com\r\n"
        "Authentication-Results: {id}; spf=fail smtp.mailfrom=contoso.com\r\n"
    ),
}

CASES = [
    ("postfix-helo-in-recipient-domain", POSTFIX, "none"),
    ("postfix-rspamd", POSTFIX, "rspamd"),
    ("postfix-opendmarc", POSTFIX, "opendmarc"),
    ("postfix-pyspf", POSTFIX, "pyspf"),
    ("exim-helo-in-recipient-domain", EXIM, "none"),
    ("exim-opendmarc", EXIM, "opendmarc"),
    ("exchange-onprem-helo-in-recipient-domain", EXCHANGE, "none"),
    ("exchange-onprem-m365-phrasing", EXCHANGE, "m365"),
    ("sendmail-unconfirmed-rdns-in-recipient-domain", SENDMAIL, "none"),
    ("generic-mta-rdns-in-recipient-domain", GENERIC, "opendmarc"),
    ("postfix-helo-is-the-forged-ip", POSTFIX_LITERAL_HELO, "none"),
    ("exchange-helo-is-the-forged-ip", EXCHANGE_IP_HELO, "none"),
    ("eop-provider-looking-helo", EOP, "none"),
    ("eop-provider-looking-helo-m365", EOP, "m365"),
    ("gmail-provider-looking-helo", GMAIL, "none"),
    ("gmail-stamps", GMAIL, "gmail"),
]


def spoof(receiver: Receiver, stamp: str) -> bytes:
    """The spoof as the receiver saw it, with its stamp where that product writes it."""
    own = STAMPS[stamp].replace("{id}", receiver.ident or "mx.fabrikam.com")
    planted_id = receiver.ident or "mx.fabrikam.com"
    planted = PLANTED_RSPF.format(id=planted_id)
    planted += (
        PLANTED_AR.format(id=planted_id) if receiver.ident else PLANTED_AR.replace("{id}; ", "")
    )
    *inside, entry = receiver.lines
    forged = FORGED_HOP.format(by=receiver.ident or "mail.fabrikam.com")
    head = "".join(inside) + (entry + own if receiver.below else own + entry)
    return (head + planted + forged + SENDER_HEADER).encode()


@pytest.mark.parametrize(("receiver", "stamp"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_boundary_is_the_attackers_hop(receiver: Receiver, stamp: str) -> None:
    a = analyze(spoof(receiver, stamp))
    b = a.chain.boundary
    assert b is not None
    assert b.ip == ATTACKER, b.reason
    assert b.mail_from == "bounce@contoso.com"
    entry = next(h for h in a.chain.hops if h.number == b.hop_number)
    assert entry.received.from_ip == ATTACKER
    assert entry.number == len(a.chain.hops) - len(receiver.lines) + 1


@pytest.mark.parametrize(("receiver", "stamp"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_planted_stamps_are_not_the_receivers(receiver: Receiver, stamp: str) -> None:
    a = analyze(spoof(receiver, stamp))
    finals = final_receiver_results(a)
    assert all(FORGED_IP not in f.raw for f in finals)
    for method in ("spf", "dmarc"):
        assert stamped(a, method) in (None, "fail"), method
    for f in a.headers:
        if FORGED_IP in f.value and f.lname in ("received-spf", "authentication-results"):
            author = a.provenance.of(f.index)
            assert author is not None and author.author is not Author.FINAL_RECEIVER, f.name
    if stamp == "none":
        assert not finals  # the receiver wrote no verdict: say so, never the sender's
    else:
        assert stamped(a, "spf") == "fail" or stamped(a, "dmarc") == "fail"


@pytest.mark.parametrize(
    ("receiver", "stamp"),
    [(GMAIL, "gmail"), (EOP, "m365"), (POSTFIX, "rspamd"), (POSTFIX, "pyspf")],
    ids=["gmail", "m365", "rspamd", "pyspf"],
)
def test_the_receivers_stamp_names_the_client(receiver: Receiver, stamp: str) -> None:
    # Gmail, Microsoft, rspamd ("does not designate IP as permitted sender") and pyspf ("IP is
    # not authorized to use") all name the client: the receiver's own stamp decides the boundary
    a = analyze(spoof(receiver, stamp))
    b = a.chain.boundary
    assert b is not None
    assert b.reason.startswith("The receiver's ")
    assert f"names {ATTACKER} as the connecting client" in b.reason


@pytest.fixture(scope="module")
def reverified(lab_dns: LabDns) -> dict[str, tuple[Analysis, Verification]]:
    out = {}
    for name, receiver, stamp in CASES:
        a = analyze(spoof(receiver, stamp))
        resolver = LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)
        out[name] = (a, run_blocking(verify(a, resolver)))
    return out


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_reverified_spf_and_dmarc_of_the_spoof_never_pass(
    name: str, reverified: dict[str, tuple[Analysis, Verification]]
) -> None:
    _a, v = reverified[name]
    assert v.spf is not None and v.spf.ip == ATTACKER
    assert v.spf.verdict is SpfVerdict.FAIL
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.FAIL
    assert v.dmarc.policy == "reject"


def test_a_second_verdict_under_gmails_block_is_not_gmails() -> None:
    # Gmail writes its Received-SPF and one Authentication-Results under its Received line; a
    # planted "mx.google.com; dmarc=pass" naming no client, right after them, repeats a verdict
    # Gmail already gave, so it came with the message
    planted = (
        "Authentication-Results: mx.google.com; dkim=none; dmarc=pass (p=REJECT) "
        "header.from=contoso.com\r\n"
    )
    raw = spoof(GMAIL, "gmail").replace(
        b"header.from=contoso.com\r\n", b"header.from=contoso.com\r\n" + planted.encode(), 1
    )
    a = analyze(raw)
    fields = [f for f in a.headers if f.lname == "authentication-results"]
    assert fields[1].value.startswith("mx.google.com; dkim=none; dmarc=pass")
    assert a.provenance.is_receivers(fields[0].index)
    assert not a.provenance.is_receivers(fields[1].index)
    finals = final_receiver_results(a)
    assert [f.header_index for f in finals] == [fields[0].index]
    assert stamped(a, "dmarc") == "fail"
