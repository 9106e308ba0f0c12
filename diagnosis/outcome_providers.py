"""Where Yahoo, GMX/WEB.DE/1&1, iCloud and old Hotmail filed a message, from the fields they wrote."""

from __future__ import annotations

import re

from headerlens.diagnosis.facts import Outcome, OutcomeFact
from headerlens.diagnosis.inputs import receiver_fields
from headerlens.model import Analysis
from headerlens.parsers.digits import ascii_int
from headerlens.parsers.vendor_base import b64_text

# X-UI-Filterresults (United Internet: GMX, WEB.DE, 1&1 inbound, appended at the bottom after
# its Envelope-To): "notjunk:1;V03:K0:…", "junk:10;…", "unknown:2;…" (sisimai's GMX bounce
# set-of-emails/maildir/bsd/email-gmx-02.eml, a WEB.DE mailbox copy in mu's test data). The
# word before the colon is the verdict; "unknown" decides nothing.
_UI_VERDICT = re.compile(r"^\s*(notjunk|junk|unknown)\s*:\s*(-?\d+)", re.IGNORECASE)
# X-GMX-Antispam: "0 (Mail was not recognized as spam); Detail=V3;" — 0 is no spam; a
# positive number names the filter that rated it spam ("6 (nemesis text pattern profiler)").
_GMX_ANTISPAM = re.compile(r"^\s*(\d+)\s*(?:\(([^)]*)\))?")
_SCL = re.compile(r"(?:^|;)\s*SCL=(-?\d+)", re.IGNORECASE)
_DIGITS = 6  # a filter number or SCL longer than this is junk, not a rating


def _yahoo(analysis: Analysis, who: str | None) -> OutcomeFact | None:
    """X-YahooFilteredBulk: <client IP>: Yahoo Mail's classic MTAs write it above their own
    Received line when they put the message in the Bulk (spam) folder (Yahoo mailbox copies of
    2010-2015 in public forums and test fixtures: always with the client's IP)."""
    for f in receiver_fields(analysis, "x-yahoofilteredbulk"):
        quote = f"{f.name}: {f.value.strip()[:45]}"
        return OutcomeFact(Outcome.JUNK, (quote,), who)
    return None


def _united_internet(analysis: Analysis, who: str | None) -> OutcomeFact | None:
    """GMX / WEB.DE / 1&1: the filter verdict their inbound appended (parsers/provenance_ui
    credits only the last one of the block it appends, after its own Envelope-To)."""
    for f in reversed(receiver_fields(analysis, "x-ui-filterresults")):
        m = _UI_VERDICT.match(f.value)
        if m is None or m.group(1).lower() == "unknown":
            break
        outcome = Outcome.JUNK if m.group(1).lower() == "junk" else Outcome.INBOX
        return OutcomeFact(outcome, (f"{f.name}: {m.group(1)}:{m.group(2)}",), who)
    for f in reversed(receiver_fields(analysis, "x-gmx-antispam")):
        m = _GMX_ANTISPAM.match(f.value)
        if m is None:
            return None
        rating = ascii_int(m.group(1), _DIGITS)
        if rating is None:
            return None  # thousands of digits: no filter number (int() would raise)
        outcome = Outcome.JUNK if rating > 0 else Outcome.INBOX
        said = f" ({m.group(2).strip()})" if m.group(2) else ""
        return OutcomeFact(outcome, (f"{f.name}: {m.group(1)}{said}",), who)
    return None


def hotmail_scl(analysis: Analysis) -> tuple[int, str] | None:
    """Old Hotmail / Outlook.com's X-Message-Delivery: base64 of ``V=1.1;…;SCL=9;…``; the SCL
    it carries (Microsoft's spam confidence level) with the quote, from the receiver's field."""
    for f in receiver_fields(analysis, "x-message-delivery"):
        text = b64_text(f.value)
        m = _SCL.search(text or "")
        scl = ascii_int(m.group(1).removeprefix("-"), _DIGITS) if m else None
        if m and scl is not None:
            scl = -scl if m.group(1).startswith("-") else scl
            return scl, f"{f.name}: SCL={m.group(1)} (base64-decoded)"
    return None


