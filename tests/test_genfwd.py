"""Lists and forwards that were not recognised (issue 11, round 8), each with a synthetic message of
a real shape (names and addresses changed to documentation ones), and the planted-field attacks
beside each loosening."""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis import Diagnosis, diagnose
from headerlens.diagnosis.detect_relay import list_identifier
from headerlens.diagnosis.facts import Situation
from headerlens.diagnosis.wording import fix, title
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import run_blocking, verify
from headerlens.model import Analysis
from headerlens.model.verdicts import DmarcResult
from tests import test_attacker_evidence_2 as t2
from tests.dnslab import LabDns


def _still_a_spoof_of_contoso(a: Analysis, lab_dns: LabDns) -> None:
    """Re-verified over the lab DNS, the spoof of contoso.com (p=reject) fails DMARC and is
    called a spoof whatever relay its own fields name."""
    v = run_blocking(verify(a, LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)))
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.FAIL
    d = diagnose(a, v)
    assert "spoof" in d.labels()
    assert d.headline.startswith("A spoof of contoso.com")


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
    _still_a_spoof_of_contoso(a, lab_dns)


# A list manager that names its list only in Mailing-List (ezmlm, Yahoo Groups 2002) or
# X-BeenThere: the list is known by that posting address (it read "a list", with no name, no hop
# and no tie to the list's own server).
EZMLM = """\
Return-Path: <dev-return-1234-alice=example.org@lists.example.net>
Received: from lists.example.net (lists.example.net [198.51.100.20])
\tby mx.example.org (Postfix) with SMTP id 4QxyZ9
\tfor <alice@example.org>; Tue, 10 Nov 2026 09:14:12 +0000 (UTC)
Received: (qmail 2196 invoked by uid 500); 10 Nov 2026 09:14:11 -0000
Mailing-List: contact dev-help@lists.example.net; run by ezmlm
Precedence: bulk
Delivered-To: mailing list dev@lists.example.net
Received: (qmail 2190 invoked from network); 10 Nov 2026 09:14:10 -0000
Received: from mail.author.example (HELO mail.author.example) (203.0.113.9)
  by lists.example.net with SMTP; 10 Nov 2026 09:14:10 -0000
From: Bob <bob@author.example>
To: dev@lists.example.net
Subject: release
Date: Tue, 10 Nov 2026 09:14:00 +0000
Message-ID: <r9@author.example>

body
"""


@pytest.mark.parametrize(
    ("raw", "address"),
    [
        (EZMLM, "dev@lists.example.net"),
        (
            EZMLM.replace(
                "Mailing-List: contact dev-help@lists.example.net; run by ezmlm",
                "Mailing-List: list zzzzteana@yahoogroups.com; contact zzzzteana-owner@yahoogroups.com",
            ),
            "zzzzteana@yahoogroups.com",
        ),
        (
            EZMLM.replace(
                "Mailing-List: contact dev-help@lists.example.net; run by ezmlm",
                "X-BeenThere: dev@lists.example.net",
            ),
            "dev@lists.example.net",
        ),
    ],
    ids=["ezmlm", "yahoo-groups", "x-beenthere"],
)
def test_a_list_named_only_by_its_posting_address_is_named(raw: str, address: str) -> None:
    lst = diagnose(analyze(raw.encode())).get("mailing-list")
    assert lst is not None and lst.fact("list") == address


def test_the_ezmlm_list_tied_by_the_receiver_reads_as_the_lists_delivery() -> None:
    d = diagnose(analyze(EZMLM.encode()))
    lst = d.get("mailing-list")
    assert lst is not None and (lst.fact("delivered") or "").startswith("lists.example.net")
    assert d.headline.startswith("A message from the list dev@lists.example.net, handed over")


# Yahoo Groups (2002 archives such as the SpamAssassin public corpus): its servers
# n*.grp.scd.yahoo.com sent each member's copy with the envelope
# sentto-<group>-<msg>-<time>-<member>@returns.groups.yahoo.com, in another organisation than the
# group's yahoogroups.com; the receiver's confirmed reverse DNS and that envelope tie the group.
YAHOO_GROUP = """\
Return-Path: <sentto-2242572-52727-1030018639-alice=example.org@returns.groups.yahoo.com>
Received: from n14.grp.scd.yahoo.com (n14.grp.scd.yahoo.com [66.218.66.69])
\tby mx.example.org (8.11.6/8.11.6) with SMTP id g7MCIoZ12345
\tfor <alice@example.org>; Thu, 22 Aug 2002 13:18:50 +0100
X-eGroups-Return: sentto-2242572-52727-1030018639-alice=example.org@returns.groups.yahoo.com
Received: from [66.218.67.194] by n14.grp.scd.yahoo.com with NNFMP; 22 Aug 2002 12:17:19 -0000
Received: (qmail 2196 invoked from network); 22 Aug 2002 12:17:18 -0000
Received: from unknown (HELO mail.author.example) (203.0.113.9)
  by mta2.grp.scd.yahoo.com with SMTP; 22 Aug 2002 12:17:18 -0000
From: Bob <bob@author.example>
To: zzzzteana@yahoogroups.com
Mailing-List: list zzzzteana@yahoogroups.com; contact zzzzteana-owner@yahoogroups.com
Delivered-To: mailing list zzzzteana@yahoogroups.com
Precedence: bulk
Date: Thu, 22 Aug 2002 13:17:14 +0100
Subject: [zzzzteana] Moon mission
Message-ID: <m1@author.example>

body
"""


