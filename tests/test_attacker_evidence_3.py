"""Spoofs of contoso.com (p=reject), third pass: a pass planted under Gmail's line when Gmail's
own stamps were trimmed, lists and forwards only the attacker vouches for, and Exchange Server
organisation headers planted at the very end of the sender's header.

Each case re-verifies over the lab DNS where a verdict is involved: the spoof's SPF and DMARC
never pass, and where the evidence does not decide the answer is "unknown".
"""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import run_blocking, verify
from headerlens.model import Author
from headerlens.model.spf import SpfVerdict
from headerlens.model.verdicts import DmarcResult
from headerlens.stamped import stamped
from tests import test_attacker_evidence_2 as t2
from tests.dnslab import LabDns

A = "203.0.113.66"
D = "Tue, 10 Nov 2026 09:14:09 +0000"
BODY = (
    "Return-Path: <bounce@contoso.com>\r\nFrom: Contoso CEO <ceo@contoso.com>\r\n"
    f"To: ap@gmail.com\r\nSubject: Urgent\r\nDate: {D}\r\nMessage-ID: <s1@contoso.com>\r\n"
    "\r\nPay.\r\n"
)
GMAIL = (
    f"Received: by 2002:a05:6402:1234:b0:5c1:aaaa:bbbb with SMTP id x1csp123; {D}\r\n"
    f"Received: from mail-wm1-f52.google.com (mail-wm1-f52.google.com [{A}]) by mx.google.com "
    f"with ESMTPS id abc123 for <ap@gmail.com>; {D}\r\n"
)
SPF_PASS = (
    "Received-SPF: pass (google.com: domain of bounce@contoso.com designates "
    f"{A} as permitted sender) client-ip={A};\r\n"
)
AR_PASS = (
    "Authentication-Results: mx.google.com; spf=pass (google.com: domain of bounce@contoso.com "
    f"designates {A} as permitted sender) smtp.mailfrom=bounce@contoso.com; dmarc=pass "
    "(p=REJECT sp=REJECT dis=NONE) header.from=contoso.com\r\n"
)
ARC_AR_PASS = (
    "ARC-Authentication-Results: i=1; mx.google.com; spf=pass smtp.mailfrom=bounce@contoso.com;"
    " dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=contoso.com\r\n"
)


def _gmail_arc(results: str) -> str:
    """Gmail's own ARC set, written above its Received line (where only Gmail writes)."""
    return (
        "ARC-Seal: i=1; a=rsa-sha256; t=1794302049; cv=none; d=google.com; s=arc-20240605; "
        "b=AAAA\r\n"
        "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com; "
        "s=arc-20240605; h=from:to:subject; bh=BBBB; b=CCCC\r\n"
        f"ARC-Authentication-Results: i=1; mx.google.com; {results}\r\n"
    )


def _with_arc(results: str) -> str:
    top, _, rest = GMAIL.partition("\r\n")
    return top + "\r\n" + _gmail_arc(results) + rest


def _resolver(lab_dns: LabDns) -> LiveResolver:
    return LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)


# Gmail's Received line with its own stamps trimmed from the paste; the sender's header begins
# with a pass in Gmail's phrasing, or Gmail's ARC set says fail and the sender's block says pass.
TRIMMED_GMAIL = {
    "received-spf-and-ar": GMAIL + SPF_PASS + AR_PASS + BODY,
    "ar-only": GMAIL + AR_PASS + BODY,
    "received-spf-only": GMAIL + SPF_PASS + BODY,
    "arc-ar-below-the-line": GMAIL + ARC_AR_PASS + BODY,
    "gmail-arc-says-fail": _with_arc(
        f"spf=fail (google.com: domain of bounce@contoso.com does not designate {A} as permitted"
        " sender) smtp.mailfrom=bounce@contoso.com; dmarc=fail (p=REJECT) header.from=contoso.com"
    )
    + SPF_PASS
    + AR_PASS
    + BODY,
}


