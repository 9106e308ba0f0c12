"""Render a DomainCheck as an outline shared by Markdown and the console, and as JSON."""

from __future__ import annotations

import re
from dataclasses import dataclass

from headerlens import budgets
from headerlens.model.core import Defect, Severity
from headerlens.model.dns import DnsRecord
from headerlens.model.domaincheck import (
    DmarcCheck,
    DomainCheck,
    SelectorCheck,
    SpfCheck,
    SpfNode,
    SpfNodeState,
)
from headerlens.model.mailrouting import DnsblCheck, DnsblState, DnssecCheck, MxCheck, PolicyCheck
from headerlens.textsafe import inert, md_code, md_escape


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the outline: a heading (level 1-3), a bullet (``depth`` >= 0) or a paragraph.

    ``text`` is plain and untrusted (it holds DNS data): each renderer makes it inert.
    ``severity`` marks a problem or piece of advice; ``status`` a short verdict word.
    """

    kind: str  # "heading", "item", "record" (a DNS record to publish) or "text"
    text: str
    level: int = 0  # heading level, or bullet depth
    severity: Severity | None = None
    status: str | None = None


def _h(level: int, text: str) -> Line:
    return Line("heading", text, level)


def _item(text: str, depth: int = 0, *, status: str | None = None) -> Line:
    return Line("item", text, depth, status=status)


def _record(text: str, depth: int = 1) -> Line:
    """A DNS record to publish: shown exactly as it must be typed (a code span in Markdown)."""
    return Line("record", text, depth)


def _problem(d: Defect, depth: int = 0) -> Line:
    return Line("item", d.message, depth, severity=d.severity)


def _node_lines(node: SpfNode, depth: int) -> list[Line]:
    head = node.domain if not node.via else f"{node.via} → {node.domain}"
    if node.state is SpfNodeState.OK and node.record is not None:
        terms = f"{node.dns_terms} DNS term{'s' if node.dns_terms != 1 else ''}"
        if node.children:
            terms += f", {node.subtree_terms} with everything below"
        if node.void_lookups:
            terms += f", {node.void_lookups} void"
        out = [_item(f"{head} ({terms}): {node.record.raw}", depth)]
    else:
        out = [_item(f"{head}: {node.state.value}", depth, status=node.state.value)]
    for kid in node.children:
        out += _node_lines(kid, depth + 1)
    return out


def spf_lines(spf: SpfCheck) -> list[Line]:
    """SPF: the record, the tree with counts, the result for --ip, the problems."""
    out = [_h(2, "SPF")]
    top = spf.tree
    if top.record is None:
        out.append(_item(f"{spf.domain}: {top.state.value}", status=top.state.value))
    else:
        out.append(_item(f"Record: {top.record.raw}"))
    out.append(
        _item(
            f"DNS-querying terms: {spf.dns_terms} (limit {budgets.SPF_DNS_TERMS.limit:,}); void lookups: "
            f"{spf.void_lookups} (limit {budgets.SPF_VOID_LOOKUPS.limit:,})",
            status=spf.limit_result
            or ("within limits" if top.state is SpfNodeState.OK else "unknown"),
        )
    )
    if spf.limit_result:
        out.append(_item(f"Result for an IP the tree does not match early: {spf.limit_result}"))
    out.append(_h(3, "Include/redirect tree"))
    out += _node_lines(top, 0)
    if spf.ip_result is not None:
        r = spf.ip_result
        out.append(_h(3, f"Sending IP {r.ip}"))
        out.append(_item(f"Result: {r.result}", status=r.result))
        if r.match is not None:
            out.append(_item(f"Matching term: {r.match.describe()} (in {r.match.domain})"))
        if r.reason:
            out.append(_item(f"Why: {r.reason}"))
        out.append(_item(f"DNS-querying terms used: {r.lookup_count}; void: {r.void_count}"))
    if spf.problems:
        out.append(_h(3, "SPF problems"))
        out += [_problem(p) for p in spf.problems]
    return out


def _selector_lines(c: SelectorCheck) -> list[Line]:
    out = [_h(3, f"Selector {c.selector}: {c.state.value}"), _item(f"Name: {c.name}")]
    if c.cname_chain:
        out.append(_item(f"CNAME chain: {' → '.join(c.cname_chain)}"))
    k = c.key
    if k is not None:
        bits = f"{k.key_bits}-bit " if k.key_bits else ""
        flags = []
        if k.testing:
            flags.append("t=y (testing)")
        if k.revoked:
            flags.append("revoked (empty p=)")
        out.append(_item(f"Key: {bits}k={k.key_type}" + (f"; {', '.join(flags)}" if flags else "")))
        if k.hash_algorithms:
            out.append(_item(f"Hash algorithms allowed: {':'.join(k.hash_algorithms)}"))
    out += [_problem(p) for p in c.problems]
    for rec in c.publish:
        out.append(_item("Publish:", status="to publish"))
        out.append(_record(rec.zone_line()))
        if rec.note:
            out.append(_item(rec.note, 1))
    return out


def dkim_lines(result: DomainCheck) -> list[Line]:
    """DKIM: one block per selector."""
    out = [_h(2, "DKIM")]
    if not result.dkim:
        out.append(Line("text", "No selector checked."))
    for c in result.dkim:
        out += _selector_lines(c)
    return out


def dmarc_lines(dmarc: DmarcCheck) -> list[Line]:
    """DMARC: where the record is, the plain reading, every tag, report destinations."""
    out = [_h(2, "DMARC")]
    if dmarc.record is None:
        out.append(_item("No DMARC record found.", status="none"))
    else:
        out.append(_item(f"Record at _dmarc.{dmarc.record_domain}: {dmarc.record.raw}"))
    org = dmarc.org_domain
    if org is not None:
        psl = org.psl or "(a public suffix)"
        text = f"Organisational domain: {org.tree_walk} (DNS tree walk)"
        out.append(_item(text + ("" if org.agree else f"; Public Suffix List says {psl}")))
    if dmarc.reading:
        out.append(_h(3, "In plain words"))
        out += [_item(text) for text in dmarc.reading]
    if dmarc.tags:
        out.append(_h(3, "Tags"))
        for t in dmarc.tags:
            value = t.value if t.value is not None else "(absent)"
            out.append(_item(f"{t.tag}={value}: {t.meaning}"))
            if t.problem is not None:
                out.append(_problem(t.problem, 1))
    for d in dmarc.destinations:
        if not d.external:
            out.append(_item(f"{d.tag} {d.address}: same organisation, no authorisation needed"))
            continue
        state = {True: "authorised", False: "NOT authorised", None: "unknown"}[d.authorised]
        out.append(
            _item(f"{d.tag} {d.address}: external, {state} ({d.auth_name} TXT)", status=state)
        )
    others = [p for p in dmarc.problems if all(t.problem is not p for t in dmarc.tags)]
    if others:
        out.append(_h(3, "DMARC problems"))
        out += [_problem(p) for p in others]
    return out


def mx_lines(mx: MxCheck) -> list[Line]:
    """MX: each exchange with preference and addresses, whether it is the provider's gateway."""
    out = [_h(2, f"MX (inbound routing): {mx.state.value}")]
    for h in mx.hosts:
        addrs = ", ".join(h.addresses) if h.addresses else "no address"
        status = {True: "gateway", False: "not the gateway", None: None}[h.gateway]
        out.append(_item(f"MX {h.preference} {h.host} ({addrs})", status=status))
        out += [_problem(p, 1) for p in h.problems]
    if mx.expected:
        out.append(_item(f"The provider's inbound host: {' or '.join(mx.expected[:2])}"))
    out += [_problem(p) for p in mx.problems]
    if mx.publish:
        out.append(_item("Publish:", status="to publish"))
        out.append(_record(mx.publish))
    return out


