"""Lists and forwards that were not recognised (issue 11, round 8), each with a synthetic message of
a real shape (names and addresses changed to documentation ones), and the planted-field attacks
beside each loosening."""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.detect_relay import list_identifier
from headerlens.diagnosis.wording import fix, title
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import run_blocking, verify
from headerlens.model.verdicts import DmarcResult
from tests import test_attacker_evidence_2 as t2
from tests.dnslab import LabDns

# --- 1. Old list managers that write no List-* field ---------------------------------------------
# The 1996-2002 shape (oss.sgi.com's and kvack.org's Majordomo, LISTSERV at universities): the
# list is named only by its administrative address as Sender / envelope, Precedence: bulk, and
# the list server's own expansion line; the post was addressed to the list.

MAJORDOMO = """\
Return-Path: <owner-dev@lists.example.net>
Received: from lists.example.net (lists.example.net [198.51.100.20])
\tby mx.example.org (8.7.5/8.7.3) with ESMTP id KAA01234
\tfor <alice@example.org>; Tue, 12 Mar 1996 10:17:40 -0800
Received: (from majordomo@localhost)
\tby lists.example.net (8.7.5/8.7.3) id KAA04922
\tfor dev-outgoing; Tue, 12 Mar 1996 10:17:20 -0800
Received: from author.example.com (author.example.com [203.0.113.5])
\tby lists.example.net (8.7.5/8.7.3) with SMTP id KAA24186
\tfor <dev@lists.example.net>; Tue, 12 Mar 1996 10:17:17 -0800
Message-ID: <199603121817.KAA1@author.example.com>
From: Bob Writer <bob@example.com>
To: dev@lists.example.net
Cc: carol@example.com
Subject: Re: kernel patches
Date: Tue, 12 Mar 1996 10:17:00 -0800
Sender: owner-dev@lists.example.net
Precedence: bulk

body
"""

LISTSERV = """\
Received: from listserv.example.edu (listserv.example.edu [198.51.100.30])
\tby mx.example.org (8.8.5/8.8.5) with ESMTP id KAA01234
\tfor <alice@example.org>; Thu, 12 Mar 1998 10:17:40 -0800
Received: from LISTSERV.EXAMPLE.EDU by LISTSERV.EXAMPLE.EDU (LISTSERV-TCP/IP
          release 1.8c) with spool id 123456 for STATS-L@LISTSERV.EXAMPLE.EDU;
          Thu, 12 Mar 1998 13:17:20 -0500
Received: from author.example.com (author.example.com [203.0.113.5])
\tby listserv.example.edu (8.8.5/8.8.5) with SMTP id KAA24186
\tfor <STATS-L@LISTSERV.EXAMPLE.EDU>; Thu, 12 Mar 1998 13:17:17 -0500
Message-ID: <199803121817.KAA1@author.example.com>
Date: Thu, 12 Mar 1998 13:17:00 -0500
Reply-To: Bob Writer <bob@example.com>
Sender: Statistics discussion list <STATS-L@LISTSERV.EXAMPLE.EDU>
From: Bob Writer <bob@example.com>
Subject: regression question
To: STATS-L@LISTSERV.EXAMPLE.EDU

body
"""


@pytest.mark.parametrize(
    ("raw", "address"),
    [(MAJORDOMO, "dev@lists.example.net"), (LISTSERV, "stats-l@listserv.example.edu")],
    ids=["majordomo", "listserv"],
)
def test_an_old_list_manager_without_list_fields_is_a_mailing_list(raw: str, address: str) -> None:
    d = diagnose(analyze(raw.encode()))
    lst = d.get("mailing-list")
    assert lst is not None, d.labels()
    assert lst.fact("list") == address
    assert any(address in e for e in lst.evidence)
    assert "spoof" not in d.labels() and "compromised-account" not in d.labels()
    assert lst.hop_number == 1  # the list's own host took the post
    assert "list" in d.headline.lower()


def test_a_list_known_by_its_posting_address_splits_at_the_at_sign() -> None:
    assert list_identifier("dev@lists.example.net") == ("dev", "lists.example.net")


def test_the_majordomo_list_tied_by_the_receiver_reads_as_the_lists_delivery() -> None:
    # the receiver confirmed the list host's reverse DNS and wrote owner-dev@ as the envelope
    d = diagnose(analyze(MAJORDOMO.encode()))
    lst = d.get("mailing-list")
    assert lst is not None
    assert (lst.fact("delivered") or "").startswith("lists.example.net")
    assert lst.fact("envelope") == "owner-dev@lists.example.net"
    assert "example.com's" not in fix(lst)  # nothing for the author's domain to fix


@pytest.mark.parametrize(
    "raw",
    [
        # a person sending on behalf of someone: Sender is not a list's address, no list sign
        MAJORDOMO.replace("Sender: owner-dev@", "Sender: secretary@")
        .replace("Return-Path: <owner-dev@", "Return-Path: <secretary@")
        .replace("Precedence: bulk\n", "")
        .replace("for dev-outgoing", "for bob"),
        # the owner address of one list, the post addressed to another
        MAJORDOMO.replace("To: dev@", "To: ops@").replace("for dev-outgoing", "for bob"),
        # the administrative address, but nothing shows a list server handled it
        MAJORDOMO.replace("Precedence: bulk\n", "")
        .replace("Received: (from majordomo@localhost)", "Received: (from root@localhost)")
        .replace("for dev-outgoing", "for bob"),
    ],
    ids=["on-behalf", "other-list", "no-list-sign"],
)
def test_an_administrative_address_alone_is_no_list(raw: str) -> None:
    assert "mailing-list" not in diagnose(analyze(raw.encode())).labels()


