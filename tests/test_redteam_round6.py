"""Red-team round 6: the residuals of round 5, then holes in this round's loosened rules.

1. Bottom blocks credited by position where the provider appended none. GMX's block
   (Envelope-To, X-GMX-Antispam, X-UI-Filterresults) holds nothing of GMX's own: the sender's
   last fields "Envelope-To: <ann@gmx.example>" + "X-UI-Filterresults: notjunk:1" were GMX's
   verdict ("the Inbox"). Proton's run tied only by "X-Rspamd-Server: cp4-mailin-013.plabs.ch"
   (text a sender writes) made a planted "X-Pm-Spam-Action: inbox" Proton's. iCloud's tail
   (X-CLX-Shades, X-MANTSH, X-Proofpoint-*) was credited even where iCloud's own block under its
   MX line was missing. Now position alone credits only verdicts a sender gains nothing by
   planting (junk, spam, an action other than inbox); the rest reads as unknown; iCloud's tail
   counts only beside its closed block; Proton's queue-id tie still credits its whole run.
2. A milter's field naming the receiver's queue id shows that the milter ran, not that it
   stamped. sid-milter wrote its X-SenderID and no stamp: the sender's first field
   "Authentication-Results: mx.fabrikam.example; sender-id=pass ...; spf=pass ..." (the milter's
   own methods, its primary one too) was its stamp. OpenDKIM writes its DKIM-Filter on every
   message but, by default (AlwaysAddARHeader=no), no Authentication-Results on an unsigned one:
   on an unsigned spoof the sender's "dkim=pass header.d=victim.example" right after it was
   "DKIM pass (stamped)". Now a dkim=pass after OpenDKIM's field counts only for a domain whose
   DKIM-Signature the message carries; a pass after sid-milter's field reads as unknown (Sender
   ID and SPF name only what the sender wrote, nothing to check it against offline); failures
   after either still count.
3. Amazon SES's seal (X-SES-DKIM-SIGNATURE, h=From:To:Cc:Bcc:Subject:Date:Message-ID:
   MIME-Version:Content-Type:X-SES-RECEIPT) covers the original fields, the body and the opaque
   encrypted receipt, never SES's stamps, its verdict fields or its Received line: a sealed
   block of the sender's own SES delivery with its stamps edited to pass verified and was
   credited ("SPF pass / DMARC pass (stamped)"). Nothing signed ties a seal to this delivery,
   so a valid seal now leaves the stamps unknown, and the words say the seal does not cover
   them; the re-check over DNS decides.
4. A stamp right below a Postfix line naming the receiver with passes and a failure in one
   field ("spf=pass ...; dkim=pass ...; dmarc=fail") was set aside whole, like any pass only
   position ties to the receiver: offline the receiver's own DMARC failure of a spoof was lost
   ("The final receiver wrote no authentication verdict"). A failure gains a sender nothing, so
   the field's failures now count (fail, softfail); its passes still read "unknown (pass not
   tied to the receiver)", a failure in it ties nothing else, and an error or "none" in it is
   not shown as the receiver's (an error's advice would send the reader to the receiver's DNS).

Part B, this round's loosened rules:

5. Success notices (genndr7: a DSN with Action: delivered / relayed is not a bounce). A phish
   dressed as one (From: MAILER-DAEMON@victim.example, p=reject, sent from the attacker's server,
   a link in its text) read "A success notice ...; nobody needs to act" offline and online,
   where DMARC fails (reject) and nothing ties the notice to its reporter. "Nobody needs to
   act" is now said only of a notice something ties to its reporter; an untied one reads "if it
   is genuine nobody needs to act", and one nothing ties online "... but it may be forged (a
   phish dressed as a notice): do not act on its links".
6. A copy with no Received line at all (gen8c: "no server stamped this copy") and an
   Authentication-Results with spf/dkim/dmarc=pass for victim.example (p=reject): nothing places
   any field, so every stamp was counted as the receiver's: offline "Authentication and the
   delivery path are in order", and online too, beside the re-checked "DMARC fail (reject)".
   With no Received line a stamp's passes are nobody's ("unknown (pass not tied to the
   receiver)"); its failures still count.
7. Yahoo's "dmarc=success" now reads as its DMARC pass (genattr3), but the rule that sets aside
   a pass only position ties to the receiver looked for "=pass" alone: the sender's first field
   "Authentication-Results: mx.fabrikam.example; dmarc=success ...; dkim=success ...;
   spf=success ..." right below a Postfix line was the receiver's own, "DMARC success
   (stamped)", and "Authentication and the delivery path are in order" offline and online
   (beside the re-checked DMARC fail, reject). Every result read as a pass (pass, success,
   bestguesspass) is now a pass for those rules.
8. A self-hosted receiver's stamp tied by the client's own signature right below it
   (genattr3: confirmed reverse DNS, a DKIM-Signature of the same organisation, every pass for
   that organisation): the attacker's own server (mail.attacker.example, confirmed) signing as
   attacker.example planted "dmarc=pass header.from=attacker.example" above its signature on a
   From: ceo@victim.example spoof: "DMARC pass (stamped)", "in order" offline. A DMARC pass is
   about the From domain: it now ties only where the From is that organisation's too.
"""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.facts import Outcome
from headerlens.model.provenance import Author
from headerlens.report.render import render
from headerlens.stamped import final_receiver_results
from tests.dnslab import LabDns
from tests.redteam_lab import ATTACKER_IP
from tests.test_gen7b import _icloud
from tests.test_genattr2 import _proton_export
from tests.test_genattr3 import _selfhosted
from tests.test_genfolder import _gmx
from tests.test_redteam_round4 import _SID, _sendmail
from tests.test_redteam_round5 import _ses_message, _stamp_authors, _verify, ses_lab