def test_a_yahoo_group_copy_is_tied_to_yahoo_groups_servers() -> None:
    d = diagnose(analyze(YAHOO_GROUP.encode()))
    lst = d.get("mailing-list")
    assert lst is not None and lst.fact("list") == "zzzzteana@yahoogroups.com"
    assert (lst.fact("delivered") or "").startswith("n14.grp.scd.yahoo.com")
    assert lst.fact("own-domain") is None  # Yahoo's servers and envelope: no sender can borrow
    assert d.headline.startswith("A message from the list zzzzteana@yahoogroups.com, handed over")
    # from another server, the same fields are only the message's word
    other = YAHOO_GROUP.replace(
        "n14.grp.scd.yahoo.com (n14.grp.scd.yahoo.com", "mx.attacker.example (mx.attacker.example"
    )
    lst = diagnose(analyze(other.encode())).get("mailing-list")
    assert lst is not None and lst.fact("delivered") is None


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
    _still_a_spoof_of_contoso(a, lab_dns)


# --- 3. A forward by the host that holds a customer domain's mail ---------------------------------
# cPanel/Exim forwarders, web hosts and forwarding services: the message for alice@smallbiz.example
# reached the web host's server (its own name, another organisation than smallbiz.example), whose
# forwarder re-sent it to a Gmail mailbox keeping the author's envelope; Gmail's SPF softfails at
# the web host. The old rule needed the address in the client's own domain, so the author was told
# to add the web host to its SPF record.

EXIM_LINE = """\
Received: from mail.author.example ([203.0.113.9]:41234)
\tby server7.webhost.example with esmtps (TLS1.2) tls TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
\t(Exim 4.96)
\t(envelope-from <bob@author.example>)
\tid 1tAbCd-0001xY-2Z
\tfor alice@smallbiz.example;
\tTue, 10 Nov 2026 17:14:10 +0000
"""
CPANEL_FWD = (
    """\
Delivered-To: alice.smallbiz@gmail.com
Received: by 2002:a05:6a10:1234:b0:5c1:aaaa:bbbb with SMTP id x1csp123;
        Tue, 10 Nov 2026 09:14:12 -0800 (PST)
Authentication-Results: mx.google.com;
       dkim=pass header.i=@author.example header.s=s1 header.b=abc;
       spf=softfail (google.com: domain of transitioning bob@author.example does not designate \
198.51.100.7 as permitted sender) smtp.mailfrom=bob@author.example;
       dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=author.example
Return-Path: <bob@author.example>
Received: from server7.webhost.example (server7.webhost.example. [198.51.100.7])
        by mx.google.com with ESMTPS id abc123
        for <alice.smallbiz@gmail.com>
        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);
        Tue, 10 Nov 2026 09:14:11 -0800 (PST)
"""
    + EXIM_LINE
    + """\
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=author.example; s=s1;
\th=from:to:subject:date; bh=AAAA; b=BBBB
From: Bob <bob@author.example>
To: Alice <alice@smallbiz.example>
Subject: invoice 42
Date: Tue, 10 Nov 2026 17:14:00 +0000
Message-ID: <i42@author.example>

body
"""
)


def _relay(raw: str, label: str) -> tuple[Diagnosis, Situation]:
    d = diagnose(analyze(raw.encode()))
    found = d.get(label)
    assert found is not None, d.labels()
    return d, found


def test_a_forward_by_the_host_that_took_the_mail_for_a_customer_domain_is_named() -> None:
    d, fwd = _relay(CPANEL_FWD, "forward-nosrs")
    assert fwd.fact("forwarder") == "server7.webhost.example"
    assert any("took the message for (on its own line below)" in e for e in fwd.evidence)
    assert d.headline.startswith("Probably a forwarded message")
    assert "author.example's SPF" not in fix(fwd)