@pytest.mark.parametrize("raw", TRIMMED_GMAIL.values(), ids=TRIMMED_GMAIL.keys())
def test_a_gmail_pass_nothing_of_gmails_backs_is_not_gmails(raw: str, lab_dns: LabDns) -> None:
    a = analyze(raw.encode())
    for method in ("spf", "dkim", "dmarc", "arc"):
        assert stamped(a, method) != "pass", method
    planted = [
        f
        for f in a.headers
        if f.lname in ("authentication-results", "received-spf", "arc-authentication-results")
        and "pass" in f.value.lower()
        and "fail" not in f.value.lower()
    ]
    assert planted
    for f in planted:
        author = a.provenance.of(f.index)
        assert author is not None and author.author is not Author.FINAL_RECEIVER, author
    v = run_blocking(verify(a, _resolver(lab_dns)))
    assert v.spf is not None and v.spf.ip == A
    assert v.spf.verdict is SpfVerdict.FAIL
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.FAIL


def test_gmails_pass_backed_by_its_own_arc_set_counts() -> None:
    arc = f"spf=pass (google.com: domain of bounce@contoso.com designates {A} as permitted sender)"
    arc += " smtp.mailfrom=bounce@contoso.com; dmarc=pass (p=REJECT) header.from=contoso.com"
    a = analyze((_with_arc(arc) + SPF_PASS + AR_PASS + BODY).encode())
    assert stamped(a, "spf") == "pass"
    assert stamped(a, "dmarc") == "pass"
    # a method Gmail's ARC set did not pass is not backed by it
    a = analyze((_with_arc(arc.replace("dmarc=pass", "dmarc=fail")) + AR_PASS + BODY).encode())
    assert stamped(a, "dmarc") != "pass"


def test_gmails_fail_under_its_line_counts_without_an_arc_set() -> None:
    fail = AR_PASS.replace("spf=pass", "spf=fail").replace("dmarc=pass", "dmarc=fail")
    a = analyze((GMAIL + fail + BODY).encode())
    assert stamped(a, "spf") == "fail"
    assert stamped(a, "dmarc") == "fail"


def test_gmail_before_it_wrote_arc_sets_is_read_from_its_block() -> None:
    # Gmail wrote no ARC set before 2017 (corpus: none up to Nov 2016, one on every Gmail
    # delivery from Mar 2018): its block under the line is all there is, the first of each kind
    old = "Thu, 29 Oct 2015 08:18:33 -0700"
    a = analyze((GMAIL.replace(D, old) + SPF_PASS + AR_PASS + BODY).encode())
    assert stamped(a, "spf") == "pass"
    assert stamped(a, "dmarc") == "pass"


# Lists and forwarders only the message's own fields name (tests/test_attacker_evidence_2.py).
LIST_AT = "List-Id: <finance.{0}>\r\nPrecedence: list\r\nList-Post: <mailto:finance@{0}>"


def _own_list(domain: str) -> str:
    """A spoof of contoso.com sent through a "list" on ``domain``, the receiver having written the
    client's (confirmed) reverse DNS there: what a sender running the list itself produces."""
    return t2.RX.replace("(unknown [", f"(lists.{domain} [") + t2._with(LIST_AT.format(domain))


@pytest.mark.parametrize("domain", ["attacker.example", "tailspintoys.com"])
def test_a_list_on_the_senders_own_domain_does_not_explain_a_dmarc_fail(
    domain: str, lab_dns: LabDns
) -> None:
    from headerlens.diagnosis import diagnose

    a = analyze(_own_list(domain).encode())
    v = run_blocking(verify(a, _resolver(lab_dns)))
    assert v.spf is not None and v.spf.verdict is SpfVerdict.FAIL
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.FAIL
    d = diagnose(a, v)
    # the list is what the message says; whether it re-sent contoso.com's mail nothing decides
    assert {"spoof", "mailing-list"} <= set(d.labels())
    assert d.headline.startswith("A spoof of contoso.com unless")
    assert not d.headline.startswith("A mailing-list message")
    spoof = next(s for s in d.situations if s.label == "spoof")
    assert spoof.fact("relay") == f"finance.{domain}"


def test_a_list_the_receiver_accepted_on_arc_still_explains_the_dmarc_fail(
    lab_dns: LabDns,
) -> None:
    # Microsoft accepted the message on the list's ARC seal (compauth reason 130): the receiver
    # vouched for the list, so the DMARC failure is the list's doing
    from headerlens.diagnosis import diagnose

    eop = t2.REVERIFIED["exchange-org-claims-under-eop"][0].split("X-MS-Exchange")[0]
    stamp = (
        "Authentication-Results: spf=fail (sender IP is 203.0.113.66) smtp.mailfrom=contoso.com; "
        "dkim=fail header.d=contoso.com;dmarc=fail action=none header.from=contoso.com;"
        "compauth=pass reason=130\r\n"
    )
    raw = stamp + eop + t2._with(LIST_AT.format("tailspintoys.com"))
    a = analyze(raw.encode())
    d = diagnose(a, run_blocking(verify(a, _resolver(lab_dns))))
    assert "spoof" not in d.labels()
    assert d.headline.startswith("A mailing-list message")


