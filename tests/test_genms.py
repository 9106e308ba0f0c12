"""Phishing received by Microsoft (issue 11): spoofs only another organisation's identity
passed for, abused relay accounts. Synthetic messages of each real shape (documentation
addresses and example domains)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from tests.test_genmisc import _eop

# --- 1. only another organisation's own identity passed; compauth judged the From domain ------


def _unaligned(compauth: str, *, scl: int = 9, envelope: str = "return@crossword.example") -> bytes:
    """phishing_pot sample-1243's shape: the sender's own server passes SPF for its own
    envelope domain, nothing signs, the From domain publishes no DMARC."""
    dom = envelope.rpartition("@")[2]
    return _eop(
        f"spf=pass (sender IP is 198.51.100.14) smtp.mailfrom={dom}; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=club.example;{compauth}",
        dom,
        "198.51.100.14",
        "From: Prize draw, jehd <service@club.example>",
        "Subject: win a voucher",
        f"Return-Path: {envelope}",
        scl=scl,
    )


def test_a_compauth_fail_for_a_from_domain_only_another_domain_passed_for_is_a_spoof() -> None:
    d = diagnose(analyze(_unaligned("compauth=fail reason=001")))
    assert "spoof" in d.labels() and "junk" in d.labels()
    assert d.headline.startswith("A spoof of club.example: only crossword.example passed")
    assert "compauth=fail reason 001" in d.headline
    assert "Nothing authenticated club.example itself" not in d.headline
    spoof = next(s for s in d.situations if s.label == "spoof")
    assert any("crossword.example passed, for itself" in e for e in spoof.evidence)


def test_an_implicit_compauth_pass_on_junk_is_no_authentication_of_the_from_domain() -> None:
    # sample-1215's shape: compauth=pass reason=105 with nothing aligned, SCL 9 → Junk
    d = diagnose(analyze(_unaligned("compauth=pass reason=105")))
    assert "spoof" in d.labels()
    assert "Authentication passed" not in d.headline
    assert "compauth=pass reason 105 rests on its own implicit signals" in d.headline


def test_an_implicit_compauth_pass_the_filter_did_not_junk_is_no_spoof() -> None:
    # guard: Microsoft vouched and its filter agreed: nothing says the From domain was forged
    d = diagnose(analyze(_unaligned("compauth=pass reason=105", scl=1)))
    assert "spoof" not in d.labels()


def test_a_ptr_or_arc_compauth_pass_is_no_spoof_sign() -> None:
    for reason in ("111", "130"):
        assert (
            "spoof" not in diagnose(analyze(_unaligned(f"compauth=pass reason={reason}"))).labels()
        )


def test_a_sending_service_or_a_rewritten_envelope_keeps_the_hedge() -> None:
    # guards: a legitimate domain sends through an ESP's own identity, and a hoster or a
    # forwarder rewrites the envelope with SRS: compauth=fail 001 does not tell them apart
    esp = _unaligned("compauth=fail reason=001", envelope="bounces+123@em1.sendgrid.net")
    srs = _unaligned(
        "compauth=fail reason=001", envelope="SRS0=Bh0+=G2=club.example=jiri@mailhost.example"
    )
    for raw in (esp, srs):
        assert "spoof" not in diagnose(analyze(raw)).labels()


# --- 2. a shared relay's customer account used from a cloud server ----------------------------


def _relay(
    client: str = "fra.vm7q2.parx.internal.cloudapp.net (unknown [203.0.113.134])",
    dkim: str = "dkim=pass (signature was verified) header.d=shared.relayhost.example",
    dmarc: str = "dmarc=fail action=none header.from=wallet.example",
) -> bytes:
    """The Wallet_3 shape: ESMTPSA into a hoster's shared relay from a cloud VM, the relay signs
    with its own domain, the From domain publishes p=none, Outlook.com delivers it."""
    return _eop(
        f"spf=neutral (sender IP is 198.51.100.15) smtp.mailfrom=wallet.example; {dkim};{dmarc};",
        "smtpshared-02.relayhost.example",
        "198.51.100.15",
        "Received: by smtpshared-02.smtp.relayhost.prv (Postfix, from userid 490) id 8B1424025877; Fri, 25 Aug 2023 05:54:08 -0300 (-03)",
        f"Received: from {client} by smtpshared-02.smtp.relayhost.prv (Postfix) with ESMTPSA id 0DBA24028923 for <victim@example.net>; Fri, 25 Aug 2023 05:54:07 -0300 (-03)",
        "From: Trust <hello@wallet.example>",
        "Subject: Wallet",
        "Return-Path: hello@wallet.example",
        scl=1,
        dest="I",
    )


def test_a_relay_account_used_from_a_cloud_server_is_named_beside_the_spoof() -> None:
    d = diagnose(analyze(_relay()))
    assert "spoof" in d.labels() and "compromised-account" in d.labels()
    comp = next(s for s in d.situations if s.label == "compromised-account")
    assert comp.fact("party") == "relayhost.example" and comp.hop_number == 1
    assert any(
        "the relay's own line (hop 1) says" in e and "Microsoft Azure" in e for e in comp.evidence
    )
    assert any("could forge" in e for e in comp.evidence)  # a weak sign, said so
    assert d.headline.startswith("A spoof of wallet.example")
    assert "relay account at relayhost.example" in d.headline


def test_a_home_line_is_a_sign_too() -> None:
    home = "[192.168.1.20] (203-0-113-45.dsl.isp.example [203.0.113.45])"
    assert "compromised-account" in diagnose(analyze(_relay(client=home))).labels()


def test_an_office_client_or_an_untied_relay_is_no_sign() -> None:
    # guards: a named office host submitting is what customers do; and without the receiver's
    # verified signature of the relay, every line below the entry is the sender's own text
    office = "mail.shop.example (mail.shop.example [198.51.100.80])"
    untied = _relay(dkim="dkim=none (message not signed) header.d=none")
    for raw in (_relay(client=office), untied):
        assert "compromised-account" not in diagnose(analyze(raw)).labels()


def test_the_relay_customer_domain_sending_for_itself_is_no_sign() -> None:
    # guard: an aligned pass (the customer's own domain, signed by the relay for it)
    raw = _relay(
        dkim="dkim=pass (signature was verified) header.d=wallet.example",
        dmarc="dmarc=pass action=none header.from=wallet.example",
    )
    assert "compromised-account" not in diagnose(analyze(raw)).labels()


# --- 3. sending services that spread their servers over numbered sibling domains -------------


def test_an_activecampaign_stream_showing_a_wallet_brand_is_an_abused_account() -> None:
    # sample-2454's shape: a business's ActiveCampaign account (its own DKIM, aligned), the
    # From name a hardware-wallet brand, junked by the filter before an allow-list let it in
    ar = "spf=pass (sender IP is 192.0.2.110) smtp.mailfrom=d12.csa.acemsa1.com; dkim=pass (signature was verified) header.d=tradeshop.example;dmarc=pass action=none header.from=tradeshop.example;compauth=pass reason=100"
    raw = _eop(
        ar,
        "d44.csa.acemsb4.com",
        "192.0.2.110",
        "Received: by d39.asa.acemsa4.com id hip6tu365bk0 for <victim@example.net>; Fri, 25 Aug 2023 08:54:08 +0000",
        'From: "Ledger" <sales@tradeshop.example>',
        "Subject: Ledger Data Breach",
        "Return-Path: bounce-843804-5372@d12.csa.acemsa1.com",
        scl=5,
        dest="I",
    ).replace(b"ucf:0;jmr:0;auth:0;dest:I;", b"wl:1;pcwl:1;ucf:0;jmr:0;auth:0;dest:I;")
    d = diagnose(analyze(raw))
    comp = d.get("compromised-account")
    assert comp is not None and comp.fact("service") == "ActiveCampaign"
    assert comp.fact("party") == "tradeshop.example"
    assert "allowlist-override" in d.labels()


# --- 4. an address whose only "@" is inside its quoted local part ------------------------------


def test_a_quoted_local_part_alone_names_no_author_domain() -> None:
    # sample-6610's shape: From: "Gift card "<"noreply@shop.example"> — Exchange Online wrote an
    # empty header.from; the old reading made the domain 'shop.example"' and said nothing
    raw = _eop(
        "spf=pass (sender IP is 198.51.100.181) smtp.mailfrom=insulation.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=;",
        "i-agree.example",
        "198.51.100.181",
        'From: "Gift card "<"noreply@shop.example">',
        "Subject: (1) a gift is waiting for you",
        "Return-Path: info@insulation.example",
        scl=9,
    )
    a = analyze(raw)
    assert a.from_addr is not None and a.from_addr.domain is None
    d = diagnose(a)
    assert d.headline.startswith("Unauthenticated From: the From field names no usable address")
    assert "No authentication failure" not in d.headline
    # guard: a quoted local part followed by a domain keeps that domain
    ok = _eop(
        "spf=pass (sender IP is 198.51.100.181) smtp.mailfrom=shop.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=shop.example;",
        "mail.shop.example",
        "198.51.100.181",
        'From: "Shop" <"no reply"@shop.example>',
        "Return-Path: info@shop.example",
    )
    assert analyze(ok).from_addr.domain == "shop.example"  # type: ignore[union-attr]


# --- 5. a forward by a Microsoft 365 tenant is named by the tenant --------------------------


def test_a_tenant_forward_names_the_tenant_not_onmicrosoft_com() -> None:
    # sample-1512's shape: a free-mail message forwarded by a throwaway tenant with SRS
    ar = "spf=pass (sender IP is 192.0.2.61) smtp.mailfrom=fwd7.onmicrosoft.com; dkim=pass (signature was verified) header.d=fwd7.onmicrosoft.com;dmarc=pass action=none header.from=mail.example;compauth=pass reason=100"
    raw = _eop(
        ar,
        "NAM12-DM6-obe.outbound.protection.outlook.com",
        "192.0.2.61",
        "Authentication-Results-Original: spf=pass (sender IP is 198.51.100.12) smtp.mailfrom=mail.example; dkim=pass (signature was verified) header.d=mail.example;dmarc=pass action=none header.from=mail.example;",
        "From: KETO <seller@mail.example>",
        "Return-Path: hoto2+SRS=VZ/mL=FT=mail.example=seller@fwd7.onmicrosoft.com",
        scl=1,
        dest="I",
    )
    fwd = diagnose(analyze(raw)).get("forward-srs")
    assert fwd is not None and fwd.fact("forwarder") == "Microsoft 365 (fwd7.onmicrosoft.com)"


def test_a_white_labelled_sending_service_keeps_the_hedge() -> None:
    # guard (sample-4212's shape): SendGrid's servers under the customer's own name, its own
    # "(SG)" line below the entry: an agency's account may send for a client's domain
    ar = "spf=none (sender IP is 192.0.2.76) smtp.mailfrom=email.agency.example; dkim=pass (signature was verified) header.d=agency.example;dmarc=none action=none header.from=client.example;compauth=fail reason=001"
    raw = _eop(
        ar,
        "o6.ptr7424.email.agency.example",
        "192.0.2.76",
        "Received: from client.example (unknown) by geopod-ismtpd-3 (SG) with ESMTP id elZkRGQrQduwfaUfpLGROg for <victim@example.net>; Fri, 25 Aug 2023 08:54:08.040 +0000 (UTC)",
        "From: Client <noreply@client.example>",
        "Return-Path: bounces+210763-08ae@email.agency.example",
    )
    d = diagnose(analyze(raw))
    assert "spoof" not in d.labels()
    assert d.headline.startswith("Nothing authenticated client.example itself")


# --- 6. a spoof shown under a brand's name -----------------------------------------------------


def test_a_spoof_under_a_brand_name_says_whom_it_poses_as() -> None:
    # sample-1103's shape: "Microsoft account team" from a look-alike domain, compauth 001 (a
    # generated name such as sample-1612's is the sender's own throwaway: test_gen8b)
    raw = _eop(
        "spf=none (sender IP is 198.51.100.90) smtp.mailfrom=kasrtu.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=access-security.example;compauth=fail reason=001",
        "kasrtu.example",
        "198.51.100.90",
        "From: Microsoft account team ,_<no-reply@access-security.example>",
        "Reply-To: assistant.support@gmail.com",
        "Subject: Microsoft account unusual signin activity",
        "Return-Path: bounce@kasrtu.example",
    )
    d = diagnose(analyze(raw))
    assert "spoof" in d.labels()
    assert d.headline.startswith(
        "A spoof of access-security.example posing as Microsoft (its From name; Microsoft's own domain is microsoft.com)"
    )


# --- 7. an on-premises Exchange mailbox used from outside for a mass mailing --------------------


def _exchange_mailbox(subject: str, bcc_only: bool) -> bytes:
    """sample-3272's shape: the hotel's administrator mailbox submits through its own Exchange
    (X-Originating-IP of the client), the domain's SPF passes aligned, Outlook.com junks it."""
    return _eop(
        "spf=pass (sender IP is 192.0.2.173) smtp.mailfrom=hotel.example; dkim=fail (signature did not verify) header.d=hotel.example;dmarc=pass action=none header.from=hotel.example;compauth=pass reason=100",
        "mx.hotel.example",
        "192.0.2.173",
        "Received: from Exchange16.hotel.local ([fe80::4947:97bf:77e:6ed0]) by Exchange16.hotel.local ([fe80::4947:97bf:77e:6ed0%2]) with mapi id 15.01.2375.034; Fri, 25 Aug 2023 08:54:05 +0000",
        "x-originating-ip: [203.0.113.131]",
        'From: "administrator@hotel.example (Administrator)" <administrator@hotel.example>',
        f"Subject: {subject}",
        # the helper adds "To: victim@example.net" after these; the first To is the one read
        *(["To: Undisclosed recipients:;"] if bcc_only else []),
        "Return-Path: administrator@hotel.example",
    )