_SesLab = tuple[LabDns, bytes, bytes]
__all__ = ["ses_lab"]  # the module-scoped lab fixture, shared with round 5

_D = "Tue, 10 Nov 2026 09:14:09 +0000"


def _postfix(stamp: str) -> bytes:
    """A victim.example spoof through the attacker's own relay into a Postfix MX whose milter
    wrote ``stamp`` directly below the MX's Received line (where the sender's header begins)."""
    return (
        "Received: from smtp-out.attacker.example (smtp-out.attacker.example [203.0.113.66]) by "
        f"mx.fabrikam.example (Postfix) with ESMTPS id 4QxyZ1 for <ap@fabrikam.example>; {_D}\r\n"
        f"Authentication-Results: mx.fabrikam.example; {stamp}\r\n"
        "Return-Path: <bounce@attacker.example>\r\n"
        "Received: from ec2-3-120-4-5.compute-1.amazonaws.com (ec2-3-120-4-5.compute-1.amazonaws"
        ".com [3.120.4.5]) by smtp-out.attacker.example with ESMTPSA id 9Z for "
        "<ap@fabrikam.example>; Tue, 10 Nov 2026 09:14:08 +0000\r\n"
        "From: Victim CEO <ceo@victim.example>\r\nTo: ap@fabrikam.example\r\n"
        "Subject: Urgent wire\r\nDate: Tue, 10 Nov 2026 09:14:07 +0000\r\n"
        "Message-ID: <s1@victim.example>\r\n\r\nPay.\r\n"
    ).encode()


_MIXED = (
    "spf=pass smtp.mailfrom=bounce@attacker.example; dkim=pass header.d=attacker.example; "
    "dmarc=fail (p=reject) header.from=victim.example"
)


def _verdicts(data: bytes) -> str:
    out = render(analyze(data), None, "summary")
    return out.split("Verdicts:", 1)[1].split("\n", 1)[0]


def test_a_mixed_stamp_below_the_line_shows_its_failure_offline() -> None:
    data = _postfix(_MIXED)
    verdicts = _verdicts(data)
    assert "DMARC fail (stamped)" in verdicts
    assert "SPF unknown (pass not tied to the receiver)" in verdicts
    assert "DKIM unknown (pass not tied to the receiver)" in verdicts
    out = render(analyze(data), None, "summary")
    assert "A spoof of victim.example" in out
    assert "wrote no authentication verdict" not in out
    text = render(analyze(data), None, "text")
    assert "dmarc=fail (the passes in the same field are not tied to the receiver)" in text


def test_a_failure_in_a_stamp_ties_none_of_its_passes() -> None:
    a = analyze(_postfix(_MIXED))
    ar = next(f for f in a.headers if f.lname == "authentication-results")
    assert a.provenance.fields[ar.index].author is Author.UNKNOWN
    results = [(r.method, r.result) for s in final_receiver_results(a) for r in s.results]
    assert results == [("dmarc", "fail")]
    assert "pass (stamped)" not in _verdicts(_postfix(_MIXED))