@pytest.mark.parametrize("raw", t2.CLAIMED_RELAYS.values(), ids=t2.CLAIMED_RELAYS.keys())
def test_offline_a_relay_only_the_sender_names_explains_nothing_and_is_not_checked(
    raw: str,
) -> None:
    # no receiver stamp and no re-verification: nothing decides DMARC, so the list or forward
    # the message's own fields name explains nothing and nothing reads as a pass; nothing
    # checked it either, so it is no spoof yet: the answer is "not checked, re-run with DNS"
    from headerlens.diagnosis import diagnose
    from headerlens.diagnosis.wording import title

    a = analyze(raw.encode())
    assert stamped(a, "dmarc") is None
    d = diagnose(a)
    assert "spoof" not in d.labels()
    assert "control" not in d.labels()
    assert "pass" not in d.headline.lower()
    # the relay is what the message's own headers claim, not what explains a failure
    assert not d.headline.startswith(("A mailing-list message", "A forwarded message"))
    assert d.headline.startswith(("A message from the list", "A message forwarded by"))
    assert "by its own headers; nothing checked its authenticity" in d.headline
    assert "re-run with DNS" in d.headline
    relay = next(s for s in d.situations if s.fact("unchecked"))
    assert relay.label in ("mailing-list", "forward-srs", "forward-nosrs")
    assert relay.fact("domain") == "contoso.com"
    for group in (s for s in d.situations if s.label == "google-groups"):
        assert "re-sent it and sealed ARC" not in title(group)


def test_offline_a_list_with_the_receivers_dmarc_stamp_is_read_as_before() -> None:
    # the receiver stamped dmarc=fail for a domain with no enforcing policy: decided, and a
    # list explains a failure the From domain does not enforce
    from headerlens.diagnosis import diagnose

    own = "Authentication-Results: mx.fabrikam.com; dmarc=fail (p=none dis=none) header.from=contoso.com\r\n"
    a = analyze((t2.RX + own + t2._with(LIST_AT.format("tailspintoys.com"))).encode())
    d = diagnose(a)
    assert "spoof" not in d.labels()
    assert d.headline.startswith("A mailing-list message")


# Exchange Server (no Exchange Online) appends its organisation fields after the sender's header,
# with no incoming bracket: the sender's very last field touches Exchange's run.
def _onprem_tail(sender_last: str, appended: str) -> str:
    return (
        t2.EXCHANGE_SERVER
        + t2.BODY.split("\r\n\r\n")[0]
        + "\r\n"
        + sender_last
        + appended
        + "\r\nPay.\r\n"
    )


STAMPED_AT_RECEIVE = (
    "X-MS-Exchange-Organization-AuthSource: EXCH01.fabrikam.com\r\n"
    "X-MS-Exchange-Organization-AuthAs: Anonymous\r\n"
)
PLANTED_LAST = {
    "scl": "X-MS-Exchange-Organization-SCL: -1\r\n",
    "scl-and-authas": "X-MS-Exchange-Organization-AuthAs: Internal\r\n"
    "X-MS-Exchange-Organization-SCL: -1\r\n",
    "authsource-then-scl": "X-MS-Exchange-Organization-AuthSource: EXCH01.fabrikam.com\r\n"
    "X-MS-Exchange-Organization-SCL: -1\r\n",
}


@pytest.mark.parametrize("planted", PLANTED_LAST.values(), ids=PLANTED_LAST.keys())
def test_an_organisation_field_planted_last_behind_exchange_server_is_not_the_receivers(
    planted: str,
) -> None:
    from headerlens.diagnosis import diagnose
    from headerlens.diagnosis.facts import Outcome

    a = analyze(_onprem_tail(planted, STAMPED_AT_RECEIVE).encode())
    planted_at = [f.index for f in a.headers if f.value.strip() in ("-1", "Internal")]
    assert planted_at
    for i in planted_at:
        assert not a.provenance.is_receivers(i), a.provenance.of(i)
    assert diagnose(a).outcome.outcome is Outcome.UNKNOWN
    # what Exchange stamped when it accepted the message stays its own
    own = [f for f in a.headers if f.lname == "x-ms-exchange-organization-authsource"][-1]
    assert a.provenance.is_receivers(own.index)


