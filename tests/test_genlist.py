"""Mailing-list mail read offline (issue 11): a list delivery that the final receiver's own
Received line and envelope sender show is a list delivery with the author's DMARC unknown, not
"Possibly a spoof"; a body hash broken by a named list's footer is no spoof evidence by itself;
the recipient is the mailbox the receiver delivered to, not To/Cc. Synthetic messages of the
real shapes (vger, Google Groups, groups.io, Mailman), names and addresses changed where the
rule does not depend on them; red-team cases keep the spoof wording for a planted List-Id."""

from __future__ import annotations

import asyncio

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.facts import Diagnosis
from headerlens.diagnosis.wording import fix, title
from headerlens.dnsclient.resolver import OfflineResolver
from headerlens.evaluators.verify import verify
from headerlens.model.verification import VerifyMode

# A body hash that cannot match the body below: the list's footer changed it after signing.
_BAD_BH = "AAAAQL1SBLmLKfwKz7mHLmL+Sb+6KNWMX9rxoFDdEEM="


def _post(
    entry: str,
    return_path: str,
    list_id: str,
    *,
    author: str = "Ann Author <ann@corp.example>",
    to: str = "dev@lists.example.org",
    extra: tuple[str, ...] = (),
    top: tuple[str, ...] = ("X-Original-To: me@example.net", "Delivered-To: me@example.net"),
) -> bytes:
    """A list post as the archive mailbox me@example.net (Postfix at mail.example.net) got it;
    ``entry`` is the receiver's Received line naming the client."""
    lines = [
        f"Return-Path: <{return_path}>",
        *top,
        entry,
        "\tby mail.example.net (Postfix) with ESMTPS id 4A1B2C3D4E",
        "\tfor <me@example.net>; Fri, 01 Nov 2024 14:47:00 +0100 (CET)",
        *extra,
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=corp.example; s=s1;",
        f" h=from:subject:date:message-id; bh={_BAD_BH};",
        " b=dGVzdHNpZ25hdHVyZXRlc3RzaWduYXR1cmV0ZXN0c2lnbmF0dXJl",
        f"From: {author}",
        f"To: {to}",
        "Subject: [Dev] patch",
        "Date: Fri, 01 Nov 2024 13:46:33 +0000",
        "Message-ID: <1@corp.example>",
        f"List-Id: <{list_id}>",
        "Precedence: bulk",
        f"X-Mailing-List: {list_id.split('.', 1)[0]}@{list_id.split('.', 1)[1]}",
    ]
    return ("\r\n".join(lines) + "\r\n\r\nthe post\r\n-- \r\nthe list's footer\r\n").encode()


def _offline(raw: bytes) -> Diagnosis:
    a = analyze(raw, source_name="post.eml")
    v = asyncio.run(verify(a, OfflineResolver(), mode=VerifyMode.OFFLINE))
    return diagnose(a, v)


_VGER = "Received: from out1.vger.email (out1.vger.email [192.0.2.20])"


def test_a_vger_post_handed_over_by_vgers_outbound_is_a_list_delivery() -> None:
    """vger.kernel.org's lists leave through out1.vger.email (another registrable domain): the
    receiver confirmed that name and wrote the list's -owner envelope, so it is a list delivery
    whose author DMARC is unknown offline, not a possible spoof of the author."""
    d = _offline(_post(_VGER, "linux-foo-owner@vger.kernel.org", "linux-foo.vger.kernel.org"))
    assert d.get("spoof") is None
    lst = d.get("mailing-list")
    assert lst is not None and lst.fact("delivered") == "out1.vger.email [192.0.2.20]"
    assert d.headline.startswith("A message from the list linux-foo.vger.kernel.org, handed over")
    assert "DMARC for corp.example is unknown (offline" in d.headline
    assert "list's to fix" in d.headline and "Possibly a spoof" not in d.headline
    assert "Nothing to fix at corp.example" in fix(lst) and "list" in title(lst)


def test_vgers_network_ties_the_client_when_the_receiver_wrote_no_name() -> None:
    entry = "Received: from out1.vger.email (unknown [IPv6:2620:137:e000::1:20])"
    d = _offline(_post(entry, "linux-foo-owner@vger.kernel.org", "linux-foo.vger.kernel.org"))
    lst = d.get("mailing-list")
    assert d.get("spoof") is None and lst is not None
    assert "vger.email's network" in (lst.fact("delivered") or "")


