"""Bounce residuals (issue 11, sixth round): reply wordings read as their reason (a receiver's
own temporary problem, a provider's own IP block list, a missing reverse DNS name in the
headline), a forwarder's relay refusing, and a postmaster copy of a bounce. Synthetic messages
of each shape seen in real bounces (names, hosts and addresses changed)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.model import Analysis, WhoActs
from headerlens.model.ndr import CodeMeaning
from headerlens.parsers.ndr_codes import lookup
from headerlens.report.markdown import render_markdown
from tests.test_genndr4 import D
from tests.test_genndr4 import _dsn as genndr4_dsn


def _dsn(
    *,
    status: str,
    diagnostic: str,
    remote: str,
    recipient: str = "kim@club.example",
    reporting: str = "out.fabrikam.example",
    original: str = "",
    arrival: str = "",
) -> bytes:
    """test_genndr4's DSN, with an Original-Recipient or an Arrival-Date when given."""
    raw = genndr4_dsn(
        sender=f"MAILER-DAEMON@{reporting}",
        reporting=reporting,
        recipient=recipient,
        status=status,
        diagnostic=diagnostic,
        remote=remote,
    )
    if original:
        raw = raw.replace(b"Action:", f"Original-Recipient: rfc822;{original}\nAction:".encode())
    if arrival:
        raw = raw.replace(
            b"\n\nFinal-Recipient", f"\nArrival-Date: {arrival}\n\nFinal-Recipient".encode()
        )
    return raw


def _read(raw: bytes, key: str) -> tuple[Analysis, CodeMeaning]:
    """The bounce analysed and its one refusal's meaning, which must be catalogue entry ``key``."""
    a = analyze(raw)
    assert a.ndr is not None
    (r,) = a.ndr.failed
    assert r.meaning is not None and r.meaning.key == key
    return a, r.meaning


# --- 1. Exim's "451 Temporary local problem" until the queue gave up: the receiver's fault ----

LOCAL_PROBLEM = _dsn(
    status="4.0.0",
    remote="mx.club.example",
    diagnostic="451 Temporary local problem - please try later",
    arrival="Thu, 26 Feb 2026 10:00:00 +0000",
)


def test_a_receivers_temporary_local_problem_is_its_own_administrators_to_fix() -> None:
    a, meaning = _read(LOCAL_PROBLEM, "text:receiver-local-problem")
    # 4.0.0 given up alone said "the sender (check the address or the message)"
    assert meaning.who_acts is WhoActs.RECIPIENT_ADMIN
    assert "(4.0.0, receiver local problem)" in diagnose(a).headline
    md = render_markdown(a)
    assert "Who must act:** the recipient's mail administrator" in md
    assert "Exim source, smtp" in md
    # still retrying: nobody yet
    retrying = analyze(LOCAL_PROBLEM.replace(b"Action: failed", b"Action: delayed"))
    assert retrying.ndr is not None and retrying.ndr.recipients[0].meaning is not None
    assert retrying.ndr.recipients[0].meaning.who_acts is WhoActs.NOBODY


# --- 2. a provider's own IP block ("(BL)", "(NOWL)"), not a public DNSBL ----------------------

PROVIDER_BL = _dsn(
    status="5.5.0",
    remote="mx02.club.example",
    diagnostic="554 IP=192.0.2.254 - A problem occurred. (Ask your postmaster for help or to "
    "contact abuse-desk@club.example to clarify.) (BL)",
)


def test_a_providers_own_ip_block_list_is_read_and_the_senders_admin_asks_to_be_allowed() -> None:
    a, meaning = _read(PROVIDER_BL, "text:provider-ip-block")
    assert meaning.who_acts is WhoActs.SENDER_ADMIN
    assert meaning.about == "ip"
    assert "(5.5.0, provider ip block)" in diagnose(a).headline
    assert "other or undefined protocol status" not in render_markdown(a)
    nowl = lookup(
        "5.7.1",
        "554 IP=198.51.100.7 - None/bad reputation. Ask your postmaster for help or to contact "
        "postmaster@club.example for reset. (NOWL)",
        None,
    )
    assert nowl.key == "text:provider-ip-block"
    # a bare "(BL)" elsewhere in a reply is no such block
    assert lookup("5.5.0", "554 Message refused (BL) by policy", None).key != (
        "text:provider-ip-block"
    )


# --- 3. "IP name lookup failed" (no reverse DNS) names its reason in the headline -------------

NO_PTR = _dsn(
    status="4.7.1",
    remote="mail.club.example",
    diagnostic="450 4.7.1 Access denied. IP name lookup failed [192.0.2.222]",
)


