"""Review 8: attacks on the session's loosenings (planted fields of the same shape)."""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.model.codes import Code
from headerlens.report.verdicts import bar_line
from tests.dnslab import LabDns
from tests.test_gen10 import _PLANTED, _report
from tests.test_redteam_round4 import _verify
from tests.test_redteam_round7 import _FORM_LOOKALIKE, lab, lab_and_key

__all__ = ["lab", "lab_and_key"]  # the attacker's lab DNS (module fixtures)

_SPAM_RUN = b"X-Spam-Flag: YES\r\nX-Spam-Status: Yes, score=12.0 required=5.0\r\n"


def test_a_planted_closing_spam_verdict_does_not_hide_the_spoof(lab: LabDns) -> None:
    # 742740a credits a spam verdict closing the header to the final mailbox by position: the
    # attacker who plants one on a spoof gains a Junk reading, never the spoof's disappearance
    data = _FORM_LOOKALIKE.replace(b"{rdns}", b"unknown").replace(
        b"Message-ID: <MDAEMON-F2010101216.AA21054@autosite.example>\r\n",
        b"Message-ID: <MDAEMON-F2010101216.AA21054@autosite.example>\r\n" + _SPAM_RUN,
    )
    d = diagnose(analyze(data), _verify(data, lab))
    assert d.headline.startswith("A spoof of victim.example")


@pytest.mark.parametrize(
    "client",
    [
        "HELO attacker.example.com) (::ffff:198.51.100.66",  # qmail-smtpd with the IPv6 patch
        "HELO attacker.example.com) (2001:db8::66",
        "198.51.100.66:40512",  # an address with the client's port
    ],
)
def test_a_report_under_a_receivers_line_naming_the_client_in_another_form_is_not_unwrapped(
    client: str,
) -> None:
    # Attack (report_safe, 95e87ab/41ac72b): the sender mails a SpamAssassin report of its own
    # with the original inside carrying its own pass stamps; the receiver's own line names the sender's address in a
    # form the report's own address pattern did not know, so the report was taken for the
    # receiver's own SpamAssassin's and the attached original was read as the message.
    planted = _PLANTED
    above = (
        f"Received: from unknown ({client})\n"
        "\tby mx.example.net with SMTP; Wed, 15 Mar 2017 13:00:50 +0100\n"
    )
    a = analyze(_report(above=above, original=planted))
    assert not any(d.code is Code.INPUT_REPORT_SAFE for d in a.defects)
    assert "DMARC pass" not in bar_line(a, None)


@pytest.mark.parametrize(
    "planted",
    [
        "X-Rspamd-Action: no action\r\n",
        "X-MS-Exchange-Organization-SCL: -1\r\n",
        "X-Forefront-Antispam-Report: SFV:NSPM;SCL:1;\r\n",
        "X-Vade-Spamstate: clean\r\n",
    ],
)
def test_a_not_spam_verdict_planted_below_a_nat_hand_off_is_no_inbox(planted: str) -> None:
    # Attack on 8a63741/eaaf898 (filter verdicts kept the "private hand-off inside one domain"
    # rule): behind a NAT in front of a Postfix MX every sender's address is 10.0.0.5, and "one
    # domain" is the line below, which the sender writes (HELO relay.fabrikam.com, a forged line
    # "by relay.fabrikam.com"); its planted "not spam" read "Postfix: Inbox".
    from tests.test_genbound import BODY, FORGED
    from tests.test_genbound import D as d7

    top = (
        "Received: from relay.fabrikam.com (unknown [10.0.0.5]) by mx.fabrikam.com (Postfix) "
        f"with ESMTP id 4Q; {d7}\r\n"
    )
    a = analyze((top + planted + FORGED.format(by="relay.fabrikam.com") + BODY).encode())
    assert diagnose(a).outcome.outcome.name != "INBOX"
    assert ": Inbox" not in bar_line(a, None)


def test_a_long_list_id_on_list_backscatter_stays_a_one_line_headline() -> None:
    # 59c2b49 named the list by its whole List-Id value in the headline: a 200 000-character
    # List-Id made a 200 000-character headline (other list readings cut it to a line's worth)
    from tests.test_genndr9 import LIST_BACKSCATTER

    name = b"List-Id: <devel.lists.fabrikam.example>"
    assert name in LIST_BACKSCATTER
    d = diagnose(analyze(LIST_BACKSCATTER.replace(name, name + b" " + b"x" * 200_000)))
    assert d.headline.startswith("Backscatter passed on by the mailing list <devel.lists.")
    assert len(d.headline) < 1_000


def test_a_reporters_name_with_a_long_blank_run_is_read_in_linear_time() -> None:
    # The comment strip after a Reporting-MTA's name (26a2d53) searched "\s*\(" from every blank:
    # 40 000 blanks took 2.7 s. Today its input is unfolded and whitespace-collapsed first; the
    # name reading itself should not rely on that.
    import time

    from headerlens.parsers.ndr_mime import _mta_name

    start = time.perf_counter()
    assert _mta_name("mail.contoso.example" + " " * 60_000 + "x").startswith("mail.contoso")
    assert time.perf_counter() - start < 0.5
    assert _mta_name("mail.contoso.example (Sun Internet Mail Server sims.4.0)") == (
        "mail.contoso.example"
    )


def test_a_forged_loopback_line_below_a_nat_hand_off_does_not_move_the_weak_line_down() -> None:
    # Attack on 8a63741's Boundary.unconfirmed_hop (the newest loopback hop passed over is
    # preferred): behind a NAT the sender writes a pass stamp and a "not spam" verdict, then a
    # forged "from localhost [127.0.0.1] by relay.fabrikam.com" line under them; the weak line
    # became that forged line, and the stamps above it read "DMARC pass (stamped)", Inbox.
    from headerlens.report.render import render
    from tests.test_genbound import BODY, FORGED
    from tests.test_genbound import D as d7

    top = (
        "Received: from relay.fabrikam.com (unknown [10.0.0.5]) by mx.fabrikam.com (Postfix) "
        f"with ESMTP id 4Q; {d7}\r\n"
    )
    stamp = (
        "Authentication-Results: relay.fabrikam.com; spf=pass smtp.mailfrom=contoso.com; "
        "dkim=pass header.d=contoso.com; dmarc=pass header.from=contoso.com\r\n"
        "X-Rspamd-Action: no action\r\n"
    )
    loop = (
        "Received: from localhost (localhost [127.0.0.1]) by relay.fabrikam.com (Postfix) "
        f"with ESMTP id 5R; {d7}\r\n"
    )
    a = analyze((top + stamp + loop + FORGED.format(by="relay.fabrikam.com") + BODY).encode())
    assert "pass (stamped)" not in render(a, None, "summary")
    assert diagnose(a).outcome.outcome.name != "INBOX"
