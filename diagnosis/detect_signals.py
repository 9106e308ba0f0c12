"""Detectors that read signals other than authentication: simulations, taken-over accounts,
forged or damaged trace lines, verdicts written by the sender's side, junk, delays."""

from __future__ import annotations

import re

from headerlens.diagnosis.facts import DateNote, Gap, GapKind, Outcome, OutcomeFact, Situation
from headerlens.diagnosis.gap_causes import cause, short
from headerlens.diagnosis.gateway_spf import gateway_author, gateway_handoff, gateway_wrote
from headerlens.diagnosis.inputs import (
    boundary_hop,
    by_receiver,
    confirmed_rdns,
    entry,
    fields,
    receiver_auth_indices,
    same_org,
)
from headerlens.diagnosis.wording import between, duration
from headerlens.model import Analysis
from headerlens.model.codes import Code
from headerlens.model.provenance import Author, FieldAuthor
from headerlens.parsers.hops import is_internal_ip
from headerlens.parsers.provenance_dump import reordered_dump
from headerlens.parsers.provenance_scanner import DELIVERY_FILTER

# Seconds. A delay (the situation, a warning, the headline) is 10 minutes or more anywhere, the
# real2 README's definition. 3 to 10 minutes on a relay is said as information only: list
# processing (vger, Mailman, public-inbox), a greylisting retry (Postfix retries after 300 s,
# postgrey asks for 300 s) and content scanning take that long on healthy servers. The sender's
# own first host (submission, bulk pacing) is not mentioned below 10 minutes.
DELAY_MIN = 600.0
SHORT_DELAY_MIN = 180.0

_SIM_HEADERS = (
    "x-phishme",
    "x-phishmetracking",
    "x-phishtest",
    "x-gophish-contact",
    "x-gophish-signature",
    "x-ms-exchange-organization-attacksimulation",
)
_SIM_HOSTS = ("phishme.com", "knowbe4.com", "phishingbox.com", "gophish")
_VERDICT_NAMES = re.compile(
    r"^(?:x-forefront-antispam-report(?:-untrusted)?|x-microsoft-antispam(?:-untrusted)?"
    r"|x-ms-exchange-authentication-results|authentication-results(?:-original)?"
    r"|arc-authentication-results|received-spf|x-original-authentication-results"
    r"|x-proofpoint-spam-details|x-proofpoint-virus-version|x-proofpoint-guid"
    r"|x-ironport-anti-spam-filtered|x-ironport-anti-spam-result|x-ironport-av|ironport-sdr"
    r"|x-tmase-result|x-tmase-version|x-tm-as-result|x-tm-as-product-ver"
    r"|x-mimecast-spam-score|x-mimecast-impersonation-protect|x-spam-status|x-spam-score"
    r"|x-spam-flag|x-barracuda-spam-score|x-barracuda-spam-status|x-vade-spamstate"
    r"|x-sophos-\w+|x-spam-level|x-ms-exchange-organization-scl|x-spam_score|x-spam_action"
    r"|x-(?:klms|ksmg)-antispam-(?:status|rate)|x-microsoft-antispam-mailbox-delivery|x-policyd-weight"
    # Rspamd's verdicts (rspamd.com/doc/modules/milter_headers.html; X-Rspamd-Score/-Bar/-Report
    # as Haraka's rspamd plugin names them, haraka.github.io/plugins/rspamd)
    r"|x-rspamd-(?:score|action|bar|report)|x-spamd-(?:result|bar)"
    # MDaemon's spam filter stamp (X-Spam-Processed: DOMAIN, DATE (processed: ...))
    r"|x-spam-processed"
    # MailScanner's verdicts, named X-<%org-name%>-MailScanner[-SpamCheck|-SpamScore] by its
    # %org-name% setting (the site's own name; X-MailScanner[-…] when unset)
    r"|x-(?:[a-z0-9.]+-)*mailscanner(?:-spamcheck|-spamscore)?)$"
)
_TOKEN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
# the value of a "k:v;k:v" list whose first key became a field name (BCL:0;PCL:0;...)
_CONTINUED = re.compile(r"^[^;\s]{0,40};\s*[\w-]+:")


