"""Who wrote a header, and what the receiver decided: Amazon SES inbound's block under its own
Received line, ProtonMail's re-ordered verdicts, Microsoft's Mailbox-Delivery folder reasons,
SPF wording by the identity checked, Rspamd symbols. Each rule with a synthetic message of the
real shape, and red-team cases where the sender plants the same fields."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.model import Analysis
from headerlens.model.provenance import Author
from headerlens.model.verdicts import DkimResult, DkimVerdict
from headerlens.parsers.provenance_ses import with_seal
from headerlens.stamped import final_receiver_results
from tests.test_diagnosis import _msg

# --- Amazon SES inbound -------------------------------------------------------------------

_SES_LINE = (
    "Received: from mail-out.sender.example (mail-out.sender.example [198.51.100.20])\r\n"
    " by inbound-smtp.eu-west-1.amazonaws.com with SMTP id 0a1b2c3d4e5f6g7h8i9j\r\n"
    " for desk@recipient.example;\r\n Tue, 12 May 2020 20:22:21 +0000 (UTC)"
)


def _ses_block(spf: str = "pass", dmarc: str = "pass", spam: str = "PASS") -> list[str]:
    """The fields SES writes under its line, in its order (AWS guide, real SES messages)."""
    why = (
        "domain of sender.example designates 198.51.100.20 as permitted sender"
        if spf == "pass"
        else "domain of sender.example does not designate 198.51.100.20 as permitted sender"
    )
    return [
        f"X-SES-Spam-Verdict: {spam}",
        "X-SES-Virus-Verdict: PASS",
        f"Received-SPF: {spf} (spfCheck: {why}) client-ip=198.51.100.20; "
        "envelope-from=news@sender.example; helo=mail-out.sender.example;",
        f"Authentication-Results: amazonses.com;\r\n spf={spf} (spfCheck: {why}) "
        "client-ip=198.51.100.20; envelope-from=news@sender.example; "
        "helo=mail-out.sender.example;\r\n dkim=none header.i=unknown;\r\n"
        f" dmarc={dmarc} header.from=sender.example;",
        "X-SES-RECEIPT: AEFBQUFBQUFBQUFFeGFtcGxlUmVjZWlwdA==",
        "X-SES-DKIM-SIGNATURE: a=rsa-sha256; q=dns/txt; b=ZXhhbXBsZQ==; c=relaxed/simple; "
        "s=examplesel; d=amazonses.com; t=1589314941; v=1; bh=ZXhhbXBsZQ==; "
        "h=From:To:Subject:Date:Message-ID:X-SES-RECEIPT;",
    ]


_SENDER_HEADER = [
    "Received: by mail-out.sender.example with SMTP id h15so9935191edv.2\r\n"
    " for <desk@recipient.example>; Tue, 12 May 2020 13:22:20 -0700 (PDT)",
    "From: News <news@sender.example>",
    "To: desk@recipient.example",
    "Subject: hello",
    "Date: Tue, 12 May 2020 13:22:19 -0700",
    "Message-ID: <m1@sender.example>",
]


def _authors(a: Analysis, name: str) -> list[Author]:
    return [a.provenance.fields[f.index].author for f in a.headers if f.lname == name.lower()]


def _stamped(a: Analysis) -> list[str]:
    return [f"{r.method}={r.result}" for ar in final_receiver_results(a) for r in ar.results]


def sealed_by_ses(a: Analysis) -> Analysis:
    """``a`` as after verification found SES's X-SES-DKIM-SIGNATURE valid (the DNS check
    itself: tests/test_redteam_round5.py)."""
    ok = DkimResult.PASS
    seal = DkimVerdict(
        0, 1, "amazonses.com", "ses1", "rsa-sha256", ok, ok, ok, "", crypto_valid=True
    )
    return with_seal(a, seal)


def test_ses_inbound_block_below_its_line_is_the_receivers() -> None:
    a = analyze(
        _msg("Return-Path: <news@sender.example>", _SES_LINE, *_ses_block(), *_SENDER_HEADER)
    )
    # position and shape alone leave the stamps nobody's: the seal verified over DNS credits them
    assert _stamped(a) == []
    assert _authors(a, "Authentication-Results") == [Author.UNKNOWN]
    # red-team round 6: the seal does not cover the stamps, so even a valid one leaves their
    # passes unknown (tests/test_redteam_round6.py); the rest of the block stays SES's
    a = sealed_by_ses(a)
    assert _stamped(a) == []
    for name in ("X-SES-Spam-Verdict", "X-SES-RECEIPT"):
        assert _authors(a, name) == [Author.FINAL_RECEIVER], name
    for name in ("Received-SPF", "Authentication-Results"):
        assert _authors(a, name) == [Author.UNKNOWN], name


def test_ses_inbound_without_scanning_still_counts_its_failures() -> None:
    # with scanning off SES writes no X-SES-*-Verdict, but Received-SPF and AR all the same;
    # under a valid seal their failures count (a sender gains nothing by them), passes do not
    block = _ses_block(spf="fail", dmarc="fail")[2:]
    a = analyze(_msg("Return-Path: <news@sender.example>", _SES_LINE, *block, *_SENDER_HEADER))
    assert _stamped(sealed_by_ses(a)) == ["spf=fail", "dmarc=fail"]


def test_ses_spam_verdict_is_a_rating_not_a_folder() -> None:
    from headerlens.diagnosis import diagnose
    from headerlens.diagnosis.facts import Outcome

    d = diagnose(analyze(_msg(_SES_LINE, *_ses_block(spam="FAIL"), *_SENDER_HEADER)))
    assert d.outcome.outcome is Outcome.UNKNOWN
    assert d.outcome.evidence == ("X-SES-Spam-Verdict: FAIL",)
    assert "rated it spam (X-SES-Spam-Verdict: FAIL)" in d.headline
    assert "filed it in Junk" not in d.headline and "Inbox" not in d.headline


def test_redteam_ses_stamp_planted_when_the_receiver_is_not_ses() -> None:
    # the real receiver is a Postfix MX; the sender's header starts with SES's whole block
    a = analyze(
        _msg(
            "Received: from mail-out.sender.example (unknown [198.51.100.20])\r\n"
            " by mx.recipient.example (Postfix) with ESMTP id 4AB12\r\n"
            " for <desk@recipient.example>; Tue, 12 May 2020 20:22:21 +0000 (UTC)",
            *_ses_block(),
            *_SENDER_HEADER,
        )
    )
    assert _stamped(a) == []
    assert Author.FINAL_RECEIVER not in _authors(a, "Authentication-Results")
    assert Author.FINAL_RECEIVER not in _authors(a, "X-SES-Spam-Verdict")


def test_redteam_ses_line_forged_below_the_real_receiver() -> None:
    # a forged "by inbound-smtp...amazonaws.com" line under the real receiver's does not make
    # the SES block below it the receiver's
    a = analyze(
        _msg(
            "Received: from mail-out.sender.example (unknown [198.51.100.20])\r\n"
            " by mx.recipient.example (Postfix) with ESMTP id 4AB12\r\n"
            " for <desk@recipient.example>; Tue, 12 May 2020 20:22:25 +0000 (UTC)",
            _SES_LINE,
            *_ses_block(),
            *_SENDER_HEADER,
        )
    )
    assert _stamped(a) == []
    assert Author.FINAL_RECEIVER not in _authors(a, "Authentication-Results")


def test_redteam_ses_duplicate_below_its_own_block_is_not_credited() -> None:
    # SES stamped the spoof spf=fail dmarc=fail and rated it spam; the sender planted a
    # passing amazonses.com stamp and a PASS verdict at the top of its own header
    planted = [
        "Authentication-Results: amazonses.com; spf=pass smtp.mailfrom=sender.example;"
        " dkim=pass header.i=@sender.example; dmarc=pass header.from=sender.example;",
        "X-SES-Spam-Verdict: PASS",
    ]
    a = analyze(
        _msg(
            "Return-Path: <news@sender.example>",
            _SES_LINE,
            *_ses_block(spf="fail", dmarc="fail", spam="FAIL"),
            *planted,
            *_SENDER_HEADER,
        )
    )
    a = sealed_by_ses(a)
    # SES's own failures count (its seal does not cover them, but a failure gains a sender
    # nothing: red-team round 6); the planted pass below its block never does
    assert _stamped(a) == ["spf=fail", "dmarc=fail"]
    assert _authors(a, "Authentication-Results") == [Author.UNKNOWN, Author.UNKNOWN]
    assert _authors(a, "X-SES-Spam-Verdict") == [Author.FINAL_RECEIVER, Author.UNKNOWN]


def test_redteam_ses_stamp_naming_another_client_ends_the_block() -> None:
    # a stamp in SES's place that checked a client other than the one SES accepted the
    # message from is not SES's (a planted block with no SES block above it)
    block = _ses_block()
    block[3] = block[3].replace("client-ip=198.51.100.20", "client-ip=192.0.2.99")
    a = analyze(_msg("Return-Path: <news@sender.example>", _SES_LINE, *block, *_SENDER_HEADER))
    assert Author.FINAL_RECEIVER not in _authors(a, "Authentication-Results")
    assert _authors(a, "X-SES-RECEIPT") != [Author.FINAL_RECEIVER]


# --- Microsoft X-Microsoft-Antispam-Mailbox-Delivery: who chose the folder -------------------

_MS_AR = (
    "spf=pass (sender IP is 203.0.113.215) smtp.mailfrom=shop.example; dkim=pass "
    "header.d=shop.example;dmarc=pass action=none header.from=shop.example;compauth=pass reason=100"
)


def _eop_delivery(*tail: str) -> Analysis:
    from tests.test_gensit import _eop

    return analyze(_eop(_MS_AR, *tail, env="x@shop.example"))


def test_custom_folder_by_the_users_rule_is_not_junk_from_the_scl() -> None:
    from headerlens.diagnosis import diagnose
    from headerlens.diagnosis.facts import Outcome

    a = _eop_delivery(
        "X-MS-Exchange-Organization-SCL: 9",
        "X-Microsoft-Antispam-Mailbox-Delivery: ucf:1;jmr:0;auth:0;dest:C;OFR:CustomRules;"
        "ENG:(910001)(944506478);",
    )
    d = diagnose(a)
    assert d.outcome.outcome is Outcome.FOLDER  # the user's own folder, by rule (genfolder)
    assert "junk" not in d.labels()
    assert "filed it in Junk" not in d.headline
    assert "rule the recipient set up" in d.headline and "not Junk" in d.headline
    assert "although its spam filter rated it SCL 9" in d.headline
    assert d.outcome.evidence == ("X-Microsoft-Antispam-Mailbox-Delivery: dest:C; OFR:CustomRules",)


def test_junk_chosen_by_the_users_rule_is_named() -> None:
    # Microsoft Q&A 416100 shows "ucf:1;jmr:0;auth:0;dest:J;OFR:CustomRules": a user's rule
    from headerlens.diagnosis import diagnose
    from headerlens.diagnosis.facts import Outcome

    d = diagnose(
        _eop_delivery(
            "X-MS-Exchange-Organization-SCL: 1",
            "X-Microsoft-Antispam-Mailbox-Delivery: ucf:1;jmr:0;auth:0;dest:J;OFR:CustomRules;",
        )
    )
    assert d.outcome.outcome is Outcome.JUNK
    assert "not by the spam filter" in d.headline


def test_an_unreadable_destination_is_unknown_not_the_scl() -> None:
    from headerlens.diagnosis import diagnose
    from headerlens.diagnosis.facts import Outcome

    d = diagnose(
        _eop_delivery(
            "X-MS-Exchange-Organization-SCL: 9",
            "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:X;",
        )
    )
    assert d.outcome.outcome is Outcome.UNKNOWN


def test_mailbox_delivery_values_are_decoded() -> None:
    from headerlens.model.core import HeaderField
    from headerlens.parsers.vendor_microsoft import decode_mailbox_delivery

    value = "abwl:0;wl:1;pcwl:1;ucf:1;jmr:0;auth:0;dest:C;OFR:CustomRules;ENG:(1)(2);"
    name = "X-Microsoft-Antispam-Mailbox-Delivery"
    v = decode_mailbox_delivery(HeaderField(0, name, value, f"{name}: {value}\r\n".encode()))
    assert "custom folder" in v.summary and "inbox rule" in v.summary
    by_key = {f.key.lower(): f for f in v.fields}
    assert all(by_key[k].meaning for k in ("wl", "pcwl", "abwl", "ucf", "jmr", "auth", "ofr"))


# --- ProtonMail's appended block -----------------------------------------------------------


def _proton(*sender_tail: str, anchor: bool = True, flag: str = "Yes") -> bytes:
    rspamd = (
        [
            "X-Rspamd-Queue-Id: 4QzX7b1Lm9z9vNPQ",
            "X-Rspamd-Server: cp3-mailin-024.example.ch",
            "X-Spamd-Result: default: False [14.10 / 25.00]; SPAMHAUS_ZEN(7.00)[203.0.113.9:from];"
            " HFILTER_HELO_5(3.00)[WIN-ABC]",
            "X-Rspamd-Action: add header",
        ]
        if anchor
        else []
    )
    return _msg(
        "Return-Path: <info@shop.example>",
        "Delivered-To: someone@protonmail.ch",
        "Received: from WIN-ABC (unknown [203.0.113.9]) by mailin024.protonmail.ch (Postfix)"
        " with ESMTP id 4QzX7b1Lm9z9vNPQ for <someone@protonmail.ch>;"
        " Fri, 4 Aug 2023 04:49:55 +0000 (UTC)",
        "Received: from 127.0.0.1 ([127.0.0.1]) by WIN-ABC with Microsoft SMTPSVC(8.5.9600.16384);"
        " Fri, 4 Aug 2023 04:49:48 +0000",
        "Authentication-Results: mailin024.protonmail.ch; dmarc=none (p=none dis=none)"
        " header.from=shop.example",
        "Authentication-Results: mailin024.protonmail.ch; spf=none smtp.mailfrom=shop.example",
        "Authentication-Results: mailin024.protonmail.ch; arc=none smtp.remote-ip=203.0.113.9",
        "Authentication-Results: mailin024.protonmail.ch; dkim=none",
        "From: Shop <info@shop.example>",
        "To: someone@protonmail.ch",
        "Subject: notice",
        "Date: Fri, 4 Aug 2023 04:49:47 +0000",
        "Message-Id: <n1@shop.example>",
        *sender_tail,
        *rspamd,
        f"X-Spam: {flag}",
        "X-Pm-Spam: 0yezJI6cihyJeYR3pi42biOwJlzaGuGlaZIysyNnIWaiQI2Oij",
        "X-Pm-Origin: external",
        "X-Pm-Spamscore: 0",
        "X-Pm-Spam-Action: spam",
    )


def test_proton_block_from_its_own_queue_id_is_the_receivers() -> None:
    a = analyze(_proton())
    for name in ("X-Spam", "X-Spamd-Result", "X-Rspamd-Server", "X-Rspamd-Action"):
        assert _authors(a, name) == [Author.FINAL_RECEIVER], name


def test_redteam_proton_sender_fields_before_its_block_are_not_credited() -> None:
    planted = ("X-Spam: No", "X-Spamd-Result: default: False [-9.00 / 25.00]; BAYES_HAM(-9.00)")
    a = analyze(_proton(*planted))
    assert _authors(a, "X-Spam") == [Author.UNKNOWN, Author.FINAL_RECEIVER]
    assert _authors(a, "X-Spamd-Result")[0] is not Author.FINAL_RECEIVER
    assert _authors(a, "X-Spamd-Result")[1] is Author.FINAL_RECEIVER


def test_proton_spam_flag_without_rspamd_block_only_when_it_says_yes() -> None:
    assert _authors(analyze(_proton(anchor=False)), "X-Spam") == [Author.FINAL_RECEIVER]
    # a "No" in that place cannot be told from one the sender wrote as its last field
    assert _authors(analyze(_proton(anchor=False, flag="No")), "X-Spam") == [Author.UNKNOWN]


def test_redteam_proton_block_planted_when_the_receiver_is_not_proton() -> None:
    # (its own queue id differs from the one the planted block names)
    raw = _proton().replace(
        b"mailin024.protonmail.ch (Postfix) with ESMTP id 4QzX7b1Lm9z9vNPQ",
        b"mx.recipient.example (Postfix) with ESMTP id 7C1D2E3F4A",
    )
    a = analyze(raw)
    for name in ("X-Spam", "X-Spamd-Result", "X-Pm-Spam-Action"):
        assert Author.FINAL_RECEIVER not in _authors(a, name), name


# --- Rspamd symbols ------------------------------------------------------------------------


def _vendor(raw: bytes, name: str):  # type: ignore[no-untyped-def]
    return next(v for v in analyze(raw).vendor_headers if v.header_name.lower() == name)


def test_spamd_result_symbols_are_named_with_options_quoted() -> None:
    v = _vendor(_proton(), "x-spamd-result")
    sym = {f.key: f for f in v.fields if f.label == f.key}
    assert set(sym) == {"SPAMHAUS_ZEN", "HFILTER_HELO_5"}
    assert sym["SPAMHAUS_ZEN"].value == "7"
    assert sym["SPAMHAUS_ZEN"].meaning == (
        "Rspamd rule matched (+7); its options: '203.0.113.9:from'."
    )


def test_rspamd_report_in_both_documented_forms() -> None:
    from headerlens.model.core import HeaderField
    from headerlens.parsers.vendor_filters import decode_rspamd_report

    def decode(value: str):  # type: ignore[no-untyped-def]
        f = HeaderField(0, "X-Rspamd-Report", value, f"X-Rspamd-Report: {value}\r\n".encode())
        return decode_rspamd_report(f)

    v = decode("URI_COUNT_ODD(1) FUZZY_DENIED(10.348733) BAYES_HAM(-2.999999) MIME_GOOD(-0.1)")
    assert [f.label for f in v.fields] == [
        "URI_COUNT_ODD",
        "FUZZY_DENIED",
        "BAYES_HAM",
        "MIME_GOOD",
    ]
    assert "FUZZY_DENIED(10.35)" in v.summary
    legacy = decode("Action: no action Symbol: BAYES_HAM(-3.00) Symbol: R_SPF_ALLOW(-0.20)")
    assert [f.label for f in legacy.fields] == ["BAYES_HAM", "R_SPF_ALLOW"]
    # the weight is never shown as the symbol's name
    assert not any(f.label == "Symbol" for f in (*v.fields, *legacy.fields))


# --- SPF findings worded by the identity the receiver checked -----------------------------


def _helo_checked(env: str, dkim: str = "none") -> bytes:
    return _msg(
        "Authentication-Results: mx.recipient.example; spf=fail smtp.helo=host7.zq.example;"
        f" dkim={dkim} header.d=shop.example; dmarc={'pass' if dkim == 'pass' else 'none'}"
        " header.from=shop.example",
        "Received: from host7.zq.example (host7.zq.example [203.0.113.58]) by"
        " mx.recipient.example (Postfix) with ESMTP id 4AB12 for <me@recipient.example>;"
        " Fri, 26 May 2023 13:09:41 +0000",
        "From: Shop <news@shop.example>",
        "To: me@recipient.example",
        "Subject: hi",
        "Date: Fri, 26 May 2023 13:09:40 +0000",
        f"Return-Path: {env}",
    )


def _spf_finding(raw: bytes):  # type: ignore[no-untyped-def]
    from headerlens.diagnosis.findings_build import stamped_findings

    return next(f for f in stamped_findings(analyze(raw)) if f.code == "stamped.spf-fail")


def test_helo_check_with_a_mail_from_is_not_called_an_empty_envelope() -> None:
    f = _spf_finding(_helo_checked("<news@shop.example>"))
    assert "HELO name host7.zq.example" in f.title
    assert "envelope sender was empty" not in f.title
    assert "not the MAIL FROM news@shop.example" in f.title


def test_helo_check_fix_is_about_the_host_name_not_the_from_domain() -> None:
    # DKIM and DMARC passed for shop.example: a real message whose relay's HELO name fails
    f = _spf_finding(_helo_checked("<news@shop.example>", dkim="pass"))
    assert "host7.zq.example" in f.fix and "HELO" in f.fix
    assert "says nothing about shop.example" in f.fix
    assert "Add the sending service" not in f.fix
    assert "invalid label" not in f.title + f.fix


def _archive(queue: str, result_first: bool = True) -> bytes:
    """A list copy at a Postfix archive that writes no Authentication-Results; its Rspamd
    appends its fields at the bottom under the queue id ``queue`` (its X-Spamd-Result before the
    queue id, or after it when ``result_first`` is false)."""
    raw = _msg(
        "Return-Path: <list+bounces-1@lists.example>",
        "Received: from lists.example (lists.example [198.51.100.30]) by mail.archive.example"
        " (Postfix) with ESMTPS id 4AC0A5FDC9A for <me@archive.example>;"
        " Fri, 29 May 2026 08:12:13 +0200 (CEST)",
        "Received: from author.example (author.example [203.0.113.80]) by lists.example"
        " (Postfix) with ESMTPS id 4988E1DF72C; Fri, 29 May 2026 06:12:06 +0000 (UTC)",
        "Authentication-Results: lists.example; dmarc=pass header.from=author.example",
        "From: Ann <ann@author.example>",
        "To: list@lists.example",
        "Subject: [list] patch",
        "Date: Fri, 29 May 2026 14:11:47 +0800",
        "List-Id: <list.lists.example>",
        "X-Spamd-Result: default: False [-0.66 / 15.00]; ARC_REJECT(1.00)[cv is fail on i=2];"
        " DMARC_POLICY_REJECT(2.00)[author.example,reject]; R_SPF_ALLOW(-0.20)[+ip4:198.51.100.30:c];"
        " R_DKIM_REJECT(0.00)[author.example:s=h01]",
        f"X-Rspamd-Queue-Id: {queue}",
        "X-Rspamd-Action: no action",
        "X-Rspamd-Server: archive",
    )
    if result_first:
        return raw
    head, sep, tail = raw.partition(b"X-Spamd-Result:")
    result, _, rest = tail.partition(b"\r\n")
    block, _, body = rest.partition(b"\r\n\r\n")
    return head + block + b"\r\n" + sep + result + b"\r\n\r\n" + body


def test_receivers_rspamd_symbols_are_its_verdicts_when_it_wrote_no_ar() -> None:
    from headerlens.report.markdown import render_markdown

    md = render_markdown(analyze(_archive("4AC0A5FDC9A", result_first=False)))
    assert "DMARC fail (Rspamd) · SPF pass (Rspamd) · DKIM fail (Rspamd)" in md
    assert (
        "**Final receiver stamped:** no Authentication-Results; its Rspamd (X-Spamd-Result)"
        " found spf=pass (R\\_SPF\\_ALLOW), dkim=fail (R\\_DKIM\\_REJECT), dmarc=fail"
        " (DMARC\\_POLICY\\_REJECT), arc=fail (ARC\\_REJECT)"
    ) in md


_UNTIED = "unknown (pass not tied to the receiver)"


def test_redteam_rspamd_passes_above_the_receivers_queue_id_are_not_counted() -> None:
    # above the queue id the result joins the receiver's block by position only, where the
    # sender's last field could be: its failures count, its passes (a planted
    # DMARC_POLICY_ALLOW) never read as the receiver's pass
    from headerlens.report.markdown import render_markdown

    md = render_markdown(analyze(_archive("4AC0A5FDC9A")))
    assert f"DMARC fail (Rspamd) · SPF {_UNTIED} · DKIM fail (Rspamd)" in md
    assert "its passes (R\\_SPF\\_ALLOW) are not counted" in md
    planted = (
        _archive("4AC0A5FDC9A")
        .replace(
            b"ARC_REJECT(1.00)[cv is fail on i=2]; DMARC_POLICY_REJECT(2.00)[author.example,reject]",
            b"DMARC_POLICY_ALLOW(-0.50)[author.example,reject]",
        )
        .replace(b"R_DKIM_REJECT(0.00)", b"R_DKIM_ALLOW(-0.20)")
    )
    md = render_markdown(analyze(planted))
    assert "pass (Rspamd)" not in md
    assert f"DMARC {_UNTIED} · SPF {_UNTIED} · DKIM {_UNTIED}" in md


def test_redteam_rspamd_symbols_not_tied_to_the_receiver_are_not_its_verdicts() -> None:
    from headerlens.report.markdown import render_markdown

    md = render_markdown(analyze(_archive("7777777777")))
    assert "its Rspamd" not in md and "fail (Rspamd)" not in md
    assert "**Final receiver stamped:** nothing" in md


def test_redteam_sender_spamd_result_right_before_the_receivers_rspamd_block() -> None:
    # the receiver's milter appends X-Rspamd-Queue-Id … X-Spamd-Result at the bottom; the
    # sender's last field is its own passing X-Spamd-Result, right before that block
    head, _, _ = _archive("4AC0A5FDC9A").partition(b"X-Spamd-Result:")
    raw = head + (
        b"X-Spamd-Result: default: False [-9.00 / 15.00]; R_SPF_ALLOW(-0.20)[];"
        b" DMARC_POLICY_ALLOW(-0.50)[author.example,reject]\r\n"
        b"X-Rspamd-Queue-Id: 4AC0A5FDC9A\r\n"
        b"X-Spamd-Result: default: False [3.00 / 15.00]; R_SPF_FAIL(1.00)[];"
        b" DMARC_POLICY_REJECT(2.00)[author.example,reject]\r\n"
        b"X-Rspamd-Action: no action\r\n\r\nbody\r\n"
    )
    a = analyze(raw)
    assert _authors(a, "X-Spamd-Result") == [Author.UNKNOWN, Author.FINAL_RECEIVER]
    from headerlens.report.markdown import render_markdown

    assert "dmarc=fail (DMARC\\_POLICY\\_REJECT)" in render_markdown(a)
