"""Throwaway senders, attacker tenants and receiver scores (issue 11). Synthetic messages of each
real shape (documentation addresses and example domains)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings_build import stamped_findings as findings
from headerlens.diagnosis.throwaway import machine_made
from headerlens.model import Severity
from headerlens.model.core import HeaderField
from headerlens.parsers.vendor import decode_vendor_header
from headerlens.report.words import facts
from tests.test_diagnosis import _msg
from tests.test_genmisc import _eop

# --- 1. a spoof needs a victim: the sender's own throwaway domain is none ----------------------


def _throwaway(
    frm: str = "LeafGuard Partner <wycspfvauvrbotm@gv53w8x00rmotde8tq59.example>",
    envelope: str = "bounce@nuhstrfpolviin.example",
    dkim: str = "dkim=none (message not signed) header.d=none",
    *extra: str,
) -> bytes:
    """phishing_pot sample-2713's shape: a From domain with a generated name, the envelope in
    another generated domain, nothing published, Microsoft's compauth=fail 001, Junk."""
    env_dom = envelope.rpartition("@")[2] or "nuhstrfpolviin.example"
    from_dom = frm.rpartition("@")[2].rstrip(">")
    return _eop(
        f"spf=none (sender IP is 198.51.100.59) smtp.mailfrom={env_dom}; {dkim};dmarc=none action=none header.from={from_dom};compauth=fail reason=001",
        env_dom,
        "198.51.100.59",
        f"From: {frm}",
        "Subject: the solution to clogged gutters",
        f"Return-Path: {envelope or '<>'}",
        *extra,
        scl=6,
    )


def test_a_generated_from_domain_is_no_spoof_of_anyone() -> None:
    d = diagnose(analyze(_throwaway()))
    assert "spoof" not in d.labels() and "junk" in d.labels()
    assert "A spoof of" not in d.headline
    assert "most likely the sender's own throwaway domain" in d.headline
    assert "cannot be told from one" in d.headline
    assert "gv53w8x00rmotde8tq59 looks machine-made" in d.headline
    said = " ".join(f.title + " " + f.fix for f in findings(analyze(_throwaway())))
    assert "it did not send this" not in said


def test_a_null_sender_and_a_reply_to_elsewhere_make_no_victim_of_a_generated_domain() -> None:
    # sample-7213's shape: Return-Path <>, a Reply-To at another domain, HELO of a third one
    raw = _throwaway(
        "Grondaanbieding <actionthales_BT4970W1@t9bdoepsb3opo9jale1nq3rcz5pc.example>",
        "",
        "dkim=none (message not signed) header.d=none",
        "Reply-To: offers@in2.drip.example",
    )
    d = diagnose(analyze(raw))
    assert "spoof" not in d.labels()
    assert "throwaway domain" in d.headline


def test_a_wordy_domain_whose_whole_set_up_is_random_names_is_a_throwaway() -> None:
    # the DeWalt lure's shape: the From domain reads as words, but its local part, the envelope
    # sender and its domain are random strings; its own DKIM signature has no key
    raw = _throwaway(
        "Power Station Unlocked <wsakt@bestshopint.example>",
        "fxmvt@trlyy.example",
        "dkim=fail (no key for signature) header.d=bestshopint.example",
    )
    d = diagnose(analyze(raw))
    assert "spoof" not in d.labels()
    assert "the names the sender chose look random" in d.headline
    assert "envelope domain trlyy" in d.headline


def test_an_established_looking_domain_with_a_bounce_id_envelope_stays_a_spoof() -> None:
    # guard (the stayfriends campaign): a real business's address, a sending service's numeric
    # bounce subdomain in the envelope: names that are ids by design prove nothing
    raw = _throwaway(
        "Angebote <service@friendsclub.example>", "return@956387833857506.9.mailer.example"
    )
    assert "spoof" in diagnose(analyze(raw)).labels()


def test_microsofts_own_spoof_verdict_outranks_a_generated_name() -> None:
    # guard: the receiver's anti-spoofing verdict (CAT:SPOOF) is evidence, not the sender's text
    raw = _throwaway(
        "Bank <alerts@gv53w8x00rmotde8tq59.example>",
        "bounce@nuhstrfpolviin.example",
        "dkim=none (message not signed) header.d=none",
        "Reply-To: helpdesk.team@gmail.com",
        "X-Forefront-Antispam-Report: CIP:198.51.100.59;CTRY:NL;SCL:6;SFV:SPM;CAT:SPOOF;DIR:INB;",
    )
    assert "spoof" in diagnose(analyze(raw)).labels()


