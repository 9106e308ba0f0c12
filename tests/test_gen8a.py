"""Forwards, re-sends, list holds, greylisting and the party that fixes a list's DMARC failure,
read as an expert would (issue 11), each with a synthetic message of a real shape (names and
addresses changed to documentation ones)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import GapKind, diagnose
from headerlens.diagnosis.findings_build import stamped_findings
from headerlens.diagnosis.wording import fix, title

# --- 1. A Gmail auto-forward, then a person's bounce of the forwarded copy into a list ----------
# measure6 F02's shape: the author's mail reached a Workspace mailbox that auto-forwards to a
# Gmail address (+caf_ envelope, X-Forwarded-To/For); hours later its owner bounced it with a
# local mail client (Postfix "from userid 1000") through Gmail's submission server into a list,
# which handed it to the final receiver (an archive).

_BOUNCED = """\
Return-Path: <dev-owner@lists.example.org>
Received: from lists.example.org (lists.example.org [198.51.100.18])
\tby mail.archive.example (Postfix) with ESMTP id 7C5F31E636D
\tfor <dev@archive.example>; Thu, 28 May 2020 16:12:40 +0200 (CEST)
Received: from relay.example.net (relay.example.net [198.51.100.19]) by lists.example.org
\twith ESMTP id S2390727AbgE1OMh for <dev@lists.example.org>;
\tThu, 28 May 2020 10:12:38 -0400
Received: from home.user.example (home.user.example. [203.0.113.187])
        by smtp.gmail.com with ESMTPSA id h3sm4300518pgk.67.2020.05.28.07.12.35
        for <dev@lists.example.org>
        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);
        Thu, 28 May 2020 07:12:36 -0700 (PDT)
Received: by home.user.example (Postfix, from userid 1000)
        id 1446140605; {bounce_time}
Received: by 2002:ab0:1445:0:0:0:0:0 with SMTP id c5csp1466085uae;
        Wed, 27 May 2020 14:36:50 -0700 (PDT)
ARC-Authentication-Results: i=2; mx.google.com;
       spf=neutral (google.com: 209.85.220.41 is neither permitted nor denied by best guess record for domain of user+caf_=user=gmail.com@user.example) smtp.mailfrom="user+caf_=user=gmail.com@user.example"
Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41])
        by mx.google.com with SMTPS id j21sor2391552ljg.43.2020.05.27.14.36.50
        for <user@gmail.com>
        (Google Transport Security);
        Wed, 27 May 2020 14:36:50 -0700 (PDT)
X-Forwarded-To: user@gmail.com
X-Forwarded-For: user@user.example user@gmail.com
Received: by 2002:ac2:5305:0:0:0:0:0 with SMTP id c5csp1435734lfh;
        Wed, 27 May 2020 14:36:48 -0700 (PDT)
Received: from mail.author.example (mail.author.example. [192.0.2.99])
        by mx.google.com with ESMTPS id b10si3248426pfb.50.2020.05.27.14.36.47
        for <user@user.example>
        Wed, 27 May 2020 14:36:47 -0700 (PDT)
Date: Wed, 27 May 2020 14:36:42 -0700
From: A Author <author@author.example>
To: U User <user@user.example>
Subject: Re: [PATCH] fix the firmware
Message-ID: <20200527143642.5e4ffba0@author.example>
Sender: dev-owner@lists.example.org
Precedence: bulk
List-ID: <dev.lists.example.org>
X-Mailing-List: dev@lists.example.org

