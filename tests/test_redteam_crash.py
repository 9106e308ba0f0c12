"""Header values of one or two characters that crashed the report.

"List-Id: <>" made ``headerlens report`` exit 70 ("internal error") and left the helpdesk with no
report at all: the sender of any message can write it. Each value here is read as what it is
(an empty or unreadable field), and every report format is still produced.
"""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.cli import main
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.detect_relay import list_identifier
from headerlens.exitcodes import EXIT_OK

D = "Tue, 10 Nov 2026 09:14:09 +0000"
BASE = (
    "Received: from mail.example.org (mail.example.org [198.51.100.7]) by mx.fabrikam.com "
    f"(Postfix) with ESMTP id 4QxyZ1; {D}\r\n"
    "From: Ann <ann@example.org>\r\nTo: ap@fabrikam.com\r\nSubject: [dev] hello\r\n"
    f"Date: {D}\r\nMessage-ID: <m1@example.org>\r\n"
)
LIST_IDS = ["<", "<>", " < ", "<<", ">", "<> <>", "Developers <>", "< >"]


@pytest.mark.parametrize("value", LIST_IDS)
def test_a_degenerate_list_id_is_no_crash(value: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    raw = f"{BASE}List-Id: {value}\r\nPrecedence: list\r\n\r\nHi.\r\n"
    diagnose(analyze(raw.encode()))
    path = tmp_path / "m.eml"
    path.write_text(raw)
    for fmt in ("text", "md", "json", "html", "summary"):
        assert main(["report", "--offline", "--format", fmt, str(path)]) == EXIT_OK, fmt


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("Developers <dev.lists.example.org>", ("dev", "lists.example.org")),
        ("<dev.lists.example.org>", ("dev", "lists.example.org")),
        ("dev.lists.example.org", ("dev", "lists.example.org")),
        ("<solo>", ("solo", "solo")),
        ("<>", ("", "")),
        (None, ("", "")),
    ],
)
def test_list_identifier_reads_rfc_2919(value: str | None, parts: tuple[str, str]) -> None:
    assert list_identifier(value) == parts


def test_the_subject_tag_of_a_list_id_with_a_phrase_is_read() -> None:
    # the list's name was read as "<dev" from "Developers <dev.…>", so its [dev] tag never matched
    raw = f"{BASE}List-Id: Developers <dev.lists.example.org>\r\n\r\nHi.\r\n"
    d = diagnose(analyze(raw.encode()))
    sit = next(s for s in d.situations if s.label == "mailing-list")
    assert "Subject tag [dev]" in sit.evidence
