"""Red-team round 5: the residuals of round 4, then holes in this round's loosened rules.

1. A sender who forges Amazon SES's whole inbound block, its close too (X-SES-RECEIPT and an
   X-SES-DKIM-SIGNATURE with d=amazonses.com, h= ending in X-SES-RECEIPT, t= at SES's stamp):
   position and shape were all that credited it, so a victim.example (p=reject) spoof read
   "Authentication and the delivery path are in order" offline and online. Only the seal
   verified over DNS with amazonses.com's key shows SES wrote the block: offline its verdicts
   are "unknown (not verified offline)", online a seal that does not verify credits nothing.
   The lab serves a stand-in amazonses.com zone with a key whose private half the test holds.
2. A Postfix receiver whose Rspamd appended only its queue id, server and action: the sender
   planted a passing Authentication-Results at the top of his header and an X-Spamd-Result with
   R_SPF_ALLOW / R_DKIM_ALLOW / DMARC_POLICY_ALLOW as his last field, right above the receiver's
   block, which it joined by position; the top pass was then "found by the receiver's Rspamd".
   Rspamd's field order changes from message to message (lfdr.de's three copies: the result
   before, between and after the others), so no rule tells the receiver's X-Spamd-Result above
   its queue id from a planted one: only one after the queue id backs a pass; otherwise the
   verdicts read "unknown (pass not tied to the receiver)" offline, and online the re-check.
3. ProtonMail lists every Received field first, then its stamps, then the header the message
   arrived with: where Proton wrote no stamp, the sender's first fields ("Authentication-Results:
   mailin013.protonmail.ch; dmarc=pass", "spf=pass") sat in the same place and were credited
   ("DMARC pass (stamped)"). That layout is no tie: such a pass now needs the same backing as
   below any receiver's line (its queue-id-tied Rspamd finding it); every Proton copy read with
   a pass has its stamps above the Received lines, where the sender cannot write.
4. A Sendmail receiver whose sid-milter wrote its X-SenderID (naming the receiver's queue id)
   but no Authentication-Results: the sender's first field "Authentication-Results:
   mx.fabrikam.example; spf=pass" right below was credited as the milter's stamp (spf is one of
   its methods). sid-milter names sender-id= in every stamp it writes (spf= in the same field),
   OpenDMARC writes its dmarc= field before any spf= one: a stamp after the tie must name the
   milter's primary method first. (A sender who also writes sender-id= there is still not told
   apart where the milter wrote nothing: see /work/notes/redteam5.md.)
5. A bounce nothing ties to its reporter (offline: the receiver confirmed no reverse DNS in the
   reporter's organisation and stamped no pass for it) had its headline hedged but its advice
   stated as fact: "Give the sending server's public IP a PTR record", "check the recipient
   domain's MX records". Every fix of such a bounce is now under condition ("If this bounce
   really comes from X (not confirmed offline): ..."), in every output.
6. A bounce of legitimate mail from an application server that sends straight to the MX with
   HELO "app01" (reverse DNS ec2-...amazonaws.com) and whose domain's SPF misses it: called
   backscatter, "nothing to fix in northwindtraders.com's DNS ... Discard the bounce", which hid
   the domain's real SPF gap. A client with a reverse DNS name is now "Backscatter unless
   northwindtraders.com sends from <that server>", with the SPF fix under that condition; only a
   client its receiver could not name (a workstation, a bot) is backscatter outright.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from headerlens.analyze import analyze
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import run_blocking, verify
from headerlens.model.provenance import Author
from headerlens.model.verification import Verification
from headerlens.parsers.provenance_ses import with_seal
from headerlens.report.render import render
from tests.dnslab import LAB_ZONES, TEST_ZONES, LabDns, LabDnsError, missing_tools, start_lab_dns
from tests.redteam_lab import ATTACKER_IP, VICTIM_IP, write_zone
from tests.test_redteam_round4 import (
    _ATTACKER_LINE,
    _BACKSCATTER,
    _PLANTED,
    _SID,
    _SPOOF3,
    _ar_authors,
    _bounce,
    _sendmail,
)


def _key() -> tuple[bytes, str]:
    """A fresh RSA key: (PEM private key, DKIM TXT record text of its public half)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    text = "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()
    return pem, " ".join(f'"{text[i : i + 200]}"' for i in range(0, len(text), 200))


