"""Rules found by reading real mail received by Microsoft (EOP / Outlook.com / Exchange) and by
inbound gateways in front of mailboxes; each with a synthetic message of the real shape."""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings_build import stamped_findings as findings
from tests.test_diagnosis import _msg


def _relayed_001(*extra: str, reply_to: str | None = None) -> bytes:
    """An on-premises Exchange server of one organisation relays, through its own tenant, a
    message whose From is an unrelated domain without DMARC; the receiving tenant stamps
    compauth=fail reason=001 (nothing vouched for the From domain)."""
    return _msg(
        "Received: from DM6PR01MB1.namprd01.prod.outlook.com (::1) by DM6PR01MB2.namprd01.prod.outlook.com with HTTPS; Mon, 7 Nov 2022 09:45:36 +0000",
        *extra,
        "Authentication-Results: spf=pass (sender IP is 52.100.1.20) smtp.mailfrom=relayco.onmicrosoft.com; dkim=pass (signature was verified) header.d=relayco.onmicrosoft.com;dmarc=none action=none header.from=claimed.example;compauth=fail reason=001",
        "Received: from NAM10-obe.outbound.protection.outlook.com (52.100.1.20) by DB8EUR05FT001.mail.protection.outlook.com (10.233.1.1) with Microsoft SMTP Server id 15.20.5791.20 via Frontend Transport; Mon, 7 Nov 2022 09:45:28 +0000",
        "X-MS-Exchange-Authentication-Results: spf=none (sender IP is 198.51.100.61) smtp.mailfrom=claimed.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=claimed.example;",
        "Received: from mail.relayco.example (198.51.100.61) by BN8NAM11FT002.mail.protection.outlook.com (10.13.1.2) with Microsoft SMTP Server id 15.20.5791.20 via Frontend Transport; Mon, 7 Nov 2022 09:45:25 +0000",
        "Received: from EXCH01.relayco.example (10.0.2.49) by EXCH01.relayco.example (10.0.2.49) with Microsoft SMTP Server id 15.1.2242.12; Mon, 7 Nov 2022 03:45:22 -0600",
        "From: Someone <someone@claimed.example>",
        *((f"Reply-To: <{reply_to}>",) if reply_to else ()),
        "To: victim@example.net",
        "Subject: proposal",
        "Date: Mon, 7 Nov 2022 01:45:20 -0800",
        "Message-ID: <1@EXCH01.relayco.example>",
        "Return-Path: bounces+SRS=ab=3H@relayco.onmicrosoft.com",
        "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterAuthJ;",
    )


def test_compauth_001_with_reply_to_a_free_mail_mailbox_is_a_spoof() -> None:
    a = analyze(_relayed_001(reply_to="someone.claimed@yandex.com"))
    d = diagnose(a)
    spoof = d.get("spoof")
    assert spoof is not None and spoof.fact("domain") == "claimed.example"
    assert spoof.fact("policy") == "no-record"  # dmarc=none: no policy, not "policy none"
    assert any("compauth=fail reason=001" in e for e in spoof.evidence)
    fixes = [f.fix for f in findings(a)]
    assert not any("authorise it there" in f or "Fix SPF/DKIM/DMARC" in f for f in fixes)


def test_compauth_001_alone_is_not_called_a_spoof_and_the_fix_says_it_cannot_tell() -> None:
    """Microsoft gives 001 to legitimate third parties a domain never authorised too."""
    a = analyze(_relayed_001())
    assert "spoof" not in diagnose(a).labels()
    ca = next(f for f in findings(a) if f.code == "stamped.compauth-fail")
    assert ca.fix.startswith("Cannot tell from the headers whether claimed.example uses")
    assert "nothing to fix at claimed.example" in ca.fix


def test_compauth_001_with_microsofts_own_cat_spoof_is_a_spoof() -> None:
    report = "X-Forefront-Antispam-Report: CIP:52.100.1.20;CTRY:US;SCL:5;SFV:SPM;CAT:SPOOF;DIR:INB;"
    d = diagnose(analyze(_relayed_001(report)))
    spoof = d.get("spoof")
    assert spoof is not None
    assert any("CAT:SPOOF" in e for e in spoof.evidence)


