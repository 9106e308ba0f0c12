"""Signs of a taken-over account, website, mailbox or sending-service account (synthetic
messages of the shapes seen on real mail; names and addresses changed), and the legitimate
shapes that must not get the label."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings_build import stamped_findings as findings
from headerlens.diagnosis.wording import fix, title
from tests.test_diagnosis import _msg

_EOP_TOP = "Received: from DM6PR01MB1.namprd01.prod.outlook.com (::1) by DM6PR01MB2.namprd01.prod.outlook.com with HTTPS; Thu, 17 Aug 2023 17:56:18 +0000"


def _eop(
    ar: str, client: str, ip: str, below: tuple[str, ...], own: tuple[str, ...], dest: str = "J"
) -> bytes:
    """Exchange Online receives from ``client`` [``ip``] and files to ``dest``."""
    return _msg(
        _EOP_TOP,
        f"Authentication-Results: {ar}",
        f"Received: from {client} ({ip}) by DM6NAM10FT001.mail.protection.outlook.com (10.13.152.1) with Microsoft SMTP Server id 15.20.6699.20 via Frontend Transport; Thu, 17 Aug 2023 17:56:16 +0000",
        "X-IncomingTopHeaderMarker: OriginalChecksum:AA;Count:11",
        *below,
        *own,
        "To: victim@example.net",
        "Date: Thu, 17 Aug 2023 17:50:14 +0000",
        "X-IncomingHeaderCount: 11",
        "X-MS-Exchange-Organization-SCL: 9",
        f"X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:{dest};OFR:SpamFilterAuthJ;",
    )


def _labels(msg: bytes) -> set[str]:
    return set(diagnose(analyze(msg)).labels())


# -- a web script on shared hosting ------------------------------------------------------------

_SCRIPT_AR = "spf=softfail (sender IP is 198.51.100.61) smtp.mailfrom=shop.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=shop.example;compauth=fail reason=001"
_PICKUP = "Received: by web01.hoster.example (Postfix, from userid 10146) id 664942152D2; Thu, 17 Aug 2023 14:22:14 -0300 (-03)"


def _script(mailer: str, *extra: str) -> bytes:
    return _eop(
        _SCRIPT_AR,
        "web01.hoster.example",
        "198.51.100.61",
        (_PICKUP,),
        (
            "Subject: Detectamos um acesso",
            "X-PHP-Originating-Script: 10146:mailer.php",
            "From: Bank <notice@shop.example>",
            f"X-Mailer: {mailer}",
            *extra,
        ),
    )


def test_a_mass_mailing_kit_run_as_a_web_script_is_a_taken_over_site_at_the_hoster() -> None:
    d = diagnose(analyze(_script("Leaf PHPMailer 2.7 (leafmailer.pw)")))
    comp = d.get("compromised-account")
    assert comp is not None
    assert comp.fact("party") == "hoster.example"
    assert "website" in (comp.fact("what") or "")
    assert any("X-PHP-Originating-Script" in e for e in comp.evidence)
    assert title(comp).startswith(
        "Signs of a taken-over website or hosting account at hoster.example"
    )
    assert "Report it to hoster.example" in fix(comp) and "Nothing to fix in" in fix(comp)
    assert "signs of a taken-over website" in d.headline.lower()


def test_a_sites_own_php_form_that_was_junked_is_not_called_compromised() -> None:
    """WordPress and shop notices are PHP scripts too; junk alone says nothing of a takeover."""
    msg = _script("PHPMailer 6.8.0 (https://github.com/PHPMailer/PHPMailer)")
    assert "compromised-account" not in _labels(msg)


def test_a_web_script_with_replies_to_a_free_mail_mailbox_is_a_sign() -> None:
    msg = _script("PHPMailer 6.8.0", "Reply-To: <claims.dept@yandex.com>")
    assert "compromised-account" in _labels(msg)


# -- a mail client at an Exchange server ---------------------------------------------------------

_EXCH_AR = "spf=none (sender IP is 203.0.113.35) smtp.helo=mx.corp.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=;"


def _exchange(*own: str) -> bytes:
    return _eop(
        _EXCH_AR,
        "mx.corp.example",
        "203.0.113.35",
        (),
        (
            "Subject: Re: About Charitable Goals",
            *own,
            "Message-ID: <8239@MX.CORP.LOCAL>",
            "Return-Path: <>",
            "X-Originating-IP: [192.0.2.41]",
            "X-ClientProxiedBy: MX.CORP.LOCAL (192.168.1.20) To MX.CORP.LOCAL (192.168.1.20)",
        ),
    )


def test_an_exchange_mailbox_used_from_elsewhere_with_replies_to_free_mail() -> None:
    d = diagnose(analyze(_exchange("From: Sara Example", "Reply-To: <sara.example@gmail.com>")))
    comp = d.get("compromised-account")
    # no From address: the organisation is known only from the name its server gave itself
    assert comp is not None and (comp.fact("party") or "").startswith("corp.example (by the name")
    assert any("X-Originating-IP: 192.0.2.41" in e for e in comp.evidence)


def test_an_ordinary_webmail_message_from_an_exchange_server_is_not_compromised() -> None:
    msg = _exchange("From: Sara Example <sara@corp.example>")
    assert "compromised-account" not in _labels(msg)


def test_a_free_mail_senders_webmail_with_a_free_mail_reply_to_is_not_compromised() -> None:
    msg = _exchange("From: Sara <sara@hotmail.com>", "Reply-To: <sara.example@gmail.com>")
    assert "compromised-account" not in _labels(msg)


# -- an authenticated submission on a mailing list -----------------------------------------------


def _list_post(client: str, reply_to: str | None) -> bytes:
    return _msg(
        "Received: from lists.project.example (lists.project.example [192.0.2.18]) by mail.archive.example (Postfix) with ESMTPS id 9DBED9F0AB6 for <a@archive.example>; Fri, 13 Dec 2024 12:18:08 +0100 (CET)",
        "Received: from out.inst.example (out.inst.example [198.51.100.33]) by lists.project.example (Postfix) with ESMTPS id B1C1F1B414B for <devel@lists.project.example>; Fri, 13 Dec 2024 11:18:00 +0000 (UTC)",
        f"Received: from {client} by out.inst.example (Postfix) with ESMTPSA id 396C9FBE3B9 for <devel@lists.project.example>; Fri, 13 Dec 2024 08:17:32 -0300 (-03)",
        *((f"Reply-To: {reply_to}",) if reply_to else ()),
        "From: <staff4711@inst.example>",
        "To: devel@lists.project.example",
        "Subject: I urge you to understand my viewpoint",
        "Date: 13 Dec 2024 12:17:30 +0800",
        "Message-ID: <20241213@inst.example>",
        "List-Id: <devel.lists.project.example>",
        "X-Mailing-List: devel@lists.project.example",
    )


def test_a_list_post_from_a_bot_named_as_the_bare_domain_with_replies_elsewhere() -> None:
    d = diagnose(
        analyze(_list_post("inst.example (unknown [203.0.113.191])", "someone@other-org.example"))
    )
    comp = d.get("compromised-account")
    assert comp is not None and comp.fact("party") == "inst.example"
    assert any("bare domain 'inst.example'" in e for e in comp.evidence)
    assert "mailing-list" in d.labels()


def test_a_developers_ordinary_list_post_is_not_compromised() -> None:
    for reply_to in (None, "devel@lists.project.example"):
        msg = _list_post("laptop.home.example (dyn-7.isp.example [203.0.113.7])", reply_to)
        assert "compromised-account" not in _labels(msg)


def test_a_list_post_with_only_one_weak_sign_is_not_compromised() -> None:
    """Replies to another organisation alone (a colleague's address) is not enough on a list."""
    msg = _list_post(
        "laptop.home.example (dyn-7.isp.example [203.0.113.7])", "boss@partner.example"
    )
    assert "compromised-account" not in _labels(msg)


def test_a_loopback_name_from_a_public_address_at_submission_is_a_sign() -> None:
    msg = _list_post("[127.0.0.1] (unknown [203.0.113.191])", "x@other-org.example")
    d = diagnose(analyze(msg))
    comp = d.get("compromised-account")
    assert comp is not None and any("loopback name" in e for e in comp.evidence)


# -- a sending service's account ------------------------------------------------------------------

_ESP_AR = "spf=pass (sender IP is 192.0.2.232) smtp.mailfrom=em1.bookfest.example; dkim=pass (signature was verified) header.d=bookfest.example;dmarc=pass action=none header.from=bookfest.example;compauth=pass reason=100"


def _esp(submission: str, dest: str = "J", reply_to: str | None = None) -> bytes:
    return _eop(
        _ESP_AR,
        "s.abc.outbound-mail.sendgrid.net",
        "192.0.2.232",
        (
            "Received: by recvd-85bd446bc4-gjsfk with SMTP id recvd-85bd446bc4-gjsfk-1-69C17342-E9 2026-03-23 17:07:14.714502614 +0000 UTC m=+1201919.464929622",
            submission,
        ),
        (
            "From: Parcel Service <n@bookfest.example>",
            "Subject: Delivery Update: Action required",
            *((f"Reply-To: {reply_to}",) if reply_to else ()),
        ),
        dest,
    )


_HANDED_SMTP = "Received: from orqnt-shop.example (unknown) by geopod-ismtpd-12 (SG) with ESMTP id 5rqLDOI-TrGT_OtwInIRcQ for <victim@example.net>; Mon, 23 Mar 2026 17:07:14.589 +0000 (UTC)"
_HANDED_API = "Received: from MTk3ODQ2NDg (unknown) by geopod-ismtpd-3 (SG) with HTTP id aBcDeF for <victim@example.net>; Mon, 23 Mar 2026 17:07:14.589 +0000 (UTC)"


def test_phish_through_a_real_organisations_sendgrid_account() -> None:
    d = diagnose(analyze(_esp(_HANDED_SMTP)))
    comp = d.get("compromised-account")
    assert comp is not None and comp.fact("party") == "bookfest.example"
    assert comp.fact("passed")  # the aligned pass that its own account earned
    assert "Authentication passed" in title(comp)
    assert "SendGrid" in (comp.fact("what") or "")
    assert "SendGrid's abuse desk" in fix(comp)


def test_an_esp_newsletter_in_the_inbox_or_sent_through_the_api_is_not_compromised() -> None:
    assert "compromised-account" not in _labels(_esp(_HANDED_SMTP, dest="I"))
    assert "compromised-account" not in _labels(_esp(_HANDED_API))
    assert "compromised-account" not in _labels(
        _esp(_HANDED_API, dest="I", reply_to="support@bookfest.example")
    )


_HANDED_APP = "Received: from smtp2a-ext.iad.codehost-infra.example (smtp2a-ext.iad.codehost-infra.example [192.0.2.16]) by ismtpd0004p1iad1.sendgrid.net (SG) with ESMTP id 0gfON7k9QR2bpF5RQDEgnQ for <victim@example.net>; Sun, 19 Mar 2017 06:39:28.869 +0000 (UTC)"


def test_an_application_server_handing_notifications_to_its_esp_is_not_compromised() -> None:
    """A service's own servers (GitHub's github.net hosts for github.com) submit under their
    host names: junked or not, that is no sign of a taken-over account."""
    assert "compromised-account" not in _labels(_esp(_HANDED_APP))


def test_no_finding_calls_legitimate_shapes_compromised() -> None:
    for msg in (_exchange("From: Sara Example <sara@corp.example>"), _esp(_HANDED_API, dest="I")):
        assert not any("compromised" in f.code for f in findings(analyze(msg)))


def test_a_gmail_user_with_reply_to_a_work_address_is_not_compromised() -> None:
    msg = _msg(
        "Received: from smtp.gmail.com (mail-ej1-f41.google.com [209.85.218.41]) by mx.example.net (Postfix) with ESMTPS id 4AB12 for <b@example.net>; Mon, 4 Mar 2024 10:00:03 +0000 (UTC)",
        "Received: from laptop.home ([203.0.113.5]) by smtp.gmail.com with ESMTPSA id a1sm123; Mon, 04 Mar 2024 02:00:01 -0800 (PST)",
        "From: Ann Example <ann.example@gmail.com>",
        "Reply-To: Ann Example <ann@work.example>",
        "To: b@example.net",
        "Subject: minutes",
        "Date: Mon, 4 Mar 2024 11:00:00 +0100",
        "X-Spam-Flag: YES",
    )
    assert "compromised-account" not in _labels(msg)


def test_a_phone_app_announcing_a_loopback_name_alone_is_not_compromised() -> None:
    """Some phone mail apps say EHLO [127.0.0.1] from wherever they are: one weak sign."""
    msg = _list_post("[127.0.0.1] (unknown [203.0.113.191])", None)
    assert "compromised-account" not in _labels(msg)


def _m365(ar: str, *own: str) -> bytes:
    """A Microsoft 365 tenant's signed-in user sends to a Postfix receiver that checked it."""
    return _msg(
        f"Authentication-Results: mx.example.net; {ar}",
        "Received: from NAM12-BN8-obe.outbound.protection.outlook.com (mail-bn8nam12on2100.outbound.protection.outlook.com [40.107.237.100]) by mx.example.net (Postfix) with ESMTPS id 4AB12 for <b@example.net>; Mon, 4 Mar 2024 10:00:03 +0000 (UTC)",
        "Received: from SA1PR01MB1.namprd01.prod.outlook.com (2603:10b6:806:1::1) by BN8PR01MB2.namprd01.prod.outlook.com (2603:10b6:408:2::2) with Microsoft SMTP Server id 15.20.7362.20; Mon, 4 Mar 2024 10:00:01 +0000",
        "From: Finance <ap@firm.example>",
        "To: b@example.net",
        "Subject: Invoice payment update",
        "Date: Mon, 4 Mar 2024 10:00:00 +0000",
        *own,
        "X-MS-Exchange-CrossTenant-AuthSource: SA1PR01MB1.namprd01.prod.outlook.com",
        "X-MS-Exchange-CrossTenant-AuthAs: Internal",
    )


_M365_PASS = "dkim=pass header.d=firm.example; spf=pass smtp.mailfrom=firm.example; dmarc=pass header.from=firm.example"


def test_a_signed_in_microsoft_365_user_with_replies_to_free_mail_is_a_sign() -> None:
    d = diagnose(analyze(_m365(_M365_PASS, "Reply-To: <ap.firm.example@gmail.com>")))
    comp = d.get("compromised-account")
    assert comp is not None and comp.fact("party") == "firm.example"
    assert any("AuthAs: Internal" in e for e in comp.evidence)
    assert comp.fact("passed")


def test_ordinary_microsoft_365_mail_or_an_unaligned_one_is_not_compromised() -> None:
    assert "compromised-account" not in _labels(_m365(_M365_PASS))
    unaligned = "dkim=pass header.d=other.onmicrosoft.com; spf=pass smtp.mailfrom=other.onmicrosoft.com; dmarc=none header.from=firm.example"
    assert "compromised-account" not in _labels(
        _m365(unaligned, "Reply-To: <ap.firm.example@gmail.com>")
    )


def test_a_reply_to_at_a_partner_organisation_alone_is_not_compromised() -> None:
    msg = _msg(
        "Received: from mail.corp.example (mail.corp.example [198.51.100.9]) by mx.example.net (Postfix) with ESMTPS id 4AB12; Mon, 4 Mar 2024 10:00:03 +0000 (UTC)",
        "Received: from laptop.corp.example (dyn-5.isp.example [203.0.113.5]) by mail.corp.example (Postfix) with ESMTPSA id 77; Mon, 4 Mar 2024 10:00:01 +0000 (UTC)",
        "From: Ann <ann@corp.example>",
        "Reply-To: projects@partner.example",
        "To: b@example.net",
        "Subject: joint project",
        "Date: Mon, 4 Mar 2024 10:00:00 +0000",
    )
    assert "compromised-account" not in _labels(msg)


def _webmail_post(reply_to: str | None) -> bytes:
    return _eop(
        "spf=pass (sender IP is 198.51.100.61) smtp.mailfrom=clinic.example; dkim=pass (signature was verified) header.d=clinic.example;dmarc=pass action=none header.from=clinic.example;compauth=pass reason=100",
        "mail.clinic.example",
        "198.51.100.61",
        (
            "Received: from www-data by mail.clinic.example with local (Exim 4.96) (envelope-from <reception@clinic.example>) id 1iZIU0-0006sM-23; Thu, 17 Aug 2023 17:50:14 +0000",
        ),
        (
            "Subject: Shared document",
            "X-PHP-Originating-Script: 0:main.inc",
            "From: Reception <reception@clinic.example>",
            "User-Agent: Roundcube Webmail/1.6.2",
            *((f"Reply-To: {reply_to}",) if reply_to else ()),
        ),
        dest="I",
    )


def test_a_webmail_mailbox_sending_with_replies_to_free_mail_is_the_mailbox_not_the_site() -> None:
    d = diagnose(analyze(_webmail_post("<docs.reception@gmail.com>")))
    comp = d.get("compromised-account")
    assert comp is not None and comp.fact("what") == "webmail mailbox"
    assert comp.fact("party") == "clinic.example" and comp.fact("passed")


def test_an_ordinary_webmail_message_is_not_compromised() -> None:
    assert "compromised-account" not in _labels(_webmail_post(None))


def test_a_hosters_site_sending_as_another_domain_gets_no_dns_fix_at_the_hoster() -> None:
    comp = diagnose(analyze(_script("Leaf PHPMailer 2.7 (leafmailer.pw)"))).get(
        "compromised-account"
    )
    assert comp is not None and comp.fact("claimed") == "shop.example"
    text = fix(comp)
    assert "Nothing to fix in hoster.example's DNS" in text
    assert "an enforcing DMARC policy at shop.example" in text


def test_a_junk_verdict_on_a_list_copy_is_no_sign_about_the_posters_account() -> None:
    """A list copy junked by the final receiver plus one weak sign is not enough."""
    msg = b"X-Spam-Flag: YES\r\n" + _list_post(
        "laptop.home.example (dyn-7.isp.example [203.0.113.7])", "boss@partner.example"
    )
    d = diagnose(analyze(msg))
    assert "junk" in d.labels()  # the archive's own filter junked the list copy
    assert "compromised-account" not in d.labels()
