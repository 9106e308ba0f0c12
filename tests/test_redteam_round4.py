"""Red-team round 4: residuals of round 3 and holes in this round's loosened rules.

1. Amazon SES inbound that wrote no block of its own (a 2015-style copy) or only part of it: a
   sender's Received-SPF / Authentication-Results "amazonses.com" as its first fields sat where
   SES's would and was credited as the final receiver's stamp, so a victim.example (p=reject)
   spoof read "Authentication and the delivery path are in order" even online, with the advice
   to publish the attacker's IP in victim.example's SPF. SES ends every block it writes with
   X-SES-RECEIPT and its X-SES-DKIM-SIGNATURE (d=amazonses.com, signed at receipt): a run
   without that close is not SES's.
2. Offline, a phish dressed as a bounce (From MAILER-DAEMON@victim.example, from the attacker's
   own server, a "returned copy" whose stamps he wrote) was headlined "A bounce: mx.victim.example
   refused the original" as a fact; the check that it may be forged needed DNS. Offline, only
   what the receiver wrote can tie it: rDNS it confirmed in the reporter's organisation or its
   own pass stamps; otherwise the headline and the finding say it may be forged.
3. A pass stamp with the receiver's identity right below its Received line was credited as the
   receiver's whenever anything tied the block to the receiver: a milter field naming the
   receiver's queue id (anywhere in the block), or the receiver's Rspamd queue id at the bottom.
   A sender's own first field "Authentication-Results: mx.fabrikam.example; spf=pass; dkim=pass;
   dmarc=pass" then read as the receiver's, and a victim.example (p=reject) spoof was "in order"
   even online, with the advice to publish the attacker's IP in victim.example's SPF. A milter
   tie now backs the fields down to the last one naming the queue id and the one stamp right
   after a tying field, for that milter's methods; Rspamd's tie backs a pass only where the
   receiver's own X-Spamd-Result found the same pass.
4. A phish dressed as a bounce whose invented returned copy "entered the reporter from an
   unnamed client" was headlined "Backscatter: ... nothing to fix" and named a spoof of the
   reader's own domain, and the bounce's own "nothing ties it to its reporter (it may be
   forged)" was dropped. Backscatter rests on the returned copy, which is the bounce's own text:
   the headline and finding keep the hedge, and no spoof is named from it.
5. Offline, a victim.example spoof sent through the attacker's own SendGrid account (only
   SendGrid's identity passed, no DMARC verdict stamped) with "PayPal Support" as the From name
   and a free-mail Reply-To was headlined "Signs of an abused or taken-over sending account at
   SendGrid" alone, where the same message from his own server said that nothing authenticated
   victim.example. The headline now says both.
6. A forged bounce with the attacker's own domain in From (MAILER-DAEMON@attacker.example, sent
   from his server whose reverse DNS the receiver confirmed) was "tied to its reporter" although
   its report names mx.partner.example as the server that refused, and the old advice came back:
   "list 203.0.113.66 in the SPF record of northwindtraders.com". A From domain of another
   organisation than the public reporting MTA now speaks only for itself.
7. Address patterns scanned a long run of address characters with no @ once per character:
   an X-BeenThere or List-Post of 20 KB cost 15 s (1 MB: hours), a bounce's To field likewise.
   A look-behind makes each run a single try; the matches are the same.
8. Folder verdicts of GMX (X-GMX-Antispam) and old Hotmail (X-Message-Delivery SCL) with a
   number of thousands of digits raised ValueError (int() refuses over 4300 digits): a traceback
   instead of a report. Such a number is no rating.
9. The new "taken-over Microsoft 365 / Google Workspace mailbox" read the platform from the
   client's HELO at any receiver: the attacker's own domain (aligned pass), his own server
   saying HELO mail-...outbound.protection.outlook.com (reverse DNS unknown) and "DocuSign" as
   the From name read "Signs of an abused or taken-over Microsoft 365 mailbox at
   attacker.example ... Report it to attacker.example". The platform now needs the reverse DNS
   the receiver confirmed (at Microsoft's own receivers, which record only the HELO, the HELO).
"""

from __future__ import annotations