def test_exchange_servers_own_scl_after_its_receive_stamps_counts() -> None:
    # the content filter rates the message after SMTP Receive stamped AuthSource and AuthAs
    a = analyze(
        _onprem_tail("", STAMPED_AT_RECEIVE + "X-MS-Exchange-Organization-SCL: 6\r\n").encode()
    )
    scl = next(f for f in a.headers if f.lname == "x-ms-exchange-organization-scl")
    assert a.provenance.is_receivers(scl.index)


# Red-team pass: a submission line the sender wrote below the entry hop ("from DESKTOP-… by
# mail.contoso.com with ESMTPSA") made the spoof "a taken-over account at the sending domain"
# (fix: reset a password at contoso.com) and dropped the spoof, though DMARC failed.
SUBMISSION = (
    f"Received: from DESKTOP-7H2K ([192.168.1.5]) by mail.contoso.com with ESMTPSA id a1; {D}\r\n"
)
FORGED_SUBMISSIONS = {
    "workstation-to-own-server": t2.RX + SUBMISSION + t2.BODY,
    "with-reply-to-elsewhere": t2.RX + SUBMISSION + t2._with("Reply-To: <pay@attacker.example>"),
    "smtp-auth-stamp": t2.RX
    + "Authentication-Results: mail.contoso.com; auth=pass smtp.auth=ceo@contoso.com\r\n"
    + SUBMISSION.replace("mail.contoso.com", "relay.attacker.example")
    + t2._with("Reply-To: <pay@attacker.example>"),
}


@pytest.mark.parametrize("raw", FORGED_SUBMISSIONS.values(), ids=FORGED_SUBMISSIONS.keys())
def test_a_forged_submission_line_does_not_turn_a_spoof_into_a_taken_over_account(
    raw: str, lab_dns: LabDns
) -> None:
    from headerlens.diagnosis import diagnose

    a = analyze(raw.encode())
    v = run_blocking(verify(a, _resolver(lab_dns)))
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.FAIL
    d = diagnose(a, v)
    assert "spoof" in d.labels()
    assert "compromised-account" not in d.labels()
    assert d.headline.startswith("A spoof of contoso.com")


# Red-team pass: a trimmed Gmail paste whose first field is a planted "dmarc=fail (… dis=NONE
# arc=pass)" read as Gmail accepting the message on a list's ARC seal, explaining the spoof away.
def test_a_planted_gmail_arc_override_does_not_explain_a_spoof(lab_dns: LabDns) -> None:
    from headerlens.diagnosis import diagnose

    planted = (
        "Authentication-Results: mx.google.com; dmarc=fail (p=REJECT sp=REJECT dis=NONE "
        "arc=pass) header.from=contoso.com\r\n"
    )
    raw = GMAIL + planted + t2._with(LIST_AT.format("tailspintoys.com"))
    a = analyze(raw.encode())
    field = next(f for f in a.headers if f.lname == "authentication-results")
    assert not a.provenance.is_receivers(field.index)
    d = diagnose(a, run_blocking(verify(a, _resolver(lab_dns))))
    assert "spoof" in d.labels()
    assert d.headline.startswith("A spoof of contoso.com")
    # Gmail's own ARC set above its line saying arc=pass backs the same stamp
    backed = _with_arc("arc=pass; dmarc=fail (p=REJECT) header.from=contoso.com") + planted
    a = analyze((backed + t2._with(LIST_AT.format("tailspintoys.com"))).encode())
    field = next(f for f in a.headers if f.lname == "authentication-results")
    assert a.provenance.is_receivers(field.index)