@pytest.fixture(scope="module")
def ses_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LabDns, bytes, bytes]]:
    """The attacker lab plus a stand-in amazonses.com with SES's sealing key at ses1: (lab,
    SES's private key, the attacker's private key)."""
    if missing_tools():
        pytest.skip("lab DNS needs knot and unbound")
    zones = tmp_path_factory.mktemp("seszones")
    attacker_pem = write_zone(zones)
    ses_pem, record = _key()
    (zones / "amazonses.com.zone").write_text(
        "$ORIGIN amazonses.com.\n$TTL 300\n"
        "@ IN SOA ns1.amazonses.com. hostmaster.amazonses.com. 1 3600 600 86400 300\n"
        "@ IN NS ns1.amazonses.com.\nns1 IN A 127.0.0.1\n"
        f"ses1._domainkey IN TXT {record}\n"
    )
    try:
        lab = start_lab_dns(
            [LAB_ZONES, TEST_ZONES, zones], tmp_path_factory.mktemp("sesdns"), probe="contoso.com"
        )
    except LabDnsError as exc:
        pytest.fail(f"lab DNS failed to start: {exc}")
    try:
        yield lab, ses_pem, attacker_pem
    finally:
        lab.stop()


def _verify(data: bytes, lab: LabDns) -> Verification:
    return run_blocking(
        verify(analyze(data), LiveResolver(lab.nameservers, timeout=3.0, deadline=20.0))
    )


def _ses_message(ip: str, pem: bytes, selector: bytes = b"ses1") -> bytes:
    """A victim.example message received by SES from ``ip`` now, with SES's whole block
    (stamps: pass) sealed by ``pem`` as d=amazonses.com s=``selector``."""
    now = format_datetime(datetime.now(UTC))
    why = f"spfCheck: domain of victim.example designates {ip} as permitted sender"
    original = (
        "From: Victim CEO <ceo@victim.example>\r\nTo: ap@fabrikam.example\r\n"
        f"Subject: Urgent\r\nDate: {now}\r\nMessage-ID: <s1@victim.example>\r\n\r\nPay.\r\n"
    ).encode()
    receipt = b"X-SES-RECEIPT: AEFBQUFBQUFBQUFFeGFtcGxlUmVjZWlwdA==\r\n"
    signature = dkim.sign(
        receipt + original,
        selector,
        b"amazonses.com",
        pem,
        include_headers=[b"from", b"to", b"subject", b"date", b"message-id", b"x-ses-receipt"],
    )
    seal = b"X-SES-DKIM-SIGNATURE" + signature[signature.index(b":") :]
    top = (
        f"Return-Path: <ceo@victim.example>\r\n"
        f"Received: from mail.sender.example (mail.sender.example [{ip}])\r\n"
        " by inbound-smtp.us-east-1.amazonaws.com with SMTP id abc0123\r\n"
        f" for ap@fabrikam.example;\r\n {now}\r\n"
        f"Received-SPF: pass ({why}) client-ip={ip}; envelope-from=ceo@victim.example; "
        "helo=mail.sender.example;\r\n"
        f"Authentication-Results: amazonses.com;\r\n spf=pass ({why}) client-ip={ip}; "
        "envelope-from=ceo@victim.example;\r\n dkim=pass header.i=@victim.example;\r\n"
        " dmarc=pass header.from=victim.example;\r\n"
    ).encode()
    return top + receipt + seal + original


def _stamp_authors(data: bytes, v: Verification | None = None) -> list[Author]:
    a = analyze(data)
    a = with_seal(a, v.receiver_seal if v is not None else None)
    return [
        a.provenance.fields[f.index].author
        for f in a.headers
        if f.lname in ("received-spf", "authentication-results")
    ]


def test_ses_whole_block_forged_offline_is_not_verified(
    ses_lab: tuple[LabDns, bytes, bytes],
) -> None:
    # the sender wrote the whole block and sealed it with his own key: offline, shape and
    # position are all there is, and they prove nothing
    data = _ses_message(ATTACKER_IP, ses_lab[2])
    assert Author.FINAL_RECEIVER not in _stamp_authors(data)
    out = render(analyze(data), None, "summary")
    assert "DMARC unknown (not verified offline)" in out
    assert "pass" not in out.split("Verdicts:", 1)[1].split("\n", 1)[0]
    assert "in order" not in out


FORGED_SEALS = {"attacker-key": (2, b"ses1"), "no-such-selector": (1, b"nokey")}


@pytest.mark.parametrize(("key", "selector"), FORGED_SEALS.values(), ids=FORGED_SEALS.keys())
def test_ses_whole_block_with_a_seal_that_does_not_verify_is_a_spoof_online(
    ses_lab: tuple[LabDns, bytes, bytes], key: int, selector: bytes
) -> None:
    lab = ses_lab[0]
    pem = ses_lab[key]
    assert isinstance(pem, bytes)
    data = _ses_message(ATTACKER_IP, pem, selector)
    v = _verify(data, lab)
    assert v.receiver_seal is not None and v.receiver_seal.crypto_valid is not True
    assert Author.FINAL_RECEIVER not in _stamp_authors(data, v)
    out = render(analyze(data), v, "summary")
    assert "A spoof of victim.example" in out
    assert "in order" not in out and "Publish the sending IP" not in out
    assert "does not verify with amazonses.com's key" in render(analyze(data), v, "md")


