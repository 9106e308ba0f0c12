"""Situation and headline rules found on unseen real mail (issue 11): an aligned SPF failure of a
domain without DMARC, Microsoft's bestguesspass control, headlines that contradict the report,
names without a public suffix, look-alike From domains and what counts as a delay. Each rule
with a synthetic message of the real shape (names and addresses changed)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings_build import stamped_findings as findings
from headerlens.diagnosis.inputs import same_org
from headerlens.diagnosis.wording import fix
from tests.test_diagnosis import _msg

_EOP_RECEIVED = "Received: from cjr.zq.example (203.0.113.215) by CY4PEPF0000AA01.mail.protection.outlook.com (10.167.242.1) with Microsoft SMTP Server id 15.20.7 via Frontend Transport; Mon, 7 Nov 2022 09:45:28 +0000"


def _eop(ar: str, *extra: str, env: str = "news@oldfriends.example") -> bytes:
    """An EOP delivery from a server nobody names, the From domain oldfriends.example."""
    return _msg(
        f"Authentication-Results: {ar}",
        _EOP_RECEIVED,
        "From: Old Friends <news@oldfriends.example>",
        "To: victim@example.net",
        "Subject: you have a message",
        "Date: Mon, 7 Nov 2022 09:45:20 +0000",
        f"Return-Path: {env}",
        *extra,
    )


_SPF_FAIL_NO_DMARC = "spf=fail (sender IP is 203.0.113.215) smtp.mailfrom=oldfriends.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=oldfriends.example;"


def test_an_aligned_spf_fail_of_a_domain_without_dmarc_is_a_probable_spoof() -> None:
    d = diagnose(analyze(_eop(_SPF_FAIL_NO_DMARC)))
    spoof = d.get("spoof")
    assert spoof is not None and spoof.fact("sign") == "spf"
    assert any("not allowed to send for oldfriends.example" in e for e in spoof.evidence)
    assert d.headline.startswith("Probably a spoof of oldfriends.example")
    # honest about the legitimate look-alike: a real sender whose SPF record misses the server
    assert "SPF record misses 203.0.113.215" in d.headline
    text = fix(spoof)
    assert "unless it really sends through 203.0.113.215" in text and "block or report" in text


def test_a_softfail_with_a_passing_signature_is_no_spoof() -> None:
    ar = "spf=softfail (sender IP is 203.0.113.215) smtp.mailfrom=oldfriends.example; dkim=pass (signature was verified) header.d=esp.example;dmarc=none action=none header.from=oldfriends.example;"
    assert diagnose(analyze(_eop(ar))).get("spoof") is None


def test_a_softfail_with_nothing_else_passing_is_a_probable_spoof() -> None:
    ar = _SPF_FAIL_NO_DMARC.replace("spf=fail", "spf=softfail")
    spoof = diagnose(analyze(_eop(ar))).get("spoof")
    assert spoof is not None and spoof.fact("sign") == "spf"


def test_microsofts_composite_pass_rules_the_spf_spoof_out() -> None:
    ar = _SPF_FAIL_NO_DMARC + "compauth=pass reason=109"
    assert diagnose(analyze(_eop(ar))).get("spoof") is None


def test_an_spf_fail_for_another_envelope_domain_is_not_this_rule() -> None:
    ar = _SPF_FAIL_NO_DMARC.replace("smtp.mailfrom=oldfriends.example", "smtp.mailfrom=esp.example")
    spoof = diagnose(analyze(_eop(ar, env="bounce@esp.example"))).get("spoof")
    assert spoof is None or spoof.fact("sign") != "spf"


def test_names_without_a_public_suffix_compare_as_themselves() -> None:
    assert same_org("noreply@postoffice", "postoffice")
    assert same_org("POSTOFFICE.", "noreply@postoffice")
    assert not same_org("postoffice", "parcels")
    assert not same_org("postoffice", "postoffice.example")
    assert not same_org(None, None) and not same_org("", "")


def test_a_from_name_that_is_no_domain_is_not_called_another_domain_of_itself() -> None:
    a = analyze(
        _msg(
            "Authentication-Results: spf=none (sender IP is 203.0.113.49) smtp.mailfrom=postoffice; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=postoffice;",
            "Received: from phish.zq.example (203.0.113.49) by BL6PEPF0000AA02.mail.protection.outlook.com (10.167.242.2) with Microsoft SMTP Server id 15.20.7 via Frontend Transport; Mon, 7 Nov 2022 09:45:28 +0000",
            "From: Post Office <noreply@postoffice>",
            "To: victim@example.net",
            "Subject: your parcel",
            "Date: Mon, 7 Nov 2022 09:45:20 +0000",
            "Return-Path: noreply@postoffice",
        )
    )
    d = diagnose(a)
    spoof = d.get("spoof")
    assert spoof is not None
    said = " ".join(spoof.evidence)
    assert "another domain" not in said
    assert "postoffice (it has no dot)" in said
    assert "not a real domain name" in d.headline
    assert "DMARC policy at" not in " ".join(f"{f.title} {f.fix}" for f in findings(a))


_BESTGUESS = "spf=pass (sender IP is 203.0.113.215) smtp.mailfrom=psrp.oldfriends.example; dkim=pass (signature was verified) header.d=oldfriends.example;dmarc=bestguesspass action=none header.from=oldfriends.example;compauth=pass reason=109"


def test_bestguesspass_with_a_composite_pass_is_a_control_with_a_note() -> None:
    d = diagnose(analyze(_eop(_BESTGUESS, env="b@psrp.oldfriends.example")))
    ctl = d.get("control")
    assert ctl is not None and ctl.fact("dmarc") == "no-record"
    assert d.headline.startswith("Authentication and the delivery path are in order")
    assert "publishes no DMARC policy" in d.headline
    assert "No particular situation" not in d.headline


def test_bestguesspass_without_an_aligned_pass_is_no_control() -> None:
    ar = _BESTGUESS.replace("header.d=oldfriends.example", "header.d=esp.example")
    ar = ar.replace("spf=pass", "spf=none")
    assert diagnose(analyze(_eop(ar, env="b@psrp.oldfriends.example"))).get("control") is None


_JUNK = (
    "X-MS-Exchange-Organization-SCL: 8",
    "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterAuthJ;",
)


def test_a_composite_pass_leads_the_headline_not_the_worst_token() -> None:
    """Spam judged on content: Microsoft's composite authentication passed although one
    signature failed; the headline starts with what decided, not with dkim=fail."""
    ar = "spf=pass (sender IP is 203.0.113.215) smtp.mailfrom=shop.example; dkim=fail (no key for signature) header.d=shop.onmicrosoft.example;dmarc=bestguesspass action=none header.from=shop.example;compauth=pass reason=109"
    d = diagnose(analyze(_eop(ar, *_JUNK, env="x@shop.example")))
    assert "junk" in d.labels()
    assert d.headline.startswith("Authentication passed the receiver's composite check")
    assert "not from authentication" in d.headline
    assert not d.headline.startswith("The final receiver stamped")


def test_no_headline_says_nothing_was_recognised_next_to_a_situation() -> None:
    allow = (
        "X-MS-Exchange-Organization-SCL: 9",
        "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;wl:1;dest:I;OFR:TrustedSenderList;",
    )
    ar = "spf=pass (sender IP is 203.0.113.215) smtp.mailfrom=shop.example; dkim=pass header.d=shop.example;dmarc=pass action=none header.from=shop.example;compauth=pass reason=100"
    for raw in (_eop(ar, *allow, env="x@shop.example"), _eop(ar, *_JUNK, env="x@shop.example")):
        d = diagnose(analyze(raw))
        assert d.situations
        assert "No particular situation" not in d.headline
    d = diagnose(analyze(_eop(ar, *allow, env="x@shop.example")))
    assert d.headline.startswith("An allow-list entry of the recipient overrode the spam filter")
    assert d.headline.count("allow-list") == 1


def _esp(first_gap_min: int, relay_gap_min: int) -> bytes:
    """A bulk sender's own host stamps the message, hands it to its relay, which hands it to
    the receiver: the gaps after the first stamp and after the relay's stamp are chosen."""
    t0 = 600  # minutes after midnight
    t1 = t0 + first_gap_min
    t2 = t1 + relay_gap_min

    def at(m: int) -> str:
        return f"Mon, 7 Nov 2022 {m // 60:02d}:{m % 60:02d}:00 +0000"

    return _msg(
        f"Received: from relay.esp.example (203.0.113.7) by mx.example.net with ESMTPS id 1; {at(t2)}",
        f"Received: from s18.esp.example (203.0.113.18) by relay.esp.example with ESMTP id 2; {at(t1)}",
        f"Received: by s18.esp.example id hq1 for <me@example.net>; {at(t0)}",
        "From: Shop <news@shop.example>",
        "To: me@example.net",
        "Subject: offer",
        f"Date: {at(t0)}",
    )