def test_cat_spoof_in_a_copy_the_sender_wrote_does_not_count() -> None:
    """Exchange Online appends its own report at the bottom of the header block; an earlier
    copy among the sender's fields is the sender's text (the last copy is the receiver's)."""
    raw = _relayed_001().replace(
        b"From: Someone",
        b"X-Forefront-Antispam-Report: CIP:52.100.1.20;SCL:5;CAT:SPOOF;DIR:INB;\r\nFrom: Someone",
    )
    raw = raw.replace(
        b"\r\n\r\nbody",
        b"\r\nX-Forefront-Antispam-Report: CIP:52.100.1.20;SCL:1;SFV:NSPM;DIR:INB;\r\n\r\nbody",
    )
    assert "spoof" not in diagnose(analyze(raw)).labels()


def _behind_filter(
    handoff_client: str = "out12-34.antispamcloud.com (out12-34.antispamcloud.com [203.0.113.34])",
    entry_by: str = "mx301.antispamcloud.com",
    entry_with: str = "esmtps (TLSv1.3:TLS_AES_256_GCM_SHA384:256)",
    spf: str = "softfail (mx.mailbox.example: 203.0.113.34 is neither permitted nor denied by domain of bounce@shop.example)",
) -> bytes:
    """A mailbox host (Postfix) whose domain routes its MX through a filtering service: the
    service accepts from the sender, then hands the message to the mailbox host, which checks
    SPF again on the service's address."""
    return _msg(
        "Received: from mx.mailbox.example ([2001:db8::10]) by store.mailbox.example with LMTPS id x; Mon, 07 Oct 2024 20:59:30 +0200",
        f"Authentication-Results: mx.mailbox.example; dkim=pass header.d=shop.example header.s=s1; dmarc=pass header.from=shop.example; spf={spf} smtp.mailfrom=bounce@shop.example",
        f"Received: from {handoff_client} (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) by mx.mailbox.example (Postfix) with ESMTPS id AF39D5CA5 for <me@mailbox.example>; Mon, 07 Oct 2024 20:59:29 +0200 (CEST)",
        f"Received: from m1-2.sender-esp.example ([198.51.100.82]) by {entry_by} with {entry_with} (Exim 4.92) (envelope-from <bounce@shop.example>) id 1sxswz-00COfK-Qx for me@mailbox.example; Mon, 07 Oct 2024 20:59:28 +0200",
        "DKIM-Signature: v=1; a=rsa-sha256; d=shop.example; s=s1; h=from; bh=x; b=x",
        "Return-Path: <bounce@shop.example>",
        "From: Shop <news@shop.example>",
        "To: me@mailbox.example",
        "Subject: news",
        "Date: Mon, 07 Oct 2024 11:59:16 -0700",
    )


def test_the_recipients_inbound_filter_is_the_receiving_side() -> None:
    a = analyze(_behind_filter())
    b = a.chain.boundary
    assert b is not None and b.hop_number == 1 and b.ip == "198.51.100.82"
    assert "inbound filtering service" in b.reason
    spf = next(f for f in findings(a) if f.code == "stamped.spf-softfail")
    assert "203.0.113.34" in spf.title and "says nothing about the sender" in spf.title
    assert "Add the sending service" not in spf.fix


def test_a_filter_the_mailbox_host_did_not_confirm_stays_an_outside_relay() -> None:
    """Postfix writes 'unknown' when the client's reverse DNS does not confirm: the name is the
    client's claim, so the hop into the mailbox host stays the boundary."""
    a = analyze(
        _behind_filter(handoff_client="out12-34.antispamcloud.com (unknown [203.0.113.34])")
    )
    b = a.chain.boundary
    assert b is not None and b.hop_number == 2 and b.ip == "203.0.113.34"


