"""atheris (libFuzzer) harness: any crash of the pure layers on any bytes is a bug.

One input is analysed in full (splitter, every field parser, the From reader, dates) and
rendered to every export format. Unlike OSS-Fuzz's email target, nothing is swallowed: any
exception at all escapes and libFuzzer saves the input (bad input must become a Defect), and
so does an ``internal.*`` defect, which is what analyze() makes of an exception a field parser
raised. Output must also carry no control bytes. Usage: see fuzz/README.md.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

import atheris  # type: ignore[import-untyped]  # ships no type hints

with atheris.instrument_imports():
    from headerlens.analyze import analyze
    from headerlens.report.html import render_html
    from headerlens.report.json_message import ANALYSIS
    from headerlens.report.json_report import render_json
    from headerlens.report.markdown import render_markdown

_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def internal_codes(node: object) -> Iterator[str]:
    """Codes of the ``internal.*`` defects anywhere in a plain (JSON-shaped) analysis."""
    if isinstance(node, dict):
        code = node.get("code")
        if isinstance(code, str) and code.startswith("internal."):
            yield code
        for value in node.values():
            yield from internal_codes(value)
    elif isinstance(node, list):
        for value in node:
            yield from internal_codes(value)


def test_one_input(data: bytes) -> None:
    """libFuzzer entry point: analyse and render ``data``; raise on any misbehaviour."""
    analysis = analyze(data)
    internal = sorted(set(internal_codes(ANALYSIS.dump(analysis))))
    if internal:
        raise AssertionError(f"a parser raised: {', '.join(internal)}")
    for render in (render_markdown, render_json, render_html):
        out = render(analysis)
        if _RAW_CONTROL.search(out):
            raise AssertionError(f"{render.__name__} emitted a raw control character")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