# Red-team pass: the reverse-DNS name of the attacker's own address is the attacker's to set.
# A receiver that writes it without checking it forward (Sendmail's "may be forged", qmail)
# made the spoof "the From domain's own server" (no spoof at all) or a vendor's simulation.
UNCHECKED_RDNS = {
    "sendmail-may-be-forged": "Received: from mail.contoso.com (mail.contoso.com "
    f"[{A}] (may be forged)) by mx.fabrikam.com (8.15.2/8.15.2) with ESMTP id 1; {D}\r\n",
    "qmail": f"Received: from mail.contoso.com (HELO mail.contoso.com) ({A}) by mx.fabrikam.com "
    f"with SMTP; {D}\r\n",
}


@pytest.mark.parametrize("line", UNCHECKED_RDNS.values(), ids=UNCHECKED_RDNS.keys())
def test_an_unchecked_reverse_dns_in_the_from_domain_does_not_hide_the_spoof(
    line: str, lab_dns: LabDns
) -> None:
    from headerlens.diagnosis import diagnose

    a = analyze((line + t2.BODY).encode())
    v = run_blocking(verify(a, _resolver(lab_dns)))
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.FAIL
    d = diagnose(a, v)
    assert d.headline.startswith("A spoof of contoso.com")
    # a simulation vendor's name there is as much the attacker's choice
    vendor = line.replace("mail.contoso.com (HELO", "mail.nova.phishme.com (HELO").replace(
        "mail.contoso.com (mail.contoso.com", "mail.nova.phishme.com (mail.nova.phishme.com"
    )
    a = analyze((vendor + t2._with("X-PhishMe: Phishing_Training")).encode())
    d = diagnose(a, run_blocking(verify(a, _resolver(lab_dns))))
    assert {"phish-sim", "spoof"} <= set(d.labels())
    assert d.headline.startswith("A spoof of contoso.com")


# Red-team pass: the client's HELO named a hosted service ("…outbound.protection.outlook.com"),
# and the spoof's SPF failure became "mail now leaves through Exchange Online Protection: add
# include:spf.protection.outlook.com" for the spoofed domain: advice that authorises every
# tenant of that service, the attacker's next message included.
HELO_SERVICE = {
    "postfix-unknown-rdns": "Received: from mail-db8eur05on2033.outbound.protection.outlook.com "
    f"(unknown [{A}]) by mx.fabrikam.com (Postfix) with ESMTP id 4Q; {D}\r\n",
    "exchange-writes-the-helo": "Received: from mail-db8eur05on2033.outbound.protection.outlook"
    f".com ({A}) by EXCH01.fabrikam.com (10.1.0.5) with Microsoft SMTP Server id 15.2.1118.7 "
    f"via Frontend Transport; {D}\r\n",
}


@pytest.mark.parametrize("line", HELO_SERVICE.values(), ids=HELO_SERVICE.keys())
def test_a_helo_naming_a_service_gets_no_advice_to_authorise_it(line: str, lab_dns: LabDns) -> None:
    body = t2.BODY.replace("contoso.com", "northwindtraders.com")  # SPF without that service
    a = analyze((line + body).encode())
    v = run_blocking(verify(a, _resolver(lab_dns)))
    assert v.spf is not None and v.spf.verdict is SpfVerdict.FAIL
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.FAIL
    for f in v.findings:
        assert "include:spf.protection.outlook.com" not in f.title + f.fix + f.detail, f


# Red-team pass: a phish from the attacker's own domain (nothing to spoof) with an X-PhishMe
# header it wrote itself was headlined "A phishing simulation (training)" and titled "not a real
# attack", with "No remediation": the attacker chose the helpdesk's conclusion.
def test_a_simulation_mark_only_the_sender_wrote_never_says_not_a_real_attack() -> None:
    from headerlens.diagnosis import diagnose
    from headerlens.diagnosis.findings import situation_finding

    own = t2.RX + t2._with("X-PhishMe: Phishing_Training").replace(
        "contoso.com", "contoso-payments.example"
    ).replace("Contoso CEO", "Payments")
    d = diagnose(analyze(own.encode()))
    assert d.labels()[:1] == ("phish-sim",)
    assert not d.headline.startswith("A phishing simulation")
    sim = situation_finding(d.situations[0])
    assert "not a real attack" not in sim.title
    assert "No remediation" not in sim.fix