def phish_sim(analysis: Analysis) -> Situation | None:
    """A simulation vendor's header or host. Anyone can write those below the receiver's line;
    the fact "receiver" says the receiver's own text backs it: a simulation header it wrote, or
    the reverse DNS it wrote for the entry hop's client in a vendor's domain."""
    found = fields(analysis, *_SIM_HEADERS)
    ev = [f"{f.name}: {f.value[:40]}" for f in found]
    backed = any(by_receiver(analysis, f.index) for f in found)
    entry_hop = boundary_hop(analysis)
    hop_number = None
    for hop in analysis.chain.hops:
        names = " ".join(filter(None, (hop.received.from_helo, hop.received.from_rdns))).lower()
        if any(s in names for s in _SIM_HOSTS):
            ev.append(
                f"hop {hop.number}: sent from {hop.received.from_rdns or hop.received.from_helo}"
            )
            hop_number = hop_number or hop.number
            rdns = (confirmed_rdns(hop) or "").lower()
            backed = backed or (hop is entry_hop and any(s in rdns for s in _SIM_HOSTS))
    facts = (("receiver", "yes"),) if backed else ()
    return Situation("phish-sim", hop_number, tuple(ev), facts) if ev else None


def forged_hops(analysis: Analysis) -> dict[int, str]:
    """Hops below the entry that claim the receiving organisation although the message reached
    another organisation in between, with a second sign (a pasted Received, a private client
    at a public front door, or a stamp that does not join the next hop)."""
    b = entry(analysis)
    hops = analysis.chain.hops
    if b is None or not b.receiver:
        return {}
    out: dict[int, str] = {}
    for hop in hops:
        if hop.number >= b.hop_number or not same_org(hop.received.by, b.receiver):
            continue
        between = [h for h in hops if hop.number < h.number < b.hop_number]
        if not any(h.received.by and not same_org(h.received.by, b.receiver) for h in between):
            continue
        raw = hop.received.raw
        signs = []
        if re.search(r"\bReceived:\s*from\b", raw, re.IGNORECASE):
            signs.append("its value contains a second pasted 'Received:' line")
        if hop.received.from_ip and is_internal_ip(hop.received.from_ip):
            signs.append(f"a private client address {hop.received.from_ip} at a public front door")
        nxt = between[0] if between else None
        if nxt and nxt.delay is not None and abs(nxt.delay.total_seconds()) >= 600:
            signs.append("its time does not join the next hop")
        if len(signs) >= 2 or (signs and signs[0].startswith("its value")):
            out[hop.number] = (
                f"hop {hop.number} claims {hop.received.by} (the receiving organisation) before the "
                f"message reached {between[0].received.by}; " + "; ".join(signs)
            )
    return out


# "by  (Postfix)" / "by ;": the receiving-host slot left empty, which no MTA writes of itself.
_EMPTY_BY = re.compile(r"\bby\s*(?:\(|;|$)", re.IGNORECASE)


def nameless_hops(analysis: Analysis) -> dict[int, str]:
    """Hops below the entry whose Received line leaves the receiving host empty ("by
    (Postfix)"): every MTA names itself there, so the sender wrote the line (spam tools pad
    the trace with such lines), and the time after it is no queue."""
    b = entry(analysis)
    if b is None:
        return {}
    out: dict[int, str] = {}
    for hop in analysis.chain.hops:
        raw = " ".join(hop.received.raw.split())
        if hop.number < b.hop_number and not hop.received.by and _EMPTY_BY.search(raw):
            soft = re.search(r"\((Postfix|Exim|sendmail|qmail)[^)]*\)", raw, re.IGNORECASE)
            claim = f", yet claims {soft.group(1)}" if soft else ""
            out[hop.number] = (
                f"hop {hop.number}'s line names no receiving host ('by' left empty{claim}): "
                "no mail server writes that of itself"
            )
    return out


