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
