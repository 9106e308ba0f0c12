"""The "Rejected" section of the reports: each refused recipient, its code explained, who acts.

Shared by the Markdown, HTML and JSON reports and the console: one place decides what the
summary says (the link to the original's re-verified check when there is one, else the
catalogue's explanation), each output escapes it its own way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from headerlens.diagnosis.backscatter import Backscatter, of_bounce, why_forged
from headerlens.diagnosis.ndr import reporter_doubt
from headerlens.model import Analysis, FailedRecipient, NonDelivery, WhoActs
from headerlens.model.ndr import SUCCESS_ACTIONS, NdrLink
from headerlens.model.verification import Verification
from headerlens.textsafe import html_escape, md_escape


@dataclass(frozen=True, slots=True)
class Refusal:
    """One refused recipient as the summary words it (plain text, not yet escaped)."""

    recipient: FailedRecipient
    code: str  # "550 5.7.26"
    explanation: str
    who_acts: WhoActs
    fix: str
    source: str
    link: NdrLink | None

    @property
    def headline(self) -> str:
        return f"{self.code} for {self.recipient.address}: {self.explanation}"


def _code(r: FailedRecipient) -> str:
    parts = [str(r.smtp_code)] if r.smtp_code else []
    if r.effective_status:
        parts.append(r.effective_status)
    return " ".join(parts) or "no status code"


def refusals(
    ndr: NonDelivery, verification: Verification | None, doubt: str, forged: Backscatter | None
) -> tuple[Refusal, ...]:
    """The failed recipients, each with the best explanation available (link over catalogue).

    An authentication refusal (SPF, DKIM, DMARC) of an original that forged its envelope
    sender (diagnosis/backscatter) gets no DNS fix: it would authorise the forger's server.
    ``doubt`` (diagnosis/ndr.reporter_doubt) puts every other fix under condition when nothing
    ties the bounce to its reporter: a PTR record or a relay limit is its sender's word too.
    ``forged``: diagnosis/backscatter.of_bounce, so the section and the diagnosis agree (a copy
    of a bounce for the reporter's own postmaster names no forgery)."""
    by_rcpt = {link.recipient: link for link in (verification.ndr_links if verification else ())}
    out = []
    for r in ndr.failed:
        m = r.meaning
        link = by_rcpt.get(r.address)
        explanation = m.explanation if m else "No explanation is known for this report."
        who = link.who_acts if link else (m.who_acts if m else WhoActs.UNKNOWN)
        fix = link.fix if link else (m.fix if m else "")
        about = link.check if link else (m.about if m else "")
        if forged is not None and forged.server and about in _AUTH:
            fix = (
                f"If {forged.domain} sends from {forged.server}, list that server in its SPF "
                f"record (the original entered at {forged.entry}). If it does not, nothing to "
                f"fix: the original forged {forged.forged}, and listing the server would "
                "authorise the forger; discard the bounce."
            )
        elif forged is not None and about in _AUTH:
            who = WhoActs.NOTHING_FORGED
            fix = (
                f"Nothing to fix in {forged.domain}'s DNS: {why_forged(forged)}; listing that "
                "server in SPF would authorise the forger. Discard the bounce."
            )
        elif forged is not None and forged.server and who in (WhoActs.SENDER, WhoActs.UNKNOWN):
            fix = (
                f"If {forged.domain} sends from {forged.server}: {fix[:1].lower()}{fix[1:]} "
                f"If it does not, the original forged {forged.forged}: discard the bounce."
            ).replace(": . ", ": ")
        elif forged is not None and who in (WhoActs.SENDER, WhoActs.UNKNOWN):
            # the "sender" it would send back to is the forged address's owner, who sent nothing
            who = WhoActs.NOTHING_FORGED
            fix = f"Nothing to do for {forged.domain}: {why_forged(forged)}. Discard the bounce."
        if doubt and fix and who is not WhoActs.NOTHING_FORGED:
            fix = doubt + fix[:1].lower() + fix[1:]
        out.append(
            Refusal(
                recipient=r,
                code=_code(r),
                explanation=explanation,
                who_acts=who,
                fix=fix,
                source=m.source if m else "",
                link=link,
            )
        )
    return tuple(out)


_AUTH = frozenset({"spf", "dkim", "dmarc", "auth"})


def refusal_lines(f: Refusal) -> list[tuple[str, str]]:
    """(label, text) pairs describing one refusal, in reading order."""
    r = f.recipient
    rows = [
        ("Code", f.code),
        ("Meaning", f.explanation),
        ("Who must act", f.who_acts.value),
        ("Fix", f.fix),
        (
            ("Accepted by", r.rejecter_why)
            if r.action.lower() in SUCCESS_ACTIONS
            else (
                "Refused by",
                f"{r.rejecter.value}" + (f" ({r.rejecter_why})" if r.rejecter_why else ""),
            )
        ),
    ]
    if f.link is not None:
        rows += [
            # offline nothing was re-checked (no caveat): the reason alone
            ("Why (original re-checked)" if f.link.caveat else "Why", f.link.why),
            ("Checked", f.link.checked),
            ("Caveat", f.link.caveat),
        ]
    rows += [
        (
            "Recipient",
            r.address + (f" (addressed as {r.original_recipient})" if r.original_recipient else ""),
        ),
        ("Server reply", r.diagnostic or "(none given)"),
        ("Reporting MTA", r.reporting_mta or "?"),
        (
            "Remote MTA",
            " ".join(p for p in (r.remote_mta, f"[{r.remote_ip}]" if r.remote_ip else None) if p)
            or (
                f"host not named (the notice names {r.remote_domain})"
                if r.remote_domain
                else "not named"
            ),
        ),
        (
            "Remote's own code",
            r.diagnostic_status or "" if r.diagnostic_status != r.effective_status else "",
        ),
        ("SMTP stage", r.smtp_stage or "not stated"),
        ("Source", f.source),
    ]
    return [(k, v) for k, v in rows if v]


def notice_kind(ndr: NonDelivery) -> tuple[str, str]:
    """The section's title and what the notice is: a bounce, a delay warning, a success notice
    (RFC 3464 §2.3.3 Action), by its first recipients' action (``NonDelivery.failed``)."""
    if ndr.succeeded:
        return "Delivered (a success notice, not a bounce)", "delivery-success notice"
    if ndr.failed and ndr.failed[0].action.lower() == "delayed":
        return "Delayed (not refused yet)", "delivery-delay notice"
    return "Rejected", "non-delivery report"


def markdown_section(analysis: Analysis, verification: Verification | None) -> Iterable[str]:
    """ "## Rejected" for a bounce: one block per refused recipient."""
    ndr = analysis.ndr
    if ndr is None:
        return
    title, kind = notice_kind(ndr)
    yield f"## {title}"
    yield ""
    yield (
        f"This message is a {kind} ({md_escape(ndr.format.value)}, from "
        f"{md_escape(ndr.reporting_mta or '?')}); the returned message: "
        f"{md_escape(ndr.original_kind.value)}."
    )
    for f in refusals(
        ndr, verification, reporter_doubt(analysis, verification), of_bounce(analysis)
    ):
        yield ""
        yield f"### {md_escape(f.code)} — {md_escape(f.recipient.address)}"
        yield ""
        for label, text in refusal_lines(f):
            yield f"- **{label}:** {md_escape(text)}"
    yield ""


def html_section(analysis: Analysis, verification: Verification | None) -> Iterable[str]:
    """The same section as HTML."""
    ndr = analysis.ndr
    if ndr is None:
        return
    title, kind = notice_kind(ndr)
    yield f"<h2>{html_escape(title)}</h2>"
    yield (
        f"<p>This message is a {kind} ({html_escape(ndr.format.value)}, from "
        f"{html_escape(ndr.reporting_mta or '?')}); the returned message: "
        f"{html_escape(ndr.original_kind.value)}.</p>"
    )
    for f in refusals(
        ndr, verification, reporter_doubt(analysis, verification), of_bounce(analysis)
    ):
        yield f"<h3>{html_escape(f.code)} — {html_escape(f.recipient.address)}</h3><ul>"
        for label, text in refusal_lines(f):
            yield f"<li><b>{label}:</b> {html_escape(text)}</li>"
        yield "</ul>"
