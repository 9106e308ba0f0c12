"""Lists, forwards, re-sends and person-to-person mail read as an expert would (issue 11), each
with a synthetic message of a real shape (names and addresses changed to documentation ones)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import GapKind, diagnose

# --- 1. An author's re-send (Resent-*, RFC 5322 §3.6.6) a day after the first delivery ---------
# measure5 L13's shape: the author re-sent his patch from his webmail mailbox to a list a day
# later; the Received lines of the first delivery (to his own mailbox) stay below the re-send's.

_RESEND_TOP = """\
Return-Path: <dev-bounces@lists.example.org>
Received: from lists.example.org (lists.example.org [198.51.100.77])
\tby mx.recv.example (Postfix) with ESMTPS id 4FBFC644877
\tfor <me@recv.example>; {mx_time}
Received: from lists.example.org (localhost [127.0.0.1])
\tby lists.example.org (Postfix) with ESMTP id 68B47F80290;
\t{list_time}
Received: from mout.mail.example (mout.mail.example [192.0.2.19])
 by lists.example.org (Postfix) with ESMTPS id 2BF16F8014E
 for <dev@lists.example.org>; Tue, 6 Dec 2022 16:57:58 +0100 (CET)
"""
_RESEND_SUBMISSION = """\
Received: from [192.168.0.87] ([203.0.113.45]) by mail.mail.example (mrweb005
 [192.0.2.190]) with ESMTPSA (Nemesis) id 1MJmGZ-1pHeNE48YD; Tue, 06
 Dec 2022 16:57:54 +0100
"""
_OLD_TRIP = """\
Received: from mout.mail.example ([192.0.2.20]) by mx-ha.mail.example (mxweb114
 [192.0.2.5]) with ESMTPS (Nemesis) id 1MaJKP-1pWHuy2AM9 for
 <author@mail.example>; Mon, 05 Dec 2022 17:37:41 +0100
Received: from laptop ([198.51.100.142]) by mail.mail.example (mrweb104
 [192.0.2.168]) with ESMTPSA (Nemesis) id 1M8QS8-1p6cBz3XZg; Mon,
 05 Dec 2022 17:37:36 +0100
"""
_RESEND_BODY = """\
From: A Author <author@mail.example>
To: Maintainer <maint@corp.example>
Subject: [PATCH v2] fix the speakers
Date: Mon,  5 Dec 2022 17:37:13 +0100
Message-Id: <20221205163713.7476-1-author@mail.example>
Resent-From: A Author <author@mail.example>
Resent-To: Maintainer <maint@corp.example>
Resent-Cc: dev@lists.example.org
Resent-Date: {resent_date}
Cc: dev@lists.example.org
X-BeenThere: dev@lists.example.org
X-Mailman-Version: 2.1.15
Precedence: list
List-Id: <dev.lists.example.org>
List-Post: <mailto:dev@lists.example.org>
Sender: "Dev" <dev-bounces@lists.example.org>

