"""Render the findings summary as one self-contained HTML page (no scripts, every value escaped)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from headerlens import __version__
from headerlens.diagnosis import Diagnosis, diagnose
from headerlens.model import Analysis, Finding, Severity
from headerlens.model.verification import Verification, VerifyMode
from headerlens.report.diagnosis import gap_before, html_lines
from headerlens.report.html_stamps import stamps, written_by
from headerlens.report.listing import listed
from headerlens.report.ndr import html_section
from headerlens.report.verdicts import bar_line
from headerlens.report.words import (
    coverage_sentence,
    dkim_words,
    facts,
    file_label,
    hop_from,
    hop_role,
    input_problems,
    spf_words,
    utc_time,
)
from headerlens.stamped import stamped
from headerlens.textsafe import html_escape as esc

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#eee}.error{color:#b00020;font-weight:bold}
.warning{color:#a05a00;font-weight:bold}.info{color:#05588a}.boundary{background:#fff6d5}
code{background:#f3f3f3;padding:0 .2em}
"""


def _row(cells: Iterable[str], tag: str = "td", cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<tr{attr}>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>"


def _findings(findings: tuple[Finding, ...]) -> Iterable[str]:
    if not findings:
        yield "<p>No problems found.</p>"
        return
    yield "<ol>"
    for f in findings:
        where = f" (hop {f.hop_number})" if f.hop_number is not None else ""
        sev = f.severity.value
        yield f'<li><span class="{sev}">{esc(sev.upper())}</span>{where}: {esc(f.title)}'
        if f.detail:
            yield f"<br>{esc(f.detail)}"
        if f.fix:
            yield f"<br><em>Fix:</em> {esc(f.fix)}"
        yield "</li>"
    yield "</ol>"


def _verification(a: Analysis, v: Verification) -> Iterable[str]:
    if v.mode is VerifyMode.OFFLINE:
        yield (
            "<p>Offline: no DNS query was made, so SPF, DKIM, DMARC and ARC were not checked "
            "again; the verdicts above are the ones stamped at delivery.</p>"
        )
        return
    yield (
        f"<p>Re-verified over {esc(v.mode.value)} ({esc(v.resolver)}), {len(v.dns_log)} DNS "
        f"queries, {v.elapsed_ms:.0f} ms.</p><table>"
    )
    yield _row(("check", "final receiver stamped", "re-verified now", "detail"), "th")
    if v.spf is not None:
        detail = f"{v.spf.ip} as {v.spf.domain}"
        if v.spf.match is not None:
            detail += f"; matched {v.spf.match.describe()}"
        yield _row(("SPF", esc(stamped(a, "spf") or "-"), esc(spf_words(a, v.spf)), esc(detail)))
    else:
        yield _row(("SPF", esc(stamped(a, "spf") or "-"), "not checked", esc(v.spf_note or "")))
    for d in v.dkim:
        live = dkim_words(d)
        name = f"DKIM d={d.domain} s={d.selector}"
        detail = f"{d.explanation} {coverage_sentence(d)}".strip()
        yield _row((esc(name), esc(stamped(a, "dkim") or "-"), esc(live), esc(detail)))
    if v.dmarc is not None:
        dm = v.dmarc
        yield _row(
            ("DMARC", esc(stamped(a, "dmarc") or "-"), esc(dm.result_words), esc(dm.explanation))
        )
    if v.arc is not None:
        yield _row(
            ("ARC", esc(stamped(a, "arc") or "-"), esc(v.arc.result.value), esc(v.arc.explanation))
        )
    yield "</table>"


def _hops(a: Analysis, d: Diagnosis) -> Iterable[str]:
    yield "<table>"
    head = ("#", "role", "from (HELO / rDNS [IP])", "by", "with", "TLS", "time (UTC)")
    yield _row((*head, "time since the previous stamp, on the previous host"), "th")
    for hop in a.chain.hops:
        r = hop.received
        tls = " ".join(p for p in (r.tls_version, r.tls_cipher) if p)
        when = utc_time(r.timestamp) if r.timestamp else "unparsed"
        delay = gap_before(d, hop)
        cells = (str(hop.number), hop_role(hop), hop_from(hop), r.by or "", r.with_protocol or "")
        yield _row(
            (*(esc(c) for c in cells), esc(tls), esc(when), esc(delay)),
            cls="boundary" if hop.is_boundary else "",
        )
    yield "</table>"


def render_html(analysis: Analysis, verification: Verification | None = None) -> str:
    """A standalone HTML page with the same content as the Markdown summary."""
    a = analysis
    findings = verification.findings if verification is not None else _stamped(a)
    title = f"headerlens report: {file_label(a.source_name)}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        *_content(a, verification, findings),
    ]
    if a.ndr is not None and a.ndr.original is not None:
        original = a.ndr.original
        inner = verification.original if verification is not None else None
        inner_findings = inner.findings if inner is not None else _stamped(original)
        out.append("<h2>The returned message, analysed on its own</h2>")
        out.append('<section style="margin-left:1.5em">')
        out += [_demote(line) for line in _content(original, inner, inner_findings)]
        out.append("</section>")
    if a.feedback is not None and a.feedback.original is not None:
        reported = a.feedback.original
        out.append("<h2>The reported message, analysed on its own</h2>")
        out.append('<section style="margin-left:1.5em">')
        out += [_demote(line) for line in _content(reported, None, _stamped(reported))]
        out.append("</section>")
    out.append(f"<p><small>Generated by headerlens {esc(__version__)}.</small></p></body></html>")
    return "\n".join(out) + "\n"