def dnsbl_lines(check: DnsblCheck) -> list[Line]:
    """Blocklists: one line per list, each return code explained; refusals are not listings."""
    out = [_h(2, f"Blocklists for {check.ip}")]
    for r in check.results:
        detail = "; ".join(f"{c}: {m}" for c, m in zip(r.codes, r.meanings, strict=False))
        if not r.codes and r.meanings:
            detail = "; ".join(r.meanings)
        text = f"{r.zone}" + (f": {detail}" if detail else "")
        line = _item(text, status=r.state.value)
        if r.state is DnsblState.LISTED:
            line = Line("item", text, 0, Severity.ERROR, r.state.value)
        out.append(line)
        if r.reason:
            out.append(_item(f"The list says: {r.reason}", 1))
    return out


def policy_lines(policies: tuple[PolicyCheck, ...]) -> list[Line]:
    """MTA-STS, TLS-RPT, BIMI: the record at each name, in plain words, and its problems."""
    out = [_h(2, "MTA-STS, TLS-RPT, BIMI")]
    for p in policies:
        out.append(_h(3, f"{p.kind} ({p.name})"))
        out.append(
            _item(
                f"Record: {p.record}" if p.record else "No record.",
                status=None if p.record else "none",
            )
        )
        out += [_item(w, 1) for w in p.words]
        out += [_problem(d, 1) for d in p.problems]
    return out