body
"""


def _bounced(bounce_time: str = "Thu, 28 May 2020 14:12:35 +0000 (UTC)") -> bytes:
    return _BOUNCED.format(bounce_time=bounce_time).encode()


def test_a_gap_ending_at_a_local_submission_on_another_host_is_time_in_a_mailbox() -> None:
    d = diagnose(analyze(_bounced()))
    assert "delay" not in d.labels()
    long = [g for g in d.gaps if g.seconds > 3600]
    assert [g.kind for g in long] == [GapKind.REDELIVERED]
    assert "home.user.example" in long[0].note and "from userid 1000" in long[0].note
    assert "waited" not in d.headline


def test_a_local_submission_on_the_same_host_is_still_its_queue() -> None:
    # the guard: a program re-injecting on the host that stamped before (a list manager,
    # a content filter) is that host's own time
    raw = _bounced().replace(
        b"Received: by 2002:ab0:1445:0:0:0:0:0 with SMTP id c5csp1466085uae;",
        b"Received: from mx.user.example (mx.user.example [203.0.113.180])\n"
        b"        by home.user.example (Postfix) with ESMTP id c5csp1466085uae;",
    )
    d = diagnose(analyze(raw))
    assert "delay" in d.labels()
    assert any(g.kind is GapKind.TRANSIT and g.seconds > 3600 for g in d.gaps)


def test_a_forward_on_an_earlier_leg_is_named_at_the_forwarding_mailbox() -> None:
    d = diagnose(analyze(_bounced()))
    fwd = next(s for s in d.situations if s.label.startswith("forward-"))
    assert fwd.label == "forward-srs"  # Gmail rewrote the envelope to +caf_
    assert fwd.fact("forwarder") == "user.example"  # never the final receiver (archive.example)
    assert fwd.fact("earlier")
    text = title(fwd)
    assert "archive.example" not in text and "keeping the original envelope" not in text
    assert fix(fwd) == ""  # nothing the final receiver checked to fix at the forwarder
    assert "forwarded" not in d.headline.lower()


def test_a_forward_that_handed_over_last_still_names_the_forwarder_and_its_fix() -> None:
    # the guard: the same X-Forwarded fields with no later sending above them stay the forward
    raw = (
        b"Return-Path: <author@author.example>\n"
        b"Received: from mail-sor-f41.google.com (mail-sor-f41.google.com [209.85.220.41])\n"
        b"        by mx.recv.example (Postfix) with ESMTPS id 1A2B3C\n"
        b"        for <user@recv.example>; Wed, 27 May 2020 21:36:51 +0000 (UTC)\n"
        b"X-Forwarded-To: user@recv.example\n"
        b"X-Forwarded-For: user@user.example user@recv.example\n"
        b"Received: from mail.author.example (mail.author.example. [192.0.2.99])\n"
        b"        by mx.google.com with ESMTPS id b10si3248426pfb.50\n"
        b"        for <user@user.example>; Wed, 27 May 2020 14:36:47 -0700 (PDT)\n"
        b"From: A Author <author@author.example>\nTo: user@user.example\nSubject: hi\n"
        b"Date: Wed, 27 May 2020 14:36:42 -0700\nMessage-ID: <x1@author.example>\n\nbody\n"
    )
    d = diagnose(analyze(raw))
    fwd = next(s for s in d.situations if s.label.startswith("forward-"))
    assert not fwd.fact("earlier")
    assert fix(fwd) != ""


# --- 2. A list's hold between the list's inbound and its re-send ------------------------------
# measure6 L10's shape: Mailman 2 behind Postfix; the list host writes X-Original-To (the list
# address) and Delivered-To under its own name when it hands the post to Mailman, which re-sent
# it 13 minutes later (a moderation hold); then the archive received it.

_HELD = """\
Return-Path: <dev-bounces@lists.example-org.example>
Received: from mail.exampleorg.example (mail.exampleorg.example [198.51.100.12])
\tby mail.archive.example (Postfix) with ESMTPS id 3EC407C8D6
\tfor <dev@archive.example>; Wed, 31 Jul 2019 18:36:33 +0200 (CEST)
Received: from mail.example-org.example (localhost [127.0.0.1])
\tby mail.exampleorg.example (Postfix) with ESMTP id 2676F3EB2;
\tWed, 31 Jul 2019 16:36:22 +0000 (UTC)
X-Original-To: dev@lists.example-org.example
Delivered-To: dev@mail.exampleorg.example
Received: from smtp1.exampleorg.example (smtp1.example-org.example [172.17.192.35])
\tby mail.exampleorg.example (Postfix) with ESMTPS id 6922A3CD5
\tfor <dev@lists.example-org.example>; Wed, 31 Jul 2019 16:23:26 +0000 (UTC)
Received: from mail.author.example (mail.author.example [192.0.2.67])
\tby smtp1.exampleorg.example (Postfix) with ESMTPS id 170887DB
\tfor <dev@lists.example-org.example>; Wed, 31 Jul 2019 16:23:25 +0000 (UTC)
From: A Author via dev <dev@lists.example-org.example>
Reply-To: A Author <author@author.example>
To: dev@lists.example-org.example
Subject: [PATCH] fix the boot
Date: Wed, 31 Jul 2019 17:23:21 +0100
Message-Id: <20190731162321.24607-1-author@author.example>
X-BeenThere: dev@lists.example-org.example
X-Mailman-Version: 2.1.12
Precedence: list
List-Id: Development <dev.lists.example-org.example>
List-Post: <mailto:dev@lists.example-org.example>
Sender: dev-bounces@lists.example-org.example