def test_a_product_name_in_the_senders_own_line_gets_no_advice_to_authorise_a_service(
    lab_dns: LabDns,
) -> None:
    # the receiver confirmed the client's reverse DNS (the attacker's own domain), and the line
    # below, the client's own, is "by IMSVA01…": Trend Micro's on-premises product name, not a
    # host of its hosted service, so nothing says the message left through that service
    raw = (
        f"Received: from mx.attacker.example (mx.attacker.example [{A}]) by mx.fabrikam.com "
        f"(Postfix) with ESMTP id 4Q; {D}\r\n"
        f"Received: from app (app [10.0.0.9]) by IMSVA01.attacker.example with ESMTP id 7; {D}\r\n"
        + t2.BODY.replace("contoso.com", "northwindtraders.com")
    )
    a = analyze(raw.encode())
    v = run_blocking(verify(a, _resolver(lab_dns)))
    assert v.spf is not None and v.spf.verdict is SpfVerdict.FAIL
    for f in v.findings:
        assert "include:spf.hes.trendmicro.com" not in f.title + f.fix + f.detail, f


# An ordinary list post (issue 11): a Mailman list on tailspintoys.com re-sent alice@contoso.com's
# message from its outbound host in another organisation (so the receiver's reverse DNS does not
# tie it to the List-Id), keeping the author's broken signature. Read offline, nothing checked it:
# it is no spoof and no explained-away failure, but a list message "by its own headers".
ORDINARY_LIST = (
    "Received: from mail-out.listhost.example (mail-out.listhost.example [198.51.100.25]) "
    f"by mx.fabrikam.com (Postfix) with ESMTPS id 4QxyZ9 for <bob@fabrikam.com>; {D}\r\n"
    "Received: from mail.contoso.com (mail.contoso.com [203.0.113.10]) by "
    f"mail-out.listhost.example (Postfix) with ESMTPS id 77AB1 for <dev@lists.tailspintoys.com>; {D}\r\n"
    "Return-Path: <dev-bounces@lists.tailspintoys.com>\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=contoso.com; s=s1; "
    "h=from:to:subject:date; bh=AAAA; b=BBBB\r\n"
    "From: Alice <alice@contoso.com>\r\nTo: dev@lists.tailspintoys.com\r\n"
    f"Subject: [dev] Release notes for 4.2\r\nDate: {D}\r\nMessage-ID: <r42@contoso.com>\r\n"
    "List-Id: Developers <dev.lists.tailspintoys.com>\r\n"
    "List-Unsubscribe: <mailto:dev-leave@lists.tailspintoys.com>\r\n"
    "List-Post: <mailto:dev@lists.tailspintoys.com>\r\nPrecedence: list\r\n"
    "Sender: dev-bounces@lists.tailspintoys.com\r\n"
    "\r\nThe notes are attached.\r\n"
)


def test_an_ordinary_list_post_offline_is_a_list_message_nothing_checked() -> None:
    from headerlens.diagnosis import diagnose
    from headerlens.diagnosis.wording import fix, title

    a = analyze(ORDINARY_LIST.encode())
    d = diagnose(a)
    assert "spoof" not in d.labels()
    assert "mailing-list" in d.labels()
    assert "spoof of" not in d.headline.lower() and "pass" not in d.headline.lower()
    assert d.headline.startswith(
        "A message from the list dev.lists.tailspintoys.com, by its own headers; nothing "
        "checked its authenticity (offline, no verdict from the receiver): re-run with DNS"
    )
    lst = next(s for s in d.situations if s.label == "mailing-list")
    assert lst.fact("unchecked") == "offline, no verdict from the receiver"
    assert "nothing checked its authenticity" in title(lst)
    assert "re-sent it, which changes" not in title(lst)  # not stated as the list's doing
    assert fix(lst).startswith("Nothing to fix yet: re-run with DNS")


def test_the_same_list_post_re_verified_with_an_enforced_dmarc_fail_is_a_spoof(
    lab_dns: LabDns,
) -> None:
    # checked and failed: contoso.com publishes p=reject and nothing the receiver wrote vouches
    # for the list, so the answer is the spoof, worded as before
    from headerlens.diagnosis import diagnose

    a = analyze(ORDINARY_LIST.encode())
    v = run_blocking(verify(a, _resolver(lab_dns)))
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.FAIL
    d = diagnose(a, v)
    assert {"spoof", "mailing-list"} <= set(d.labels())
    assert d.headline.startswith("A spoof of contoso.com")
    assert not any(s.fact("unchecked") for s in d.situations)
