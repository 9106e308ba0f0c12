"""Types for DNS evidence: every query the live checks make is recorded as one of these."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DnsRecord:
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
        return self.rcode in ("NOERROR", "NXDOMAIN")

    @property
    def ok(self) -> bool:
        """True when the server answered NOERROR (possibly with no records: NODATA)."""
        return self.rcode == "NOERROR"

    @property
    def nodata(self) -> bool:
        """True for NODATA: the name exists but has no record of this type (RFC 2308 §2.2)."""
        return self.rcode == "NOERROR" and not self.answers