def test_the_services_outbound_relay_for_a_sender_is_not_the_recipients_filter() -> None:
    """An authenticated submission, or an entry host that is not one of its MX hosts, is the
    service relaying for a sender (its outbound filtering), not filtering for the recipient."""
    for raw in (
        _behind_filter(entry_with="esmtpsa (TLSv1.3:TLS_AES_256_GCM_SHA384:256)"),
        _behind_filter(entry_by="smtp.antispamcloud.com"),
    ):
        b = analyze(raw).chain.boundary
        assert b is not None and b.hop_number == 2 and b.ip == "203.0.113.34"


def test_a_forged_filter_line_below_a_direct_connection_does_not_move_the_boundary() -> None:
    """The sender connects straight to the mailbox host and plants a line 'by' the service:
    the mailbox host's own line names the sender, not the service."""
    raw = _behind_filter(handoff_client="evil.example (evil.example [192.0.2.66])")
    b = analyze(raw).chain.boundary
    assert b is not None and b.hop_number == 2 and b.ip == "192.0.2.66"


def _cpanel_submission(account: str, from_addr: str) -> bytes:
    """A cPanel Exim server relays an authenticated submission into Exchange Online; the account
    that logged in is named by cPanel's own X-Get-Message-Sender-Via."""
    return _msg(
        "Received: from DB7PR05CA0042.eurprd05.prod.outlook.com (2603:10a6:10:2e::19) by MW6PR19MB8136.namprd19.prod.outlook.com with HTTPS; Thu, 27 Jul 2023 12:07:25 +0000",
        f"Authentication-Results: spf=none (sender IP is 192.0.2.127) smtp.mailfrom={from_addr.split('@')[1]}; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from={from_addr.split('@')[1]};compauth=fail reason=001",
        "Received: from host.shop.example (192.0.2.127) by DB8EUR06FT037.mail.protection.outlook.com (10.233.252.87) with Microsoft SMTP Server id 15.20.6631.29 via Frontend Transport; Thu, 27 Jul 2023 12:07:24 +0000",
        "Received: from [198.51.100.25] (port=42212 helo=[127.0.0.1]) by host.shop.example with esmtpsa (TLSv1:ECDHE-RSA-AES256-SHA:256) (Exim 4.91) (envelope-from <noreply@isp.example>) id 1qNQKH-0002JZ-JH; Thu, 27 Jul 2023 07:04:15 -0500",
        f"From: Mary <{from_addr}>",
        f"Return-Path: {from_addr}",
        "To: many@example.org",
        "Subject: crypto",
        "Date: Thu, 27 Jul 2023 12:04:11 +0000",
        f"X-Get-Message-Sender-Via: host.shop.example: authenticated_id: {account}",
        "X-MS-Exchange-Organization-SCL: 5",
        "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterAuthJ;",
    )


def test_an_account_of_another_domain_sending_in_the_from_domains_name_is_a_spoof() -> None:
    """The From domain's envelope was chosen by the client; the account that logged in is the
    shop's, so the shop's account was taken over and isp.example was spoofed."""
    d = diagnose(analyze(_cpanel_submission("info@shop.example", "noreply@isp.example")))
    spoof = d.get("spoof")
    assert spoof is not None and spoof.fact("domain") == "isp.example"
    comp = d.get("compromised-account")
    assert comp is not None
    assert any("info@shop.example" in e and "not one of isp.example" in e for e in comp.evidence)
    assert not any("is in the From domain" in e for e in comp.evidence)


def test_an_account_of_the_from_domain_itself_is_its_own_account_not_a_spoof() -> None:
    d = diagnose(analyze(_cpanel_submission("info@shop.example", "sales@shop.example")))
    assert "spoof" not in d.labels()