body
"""


def test_a_lists_hold_is_a_delay_at_the_list_not_time_in_a_mailbox() -> None:
    d = diagnose(analyze(_HELD.encode()))
    held = [g for g in d.gaps if g.seconds > 600]
    assert [g.kind for g in held] == [GapKind.TRANSIT]
    assert held[0].host == "mail.exampleorg.example"
    assert "list's own hold" in held[0].note
    delay = next(s for s in d.situations if s.label == "delay")
    assert delay.fact("cause") == "list"
    assert "the list's own hold" in d.headline
    assert "list held the post" in fix(delay)


def test_a_delivered_to_a_mailbox_between_two_trips_stays_time_in_the_mailbox() -> None:
    # the guard: a Delivered-To whose pair names a person's address, not the list's
    raw = _HELD.replace(
        "X-Original-To: dev@lists.example-org.example", "X-Original-To: ann@example-org.example"
    ).replace(
        "for <dev@lists.example-org.example>; Wed, 31 Jul 2019 16:23:26",
        "for <ann@example-org.example>; Wed, 31 Jul 2019 16:23:26",
    )
    d = diagnose(analyze(raw.encode()))
    assert [g.kind for g in d.gaps if g.seconds > 600] == [GapKind.REDELIVERED]


# --- 3. Greylisting before a forward without SRS ----------------------------------------------
# measure6 F01's shape: an ESP's newsletter to a personal domain's host, whose Rspamd greylisted
# it (the ESP retried 15 minutes later; GREYLIST pass on the retry, tied to that host's queue
# id), which then forwarded it to a hosted mailbox keeping the ESP's envelope sender; the final
# receiver wrote a DKIM pass and no SPF result.

_GREY = """\
Return-Path: <bounce-1234@bounce.esp-news.example>
X-Original-To: me@home.example
Delivered-To: m1111@mbox.hoster.example
Authentication-Results: mbox.hoster.example;
\tdkim=pass (1024-bit key) header.d=esp-news.example header.i=news@esp-news.example
Received: from fwd.example (hq6.fwd.example [198.51.100.152])
\tby mbox.hoster.example (Postfix) with ESMTPS id BAD2E53C0541
\tfor <me@home.example>; Mon, 30 Aug 2021 20:29:57 +0200 (CEST)
Received: from [127.0.0.1] (localhost [127.0.0.1])
\tby fwd.example (Postfix) with ESMTPS id 40DA541C7E
\tfor <me@fwd.example>; Mon, 30 Aug 2021 20:29:55 +0200 (CEST)
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; s=s1; d=esp-news.example;
 h=From:To:Subject:Date; bh=dvrsbCk+3USZNtvsQRvPSo2qpqsG0det56Snu0/Vz7I=; b=XV8jLprF
