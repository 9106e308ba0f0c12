"""The Markdown, HTML and plain-text reports carry the same sections and the same facts, name the
input file without its folders, and print every time in one zone (UTC)."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest

from headerlens.cli import run_report
from tests.dnslab import LabDns
from tests.paths import EXAMPLES, REPO, SHARED, SHARED_LAB, corpus_messages, shared_cases

LAB_MESSAGES = sorted((SHARED_LAB / "messages").glob("*")) or sorted(
    (REPO / "tests" / "data" / "lab" / "messages").iterdir()
)
SNAPSHOTS = sorted(EXAMPLES.glob("*.dns.json"))

# An ISO-style date and time as the reports print them, with whatever zone follows it.
_TIME = re.compile(
    r"(?<!\d)(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d)?)(?:\.\d+)?(Z|[+-]\d\d:?\d\d| UTC| GMT)?"
)
_MD_HEADING = re.compile(r"^(#{1,6}) (.+)$", re.M)
_HTML_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)
_MD_FACT = re.compile(r"^- \*\*([^*]+):\*\* ", re.M)
_HTML_FACT = re.compile(r"<li><b>([^<]+):</b> ")


def _id(p: Path) -> str:
    return str(p.relative_to(SHARED)) if p.is_relative_to(SHARED) else p.name


def _render(fmt: str, *argv: str) -> str:
    out = io.StringIO()
    assert run_report(["--format", fmt, *argv], out) == 0
    return out.getvalue()


def _md_text(s: str) -> str:
    return html.unescape(re.sub(r"\\(.)", r"\1", s)).strip()


def _html_text(s: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", s)).strip()


def _sections(md: str, page: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    md_sections = [(len(m[1]), _md_text(m[2])) for m in _MD_HEADING.finditer(md)]
    html_sections = [
        (int(m[1]), " ".join(_html_text(m[2]).split())) for m in _HTML_HEADING.finditer(page)
    ]
    return md_sections, html_sections


# the input quoted as written ("The date '…' is not in RFC 5322 form")
_QUOTED = re.compile(r"'[^'\n]*'")
_UTC = {"", " UTC", "+00:00", "Z"}  # no zone: a column headed "(UTC)"


def _times(text: str) -> set[tuple[str, str, str]]:
    return {(m[1], m[2], m[3] or "") for m in _TIME.finditer(_QUOTED.sub("", text))}


def _check(argv: list[str], name: str) -> None:
    md, page, text = (_render(fmt, *argv) for fmt in ("md", "html", "text"))
    md_sections, html_sections = _sections(md, page)
    # the same sections, at the same levels, in the same order
    assert md_sections == html_sections
    assert md_sections[0] == (1, f"headerlens report: {name}")
    # plain text is the Markdown rendered: each heading in order (a long one may wrap)
    flat = " ".join(text.split())
    at = 0
    for _, heading in md_sections:
        found = flat.find(" ".join(heading.split()), at)
        assert found >= 0, heading
        at = found + len(heading)
    # the same facts (Subject, From, Date, Input, Hops, Trust boundary...) in both
    assert _MD_FACT.findall(md) == [_html_text(f) for f in _HTML_FACT.findall(page)]
    # every time in UTC: the same instants in Markdown and HTML, none with another zone (the
    # plain text's tables may wrap a cell inside a time: its zones are checked, not its set)
    times = _times(_md_text(md))
    assert times == _times(_html_text(page))
    assert {zone for _, _, zone in times | _times(text)} <= _UTC
    # the file names, never the paths they were given by (the message, a DNS snapshot)
    paths = [arg for arg in argv if "/" in arg and Path(arg).is_file()]
    for out in (md, page, text):
        assert not [p for p in paths if p in out]


@pytest.mark.parametrize("path", LAB_MESSAGES, ids=_id)
def test_lab_messages_offline(path: Path) -> None:
    _check(["--offline", str(path)], path.name)


@pytest.mark.parametrize("path", shared_cases(corpus_messages()), ids=_id)
def test_corpus_messages_offline(path: Path) -> None:
    _check(["--offline", str(path)], path.name)


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=lambda p: p.name)
def test_examples_with_their_dns_snapshots(snapshot: Path) -> None:
    # re-verification tables and, for the bounce, the returned message nested one level down
    message = next(EXAMPLES.glob(snapshot.name.removesuffix(".dns.json") + ".*[lt]"))
    _check(["--dns-snapshot", str(snapshot), str(message)], message.name)


@pytest.mark.dns
@pytest.mark.parametrize("path", LAB_MESSAGES, ids=_id)
def test_lab_messages_over_lab_dns(lab_dns: LabDns, path: Path) -> None:
    _check(["--resolver", f"{lab_dns.host}:{lab_dns.port}", str(path)], path.name)


def test_times_are_utc_and_keep_the_written_offset() -> None:
    from datetime import datetime, timedelta, timezone

    from headerlens.report.words import date_words, utc_time

    plus_one = datetime(2024, 3, 5, 9, 14, 2, tzinfo=timezone(timedelta(hours=1)))
    assert utc_time(plus_one) == "2024-03-05 08:14:02"
    assert date_words(plus_one) == "2024-03-05 08:14:02 UTC (written as +01:00)"
    assert date_words(datetime(2024, 3, 5, 8, 14, 2)) == "2024-03-05 08:14:02 UTC"  # -0000


def test_the_nested_original_is_one_level_down_in_both() -> None:
    ndr = EXAMPLES / "ndr-gmail-unauthenticated.eml"
    md, page = (_render(fmt, "--offline", str(ndr)) for fmt in ("md", "html"))
    md_sections, html_sections = _sections(md, page)
    assert (2, "The returned message, analysed on its own") in md_sections
    after = md_sections[md_sections.index((2, "The returned message, analysed on its own")) + 1 :]
    assert (3, "Findings") in after and (3, "Delivery path (oldest hop first)") in after
    assert md_sections == html_sections