def _null_sender(helo: str, from_addr: str) -> bytes:
    return _msg(
        "Received: from DM5PR07CA0050.namprd07.prod.outlook.com (2603:10b6:4:ad::15) by LV2PR20MB4677.namprd20.prod.outlook.com with HTTPS; Mon, 30 Jun 2025 15:10:44 +0000",
        f"Authentication-Results: spf=none (sender IP is 192.0.2.177) smtp.helo={helo}; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from={from_addr.split('@')[1]};",
        f"Received: from {helo} (192.0.2.177) by DS1PEPF0001709C.mail.protection.outlook.com (10.167.18.106) with Microsoft SMTP Server id 15.20.8901.15 via Frontend Transport; Mon, 30 Jun 2025 15:10:43 +0000",
        "Date: Mon, 30 Jun 2025 15:07:44 +0000",
        f"From: Shop <{from_addr}>",
        "To: victim@example.org",
        "Subject: voucher",
        "Return-Path: <>",
        "X-MS-Exchange-Organization-SCL: 9",
    )


def test_a_null_sender_from_a_host_of_another_domain_is_a_spoof() -> None:
    """With MAIL FROM <> SPF checks only the HELO; nothing ties the message to the From domain
    and the sending host is another organisation's."""
    spoof = diagnose(analyze(_null_sender("bulk7.mailer.example", "noreply@shop"))).get("spoof")
    assert spoof is not None
    assert any("envelope sender is empty" in e for e in spoof.evidence)


def test_an_auto_reply_from_the_from_domains_own_host_is_not_a_spoof() -> None:
    d = diagnose(analyze(_null_sender("mail.shop.example", "away@shop.example")))
    assert "spoof" not in d.labels()


def test_a_service_the_sender_lists_in_its_spf_is_the_senders_outbound_relay() -> None:
    """Hosting providers relay their customers' outbound mail through the same service and MX
    hosts without SMTP AUTH; the mailbox host's SPF pass at the hand-off shows the sender
    authorised the service: it is the sender's relay, not the recipient's filter."""
    raw = _behind_filter(
        spf="pass (mx.mailbox.example: domain of bounce@shop.example designates 203.0.113.34 as permitted sender)"
    )
    b = analyze(raw).chain.boundary
    assert b is not None and b.hop_number == 2 and b.ip == "203.0.113.34"


def test_a_gap_after_an_x_received_before_the_chain_is_not_named_by_a_negative_stamp() -> None:
    """Google dates the message's creation in an X-Received below its outbound Received line;
    the gap is time inside Google before the chain, not 'between stamps -1 and 1'. (The first
    stamp is the sender's own host: its gap is a delay from 10 minutes.)"""
    raw = _msg(
        "Received: from DS3PEPF0000C37E.mail.protection.outlook.com (10.167.23.8) by CH0PR03CA0101.outlook.office365.com with Microsoft SMTP Server id 15.20.9611.15 via Frontend Transport; Sat, 14 Feb 2026 09:05:20 +0000",
        "Authentication-Results: spf=pass (sender IP is 209.85.160.72) smtp.mailfrom=app.example; dkim=pass header.d=app.example;dmarc=pass action=none header.from=app.example;compauth=pass reason=100",
        "Received: from mail-oa1-f72.google.com (209.85.160.72) by DS3PEPF0000C37E.mail.protection.outlook.com (10.167.23.8) with Microsoft SMTP Server id 15.20.9632.12 via Frontend Transport; Sat, 14 Feb 2026 09:05:19 +0000",
        "Received: by mail-oa1-f72.google.com with SMTP id 586e51a60fabf-40edeb2e7fdso11265588fac.3 for <me@example.org>; Sat, 14 Feb 2026 01:05:19 -0800 (PST)",
        "X-Received: by 2002:a05:6820:222a:b0:662:f997:843b with SMTP id 006d021491bc7-677666f6e33mr1978588eaf.8.1771059508602; Sat, 14 Feb 2026 00:52:28 -0800 (PST)",
        "From: App <noreply@app.example>",
        "To: me@example.org",
        "Subject: x",
        "Date: Sat, 14 Feb 2026 08:52:28 +0000",
    )
    delay = diagnose(analyze(raw)).get("delay")
    assert delay is not None
    assert "stamps -1" not in " ".join(delay.evidence)
    assert any("an X-Received stamp before the chain and stamp 1" in e for e in delay.evidence)


