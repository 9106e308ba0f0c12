"""Red-team round 8: the residuals of round 7, then holes in this round's loosened rules.

1. On a spoof the fix field of an authentication finding was blanked, but three finding titles
   end in advice to the sending side and kept it: "SPF for northwindtraders.com does not
   include spf.protection.outlook.com, but mail now leaves through Exchange Online
   Protection: add include:spf.protection.outlook.com" (an attacker's own Microsoft 365 tenant
   sending as the victim: the advice authorises every tenant), "... bypassing it: route
   outbound through the smart host", "DKIM passes but signs as <tenant>.onmicrosoft.com ...:
   publish the selector1/selector2 CNAMEs" (CNAMEs to the attacker's tenant key). Where a
   situation puts the fix elsewhere the title keeps its fact and loses the advice, in every
   export.
2. The shipped bounce example's returned original (the organisation's own message, p=none)
   read "A spoof of fabrikam.com; nothing to fix there" in the returned message's own
   analysis, with the lab DNS and with its snapshot: a returned copy was refused before any
   receiver stamped it, and under p=none the organisation's own unauthenticated message fails
   DMARC the same way a forgery does. A re-verified DMARC failure of a returned copy is a spoof
   sign only under p=reject or p=quarantine. On a bounce nothing ties to its reporter the
   advice drawn from the returned copy never adds the IP the bounce quotes to SPF (the title's
   "route outbound through the smart host" is said instead of "add ip4:<its IP>").
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.advice import ADVISING, withdrawn
from headerlens.diagnosis.facts import Situation
from headerlens.diagnosis.findings import reconcile
from headerlens.dnsclient.snapshot import SnapshotResolver
from headerlens.model import Finding, Severity
from headerlens.model.codes import Code
from headerlens.model.verification import VerifyMode
from headerlens.report.render import render
from tests.labverify import EXAMPLES, NOW, LoggingMemoryResolver, run_verify
from tests.test_redteam_round6 import _phish_success
from tests.test_redteam_round7 import _phish_bounce

# 1. Advice in a spoof's finding titles.
_GMAIL_TOP = (
    "Delivered-To: carol.recipient@gmail.com\r\n"
    "Received: by 2002:a05:7208:3187:b0:86:4c9e:7a1d with SMTP id t7csp1;\r\n"
    " Tue, 10 Nov 2026 12:14:06 -0800\r\n"
)
# an attacker's own Microsoft 365 tenant sending as northwindtraders.com (p=quarantine, SPF
# without Exchange Online): "add include:spf.protection.outlook.com" authorises every tenant
_VIA_EOP = (
    _GMAIL_TOP + "Return-Path: <billing@northwindtraders.com>\r\n"
    "Received: from NAM12-BN8-obe.outbound.protection.outlook.com (mail-am6eur05on2101."
    "outbound.protection.outlook.com. [40.107.22.101])\r\n        by mx.google.com with ESMTPS"
    " id d7a1b2c3d4e5f6-zq1.104.2026\r\n        for <carol.recipient@gmail.com>;\r\n"
    "        Tue, 10 Nov 2026 12:14:05 -0800\r\n"
    "Received: from evil.example (203.0.113.66) by AM6EUR05FT012.mail.protection.outlook.com\r\n"
    " (10.13.180.90) with Microsoft SMTP Server; Tue, 10 Nov 2026 20:14:01 +0000\r\n"
    "From: Billing <billing@northwindtraders.com>\r\nTo: carol.recipient@gmail.com\r\n"
    "Subject: Invoice overdue\r\nDate: Tue, 10 Nov 2026 20:14:00 +0000\r\n"
    "Message-ID: <x1@evil.example>\r\n\r\nPay here.\r\n"
)
# straight from the attacker's server as fabrikam.com (SPF authorises Trend Micro HES, p=none):
# "route outbound through the smart host; ... add ip4:203.0.113.66 to the SPF record"
_DIRECT = (
    _GMAIL_TOP + "Return-Path: <ops@fabrikam.com>\r\n"
    "Received: from mail.attacker.example (mail.attacker.example. [203.0.113.66])\r\n"
    "        by mx.google.com with ESMTPS id g1g2g3-direct.107.2026\r\n"
    "        for <carol.recipient@gmail.com>;\r\n        Tue, 10 Nov 2026 12:14:05 -0800\r\n"
    "From: Ops Team <ops@fabrikam.com>\r\nTo: carol.recipient@gmail.com\r\n"
    "Subject: Password expiry\r\nDate: Tue, 10 Nov 2026 20:14:00 +0000\r\n"
    "Message-ID: <x2@attacker.example>\r\n\r\nClick.\r\n"
)
_ADVICE = ("add include:", "smart host", "add ip4:", "ip4:203.0.113.66", "publish the selector")
_SPOOFS = {
    "eop": (_VIA_EOP, Code.SPF_SERVICE_NOT_INCLUDED),
    "direct": (_DIRECT, Code.SPF_GATEWAY_BYPASSED),
}


@pytest.mark.parametrize(("raw", "code"), _SPOOFS.values(), ids=_SPOOFS.keys())
def test_a_spoof_gets_no_advice_that_would_authorise_its_sender(
    tmp_path: Path, raw: str, code: Code
) -> None:
    path = tmp_path / "spoof.eml"
    path.write_bytes(raw.encode())
    a, v = run_verify(path, LoggingMemoryResolver(), now=NOW)
    d = diagnose(a, v)
    assert "spoof" in d.labels() and d.headline.startswith("A spoof of ")
    found = [f for f in v.findings if f.code == code]
    assert found, [f.code for f in v.findings]  # the fact stays
    for f in v.findings:
        text = f"{f.title} {f.detail} {f.fix}".lower()
        assert not any(words in text for words in _ADVICE), f
    for fmt in ("md", "json", "html", "summary", "text"):
        out = render(a, v, fmt).lower()
        assert not any(words in out for words in _ADVICE), (fmt, out)


def test_the_advice_stays_for_the_domains_own_mail() -> None:
    from tests.test_findings import MESSAGES

    for name, code, words in (
        ("shared-spf-not-updated.eml", Code.SPF_SERVICE_NOT_INCLUDED, "add include:"),
        ("shared-edge-bypasses-hes.eml", Code.SPF_GATEWAY_BYPASSED, "smart host"),
    ):
        _, v = run_verify(MESSAGES / name, LoggingMemoryResolver(), now=NOW)
        assert words in next(f for f in v.findings if f.code == code).title


def test_every_advising_title_loses_its_advice_where_the_fix_is_elsewhere() -> None:
    spoof = Situation("spoof", 1, ("re-verified DMARC for victim.example: fail",), ())
    d = replace(diagnose(analyze(_DIRECT.encode())), situations=(spoof,))
    titles = {
        Code.SPF_SERVICE_NOT_INCLUDED: "SPF for v.example does not include i.example, but mail "
        "now leaves through S: add include:i.example",
        Code.SPF_GATEWAY_BYPASSED: "SPF for v.example authorises S (include:s.example), but "
        "this message went from h [203.0.113.66] straight to mx, bypassing it: route outbound "
        "through the smart host",
        Code.DKIM_ONMICROSOFT_UNALIGNED: "DKIM passes but signs as evil.onmicrosoft.com, not "
        "aligned with From: publish the selector1/selector2 CNAMEs and enable DKIM for v.example",
    }
    assert set(titles) == ADVISING
    found = reconcile([Finding(c, Severity.WARNING, t, fix="do it") for c, t in titles.items()], d)
    for f in found:
        if f.code in ADVISING:
            assert f.fix == "" and not any(w in f.title for w in _ADVICE), f.title
            assert f.title.endswith(("leaves through S.", "bypassing it.", "aligned with From."))
    # the fact keeps an attacker's ": " in a name it quotes; only our own advice goes
    f = Finding(Code.SPF_GATEWAY_BYPASSED, Severity.WARNING, "a: b: route outbound")
    assert withdrawn(f).title == "a: b."


# 2. The shipped bounce example's returned original, with the snapshot and the lab DNS.
_NDR = EXAMPLES / "ndr-gmail-unauthenticated.eml"


def _ndr(resolver: object, mode: VerifyMode = VerifyMode.LIVE):  # type: ignore[no-untyped-def]
    a, v = run_verify(_NDR, resolver, mode=mode, now=NOW)  # type: ignore[arg-type]
    assert a.ndr is not None and a.ndr.original is not None and v.original is not None
    return a, v


@pytest.mark.parametrize("where", ["snapshot", "lab"])
def test_the_bounce_examples_own_returned_original_is_no_spoof(where: str) -> None:
    if where == "snapshot":
        resolver = SnapshotResolver(EXAMPLES / "ndr-gmail-unauthenticated.dns.json")
        a, v = _ndr(resolver, VerifyMode.SNAPSHOT)
    else:
        a, v = _ndr(LoggingMemoryResolver())
    assert v.original is not None and v.original.dmarc is not None
    assert v.original.dmarc.policy == "none"
    inner = diagnose(a.ndr.original, v.original)  # type: ignore[union-attr]
    assert "spoof" not in inner.labels(), inner.headline
    bypassed = next(f for f in v.original.findings if f.code == Code.SPF_GATEWAY_BYPASSED)
    assert "route outbound through the smart host" in bypassed.title and bypassed.fix
    for fmt in ("md", "json", "html"):
        assert "A spoof of fabrikam.com" not in render(a, v, fmt)
    # the bounce itself stays hedged, and its advice never lists the IP it quotes in SPF
    summary = render(a, v, "summary")
    assert "route outbound through the smart host" in summary
    assert "add ip4:192.0.2.60" not in summary
    doc = json.loads(render(a, v, "json"))
    assert "add ip4:192.0.2.60" not in json.dumps(doc["diagnosis"])


def test_a_returned_original_of_an_enforcing_domain_still_reads_as_a_spoof() -> None:
    # the same bounce with fabrikam.com at p=reject: its returned copy failing DMARC is a spoof
    enforced = LoggingMemoryResolver(
        {("_dmarc.fabrikam.com", "TXT"): ["v=DMARC1; p=reject; rua=mailto:d@fabrikam.com"]}
    )
    a, v = _ndr(enforced)
    assert v.original is not None and v.original.dmarc is not None
    assert v.original.dmarc.policy == "reject"
    inner = diagnose(a.ndr.original, v.original)  # type: ignore[union-attr]
    assert "spoof" in inner.labels()
    bypassed = next(f for f in v.original.findings if f.code == Code.SPF_GATEWAY_BYPASSED)
    assert "smart host" not in bypassed.title and not bypassed.fix


# 3. A notice's own From failing DMARC at the receiver is never hidden by the notice's words.
_D = "Mon, 07 Dec 2026 15:00:09 +0000"


def _plain_bounce(stamp: str) -> bytes:
    """A phish sent with MAIL FROM:<> in a plain bounce's words (no delivery-status part)."""
    return (
        "Received: from mail.attacker.example (mail.attacker.example [203.0.113.66]) by "
        f"mx.fabrikam.example (Postfix) with ESMTP id 4QS for <ap@fabrikam.example>; {_D}\r\n"
        f"{stamp}Return-Path: <>\r\nFrom: Mail Delivery System <MAILER-DAEMON@victim.example>\r\n"
        "To: ap@fabrikam.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {_D}\r\nMessage-ID: <dsn.4711@victim.example>\r\n\r\n"
        "This is the mail system at host mx.victim.example.\r\n\r\n"
        "I'm sorry to have to inform you that your message could not\r\n"
        "be delivered to one or more recipients. It's attached below.\r\n\r\n"
        "<ceo@victim.example>: host mx.victim.example[198.51.100.10] said: 552 5.2.2 "
        "Mailbox full\r\n\r\nYour invoice must be re-sent: log in at "
        "https://pay.attacker.example/login\r\n\r\n"
        "------ This is a copy of the message, including all the headers. ------\r\n\r\n"
        "From: AP <ap@fabrikam.example>\r\nTo: ceo@victim.example\r\nSubject: Invoice 4411\r\n"
        f"Date: {_D}\r\nMessage-ID: <inv.1@fabrikam.example>\r\n\r\nInvoice.\r\n"
    ).encode()


