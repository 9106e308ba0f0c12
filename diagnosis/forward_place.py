"""Where a forward named by X-Forwarded-* fields happened, who forwarded, and what came after."""

from __future__ import annotations

import re

from headerlens.diagnosis.inputs import fields, org
from headerlens.model import Analysis, HopRole

__all__ = ["forward_index", "forwarding_address", "later_sending", "rewritten_envelope"]

# a Gmail forwarding envelope, "user+caf_=target=example.net@example.org" (a run of address
# characters is matched once, from where it starts: linear)
_CAF = re.compile(r"(?<![\w.+=-])[\w.=-]+\+caf_=[\w.+=-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_ADDR = re.compile(r"(?<![\w.+=-])[\w.+=-]+@([\w-]+(?:\.[\w-]+)+)")


def forward_index(analysis: Analysis) -> int | None:
    """The header position of the lowest X-Forwarded-To / X-Forwarded-For field: the forwarder
    (Gmail's and Google Workspace's auto-forward) writes them where it re-sends the message."""
    idx = [f.index for f in fields(analysis, "x-forwarded-to", "x-forwarded-for")]
    return max(idx) if idx else None


def forwarding_address(analysis: Analysis) -> str | None:
    """The domain of the mailbox that forwarded: the first address of X-Forwarded-For (Gmail
    writes "X-Forwarded-For: forwarding@mailbox target@elsewhere"), else None."""
    for f in fields(analysis, "x-forwarded-for"):
        if m := _ADDR.search(f.value):
            return m.group(1).lower()
    return None


def rewritten_envelope(analysis: Analysis, below: int) -> str | None:
    """A Gmail forwarding envelope (+caf_=) that a receiver above the forward recorded (its
    Received-SPF or Authentication-Results): the forwarder rewrote the envelope sender."""
    for f in analysis.headers:
        if f.index >= below or f.lname not in (
            "received-spf",
            "authentication-results",
            "arc-authentication-results",
        ):
            continue
        if m := _CAF.search(f.value):
            return m.group(0)
    return None


def later_sending(analysis: Analysis, index: int, list_host: str | None) -> str | None:
    """What sent the message again after the forward at header position ``index``: a submission
    stamped above it (a person's bounce or re-send: a local program, an authenticated client), or
    the list's own host above it. Then the forward was an earlier leg, not the final hand-over."""
    above = [h for h in analysis.chain.hops if h.header_index < index]
    sub = next((h for h in above if h.role is HopRole.SUBMISSION), None)
    if sub is not None:
        return f"it was submitted again at {sub.received.by or 'a later host'} (hop {sub.number})"
    if list_host:
        lst = next((h for h in above if org(h.received.by) == org(list_host)), None)
        if lst is not None:
            return f"the list's host {lst.received.by} re-sent it after that (hop {lst.number})"
    return None
