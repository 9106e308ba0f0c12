"""Render an Analysis as a ticket-ready Markdown summary (every header value escaped)."""

from __future__ import annotations

from collections.abc import Iterable

from headerlens import __version__
from headerlens.diagnosis import Diagnosis, diagnose
from headerlens.model import Analysis, AuthResults, Finding, MethodResult, Severity
from headerlens.model.verification import Verification, VerifyMode
from headerlens.parsers.provenance import describe_author
from headerlens.report.diagnosis import gap_before, markdown_lines
from headerlens.report.listing import listed
from headerlens.report.ndr import markdown_section
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
from headerlens.textsafe import md_escape

_SEVERITY_MARK = {Severity.INFO: "info", Severity.WARNING: "WARNING", Severity.ERROR: "ERROR"}


def _cell(text: str | None) -> str:
    return md_escape(text) if text else ""


def _hop_rows(analysis: Analysis, d: Diagnosis) -> Iterable[str]:
    yield "| # | role | from (HELO / rDNS [IP]) | by | with | TLS | time (UTC) | time since the previous stamp, on the previous host |"
    yield "|---|---|---|---|---|---|---|---|"
    for hop in analysis.chain.hops:
        r = hop.received
        mark = " **boundary**" if hop.is_boundary else ""
        tls = " ".join(p for p in (r.tls_version, r.tls_cipher) if p)
        when = utc_time(r.timestamp) if r.timestamp else "unparsed"
        yield (
            f"| {hop.number}{mark} | {_cell(hop_role(hop))} | {_cell(hop_from(hop))} "
            f"| {_cell(r.by)} | {_cell(r.with_protocol)} | {_cell(tls)} | {when} "
            f"| {_cell(gap_before(d, hop))} |"
        )


def _method(r: MethodResult) -> str:
    text = f"{r.method}={r.result}"
    props = " ".join(f"{p.ptype}.{p.name}={p.value}" for p in r.properties)
    extras = " ".join(f"{k}={v}" for k, v in r.extras)
    detail = " ".join(p for p in (props, extras) if p)
    out = f"**{md_escape(text)}**"
    if detail:
        out += f" {md_escape(detail)}"
    if r.reason:
        out += f" (reason: {md_escape(r.reason)})"
    if r.comments:  # the receiver's own words: "(body hash did not verify)", "(test mode)"
        out += " (" + "; ".join(md_escape(c) for c in r.comments) + ")"
    if r.explanation:
        out += f" — {md_escape(r.explanation)}"
    return out


def _written_by(a: Analysis, header_index: int) -> str:
    """The " — written by …" suffix for a field, once fields are attributed (parsers/provenance)."""
    if not a.provenance.fields:
        return ""
    return f" — written by {md_escape(describe_author(a.provenance.of(header_index)))}"


def _auth_block(ar: AuthResults, a: Analysis) -> Iterable[str]:
    who = ar.authserv_id or "(no authserv-id: Microsoft)"
    hop = f", stamped at hop {ar.stamped_by_hop}" if ar.stamped_by_hop else ""
    inst = f" i={ar.instance}" if ar.instance is not None else ""
    author = _written_by(a, ar.header_index)
    yield f"- **{md_escape(ar.header_name)}{inst}** by {md_escape(who)}{hop}{author}"
    for r in ar.results:
        yield f"  - {_method(r)}"
    if not ar.results:
        yield "  - (no results)"


def _findings_block(findings: tuple[Finding, ...]) -> Iterable[str]:
    if not findings:
        yield "No problems found."
        return
    for n, f in enumerate(findings, 1):
        where = f" (hop {f.hop_number})" if f.hop_number is not None else ""
        yield f"{n}. **{_SEVERITY_MARK[f.severity]}**{where}: {md_escape(f.title)}"
        if f.detail:
            yield f"   {md_escape(f.detail)}"
        if f.fix:
            yield f"   *Fix:* {md_escape(f.fix)}"


def _verification_block(a: Analysis, v: Verification) -> Iterable[str]:
    if v.mode is VerifyMode.OFFLINE:
        yield (
            "Offline: no DNS query was made, so SPF, DKIM, DMARC and ARC were not checked "
            "again; the verdicts above are the ones stamped at delivery."
        )
        return
    yield f"Re-verified over {md_escape(v.mode.value)} ({md_escape(v.resolver)}), {len(v.dns_log)} DNS queries, {v.elapsed_ms:.0f} ms."
    yield ""
    yield "| check | final receiver stamped | re-verified now | detail |"
    yield "|---|---|---|---|"
    if v.spf is not None:
        m = v.spf.match
        detail = f"{v.spf.ip} as {v.spf.domain}"
        if m is not None:
            detail += f"; matched {m.term}" + (f" via {' → '.join(m.path)}" if m.path else "")
        detail += f"; {v.spf.lookup_count} DNS-querying terms"
        yield f"| SPF | {md_escape(stamped(a, 'spf') or '-')} | **{md_escape(spf_words(a, v.spf))}** | {md_escape(detail)} |"
    else:
        yield f"| SPF | {md_escape(stamped(a, 'spf') or '-')} | not checked | {md_escape(v.spf_note or '')} |"
    for d in v.dkim:
        live = dkim_words(d)
        yield (
            f"| DKIM d={md_escape(d.domain or '?')} s={md_escape(d.selector or '?')} "
            f"| {md_escape(stamped(a, 'dkim') or '-')} | **{md_escape(live)}** | {md_escape(d.explanation)}"
            + (f" {md_escape(coverage_sentence(d))}" if d.coverage else "")
            + " |"
        )
    if v.dmarc is not None:
        dm = v.dmarc
        pol = f"{dm.policy_tag}={dm.policy}; " if dm.policy else ""
        aligned = ", ".join(dm.aligned_methods) or "nothing"
        yield (
            f"| DMARC {md_escape(dm.from_domain or '')} | {md_escape(stamped(a, 'dmarc') or '-')} "
            f"| **{md_escape(dm.result_words)}** | {md_escape(pol + 'aligned: ' + aligned + '. ' + dm.explanation)} |"
        )
    if v.arc is not None:
        yield f"| ARC | {md_escape(stamped(a, 'arc') or '-')} | **{md_escape(v.arc.result.value)}** | {md_escape(v.arc.explanation)} |"


