"""Which stamped verdicts count: the final receiver's Authentication-Results (RFC 8601 §5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from headerlens.model import Analysis, AuthResults, Chain, Defect, MethodResult, Provenance
from headerlens.parsers.hops import registrable_domain
from headerlens.parsers.rspamd_auth import rspamd_auth
from headerlens.parsers.sa_auth import sa_auth
from headerlens.parsers.stamp_evidence import is_pass

# The last analyses read, held by identity: the diagnosis and every export ask for the same
# analysis's stamps a hundred times or more, and each reading walks every field (13 000
# planted Authentication-Results fields made one export take seconds). An Analysis is frozen.
_READ: list[tuple[Analysis, tuple[AuthResults, ...]]] = []


def final_receiver_results(analysis: Analysis) -> tuple[AuthResults, ...]:
    """The top-most Authentication-Results field and every other one with the same authserv-id
    (read once per analysis: see _read)."""
    for seen, found in _READ:
        if seen is analysis:
            return found
    found = _read(analysis)
    _READ[:] = [(analysis, found), *_READ[:3]]
    return found


def _read(analysis: Analysis) -> tuple[AuthResults, ...]:
    """The top-most Authentication-Results field and every other one with the same authserv-id.

    Copies such as Authentication-Results-Original are not the final receiver's word. A stamp
    whose passes only position ties to the receiver (parsers/provenance UNTIED_PASS) adds its
    failures of methods the receiver's own fields do not state: a failure gains a sender
    nothing, and a mixed field such as "spf=pass; dkim=pass; dmarc=fail" under a Postfix line
    is most often the receiver's own verdict on a spoof.
    """
    if not analysis.chain.hops:
        # no Received line: nothing shows a receiver wrote any stamp (a copy as written or sent,
        # a stamp the sender put on it, or a paste cut short): its passes are nobody's
        return _untied_failures(analysis, set())
    own = _own_fields(analysis.auth_results, analysis.chain, analysis.provenance)[0]
    taken = {r.method.lower() for a in own for r in a.results}
    return own + _untied_failures(analysis, taken)


# Results that say a check failed: the only ones a stamp position alone ties may add. A pass,
# "none" or an error in such a field stays unknown (an error would send the reader to fix the
# receiver's DNS on the sender's word).
_FAILED = frozenset({"fail", "softfail", "hardfail"})


def _untied_failures(analysis: Analysis, taken: set[str]) -> tuple[AuthResults, ...]:
    """The failures of stamps whose passes are not tied to the receiver, each field with only
    those results, top-most first (the passes read "unknown (pass not tied to the receiver)")."""
    out: list[AuthResults] = []
    for a in analysis.auth_results:
        if a.header_name.lower() != "authentication-results" or not _untied(analysis, a):
            continue
        kept = tuple(
            r for r in a.results if r.result.lower() in _FAILED and r.method.lower() not in taken
        )
        taken |= {r.method.lower() for r in kept}
        if kept:
            out.append(replace(a, results=kept))
    return tuple(out)


def _untied(analysis: Analysis, a: AuthResults) -> bool:
    """``a`` is a stamp whose passes nothing ties to the receiver: see untied_stamp, and every
    stamp of a header with no Received line (nothing places any field there)."""
    return not analysis.chain.hops or untied_stamp(analysis.provenance, a.header_index)


def untied_stamp(provenance: Provenance, header_index: int) -> bool:
    """True for a stamp with the receiver's identity whose passes only position ties to it (or
    that sits below a hand-off line nothing confirms), or one of Amazon SES's block whose seal
    verified but does not cover it."""
    from headerlens.parsers.provenance import UNCONFIRMED_PASS, UNTIED_PASS
    from headerlens.parsers.provenance_ses import SEAL_UNCOVERED

    who = provenance.of(header_index)
    return who is not None and (
        who.evidence in (UNTIED_PASS, UNCONFIRMED_PASS) or who.evidence.startswith(SEAL_UNCOVERED)
    )


def _own_fields(
    auth_results: Sequence[AuthResults], chain: Chain, provenance: Provenance | None = None
) -> tuple[tuple[AuthResults, ...], tuple[AuthResults, ...]]:
    """(the final receiver's fields, lower fields that claim its authserv-id), top-most first.

    With the fields attributed (parsers/provenance), only what the final receiving organisation
    wrote can be its verdict: when it wrote none, there is none (never the sender's own field).
    """
    fields = [a for a in auth_results if a.header_name.lower() == "authentication-results"]
    if provenance is not None and provenance.fields:
        mine = [a for a in fields if provenance.is_receivers(a.header_index)]
    else:
        mine = fields
    if not mine:
        return (), ()
    top = min(mine, key=lambda a: a.header_index)
    if top.authserv_id is None:
        # Microsoft writes no authserv-id, so nothing ties an older field to the final
        # receiver (an NDR may carry an earlier hop's copy): only the top-most field counts.
        return (top,), ()
    key = top.authserv_id.lower()
    # Only fields the final receiver wrote together: no Received line between them and the
    # top one. A field further down claiming the same authserv-id was added by someone else
    # (often the sender, to fake a pass: RFC 8601 §5 says receivers must not trust those).
    received = [h.header_index for h in chain.hops]
    # header indexes, not the dataclasses: comparing those field by field made this quadratic
    mine_at = {a.header_index for a in mine}
    # A receiver may name each of its checks by its own host (iCloud: dmarc.icloud.com,
    # spf.icloud.com, ...): its other fields, attributed to it, under the same organisation.
    org = registrable_domain(key)
    same = sorted(
        (
            a
            for a in fields
            if (a.authserv_id or "").lower() == key
            or (
                org is not None
                and a.header_index in mine_at
                and registrable_domain((a.authserv_id or "").lower()) == org
            )
        ),
        key=lambda a: a.header_index,
    )
    own = tuple(
        a
        for a in same
        if a.header_index in mine_at
        and not any(top.header_index < r < a.header_index for r in received)
    )
    own_at = {a.header_index for a in own}
    return own, tuple(a for a in same if a.header_index not in own_at)


def duplicate_authserv_id(
    auth_results: Sequence[AuthResults], chain: Chain, provenance: Provenance | None = None
) -> Defect | None:
    """A defect when fields below a Received line carry the final receiver's authserv-id.

    RFC 8601 §5: a receiver must delete (or ignore) fields bearing its own authserv-id that
    arrived with the message; only the block it wrote on top counts. Trusting the wrong one is
    the CVE-2022-48521 class (a forged "pass" below the real result). Several contiguous
    fields at the top (one per method, as Gmail and EOP write them) are normal.
    """
    own, stray = _own_fields(auth_results, chain, provenance)
    if not stray:
        return None
    top = own[0]

    def where(a: AuthResults) -> str:
        above = [h for h in chain.hops if h.header_index < a.header_index]
        hop = max(above, key=lambda h: h.header_index).number if above else None
        return f"#{a.header_index}" + (f" (below hop {hop}'s Received line)" if hop else "")

    below = ", ".join(where(a) for a in stray[:10])
    more = f" and {len(stray) - 10} more" if len(stray) > 10 else ""
    from headerlens.model.codes import Code

    return Defect(
        Code.AR_DUPLICATE_AUTHSERV_ID,
        f"Authentication-Results {below}{more} carry the final receiver's authserv-id "
        f"{top.authserv_id}, but sit below a Received line, so they arrived with the message "
        "(forged, or stamped on an earlier pass). Only the top-most block "
        f"(#{top.header_index}) counts (RFC 8601 §5; the CVE-2022-48521 class).",
    )


def final_results(analysis: Analysis) -> tuple[MethodResult, ...]:
    """All method results of the final receiver, in header order."""
    return tuple(r for a in final_receiver_results(analysis) for r in a.results)


def stamped(analysis: Analysis, method: str) -> str | None:
    """The final receiver's first result for ``method`` (lower-cased), or None if not stamped."""
    for r in final_results(analysis):
        if r.method.lower() == method.lower():
            return r.result.lower()
    return None


def stamping_hop(
    chain: Chain,
    header_index: int,
    *,
    authserv_id: str | None = None,
    client_ip: str | None = None,
) -> int | None:
    """The hop whose receiver stamped a verdict field.

    Strongest evidence first: the connecting IP the field says it checked (Received-SPF
    client-ip, EOP's "sender IP is ..."), then the authserv-id naming a receiving host
    (RFC 8601 §2.5), then position: a receiver usually prepends its fields above its own
    Received line (EOP), but Gmail writes them just below it, so position is only a fallback.
    """
    # A hop's receiver writes its fields next to its own Received line: above it (EOP) or just
    # below it (Gmail), never below the previous hop's Received line. Fields further down were
    # there before this hop saw the message (possibly forged by the sender), so they can only
    # be credited to an older hop.
    older = {h.number: h.header_index for h in chain.hops}
    hops = [
        h
        for h in sorted(chain.hops, key=lambda h: -h.number)  # newest first
        if h.number - 1 not in older or header_index < older[h.number - 1]
    ]
    if client_ip:
        for h in hops:
            if h.received.from_ip == client_ip:
                return h.number
    if authserv_id:
        ident = authserv_id.lower().rstrip(".")
        for h in hops:
            by = (h.received.by or "").lower().rstrip(".")
            if by and (by == ident or by.endswith("." + ident)):
                return h.number
    return hop_for_header(chain, header_index)


def hop_for_header(chain: Chain, header_index: int) -> int | None:
    """The hop whose receiver added the field at ``header_index``: the nearest Received field
    below it, since a receiving MTA prepends its trace fields above its own Received line
    (RFC 5321 §4.4, RFC 8601 §5)."""
    below = [h for h in chain.hops if h.header_index > header_index]
    return min(below, key=lambda h: h.header_index).number if below else None


def _receiver_rspamd(
    analysis: Analysis,
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(verdicts counted, pass verdicts not counted) of the receiver's X-Spamd-Result."""
    if final_receiver_results(analysis):
        return [], []
    queue_ids = [
        g.index
        for g in analysis.headers
        if g.lname == "x-rspamd-queue-id" and analysis.provenance.is_receivers(g.index)
    ]
    for f in analysis.headers:
        if f.lname == "x-spamd-result" and analysis.provenance.is_receivers(f.index):
            found = rspamd_auth(f.value)
            dropped: list[tuple[str, str, str]] = []
            if not any(i < f.index for i in queue_ids):
                # Above the receiver's queue id, the result joins its block only by position: the
                # sender's last field sits in the same place, so a pass there proves nothing (a
                # planted "DMARC_POLICY_ALLOW" must not read as the receiver's pass). A failure
                # gains a sender nothing, so failures still count; passes read as unknown.
                dropped = [t for t in found if t[1] == "pass"]
                found = [t for t in found if t[1] != "pass"]
            if found or dropped:
                return found, dropped
    return [], []


def receiver_rspamd_uncounted(analysis: Analysis) -> tuple[str, ...]:
    """Pass symbols of the receiver's X-Spamd-Result that are not counted (see receiver_rspamd)."""
    return tuple(t[2] for t in _receiver_rspamd(analysis)[1])


def untied_passes(analysis: Analysis) -> frozenset[str]:
    """The methods (``spf``, ``dkim``, ``dmarc``) passed by a stamp with the receiver's identity
    that position alone ties to it, or by an uncounted symbol of its Rspamd (see above)."""
    stamps = {
        r.method.lower()
        for a in analysis.auth_results
        if untied_stamp(analysis.provenance, a.header_index)
        or (not analysis.chain.hops and a.header_name.lower() == "authentication-results")
        for r in a.results
        if is_pass(r.result)
    }
    return frozenset(
        stamps
        | {t[0] for t in _receiver_rspamd(analysis)[1]}
        | {t[0] for t in _receiver_spamassassin(analysis)[1]}
    )


def receiver_rspamd(analysis: Analysis) -> tuple[tuple[str, str, str], ...]:
    """(method, result, symbol) from the final receiver's own Rspamd when it wrote no
    Authentication-Results: its X-Spamd-Result, attributed to it by parsers/provenance (tied by
    the queue id of its own Received line), is then the only verdict it wrote."""
    return tuple(_receiver_rspamd(analysis)[0])


def _receiver_spamassassin(
    analysis: Analysis,
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(verdicts counted, pass verdicts not counted) of the receiver's SpamAssassin tests, when
    it wrote no Authentication-Results and no Rspamd result: its X-Spam-Status, attributed to it
    by parsers/provenance. A pass counts only where the field sits above the boundary's own
    Received line, a place only the receiving organisation writes to; elsewhere (the bottom of
    the header, or just under its line) the sender's own field could be there, so a pass reads
    unknown while a failure, which gains a sender nothing, still counts."""
    if final_receiver_results(analysis) or any(_receiver_rspamd(analysis)):
        return [], []
    b = analysis.chain.boundary
    entry_line = next(
        (h.header_index for h in analysis.chain.hops if b is not None and h.number == b.hop_number),
        None,
    )
    for f in analysis.headers:
        if f.lname == "x-spam-status" and analysis.provenance.is_receivers(f.index):
            found = sa_auth(f.value)
            dropped: list[tuple[str, str, str]] = []
            if entry_line is None or f.index > entry_line:
                dropped = [t for t in found if t[1] == "pass"]
                found = [t for t in found if t[1] != "pass"]
            if found or dropped:
                return found, dropped
    return [], []


def receiver_spamassassin(analysis: Analysis) -> tuple[tuple[str, str, str], ...]:
    """(method, result, rule) from the final receiver's own SpamAssassin tests when it wrote no
    Authentication-Results and no Rspamd result (see _receiver_spamassassin)."""
    return tuple(_receiver_spamassassin(analysis)[0])


def receiver_spamassassin_uncounted(analysis: Analysis) -> tuple[str, ...]:
    """Pass rules of the receiver's X-Spam-Status that are not counted."""
    return tuple(t[2] for t in _receiver_spamassassin(analysis)[1])