def _dmarc(policy: str) -> str:
    return (
        "Authentication-Results: mx.fabrikam.example; spf=none smtp.helo=mail.attacker.example;"
        f" dmarc=fail (p={policy} dis={policy}) header.from=victim.example\r\n"
    )


def _own_reporter(data: bytes) -> bytes:
    """The DSN names the attacker's own server (whose reverse DNS the receiver confirmed) as
    its reporter: that ties the notice to mail.attacker.example, not to victim.example."""
    return data.replace(
        b"Reporting-MTA: dns; mx.victim.example", b"Reporting-MTA: dns; mail.attacker.example"
    )


_DOUBT = "DMARC fails for victim.example, the domain in its From, so it may be forged"


def _stamped(data: bytes, policy: str) -> bytes:
    return data.replace(b"Return-Path: <>\r\n", (_dmarc(policy) + "Return-Path: <>\r\n").encode())


@pytest.mark.parametrize(
    "make",
    [
        lambda p: _plain_bounce(_dmarc(p)),
        lambda p: _stamped(_phish_success(), p),
        lambda p: _own_reporter(_stamped(_phish_success(), p)),
        lambda p: _own_reporter(_stamped(_phish_bounce(), p)),
    ],
    ids=[
        "plain-untied",
        "dsn-success-untied",
        "dsn-success-own-reporter",
        "dsn-bounce-own-reporter",
    ],
)
def test_the_receivers_dmarc_fail_of_a_notices_own_from_is_said(make) -> None:  # type: ignore[no-untyped-def]
    # p=none: the domain's own unsigned notice fails the same way, so no spoof, but it is said
    a = analyze(make("none"))
    d = diagnose(a)
    assert "ndr" in d.labels() and "spoof" not in d.labels()
    assert _DOUBT in d.headline and "nobody needs to act;" not in d.headline
    assert not d.headline.endswith("nobody needs to act.")
    assert _DOUBT in render(a, None, "summary") and _DOUBT in render(a, None, "md")
    # p=reject: a spoof of victim.example dressed as a notice, whoever it names as reporter
    d = diagnose(analyze(make("reject")))
    assert "spoof" in d.labels()
    assert d.headline.startswith("A spoof of victim.example dressed as a ")
    assert "nothing ties it to mail.attacker.example" not in d.headline


