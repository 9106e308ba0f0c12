"""Where the receiver filed it outside Microsoft's current headers, forwards that need no fix,
allow-list overrides into a folder of the user's own, and placeholder times."""

from __future__ import annotations

import base64

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.facts import GapKind, Outcome, Situation
from headerlens.diagnosis.wording import fix, title
from headerlens.model import Severity
from headerlens.model.vendor import VendorHeader
from headerlens.report.verdicts import bar_line
from headerlens.report.words import transit_words
from tests.test_diagnosis import _msg

# ---- 1. receiver folder verdicts: Yahoo, GMX / WEB.DE, old Hotmail ----------------------------


def _yahoo_bulk(*, bulk_above: bool) -> bytes:
    """Yahoo's classic MTA: X-YahooFilteredBulk above its own Received line (the Bulk folder)."""
    bulk = ("X-YahooFilteredBulk: 192.0.2.71",)
    return _msg(
        "X-Apparently-To: ann@yahoo.example via 198.51.100.9; Mon, 03 Feb 2014 20:45:52 +0000",
        "Return-Path: <bob@contoso.example>",
        *(bulk if bulk_above else ()),
        "Received-SPF: pass (domain of contoso.example designates 192.0.2.71 as permitted sender)",
        "Authentication-Results: mta1380.mail.ne1.yahoo.com  from=contoso.example; "
        "domainkeys=neutral (no sig);  from=contoso.example; dkim=pass (ok)",
        "Received: from 127.0.0.1  (EHLO mail.contoso.example) (192.0.2.71)\r\n"
        "  by mta1380.mail.ne1.yahoo.com with SMTPS; Mon, 03 Feb 2014 20:45:51 +0000",
        "Received: by mail.contoso.example with SMTP id c11so; Mon, 03 Feb 2014 12:45:50 -0800",
        "From: Bob <bob@contoso.example>",
        "To: ann@yahoo.example",
        "Subject: test",
        "Date: Mon, 3 Feb 2014 12:45:50 -0800",
        "Message-ID: <y1@contoso.example>",
        *(() if bulk_above else bulk),
    )


def test_yahoo_filtered_bulk_above_its_line_is_the_bulk_folder() -> None:
    d = diagnose(analyze(_yahoo_bulk(bulk_above=True)))
    assert d.outcome.outcome is Outcome.JUNK
    assert "X-YahooFilteredBulk" in d.outcome.evidence[0]
    assert "junk" in d.labels()


def test_yahoo_filtered_bulk_written_by_the_sender_is_not_yahoos_verdict() -> None:
    d = diagnose(analyze(_yahoo_bulk(bulk_above=False)))
    assert d.outcome.outcome is Outcome.UNKNOWN
    assert "junk" not in d.labels()


def _gmx(tail: tuple[str, ...], *, by: str = "mx-ha.gmx.net (mxgmx001)") -> bytes:
    """GMX's inbound: it appends Envelope-To and its filter fields after the arrived header."""
    return _msg(
        "Return-Path: <bob@contoso.example>",
        "Received: from mail.contoso.example ([192.0.2.80]) by "
        f"{by} with ESMTPS (Nemesis) id 0MStpz-1XVPwJ3X41-00Rm7h for <ann@gmx.example>; "
        "Fri, 28 Nov 2014 18:00:14 +0100",
        "Received: from localhost by mail.contoso.example with ESMTP id 4411; "
        "Fri, 28 Nov 2014 18:00:13 +0100",
        "From: Bob <bob@contoso.example>",
        "To: ann@gmx.example",
        "Subject: offer",
        "Date: Fri, 28 Nov 2014 18:00:13 +0100",
        "Message-ID: <g1@contoso.example>",
        *tail,
    )


_GMX_JUNK = (
    "Envelope-To: <ann@gmx.example>",
    "X-GMX-Antispam: 6 (nemesis text pattern profiler); Detail=V3;",
    "X-GMX-Antivirus: 0 (no virus found)",
    "X-UI-Filterresults: junk:10;V03:K0:abcdefgh=:AAAA",
)


def test_gmx_filter_verdict_after_its_envelope_to_is_the_receivers() -> None:
    a = analyze(_gmx(_GMX_JUNK))
    d = diagnose(a)
    assert d.outcome.outcome is Outcome.JUNK
    assert d.outcome.evidence == ("X-UI-Filterresults: junk:10",)
    assert "junk" in d.labels()
    ui = next(f for f in a.headers if f.lname == "x-ui-filterresults")
    assert a.provenance.is_receivers(ui.index)