Received: by mta16.esp-news.example id h1111111111v for <me@fwd.example>; Mon, 30 Aug 2021 18:14:50 +0000 (envelope-from <bounce-1234@bounce.esp-news.example>)
From: "News" <news@esp-news.example>
To: <me@fwd.example>
Subject: Notice of update
Date: Mon, 30 Aug 2021 12:14:50 -0600
Message-ID: <9b806dd3@mta720.esp-news.example>
X-Rspamd-Server: hq6
X-Rspamd-Queue-Id: {queue}
X-Spamd-Result: default: False [4.17 / 15.00];
\t R_DKIM_ALLOW(-0.20)[esp-news.example];
\t GREYLIST(0.00)[pass,body];
\t RCVD_COUNT_TWO(0.00)[2]

body
"""


def test_greylisting_is_given_as_the_cause_of_the_gap_before_the_greylisting_host() -> None:
    d = diagnose(analyze(_GREY.format(queue="40DA541C7E").encode()))
    delay = next(s for s in d.situations if s.label == "delay")
    assert delay.fact("host") == "mta16.esp-news.example"  # the sender's retry queue
    assert delay.fact("cause") == "greylist"
    assert "greylisted by fwd.example" in d.headline
    assert "Nothing to fix" in fix(delay)


def test_a_greylist_symbol_not_tied_to_the_host_explains_nothing() -> None:
    # the guard: an Rspamd report whose queue id is no Received line's is nobody's in particular
    d = diagnose(analyze(_GREY.format(queue="FFFF0000").encode()))
    delay = next(s for s in d.situations if s.label == "delay")
    assert delay.fact("cause") not in ("list", "greylist")
    assert "greylist" not in d.headline


def test_x_greylist_naming_the_host_explains_the_gap() -> None:
    raw = _GREY.format(queue="0").replace(
        "X-Rspamd-Server: hq6\n",
        "X-Greylist: delayed 903 seconds by postgrey-1.37 at fwd.example; "
        "Mon, 30 Aug 2021 20:29:55 CEST\n",
    )
    d = diagnose(analyze(raw.encode()))
    delay = next(s for s in d.situations if s.label == "delay")
    assert delay.fact("cause") == "greylist"
    assert "903 s" in (delay.fact("why") or "")


def test_a_forward_without_srs_is_named_from_the_receivers_line_without_an_spf_result() -> None:
    d = diagnose(analyze(_GREY.format(queue="40DA541C7E").encode()))
    fwd = next(s for s in d.situations if s.label == "forward-nosrs")
    assert fwd.fact("probable") and fwd.fact("spf") == "not stamped"
    assert fwd.fact("forwarder") == "hq6.fwd.example"
    assert "Nothing failed" in fix(fwd)


def test_no_forward_without_the_authors_surviving_signature_when_spf_is_unstamped() -> None:
    # the guard: without an SPF result, the redirect alone (a user sending on by hand looks the
    # same) names no forward
    raw = _GREY.format(queue="40DA541C7E").replace(
        "\tdkim=pass (1024-bit key) header.d=esp-news.example header.i=news@esp-news.example",
        "\tdkim=none",
    )
    assert "forward-nosrs" not in diagnose(analyze(raw.encode())).labels()


# --- 4. DMARC already failed at the list's own MX, before the list re-sent anything ------------
# measure6 K01's shape: the author's domain is hosted at Google Workspace but signs only with
# the provider's default domain (gappssmtp), and its SPF does not cover Google; the list's MX
# (Google) stamped dmarc=fail before the list manager re-sent it; the archive's receiver stamped
# dmarc=fail too. The fix is the author's domain's, not the list's.

_KVACK = """\
Return-Path: <SRS0=8949=Q3=lists.example.org=owner-dev@archive.example>
Received: from mail.archive.example (mail.archive.example [198.51.100.99])
\tby smtp.lore.archive.example (Postfix) with ESMTP id 89624C43381
\tfor <dev@lore.archive.example>; Wed, 20 Feb 2019 03:24:26 +0000 (UTC)
Received: from kanga.lists.example.org (kanga.lists.example.org [198.51.100.17])
\tby mail.archive.example (Postfix) with ESMTP id 2F0AD2146E
\tfor <dev@lore.archive.example>; Wed, 20 Feb 2019 03:24:26 +0000 (UTC)
Authentication-Results: mail.archive.example;
\tdkim=pass (2048-bit key) header.d=author-com.20150623.gappssmtp.com header.i=@author-com.20150623.gappssmtp.com header.b="zwziYVWi"
DMARC-Filter: OpenDMARC Filter v1.3.2 mail.archive.example 2F0AD2146E
Authentication-Results: mail.archive.example; dmarc=fail (p=none dis=none) header.from=author.example
Authentication-Results: mail.archive.example; spf=pass smtp.mailfrom=owner-dev@lists.example.org
Received: by kanga.lists.example.org (Postfix, from userid 63042)
\tid 989B18E0003; Tue, 19 Feb 2019 22:24:25 -0500 (EST)
Received: from mail-wr1-f70.google.com (mail-wr1-f70.google.com [209.85.221.70])
\tby kanga.lists.example.org (Postfix) with ESMTP id 3EB4E8E0002
\tfor <dev@lists.example.org>; Tue, 19 Feb 2019 22:24:25 -0500 (EST)
Received: by mail-wr1-f70.google.com with SMTP id h65so6687258wrh.16
        for <dev@lists.example.org>; Tue, 19 Feb 2019 19:24:25 -0800 (PST)