def test_a_brand_in_the_from_name_of_a_generated_domain_is_named() -> None:
    raw = _throwaway("Microsoft account team <3g2ka@c3eu448tu0.example>", "bounce@neonet.example")
    d = diagnose(analyze(raw))
    assert "spoof" not in d.labels()
    assert "its From name poses as Microsoft, whose own domain is microsoft.com" in d.headline


def test_machine_made_names() -> None:
    for label in ("gv53w8x00rmotde8tq59", "c3eu448tu0", "nonkfrgr", "atujpdfghher"):
        assert machine_made(label), label
    # brands, acronyms and German words are no machine's
    for label in ("hsbcnet", "deutschland", "office365", "rhythmone", "web2print", "kpmg"):
        assert machine_made(label) is None, label


# --- 2. the receiver's own policyd-weight score ------------------------------------------------


def _policyd(
    above: bool, value: str = "NOT_IN_SPAMCOP=-1.5 CL_IP_EQ_HELO_IP=-2; rate: -7"
) -> bytes:
    """all-inkl's shape: Postfix with policyd-weight prepends its score above its own Received
    line; a list server running it (lists.debian.org) leaves it below the subscriber's."""
    field = f"X-policyd-weight: {value}"
    return _msg(
        "Return-Path: <news@mta.shop.example>",
        "Delivered-To: reader@mailbox.example",
        *([field] if above else []),
        "Authentication-Results: mx.mailbox.example; dkim=pass header.d=shop.example",
        "Received: from mta.shop.example (mta.shop.example [203.0.113.76]) by mx.mailbox.example (Postfix) with ESMTPS id 4F1A2B3C4D for <reader@mailbox.example>; Mon, 6 Sep 2021 11:27:43 +0200 (CEST)",
        *([] if above else [field]),
        "Received: by mta.shop.example id h6ntj42f for <reader@mailbox.example>; Mon, 6 Sep 2021 09:27:41 +0000",
        "DKIM-Signature: v=1; a=rsa-sha256; d=shop.example; s=s1; h=from; bh=x; b=y",
        "From: Shop <service@shop.example>",
        "To: reader@mailbox.example",
        "Subject: news",
        "Date: Mon, 6 Sep 2021 09:27:40 +0000",
        "Message-ID: <1@shop.example>",
    )


def test_the_receivers_policyd_weight_score_is_shown_as_its_verdict() -> None:
    rows = dict(facts(analyze(_policyd(True))))
    said = rows["Final receiver stamped"]
    assert "dkim=pass" in said
    assert "its policyd-weight scored the connecting client -7: below its reject level" in said
    a = analyze(_policyd(True, "using cached result; rate:hard: -6.1"))
    assert "scored the connecting client -6.1" in dict(facts(a))["Final receiver stamped"]


def test_a_policyd_weight_score_below_the_receivers_line_is_not_its_verdict() -> None:
    a = analyze(_policyd(False))
    assert "policyd-weight" not in dict(facts(a)).get("Final receiver stamped", "")
    scan = diagnose(a).get("sender-side-scan")
    assert scan is not None and any("X-policyd-weight" in e for e in scan.evidence)


def test_policyd_weight_decoded() -> None:
    vh = decode_vendor_header(
        HeaderField(0, "X-policyd-weight", "IN_SPAMCOP=3.5 BOGUS_MX=2.1; rate: 5.6", b"")
    )
    assert vh is not None and vh.vendor == "policyd-weight"
    got = {f.key: f for f in vh.fields}
    assert got["rate"].value == "5.6" and got["rate"].severity is Severity.WARNING
    assert got["checks"].value == "IN_SPAMCOP=3.5, BOGUS_MX=2.1"


# --- 3. an attacker's own Microsoft 365 tenant is no taken-over mailbox -----------------------


def _tenant(
    helo: str = "stonell21.onmicrosoft.com", ptr: str = "vm7q.eastus2.cloudapp.azure.com"
) -> bytes:
    """phishing_pot sample-6131's shape: a cloud VM hands the lure to its own tenant over SMTP
    (HELO the tenant's default name), the tenant sends it out aligned for its throwaway domain
    with a brand as the From name; Outlook.com junks it."""
    return _eop(
        "spf=pass (sender IP is 198.51.100.12) smtp.mailfrom=bq.topplun.example; dkim=none (message not signed) header.d=none;dmarc=pass action=none header.from=bq.topplun.example;compauth=pass reason=100",
        "MW6PR02CU001.outbound.protection.outlook.com",
        "198.51.100.12",
        'From: "McAfee" <McAfee+543@bq.topplun.example>',
        "Subject: renew your McAfee subscription",
        "Return-Path: return@bq.topplun.example",
        f"X-Forefront-Antispam-Report-Untrusted: CIP:203.0.113.204;CTRY:US;SCL:8;SFV:SPM;H:{helo};PTR:{ptr};CAT:OSPM;DIR:OUT;",
        f"X-MS-Exchange-CrossTenant-OriginalAttributedTenantConnectingIp: TenantId=58e348a1-0000-4e82-b71b-f116729fc1fc;Ip=[203.0.113.204];Helo=[{helo}]",
        scl=8,
    )


