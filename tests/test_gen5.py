"""Receivers behind filtering gateways and less common receivers, read as an expert would."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings_build import stamped_findings
from headerlens.diagnosis.wording import fix, title
from headerlens.model import Finding, Severity
from headerlens.model.codes import Code
from headerlens.model.provenance import Author
from tests.test_diagnosis import _msg

_EOP_TOP = (
    "Received: from DM6PR01MB0001.namprd01.prod.outlook.com (2603:10b6:5:1::1) by "
    "DM6PR01MB0002.namprd01.prod.outlook.com with HTTPS; Mon, 2 Jun 2025 10:00:05 +0000",
    "Received: from BN1NAM02FT001.eop-nam02.prod.protection.outlook.com (2603:10b6:5:2::2) by "
    "DM6PR01MB0001.namprd01.prod.outlook.com (2603:10b6:5:1::1) with Microsoft SMTP Server "
    "(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.1.1; "
    "Mon, 2 Jun 2025 10:00:04 +0000",
)


def _gateway_fronted(
    *,
    gateway: str,
    spf: str,
    dmarc: str,
    ptr: str | None,
    rcpt: str = "fabrikam.example",
    tail: tuple[str, ...] = (),
) -> bytes:
    """Internet sender -> the recipient's gateway -> EOP (which sees the gateway's address)."""
    cip = "192.0.2.25"
    report = f"CIP:{cip};CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:{gateway};" + (
        f"PTR:{ptr};" if ptr else "PTR:;"
    )
    return _msg(
        *_EOP_TOP,
        f"Authentication-Results: spf={spf} (sender IP is {cip}) smtp.mailfrom=contoso.example; "
        f"dkim=pass (signature was verified) header.d=contoso.example;dmarc={dmarc} "
        f"action=none header.from=contoso.example;compauth={dmarc} reason=100",
        f"Received-SPF: {spf.capitalize()} (protection.outlook.com: domain of contoso.example "
        f"does not designate {cip} as permitted sender)",
        f"Received: from {gateway} ({cip}) by BN1NAM02FT001.mail.protection.outlook.com "
        "(10.13.2.10) with Microsoft SMTP Server (version=TLS1_2, "
        "cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.1.1 via Frontend Transport; "
        "Mon, 2 Jun 2025 10:00:03 +0000",
        f"Received: from mail.contoso.example (mail.contoso.example [198.51.100.40]) by "
        f"{gateway} with ESMTP id gw-1234-1 for <ann@{rcpt}>; Mon, 02 Jun 2025 10:00:02 +0000",
        "Received: by mail.contoso.example with SMTP id 77aa; Mon, 02 Jun 2025 10:00:01 +0000",
        "DKIM-Signature: v=1; a=rsa-sha256; d=contoso.example; s=s1; h=from:to; bh=AAAA; b=abcd",
        "From: Bob <bob@contoso.example>",
        f"To: ann@{rcpt}",
        "Subject: quarterly figures",
        "Date: Mon, 02 Jun 2025 10:00:00 +0000",
        "Message-ID: <q1@contoso.example>",
        *tail,
        f"X-Forefront-Antispam-Report: {report}DIR:INB;",
        "X-MS-Exchange-Organization-SCL: 1",
        "X-MS-Exchange-Organization-AuthAs: Anonymous",
        "X-MS-Exchange-CrossTenant-FromEntityHeader: Internet",
    )


def _spf_finding(raw: bytes) -> Finding:
    found = [
        f
        for f in stamped_findings(analyze(raw))
        if f.code in (Code.STAMPED_SPF_SOFTFAIL, Code.STAMPED_SPF_FAIL)
    ]
    assert len(found) == 1
    return found[0]


def test_spf_failure_on_the_gateway_address_is_explained_not_blamed_on_the_sender() -> None:
    """EOP behind Mimecast/Proofpoint checks SPF against the gateway's address: the failure says
    nothing about the sender, and the fix is at the receiver (enhanced filtering), never "add the
    server to the sender's SPF"."""
    for gw in ("eu-smtp-inbound-1.mimecast.com", "mx0a-00112233.pphosted.com"):
        f = _spf_finding(_gateway_fronted(gateway=gw, spf="softfail", dmarc="pass", ptr=gw))
        assert f.severity is Severity.INFO
        assert "filtering gateway" in f.title and "not against the server that sent" in f.title
        assert "DMARC still passed" in f.title
        assert (
            "Enhanced Filtering" in f.fix and "nothing is to be fixed at contoso.example" in f.fix
        )


