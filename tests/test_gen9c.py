"""Shapes of old and self-hosted receivers the corpus had few of, each rule tested on a synthetic
message of that shape (example domains, documentation addresses)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.report.markdown import render_markdown
from headerlens.report.verdicts import bar_line

# A self-hosted Postfix whose SPF check is a policy daemon (policyd-spf writes Received-SPF above
# the line of the server it runs on) and whose OpenDKIM writes an Authentication-Results with
# dkim= alone; Yahoo (2010-2013) wrote the same pair.
_SELF_HOSTED = """Return-Path: <alice@example.org>
X-Original-To: bob@example.net
Delivered-To: bob@example.net
{stamps}Received: from mail.example.org (mail.example.org [192.0.2.10])
\tby mx.example.net (Postfix) with ESMTPS id 4AB12C0123
\tfor <bob@example.net>; Mon,  2 Mar 2020 10:00:02 +0100 (CET)
{planted}Received: from [198.51.100.7] (unknown [198.51.100.7])
\tby mail.example.org (Postfix) with ESMTPSA id 11223344
\tfor <bob@example.net>; Mon,  2 Mar 2020 10:00:00 +0100 (CET)
From: Alice <alice@example.org>
To: bob@example.net
Subject: hello
Date: Mon, 2 Mar 2020 09:59:58 +0100
Message-ID: <abc123@example.org>

hi
"""
_RSPF = (
    "Received-SPF: {result} (mailfrom) identity=mailfrom; client-ip=192.0.2.10;"
    " helo=mail.example.org; envelope-from=alice@example.org; receiver=<UNKNOWN>\n"
)
_DKIM_ONLY = (
    "Authentication-Results: mx.example.net; dkim=none (message not signed) header.d=example.org\n"
)


def _msg(stamps: str = "", planted: str = "") -> bytes:
    return _SELF_HOSTED.format(stamps=stamps, planted=planted).encode()


def _bar(raw: bytes) -> str:
    a = analyze(raw)
    return bar_line(a, None)


def test_the_receivers_own_received_spf_fills_the_verdict_bar_without_authentication_results() -> (
    None
):
    raw = _msg(stamps=_RSPF.format(result="Pass"))
    assert "SPF pass (stamped in Received-SPF)" in _bar(raw)
    assert "Final receiver stamped:** Received-SPF pass" in render_markdown(analyze(raw))


def test_the_receivers_received_spf_fills_the_gap_an_opendkim_only_stamp_leaves() -> None:
    raw = _msg(stamps=_DKIM_ONLY + _RSPF.format(result="Fail"))
    bar = _bar(raw)
    assert "SPF fail (stamped in Received-SPF)" in bar
    assert "DKIM none (stamped)" in bar
    md = render_markdown(analyze(raw))
    assert "dkim=none; Received-SPF fail" in md


def test_an_spf_result_in_the_receivers_authentication_results_wins_over_its_received_spf() -> None:
    ar = "Authentication-Results: mx.example.net; spf=softfail smtp.mailfrom=alice@example.org\n"
    bar = _bar(_msg(stamps=ar + _RSPF.format(result="Pass")))
    assert "SPF softfail (stamped)" in bar
    assert "Received-SPF" not in bar


def test_a_received_spf_pass_planted_below_the_receivers_line_stays_unknown() -> None:
    raw = _msg(planted=_RSPF.format(result="Pass"))
    a = analyze(raw)
    assert "SPF —" in bar_line(a, None)
    assert "Received-SPF pass" not in render_markdown(a)
    assert "spf=pass" not in diagnose(a, None).headline


def test_a_qmail_spf_local_policy_pass_is_no_spf_verdict_on_the_sender() -> None:
    # qmail-spf's pass for a client its own rules let through (a filtering proxy in front)
    local = (
        "Received-SPF: pass (mx.example.net: local policy designates 192.0.2.10 as permitted"
        " sender)\n"
    )
    a = analyze(_msg(stamps=local))
    assert "SPF —" in bar_line(a, None)
    assert "Received-SPF pass" not in render_markdown(a)


def test_a_received_spf_about_another_client_than_the_boundarys_does_not_count() -> None:
    other = _RSPF.format(result="Pass").replace("client-ip=192.0.2.10", "client-ip=192.0.2.99")
    a = analyze(_msg(stamps=other))
    assert a.chain.boundary is not None and a.chain.boundary.ip == "192.0.2.10"
    assert "SPF —" in bar_line(a, None)


# qmail with the qmail-spf patch writes its Received-SPF directly under its own Received line
_QMAIL = """Return-Path: <ceo@example.org>
Delivered-To: bob@example.net
Received: (qmail 4242 invoked by uid 89); 2 Mar 2020 09:00:03 -0000
Received: from unknown (HELO mail.example.org) (203.0.113.66)
  by mx.example.net with SMTP; 2 Mar 2020 09:00:02 -0000
{rspf}Received: from [198.51.100.7] (unknown [198.51.100.7])
\tby mail.example.org (Postfix) with ESMTPSA id 55667788
\tfor <bob@example.net>; Mon,  2 Mar 2020 10:00:00 +0100 (CET)
From: CEO <ceo@example.org>
To: bob@example.net
Subject: wire
Date: Mon, 2 Mar 2020 09:59:58 +0100
Message-ID: <w1@example.org>

