"""Plain wording of model values shared by the reports and the console.

Nothing here escapes: the values may hold attacker-controlled text, and each caller makes it
inert for its own output (Markdown, HTML, JSON, Rich text).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import PurePath
from typing import TYPE_CHECKING

from headerlens.model import Analysis, Defect, Hop
from headerlens.parsers.chain_time import placeholder_clock
from headerlens.parsers.provenance_ses import seal_words
from headerlens.stamped import (
    final_receiver_results,
    receiver_rspamd,
    receiver_rspamd_uncounted,
    receiver_spamassassin,
    receiver_spamassassin_uncounted,
    untied_stamp,
)

if TYPE_CHECKING:  # the verdict types load with the checks, after the console's first frame
    from headerlens.model.spf import SpfResult
    from headerlens.model.verdicts import DkimVerdict


def spf_words(analysis: Analysis, spf: SpfResult) -> str:
    """The replayed SPF result; a pass at a trust boundary nothing confirms is "unconfirmed"
    (Boundary.unconfirmed), never a bare "pass"."""
    b = analysis.chain.boundary
    word = spf.verdict.value
    if b is not None and b.unconfirmed and word == "pass" and spf.ip == b.ip:
        return f"{word} (unconfirmed: the trust boundary is not confirmed)"
    return word


def file_label(source_name: str) -> str:
    """The input's file name without its folders (a user's path does not belong in a ticket)."""
    return PurePath(source_name).name or source_name


def utc_time(when: datetime) -> str:
    """``2024-03-05 08:14:02``: every time the reports print is in UTC, so that stamps written in
    different zones compare at a glance; a time without a zone (Date ``-0000``) is taken as UTC."""
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def date_words(when: datetime) -> str:
    """The Date field in UTC, with the offset the sender wrote: ``… UTC (written as +01:00)``."""
    offset = when.strftime("%z") if when.tzinfo is not None else ""
    written = f" (written as {offset[:3]}:{offset[3:]})" if offset and offset != "+0000" else ""
    return f"{utc_time(when)} UTC{written}"


def fmt_delay(delta: timedelta | None) -> str:
    """A signed, human duration: ``+2 s``, ``-5 s (clock skew)``, ``+1 h 08 min``."""
    if delta is None:
        return "?"
    secs = round(delta.total_seconds())
    sign = "-" if secs < 0 else "+"
    secs = abs(secs)
    if secs < 60:
        return f"{sign}{secs} s"
    if secs < 3600:
        return f"{sign}{secs // 60} min {secs % 60:02d} s"
    hours, rem = divmod(secs, 3600)
    if hours < 48:
        return f"{sign}{hours} h {rem // 60:02d} min"
    return f"{sign}{hours // 24} d {hours % 24} h"


def hop_from(hop: Hop) -> str:
    """Who connected: HELO / reverse DNS [IP], each named once."""
    r = hop.received
    parts = [p for p in (r.from_helo, r.from_rdns) if p]
    ident = " / ".join(dict.fromkeys(parts))
    ip = r.from_ip or (f"{r.from_ip_masked}, masked" if r.from_ip_masked else None)
    if ip:
        ident = f"{ident} [{ip}]" if ident else f"[{ip}]"
    return ident


def hop_role(hop: Hop) -> str:
    """Vendor and role of a hop, with the product version when known."""
    label = f"{hop.vendor_label}, {hop.role.value}"
    if hop.product_version:
        label += f" ({hop.product_version})"
    return label


def dkim_words(verdict: DkimVerdict) -> str:
    """One signature's re-verified result: header (b=) and body (bh=) apart, and for a
    header-only paste "pass for the headers only; body not checked"."""
    from headerlens.model.verdicts import DkimResult

    parts = f"header {verdict.header_result.value}, body {verdict.body_result.value}"
    if verdict.result is DkimResult.HEADERS_ONLY:
        return f"{verdict.result_words} ({parts})"
    return parts


def coverage_sentence(verdict: DkimVerdict) -> str:
    """Which header instances one signature's h= covers, or "" when unknown."""
    from headerlens.parsers.dkimcoverage import coverage_entry

    if not verdict.coverage:
        return ""
    return f"h= covers (header #): {', '.join(map(coverage_entry, verdict.coverage))}."


