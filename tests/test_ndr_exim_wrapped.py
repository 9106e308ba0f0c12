"""Exim's notice with its heading phrase wrapped over two lines (measure9's B09 shape)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.model.ndr import FailedRecipient

_NOTICE = (
    "Received: from mail.fabrikam.example (mail.fabrikam.example [192.0.2.10])\r\n"
    "\tby mx.contoso.example with ESMTPS id 77; Tue, 10 Feb 2026 04:46:11 -0800\r\n"
    "Return-Path: <>\r\n"
    "X-Failed-Recipients: dana@remote.example\r\n"
    "Auto-Submitted: auto-replied\r\n"
    "From: Mail Delivery System <Mailer-Daemon@mail.fabrikam.example>\r\n"
    "To: alex@fabrikam.example\r\n"
    "Subject: Mail delivery failed\r\n"
    "Message-Id: <E1vpn84-00Dhw2-WB@mail.fabrikam.example>\r\n"
    "Date: Tue, 10 Feb 2026 15:46:08 +0300\r\n"
    "\r\n"
    "This message was created automatically by mail delivery software.\r\n"
    "\r\n"
    "A message sent by\r\n"
    "\r\n"
    "  <alex@fabrikam.example>\r\n"
    "\r\n"
    "could not be delivered to one or more of its recipients. The following\r\n"
    "{heading}\r\n"
    "\r\n"
    "  dana@remote.example\r\n"
    "    SMTP error from remote mail server after RCPT TO:<dana@remote.example>:\r\n"
    "    host mx.remote.example [198.51.100.10]: 550 5.7.1 No such user! 17707-8kR\r\n"
    "\r\n"
    "------ This is a copy of the message, including all the headers. ------\r\n"
    "\r\n"
    "From: alex@fabrikam.example\r\n"
    "To: dana@remote.example\r\n"
    "Subject: hello\r\n"
)


def _recipient(heading: str) -> FailedRecipient:
    a = analyze(_NOTICE.replace("{heading}", heading).encode())
    assert a.ndr is not None
    (r,) = a.ndr.recipients
    return r


def test_a_wrapped_heading_still_yields_the_remote_reply() -> None:
    # "The following\naddress(es) failed:" (wrapped after "following"): the block was not found,
    # so the report fell back to "no status" refused by the reporting server itself
    r = _recipient("address(es) failed:")
    assert r.address == "dana@remote.example"
    assert "550 5.7.1 No such user!" in (r.diagnostic or "")
    assert r.remote_mta is not None and "mx.remote.example" in r.remote_mta


def test_the_unwrapped_heading_reads_the_same() -> None:
    wrapped = _recipient("address(es) failed:")
    # the heading on one line, as Exim writes it when the sentence breaks elsewhere
    one_line = analyze(
        _NOTICE.replace("The following\r\n{heading}", "The following address(es) failed:").encode()
    )
    assert one_line.ndr is not None
    (r,) = one_line.ndr.recipients
    assert (r.address, r.diagnostic, r.remote_mta) == (
        wrapped.address,
        wrapped.diagnostic,
        wrapped.remote_mta,
    )
