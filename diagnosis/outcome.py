"""Where the final receiver put the message, read only from the fields it wrote itself."""

from __future__ import annotations

import re

from headerlens.diagnosis.facts import Outcome, OutcomeFact
from headerlens.diagnosis.filer import filer_inside
from headerlens.diagnosis.inputs import boundary_hop, by_receiver, receiver_fields
from headerlens.diagnosis.outcome_providers import provider_outcome
from headerlens.model import Analysis
from headerlens.model.core import HeaderField
from headerlens.parsers.provenance_delivery import DELIVERY_WRITER

_SCL = re.compile(r"\bSCL:(-?\d+)", re.IGNORECASE)
_SFV = re.compile(r"\bSFV:([A-Z]+)", re.IGNORECASE)
_QUARANTINE_FOLDER = re.compile(r"\+(?:quarantine|quarentena|quarantaine|spam|junk)@", re.I)
# Proton's and others' explicit delivery decisions.
_PM_ACTION = {"inbox": Outcome.INBOX, "spam": Outcome.JUNK, "phishing": Outcome.JUNK}
# The folder predicate of a spam score under the threshold (headline and verdict bar).
RATED_HAM = "rated it not spam (a score under its threshold; the folder is not stated)"
_RSPAMD_ACTION = {
    "no action": Outcome.INBOX,
    "greylist": Outcome.INBOX,
    "add header": Outcome.JUNK,
    "rewrite subject": Outcome.JUNK,
    "soft reject": Outcome.UNKNOWN,
    "reject": Outcome.REJECTED,
}


def _receiver_name(analysis: Analysis) -> str | None:
    """The receiving host, with the software inside its site that filed the message when that
    is another hop's (the verdict bar names that software: both name the same party)."""
    hop = boundary_hop(analysis)
    if hop is None:
        return None
    inside = filer_inside(analysis)
    return f"{hop.received.by}'s {inside}" if inside and hop.received.by else hop.received.by


def _pairs(value: str) -> dict[str, str]:
    """``ucf:0;jmr:0;dest:C;OFR:CustomRules;ENG:(…)`` as {key (lower case): value}."""
    out: dict[str, str] = {}
    for item in value.split(";"):
        key, sep, val = item.partition(":")
        if sep and key.strip():
            out.setdefault(key.strip().lower(), val.strip())
    return out


# X-Microsoft-Antispam-Mailbox-Delivery is not documented by Microsoft (Microsoft Q&A 416100:
# "no description for this header documented in official articles"). What is read here is the
# University of Oxford IT guide (help.it.ox.ac.uk/examine-junk-mail-delivery): dest:I the
# Inbox, dest:J Junk Email, dest:C "a user-specified (custom) folder"; OFR:CustomRules "an
# Outlook rule determined delivery", OFR:SpamFilterAuthJ Exchange's junk filtering did.
_BY_RULE = "a rule the recipient set up in their mailbox (OFR:CustomRules)"


def _receiver_scl(analysis: Analysis) -> int | None:
    """The spam confidence level the final receiver wrote (its SCL field, else its report's)."""
    for f in receiver_fields(
        analysis, "x-ms-exchange-organization-scl", "x-forefront-antispam-report"
    ):
        m = _SCL.search(f.value) or re.match(r"\s*(-?\d+)\s*$", f.value)
        if m:
            return int(m.group(1))
    return None


def _mailbox_delivery(analysis: Analysis) -> OutcomeFact | None:
    """Where the mailbox put it, from the receiver's own Mailbox-Delivery; when that field is
    there, it decides (never the SCL): a user's rule, not the filter, may have chosen."""
    for f in receiver_fields(analysis, "x-microsoft-antispam-mailbox-delivery"):
        pairs = _pairs(f.value)
        dest = pairs.get("dest", "").upper()
        ofr = pairs.get("ofr", "")
        quote = f"{f.name}: dest:{dest or '?'}" + (f"; OFR:{ofr}" if ofr else "")
        who = _receiver_name(analysis)
        by_rule = ofr.lower() == "customrules"
        if dest == "C":
            where = "a folder of the recipient's own" + (
                f", chosen by {_BY_RULE}" if by_rule else ""
            )
            said = f"delivered it to {where}, not Junk (dest:C)"
            scl = _receiver_scl(analysis)
            if scl is not None and scl >= 5:  # the rule, not the filter, chose: say both
                said += f", although its spam filter rated it SCL {scl} (Junk by default)"
            return OutcomeFact(Outcome.FOLDER, (quote,), who, said)
        outcome = {"I": Outcome.INBOX, "J": Outcome.JUNK, "Q": Outcome.QUARANTINE}.get(dest)
        if outcome is None:
            return OutcomeFact(Outcome.UNKNOWN, (quote,), who)
        folder = f"moved there by {_BY_RULE}, not by the spam filter" if by_rule else None
        return OutcomeFact(outcome, (quote,), who, folder)
    return None