# Attack: a spoof of contoso.com (p=reject) dressed as a Majordomo re-send, on the attacker's
# own domain or on contoso.com's: the planted Sender / Precedence explain no DMARC failure.
@pytest.mark.parametrize("domain", ["attacker.example", "contoso.com"])
def test_planted_majordomo_fields_do_not_hide_an_enforced_dmarc_fail(
    domain: str, lab_dns: LabDns
) -> None:
    raw = t2.RX + t2._with(
        f"Sender: owner-finance@{domain}\r\nPrecedence: bulk\r\nCc: finance@{domain}"
    )
    a = analyze(raw.encode())
    before = diagnose(a)
    assert "mailing-list" in before.labels()  # what the message says
    v = run_blocking(verify(a, LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)))
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.FAIL
    d = diagnose(a, v)
    assert "spoof" in d.labels()
    assert d.headline.startswith("A spoof of contoso.com")


# --- 2. The list's own intake verdict, for a list tied only by its own domain ---------------------
# measure8: "may also be a spoof" printed beside the list intake's own dkim=pass for the From
# domain. A list on its own domain (no known list operator) whose own server handed the message
# over: what its intake (Authentication-Results as a host of the list's organisation, between its
# inbound line and the receiver's) recorded for the author is named as the list's word.

INTAKE = """\
Return-Path: <dev-bounces@lists.{org}>
Received: from lists.{org} (lists.{org} [198.51.100.18])
\tby mx.fabrikam.com (Postfix) with ESMTPS id 4QxyZ9
\tfor <ap@fabrikam.com>; Tue, 10 Nov 2026 09:14:12 +0000 (UTC)
Received: from lists.{org} (localhost [127.0.0.1])
\tby lists.{org} (Postfix) with ESMTP id 77AB2;
\tTue, 10 Nov 2026 09:14:11 +0000 (UTC)
Authentication-Results: lists.{org};
\tdkim=pass (2048-bit key) header.d={author} header.i=@{author} header.b=AbCdEf;
\tdmarc=pass (policy=reject) header.from={author};
\tspf=pass smtp.mailfrom=ceo@{author}
Received: from mail.{author} (mail.{author} [203.0.113.9])
\tby lists.{org} (Postfix) with ESMTPS id 77AB1
\tfor <dev@lists.{org}>; Tue, 10 Nov 2026 09:14:10 +0000 (UTC)
From: Chief <ceo@{author}>
To: dev@lists.{org}
Subject: [dev] release
Date: Tue, 10 Nov 2026 09:14:09 +0000
Message-ID: <r1@{author}>
List-Id: Developers <dev.lists.{org}>
List-Post: <mailto:dev@lists.{org}>
Precedence: list
Sender: dev-bounces@lists.{org}

body
"""


def test_the_list_intakes_own_pass_is_named_instead_of_may_also_be_a_spoof() -> None:
    raw = INTAKE.format(org="tailspintoys.com", author="author.example")
    d = diagnose(analyze(raw.encode()))
    lst = d.get("mailing-list")
    assert lst is not None and lst.fact("own-domain") == "tailspintoys.com"
    assert lst.fact("intake") == (
        "dkim=pass for author.example and dmarc=pass for author.example "
        "(its Authentication-Results as lists.tailspintoys.com)"
    )
    assert "may also be a spoof" not in title(lst)
    assert "the list's own intake recorded dkim=pass for author.example" in title(lst)
    assert "holds as far as tailspintoys.com is trusted" in title(lst)
    assert "spoof" not in d.labels()


def test_an_intake_stamp_of_another_organisation_or_a_failure_is_not_the_lists_word() -> None:
    raw = INTAKE.format(org="tailspintoys.com", author="author.example")
    other = raw.replace(
        "Authentication-Results: lists.tailspintoys.com;",
        "Authentication-Results: mx.author.example;",
    )
    failed = raw.replace("dkim=pass (2048", "dkim=fail (2048").replace("dmarc=pass", "dmarc=fail")
    for changed in (other, failed):
        lst = diagnose(analyze(changed.encode())).get("mailing-list")
        assert lst is not None and lst.fact("intake") is None


# Attack: the attacker runs the list on its own domain and plants its "intake" pass for
# contoso.com (p=reject); re-verified over the lab DNS the spoof is still called.
def test_a_planted_intake_pass_on_the_attackers_own_list_does_not_hide_the_spoof(
    lab_dns: LabDns,
) -> None:
    raw = INTAKE.format(org="attacker.example", author="contoso.com")
    a = analyze(raw.encode())
    offline = diagnose(a).get("mailing-list")
    assert offline is not None and offline.fact("intake") is not None
    assert "as far as attacker.example is trusted" in title(offline)  # the list's word, hedged
    v = run_blocking(verify(a, LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)))
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.FAIL
    d = diagnose(a, v)
    assert "spoof" in d.labels()
    assert d.headline.startswith("A spoof of contoso.com")