def test_a_google_group_handed_over_by_google_with_its_bounce_address() -> None:
    """Google Groups re-sends from mail-*.google.com with the group's +bnc envelope; the author
    From is kept (the domain publishes no enforcing policy) and the footer breaks its DKIM."""
    entry = "Received: from mail-yw1-f170.google.com (mail-yw1-f170.google.com [192.0.2.30])"
    d = _offline(
        _post(entry, "team+bncBAABB2Q4@googlegroups.com", "team.googlegroups.com", to="team@x")
    )
    assert d.get("spoof") is None
    lst = d.get("mailing-list")
    assert lst is not None and (lst.fact("delivered") or "").startswith("mail-yw1-f170.google.com")
    assert "(a Google Group)" in d.headline


def test_a_groupsio_group_on_its_own_domain_is_tied_by_groupsio_and_its_bounce_address() -> None:
    entry = "Received: from web01.groups.io (web01.groups.io [192.0.2.40])"
    d = _offline(
        _post(entry, "bounce+64575+685+45@lists.project.example", "results.lists.project.example")
    )
    lst = d.get("mailing-list")
    assert d.get("spoof") is None and lst is not None
    assert (lst.fact("delivered") or "").startswith("web01.groups.io")


def test_a_mailman_list_on_its_own_host_says_the_authors_dmarc_is_unknown() -> None:
    entry = "Received: from lists.example.org (lists.example.org [192.0.2.50])"
    d = _offline(_post(entry, "dev-bounces@lists.example.org", "dev.lists.example.org"))
    lst = d.get("mailing-list")
    assert d.get("spoof") is None and lst is not None and lst.fact("delivered")
    assert "DMARC for corp.example is unknown" in d.headline


def test_a_list_host_under_another_name_is_tied_by_the_receivers_spf_pass_for_the_list() -> None:
    """A list hosted under another name (alsa-project.org on a perex.cz host): the receiver's
    own SPF check passed the list's envelope domain for the client, so that domain authorised
    the host; with the list's bounce address as envelope, it is the list's delivery."""
    entry = "Received: from mm1.hosting.example (mm1.hosting.example [198.51.100.17])"
    ar = (
        "Authentication-Results: mail.example.net; spf=pass smtp.mailfrom="
        "dev-bounces@lists.example.org"
    )
    raw = _post(
        entry,
        "dev-bounces@lists.example.org",
        "dev.lists.example.org",
        top=("Delivered-To: me@example.net", ar),
    )
    d = _offline(raw)
    lst = d.get("mailing-list")
    assert d.get("spoof") is None and lst is not None
    assert "SPF pass for lists.example.org" in (lst.fact("delivered") or "")
    # the same SPF pass for an envelope that is not the list's bounce address ties nothing
    other = raw.replace(b"dev-bounces@lists.example.org", b"news@lists.example.org")
    lst2 = _offline(other).get("mailing-list")
    assert lst2 is None or lst2.fact("delivered") is None


def test_a_planted_list_id_from_the_attackers_own_host_keeps_the_spoof_wording() -> None:
    """Red team: the attacker's server (its own confirmed reverse DNS) writes a vger List-Id and
    gives the list's -owner address as MAIL FROM; the receiver's SPF check of that envelope
    fails. Nothing the receiver wrote ties the client to the list: still a possible spoof."""
    entry = "Received: from mail.attacker.example (mail.attacker.example [198.51.100.7])"
    ar = (
        "Authentication-Results: mail.example.net; spf=fail smtp.mailfrom="
        "linux-foo-owner@vger.kernel.org; dkim=fail header.d=corp.example"
    )
    raw = _post(
        entry,
        "linux-foo-owner@vger.kernel.org",
        "linux-foo.vger.kernel.org",
        top=("Delivered-To: me@example.net", ar),
    )
    d = _offline(raw)
    spoof = d.get("spoof")
    assert spoof is not None and spoof.fact("relay") == "linux-foo.vger.kernel.org"
    assert d.headline.startswith("Possibly a spoof of corp.example")
    lst = d.get("mailing-list")
    assert lst is None or lst.fact("delivered") is None