def test_gateway_spf_failure_without_dmarc_pass_stays_a_warning() -> None:
    f = _spf_finding(
        _gateway_fronted(
            gateway="eu-smtp-inbound-1.mimecast.com",
            spf="fail",
            dmarc="fail",
            ptr="eu-smtp-inbound-1.mimecast.com",
        )
    )
    assert f.severity is Severity.WARNING
    assert "filtering gateway" in f.title and "DMARC still passed" not in f.title


def test_a_gateway_name_the_receiver_did_not_look_up_is_only_a_claim() -> None:
    """The name before the IP on EOP's line is the client's HELO: with no PTR that Microsoft
    wrote, a sender calling itself a gateway gets the ordinary SPF finding."""
    f = _spf_finding(
        _gateway_fronted(
            gateway="eu-smtp-inbound-1.mimecast.com", spf="softfail", dmarc="pass", ptr=None
        )
    )
    assert "filtering gateway" not in f.title
    assert f.severity is Severity.WARNING


def test_a_ptr_of_another_vendor_than_the_line_below_is_not_a_gateway_handoff() -> None:
    raw = _gateway_fronted(
        gateway="eu-smtp-inbound-1.mimecast.com",
        spf="softfail",
        dmarc="pass",
        ptr="mx0a-00112233.pphosted.com",
    )
    f = _spf_finding(raw)
    assert "filtering gateway" not in f.title


_PP_TAIL = (
    "X-Proofpoint-Virus-Version: vendor=fsecure engine=2.50.10434:6.0.343 signatures=0",
    "X-Proofpoint-Spam-Details: rule=notspam policy=default score=4 spamscore=4 phishscore=0",
)


def test_gateway_verdict_fields_at_the_bottom_are_the_gateways_not_the_senders() -> None:
    """Proofpoint appends its X-Proofpoint-* run after the message's own header: with one
    Proofpoint gateway in the chain before the receiver, the run is that gateway's verdict (an
    intermediary's), not the sender's; it is never the final receiver's."""
    gw = "mx0a-00112233.pphosted.com"
    a = analyze(_gateway_fronted(gateway=gw, spf="softfail", dmarc="pass", ptr=gw, tail=_PP_TAIL))
    for f in a.headers:
        if f.lname.startswith("x-proofpoint-"):
            author = a.provenance.of(f.index)
            assert author is not None and author.author is Author.INTERMEDIARY
            assert author.writer == gw and "Proofpoint" in author.evidence


def test_gateway_named_fields_without_that_gateway_in_the_chain_stay_unattributed() -> None:
    gw = "eu-smtp-inbound-1.mimecast.com"
    a = analyze(_gateway_fronted(gateway=gw, spf="softfail", dmarc="pass", ptr=gw, tail=_PP_TAIL))
    for f in a.headers:
        if f.lname.startswith("x-proofpoint-"):
            author = a.provenance.of(f.index)
            assert author is not None and author.author is not Author.INTERMEDIARY
            assert not a.provenance.is_receivers(f.index)