def test_an_error_or_none_in_an_untied_stamp_is_not_the_receivers() -> None:
    stamp = "spf=pass smtp.mailfrom=victim.example; dkim=none; dmarc=temperror header.from=victim.example"
    assert final_receiver_results(analyze(_postfix(stamp))) == ()
    out = render(analyze(_postfix(stamp)), None, "summary")
    assert "temperror" not in out.split("Hops", 1)[0]


# 1. Bottom blocks where the provider appended none.
def _authors(data: bytes, *names: str) -> list[Author]:
    a = analyze(data)
    return [a.provenance.fields[f.index].author for f in a.headers if f.lname in names]


def test_a_senders_gmx_block_is_no_inbox_verdict() -> None:
    planted = _gmx(("Envelope-To: <ann@gmx.example>", "X-UI-Filterresults: notjunk:1;V03:K0:x="))
    assert diagnose(analyze(planted)).outcome.outcome is Outcome.UNKNOWN
    assert _authors(planted, "envelope-to", "x-ui-filterresults") == [Author.UNKNOWN] * 2
    spam0 = _gmx(("Envelope-To: <ann@gmx.example>", "X-GMX-Antispam: 0 (not spam); Detail=V3;"))
    assert diagnose(analyze(spam0)).outcome.outcome is Outcome.UNKNOWN
    # a junk verdict there gains a sender nothing: it still counts
    junk = _gmx(("Envelope-To: <ann@gmx.example>", "X-UI-Filterresults: junk:10;V03:K0:x="))
    assert diagnose(analyze(junk)).outcome.outcome is Outcome.JUNK


def test_a_senders_proton_block_naming_protons_scanner_is_no_inbox_verdict() -> None:
    block = [
        "X-Rspamd-Server: cp4-mailin-013.plabs.ch",
        "X-Rspamd-Action: no action",
        "X-Pm-Origin: external",
        "X-Pm-Spam-Action: inbox",
    ]
    data = _proton_export(block=block)
    assert diagnose(analyze(data)).outcome.outcome is Outcome.UNKNOWN
    names = ("x-rspamd-server", "x-rspamd-action", "x-pm-spam-action")
    assert _authors(data, *names) == [Author.UNKNOWN] * 3
    out = render(analyze(data), None, "summary")
    assert "inbox" not in out.split("Verdicts:", 1)[1].split("\n", 1)[0].lower()


def test_icloud_tail_without_its_closed_block_is_not_icloud_s() -> None:
    tail = ("x-clx-shades", "x-mantsh", "x-proofpoint-guid", "x-proofpoint-orig-guid")
    assert Author.FINAL_RECEIVER not in _authors(_icloud(closing_spf=False), *tail)
    assert set(_authors(_icloud(), *tail)) == {Author.FINAL_RECEIVER}


# 2. A milter that ran but stamped nothing.
_SID_PASS = (
    "Authentication-Results: mx.fabrikam.example; sender-id=pass header.from=ceo@victim.example;"
    " spf=pass smtp.mfrom=ceo@victim.example\r\n"
)
_DKIM_FILTER = "DKIM-Filter: OpenDKIM Filter v2.11.0 mx.fabrikam.example oBB3JxRJ022484\r\n"
_DKIM_PASS = (
    "Authentication-Results: mx.fabrikam.example; dkim=pass (2048-bit key) "
    "header.d=victim.example header.i=@victim.example header.b=AbCdEfGh\r\n"
)
_SIGNATURE = (
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=victim.example; s=s1;"
    " h=from:to:subject; bh=Zm9v; b=AbCdEfGhYmFy\r\n"
)