def _microsoft(analysis: Analysis) -> OutcomeFact | None:
    found = _mailbox_delivery(analysis)
    if found is not None:
        return found
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


def _ses(analysis: Analysis) -> OutcomeFact | None:
    """Amazon SES inbound rates a message (X-SES-Virus-Verdict, X-SES-Spam-Verdict) but files it
    nowhere: what happens next is its receipt rule's action, which the header does not show."""
    for name, what in (
        ("x-ses-virus-verdict", "found a virus"),
        ("x-ses-spam-verdict", "rated it spam"),
    ):
        for f in receiver_fields(analysis, name):
            if f.value.strip().upper() == "FAIL":
                said = f"{what} ({f.name}: FAIL); SES files nothing itself: its receipt rule acts on that verdict"
                return OutcomeFact(
                    Outcome.UNKNOWN, (f"{f.name}: FAIL",), _receiver_name(analysis), said
                )
    return None


def _spam_tag(analysis: Analysis, f: HeaderField, who: str | None) -> OutcomeFact | None:
    """A SpamAssassin-style tag (X-Spam-Flag, X-Spam, X-Spam-Status): "Yes" is the receiver's
    spam verdict, its Junk; "No" is a score under the threshold, not a folder: SpamAssassin
    files nothing, and the Inbox is not evidenced unless the receiver says so. A verdict a
    filter at the final mailbox appended (parsers/provenance_delivery) names that filter."""
    value = " ".join(f.value.split())
    flag = value.lower()
    quote = f"{f.name}: {value[:40]}"
    found = analysis.provenance.of(f.index)
    if found is not None and found.writer == DELIVERY_WRITER:
        who = DELIVERY_WRITER
    if flag.startswith("yes"):
        return OutcomeFact(Outcome.JUNK, (quote,), who)
    if flag.startswith("no"):
        return OutcomeFact(Outcome.UNKNOWN, (quote,), who, RATED_HAM)
    return None


def _others(analysis: Analysis) -> OutcomeFact | None:
    who = _receiver_name(analysis)
    if (ses := _ses(analysis)) is not None:
        return ses
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
    for f in receiver_fields(analysis, "x-yandex-spam"):  # only "4" is credited to Yandex
        if f.value.strip() == "4":
            return OutcomeFact(Outcome.JUNK, (f"{f.name}: 4",), who)
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
    for f in receiver_fields(analysis, "x-dspam-result"):  # only "Spam" is credited (delivery)
        if f.value.strip().lower() == "spam":
            found = analysis.provenance.of(f.index)
            by = DELIVERY_WRITER if found is not None and found.writer == DELIVERY_WRITER else who
            return OutcomeFact(Outcome.JUNK, (f"{f.name}: Spam",), by)
    for f in receiver_fields(analysis, "x-spam-flag", "x-spam", "x-spam-status"):
        if (rated := _spam_tag(analysis, f, who)) is not None:
            return rated
    # MailScanner's X-<Org>-MailScanner-SpamCheck ("spam, ..." / "not spam, ..."), where its
    # spam action wrote no X-Spam-Status
    for f in analysis.headers:
        if f.lname.endswith("-mailscanner-spamcheck") and by_receiver(analysis, f.index):
            flag = " ".join(f.value.split()).lower()
            quote = (f"{f.name}: {' '.join(f.value.split())[:40]}",)
            if flag.startswith("not spam"):  # a score under the threshold, not a folder
                return OutcomeFact(Outcome.UNKNOWN, quote, who, RATED_HAM)
            if flag.startswith(("spam", "high scoring spam")):
                return OutcomeFact(Outcome.JUNK, quote, who)
    return None


def outcome(analysis: Analysis, rejected: str | None = None) -> OutcomeFact:
    """The final receiver's decision; ``rejected`` is the DSN evidence when the message is a
    report that the original was refused."""
    own = (
        _microsoft(analysis)
        or _others(analysis)
        or provider_outcome(analysis, _receiver_name(analysis))
    )
    if rejected:
        return OutcomeFact(Outcome.REJECTED, (rejected,), None, _bounce_filed(own))
    return own or OutcomeFact(Outcome.UNKNOWN)


_FILED = {
    Outcome.INBOX: "the Inbox",
    Outcome.JUNK: "the spam folder",
    Outcome.QUARANTINE: "quarantine",
}


def _bounce_filed(own: OutcomeFact | None) -> str | None:
    """Where the bounce itself was put by the mailbox that received it (the outcome of a bounce
    is its original's refusal), in the receiver's own words."""
    if own is None or own.outcome not in _FILED or not own.evidence:
        return None
    who = own.receiver or "the receiver"
    if "SCL" in own.evidence[0]:  # a spam score, not a folder the receiver named
        rated = "spam" if own.outcome is Outcome.JUNK else "not spam"
        return f"the bounce itself: {who} rated it {rated} ({own.evidence[0]})"
    return f"the bounce itself: {who} put it in {_FILED[own.outcome]} ({own.evidence[0]})"