def render_markdown(analysis: Analysis, verification: Verification | None = None) -> str:
    """The findings summary for a ticket, as Markdown."""
    a = analysis
    out: list[str] = [f"# headerlens report: {md_escape(file_label(a.source_name))}", ""]
    diagnosis = diagnose(a, verification)
    out += markdown_lines(diagnosis)
    # a heading of its own: after the Situations list, a bare list would continue it
    out += ["## Message", ""]
    rows = [("Verdicts", bar_line(a, verification)), *facts(a)]  # the console's verdict bar
    out += [f"- **{label}:** {md_escape(text)}" for label, text in rows]
    if verification is not None:
        findings = verification.findings
    else:
        from headerlens.diagnosis.findings_build import stamped_findings

        findings = stamped_findings(a)
    out += ["", *markdown_section(a, verification)]
    out += ["## Findings", "", *_findings_block(findings), ""]
    if verification is not None:
        out += ["## Re-verification", "", *_verification_block(a, verification), ""]
    out += ["## Delivery path (oldest hop first)", "", *_hop_rows(a, diagnosis), ""]

    if a.auth_results:
        out += ["## Stamped authentication results (newest first)", ""]
        shown, more = listed(a.auth_results)
        for ar in shown:
            out += list(_auth_block(ar, a))
        out += [f"- {more}"] if more else []
        out.append("")
    if a.received_spf:
        out += ["## Received-SPF", ""]
        spfs, more = listed(a.received_spf)
        for rs in spfs:
            hop = f" (hop {rs.stamped_by_hop})" if rs.stamped_by_hop else ""
            out.append(
                f"- **{md_escape(rs.result or '?')}**{hop}: client-ip {md_escape(rs.client_ip or '?')}"
                f", envelope-from {md_escape(rs.envelope_from or '?')}"
                f", helo {md_escape(rs.helo or '?')}{_written_by(a, rs.header_index)}"
            )
        out += [f"- {more}"] if more else []
        out.append("")
    if a.dkim_signatures:
        out += ["## DKIM signatures", ""]
        sigs, more = listed(a.dkim_signatures)
        for sig in sigs:
            out.append(
                f"- d={md_escape(sig.domain or '?')} s={md_escape(sig.selector or '?')} "
                f"a={md_escape(sig.algorithm or '?')} c={md_escape(sig.canonicalization or '')} "
                f"h={md_escape(':'.join(sig.signed_headers))}"
                + (f" l={sig.body_length}" if sig.body_length is not None else "")
            )
        out += [f"- {more}"] if more else []
        out.append("")
    if a.arc_sets:
        out += ["## ARC chain", ""]
        for s in a.arc_sets:
            cv = s.seal.cv if s.seal is not None else "?"
            sealer = s.seal.domain if s.seal is not None else "?"
            out.append(f"- i={s.instance} cv={md_escape(cv or '?')} d={md_escape(sealer or '?')}")
            if s.results is not None:
                out += [f"  {line}" for line in _auth_block(s.results, a)]
        out.append("")
    if a.vendor_headers:
        out += ["## Vendor headers", ""]
        vendors, more_vendors = listed(a.vendor_headers)
        for vh in vendors:
            summary = f": {md_escape(vh.summary)}" if vh.summary else ""
            author = _written_by(a, vh.header_index)
            out.append(
                f"- **{md_escape(vh.header_name)}** ({md_escape(vh.vendor)}){summary}{author}"
            )
            for fld in vh.fields:
                meaning = fld.meaning or "(not decoded)"
                label = f" {md_escape(fld.label)}" if fld.label else ""
                mark = (
                    f" **{_SEVERITY_MARK[fld.severity]}**"
                    if fld.severity is not Severity.INFO
                    else ""
                )
                out.append(
                    f"  - {md_escape(fld.key)}={md_escape(fld.value)}{label}: "
                    f"{md_escape(meaning)}{mark}"
                )
        out += [f"- {more_vendors}"] if more_vendors else []
        out.append("")
    problems = input_problems(a)
    if problems:
        out += ["## Input problems", ""]
        for problem in problems:
            out.append(f"- {_SEVERITY_MARK[problem.severity]}: {md_escape(problem.message)}")
        out.append("")
    if a.ndr is not None and a.ndr.original is not None:
        inner = render_markdown(a.ndr.original, verification.original if verification else None)
        out += _nested("## The returned message, analysed on its own", inner)
    if a.feedback is not None and a.feedback.original is not None:
        inner = render_markdown(a.feedback.original, None)
        out += _nested("## The reported message, analysed on its own", inner)
    out.append(_FOOTER)
    return "\n".join(out) + "\n"


_FOOTER = f"_Generated by headerlens {__version__}._"


def _nested(heading: str, inner: str) -> list[str]:
    """A contained message's report one heading level down, without its title and footer."""
    lines = inner.splitlines()[1:]
    while lines and lines[-1] in ("", _FOOTER):
        lines.pop()
    return [heading, "", *[("#" + line if line.startswith("#") else line) for line in lines], ""]