# The same through a qmail forwarder: its lines name no recipient, but qmail-local wrote the
# Delivered-To of the address it took the message for before its .qmail file forwarded it.
QMAIL_FWD = CPANEL_FWD.replace(
    EXIM_LINE,
    """Received: (qmail 12345 invoked by uid 89); 10 Nov 2026 17:14:11 -0000
Delivered-To: smallbiz.example-alice@smallbiz.example
Received: (qmail 12340 invoked from network); 10 Nov 2026 17:14:10 -0000
Received: from mail.author.example (HELO mail.author.example) (203.0.113.9)
  by server7.webhost.example with ESMTPS; 10 Nov 2026 17:14:10 -0000
""",
)


def test_a_qmail_forward_is_read_from_the_delivered_to_the_forwarder_wrote() -> None:
    assert "qmail 12345" in QMAIL_FWD
    _, fwd = _relay(QMAIL_FWD, "forward-nosrs")
    assert any(
        "smallbiz.example-alice@smallbiz.example, which server7.webhost.example took the message "
        "for (its own Delivered-To below the receiver's line)" in e
        for e in fwd.evidence
    )
    # a Delivered-To of the Gmail address itself is the receiver's own kind: no forward
    own = QMAIL_FWD.replace(
        "Delivered-To: smallbiz.example-alice@smallbiz.example",
        "Delivered-To: alice.smallbiz@gmail.com",
    )
    assert "forward-nosrs" not in diagnose(analyze(own.encode())).labels()


@pytest.mark.parametrize(
    "raw",
    [
        # the host's own line names the Gmail address itself: its user sent it, no forward
        CPANEL_FWD.replace("\tfor alice@smallbiz.example;", "\tfor alice.smallbiz@gmail.com;"),
        # the line below was written by another host than the client: nothing ties the two
        CPANEL_FWD.replace(
            "\tby server7.webhost.example with esmtps", "\tby relay.other.example with esmtps"
        ),
        # SPF passed: nothing for a forward to explain
        CPANEL_FWD.replace("spf=softfail (google.com", "spf=pass (google.com"),
    ],
    ids=["own-user", "other-host", "spf-pass"],
)
def test_no_forward_without_the_hosts_own_line_for_another_address(raw: str) -> None:
    assert "forward-nosrs" not in diagnose(analyze(raw.encode())).labels()


# Attack: the attacker's own server (confirmed reverse DNS) writes a line "for" a small domain's
# address under a spoof of contoso.com (p=reject): still a spoof, re-verified over the lab DNS.
FORGED_FWD = (
    "Authentication-Results: mx.fabrikam.com; spf=fail smtp.mailfrom=contoso.com\r\n"
    "Received: from server7.webhost.example (server7.webhost.example [203.0.113.66]) by "
    "mx.fabrikam.com (Postfix) with ESMTP id 4QxyZ1 for <ap@fabrikam.com>; "
    "Tue, 10 Nov 2026 09:14:09 +0000\r\n"
    "Received: from mail.contoso.com ([203.0.113.9]) by server7.webhost.example with esmtps "
    "(Exim 4.96) (envelope-from <bounce@contoso.com>) id 1tAbCd-0001xY-2Z for "
    "ap@smallbiz.example; Tue, 10 Nov 2026 09:14:08 +0000\r\n"
    "Return-Path: <bounce@contoso.com>\r\nFrom: Contoso CEO <ceo@contoso.com>\r\n"
    "To: ap@smallbiz.example\r\nSubject: Urgent\r\nDate: Tue, 10 Nov 2026 09:14:00 +0000\r\n"
    "Message-ID: <s1@contoso.com>\r\n\r\nPay.\r\n"
)


FORGED_QMAIL = FORGED_FWD.replace(
    "Received: from mail.contoso.com ([203.0.113.9]) by server7.webhost.example with esmtps "
    "(Exim 4.96) (envelope-from <bounce@contoso.com>) id 1tAbCd-0001xY-2Z for "
    "ap@smallbiz.example;",
    "Delivered-To: ap@smallbiz.example\r\nReceived: from mail.contoso.com (HELO mail.contoso.com) "
    "(203.0.113.9) by server7.webhost.example with SMTP;",
)


@pytest.mark.parametrize("raw", [FORGED_FWD, FORGED_QMAIL], ids=["for", "delivered-to"])
def test_a_forged_forward_line_does_not_hide_an_enforced_dmarc_fail(
    raw: str, lab_dns: LabDns
) -> None:
    assert raw.count("Delivered-To") == (raw is FORGED_QMAIL)
    a = analyze(raw.encode())
    assert "forward-nosrs" in diagnose(a).labels()  # what the receiver's stamps allow
    _still_a_spoof_of_contoso(a, lab_dns)


