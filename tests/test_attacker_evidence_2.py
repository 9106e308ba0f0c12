"""Spoofs of contoso.com (p=reject) that plant a pass under the receiver's own Received line.

The sender's header begins directly below the receiver's Received line, exactly where Gmail and
Postfix milters write their stamps. A pass found there counts as the final receiver's only when
something the sender cannot write backs it (Gmail's own block, written first and once; the
receiver's Rspamd tied by its queue id); otherwise it is "unknown", never "pass". Other variants
(IPv4-mapped clients, planted fetchmail/LMTP lines, ARC sets, Exchange organisation headers)
are re-verified over the lab DNS and must fail SPF and DMARC.
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
from tests.dnslab import LabDns

A = "203.0.113.66"
F = "40.107.22.33"  # inside contoso.com's SPF (spf.protection.outlook.com)
D = "Tue, 10 Nov 2026 09:14:09 +0000"
BODY = (
    "Return-Path: <bounce@contoso.com>\r\nFrom: Contoso CEO <ceo@contoso.com>\r\n"
    f"To: ap@fabrikam.com\r\nSubject: Urgent\r\nDate: {D}\r\nMessage-ID: <s1@contoso.com>\r\n"
    "\r\nPay.\r\n"
)
RX = (
    f"Received: from mail.fabrikam.com (unknown [{A}]) by mx.fabrikam.com (Postfix) with ESMTP "
    f"id 4QxyZ1 for <ap@fabrikam.com>; {D}\r\n"
)
FORGED = (
    "Received: from mail-db8eur05on2033.outbound.protection.outlook.com "
    f"(mail-db8eur05on2033.outbound.protection.outlook.com [{F}]) by mx.fabrikam.com (Postfix) "
    f"with ESMTPS id 4QxyZ0; {D}\r\n"
)
AR_PASS = (
    "Authentication-Results: mx.fabrikam.com; spf=pass smtp.mailfrom=contoso.com; dkim=none; "
    "dmarc=pass header.from=contoso.com\r\n"
)
GMAIL = (
    f"Received: by 2002:a05:6402:1234:b0:5c1:aaaa:bbbb with SMTP id x1csp123; {D}\r\n"
    f"Received: from mail-wm1-f52.google.com (mail-wm1-f52.google.com [{A}]) by mx.google.com "
    f"with ESMTPS id abc123 for <ap@gmail.com>; {D}\r\n"
)
GMAIL_OWN = (
    "Received-SPF: fail (google.com: domain of bounce@contoso.com does not designate "
    f"{A} as permitted sender) client-ip={A};\r\n"
    "Authentication-Results: mx.google.com; spf=fail (google.com: domain of bounce@contoso.com "
    f"does not designate {A} as permitted sender) smtp.mailfrom=bounce@contoso.com; dmarc=fail "
    "(p=REJECT sp=REJECT dis=REJECT) header.from=contoso.com\r\n"
)
OWN_SPF = "Authentication-Results: mx.fabrikam.com; spf=fail smtp.mailfrom=contoso.com\r\n"
OWN_DMARC = (
    "Authentication-Results: mx.fabrikam.com; dmarc=fail (p=reject dis=none) "
    "header.from=contoso.com\r\n"
)

# The sender's header starts with a pass claiming the receiver's authserv-id.
PLANTED_BELOW = {
    "above-a-forged-hop": RX + AR_PASS + FORGED + BODY,
    "repeated-500-times": RX + AR_PASS * 500 + FORGED + BODY,
    "bare-lf": (RX + AR_PASS + FORGED).replace("\r\n", "\n") + BODY,
    "authserv-id-with-version": RX
    + "Authentication-Results: mx.fabrikam.com 1; spf=pass smtp.mailfrom=contoso.com; "
    "dmarc=pass header.from=contoso.com\r\n" + BODY,
    "naming-the-attackers-own-ip": RX
    + f"Authentication-Results: mx.fabrikam.com; spf=pass (sender IP is {A}) "
    "smtp.mailfrom=contoso.com; dmarc=pass header.from=contoso.com\r\n" + BODY,
    "two-ids-in-one-field": RX
    + "Authentication-Results: mx.fabrikam.com; spf=pass smtp.mailfrom=contoso.com\r\n"
    "\tmx.fabrikam.com; dmarc=pass\r\n" + BODY,
    "after-the-receivers-spf-fail": RX
    + OWN_SPF
    + "Authentication-Results: mx.fabrikam.com; dmarc=pass header.from=contoso.com\r\n"
    + BODY,
    "after-the-receivers-dmarc-fail": RX
    + OWN_DMARC
    + "Authentication-Results: mx.fabrikam.com; spf=pass smtp.mailfrom=contoso.com\r\n"
    + BODY,
    "gmail-new-method-dkim": GMAIL
    + GMAIL_OWN
    + "Authentication-Results: mx.google.com; dkim=pass header.i=@contoso.com header.s=s1\r\n"
    + BODY,
    "gmail-new-method-arc": GMAIL
    + GMAIL_OWN
    + "Authentication-Results: mx.google.com; arc=pass (i=1 spf=pass spfdomain=contoso.com "
    "dmarc=pass fromdomain=contoso.com)\r\n" + BODY,
}


@pytest.mark.parametrize("raw", PLANTED_BELOW.values(), ids=PLANTED_BELOW.keys())
def test_a_planted_pass_below_the_line_is_not_the_receivers(raw: str) -> None:
    a = analyze(raw.encode())
    for method in ("spf", "dkim", "dmarc", "arc"):
        assert stamped(a, method) != "pass", method
    planted = [
        f
        for f in a.headers
        if f.lname == "authentication-results" and "=pass" in f.value.replace(" ", "")
    ]
    assert planted
    for f in planted:
        author = a.provenance.of(f.index)
        assert author is not None and author.author is not Author.FINAL_RECEIVER, author


def test_the_receivers_own_fail_under_its_line_still_counts() -> None:
    # a stamp that says fail gains the sender nothing: still the receiver's
    a = analyze((RX + OWN_SPF + OWN_DMARC + BODY).encode())
    assert stamped(a, "spf") == "fail"
    assert stamped(a, "dmarc") == "fail"


def test_gmails_own_pass_still_counts() -> None:
    own = GMAIL_OWN.replace("fail (google.com", "pass (google.com").replace(
        "does not designate", "designates"
    )
    own = own.replace("spf=fail", "spf=pass").replace("dmarc=fail", "dmarc=pass")
    # with the ARC set Gmail writes above its line (since 2017) giving the same verdicts; with
    # none, a pass there may be planted (tests/test_attacker_evidence_3.py)
    top, _, rest = GMAIL.partition("\r\n")
    arc = (
        "ARC-Authentication-Results: i=1; mx.google.com; spf=pass smtp.mailfrom=contoso.com; "
        "dmarc=pass header.from=contoso.com\r\n"
    )
    a = analyze((top + "\r\n" + arc + rest + own + BODY).encode())
    assert stamped(a, "spf") == "pass"
    assert stamped(a, "dmarc") == "pass"


def test_a_pass_backed_by_the_receivers_rspamd_queue_id_counts() -> None:
    # the receiver's Rspamd appended at the bottom with the queue id of the receiver's own
    # Received line (which the sender cannot know) and, after it, found the same passes: its milter
    # stamped this message. (The queue id alone no longer backs a pass: it shows that Rspamd
    # ran, not who wrote a stamp at the top of the header the message arrived with; see
    # tests/test_redteam_round4.py, where such a planted stamp hid a p=reject spoof online.)
    found = (
        "X-Spamd-Result: default: False [-0.70 / 15.00]; R_SPF_ALLOW(-0.20)[+ip4]; "
        "DMARC_POLICY_ALLOW(-0.50)[contoso.com,reject]\r\n"
    )
    tail = "\r\nX-Rspamd-Queue-Id: 4QxyZ1\r\nX-Rspamd-Server: mx\r\n\r\n"
    after = "\r\nX-Rspamd-Queue-Id: 4QxyZ1\r\n" + found + "X-Rspamd-Server: mx\r\n\r\n"
    a = analyze((RX + AR_PASS + BODY.replace("\r\n\r\n", after, 1)).encode())
    assert stamped(a, "dmarc") == "pass"
    # above the queue id it joins the block by position alone, where the sender's last field
    # sits: no longer backs the pass (tests/test_redteam_round5.py)
    a = analyze((RX + AR_PASS + BODY.replace("\r\n\r\n", "\r\n" + found + tail[2:], 1)).encode())
    assert stamped(a, "dmarc") != "pass"
    a = analyze((RX + AR_PASS + BODY.replace("\r\n\r\n", tail, 1)).encode())
    assert stamped(a, "dmarc") != "pass"


# Variants re-verified over the lab DNS: the receiver's client, never the forged hop, is checked.
MAPPED = RX.replace(f"[{A}]", f"[IPv6:::ffff:{A}]")
EOP = (
    "Received: from BN8NAM04FT006.eop-NAM04.prod.protection.outlook.com "
    "(2603:10b6:408:ea:cafe::f2) by BN0PR04CA0085.outlook.office365.com (2603:10b6:408:ea::30) "
    f"with Microsoft SMTP Server id 15.20.7452.28 via Frontend Transport; {D}\r\n"
    f"Received: from mail.contoso.com ({A}) by BN8NAM04FT006.mail.protection.outlook.com "
    f"(10.13.160.240) with Microsoft SMTP Server id 15.20.7452.28 via Frontend Transport; {D}\r\n"
)
MS_CLAIMS = (
    "X-MS-Exchange-Organization-AuthAs: Internal\r\nX-MS-Exchange-Organization-SCL: -1\r\n"
    f"X-Forefront-Antispam-Report: CIP:{F};SCL:-1;SFV:SKN;DIR:INB;\r\n"
    f"Authentication-Results: spf=pass (sender IP is {F}) smtp.mailfrom=contoso.com; "
    "dmarc=pass action=none header.from=contoso.com;compauth=pass reason=100\r\n"
)
ARC = (
    "ARC-Seal: i=1; a=rsa-sha256; t=1; cv=none; d=fabrikam.com; s=arc; b=AAAA\r\n"
    "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=fabrikam.com; s=arc; "
    "h=from:to; bh=AAAA; b=AAAA\r\n"
    "ARC-Authentication-Results: i=1; mx.fabrikam.com; spf=pass smtp.mailfrom=contoso.com; "
    "dmarc=pass header.from=contoso.com\r\n"
)
REVERIFIED = {
    "ipv4-mapped-client": (MAPPED + FORGED + BODY, A),
    "planted-fetchmail-line": (
        RX + f"Received: from pop.fabrikam.com [{F}] by localhost with POP3 (fetchmail-6.4.37) "
        f"for <ap@fabrikam.com> (single-drop); {D}\r\n" + FORGED + BODY,
        A,
    ),
    "planted-lmtp-line": (
        RX + f"Received: from mx.fabrikam.com by mx.fabrikam.com with LMTP id abc for "
        f"<ap@fabrikam.com>; {D}\r\n" + FORGED + BODY,
        A,
    ),
    "arc-set-claiming-pass": (RX + ARC + FORGED + BODY, A),
    "exchange-org-claims-under-eop": (EOP + MS_CLAIMS + BODY, A),
    "exchange-org-claims-at-the-bottom": (
        EOP + BODY.replace("\r\n\r\n", "\r\n" + MS_CLAIMS + "\r\n"),
        A,
    ),
    # the client's HELO carries parentheses (Postfix accepts any HELO without whitespace):
    # the receiver's own comment after it names the client, not the text glued to the HELO
    "postfix-helo-with-glued-ip": (
        RX.replace("from mail.fabrikam.com", f"from x([{F}])") + FORGED + BODY,
        A,
    ),
    "postfix-helo-with-glued-private-ip": (
        RX.replace("from mail.fabrikam.com", "from mx.fabrikam.com(10.0.0.5)") + FORGED + BODY,
        A,
    ),
    "postfix-helo-with-glued-rdns-and-ip": (
        RX.replace("from mail.fabrikam.com", f"from x(unknown[{F}])") + FORGED + BODY,
        A,
    ),
    "exchange-helo-with-glued-ip": (
        f"Received: from x({F}) ({A}) by EXCH01.fabrikam.com (10.1.0.5) with Microsoft SMTP "
        f"Server id 15.2.1118.7 via Frontend Transport; {D}\r\n"
        + FORGED.replace("mx.fabrikam.com (Postfix)", "EXCH01.fabrikam.com")
        + BODY,
        A,
    ),
    "exchange-helo-with-glued-private-ip": (
        f"Received: from x(10.1.0.9) ({A}) by EXCH01.fabrikam.com (10.1.0.5) with Microsoft SMTP "
        f"Server id 15.2.1118.7 via Frontend Transport; {D}\r\n"
        + FORGED.replace("mx.fabrikam.com (Postfix)", "EXCH01.fabrikam.com")
        + BODY,
        A,
    ),
    "private-client-between": (
        RX + f"Received: from internal (internal [10.0.0.7]) by mx.fabrikam.com (Postfix) with "
        f"ESMTP id 1; {D}\r\n" + FORGED + BODY,
        A,
    ),
}


@pytest.mark.parametrize(("raw", "ip"), REVERIFIED.values(), ids=REVERIFIED.keys())
def test_reverified_spoof_fails(raw: str, ip: str, lab_dns: LabDns) -> None:
    a = analyze(raw.encode())
    resolver = LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)
    v = run_blocking(verify(a, resolver))
    assert v.spf is not None and v.spf.ip == ip
    assert v.spf.verdict is SpfVerdict.FAIL
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.FAIL
    for method in ("spf", "dmarc", "arc"):
        assert stamped(a, method) != "pass", method


def test_a_comment_glued_to_the_helo_is_the_helos_text() -> None:
    from headerlens.parsers.received import parse_received

    r = parse_received(
        f"from x([{F}]) (unknown [{A}]) by mx.fabrikam.com (Postfix) with ESMTP id 1; {D}"
    )
    assert r.from_ip == A
    assert r.from_helo == f"x([{F}])"
    # with no comment of the receiver's own, a glued one is all there is (older MTAs)
    r = parse_received(f"from mail.example.net({A}) by mx.fabrikam.com with SMTP; {D}")
    assert r.from_ip == A


def test_a_planted_rspamd_action_is_not_where_the_receiver_put_the_message() -> None:
    from headerlens.diagnosis import diagnose
    from headerlens.diagnosis.facts import Outcome

    planted = "X-Rspamd-Server: mx\r\nX-Rspamd-Action: no action\r\n"
    a = analyze((RX + BODY.replace("\r\n\r\n", "\r\n" + planted + "\r\n", 1)).encode())
    assert diagnose(a).outcome.outcome is Outcome.UNKNOWN
    # the receiver's own Rspamd run, tied to its Received line by the queue id, still counts
    own = "X-Rspamd-Queue-Id: 4QxyZ1\r\n" + planted
    a = analyze((RX + BODY.replace("\r\n\r\n", "\r\n" + own + "\r\n", 1)).encode())
    assert diagnose(a).outcome.outcome is Outcome.INBOX


EXCHANGE_SERVER = (
    "Received: from EXCH01.fabrikam.com (10.1.0.5) by EXCH02.fabrikam.com (10.1.0.6) with "
    f"Microsoft SMTP Server (version=TLS1_2, cipher=TLS_AES) id 15.2.1118.7; {D}\r\n"
    f"Received: from mail.contoso.com ({A}) by EXCH01.fabrikam.com (10.1.0.5) with Microsoft "
    f"SMTP Server (version=TLS1_2, cipher=TLS_AES) id 15.2.1118.7 via Frontend Transport; {D}\r\n"
)
CLOUD_ONLY = {
    "forefront": "X-Forefront-Antispam-Report: CIP:192.0.2.1;SFV:SKN;SCL:-1;DIR:INB;\r\n",
    "mailbox-delivery": "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;dest:I;\r\n",
}


@pytest.mark.parametrize("planted", CLOUD_ONLY.values(), ids=CLOUD_ONLY.keys())
def test_exchange_online_verdicts_behind_exchange_server_alone_are_the_senders(
    planted: str,
) -> None:
    # Exchange Server writes no X-Forefront-Antispam-Report or Mailbox-Delivery, and its header
    # firewall strips only X-MS-Exchange-Organization-*: a copy at the bottom is the sender's
    from headerlens.diagnosis import diagnose
    from headerlens.diagnosis.facts import Outcome

    for receiver in (EXCHANGE_SERVER, EXCHANGE_SERVER.replace(f"({A})", "(10.1.0.7)") + RX):
        a = analyze((receiver + BODY.replace("\r\n\r\n", "\r\n" + planted + "\r\n", 1)).encode())
        field = next(f for f in a.headers if f.name == planted.split(":")[0])
        assert not a.provenance.is_receivers(field.index)
        assert diagnose(a).outcome.outcome is Outcome.UNKNOWN
    # behind Exchange Online's filter the bottom copy is its own (it renames incoming ones)
    eop = REVERIFIED["exchange-org-claims-under-eop"][0].split("X-MS-Exchange")[0]
    a = analyze((eop + BODY.replace("\r\n\r\n", "\r\n" + planted + "\r\n", 1)).encode())
    assert diagnose(a).outcome.outcome is Outcome.INBOX


def test_a_helo_and_a_forged_hop_in_the_from_domain_do_not_hide_the_spoof(lab_dns: LabDns) -> None:
    # the client says HELO mail.contoso.com and the sender wrote an older hop "by mx.contoso.com":
    # both are the sender's text, so the message is still a spoof of contoso.com (not "its own
    # servers, misconfigured")
    from headerlens.diagnosis import diagnose

    raw = (
        RX.replace("from mail.fabrikam.com", "from mail.contoso.com")
        + f"Received: from pc ([10.0.0.9]) by mx.contoso.com with ESMTP; {D}\r\n"
        + BODY
    )
    a = analyze(raw.encode())
    resolver = LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)
    v = run_blocking(verify(a, resolver))
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.FAIL
    d = diagnose(a, v)
    assert "spoof" in [s.label for s in d.situations]
    assert d.headline.startswith("A spoof of contoso.com")


def _with(extra: str) -> str:
    return BODY.replace("\r\n\r\n", "\r\n" + extra + "\r\n", 1)


CLAIMED_RELAYS = {
    "list-id": RX
    + _with(
        "List-Id: <finance.contoso.com>\r\nPrecedence: list\r\nList-Post: <mailto:f@contoso.com>"
    ),
    "google-group": RX + _with("X-Google-Group-Id: 123\r\nList-Id: <x.googlegroups.com>"),
    "srs-envelope": RX
    + _with("X-Forwarded-To: ap@fabrikam.com").replace(
        "Return-Path: <bounce@contoso.com>",
        "Return-Path: <SRS0=ab=CD=contoso.com=bounce@attacker.example>",
    ),
    "resent-from": RX + _with("Resent-From: <fwd@contoso.com>\r\nResent-To: <ap@fabrikam.com>"),
}


@pytest.mark.parametrize("raw", CLAIMED_RELAYS.values(), ids=CLAIMED_RELAYS.keys())
def test_a_relay_only_the_sender_names_does_not_hide_an_enforced_dmarc_fail(
    raw: str, lab_dns: LabDns
) -> None:
    from headerlens.diagnosis import diagnose

    a = analyze(raw.encode())
    v = run_blocking(verify(a, LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)))
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.FAIL
    d = diagnose(a, v)
    assert "spoof" in [s.label for s in d.situations]
    assert d.headline.startswith("A spoof of contoso.com")


# A list whose host the receiver's line names (reverse DNS in the List-Id's domain) no longer
# explains an enforced DMARC failure either: a sender can run the list on its own domain
# (tests/test_attacker_evidence_3.py, test_a_list_on_the_senders_own_domain_...).


def test_a_simulation_header_the_sender_wrote_does_not_make_a_spoof_training(
    lab_dns: LabDns,
) -> None:
    from headerlens.diagnosis import diagnose

    a = analyze((RX + _with("X-PHISHTEST: KnowBe4\r\nX-PhishMe: Phishing_Training")).encode())
    v = run_blocking(verify(a, LiveResolver(lab_dns.nameservers, timeout=3.0, deadline=20.0)))
    d = diagnose(a, v)
    assert {"phish-sim", "spoof"} <= set(d.labels())
    assert d.headline.startswith("A spoof of contoso.com")
    # the receiver wrote the vendor's reverse DNS for the client: a simulation it let in
    backed = RX.replace("(unknown [", "(mail.nova.phishme.com [")
    a = analyze((backed + _with("X-PhishMe: Phishing_Training")).encode())
    d = diagnose(a, run_blocking(verify(a, LiveResolver(lab_dns.nameservers, timeout=3.0))))
    assert d.headline.startswith("A phishing simulation")