hi
"""


def test_a_received_spf_failure_right_under_a_qmail_line_is_the_receivers() -> None:
    rspf = (
        "Received-SPF: softfail (mx.example.net: transitioning SPF record at example.org does"
        " not designate 203.0.113.66 as permitted sender)\n"
    )
    a = analyze(_QMAIL.format(rspf=rspf).encode())
    assert "SPF softfail (stamped in Received-SPF)" in bar_line(a, None)


def test_a_received_spf_pass_right_under_a_qmail_line_stays_unknown() -> None:
    # the sender's own last field sits in the same place: a pass there proves nothing
    rspf = (
        "Received-SPF: pass (mx.example.net: SPF record at example.org designates"
        " 203.0.113.66 as permitted sender)\n"
    )
    a = analyze(_QMAIL.format(rspf=rspf).encode())
    assert "SPF —" in bar_line(a, None)
    assert "spf=pass" not in diagnose(a, None).headline


def test_a_failure_right_under_the_line_about_another_client_does_not_count() -> None:
    rspf = (
        "Received-SPF: fail (mx.example.net: SPF record at example.org does not designate"
        " 198.51.100.9 as permitted sender)\n"
    )
    a = analyze(_QMAIL.format(rspf=rspf).encode())
    assert "SPF —" in bar_line(a, None)


# Postfix + amavisd-new + SpamAssassin, no Authentication-Results: the receiver's SpamAssassin
# rules are its only SPF/DKIM/DMARC verdicts (its X-Spam-Status sits above the receiver's own
# Received lines, between its amavis hand-off and its re-injection)
_AMAVIS = """Return-Path: <ceo@example.org>
Delivered-To: bob@example.net
Received: from localhost (localhost [127.0.0.1])
\tby mx.example.net (Postfix) with ESMTP id 9F1E2C0456
\tfor <bob@example.net>; Mon,  2 Mar 2020 10:00:04 +0100 (CET)
X-Virus-Scanned: Debian amavisd-new at mx.example.net
X-Spam-Flag: NO
X-Spam-Score: 4.1
X-Spam-Status: No, score=4.1 tagged_above=-999 required=6.31
\ttests=[{tests}, RDNS_NONE=1.274] autolearn=no autolearn_force=no
Received: from mx.example.net ([127.0.0.1])
\tby localhost (mx.example.net [127.0.0.1]) (amavisd-new, port 10024)
\twith ESMTP id 2bM0DBg9cF3P for <bob@example.net>;
\tMon,  2 Mar 2020 10:00:03 +0100 (CET)
Received: from mail.example.com (unknown [203.0.113.66])
\tby mx.example.net (Postfix) with ESMTP id 4AB12C0123
\tfor <bob@example.net>; Mon,  2 Mar 2020 10:00:02 +0100 (CET)
{planted}From: CEO <ceo@example.org>
To: bob@example.net
Subject: wire
Date: Mon, 2 Mar 2020 09:59:58 +0100
Message-ID: <w2@example.org>

hi
"""


def test_the_receivers_spamassassin_rules_are_its_verdicts_without_authentication_results() -> None:
    raw = _AMAVIS.format(tests="SPF_FAIL=0.919, DKIM_INVALID=0.1, DMARC_REJECT=0.3", planted="")
    a = analyze(raw.encode())
    bar = bar_line(a, None)
    assert "SPF fail (SpamAssassin)" in bar
    assert "DKIM fail (SpamAssassin)" in bar
    assert "DMARC fail (SpamAssassin)" in bar
    assert "wrote no authentication verdict" not in diagnose(a, None).headline
    assert "its SpamAssassin (X-Spam-Status tests) found spf=fail" in render_markdown(a)


def test_spamassassin_passes_above_the_receivers_own_line_count() -> None:
    raw = _AMAVIS.format(tests="SPF_PASS=-0.001, DKIM_VALID_AU=-0.1, DKIM_VALID=-0.1", planted="")
    bar = _bar(raw.encode())
    assert "SPF pass (SpamAssassin)" in bar
    assert "DKIM pass (SpamAssassin)" in bar


def test_a_spam_status_with_passes_below_the_receivers_line_proves_no_pass() -> None:
    # the sender writes its own X-Spam-Status claiming SPF_PASS / DMARC_PASS under the receiver's
    # first Received line, and the receiver's amavis adds none
    planted = "X-Spam-Status: No, score=-5.0 tests=SPF_PASS,DKIM_VALID_AU,DMARC_PASS\n"
    raw = _AMAVIS.replace("X-Spam-Status: No, score=4.1 tagged_above=-999 required=6.31\n", "")
    raw = raw.replace("\ttests=[{tests}, RDNS_NONE=1.274] autolearn=no autolearn_force=no\n", "")
    a = analyze(raw.format(planted=planted).encode())
    bar = bar_line(a, None)
    assert "pass (SpamAssassin)" not in bar
    assert "spf=pass" not in diagnose(a, None).headline


def test_a_receivers_rspamd_failures_are_not_called_no_verdict_in_the_headline() -> None:
    raw = """Return-Path: <ceo@example.org>
Delivered-To: bob@example.net
X-Rspamd-Queue-Id: 4AB12C0123
X-Spamd-Result: default: False [3.10 / 15.00];
\tR_SPF_FAIL(1.00)[-all];
\tDMARC_POLICY_REJECT(2.00)[example.org : No valid SPF, No valid DKIM,reject]
Received: from mail.example.com (unknown [203.0.113.66])
\tby mx.example.net (Postfix) with ESMTP id 4AB12C0123
\tfor <bob@example.net>; Mon,  2 Mar 2020 10:00:02 +0100 (CET)
From: CEO <ceo@example.org>
To: bob@example.net
Subject: wire
Date: Mon, 2 Mar 2020 09:59:58 +0100
Message-ID: <w3@example.org>

hi
"""
    a = analyze(raw.encode())
    assert "SPF fail (Rspamd)" in bar_line(a, None)
    headline = diagnose(a, None).headline
    assert "wrote no authentication verdict" not in headline
    assert "spf=fail" in headline