def test_a_missing_reverse_dns_name_is_named_in_the_headline() -> None:
    a, meaning = _read(NO_PTR, "text:reverse-dns")
    assert meaning.who_acts is WhoActs.SENDER_ADMIN
    assert "(4.7.1, reverse dns)" in diagnose(a).headline


# --- 4. an alias forwarder's own sending refused: its administrator acts ----------------------


def _forwarded(diagnostic: str, *, original: str = "team@alias.example") -> bytes:
    return _dsn(
        reporting="fwd.alias.example",
        recipient="owner@elsewhere.example",
        original=original,
        status="5.0.0",
        remote="smtp-out.relay.example",
        diagnostic=diagnostic,
    )


DUP_HEADER = "554 Transaction failed: Duplicate header 'DKIM-Signature'."


def test_an_alias_forwarders_own_sending_refused_is_the_forwarders_to_fix() -> None:
    a, meaning = _read(_forwarded(DUP_HEADER), "text:header-malformed")
    assert meaning.who_acts is WhoActs.FORWARDER  # was "the sender's mail administrator"
    assert "fwd.alias.example forwarded the message (team@alias.example" in meaning.fix
    md = render_markdown(a)
    assert "Who must act:** the administrator of the forwarding server" in md
    # the forwarder's IP on a block list is the forwarder's too
    a = analyze(
        _forwarded(
            "554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.org"
        )
    )
    assert a.ndr is not None and a.ndr.failed[0].meaning is not None
    assert a.ndr.failed[0].meaning.who_acts is WhoActs.FORWARDER


def test_no_forwarder_without_an_alias_of_the_reporters_own_domain() -> None:
    # no expansion: the sender's own relay's refusal stays the sender's administrator's
    plain = analyze(_forwarded(DUP_HEADER, original="owner@elsewhere.example"))
    assert plain.ndr is not None and plain.ndr.failed[0].meaning is not None
    assert plain.ndr.failed[0].meaning.who_acts is WhoActs.SENDER_ADMIN
    # an alias of another domain than the reporter's is not the reporter's forward
    other = analyze(_forwarded(DUP_HEADER, original="team@third.example"))
    assert other.ndr is not None and other.ndr.failed[0].meaning is not None
    assert other.ndr.failed[0].meaning.who_acts is WhoActs.SENDER_ADMIN
    # a refusal about the original sender's own domain stays the sender's
    domain = analyze(_forwarded("550 5.7.1 MailFrom domain is listed in Spamhaus DBL"))
    assert domain.ndr is not None and domain.ndr.failed[0].meaning is not None
    assert domain.ndr.failed[0].meaning.key == "text:domain-blocklist"
    assert domain.ndr.failed[0].meaning.who_acts is WhoActs.SENDER_ADMIN


# --- 5. a postmaster's copy of a bounce: the report layer agrees with the diagnosis ----------


def _postmaster_copy(to: str) -> bytes:
    return f"""Return-Path: <>
From: Mail Delivery Subsystem <MAILER-DAEMON@mx.fabrikam.example>
To: {to}
Subject: Postmaster notify: see transcript for details
Date: {D}
Message-ID: <pm.4713@mx.fabrikam.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="PM"

--PM
Content-Type: text/plain

The original message was received from [203.0.113.50].

--PM
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.fabrikam.example

Final-Recipient: rfc822; gone@club.example
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.club.example
Diagnostic-Code: smtp; 550 5.1.1 <gone@club.example>... User unknown

--PM
Content-Type: text/rfc822-headers

Return-Path: <promo@victim.example>
Received: from HC-VM-PC ([203.0.113.50])
\tby mx.fabrikam.example (8.15.2/8.15.2) with SMTP id 61QA0Xq4713
\tfor <gone@club.example>; {D}
From: promo@victim.example
To: gone@club.example
Subject: Offer
Date: {D}
Message-ID: <offer.9@victim.example>

--PM--
""".encode()


def _backscatter(a: Analysis) -> str | None:
    """What the diagnosis's bounce situation says was forged, if anything."""
    return next(s for s in diagnose(a).situations if s.label == "ndr").fact("backscatter")


def test_a_postmasters_copy_names_no_forgery_where_the_diagnosis_names_none() -> None:
    copy = analyze(_postmaster_copy("postmaster@mx.fabrikam.example"))
    assert not _backscatter(copy)
    md = render_markdown(copy)
    # was "nobody: the original was a forgery of the sender's address (backscatter)"
    assert "Who must act:** the sender (check the address" in md
    assert "forgery" not in md
    # the same bounce sent to the forged address's organisation is backscatter in both layers
    misdirected = analyze(_postmaster_copy("promo@victim.example"))
    assert _backscatter(misdirected)
    assert f"Who must act:** {WhoActs.NOTHING_FORGED.value}" in render_markdown(misdirected)