def _hotmail(analysis: Analysis, who: str | None) -> OutcomeFact | None:
    found = hotmail_scl(analysis)
    if found is None:
        return None
    scl, quote = found
    # -1: filtering skipped (the recipient's safe senders, or Microsoft's own mail): the Inbox
    return OutcomeFact(Outcome.JUNK if scl >= 5 else Outcome.INBOX, (quote,), who)


def _apple(analysis: Analysis, who: str | None) -> OutcomeFact | None:
    """iCloud Mail: X-Apple-MoveToFolder ("INBOX", "Junk"), which its delivery gateway writes
    under its own Received line with X-Apple-Action ("MOVE_TO_FOLDER/INBOX", "CLXJUNK/Junk"):
    the folder it chose (Suped, "What do Apple X-Headers mean in email filtering?", 2025; every
    public iCloud mailbox copy read agrees: Junk with CLXJUNK/Junk, INBOX with MOVE_TO_FOLDER).
    Another name is a folder of the recipient's own (a rule), neither the Inbox nor Junk."""
    for f in receiver_fields(analysis, "x-apple-movetofolder"):
        folder = f.value.strip()
        if not folder or len(folder) > 64:
            return None
        action = next(iter(receiver_fields(analysis, "x-apple-action")), None)
        quotes = (f"{f.name}: {folder}",) + (
            (f"{action.name}: {action.value.strip()[:64]}",) if action is not None else ()
        )
        if folder.lower() == "inbox":
            return OutcomeFact(Outcome.INBOX, quotes, who)
        if folder.lower() in ("junk", "spam", "bulk mail"):
            return OutcomeFact(Outcome.JUNK, quotes, who)
        return OutcomeFact(Outcome.FOLDER, quotes, who, folder=f"the folder {folder}")
    return None


_BARRACUDA_LEVELS = re.compile(
    r"^\s*(yes|no)\b.*?\bSCORE=(-?\d{1,4}(?:\.\d{1,3})?)\b.*?"
    r"\bQUARANTINE_LEVEL=(-?\d{1,4}(?:\.\d{1,3})?)\b.*?\bKILL_LEVEL=(-?\d{1,4}(?:\.\d{1,3})?)",
    re.IGNORECASE | re.DOTALL,
)


def _barracuda(analysis: Analysis, who: str | None) -> OutcomeFact | None:
    """The receiver's own Barracuda gateway: X-Barracuda-Spam-Status "Yes, SCORE=4.10 using
    global scores of TAG_LEVEL=… QUARANTINE_LEVEL=4.0 KILL_LEVEL=5.0". A score at or above the
    quarantine level and below the block (kill) level goes to the quarantine, "No" is allowed
    (Barracuda Spam Firewall user's guide, "Spam Scoring Levels": a message above the quarantine
    score but below the block threshold is forwarded to the quarantine; below the tag score it
    is allowed; UMIACS's wiki "BarracudaSpamFirewall/Scoring" shows the header of each action:
    "Yes, SCORE=10.11 ... QUARANTINE_LEVEL=9.0 KILL_LEVEL=1000.0" quarantined, a level of 1000
    disabled). A tagged message ("Yes" under the quarantine level) is delivered with a subject
    tag, to a folder the header does not name: no outcome then."""
    for f in reversed(receiver_fields(analysis, "x-barracuda-spam-status")):
        m = _BARRACUDA_LEVELS.match(f.value)
        if m is None:
            return None
        score, quarantine, kill = (float(m.group(i)) for i in (2, 3, 4))
        writer = analysis.provenance.fields[f.index].writer if analysis.provenance else None
        quote = (f"{f.name}: {f.value.strip().split(' tests=')[0][:120]}",)
        if m.group(1).lower() == "no":
            return OutcomeFact(Outcome.INBOX, quote, who or writer)
        if quarantine <= score < kill:
            return OutcomeFact(Outcome.QUARANTINE, quote, who or writer)
        return None
    return None


def provider_outcome(analysis: Analysis, who: str | None) -> OutcomeFact | None:
    """The folder Yahoo, United Internet, iCloud or old Hotmail put the message in, when they
    said."""
    return (
        _yahoo(analysis, who)
        or _united_internet(analysis, who)
        or _apple(analysis, who)
        or _hotmail(analysis, who)
        or _barracuda(analysis, who)
    )