def _yahoo(top_by: str, proto: str) -> bytes:
    return _msg(
        f"Received: from 10.20.30.40\r\n by {top_by} with {proto}; Mon, 21 Jun 2021 15:36:02 +0000",
        "Return-Path: <bounce-77@news.contoso.example>",
        "X-Originating-Ip: [198.51.100.61]",
        "Received-SPF: pass (domain of news.contoso.example designates 198.51.100.61 as "
        "permitted sender)",
        f"Authentication-Results: {top_by};\r\n dkim=pass header.i=@news.contoso.example "
        "header.s=s1;\r\n spf=pass smtp.mailfrom=news.contoso.example;\r\n dmarc=pass(p=NONE) "
        "header.from=news.contoso.example;",
        "X-Apparently-To: ann@yahoo.com; Mon, 21 Jun 2021 15:36:02 +0000",
        "Received: from 198.51.100.61 (EHLO out.news.contoso.example)\r\n by 10.20.30.40 with "
        "SMTP;\r\n Mon, 21 Jun 2021 15:36:02 +0000",
        "DKIM-Signature: v=1; a=rsa-sha256; d=news.contoso.example; s=s1; h=from; bh=AA; b=abcd",
        "From: Contoso News <news@news.contoso.example>",
        "To: ann@yahoo.com",
        "Subject: June news",
        "Date: 21 Jun 2021 15:35:39 -0000",
        "Message-ID: <n1@news.contoso.example>",
    )


def test_yahoo_atlas_tier_is_yahoos_own_host_not_an_unconfirmed_boundary() -> None:
    """Yahoo's atlas mailbox hosts take mail over HTTP(S) from Yahoo's inbound MTA, named by a
    private address: that is Yahoo's own tier, so the boundary (Yahoo's MTA <- the sender) is
    not flagged as resting on an unconfirmed internal line."""
    a = analyze(_yahoo("atlas206.free.mail.ne1.yahoo.com", "HTTPS"))
    b = a.chain.boundary
    assert b is not None and b.ip == "198.51.100.61" and b.unconfirmed is None
    # the same line written over SMTP by a host outside Yahoo's atlas tier stays unconfirmed
    other = analyze(_yahoo("mx.fabrikam.example", "SMTP")).chain.boundary
    assert other is not None and other.unconfirmed is not None


def test_no_dmarc_verdict_is_not_said_to_be_a_missing_record() -> None:
    """GMX writes only dkim= in its Authentication-Results: a control with no
    DMARC verdict does not claim the From domain lacks a DMARC record (an invented problem)."""
    raw = _msg(
        "Return-Path: <news@mailings.contoso.example>",
        "Authentication-Results: gmx.net; dkim=pass header.i=@mailings.contoso.example",
        "Received: from mout.contoso.example ([198.51.100.53]) by mx-ha.gmx.net (mxgmx103 "
        "[212.227.17.5]) with ESMTPS (Nemesis) id 1MeCZ5-1nWyOC0iSF-00bMu8 for <ann@gmx.de>; "
        "Thu, 30 Jun 2022 12:47:23 +0200",
        "DKIM-Signature: v=1; a=rsa-sha256; d=mailings.contoso.example; s=s1; h=from; bh=AA; "
        "b=abcd",
        "From: Contoso <news@mailings.contoso.example>",
        "To: ann@gmx.de",
        "Subject: June",
        "Date: Thu, 30 Jun 2022 12:47:22 +0200",
        "Message-ID: <m1@mailings.contoso.example>",
    )
    ctl = diagnose(analyze(raw)).get("control")
    assert ctl is not None
    text = title(ctl)
    assert "nothing would stop a forgery" not in text
    assert "does not check DMARC" in text and "re-check with DNS" in text


def test_gateway_fronted_legitimate_mail_is_a_control() -> None:
    """DMARC passed at EOP and the only failure is SPF on the gateway's address: the control
    case is said plainly, naming the gateway; without a gateway the receiver looked up, the SPF
    failure still rules control out."""
    gw = "eu-smtp-inbound-1.mimecast.com"
    d = diagnose(analyze(_gateway_fronted(gateway=gw, spf="softfail", dmarc="pass", ptr=gw)))
    ctl = d.get("control")
    assert ctl is not None and ctl.fact("gateway") == "Mimecast"
    assert title(ctl).startswith("Nothing is wrong") and "Mimecast" in title(ctl)
    claim = diagnose(analyze(_gateway_fronted(gateway=gw, spf="softfail", dmarc="pass", ptr=None)))
    assert claim.get("control") is None