import random
import re
import time

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import run_blocking, verify
from headerlens.model.provenance import Author
from headerlens.model.verification import Verification
from headerlens.report.render import render
from tests.dnslab import LabDns
from tests.redteam_lab import ATTACKER_IP, DOMAIN, attacker_lab
from tests.test_genattr import sealed_by_ses
from tests.test_redteam_bounce import BOUNCE, D

_SES_LINE = (
    "Received: from mail.attacker.example (mail.attacker.example [203.0.113.66])\r\n"
    " by inbound-smtp.us-east-1.amazonaws.com with SMTP id abc0123\r\n"
    " for ap@fabrikam.example;\r\n Tue, 10 Nov 2026 09:14:09 +0000 (UTC)\r\n"
)
_WHY = f"spfCheck: domain of victim.example designates {ATTACKER_IP} as permitted sender"
_STAMPS = (
    f"Received-SPF: pass ({_WHY}) client-ip={ATTACKER_IP}; envelope-from=ceo@victim.example; "
    "helo=mail.attacker.example;\r\n"
    f"Authentication-Results: amazonses.com;\r\n spf=pass ({_WHY}) client-ip={ATTACKER_IP}; "
    "envelope-from=ceo@victim.example;\r\n dkim=pass header.i=@victim.example;\r\n"
    " dmarc=pass header.from=victim.example;\r\n"
)
_CLOSE_T = "1794302049"  # 2026-11-10 09:14:09 UTC, SES's own stamp
_CLOSE = (
    "X-SES-RECEIPT: AEFBQUFBQUFBQUFFeGFtcGxlUmVjZWlwdA==\r\n"
    "X-SES-DKIM-SIGNATURE: a=rsa-sha256; q=dns/txt; b=ZXhhbXBsZQ==; c=relaxed/simple; "
    f"s=examplesel; d=amazonses.com; t={_CLOSE_T}; v=1; bh=ZXhhbXBsZQ==; "
    "h=From:To:Cc:Bcc:Subject:Date:Message-ID:MIME-Version:Content-Type:X-SES-RECEIPT;\r\n"
)
_SPOOF = (
    "Return-Path: <ceo@victim.example>\r\nFrom: Victim CEO <ceo@victim.example>\r\n"
    "To: ap@fabrikam.example\r\nSubject: Urgent\r\nDate: Tue, 10 Nov 2026 09:14:08 +0000\r\n"
    "Message-ID: <s1@victim.example>\r\n\r\nPay.\r\n"
)