def input_problems(a: Analysis) -> list[Defect]:
    """Every defect of the input, the chain and each hop, for the "Input problems" section."""
    problems = [*a.defects, *a.chain.defects]
    for h in a.chain.hops:
        problems += [*h.received.defects, *h.defects]
    return problems


def boundary_words(a: Analysis) -> str | None:
    """The trust boundary in one sentence (plain text), or None when there is none."""
    b = a.chain.boundary
    if b is None:
        return None
    mail_from = "<>" if b.mail_from == "" else (b.mail_from or "?")
    hop = next((h for h in a.chain.hops if h.number == b.hop_number), None)
    masked = hop.received.from_ip_masked if hop is not None else None
    ip = b.ip or (f"{masked} (masked)" if masked else "?")
    return (
        f"hop {b.hop_number}, {b.receiver or '?'} received from {ip} "
        f"(HELO {b.helo or '?'}, MAIL FROM {mail_from}) — {b.reason}"
    )


def measurable_transit(a: Analysis) -> timedelta | None:
    """The chain's total transit, or None when unknown or when the stamps' times contradict
    each other (negative, or placeholder times): then no transit can be said."""
    total = a.chain.total_transit
    if total is None:
        return None
    dated = [h.received.timestamp for h in a.chain.hops if h.received.timestamp is not None]
    if total < timedelta(0) or placeholder_clock([*dated, *filter(None, [a.date])]):
        return None
    # imported here: the console's first frame shows the chain before any diagnosis is loaded
    from headerlens.diagnosis.time_consistency import transit_measurable

    if not transit_measurable(a):  # a stamp the other times contradict
        return None
    return total


def transit_words(a: Analysis) -> str:
    """The total transit as every output says it: ``+2 min 03 s``, "unknown", or "not
    measurable" when the stamps' times contradict each other (:func:`measurable_transit`)."""
    if a.chain.total_transit is None:
        return "unknown"
    total = measurable_transit(a)
    if total is None:
        return "not measurable (the stamps' times contradict each other)"
    from headerlens.diagnosis.time_consistency import mailbox_time

    held = mailbox_time(a)
    if held >= timedelta(minutes=1):  # a re-send or a forward of a saved copy: no transit
        spent = fmt_delay(held).lstrip("+")
        return f"{fmt_delay(total)} ({spent} of it in a mailbox before it was sent on again)"
    return fmt_delay(total)


def facts(a: Analysis) -> list[tuple[str, str]]:
    """The message at a glance, (label, plain text) in reading order: the same in every report."""
    chain = a.chain
    body = "available" if a.has_body else "not available (headers only)"
    transit = transit_words(a)
    rows: list[tuple[str, str | None]] = [
        ("Subject", a.subject),
        ("From", a.from_addr.display if a.from_addr is not None else None),
        ("Return-Path", (a.return_path.display or "<>") if a.return_path is not None else None),
        ("Date", date_words(a.date) if a.date is not None else None),
        ("Message-ID", a.message_id or None),
        ("Input", f"{a.kind.value}, {len(a.headers)} header fields, body {body}"),
        ("Hops", f"{len(chain.hops)}, total transit {transit}"),
        ("Trust boundary", boundary_words(a)),
    ]
    final = final_receiver_results(a)
    stamps = [ar for ar in a.auth_results if ar.header_name.lower() == "authentication-results"]
    if a.copy_kind == "returned" and stamps:
        # the returned copy's stamps were written on the original on its way, never on the bounce
        said = "; ".join(
            f"by {ar.authserv_id or 'an unnamed server'}: "
            + (", ".join(f"{r.method}={r.result}" for r in ar.results) or "nothing")
            for ar in stamps
        )
        rows.append(("Stamped on the returned copy", f"{said} (on the original, not the bounce)"))
    elif final:
        verdicts = ", ".join(f"{r.method}={r.result}" for ar in final for r in ar.results)
        if any(untied_stamp(a.provenance, ar.header_index) for ar in final):
            verdicts += " (the passes in the same field are not tied to the receiver)"
        rows.append(("Final receiver stamped", verdicts))
    elif (found := _rspamd_said(a) or _spamassassin_said(a)) is not None:
        rows.append(("Final receiver stamped", found))
    elif (sealed := seal_words(a.provenance)) is not None:
        rows.append(("Final receiver stamped", sealed))
    elif a.auth_results and a.provenance.fields:
        rows.append(
            (
                "Final receiver stamped",
                "nothing (the Authentication-Results in the message were written by others)",
            )
        )
    # imported here: the console draws its first frame with this module, before the diagnosis loads
    from headerlens.diagnosis.unauthenticated import receiver_received_spf

    if a.copy_kind != "returned" and (rspf := receiver_received_spf(a)) is not None:
        _add_stamped(rows, f"Received-SPF {rspf}")
    if (scored := _policyd_said(a)) is not None:
        at = next(
            (i for i, (label, _) in enumerate(rows) if label == "Final receiver stamped"), None
        )
        if at is None:
            rows.append(("Final receiver stamped", f"no Authentication-Results; {scored}"))
        else:
            rows[at] = (rows[at][0], f"{rows[at][1]}; {scored}")
    return [(label, text) for label, text in rows if text is not None]