def test_a_planted_sender_id_and_spf_pass_after_sid_milters_field_is_unknown() -> None:
    # sid-milter inserts its own stamp first and its X-SenderID above it (sid-filter.c 1.156,
    # mlfi_eom): a field directly below the X-SenderID is the milter's own (genattr4), so the
    # sender's planted one sits after it, below the milter's stamp
    own = _SID_PASS.replace("sender-id=pass", "sender-id=neutral").replace("spf=pass", "spf=none")
    data = _sendmail(_SID, own, _SID_PASS)
    assert _authors(data, "authentication-results")[1] is not Author.FINAL_RECEIVER
    verdicts = _verdicts(data)
    assert "SPF none (stamped)" in verdicts
    assert "pass (stamped)" not in verdicts
    # sid-milter's own failures still count
    failed = _SID_PASS.replace("sender-id=pass", "sender-id=fail").replace("spf=pass", "spf=fail")
    assert _authors(_sendmail(_SID, failed), "authentication-results") == [Author.FINAL_RECEIVER]
    assert "SPF fail (stamped)" in _verdicts(_sendmail(_SID, failed))


def test_a_planted_dkim_pass_after_opendkims_field_on_an_unsigned_spoof_is_unknown() -> None:
    data = _sendmail(_DKIM_FILTER, _DKIM_PASS)
    assert _authors(data, "authentication-results") == [Author.UNKNOWN]
    assert "DKIM unknown (pass not tied to the receiver)" in _verdicts(data)
    # signed by another domain only: still nothing shows OpenDKIM passed victim.example
    other = _SIGNATURE.replace("d=victim.example", "d=attacker.example")
    data = _sendmail(_DKIM_FILTER, _DKIM_PASS, other)
    assert _authors(data, "authentication-results") == [Author.UNKNOWN]


def test_opendkims_pass_on_a_message_the_domain_signed_stays_credited() -> None:
    data = _sendmail(_DKIM_FILTER, _DKIM_PASS, _SIGNATURE)
    assert _authors(data, "authentication-results") == [Author.FINAL_RECEIVER]
    assert "DKIM pass (stamped)" in _verdicts(data)


# 3. A genuine SES seal over the sender's own delivery, its stamps edited.
def test_a_valid_ses_seal_does_not_make_edited_stamps_ses_s(ses_lab: _SesLab) -> None:
    lab, ses_pem, _ = ses_lab
    # SES really sealed this copy (the lab's stand-in amazonses.com key), but the sender's
    # edited stamps say spf/dkim/dmarc=pass for his own server's IP
    data = _ses_message(ATTACKER_IP, ses_pem)
    v = _verify(data, lab)
    assert v.receiver_seal is not None and v.receiver_seal.crypto_valid is True
    assert _stamp_authors(data, v) == [Author.UNKNOWN, Author.UNKNOWN]
    out = render(analyze(data), v, "summary")
    assert "A spoof of victim.example" in out
    assert "pass (stamped)" not in out
    assert "in order" not in out
    assert "not SES's stamps or its Received line" in render(analyze(data), v, "md")


# 5. A phish dressed as a success notice.
def _phish_success() -> bytes:
    d = "Mon, 07 Dec 2026 15:00:09 +0000"
    return (
        "Received: from mail.attacker.example (mail.attacker.example [203.0.113.66]) by "
        f"mx.fabrikam.example (Postfix) with ESMTP id 4QS for <ap@fabrikam.example>; {d}\r\n"
        "Return-Path: <>\r\nFrom: Mail Delivery System <MAILER-DAEMON@victim.example>\r\n"
        "To: ap@fabrikam.example\r\nSubject: Successful Mail Delivery Report\r\n"
        f"Date: {d}\r\nMessage-ID: <dsn.4711@victim.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="BND"\r\n\r\n'
        "--BND\r\nContent-Type: text/plain\r\n\r\n"
        "Your message was successfully delivered to the destination(s) listed below.\r\n"
        "Your invoice is ready: review and pay at https://pay.attacker.example/login\r\n\r\n"
        "--BND\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.victim.example\r\n\r\n"
        "Final-Recipient: rfc822; ceo@victim.example\r\nAction: delivered\r\nStatus: 2.0.0\r\n"
        "Remote-MTA: dns; mx.victim.example\r\nDiagnostic-Code: smtp; 250 2.0.0 Ok: queued\r\n"
        "\r\n--BND\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        "From: AP <ap@fabrikam.example>\r\nTo: ceo@victim.example\r\nSubject: Invoice 4411\r\n"
        f"Date: {d}\r\nMessage-ID: <inv.1@fabrikam.example>\r\n\r\n--BND--\r\n"
    ).encode()


