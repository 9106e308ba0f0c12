"""The few facts of a non-delivery report the diagnosis needs, from analyze()'s bounce parser."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from headerlens.diagnosis.inputs import boundary_hop, confirmed_rdns, normal_result, org, same_org
from headerlens.diagnosis.ndr_summary import mixed_reasons
from headerlens.diagnosis.wording import duration
from headerlens.model import Analysis
from headerlens.model.ndr import FailedRecipient, Rejecter
from headerlens.model.verdicts import DmarcResult
from headerlens.model.verification import Verification
from headerlens.parsers.ndr_codes_queue import EXPIRED_KEYS
from headerlens.parsers.ndr_codes_reason import TEXT_OVER_CLASS
from headerlens.parsers.ndr_rejecter import org_guess
from headerlens.parsers.ndr_simulator import simulator
from headerlens.parsers.rfc3463 import rfc3463_meaning
from headerlens.stamped import final_receiver_results


@dataclass(frozen=True, slots=True)
class Report:
    """What a bounce says: the status, the reply, who refused, the recipients, when."""

    status: str | None
    diagnostic: str | None
    remote_mta: str | None
    reporting_mta: str | None
    final_recipient: str | None
    actual_recipient: str | None  # the address before an alias expanded it
    original_from: str | None
    original_return_path: str | None
    original_received: tuple[str, ...]  # the returned message's Received lines, newest first
    arrival: datetime | None
    last_attempt: datetime | None
    evidence: tuple[str, ...]
    replies: str  # every remote reply quoted in the report
    delayed: bool = False  # every recipient's Action is "delayed": a warning, not a bounce
    # every recipient's Action says the message reached it ("relayed", "delivered"…): a success
    # notice, not a bounce (RFC 3464 §2.3.3)
    succeeded: str | None = None
    unreached: str | None = None  # why no server refused it: nothing found for the domain…
    # the server the reporter handed the message to, when the report names one (a failure at
    # the reporter itself names none)
    handed_to: str | None = None
    # where ``arrival``/``last_attempt`` come from when the report wrote no Arrival-Date
    held_note: str = "DSN Arrival-Date to Last-Attempt-Date"
    # "3 recipients failed: 2 unknown addresses, 1 mailbox full" when their reasons differ
    mixed: str | None = None
    # whose documented test address the (first) failed recipient is (a designed bounce)
    simulator: str | None = None

    @property
    def permanent(self) -> bool:
        return bool(self.status and self.status.startswith("5"))


_LOOPBACK = re.compile(r"^(?:\[?127(?:\.\d{1,3}){3}\]?|\[?::1\]?|localhost\.?)$", re.I)


def _refuser(first: FailedRecipient | None) -> str | None:
    """The server that refused, by name or IP; when the report names none but its own text
    shows the sender's own server refused (a misconfigured 'Send mail as'), that."""
    if first is None:
        return None
    named = first.remote_mta or first.remote_ip
    reporter = (first.reporting_mta or "").lower().rstrip(".")
    if named and reporter and _LOOPBACK.match(named):
        # a content filter (amavisd-new) passing on the reply of the MTA behind it on the same
        # host: the reporter's own mail system refused
        return f"{reporter}'s own mail server (at {named}, behind its content filter)"
    if named is None and first.remote_domain and first.rejecter is not Rejecter.SENDER_OWN:
        return f"{first.remote_domain}'s mail server"
    if named is None and reporter and org_guess(reporter) == org_guess(first.address):
        return reporter  # the recipient's own server wrote the report: it refused
    if named is None and first.rejecter is Rejecter.SENDER_OWN:
        return "the sender's own server"
    if named is None and first.rejecter is Rejecter.RECIPIENT_MAILBOX and reporter:
        return reporter  # it delivered the message itself (a local mailbox, file or pipe)
    if named is None and first.rejecter is Rejecter.RECIPIENT_SERVER and "@" in first.address:
        # qmail, Yahoo, SES relay the remote's reply without naming the host
        return f"{first.address.rpartition('@')[2]}'s mail server"
    return named


