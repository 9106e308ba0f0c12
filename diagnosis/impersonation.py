"""Impersonation authentication does not catch: another domain's address as the sender's name, a look-alike From domain."""

from __future__ import annotations

import re
import unicodedata

from headerlens.diagnosis.auth_state import aligned_pass, dmarc_failed
from headerlens.diagnosis.facts import Impersonation, Situation
from headerlens.diagnosis.inputs import same_org, stamp
from headerlens.model import Analysis, Finding, Severity
from headerlens.model.codes import Code
from headerlens.model.verdicts import DmarcResult
from headerlens.model.verification import Verification
from headerlens.parsers.lookalike import lookalike_target, named_domains, unicode_form

# An address in the shown name (read in NFKC, so "ceo＠contoso.com" counts): its domain is the
# one the reader is meant to see. Only name characters, so no markup or control reaches a line.
_SHOWN_ADDRESS = re.compile(r"@((?:[\w-]+\.)+[\w-]*[^\W\d_])(?![\w-])")
# Headline causes that say nothing an impersonation contradicts: it takes their place.
_QUIET = (
    "No particular situation was recognised",
    "Authentication and the delivery path are in order",
)
# Situations that already explain the message better than the shown name does.
_EXPLAINED = ("phish-sim", "ndr")
# How Google Groups names the author when it rewrites From to the group's own address:
# "'ann@example.com' via Team" <team@googlegroups.com>.
_LIST_REWRITE = re.compile(r"^'?[^'\s]+@[^'\s]+'? via \S.*$")

CODES = {
    "display-name": Code.IMPERSONATION_DISPLAY_NAME,
    "lookalike": Code.IMPERSONATION_LOOKALIKE,
    "encoded-word": Code.IMPERSONATION_ENCODED_WORD,
}


def read(analysis: Analysis, verification: Verification | None) -> Impersonation | None:
    """The impersonation the From field shows, if any (display name before look-alike)."""
    author = analysis.from_addr
    if author is None:
        return None
    codes = {d.code for d in analysis.defects}
    sender = author.domain
    if not sender:
        hidden = Code.IDENTITY_FROM_ENCODED_WORD in codes and _shown_domains(author.display)
        if not hidden:
            return None
        return Impersonation("encoded-word", hidden[0], "", "unknown", f"From: {author.display}")
    if Code.IDENTITY_DISPLAY_NAME_ADDRESS in codes:
        own = unicode_form(sender) or sender
        other = [d for d in _shown_domains(author.display) if not same_org(d, own)]
        if other:
            return Impersonation(
                "display-name",
                other[0],
                sender,
                _authenticated(analysis, verification),
                f"From: {author.display}",
            )
    if Code.IDENTITY_CONFUSABLE_DOMAIN in codes:
        named = named_domains(
            analysis.headers,
            (s.domain or "" for s in analysis.dkim_signatures),
            (author.display, analysis.subject or ""),
            (analysis.chain.boundary.receiver or "",) if analysis.chain.boundary else (),
        )
        found = lookalike_target(sender, named)
        if found is not None:
            return Impersonation(
                "lookalike",
                found[0],
                unicode_form(sender) or sender,
                _authenticated(analysis, verification),
                f"From: {author.display} (imitates {found[0]}, {found[1]})",
            )
    return None


def _shown_domains(display: str) -> list[str]:
    """The domains of the addresses in the From field's shown (decoded) text, in NFKC."""
    shown = unicodedata.normalize("NFKC", display).lower()
    return [unicode_form(d) or d for d in _SHOWN_ADDRESS.findall(shown)]


def _authenticated(analysis: Analysis, verification: Verification | None) -> str:
    """The verdict: "pass" when the From domain's DMARC passed (or an identifier aligned with it passed) at
    the final receiver or as re-verified, "fail" when DMARC failed, else "unknown"."""
    d = stamp(analysis, "dmarc")
    v = verification.dmarc if verification is not None else None
    if dmarc_failed(analysis, verification):
        return "fail"
    if (d is not None and d.value == "pass") or (v is not None and v.result is DmarcResult.PASS):
        return "pass"
    return "pass" if aligned_pass(analysis) is not None else "unknown"


