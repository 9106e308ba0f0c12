"""Pasted header blocks in the shapes people paste them still re-verify (DKIM, ARC)."""

from __future__ import annotations

import asyncio

import pytest

from headerlens.analyze import analyze
from headerlens.evaluators.verify import signed_bytes, verify
from tests.labverify import LoggingMemoryResolver
from tests.paths import EXAMPLES

EOP = (EXAMPLES / "eop-to-gmail-pass.eml").read_bytes()


@pytest.mark.parametrize(
    "data",
    [
        EOP,
        b"\n\n" + EOP,  # blank lines before a paste
        b"    " + EOP,  # first line indented by the paste
        b"Microsoft Mail Internet Headers Version 2.0\r\n" + EOP,  # Outlook's first line
    ],
    ids=["as-is", "leading-blank-lines", "indented-first-line", "outlook-prefix-line"],
)
def test_pasted_shapes_verify_like_the_original(data: bytes) -> None:
    analysis = analyze(data)
    v = asyncio.run(verify(analysis, LoggingMemoryResolver()))
    assert [d.result.value for d in v.dkim] == ["pass"]
    assert v.arc is not None and v.arc.result.value == "pass"
    assert v.dmarc is not None and v.dmarc.aligned_methods == ("spf", "dkim")


def test_plain_message_is_not_copied() -> None:
    analysis = analyze(EOP)
    assert signed_bytes(analysis) is analysis.raw


def test_summary_scan_does_not_copy_a_long_line() -> None:
    # the Gmail-summary scan sliced its first 40 lines whole: a 5 MB line near the top was
    # copied (2x the input in memory for a message at the cap)
    import tracemalloc

    data = b"From: a@example.com\r\nSubject: x\r\n\r\n" + b"x" * 5_000_000 + b"\r\n"
    tracemalloc.start()
    try:
        analyze(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < len(data) // 2, f"{peak:,} bytes allocated for {len(data):,}"