body
"""


def _resend(
    list_time: str = "Tue,  6 Dec 2022 16:58:06 +0100 (CET)",
    mx_time: str = "Tue,  6 Dec 2022 16:59:04 +0100 (CET)",
    resent_date: str = "Tue, 06 Dec 2022 16:57:52 +0100",
    submission: str = _RESEND_SUBMISSION,
) -> bytes:
    top = _RESEND_TOP.format(list_time=list_time, mx_time=mx_time)
    return (top + submission + _OLD_TRIP + _RESEND_BODY.format(resent_date=resent_date)).encode()


def test_an_authors_resend_a_day_later_is_neither_a_queue_nor_a_forward() -> None:
    d = diagnose(analyze(_resend()))
    assert "delay" not in d.labels()
    assert "forward-nosrs" not in d.labels()  # the final receiver forwarded nothing
    assert "mailing-list" in d.labels()
    long = [g for g in d.gaps if g.seconds > 3600]
    assert [g.kind for g in long] == [GapKind.REDELIVERED]
    assert "re-sent" in long[0].note and "author@mail.example" in long[0].note
    assert "waited" not in d.headline


def test_a_real_delay_above_the_resend_is_still_blamed_on_its_host() -> None:
    # 3 h on the list server after the re-send: the Resent-Date explains only the older gap
    late = "Tue,  6 Dec 2022 19:59:04 +0100 (CET)"
    d = diagnose(analyze(_resend(mx_time=late)))
    delays = [s for s in d.situations if s.label == "delay"]
    assert delays and delays[0].fact("host") == "lists.example.org"


def test_a_resent_date_does_not_excuse_a_gap_that_ends_at_no_submission() -> None:
    # the newer stamp is a relay's, not a new submission: a sender's Resent-Date does not turn a
    # queue into a re-send
    relay = _RESEND_SUBMISSION.replace("with ESMTPSA", "with ESMTPS")
    d = diagnose(analyze(_resend(submission=relay)))
    assert "delay" in d.labels()
    # nor one whose Resent-Date is hours before the new stamp
    d = diagnose(analyze(_resend(resent_date="Tue, 06 Dec 2022 11:00:00 +0100")))
    assert "delay" in d.labels()


def test_resent_fields_never_move_the_trust_boundary() -> None:
    plain = _resend().replace(b"Resent-", b"X-Old-")
    with_resent, without = analyze(_resend()).chain.boundary, analyze(plain).chain.boundary
    assert with_resent is not None and without is not None
    assert (with_resent.hop_number, with_resent.ip) == (without.hop_number, without.ip)
    assert with_resent.ip == "198.51.100.77"


def test_a_resend_by_another_party_names_it_as_the_forwarder() -> None:
    # someone else re-sent the author's message: a forward by the Resent-From's domain, not by
    # the final receiver (the old wording said "recv.example re-sent it")
    raw = _resend().replace(
        b"Resent-From: A Author <author@mail.example>", b"Resent-From: <desk@helpers.example>"
    )
    d = diagnose(analyze(raw))
    fwd = [s for s in d.situations if s.label == "forward-nosrs"]
    assert fwd and fwd[0].fact("forwarder") == "helpers.example"


def test_the_total_transit_says_how_much_of_it_was_a_mailbox_before_the_resend() -> None:
    from headerlens.report.words import transit_words

    words = transit_words(analyze(_resend()))
    assert words.startswith("+23 h 21 min") and "23 h 20 min of it in a mailbox" in words
    # an ordinary chain says only its transit
    assert "mailbox" not in transit_words(analyze(_resend().replace(b"ESMTPSA", b"ESMTPS")))


# --- 2. SpamAssassin run at delivery appends its fields below the header ---------------------
# sisimai rfc3834-04's shape (an AOL vacation reply to a Sendmail host whose procmail/spamc
# appended X-Spam-Status and X-Spam-Checker-Version "on <its own host>" at the very end).

_DELIVERY_SA = """\
Return-Path: <away@mail.example>
Received: from out.mail.example (out.mail.example [192.0.2.145])
\tby inbox.recv.example (8.14.0/8.14.0) with ESMTP id oB1IRBPn024321
\tfor <news@recv.example>; Wed, 1 Dec 2010 12:27:11 -0600
Received: from web.mail.example (web.mail.example [192.0.2.199])
\tby out.mail.example (8.14.1/8.14.1) with ESMTP id oB1IM5Tc002568
\tfor <news@recv.example>; Wed, 1 Dec 2010 13:26:05 -0500
From: away@mail.example
Message-ID: <4c108.2c5a8651@mail.example>
Date: Wed, 1 Dec 2010 13:25:59 -0500
Subject: Re: Special offer (Automatic Response)
To: news@recv.example
Auto-Submitted: auto-replied
X-Spam-Status: No, score=0.0 required=5.0 tests=none autolearn=disabled
\tversion=3.2.1
X-Spam-Checker-Version: SpamAssassin 3.2.1 (2007-05-02) on {host}