def test_a_few_minutes_on_the_senders_own_first_host_is_no_delay() -> None:
    d = diagnose(analyze(_esp(5, 0)))
    assert "delay" not in d.labels()
    assert not any(f.code == "delay.queue" for f in findings(analyze(_esp(5, 0))))


def test_a_few_minutes_on_a_relay_is_said_but_is_no_delay() -> None:
    """3 to 10 minutes on a relay is information (where the minutes went), not the 'delay'
    situation, a warning or the headline: the real2 README's delay is 10 minutes or more."""
    d = diagnose(analyze(_esp(0, 4)))
    assert "delay" not in d.labels() and "waited" not in d.headline
    short = [f for f in findings(analyze(_esp(0, 4))) if f.code == "delay.short-queue"]
    assert len(short) == 1 and "relay.esp.example" in short[0].title
    assert short[0].severity.value == "info"
    s = diagnose(analyze(_esp(0, 10))).get("delay")
    assert s is not None and s.fact("host") == "relay.esp.example"


def test_the_delay_names_the_longest_queue_not_the_first_over_the_threshold() -> None:
    d = diagnose(analyze(_esp(12, 40)))
    s = d.get("delay")
    assert s is not None and s.fact("host") == "relay.esp.example" and s.hop_number == 2
    assert "40 min on relay.esp.example" in d.headline
    d = diagnose(analyze(_esp(45, 11)))
    s = d.get("delay")
    assert s is not None and s.fact("host") == "s18.esp.example"