def test_an_untied_success_notice_is_not_called_safe_to_leave_offline() -> None:
    out = render(analyze(_phish_success()), None, "summary")
    line = out.split("Diagnosis: ", 1)[1].split("\n", 1)[0]
    assert line.startswith("A success notice, not a bounce")
    assert "; nobody needs to act" not in line
    assert "if it is genuine nobody needs to act" in line


def test_a_success_notice_nothing_ties_online_may_be_a_phish(ses_lab: _SesLab) -> None:
    data = _phish_success()
    v = _verify(data, ses_lab[0])
    out = render(analyze(data), v, "summary")
    line = out.split("Diagnosis: ", 1)[1].split("\n", 1)[0]
    assert "; nobody needs to act" not in line
    # since round 7 its own DMARC failure makes it a spoof of victim.example, no longer a hedge
    assert line.startswith("A spoof of victim.example dressed as a success notice")
    assert "do not act on its links" in line
    assert "DMARC fail (reject)" in out
    md = render(analyze(data), v, "md")
    assert "nobody refused it and nobody needs to act" not in md


# 6. No Received line, a stamp the sender wrote.
_UNTRACED = (
    b"Authentication-Results: mx.fabrikam.example; spf=pass smtp.mailfrom=victim.example; "
    b"dkim=pass header.d=victim.example; dmarc=pass header.from=victim.example\r\n"
    b"Return-Path: <ceo@victim.example>\r\nFrom: Victim CEO <ceo@victim.example>\r\n"
    b"To: ap@fabrikam.example\r\nSubject: Urgent wire\r\nDate: Mon, 07 Dec 2026 15:00:09 +0000\r\n"
    b"Message-ID: <s1@victim.example>\r\n\r\nPay.\r\n"
)


def test_a_stamp_in_a_copy_without_received_lines_passes_nothing_offline() -> None:
    out = render(analyze(_UNTRACED), None, "summary")
    assert "in order" not in out
    verdicts = _verdicts(_UNTRACED)
    assert "DMARC unknown (pass not tied to the receiver)" in verdicts
    assert "pass (stamped)" not in verdicts
    assert "No server stamped this copy" in out
    # a failure there still counts
    failed = _UNTRACED.replace(b"dmarc=pass", b"dmarc=fail")
    assert "DMARC fail (stamped)" in _verdicts(failed)


def test_a_stamp_in_a_copy_without_received_lines_is_a_spoof_online(ses_lab: _SesLab) -> None:
    v = _verify(_UNTRACED, ses_lab[0])
    out = render(analyze(_UNTRACED), v, "summary")
    assert "A spoof of victim.example" in out
    assert "in order" not in out and "pass (stamped)" not in out


# 7. A planted "success" is a pass like any other.
def test_a_planted_success_below_the_line_is_an_untied_pass() -> None:
    stamp = (
        "dmarc=success(p=REJECT) header.from=victim.example; dkim=success header.d=victim.example;"
        " spf=success smtp.mailfrom=victim.example"
    )
    data = _postfix(stamp)
    assert _authors(data, "authentication-results") == [Author.UNKNOWN]
    verdicts = _verdicts(data)
    assert "DMARC unknown (pass not tied to the receiver)" in verdicts
    assert "success (stamped)" not in verdicts
    assert "in order" not in render(analyze(data), None, "summary")


# 8. A DMARC pass above the attacker's own signature, for a spoofed From.
def test_a_self_signed_dmarc_pass_does_not_tie_for_another_from_domain() -> None:
    data = _selfhosted(
        client="mail.attacker.example (mail.attacker.example [203.0.113.66])",
        ar="dkim=pass header.d=attacker.example header.i=@attacker.example;\r\n\t"
        "spf=pass smtp.mailfrom=attacker.example;\r\n\tdmarc=pass header.from=attacker.example",
        sig_d="attacker.example",
    )
    spoof = data.replace(b"From: Alice <alice@mailer.example>", b"From: CEO <ceo@victim.example>")
    assert _authors(spoof, "authentication-results") == [Author.UNKNOWN]
    out = render(analyze(spoof), None, "summary")
    assert "in order" not in out and "pass (stamped)" not in out
    # the attacker's own mail, From its own domain, keeps the tie
    own = data.replace(b"From: Alice <alice@mailer.example>", b"From: A <a@attacker.example>")
    assert _authors(own, "authentication-results") == [Author.FINAL_RECEIVER]