def read_report(analysis: Analysis) -> Report | None:
    """The bounce facts, or None when analyze() did not recognise a non-delivery report."""
    ndr = analysis.ndr
    if ndr is None:
        return None
    first = ndr.failed[0] if ndr.failed else None
    original = ndr.original
    status = first.effective_status if first else None
    if first is not None and first.smtp_code and not status:
        status = str(first.smtp_code)
    meaning = first.meaning if first is not None else None
    if (
        meaning is not None
        and meaning.matched == "vendor-text"
        and (
            not status
            or status.endswith(".0")  # X.0.0, X.2.0…: RFC 3463 "other or undefined"
            or status.isdigit()  # a bare reply code ("550"): the text says why
            or (
                meaning.key in TEXT_OVER_CLASS
                and rfc3463_meaning(status).who_acts is not meaning.who_acts
            )
        )
    ):
        # a generic status (Exim writes 5.0.0), none (Gmail's and Google Groups' notices), or
        # one whose class blames another party than the text does ("5.2.0 From: Domain is
        # invalid"): the reason the text gives says more
        said = meaning.key.removeprefix("text:").replace("-", " ")
        status = f"{status}, {said}" if status else f"no status code, {said}"
    evidence = [f"{ndr.format.value} ({ndr.detected_by or 'recognised'})"]
    arrival, last = ndr.arrival, ndr.last_attempt
    if (arrival is None or last is None) and first is not None and _expired(first):
        # an expiry notice without an Arrival-Date: the message waited in the reporter's queue
        # from when the returned copy was handed to it; without a Last-Attempt-Date, to the
        # notice's own Date (when it gave up)
        arrival, last = arrival or _handed_over(original), last or analysis.date
        if arrival and last and (last - arrival).total_seconds() > _QUEUE_DAYS * 86400:
            arrival = None  # an old Date (a draft, a resent copy) is no queue time
    return Report(
        status=status,
        diagnostic=first.diagnostic if first else None,
        remote_mta=_refuser(first),
        reporting_mta=ndr.reporting_mta,
        final_recipient=first.address if first else None,
        actual_recipient=first.original_recipient if first else None,
        original_from=original.from_addr.address if original and original.from_addr else None,
        original_return_path=(
            original.return_path.address if original and original.return_path else None
        ),
        original_received=tuple(h.received.raw for h in reversed(original.chain.hops))
        if original
        else (),
        arrival=arrival,
        last_attempt=last,
        evidence=tuple(evidence),
        replies=" ".join(r.diagnostic for r in ndr.recipients),
        delayed=ndr.failed[0].action.lower() == "delayed" if ndr.failed else False,
        succeeded=ndr.succeeded,
        # without a Last-Attempt-Date the report's own Date is when the queue gave up
        unreached=_unreached(first, _queued(arrival, last or analysis.date)),
        mixed=mixed_reasons(ndr.failed) if not ndr.succeeded else None,
        simulator=_simulator(first),
        handed_to=(first.remote_mta or first.remote_ip or first.remote_domain) if first else None,
        held_note=(
            ("DSN Arrival-Date" if ndr.arrival else "the returned copy's last stamp (or Date)")
            + (" to Last-Attempt-Date" if ndr.last_attempt else " to the report's Date")
        ),
    )


def _simulator(first: FailedRecipient | None) -> str | None:
    """Whose test address the first failed recipient is, when its bounce is a designed one."""
    if first is None or first.meaning is None or first.meaning.key != "test:simulator":
        return None
    found = simulator(first.address)
    return found[0] if found else None


# Catalogue keys of a message that expired in the reporter's queue after temporary failures.
_QUEUE_EXPIRY = EXPIRED_KEYS | {"text:no-connection", "text:retry-expired"}
_QUEUE_DAYS = 7  # longer than any retry schedule (RFC 5321 §4.5.4.1: 4-5 days)


