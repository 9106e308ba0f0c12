"""gencomp2: a PC's own name beside a desktop mail program is no sign of a taken-over account;
a free-mail account's spam is an abused or taken-over account (synthetic messages of the shapes
seen on real mail: zammad/zammad test/data/mail/mail082.box, corpus eml/sourceforge-mailman-list-
gmail-sender-original-dkim-broken.eml; names and addresses changed)."""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings_build import stamped_findings as findings
from headerlens.diagnosis.wording import fix, title
from tests.test_diagnosis import _msg


def _submitted(helo: str, *own: str, sender: str = "ann@clinic.example") -> bytes:
    """A user signs in to her provider's submission server from a home line; the provider's
    outbound server hands it to the receiver's Exim."""
    dom = sender.rpartition("@")[2]
    return _msg(
        "Received: from out.mail.example ([192.0.2.42]:33419) by mx.reader.example with esmtps "
        "(TLS1.2) (Exim 4.91) (envelope-from <" + sender + ">) id 1h1Qd2-0002Na-6B "
        "for to@reader.example; Wed, 06 Mar 2019 09:06:13 +0200",
        f"Received: from {helo} ([203.0.113.178]) by smtp.{dom} with ESMTPSA id w10sm5407 "
        "for <to@reader.example>; Tue, 05 Mar 2019 23:05:23 -0800 (PST)",
        f'From: "Ann Example" <{sender}>',
        "To: <to@reader.example>",
        "Subject: FW: Tax Invoice INX4183",
        "Date: Wed, 6 Mar 2019 09:06:03 +0200",
        *own,
    )


_OUTLOOK = ("X-Mailer: Microsoft Outlook 14.0", "Thread-Index: AQGnHD6mcFFLFM//ZQba8qesuTAcJaZZ")
_THUNDERBIRD = (
    "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 "
    "Thunderbird/115.6.0",
)


@pytest.mark.parametrize("helo", ["admin", "User", "DESKTOP-4KQ2M1R", "LAPTOP-7HG2K9"])
@pytest.mark.parametrize("mailer", [_OUTLOOK, _THUNDERBIRD])
def test_a_pcs_own_name_beside_a_desktop_mailer_is_no_taken_over_account(
    helo: str, mailer: tuple[str, ...]
) -> None:
    """zammad mail082: Outlook 2010 on a home PC named 'admin', signed in to its provider's
    submission server: an ordinary message, nothing points to a take-over."""
    d = diagnose(analyze(_submitted(helo, *mailer)))
    assert "compromised-account" not in d.labels(), d.headline
    assert "taken-over" not in d.headline


@pytest.mark.parametrize(
    "mailer",
    [
        ("X-Mailer: Microsoft Outlook Express 6.00.2900.5512",),  # the kits' favourite
        ("X-Mailer: Microsoft Outlook 16.0",),  # Outlook always writes Thread-Index
        (),
    ],
)
def test_a_pc_name_without_a_real_desktop_mailer_stays_a_strong_sign(
    mailer: tuple[str, ...],
) -> None:
    d = diagnose(analyze(_submitted("User", *mailer)))
    assert "compromised-account" in d.labels(), d.headline


def test_windows_servers_default_name_stays_strong_beside_a_desktop_mailer() -> None:
    """WIN-… is a Windows Server's (a rented VPS's) name, not a user's PC."""
    d = diagnose(analyze(_submitted("WIN-4KQ2M1ABC", *_OUTLOOK)))
    assert "compromised-account" in d.labels(), d.headline


# Attack: a bot named 'admin' with a planted Outlook X-Mailer and Thread-Index hides nothing
# when a stronger sign is there (replies to a free-mail mailbox, a mass-mailing kit's mailer).
@pytest.mark.parametrize(
    "extra",
    [
        ("Reply-To: <payout4471@gmail.com>",),  # strong
        ("Reply-To: <accounts@payments-desk.example>",),  # weak, and the weak name is a second
    ],
)
def test_attack_a_bot_named_admin_with_a_planted_outlook_mailer_is_still_called(
    extra: tuple[str, ...],
) -> None:
    msg = _submitted("admin", *_OUTLOOK, *extra)
    d = diagnose(analyze(msg))
    comp = d.get("compromised-account")
    assert comp is not None and comp.fact("party") == "clinic.example", d.headline
    assert any("desktop mailer" in e for e in comp.evidence)


def test_attack_a_planted_outlook_mailer_with_a_junk_verdict_is_still_called() -> None:
    msg = _msg(
        "X-Spam-Flag: YES",
        "X-Spam-Status: Yes, score=9.1 required=5.0 tests=RCVD_IN_PBL autolearn=no",
        *_submitted("admin", *_OUTLOOK).decode().split("\r\n\r\n")[0].split("\r\n"),
    )
    d = diagnose(analyze(msg))
    assert d.outcome.outcome.value == "junk", d.outcome
    assert "compromised-account" in d.labels(), d.headline


# -- a free-mail account ------------------------------------------------------------------------