def test_a_notice_of_its_own_reporter_is_unchanged() -> None:
    # the bounce's From is its reporter's own domain and nothing failed: no doubt is added
    d = diagnose(
        analyze(_own_reporter(_phish_bounce()).replace(b"@victim.example>", b"@attacker.example>"))
    )
    assert _DOUBT not in d.headline and "spoof" not in d.labels()


# 4. 13 000 Authentication-Results fields after an OpenDMARC run (1.15 MB): every export read
# the receiver's stamps anew a hundred times or more (14.8 s for the five formats, 1.97 s now).
def test_a_thousand_planted_stamps_are_read_once_and_listed_briefly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import headerlens.stamped as stamped_module
    from headerlens.report.listing import LISTED
    from tests.test_redteam_round4 import _sendmail

    odm = "DMARC-Filter: OpenDMARC Filter v1.4.2 mx.fabrikam.example oBB3JxRJ022484\r\n"

    def ar(stamp: str) -> str:
        return f"Authentication-Results: mx.fabrikam.example; {stamp}\r\n"

    data = _sendmail(
        odm,
        ar("dmarc=fail (p=reject dis=reject) header.from=victim.example"),
        *[ar(f"spf=pass smtp.mailfrom=victim{i}.example") for i in range(13_000)],
    )
    calls: list[int] = []
    read = stamped_module._read

    def counted(a):  # type: ignore[no-untyped-def]
        calls.append(1)
        return read(a)

    monkeypatch.setattr(stamped_module, "_read", counted)
    a = analyze(data)
    assert len(a.auth_results) > LISTED
    outs = {fmt: render(a, None, fmt) for fmt in ("summary", "md", "html", "json", "text")}
    assert len(calls) == 1
    assert "Diagnosis: A spoof of victim.example" in outs["summary"]
    for fmt in ("md", "text"):
        assert (
            outs[fmt].count(
                "Authentication-Results** by" if fmt == "md" else "Authentication-Results by"
            )
            <= LISTED
        )
        assert f"and {len(a.auth_results) - LISTED} more fields of this kind" in outs[fmt]
    assert outs["html"].count("<li><b>Authentication-Results</b>") == LISTED
    assert len(json.loads(outs["json"])["analysis"]["auth_results"]) == len(a.auth_results)