def _expired(first: FailedRecipient) -> bool:
    """The report's first recipient failed because its retries ran out: an expiry, or a
    transient (4.x.x) status with Action: failed (RFC 3464 §2.3.3: the reporter gave up)."""
    meaning = first.meaning
    transient = (first.status or "").startswith("4")
    return first.action == "failed" and (
        transient or (meaning is not None and meaning.key in _QUEUE_EXPIRY)
    )


def _handed_over(original: Analysis | None) -> datetime | None:
    """When the returned copy reached the reporter: its newest Received stamp, else its Date."""
    if original is None:
        return None
    stamps = [h.received.timestamp for h in original.chain.hops if h.received.timestamp]
    return max(stamps) if stamps else original.date


_EXPIRED_WHY = {
    "4.312": "the DNS queries for the recipient's domain failed",
    "4.315": "every connection to the recipient's server timed out",
    "4.316": "the recipient's server refused every connection",
    "4.317": "the recipient's server answered every connection with an error",
    "4.318": "every connection to the recipient's server was closed abruptly",
}


def _queued(arrival: datetime | None, last: datetime | None) -> str:
    """ " after <how long> (Arrival-Date to Last-Attempt-Date)", as the notice's own times
    say, or nothing (never a vendor's default retry time)."""
    if arrival is None or last is None or last.tzinfo is None or arrival.tzinfo is None:
        return ""
    seconds = (last - arrival).total_seconds()
    return f" after {duration(seconds)} of retries" if seconds > 0 else ""


def _unreached(first: FailedRecipient | None, queued: str = "") -> str | None:
    """Why the message reached no server that could refuse it, when the report says so."""
    if first is None:
        return None
    if first.meaning is not None and first.meaning.key == "text:null-mx":
        return f"{first.address.rpartition('@')[2]} publishes a null MX: it accepts no mail"
    if first.meaning is not None and first.meaning.key == "text:domain-unreachable":
        return f"no mail server was found for {first.address.rpartition('@')[2]}"
    if first.meaning is not None and first.meaning.key in EXPIRED_KEYS:
        why = _EXPIRED_WHY.get(first.meaning.key[2:], "it kept failing temporarily")
        return (
            f"it expired in {first.reporting_mta or 'the reporting server'}'s queue (the sender's "
            f"own mail service){queued} without reaching the recipient's server: {why}"
        )
    if first.meaning is not None and first.meaning.key == "text:no-connection":
        return "no connection to the recipient's server could be made before the queue time ran out"
    if "could not be reached" in first.rejecter_why:
        return f"{first.remote_mta or first.remote_ip} could not be reached"
    return None


# Names under these last labels are an organisation's internal hosts ("EX01.contoso.local"),
# never the public name a bounce's From domain could be compared with.
_PRIVATE_TLDS = frozenset(
    {"local", "lan", "internal", "corp", "localdomain", "intra", "intranet", "home", "private"}
)


def _reporters(analysis: Analysis) -> list[str]:
    """The names a bounce speaks for: its reporting MTA and its From domain. A From domain of
    another organisation than a public reporting MTA speaks only for itself: a sender can put
    his own domain in From (and tie the bounce to it by his own server's name) while the report
    names someone else's server as the one that refused, with whatever IP it likes."""
    ndr = analysis.ndr
    sender = analysis.from_addr.domain if analysis.from_addr else None
    reporter = ndr.reporting_mta if ndr else None
    public = reporter is not None and org(reporter) is not None
    public = public and (reporter or "").rstrip(".").rsplit(".", 1)[-1].lower() not in _PRIVATE_TLDS
    if public and sender and not (same_org(reporter, sender) or one_operator(reporter, sender)):
        return [reporter] if reporter else []
    return [n for n in (reporter, sender) if n]


def _theirs(name: str | None, names: list[str]) -> bool:
    """``name`` is in the organisation of one of ``names`` (Google's domains count as one)."""
    return any(same_org(name, n) or one_operator(name, n) for n in names)