def test_ses_block_with_a_valid_seal_reads_by_the_recheck_online(
    ses_lab: tuple[LabDns, bytes, bytes],
) -> None:
    # round 6: the seal does not cover SES's stamps, so even a valid one leaves them unknown
    # (tests/test_redteam_round6.py); the re-check over DNS gives the verdicts
    lab, ses_pem, _ = ses_lab
    data = _ses_message(VICTIM_IP, ses_pem)
    v = _verify(data, lab)
    assert v.receiver_seal is not None and v.receiver_seal.crypto_valid is True
    assert _stamp_authors(data, v) == [Author.UNKNOWN, Author.UNKNOWN]
    out = render(analyze(data), v, "summary")
    assert "its X-SES-DKIM-SIGNATURE does not cover them" in out
    assert "DMARC pass · SPF pass (aligned)" in out  # the re-check
    # a header paste (no body): the seal's b= still verifies, and still covers no stamp
    head = data.split(b"\r\n\r\n", 1)[0] + b"\r\n"
    v = _verify(head, lab)
    assert v.receiver_seal is not None and v.receiver_seal.crypto_valid is True
    assert _stamp_authors(head, v) == [Author.UNKNOWN, Author.UNKNOWN]


# 2. A planted X-Spamd-Result joined to the receiver's Rspamd block by position.
_RSPAMD_PLANTED = (
    "Received: from mail.attacker.example (mail.attacker.example [203.0.113.66]) by "
    "mx.fabrikam.example (Postfix) with ESMTPS id E3438644C44 for "
    "<ap@fabrikam.example>; Tue, 10 Nov 2026 09:14:09 +0000\r\n"
    + _PLANTED
    + _SPOOF3
    # the sender's last field
    + "X-Spamd-Result: default: False [-0.90 / 15.00]; R_SPF_ALLOW(-0.20)[+ip4]; "
    "R_DKIM_ALLOW(-0.20)[victim.example:s=s1]; DMARC_POLICY_ALLOW(-0.50)[victim.example,reject]\r\n"
    # the receiver's Rspamd: queue id, server and action only
    + "X-Rspamd-Queue-Id: E3438644C44\r\nX-Rspamd-Server: mx\r\nX-Rspamd-Action: no action\r\n"
    + "\r\nPay.\r\n"
).encode()


def test_a_planted_rspamd_result_above_the_receivers_queue_id_backs_no_pass() -> None:
    assert _ar_authors(_RSPAMD_PLANTED) == [Author.UNKNOWN]
    out = render(analyze(_RSPAMD_PLANTED), None, "summary")
    verdicts = out.split("Verdicts:", 1)[1].split("\n", 1)[0]
    assert "pass" not in verdicts.replace("pass not tied", "")
    assert "DMARC unknown (pass not tied to the receiver)" in verdicts
    assert "in order" not in out


def test_a_planted_rspamd_result_is_a_spoof_online(ses_lab: tuple[LabDns, bytes, bytes]) -> None:
    v = _verify(_RSPAMD_PLANTED, ses_lab[0])
    out = render(analyze(_RSPAMD_PLANTED), v, "summary")
    assert "A spoof of victim.example" in out
    assert "Publish the sending IP" not in out


# 3. ProtonMail's stamps after its Received block, where the sender's header begins.
_PROTON = (
    "Return-Path: <ceo@victim.example>\r\nX-Original-To: me@proton.example\r\n"
    "Received: from mail.attacker.example (mail.attacker.example [203.0.113.66]) by "
    "mailin013.protonmail.ch (Postfix) with ESMTPS id 4RFHkN069qz7QQ5Y for <me@proton.example>;"
    " Tue, 10 Nov 2026 09:14:09 +0000 (UTC)\r\n"
    "{stamps}"
    "From: Victim CEO <ceo@victim.example>\r\nTo: me@proton.example\r\nSubject: Urgent\r\n"
    "Date: Tue, 10 Nov 2026 09:14:08 +0000\r\nMessage-ID: <s1@victim.example>\r\n"
    "X-Pm-Origin: external\r\nX-Pm-Spamscore: 0\r\nX-Pm-Spam-Action: inbox\r\n\r\nPay.\r\n"
)
_PROTON_PLANTED = (
    "Authentication-Results: mailin013.protonmail.ch; dmarc=pass (p=reject dis=none)"
    " header.from=victim.example\r\n"
    "Authentication-Results: mailin013.protonmail.ch; spf=pass smtp.mailfrom=victim.example\r\n"
)
_PROTON_OWN = (
    "Authentication-Results: mailin013.protonmail.ch; dmarc=fail (p=reject dis=none)"
    " header.from=victim.example\r\n"
    "Authentication-Results: mailin013.protonmail.ch; spf=fail smtp.mailfrom=victim.example\r\n"
)


