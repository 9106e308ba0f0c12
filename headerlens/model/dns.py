"""Types for DNS evidence: every query the live checks make is recorded as one of these."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from headerlens.model.dcmethods import ModelMethods


class Rcode(StrEnum):
    """The rcodes a DnsRecord carries: the DNS ones the checks name (RFC 1035 §4.1.1, RFC 6895
    §2.3) and our pseudo-codes for a question that got no DNS answer at all.

    A server may send another rcode (YXDOMAIN, NOTAUTH...); ``DnsRecord.rcode`` stays the text
    dnspython gives, so such a code is kept as evidence and counts as temporary.
    """

    NOERROR = "NOERROR"
    NXDOMAIN = "NXDOMAIN"
    SERVFAIL = "SERVFAIL"
    REFUSED = "REFUSED"
    FORMERR = "FORMERR"
    NOTIMP = "NOTIMP"
    TIMEOUT = "TIMEOUT"  # no answer in time
    OFFLINE = "OFFLINE"  # --offline: not asked
    ERROR = "ERROR"  # the query could not be made: malformed name, no nameservers, budget spent
    MISSING = "MISSING"  # replaying a DNS snapshot that does not hold this query

    @property
    def is_temporary(self) -> bool:
        """See :func:`is_temporary`."""
        return is_temporary(self)


_DEFINITE = frozenset({Rcode.NOERROR, Rcode.NXDOMAIN})


def is_temporary(rcode: str) -> bool:
    """True when the question was asked and got no definite answer, so asking again later may
    give one: RFC 7208 §5 (any rcode but 0 or 3, or a timeout, is temperror), RFC 6376 §6.1.2
    (a key query that fails to respond is TEMPFAIL). OFFLINE is not temporary: nothing was
    asked, by request (``not DnsRecord.answered`` covers both)."""
    return rcode not in _DEFINITE and rcode != Rcode.OFFLINE


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class DnsRecord(ModelMethods):
    """One DNS lookup and its outcome, kept as evidence for a verdict.

    ``rcode`` is the DNS rcode name (NOERROR, NXDOMAIN, SERVFAIL, REFUSED...) or one of our
    pseudo-codes: TIMEOUT (no answer in time), OFFLINE (``--offline``: not asked), ERROR
    (the query could not be made: malformed name, no nameservers...), MISSING (replaying a
    DNS snapshot that does not hold this query).
    ``answers`` are presentation-format strings: for TXT the character-strings joined without
    separators (RFC 7208 §3.3, RFC 6376 §3.6.2.2), for MX "preference exchange", for A/AAAA
    the address. ``cname_chain`` lists the names followed, in order, ending at the owner of the
    answer (empty when no CNAME was followed); names are written without the final dot.
    ``ttl`` is the smallest TTL in the answer (None when there is no answer).
    ``from_cache`` is True when no packet was sent for this lookup: the answer came from the
    resolver's cache or from an identical query already in flight.
    ``authenticated`` is the AD bit of the response (RFC 4035 §3.2.3): the resolver that answered
    validated it with DNSSEC. Only meaningful when that resolver validates and the path to it is
    trusted (RFC 6840 §5.7); always False from a non-validating resolver.
    """

    name: str
    rdtype: str
    rcode: str
    answers: tuple[str, ...] = ()
    cname_chain: tuple[str, ...] = ()
    ttl: int | None = None
    duration_ms: float = 0.0
    resolver: str = ""
    error: str | None = None
    from_cache: bool = False
    authenticated: bool = False

    @property
    def answered(self) -> bool:
        """True when the server gave a definite answer (NOERROR, NODATA or NXDOMAIN); False for
        a timeout, SERVFAIL, REFUSED, a query not made (offline, not in a snapshot) and the like."""
        return self.rcode in _DEFINITE

    @property
    def temporary(self) -> bool:
        """True when the lookup failed in a way a retry may cure (see :func:`is_temporary`)."""
        return is_temporary(self.rcode)

    @property
    def ok(self) -> bool:
        """True when the server answered NOERROR (possibly with no records: NODATA)."""
        return self.rcode == Rcode.NOERROR

    @property
    def nodata(self) -> bool:
        """True for NODATA: the name exists but has no record of this type (RFC 2308 §2.2)."""
        return self.rcode == Rcode.NOERROR and not self.answers
