"""The authentication panel: stamped vs re-verified, for DKIM, SPF, DMARC and ARC."""

from __future__ import annotations

from rich.text import Text

from headerlens import budgets
from headerlens.model import Analysis
from headerlens.model.spf import SpfResult
from headerlens.model.verdicts import DkimResult
from headerlens.model.verification import Verification, VerifyMode
from headerlens.parsers.dkimcoverage import coverage_entry
from headerlens.report.words import spf_words
from headerlens.stamped import stamped
from headerlens.textsafe import short
from headerlens.tui.safe import result_text, safe


def _side_by_side(
    out: Text, title: str, stamped: str | None, live: str | None, pending: bool, offline: bool
) -> None:
    out.append(f"{title}\n", style="bold underline")
    # only what the final receiving organisation wrote (headerlens.stamped, parsers/provenance)
    out.append("  receiver stamped:    ")
    out.append(result_text(stamped) if stamped else Text("not stamped by it", style="dim"))
    out.append("\n  re-verified now:     ")
    if offline:
        out.append("not checked (offline)", style="dim")
    elif pending:
        out.append("◌ checking…", style="hl.warning.soft")
    else:
        out.append(result_text(live) if live else Text("not checked", style="dim"))
    out.append("\n")


def _spf_tree(out: Text, spf: SpfResult) -> None:
    out.append("  identity: ")
    out.append(
        safe(
            f"{spf.identity} {spf.sender} from {spf.ip}"
            + (f" (HELO {spf.helo})" if spf.helo else "")
        )
    )
    out.append("\n")
    if spf.match is not None:
        out.append("  matched:  ", style="bold")
        out.append(safe(spf.match.term, "hl.success.soft"))
        if spf.match.path:
            out.append(" via ")
            out.append(safe(" → ".join(spf.match.path)))
        out.append("\n")
    terms, voids = int(budgets.SPF_DNS_TERMS.limit), int(budgets.SPF_VOID_LOOKUPS.limit)
    out.append(
        f"  DNS-querying terms: {spf.lookup_count}/{terms}   void lookups: {spf.void_count}/{voids}\n"
    )
    if spf.reason:
        out.append("  ")
        out.append(safe(spf.reason, "italic"))
        out.append("\n")
    for step in spf.steps:
        depth = len(step.path)
        out.append("  " + "  " * depth + "├ ")
        out.append(safe(step.domain, "hl.info"))
        out.append(": ")
        out.append(safe(short(step.term, 48)))
        out.append(" → ")
        out.append(
            safe(step.outcome.value, "hl.success.soft" if step.outcome.value == "match" else "")
        )
        if step.detail:
            out.append("  ")
            out.append(safe(short(step.detail, 48), "dim"))
        out.append("\n")


