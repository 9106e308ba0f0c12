"""The verdict bar's words: the final verdicts and where the message went, for every output."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from headerlens.diagnosis import Diagnosis, diagnose
from headerlens.diagnosis.facts import Outcome
from headerlens.diagnosis.filer import filer_name
from headerlens.diagnosis.inputs import boundary_hop
from headerlens.diagnosis.outcome import RATED_HAM
from headerlens.diagnosis.unauthenticated import receiver_received_spf
from headerlens.model import Analysis, Vendor
from headerlens.model.codes import Code
from headerlens.model.verdicts import Alignment, DkimResult, DmarcResult
from headerlens.model.verification import Verification, VerifyMode
from headerlens.parsers.provenance_delivery import DELIVERY_WRITER
from headerlens.parsers.provenance_ses import unsealed
from headerlens.report.words import spf_words
from headerlens.stamped import (
    receiver_rspamd,
    receiver_spamassassin,
    stamped,
    untied_passes,
)


class Kind(enum.Enum):
    """What a piece of the bar is, so each output can mark it (the console colours it)."""

    NAME = "name"  # DMARC, SPF, DKIM, "Gmail: "
    RESULT = "result"  # a verdict word: pass, fail, softfail, ...
    HEADERS_ONLY = "headers-only"  # DKIM's b= verified, the body not checked: not a pass
    PLAIN = "plain"  # a qualifier: " (quarantine)", " (not aligned)"
    NOTE = "note"  # " (stamped)", "—": what the verdict rests on
    WHERE = "where"  # the folder; ``Piece.outcome`` says which


@dataclass(frozen=True)
class Piece:
    text: str  # may hold header text (the receiving host): outputs make it inert
    kind: Kind
    outcome: Outcome | None = None


SEPARATOR = " · "
_MICROSOFT = (Vendor.EOP, Vendor.EXCHANGE, Vendor.EXCHANGE_ONLINE)
_WHERE = {
    Outcome.INBOX: "Inbox",
    Outcome.JUNK: "Spam folder",
    Outcome.QUARANTINE: "Quarantine",
    Outcome.REJECTED: "Rejected",
    Outcome.FOLDER: "the recipient's own folder (not Junk)",
    Outcome.UNKNOWN: "folder unknown",
}
# Re-verified results that say nothing about the message: the DNS did not answer or was not asked.
_UNDECIDED = {"temperror", "unavailable", "unknown"}


def blind(v: Verification) -> bool:
    """The checks found the resolver blind (finding verify.resolver-blind, diagnosis/findings_resolver)."""
    return any(f.code == Code.VERIFY_RESOLVER_BLIND for f in v.findings)


def _outcome(analysis: Analysis, d: Diagnosis) -> list[Piece]:
    outcome = d.outcome.outcome
    words = _WHERE[outcome]
    if outcome is Outcome.REJECTED:  # a bounce: the refusing server says so
        # where the bounce itself went, without its evidence (the report's outcome shows that)
        filed = f"; {d.outcome.folder.split(' (', 1)[0]}" if d.outcome.folder else ""
        return [Piece(f"{words} (bounce){filed}", Kind.WHERE, outcome)]
    hop = boundary_hop(analysis)
    if outcome is Outcome.JUNK and hop is not None and hop.vendor in _MICROSOFT:
        words = "Junk Email folder"
    if d.outcome.folder == RATED_HAM:  # a score under the threshold: no folder named
        words = "folder unknown (rated not spam)"
    elif d.outcome.folder and outcome is Outcome.UNKNOWN:
        words = "no folder (rated only)"
    elif d.outcome.folder and outcome is not Outcome.FOLDER:
        words += " (by the recipient's own rule)"
    # a verdict a filter at the final mailbox appended: the bar names it as the headline does
    name = "Spam filter at delivery" if d.outcome.receiver == DELIVERY_WRITER else None
    return [
        Piece(f"{name or filer_name(analysis)}: ", Kind.NAME),
        Piece(words, Kind.WHERE, outcome),
    ]


def _aligned(alignments: Iterable[Alignment], method: str) -> str:
    mine = [a for a in alignments if a.method == method and a.authenticated]
    if not mine:
        return ""
    return " (aligned)" if any(a.aligned for a in mine) else " (not aligned)"


def _verdict(
    name: str,
    live: str | None,
    stamp: str | None,
    extra: str = "",
    by: str = "stamped",
    blank: str = "—",
) -> list[Piece]:
    """``DMARC fail (quarantine)``; the receiver's stamp, marked, when nothing was re-verified."""
    out = [Piece(f"{name} ", Kind.NAME)]
    if live == DkimResult.HEADERS_ONLY.value:
        out.append(Piece("pass (headers only; body not checked)", Kind.HEADERS_ONLY))
        out.append(Piece(extra, Kind.PLAIN))
    elif live is not None and live not in _UNDECIDED:
        out += [Piece(live.lower(), Kind.RESULT), Piece(extra, Kind.PLAIN)]
    elif stamp is not None:
        out += [Piece(stamp.lower(), Kind.RESULT), Piece(f" ({by})", Kind.NOTE)]
    elif live is not None:
        out.append(Piece(live.lower(), Kind.RESULT))
    else:
        out.append(Piece(blank, Kind.NOTE))
    return [p for p in out if p.text]


