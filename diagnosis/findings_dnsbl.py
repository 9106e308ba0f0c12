"""Findings from ``--dnsbl``: the IP the message entered the receiving organisation from, on DNS blocklists."""

from __future__ import annotations

from headerlens.model import Finding, Severity
from headerlens.model.codes import Code
from headerlens.model.mailrouting import DnsblCheck, DnsblState


def dnsbl_findings(
    check: DnsblCheck, hop_number: int | None, receiver: str | None
) -> list[Finding]:
    """One finding per list that lists the IP or refused the query, or one that it is on none."""
    where = f" (where {receiver} received the message)" if receiver else ""
    out: list[Finding] = []
    for r in check.results:
        if r.state is DnsblState.LISTED:
            out.append(
                Finding(
                    Code.DNSBL_LISTED,
                    Severity.ERROR,
                    f"The sending IP {check.ip}{where} is listed on {r.zone}: "
                    + "; ".join(r.meanings)
                    + ".",
                    detail=(f"The list says: {r.reason}. " if r.reason else "")
                    + f"Asked {r.query} A; answer {', '.join(r.codes)}. A listing is today's "
                    "state, not necessarily the state at delivery.",
                    fix="The sending server's admin must find why it is listed (an infected host, "
                    "an open relay, an end-user address range) and ask the list to delist it; "
                    "a receiver can allow the IP meanwhile.",
                    hop_number=hop_number,
                )
            )
        elif r.state is DnsblState.REFUSED:
            out.append(
                Finding(
                    Code.DNSBL_REFUSED,
                    Severity.INFO,
                    f"{r.zone} did not answer the question: {'; '.join(r.meanings)}. This is not "
                    "a listing.",
                    detail=f"Asked {r.query} A; answer {', '.join(r.codes)}.",
                    fix="Ask the list through your own resolver (not a public one), or through the "
                    "operator's query service.",
                    hop_number=hop_number,
                )
            )
        elif r.state is DnsblState.ERROR:
            out.append(
                Finding(
                    Code.DNSBL_UNKNOWN,
                    Severity.INFO,
                    f"{r.zone}: no usable answer for {check.ip} ({'; '.join(r.meanings)}); unknown, "
                    "not a listing.",
                    hop_number=hop_number,
                )
            )
    if check.results and all(r.state is DnsblState.NOT_LISTED for r in check.results):
        zones = ", ".join(r.zone for r in check.results)
        out.append(
            Finding(
                Code.DNSBL_CLEAN,
                Severity.INFO,
                f"The sending IP {check.ip}{where} is on none of the blocklists asked ({zones}).",
                hop_number=hop_number,
            )
        )
    return out