def test_a_fake_reply_mass_mailed_from_an_exchange_mailbox_is_probably_taken_over() -> None:
    d = diagnose(analyze(_exchange_mailbox("RE", bcc_only=True)))
    comp = d.get("compromised-account")
    assert comp is not None and comp.fact("party") == "hotel.example"
    assert any("poses as a reply" in e for e in comp.evidence)
    assert any("names no recipient" in e for e in comp.evidence)


def test_an_exchange_mailbox_reply_to_named_people_is_no_takeover() -> None:
    # guard: two weak signs are not enough without a mailbox the server names
    d = diagnose(analyze(_exchange_mailbox("RE", bcc_only=False)))
    assert d.get("compromised-account") is None


# --- 8. a webmail's own line for a signed-in user ----------------------------------------------


def test_a_squirrelmail_user_sending_a_419_with_free_mail_replies_is_a_taken_over_account() -> None:
    # sample-5216's shape: the lab's SquirrelMail names the signed-in user, the domain publishes
    # nothing (compauth=fail 001), replies go to a free-mail mailbox: not a spoof of the domain
    raw = _eop(
        "spf=none (sender IP is 192.0.2.144) smtp.mailfrom=lab.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=lab.example;compauth=fail reason=001",
        "relay.univ.example",
        "192.0.2.144",
        "Received: by mailhost.lab.example (Postfix, from userid 48) id 900B62A2001; Fri, 25 Aug 2023 10:54:06 +0200 (CEST)",
        "Received: from 203.0.113.221 (SquirrelMail authenticated user ek) by webmail.lab.example with HTTP; Fri, 25 Aug 2023 10:54:05 +0200",
        'From: "Aldi Albrechts" <chevreau@lab.example>',
        "Reply-To: aldi-albrecht@hotmail.com",
        "User-Agent: SquirrelMail/1.4.22",
        "Subject: donation",
        "Return-Path: chevreau@lab.example",
    )
    d = diagnose(analyze(raw))
    assert "compromised-account" in d.labels() and "spoof" not in d.labels()
    comp = d.get("compromised-account")
    assert comp is not None and comp.hop_number == 1
