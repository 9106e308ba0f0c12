"""Types for re-verified DKIM, DMARC and ARC verdicts, each with its DNS evidence."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime

from headerlens.model.core import HEADERS_ONLY_WORDS as HEADERS_ONLY_WORDS  # re-exported
from headerlens.model.core import UNCONFIRMED_WORDS as UNCONFIRMED_WORDS
from headerlens.model.core import UNDECIDED_WORDS as UNDECIDED_WORDS
from headerlens.model.core import Defect
from headerlens.model.dcmethods import ModelMethods
from headerlens.model.dns import DnsRecord

UNCONFIRMED_SPF = "spf-unconfirmed"  # Alignment.method of an SPF pass at an unconfirmed boundary
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]+\Z")  # RFC 3986 §3: scheme ":" hier-part


class DkimResult(enum.Enum):
    """A DKIM outcome (RFC 8601 §2.7.1 words), plus UNAVAILABLE for "could not be checked"."""

    PASS = "pass"
    FAIL = "fail"
    NEUTRAL = "neutral"
    POLICY = "policy"
    TEMPERROR = "temperror"
    PERMERROR = "permerror"
    NONE = "none"
    UNAVAILABLE = "unavailable"  # not checked: DNS not asked (offline), or nothing to check
    # b= verifies but the body was not given (a header-only paste), so bh= was not checked:
    # "pass for the headers only; body not checked". Not a DKIM pass: the signed header fields
    # of a genuine message verify whatever body a replay attaches, so DMARC must not count it.
    HEADERS_ONLY = "pass-headers-only"


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class DkimKey(ModelMethods):
    """A DKIM key record (RFC 6376 §3.6.1) as we parsed and judged it.

    ``key_bits`` and ``rsa_exponent`` come from our own reading of the RSA public key;
    ``usable`` is False when the record must not be used to verify (revoked, unknown k=,
    unparsable or unsafe key...), and ``defects`` say why, or warn (RFC 8301 sizes, t=y).
    """

    raw: str
    version: str | None = None  # v=
    key_type: str = "rsa"  # k=, default rsa
    public_key: str = ""  # p=, whitespace removed; "" = revoked
    flags: tuple[str, ...] = ()  # t=
    hash_algorithms: tuple[str, ...] = ()  # h=, empty = any
    service_types: tuple[str, ...] = ()  # s=, empty = "*"
    notes: str | None = None  # n=
    key_bits: int | None = None
    rsa_exponent: int | None = None
    usable: bool = False
    defects: tuple[Defect, ...] = ()

    @property
    def revoked(self) -> bool:
        """True when p= is empty: the key was revoked (RFC 6376 §3.6.1)."""
        return self.public_key == ""

    @property
    def testing(self) -> bool:
        """True for t=y: the domain is testing DKIM."""
        return "y" in self.flags

    @property
    def strict_subdomains(self) -> bool:
        """True for t=s: the i= domain must equal d= exactly."""
        return "s" in self.flags


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class HeaderCoverage(ModelMethods):
    """Which instances of one header field a DKIM signature covers (RFC 6376 §5.4.2).

    Instances are taken bottom-up: a name listed n times in h= covers its n bottom-most
    fields. ``signed`` and ``unsigned`` hold header indexes (0 = top-most field), top-most
    first; ``absent_asserted`` counts listings beyond the fields present (over-signing: the
    signer asserts no further instance exists, so adding one breaks the signature).
    """

    name: str  # as listed in h=, lower case
    listed: int  # how many times h= names it
    signed: tuple[int, ...] = ()
    unsigned: tuple[int, ...] = ()
    absent_asserted: int = 0


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class DkimVerdict(ModelMethods):
    """One DKIM-Signature re-verified: the header signature (b=) and body hash (bh=) apart.

    ``result`` combines both (and the key and expiry rules) into one RFC 8601 word.
    ``crypto_valid`` is the raw outcome of the b= computation (None when not attempted).
    ``signature_index`` counts DKIM-Signature fields from the top (0 = newest).
    Times: ``receipt_time`` is what expiry is judged against; ``checked_at`` is "now".
    """

    signature_index: int
    header_index: int | None
    domain: str | None
    selector: str | None
    algorithm: str | None
    header_result: DkimResult
    body_result: DkimResult
    result: DkimResult
    explanation: str
    canonicalization: str | None = None
    identity: str | None = None
    signed_headers: tuple[str, ...] = ()
    body_length: int | None = None  # l=
    unsigned_body_bytes: int | None = (
        None  # body bytes after l=, which the signature does not cover
    )
    key_name: str | None = None  # <s>._domainkey.<d>
    key: DkimKey | None = None
    crypto_valid: bool | None = None
    body_hash_expected: str | None = None  # bh= as signed
    body_hash_computed: str | None = None  # what the body hashes to now
    signed_at: datetime | None = None  # t=
    expires_at: datetime | None = None  # x=
    receipt_time: datetime | None = None
    checked_at: datetime | None = None
    evidence: tuple[DnsRecord, ...] = ()
    findings: tuple[Defect, ...] = ()
    coverage: tuple[HeaderCoverage, ...] = ()  # per h= name, in h= order

    @property
    def passed(self) -> bool:
        """True when the signature counts as passing: b= and the body hash both verified."""
        return self.result is DkimResult.PASS

    @property
    def result_words(self) -> str:
        """The result for people: the RFC 8601 word, or HEADERS_ONLY_WORDS."""
        return HEADERS_ONLY_WORDS if self.result is DkimResult.HEADERS_ONLY else self.result.value


class DmarcResult(enum.Enum):
    """A DMARC outcome (RFC 8601 §2.7.6 words)."""

    PASS = "pass"
    FAIL = "fail"
    NONE = "none"
    TEMPERROR = "temperror"
    PERMERROR = "permerror"
    # Ours, not RFC 8601: not decided, because the only aligned identifier is a DKIM signature
    # whose body could not be checked (a header-only paste). Never pass, never fail.
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class DmarcRecord(ModelMethods):
    """A parsed DMARC policy record (RFC 7489 §6.3; RFC 9989 adds np, psd, t, drops pct/rf/ri).

    Values are None when the tag is absent; ``effective_*`` apply the defaults.
    ``valid`` is False when the text is not a DMARC record at all (no leading v=DMARC1).
    """

    raw: str
    valid: bool
    p: str | None = None
    sp: str | None = None
    np: str | None = None
    adkim: str | None = None
    aspf: str | None = None
    pct: int | None = None
    rua: tuple[str, ...] = ()
    ruf: tuple[str, ...] = ()
    fo: tuple[str, ...] = ()
    rf: str | None = None
    ri: int | None = None
    t: str | None = None  # RFC 9989 test mode: y / n
    psd: str | None = None  # RFC 9989: y / n / u
    tags: tuple[tuple[str, str], ...] = ()
    defects: tuple[Defect, ...] = ()

    @property
    def policy_valid(self) -> bool:
        """True when p= is present and valid and any sp= / np= is valid (RFC 9989 §4.10.1)."""
        given = {name for name, _ in self.tags}
        return self.p is not None and not (
            ("sp" in given and self.sp is None) or ("np" in given and self.np is None)
        )

    @property
    def has_report_uri(self) -> bool:
        """True when rua= holds at least one syntactically valid URI (RFC 3986 scheme ":" ...)."""
        return any(_URI.match(uri) for uri in self.rua)

    @property
    def is_policy(self) -> bool:
        """True when receivers apply DMARC with this record (RFC 9989 §4.10.1).

        A record without a valid p= (or with an invalid sp= or np=) counts as p=none only when
        rua= names a valid report URI; otherwise no DMARC processing applies to the message.
        """
        return self.valid and (self.policy_valid or self.has_report_uri)

    @property
    def effective_p(self) -> str:
        """p=, or "none" when a p=, sp= or np= is absent or invalid (RFC 9989 §4.10.1: the
        receiver acts as if the record said p=none)."""
        return (self.p or "none") if self.policy_valid else "none"

    @property
    def effective_sp(self) -> str:
        """sp=, defaulting to p= (RFC 7489 §6.3)."""
        return (self.sp or self.effective_p) if self.policy_valid else "none"

    @property
    def effective_np(self) -> str:
        """np=, defaulting to sp= then p= (RFC 9091 §4.1, RFC 9989 §4.7)."""
        return (self.np or self.effective_sp) if self.policy_valid else "none"

    @property
    def strict_dkim(self) -> bool:
        """adkim=s."""
        return self.adkim == "s"

    @property
    def strict_spf(self) -> bool:
        """aspf=s."""
        return self.aspf == "s"

    @property
    def testing(self) -> bool:
        """t=y (RFC 9989) or pct below 100 (RFC 7489, legacy)."""
        return self.t == "y" or (self.pct is not None and self.pct < 100)


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class OrgDomain(ModelMethods):
    """The organisational domain of one name, by both methods, with the walk's evidence.

    ``psl`` comes from the Public Suffix List (RFC 7489 §3.2); ``tree_walk`` from the RFC 9989
    §4.10 DNS tree walk. ``agree`` is False when they differ: both are shown.
    ``walked`` is False when the walk above the domain was not needed (its record is at the
    domain itself and no passing identifier differs from it): ``tree_walk`` is then the domain
    and ``agree`` is not meaningful.
    """

    domain: str
    psl: str | None
    tree_walk: str
    walk_reason: str
    evidence: tuple[DnsRecord, ...] = ()
    walked: bool = True

    @property
    def agree(self) -> bool:
        """True when the Public Suffix List and the DNS tree walk give the same answer
        (or when the walk was not needed, so there is nothing to compare)."""
        return not self.walked or self.psl == self.tree_walk


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Alignment(ModelMethods):
    """One authenticated identifier compared with the From domain (RFC 7489 §3.1)."""

    # "spf", "dkim", "dkim-headers" (b= verified, body not checked) or "spf-unconfirmed" (SPF
    # passed at a trust boundary nothing confirms): the last two never pass
    method: str
    domain: str  # SPF MAIL FROM / HELO domain, or DKIM d=
    authenticated: bool  # SPF pass / DKIM pass
    strict: bool  # adkim=s / aspf=s
    aligned: bool  # identifier aligned (regardless of authentication)
    relaxed_would_align: bool
    psl_aligned: bool  # what relaxed alignment would say with PSL organisational domains
    explanation: str

    @property
    def passes(self) -> bool:
        """True when this identifier authenticates and aligns: enough for DMARC pass."""
        return self.authenticated and self.aligned


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class DmarcVerdict(ModelMethods):
    """DMARC re-evaluated for one message (RFC 7489 §6.6, RFC 9989 §5).

    ``policy`` is the policy that applies to the From domain (p, sp or np, as named by
    ``policy_tag``); ``disposition`` what a receiver following it would do on failure.
    """

    from_domain: str | None
    result: DmarcResult
    explanation: str
    record: DmarcRecord | None = None
    record_domain: str | None = None  # where the applicable record was found
    policy: str | None = None  # none / quarantine / reject
    policy_tag: str | None = None  # "p", "sp" or "np"
    disposition: str | None = None
    alignments: tuple[Alignment, ...] = ()
    org_domain: OrgDomain | None = None
    from_domain_exists: bool | None = None  # None when not checked
    evidence: tuple[DnsRecord, ...] = ()
    findings: tuple[Defect, ...] = ()

    @property
    def result_words(self) -> str:
        """The result for people: the RFC 8601 word, or for UNKNOWN UNCONFIRMED_WORDS (only
        SPF at an unconfirmed trust boundary would align) or UNDECIDED_WORDS."""
        if self.result is not DmarcResult.UNKNOWN:
            return str(self.result.value)
        return UNCONFIRMED_WORDS if self.unconfirmed else UNDECIDED_WORDS

    @property
    def unconfirmed(self) -> bool:
        """Not decided because only an SPF pass at an unconfirmed trust boundary would align."""
        return self.result is DmarcResult.UNKNOWN and any(
            a.method == UNCONFIRMED_SPF and a.aligned for a in self.alignments
        )

    @property
    def aligned_methods(self) -> tuple[str, ...]:
        """The methods ("spf", "dkim") that passed aligned, each once, in that order."""
        out: list[str] = []
        for a in self.alignments:
            if a.passes and a.method not in out:
                out.append(a.method)
        return tuple(out)


class ArcResult(enum.Enum):
    """The ARC chain validation status (RFC 8617 §4.4: none, pass, fail).

    TEMPERROR and UNAVAILABLE are ours, not RFC 8617 statuses: the chain could not be judged
    because a key lookup failed (timeout, SERVFAIL...) or was not made (offline).
    """

    NONE = "none"
    PASS = "pass"
    FAIL = "fail"
    TEMPERROR = "temperror"  # a key lookup failed temporarily: validation was not possible
    UNAVAILABLE = "unavailable"  # keys not looked up (offline)


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class ArcInstanceResult(ModelMethods):
    """What one ARC set (instance i) verified to, and what its AAR said."""

    instance: int
    ams_domain: str | None = None
    ams_selector: str | None = None
    ams_valid: bool | None = None
    seal_domain: str | None = None
    seal_selector: str | None = None
    seal_valid: bool | None = None
    cv: str | None = None  # the cv= this seal stated
    aar: str | None = None  # the ARC-Authentication-Results value (after i=)
    aar_results: tuple[tuple[str, str], ...] = ()  # (method, result) pairs as stated


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class ArcVerdict(ModelMethods):
    """The ARC chain re-validated (RFC 8617 §5.2).

    ``oldest_pass`` is the lowest instance from which every newer AMS also validates
    (None when the newest AMS fails). ``header_only`` means the body was missing, so AMS body
    hashes were not checked and the result covers the signed header fields only.
    ``terminated`` is True when a seal itself reported cv=fail (the chain was already broken).
    """

    result: ArcResult
    reason: str
    explanation: str
    instances: tuple[ArcInstanceResult, ...] = ()  # newest first
    oldest_pass: int | None = None
    header_only: bool = False
    terminated: bool = False
    evidence: tuple[DnsRecord, ...] = ()
    findings: tuple[Defect, ...] = ()