def test_two_passes_through_one_vendor_are_not_guessed() -> None:
    """A list behind Mimecast re-sending through Mimecast: the X-Mimecast-* run at the bottom
    could be either pass's, so it is tied to neither."""
    raw = _msg(
        "Received: from us-smtp-delivery-1.mimecast.com (us-smtp-delivery-1.mimecast.com "
        "[192.0.2.124]) by mail.fabrikam.example (Postfix) with ESMTPS id 14EB6 for "
        "<ann@fabrikam.example>; Wed,  8 Jun 2022 10:50:02 +0200 (CEST)",
        "Received: from lists.contoso.example (lists.contoso.example [198.51.100.88]) by "
        "relay.mimecast.com with ESMTP id us-mta-669-A-1; Wed, 08 Jun 2022 04:49:58 -0400",
        "Received: from relay.mimecast.com (us-smtp-2.mimecast.com [192.0.2.61]) by "
        "lists.contoso.example (Postfix) with ESMTPS id 632C0 for <dev@contoso.example>; "
        "Wed,  8 Jun 2022 08:49:50 +0000 (UTC)",
        "Received: from out1.sender.example (out1.sender.example [203.0.113.63]) by "
        "relay.mimecast.com with ESMTP id us-mta-206-B-1; Wed, 08 Jun 2022 04:49:48 -0400",
        "From: Bob <bob@sender.example>",
        "To: dev@contoso.example",
        "Subject: patch",
        "Date: Wed, 8 Jun 2022 08:43:26 +0000",
        "Message-ID: <p1@sender.example>",
        "List-Id: <dev.contoso.example>",
        "X-Mimecast-Spam-Score: 0",
        "X-Mimecast-Originator: contoso.example",
    )
    a = analyze(raw)
    for f in a.headers:
        if f.lname.startswith("x-mimecast-"):
            author = a.provenance.of(f.index)
            assert author is not None and "Mimecast gateway" not in author.evidence
            assert not a.provenance.is_receivers(f.index)


def _yahoo_spf_only(planted: bool = False) -> bytes:
    """Yahoo's older stamps: SPF only in Received-SPF ("domain of X designates IP"), and
    ``dkim=neutral (no sig)`` for an unsigned message."""
    spf = (
        "Received-SPF: pass (domain of news.contoso.example designates 198.51.100.8 as "
        "permitted sender)"
    )
    line = (
        "Received: from 127.0.0.1  (EHLO out.mailer.example) (198.51.100.8)\r\n  by "
        "mta4396.mail.ne1.yahoo.com with SMTPS; Sat, 02 Feb 2019 22:19:04 +0000"
    )
    return _msg(
        "X-Apparently-To: ann@yahoo.com; Sat, 02 Feb 2019 22:19:06 +0000",
        "Return-Path: <alerts@news.contoso.example>",
        *([] if planted else [spf]),
        "X-Originating-IP: [198.51.100.8]",
        "Authentication-Results: mta4396.mail.ne1.yahoo.com  from=news.contoso.example; "
        "dkim=neutral (no sig)",
        line,
        "Received: from unknown (HELO app.local) ([203.0.113.72])\r\n  by out.mailer.example "
        "with ESMTP; 02 Feb 2019 16:18:36 -0600",
        *([spf] if planted else []),
        "From: Contoso <alerts@news.contoso.example>",
        "To: ann@yahoo.com",
        "Subject: notice",
        "Date: Sat, 2 Feb 2019 16:18:35 -0600",
        "Message-ID: <a1@news.contoso.example>",
    )


def test_yahoo_received_spf_pass_is_the_receivers_spf_verdict() -> None:
    """Yahoo's Received-SPF pass for the From domain is its own SPF verdict: the message is not
    "unauthenticated, cannot be told from a spoof", and ``dkim=neutral (no sig)`` is an
    unsigned message, not a key or signature problem to fix."""
    a = analyze(_yahoo_spf_only())
    d = diagnose(a)
    assert "Nothing authenticated" not in d.headline and "Unauthenticated" not in d.headline
    dkim = [f for f in stamped_findings(a) if f.code.value.startswith("stamped.dkim")]
    assert dkim and all(f.severity is Severity.INFO for f in dkim)
    assert "no DKIM signature" in dkim[0].title


