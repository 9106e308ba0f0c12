"""Where the final receiver put the message, read only from the fields it wrote itself."""

from __future__ import annotations

import re

from headerlens.diagnosis.facts import Outcome, OutcomeFact
from headerlens.diagnosis.inputs import boundary_hop, receiver_fields
from headerlens.model import Analysis

_DEST = re.compile(r"\bdest:([A-Z])\b", re.IGNORECASE)
_SCL = re.compile(r"\bSCL:(-?\d+)", re.IGNORECASE)
_SFV = re.compile(r"\bSFV:([A-Z]+)", re.IGNORECASE)
_QUARANTINE_FOLDER = re.compile(r"\+(?:quarantine|quarentena|quarantaine|spam|junk)@", re.I)
# Proton's and others' explicit delivery decisions.
_PM_ACTION = {"inbox": Outcome.INBOX, "spam": Outcome.JUNK, "phishing": Outcome.JUNK}
_RSPAMD_ACTION = {
    "no action": Outcome.INBOX,
    "greylist": Outcome.INBOX,
    "add header": Outcome.JUNK,
    "rewrite subject": Outcome.JUNK,
    "soft reject": Outcome.UNKNOWN,
    "reject": Outcome.REJECTED,
}


def _receiver_name(analysis: Analysis) -> str | None:
    hop = boundary_hop(analysis)
    return hop.received.by if hop is not None else None


def _microsoft(analysis: Analysis) -> OutcomeFact | None:
    for f in receiver_fields(analysis, "x-microsoft-antispam-mailbox-delivery"):
        m = _DEST.search(f.value)
        if m:
            dest = m.group(1).upper()
            outcome = {"I": Outcome.INBOX, "J": Outcome.JUNK, "Q": Outcome.QUARANTINE}.get(dest)
            if outcome is not None:
                return OutcomeFact(outcome, (f"{f.name}: dest:{dest}",), _receiver_name(analysis))
    scl: int | None = None
    quote = ""
    for f in receiver_fields(analysis, "x-ms-exchange-organization-scl"):
        try:
            scl, quote = int(f.value.strip()), f"{f.name}: {f.value.strip()}"
        except ValueError:
            continue
        break
    for f in receiver_fields(analysis, "x-forefront-antispam-report"):
        sfv = _SFV.search(f.value)
        if sfv and sfv.group(1).upper() in {"SKA", "SKN", "SKI", "SKB"}:
            return OutcomeFact(
                Outcome.INBOX, (f"{f.name}: SFV:{sfv.group(1)}",), _receiver_name(analysis)
            )
        m = _SCL.search(f.value)
        if scl is None and m:
            scl, quote = int(m.group(1)), f"{f.name}: SCL:{m.group(1)}"
    if scl is not None:
        outcome = Outcome.JUNK if scl >= 5 else Outcome.INBOX
        return OutcomeFact(outcome, (quote,), _receiver_name(analysis))
    return None


def _others(analysis: Analysis) -> OutcomeFact | None:
    who = _receiver_name(analysis)
    for f in receiver_fields(analysis, "x-pm-spam-action"):
        outcome = _PM_ACTION.get(f.value.strip().lower())
        if outcome is not None:
            return OutcomeFact(outcome, (f"{f.name}: {f.value.strip()}",), who)
    for f in receiver_fields(analysis, "x-gmail-labels"):
        labels = {x.strip().lower() for x in f.value.split(",")}
        outcome = Outcome.JUNK if "spam" in labels else Outcome.INBOX
        return OutcomeFact(outcome, (f"{f.name}: {f.value.strip()[:60]}",), who)
    for f in receiver_fields(analysis, "delivered-to"):
        if _QUARANTINE_FOLDER.search(f.value):
            return OutcomeFact(Outcome.QUARANTINE, (f"{f.name}: {f.value.strip()}",), who)
    for f in receiver_fields(analysis, "x-vade-spamstate"):
        state = f.value.strip().lower()
        if state in {"spam", "phishing", "virus", "scam"}:
            return OutcomeFact(Outcome.JUNK, (f"{f.name}: {f.value.strip()}",), who)
        if state in {"clean", "legit"}:
            return OutcomeFact(Outcome.INBOX, (f"{f.name}: {f.value.strip()}",), who)
    # Rspamd appends at the bottom, where the sender's own header is: only the run the field
    # attribution ties to the receiver by its queue id counts (an X-Rspamd-Server naming the
    # receiver's host is text the sender can write too)
    for f in receiver_fields(analysis, "x-rspamd-action"):
        outcome = _RSPAMD_ACTION.get(f.value.strip().lower())
        if outcome is not None and outcome is not Outcome.UNKNOWN:
            return OutcomeFact(outcome, (f"{f.name}: {f.value.strip()}",), who)
    for f in receiver_fields(analysis, "x-spam-flag", "x-spam"):
        flag = f.value.strip().lower()
        if flag.startswith("yes"):
            return OutcomeFact(Outcome.JUNK, (f"{f.name}: {f.value.strip()}",), who)
        if flag.startswith("no"):
            return OutcomeFact(Outcome.INBOX, (f"{f.name}: {f.value.strip()}",), who)
    for f in receiver_fields(analysis, "x-spam-status"):
        flag = f.value.strip().lower()
        if flag.startswith(("yes", "no")):
            outcome = Outcome.JUNK if flag.startswith("yes") else Outcome.INBOX
            return OutcomeFact(outcome, (f"{f.name}: {f.value.strip()[:40]}",), who)
    return None


def outcome(analysis: Analysis, rejected: str | None = None) -> OutcomeFact:
    """The final receiver's decision; ``rejected`` is the DSN evidence when the message is a
    report that the original was refused."""
    if rejected:
        return OutcomeFact(Outcome.REJECTED, (rejected,), None)
    return _microsoft(analysis) or _others(analysis) or OutcomeFact(Outcome.UNKNOWN)
