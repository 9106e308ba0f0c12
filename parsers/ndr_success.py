"""A success notice's recipient (RFC 3464 Action: delivered, relayed, expanded): nobody refused it."""

from __future__ import annotations

from dataclasses import replace

from headerlens.model.ndr import CodeMeaning, FailedRecipient, Rejecter, WhoActs

RFC3464_ACTION = "RFC 3464 §2.3.3 (the Action field); RFC 3461 §4.1 (NOTIFY=SUCCESS)"

_FIX = (
    "Nothing: the message was not refused. Such a notice comes when the sending program asked "
    "for one (a delivery receipt, SMTP NOTIFY=SUCCESS); if you did not send the original, the "
    "notice is misdirected or forged: discard it."
)


def succeeded(r: FailedRecipient, reporter: str | None) -> FailedRecipient:
    """``r`` read as a recipient the message reached, with who took it over."""
    action = r.action.lower()
    by = reporter or "the reporting server"
    to = r.remote_mta or r.remote_ip
    if action == "relayed":
        explanation = (
            f"{by} passed the message on to {to or 'the next server'}, which accepted it; that "
            "server sends no further delivery notices, so delivery to the mailbox itself is not "
            "confirmed (RFC 3464 Action: relayed). A success notice, not a bounce."
        )
        why = f"nobody refused it: {to or 'the next server'} accepted it from {by}"
    elif action == "expanded":
        explanation = (
            "The message reached this address, an alias or mailing list that passed it on to "
            "further recipients (RFC 3464 Action: expanded). A success notice, not a bounce."
        )
        why = f"nobody refused it: {to or by} accepted it and expanded the address"
    else:
        explanation = (
            f"{to or by} delivered the message to this recipient's mailbox (RFC 3464 Action: "
            "delivered). A success notice, not a bounce."
        )
        why = f"nobody refused it: {to or by} delivered it"
    meaning = CodeMeaning(
        key=f"action:{action}",
        explanation=explanation,
        who_acts=WhoActs.NOBODY_DELIVERED,
        fix=_FIX,
        source=RFC3464_ACTION,
        matched="rfc3464-action",
    )
    return replace(r, rejecter=Rejecter.UNKNOWN, rejecter_why=why, meaning=meaning)
