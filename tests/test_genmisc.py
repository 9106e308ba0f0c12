"""Fixes addressed to the party that can act, taken-over account shapes, and an unauthenticated
From with no failure token; each rule with a synthetic message of a real shape (names and
addresses changed to documentation ones)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings_build import stamped_findings as findings
from headerlens.model import Finding, Severity
from tests.test_diagnosis import _msg

_EOP_HOP = (
    "Received: from {helo} ({ip}) by DB8EUR06FT045.mail.protection.outlook.com (10.233.252.146) "
    "with Microsoft SMTP Server id 15.20.6631.29 via Frontend Transport; "
    "Fri, 25 Aug 2023 08:54:09 +0000"
)


def _eop(ar: str, helo: str, ip: str, *rest: str, scl: int = 5, dest: str = "J") -> bytes:
    """A message as Outlook.com / EOP receives it from ``helo`` [``ip``]."""
    return _msg(
        "Received: from SA0PR19MB4368.namprd19.prod.outlook.com (::1) by MN0PR19MB6312.namprd19.prod.outlook.com with HTTPS; Fri, 25 Aug 2023 08:54:11 +0000",
        f"Authentication-Results: {ar}",
        _EOP_HOP.format(helo=helo, ip=ip),
        "X-IncomingTopHeaderMarker: OriginalChecksum:0;SizeAsReceived:900;Count:9",
        *rest,
        "To: victim@example.net",
        "Date: Fri, 25 Aug 2023 08:54:07 +0000",
        "X-MS-Exchange-Organization-MessageDirectionality: Incoming",
        "X-MS-Exchange-Organization-AuthAs: Anonymous",
        f"X-MS-Exchange-Organization-SCL: {scl}",
        f"X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:{dest};OFR:SpamFilterAuthJ;",
    )


def _said(found: tuple[Finding, ...]) -> str:
    return " ".join(f"{f.title} {f.fix}" for f in found)


def _fixes(found: tuple[Finding, ...]) -> str:
    return " ".join(f.fix for f in found)


# --- 1. stamped-verdict fixes go to the party that can act ---------------------------------

# phishing_pot sample-1167's shape: a throwaway envelope domain with no SPF, no signature, a
# look-alike From domain whose DMARC record is broken, replies to a free-mail mailbox.
THROWAWAY_PERMERROR = _eop(
    "spf=none (sender IP is 198.51.100.42) smtp.mailfrom=qzhdmfgrflmn.example; dkim=none (message not signed) header.d=none;dmarc=permerror action=none header.from=account-security.example;",
    "qzhdmfgrflmn.example",
    "198.51.100.42",
    'From: "Account team" <no-reply@account-security.example>',
    "Reply-To: account.team.helpdesk@gmail.com",
    "Subject: unusual sign-in activity",
    "Return-Path: bounce@qzhdmfgrflmn.example",
)


def test_permerror_on_a_throwaway_phish_is_a_spoof_with_no_dmarc_fix() -> None:
    a = analyze(THROWAWAY_PERMERROR)
    d = diagnose(a)
    assert "spoof" in d.labels()
    found = findings(a)
    perm = next(f for f in found if f.code == "stamped.dmarc-permerror")
    assert perm.fix == ""  # the spoof says what to do: nothing at the domain, block or report
    assert "could not be used" in perm.title and "could not be applied" in perm.title
    assert "Fix the DMARC record" not in _fixes(found)
    assert "Nothing to fix at account-security.example" in perm.detail
    spoof = next(f for f in found if f.code == "situation.spoof")
    assert "its record is unusable (dmarc=permerror)" in spoof.title


# An abused free service of a big provider (a Firebase-style project domain): SPF and DKIM pass
# for the service's own domain, the From domain's DMARC record is broken.
ABUSED_SERVICE_PERMERROR = _eop(
    "spf=pass (sender IP is 203.0.113.77) smtp.mailfrom=apps.example; dkim=pass (signature was verified) header.d=apps.example;dmarc=permerror action=none header.from=proj-41.apps.example;compauth=pass reason=109",
    "mail-sor-f77.apps.example",
    "203.0.113.77",
    'From: "Bank security" <noreply@proj-41.apps.example>',
    "Subject: verify your account",
    "Return-Path: bounces@apps.example",
)


def test_permerror_fix_is_the_domain_owners_and_never_the_recipients() -> None:
    found = findings(analyze(ABUSED_SERVICE_PERMERROR))
    perm = next(f for f in found if f.code == "stamped.dmarc-permerror")
    assert not perm.fix.startswith("Fix the")
    assert perm.fix.startswith("Nothing for the recipient to fix.")
    assert "proj-41.apps.example's DNS admin" in perm.fix
    assert "only if this is proj-41.apps.example's own mail" in perm.fix


# amd.com's shape on a list copy: the domain's own legitimate mail, SPF aligned, DMARC record
# broken: the fix is its DNS admin's, and it is still given.
OWN_MAIL_PERMERROR = _eop(
    "spf=pass (sender IP is 192.0.2.17) smtp.mailfrom=corp.example; dkim=none (message not signed) header.d=none;dmarc=permerror action=none header.from=corp.example;compauth=pass reason=109",
    "SATLEXMB04.corp.example",
    "192.0.2.17",
    "From: Engineer <engineer@corp.example>",
    "Subject: [PATCH] fix",
    "Return-Path: engineer@corp.example",
    scl=1,
    dest="I",
)


def test_permerror_on_the_domains_own_mail_keeps_the_owner_fix() -> None:
    a = analyze(OWN_MAIL_PERMERROR)
    assert "spoof" not in diagnose(a).labels()
    perm = next(f for f in findings(a) if f.code == "stamped.dmarc-permerror")
    assert "corp.example's DNS admin can fix the DMARC record" in perm.fix
    assert "headerlens check corp.example" in perm.fix


def _gmail(dkim: str, *sigs: str) -> bytes:
    return _msg(
        "Received: by 2002:a05:7000:1::1 with SMTP id x; Tue, 5 Mar 2024 10:00:02 -0800 (PST)",
        "Authentication-Results: mx.google.com;",
        f"       {dkim}",
        "       spf=pass (google.com: domain of dev@lab.example designates 192.0.2.28 as permitted sender) smtp.mailfrom=dev@lab.example",
        "Received: from mx.lab.example (mx.lab.example. [192.0.2.28]) by mx.google.com with ESMTPS id y for <reader@gmail.com>; Tue, 5 Mar 2024 10:00:01 -0800 (PST)",
        *sigs,
        "From: Dev <dev@lab.example>",
        "To: reader@gmail.com",
        "Subject: hello",
        "Date: Tue, 5 Mar 2024 19:00:00 +0100",
    )


def test_dkim_neutral_no_signature_is_no_key_problem() -> None:
    found = findings(analyze(_gmail("dkim=neutral (no signature);")))
    dk = next(f for f in found if f.code == "stamped.dkim-neutral")
    assert "no DKIM signature" in dk.title
    assert dk.fix == "" and dk.severity is Severity.INFO
    assert "selector's public key" not in _said(found)


_RSA_SIG = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=lab.example; s=lab2_rsa; h=from:to:subject:date; bh=AAAA; b=Oe+Td0k4RSA"
_ED_SIG = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=lab.example; s=lab2_ed25519; h=from:to:subject:date; bh=AAAA; b=ylT2uZtAED"


def test_gmail_neutral_for_an_ed25519_signature_next_to_an_rsa_pass() -> None:
    stamp = "dkim=pass header.i=@lab.example header.s=lab2_rsa header.b=Oe+Td0k4;\r\n       dkim=neutral (no key) header.i=@lab.example header.s=lab2_ed25519;"
    found = findings(analyze(_gmail(stamp, _RSA_SIG, _ED_SIG)))
    dk = next(f for f in found if f.code == "stamped.dkim-neutral")
    assert "Ed25519" in dk.title and "RFC 8463" in dk.title
    assert dk.severity is Severity.INFO
    assert "RSA signature passed" in dk.fix
    assert "publish" not in _fixes(found).lower()


def test_gmail_neutral_without_selector_is_read_from_the_signatures() -> None:
    # Gmail often names only header.i: the two signatures of the domain tell which one it was
    stamp = "dkim=pass header.i=@lab.example header.s=lab2_rsa header.b=Oe+Td0k4;\r\n       dkim=neutral (no key) header.i=@lab.example;"
    dk = next(
        f
        for f in findings(analyze(_gmail(stamp, _RSA_SIG, _ED_SIG)))
        if f.code == "stamped.dkim-neutral"
    )
    assert "Ed25519" in dk.title


def test_dkim_no_key_for_an_rsa_signature_goes_to_the_signers_dns_admin() -> None:
    stamp = "dkim=fail (no key for signature) header.i=@lab.example header.s=lab2_rsa;"
    dk = next(
        f for f in findings(analyze(_gmail(stamp, _RSA_SIG))) if f.code == "stamped.dkim-fail"
    )
    assert "Ed25519" not in dk.title
    assert "lab2_rsa._domainkey.lab.example" in dk.title
    assert (
        "lab.example's DNS admin" in dk.fix and "only if this is lab.example's own mail" in dk.fix
    )


def test_dkim_body_hash_is_for_whoever_changed_the_message() -> None:
    stamp = "dkim=neutral (body hash did not verify) header.i=@lab.example header.s=lab2_rsa;"
    dk = next(
        f for f in findings(analyze(_gmail(stamp, _RSA_SIG))) if f.code == "stamped.dkim-neutral"
    )
    assert "changed after lab.example signed it" in dk.title
    assert "Whoever changed the message" in dk.fix
    assert "selector's public key" not in dk.fix


# --- 3. an unauthenticated From with no failure token -------------------------------------


def _bare(helo: str, *below: str, mailfrom: str = "noreply.example") -> bytes:
    """A From domain that publishes no SPF, DKIM or DMARC, sent from a host of another domain:
    EOP stamps none for everything and no compauth failure."""
    return _eop(
        f"spf=none (sender IP is 198.51.100.9) smtp.mailfrom={mailfrom}; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=noreply.example;",
        helo,
        "198.51.100.9",
        *below,
        'From: "Mailbox admin" <alert@noreply.example>',
        "Subject: mailbox full",
        f"Return-Path: alert@{mailfrom}",
        scl=1,
        dest="I",
    )


def test_nothing_authenticated_and_nothing_failed_from_an_unrelated_host() -> None:
    a = analyze(_bare("vps-88.hoster.example"))
    d = diagnose(a)
    assert "spoof" not in d.labels()  # nothing the receiver wrote makes it a forgery
    assert d.headline.startswith("Unauthenticated From: nothing authenticated noreply.example")
    assert "cannot be told from a spoof of noreply.example" in d.headline
    assert "No particular situation" not in d.headline
    found = findings(a)
    bare = next(f for f in found if f.code == "unauthenticated.from")
    assert found[0] is bare  # the cause comes first
    assert "vps-88.hoster.example [198.51.100.9]" in bare.title
    assert "it publishes no SPF record" in bare.title
    assert "nothing for the recipient to fix" in bare.fix


def test_a_host_naming_itself_in_the_domain_gets_no_such_statement() -> None:
    d = diagnose(analyze(_bare("mail.noreply.example")))
    assert d.unauthenticated is None
    assert not d.headline.startswith("Unauthenticated From")


def test_a_server_of_the_domain_named_only_below_the_entry_is_a_claim() -> None:
    line = "Received: from exch01.noreply.example (10.1.1.5) by exch01.noreply.example (10.1.1.5) with Microsoft SMTP Server id 15.1.2; Fri, 25 Aug 2023 08:54:08 +0000"
    a = analyze(_bare("smtp-out-7.gateway.example", line))
    d = diagnose(a)
    assert d.unauthenticated is not None and d.unauthenticated.claimed == "exch01.noreply.example"
    assert "only the sender's own lines name exch01.noreply.example" in d.headline
    bare = next(f for f in findings(a) if f.code == "unauthenticated.from")
    assert "which nothing verified" in bare.title


def test_an_envelope_of_another_domain_stays_a_spoof() -> None:
    d = diagnose(analyze(_bare("vps-88.hoster.example", mailfrom="vps-88.hoster.example")))
    assert "spoof" in d.labels() and d.unauthenticated is None


# --- 2. taken-over or abused accounts that authenticate -----------------------------------

_INJECTED = "Received: from unknown (HELO User) ([203.0.113.24]) by esa01.corp.example with ESMTP; 25 Aug 2023 14:09:35 +0530"
_OWN_CLIENT = "Received: from laptop-17.corp.example ([10.20.1.17]) by esa01.corp.example with ESMTP; 25 Aug 2023 14:09:35 +0530"


def _relayed(dkim: str, below: str, *rest: str, dest: str = "I", scl: int = 1) -> bytes:
    """The organisation's own gateway (esa01.corp.example, DKIM-signing for corp.example)
    hands a message to Outlook.com; ``below`` is how the gateway got it."""
    return _eop(
        f"spf=none (sender IP is 192.0.2.239) smtp.mailfrom=corp.example; dkim={dkim} (signature was verified) header.d=corp.example;dmarc=bestguesspass action=none header.from=corp.example;compauth=pass reason=109",
        "mxgw4.corp.example",
        "192.0.2.239",
        below,
        "DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=corp.example; s=gw; h=from:subject:date; bh=AAAA; b=BBBB",
        'From: "Ms. Reem" <ynegifpt@corp.example>',
        "Subject: Re: Ms. Reem",
        "X-Mailer: Microsoft Outlook Express 6.00.2600.0000",
        "Return-Path: ynegifpt@corp.example",
        *rest,
        dest=dest,
        scl=scl,
    )


def test_an_organisations_gateway_relaying_a_user_helo_with_free_mail_replies() -> None:
    a = analyze(_relayed("pass", _INJECTED, "Reply-To: reem.private@yandex.com"))
    d = diagnose(a)
    comp = d.get("compromised-account")
    assert comp is not None and comp.fact("party") == "corp.example"
    assert "control" not in d.labels()
    assert any("announcing itself as 'User'" in e for e in comp.evidence)
    assert any("no authentication recorded" in e for e in comp.evidence)
    assert d.headline.startswith("Signs of a taken-over mail account or server at corp.example")
    assert "Authentication and the delivery path are in order" not in d.headline


def test_the_same_gateway_with_no_other_sign_or_its_own_client_is_not_compromised() -> None:
    assert diagnose(analyze(_relayed("pass", _INJECTED))).get("compromised-account") is None
    own = _relayed("pass", _OWN_CLIENT, "Reply-To: reem.private@yandex.com")
    assert diagnose(analyze(own)).get("compromised-account") is None


def test_lines_below_the_entry_alone_never_make_a_server_the_organisations() -> None:
    # nothing the receiver wrote ties the message to corp.example (no aligned pass, no
    # confirmed reverse DNS): the gateway line may be the sender's invention
    d = diagnose(analyze(_relayed("none", _INJECTED, "Reply-To: reem.private@yandex.com")))
    assert d.get("compromised-account") is None


def _via_esp(ar: str, *rest: str, dest: str = "I", scl: int = 1) -> bytes:
    return _eop(
        ar,
        "o1.ptr4121.mail.sendgrid.net",
        "192.0.2.232",
        "Received: from app-7.bookfest.example (unknown) by geopod-ismtpd-12 (SG) with HTTP id 5rqLDOI for <victim@example.net>; Fri, 25 Aug 2023 08:54:08.589 +0000 (UTC)",
        "Subject: Your account is on hold",
        *rest,
        dest=dest,
        scl=scl,
    )


_ESP_ALIGNED = "spf=pass (sender IP is 192.0.2.232) smtp.mailfrom=em.bookfest.example; dkim=pass (signature was verified) header.d=bookfest.example;dmarc=pass action=none header.from=bookfest.example;compauth=pass reason=100"


def test_an_esp_account_sending_another_brands_phish_is_not_control() -> None:
    d = diagnose(
        analyze(
            _via_esp(
                _ESP_ALIGNED,
                'From: "service@paypal.com" <billing@bookfest.example>',
                "Return-Path: bounces@em.bookfest.example",
            )
        )
    )
    comp = d.get("compromised-account")
    assert comp is not None and "control" not in d.labels()
    assert comp.fact("party") == "bookfest.example" and comp.fact("service") == "SendGrid"
    assert "abused or taken-over SendGrid account at bookfest.example" in d.headline


def test_an_esp_newsletter_with_a_free_mail_reply_to_in_the_inbox_is_not_compromised() -> None:
    d = diagnose(
        analyze(
            _via_esp(
                _ESP_ALIGNED,
                "From: Book Festival <news@bookfest.example>",
                "Reply-To: bookfest.volunteers@gmail.com",
                "Return-Path: bounces@em.bookfest.example",
            )
        )
    )
    assert d.get("compromised-account") is None and "control" in d.labels()


def test_phish_through_an_esp_with_only_its_own_identity_names_the_service() -> None:
    ar = "spf=pass (sender IP is 192.0.2.232) smtp.mailfrom=sendgrid.net; dkim=pass (signature was verified) header.d=sendgrid.net;dmarc=none action=none header.from=shop-notices.example;"
    d = diagnose(
        analyze(
            _via_esp(
                ar,
                "From: Shop <notice@shop-notices.example>",
                "Reply-To: shop.refunds.desk@gmail.com",
                "Return-Path: bounces@sendgrid.net",
                dest="J",
                scl=6,
            )
        )
    )
    comp = d.get("compromised-account")
    assert comp is not None and comp.fact("party") == "SendGrid"
    assert comp.fact("claimed") == "shop-notices.example"


def test_gmail_neutral_no_key_next_to_a_pass_on_a_copy_without_the_signatures() -> None:
    # archived copies often lose the author's DKIM-Signature fields: the pass next to it says
    # the domain signed twice and one signature verified
    stamp = "dkim=pass header.i=@lab.example header.s=lab2_rsa header.b=Oe+Td0k4;\r\n       dkim=neutral (no key) header.i=@lab.example;"
    found = findings(analyze(_gmail(stamp)))
    dk = next(f for f in found if f.code == "stamped.dkim-neutral")
    assert "second signature" in dk.title and "other signature passed" in dk.title
    assert dk.severity is Severity.INFO
    assert "DNS admin" not in dk.fix


def test_a_google_workspace_default_signature_is_the_domains_own_tenant() -> None:
    # phishing_pot sample-1051's shape: Workspace signs with d=<domain>.<date>.gappssmtp.com
    ar = "spf=none (sender IP is 209.85.160.41) smtp.mailfrom=school.example; dkim=pass (signature was verified) header.d=school-example.20221208.gappssmtp.com;dmarc=none action=none header.from=school.example;"
    msg = _eop(
        ar,
        "mail-oa1-f41.google.com",
        "209.85.160.41",
        "From: Support <help-01774@school.example>",
        "Subject: Action required",
        "Return-Path: help-01774@school.example",
        scl=1,
        dest="I",
    )
    line = diagnose(analyze(msg)).headline
    assert "its own Google Workspace" in line
    assert "such as a sending service's" not in line


def _submitted_by(helo: str, display: str, reply_to: str) -> bytes:
    """phishing_pot sample-1059's shape: an authenticated submission to the From domain's own
    Exim, then to Outlook.com, every verdict passing, Inbox."""
    return _eop(
        "spf=pass (sender IP is 192.0.2.225) smtp.mailfrom=parts.example; dkim=fail (signature did not verify) header.d=parts.example;dmarc=pass action=none header.from=parts.example;compauth=pass reason=100",
        "mx-01.parts.example",
        "192.0.2.225",
        f"Received: from [203.0.113.67] (helo={helo}) by mx-01.parts.example with esmtpsa (TLS1.2) (Exim 4.96) (envelope-from <c.kossi@parts.example>) id 1qSUXd-00036F-2z; Fri, 25 Aug 2023 10:54:05 +0200",
        f"From: {display} <c.kossi@parts.example>",
        f"Reply-To: {reply_to}",
        "Subject: INVITE: Gold [Airdrop]",
        "Return-Path: c.kossi@parts.example",
        scl=1,
        dest="I",
    )


def test_a_bare_foreign_address_helo_and_another_brand_as_the_name_are_signs() -> None:
    d = diagnose(analyze(_submitted_by("198.51.100.47", "Tether.to", "team@coinbrand.example")))
    comp = d.get("compromised-account")
    assert comp is not None and comp.fact("party") == "parts.example"
    assert any("bare address '198.51.100.47'" in e for e in comp.evidence)
    assert any("another domain (Tether.to)" in e for e in comp.evidence)
    found = findings(analyze(_submitted_by("198.51.100.47", "Tether.to", "team@coinbrand.example")))
    dk = next(f for f in found if f.code == "stamped.dkim-fail")
    assert dk.fix == "" and "real account or server" in dk.detail  # no DNS fix for a takeover


def test_one_of_those_signs_alone_is_not_a_takeover() -> None:
    plain = _submitted_by("pc17.home.example", "C. Kossi", "team@coinbrand.example")
    assert diagnose(analyze(plain)).get("compromised-account") is None
    named = _submitted_by("pc17.home.example", "Parts.example Sales", "sales@parts.example")
    assert diagnose(analyze(named)).get("compromised-account") is None


def test_a_helpdesk_services_customer_subdomain_proves_only_the_account() -> None:
    # phishing_pot sample-1060's shape: a wallet phish from <random>.zendesk.com, all passing
    ar = "spf=pass (sender IP is 192.0.2.15) smtp.mailfrom=pcqzrjf.zendesk.com; dkim=pass (signature was verified) header.d=zendesk.com;dmarc=pass action=none header.from=pcqzrjf.zendesk.com;compauth=pass reason=100"
    msg = _eop(
        ar,
        "outbyoip15.pod17.euw1.zdsys.com",
        "192.0.2.15",
        "From: Customer Care 2 <support@pcqzrjf.zendesk.com>",
        "Subject: Verify Your Wallet Now",
        "Return-Path: support@pcqzrjf.zendesk.com",
        scl=1,
        dest="I",
    )
    d = diagnose(analyze(msg))
    assert "account at Zendesk (pcqzrjf.zendesk.com), which anyone can open" in d.headline


def test_a_failed_signature_of_another_domain_says_nothing_of_the_from_domain() -> None:
    # phishing_pot sample-1062's shape: a stray DKIM signature of the sending host's domain
    msg = _bare("goodbuild.example").replace(
        b"dkim=none (message not signed) header.d=none",
        b"dkim=fail (no key for signature) header.d=goodbuild.example",
    )
    d = diagnose(analyze(msg))
    assert d.unauthenticated is not None
    assert "no check of it failed" in d.headline
    own = msg.replace(b"header.d=goodbuild.example", b"header.d=noreply.example")
    assert diagnose(analyze(own)).unauthenticated is None  # its own signature failed


def test_a_bulk_tools_computer_n_helo_at_a_foreign_accounts_submission() -> None:
    # SpamScope mail-parser fixture mail_test_11's shape: an account of another domain
    # authenticated at a hosting provider's relay from a client calling itself computer_NNNN
    msg = _msg(
        "Return-Path: <tax@agency.example>",
        "Delivered-To: kinney@example.net",
        "Received: from smtprelay0207.b.relay.example (HELO smtprelay.b.relay.example) (192.0.2.207) by smtp.example.net with SMTP; 22 Aug 2016 14:23:01 -0000",
        "Received: from computer_3436 (unknown [203.0.113.145]) (Authenticated sender: jd@smithfirm.example) by omf06.b.relay.example (Postfix) with ESMTPA for <kinney@example.net>; Mon, 22 Aug 2016 14:22:52 +0000 (UTC)",
        "From: Tax office <tax@agency.example>",
        "To: kinney@example.net",
        "Subject: letter",
        "Date: Mon, 22 Aug 2016 14:22:50 +0000",
    )
    comp = diagnose(analyze(msg)).get("compromised-account")
    assert comp is not None and comp.fact("party") == "smithfirm.example"
