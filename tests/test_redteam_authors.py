"""A spoof of contoso.com (p=reject) whose From names the attacker's own domain too.

Two From fields, or one From listing two addresses, let a mail client show contoso.com while
DMARC was checked for the attacker's domain only (the first address), which passes: the
re-verified verdict said "pass" and the diagnosis found nothing. RFC 7489 §6.6.1: DMARC
applies to each author domain, the strictest failure decides.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import run_blocking, verify
from headerlens.model.verdicts import DmarcResult
from tests.dnslab import LabDns
from tests.redteam_lab import ATTACKER_IP, attacker_lab

D = "Tue, 10 Nov 2026 09:14:09 +0000"
RX = (
    f"Received: from mail.attacker.example (mail.attacker.example [{ATTACKER_IP}]) by "
    f"mx.fabrikam.com (Postfix) with ESMTP id 4QxyZ1 for <ap@fabrikam.com>; {D}\r\n"
)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabDns]:
    for dns, _key in attacker_lab(tmp_path_factory):
        yield dns


def _message(from_fields: str) -> bytes:
    return (
        RX + "Return-Path: <x@attacker.example>\r\n" + from_fields + "To: ap@fabrikam.com\r\n"
        f"Subject: Urgent\r\nDate: {D}\r\nMessage-ID: <s1@attacker.example>\r\n\r\nPay.\r\n"
    ).encode()


def _verify(raw: bytes, lab: LabDns):  # type: ignore[no-untyped-def]
    a = analyze(raw)
    return a, run_blocking(verify(a, LiveResolver(lab.nameservers, timeout=3.0, deadline=20.0)))


SEVERAL_AUTHORS = {
    "attackers-from-field-first": "From: x@attacker.example\r\nFrom: CEO <ceo@contoso.com>\r\n",
    "lower-case-second-field": "From: x@attacker.example\r\nfrom: ceo@contoso.com\r\n",
    "attackers-address-first": "From: x@attacker.example, CEO <ceo@contoso.com>\r\n",
    "contoso-first": "From: CEO <ceo@contoso.com>\r\nFrom: x@attacker.example\r\n",
    # unfolded "x@attacker.example ceo@contoso.com": the strict parser reads the first
    # address, the legacy one both; a client may show either
    "parsers-disagree": "From: x@attacker.example\r\n ceo@contoso.com\r\n",
}


@pytest.mark.parametrize("fields", SEVERAL_AUTHORS.values(), ids=SEVERAL_AUTHORS.keys())
def test_dmarc_holds_for_every_author_domain(fields: str, lab: LabDns) -> None:
    a, v = _verify(_message(fields), lab)
    assert v.spf is not None and v.spf.verdict.value == "pass"  # the attacker's own domain
    assert v.dmarc is not None
    assert v.dmarc.result is DmarcResult.FAIL
    assert v.dmarc.from_domain == "contoso.com"
    assert "attacker.example: pass" in v.dmarc.explanation
    d = diagnose(a, v)
    assert d.headline.startswith("A spoof of contoso.com"), d.headline
    assert "spoof" in d.labels()


def test_one_author_domain_is_checked_as_before(lab: LabDns) -> None:
    a, v = _verify(_message("From: x@attacker.example, y@attacker.example\r\n"), lab)
    assert a.author_domains == ()
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.PASS
    assert "author domains" not in v.dmarc.explanation
    a = analyze(_message("From: x@attacker.example\r\nFrom: ceo@contoso.com\r\n"))
    assert a.author_domains == ("attacker.example", "contoso.com")
    assert a.from_addr is not None and a.from_addr.domain == "attacker.example"


# A name a client shows next to the address, that looks like the spoofed address: full-width or
# small commercial at (NFKC "@"), or the old "addr (Full Name)" comment form.
SHOWN_NAMES = {
    "full-width-at": "From: ceo\uff20contoso.com <x@attacker.example>\r\n",
    "small-at": 'From: "ceo\ufe6bcontoso.com" <x@attacker.example>\r\n',
    "comment-as-name": "From: x@attacker.example (ceo@contoso.com)\r\n",
    "nested-comment": "From: x@attacker.example (CEO (ceo@contoso.com))\r\n",
}


@pytest.mark.parametrize("fields", SHOWN_NAMES.values(), ids=SHOWN_NAMES.keys())
def test_an_address_in_a_shown_name_is_display_name_spoofing(fields: str) -> None:
    a = analyze(_message(fields))
    spoofing = [d for d in a.defects if d.code.value == "identity.display-name-address"]
    assert spoofing and "x@attacker.example" in spoofing[0].message


def test_a_plain_comment_or_name_is_not_display_name_spoofing() -> None:
    a = analyze(_message("From: Ann (Accounts) <x@attacker.example> (sent by the web form)\r\n"))
    assert not [d for d in a.defects if d.code.value == "identity.display-name-address"]