Received: from mail-sor-f65.google.com (mail-sor-f65.google.com. [209.85.220.65])
        by mx.google.com with SMTPS id i11sor5965495wrq.49.2019.02.19.19.24.23
        for <dev@lists.example.org>; Tue, 19 Feb 2019 19:24:23 -0800 (PST)
Authentication-Results: mx.google.com;
       dkim=pass header.i=@author-com.20150623.gappssmtp.com header.s=20150623 header.b=zwziYVWi;
       spf=softfail (google.com: domain of transitioning dev1@author.example does not designate 209.85.220.65 as permitted sender) smtp.mailfrom=dev1@author.example;
       dmarc={early} (p=NONE sp=NONE dis=NONE) header.from=author.example
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;
        d=author-com.20150623.gappssmtp.com; s=20150623;
        h=from:to:subject:date:message-id; bh=I6TwaXrJepd3WDScQyPJsW1XPyTwmhwy7W1ausectrY=; b=zwziYVWi
Received: from localhost.localdomain ([203.0.113.17])
        by smtp.googlemail.com with ESMTPSA id 12sm7724906wme.25.2019.02.19.19.24.21
        (version=TLS1_2 cipher=ECDHE-RSA-AES128-GCM-SHA256 bits=128/128);
        Tue, 19 Feb 2019 19:24:22 -0800 (PST)
From: A Developer <dev1@author.example>
To: dev@lists.example.org
Subject: [PATCH] mm: fix the thing
Date: Wed, 20 Feb 2019 04:22:45 +0100
Message-Id: <20190220032245.2413-1-dev1@author.example>
Sender: owner-dev@lists.example.org
Precedence: bulk
List-ID: <dev.lists.example.org>