def auth_text(analysis: Analysis, v: Verification | None) -> Text:
    """The whole panel as one Text (rendered in a scrolling Static)."""
    out = Text()
    pending = set(v.pending) if v is not None else {"spf", "dkim", "dmarc", "arc"}
    offline = v is not None and v.mode is VerifyMode.OFFLINE
    if v is not None and v.done:
        out.append(safe(f"Re-verified over {v.mode.value} ({v.resolver}).", "dim"))
        out.append("\n\n")
    b = analysis.chain.boundary
    # SPF
    _side_by_side(
        out,
        "SPF (at the trust boundary)",
        stamped(analysis, "spf"),
        spf_words(analysis, v.spf) if v is not None and v.spf is not None else None,
        "spf" in pending,
        offline,
    )
    if b is not None:
        out.append("  boundary: ")
        out.append(safe(f"hop {b.hop_number} {b.receiver or '?'} ← {b.ip or '?'}"))
        out.append("\n")
    if v is not None and v.spf is not None:
        _spf_tree(out, v.spf)
    elif v is not None and v.spf_note:
        out.append("  ")
        out.append(safe(v.spf_note, "hl.warning.soft"))
        out.append("\n")
    out.append("\n")
    # DKIM
    dkim_live = None
    if v is not None and "dkim" not in pending:
        dkim_live = (
            "pass"
            if any(d.passed for d in v.dkim)
            else (v.dkim[0].result_words if v.dkim else "none")
        )
    _side_by_side(out, "DKIM", stamped(analysis, "dkim"), dkim_live, "dkim" in pending, offline)
    if v is not None:
        if not v.dkim and "dkim" not in pending:
            out.append("  no DKIM-Signature in the message\n", style="dim")
        for d in v.dkim:
            out.append("  ")
            out.append(safe(f"d={d.domain} s={d.selector} a={d.algorithm}", "bold"))
            out.append("  header (b=): ")
            out.append(result_text(d.header_result.value))
            out.append("  body (bh=): ")
            out.append(result_text(d.body_result.value))
            if d.result is DkimResult.HEADERS_ONLY:
                out.append("  ")
                out.append(result_text(d.result_words))
            out.append("\n    ")
            out.append(safe(d.explanation, "italic"))
            out.append("\n")
            if d.key is not None:
                out.append("    key: ")
                out.append(
                    safe(
                        f"k={d.key.key_type} {d.key.key_bits or '?'} bits"
                        + (" t=y (testing)" if d.key.testing else "")
                        + (" REVOKED" if d.key.revoked else "")
                    )
                )
                out.append("\n")
            if d.coverage:
                out.append("    h= covers (header #): ")
                for n, c in enumerate(d.coverage):
                    out.append(", " if n else "")
                    out.append(safe(coverage_entry(c), "hl.warning.soft" if c.unsigned else ""))
                out.append("\n")
            for rec in d.evidence:
                out.append("    dns: ")
                chain = (" → ".join(rec.cname_chain) + " ⇒ ") if rec.cname_chain else ""
                out.append(safe(f"{rec.name} {rec.rdtype} {rec.rcode} {chain}ttl={rec.ttl}", "dim"))
                out.append("\n")
    out.append("\n")
    # DMARC
    dm = v.dmarc if v is not None else None
    _side_by_side(
        out,
        "DMARC",
        stamped(analysis, "dmarc"),
        dm.result_words if dm else None,
        "dmarc" in pending,
        offline,
    )
    if dm is not None:
        out.append("  ")
        out.append(safe(dm.explanation, "italic"))
        out.append("\n")
        if dm.policy:
            out.append("  policy: ")
            out.append(safe(f"{dm.policy_tag}={dm.policy} (record at {dm.record_domain})"))
            out.append("\n")
        if dm.org_domain is not None and not dm.org_domain.agree:
            out.append("  organisational domain: ")
            out.append(
                safe(
                    f"PSL says {dm.org_domain.psl}, DNS tree walk says {dm.org_domain.tree_walk}",
                    "hl.warning.soft",
                )
            )
            out.append("\n")
        if dm.alignments:
            out.append(
                "  method  identifier                          auth   aligned  mode\n", style="bold"
            )
            for al in dm.alignments:
                out.append(f"  {al.method:<7} ")
                out.append(safe(f"{al.domain[:34]:<35} "))
                out.append(result_text("pass" if al.authenticated else "fail"))
                out.append(" ")
                out.append(result_text("pass" if al.aligned else "fail"))
                out.append(f" {'strict' if al.strict else 'relaxed'}\n")
    out.append("\n")
    # ARC
    arc = v.arc if v is not None else None
    if analysis.arc_sets or arc is not None:
        _side_by_side(
            out,
            "ARC",
            stamped(analysis, "arc"),
            arc.result.value if arc else None,
            "arc" in pending,
            offline,
        )
        if arc is not None:
            out.append("  ")
            out.append(safe(arc.explanation, "italic"))
            out.append("\n")
            for inst in arc.instances:
                out.append(safe(f"  i={inst.instance} cv={inst.cv} "))
                out.append(safe(f"AMS {inst.ams_domain}: "))
                out.append(
                    result_text(
                        "pass" if inst.ams_valid else ("fail" if inst.ams_valid is False else None)
                    )
                )
                out.append(safe(f"  AS {inst.seal_domain}: "))
                out.append(
                    result_text(
                        "pass"
                        if inst.seal_valid
                        else ("fail" if inst.seal_valid is False else None)
                    )
                )
                out.append("\n")
    if v is not None:
        for err in v.errors:
            out.append("internal error: ", style="hl.error")
            out.append(safe(err))
            out.append("\n")
    return out