def test_proton_layout_alone_does_not_credit_a_planted_pass() -> None:
    data = _PROTON.format(stamps=_PROTON_PLANTED).encode()
    assert _ar_authors(data) == [Author.UNKNOWN, Author.UNKNOWN]
    out = render(analyze(data), None, "summary")
    assert "DMARC unknown (pass not tied to the receiver)" in out
    assert "SPF unknown (pass not tied to the receiver)" in out


def test_proton_own_failures_after_its_received_block_still_count() -> None:
    # a failure gains a sender nothing: Proton's own stamps there still read as its verdict
    data = _PROTON.format(stamps=_PROTON_OWN + _PROTON_PLANTED).encode()
    out = render(analyze(data), None, "summary")
    assert "DMARC fail (stamped)" in out and "SPF fail (stamped)" in out


# 4. A milter's tie backing a stamp without the milter's own method.
_SPF_ONLY = (
    "Authentication-Results: mx.fabrikam.example; spf=pass smtp.mailfrom=ceo@victim.example\r\n"
)
MILTER_WROTE_NO_STAMP = {
    "sid-milter": _sendmail(_SID, _SPF_ONLY),
    "opendmarc": _sendmail(
        "DMARC-Filter: OpenDMARC Filter v1.4.2 mx.fabrikam.example oBB3JxRJ022484\r\n", _SPF_ONLY
    ),
}


@pytest.mark.parametrize("data", MILTER_WROTE_NO_STAMP.values(), ids=MILTER_WROTE_NO_STAMP.keys())
def test_a_stamp_without_the_milters_own_method_is_not_its(data: bytes) -> None:
    assert _ar_authors(data) == [Author.UNKNOWN]
    out = render(analyze(data), None, "summary")
    assert "SPF unknown (pass not tied to the receiver)" in out


# 5. The advice of an untied bounce, beyond SPF.
_PTR = "550 5.7.25 The IP address sending this message does not have a PTR record setup"
_RELAY = "550 5.7.1 <carol@partner.example>: Relay access denied"


@pytest.mark.parametrize("reply", [_PTR, _RELAY], ids=["ptr", "relay"])
def test_offline_an_untied_bounces_advice_is_conditional(reply: str) -> None:
    data = re.sub(
        r"Diagnostic-Code: smtp;[^\r\n]*(\r\n[ \t][^\r\n]*)*",
        "Diagnostic-Code: smtp; " + reply,
        _bounce(_ATTACKER_LINE).decode(),
    )
    data = data.replace("5.7.26", reply.split()[1])
    a = analyze(data.encode())
    hedge = "If this bounce really comes from mx.partner.example (not confirmed offline): "
    for fmt in ("summary", "md", "json", "html"):
        out = render(a, None, fmt)
        assert hedge in out, fmt
    lines = render(a, None, "summary").splitlines()
    fixes = [line for line in lines if line.strip().startswith("Fix:")]
    assert fixes and all(hedge in line for line in fixes)
    # tied (the receiver confirmed the reporter's reverse DNS): stated as before
    tied = _ATTACKER_LINE.replace("mail.attacker.example", "mx.partner.example")
    assert "If this bounce really" not in render(
        analyze(data.replace(_ATTACKER_LINE, tied).encode()), None, "summary"
    )


# 6. A legitimate app server whose HELO is not its reverse DNS name.
_APP = "from app01 (ec2-3-120-4-5.eu-central-1.compute.amazonaws.com [3.120.4.5])"


def test_a_named_client_makes_backscatter_conditional() -> None:
    line = (
        "from mx.victim.example (mx.victim.example [198.51.100.20]) by mx.fabrikam.example "
        "(Postfix) with ESMTP id 4Q for <ap@fabrikam.example>; Tue, 10 Nov 2026 20:14:06 +0000"
    )
    raw = _BACKSCATTER.format(line=line).replace("from unknown (HELO pc) ([198.51.100.99])", _APP)
    a = analyze(raw.replace("\n", "\r\n").encode())
    server = "ec2-3-120-4-5.eu-central-1.compute.amazonaws.com [3.120.4.5]"
    out = render(a, None, "summary")
    assert f"Backscatter unless fabrikam.example sends from {server}" in out
    assert f"If fabrikam.example sends from {server}" in out
    assert "Spoof of" not in out
    # the workstation shape stays backscatter outright
    out = render(
        analyze(_BACKSCATTER.format(line=line).replace("\n", "\r\n").encode()), None, "summary"
    )
    assert "Diagnosis: Backscatter: " in out