@pytest.fixture(scope="module")
def attacker_dns(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    yield from attacker_lab(tmp_path_factory)


def _verify(data: bytes, lab: LabDns) -> Verification:
    return run_blocking(
        verify(analyze(data), LiveResolver(lab.nameservers, timeout=3.0, deadline=20.0))
    )


def _stamp_authors(data: bytes) -> list[Author]:
    a = analyze(data)
    return [
        a.provenance.fields[f.index].author
        for f in a.headers
        if f.lname in ("received-spf", "authentication-results")
    ]


SES_PARTIAL = {
    # SES wrote nothing of its own: the sender's first fields are its stamps
    "no-block": _SES_LINE + _STAMPS + _SPOOF,
    # SES wrote only its verdicts (scanning on, no stamps, no close)
    "verdicts-only": _SES_LINE
    + "X-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\n"
    + _STAMPS
    + _SPOOF,
    # the sender added a receipt but no SES signature
    "receipt-no-signature": _SES_LINE + _STAMPS + _CLOSE.split("\r\n")[0] + "\r\n" + _SPOOF,
    # a signature that is not SES's (another d=), or signed a day before SES's stamp
    "signature-not-ses": _SES_LINE
    + _STAMPS
    + _CLOSE.replace("d=amazonses.com", "d=victim.example")
    + _SPOOF,
    "signature-another-day": _SES_LINE + _STAMPS + _CLOSE.replace(_CLOSE_T, "1794215649") + _SPOOF,
    "signature-without-receipt": _SES_LINE
    + _STAMPS
    + _CLOSE.replace(":X-SES-RECEIPT;", ";")
    + _SPOOF,
}


@pytest.mark.parametrize("data", SES_PARTIAL.values(), ids=SES_PARTIAL.keys())
def test_ses_run_without_its_receipt_and_signature_is_not_the_receivers(data: str) -> None:
    assert Author.FINAL_RECEIVER not in _stamp_authors(data.encode())
    out = render(analyze(data.encode()), None, "summary")
    assert "DMARC pass" not in out and "SPF pass" not in out


def test_ses_block_closed_by_its_receipt_and_signature_is_still_credited() -> None:
    # its close is SES's once the seal verified over DNS (round 5: the shape alone credits
    # nothing); its stamps stay unknown, the seal does not cover them (round 6)
    data = (_SES_LINE + _STAMPS + _CLOSE + _SPOOF).encode()
    a = sealed_by_ses(analyze(data))
    stamps = [f.index for f in a.headers if f.lname in ("received-spf", "authentication-results")]
    assert [a.provenance.fields[i].author for i in stamps] == [Author.UNKNOWN] * 2
    close = [f.index for f in a.headers if f.lname in ("x-ses-receipt", "x-ses-dkim-signature")]
    assert [a.provenance.fields[i].author for i in close] == [Author.FINAL_RECEIVER] * 2


def test_ses_partial_block_ends_before_a_planted_stamp() -> None:
    # SES wrote its verdicts, receipt and signature but no stamps (seen in a 2020 Action
    # Mailbox fixture): stamps the sender put after them are not SES's
    data = (
        _SES_LINE
        + "X-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\n"
        + _CLOSE
        + _STAMPS
        + _SPOOF
    ).encode()
    assert Author.FINAL_RECEIVER not in _stamp_authors(data)


def test_ses_spoof_with_planted_stamps_is_a_spoof_online(
    attacker_dns: tuple[LabDns, bytes],
) -> None:
    data = SES_PARTIAL["no-block"].encode()
    v = _verify(data, attacker_dns[0])
    out = render(analyze(data), v, "summary")
    assert "A spoof of victim.example" in out
    assert "Publish the sending IP" not in out


# 2. An offline forged bounce.
_ATTACKER_LINE = (
    f"from mail.attacker.example (mail.attacker.example [{ATTACKER_IP}]) by "
    f"mx.northwindtraders.com (Postfix) with ESMTP id 4Q for <ops@northwindtraders.com>; {D}"
)


def _bounce(line: str, top: str = "") -> bytes:
    return (top + BOUNCE.format(line=line)).replace("\n", "\r\n").encode()


def test_offline_a_bounce_from_an_unrelated_server_may_be_forged() -> None:
    a = analyze(_bounce(_ATTACKER_LINE))
    d = diagnose(a)
    assert d.headline.startswith("A bounce: mx.partner.example refused the original (5.7.26)")
    assert "it says (that it came from mx.partner.example is not confirmed offline)" in d.headline
    out = render(a, None, "md")
    assert "Offline, nothing the receiver wrote ties the report to mx.partner.example" in out
    assert "it came from mail.attacker.example \\[" in out


TIED = {
    # Postfix confirmed the client's reverse DNS in the reporter's organisation
    "confirmed-rdns": (_ATTACKER_LINE.replace("mail.attacker.example", "mx.partner.example"), ""),
    # the receiver stamped DMARC pass on the bounce itself
    "receiver-dmarc-pass": (
        _ATTACKER_LINE,
        "Authentication-Results: mx.northwindtraders.com; spf=none smtp.helo=mx.partner.example;"
        " dkim=pass header.d=partner.example; dmarc=pass header.from=mx.partner.example\n",
    ),
    # ... or an SPF pass for the reporter's HELO
    "receiver-spf-pass-helo": (
        _ATTACKER_LINE,
        "Authentication-Results: mx.northwindtraders.com; spf=pass smtp.helo=mx.partner.example\n",
    ),
}


@pytest.mark.parametrize(("line", "top"), TIED.values(), ids=TIED.keys())
def test_offline_a_bounce_the_receiver_ties_to_its_reporter_is_not_hedged(
    line: str, top: str
) -> None:
    d = diagnose(analyze(_bounce(line, top)))
    assert d.headline.startswith("A bounce: mx.partner.example refused the original (5.7.26)")
    assert "may be forged" not in d.headline and "not confirmed" not in d.headline


def test_offline_a_stamp_for_another_domain_does_not_tie_the_bounce() -> None:
    top = "Authentication-Results: mx.northwindtraders.com; spf=pass smtp.helo=attacker.example\n"
    assert "not confirmed offline" in diagnose(analyze(_bounce(_ATTACKER_LINE, top))).headline


# 3. Pass stamps below the receiver's line, backed by a tie that proves something else.
_D3 = "Tue, 10 Nov 2026 09:14:09 +0000"
_PLANTED = (
    "Authentication-Results: mx.fabrikam.example; spf=pass smtp.mailfrom=ceo@victim.example;"
    " dkim=pass header.d=victim.example; dmarc=pass header.from=victim.example\r\n"
)
_SPOOF3 = (
    "Return-Path: <ceo@victim.example>\r\nFrom: Victim CEO <ceo@victim.example>\r\n"
    f"To: ap@fabrikam.example\r\nSubject: Urgent\r\nDate: {_D3}\r\n"
    "Message-ID: <s1@victim.example>\r\n"
)


def _sendmail(*block: str) -> bytes:
    return (
        "Received: from mail.attacker.example (mail.attacker.example [203.0.113.66]) by "
        "mx.fabrikam.example (8.14.4/8.14.4) with ESMTP id oBB3JxRJ022484 for "
        f"<ap@fabrikam.example>; {_D3}\r\n" + "".join(block) + _SPOOF3 + "\r\nPay.\r\n"
    ).encode()


_SID = "X-SenderID: Sendmail Sender-ID Filter v1.0.0 mx.fabrikam.example oBB3JxRJ022484\r\n"
_SID_AR = (
    "Authentication-Results: mx.fabrikam.example; sender-id=fail header.from=ceo@victim.example\r\n"
)


def _rspamd(symbols: str, *top: str, after: bool = False) -> bytes:
    """Rspamd's block at the bottom; its X-Spamd-Result above the queue id (by position only:
    the sender's last field could be there, round 5) or ``after`` it."""
    result = f"X-Spamd-Result: default: False [0.10 / 15.00]; {symbols}\r\n"
    return (
        "Received: from mail.attacker.example (mail.attacker.example [203.0.113.66]) by "
        "mx.fabrikam.example (Postfix) with ESMTPS id E3438644C44 for "
        f"<ap@fabrikam.example>; {_D3}\r\n"
        + "".join(top)
        + _SPOOF3
        + "X-Rspamd-Action: no action\r\n"
        + ("" if after else result)
        + "X-Rspamd-Server: mx\r\nX-Rspamd-Queue-Id: E3438644C44\r\n"
        + (result if after else "")
        + "\r\nPay.\r\n"
    ).encode()


def _ar_authors(data: bytes) -> list[Author]:
    a = analyze(data)
    return [
        a.provenance.fields[f.index].author
        for f in a.headers
        if f.lname == "authentication-results"
    ]


PLANTED_BELOW_A_TIE = {
    "after-the-milters-own-stamp": _sendmail(_SID, _SID_AR, _PLANTED),
    "right-after-the-tie-other-methods": _sendmail(_SID, _PLANTED),
    "after-opendmarcs-own-stamps": _sendmail(
        "DMARC-Filter: OpenDMARC Filter v1.3.2 mx.fabrikam.example oBB3JxRJ022484\r\n",
        "Authentication-Results: mx.fabrikam.example; spf=fail smtp.mailfrom=victim.example\r\n",
        _PLANTED.replace("spf=pass smtp.mailfrom=ceo@victim.example; ", ""),
    ),
    "rspamd-queue-id-but-no-rspamd-pass": _rspamd("MIME_GOOD(-0.10)[text/plain]", _PLANTED),
    "rspamd-found-spf-fail": _rspamd(
        "R_SPF_FAIL(1.00)[-all]; R_DKIM_NA(0.00)[]; DMARC_POLICY_REJECT(2.00)[victim.example,reject]",
        _PLANTED,
    ),
}


@pytest.mark.parametrize("data", PLANTED_BELOW_A_TIE.values(), ids=PLANTED_BELOW_A_TIE.keys())
def test_a_pass_stamp_below_a_tied_block_is_not_credited_beyond_the_tie(data: bytes) -> None:
    assert _ar_authors(data)[-1] is not Author.FINAL_RECEIVER
    out = render(analyze(data), None, "summary")
    assert "DMARC pass" not in out and "in order" not in out


def test_a_pass_stamp_below_a_tied_block_is_a_spoof_online(
    attacker_dns: tuple[LabDns, bytes],
) -> None:
    for data in (
        PLANTED_BELOW_A_TIE["after-the-milters-own-stamp"],
        PLANTED_BELOW_A_TIE["rspamd-queue-id-but-no-rspamd-pass"],
    ):
        out = render(analyze(data), _verify(data, attacker_dns[0]), "summary")
        assert "A spoof of victim.example" in out
        assert "Publish the sending IP" not in out


LEGIT_TIED = {
    # the sid-milter's own stamp right after its tying field (a failure: since round 6 its
    # passes read as unknown, tests/test_redteam_round6.py)
    "sid-milter": (_sendmail(_SID, _SID_AR), 1),
    # OpenDKIM and OpenDMARC: each filter field, then its stamp
    "opendkim-opendmarc": (
        _sendmail(
            "DKIM-Filter: OpenDKIM Filter v2.11.0 mx.fabrikam.example oBB3JxRJ022484\r\n",
            "Authentication-Results: mx.fabrikam.example; dkim=pass header.d=victim.example\r\n",
            "DMARC-Filter: OpenDMARC Filter v1.4.2 mx.fabrikam.example oBB3JxRJ022484\r\n",
            "Authentication-Results: mx.fabrikam.example; dmarc=pass header.from=victim.example\r\n",
        ),
        2,
    ),
    # mail.kernel.org: OpenDKIM's stamp, OpenDMARC's field, then its dmarc= and spf= stamps
    "kernel-org": (
        _sendmail(
            "Authentication-Results: mx.fabrikam.example; dkim=pass header.d=victim.example\r\n",
            "DMARC-Filter: OpenDMARC Filter v1.3.2 mx.fabrikam.example oBB3JxRJ022484\r\n",
            "Authentication-Results: mx.fabrikam.example; dmarc=pass header.from=victim.example\r\n",
            "Authentication-Results: mx.fabrikam.example; spf=pass smtp.mailfrom=victim.example\r\n",
        ),
        3,
    ),
    # the receiver's Rspamd wrote its stamp and, after its queue id, found the same passes
    "rspamd-agrees": (
        _rspamd(
            "R_SPF_ALLOW(-0.20)[+ip4]; R_DKIM_ALLOW(-0.20)[victim.example:s=s1]; "
            "DMARC_POLICY_ALLOW(-0.50)[victim.example,reject]",
            _PLANTED,
            after=True,
        ),
        1,
    ),
}


@pytest.mark.parametrize(("data", "count"), LEGIT_TIED.values(), ids=LEGIT_TIED.keys())
def test_the_receivers_own_tied_stamps_stay_credited(data: bytes, count: int) -> None:
    assert _ar_authors(data) == [Author.FINAL_RECEIVER] * count


# 4. A forged bounce dressed as backscatter.
_BACKSCATTER = """Received: {line}
Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@victim.example>
To: <ap@fabrikam.example>
Date: Tue, 10 Nov 2026 20:14:06 +0000
Subject: Undelivered Mail Returned to Sender
Message-ID: <ndr-1@victim.example>
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"
MIME-Version: 1.0

--b1
Content-Type: text/plain; charset="us-ascii"

Your message could not be delivered. To release it, sign in within 24 hours.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns;mx.victim.example

Final-Recipient: rfc822;ceo@victim.example
Action: failed
Status: 5.7.26
Remote-MTA: dns;mx.victim.example
Diagnostic-Code: smtp;550 5.7.26 Unauthenticated email from fabrikam.example is not accepted
 due to domain's DMARC policy

--b1
Content-Type: message/rfc822

Return-Path: <ap@fabrikam.example>
Received: from unknown (HELO pc) ([198.51.100.99]) by mx.victim.example (Postfix) with ESMTP
 id 4QB; Tue, 10 Nov 2026 20:14:05 +0000
From: AP <ap@fabrikam.example>
To: ceo@victim.example
Subject: Invoice
Date: Tue, 10 Nov 2026 20:14:00 +0000
Message-ID: <inv1@fabrikam.example>

Hello.

--b1--
"""


def _backscatter(client: str) -> bytes:
    line = (
        f"from {client} ({client} [{ATTACKER_IP}]) by mx.fabrikam.example (Postfix) with ESMTP "
        "id 4QA1 for <ap@fabrikam.example>; Tue, 10 Nov 2026 20:14:07 +0000"
    )
    return _BACKSCATTER.format(line=line).replace("\n", "\r\n").encode()


def test_a_forged_bounce_dressed_as_backscatter_keeps_its_hedge_online(
    attacker_dns: tuple[LabDns, bytes],
) -> None:
    data = _backscatter("mail.attacker.example")
    a = analyze(data)
    v = _verify(data, attacker_dns[0])
    d = diagnose(a, v)
    # since round 7 a bounce nothing ties to its reporter whose own DMARC fails (victim.example,
    # p=reject) is a spoof of that domain, no longer backscatter with a hedge
    assert d.headline.startswith("A spoof of victim.example dressed as a bounce: nothing ties")
    assert "Backscatter" not in d.headline
    assert d.get("spoof") is not None and d.get("spoof").fact("domain") == "victim.example"
    out = render(a, v, "md")
    assert "Nothing ties the report to mx.victim.example" in out


def test_a_forged_bounce_dressed_as_backscatter_offline() -> None:
    d = diagnose(analyze(_backscatter("mail.attacker.example")))
    assert "the bounce itself is not confirmed offline: nothing yet ties it" in d.headline
    assert d.headline.count("not confirmed offline") == 1 and "may be forged" not in d.headline
    assert "spoof" not in d.labels()


def test_backscatter_from_the_reporters_own_server_is_named_as_before() -> None:
    d = diagnose(analyze(_backscatter("mx.victim.example")))
    assert d.headline.startswith("Backscatter") and "may be forged" not in d.headline
    assert d.get("spoof") is not None and d.get("spoof").fact("domain") == "fabrikam.example"


# 5. A spoof through the attacker's own sending-service account, offline.
_ESP_SPOOF = (
    "Authentication-Results: mx.fabrikam.example; spf=pass smtp.mailfrom="
    "bounces+123-abc=fabrikam.example@em1234.sendgrid.net; dkim=pass header.d=sendgrid.net\r\n"
    "Received: from o1.ptr1234.sendgrid.net (o1.ptr1234.sendgrid.net [167.89.10.20]) by "
    f"mx.fabrikam.example (Postfix) with ESMTPS id 4QZZ1 for <ap@fabrikam.example>; {_D3}\r\n"
    f"Received: by filterdrecv-75b5bf8-abcde with SMTP id filterdrecv-1-AB; {_D3}\r\n"
    "Return-Path: <bounces+123-abc=fabrikam.example@em1234.sendgrid.net>\r\n"
    "From: PayPal Support <service@victim.example>\r\nReply-To: paypal.helpdesk@gmail.com\r\n"
    f"To: ap@fabrikam.example\r\nSubject: Your account is limited\r\nDate: {_D3}\r\n"
    "Message-ID: <s1@victim.example>\r\n\r\nPay.\r\n"
)


def test_an_esp_account_spoof_offline_still_says_the_from_domain_was_not_authenticated() -> None:
    d = diagnose(analyze(_ESP_SPOOF.encode()))
    assert d.get("compromised-account") is not None
    assert "nothing authenticated victim.example itself: a spoof of it unless" in d.headline


# 6. A bounce tied only to the attacker's own From domain.
_OWN_FROM_LINE = (
    f"from mail.attacker.example (mail.attacker.example [{ATTACKER_IP}]) by "
    f"mx.northwindtraders.com (Postfix) with ESMTP id 4Q for <ops@northwindtraders.com>; {D}"
)


def _own_from(line: str, sender: str, reporter: str = "mx.partner.example") -> bytes:
    raw = BOUNCE.format(line=line).replace("MAILER-DAEMON@mx.partner.example", sender)
    return raw.replace("mx.partner.example", reporter).replace("\n", "\r\n").encode()


def test_a_bounce_tied_only_to_the_senders_own_from_domain_is_not_vouched(
    attacker_dns: tuple[LabDns, bytes],
) -> None:
    data = _own_from(_OWN_FROM_LINE, "MAILER-DAEMON@attacker.example")
    a = analyze(data)
    v = _verify(data, attacker_dns[0])
    (link,) = v.ndr_links
    assert f"list {ATTACKER_IP}" not in link.fix and "may be forged" in link.fix
    assert "it may be forged" in diagnose(a, v).headline
    assert "not confirmed offline" in diagnose(a).headline  # offline too


def test_a_bounce_from_its_own_organisation_under_an_internal_reporter_name_is_tied() -> None:
    line = _OWN_FROM_LINE.replace("mail.attacker.example", "mail.partner.example")
    data = _own_from(line, "postmaster@partner.example", reporter="ex01.partner.local")
    assert "not confirmed" not in diagnose(analyze(data)).headline


# 7. Quadratic address scans.
@pytest.mark.parametrize("name", ["X-BeenThere", "List-Post", "X-Mailing-List"])
def test_a_long_list_field_without_an_at_sign_is_read_in_linear_time(name: str) -> None:
    raw = (_SES_LINE + f"{name}: " + "a" * 30_000 + "\r\n" + _SPOOF).encode()
    started = time.monotonic()
    render(analyze(raw), None, "md")
    assert time.monotonic() - started < 3.0


def test_a_backscatter_bounce_with_a_long_to_field_is_read_in_linear_time() -> None:
    raw = _backscatter("mx.victim.example").replace(
        b"To: <ap@fabrikam.example>", b"To: <ap@fabrikam.example> " + b"a" * 30_000
    )
    started = time.monotonic()
    assert diagnose(analyze(raw)).headline.startswith("Backscatter")
    assert time.monotonic() - started < 3.0


def _address_patterns() -> list[re.Pattern[str]]:
    from headerlens.diagnosis import backscatter, detect_forward, detect_platform
    from headerlens.parsers import ndr

    return [backscatter._ADDRESS, detect_platform._ADDRESS, detect_forward._ADDR, ndr._ADDRESSES]


def test_the_address_patterns_are_linear_and_find_what_they_found_before() -> None:
    rng = random.Random(4)
    for pattern in _address_patterns():
        started = time.monotonic()
        pattern.findall("a" * 30_000)
        assert time.monotonic() - started < 1.0, pattern.pattern
        old = re.compile(pattern.pattern.split(")", 1)[1])  # without the look-behind
        for _ in range(300):
            # address-like tokens (at most one @ each) between separators, as in To or List-Post
            words = ["".join(rng.choice("ab.+=-x_1") for _ in range(rng.randint(0, 8)))]
            words += ["@" + "".join(rng.choice("ab.+=-x_1") for _ in range(rng.randint(0, 8)))]
            tokens = ["".join(rng.sample(words, k=rng.randint(1, 2))) for _ in range(5)]
            text = "".join(t + rng.choice([" ", ", ", "<", ">", "; ", ":"]) for t in tokens)
            assert pattern.findall(text) == old.findall(text), (pattern.pattern, text)


# 8. Huge numbers in the providers' folder verdicts.
def test_a_huge_number_in_a_folder_verdict_is_no_rating_not_a_traceback() -> None:
    from tests.test_genfolder import _gmx, _hotmail

    huge = "9" * 5000
    gmx = _gmx(("Envelope-To: <ann@gmx.example>", f"X-GMX-Antispam: {huge} (x); Detail=V3;"))
    for raw in (gmx, _hotmail(huge), _hotmail("-" + huge)):
        a = analyze(raw)
        assert diagnose(a).outcome.outcome.value == "unknown"
        render(a, None, "md")


# 9. A platform named from the client's HELO.
_TENANT_CLAIM = (
    "Authentication-Results: mx.fabrikam.example; spf=pass smtp.mailfrom=ceo@attacker.example;"
    " dkim=pass header.d=attacker.example; dmarc=pass header.from=attacker.example\r\n"
    "Received: from mail-am6eur05on2081.outbound.protection.outlook.com ({rdns} "
    f"[{ATTACKER_IP}]) by mx.fabrikam.example (Postfix) with ESMTPS id 4QZZ1 for "
    f"<ap@fabrikam.example>; {_D3}\r\n"
    "Return-Path: <ceo@attacker.example>\r\nFrom: DocuSign <dse@attacker.example>\r\n"
    f"To: ap@fabrikam.example\r\nSubject: Please sign\r\nDate: {_D3}\r\n"
    "Message-ID: <s1@attacker.example>\r\n\r\nSign.\r\n"
)


def test_a_hosted_mailbox_platform_is_not_read_from_the_clients_helo() -> None:
    comp = diagnose(analyze(_TENANT_CLAIM.format(rdns="unknown").encode())).get(
        "compromised-account"
    )
    assert comp is None or "Microsoft 365" not in (comp.fact("what") or "")
    confirmed = "mail-am6eur05on2081.outbound.protection.outlook.com"
    comp = diagnose(analyze(_TENANT_CLAIM.format(rdns=confirmed).encode())).get(
        "compromised-account"
    )
    assert comp is not None and comp.fact("what") == "Microsoft 365 mailbox"


# 10. A named mail server as the only line of the returned copy is no proof of backscatter.
def test_a_returned_copy_from_a_named_mail_server_is_not_called_backscatter() -> None:
    from tests.test_redteam_bounce import BOUNCE

    line = (
        f"from mx.partner.example (mx.partner.example [{ATTACKER_IP}]) by mx.northwindtraders.com"
        f" (Postfix) with ESMTP id 4Q for <ops@northwindtraders.com>; {D}"
    )
    raw = BOUNCE.format(line=line)
    start = raw.index("Received: from EX01")
    host = "mail-am6eur05on2081.outbound.protection.outlook.com"
    raw = (
        raw[:start]
        + f"Received: from {host} ({host} [40.107.22.81])\n by mx.partner.example (Postfix) with"
        + f" ESMTPS id 4QB; {D}\n"
        + raw[raw.index("From: Ops Team") :]
    )
    a = analyze(raw.replace("\n", "\r\n").encode())
    d = diagnose(a)
    assert not d.headline.startswith("Backscatter") and "spoof" not in d.labels()
    assert "Discard the bounce" not in render(a, None, "md")


# 11. A DMARC pass of the attacker's own domain.
def test_a_bounce_passing_dmarc_for_the_attackers_own_domain_is_not_vouched(
    attacker_dns: tuple[LabDns, bytes],
) -> None:
    import dkim

    lab, pem = attacker_dns
    data = _own_from(_OWN_FROM_LINE, "MAILER-DAEMON@attacker.example")
    top, rest = data.split(b"\r\n", 1)
    sig = dkim.sign(
        rest, b"s1", DOMAIN.encode(), pem, include_headers=[b"from", b"to", b"subject", b"date"]
    )
    data = top + b"\r\n" + sig + rest
    a = analyze(data)
    v = _verify(data, lab)
    assert v.dmarc is not None and v.dmarc.result.value == "pass"
    (link,) = v.ndr_links
    assert f"list {ATTACKER_IP}" not in link.fix and "may be forged" in link.fix
    assert "it may be forged" in diagnose(a, v).headline
    stamped = (
        b"Authentication-Results: mx.northwindtraders.com; dkim=pass header.d=attacker.example;"
        b" dmarc=pass header.from=attacker.example\r\n"
    )
    assert "not confirmed offline" in diagnose(analyze(stamped + data)).headline


# 12. The refusing server's own word about the sender's IP.
def test_spf_advice_from_a_vouched_bounce_is_conditional(
    attacker_dns: tuple[LabDns, bytes],
) -> None:
    line = _OWN_FROM_LINE.replace("mail.attacker.example", "mx.attacker.example")
    data = _own_from(line, "MAILER-DAEMON@mx.attacker.example", reporter="mx.attacker.example")
    data = data.replace(b"partner.example", b"attacker.example")
    v = _verify(data, attacker_dns[0])
    (link,) = v.ndr_links
    assert f"really sent the original through {ATTACKER_IP}" in link.fix
    assert "if it did not, add nothing" in link.fix