body
"""


def _dmarc_finding_text(raw: bytes) -> str:
    items = stamped_findings(analyze(raw))
    return " ".join(f"{f.detail} {f.fix}" for f in items if f.code.startswith("stamped.dmarc"))


def test_a_dmarc_failure_that_began_before_the_list_is_the_authors_domains_to_fix() -> None:
    d = diagnose(analyze(_KVACK.format(early="fail").encode()))
    lst = next(s for s in d.situations if s.label == "mailing-list")
    before = lst.fact("failed-before") or ""
    assert "mx.google.com" in before and "not aligned with author.example" in before
    text = fix(lst)
    assert "author.example's, not the list's" in text
    assert "not the final receiver's" in text  # says whose stamp it is
    assert "If this is author.example's own mail" in text  # never advice that serves a spoof
    assert "belongs to the list" not in text
    # the receiver's own dmarc=fail finding carries the same party, not the list's
    stamped = _dmarc_finding_text(_KVACK.format(early="fail").encode())
    assert "author.example's, not the list's" in stamped and "belongs to the list" not in stamped


def test_a_dmarc_pass_before_the_list_leaves_the_fix_at_the_list() -> None:
    # the guard: the author's side passed DMARC at the list's MX: the list broke it
    d = diagnose(analyze(_KVACK.format(early="pass").encode()))
    lst = next(s for s in d.situations if s.label == "mailing-list")
    assert lst.fact("failed-before") is None
    assert "belongs to the list" in fix(lst)


# --- 5. A sender-side Rspamd score carried through a list -------------------------------------
# measure6 L07's shape: the author's provider's outbound Rspamd (X-Rspamd-Score) rides among the
# author's fields through a Mailman list; the final receiver's only line is on top.

_L07 = """\
Return-Path: <intern-bounces@lists.example.de>
Received: from mail.list-host.example (mail.list-host.example [198.51.100.25])
\tby mx.recv.example (Postfix) with ESMTPS id AF73653C05E0
\tfor <bp@recv.example>; Sat, 20 Feb 2021 22:04:26 +0100 (CET)
To: intern@lists.example.de
From: S L <s@author.example>
Message-ID: <7753a9a4-b8fe@author.example>
Date: Sat, 20 Feb 2021 22:03:57 +0100
X-Rspamd-Score: -3.77 / 15.00 / 15.00
X-Rspamd-UID: 01315b
Subject: [Intern] important stuff
X-BeenThere: intern@lists.example.de
X-Mailman-Version: 2.1.29
Precedence: list
List-Id: <intern.lists.example.de>
List-Post: <mailto:intern@lists.example.de>
Sender: "Intern" <intern-bounces@lists.example.de>

body
"""


def test_a_sender_side_rspamd_score_through_a_list_is_the_senders_scan() -> None:
    d = diagnose(analyze(_L07.encode()))
    scan = next(s for s in d.situations if s.label == "sender-side-scan")
    assert any(e.startswith("X-Rspamd-Score") for e in scan.evidence)


def test_the_receivers_own_rspamd_run_tied_by_its_queue_id_is_not_the_senders_scan() -> None:
    # the guard: the receiver's Rspamd milter appends its run at the bottom, tied to the
    # receiver's own line by X-Rspamd-Queue-Id
    raw = _L07.replace(
        'Sender: "Intern" <intern-bounces@lists.example.de>\n',
        'Sender: "Intern" <intern-bounces@lists.example.de>\n'
        "X-Rspamd-Queue-Id: AF73653C05E0\nX-Rspamd-Server: mx\n"
        "X-Spamd-Result: default: False [0.40 / 15.00];\n\t MIME_GOOD(-0.10)[text/plain]\n",
    ).replace("X-Rspamd-Score: -3.77 / 15.00 / 15.00\nX-Rspamd-UID: 01315b\n", "")
    d = diagnose(analyze(raw.encode()))
    scan = next((s for s in d.situations if s.label == "sender-side-scan"), None)
    assert scan is None or not any("X-Spamd-Result" in e for e in scan.evidence)


# --- 6. The list host's own copy of a post, under another host name than the list's -----------
# notmuch corpus (lkml/cur/1354585346.000324:2,)'s shape: the list host (its own name is not in
# the list's domain) received the author's post for the list's posting address, with the
# author's envelope sender; Mailman's headers are already on this copy.

_INBOUND = """\
Return-Path: <dev1@author.example>
X-Original-To: dev@lists.example.org
Delivered-To: dev@lists.example.org
Received: from localhost (localhost [127.0.0.1])
\tby box.hoster.example (Postfix) with ESMTP id B580E431FBC
\tfor <dev@lists.example.org>; Sun, 22 Nov 2009 10:55:27 -0800 (PST)
Received: from mail.author.example (mail.author.example [192.0.2.13])
\tby box.hoster.example (Postfix) with ESMTP id C6AAC431FAE
\tfor <{rcpt}>; Sun, 22 Nov 2009 10:55:26 -0800 (PST)
Date: Sun, 22 Nov 2009 19:55:26 +0100
From: A Developer <dev1@author.example>
To: dev@lists.example.org
Message-ID: <4b09891e.1@author.example>
Subject: Re: [dev] [PATCH 1/2] add the flags
X-BeenThere: dev@lists.example.org
X-Mailman-Version: 2.1.12
Precedence: list
List-Id: "Development" <dev.lists.example.org>
List-Post: <mailto:dev@lists.example.org>

