"""Ordinary mail read right: rules found on unseen legitimate messages (lists, forwards, ESPs)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.wording import title
from tests.test_diagnosis import _msg


def _display_name(sender: str, dkim: str) -> bytes:
    return _msg(
        "Delivered-To: someone@recipient.example",
        "Authentication-Results: mx.recipient.example; "
        f"dkim=pass header.d={dkim} header.s=s1 header.b=abcdefgh; "
        f"spf=pass smtp.mailfrom={sender}; dmarc=pass (p=NONE) header.from={dkim}",
        "Received: from out.sender-host.example (out.sender-host.example [198.51.100.7]) "
        "by mx.recipient.example (Postfix) with ESMTPS id 4AB12 for <someone@recipient.example>; "
        "Sat, 07 Jun 2025 21:02:45 +0000",
        "Received: by out.sender-host.example with SMTP id 98e67; Sat, 07 Jun 2025 21:02:44 +0000",
        f"DKIM-Signature: v=1; a=rsa-sha256; d={dkim}; s=s1; h=from:to; bh=AAAA; b=abcdefghijkl",
        f'From: "billing@bigbank.example" <{sender}>',
        "To: someone@recipient.example",
        "Subject: your invoice",
        "Date: Sat, 07 Jun 2025 21:02:40 +0000",
        "Message-ID: <a1@sender-host.example>",
    )


def test_control_beside_an_impersonation_does_not_say_nothing_is_wrong() -> None:
    """A message that authenticates for its own domain but shows another domain's address as
    its name keeps ``control`` (its own authentication and path are in order) but no longer
    says "Nothing is wrong" under an impersonation error: it names the domain shown."""
    d = diagnose(analyze(_display_name("info@smallshop.example", "smallshop.example")))
    assert d.impersonation is not None and d.impersonation.imitated == "bigbank.example"
    ctl = d.get("control")
    assert ctl is not None
    text = title(ctl)
    assert not text.startswith("Nothing is wrong")
    assert "smallshop.example" in text and "bigbank.example" in text
    # the same message without the shown address is a plain control
    plain = _display_name("info@smallshop.example", "smallshop.example").replace(
        b'"billing@bigbank.example"', b'"Small Shop"'
    )
    d2 = diagnose(analyze(plain))
    assert d2.impersonation is None
    ctl2 = d2.get("control")
    assert ctl2 is not None and title(ctl2).startswith("Nothing is wrong")


def test_control_beside_an_impersonation_from_free_mail_keeps_the_account_note() -> None:
    d = diagnose(analyze(_display_name("someone.random@gmail.com", "gmail.com")))
    ctl = d.get("control")
    assert ctl is not None and d.impersonation is not None
    text = title(ctl)
    assert "an account at gmail.com, which anyone can open" in text
    assert "bigbank.example" in text and not text.startswith("Nothing is wrong")


def _forwarded(marker: str) -> bytes:
    return _msg(
        "Delivered-To: bob@final.example",
        "Authentication-Results: mx.final.example; dkim=pass header.d=author.example; "
        "spf=pass smtp.mailfrom=alice+fwd@fwd.example; dmarc=pass header.from=author.example",
        "Received: from out.fwd.example (out.fwd.example [203.0.113.5]) by mx.final.example "
        "(Postfix) with ESMTPS id 7C1; Sat, 07 Jun 2025 21:02:46 +0000",
        *((marker,) if marker else ()),
        "Received: by store.fwd.example with SMTP id lf36; Sat, 07 Jun 2025 21:02:45 +0000",
        "ARC-Authentication-Results: i=1; mx.fwd.example; dkim=pass header.d=author.example; "
        "spf=pass smtp.mailfrom=carol@author.example; dmarc=pass header.from=author.example",
        "Received: from mail.author.example (mail.author.example [198.51.100.9]) by "
        "mx.fwd.example with ESMTPS id 98e; Sat, 07 Jun 2025 21:02:44 +0000",
        "Received-SPF: pass (mx.fwd.example: domain of carol@author.example designates "
        "198.51.100.9 as permitted sender) client-ip=198.51.100.9;",
        "DKIM-Signature: v=1; a=rsa-sha256; d=author.example; s=s1; h=from:to; bh=AAAA; b=abcd",
        "From: Carol <carol@author.example>",
        "To: alice@fwd.example",
        "Subject: hello",
        "Date: Sat, 07 Jun 2025 21:02:40 +0000",
        "Message-ID: <c1@author.example>",
    )


def test_a_mailbox_that_forwarded_is_an_intermediary_even_at_the_oldest_line() -> None:
    """A mailbox service that received the author's message at its own MX (the oldest line),
    delivered it to a mailbox (Delivered-To above its store's line) and forwarded it wrote the
    ARC and Received-SPF below: an intermediary (the forwarder), not the sending side."""
    from headerlens.model.provenance import Author

    for marker in ("Delivered-To: alice@fwd.example", "X-Forwarded-To: bob@final.example"):
        a = analyze(_forwarded(marker))
        authors = {f.header_name: f.author for f in a.provenance.fields if f.hop_number in (1, 2)}
        assert authors["ARC-Authentication-Results"] is Author.INTERMEDIARY, marker
        assert authors["Received-SPF"] is Author.INTERMEDIARY, marker
    # with no mailbox delivery the same lines are the sending side's own
    a = analyze(_forwarded(""))
    authors = {f.header_name: f.author for f in a.provenance.fields if f.hop_number in (1, 2)}
    assert authors["ARC-Authentication-Results"] is Author.SENDER


def test_an_outbound_filter_of_the_senders_own_hoster_is_the_sending_side() -> None:
    """A hoster's submission server hands the message to the same hoster's outbound filter
    (its reverse DNS, as the filter looked it up, is in the filter's own domain): one
    organisation, the sender's, not a list or forwarder that re-sent the message."""
    from headerlens.model.provenance import Author

    raw = _msg(
        "Received: from filter-out.hoster.example (filter-out.hoster.example [192.0.2.70]) "
        "by mx.lists.example (Postfix) with ESMTPS id A14C; Fri, 20 Sep 2024 08:53:29 +0000",
        "Authentication-Results: mx.lists.example; spf=pass smtp.mailfrom=author.example",
        "ARC-Authentication-Results: i=1; filter.hoster.example; spf=softfail "
        "smtp.mailfrom=author.example; dmarc=fail header.from=author.example",
        "Received: from s198.hoster.example (s198.hoster.example [192.0.2.154]) by "
        "filter.hoster.example (Halon) with ESMTPSA id a060; Fri, 20 Sep 2024 08:52:12 +0000",
        "Authentication-Results: hoster.example; auth=pass (PLAIN) smtp.auth=user@author.example",
        "Received: from dsl-1.isp.example ([198.51.100.69] helo=smtp) by s198.hoster.example "
        "with esmtpa (Exim 4.98) id 1srZNC; Fri, 20 Sep 2024 08:52:08 +0000",
        "From: Author <user@author.example>",
        "To: list@lists.example",
        "Subject: patch",
        "Date: Fri, 20 Sep 2024 08:52:08 +0000",
        "Message-ID: <p1@author.example>",
    )
    a = analyze(raw)
    below = [f for f in a.provenance.fields if f.hop_number in (1, 2)]
    arc = next(f for f in below if f.header_name == "ARC-Authentication-Results")
    assert arc.author is Author.SENDER, arc.evidence
    assert all(f.author is Author.SENDER for f in below), [(f.header_name, f.author) for f in below]


def test_a_list_copy_is_no_control_on_a_pass_nothing_shows_the_receiver_wrote() -> None:
    """The list host's own copy: its Received line, its arc=fail stamp, then a dmarc=pass
    stamp with its name further down where the sender's header begins (nothing ties it to the
    receiver: possibly planted). ``control`` must not rest on that pass while the list
    situation says nothing checked the message."""
    from headerlens.model.provenance import Author

    raw = _msg(
        "Received: from out.sender-tenant.example (out.sender-tenant.example [192.0.2.84]) "
        "by smtp.lists.example (Postfix) with ESMTPS id CB69E; Mon, 19 Aug 2024 14:26:09 +0000",
        "Authentication-Results: smtp.lists.example; arc=fail smtp.client-ip=192.0.2.84",
        "ARC-Seal: i=2; a=rsa-sha256; d=lists.example; s=arc1; t=1724077572; cv=fail; b=VB2W",
        "ARC-Authentication-Results: i=2; smtp.lists.example; dmarc=pass header.from=author.example",
        "Authentication-Results: smtp.lists.example; dmarc=pass (p=none) header.from=author.example",
        "Authentication-Results: smtp.lists.example; spf=pass smtp.mailfrom=author.example",
        "Received: from relay.sender-tenant.example (relay.sender-tenant.example [192.0.2.9]) by "
        "out.sender-tenant.example with ESMTPS id 15.20; Mon, 19 Aug 2024 14:26:00 +0000",
        "From: Author <dev@author.example>",
        "To: list@lists.example",
        "Subject: Re: patch",
        "Date: Mon, 19 Aug 2024 14:25:48 +0000",
        "Message-ID: <m1@author.example>",
        "List-Id: <list.lists.example>",
        "X-Mailing-List: list@lists.example",
        "Precedence: bulk",
    )
    a = analyze(raw)
    dmarc = next(r for r in a.auth_results if "dmarc=pass (p=none)" in r.raw)
    placed = a.provenance.of(dmarc.header_index)
    assert placed is not None and placed.author is Author.UNKNOWN
    d = diagnose(a)
    assert "mailing-list" in d.labels()
    assert "control" not in d.labels()


def test_an_aligned_pass_with_no_dmarc_verdict_is_control() -> None:
    """Gmail writes no dmarc= when the From domain publishes no DMARC record: its own stamp
    with an aligned DKIM pass (a newsletter through Amazon SES signed by its domain) and no
    failure is a control, said with the missing DMARC verdict, not "no situation"."""
    raw = _msg(
        "Delivered-To: reader@gmail.example",
        "Received: by 2002:a05:6520:4581::1 with SMTP id s1csp; Mon, 7 Dec 2020 09:11:41 -0800",
        "ARC-Authentication-Results: i=1; mx.google.com; dkim=pass header.i=@puzzles.example "
        "header.s=s1 header.b=AGml; spf=pass smtp.mailfrom=b@esp.example",
        "Received: from a37-140.smtp-out.esp.example (a37-140.smtp-out.esp.example. "
        "[192.0.2.140]) by mx.google.com with ESMTPS id c10si; Mon, 07 Dec 2020 09:11:41 -0800",
        "Received-SPF: pass (google.com: domain of b@esp.example designates 192.0.2.140 as "
        "permitted sender) client-ip=192.0.2.140;",
        "Authentication-Results: mx.google.com; dkim=pass header.i=@puzzles.example "
        "header.s=s1 header.b=AGml; dkim=pass header.i=@esp.example header.s=s2 header.b=V9Q8; "
        "spf=pass (google.com: domain of b@esp.example designates 192.0.2.140 as permitted "
        "sender) smtp.mailfrom=b@esp.example",
        "DKIM-Signature: v=1; a=rsa-sha256; d=puzzles.example; s=s1; h=from; bh=X8k2; b=AGmlZQ",
        "DKIM-Signature: v=1; a=rsa-sha256; d=esp.example; s=s2; h=from; bh=X8k2; b=V9Q8rL",
        "From: Daily Puzzles <founders@puzzles.example>",
        "To: reader@gmail.example",
        "Subject: Problem #287",
        "Date: Mon, 7 Dec 2020 17:11:40 +0000",
        "Message-ID: <0100@email.esp.example>",
    )
    d = diagnose(analyze(raw))
    assert d.labels() == ("control",), d.labels()
    assert "No particular situation" not in d.headline
    ctl = d.get("control")
    assert ctl is not None and "no DMARC verdict" in title(ctl)
    # the same message whose receiver saw the aligned signature fail is no control
    failed = raw.replace(
        b"dkim=pass header.i=@puzzles.example", b"dkim=fail header.i=@puzzles.example"
    )
    assert "control" not in diagnose(analyze(failed)).labels()


def test_an_arc_authentication_results_names_its_authserv_id_after_the_instance() -> None:
    """ "ARC-Authentication-Results: i=3; smtp.lists.example; ..." is the receiver's own ARC
    stamp when it sits under its line: its identity is read past the instance tag, so it is
    not handed to the relay whose Received line is further down."""
    from headerlens.model.core import HeaderField
    from headerlens.model.provenance import Author
    from headerlens.parsers.stamp_evidence import stamp_identity

    aar = "i=3; smtp.lists.example; dmarc=pass header.from=author.example"
    field = HeaderField(0, "ARC-Authentication-Results", aar, b"")
    assert stamp_identity(field) == "smtp.lists.example"
    raw = _msg(
        "Received: from out.tenant.example (out.tenant.example [192.0.2.84]) by "
        "smtp.lists.example (Postfix) with ESMTPS id CB69E; Mon, 19 Aug 2024 14:26:09 +0000",
        "Authentication-Results: smtp.lists.example; arc=fail smtp.client-ip=192.0.2.84",
        "ARC-Seal: i=3; a=rsa-sha256; d=lists.example; s=arc1; t=1724077572; cv=fail; b=VB2W",
        f"ARC-Authentication-Results: {aar}",
        "Received: from relay.tenant.example (relay.tenant.example [192.0.2.9]) by "
        "out.tenant.example with ESMTPS id 15.20; Mon, 19 Aug 2024 14:26:00 +0000",
        "From: Author <dev@author.example>",
        "To: list@lists.example",
        "Subject: Re: patch",
        "Date: Mon, 19 Aug 2024 14:25:48 +0000",
        "Message-ID: <m2@author.example>",
    )
    a = analyze(raw)
    found = next(f for f in a.provenance.fields if f.header_name == "ARC-Authentication-Results")
    assert found.author is not Author.INTERMEDIARY and found.author is not Author.SENDER
