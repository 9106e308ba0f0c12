"""Folded lines that lost their indentation are joined to their field, with an input warning."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.parsers.headers import split_message
from headerlens.report.markdown import render_markdown
from tests.paths import CORPUS, need_shared


def names_and_codes(raw: bytes) -> tuple[list[str], list[str]]:
    split = split_message(raw)
    return [f.name for f in split.fields], [d.code for d in split.defects]


def test_empty_field_followed_by_its_value_at_column_0() -> None:
    raw = (
        b"X-Microsoft-Antispam-Mailbox-Delivery:\n"
        b"abwl:0;wl:0;pcwl:0;kl:0;dwl:0;dkl:0;rwl:0;ucf:0;jmr:0;ex:0;auth:1;dest:I;\n"
        b"Subject: hello\n\nbody\n"
    )
    split = split_message(raw)
    assert [f.name for f in split.fields] == ["X-Microsoft-Antispam-Mailbox-Delivery", "Subject"]
    assert split.fields[0].value.startswith("abwl:0;wl:0;")
    assert "input.unindented-continuation" in [d.code for d in split.defects]
    # the vendor decoder then reads the verdict it carries
    a = analyze(raw)
    delivery = next(v for v in a.vendor_headers if v.header_name.endswith("Mailbox-Delivery"))
    assert "dest:I" in (delivery.summary or "")


def test_received_continuation_starting_with_a_parenthesis() -> None:
    raw = (
        b"Received: from CY1NAM02HT141.eop-nam02.prod.protection.outlook.com\n"
        b"(2603:1096:100:41::31) by SLXP216MB0381.KORP216.PROD.OUTLOOK.COM with HTTPS\n"
        b"    via SL2PR01CA0019.APCPRD01.PROD.EXCHANGELABS.COM; Wed, 17 Apr 2019 05:44:55\n"
        b"    +0000\n"
        b"From: a@example.org\n\n"
    )
    names, codes = names_and_codes(raw)
    assert names == ["Received", "From"]
    assert "input.unindented-continuation" in codes
    hop = analyze(raw).chain.hops[0]
    assert hop.received.by == "SLXP216MB0381.KORP216.PROD.OUTLOOK.COM"
    assert hop.received.from_ip == "2603:1096:100:41::31"
    assert hop.received.timestamp is not None


def test_a_real_field_after_an_empty_one_is_not_joined() -> None:
    # An empty Subject is legal; the From below it is a field of its own.
    names, codes = names_and_codes(b"Subject:\nFrom: a@example.org\nX-Mailer: x\n\n")
    assert names == ["Subject", "From", "X-Mailer"]
    assert "input.unindented-continuation" not in codes


def test_a_one_word_field_after_a_complete_value_is_not_joined() -> None:
    names, codes = names_and_codes(b"X-Spam-Score: 3.2\nImportance: high\nFoo: bar\n\n")
    assert names == ["X-Spam-Score", "Importance", "Foo"]
    assert "input.unindented-continuation" not in codes


def test_markdown_shows_the_receivers_comment() -> None:
    raw = (
        b"Authentication-Results: mx.example.com; dkim=fail (body hash did not verify)"
        b" header.d=example.org; dmarc=pass (test mode) header.from=example.org\n"
        b"From: a@example.org\n\n"
    )
    text = render_markdown(analyze(raw))
    assert "body hash did not verify" in text
    assert "test mode" in text


def test_real2_ndr_has_no_field_named_after_a_value() -> None:
    # corpus: real2/ndr-outlookcom-5.1.1-nonindented-continuation-lines.eml (read, not copied)
    need_shared()
    path = CORPUS / "real2" / "ndr-outlookcom-5.1.1-nonindented-continuation-lines.eml"
    a = analyze(path.read_bytes())
    names = {h.name for h in a.headers}
    assert not names & {"abwl", "BCL", "(2603"}
    assert all(h.received.by for h in a.chain.hops)
    assert sum(d.code == "input.unindented-continuation" for d in a.defects) == 3


def test_an_empty_one_word_field_after_an_empty_field_is_a_field() -> None:
    # Outlook writes "X-MS-TNEF-Correlator:" and "msip_labels:" empty, one after the other
    # (real2 control-outlookcom-to-gmail-...): two fields, not one joined.
    from headerlens.parsers.headers import split_message

    data = (
        b"X-MS-Has-Attach: yes\r\nX-MS-TNEF-Correlator:\r\nmsip_labels:\r\n"
        b"x-ms-publictraffictype: Email\r\n\r\nbody\r\n"
    )
    split = split_message(data)
    assert [f.name for f in split.fields] == [
        "X-MS-Has-Attach",
        "X-MS-TNEF-Correlator",
        "msip_labels",
        "x-ms-publictraffictype",
    ]
    assert not [d for d in split.defects if d.code == "input.unindented-continuation"]
