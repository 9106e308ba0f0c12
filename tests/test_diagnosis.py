"""The diagnosis layer on small hand-written messages: delays, situations, outcome, headline."""

from __future__ import annotations

from datetime import UTC

from headerlens.analyze import analyze
from headerlens.diagnosis import GapKind, Outcome, diagnose
from headerlens.diagnosis.delays import tz_label


def _msg(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n\r\nbody\r\n").encode()


EOP_SPOOF = _msg(
    "Received: from BN8PR19MB1.namprd19.prod.outlook.com (::1) by BN8PR19MB2.namprd19.prod.outlook.com with HTTPS; Fri, 26 May 2023 13:09:43 +0000",
    "Authentication-Results: spf=fail (sender IP is 172.104.44.175) smtp.mailfrom=bank.example; dkim=none (message not signed) header.d=none;dmarc=fail action=quarantine header.from=bank.example;compauth=fail reason=000",
    "Received: from evil.example (172.104.44.175) by BN8NAM11FT051.mail.protection.outlook.com (10.13.177.1) with Microsoft SMTP Server id 15.20.6433.18 via Frontend Transport; Fri, 26 May 2023 13:09:41 +0000",
    "X-IncomingTopHeaderMarker: OriginalChecksum:0",
    "From: Bank <notify@bank.example>",
    "To: victim@example.org",
    "Subject: unlock",
    "Date: Fri, 26 May 2023 13:09:40 +0000",
    "X-IncomingHeaderCount: 5",
    "Return-Path: notify@bank.example",
    "X-MS-Exchange-Organization-SCL: 9",
    "X-Microsoft-Antispam-Mailbox-Delivery: wl:1;pcwl:1;ucf:0;jmr:0;auth:0;dest:I;OFR:TrustedSenderList;ENG:(5062000305)",
)


def test_spoof_with_allow_list_override_and_inbox() -> None:
    d = diagnose(analyze(EOP_SPOOF))
    assert {"spoof", "allowlist-override"} <= set(d.labels())
    assert "junk" not in d.labels()
    assert d.outcome.outcome is Outcome.INBOX
    spoof = d.get("spoof")
    assert spoof is not None and spoof.fact("domain") == "bank.example"
    assert spoof.hop_number == 1
    assert d.headline.startswith("A spoof of bank.example")


def test_junk_verdict_below_the_receiver_is_not_the_outcome() -> None:
    # the same message, but the Mailbox-Delivery field sits in the sender's part (forged copy)
    raw = EOP_SPOOF.replace(b"X-Microsoft-Antispam-Mailbox-Delivery", b"X-Dummy").replace(
        b"To: victim@example.org",
        b"To: victim@example.org\r\nX-Microsoft-Antispam-Mailbox-Delivery: dest:J;",
    )
    d = diagnose(analyze(raw))
    assert d.outcome.outcome is Outcome.JUNK  # from SCL 9, the receiver's own field
    assert d.outcome.evidence == ("X-MS-Exchange-Organization-SCL: 9",)


def _chain(*stamps: tuple[str, str]) -> bytes:
    """Received lines, newest first, from (by-host, date) pairs given oldest first."""
    lines = []
    prev = "client.example"
    for host, when in stamps:
        lines.append(
            f"Received: from {prev} ({prev} [198.51.100.7]) by {host} with ESMTP id 1; {when}"
        )
        prev = host
    return _msg(*reversed(lines), "From: a@example.com", "Subject: x")


def test_delay_names_the_host_that_held_the_message() -> None:
    d = diagnose(
        analyze(
            _chain(
                ("queue.example.com", "Mon, 1 May 2023 10:00:00 +0000"),
                ("mx.example.net", "Mon, 1 May 2023 10:20:00 +0000"),
                ("store.example.net", "Mon, 1 May 2023 10:20:01 +0000"),
            )
        )
    )
    delay = d.get("delay")
    assert delay is not None and delay.fact("host") == "queue.example.com"
    assert d.slowest is not None and d.slowest.host == "queue.example.com"


def test_skew_pair_is_marked_and_not_the_slowest_hop() -> None:
    d = diagnose(
        analyze(
            _chain(
                ("a.example", "Mon, 1 May 2023 10:00:00 +0000"),
                ("b.example", "Mon, 1 May 2023 08:53:00 +0000"),
                ("c.example", "Mon, 1 May 2023 10:00:05 +0000"),
                ("d.example", "Mon, 1 May 2023 10:00:09 +0000"),
            )
        )
    )
    kinds = [g.kind for g in d.gaps]
    assert kinds[:2] == [GapKind.SKEW, GapKind.SKEW]
    assert "delay" not in d.labels()
    assert d.slowest is not None and d.slowest.seconds == 4


def test_time_zone_label_is_not_a_delay() -> None:
    d = diagnose(
        analyze(
            _chain(
                ("relay.example", "Sat, 11 May 2024 12:28:08 +0800"),
                ("mx.example", "Sat, 11 May 2024 12:28:07 +0000"),
            )
        )
    )
    assert d.gaps[0].kind is GapKind.TZ_LABEL
    assert "tz-artefact" in d.labels() and "delay" not in d.labels()


def test_tz_label_rule() -> None:
    from datetime import datetime, timedelta, timezone

    utc = UTC
    a = datetime(2023, 8, 4, 11, 49, 48, tzinfo=utc)
    later = (a + timedelta(hours=7, seconds=7)).astimezone(timezone(timedelta(hours=-7)))
    assert tz_label(a, later)  # whole hours, and the two labels differ
    # whole hours under one label is a real wait, unless the host relabels elsewhere
    assert not tz_label(a, a + timedelta(hours=7, seconds=7))
    assert tz_label(a, a + timedelta(hours=7, seconds=7), relabelled=True)
    assert not tz_label(a, a + timedelta(hours=25, minutes=31))  # a real day-long queue
    assert not tz_label(a, a + timedelta(minutes=20))


def test_srs_rewrite_by_the_submitting_hoster_is_not_a_forward() -> None:
    raw = _msg(
        "Received: from hoster.example (hoster.example [192.0.2.15]) by mx.example.org with ESMTP id 2; Mon, 13 Nov 2023 08:19:05 +0000",
        "Received: from [203.0.113.5] by hoster.example with ESMTPSA id 1; Mon, 13 Nov 2023 08:18:00 +0000",
        "Return-Path: SRS0=Bh0+=G2=customer.example=jiri@hoster.example",
        "From: jiri@customer.example",
        "Reply-To: someone@gmail.com",
    )
    d = diagnose(analyze(raw))
    assert "forward-srs" not in d.labels()
    assert "compromised-account" in d.labels()


def test_gmail_forward_with_arc_acceptance() -> None:
    raw = _msg(
        "Authentication-Results: spf=pass (sender IP is 209.85.217.53) smtp.mailfrom=gmail.com; dkim=pass header.d=other.example;dmarc=fail action=none header.from=author.example;compauth=pass reason=130",
        "Received: from mail-vs1-f53.google.com (209.85.217.53) by DM6NAM11FT095.mail.protection.outlook.com (10.13.1.1) with Microsoft SMTP Server id 15.20.1.1 via Frontend Transport; Mon, 1 May 2023 10:00:05 +0000",
        "X-Forwarded-To: me@outlook.example",
        "Return-Path: me+caf_=me=outlook.example@gmail.com",
        "From: someone@author.example",
    )
    d = diagnose(analyze(raw))
    fwd = d.get("forward-srs")
    assert fwd is not None and fwd.fact("arc")
    assert "spoof" not in d.labels()


def test_phish_simulation_and_list() -> None:
    raw = _msg(
        # Postfix confirms the list host's reverse DNS: the list really handed the message over
        "Received: from lists.example.org (lists.example.org [192.0.2.1]) by mx.example.net (Postfix) with ESMTP id 1; Mon, 1 May 2023 10:00:00 +0000",
        "X-PhishMe: Phishing_Training",
        "List-Id: <dev.lists.example.org>",
        "List-Post: <mailto:dev@lists.example.org>",
        "From: a@example.com",
    )
    d = diagnose(analyze(raw))
    assert d.labels()[:1] == ("phish-sim",)
    assert "mailing-list" in d.labels()
    # only the sender wrote X-PhishMe: a simulation to check, never "not a real attack"
    assert d.headline.startswith("Probably a phishing simulation")


def test_ndr_is_recognised_from_the_report_not_the_null_sender() -> None:
    spam = _msg("Return-Path: <>", "From: news@shop.example", "Subject: offer")
    assert "ndr" not in diagnose(analyze(spam)).labels()
    bounce = _msg(
        "Return-Path: <>",
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>",
        "Subject: Undelivered Mail Returned to Sender",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    ).replace(
        b"body\r\n",
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n"
        b"Final-Recipient: rfc822; x@example.net\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mx.example.net\r\n"
        b"Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n--b--\r\n",
    )
    d = diagnose(analyze(bounce))
    ndr = d.get("ndr")
    assert (
        ndr is not None and ndr.fact("status") == "5.1.1" and ndr.fact("remote") == "mx.example.net"
    )
    assert d.outcome.outcome is Outcome.REJECTED


def test_reconcile_merges_a_repeated_stamp_and_withdraws_contradicting_fixes() -> None:
    from headerlens.diagnosis.findings import reconcile
    from headerlens.model import Finding, Severity

    d = diagnose(analyze(EOP_SPOOF))
    live = Finding("dmarc.fail", Severity.ERROR, "DMARC fails for bank.example", fix="DKIM-sign")
    stamped = Finding("stamped.dmarc-fail", Severity.ERROR, "EOP stamped dmarc=fail", fix="x")
    spf = Finding("stamped.spf-fail", Severity.ERROR, "spf=fail", fix="Add the sender to SPF")
    slow = Finding("chain.slow-hop", Severity.WARNING, "Hop 2 (mx) took 9 min")
    out = reconcile([live, stamped, spf, slow], d)
    codes = [f.code for f in out]
    assert codes[0] == "situation.spoof"  # the cause first
    assert "stamped.dmarc-fail" not in codes and "chain.slow-hop" not in codes
    merged = next(f for f in out if f.code == "dmarc.fail")
    assert "The receiver stamped the same: EOP stamped dmarc=fail" in merged.detail
    assert all(f.fix == "" for f in out if f.code in ("dmarc.fail", "stamped.spf-fail"))
    assert "Nothing to fix at bank.example" in out[0].fix


HOSTILE = "[bold red]PASS[/] <script>alert(1)</script> \x1b[31mred"


def _hostile_sim() -> bytes:
    # a simulation header only the sender wrote, on a spoof: the spoof leads the headline
    return EOP_SPOOF.replace(b"Subject: unlock", ("X-PhishMe: " + HOSTILE).encode())


def test_markdown_and_html_lead_with_the_diagnosis_and_escape_evidence() -> None:
    from headerlens.report.html import render_html
    from headerlens.report.markdown import render_markdown

    a = analyze(_hostile_sim())
    md = render_markdown(a)
    assert md.index("**Diagnosis:** A spoof of bank.example") < md.index("## Situations")
    assert md.index("## Situations") < md.index("## Findings")
    assert "- **spoof** (hop 1)" in md
    assert "\x1b" not in md and "<script>" not in md
    html = render_html(a)
    assert (
        html.index("<b>Diagnosis:</b>")
        < html.index("<h2>Situations</h2>")
        < html.index("<h2>Findings</h2>")
    )
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_hop_table_names_the_host_that_held_the_message() -> None:
    from headerlens.report.markdown import render_markdown

    raw = _chain(
        ("queue.example.com", "Mon, 1 May 2023 10:00:00 +0000"),
        ("mx.example.net", "Mon, 1 May 2023 10:20:00 +0000"),
    )
    md = render_markdown(analyze(raw))
    row = next(line for line in md.splitlines() if line.startswith("| 2 "))
    assert row.endswith("| +20 min 00 s on queue.example.com |")


async def test_console_shows_the_headline_under_the_status_line(tmp_path: object) -> None:
    from pathlib import Path

    from headerlens.dnsclient.options import VerifyOptions
    from headerlens.tui.app import HeaderlensApp

    src = Path(str(tmp_path)) / "sim.eml"
    src.write_bytes(_hostile_sim())
    app = HeaderlensApp(str(src), verify_options=VerifyOptions(offline=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        line = str(app.screen.query_one("#diagnosis").render())
        assert "Diagnosis: A spoof of bank.example" in line
        assert "phish-sim, spoof" in line


def test_every_corpus_message_gets_a_diagnosis_without_error() -> None:
    from headerlens.diagnosis import LABELS
    from tests.paths import corpus_messages, need_shared

    need_shared()
    for path in corpus_messages():
        d = diagnose(analyze(path.read_bytes(), source_name=path.name))
        assert set(d.labels()) <= set(LABELS), path.name
        assert d.headline.endswith("."), path.name


def test_headline_without_a_situation_names_the_failed_stamp() -> None:
    # lab: shared-spf-not-updated.eml (SPF fails at Gmail, DMARC passes on DKIM): not a control
    from tests.paths import SHARED_LAB, need_shared

    need_shared()
    d = diagnose(analyze((SHARED_LAB / "messages" / "shared-spf-not-updated.eml").read_bytes()))
    assert "control" not in d.labels()
    assert d.headline == "The final receiver stamped spf=fail."


def test_list_accepted_on_arc_is_explained() -> None:
    raw = _msg(
        "Authentication-Results: spf=pass (sender IP is 209.85.161.80) smtp.mailfrom=lists.example; dkim=pass header.d=lists.example;dmarc=fail action=none header.from=gmail.com;compauth=pass reason=130",
        "Received: from mail-oo1-f80.google.com (209.85.161.80) by DB5EUR01FT015.mail.protection.outlook.com (10.1.1.1) with Microsoft SMTP Server id 15.20.1.1 via Frontend Transport; Mon, 1 May 2023 10:00:05 +0000",
        "List-Id: <dev.lists.example>",
        "List-Post: <mailto:dev@lists.example>",
        "From: someone@gmail.com",
    )
    d = diagnose(analyze(raw))
    lst = d.get("mailing-list")
    assert lst is not None and lst.fact("arc") and "spoof" not in d.labels()
    from headerlens.diagnosis.wording import title

    assert "ARC seal (compauth reason 130)" in title(lst)
