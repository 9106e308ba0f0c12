"""Words for a spoof of a big mail provider's address read from where it entered (no verdict of
the receiver's, not re-verified: diagnosis.provider_hosts)."""

from __future__ import annotations

from headerlens.diagnosis.facts import Situation


def _entered(s: Situation) -> str:
    return s.fact("entered") or s.fact("server") or "another host"


def _domain(s: Situation) -> str:
    return s.fact("domain") or "the From domain"


def provider_cause(s: Situation) -> str:
    return (
        f"Probably a spoof of {_domain(s)}: it entered from {_entered(s)}, not one of "
        f"{_domain(s)}'s own mail servers (the receiver wrote no authentication result and "
        "nothing was re-verified); nothing to fix there"
    )


def provider_title(s: Situation) -> str:
    return (
        f"Probably a spoof: the message claims to come from {_domain(s)}, but it entered the "
        f"receiving organisation from {_entered(s)}, which is not one of {_domain(s)}'s own "
        f"mail servers, and nothing authenticated it (the receiver wrote no SPF, DKIM or DMARC "
        f"result; re-run with DNS to check {_domain(s)}'s DMARC policy). A mail provider's "
        "users' messages leave through its own servers; the other reading is a user who sent "
        "with that address through another server (an ISP's or employer's relay, as older mail "
        "programs allowed), which nothing here shows."
    )


def provider_fix(s: Situation) -> str:
    return (
        f"Nothing to fix at {_domain(s)}: its own servers did not send this. Treat the sender "
        "as unverified and block or report the message; re-run with DNS for the DMARC verdict."
    )