def paste_damage(analysis: Analysis) -> Situation | None:
    ev: list[str] = []
    for d in analysis.defects:
        # a stray line (no colon, no indentation) is a continuation that lost its indentation
        # where the line above could not take it, e.g. a Message-ID folded onto its own line
        if d.code in (
            Code.INPUT_BARE_CR,
            Code.INPUT_MIXED_EOL,
            Code.INPUT_UNINDENTED_CONTINUATION,
            Code.INPUT_STRAY_LINE,
        ):
            ev.append(d.message)
    prev_empty = False
    for f in analysis.headers:
        if not _TOKEN_NAME.match(f.name):
            ev.append(
                f"a line starting '{f.name[:20]}' was read as a field: its indentation was lost"
            )
        elif prev_empty and "-" not in f.name and _CONTINUED.match(f.value):
            ev.append(
                f"'{f.name[:20]}:' follows an empty field: a continuation line lost its indentation"
            )
        if re.search(rf"(?:^|[\s:;]){re.escape(f.name)}:", f.value, re.IGNORECASE):
            ev.append(f"a {f.name} field contains another '{f.name}:' pasted into its value")
        prev_empty = not f.value.strip()
    if reordered_dump(analysis.headers):
        ev.insert(
            0,
            "every field name re-cased to Title-Case (Received-Spf, Arc-Seal...) and the fields "
            "re-ordered: a header viewer's copy, so positions do not show who wrote what",
        )
    masked = masked_clients(analysis)
    facts = (("masked", "only"),) if masked and not ev else ()
    ev += [masked] if masked else []
    return Situation("paste-damage", None, tuple(dict.fromkeys(ev))[:6], facts) if ev else None


def masked_clients(analysis: Analysis) -> str | None:
    """Evidence that the paste masked client addresses or put placeholders in their place; only
    when a line the receiving organisation wrote (the boundary hop or above) carries one, as a
    sender can write any address text into the lines below."""
    hops = [h for h in analysis.chain.hops if h.received.from_ip_masked]
    b = analysis.chain.boundary
    if not any(b is None or h.number >= b.hop_number for h in hops):
        return None
    said = ", ".join(f"hop {h.number} ({h.received.from_ip_masked})" for h in hops[:4])
    more = f" and {len(hops) - 4} more" if len(hops) > 4 else ""
    return (
        f"client addresses masked or replaced by a placeholder in the paste: {said}{more}; "
        "their exact addresses are unknown (a visible private prefix such as 10.x still reads "
        "as private), and SPF is never replayed for them"
    )


def sender_side_scan(analysis: Analysis) -> Situation | None:
    """Verdict fields that the final receiver did not write (the field attribution says who)."""
    own_auth = receiver_auth_indices(analysis)
    handoff = gateway_handoff(analysis)
    ev: list[str] = []
    for f in analysis.headers:
        if not _VERDICT_NAMES.match(f.lname) or f.index in own_auth:
            continue
        out_dir = "DIR:OUT" in f.value.upper() and f.lname.startswith("x-forefront")
        author = analysis.provenance.of(f.index)
        if f.lname.endswith("-untrusted"):
            why = "Microsoft marks it as another organisation's (-Untrusted)"
        elif out_dir:
            why = "an outbound (DIR:OUT) scan"
        elif author is not None and "re-ordered header dump" in author.evidence:
            continue  # its place proves nothing: not shown as another party's verdict
        elif author is not None and _unplaced(analysis, author):
            continue  # unknown, but not the sending side's by position either
        elif (
            author is not None
            and author.author is not Author.FINAL_RECEIVER
            and handoff is not None
            and gateway_wrote(author.writer, handoff)
        ):
            why = gateway_author(analysis, handoff)
        elif author is not None and author.author is not Author.FINAL_RECEIVER:
            who = author.author.value
            if author.author is Author.UNKNOWN:
                who = "sending side (or forged)"
            why = f"written by the {who}" + (f" ({author.writer})" if author.writer else "")
        elif author is None and not by_receiver(analysis, f.index):
            why = "written before the final receiver got the message"
        else:
            continue
        ev.append(f"{f.name} ({why})")
    uniq = tuple(dict.fromkeys(ev))
    return Situation("sender-side-scan", None, uniq[:8]) if uniq else None


def _unplaced(analysis: Analysis, author: FieldAuthor) -> bool:
    """An unattributed field that is not the sending side's by position either: a receiver's
    block placed at the boundary hop whose tie cannot be checked (Amazon SES's, offline), or a run
    of filter fields below the header that names a host of the receiving organisation (a
    SpamAssassin run at delivery appends its fields there)."""
    if author.author is not Author.UNKNOWN:
        return False
    b = entry(analysis)
    at_receiver = b is not None and author.hop_number == b.hop_number
    return at_receiver or DELIVERY_FILTER in author.evidence


