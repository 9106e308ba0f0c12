"""Sentences for a success notice (a DSN whose recipients were delivered, relayed or expanded)."""

from __future__ import annotations

from headerlens.diagnosis.facts import Situation


def _what(s: Situation) -> tuple[str, str]:
    """What happened to the original, as the notice's Action says it (RFC 3464 §2.3.3), and
    what that leaves unconfirmed."""
    reporter = s.fact("reporter") or "the sending server"
    remote = s.fact("remote")
    action = s.fact("succeeded") or "delivered"
    if action.startswith("relayed"):
        return (
            f"{reporter} passed the original on to {remote or 'the next server'}, which accepted it",
            ": that server sends no further notices, so delivery to the mailbox is not confirmed",
        )
    if action.startswith("expanded"):
        return (
            f"{remote or reporter} accepted the original and passed it on to an alias or list's members",
            "",
        )
    return f"{remote or reporter} delivered the original", ""


def forged_doubt(s: Situation) -> str:
    """Why a notice whose own From domain failed DMARC at the receiver (the fact
    ``dmarc-failed``, diagnosis/notice_dmarc) may be a phish, or "" when it did not."""
    dom = s.fact("dmarc-failed")
    if not dom:
        return ""
    return (
        f"DMARC fails for {dom}, the domain in its From, so it may be forged (a phish dressed "
        "as a notice): do not act on its links"
    )


def _no_action(s: Situation, *, tie_said: bool = False) -> str:
    """ "Nobody needs to act", only for a notice something ties to its reporter: anyone can
    write a success notice, and one nothing ties (a phish dressed as one, links and all) must
    not read as safe to leave alone."""
    reporter = s.fact("reporter") or "its reporter"
    if doubt := forged_doubt(s):
        return f"if it is genuine nobody needs to act, but {doubt}"
    if s.fact("unvouched"):
        tie = "it" if tie_said else f"nothing ties it to {reporter}, so it"
        return (
            f"if it is genuine nobody needs to act, but {tie} may be forged (a phish dressed as "
            "a notice): do not act on its links"
        )
    if s.fact("untied"):
        return "if it is genuine nobody needs to act" + (
            "" if tie_said else f" (that it came from {reporter} is not confirmed offline)"
        )
    return "nobody needs to act"


def success_title(s: Situation) -> str:
    """The ndr situation's title when the notice reports success."""
    what, unconfirmed = _what(s)
    return (
        f"Delivery-success notice (a DSN with Action: {s.fact('succeeded')}), not a bounce: "
        f"{what} ({s.fact('status') or 'no status'}{unconfirmed}); nobody refused it and "
        f"{_no_action(s)}."
    )


def success_headline(s: Situation) -> str:
    """The headline's cause for a success notice."""
    what, unconfirmed = _what(s)
    said = (
        f", it says (that it came from {s.fact('reporter') or 'its reporter'} is not confirmed offline)"
        if s.fact("untied")
        else f", it says (nothing ties it to {s.fact('reporter') or 'its reporter'})"
        if s.fact("unvouched")
        else ""
    )
    return (
        f"A success notice, not a bounce: {what} ({s.fact('status') or 'no status'}, Action: "
        f"{s.fact('succeeded')}{unconfirmed}){said}; {_no_action(s, tie_said=True)}"
    )