def test_gmx_notjunk_is_unknown_and_web_de_is_the_same_service() -> None:
    # nothing ties a not-junk verdict to GMX (where GMX appended none, the sender's own last
    # fields sit there: tests/test_redteam_round6.py), so it decides no folder
    tail = ("Envelope-To: <ann@web.example>", "X-UI-Filterresults: notjunk:1;V03:K0:abc=")
    d = diagnose(analyze(_gmx(tail, by="mx-ha.web.de (mxweb112 [212.227.17.8])")))
    assert d.outcome.outcome is Outcome.UNKNOWN
    assert "junk" not in d.labels()
    tail = ("Envelope-To: <ann@web.example>", "X-UI-Filterresults: junk:10;V03:K0:abc=")
    d = diagnose(analyze(_gmx(tail, by="mx-ha.web.de (mxweb112 [212.227.17.8])")))
    assert d.outcome.outcome is Outcome.JUNK


def test_a_planted_gmx_verdict_before_the_receivers_block_does_not_count() -> None:
    planted = ("Envelope-To: <ann@gmx.example>", "X-UI-Filterresults: notjunk:1;V03:K0:x=")
    d = diagnose(analyze(_gmx(planted + _GMX_JUNK)))
    assert d.outcome.outcome is Outcome.JUNK  # GMX's own block is the last one


def test_gmx_fields_at_another_receiver_are_the_senders() -> None:
    """GMX's outbound writes X-GMX-Antispam on what its users send: at another receiver it is
    the sending side's, and no folder is read from it."""
    a = analyze(_gmx(_GMX_JUNK, by="mx1.fabrikam.example"))
    d = diagnose(a)
    assert d.outcome.outcome is Outcome.UNKNOWN
    ui = next(f for f in a.headers if f.lname == "x-ui-filterresults")
    assert not a.provenance.is_receivers(ui.index)


def test_gmx_without_its_envelope_to_credits_nothing_at_the_bottom() -> None:
    d = diagnose(analyze(_gmx(("X-UI-Filterresults: notjunk:1;V03:K0:x=",))))
    assert d.outcome.outcome is Outcome.UNKNOWN


def _hotmail(scl: str) -> bytes:
    delivery = base64.b64encode(f"V=1.1;D=0;GD=0;SCL={scl};l=1;us=1".encode()).decode()
    return _msg(
        "X-Message-Delivery: " + delivery,
        "X-Message-Info: AuEzbeVr9u5fkDpn2vR5iCu5wb6H",
        "Received: from mail.contoso.example ([192.0.2.95]) by COL004-MC4F26.o.hotmail.com "
        "with Microsoft SMTPSVC(7.5.7601.22751); Fri, 21 Nov 2014 14:24:52 -0800",
        "Return-Path: <bob@contoso.example>",
        "From: Bob <bob@contoso.example>",
        "Subject: offer",
        "To: ann@hotmail.example",
        "Date: Fri, 21 Nov 2014 14:24:36 -0800",
        "Message-ID: <h1@contoso.example>",
    )


def _as_bounce(raw: bytes) -> bytes:
    """The message turned into a plain-text Exim-style bounce from its receiver's daemon."""
    return (
        raw.decode()
        .replace("From: Bob <bob@contoso.example>", "From: MAILER-DAEMON@mail.gmx.example")
        .replace("Subject: offer", "Subject: Mail delivery failed: returning message to sender")
        .replace("Return-Path: <bob@contoso.example>", "Return-Path: <>")
        .replace(
            "\r\n\r\nbody\r\n",
            "\r\n\r\nThis message was created automatically by mail delivery software.\r\n\r\n"
            "A message that you sent could not be delivered to one or more of\r\nits "
            "recipients. This is a permanent error. The following address\r\nfailed:\r\n\r\n"
            '"carol@example.net":\r\nSMTP error from remote server after RCPT command:\r\n'
            "host: mx.example.net\r\n5.1.1 <carol@example.net>... User Unknown\r\n",
        )
        .encode()
    )


def test_old_hotmail_message_delivery_scl_is_decoded_into_a_folder() -> None:
    d = diagnose(analyze(_hotmail("9")))
    assert d.outcome.outcome is Outcome.JUNK
    assert d.outcome.evidence == ("X-Message-Delivery: SCL=9 (base64-decoded)",)
    assert diagnose(analyze(_hotmail("1"))).outcome.outcome is Outcome.INBOX


