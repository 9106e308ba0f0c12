"""Rspamd's fields closing the header (measure9's G06 shape: Haraka + Rspamd append them)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.facts import Diagnosis, Outcome

_MSG = (
    "Received-SPF: Pass (mx.contoso.example: domain of fabrikam.example designates 192.0.2.7 as"
    " permitted sender) receiver=mx.contoso.example; identity=mailfrom; client-ip=192.0.2.7\r\n"
    "Received: from mail.fabrikam.example (mail.fabrikam.example [192.0.2.7])\r\n"
    "\tby mx.contoso.example (Haraka/2.8.25) with ESMTPS id 1A2B; Fri, 6 Nov 2020 14:20:00 +0200\r\n"
    "From: Dana <dana@fabrikam.example>\r\n"
    "To: Alex <alex@contoso.example>\r\n"
    "Subject: hello\r\n"
    "Date: Fri, 6 Nov 2020 14:19:43 +0200\r\n"
    "Message-ID: <m1@fabrikam.example>\r\n"
    "Content-Type: text/plain\r\n"
    "{run}"
    "\r\n"
    "Hi.\r\n"
)
_HAM = (
    "X-Rspamd-Bar: -\r\n"
    "X-Rspamd-Report: R_DKIM_ALLOW(-0.2) MIME_GOOD(-0.1) DMARC_POLICY_ALLOW(-0.5)\r\n"
    "X-Rspamd-Score: -1\r\n"
)


def _read(run: str) -> Diagnosis:
    return diagnose(analyze(_MSG.replace("{run}", run).encode()))


def test_a_closing_rspamd_run_is_not_called_the_sending_sides_scan() -> None:
    # was: sender-side-scan "X-Rspamd-Bar (written by the sending side (or forged))"
    d = _read(_HAM)
    assert "sender-side-scan" not in {s.label for s in d.situations}


def test_a_planted_clean_rspamd_run_closing_the_header_makes_no_inbox() -> None:
    # attack: the sender writes Rspamd's clean verdict as the last fields of its header
    d = _read(_HAM + "X-Rspamd-Action: no action\r\n")
    assert d.outcome.outcome is not Outcome.INBOX
