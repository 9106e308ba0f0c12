"""Who wrote each header field (parsers/provenance): only the final receiving organisation's
fields are its verdicts; copies, outbound scans and the sender's own stamps are shown for what
they are (issue 11)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis.findings_build import stamped_findings
from headerlens.model import Analysis, Author, Severity
from headerlens.report.markdown import render_markdown
from headerlens.stamped import final_receiver_results, stamped

DATE = "Tue, 10 Nov 2026 09:14:09 +0000"
EOP_TOP = (
    "Received: from BN0PR04CA0085.namprd04.prod.outlook.com (2603:10b6:408:ea::30) by "
    "PH0PR19MB7494.namprd19.prod.outlook.com (2603:10b6:510:28d::20) with Microsoft SMTP Server "
    f"id 15.20.7452.28; {DATE}\r\n"
    "Received: from BN8NAM04FT006.eop-NAM04.prod.protection.outlook.com "
    "(2603:10b6:408:ea:cafe::f2) by BN0PR04CA0085.outlook.office365.com (2603:10b6:408:ea::30) "
    f"with Microsoft SMTP Server id 15.20.7452.28; {DATE}\r\n"
)
EOP_ENTRY = (
    "Received: from mail.sender.example (198.51.100.20) by "
    "BN8NAM04FT006.mail.protection.outlook.com (10.13.160.240) with Microsoft SMTP Server id "
    f"15.20.7452.28 via Frontend Transport; {DATE}\r\n"
)
SENDER_HOP = (
    "Received: from pc.sender.example ([10.0.0.5]) by mail.sender.example (Postfix) with ESMTP "
    f"id 4Q1; {DATE}\r\n"
)
ORIGINAL = (
    "From: a@sender.example\r\nTo: b@fabrikam.com\r\nSubject: hello\r\n"
    f"Date: {DATE}\r\nMessage-ID: <1@sender.example>\r\n"
)


def _author(a: Analysis, name: str, nth: int = 0) -> Author:
    fields = [f for f in a.headers if f.lname == name.lower()]
    found = a.provenance.of(fields[nth].index)
    assert found is not None
    return found.author


def test_sender_outbound_scan_is_not_the_recipients_verdict() -> None:
    # The sending tenant's outbound scan (renamed -Untrusted, and DIR:OUT) rated it spam; the
    # receiving organisation's own verdict (at the bottom, as Exchange Online writes it) is SCL 1.
    raw = (
        EOP_TOP + "Authentication-Results: spf=pass (sender IP is 198.51.100.20) "
        "smtp.mailfrom=sender.example; dkim=none; dmarc=pass action=none "
        "header.from=sender.example;compauth=pass reason=100\r\n"
        + EOP_ENTRY
        + SENDER_HOP
        + ORIGINAL
        + "X-Forefront-Antispam-Report-Untrusted: CIP:10.0.0.5;CTRY:;LANG:en;SCL:8;SRV:;"
        "IPV:NLI;SFV:SPM;H:pc.sender.example;CAT:SPM;DIR:OUT;SFP:1501;\r\n"
        "X-Forefront-Antispam-Report: CIP:10.0.0.5;CTRY:;LANG:en;SCL:9;SRV:;IPV:NLI;SFV:SPM;"
        "H:pc.sender.example;CAT:SPM;DIR:OUT;SFP:1501;\r\n"
        "X-MS-Exchange-Organization-SCL: 1\r\n"
        "X-Forefront-Antispam-Report: CIP:198.51.100.20;CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;"
        "SFV:NSPM;H:mail.sender.example;PTR:mail.sender.example;CAT:NONE;DIR:INB;\r\n"
        "\r\nbody\r\n"
    )
    a = analyze(raw.encode())
    assert _author(a, "X-Forefront-Antispam-Report-Untrusted") is not Author.FINAL_RECEIVER
    assert _author(a, "X-Forefront-Antispam-Report", 0) is Author.SENDER  # DIR:OUT
    assert _author(a, "X-Forefront-Antispam-Report", 1) is Author.FINAL_RECEIVER
    assert _author(a, "X-MS-Exchange-Organization-SCL") is Author.FINAL_RECEIVER
    findings = stamped_findings(a)
    # no warning or error says the message is spam: the SCL 8/9 readings are the sender's
    alarming = [f for f in findings if f.severity is not Severity.INFO and "SCL" in f.title]
    assert alarming == []
    spam = [f for f in findings if "Spam confidence level" in f.title]
    assert spam and all("not the receiving organisation" in f.title for f in spam)
    assert any("sending side" in f.title for f in spam)


def test_forged_mailbox_delivery_copy_below_the_real_one() -> None:
    # A copy (or forgery) of Microsoft's delivery header carried in the message says Inbox on a
    # Safe Senders list; the receiver's own one, appended last, says Junk.
    raw = (
        EOP_TOP
        + EOP_ENTRY
        + "X-Microsoft-Antispam-Mailbox-Delivery: wl:1;pcwl:1;dest:I;OFR:TrustedSenderList;\r\n"
        + ORIGINAL
        + "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterAuthJ;\r\n"
        "\r\nbody\r\n"
    )
    a = analyze(raw.encode())
    assert _author(a, "X-Microsoft-Antispam-Mailbox-Delivery", 0) is not Author.FINAL_RECEIVER
    assert _author(a, "X-Microsoft-Antispam-Mailbox-Delivery", 1) is Author.FINAL_RECEIVER
    titles = [f.title for f in stamped_findings(a) if f.severity is not Severity.INFO]
    assert any("Destination folder J" in t for t in titles)
    assert not any("TrustedSenderList" in t or "Destination folder I" in t for t in titles)


def test_final_receiver_that_stamped_nothing_says_so() -> None:
    # The receiver (Postfix, no milter) wrote no verdict; the only Authentication-Results is the
    # sending tenant's outbound one, just below the receiver's Received line (with no identity).
    raw = (
        "Received: from mail-eopbgr.outbound.protection.outlook.com (mail-eopbgr.outbound"
        ".protection.outlook.com [40.107.22.33]) by mx.fabrikam.com (Postfix) with ESMTPS id "
        f"4Q9; {DATE}\r\n"
        "Authentication-Results: dkim=none (message not signed) header.d=none;dmarc=none "
        "action=none header.from=contoso.com;\r\n"
        "Received: from AM6PR01MB1234.eurprd01.prod.outlook.com (2603:10a6:20b:1::1) by "
        "AM6PR01MB5678.eurprd01.prod.outlook.com (2603:10a6:20b:1::2) with Microsoft SMTP Server "
        f"id 15.20.7452.28; {DATE}\r\n" + ORIGINAL + "\r\nbody\r\n"
    )
    a = analyze(raw.encode())
    assert final_receiver_results(a) == ()
    assert stamped(a, "dmarc") is None
    assert _author(a, "Authentication-Results") is Author.SENDER
    codes = {f.code for f in stamped_findings(a)}
    assert "stamped.none-by-receiver" in codes
    md = render_markdown(a)
    assert "**Final receiver stamped:** nothing" in md
    assert "written by the sending side" in md


def test_sender_side_received_spf_does_not_choose_the_boundary() -> None:
    # A forwarder's Received-SPF (Gmail's, carried below every Received line) names the first
    # hop's client; the final receiver accepted the message from the forwarder.
    raw = (
        "Received: from mail-ej1-f41.google.com (mail-ej1-f41.google.com [209.85.218.41]) by "
        f"mx.fabrikam.com (Postfix) with ESMTPS id 4QA; {DATE}\r\n"
        f"Received: by 2002:a17:906:6895:b0:a23:2eae:93ab with SMTP id n21csp1; {DATE}\r\n"
        "Received: from esa13.out.iphmx.com (esa13.out.iphmx.com. [216.71.159.23]) by "
        f"mx.google.com with ESMTPS id e7; {DATE}\r\n"
        + ORIGINAL
        + "Received-SPF: pass (google.com: domain of a@sender.example designates 216.71.159.23 "
        "as permitted sender) client-ip=216.71.159.23;\r\n"
        "\r\nbody\r\n"
    )
    a = analyze(raw.encode())
    b = a.chain.boundary
    assert b is not None
    assert (b.hop_number, b.ip) == (3, "209.85.218.41")
    assert _author(a, "Received-SPF") is not Author.FINAL_RECEIVER


def test_mailbox_retrieval_is_never_the_smtp_boundary() -> None:
    # fetchmail fetched the message from Gmail over POP3: the SMTP entry is Gmail's MX below.
    raw = (
        "Received: from pop.gmail.com [74.125.206.109] by localhost with POP3 "
        f"(fetchmail-6.4.37) for <me@localhost> (single-drop); {DATE}\r\n"
        f"Received: by 2002:a05:6402:1234:b0:5c1:aaaa:bbbb with SMTP id x1csp123; {DATE}\r\n"
        "Received: from mail.sender.example (mail.sender.example. [198.51.100.20]) by "
        f"mx.google.com with ESMTPS id abc; {DATE}\r\n" + SENDER_HOP + ORIGINAL + "\r\nbody\r\n"
    )
    a = analyze(raw.encode())
    b = a.chain.boundary
    assert b is not None
    assert (b.receiver, b.ip) == ("mx.google.com", "198.51.100.20")


def test_local_submissions_are_not_network_entries() -> None:
    # Exim "with local", Postfix "from userid", Gmail web "with HTTPREST": no client to replay SPF
    # for; the boundary is the next hop that came over the network.
    for local in (
        f"Received: from user by host.sender.example with local (Exim 4.96) id 1q; {DATE}\r\n",
        f"Received: by host.sender.example (Postfix, from userid 1000) id 4QB; {DATE}\r\n",
        f"Received: from 1234567 named unknown by gmailapi.google.com with HTTPREST; {DATE}\r\n",
    ):
        raw = (
            "Received: from host.sender.example (host.sender.example [198.51.100.30]) by "
            f"mx.fabrikam.com (Postfix) with ESMTPS id 4QC; {DATE}\r\n" + local + ORIGINAL + "\r\n"
        )
        b = analyze(raw.encode()).chain.boundary
        assert b is not None and b.ip == "198.51.100.30", local
        alone = analyze((local + ORIGINAL + "\r\n").encode()).chain.boundary
        assert alone is None or alone.ip is None, local


def test_received_lines_below_the_boundary_are_the_sending_sides() -> None:
    raw = EOP_TOP + EOP_ENTRY + SENDER_HOP + ORIGINAL + "\r\nbody\r\n"
    a = analyze(raw.encode())
    authors = [a.provenance.of(h.header_index) for h in a.chain.hops]
    assert [x.author if x else None for x in authors] == [
        Author.SENDER,
        Author.FINAL_RECEIVER,
        Author.FINAL_RECEIVER,
        Author.FINAL_RECEIVER,
    ]
    assert _author(a, "From") is Author.SENDER


def test_an_organisation_that_received_and_resent_is_an_intermediary() -> None:
    # a list host (Postfix at lists.example.org) received the message from the author's server
    # and re-sent it to the receiver: its lines are an intermediary's, the author's the sender's
    raw = (
        "Received: from lists.example.org (lists.example.org [198.51.100.40]) by mx.fabrikam.com "
        f"(Postfix) with ESMTPS id 4QD; {DATE}\r\n"
        "Received: from lists.example.org (localhost [127.0.0.1]) by lists.example.org (Postfix) "
        f"with ESMTP id 4QE; {DATE}\r\n"
        "X-Spam-Status: No, score=0.1\r\n"
        "Received: from mail.sender.example (mail.sender.example [198.51.100.20]) by "
        f"lists.example.org (Postfix) with ESMTPS id 4QF; {DATE}\r\n"
        + SENDER_HOP
        + ORIGINAL
        + "\r\n"
    )
    a = analyze(raw.encode())
    authors = {h.number: a.provenance.of(h.header_index) for h in a.chain.hops}
    assert [authors[n].author if authors[n] else None for n in (1, 2, 3, 4)] == [
        Author.SENDER,
        Author.INTERMEDIARY,
        Author.INTERMEDIARY,
        Author.FINAL_RECEIVER,
    ]
    assert _author(a, "X-Spam-Status") is Author.INTERMEDIARY


def test_the_author_of_a_forged_line_is_shown_inert() -> None:
    # the writer named for a field below the boundary is the sender's text: a by-host carrying
    # console markup and an escape sequence stays literal in the report and the console
    from headerlens.tui.detail import describe
    from headerlens.tui.hoptree import NodeRef

    hostile = "[@click=app.quit]x\x1b]52;c;cHdu\x07.example"
    raw = (
        "Received: from mail.sender.example (mail.sender.example [198.51.100.20]) by "
        f"mx.fabrikam.com (Postfix) with ESMTPS id 4QG; {DATE}\r\n"
        "X-Forefront-Antispam-Report: CIP:10.0.0.5;SCL:9;SFV:SPM;CAT:SPM;\r\n"
        f"Received: from pc ([10.0.0.5]) by {hostile} with ESMTP id 1; {DATE}\r\n"
        f"Received: from pc2 ([10.0.0.6]) by pc (Postfix) with ESMTP id 0; {DATE}\r\n"
        + ORIGINAL
        + "\r\n"
    )
    a = analyze(raw.encode())
    field = next(f for f in a.headers if f.lname == "x-forefront-antispam-report")
    author = a.provenance.of(field.index)
    assert author is not None and author.author is not Author.FINAL_RECEIVER
    assert author.writer is not None and "[@click" in author.writer
    md = render_markdown(a)
    assert "\x1b" not in md and "\x07" not in md
    assert "[@click" not in md  # escaped as \[@click
    text = describe(NodeRef("vendor", None, field.index, None), a)
    assert "\x1b" not in text.plain and "\x07" not in text.plain
    assert "[@click=app.quit]" in text.plain  # shown literally, never read as markup
    assert not any("click" in str(span.style) for span in text.spans)


def test_the_senders_on_premises_imsva_verdict_is_the_senders() -> None:
    # the sender's own Trend Micro IMSVA rated it spam (X-TM-AS-Result Yes) before it left; the
    # receiver (Exchange Online) wrote SCL 1: nothing says the recipient filed it as spam
    raw = (
        EOP_TOP
        + EOP_ENTRY
        + "X-TM-AS-Result: Yes-5.339-5.0-31-1\r\n"
        + "Received: from exch.sender.example (10.0.0.7) by IMSVA01.sender.example (10.0.0.8) "
        f"with ESMTP id 1; {DATE}\r\n"
        + SENDER_HOP
        + ORIGINAL
        + "X-TMASE-Result: 10-5.534000-4.000000\r\n"
        + "X-MS-Exchange-Organization-SCL: 1\r\n"
        "\r\nbody\r\n"
    )
    a = analyze(raw.encode())
    assert _author(a, "X-TM-AS-Result") is Author.SENDER
    assert _author(a, "X-TMASE-Result") is Author.UNKNOWN  # below every Received line
    findings = stamped_findings(a)
    assert not [f for f in findings if f.severity is not Severity.INFO]
    tm = [f for f in findings if f.header_index is not None and "X-TM" in f.title]
    assert tm and all("not the receiving organisation" in f.title for f in tm)