def test_a_received_spf_pass_below_the_receivers_line_is_not_its_verdict() -> None:
    d = diagnose(analyze(_yahoo_spf_only(planted=True)))
    assert "spf=pass" not in d.headline
    assert d.headline.startswith(("Unauthenticated", "Nothing authenticated"))


def test_dmarc_fail_behind_a_gateway_is_not_called_a_certain_spoof() -> None:
    """Unsigned mail through the recipient's Mimecast: EOP's dmarc=fail rests on SPF for the
    gateway's address, so it cannot tell a forgery from the domain's own mail: the spoof label
    stays (never a pass), worded as undecided, and the fix is the gateway's verdict / enhanced
    filtering, not "it did not send this". A gateway only the HELO names changes nothing."""
    gw = "eu-smtp-inbound-1.mimecast.com"

    def raw(ptr: str | None) -> bytes:
        return (
            _gateway_fronted(gateway=gw, spf="fail", dmarc="fail", ptr=ptr)
            .replace(b"compauth=fail reason=100", b"compauth=none reason=905")
            .replace(b"dkim=pass (signature was verified)", b"dkim=none (message not signed)")
        )

    d = diagnose(analyze(raw(gw)))
    sp = d.get("spoof")
    assert sp is not None and sp.fact("gateway") == "Mimecast"
    assert "cannot tell" in title(sp) and "did not send this" not in fix(sp)
    assert d.headline.startswith("Possibly a spoof of contoso.example, or its own mail")
    plain = diagnose(analyze(raw(None)))
    sp2 = plain.get("spoof")
    assert sp2 is not None and sp2.fact("gateway") is None
    assert plain.headline.startswith("A spoof of contoso.example")


def _yahoo_unknown(dkim: str) -> bytes:
    return _msg(
        "Received: from 127.0.0.1\r\n by atlas-production.v2-mail-prod1-gq1.omega.yahoo.com "
        "with HTTP; Sat, 9 Jul 2022 10:35:03 +0000",
        "Return-Path: <alerts@notify.contoso.example>",
        "X-Originating-Ip: [198.51.100.4]",
        "Received-SPF: pass (domain of notify.contoso.example designates 198.51.100.4 as "
        "permitted sender)",
        "Authentication-Results: atlas-production.v2-mail-prod1-gq1.omega.yahoo.com;\r\n "
        f"{dkim};\r\n spf=pass smtp.mailfrom=notify.contoso.example;\r\n dmarc=unknown "
        "header.from=notify.contoso.example;",
        "X-Apparently-To: ann@yahoo.com; Sat, 9 Jul 2022 10:35:03 +0000",
        "Received: from 198.51.100.4 (EHLO out.notify.contoso.example)\r\n by 10.253.231.24 "
        "with SMTPs;\r\n Sat, 09 Jul 2022 10:35:03 +0000",
        "DKIM-Signature: v=1; a=rsa-sha256; d=notify.contoso.example; s=s1; h=from; bh=AA; b=ab",
        "From: alerts@notify.contoso.example",
        "To: ann@yahoo.com",
        "Subject: alert",
        "Date: Sat, 9 Jul 2022 10:35:02 +0000",
        "Message-ID: <u1@notify.contoso.example>",
    )


def test_yahoo_dmarc_unknown_is_no_policy_not_a_failure() -> None:
    """Yahoo writes dmarc=unknown when the From domain has no DMARC policy (and dkim=unknown for
    an unsigned message): not "neither SPF nor DKIM passed aligned"; with an aligned pass it is
    the control case, said with the missing policy."""
    a = analyze(_yahoo_unknown("dkim=pass header.i=@notify.contoso.example header.s=s1"))
    assert not [f for f in stamped_findings(a) if f.severity is not Severity.INFO]
    ctl = diagnose(a).get("control")
    assert ctl is not None and "no DMARC policy" in title(ctl)
    unsigned = analyze(_yahoo_unknown("dkim=unknown"))
    assert not [f for f in stamped_findings(unsigned) if f.code.value.startswith("stamped.dkim")]
    assert diagnose(unsigned).get("control") is not None  # SPF passed aligned