def junk(analysis: Analysis, outcome: OutcomeFact) -> Situation | None:
    if outcome.outcome in (Outcome.JUNK, Outcome.QUARANTINE):
        b = entry(analysis)
        return Situation(
            "junk",
            b.hop_number if b else None,
            outcome.evidence,
            (("outcome", outcome.outcome.value), ("receiver", outcome.receiver or "")),
        )
    return None


def queue_delays(gaps: tuple[Gap, ...]) -> list[Gap]:
    """The transit gaps that are delays: 10 minutes or more on any host, its queue (a bounce's
    Arrival-Date to Last-Attempt-Date, a gap from stamp 0 to itself, is the reporter retrying)."""
    return [g for g in gaps if g.kind is GapKind.TRANSIT and g.seconds >= DELAY_MIN]


def short_queues(gaps: tuple[Gap, ...]) -> list[Gap]:
    """Transit gaps of 3 to 10 minutes on a relay (a host after the first stamp): worth saying
    where the minutes went, never a fault. The first stamp's host is the sender's own."""
    stamped = [g for g in gaps if (g.hop_number, g.next_hop) != (0, 0)]
    first = stamped[0] if stamped else None
    return [
        g
        for g in gaps
        if g.kind is GapKind.TRANSIT and g is not first and SHORT_DELAY_MIN <= g.seconds < DELAY_MIN
    ]


def _span(g: Gap) -> str:
    """Which two times a delay lies between: two stamps, or a bounce's own two times."""
    if (g.hop_number, g.next_hop) == (0, 0) and g.note:
        return g.note  # the reporter's queue ("DSN Arrival-Date to Last-Attempt-Date")
    return f"between {between(g)}"


def delay(gaps: tuple[Gap, ...]) -> Situation | None:
    real = queue_delays(gaps)
    if not real:
        return None
    worst = max(real, key=lambda g: g.seconds)
    ev = tuple(
        f"{duration(g.seconds)} on {g.host or 'an unnamed server'} ({_span(g)})"
        for g in sorted(real, key=lambda g: -g.seconds)
    )
    return Situation(
        "delay",
        worst.hop_number if worst.hop_number > 0 else None,
        ev,
        (
            ("host", worst.host or ""),
            ("seconds", str(int(worst.seconds))),
            *((("why", worst.note),) if worst.note and worst.hop_number > 0 else ()),
            *((("cause", why), ("short", short(worst.note))) if (why := cause(worst.note)) else ()),
        ),
    )


TZ_MIN = 55 * 60  # seconds: less than about an hour is no time-zone step


def tz_artefact(gaps: tuple[Gap, ...], note: DateNote | None) -> Situation | None:
    ev = [
        f"{between(g)}: {g.seconds / 3600:+.1f} h ({g.note})"
        for g in gaps
        if g.kind is GapKind.TZ_LABEL
    ]
    # a clock wrong by an hour or more is the same artefact: an apparent gap, no time spent (a
    # skew and the gap that undoes it are one wrong clock, said once)
    skews = [g for g in gaps if g.kind is GapKind.SKEW and abs(g.seconds) >= TZ_MIN]
    ev += list(
        dict.fromkeys(
            f"{between(g)}: {g.seconds / 3600:+.1f} h ({g.note or 'one clock is wrong'})"
            for g in skews
            if not g.note or g is next(k for k in skews if k.note == g.note)
        )
    )
    # a Date hours ahead of the first stamp is a zone label or a bogus Date, never a delay; a
    # Date some minutes ahead is one clock running fast: skew, not a time-zone artefact
    ahead = note is not None and (
        note.kind is GapKind.TZ_LABEL or (note.kind is GapKind.SKEW and note.seconds >= TZ_MIN)
    )
    if note is not None and note.seconds > 0 and ahead:
        ev.append(f"the Date header is {note.seconds / 3600:.1f} h after the first Received stamp")
    elif note is not None and note.kind is GapKind.TZ_LABEL:
        ev.append(
            f"the Date header is {-note.seconds / 3600:.1f} h before the first Received stamp, in whole hours"
        )
    hop = next((g.hop_number for g in gaps if g.kind is GapKind.TZ_LABEL), None) or next(
        (g.hop_number for g in skews), None
    )
    return Situation("tz-artefact", hop, tuple(ev)) if ev else None


def receiver_wrote(analysis: Analysis, index: int) -> bool:
    return by_receiver(analysis, index)
