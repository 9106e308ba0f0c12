"""Unit tests for parsers/dmarcrecord.py version_check(): how a _dmarc TXT text starts (G7)."""

from __future__ import annotations

import pytest

from headerlens.parsers.dmarcrecord import is_dmarc_record, parse_dmarc_record, version_check


@pytest.mark.parametrize(
    ("text", "used", "code"),
    [
        ("v=DMARC1; p=reject", True, ""),  # RFC 7489 §6.3
        ("v=DMARC1", True, ""),  # dmarc-record = dmarc-version [...]: no tag needed after it
        ("v = DMARC1 ; p=none", True, ""),  # equals / dmarc-sep allow *WSP (RFC 9989 grammar)
        ("  v=DMARC1; p=reject", True, "dmarc.record.leading-space"),  # DKIM tag-spec [FWS]
        ("\tv=DMARC1; p=reject", True, "dmarc.record.leading-space"),
        ("V=DMARC1; p=reject", True, "dmarc.record.upper-v"),  # ABNF "v": RFC 5234 §2.3
        ("v=dmarc1; p=reject", False, "dmarc.record.version-case"),  # %s"DMARC1"
        ("V=Dmarc1; p=reject", False, "dmarc.record.version-case"),
        ("v=DMARC2; p=reject", False, "dmarc.record.version"),
        ("v=DMARC10; p=reject", False, "dmarc.record.version"),  # a longer token, not DMARC1
        ("v=DMARC1 p=reject", False, "dmarc.record.version"),  # missing ';'
        ("v=spf1 -all", False, "dmarc.record.version"),  # an SPF record at _dmarc
        ("p=reject; v=DMARC1", False, "dmarc.record.v-not-first"),  # RFC 7489 §6.3
        ("p=reject; rua=mailto:d@example.com", False, "dmarc.record.no-version"),
        ("google-site-verification=abc123", False, ""),  # plainly something else: no note
        ("", False, ""),
    ],
)
def test_version_check(text: str, used: bool, code: str) -> None:
    check = version_check(text)
    assert (check.used, check.code or "") == (used, code)  # code None: nothing to report
    assert bool(check.why) is bool(code)
    assert is_dmarc_record(text) is used


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("v=dmarc1; p=reject", "case-sensitive"),
        ("p=none; v=DMARC1", "not its first tag"),
        ("v=DMARC1 p=reject", "not followed by a semicolon"),
    ],
)
def test_parse_says_why_a_text_is_not_dmarc(text: str, phrase: str) -> None:
    rec = parse_dmarc_record(text)
    assert not rec.valid
    (defect,) = rec.defects
    assert defect.code == "dmarc.record.not-dmarc" and phrase in defect.message


@pytest.mark.parametrize("space", ["\u00a0", "\u2028", "\v"], ids=["nbsp", "line-sep", "vtab"])
def test_only_tag_list_white_space_may_lead(space: str) -> None:
    # review finding: str.lstrip() also strips NBSP, U+2028 and \v, which the tag-list grammar
    # (RFC 6376 §3.2) does not allow; such a record does not start with v=DMARC1
    check = version_check(space + "v=DMARC1; p=reject")
    assert not check.used and check.code