def _add_stamped(rows: list[tuple[str, str | None]], said: str) -> None:
    """Add ``said`` to the "Final receiver stamped" row, or start that row with it."""
    at = next((i for i, (label, _) in enumerate(rows) if label == "Final receiver stamped"), None)
    if at is None:
        rows.append(("Final receiver stamped", said))
    else:
        rows[at] = (rows[at][0], f"{rows[at][1]}; {said}")


def _policyd_said(a: Analysis) -> str | None:
    """The final receiver's own policyd-weight score of the connecting client (its field as the
    field attribution gives it to the final receiving organisation), in words."""
    from headerlens.model.provenance import Author
    from headerlens.parsers.vendor_policyd import rate, verdict

    for f in a.headers:
        placed = a.provenance.of(f.index) if f.lname == "x-policyd-weight" else None
        if placed is not None and placed.author is Author.FINAL_RECEIVER:
            score = rate(f.value)
            if score is not None:
                return f"its policyd-weight scored the connecting client {verdict(score)}"
    return None


def _rspamd_said(a: Analysis) -> str | None:
    """The final receiver's verdicts as its own Rspamd symbols give them, when it wrote no
    Authentication-Results but its X-Spamd-Result is attributed to it."""
    return _filter_said(
        a,
        receiver_rspamd(a),
        receiver_rspamd_uncounted(a),
        "Rspamd (X-Spamd-Result)",
        "that X-Spamd-Result sits above the receiver's queue id, where the sender's own last"
        " field could be",
    )


def _spamassassin_said(a: Analysis) -> str | None:
    """The final receiver's verdicts as its own SpamAssassin rules give them, when it wrote no
    Authentication-Results and no Rspamd result but its X-Spam-Status is attributed to it."""
    return _filter_said(
        a,
        receiver_spamassassin(a),
        receiver_spamassassin_uncounted(a),
        "SpamAssassin (X-Spam-Status tests)",
        "that X-Spam-Status is not above the receiver's own Received line, where the sender's"
        " own field could be",
    )


def _filter_said(
    a: Analysis,
    found: Sequence[tuple[str, str, str]],
    uncounted: Sequence[str],
    filter_name: str,
    why_uncounted: str,
) -> str | None:
    """What the receiver's own filter found (method=result (rule)), its passes that do not count
    and why; None when it said nothing."""
    if not found and not uncounted:
        return None
    said = ", ".join(f"{m}={r} ({rule})" for m, r, rule in found) or "no failure"
    if uncounted:
        said += f"; its passes ({', '.join(uncounted)}) are not counted: {why_uncounted}"
    return f"{_no_ar_words(a)}; its {filter_name} found {said}"


def _no_ar_words(a: Analysis) -> str:
    """How a receiver whose own Authentication-Results nothing shows is described: "no
    Authentication-Results", or, where one with its identity sits only where its place (right
    below its line, where the sender's first field also sits) ties it, that it is not tied."""
    untied = any(
        untied_stamp(a.provenance, ar.header_index)
        for ar in a.auth_results
        if ar.header_name.lower() == "authentication-results"
    )
    if untied:
        return (
            "an Authentication-Results naming it that nothing ties to this delivery (its passes "
            "not counted)"
        )
    return "no Authentication-Results"
