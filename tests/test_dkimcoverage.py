"""Tests for parsers/dkimcoverage.py: which header instances h= covers (RFC 6376 §5.4.2)."""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.model.core import Severity
from headerlens.model.verdicts import HeaderCoverage
from headerlens.parsers.dkimcoverage import (
    coverage_entry,
    header_coverage,
    unsigned_instance_defects,
)

# A typical delivered message: trace fields on top, then the signature, then the content.
FIELDS = ["Received", "Subject", "Received", "DKIM-Signature", "From", "To", "Subject", "Date"]


@pytest.mark.parametrize(
    ("h", "expected"),
    [
        # each name once: the bottom-most instance is signed, a Subject added above is not
        (
            ["from", "subject"],
            [HeaderCoverage("from", 1, (4,)), HeaderCoverage("subject", 1, (6,), (1,))],
        ),
        # listed twice: both Subjects signed, bottom-up (RFC 6376 §5.4.2)
        (["subject", "subject"], [HeaderCoverage("subject", 2, (1, 6))]),
        # over-signing: more listings than instances assert the rest absent
        (
            ["from", "from", "reply-to"],
            [
                HeaderCoverage("from", 2, (4,), (), 1),
                HeaderCoverage("reply-to", 1, (), (), 1),
            ],
        ),
        # names are case-insensitive and keep h= order; blanks in h= are ignored
        ([" Date", "TO", ""], [HeaderCoverage("date", 1, (7,)), HeaderCoverage("to", 1, (5,))]),
        # Received listed once: only the bottom-most trace line is covered
        (["received"], [HeaderCoverage("received", 1, (2,), (0,))]),
    ],
    ids=["singletons", "listed-twice", "oversigned", "case-and-order", "received"],
)
def test_header_coverage(h: list[str], expected: list[HeaderCoverage]) -> None:
    assert header_coverage(FIELDS, h, signature_index=3) == tuple(expected)


def test_the_signature_itself_is_not_an_instance() -> None:
    # RFC 6376 §5.4: the signature being verified is hashed last, on its own; a dkim-signature
    # listed in h= covers the other (older) signature below it
    fields = ["DKIM-Signature", "DKIM-Signature", "From"]
    assert header_coverage(fields, ["dkim-signature", "from"], signature_index=0) == (
        HeaderCoverage("dkim-signature", 1, (1,)),
        HeaderCoverage("from", 1, (2,)),
    )


def test_unsigned_singletons_are_flagged_trace_fields_are_not() -> None:
    # catalogue D11: "unsigned instance of signed header" for From/Subject/To..., not Received
    cover = header_coverage(FIELDS, ["from", "subject", "received"], signature_index=3)
    (defect,) = unsigned_instance_defects(cover, "d=example.com s=sel")
    assert defect.code == "dkim.unsigned-instance" and defect.severity is Severity.WARNING
    assert "subject at header #1" in defect.message and "signs only #6" in defect.message
    assert "d=example.com s=sel" in defect.message


def test_an_absent_name_has_nothing_unsigned() -> None:
    # a listing with no instance present asserts absence (over-signing): nothing to report
    assert unsigned_instance_defects([HeaderCoverage("reply-to", 1, (), (), 1)], "x") == ()


@pytest.mark.parametrize(
    ("cover", "text"),
    [
        (HeaderCoverage("from", 1, (24,)), "from #24"),
        (HeaderCoverage("from", 1, (24,), (0,)), "from #24 (UNSIGNED #0)"),
        (HeaderCoverage("from", 2, (24,), (), 1), "from #24 (+1 absent)"),
        (HeaderCoverage("reply-to", 1, (), (), 1), "reply-to absent"),
        (HeaderCoverage("subject", 2, (1, 6)), "subject #1 #6"),
    ],
    ids=["signed", "unsigned", "oversigned", "absent", "two"],
)
def test_coverage_entry(cover: HeaderCoverage, text: str) -> None:
    assert coverage_entry(cover) == text


async def test_map_is_shown_in_the_reports_and_the_auth_panel() -> None:
    # catalogue D11: the per-signature map reaches the Markdown / HTML / JSON reports and the console,
    # inert (a hostile h= name must not format anything)
    from headerlens.evaluators.dkim import verify_dkim
    from headerlens.model.verification import Verification, VerifyMode
    from headerlens.report.html import render_html
    from headerlens.report.json_report import report_dict
    from headerlens.report.markdown import render_markdown
    from headerlens.tui.authpanel import auth_text
    from tests.test_dkim_verify import _MSG, LAB_NOW, RECEIPT, _resolver, sign

    raw = b"Subject: URGENT\r\n" + sign(_MSG, "", h="from:to:subject:date:x-[b]*evil*")
    verdicts = await verify_dkim(
        raw, has_body=True, resolver=_resolver(), receipt_time=RECEIPT, now=LAB_NOW
    )
    v = Verification(VerifyMode.LIVE, "memory", done=True, dkim=verdicts)
    a = analyze(raw)
    md = render_markdown(a, v)
    assert "h= covers (header #): from #2, to #3, subject #4 (UNSIGNED #0)" in md
    assert "x-\\[b\\]\\*evil\\* absent" in md
    page = render_html(a, v)
    assert "h= covers (header #): from #2, to #3, subject #4 (UNSIGNED #0)" in page
    assert "x-[b]*evil* absent" in page  # HTML-escaped text, no markup of its own
    doc = report_dict(a, v)
    cover = doc["verification"]["dkim"][0]["coverage"]
    assert cover[2] == {
        "name": "subject",
        "listed": 1,
        "signed": [4],
        "unsigned": [0],
        "absent_asserted": 0,
    }
    panel = auth_text(a, v).plain
    assert "h= covers (header #): from #2, to #3, subject #4 (UNSIGNED #0)" in panel
    assert "x-[b]*evil* absent" in panel  # shown literally, never parsed as markup


async def test_no_map_when_dkimpy_splits_the_header_differently() -> None:
    # review finding: a bare CR inside a field makes dkimpy and our splitter number the fields
    # differently; a map with dkimpy's numbers would point at the wrong fields, so it is left
    # out and the verdict says why
    from headerlens.evaluators.dkim import verify_dkim
    from tests.test_dkim_verify import _MSG, LAB_NOW, RECEIPT, _resolver, sign

    raw = b"Received: x\r\nSubject: evil\rSubject: orig\r\n" + sign(_MSG, "")
    names = [h.name for h in analyze(raw).headers]
    (same,) = await verify_dkim(
        raw, has_body=True, resolver=_resolver(), receipt_time=RECEIPT, now=LAB_NOW
    )
    (checked,) = await verify_dkim(
        raw,
        has_body=True,
        resolver=_resolver(),
        receipt_time=RECEIPT,
        now=LAB_NOW,
        field_names=names,
    )
    assert same.coverage  # without our view, dkimpy's own numbering is all there is
    assert checked.coverage == ()
    assert "dkim.header-view-differs" in {f.code for f in checked.findings}
    assert checked.result is same.result  # the verdict itself does not change