def _bold(text: str) -> str:
    """``text`` in mathematical sans-serif bold letters (what the real look-alike used)."""
    return "".join(chr(0x1D5EE + ord(c) - ord("a")) if "a" <= c <= "z" else c for c in text.lower())


def test_a_compatibility_lookalike_from_domain_is_named_by_the_domain_it_maps_to() -> None:
    shown = _bold("shop-market.example")
    ar = f"spf=temperror (sender IP is 203.0.113.42) smtp.mailfrom=mailer.zq.example; dkim=fail (no key for signature) header.d=shop-market.example;dmarc=fail action=quarantine header.from={shown};compauth=fail reason=000"
    raw = _msg(
        f"Authentication-Results: {ar}",
        _EOP_RECEIVED,
        "DKIM-Signature: v=1; a=rsa-sha256; d=shop-market.example; s=s1; h=from; bh=AAAA; b=AAAA",
        f"From: Shop <noreply@{shown}>",
        "To: victim@example.net",
        "Subject: offer",
        "Date: Mon, 7 Nov 2022 09:45:20 +0000",
        "Return-Path: info@mailer.zq.example",
    )
    a = analyze(raw)
    d = diagnose(a)
    spoof = d.get("spoof")
    assert spoof is not None
    assert spoof.fact("domain") == "shop-market.example" and spoof.fact("shown") == shown
    assert d.headline.startswith("A spoof of shop-market.example (its From written in look-alike")
    text = fix(spoof)
    assert "already asks receivers to refuse" in text
    assert "is the only sender-side help" not in text  # the policy is already quarantine
    (look,) = [x for x in a.defects if x.code == "identity.confusable-domain"]
    assert "look-alike of shop-market.example" in look.message
    assert "not shop-market.example's mail" in look.message
    assert "Nothing about it is related" not in look.message


def test_a_spoof_sent_through_a_taken_over_account_says_both() -> None:
    """A cPanel host's authenticated account of another organisation sent a message in the name
    of a free-mail domain: the spoof leads, the taken-over account follows."""
    raw = _msg(
        "Authentication-Results: spf=none (sender IP is 203.0.113.127) smtp.mailfrom=bigmail.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=bigmail.example;compauth=fail reason=001",
        "Received: from host.jewels.example (203.0.113.127) by DB8EUR06FT037.mail.protection.outlook.com (10.233.252.87) with Microsoft SMTP Server id 15.20.6631.29 via Frontend Transport; Thu, 27 Jul 2023 12:07:24 +0000",
        "Received: from [198.51.100.25] (port=42212 helo=[127.0.0.1]) by host.jewels.example with esmtpsa (Exim 4.91) (envelope-from <noreply@bigmail.example>) id 1qNQKH-0002JZ-JH; Sat, 22 Jul 2023 23:04:15 -0500",
        "From: Mary <noreply@bigmail.example>",
        "To: victim@example.net",
        "Subject: crypto",
        "Date: Sun, 23 Jul 2023 07:04:11 +0300",
        "X-Get-Message-Sender-Via: host.jewels.example: authenticated_id: info@jewels.example",
        "Return-Path: noreply@bigmail.example",
        *_JUNK,
    )
    d = diagnose(analyze(raw))
    assert {"spoof", "compromised-account", "delay"} <= set(d.labels())
    assert d.headline.startswith("A spoof of bigmail.example; nothing to fix there; signs of")
    assert "it waited 4 d 8 h on host.jewels.example" in d.headline


