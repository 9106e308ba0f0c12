"""One entry point for every export format, shared by ``headerlens report`` and the console."""

from __future__ import annotations

from headerlens.model import Analysis
from headerlens.model.verification import Verification

SUFFIX = {"md": ".md", "json": ".json", "html": ".html"}


def render(analysis: Analysis, verification: Verification | None, fmt: str) -> str:
    """The findings summary in ``fmt`` ("md", "json" or "html")."""
    if fmt == "json":
        from headerlens.report.json_report import render_json

        return render_json(analysis, verification)
    if fmt == "html":
        from headerlens.report.html import render_html

        return render_html(analysis, verification)
    if fmt == "md":
        from headerlens.report.markdown import render_markdown

        return render_markdown(analysis, verification)
    raise ValueError(f"unknown format {fmt!r}")
