"""A bounce for a domain that publishes a null MX (RFC 7505): nobody refused the message, the
domain takes no mail, and sending again does not help. Synthetic, in the shape of Gmail's
notice ("The domain D doesn't receive email according to the administrator: returned Null MX")
and of an MTA's RFC 7505 reply ("556 5.1.10")."""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.model import WhoActs
from headerlens.report.markdown import render_markdown
from tests.test_genndr4 import _dsn

GMAIL_TEXT = (
    "DNS Error: 1234 DNS type 'mx' lookup of nomail.example responded with code NOERROR "
    "The domain nomail.example doesn't receive email according to the administrator: "
    "returned Null MX https://www.rfc-editor.org/info/rfc7505"
)
MTA_TEXT = "556 5.1.10 Recipient address rejected: domain nomail.example does not accept mail"


@pytest.mark.parametrize(("status", "text"), [("4.0.0", GMAIL_TEXT), ("5.1.10", MTA_TEXT)])
def test_a_null_mx_domain_is_no_refusal_and_no_retry(status: str, text: str) -> None:
    data = _dsn(
        sender="mailer-daemon@relay.fabrikam.example",
        reporting="relay.fabrikam.example",
        recipient="pat@nomail.example",
        status=status,
        diagnostic=text,
    )
    a = analyze(data)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.meaning is not None and r.meaning.key == "text:null-mx"
    assert r.meaning.who_acts is WhoActs.SENDER
    headline = diagnose(a).headline
    assert "nomail.example publishes a null MX: it accepts no mail" in headline
    assert "refused the original" not in headline
    md = render_markdown(a)
    assert "Sending again will not help" in md
    assert "Send it again later" not in md