# 6. This round's new words on the console: a notice's DMARC doubt beside hostile reporter text.
_HOSTILE = "[bold red]PASS[/] [@click=app.quit]x[/] \x1b[31mred\x1b]52;c;ZXZpbA==\x07"


async def test_the_notice_doubt_on_the_console_is_inert(tmp_path: Path) -> None:
    from headerlens.tui.app import HeaderlensApp
    from tests.test_tui import OFFLINE, SIZE, _settle, _static_text

    data = _stamped(_phish_success(), "none").replace(
        b"Remote-MTA: dns; mx.victim.example", b"Remote-MTA: dns; " + _HOSTILE.encode()
    )
    (tmp_path / "notice.eml").write_bytes(data)
    async with (
        app := HeaderlensApp(str(tmp_path / "notice.eml"), verify_options=OFFLINE)
    ).run_test(size=SIZE) as pilot:
        screen = await _settle(app, pilot)
        assert "\x1b" not in _static_text(screen, "#detail-text")
        assert screen.is_current  # the [@click=app.quit] did nothing
        await pilot.press("f")
        assert screen.is_current
    for fmt in ("md", "text", "html", "summary", "json"):
        out = render(analyze(data), None, fmt)
        assert "\x1b" not in out and "\x07" not in out


# 5. This round's loosenings, attacked (held; see the note for the inputs of the others).
def test_the_senders_not_spam_joining_the_mailboxs_appended_run_moves_nothing() -> None:
    # genfilt: the filter at the mailbox appends its run after the header the message arrived
    # with, so the sender's own last fields join it; only the last of each name counts, and
    # only a spam verdict, so a planted "No" neither turns its "Yes" into the Inbox nor counts
    from headerlens.diagnosis.facts import Outcome
    from tests.test_diagnosis import _msg
    from tests.test_genfilt import _FETCHED, _SA_NO, _SA_YES

    planted = ("X-Spam-Status: No, hits=-5.0 required=5.0", "X-Spam-Flag: NO")
    for raw in (_msg(*_FETCHED, *planted, *_SA_YES), _msg(*_FETCHED, *_SA_YES[:1], *planted)):
        assert diagnose(analyze(raw)).outcome.outcome is not Outcome.INBOX
    assert diagnose(analyze(_msg(*_FETCHED, *planted, *_SA_YES))).outcome.outcome is Outcome.JUNK
    assert diagnose(analyze(_msg(*_FETCHED, *_SA_NO))).outcome.outcome is not Outcome.INBOX