def test_a_bounce_says_where_the_bounce_itself_was_filed() -> None:
    a = analyze(_as_bounce(_gmx((*_GMX_JUNK[:1], "X-UI-Filterresults: junk:10;V01:K0:C19s=="))))
    d = diagnose(a)
    assert d.outcome.outcome is Outcome.REJECTED
    assert d.outcome.folder is not None and "the spam folder" in d.outcome.folder
    assert "junk:10" in d.outcome.folder
    assert "Rejected (bounce); the bounce itself: " in bar_line(a, None)


def test_a_bounce_with_only_a_spam_score_is_said_as_rated_not_filed() -> None:
    d = diagnose(analyze(_as_bounce(_hotmail("9"))))
    assert d.outcome.outcome is Outcome.REJECTED
    assert d.outcome.folder is not None and "rated it spam" in d.outcome.folder


# ---- 2. a forward that already did SRS and passes needs no fix at the forwarder --------------

_SRS = "SRS0=HHH=TT=oldfriends.example=news@fwd.example"


def _srs_forward(ar: str) -> Situation:
    from tests.test_gensit import _eop

    d = diagnose(analyze(_eop(ar, "X-Forwarded-To: victim@example.net", env=_SRS)))
    fwd = d.get("forward-srs")
    assert fwd is not None
    return fwd


def test_a_forward_that_did_srs_and_passes_is_handled_not_told_to_do_srs() -> None:
    fwd = _srs_forward(
        "spf=pass (sender IP is 203.0.113.215) smtp.mailfrom=fwd.example; dkim=pass "
        "header.d=oldfriends.example;dmarc=pass action=none header.from=oldfriends.example;"
        "compauth=pass reason=100"
    )
    text = fix(fwd)
    assert text.startswith("Nothing to fix: the forward is handled")
    assert "spf=pass (fwd.example), dmarc=pass (oldfriends.example)" in text
    assert "rewrite the envelope" not in text


def test_a_forward_that_breaks_dmarc_still_gets_the_forwarder_fix() -> None:
    fwd = _srs_forward(
        "spf=pass (sender IP is 203.0.113.215) smtp.mailfrom=fwd.example; dkim=fail "
        "header.d=oldfriends.example;dmarc=fail action=none header.from=oldfriends.example;"
        "compauth=fail reason=001"
    )
    assert fix(fwd).startswith("Fix at the forwarder")


# ---- 3. allow list + the user's own folder by rule ----------------------------------------------


def test_allow_list_into_a_folder_of_the_users_own_is_labelled_and_not_unknown() -> None:
    from tests.test_genattr import _eop_delivery

    d = diagnose(
        _eop_delivery(
            "X-MS-Exchange-Organization-SCL: 9",
            "X-Microsoft-Antispam-Mailbox-Delivery: abwl:0;wl:1;pcwl:1;ucf:1;jmr:0;auth:0;"
            "dest:C;OFR:CustomRules;ENG:(910001)(944506478);",
        )
    )
    assert d.outcome.outcome is Outcome.FOLDER
    s = d.get("allowlist-override")
    assert s is not None and "wl:1 and dest:C" in s.evidence[0]
    assert "rule the recipient set up" in title(s)
    assert "junk" not in d.labels()


def test_a_folder_rule_without_an_allow_list_or_a_spam_verdict_is_no_override() -> None:
    from tests.test_genattr import _eop_delivery

    d = diagnose(
        _eop_delivery(
            "X-MS-Exchange-Organization-SCL: 1",
            "X-Microsoft-Antispam-Mailbox-Delivery: wl:1;pcwl:1;ucf:1;dest:C;OFR:CustomRules;",
        )
    )
    assert d.outcome.outcome is Outcome.FOLDER
    assert "allowlist-override" not in d.labels()


# ---- 4. early stamps the later ones and the Date contradict: no queue can be named -------------


