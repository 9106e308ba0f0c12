"""Red-team round 7: the residuals of round 6, then holes in this round's loosened rules.

1. OpenDMARC always writes its dmarc= stamp after its DMARC-Filter field (which names the
   receiver's queue id), but an spf= stamp only where it checks SPF itself (SPFSelfValidate).
   With that off, the sender's own first field "Authentication-Results: mx.fabrikam.example;
   spf=pass smtp.mailfrom=victim.example" sat where OpenDMARC's would be and was credited:
   "SPF pass (stamped)" beside OpenDMARC's dmarc=fail (the headline lost "A spoof"), and beside
   dmarc=none (a From domain with no policy) "Authentication and the delivery path are in
   order". OpenDMARC's DMARC verdict is computed from its SPF result, so after a dmarc= that
   did not pass an SPF pass of a domain near the From one is no result it reached: it now reads
   as unknown; an SPF pass of an unrelated domain (a list's envelope) still counts.
2. A notice forged "from" victim.example (From: MAILER-DAEMON@victim.example, p=reject, sent
   from the attacker's own server, a link in its text) was hedged ("it may be forged (a phish
   dressed as a notice)") but never called a spoof: a report's spoof was read only from its
   returned copy. Where nothing ties the notice to its reporter and DMARC fails for its own
   From domain under p=reject or p=quarantine (re-verified, or the receiver's own dmarc=fail
   offline; under p=none a domain's own unauthenticated bounce fails too), it is judged as
   any message: situation "spoof", headline "A spoof of victim.example dressed as a success
   notice (a bounce): ...". A notice something ties to its reporter is unchanged.
3. (Round 6's residual, not closable from the header.) A whole forged top (an .eml handed
   over as an attachment) whose Received line names an IP in victim.example's SPF re-verifies
   as SPF pass and DMARC pass: the replay takes the receiver's Received line as written by the
   receiver. The report said nothing of that assumption where a helpdesk user reads it ("no
   errors or warnings", "in order"). Where the re-verified DMARC passes through SPF alone, the
   headline now says so: "only SPF vouches for victim.example, re-checked for 198.51.100.10 as
   the receiver's Received line names it: that holds if the top of this header is as the
   mailbox received it (...)". An aligned DKIM pass, which no forged top can make, needs no
   such words.

Part B, this round's loosened rules:

4. MailScanner (genattr4): a run tied by its MailScanner-ID to the receiver's queue id placed the
   last field of each name in the whole unbroken run below the Received lines. MailScanner
   appends its block right after the header the message arrived with, so the sender's own last
   fields join the run: "X-Spam-Status: No" / "X-Spam-Flag: NO" (MailScanner writes
   X-Spam-Status only as its spam action) planted there were the receiver's, and a message its
   MailScanner called spam read "Inbox"; with its spam checks off, a planted
   "X-ISP-MailScanner-SpamCheck: not spam" was its verdict. The receiver's block now starts at
   its ID field (with the Information notice directly above it).
5. Boundary hand-offs (genbound): a relay line with no client address ("from relay.fabrikam.com
   (unverified) by gw1...") naming the host that wrote the line below, and a private or
   loopback hand-off whose client named the host of the line below under another domain, are
   passed over as unconfirmed: SPF replayed at the forged entry below reads "pass
   (unconfirmed)" and DMARC is never passed. But a stamp the attacker planted between that line
   and its forged one sat "above the Received line of hop 1, which only hosts inside the
   receiving organisation write to": "DMARC pass (stamped)", "in order" offline and online.
   Below the line of such a hop a pass stamp is now unknown; a loopback or private hand-off
   inside one domain (a content filter re-injecting) keeps its stamps.
6. Delays (gentime2, round 6's residual): a gap timed by a line below the boundary now reads
   "by the sending side's own stamps", but online, on a spoof whose forged line claims
   "by mx.partner.example" two hours earlier, the headline still said "A spoof of
   victim.example; ...; it waited 2 h 14 min on mx.partner.example (by the sending side's own
   stamps)": the attacker's text blamed a server the message may never have passed. Where a
   spoof is diagnosed, a wait only the sending side's stamps time on a host other than the
   client the receiver saw is left out (the sending host's own queue, timed by its local stamp,
   stays: real2's Bradesco story, test_gensit's taken-over account).
7. Form mail (genesp): "a web form of <site> sent this with the visitor's address as From"
   took the site from the sending server's confirmed reverse DNS, else from the name it gave
   itself. An attacker's server saying HELO www.autosite.example (Postfix: "unknown" reverse
   DNS), with a Message-ID, a Cc and a subject of the site's, spoofing victim.example (p=reject)
   read online "A spoof of victim.example by a web form of autosite.example ...:
   autosite.example should send from its own domain": the blame moved to a site the message
   never passed. Only the receiver's confirmed reverse DNS names the site now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import dkim
import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.facts import Outcome
from headerlens.model import Analysis
from headerlens.model.provenance import Author
from headerlens.report.render import render
from tests.dnslab import LabDns
from tests.redteam_lab import ATTACKER_IP, VICTIM_IP, attacker_lab
from tests.test_genattr4 import _mailscanner
from tests.test_genbound import BODY, FORGED
from tests.test_genbound import D as _D7
from tests.test_redteam_round4 import _ar_authors, _sendmail, _verify
from tests.test_redteam_round6 import _phish_success


@pytest.fixture(scope="module")
def lab_and_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LabDns, bytes]]:
    yield from attacker_lab(tmp_path_factory)


@pytest.fixture(scope="module")
def lab(lab_and_key: tuple[LabDns, bytes]) -> LabDns:
    return lab_and_key[0]


_ODM = "DMARC-Filter: OpenDMARC Filter v1.4.2 mx.fabrikam.example oBB3JxRJ022484\r\n"


def _ar(stamp: str) -> str:
    return f"Authentication-Results: mx.fabrikam.example; {stamp}\r\n"


def _summary(data: bytes) -> str:
    return render(analyze(data), None, "summary")


def _verdicts(data: bytes) -> str:
    return _summary(data).split("Verdicts:", 1)[1].split("\n", 1)[0]


# 1. OpenDMARC with its own SPF check off: the sender's spf=pass after its dmarc= stamp.
_PLANTED_SPF = {
    "dmarc-fail": "dmarc=fail (p=reject dis=reject) header.from=victim.example",
    "dmarc-none": "dmarc=none (p=none dis=none) header.from=victim.example",
}


@pytest.mark.parametrize("dmarc", _PLANTED_SPF.values(), ids=_PLANTED_SPF.keys())
@pytest.mark.parametrize("mailfrom", ["victim.example", "ceo@bounce.victim.example"])
def test_a_planted_spf_pass_after_opendmarcs_failed_dmarc_is_unknown(
    dmarc: str, mailfrom: str
) -> None:
    data = _sendmail(_ODM, _ar(dmarc), _ar(f"spf=pass smtp.mailfrom={mailfrom}"))
    assert _ar_authors(data) == [Author.FINAL_RECEIVER, Author.UNKNOWN]
    verdicts = _verdicts(data)
    assert "SPF unknown (pass not tied to the receiver)" in verdicts
    assert "pass (stamped)" not in verdicts
    assert "in order" not in _summary(data)


def test_opendmarcs_failed_dmarc_with_a_planted_spf_pass_reads_as_a_spoof() -> None:
    data = _sendmail(
        _ODM, _ar(_PLANTED_SPF["dmarc-fail"]), _ar("spf=pass smtp.mailfrom=victim.example")
    )
    assert "Diagnosis: A spoof of victim.example" in _summary(data)


def test_opendmarcs_own_spf_stamps_still_count() -> None:
    # its SPF failure beside its DMARC failure
    data = _sendmail(
        _ODM, _ar(_PLANTED_SPF["dmarc-fail"]), _ar("spf=fail smtp.mailfrom=victim.example")
    )
    assert _ar_authors(data) == [Author.FINAL_RECEIVER] * 2
    assert "SPF fail (stamped)" in _verdicts(data)
    # a list's own envelope passing SPF beside the author's DMARC failure (test_gen8a's shape)
    data = _sendmail(
        _ODM,
        _ar(_PLANTED_SPF["dmarc-fail"]),
        _ar("spf=pass smtp.mailfrom=owner-dev@lists.example.org"),
    )
    assert _ar_authors(data) == [Author.FINAL_RECEIVER] * 2
    # everything agrees with its DMARC pass
    data = _sendmail(
        _ODM,
        _ar("dmarc=pass (p=reject dis=none) header.from=victim.example"),
        _ar("spf=pass smtp.mailfrom=victim.example"),
    )
    assert _ar_authors(data) == [Author.FINAL_RECEIVER] * 2
    assert "SPF pass (stamped)" in _verdicts(data)


# 2. A notice forged from victim.example.
def _phish_bounce() -> bytes:
    """The same phish dressed as a failure: the original "could not be delivered"."""
    return (
        _phish_success()
        .replace(b"Action: delivered\r\nStatus: 2.0.0", b"Action: failed\r\nStatus: 5.2.2")
        .replace(b"250 2.0.0 Ok: queued", b"552 5.2.2 Mailbox full")
        .replace(b"Successful Mail Delivery Report", b"Undelivered Mail Returned to Sender")
    )


def _headline(data: bytes, lab: LabDns | None) -> tuple[str, tuple[str, ...]]:
    v = _verify(data, lab) if lab is not None else None
    d = diagnose(analyze(data), v)
    return d.headline, d.labels()


@pytest.mark.parametrize(
    ("make", "kind"), [(_phish_success, "success notice"), (_phish_bounce, "bounce")]
)
def test_a_notice_forged_from_a_reject_domain_is_a_spoof_online(
    lab: LabDns, make: Callable[[], bytes], kind: str
) -> None:
    data = make()
    line, labels = _headline(data, lab)
    assert "spoof" in labels and "ndr" in labels
    assert line.startswith(f"A spoof of victim.example dressed as a {kind}")
    assert "nobody needs to act" not in line
    out = render(analyze(data), _verify(data, lab), "summary")
    assert "Spoof: the message claims to come from victim.example" in out


def test_a_notice_of_a_domain_with_p_none_stays_a_hedged_bounce() -> None:
    # the shipped example: the organisation's own edge server bounced its own unauthenticated
    # mail (fabrikam.com, p=none: its genuine bounce fails DMARC the same way): no spoof
    from headerlens.dnsclient.snapshot import SnapshotResolver
    from headerlens.model.verification import VerifyMode
    from tests.labverify import EXAMPLES, NOW, run_verify

    eml = EXAMPLES / "ndr-gmail-unauthenticated.eml"
    resolver = SnapshotResolver(EXAMPLES / "ndr-gmail-unauthenticated.dns.json")
    a, v = run_verify(eml, resolver, mode=VerifyMode.SNAPSHOT, now=NOW)
    assert v.dmarc is not None and v.dmarc.policy == "none"
    d = diagnose(a, v)
    assert "spoof" not in d.labels()
    assert d.headline.startswith("A bounce nothing ties to EDGE2010.fabrikam.com")


def test_a_notice_with_the_receivers_dmarc_fail_is_a_spoof_offline() -> None:
    data = _phish_success().replace(
        b"Return-Path: <>\r\n",
        b"Authentication-Results: mx.fabrikam.example; dmarc=fail (p=reject dis=reject)"
        b" header.from=victim.example\r\nReturn-Path: <>\r\n",
    )
    line, labels = _headline(data, None)
    assert "spoof" in labels
    assert line.startswith("A spoof of victim.example dressed as a success notice")
    # without the receiver's failure, offline stays hedged (nothing decided DMARC)
    line, labels = _headline(_phish_success(), None)
    assert "spoof" not in labels and "if it is genuine nobody needs to act" in line


# 3. A forged top: the SPF replay's assumption is said where the headline is read.
def _forged_top(ip: str, domain: str = "victim.example") -> bytes:
    return (
        f"Received: from mail.sender.example (mail.sender.example [{ip}]) by mx.fabrikam.example"
        " (Postfix) with ESMTPS id 4QxyZ1 for <ap@fabrikam.example>; Mon, 07 Dec 2026 15:00:09"
        f" +0000\r\nAuthentication-Results: mx.fabrikam.example; spf=pass smtp.mailfrom={domain};"
        f" dmarc=pass header.from={domain}\r\nReturn-Path: <ceo@{domain}>\r\n"
        f"From: CEO <ceo@{domain}>\r\nTo: ap@fabrikam.example\r\nSubject: Urgent wire\r\n"
        f"Date: Mon, 07 Dec 2026 15:00:05 +0000\r\nMessage-ID: <s1@{domain}>\r\n\r\nPay.\r\n"
    ).encode()


_ASSUMED = (
    "only SPF vouches for victim.example, re-checked for 198.51.100.10 as the receiver's "
    "Received line names it: that holds if the top of this header is as the mailbox received it"
)


def test_an_spf_only_pass_says_it_rests_on_the_receivers_line(lab: LabDns) -> None:
    data = _forged_top(VICTIM_IP)
    v = _verify(data, lab)
    assert v.dmarc is not None and v.dmarc.aligned_methods == ("spf",)
    line = diagnose(analyze(data), v).headline
    assert _ASSUMED in line
    assert _ASSUMED in render(analyze(data), v, "summary")


def test_an_aligned_dkim_pass_needs_no_such_words(lab_and_key: tuple[LabDns, bytes]) -> None:
    lab, pem = lab_and_key
    data = _forged_top(ATTACKER_IP, "attacker.example")
    head, _, body = data.partition(b"\r\nReturn-Path:")
    signed = dkim.sign(
        b"Return-Path:" + body,
        b"s1",
        b"attacker.example",
        pem,
        include_headers=[b"from", b"to", b"subject", b"date"],
    )
    data = head + b"\r\n" + signed + b"Return-Path:" + body
    v = _verify(data, lab)
    assert v.dmarc is not None and "dkim" in v.dmarc.aligned_methods
    assert "only SPF vouches" not in diagnose(analyze(data), v).headline
    # offline nothing was re-checked: nothing to say about a replay
    assert "only SPF vouches" not in diagnose(analyze(_forged_top(VICTIM_IP))).headline


# 4. The sender's last fields run straight into the receiver's MailScanner block.
_MS_OWN = (
    "X-ISP-MailScanner-Information: Please contact the ISP for more information",
    "X-ISP-MailScanner-ID: 9444077D75.A1B2C",
    "X-ISP-MailScanner: Found to be clean",
    "X-ISP-MailScanner-SpamCheck: spam, SpamAssassin (score=12.1, required 5)",
    "X-ISP-MailScanner-From: spam@sender.example",
)


def _ms_authors(a: Analysis, *names: str) -> list[Author]:
    return [a.provenance.fields[f.index].author for f in a.headers if f.lname in names]


def test_the_senders_not_spam_before_the_receivers_mailscanner_block_is_not_its() -> None:
    a = analyze(_mailscanner("X-Spam-Status: No, score=-2.0", "X-Spam-Flag: NO", *_MS_OWN))
    assert Author.FINAL_RECEIVER not in _ms_authors(a, "x-spam-status", "x-spam-flag")
    assert diagnose(a).outcome.outcome is Outcome.JUNK
    # its spam checks off: the sender's SpamCheck before the block is no verdict of the receiver's
    own = tuple(f for f in _MS_OWN if "SpamCheck" not in f)
    a = analyze(_mailscanner("X-ISP-MailScanner-SpamCheck: not spam", *own))
    assert _ms_authors(a, "x-isp-mailscanner-spamcheck") == [Author.UNKNOWN]
    assert diagnose(a).outcome.outcome is Outcome.UNKNOWN
    # the receiver's own block keeps its whole tie
    a = analyze(_mailscanner(*_MS_OWN))
    assert set(_ms_authors(a, "x-isp-mailscanner", "x-isp-mailscanner-information")) == {
        Author.FINAL_RECEIVER
    }


# 5. A pass stamp planted between an unconfirmed hand-off line and the forged entry below it.
_PLANTED_PASS = (
    "Authentication-Results: {host}; spf=pass smtp.mailfrom=contoso.com; dkim=pass "
    "header.d=contoso.com; dmarc=pass header.from=contoso.com\r\n"
)
_HANDOFFS = {
    # the attacker said HELO relay.fabrikam.com to a gateway that records no client address
    "no-address": (
        "Received: from relay.fabrikam.com (unverified) by gw1.corp.fabrikam.com (Content "
        f"Technologies SMTPRS 4.2.5) with ESMTP id <T1@gw1.corp.fabrikam.com>; {_D7}\r\n",
        "relay.fabrikam.com",
    ),
    # a NAT in front of the receiver: the HELO names the host of the forged line below
    "private": (
        "Received: from mail.attacker.example (unknown [10.0.0.5]) by mx.fabrikam.com (Postfix)"
        f" with ESMTP id 4Q; {_D7}\r\n",
        "mail.attacker.example",
    ),
}


@pytest.mark.parametrize(("top", "by"), _HANDOFFS.values(), ids=_HANDOFFS.keys())
def test_a_pass_planted_below_an_unconfirmed_hand_off_is_not_the_receivers(
    top: str, by: str
) -> None:
    stamp = _PLANTED_PASS.format(host=by)
    data = (top + stamp + FORGED.format(by=by) + BODY).encode()
    a = analyze(data)
    assert a.chain.boundary is not None and a.chain.boundary.unconfirmed is not None
    assert _ar_authors(data) == [Author.UNKNOWN]
    out = _summary(data)
    assert "pass (stamped)" not in out and "in order" not in out
    # its failures still count
    failed = (
        top + stamp.replace("dmarc=pass", "dmarc=fail") + FORGED.format(by=by) + BODY
    ).encode()
    assert "DMARC fail (stamped)" in _verdicts(failed)


def test_a_pass_planted_below_it_is_no_pass_online(lab: LabDns) -> None:
    top, by = _HANDOFFS["no-address"]
    data = (top + _PLANTED_PASS.format(host=by) + FORGED.format(by=by) + BODY).encode()
    out = render(analyze(data), _verify(data, lab), "summary")
    assert "in order" not in out and "DMARC pass" not in out


def test_a_loopback_re_injection_inside_one_domain_keeps_the_stamps_below_it_by_the_host_list() -> (
    None
):
    # Postfix -> LMTP on 127.0.0.1 on one site: the milter stamps under the entry line. A local
    # proxy in front of a receiver writes the same loopback line above a sender's forged one
    # (test_redteam_round8b), so only the host list makes the passes below it the receiver's.
    from headerlens.parsers.trusted_hosts import parse_trusted_hosts
    from tests.test_generalise_other import _postfix_milters

    def authors(a: Analysis) -> set[Author]:
        return {
            a.provenance.fields[f.index].author
            for f in a.headers
            if f.lname == "authentication-results"
        }

    a = analyze(_postfix_milters("EA1DA2147A"))
    assert a.chain.boundary is not None and a.chain.boundary.unconfirmed is not None
    assert authors(a) == {Author.UNKNOWN}
    own = parse_trusted_hosts(["*.recv.example,127.0.0.0/8"])
    a = analyze(_postfix_milters("EA1DA2147A"), trusted=own)
    assert a.chain.boundary is not None and a.chain.boundary.unconfirmed is None
    assert authors(a) == {Author.FINAL_RECEIVER}


# 6. A spoof's forged lower line times no wait.
_RESENT = (
    b"Received: from mail.attacker.example (mail.attacker.example [203.0.113.66]) by "
    b"mx.fabrikam.example (Postfix) with ESMTPS id 4QxyZ1 for <ap@fabrikam.example>; Tue, 10 Nov "
    b"2026 09:14:09 +0000\r\nResent-From: relay@partner.example\r\nResent-To: ap@fabrikam.example"
    b"\r\nResent-Date: Tue, 10 Nov 2026 09:14:05 +0000\r\nResent-Message-ID: <r1@partner.example>"
    b"\r\nReturn-Path: <ceo@victim.example>\r\nReceived: from mail.victim.example "
    b"(mail.victim.example [198.51.100.10]) by mx.partner.example (Postfix) with ESMTPS id 3Q for "
    b"<relay@partner.example>; Tue, 10 Nov 2026 07:00:00 +0000\r\nFrom: Victim CEO "
    b"<ceo@victim.example>\r\nTo: relay@partner.example\r\nSubject: Urgent wire\r\nDate: Tue, 10 "
    b"Nov 2026 06:59:58 +0000\r\nMessage-ID: <s1@victim.example>\r\n\r\nPay.\r\n"
)


def test_a_spoofs_forged_lower_line_times_no_wait_online(lab: LabDns) -> None:
    d = diagnose(analyze(_RESENT), _verify(_RESENT, lab))
    assert "spoof" in d.labels() and "delay" not in d.labels()
    assert "waited" not in d.headline and "mx.partner.example" not in d.headline
    # offline nothing decided it is a spoof: the wait stays, marked as the sender's own claim
    d = diagnose(analyze(_RESENT))
    assert "spoof" not in d.labels()
    assert "by the sending side's own stamps" in d.headline


# 7. A form-mail look-alike: the site comes from the receiver's confirmed reverse DNS only.
_FORM_LOOKALIKE = (
    b"Received: from www.autosite.example ({rdns} [203.0.113.66])\r\n"
    b"\tby mx.dealer.example (Postfix) with ESMTP id 4QAbCd\r\n"
    b"\tfor <sales@dealer.example>; Tue, 12 Oct 2010 13:20:24 -0700 (PDT)\r\n"
    b"Return-Path: <ceo@victim.example>\r\n"
    b"Received: from AUTOWWW03 by www.autosite.example (MDaemon PRO v11.0.3)\r\n"
    b"\twith ESMTP id md50004804310.msg\r\n"
    b"\tfor <sales@dealer.example>; Tue, 12 Oct 2010 16:20:05 -0400\r\n"
    b"Date: Tue, 12 Oct 2010 16:20:05 -0400\r\nSubject: AutoSite has a lead for you\r\n"
    b"To: sales@dealer.example,leads@autosite.example\r\nFrom: ceo@victim.example\r\n"
    b"Message-ID: <MDAEMON-F2010101216.AA21054@autosite.example>\r\n\r\nWire it today.\r\n"
)


def test_a_form_mail_look_alike_does_not_blame_the_site_it_names(lab: LabDns) -> None:
    data = _FORM_LOOKALIKE.replace(b"{rdns}", b"unknown")
    d = diagnose(analyze(data), _verify(data, lab))
    assert d.headline.startswith("A spoof of victim.example; nothing to fix there")
    assert "autosite.example" not in d.headline
    # the receiver confirmed the site's own server: then the site's form sent it
    confirmed = _FORM_LOOKALIKE.replace(b"{rdns}", b"www.autosite.example")
    d = diagnose(analyze(confirmed), _verify(confirmed, lab))
    assert d.headline.startswith("A spoof of victim.example by a web form of autosite.example")
