"""A complaint / feedback report's headline and fix (RFC 5965 ARF, RFC 6591 failure reports,
Microsoft JMRP): who reported what, and what the sender's abuse or postmaster desk does."""

from __future__ import annotations

import re

from headerlens.diagnosis.facts import Complaint

# RFC 5965 §7.3 feedback types a recipient gives (auth-failure, RFC 6591, is a receiver's check;
# not-spam asks nothing): what the recipient reported the message as.
_REPORTED_AS = {
    "abuse": "as spam",
    "fraud": "as fraud or phishing",
    "virus": "as carrying a virus",
    "other": "as unwanted",
}
# Feedback loops hide the complainant (RFC 6650 §3: a report may be redacted): "xxxxxxx@…",
# "redacted@…", "***@…", a hash as the local part ("db0555c94208f7bc605b02cf12c0535a@…"), or no
# address at all.
_REDACTED = re.compile(r"^[x*#.]*@|redacted|^[0-9a-f]{16,}@|^[^@]*$", re.I)


def _named(c: Complaint) -> str | None:
    """The complaining recipients the report shows, when it does not hide them."""
    named = [a.strip("<> ") for a in c.complainants if not _REDACTED.search(a.strip("<> "))]
    if len(named) > 2:
        return f"{len(named)} recipients ({named[0]}, {named[1]}, …)"
    return ", ".join(named) or None


def complaint_action(c: Complaint) -> str | None:
    """What the report asks of the sender, as a clause for the headline; None for reports that
    ask nothing of it (not-spam) or are about authentication (told by their fix)."""
    if c.feedback_type in ("auth-failure", "not-spam") or c.auth_failure:
        return None
    as_what = _REPORTED_AS.get(c.feedback_type or "", "as unwanted")
    who = _named(c)
    if who:
        return (
            f"the recipient {who} reported it {as_what}, so stop mailing "
            f"{'that address' if ',' not in who and ' ' not in who else 'those addresses'} (suppress or unsubscribe "
            "it) and check that it asked for your mail"
        )
    return (
        f"a recipient reported it {as_what} (the report hides who: find the address by the "
        "reported copy's Message-ID or your own tracking ID), so stop mailing it (suppress or "
        "unsubscribe it) and check that it asked for your mail"
    )


def complaint_headline(c: Complaint) -> str:
    """The headline of a complaint / feedback report: the report is the story, not its envelope."""
    kind = (
        "A DMARC / authentication failure report"
        if c.auth_failure or (c.feedback_type == "auth-failure")
        else "A complaint / feedback report"
    )
    what = f"feedback type {c.feedback_type or 'not stated'}"
    if c.auth_failure:
        what += f" ({c.auth_failure} failed)"
    relayed = ""
    if c.relayed_by:
        relayed = f" (the reported copy was {'probably ' if c.relay_signs else ''}re-sent by a {c.relayed_by})"
    action = complaint_action(c) or "not a delivery of its own"
    return (
        f"{kind} from {c.reporter or 'an unnamed reporter'} about a message from "
        f"{c.source or 'an unnamed source'}{relayed}, {what}: {action}; the reported message is "
        "analysed on its own."
    )


def complaint_fix(c: Complaint) -> str:
    """What the recipient of the report (the sender's abuse or postmaster desk) can do."""
    if (c.feedback_type == "auth-failure" or c.auth_failure) and c.relay_signs:
        return (
            f"The reported copy was probably re-sent by a mailing list ({'; '.join(c.relay_signs)}), "
            f"which broke {c.auth_failure or 'its authentication'}: if so, it is not a spoof of "
            "your domain and there is nothing to fix in your DNS; the fix is at the list (rewrite "
            "From or keep the DKIM signature intact, add ARC). If no such list carries your mail, "
            "it is a spoof of your domain and your DMARC policy is doing its job."
        )
    if (c.feedback_type == "auth-failure" or c.auth_failure) and c.relayed_by:
        return (
            f"The reported copy was re-sent by a {c.relayed_by}, which broke "
            f"{c.auth_failure or 'its authentication'}: nothing to fix in the author's DNS; the "
            f"fix is at the {c.relayed_by} (rewrite From or keep the DKIM signature intact, add ARC)."
        )
    if c.feedback_type == "auth-failure" or c.auth_failure:
        return (
            f"If {c.author or 'the reported message'} was sent by you, make it pass "
            f"{c.auth_failure or 'SPF/DKIM/DMARC'} (see the reported message below); if not, it "
            "is a spoof of your domain and your DMARC policy is doing its job."
        )
    if c.feedback_type in ("not-spam",):
        return "A recipient marked the message as not spam: nothing to fix."
    who = _named(c) or "the complaining recipient (the report hides the address)"
    return (
        f"Stop mailing {who} (remove the address from your lists) and find out why "
        f"{c.source or 'the source'} sent the reported message: a mailing nobody asked for, a "
        "taken-over account or a compromised host."
    )
