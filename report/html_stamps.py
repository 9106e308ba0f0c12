"""The HTML report's sections on the stamps in the message: Authentication-Results,
Received-SPF, DKIM signatures and the ARC chain (the same sections as the Markdown report)."""

from __future__ import annotations

from collections.abc import Iterable

from headerlens.model import Analysis, AuthResults, MethodResult
from headerlens.parsers.provenance import describe_author
from headerlens.report.listing import listed
from headerlens.textsafe import html_escape as esc


def written_by(a: Analysis, header_index: int) -> str:
    """The " — written by …" suffix for a field, once fields are attributed."""
    if not a.provenance.fields:
        return ""
    return f" — written by {esc(describe_author(a.provenance.of(header_index)))}"


def _method(r: MethodResult) -> str:
    props = " ".join(f"{p.ptype}.{p.name}={p.value}" for p in r.properties)
    extras = " ".join(f"{k}={v}" for k, v in r.extras)
    detail = " ".join(p for p in (props, extras) if p)
    out = f"<b>{esc(r.method)}={esc(r.result)}</b>" + (f" {esc(detail)}" if detail else "")
    if r.reason:
        out += f" (reason: {esc(r.reason)})"
    if r.comments:
        out += " (" + "; ".join(esc(c) for c in r.comments) + ")"
    if r.explanation:
        out += f" — {esc(r.explanation)}"
    return out


def _auth_block(ar: AuthResults, a: Analysis) -> str:
    who = ar.authserv_id or "(no authserv-id: Microsoft)"
    hop = f", stamped at hop {ar.stamped_by_hop}" if ar.stamped_by_hop else ""
    inst = f" i={ar.instance}" if ar.instance is not None else ""
    results = "".join(f"<li>{_method(r)}</li>" for r in ar.results) or "<li>(no results)</li>"
    return (
        f"<li><b>{esc(ar.header_name)}{inst}</b> by {esc(who)}{hop}"
        f"{written_by(a, ar.header_index)}<ul>{results}</ul></li>"
    )


def stamps(a: Analysis) -> Iterable[str]:
    """The sections, each only when the message has such fields."""
    if a.auth_results:
        yield "<h2>Stamped authentication results (newest first)</h2><ul>"
        shown, more = listed(a.auth_results)
        yield from (_auth_block(ar, a) for ar in shown)
        yield f"<li>{esc(more)}</li></ul>" if more else "</ul>"
    if a.received_spf:
        yield "<h2>Received-SPF</h2><ul>"
        spfs, more = listed(a.received_spf)
        for rs in spfs:
            hop = f" (hop {rs.stamped_by_hop})" if rs.stamped_by_hop else ""
            yield (
                f"<li><b>{esc(rs.result or '?')}</b>{hop}: client-ip {esc(rs.client_ip or '?')}, "
                f"envelope-from {esc(rs.envelope_from or '?')}, helo {esc(rs.helo or '?')}"
                f"{written_by(a, rs.header_index)}</li>"
            )
        yield f"<li>{esc(more)}</li></ul>" if more else "</ul>"
    if a.dkim_signatures:
        yield "<h2>DKIM signatures</h2><ul>"
        sigs, more = listed(a.dkim_signatures)
        for sig in sigs:
            length = f" l={sig.body_length}" if sig.body_length is not None else ""
            yield (
                f"<li><code>d={esc(sig.domain or '?')} s={esc(sig.selector or '?')} "
                f"a={esc(sig.algorithm or '?')} c={esc(sig.canonicalization or '')} "
                f"h={esc(':'.join(sig.signed_headers))}{length}</code></li>"
            )
        yield f"<li>{esc(more)}</li></ul>" if more else "</ul>"
    if a.arc_sets:
        yield "<h2>ARC chain</h2><ul>"
        for s in a.arc_sets:
            cv = (s.seal.cv if s.seal is not None else None) or "?"
            sealer = (s.seal.domain if s.seal is not None else None) or "?"
            inner = f"<ul>{_auth_block(s.results, a)}</ul>" if s.results is not None else ""
            yield f"<li>i={s.instance} cv={esc(cv)} d={esc(sealer)}{inner}</li>"
        yield "</ul>"