def tied_offline(analysis: Analysis) -> bool:
    """Without DNS, what the final receiver wrote ties the bounce to its reporter: it never came
    in from outside, the receiver confirmed the reverse DNS of the server that handed it over
    in the reporter's organisation, or it stamped DMARC pass, or SPF / DKIM pass for that
    organisation. A bounce from anywhere else says only what its sender wrote, until DNS tells
    (``vouched``)."""
    hop = boundary_hop(analysis)
    if hop is None:
        return True
    names = _reporters(analysis)
    return _theirs(confirmed_rdns(hop), names) or _stamped_tie(analysis, names)


def _stamped_tie(analysis: Analysis, names: list[str]) -> bool:
    """The final receiver's own stamps pass DMARC, or SPF / DKIM, for the reporter's domain."""
    for r in (r for ar in final_receiver_results(analysis) for r in ar.results):
        if normal_result(r.result) != "pass":
            continue
        sender = analysis.from_addr.domain if analysis.from_addr else None
        if r.method.lower() == "dmarc" and _theirs(r.prop("header.from") or sender, names):
            return True
        keys = ("smtp.mailfrom", "smtp.helo", "header.d", "header.i")
        if r.method.lower() in ("spf", "dkim") and any(
            _theirs((r.prop(k) or "").rpartition("@")[2], names) for k in keys
        ):
            return True
    return False


def vouched(analysis: Analysis, bounce: Verification | None) -> bool:
    """Something ties the bounce to the server it names as its reporter: it never came in from
    outside (the organisation's own server wrote it), the receiver confirmed the reverse DNS of
    the server that handed it over in the reporter's organisation, or the bounce's own SPF,
    DKIM or DMARC passes for that organisation. Otherwise its text, the IP it quotes included,
    is whatever its sender wrote."""
    hop = boundary_hop(analysis)
    if hop is None:
        return True
    names = _reporters(analysis)

    def theirs(name: str | None) -> bool:
        return _theirs(name, names)

    if theirs(confirmed_rdns(hop)):
        return True
    # what the final receiver stamped at delivery ties it too: a re-verification failing later
    # (a body trimmed in the paste, a key rotated since) does not undo its verdict
    if _stamped_tie(analysis, names):
        return True
    if bounce is None:
        return False
    if bounce.dmarc is not None and bounce.dmarc.result is DmarcResult.PASS:
        # DMARC passes for the bounce's From domain: a tie only where that domain is one the
        # bounce speaks for (an attacker's own domain passes its own DMARC)
        return theirs(bounce.dmarc.from_domain)
    if bounce.spf is not None and bounce.spf.verdict.value == "pass":
        return theirs(bounce.spf.domain)
    return any(d.passed and theirs(d.domain) for d in bounce.dkim)


def reporter_doubt(analysis: Analysis, verification: Verification | None) -> str:
    """The words that put a bounce's advice under condition when nothing ties the bounce to
    its reporter (as the headline says it: ``vouched`` once DNS answered, else ``tied_offline``),
    or "" when something does: its text, the fix its code calls for included, is then only what
    its sender wrote."""
    from headerlens.diagnosis.auth_state import reverified

    report = read_report(analysis)
    if report is None:
        return ""
    online = reverified(verification)
    if vouched(analysis, verification) if online else tied_offline(analysis):
        return ""
    who = report.reporting_mta or "the server it names"
    why = "nothing ties it to it: it may be forged" if online else "not confirmed offline"
    return f"If this bounce really comes from {who} ({why}): "


# Operators that send their own bounces from another of their domains: Google's notices say
# mailer-daemon@googlemail.com (or @google.com, a Group's @googlegroups.com) and leave from its
# mail-*.google.com hosts. Only the registrable domains Google itself names as its mail
# infrastructure (Gmail Help, 'Email sender guidelines'; its SPF record _spf.google.com).
_OPERATORS = (frozenset({"google.com", "googlemail.com", "gmail.com", "googlegroups.com"}),)


def one_operator(a: str | None, b: str | None) -> bool:
    """Both names belong to one operator's own mail infrastructure (Google's domains)."""
    oa, ob = org(a), org(b)
    return oa is not None and ob is not None and any(oa in f and ob in f for f in _OPERATORS)
