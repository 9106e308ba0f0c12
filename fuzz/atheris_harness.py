"""atheris (libFuzzer) harness: any crash of the pure layers on any bytes is a bug.

One input is analysed in full (splitter, every field parser, the From reader, dates) and
rendered to every export format. Unlike OSS-Fuzz's email target, nothing is swallowed: any
exception at all escapes and libFuzzer saves the input (bad input must become a Defect).
Output must also carry no control bytes. Usage: see fuzz/README.md.
"""

from __future__ import annotations

import re
import sys

import atheris  # type: ignore[import-untyped]  # ships no type hints

with atheris.instrument_imports():
    from headerlens.analyze import analyze
    from headerlens.report.html import render_html
    from headerlens.report.json_report import render_json
    from headerlens.report.markdown import render_markdown

_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_one_input(data: bytes) -> None:
    """libFuzzer entry point: analyse and render ``data``; raise on any misbehaviour."""
    analysis = analyze(data)
    for render in (render_markdown, render_json, render_html):
        out = render(analysis)
        if _RAW_CONTROL.search(out):
            raise AssertionError(f"{render.__name__} emitted a raw control character")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
