"""The receiver's own verdicts re-attached where position alone disowned them: ProtonMail's
appended block in any order (and its Title-Case export, which is no viewer's re-ordered copy),
milter stamps below the receiving MTA's own Received line tied by its queue id, Received lines
whose continuation lines lost their indentation, a list's ARC-Authentication-Results. Each rule
with a synthetic message of the real shape, and red-team cases where the sender plants the same
fields."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.model import Analysis
from headerlens.model.provenance import Author
from tests.test_diagnosis import _msg


def _authors(a: Analysis, name: str) -> list[Author]:
    return [a.provenance.fields[f.index].author for f in a.headers if f.lname == name.lower()]


# --- ProtonMail: its appended block in any order ------------------------------------------

_PROTON_QUEUE = "4RFHkN069qz7QQ5Y"


def _proton_block(*, queue: bool = True, server: str = "cp4-mailin-013.plabs.ch") -> list[str]:
    """Proton's block as its exports write it: the Rspamd fields with the queue id LAST of them
    (phishing_pot 1175/1197/1264), then the X-Pm-* fields."""
    return [
        "X-Spamd-Result: default: False [7.02 / 25.00]; SPOOF_DISPLAY_NAME(7.00)[];"
        " R_SPF_ALLOW(-0.20)[+ip4:203.0.113.0/24]",
        f"X-Rspamd-Server: {server}",
        "X-Rspamd-Action: add header",
        *([f"X-Rspamd-Queue-Id: {_PROTON_QUEUE}"] if queue else []),
        "X-Spam: Yes",
        "X-Pm-Spam: 0yezJI6cihyJeYR3pi42biOpJJvbmsCIeI1msjN3X3blJp7IjBlN",
        "X-Pm-Origin: external",
        "X-Pm-Spamscore: 0",
        "X-Pm-Spam-Action: inbox",
    ]


def _proton_export(*sender_tail: str, block: list[str] | None = None) -> bytes:
    """A ProtonMail export: Title-Case field names, Received fields on top, Proton's block at
    the end (names and addresses changed)."""
    return _msg(
        "Return-Path: <news@shop.example>",
        "X-Original-To: me@proton.example",
        "Delivered-To: me@proton.example",
        "Authentication-Results: mailin013.protonmail.ch; dkim=pass (2048-bit key)"
        " header.d=shop.example header.i=@shop.example header.b=l2tunn2N",
        "Authentication-Results: mailin013.protonmail.ch; dmarc=pass (p=none dis=none)"
        " header.from=shop.example",
        "Authentication-Results: mailin013.protonmail.ch; spf=pass smtp.mailfrom=shop.example",
        "Authentication-Results: mailin013.protonmail.ch; arc=none smtp.remote-ip=203.0.113.196",
        "Received: from mail-out.shop.example (mail-out.shop.example [203.0.113.196])"
        " (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))"
        " (No client certificate requested) by mailin013.protonmail.ch (Postfix) with ESMTPS id"
        f" {_PROTON_QUEUE} for <me@proton.example>; Tue, 1 Aug 2023 01:35:55 +0000 (UTC)",
        "Received: by mail-out.shop.example with SMTP id af79cd13so4230.3"
        " for <me@proton.example>; Mon, 31 Jul 2023 18:35:54 -0700 (PDT)",
        "Dkim-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=shop.example; s=s1;"
        " h=subject:to:from:mime-version:date:message-id; bh=Zm9v; b=YmFy",
        "Mime-Version: 1.0",
        "Arc-Seal: i=1; a=rsa-sha256; d=shop.example; s=a1; cv=none; b=YmF6",
        "From: Shop <news@shop.example>",
        "To: me@proton.example",
        "Subject: Cloud Storage",
        "Date: Mon, 31 Jul 2023 18:35:50 -0700",
        "Message-Id: <m1@shop.example>",
        "Content-Type: text/html; charset=utf-8",
        *sender_tail,
        *(_proton_block() if block is None else block),
    )


def test_proton_block_with_its_queue_id_last_is_the_receivers() -> None:
    a = analyze(_proton_export())
    for name in ("X-Spamd-Result", "X-Rspamd-Server", "X-Rspamd-Action", "X-Spam"):
        assert _authors(a, name) == [Author.FINAL_RECEIVER], name


def test_proton_block_in_another_order_is_the_receivers() -> None:
    block = _proton_block()
    server, result = block[1], block[0]
    a = analyze(_proton_export(block=[server, result, *block[2:]]))
    assert _authors(a, "X-Rspamd-Server") == [Author.FINAL_RECEIVER]
    assert _authors(a, "X-Spamd-Result") == [Author.FINAL_RECEIVER]


def test_proton_block_tied_by_its_scanner_host_without_a_queue_id() -> None:
    # the scanner's name is text a sender can write: only the block's adverse verdicts count
    # (tests/test_redteam_round6.py)
    a = analyze(_proton_export(block=_proton_block(queue=False)))
    assert _authors(a, "X-Spam") == [Author.FINAL_RECEIVER]
    assert _authors(a, "X-Rspamd-Action") == [Author.FINAL_RECEIVER]  # "add header"
    assert _authors(a, "X-Spamd-Result") == [Author.UNKNOWN]
    assert _authors(a, "X-Pm-Spam-Action") == [Author.UNKNOWN]  # "inbox"


def test_proton_title_case_export_is_not_a_reordered_viewer_copy() -> None:
    d = diagnose(analyze(_proton_export()))
    pd = d.get("paste-damage")
    assert pd is None or not any("header viewer's copy" in e for e in pd.evidence)


def test_redteam_sender_field_above_a_separated_block_is_not_the_receivers() -> None:
    planted = ("X-Rspamd-Action: no action", "X-Mailer: Shop 1.0")
    a = analyze(_proton_export(*planted))
    assert _authors(a, "X-Rspamd-Action") == [Author.UNKNOWN, Author.FINAL_RECEIVER]


def test_redteam_planted_result_right_before_protons_own_is_not_the_receivers() -> None:
    planted = "X-Spamd-Result: default: False [-9.00 / 25.00]; DMARC_POLICY_ALLOW(-9.00)[]"
    a = analyze(_proton_export(planted))
    assert _authors(a, "X-Spamd-Result") == [Author.UNKNOWN, Author.FINAL_RECEIVER]


def test_redteam_planted_plabs_block_on_mail_proton_never_received() -> None:
    raw = _proton_export().replace(
        b"by mailin013.protonmail.ch (Postfix) with ESMTPS id",
        b"by mx.recipient.example (Postfix) with ESMTPS id",
    )
    raw = raw.replace(b"mailin013.protonmail.ch;", b"mx.recipient.example;")
    a = analyze(raw.replace(_PROTON_QUEUE.encode() + b" for", b"7C1D2E3F4A for"))
    for name in ("X-Spamd-Result", "X-Rspamd-Server", "X-Spam", "X-Pm-Spam-Action"):
        assert Author.FINAL_RECEIVER not in _authors(a, name), name


# --- A receiver's Rspamd milter block at the bottom: X-Spam after its queue id ------------


def _archive_block(*before: str) -> bytes:
    """A list copy at an archive whose Postfix+Rspamd milter appends (lfdr.de's order):
    X-Rspamd-Action, X-Spamd-Result, X-Rspamd-Server, X-Rspamd-Queue-Id, X-Spam."""
    return _msg(
        "Return-Path: <list-bounces@lists.example>",
        "Received: from lists.example (lists.example [198.51.100.30]) by mail.archive.example"
        " (Postfix) with ESMTPS id E3438644C44 for <me@archive.example>;"
        " Fri, 05 Jun 2026 04:56:38 +0200 (CEST)",
        "Authentication-Results: mail.archive.example; dkim=fail header.d=author.example;"
        " dmarc=fail header.from=author.example (policy=reject)",
        "Received: from author.example (author.example [203.0.113.80]) by lists.example"
        " (Postfix) with ESMTPS id 97CF6C8F273; Fri, 5 Jun 2026 02:56:36 +0000 (UTC)",
        "From: Ann <ann@author.example>",
        "To: list@lists.example",
        "Subject: [list] patch",
        "Date: Thu, 4 Jun 2026 19:56:31 -0700",
        "List-Id: <list.lists.example>",
        *before,
        "X-Rspamd-Action: add header",
        "X-Spamd-Result: default: False [7.29 / 15.00]; DMARC_POLICY_REJECT(2.00)[author.example]",
        "X-Rspamd-Server: archive",
        "X-Rspamd-Queue-Id: E3438644C44",
        "X-Spam: Yes",
    )


def test_spam_flag_after_the_receivers_rspamd_queue_id_is_the_receivers() -> None:
    a = analyze(_archive_block())
    assert _authors(a, "X-Spam") == [Author.FINAL_RECEIVER]
    assert _authors(a, "X-Rspamd-Action") == [Author.FINAL_RECEIVER]


def test_redteam_sender_spam_status_right_before_the_rspamd_block_stays_unknown() -> None:
    a = analyze(_archive_block("X-Spam-Status: No, score=-5.0"))
    assert _authors(a, "X-Spam-Status") == [Author.UNKNOWN]


# --- Milter stamps below the receiving MTA's own Received line ----------------------------


def _sendmail(*block: str, queue: str = "oBB3JxRJ022484", tail: tuple[str, ...] = ()) -> bytes:
    """A Sendmail receiver whose milters (clamav-milter, sid-milter) insert their fields
    directly below its own Received line (sisimai email-courier-01's shape, names changed)."""
    return _msg(
        "Received: from mx.sender.example (c182128.sender.example [198.51.100.128])"
        f" by mx.rcpt.example (8.14.4/8.14.4) with ESMTP id {queue}"
        " for <cat@rcpt.example>; Sat, 11 Dec 2010 12:20:00 +0900 (JST)",
        *block,
        "Received: from localhost (localhost [127.0.0.1]) by relay.sender.example with dsn;"
        " Sat, 11 Dec 2010 12:19:59 +0900",
        "From: postmaster@sender.example",
        "To: cat@rcpt.example",
        *tail,
        "Subject: NOTICE: mail delivery status.",
        "Date: Sat, 11 Dec 2010 12:19:59 +0900",
        "Message-ID: <n1@relay.sender.example>",
    )


_SID_BLOCK = (
    "X-Virus-Status: Clean",
    "X-Virus-Scanned: clamav-milter 0.96 at av.rcpt.example",
    "X-SenderID: Sendmail Sender-ID Filter v1.0.0 mx.rcpt.example oBB3JxRJ022484",
    # sisimai's sample stamps sender-id=pass; the milter's own stamp directly below its
    # X-SenderID counts either way (tests/test_genattr4.py)
    "Authentication-Results: mx.rcpt.example; sender-id=fail header.from=postmaster@sender.example",
)


def test_sid_milter_ar_tied_by_the_receivers_queue_id_is_the_receivers() -> None:
    a = analyze(_sendmail(*_SID_BLOCK))
    assert _authors(a, "Authentication-Results") == [Author.FINAL_RECEIVER]
    assert _authors(a, "X-Virus-Status") == [Author.FINAL_RECEIVER]
    assert _authors(a, "X-Virus-Scanned") == [Author.FINAL_RECEIVER]


def test_redteam_milter_stamp_naming_another_queue_id_ties_nothing() -> None:
    block = [
        line.replace("oBB3JxRJ022484", "oBB3JxRJ099999").replace("=fail", "=pass")
        for line in _SID_BLOCK
    ]
    a = analyze(_sendmail(*block))
    assert _authors(a, "Authentication-Results") != [Author.FINAL_RECEIVER]
    assert Author.FINAL_RECEIVER not in _authors(a, "X-Virus-Status")


def test_redteam_receivers_identity_further_down_stays_the_senders() -> None:
    planted = "Authentication-Results: mx.rcpt.example; dkim=pass header.d=bank.example"
    a = analyze(_sendmail(*_SID_BLOCK, tail=(planted,)))
    assert _authors(a, "Authentication-Results") == [Author.FINAL_RECEIVER, Author.UNKNOWN]


def test_redteam_second_ar_of_the_same_method_right_below_is_not_the_receivers() -> None:
    planted = "Authentication-Results: mx.rcpt.example; sender-id=pass header.from=a@bank.example"
    a = analyze(_sendmail(*_SID_BLOCK, planted))
    assert _authors(a, "Authentication-Results")[0] is Author.FINAL_RECEIVER
    assert _authors(a, "Authentication-Results")[1] is not Author.FINAL_RECEIVER


def test_redteam_milter_field_below_the_tie_is_not_credited() -> None:
    a = analyze(_sendmail(*_SID_BLOCK, "X-Spam-Status: No, score=-9.0"))
    assert Author.FINAL_RECEIVER not in _authors(a, "X-Spam-Status")


# --- Paste damage: Received continuation lines that lost their indentation ----------------


_EOP_PASTED = _msg(
    "Received: from AM0EUR03HT060.eop-EUR03.prod.protection.outlook.com",
    "(2603:10a6:100:4::30) by AM0PR02MB0381.eurprd02.prod.outlook.com with HTTPS",
    "via AM0PR02CA0044.eurprd02.prod.outlook.com; Sat, 4 Aug 2018 05:32:32 +0000",
    "Received: from AM0EUR03FT055.eop-EUR03.prod.protection.outlook.com",
    "(10.152.18.51) by AM0EUR03HT060.eop-EUR03.prod.protection.outlook.com",
    "(10.152.19.26) with Microsoft SMTP Server (version=TLS1_2,",
    "cipher=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384) id 15.20.995.12; Sat, 4",
    "Aug 2018 05:32:31 +0000",
    "Authentication-Results: spf=pass (sender IP is 198.51.100.239)"
    " smtp.mailfrom=sender.example; outlook.com; dkim=none (message not signed)"
    " header.d=none;outlook.com; dmarc=pass action=none header.from=sender.example;",
    "Received: from mail.sender.example (198.51.100.239)",
    "by AM0EUR03FT055.mail.protection.outlook.com (10.152.19.158) with Microsoft",
    "SMTP Server (version=TLS1_2,",
    "cipher=TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256) id 15.20.1038.3 via",
    "Frontend Transport; Sat, 4 Aug 2018 05:32:31 +0000",
    "X-IncomingTopHeaderMarker: OriginalChecksum:AE22;UpperCasedChecksum:713B",
    "From: News <news@sender.example>",
    "To: <me@outlook.example>",
    "Subject: hello",
    "Date: Sat, 4 Aug 2018 05:32:27 +0000",
    "Message-ID: <p1@sender.example>",
)


def test_unindented_received_continuations_are_joined_back() -> None:
    a = analyze(_EOP_PASTED)
    entry = min(a.chain.hops, key=lambda h: h.number)
    assert entry.received.from_ip == "198.51.100.239"
    assert entry.received.by == "AM0EUR03FT055.mail.protection.outlook.com"
    assert a.chain.boundary is not None and a.chain.boundary.hop_number == entry.number
    assert _authors(a, "Authentication-Results") == [Author.FINAL_RECEIVER]
    d = diagnose(a).get("paste-damage")
    assert d is not None and any("continues the Received field" in e for e in d.evidence)


def test_redteam_stray_line_after_a_complete_received_is_not_joined() -> None:
    raw = _msg(
        "Received: from mail.sender.example (mail.sender.example [198.51.100.7]) by"
        " mx.rcpt.example (Postfix) with ESMTP id 4AB12 for <me@rcpt.example>;"
        " Fri, 26 May 2023 13:09:41 +0000",
        "from trusted.rcpt.example (trusted.rcpt.example [10.0.0.5])",
        "From: News <news@sender.example>",
        "To: me@rcpt.example",
        "Subject: hi",
        "Date: Fri, 26 May 2023 13:09:40 +0000",
    )
    a = analyze(raw)
    (hop,) = a.chain.hops
    assert hop.received.from_ip == "198.51.100.7"
    assert "10.0.0.5" not in a.headers[0].value


def test_redteam_stray_line_after_a_receivers_stamp_is_not_joined() -> None:
    raw = _sendmail(*_SID_BLOCK, "dkim=pass header.d=bank.example")
    a = analyze(raw)
    ar = next(f for f in a.headers if f.lname == "authentication-results")
    assert "dkim" not in ar.value


# --- A list's ARC-Authentication-Results is the intermediary's ----------------------------


def _list_copy(
    return_path: str = "Return-Path: <devel+bounces-1234-me=rcpt.example@lists.example>",
) -> bytes:
    return _msg(
        return_path,
        "Received: from relay.lists.example (relay.lists.example [2001:db8:36c::21])"
        " by mail.rcpt.example (Postfix) with ESMTPS id 4AC0A5FDC9A for <me@rcpt.example>;"
        " Fri, 29 May 2026 08:12:13 +0200 (CEST)",
        "Authentication-Results: mail.rcpt.example; dkim=pass header.d=author.example;"
        " spf=pass smtp.mailfrom=lists.example; dmarc=pass header.from=author.example",
        "Received: from smtp.lists.example (smtp.lists.example [192.0.2.17]) by"
        " relay.lists.example (Postfix) with ESMTPS id 8A1; Fri, 29 May 2026 06:12:12 +0000",
        "Received: from localhost (localhost [127.0.0.1]) by smtp.lists.example (Postfix)"
        " with ESMTP id 2B2; Fri, 29 May 2026 06:12:11 +0000",
        "Received: from mail.lists.example (mail.lists.example [192.0.2.18]) by"
        " smtp.lists.example (Postfix) with ESMTPS id 3C3; Fri, 29 May 2026 06:12:10 +0000",
        "ARC-Seal: i=1; a=rsa-sha256; d=smtp.lists.example; s=arc; t=1780035130; cv=none; b=AAAA",
        "ARC-Message-Signature: i=1; a=rsa-sha256; d=smtp.lists.example; s=arc; h=from; b=BBBB",
        "ARC-Authentication-Results: i=1; smtp.lists.example; dkim=pass header.d=author.example;"
        " arc=none smtp.client-ip=192.0.2.18",
        "Received: by mail.lists.example (Postfix) with ESMTPSA id 4D4;"
        " Fri, 29 May 2026 06:12:09 +0000",
        "From: Ann <ann@author.example>",
        "To: devel@lists.example",
        "Subject: [PATCH] fix",
        "Date: Fri, 29 May 2026 06:12:08 +0000",
        "List-Id: <devel.lists.example>",
    )


def test_lists_arc_stamps_are_the_intermediarys_not_the_senders() -> None:
    a = analyze(_list_copy())
    for name in ("ARC-Authentication-Results", "ARC-Seal", "ARC-Message-Signature"):
        assert _authors(a, name) == [Author.INTERMEDIARY], name


def test_without_the_receivers_list_envelope_the_arc_stamps_stay_the_senders() -> None:
    a = analyze(_list_copy("Return-Path: <ann@author.example>"))
    assert _authors(a, "ARC-Authentication-Results") == [Author.SENDER]


# --- No dmarc token written: whether the From domain publishes a policy is unknown ---------


def _unaligned(dmarc: str) -> bytes:
    return _msg(
        "Authentication-Results: mx.rcpt.example; spf=none smtp.mailfrom=ann@author.example;"
        f" dkim=pass header.d=esp.example{dmarc}",
        "Received: from out.esp.example (out.esp.example [198.51.100.173]) by mx.rcpt.example"
        " (Postfix) with ESMTP id 4AB12 for <me@rcpt.example>; Mon, 19 Jun 2017 19:07:50 +0000",
        "From: Ann <ann@author.example>",
        "To: me@rcpt.example",
        "Subject: Re: test",
        "Date: Mon, 19 Jun 2017 19:07:49 +0000",
    )


def test_no_dmarc_token_is_not_read_as_no_dmarc_policy() -> None:
    line = diagnose(analyze(_unaligned(""))).headline
    assert "Nothing authenticated author.example itself" in line
    assert "publishes no DMARC policy" not in line
    assert "whether author.example publishes a policy is unknown" in line


def test_receivers_dmarc_none_still_says_no_policy() -> None:
    line = diagnose(analyze(_unaligned("; dmarc=none header.from=author.example"))).headline
    assert "author.example publishes no DMARC policy" in line


def test_proton_block_with_attachment_names_inside_is_the_receivers() -> None:
    block = _proton_block()
    at = block.index("X-Pm-Origin: external")
    block[at:at] = ["X-Attached: invoice.html", "X-Attached: PO#1.html"]
    a = analyze(_proton_export(block=block))
    assert _authors(a, "X-Spamd-Result") == [Author.FINAL_RECEIVER]
    assert _authors(a, "X-Attached") == [Author.FINAL_RECEIVER] * 2