def _workspace(signer: str) -> bytes:
    return _msg(
        "Received: from DS2PEPF00003447.namprd04.prod.outlook.com (2603:10b6:610:1f0:cafe::12) by CH5PR05CA0017.outlook.office365.com with Microsoft SMTP Server id 15.20.9412.1 via Frontend Transport; Wed, 3 Dec 2025 21:43:00 +0000",
        f"Authentication-Results: spf=softfail (sender IP is 209.85.167.49) smtp.mailfrom=friends-museum.example; dkim=pass (signature was verified) header.d={signer};dmarc=fail action=none header.from=friends-museum.example;",
        "Received: from mail-lf1-f49.google.com (209.85.167.49) by DS2PEPF00003447.mail.protection.outlook.com (10.167.17.74) with Microsoft SMTP Server id 15.20.9388.8 via Frontend Transport; Wed, 3 Dec 2025 21:43:00 +0000",
        "Received: by mail-lf1-f49.google.com with SMTP id 2adb3069b0e04 for <me@example.org>; Wed, 03 Dec 2025 13:43:00 -0800 (PST)",
        "From: brian@friends-museum.example",
        "Return-Path: brian@friends-museum.example",
        "To: me@example.org",
        "Subject: bonus",
        "Date: Wed, 3 Dec 2025 13:42:59 -0800",
        "X-MS-Exchange-Organization-SCL: 5",
    )


def test_googles_default_workspace_signature_for_the_from_domain_is_its_own_tenant() -> None:
    """d=<domain-with-dashes>.<date>.gappssmtp.com is Google's signature for that customer's own
    domain only: its own Workspace account sent the message (SPF/DKIM not set up), no spoof."""
    a = analyze(_workspace("friends-museum-example.20230601.gappssmtp.com"))
    assert "spoof" not in diagnose(a).labels()
    fixes = " ".join(f.fix for f in findings(a))
    assert "Nothing to fix at friends-museum.example" not in fixes


def test_a_workspace_signature_of_another_tenant_does_not_clear_a_spoof() -> None:
    d = diagnose(analyze(_workspace("attacker-example.20230601.gappssmtp.com")))
    assert "spoof" in d.labels()


def test_a_zone_label_gap_after_an_x_received_is_not_named_by_a_negative_stamp() -> None:
    raw = _msg(
        "Received: from mx.example.org (mx.example.org [192.0.2.1]) by store.example.org with LMTP id 1; Mon, 1 May 2023 10:00:09 +0000",
        "Received: from mail-ua1-f72.google.com (mail-ua1-f72.google.com [209.85.222.72]) by mx.example.org (Postfix) with ESMTPS id 2; Mon, 1 May 2023 10:00:08 +0000",
        "Received: by mail-ua1-f72.google.com with SMTP id a1 for <me@example.org>; Mon, 1 May 2023 10:00:07 +0000",
        "X-Received: by 2002:a05:6102:2910:b0:5f1 with SMTP id ada2fe7eead31; Mon, 1 May 2023 10:00:05 -0800 (PST)",
        "From: App <noreply@app.example>",
        "To: me@example.org",
        "Subject: x",
        "Date: Mon, 1 May 2023 10:00:04 +0000",
    )
    d = diagnose(analyze(raw))
    tz = d.get("tz-artefact")
    assert tz is not None
    assert not any("stamps -1" in e or "stamps 0" in e for e in tz.evidence)


