"""Render an Analysis as JSON for scripts (strings made inert, raw bytes left out)."""

from __future__ import annotations

from typing import Any

from headerlens import __version__
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings_build import stamped_findings
from headerlens.model import Analysis
from headerlens.model.verification import Verification
from headerlens.report.ndr import json_section
from headerlens.report.serialize import to_plain
from headerlens.stamped import final_results
from headerlens.textsafe import json_text


def report_dict(analysis: Analysis, verification: Verification | None = None) -> dict[str, Any]:
    """The JSON document as a dict: a short summary first, then the whole analysis."""
    chain = analysis.chain
    boundary = chain.boundary
    diagnosis = diagnose(analysis, verification)
    return {
        "headerlens": __version__,
        "source": to_plain(analysis.source_name),
        "kind": analysis.kind.value,
        "summary": {
            "hops": len(chain.hops),
            "has_body": analysis.has_body,
            "total_transit_seconds": to_plain(chain.total_transit),
            "boundary": to_plain(boundary),
            "final_receiver": [
                {"method": to_plain(r.method), "result": to_plain(r.result)}
                for r in final_results(analysis)
            ],
        },
        "diagnosis": {
            "situations": [
                {
                    "label": s.label,
                    "hop_number": s.hop_number,
                    "evidence": [to_plain(e) for e in s.evidence],
                }
                for s in diagnosis.situations
            ],
            "outcome": diagnosis.outcome.outcome.value,
            "headline": to_plain(diagnosis.headline),
        },
        "findings": to_plain(
            verification.findings if verification is not None else stamped_findings(analysis)
        ),
        "ndr": json_section(analysis, verification, report_dict),
        "verification": to_plain(verification),
        "analysis": to_plain(analysis),
    }


def render_json(analysis: Analysis, verification: Verification | None = None) -> str:
    """The JSON report as text (UTF-8 kept readable; control characters already escaped)."""
    return json_text(report_dict(analysis, verification), indent=2)
