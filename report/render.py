"""One entry point for every export format, shared by ``headerlens report`` and the console."""

from __future__ import annotations

from headerlens.model import Analysis
from headerlens.model.verification import Verification

SUFFIX = {"md": ".md", "json": ".json", "html": ".html", "text": ".txt", "summary": ".summary.txt"}


def render(analysis: Analysis, verification: Verification | None, fmt: str) -> str:
    """The findings summary in ``fmt`` ("md", "json", "html" or "text"), or the short ticket
    summary ("summary")."""
    from headerlens.parsers.provenance_ses import with_seal

    analysis = with_seal(analysis, verification.receiver_seal if verification else None)
    if fmt == "summary":
        from headerlens.report.summary import ticket_text

        return ticket_text(analysis, verification)
    if fmt == "json":
        from headerlens.report.json_report import render_json

        return render_json(analysis, verification)
    if fmt == "html":
        from headerlens.report.html import render_html

        return render_html(analysis, verification)
    if fmt in ("md", "text"):
        from headerlens.report.markdown import render_markdown

        md = render_markdown(analysis, verification)
        if fmt == "md":
            return md
        from headerlens.report.plaintext import markdown_to_text

        return markdown_to_text(md)
    raise ValueError(f"unknown format {fmt!r}")