def test_a_gmail_user_writing_a_groups_list_id_is_not_google_groups() -> None:
    """Red team: a Gmail account's mail also leaves from mail-*.google.com, but Gmail writes the
    account's own envelope sender, never a group's +bnc address."""
    entry = "Received: from mail-yw1-f170.google.com (mail-yw1-f170.google.com [192.0.2.30])"
    ar = (
        "Authentication-Results: mail.example.net; spf=pass smtp.mailfrom="
        "attacker@gmail.com; dkim=fail header.d=corp.example"
    )
    raw = _post(
        entry,
        "attacker@gmail.com",
        "team.googlegroups.com",
        top=("Delivered-To: me@example.net", ar),
    )
    d = _offline(raw)
    lst = d.get("mailing-list")
    assert lst is not None and lst.fact("delivered") is None and lst.fact("unchecked")
    assert "handed over" not in d.headline


def test_a_return_path_below_the_receivers_line_is_not_the_envelope() -> None:
    """Red team: the receiver wrote no Return-Path; one the sender put in its own header (below
    the receiver's Received line) names a group's bounce address. It does not tie the list."""
    raw = _post(
        "Received: from mail-yw1-f170.google.com (mail-yw1-f170.google.com [192.0.2.30])",
        "attacker@gmail.com",
        "team.googlegroups.com",
        extra=("Return-Path: <team+bncBAABB2Q4@googlegroups.com>",),
    ).replace(b"Return-Path: <attacker@gmail.com>\r\n", b"")
    lst = _offline(raw).get("mailing-list")
    assert lst is None or lst.fact("delivered") is None


def test_an_untied_list_whose_footer_broke_the_signature_is_unknown_not_a_spoof() -> None:
    """A list hosted under another name than its List-Id (nothing ties the client to it): the
    only failure offline is the author's body hash, which the named list's footer breaks on
    every genuine post. Cannot tell: the hedged list line, with the body change as evidence."""
    entry = "Received: from mm1.hosting.example (mm1.hosting.example [198.51.100.17])"
    d = _offline(_post(entry, "dev-bounces@lists.example.org", "dev.lists.example.org"))
    assert d.get("spoof") is None
    lst = d.get("mailing-list")
    assert lst is not None and lst.fact("unchecked") and not lst.fact("delivered")
    assert any("body hash no longer matches" in e for e in lst.evidence)
    assert d.headline.startswith("A message from the list dev.lists.example.org, by its own")
    assert "offline" in d.headline and "re-verification" not in d.headline


def test_mailman_from_rewrite_to_the_list_address_is_not_the_recipients_own_address() -> None:
    """Mailman's DMARC mitigation writes From: "Ann via Dev" <dev@lists.example.org>, and the
    post is addressed To that list; the receiver delivered it to me@example.net. From equal to
    To is the list's rewrite, not a message forged with the recipient's own address."""
    entry = "Received: from mm1.hosting.example (mm1.hosting.example [198.51.100.17])"
    ar = "Authentication-Results: mail.example.net; spf=none smtp.mailfrom=lists.example.org"
    raw = _post(
        entry,
        "dev-bounces@lists.example.org",
        "dev.lists.example.org",
        author='"Ann Author via Dev" <dev@lists.example.org>',
        to="dev@lists.example.org",
        top=("Delivered-To: me@example.net", ar),
    )
    d = diagnose(analyze(raw))
    spoof = d.get("spoof")
    assert spoof is None or not any("recipient's own address" in e for e in spoof.evidence)


def test_a_from_equal_to_the_mailbox_the_receiver_delivered_to_is_still_a_self_spoof() -> None:
    raw = (
        "\r\n".join(
            [
                "Return-Path: <bounce@mailer.example>",
                "Delivered-To: me@example.net",
                "Authentication-Results: mail.example.net; spf=softfail smtp.mailfrom=mailer.example",
                "Received: from mx.mailer.example (unknown [198.51.100.9])",
                "\tby mail.example.net (Postfix) with ESMTP id 1A2B3C",
                "\tfor <me@example.net>; Fri, 01 Nov 2024 14:47:00 +0100 (CET)",
                "From: Me <me@example.net>",
                "To: someone@else.example",
                "Subject: your password",
                "Date: Fri, 01 Nov 2024 13:46:33 +0000",
            ]
        )
        + "\r\n\r\nbody\r\n"
    ).encode()
    spoof = diagnose(analyze(raw)).get("spoof")
    assert spoof is not None