def sentence(imp: Impersonation) -> str:
    """The headline cause: what is shown, where the message is from, and who has nothing to fix."""
    auth = {
        "pass": "which authenticated",
        "fail": "which did not authenticate",
        "unknown": "whose authentication was not decided",
    }[imp.authenticated]
    if imp.kind == "encoded-word":
        return (
            f"Impersonation: the From field hides an address at {imp.imitated} in an encoded "
            f"word, which cannot hold an address (RFC 2047), so the message names no author "
            f"domain for DMARC to check; {imp.imitated} has nothing to fix"
        )
    if imp.kind == "lookalike":
        return (
            f"Impersonation: the From domain {imp.sender} imitates {imp.imitated} (look-alike "
            f"letters); the message is from that other domain, {auth}; {imp.imitated} has "
            f"nothing to fix"
        )
    return (
        f"Impersonation: the sender shows {imp.imitated}'s address as its name, but the message "
        f"is from {imp.sender}, {auth}; {imp.imitated} has nothing to fix"
    )


def list_rewrite(imp: Impersonation | None, display: str, labels: tuple[str, ...]) -> bool:
    """True when the address in the shown name is Google Groups' own rewrite of From: the message
    was recognised as a Google Groups post and authenticated as googlegroups.com itself (only
    Google can make that pass, so a sender cannot fake it with a List-Id of his own), and the
    name has the "<author> via <group>" form. Other lists stay named: their domain and List-Id
    are the sender's to choose."""
    return (
        imp is not None
        and imp.kind == "display-name"
        and imp.authenticated == "pass"
        and "google-groups" in labels
        and same_org(imp.sender, "googlegroups.com")
        and _LIST_REWRITE.match(_shown_name(display)) is not None
    )


def _shown_name(display: str) -> str:
    """The name part of a From field as shown (before its <address>), unquoted, in NFKC."""
    name = unicodedata.normalize("NFKC", display).rsplit("<", 1)[0].strip()
    return name[1:-1].strip() if len(name) > 1 and name[0] == name[-1] == '"' else name


def lead(line: str, imp: Impersonation | None, labels: tuple[str, ...]) -> str:
    """The headline with the impersonation first (it replaces a cause that said nothing was
    wrong), unless a bounce or simulation is the story or the spoof named is of the imitated
    domain itself."""
    if imp is None or any(label in labels for label in _EXPLAINED):
        return line
    if line.startswith(f"A spoof of {imp.imitated}"):
        return line
    first, *rest = line.rstrip(".").split("; ")
    if imp.kind == "display-name" and first == f"A spoof of {imp.sender}":
        # the address behind the name is forged too: "not decided" would contradict the spoof
        both = (
            f"Impersonation: the sender shows {imp.imitated}'s address as its name, and the "
            f"message is a spoof of {imp.sender} too (nothing {imp.sender} controls "
            f"authenticated it); neither has anything to fix"
        )
        return "; ".join([both, *(r for r in rest if r != "nothing to fix there")]) + "."
    parts = [sentence(imp)]
    quiet = next((q for q in _QUIET if first.startswith(q)), None)
    if quiet is None:
        parts.append(first[:1].lower() + first[1:] if first[1:2].islower() else first)
    elif more := first.removeprefix(quiet).strip():
        parts[0] += f" {more}"  # a note such as "(it came from an account at gmail.com...)"
    return "; ".join(parts + rest) + "."


def mark_control(
    situations: tuple[Situation, ...], imp: Impersonation | None
) -> tuple[Situation, ...]:
    """``control`` beside an impersonation keeps its label (the sending domain's authentication
    and path are in order) but names the domain shown, so it no longer reads "nothing is wrong"."""
    if imp is None or imp.sender == "":
        return situations
    return tuple(
        Situation(
            s.label,
            s.hop_number,
            s.evidence,
            (*s.facts, ("imitated", imp.imitated), ("sender", imp.sender)),
        )
        if s.label == "control"
        else s
        for s in situations
    )


def finding(imp: Impersonation) -> Finding:
    """The finding that carries the impersonation (its code; no situation label)."""
    return Finding(
        CODES[imp.kind],
        Severity.ERROR,
        sentence(imp) + ".",
        detail=f"Evidence: {imp.evidence}",
        fix=(
            f"Nothing to fix at {imp.imitated}: its SPF, DKIM and DMARC cannot stop a message "
            f"that is not from it. Treat the message as an impersonation of {imp.imitated}; "
            + _block(imp)
        ),
    )


def _block(imp: Impersonation) -> str:
    """Whom to block: the sending domain only where it authenticated the message; otherwise
    that domain may be forged as well, and blocking it would punish a bystander."""
    if imp.authenticated == "pass" or not imp.sender:
        return f"block or report {imp.sender or 'its sender'}."
    state = "did not authenticate it" if imp.authenticated == "fail" else "was not shown to send it"
    return (
        f"block or report the message; {imp.sender} {state}, so its address may be forged "
        "too: do not block that domain on this message alone."
    )
