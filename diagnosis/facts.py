"""Structured facts of the diagnosis: situations, delays and the outcome (no sentences here)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

# The situation vocabulary of ../shared/corpus/real2/README.md, in the order causes come first.
LABELS = (
    "phish-sim",
    "ndr",
    "spoof",
    "compromised-account",
    "forward-srs",
    "forward-nosrs",
    "mailing-list",
    "google-groups",
    "forged-received",
    "allowlist-override",
    "junk",
    "sender-side-scan",
    "delay",
    "tz-artefact",
    "paste-damage",
    "control",
)


@dataclass(frozen=True, slots=True)
class Situation:
    """One recognised situation: ``label`` from LABELS, the hop it is about, and its evidence.

    ``evidence`` holds short quotes of what was seen (header names and values, hop numbers);
    ``facts`` holds named values the wording needs (``domain``, ``host``, ``forwarder``...).
    """

    label: str
    hop_number: int | None
    evidence: tuple[str, ...]
    facts: tuple[tuple[str, str], ...] = ()

    def fact(self, name: str) -> str | None:
        """The named fact, or None."""
        return next((v for k, v in self.facts if k == name), None)


class GapKind(enum.Enum):
    """How to read the time between two Received stamps."""

    TRANSIT = "transit"  # ordinary time on the earlier host (its queue, its filters)
    SKEW = "clock skew"  # one host's clock is wrong: a negative gap and its matching positive one
    TZ_LABEL = "time-zone label"  # the wall clocks agree; one zone label is wrong
    FORGED = "forged line"  # the earlier stamp is on a Received line the sender wrote
    REDELIVERED = "earlier delivery"  # delivered to a mailbox (Delivered-To) between the stamps
    NO_QUEUE = "beyond any queue"  # longer than servers keep a message: a clock or a re-send
    INCONSISTENT = "inconsistent times"  # placeholder times, or a stamp others contradict
    UNDATED = "undated"


@dataclass(frozen=True, slots=True)
class Gap:
    """The time between stamp ``hop_number`` and the next dated stamp, spent on ``host``.

    ``host`` is the host that accepted the message at ``hop_number`` (its ``by``), i.e. the
    server whose queue held it; ``next_hop`` is the hop whose stamp ends the gap.
    """

    hop_number: int
    next_hop: int
    host: str | None
    seconds: float
    kind: GapKind
    note: str = ""  # a fact for the wording: "wall clocks 12:28:08 vs 12:28:07", "X-Received"


@dataclass(frozen=True, slots=True)
class DateNote:
    """The Date header compared with the first Received stamp (seconds, positive = Date later)."""

    seconds: float
    kind: GapKind  # TRANSIT (the client held it), TZ_LABEL (zone label), SKEW (Date after receipt)
    first_host: str | None


class Outcome(enum.Enum):
    """Where the final receiver put the message, from its own headers only."""

    INBOX = "inbox"
    JUNK = "junk"
    QUARANTINE = "quarantine"
    REJECTED = "rejected"
    # a folder of the recipient's own (Microsoft's dest:C): neither the Inbox nor Junk
    FOLDER = "folder"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class OutcomeFact:
    """The outcome and the header that says so (empty evidence for UNKNOWN)."""

    outcome: Outcome
    evidence: tuple[str, ...] = ()
    receiver: str | None = None
    # where it went when that is not one of the outcomes, or who chose the folder when not the
    # filter: "a folder the recipient's own mailbox rule chose (dest:C, OFR:CustomRules)"
    folder: str | None = None


@dataclass(frozen=True, slots=True)
class Complaint:
    """A complaint / feedback report: who reported which kind of problem about what message.

    Not a situation of the vocabulary: the report itself is the story, told by the headline and
    one finding; the reported message is diagnosed on its own.
    """

    format: str  # the layout, as FeedbackFormat's text
    feedback_type: str | None  # abuse, fraud, virus, auth-failure, not-spam…
    reporter: str | None
    source: str | None  # the IP (or envelope sender) the reported message came from
    auth_failure: str | None = None  # RFC 6591: which check failed (dmarc, spf, dkim)
    author: str | None = None  # the reported message's From address
    complainants: tuple[str, ...] = ()  # Original-Rcpt-To / the JMRP complainant
    relayed_by: str | None = None  # the reported copy's own story: "mailing list", "forwarder"
    # signs that a list re-sent the reported copy though it names no List-Id (report_list):
    # set only with relayed_by "mailing list", which is then probable, not known
    relay_signs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Impersonation:
    """The From shows another domain than the one the message is from, which authentication
    does not catch (no situation label: ``spoof`` means an unauthenticated From domain).

    ``kind`` is "display-name" (another domain's address as the sender's name) or "lookalike"
    (the From domain written in look-alike letters) or "encoded-word" (an address hidden in an
    encoded word, so there is no From domain: ``sender`` is ""); ``imitated`` the domain the reader is
    meant to see; ``sender`` the From domain as shown; ``authenticated`` "pass", "fail" or
    "unknown" for the From domain's DMARC (or an aligned pass) at the final receiver or as
    re-verified.
    """

    kind: str
    imitated: str
    sender: str
    authenticated: str
    evidence: str


@dataclass(frozen=True, slots=True)
class ViaService:
    """The message names a sending service (ESP) as the way it came (diagnosis/esp_sent):
    ``signs`` say which fields name it (all the sender's own text), ``dmarc`` why the From
    domain's DMARC decides nothing: "offline" (not checked), "undecided" (checked, no answer),
    "no-policy" (the domain publishes none, as stamped or re-verified)."""

    name: str
    signs: tuple[str, ...]
    dmarc: str


@dataclass(frozen=True, slots=True)
class FormMail:
    """A web site's form sent the message with the visitor's address as From
    (diagnosis/form_mail): ``site`` is the site's domain, ``signs`` the fields that show it."""

    site: str
    signs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Unauthenticated:
    """Nothing authenticated the From ``domain`` and nothing failed: the final receiver's own
    ``stamped`` tokens are all none/neutral, and the sending ``host`` has no tie to the domain
    (diagnosis.unauthenticated). ``envelope_in_domain``: the envelope sender is in it;
    ``claimed``: a host of the domain that only the Received lines below the entry name;
    ``helo_claim``: the client's HELO names the domain while the reverse DNS its receiver
    confirmed does not; ``domain`` "" and ``shown``: the From field names no address at all;
    ``disposable``: signs that the domain is the sender's own throwaway (diagnosis.throwaway),
    where its own failed DKIM signature then says nothing of anyone else."""

    domain: str
    stamped: tuple[str, ...]
    host: str
    envelope_in_domain: bool
    claimed: str | None = None  # a server of the domain named only by the sender's own lines
    helo_claim: str | None = None  # the client's HELO in the domain, its confirmed rDNS not
    shown: str | None = None  # the From field as written, when it names no address (domain "")
    disposable: str | None = None  # why the domain looks like the sender's own throwaway
    brand: tuple[str, str] | None = None  # (brand, its own domain) the From name poses as
    service: ViaService | None = None  # sent through an ESP, the From domain's DMARC undecided
    form: FormMail | None = None  # a site's form sent it with the visitor's address as From


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """Everything the diagnosis concluded: facts first, the one-sentence headline last."""

    situations: tuple[Situation, ...]
    gaps: tuple[Gap, ...]
    date_note: DateNote | None
    outcome: OutcomeFact
    headline: str
    complaint: Complaint | None = None  # set when the message is a complaint / feedback report
    impersonation: Impersonation | None = None  # another domain shown as the sender
    unauthenticated: Unauthenticated | None = None  # nothing authenticated From, nothing failed

    def labels(self) -> tuple[str, ...]:
        return tuple(s.label for s in self.situations)

    def get(self, label: str) -> Situation | None:
        return next((s for s in self.situations if s.label == label), None)

    @property
    def slowest(self) -> Gap | None:
        """The longest real queue (transit gaps only: skew, time-zone labels and forged lines
        are not time spent anywhere)."""
        real = [g for g in self.gaps if g.kind is GapKind.TRANSIT and g.seconds > 0]
        return max(real, key=lambda g: g.seconds, default=None)
