"""Splitting raw input into header fields and body (parsers/headers.py)."""

from __future__ import annotations

import pytest

from headerlens.parsers.headers import split_message, unfold


def test_crlf_message_keeps_exact_bytes() -> None:
    # RFC 5322 §2.2.3 folding; DKIM needs the raw bytes of each field untouched (RFC 6376 §3.4.1)
    data = b"Subject: hello\r\n  world\r\nFrom: a@b.example\r\n\r\nbody\r\n"
    s = split_message(data)
    assert [f.name for f in s.fields] == ["Subject", "From"]
    assert s.fields[0].raw == b"Subject: hello\r\n  world\r\n"
    assert s.fields[0].value == "hello  world"
    assert s.header_bytes == b"Subject: hello\r\n  world\r\nFrom: a@b.example\r\n"
    assert s.body == b"body\r\n"
    assert b"".join(f.raw for f in s.fields) == s.header_bytes


def test_header_only_paste_has_no_body() -> None:
    s = split_message(b"Received: from a by b; Tue, 10 Nov 2026 09:14:08 -0800\nSubject: x\n")
    assert s.body is None
    assert len(s.fields) == 2


def test_empty_body_is_not_header_only() -> None:
    s = split_message(b"Subject: x\n\n")
    assert s.body == b""


@pytest.mark.parametrize(
    "data",
    [
        b"\n\n  \nSubject: x\nFrom: y\n",  # blank lines before a paste
        b"    Subject: x\nFrom: y\n",  # first line indented by the paste
        b"From MAILER-DAEMON Tue Nov 10 09:14:08 2026\nSubject: x\nFrom: y\n",  # mbox separator
    ],
    ids=["leading-blank-lines", "indented-first-line", "mbox-from-line"],
)
def test_paste_tolerance(data: bytes) -> None:
    s = split_message(data)
    assert [f.name for f in s.fields] == ["Subject", "From"]
    assert s.fields[0].value == "x"


def test_stray_line_is_a_defect_not_a_crash() -> None:
    s = split_message(b"Subject: x\nthis is not a header\nFrom: y\n")
    assert [f.name for f in s.fields] == ["Subject", "From"]
    assert any(d.code == "input.stray-line" for d in s.defects)


def test_quoted_forward_does_not_crash() -> None:
    # '>'-quoted forwarded headers are out of scope, but must not crash
    s = split_message(b"> Received: from a by b\n> Subject: x\n")
    assert s.fields == ()
    assert s.defects


def test_invalid_utf8_is_replaced_in_value_but_raw_kept() -> None:
    s = split_message(b"Subject: caf\xe9\n\n")
    assert s.fields[0].value == "caf\ufffd"
    assert s.fields[0].raw == b"Subject: caf\xe9\n"


def test_unfold_lone_cr_and_lf() -> None:
    assert unfold("a\r\n b\n\tc") == "a b\tc"


@pytest.mark.parametrize("eol", [b"\r\n", b"\n"])
def test_a_blanks_only_line_inside_a_folded_field_is_folding_not_the_end(eol: bytes) -> None:
    # SpamAssassin's report (SourceForge's list servers among others) writes lines holding only a
    # space between its paragraphs: obs-FWS, RFC 5322 §4.2. The fields below it were lost.
    lines = [
        b"Received: from lists.example.net by mx.example.org; Mon, 7 Dec 2026 09:00:00 +0000",
        b"X-Spam-Report: Spam detection software, running on the system lists.example.net,",
        b" ",
        b" Content analysis details:   (0.5 points, 5.0 required)",
        b" ",
        b"  pts rule name              description",
        b"List-Id: <users.lists.example.net>",
        b"Subject: hello",
        b"",
        b"Body text.",
    ]
    split = split_message(eol.join(lines))
    names = [f.name for f in split.fields]
    assert names == ["Received", "X-Spam-Report", "List-Id", "Subject"]
    assert "Content analysis details" in split.fields[1].value
    assert split.body == b"Body text."


def test_a_blanks_only_line_before_unindented_text_still_ends_the_header() -> None:
    split = split_message(b"Subject: hi\n  \nHello there,\nsecond line\n")
    assert [f.name for f in split.fields] == ["Subject"]
    assert split.body is not None and split.body.startswith(b"Hello there")
