"""Offline, Amazon SES's verdict block is shown as not verified, never as "the receiver wrote none"."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.report.render import render
from tests.test_genattr import _SENDER_HEADER, _SES_LINE, _msg, _ses_block


def test_offline_ses_block_is_unverified_not_absent() -> None:
    a = analyze(
        _msg("Return-Path: <news@sender.example>", _SES_LINE, *_ses_block(), *_SENDER_HEADER)
    )
    out = render(a, None, "md")
    assert "Final receiver stamped:** not verified offline: Amazon SES's verdict block" in out
    assert "wrote no Authentication-Results" not in out
    assert "nothing (the Authentication-Results in the message were written by others)" not in out


def test_offline_ses_headline_says_not_verified_not_no_verdict() -> None:
    # SES's own Received-SPF waits for the seal like its Authentication-Results: offline the
    # headline says what is not known, not "the final receiver wrote no authentication verdict"
    block = [f for f in _ses_block() if not f.startswith("Authentication-Results")]
    a = analyze(_msg("Return-Path: <news@sender.example>", _SES_LINE, *block, *_SENDER_HEADER))
    headline = diagnose(a).headline
    assert headline.startswith("Amazon SES's verdicts under its own line are not verified offline")
    assert "spf=" not in headline
