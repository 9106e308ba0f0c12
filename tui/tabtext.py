"""The text of the tabs built when they first open: the findings list, the DNS log, the headers."""

from __future__ import annotations

from rich.text import Text

from headerlens.model import Analysis, Finding
from headerlens.model.dns import Rcode
from headerlens.model.verification import Verification
from headerlens.tui.safe import SEVERITY_STYLE, safe, safe_block


def finding_prompt(f: Finding) -> Text:
    """One finding as the Findings list shows it: severity, title, hop, detail and fix."""
    prompt = Text()
    prompt.append(f"{f.severity.value.upper():<8}", style=SEVERITY_STYLE[f.severity])
    prompt.append(safe(f.title, "bold"))
    if f.hop_number is not None:
        prompt.append(f"  (hop {f.hop_number})", style="dim")
    if f.detail:
        prompt.append("\n        ")
        prompt.append(safe(f.detail))
    if f.fix:
        prompt.append("\n        fix: ", style="hl.success.soft")
        prompt.append(safe(f.fix))
    return prompt


def dns_rows(verification: Verification) -> list[tuple[Text, ...]]:
    """The DNS log's rows: name, type, rcode, answer, TTL, ms, resolver."""
    rows: list[tuple[Text, ...]] = []
    unused = verification.unused_prefetches
    for rec in verification.dns_log:
        answer = " | ".join(rec.answers) if rec.answers else (rec.error or "")
        if rec.cname_chain:
            answer = "CNAME " + " → ".join(rec.cname_chain) + " ⇒ " + answer
        if not rec.from_cache and rec.name.lower().rstrip(".") in unused:
            answer = "(asked ahead; no check needed it) " + answer
        rows.append(
            (
                safe(rec.name),
                safe(rec.rdtype),
                safe(rec.rcode, "hl.success.soft" if rec.rcode == Rcode.NOERROR else "hl.error"),
                safe(answer[:200]),
                safe("" if rec.ttl is None else str(rec.ttl)),
                safe(f"{rec.duration_ms:.0f}"),
                safe(rec.resolver),
            )
        )
    return rows


def headers_text(analysis: Analysis) -> Text:
    """The Headers tab: every header field as received, inert."""
    out = Text()
    for f in analysis.headers:
        out.append(safe_block(f.raw.decode("utf-8", errors="replace").rstrip("\r\n")))
        out.append("\n")
    return out
