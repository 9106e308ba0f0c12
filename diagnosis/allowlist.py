"""A Safe Senders match that Microsoft did not honour: the message went to Junk anyway."""

from __future__ import annotations

import re

from headerlens.diagnosis.inputs import receiver_fields, stamp
from headerlens.model import Analysis, Finding, Severity
from headerlens.model.codes import Code

_MATCH = re.compile(r"\b(?:wl|pcwl):1\b", re.IGNORECASE)
_JUNK = re.compile(r"\bdest:J\b", re.IGNORECASE)
_SCL = re.compile(r"^\s*(-?\d+)\s*$")


def _scl(analysis: Analysis) -> int | None:
    for f in receiver_fields(analysis, "x-ms-exchange-organization-scl"):
        m = _SCL.match(f.value)
        if m:
            return int(m.group(1))
    return None


def allow_not_honoured(analysis: Analysis) -> list[Finding]:
    """The receiver's own Mailbox-Delivery shows a Safe Senders / trusted-contact match (wl:1,
    pcwl:1) and dest:J: Safe Senders do not override high-confidence spam or phishing, nor a
    DMARC failure the From domain enforces, so the match did not move it to the Inbox."""
    for f in receiver_fields(analysis, "x-microsoft-antispam-mailbox-delivery"):
        flags = sorted({m.group(0) for m in _MATCH.finditer(f.value)})
        if not flags or not _JUNK.search(f.value):
            continue
        scl = _scl(analysis)
        d = stamp(analysis, "dmarc")
        action = dict(d.result.extras).get("action", "").lower() if d is not None else ""
        if (
            d is not None
            and d.value == "fail"
            and action in ("oreject", "oquarantine", "reject", "quarantine")
        ):
            why = f"DMARC failed under the From domain's enforcing policy (action={action})"
        elif scl is not None and scl >= 7:
            why = f"the spam filter rated it high-confidence spam (SCL {scl})"
        else:
            why = "Microsoft's headers do not say which verdict outranked the list"
        return [
            Finding(
                Code.ALLOWLIST_NOT_HONOURED,
                Severity.INFO,
                f"The recipient's Safe Senders matched this sender ({', '.join(flags)}), but "
                f"the message was still filed in Junk: {why}.",
                detail="Safe Senders do not override high-confidence spam or phishing verdicts, "
                "nor a failed DMARC check that the From domain enforces.",
                fix="Nothing to change in Safe Senders: it cannot override this verdict, and "
                "should not for a sender that fails it.",
                header_index=f.index,
            )
        ]
    return []
