"""The receiving organisation's own verdicts credited to it (issue 11, round 7): sid-milter's
stamp under its X-SenderID, a MailScanner run appended at the bottom; each loosening beside the
planted-field attack it must resist."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.facts import Outcome
from headerlens.model.analysis import Analysis
from headerlens.model.provenance import Author
from headerlens.model.received import HopRole
from headerlens.report.render import render
from headerlens.stamped import final_receiver_results
from tests.test_diagnosis import _msg


def _authors(a: Analysis, name: str) -> list[Author | None]:
    out: list[Author | None] = []
    for f in a.headers:
        if f.lname == name:
            found = a.provenance.of(f.index)
            out.append(found.author if found is not None else None)
    return out


def _stamped(a: Analysis) -> dict[str, str]:
    return {
        r.method.lower(): r.result.lower() for ar in final_receiver_results(a) for r in ar.results
    }


def _verdicts(a: Analysis) -> str:
    out = render(a, None, "summary")
    return out.split("Verdicts:", 1)[1].split("\n", 1)[0]


# --- 1. sid-milter: its X-SenderID always has its own stamp directly below ------------------

_SID = "X-SenderID: Sendmail Sender-ID Filter v1.0.0 mx.rcpt.example oBB3JxRJ022484"


def _sendmail(*block: str, queue: str = "oBB3JxRJ022484") -> bytes:
    """A DSN from a Google host into a Sendmail MX running sid-milter with -h (B05's shape)."""
    return _msg(
        "Return-Path: <>",
        "Received: from mail-pg0-f67.google.com (mail-pg0-f67.google.com [192.0.2.67])\r\n"
        f"\tby mx.rcpt.example (8.14.4/8.14.4) with ESMTP id {queue}\r\n"
        "\tfor <ann@rcpt.example>; Sat, 25 Mar 2017 12:34:56 +0900",
        *block,
        "Received: by mail-pg0-f67.google.com with SMTP id q22abc.1\r\n"
        "\tfor <ann@rcpt.example>; Fri, 24 Mar 2017 20:34:55 -0700 (PDT)",
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.example>",
        "To: ann@rcpt.example",
        "Subject: Delivery Status Notification (Failure)",
        "Date: Fri, 24 Mar 2017 20:34:55 -0700",
        "Message-ID: <n1@mx.googlemail.example>",
    )


_SID_OWN = "Authentication-Results: mx.rcpt.example; sender-id=pass header.from=mailer-daemon@googlemail.example"


def test_sid_milters_own_stamp_under_its_x_senderid_is_the_receivers() -> None:
    a = analyze(_sendmail(_SID, _SID_OWN))
    assert _authors(a, "authentication-results") == [Author.FINAL_RECEIVER]
    assert _stamped(a) == {"sender-id": "pass"}
    assert "Final receiver stamped: nothing" not in render(a, None, "md")


def test_a_pass_planted_after_sid_milters_own_stamp_stays_unknown() -> None:
    own = _SID_OWN.replace("sender-id=pass", "sender-id=fail")
    planted = (
        "Authentication-Results: mx.rcpt.example; sender-id=pass header.from=ceo@victim.example;"
        " spf=pass smtp.mfrom=ceo@victim.example"
    )
    a = analyze(_sendmail(_SID, own, planted))
    own_author, planted_author = _authors(a, "authentication-results")
    assert own_author is Author.FINAL_RECEIVER
    assert planted_author in (Author.UNKNOWN, Author.SENDER)
    assert _stamped(a) == {"sender-id": "fail"}
    assert "pass (stamped)" not in _verdicts(a)


def test_a_stamp_right_under_x_senderid_but_not_sid_milters_stays_unknown() -> None:
    # another authserv-id than the host sid-milter names
    other = _SID_OWN.replace("mx.rcpt.example;", "rcpt.example;")
    assert _authors(analyze(_sendmail(_SID, other)), "authentication-results") == [Author.UNKNOWN]
    # no sender-id= result: not a field sid-milter writes
    spf = "Authentication-Results: mx.rcpt.example; spf=pass smtp.mfrom=ceo@victim.example"
    assert _authors(analyze(_sendmail(_SID, spf)), "authentication-results") == [Author.UNKNOWN]
    # an X-SenderID naming another queue id than the receiver's line: no tie at all
    a = analyze(_sendmail(_SID, _SID_OWN, queue="oBB3JxRJ099999"))
    assert _authors(a, "authentication-results") == [Author.UNKNOWN]
    # a field between the X-SenderID and the stamp
    a = analyze(_sendmail(_SID, "X-Mailer: x", _SID_OWN))
    assert _authors(a, "authentication-results") != [Author.FINAL_RECEIVER]


# --- 2. MailScanner's run appended at the bottom ----------------------------------------------


def _mailscanner(*tail: str, queue: str = "9444077D75", middle: tuple[str, ...] = ()) -> bytes:
    """P07/Y01's shape: an ISP's Postfix (whose MailScanner appends its run) hands the message to
    a Cyrus mailbox over LMTP; the spam came from a host on the Internet."""
    return _msg(
        "Return-Path: <spam@sender.example>",
        "Received: from murder ([unix socket])\r\n\tby imap1.isp.example (Cyrus v2.2.12) with LMTPA;"
        " Mon, 30 Jun 2008 02:34:00 -0700",
        "Received: from smtp2.isp.example (smtp2.isp.example [198.51.100.30])\r\n"
        f"\tby imap1.isp.example (Postfix) with ESMTP id {queue}\r\n"
        "\tfor <ann@isp.example>; Mon, 30 Jun 2008 02:34:00 -0700 (PDT)",
        "Received: from localhost (unknown [203.0.113.91])\r\n"
        "\tby smtp2.isp.example (Postfix) with ESMTP id 44D0110011\r\n"
        "\tfor <ann@isp.example>; Mon, 30 Jun 2008 02:33:58 -0700 (PDT)",
        "Message-ID: <m1@sender.example>",
        "From: Spammer <spam@sender.example>",
        "To: <ann@isp.example>",
        *middle,
        "Subject: offer",
        "Date: Mon, 30 Jun 2008 02:33:50 -0700",
        *tail,
    )


_MS_SPAM = (
    "X-ISP-MailScanner-Information: Please contact the ISP for more information",
    "X-ISP-MailScanner: Found to be clean",
    "X-ISP-MailScanner-SpamCheck: spam, ORDB-RBL",
    "X-ISP-MailScanner-From: spam@sender.example",
    "X-Spam-Status: Yes",
)


def test_a_spam_verdict_of_the_mailscanner_run_closing_the_header_is_the_receivers() -> None:
    a = analyze(_mailscanner(*_MS_SPAM))
    assert _authors(a, "x-spam-status") == [Author.FINAL_RECEIVER]
    assert _authors(a, "x-isp-mailscanner-spamcheck") == [Author.FINAL_RECEIVER]
    d = diagnose(a)
    assert d.outcome.outcome is Outcome.JUNK
    # the rest of the run (its clean virus verdict) is unknown, but not the sender's scan
    assert _authors(a, "x-isp-mailscanner") == [Author.UNKNOWN]
    assert d.get("sender-side-scan") is None
    # without X-Spam-Status, MailScanner's own SpamCheck decides
    a = analyze(_mailscanner(*_MS_SPAM[:-1]))
    assert diagnose(a).outcome.outcome is Outcome.JUNK


def test_a_planted_clean_mailscanner_run_is_no_receivers_verdict() -> None:
    planted = (
        "X-ISP-MailScanner: Found to be clean",
        "X-ISP-MailScanner-SpamCheck: not spam",
        "X-Spam-Status: No",
    )
    a = analyze(_mailscanner(*planted))
    assert Author.FINAL_RECEIVER not in _authors(a, "x-spam-status")
    assert Author.FINAL_RECEIVER not in _authors(a, "x-isp-mailscanner-spamcheck")
    assert diagnose(a).outcome.outcome is Outcome.UNKNOWN
    # a spam verdict not at the end of the header (the sender's own fields follow): not placed
    a = analyze(_mailscanner("X-Mailer: x", middle=_MS_SPAM))
    assert Author.FINAL_RECEIVER not in _authors(a, "x-spam-status")
    assert diagnose(a).outcome.outcome is not Outcome.JUNK


def test_a_mailscanner_id_naming_the_receivers_queue_id_ties_the_whole_run() -> None:
    run = (
        "X-ISP-MailScanner-Information: Please contact the ISP for more information",
        "X-ISP-MailScanner-ID: 9444077D75.A1B2C",
        "X-ISP-MailScanner: Found to be clean",
        "X-ISP-MailScanner-SpamCheck: not spam, SpamAssassin (score=0.1, required 5)",
    )
    a = analyze(_mailscanner(*run))
    assert _authors(a, "x-isp-mailscanner-spamcheck") == [Author.FINAL_RECEIVER]
    assert _authors(a, "x-isp-mailscanner") == [Author.FINAL_RECEIVER]
    # "not spam" is a score under the threshold, not a folder (genfilt)
    assert diagnose(a).outcome.outcome is Outcome.UNKNOWN
    assert "rated it not spam" in diagnose(a).headline
    # the same run with an id the receiver's line never gave: a sender's plant
    a = analyze(_mailscanner(*run, queue="1234ABCD99"))
    assert Author.FINAL_RECEIVER not in _authors(a, "x-isp-mailscanner-spamcheck")
    assert diagnose(a).outcome.outcome is Outcome.UNKNOWN


def _outbound_scan(*tail: str) -> bytes:
    """A sending site whose outbound MailScanner (on mail.sender.example, Postfix id
    5390A48990F9) scanned the message before it reached the receiver's MX."""
    return _msg(
        "Received: from mail.sender.example (mail.sender.example [203.0.113.25])\r\n"
        "\tby mx.rcpt.example (Postfix) with ESMTPS id 4RKxl01LCxz9\r\n"
        "\tfor <ann@rcpt.example>; Mon, 16 Mar 2020 10:29:30 +0000 (UTC)",
        "Received: from pc.sender.example (unknown [10.1.2.3])\r\n"
        "\tby mail.sender.example (Postfix) with ESMTP id 5390A48990F9\r\n"
        "\tfor <ann@rcpt.example>; Mon, 16 Mar 2020 10:29:25 +0000 (UTC)",
        "From: Bob <bob@sender.example>",
        "To: ann@rcpt.example",
        "Subject: patch",
        "Date: Mon, 16 Mar 2020 10:29:16 +0000",
        "Message-ID: <p1@sender.example>",
        "X-sender-MailScanner-ID: 5390A48990F9.A8C41",
        "X-sender-MailScanner: Found to be clean",
        *tail,
    )


def test_a_sending_sites_mailscanner_tied_by_its_own_queue_id_is_the_senders() -> None:
    # even closing the header with a spam verdict: its ID names the sending site's line
    a = analyze(_outbound_scan("X-sender-MailScanner-SpamCheck: spam", "X-Spam-Status: Yes"))
    for name in ("x-sender-mailscanner", "x-spam-status"):
        found = a.provenance.of(next(f.index for f in a.headers if f.lname == name))
        assert found is not None and found.author is Author.SENDER and found.hop_number == 1
    d = diagnose(a)
    assert d.outcome.outcome is not Outcome.JUNK
    scan = d.get("sender-side-scan")
    assert scan is not None and any(e.startswith("X-Spam-Status") for e in scan.evidence)


# --- 3. The sending side's MDaemon stamp ----------------------------------------------------


def _mdaemon(stamp: str) -> bytes:
    """P10's shape: an office MDaemon relays through an authenticated smarthost to a qmail."""
    return _msg(
        "Received: (qmail 38014 invoked from network); 9 Jun 2017 16:07:18 -0000",
        "Received: from smtp.relay.example (198.51.100.227)\r\n"
        "  by mx.rcpt.example with SMTP; 9 Jun 2017 16:07:18 -0000",
        "Received: from office.example (host161.isp.example [203.0.113.161])\r\n"
        "\t(Authenticated sender: officesmtp)\r\n"
        "\tby smtp.relay.example (Postfix) with ESMTPA id 67A957337\r\n"
        "\tfor <ann@rcpt.example>; Fri,  9 Jun 2017 18:07:16 +0200 (CEST)",
        "Received: from COMP02.CSC.local by office.example with ESMTPA id md50000234499.msg;\r\n"
        "\tFri, 09 Jun 2017 17:56:17 +0200",
        stamp,
        "X-MDArrival-Date: Fri, 09 Jun 2017 17:56:17 +0200",
        "From: Clerk <clerk@office.example>",
        "To: ann@rcpt.example",
        "Subject: I: Ordine",
        "Date: Fri, 09 Jun 2017 17:56:00 +0200",
        "Message-ID: <o1@office.example>",
    )


def test_the_sending_sides_mdaemon_stamp_is_a_sender_side_scan() -> None:
    stamp = (
        "X-Spam-Processed: office.example, Fri, 09 Jun 2017 17:56:17 +0200\r\n"
        "\t(not processed: spam filter heuristic analysis disabled)"
    )
    a = analyze(_mdaemon(stamp))
    found = a.provenance.of(next(f.index for f in a.headers if f.lname == "x-spam-processed"))
    assert found is not None and found.author is Author.SENDER and found.hop_number == 1
    scan = diagnose(a).get("sender-side-scan")
    assert scan is not None and any(e.startswith("X-Spam-Processed") for e in scan.evidence)


def test_an_mdaemon_stamp_naming_the_receiver_is_not_the_receivers() -> None:
    # the receiver's host and (about) its second: text a sender can write; never credited
    stamp = "X-Spam-Processed: mx.rcpt.example, Fri, 09 Jun 2017 16:07:18 +0000 (processed)"
    a = analyze(_mdaemon(stamp))
    assert _authors(a, "x-spam-processed") != [Author.FINAL_RECEIVER]
    # another second than the sending hop's stamp: not placed at that hop either
    stamp = "X-Spam-Processed: office.example, Fri, 09 Jun 2017 17:50:00 +0200 (processed)"
    a = analyze(_mdaemon(stamp))
    found = a.provenance.of(next(f.index for f in a.headers if f.lname == "x-spam-processed"))
    assert found is not None and found.hop_number is None


# --- 5. A forwarder's own Rspamd block, tied by its queue id --------------------------------


def _forwarded(*block: str) -> bytes:
    """F01's shape: an ESP's newsletter to a merlin-like host, whose Postfix + Rspamd (queue id
    40DA541C7E) forwards it to a Postfix mailbox host keeping the envelope."""
    return _msg(
        "Return-Path: <bounce-1@bounce.news.example>",
        "Delivered-To: ann@mbox.example",
        "Received: from fwd.example (hq6.fwd.example [198.51.100.152])\r\n"
        "\tby mx.mbox.example (Postfix) with ESMTPS id BAD2E53C0541\r\n"
        "\tfor <ann@mbox.example>; Mon, 30 Aug 2021 20:29:57 +0200 (CEST)",
        "Received: from [127.0.0.1] (localhost [127.0.0.1])\r\n"
        "\tby fwd.example (Postfix) with ESMTPS id 40DA541C7E\r\n"
        "\tfor <me@fwd.example>; Mon, 30 Aug 2021 20:29:55 +0200 (CEST)",
        "Received: by mta16.news.example id h1v for <me@fwd.example>; Mon, 30 Aug 2021 18:14:50 +0000",
        "From: News <news@news.example>",
        "To: <me@fwd.example>",
        "Subject: update",
        "Date: Mon, 30 Aug 2021 12:14:50 -0600",
        "Message-ID: <n1@news.example>",
        *block,
    )


_FWD_BLOCK = (
    "X-Spamd-Bar: ++++",
    "X-Rspamd-Server: hq6",
    "Authentication-Results: fwd.example;\r\n\tdkim=pass header.d=news.example;\r\n"
    "\tspf=pass smtp.mailfrom=bounce-1@bounce.news.example",
    "X-Rspamd-Queue-Id: 40DA541C7E",
    "X-Spamd-Result: default: False [4.17 / 15.00]; R_SPF_ALLOW(-0.20)[+ip4]",
)


def test_a_forwarders_rspamd_block_tied_by_its_queue_id_is_the_forwarders() -> None:
    a = analyze(_forwarded(*_FWD_BLOCK))
    for name in ("x-spamd-result", "authentication-results", "x-spamd-bar"):
        found = a.provenance.of(next(f.index for f in a.headers if f.lname == name))
        assert found is not None
        assert found.author is Author.INTERMEDIARY and found.hop_number == 2
    # nothing of it is the receiver's
    assert _stamped(a) == {}
    assert "pass (stamped)" not in _verdicts(a)


def test_a_rspamd_block_naming_no_hops_queue_id_stays_unknown() -> None:
    block = tuple(b.replace("40DA541C7E", "99AA541C7E") for b in _FWD_BLOCK)
    a = analyze(_forwarded(*block))
    found = a.provenance.of(next(f.index for f in a.headers if f.lname == "x-spamd-result"))
    assert found is not None and found.author is Author.UNKNOWN


def _via_scanning_relay(*tail: str) -> bytes:
    """A message that passed through another organisation's MailScanner site (scan.itu.example)
    before the receiver's MX; that site's run closes the header."""
    return _msg(
        "Received: from scan.itu.example (scan.itu.example [198.51.100.44])\r\n"
        "\tby mx.rcpt.example (Postfix) with ESMTPS id 4RKxl01LCxz9\r\n"
        "\tfor <ann@rcpt.example>; Tue, 11 Mar 2025 16:26:50 +0000 (UTC)",
        "Received: from mail.author.example (mail.author.example [203.0.113.9])\r\n"
        "\tby scan.itu.example (Postfix) with ESMTPS id 9AB12C0042\r\n"
        "\tfor <list@itu.example>; Tue, 11 Mar 2025 16:26:46 +0000 (UTC)",
        "From: Author <dev@author.example>",
        "To: list@itu.example",
        "Subject: patch",
        "Date: Tue, 11 Mar 2025 16:26:40 +0000",
        "Message-ID: <a1@author.example>",
        *tail,
    )


def test_a_mailscanner_run_named_after_an_earlier_organisation_is_not_the_receivers() -> None:
    a = analyze(_via_scanning_relay("X-ITU-MailScanner-SpamCheck: spam"))
    found = a.provenance.of(
        next(f.index for f in a.headers if f.lname == "x-itu-mailscanner-spamcheck")
    )
    assert found is not None and found.author is not Author.FINAL_RECEIVER
    assert found.hop_number == 1
    assert diagnose(a).outcome.outcome is not Outcome.JUNK
    # a label naming no hop's organisation: position decides (the tail rule)
    a = analyze(_via_scanning_relay("X-CSI-MailScanner-SpamCheck: spam"))
    assert _authors(a, "x-csi-mailscanner-spamcheck") == [Author.FINAL_RECEIVER]


# --- 5. An untied stamp naming the receiver: "cannot tell", never "wrote none" -------------


def _lfdr(*, ar_host: str = "mail.rcpt.example") -> bytes:
    """L04's shape: a Postfix + Rspamd receiver (Dovecot LMTP above), Rspamd's AR right below
    its SMTP line, its block at the bottom with the X-Spamd-Result above the queue id."""
    return _msg(
        "Received: from mail.rcpt.example\r\n\tby mail.rcpt.example with LMTP\r\n"
        "\tid N0AvJOdpUGoPygIAu9opvQ\r\n\tfor <ann@rcpt.example>; Fri, 10 Jul 2026 05:41:27 +0200",
        "X-Original-To: ann@rcpt.example",
        "Received: from relay.list.example (relay.list.example [198.51.100.12])\r\n"
        "\tby mail.rcpt.example (Postfix) with ESMTPS id 2A61973709E\r\n"
        "\tfor <ann@rcpt.example>; Fri, 10 Jul 2026 05:41:27 +0200 (CEST)",
        f"Authentication-Results: {ar_host};\r\n\tdkim=pass header.d=author.example;\r\n"
        "\tdmarc=pass (policy=none) header.from=author.example;\r\n"
        "\tspf=pass smtp.mailfrom=bounce@list.example",
        "From: Author <dev@author.example>",
        "To: list@list.example",
        "Subject: patch",
        "Date: Fri, 10 Jul 2026 03:28:19 +0000",
        "Message-ID: <p1@author.example>",
        "X-Spamd-Result: default: False [1.10 / 15.00]; R_SPF_ALLOW(-0.20)[+ip4]; "
        "R_DKIM_ALLOW(-0.20)[author.example:s=s1]; DMARC_POLICY_ALLOW(-0.50)[author.example,none]",
        "X-Rspamd-Server: lfdr",
        "X-Rspamd-Queue-Id: 2A61973709E",
    )


def test_an_untied_stamp_naming_the_receiver_is_cannot_tell_not_wrote_none() -> None:
    a = analyze(_lfdr())
    md = render(a, None, "md")
    assert "cannot be told from the header" in md
    assert "wrote no Authentication-Results" not in md
    assert "Final receiver stamped:** no Authentication-Results" not in md
    # still no pass credited: the verdicts stay unknown offline
    assert "DMARC unknown (pass not tied to the receiver)" in _verdicts(a)
    assert "pass (stamped)" not in _verdicts(a)


def test_a_stamp_of_another_organisation_still_reads_as_not_the_receivers() -> None:
    a = analyze(_lfdr(ar_host="mx.other.example"))
    md = render(a, None, "md")
    assert "cannot be told from the header" not in md
    assert "pass (stamped)" not in _verdicts(a)


# --- 6. A hosted gateway's inbound SPF check: an inbound gateway, not an outbound one -------


def _hosted_ironport(*block: str) -> bytes:
    """P09's shape: a hosted Cisco IronPort (another domain) in front of an on-premises
    Exchange with .local names; the spam came from a rented server."""
    return _msg(
        "Received: from apiron13.gw.example (192.0.2.98) by HUB11.corp.local\r\n"
        " (172.18.31.175) with Microsoft SMTP Server id 14.3.498.0; Mon, 10 Oct 2022\r\n"
        " 15:11:35 -0500",
        *block,
        'X-IronPort-AV: E=Sophos;i="5.95,173,1661835600"; a="1030153556"',
        "Received: from vps.hoster.example ([203.0.113.10])  by\r\n"
        " apiron13.gw.example with ESMTP/TLS/ECDHE-RSA-AES128-GCM-SHA256; 10 Oct 2022\r\n"
        " 15:11:34 -0500",
        "From: Bank <alerts@bank.example>",
        "To: <compliance@corp.example>",
        "Subject: transfer",
        "Date: Mon, 10 Oct 2022 20:11:32 +0000",
        "Message-ID: <v1@vps.hoster.example>",
    )


def _role(a: Analysis, number: int) -> HopRole:
    return next(h.role for h in a.chain.hops if h.number == number)


def test_a_gateway_that_checked_its_clients_spf_is_an_inbound_gateway() -> None:
    spf = (
        "Received-SPF: None (mailb.gw.example: no sender authenticity information available\r\n"
        "  from domain of www-data@vps.hoster.example) identity=mailfrom;\r\n"
        "  client-ip=203.0.113.10; receiver=mailb.gw.example;\r\n"
        '  envelope-from="www-data@vps.hoster.example"'
    )
    assert _role(analyze(_hosted_ironport(spf)), 1) is HopRole.GATEWAY_INBOUND
    # without its inbound check the last gateway hop before the boundary stays outbound
    assert _role(analyze(_hosted_ironport()), 1) is HopRole.GATEWAY_OUTBOUND
    # a Received-SPF about another client says nothing about this hop
    other = spf.replace("client-ip=203.0.113.10", "client-ip=198.51.100.7")
    assert _role(analyze(_hosted_ironport(other)), 1) is HopRole.GATEWAY_OUTBOUND