body
"""


def test_the_list_hosts_copy_of_a_post_is_no_list_resend() -> None:
    d = diagnose(analyze(_INBOUND.format(rcpt="dev@lists.example.org").encode()))
    lst = next(s for s in d.situations if s.label == "mailing-list")
    assert lst.fact("taken-for") == "dev@lists.example.org"
    assert "before the list re-sent anything" in d.headline
    assert "list's to fix" not in fix(lst) and "author's side's to fix" in fix(lst)


def test_a_subscribers_copy_is_not_the_list_hosts() -> None:
    # the guard: a delivery to a subscriber's address is the list's re-send as ever
    raw = (
        _INBOUND.format(rcpt="ann@box.hoster.example")
        .replace("X-Original-To: dev@lists.example.org\nDelivered-To: dev@lists.example.org\n", "")
        .replace(
            "for <dev@lists.example.org>; Sun, 22 Nov 2009 10:55:27",
            "for <ann@box.hoster.example>; Sun, 22 Nov 2009 10:55:27",
        )
    )
    d = diagnose(analyze(raw.encode()))
    lst = next(s for s in d.situations if s.label == "mailing-list")
    assert lst.fact("taken-for") is None


def test_the_authors_gateway_relaying_to_the_list_is_not_the_lists_hold() -> None:
    # the guard (real2 list-vger-linux-usb-trendmicro-hes-outbound-greylist-delay's shape): the
    # author's outbound gateway also stamps "for <the list's address>"; the time it held the post
    # before the list's host took it is not the list's
    raw = """\
Return-Path: <dev-owner@lists.example.org>
Received: from lists.example.org (lists.example.org [198.51.100.67])
\tby mx.recv.example (Postfix) with ESMTP id 1A2B3C
\tfor <me@recv.example>; Wed, 11 Sep 2019 12:54:53 +0000
Received: from out1.gw.example (out1.gw.example [203.0.113.10])
\tby lists.example.org (Postfix) with ESMTP id 2B3C4D
\tfor <dev@lists.example.org>; Wed, 11 Sep 2019 12:54:51 +0000
Received: from in1.gw.example (in1.gw.example [203.0.113.9])
\tby out1.gw.example (Postfix) with ESMTP id 3C4D5E
\tfor <dev@lists.example.org>; Wed, 11 Sep 2019 12:35:10 +0000
From: A Author <author@author.example>
To: dev@lists.example.org
Subject: [PATCH] usb: fix it
Date: Wed, 11 Sep 2019 12:35:00 +0000
Message-ID: <x2@author.example>
Sender: dev-owner@lists.example.org
List-ID: <dev.lists.example.org>
X-Mailing-List: dev@lists.example.org
Precedence: bulk

body
"""
    d = diagnose(analyze(raw.encode()))
    delay = next(s for s in d.situations if s.label == "delay")
    assert delay.fact("host") == "out1.gw.example"
    assert delay.fact("cause") not in ("list", "greylist")