def test_a_web_script_on_the_sending_host_is_not_called_a_spoof_of_its_domain() -> None:
    """A PHP kit on a shared host sent as a domain without DMARC whose SPF misses that host: the
    domain's own site may live there (a taken-over site), so the SPF failure is no spoof."""
    ar = "spf=softfail (sender IP is 203.0.113.61) smtp.mailfrom=smallsite.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=smallsite.example;compauth=fail reason=001"
    raw = _msg(
        f"Authentication-Results: {ar}",
        "Received: from web001.hoster.example (203.0.113.61) by DM6NAM10FT089.mail.protection.outlook.com (10.13.152.1) with Microsoft SMTP Server id 15.20.6 via Frontend Transport; Thu, 17 Aug 2023 17:56:16 +0000",
        "Received: by web001.hoster.example (Postfix, from userid 10146) id 664942152D2; Thu, 17 Aug 2023 14:50:14 -0300 (-03)",
        "To: victim@example.net",
        "Subject: new device",
        "X-PHP-Originating-Script: 10146:mailer.php",
        "Date: Thu, 17 Aug 2023 14:50:14 -0300",
        "From: Pay Service <reply@smallsite.example>",
        "X-Mailer: Leaf PHPMailer 2.7 (leafmailer.pw)",
        "Return-Path: reply@smallsite.example",
        *_JUNK,
    )
    d = diagnose(analyze(raw))
    assert "compromised-account" in d.labels()
    assert "spoof" not in d.labels()
    without_script = raw.replace(b"X-PHP-Originating-Script: 10146:mailer.php\r\n", b"")
    spoof = diagnose(analyze(without_script)).get("spoof")
    assert spoof is not None and spoof.fact("sign") == "spf"


def test_a_control_from_a_free_mail_account_says_what_authentication_proves() -> None:
    ar = "spf=pass (sender IP is 209.85.222.173) smtp.mailfrom=gmail.com; dkim=pass (signature was verified) header.d=gmail.com;dmarc=pass action=none header.from=gmail.com;compauth=pass reason=100"
    raw = _msg(
        f"Authentication-Results: {ar}",
        "Received: from mail-qk1-f173.google.com (209.85.222.173) by BN1NAM02FT009.mail.protection.outlook.com (10.13.2.127) with Microsoft SMTP Server id 15.20.6 via Frontend Transport; Sat, 29 Jul 2023 18:08:27 +0000",
        'From: "[Bank] - notice to customer" <someone553@gmail.com>',
        "To: victim@example.net",
        "Subject: credit released",
        "Date: Sat, 29 Jul 2023 18:08:24 +0000",
        "Return-Path: someone553@gmail.com",
    )
    d = diagnose(analyze(raw))
    ctl = d.get("control")
    assert ctl is not None and ctl.fact("freemail") == "gmail.com"
    assert "an account at gmail.com, which anyone can open" in d.headline
    other = diagnose(analyze(_eop(_BESTGUESS, env="b@psrp.oldfriends.example"))).get("control")
    assert other is not None and other.fact("freemail") is None


def test_only_a_sending_services_own_identity_passing_is_said_in_the_headline() -> None:
    """SES's own SPF and DKIM pass, the From domain has no DMARC record: nothing authenticated
    the From domain itself, which the headline says instead of 'no particular situation'."""
    ar = "spf=pass (sender IP is 203.0.113.12) smtp.mailfrom=eu-central-1.mailsvc.example; dkim=pass (signature was verified) header.d=mailsvc.example;dmarc=none action=none header.from=smallclub.example;"
    raw = _msg(
        f"Authentication-Results: {ar}",
        "Received: from b224-12.smtp-out.mailsvc.example (203.0.113.12) by MW2NAM12FT067.mail.protection.outlook.com (10.13.181.33) with Microsoft SMTP Server id 15.20.6 via Frontend Transport; Sun, 30 Jul 2023 23:57:36 +0000",
        "From: Exchange <noreply@smallclub.example>",
        "To: victim@example.net",
        "Subject: withdrawal",
        "Date: Sun, 30 Jul 2023 23:57:35 +0000",
        "Return-Path: 0107@eu-central-1.mailsvc.example",
    )
    d = diagnose(analyze(raw))
    assert d.headline.startswith(
        "Nothing authenticated smallclub.example itself: only mailsvc.example passed"
    )
    aligned = raw.replace(b"header.d=mailsvc.example", b"header.d=smallclub.example")
    assert "Nothing authenticated" not in diagnose(analyze(aligned)).headline