def _safe_sender_junk(scl: str, auth: str) -> bytes:
    return _msg(
        "Received: from DB1PEPF000509F3.eurprd02.prod.outlook.com (2603:10a6:10:2b1:cafe::14) by DU2PR04CA0240.outlook.office365.com with Microsoft SMTP Server id 15.20.8511.19 via Frontend Transport; Sat, 8 Mar 2025 18:23:32 +0000",
        f"Authentication-Results: {auth}",
        "Received: from vm1.bulk.example (192.0.2.224) by DB1PEPF000509F3.mail.protection.outlook.com (10.167.242.149) with Microsoft SMTP Server id 15.20.8511.15 via Frontend Transport; Sat, 8 Mar 2025 18:23:32 +0000",
        "From: Giveaway <info@bulk.example>",
        "Return-Path: info@bulk.example",
        "To: me@example.org",
        "Subject: giveaway",
        "Date: Sat, 8 Mar 2025 18:23:30 +0000",
        f"X-MS-Exchange-Organization-SCL: {scl}",
        "X-Microsoft-Antispam-Mailbox-Delivery: wl:1;pcwl:1;ucf:0;jmr:0;ex:0;auth:1;dest:J;OFR:SpamFilterAuthJ;RF:JunkEmail;",
    )


@pytest.mark.parametrize(
    ("scl", "auth", "said"),
    [
        (
            "9",
            "spf=pass (sender IP is 192.0.2.224) smtp.mailfrom=bulk.example; dmarc=permerror action=none header.from=bulk.example;compauth=pass reason=111",
            "high-confidence spam (SCL 9)",
        ),
        (
            "5",
            "spf=none (sender IP is 192.0.2.224) smtp.mailfrom=bulk.example; dmarc=fail action=oreject header.from=bank.example;compauth=fail reason=000",
            "DMARC failed under the From domain's enforcing policy (action=oreject)",
        ),
    ],
)
def test_a_safe_senders_match_that_microsoft_did_not_honour_is_explained(
    scl: str, auth: str, said: str
) -> None:
    """wl:1 / pcwl:1 next to dest:J: the list matched, but SCL 9 or an enforced DMARC failure
    outranks Safe Senders; the finding names which."""
    f = next(
        f
        for f in findings(analyze(_safe_sender_junk(scl, auth)))
        if f.code == "allowlist.not-honoured"
    )
    assert "wl:1" in f.title and said in f.title


def test_safe_senders_flags_written_by_the_sender_are_not_the_recipients() -> None:
    """The same field among the sender's own (above Exchange's appended run) proves nothing."""
    raw = _safe_sender_junk("9", "spf=pass (sender IP is 192.0.2.224) smtp.mailfrom=bulk.example")
    raw = raw.replace(
        b"X-Microsoft-Antispam-Mailbox-Delivery: wl:1;pcwl:1;",
        b"X-Microsoft-Antispam-Mailbox-Delivery: wl:0;pcwl:0;",
    ).replace(
        b"From: Giveaway",
        b"X-Microsoft-Antispam-Mailbox-Delivery: wl:1;pcwl:1;dest:J;\r\nFrom: Giveaway",
    )
    assert not any(f.code == "allowlist.not-honoured" for f in findings(analyze(raw)))


def test_an_auto_reply_from_a_hosters_server_is_not_a_null_sender_spoof() -> None:
    """A hosted domain's out-of-office reply leaves from its hoster's server with MAIL FROM <>
    and says what it is (Auto-Submitted, RFC 3834)."""
    raw = _null_sender("server123.hoster.example", "away@small-firm.example").replace(
        b"Subject: voucher", b"Subject: Out of office\r\nAuto-Submitted: auto-replied"
    )
    assert "spoof" not in diagnose(analyze(raw)).labels()


def test_an_account_of_a_sister_domain_on_clean_mail_is_not_called_a_spoof() -> None:
    """Without any sign the receiver rejected it (compauth, SCL, a free-mail Reply-To), a
    colleague's account sending for a sister domain is left alone."""
    raw = (
        _cpanel_submission("info@shop.example", "noreply@isp.example")
        .replace(b"compauth=fail reason=001", b"compauth=pass reason=109")
        .replace(b"X-MS-Exchange-Organization-SCL: 5", b"X-MS-Exchange-Organization-SCL: 1")
    )
    assert "spoof" not in diagnose(analyze(raw)).labels()