I am away on vacation until December 20th.
"""


def test_a_delivery_time_spamassassin_naming_the_receiver_is_not_the_senders_scan() -> None:
    from headerlens.model.provenance import Author

    a = analyze(_DELIVERY_SA.format(host="inbox.recv.example").encode())
    status = next(f for f in a.headers if f.lname == "x-spam-status")
    author = a.provenance.of(status.index)
    # never the receiver's (a sender can write the host name), but not called the sender's
    assert author is not None and author.author is Author.UNKNOWN
    assert "inbox.recv.example" in author.evidence and "procmail" in author.evidence
    d = diagnose(a)
    assert "sender-side-scan" not in d.labels()
    assert "ndr" not in d.labels()  # a vacation notice is no bounce


def test_a_bottom_spamassassin_naming_another_host_stays_a_senders_scan() -> None:
    d = diagnose(analyze(_DELIVERY_SA.format(host="filter.elsewhere.example").encode()))
    scans = [s for s in d.situations if s.label == "sender-side-scan"]
    assert scans and any("X-Spam-Status" in e for e in scans[0].evidence)


# --- 3. A notification from a host named in a sister domain ---------------------------------
# comm-central bugmail10's shape: Bugzilla mail for bugzilla-daemon@mozilla.org sent by a host whose
# reverse DNS is in mozilla.com. Nothing ties the two domains (a look-alike domain reads the same),
# so the message stays unauthenticated, but the sister domain is not "another organisation".

_SISTER = b"""\
Return-Path: <daemon@brand.example>
Received: from webapp-out.brand.example (webapp01.sj.brand-corp.example [192.0.2.146])
        by mx.google.com with ESMTP id i13si5593575wxd.5.2008.06.06.10.06.29;
        Fri, 06 Jun 2008 10:06:33 -0700 (PDT)
Received-SPF: neutral (google.com: 192.0.2.146 is neither permitted nor denied by domain of daemon@brand.example) client-ip=192.0.2.146;
Authentication-Results: mx.google.com; spf=neutral (google.com: 192.0.2.146 is neither permitted nor denied by domain of daemon@brand.example) smtp.mail=daemon@brand.example
Date: Fri, 6 Jun 2008 10:06:27 -0700
Message-Id: <200806061706.m56H6RWT004933@app54.brand.example>
From: daemon@brand.example
To: someone@example.com
Subject: [Bug 436880] notifications

Do not reply to this email.
"""


def test_a_reverse_dns_in_a_sister_domain_is_another_domain_not_another_organisation() -> None:
    d = diagnose(analyze(_SISTER))
    assert "cannot be told from a spoof of brand.example" in d.headline  # still unauthenticated
    assert "another organisation" not in d.headline
    assert "confirmed is in another domain" in d.headline
    from headerlens.diagnosis.unauthenticated import finding

    assert d.unauthenticated is not None
    text = finding(d.unauthenticated).title
    assert "another organisation" not in text and "perhaps a sister domain" in text


# --- 4. A copy whose only server is the one the author signed in to -------------------------
# sisimai is-not-bounce-02's shape: a person-to-person message (with an earlier message attached)
# whose only Received line is the provider's ESMTPSA submission line: internal mail or the copy as
# submitted. The receiver's own line shows SMTP authentication; "nothing authenticates the
# sender" was wrong.

_SUBMITTED = """\
Return-Path: <ann@mail.example>
Received: from [172.17.234.195] (p5B283A6B.dip0.isp.example. [198.51.100.107])
        by smtp.mail.example with {proto} id p16-v6sm7861105wro.29
        for <bob@mail.example>
        (version=TLS1_2 cipher=ECDHE-RSA-AES128-GCM-SHA256 bits=128/128);
        Thu, 08 Nov 2018 14:39:35 -0800 (PST)
{below}From: Ann <ann@mail.example>
Subject: original as attachment
Message-Id: <A3CE5E53-2501-4A47-9E48-ACB6137B9E96@mail.example>
Date: Thu, 8 Nov 2018 23:39:34 +0100
To: Bob <bob@mail.example>

