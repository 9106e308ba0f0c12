"""Offline, Amazon SES's verdict block is shown as not verified, never as "the receiver wrote none"."""

from __future__ import annotations

from headerlens.analyze import analyze
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