def dnssec_lines(d: DnssecCheck) -> list[Line]:
    """DNSSEC: DNSKEY and DS counts, the AD bit, what follows."""
    out = [_h(2, "DNSSEC")]
    out += [_item(w) for w in d.words]
    out += [_problem(p) for p in d.problems]
    return out


def evidence_lines(log: tuple[DnsRecord, ...]) -> list[Line]:
    """Every DNS answer used, in the order it came back."""
    out = [_h(2, "DNS evidence")]
    for r in log:
        answers = " | ".join(r.answers) if r.answers else (r.error or "no answer")
        ttl = f" ttl {r.ttl}" if r.ttl is not None else ""
        cache = " (cached)" if r.from_cache else ""
        out.append(_item(f"{r.rdtype} {r.name}: {r.rcode}{ttl}{cache}: {answers}"))
    return out


def outline(result: DomainCheck) -> list[Line]:
    """The whole check as lines; Markdown and the console render exactly these."""
    out = [_h(1, f"Domain check: {result.domain}")]
    facts = [f"Resolver: {result.resolver or 'unknown'}"]
    if result.provider:
        facts.append(f"Provider: {result.provider}")
    if result.ip:
        facts.append(f"Sending IP: {result.ip}")
    out.append(Line("text", "; ".join(facts)))
    if result.advice or result.notes:
        out.append(_h(2, "Advice"))
        out += [_problem(a) for a in result.advice]
        out += [_item(n) for n in result.notes]
    if result.records:
        out.append(_h(2, "Records to publish"))
        out.append(Line("text", "Exactly as typed into a zone file or a DNS console:"))
        out += [_record(r, 0) for r in result.records]
    if result.spf is not None:
        out += spf_lines(result.spf)
    if result.spf is not None or result.dkim:
        out += dkim_lines(result)
    if result.dmarc is not None:
        out += dmarc_lines(result.dmarc)
    if result.mx is not None:
        out += mx_lines(result.mx)
    if result.dnsbl is not None:
        out += dnsbl_lines(result.dnsbl)
    if result.policies:
        out += policy_lines(result.policies)
    if result.dnssec is not None:
        out += dnssec_lines(result.dnssec)
    if result.dns_log:
        out += evidence_lines(result.dns_log)
    return out


def _md_line(line: Line) -> str:
    if line.kind == "record":
        return "  " * line.level + "- " + md_code(line.text)
    text = md_escape(line.text)
    if line.kind == "heading":
        return f"\n{'#' * line.level} {text}\n"
    if line.kind == "text":
        return f"{text}\n"
    prefix = "  " * line.level + "- "
    if line.severity is not None:
        prefix += f"**{line.severity.value.upper()}** "
    if line.status is not None:
        text += f" **\\[{md_escape(line.status)}\\]**"
    return prefix + text


def to_markdown(result: DomainCheck) -> str:
    """Markdown for a ticket; every DNS-derived string made inert by md_escape."""
    text = "\n".join(_md_line(line) for line in outline(result))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def _text_line(line: Line) -> str:
    text = inert(line.text)
    if line.kind == "heading":
        rule = {1: "=", 2: "-"}.get(line.level)
        return f"\n{text}\n{rule * len(text)}" if rule else f"\n{text}:"
    if line.kind == "record":  # its own line, no bullet, never wrapped: copy it as it is
        return "  " * line.level + "    " + text
    if line.kind == "text":
        return text
    sev = f"{line.severity.value.upper()}: " if line.severity is not None else ""
    status = f" [{inert(line.status)}]" if line.status is not None else ""
    return "  " * line.level + "- " + sev + text + status


def to_text(result: DomainCheck) -> str:
    """Plain text for a terminal: the same outline, nothing escaped but controls (inert())."""
    text = "\n".join(_text_line(line) for line in outline(result))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def to_json(result: DomainCheck) -> str:
    """JSON for scripts: the versioned contract of report/check.schema.json (inert strings)."""
    from headerlens.report.json_check import render_check_json

    return render_check_json(result)


def render_domain_check(result: DomainCheck, fmt: str) -> str:
    """``md`` or ``json``."""
    if fmt == "json":
        return to_json(result)
    if fmt == "md":
        return to_markdown(result)
    if fmt == "text":
        return to_text(result)
    raise ValueError(f"unknown format {fmt!r}")