def test_a_cloud_server_feeding_its_own_tenant_is_the_senders_tenant_not_a_taken_over_one() -> None:
    d = diagnose(analyze(_tenant()))
    assert "compromised-account" not in d.labels() and "junk" in d.labels()
    assert "taken-over mailbox at" not in d.headline
    assert d.headline.startswith(
        "Sent through a Microsoft 365 tenant that is most likely the sender's own "
        "(stonell21.onmicrosoft.com), not through a taken-over mailbox; its From name poses as McAfee"
    )


def test_a_business_tenant_or_a_real_mail_server_keeps_the_taken_over_reading() -> None:
    # guards: the tenant named after the From domain, and a client with a real server name
    for helo, ptr in (
        ("topplun.onmicrosoft.com", "vm7q.eastus2.cloudapp.azure.com"),
        ("mail.topplun.example", "mail.topplun.example"),
        ("stonell21.onmicrosoft.com", "mail.topplun.example"),
    ):
        assert "compromised-account" in diagnose(analyze(_tenant(helo, ptr))).labels(), helo


def test_random_envelope_and_helo_names_do_not_make_a_victims_address_a_throwaway() -> None:
    # guard: the From address reads like the domain's own ("service@"); random names only in
    # the envelope and the HELO are the sender's own set-up, the From domain may be a victim
    raw = _throwaway("Kundenservice <service@friendsclub.example>", "fxmvt@trlyy.example")
    raw = raw.replace(b"trlyy.example [", b"qzwxkrt.example [").replace(
        b"from trlyy.example", b"from qzwxkrt.example"
    )
    assert "spoof" in diagnose(analyze(raw)).labels()


# --- 4. an author's provider's Rspamd score carried through a list -----------------------------


def test_an_rspamd_score_carried_through_a_list_is_another_partys_scan() -> None:
    # the Mailman copy's shape: the author's provider scored it (X-Rspamd-Score between the
    # author's fields and the list's), the list server re-sent it to a Postfix with policyd-weight
    raw = _msg(
        "Return-Path: <team-bounces@lists.club.example>",
        "Delivered-To: member@mailbox.example",
        "X-policyd-weight: using cached result; rate:hard: -6.1",
        "Received: from mail.club.example (mail.club.example [203.0.113.25]) by mx.mailbox.example (Postfix) with ESMTPS id AF736 for <member@mailbox.example>; Sat, 20 Feb 2021 22:04:26 +0100 (CET)",
        "To: team@lists.club.example",
        "From: Sam <sam@author.example>",
        "Message-ID: <77@author.example>",
        "Date: Sat, 20 Feb 2021 22:03:57 +0100",
        "X-Rspamd-Score: -3.77 / 15.00 / 15.00",
        "Subject: [Team] minutes",
        "X-BeenThere: team@lists.club.example",
        "X-Mailman-Version: 2.1.29",
        "List-Id: <team.lists.club.example>",
        "Sender: team-bounces@lists.club.example",
    )
    scan = diagnose(analyze(raw)).get("sender-side-scan")
    assert scan is not None and any("X-Rspamd-Score" in e for e in scan.evidence)


def test_a_signing_lures_words_around_the_brand_still_read_as_posing() -> None:
    # sample-5524's shape: "DocuSign | Review via e-Sign" on a real company's address, sent
    # through a sending service's own identity, the company's DMARC failed (p=none)
    raw = _eop(
        "spf=pass (sender IP is 198.51.100.22) smtp.mailfrom=us-west-2.mailer.example; dkim=pass (signature was verified) header.d=mailer.example;dmarc=fail action=none header.from=electronics.example;",
        "a27-22.smtp-out.mailer.example",
        "198.51.100.22",
        "From: DocuSign | Review via e-Sign <semi.kim@electronics.example>",
        "Subject: Document to review and sign today",
        "Return-Path: 0101019731c8b2a9@us-west-2.mailer.example",
        scl=9,
    )
    d = diagnose(analyze(raw))
    assert "spoof" in d.labels()
    assert "posing as DocuSign" in d.headline