def _demote(line: str) -> str:
    """One heading level down (h2 -> h3...), as the Markdown report nests the original."""
    return re.sub(r"(</?h)([1-5])\b", lambda m: f"{m.group(1)}{int(m.group(2)) + 1}", line)


def _stamped(a: Analysis) -> tuple[Finding, ...]:
    from headerlens.diagnosis.findings_build import stamped_findings

    return stamped_findings(a)


def _content(
    a: Analysis, verification: Verification | None, findings: tuple[Finding, ...]
) -> list[str]:
    """Diagnosis, facts, the Rejected section of a bounce, findings, re-verification, path,
    vendors."""
    d = diagnose(a, verification)
    out = [*html_lines(d), "<h2>Message</h2><ul>"]
    rows = [("Verdicts", bar_line(a, verification)), *facts(a)]  # the console's verdict bar
    out += [f"<li><b>{k}:</b> {esc(v)}</li>" for k, v in rows]
    out.append("</ul>")
    out += list(html_section(a, verification))
    out.append("<h2>Findings</h2>")
    out += list(_findings(findings))
    if verification is not None:
        out.append("<h2>Re-verification</h2>")
        out += list(_verification(a, verification))
    out.append("<h2>Delivery path (oldest hop first)</h2>")
    out += list(_hops(a, d))
    out += list(stamps(a))
    if a.vendor_headers:
        out.append("<h2>Vendor headers</h2><ul>")
        vendors, more = listed(a.vendor_headers)
        for vh in vendors:
            out.append(
                f"<li><b>{esc(vh.header_name)}</b> ({esc(vh.vendor)}): {esc(vh.summary or '')}"
                f"{written_by(a, vh.header_index)}<ul>"
            )
            for fld in vh.fields:
                cls = "" if fld.severity is Severity.INFO else f' class="{fld.severity.value}"'
                out.append(
                    f"<li><code>{esc(fld.key)}={esc(fld.value)}</code> "
                    f"<span{cls}>{esc(fld.meaning or '(not decoded)')}</span></li>"
                )
            out.append("</ul></li>")
        out.append(f"<li>{esc(more)}</li></ul>" if more else "</ul>")
    problems = input_problems(a)
    if problems:
        out.append("<h2>Input problems</h2><ul>")
        out += [f"<li>{esc(p.severity.value)}: {esc(p.message)}</li>" for p in problems]
        out.append("</ul>")
    return out