def _bounce_chain(date: str) -> bytes:
    """A bounce whose two first stamps read one invented time (+0900), then the real receipt in
    -0700 and the bounce's own Date in -0700."""
    return _msg(
        "Return-Path: <MAILER-DAEMON@mx.example.com>",
        "Received: from mta5.example.net (mta5.example.net [192.0.2.89]) by mx.example.com "
        "(8.14.1/8.12.11) with ESMTP id o0001 for <ann@mx.example.com>; "
        "Tue, 29 Apr 2010 10:45:04 -0700",
        "Received: from mta5.example.net (MTAXYZ [127.0.0.1]) by mx0.example.net (localhost) "
        "with ESMTP id 0002 for <ann@mx.example.com>; Tue, 29 Apr 2010 12:34:45 +0900 (JST)",
        "Received: from x.mail.example.net (x.mail.example.net [192.0.2.25]) by mta5.example.net "
        "(localhost) with ESMTP id 0003 for <ann@mx.example.com>; "
        "Tue, 29 Apr 2010 12:34:45 +0900 (JST)",
        f"Date: {date}",
        "From: Postmaster@example.net",
        "To: Ann <ann@example.com>",
        "Subject: DELIVERY FAILURE: User bob (bob@example.net) not listed in Domino Directory",
        "Message-ID: <d1@example.com>",
    )


def test_a_bounce_dated_after_its_own_receipt_voids_the_gap_of_its_early_stamps() -> None:
    d = diagnose(analyze(_bounce_chain("Tue, 29 Apr 2010 10:54:01 -0700")))
    assert "delay" not in d.labels() and "tz-artefact" not in d.labels()
    assert "waited" not in d.headline
    gap = next(g for g in d.gaps if g.next_hop == 3)
    assert gap.kind is GapKind.INCONSISTENT and "after stamp 3" in gap.note
    assert d.date_note is None  # the Date agrees with the receipt: the early stamps are wrong
    assert transit_words(analyze(_bounce_chain("Tue, 29 Apr 2010 10:54:01 -0700"))).startswith(
        "not measurable"
    )


def test_a_date_at_the_start_of_the_gap_keeps_the_queue() -> None:
    a = analyze(_bounce_chain("Tue, 29 Apr 2010 12:34:40 +0900"))
    assert "delay" in diagnose(a).labels()
    assert transit_words(a) == "+14 h 10 min"


# ---- the providers' fields, decoded -------------------------------------------------------------


def _decoded(name: str, value: str) -> VendorHeader:
    from headerlens.model.core import HeaderField
    from headerlens.parsers.vendor import decode_vendor_header

    v = decode_vendor_header(HeaderField(0, name, value, f"{name}: {value}\r\n".encode()))
    assert v is not None
    return v


def test_provider_filter_fields_are_decoded_literally() -> None:
    junk = _decoded("X-UI-Filterresults", "junk:10;V03:K0:abcdefgh=:AAAA")
    assert junk.fields[0].severity is Severity.WARNING and "spam folder" in junk.summary
    out = _decoded("X-UI-Out-Filterresults", "notjunk:1;V03:K0:x=")
    assert "outbound filter" in out.summary and out.fields[0].severity is Severity.INFO
    spam = _decoded("X-GMX-Antispam", "6 (nemesis text pattern profiler); Detail=V3;")
    assert spam.fields[0].meaning == "spam found (nemesis text pattern profiler)"
    assert _decoded("X-GMX-Antispam", "0 (Mail was not recognized as spam)").fields[0].severity is (
        Severity.INFO
    )
    assert "Bulk" in _decoded("X-YahooFilteredBulk", "192.0.2.71").summary
    text = base64.b64encode(b"V=1.1;D=0;GD=0;SCL=9;l=1;us=1").decode()
    scl = next(f for f in _decoded("X-Message-Delivery", text).fields if f.key == "SCL")
    assert scl.meaning is not None and scl.meaning.startswith("Outlook.com's own spam rating")
    assert "on-premises" not in scl.meaning and "skipped" not in scl.meaning


def test_gmx_outbound_junk_rating_at_another_receiver_is_not_the_recipients_folder() -> None:
    from headerlens.diagnosis.findings_build import stamped_findings
    from headerlens.model.codes import Code

    a = analyze(_gmx(_GMX_JUNK, by="mx1.fabrikam.example"))
    codes = {f.code for f in stamped_findings(a) if f.header_index is not None}
    assert Code.VENDOR_NOT_RECEIVERS in codes and Code.VENDOR_RATING not in codes


def test_gmail_workspace_spam_flag_is_not_presented_as_the_recipients_folder() -> None:
    # real copies: X-Gm-Spam / X-Gm-Phishy beside "X-CLOUD-SEC-AV-Info: <tenant>,google_mail,monitor"
    flag = _decoded("X-Gm-Spam", "1")
    assert "sending tenant's outbound scan" in flag.summary
