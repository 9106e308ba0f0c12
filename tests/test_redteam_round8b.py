"""Red-team round 8b: a spoof behind a loopback hand-off (issue 11).

A receiver whose top line names a loopback client (a local proxy such as ASSP in front of
Postfix, or a filter on the same host: "from attacker.example (localhost [127.0.0.1]) by
mx.fabrikam.example") recorded nothing about who connected: every line below it may be the
sender's. A forged "from mail.victim.example ([an IP in victim.example's SPF]) by
mx.fabrikam.example" with a planted "Authentication-Results: mx.fabrikam.example; spf=pass;
dkim=pass; dmarc=pass" between the two read "DMARC pass (stamped)": round 7's rule left a
loopback hand-off inside one domain out. With a client-less line between (Postfix's pickup
line, a "with LOCAL" line, SpamAssassin's own line) the boundary also lost its "unconfirmed"
mark, as the walk recorded the loopback hop only above a line naming a public client.

The rule now: wherever the walk passes over a hand-off nothing the receiver wrote confirms
(loopback, private, no address, no client, in any combination), the boundary stays marked
unconfirmed and no pass stamp below the newest such line is the receiver's (failures still
count); SPF replayed there reads "pass (unconfirmed)" and DMARC never passes. Stamps the
receiver wrote above its top line still count.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.model.provenance import Author
from headerlens.report.render import render
from tests.dnslab import LabDns
from tests.redteam_lab import VICTIM_IP, attacker_lab
from tests.test_redteam_round4 import _ar_authors, _verify

_D = "Wed, 15 Mar 2017 13:00:50 +0100"
_TOP = (
    "Received: from attacker.example (localhost [127.0.0.1])\r\n\tby mx.fabrikam.example "
    f"(Postfix) with ESMTP id 99AA11\r\n\tfor <ap@fabrikam.example>; {_D}\r\n"
)
_FORGED = (
    f"Received: from mail.victim.example (unknown [{VICTIM_IP}])\r\n\tby mx.fabrikam.example "
    f"(Postfix) with ESMTP id 830916E566\r\n\tfor <ap@fabrikam.example>; {_D}\r\n"
)
_PASS = (
    "Authentication-Results: mx.fabrikam.example; spf=pass smtp.mailfrom=victim.example; "
    "dkim=pass header.d=victim.example; dmarc=pass header.from=victim.example\r\n"
)
_BODY = (
    'From: "Sales" <offers@victim.example>\r\nTo: ap@fabrikam.example\r\nSubject: offer\r\n'
    f"Date: {_D}\r\nMessage-ID: <offer-1@victim.example>\r\n\r\nPay.\r\n"
)
# the lines an attacker plants between the loopback line and the forged entry
_BETWEEN = {
    "none": "",
    "pickup": f"Received: by mx.fabrikam.example (Postfix, from userid 0)\r\n\tid 1A; {_D}\r\n",
    "local": f"Received: from mx.fabrikam.example by mx.fabrikam.example with LOCAL id 7; {_D}\r\n",
    "spamassassin": (
        "Received: from localhost by mx.fabrikam.example\r\n\twith SpamAssassin (version 3.4.0)"
        f"; {_D}\r\n"
    ),
    "private": (
        "Received: from gw.fabrikam.example (gw.fabrikam.example [10.0.0.7])\r\n\tby "
        f"mx.fabrikam.example (Postfix) with ESMTP id 77BB; {_D}\r\n"
    ),
    "loopback": (
        "Received: from localhost (localhost [127.0.0.1])\r\n\tby mx.fabrikam.example "
        f"(Postfix) with ESMTP id 66CC; {_D}\r\n"
    ),
}


def _attack(between: str, stamp: str = _PASS, high: bool = False) -> bytes:
    """The loopback line, the planted lines, the stamp (directly below the top line when
    ``high``, else directly above the forged entry) and the forged entry."""
    if high:
        return (_TOP + stamp + between + _FORGED + _BODY).encode()
    return (_TOP + between + stamp + _FORGED + _BODY).encode()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabDns]:
    for lab_dns, _key in attacker_lab(tmp_path_factory):
        yield lab_dns


_CASES = [(k, high) for k in _BETWEEN for high in (False, True) if k != "none" or not high]


@pytest.mark.parametrize(("between", "high"), _CASES)
def test_a_pass_planted_below_a_loopback_hand_off_is_no_pass(between: str, high: bool) -> None:
    data = _attack(_BETWEEN[between], high=high)
    a = analyze(data)
    b = a.chain.boundary
    assert b is not None and b.ip == VICTIM_IP
    assert b.unconfirmed is not None and b.unconfirmed_hop == a.chain.hops[-1].number
    assert _ar_authors(data) == [Author.UNKNOWN]
    d = diagnose(a)
    assert "pass" not in d.headline.lower()
    for fmt in ("summary", "text", "md", "html"):
        out = render(a, None, fmt)
        assert "pass (stamped)" not in out and "in order" not in out, fmt
    # its failures still count: a sender gains nothing by planting them
    failed = _attack(_BETWEEN[between], _PASS.replace("dmarc=pass", "dmarc=fail"), high)
    assert "DMARC fail (stamped)" in render(analyze(failed), None, "summary")


@pytest.mark.parametrize("between", ["none", "pickup", "spamassassin"])
def test_a_spoof_behind_a_loopback_hand_off_never_passes_online(between: str, lab: LabDns) -> None:
    data = _attack(_BETWEEN[between])
    v = _verify(data, lab)
    out = render(analyze(data), v, "summary")
    verdicts = out.split("Verdicts:", 1)[1].split("\n", 1)[0]
    assert "DMARC pass" not in out and "in order" not in out
    assert "SPF pass (unconfirmed)" in verdicts or "SPF pass" not in verdicts


# The legitimate shapes the rule keeps.
_AMAVIS = (
    "Received: from localhost (localhost [127.0.0.1])\r\n\tby mx.fabrikam.example (Postfix) "
    f"with ESMTP id 4QxyZ3; {_D}\r\n"
    "Received: from mx.fabrikam.example ([127.0.0.1])\r\n\tby localhost (mx.fabrikam.example "
    f"[127.0.0.1]) (amavisd-new, port 10024) with ESMTP id 8Cq1; {_D}\r\n"
)
_SHOP = (
    "Received: from out.shop.example (out.shop.example [192.0.2.17])\r\n\tby "
    f"mx.fabrikam.example (Postfix) with ESMTPS id 4QxyZ1; {_D}\r\n"
)
_SHOP_PASS = (
    "Authentication-Results: mx.fabrikam.example; spf=pass smtp.mailfrom=shop.example; "
    "dkim=pass header.d=shop.example; dmarc=pass header.from=shop.example\r\n"
)
_SHOP_BODY = _BODY.replace("offers@victim.example", "news@shop.example")


def test_the_receivers_stamp_above_its_amavis_loop_counts() -> None:
    # Postfix -> amavisd-new (127.0.0.1) -> Postfix, the verdict written above the top line
    data = (_SHOP_PASS + _AMAVIS + _SHOP + _SHOP_BODY).encode()
    a = analyze(data)
    assert a.chain.boundary is not None and a.chain.boundary.ip == "192.0.2.17"
    assert a.chain.boundary.unconfirmed is not None
    assert _ar_authors(data) == [Author.FINAL_RECEIVER]
    assert "DMARC pass (stamped)" in render(a, None, "summary")


def test_an_lmtp_delivery_from_a_routable_address_inside_one_domain_keeps_the_stamps_below() -> (
    None
):
    # Migadu's shape: the MX hands on over LMTP between its own hosts on public addresses, its
    # stamps directly below its own line
    lmtp = (
        "Received: from aspmx1.fabrikam.example ([2001:db8:303::1])\r\n\tby "
        f"mp2.fabrikam.example with LMTPS id 2H9S; {_D}\r\n"
    )
    data = (lmtp + _SHOP_PASS + _SHOP.replace("mx.", "aspmx1.") + _SHOP_BODY).encode()
    a = analyze(data)
    assert a.chain.boundary is not None and a.chain.boundary.ip == "192.0.2.17"
    assert _ar_authors(data) == [Author.FINAL_RECEIVER]


# A filter's clean or Inbox verdict planted below the loopback hand-off: no Inbox (a spam
# verdict counts). SpamAssassin's "No" files nothing and is left as it is (the amavisd-new loop
# writes it there: real2's Zimbra sextortion).
_CLEAN = {
    "rspamd": "X-Rspamd-Action: no action\r\nX-Rspamd-Queue-Id: 830916E566\r\n",
    "vade": "X-Vade-Spamstate: clean\r\n",
    "scl": "X-MS-Exchange-Organization-SCL: -1\r\n",
    "gmail": "X-Gmail-Labels: Inbox,Important\r\n",
}


@pytest.mark.parametrize("between", ["none", "pickup"])
@pytest.mark.parametrize("clean", _CLEAN.values(), ids=_CLEAN.keys())
def test_a_not_spam_planted_below_a_loopback_hand_off_is_no_inbox(clean: str, between: str) -> None:
    a = analyze(_attack(_BETWEEN[between], clean))
    verdicts = {
        a.provenance.fields[f.index].author
        for f in a.headers
        if f.lname.startswith(("x-rspamd", "x-gmail", "x-vade", "x-ms-exchange"))
        and "queue-id" not in f.lname
    }
    assert verdicts == {Author.UNKNOWN}
    out = render(a, None, "summary")
    assert "Inbox" not in out and diagnose(a).outcome.outcome.name == "UNKNOWN"
    junk = _attack(_BETWEEN[between], "X-Rspamd-Action: add header\r\n")
    assert diagnose(analyze(junk)).outcome.outcome.name == "JUNK"


@pytest.mark.parametrize("address", ["IPv6:::1", "IPv6:::ffff:127.0.0.1", "127.0.1.1"])
def test_every_loopback_address_is_a_loopback_hand_off(address: str) -> None:
    top = _TOP.replace("[127.0.0.1]", f"[{address}]")
    data = (top + _PASS + _FORGED + _BODY).encode()
    assert _ar_authors(data) == [Author.UNKNOWN]
    assert "pass (stamped)" not in render(analyze(data), None, "summary")