def test_a_free_mail_accounts_spam_is_an_abused_or_taken_over_account() -> None:
    """corpus sourceforge-mailman-list-gmail-sender: spam from a gmail.com account with replies
    to outlook.com: the account is as likely the spammer's own as a stolen one."""
    d = diagnose(
        analyze(
            _submitted(
                "laptop.home",
                "Reply-To: <claims.desk@outlook.com>",
                sender="winner.notice@gmail.com",
            )
        )
    )
    comp = d.get("compromised-account")
    assert comp is not None, d.headline
    assert "abused or taken-over mail account at gmail.com" in d.headline
    assert "free-mail provider" in title(comp)
    assert "someone else using it" not in title(comp)
    assert "abuse desk" in fix(comp)


def test_a_business_domains_account_is_still_a_taken_over_one() -> None:
    d = diagnose(analyze(_submitted("User", "Reply-To: <payout4471@gmail.com>")))
    comp = d.get("compromised-account")
    assert comp is not None and comp.fact("free-mail") is None
    assert "Signs of a taken-over mail account at clinic.example" in d.headline


# -- a filter's tag in the Subject ------------------------------------------------------------


def _tag_finding(msg: bytes) -> list[str]:
    return [f.title for f in findings(analyze(msg)) if f.code == "subject.spam-tag"]


@pytest.mark.parametrize(
    ("subject", "shown"),
    [
        ("[SPAM] (19.9) Your Winning Notification!!!", "[SPAM] (19.9)"),
        ("***SPAM*** 7.2 Invoice overdue", "***SPAM*** 7.2"),
        ("{Spam?} Cheap watches", "{Spam?}"),
        ("Re: [SUSPECTED SPAM] Hello", "[SUSPECTED SPAM]"),
        ("[list] Re: [SPAM] Congratulations", "[SPAM]"),
    ],
)
def test_a_filters_subject_tag_in_a_copy_without_stamps_is_said_and_is_no_folder(
    subject: str, shown: str
) -> None:
    """zammad mail076: a copy with no Received line whose Subject a filter tagged with its
    score: some filter rated it spam, whose is unknown, and it is no Junk verdict."""
    msg = _msg(
        'From: "Lottery" <claims@lottery.example>',
        "To: info@reader.example",
        f"Subject: {subject}",
        "Date: 24 Sep 2018 10:22:54 -0700",
        "Message-ID: <20180924102254.B52A3EAF@lottery.example>",
    )
    said = _tag_finding(msg)
    assert len(said) == 1 and f"({shown})" in said[0], said
    assert "whose filter it was is unknown" in said[0]
    assert diagnose(analyze(msg)).outcome.outcome.value == "unknown"


def test_attack_a_planted_spam_tag_moves_no_verdict() -> None:
    """A sender who writes a tag into the Subject of a message the receiver passed and filed
    in the Inbox changes nothing but the informational note."""
    msg = _msg(
        "Authentication-Results: mx.reader.example; spf=pass smtp.mailfrom=news.example; "
        "dkim=pass header.d=news.example; dmarc=pass header.from=news.example",
        "Received: from out.news.example (out.news.example [192.0.2.10]) by mx.reader.example "
        "(Postfix) with ESMTPS id 4AB12 for <b@reader.example>; Mon, 4 Mar 2024 10:00:03 +0000",
        "From: News <letters@news.example>",
        "To: b@reader.example",
        "Subject: [SPAM] (0.1) Weekly letter",
        "Date: Mon, 4 Mar 2024 10:00:00 +0000",
    )
    d = diagnose(analyze(msg))
    assert d.outcome.outcome.value not in ("junk", "quarantine"), d.outcome
    assert len(_tag_finding(msg)) == 1


def test_the_receivers_own_filter_rating_says_it_without_the_tag_note() -> None:
    msg = _msg(
        "X-Spam-Flag: YES",
        "X-Spam-Status: Yes, score=19.9 required=5.0 tests=RCVD_IN_PBL autolearn=no",
        "Received: from out.news.example (out.news.example [192.0.2.10]) by mx.reader.example "
        "(Postfix) with ESMTPS id 4AB12 for <b@reader.example>; Mon, 4 Mar 2024 10:00:03 +0000",
        "From: News <letters@news.example>",
        "To: b@reader.example",
        "Subject: ***SPAM*** 19.9 Weekly letter",
        "Date: Mon, 4 Mar 2024 10:00:00 +0000",
    )
    assert _tag_finding(msg) == []


def test_ordinary_subjects_about_spam_carry_no_tag() -> None:
    for subject in ("SPAM: question", "About spam", "[SPAM-Filter] config", "[list] Re: help"):
        msg = _msg("From: a@one.example", "To: b@two.example", f"Subject: {subject}")
        assert _tag_finding(msg) == [], subject


def test_attack_a_planted_filter_rating_does_not_name_the_tags_filter() -> None:
    """Only a list's or forwarder's own rating names whose tag it is; a rating below every
    Received line is the sender's text (possibly forged): whose filter stays unknown."""
    msg = _msg(
        "Received: from out.news.example (out.news.example [192.0.2.10]) by mx.reader.example "
        "(Postfix) with ESMTPS id 4AB12 for <b@reader.example>; Mon, 4 Mar 2024 10:00:03 +0000",
        "X-Spam-Flag: YES",
        "From: News <letters@news.example>",
        "To: b@reader.example",
        "Subject: [SPAM] Weekly letter",
        "Date: Mon, 4 Mar 2024 10:00:00 +0000",
    )
    said = _tag_finding(msg)
    assert len(said) == 1 and "whose filter it was is unknown" in said[0], said