def test_a_sign_in_read_from_the_top_line_alone_states_its_assumption() -> None:
    # gencomp 6f3cdcd: with every hop internal, the top line's ESMTPSA names an authenticated
    # submission. A file handed over (an attached .eml) can carry that line forged, as it can an
    # SPF-only pass (round 7): the headline says what the reading assumes.
    d = "Mon, 07 Dec 2026 15:00:09 +0000"
    raw = (
        "Received: from ws1.victim.example ([10.1.1.5]) (authenticated bits=0) by "
        "mail.victim.example (8.15.2/8.15.2) with ESMTPSA id 4QS for <ap@fabrikam.example>; "
        f"{d}\r\nFrom: CEO <ceo@victim.example>\r\nTo: ap@fabrikam.example\r\n"
        f"Subject: Urgent wire\r\nDate: {d}\r\nMessage-ID: <m1@victim.example>\r\n\r\nPay.\r\n"
    ).encode()
    line = diagnose(analyze(raw)).headline
    assert "accepted it from a client that signed in (ESMTPSA from 10.1.1.5)" in line
    assert "that holds if the top of this header is as the mailbox received it" in line


def test_a_forged_bounces_returned_copy_never_lists_the_ip_it_quotes(tmp_path: Path) -> None:
    # Item 2 made the returned copy of a p=none domain no spoof, so its fixes came back in the
    # nested "returned message" section: a forged bounce (sent from the attacker's server,
    # quoting its own IP as the one that sent the original) read there "only if this server
    # must send directly, add ip4:203.0.113.66 to the SPF record". Nothing ties the bounce to
    # its reporter: the copy's advice is said under that condition and names no quoted IP.
    raw = _NDR.read_bytes()
    first, _, rest = raw.partition(b"\n")
    forged = (
        first.replace(
            b"EDGE2010.fabrikam.com (192.0.2.60)", b"mail.attacker.example (203.0.113.66)"
        )
        + b"\n"
        + rest.replace(b"with ip: [192.0.2.60]", b"with ip: [203.0.113.66]")
    )
    path = tmp_path / "forged.eml"
    path.write_bytes(forged)
    a, v = run_verify(path, LoggingMemoryResolver(), now=NOW)
    assert v.original is not None and v.original.spf is not None
    assert v.original.spf.ip == "203.0.113.66"
    for fmt in ("md", "json", "html", "summary", "text"):
        assert "ip4:203.0.113.66" not in render(a, v, fmt), fmt
    bypassed = next(f for f in v.original.findings if f.code == Code.SPF_GATEWAY_BYPASSED)
    assert bypassed.fix.startswith("If this bounce really comes from EDGE2010.fabrikam.com")
    assert bypassed.fix.endswith("route outbound through the smart host.")