def verdicts(analysis: Analysis, v: Verification | None) -> list[list[Piece]]:
    """DMARC, SPF and DKIM as the bar shows them: re-verified when DNS answered."""
    # a blind resolver's NXDOMAINs say nothing about the message: the receiver's stamps stand
    usable = v is not None and v.done and v.mode is not VerifyMode.OFFLINE and not blind(v)
    dmarc = v.dmarc if usable and v is not None else None
    alignments = dmarc.alignments if dmarc is not None else ()
    live_dmarc = dmarc.result.value if dmarc is not None else None
    if dmarc is not None and dmarc.result is DmarcResult.UNKNOWN:
        live_dmarc = "unconfirmed" if dmarc.unconfirmed else "unknown"
    policy = ""
    if dmarc is not None and dmarc.policy:  # what the domain asks for a failing message
        policy = " (p=none)" if dmarc.policy == "none" else f" ({dmarc.policy})"
    # a receiver that wrote no Authentication-Results: its own Rspamd's symbols, so marked
    rspamd = {m: r for m, r, _ in receiver_rspamd(analysis)}
    by = "Rspamd" if rspamd else "stamped"
    # no Rspamd either: its own SpamAssassin's SPF/DKIM/DMARC rules, so marked
    sa = {m: r for m, r, _ in receiver_spamassassin(analysis)}
    # Amazon SES's block by position only: its seal is verified over DNS, never offline
    sealed = "unknown (not verified offline)" if unsealed(analysis.provenance) else "—"
    untied = untied_passes(analysis)  # passes only position ties to the receiver

    def blank(method: str) -> str:
        return "unknown (pass not tied to the receiver)" if method in untied else sealed

    def stamped_or_rspamd(method: str) -> str | None:
        return stamped(analysis, method) or rspamd.get(method)

    def scanned(method: str) -> tuple[str | None, str]:
        """The stamp and its writer's word for ``method``: the receiver's own fields first."""
        if (found := stamped_or_rspamd(method)) is not None:
            return found, by
        return sa.get(method), "SpamAssassin"

    out = [
        _verdict(
            "DMARC",
            live_dmarc,
            scanned("dmarc")[0],
            policy if live_dmarc == "fail" else "",
            scanned("dmarc")[1],
            blank("dmarc"),
        )
    ]
    spf = v.spf if usable and v is not None else None
    live_spf = spf_words(analysis, spf) if spf is not None else None
    # no spf= in the receiver's own fields: its own Received-SPF (policyd-spf, Yahoo), so marked
    rspf = None if stamped_or_rspamd("spf") else receiver_received_spf(analysis)
    out.append(
        _verdict(
            "SPF",
            live_spf.split(" ", 1)[0] if live_spf else None,
            rspf or scanned("spf")[0],
            " (unconfirmed)" if live_spf and " " in live_spf else _aligned(alignments, "spf"),
            "stamped in Received-SPF" if rspf else scanned("spf")[1],
            blank("spf"),
        )
    )
    dkim = v.dkim if usable and v is not None else ()
    live_dkim: str | None = None
    if dkim:
        best = next((k for k in dkim if k.result is DkimResult.PASS), None)
        best = best or next((k for k in dkim if k.result is DkimResult.HEADERS_ONLY), dkim[0])
        live_dkim = best.result.value
    elif usable and analysis.dkim_signatures == ():
        live_dkim = "none"
    out.append(
        _verdict(
            "DKIM",
            live_dkim,
            scanned("dkim")[0],
            _aligned(alignments, "dkim"),
            scanned("dkim")[1],
            blank("dkim"),
        )
    )
    return out


def verdict_pieces(
    analysis: Analysis, v: Verification | None, d: Diagnosis, outcome: Diagnosis | None = None
) -> list[list[Piece]]:
    """``DMARC fail (quarantine) · SPF pass (not aligned) · DKIM pass (not aligned) · Gmail: Spam
    folder`` in groups: ``analysis``'s verdicts, and where ``outcome`` (default ``d``) says it
    went (for a bounce, the bounce's diagnosis: refused). Groups are joined by SEPARATOR.
    A bounce with no verdict of its own, stamped or re-verified, says so in one piece."""
    groups = verdicts(analysis, v)
    if analysis.ndr is not None and all(g[-1].text == "—" for g in groups):
        groups = [[Piece("none stamped on the bounce", Kind.NOTE)]]
    return [*groups, _outcome(analysis, outcome or d)]


RETURNED = "returned copy: "


def returned_pieces(analysis: Analysis, verification: Verification | None) -> list[list[Piece]]:
    """A bounce's returned copy's DMARC, SPF and DKIM (checked on the original, never the
    bounce's), marked ``returned copy: ``; the same verdicts as the report's section on the
    returned copy. Empty for anything but a bounce that returned a copy."""
    ndr = analysis.ndr
    if ndr is None or ndr.original is None:
        return []
    groups = verdicts(ndr.original, verification.original if verification is not None else None)
    if all(g[-1].text == "—" for g in groups):
        return [[Piece(RETURNED, Kind.NOTE), Piece("none stamped", Kind.NOTE)]]
    return [[Piece(RETURNED, Kind.NOTE), *groups[0]], *groups[1:]]


def verdict_line(groups: list[list[Piece]]) -> str:
    """The bar as plain text (not yet inert: the receiving host's name is header text)."""
    return SEPARATOR.join("".join(p.text for p in group) for group in groups)


def bar_line(analysis: Analysis, verification: Verification | None) -> str:
    """The verdict bar as one line of text (not yet inert) for the reports: the verdicts of the
    message itself. A bounce's line holds the bounce's own (its returned copy's verdicts were
    stamped on the original, and the report shows them in the returned copy's section)."""
    return verdict_line(verdict_pieces(analysis, verification, diagnose(analysis, verification)))