# --- 4. SRS1: a second forwarder re-wrapping an SRS0 address -------------------------------------
# libsrs2 (postsrsd, Exim's SRS) writes SRS1=HHH=first-forwarder==HHH=TT=domain=local@second when
# a forwarder re-forwards an SRS0 address; only SRS0 was decoded, so a two-step forward with no
# X-Forwarded field read as "A spoof of author.example".

SRS1 = "SRS1=X9dF=fwd1.example==Ab12=Q3=author.example=bob@fwd2.example"


@pytest.mark.parametrize(
    ("address", "domain"),
    [
        (SRS1, "author.example"),
        ("SRS1=X9dF=fwd1.example=+Ab12=Q3=author.example=bob@fwd2.example", "author.example"),
        ("SRS0=Ab12=Q3=author.example=bob@fwd.example", "author.example"),
        ("SRS1=broken@fwd2.example", None),
    ],
)
def test_the_original_domain_of_an_srs1_address_is_read(address: str, domain: str | None) -> None:
    from headerlens.diagnosis.inputs import srs_original_domain

    assert srs_original_domain(address) == domain


SRS1_FWD = f"""\
Delivered-To: alice@gmail.com
Authentication-Results: mx.google.com;
       spf=pass (google.com: domain of {SRS1} designates 198.51.100.7 as permitted sender) \
smtp.mailfrom="{SRS1}";
       dmarc=fail (p=NONE sp=NONE dis=NONE) header.from=author.example
Return-Path: <{SRS1}>
Received: from mx.fwd2.example (mx.fwd2.example. [198.51.100.7])
        by mx.google.com with ESMTPS id abc123
        for <alice@gmail.com>;
        Tue, 10 Nov 2026 09:14:11 -0800 (PST)
Received: from mx.fwd1.example (mx.fwd1.example [198.51.100.9])
\tby mx.fwd2.example (Postfix) with ESMTPS id 4Qx
\tfor <alice@fwd2.example>; Tue, 10 Nov 2026 17:14:10 +0000 (UTC)
""" + CPANEL_FWD[CPANEL_FWD.index("From: Bob") :].replace(
    "alice@smallbiz.example", "alice@fwd1.example"
)


def test_a_two_step_srs1_forward_is_a_forward_not_a_spoof() -> None:
    assert "To: Alice <alice@fwd1.example>" in SRS1_FWD
    d, fwd = _relay(SRS1_FWD, "forward-srs")
    assert fwd.fact("original") == "author.example"
    assert "spoof" not in d.labels()
    assert d.headline.startswith("A forwarded message")


# Attack: the spoof of contoso.com (p=reject) with a planted SRS1 envelope naming contoso.com.
def test_a_planted_srs1_envelope_does_not_hide_an_enforced_dmarc_fail(lab_dns: LabDns) -> None:
    raw = t2.RX + t2._with("X-Mailer: x").replace(
        "Return-Path: <bounce@contoso.com>",
        "Return-Path: <SRS1=ab=fwd.attacker.example==cd=EF=contoso.com=bounce@attacker.example>",
    )
    a = analyze(raw.encode())
    assert "forward-srs" in diagnose(a).labels()  # what the envelope claims
    _still_a_spoof_of_contoso(a, lab_dns)


# Attack: a planted ezmlm Mailing-List naming a list on the attacker's domain or contoso.com's.
@pytest.mark.parametrize("domain", ["attacker.example", "contoso.com"])
def test_a_planted_mailing_list_field_does_not_hide_an_enforced_dmarc_fail(
    domain: str, lab_dns: LabDns
) -> None:
    raw = t2.RX + t2._with(f"Mailing-List: contact finance-help@{domain}; run by ezmlm")
    a = analyze(raw.encode())
    lst = diagnose(a).get("mailing-list")
    assert lst is not None and lst.fact("list") == f"finance@{domain}"
    _still_a_spoof_of_contoso(a, lab_dns)


# Attack: Yahoo Groups' fields and envelope planted on a spoof sent from the attacker's host.
def test_planted_yahoo_group_fields_do_not_hide_an_enforced_dmarc_fail(lab_dns: LabDns) -> None:
    raw = (
        t2.RX
        + t2._with(
            "Mailing-List: list finance@yahoogroups.com; contact finance-owner@yahoogroups.com"
        )
    ).replace(
        "Return-Path: <bounce@contoso.com>",
        "Return-Path: <sentto-1-2-3-ap=fabrikam.com@returns.groups.yahoo.com>",
    )
    a = analyze(raw.encode())
    lst = diagnose(a).get("mailing-list")
    assert lst is not None and lst.fact("delivered") is None
    _still_a_spoof_of_contoso(a, lab_dns)