def test_a_thousand_planted_filter_fields_are_listed_briefly() -> None:
    # 1 000 "X-Spam-Status: No" fields: the Vendor headers section listed each one, and the text
    # export rendered that Markdown again (4.2 s for 30 kB); now at most LISTED, with the count
    from headerlens.report.listing import LISTED

    d = "Mon, 07 Dec 2026 15:00:09 +0000"
    raw = (
        "Received: from mail.attacker.example (mail.attacker.example [203.0.113.66]) by "
        f"mx.fabrikam.example (Postfix) with ESMTP id 4Q; {d}\r\n"
        + "X-Spam-Status: No, score=-1\r\n" * 1000
        + f"From: a@victim.example\r\nSubject: x\r\nDate: {d}\r\n\r\nx\r\n"
    ).encode()
    a = analyze(raw)
    assert len(a.vendor_headers) > LISTED
    more = f"and {len(a.vendor_headers) - LISTED} more fields of this kind"
    for fmt in ("md", "text", "html"):
        out = render(a, None, fmt)
        assert more in out, fmt
        assert out.count("X-Spam-Status") <= LISTED + 5, fmt


def test_a_thousand_planted_received_spf_fields_are_set_aside_in_linear_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 1 000 planted Received-SPF fields naming the entry's client: the boundary's "set aside"
    # note compared each with every stamp it used (498 501 comparisons, 2.4 s of 2.5 s)
    from headerlens.parsers.stamp_evidence import Evidence

    d = "Mon, 07 Dec 2026 15:00:09 +0000"
    raw = (
        "Received: from mail.attacker.example (mail.attacker.example [203.0.113.66]) by "
        f"mx.fabrikam.example (Postfix) with ESMTP id 4Q; {d}\r\n"
        + "".join(
            f"Received-SPF: pass (mx.fabrikam.example: domain of v{i}.example designates "
            f"203.0.113.66 as permitted sender) client-ip=203.0.113.66; envelope-from=a@v{i}."
            "example;\r\n"
            for i in range(1000)
        )
        + f"From: a@victim.example\r\nSubject: x\r\nDate: {d}\r\n\r\nx\r\n"
    ).encode()
    compared: list[int] = []
    eq = Evidence.__eq__

    def counted(self: Evidence, other: object) -> bool:
        compared.append(1)
        return eq(self, other)

    monkeypatch.setattr(Evidence, "__eq__", counted)
    a = analyze(raw)
    assert a.chain.boundary is not None and a.chain.boundary.ip == "203.0.113.66"
    assert len(compared) < 10_000


# genbound 8a63741 made a private hand-off "inside one domain" keep the stamps below it; behind
# a NAT that domain is the line below, which the sender writes: HELO relay.fabrikam.com, a
# planted pass "Authentication-Results: relay.fabrikam.com; ... dmarc=pass" and a forged line
# "by relay.fabrikam.com" read "DMARC pass (stamped)", "in order". Pass stamps below a private
# hand-off are unknown again (its failures still count; filter verdicts keep 8a63741's rule).
@pytest.mark.parametrize("rdns", ["unknown", "relay.fabrikam.com"])
def test_a_pass_planted_below_a_nat_hand_off_inside_one_domain_is_unknown(rdns: str) -> None:
    from tests.test_genbound import BODY, FORGED
    from tests.test_genbound import D as d7

    top = (
        f"Received: from relay.fabrikam.com ({rdns} [10.0.0.5]) by mx.fabrikam.com (Postfix) "
        f"with ESMTP id 4Q; {d7}\r\n"
    )
    stamp = (
        "Authentication-Results: relay.fabrikam.com; spf=pass smtp.mailfrom=contoso.com; "
        "dkim=pass header.d=contoso.com; dmarc=pass header.from=contoso.com\r\n"
    )
    data = (top + stamp + FORGED.format(by="relay.fabrikam.com") + BODY).encode()
    out = render(analyze(data), None, "summary")
    assert "pass (stamped)" not in out and "in order" not in out
    failed = (
        top + stamp.replace("dmarc=pass", "dmarc=fail") + FORGED.format(by="relay.fabrikam.com")
    )
    assert "DMARC fail (stamped)" in render(analyze((failed + BODY).encode()), None, "summary")