see the attachment
"""


def test_an_authenticated_submission_as_the_only_server_is_said_so() -> None:
    d = diagnose(analyze(_SUBMITTED.format(proto="ESMTPSA", below="").encode()))
    assert "signed in (ESMTPSA from 198.51.100.107)" in d.headline
    assert "nothing in the header authenticates" not in d.headline
    assert "the account, not the From address" in d.headline  # no pass for the From domain


def test_a_signed_in_line_only_the_sender_wrote_is_no_submission() -> None:
    plain = diagnose(analyze(_SUBMITTED.format(proto="ESMTPS", below="").encode()))
    assert "signed in" not in plain.headline
    assert plain.headline.startswith("The final receiver wrote no authentication verdict")
    # an ESMTPSA line below the receiver's own (the sender's text) changes nothing
    forged = (
        "Received: from laptop ([192.0.2.9]) by relay.mail.example with ESMTPSA id 1;\n"
        "        Thu, 08 Nov 2018 14:39:30 -0800 (PST)\n"
    )
    d = diagnose(analyze(_SUBMITTED.format(proto="ESMTPS", below=forged).encode()))
    assert "signed in" not in d.headline


# --- 5. Amazon SES inbound's own block, offline ---------------------------------------------
# sisimai rfc3834-06's shape (a Zimbra vacation reply into SES inbound): SES writes its verdict run
# directly below its own line; offline its seal cannot be checked, so its stamps are "unknown",
# but they sit at the receiver's hop and are no sending side's scan. sisimai's sanitised copy
# changed the client IPs in the stamps ([192.0.2.12]) but not in SES's line (192.0.2.1), so the stamps
# no longer name the boundary's client; they are still SES's run at its own hop.

_SES = b"""\
Return-Path: <>
Received: from mta.example.org ([192.0.2.1])
 by inbound-smtp.us-east-1.amazonaws.com with SMTP id pseudo-smtp-session-id-string
 for bounces+list@example.net;
 Fri, 10 Feb 2017 19:14:33 +0000 (UTC)
X-SES-Spam-Verdict: PASS
X-SES-Virus-Verdict: PASS
Received-SPF: none (spfCheck: [192.0.2.22] is neither permitted nor denied by domain of example.org) client-ip=[192.0.2.12]; envelope-from=postmaster@example.org; helo=mta.example.org;
Authentication-Results: amazonses.com;
 spf=none (spfCheck: [192.0.2.12] is neither permitted nor denied by domain of example.org) client-ip=[192.0.2.221]; envelope-from=postmaster@example.org; helo=mta.example.org;
X-SES-RECEIPT: AEFBQUFBQUFBQUFHc2FtcGxl
X-SES-DKIM-SIGNATURE: v=1; a=rsa-sha256; q=dns/txt; c=relaxed/simple;
\ts=6gbrjpgwjskckoa6a5zn6fwqkn67xbtw; d=amazonses.com; t=1486754073;
\th=X-SES-RECEIPT:Date:From:To:Message-ID:Subject:MIME-Version:Content-Type;
\tbh=0bYTWVAQOGTZY45Q929yxHVJoEggqClgGJJtcyDttRA=;
\tb=RFkTDfEJ8ugYYu823Qu40RfHxykHFb9xOjWWyQhMvRmtPrRPbgIvt/ozSO7i7A2y
Date: Fri, 10 Feb 2017 17:14:16 -0200 (BRST)
From: Kit <kit@example.org>
To: bounces+list@example.net
Message-ID: <1257668210.10263839.1486754116408.JavaMail.zimbra@example.org>
Subject: Re: EXAMPLE
Auto-Submitted: auto-replied (zimbra; vacation)
Precedence: bulk

Away until 12/03.
"""


def test_an_unverified_ses_block_at_its_own_hop_is_no_senders_scan() -> None:
    from headerlens.model.provenance import Author

    a = analyze(_SES)
    spf = next(f for f in a.headers if f.lname == "received-spf")
    author = a.provenance.of(spf.index)
    assert author is not None and author.author is Author.UNKNOWN  # offline: never the receiver's
    d = diagnose(a)
    assert "sender-side-scan" not in d.labels()
    assert "ndr" not in d.labels()  # a vacation notice is no bounce
