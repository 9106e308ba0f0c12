"""Refusals tied to the returned message's checks: forwards, the sender's own server, banned IPs.

The real2 bounces are re-verified against the in-memory lab zones (their anonymised domains do
not exist there, which is what today's DNS says about them too); what matters here is who is
told to act and why, from the report and the original together.
"""

from __future__ import annotations

import asyncio

import pytest

from headerlens.analyze import analyze
from headerlens.evaluators.verify import verify
from headerlens.model import WhoActs
from headerlens.model.ndr import NdrLink
from tests.labverify import NOW, LoggingMemoryResolver
from tests.paths import CORPUS, need_shared


def _links(name: str) -> tuple[NdrLink, ...]:
    need_shared()
    analysis = analyze((CORPUS / "real2" / name).read_bytes(), source_name=name)
    v = asyncio.run(verify(analysis, LoggingMemoryResolver(), label="memory", now=NOW))
    assert v.done and not v.errors, v.errors
    assert v.original is not None  # the returned message was verified on its own
    return v.ndr_links


@pytest.mark.parametrize(
    ("name", "forwarder"),
    [
        ("ndr-sendmail-alias-forward-to-gmail-dmarc-reject-cpanel-spoof.eml", "mx2.example.jp"),
        ("ndr-sendmail-alias-forward-to-gmail-unauthenticated-5.7.1.eml", "mx.example.jp"),
        (
            "ndr-exchange-online-forwarded-copy-rejected-by-godaddy-spf-5.1.0.eml",
            "NEKONYAAN22.sotoneko.prod.outlook.com",
        ),
    ],
)
def test_forward_without_srs_is_fixed_at_the_forwarder(name: str, forwarder: str) -> None:
    (link,) = _links(name)
    assert link.who_acts is WhoActs.FORWARDER
    assert f"{forwarder} forwarded the message" in link.why
    assert "keeping the original envelope sender" in link.why
    assert f"Fix it at the forwarder ({forwarder})" in link.fix
    assert "SRS" in link.fix


def test_alias_on_the_senders_own_server_is_fixed_at_the_sender() -> None:
    # relay3 expanded the alias itself, with its own envelope sender: not a third-party forward
    (link,) = _links("ndr-postfix-gmail-5.7.26-unauthenticated-alias-fix-at-sender.eml")
    assert link.who_acts is WhoActs.SENDER_ADMIN
    assert "left relay3.example.com from 192.0.2.22" in link.why
    assert "list 192.0.2.22 in the SPF record of relay3.example.com" in link.fix
    assert "do not put another domain's address (kijitora@google.example.com) in From" in link.fix


def test_own_domain_dmarc_reject_is_fixed_at_the_sender() -> None:
    (link,) = _links("ndr-qmail-outlookcom-5.7.509-own-domain-dmarc-reject.eml")
    assert (link.status, link.check, link.who_acts) == ("5.7.509", "dmarc", WhoActs.SENDER_ADMIN)
    assert "DKIM-sign outgoing mail with d=nq.example.jp" in link.fix
    assert "SPF: not replayed" in link.checked  # 52.101.68.24 is Outlook's MX, not the sender


def test_banned_ip_names_the_sending_ip_not_authentication() -> None:
    (link,) = _links("ndr-sendmail-eop-5.7.606-banned-ip-cr-only-line-endings.eml")
    assert (link.status, link.check) == ("5.7.606", "ip")
    assert "sending IP 198.51.100.222" in link.why and "nyaan.example.ed.jp" in link.why
    assert "not about the message's authentication" in link.why
    assert "sender.office.com" in link.fix


def test_user_unknown_has_no_authentication_link() -> None:
    assert _links("ndr-outlookcom-5.1.1-nonindented-continuation-lines.eml") == ()


def test_offline_an_ip_refusal_claims_no_re_check() -> None:
    # An offline run made no DNS query: the IP-refusal link said "Re-checked ... against
    # today's DNS" and "DMARC for D: temperror" (the DNS-less lookup read as an error).
    import io

    from headerlens.cli import run_report

    need_shared()
    src = CORPUS / "real2" / "ndr-sendmail-eop-5.7.606-banned-ip-cr-only-line-endings.eml"
    out = io.StringIO()
    assert run_report(["--format", "md", "--offline", str(src)], out) == 0
    md = out.getvalue()
    assert "The refusing server names the sending IP 198.51.100.222" in md
    assert "against today's DNS" not in md and "temperror" not in md
    assert "Why (original re-checked)" not in md and "- **Why:** The refusing server" in md
