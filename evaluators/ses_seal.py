"""Amazon SES's seal: its X-SES-DKIM-SIGNATURE verified over DNS decides whether its stamps count."""

from __future__ import annotations

from datetime import datetime

from headerlens.dnsclient.dnsproto import Resolver
from headerlens.evaluators.dkim import verify_dkim
from headerlens.model import Analysis
from headerlens.model.verdicts import DkimVerdict
from headerlens.parsers.provenance_ses import seal_field

__all__ = ["check_seal", "seal_message"]


def seal_message(analysis: Analysis) -> bytes | None:
    """The message as SES signed it: its X-SES-RECEIPT, the seal renamed DKIM-Signature (the
    field dkimpy verifies), the header it arrived with and the body; None when no SES block
    waits for its seal. Every other DKIM-Signature is renamed so that only the seal is checked
    (SES's h= never names DKIM-Signature)."""
    at = seal_field(analysis.headers, analysis.provenance)
    if at is None:
        return None
    out = []
    for f in analysis.headers[at - 1 :]:
        if f.index == at:
            out.append(b"DKIM-Signature" + f.raw[f.raw.index(b":") :])
        elif f.lname == "dkim-signature":
            out.append(b"X-Not-Checked-" + f.raw)
        else:
            out.append(f.raw)
    fields = b"".join(out)
    if analysis.body_start is None:
        return fields
    sep = b"\r\n" if analysis.raw[: analysis.body_start].endswith(b"\r\n") else b"\n"
    if not fields.endswith((b"\n", b"\r")):
        fields += sep
    return fields + sep + analysis.raw[analysis.body_start :]


async def check_seal(analysis: Analysis, resolver: Resolver, now: datetime) -> DkimVerdict | None:
    """SES's X-SES-DKIM-SIGNATURE re-verified with dkimpy (None: no SES block waits for it)."""
    data = seal_message(analysis)
    if data is None:
        return None
    out = await verify_dkim(
        data,
        has_body=analysis.has_body,
        resolver=resolver,
        receipt_time=analysis.receipt_time,
        now=now,
    )
    return out[0] if out else None
