"""One DNS question sent to our servers with dnspython's message and query layer (RFC 1035 §4).

Not dnspython's stub ``Resolver``: importing ``dns.resolver`` or ``dns.asyncresolver`` pulls
in its DDR discovery (``dns._ddr``, RFC 9462), which we never use and which costs about 80 ms
at every process start. What we need from a stub resolver is small and kept here: EDNS with a
1232-byte payload, UDP with a TCP retry on truncation (RFC 7766 §5), trying the next server
when one fails, and reading the CNAME chain out of the answer section.
This module is imported only when a live lookup is made (see LiveResolver).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdatatype
import dns.rdtypes.IN.A
import dns.rdtypes.IN.AAAA
import dns.rdtypes.txtbase

from headerlens.dnsclient.resolver import format_server
from headerlens.model.dns import DnsRecord, Rcode

EDNS_PAYLOAD = 1232  # the DNS Flag Day 2020 size: big DKIM keys fit in UDP, no fragments
_YXDOMAIN = "the query name is too long after DNAME substitution (RFC 6672 §2.2)"

Question = tuple[dns.name.Name, dns.rdatatype.RdataType]


class MalformedQuery(ValueError):
    """The name or type can't be put in a DNS question; nothing is sent."""


def question(name: str, rdtype: str) -> Question:
    """The absolute query name and type, or MalformedQuery (RFC 1035 §2.3.4 limits)."""
    try:
        if not name.strip(". "):
            raise ValueError("empty name")
        return dns.name.from_text(name), dns.rdatatype.from_text(rdtype)
    except (dns.exception.DNSException, ValueError, UnicodeError) as exc:
        raise MalformedQuery(f"malformed query {name!r} {rdtype}: {exc}") from None


def cache_key(q: Question) -> tuple[str, int]:
    """Names compare without case (RFC 4343 §3), so the key is the canonical form."""
    return q[0].canonicalize().to_text(), int(q[1])


def _rdata_text(rd: dns.rdata.Rdata) -> str:
    """One record in presentation form; TXT strings joined with no separator (RFC 7208 §3.3)."""
    if isinstance(rd, dns.rdtypes.txtbase.TXTBase):
        return b"".join(rd.strings).decode("utf-8", errors="replace")
    if isinstance(rd, dns.rdtypes.IN.A.A | dns.rdtypes.IN.AAAA.AAAA):
        return str(rd.address)
    return str(rd.to_text())


def _name_text(name: dns.name.Name) -> str:
    return str(name.to_text(omit_final_dot=True))


def _chain(qname: dns.name.Name, result: dns.message.ChainingResult) -> tuple[str, ...]:
    """The names followed through CNAMEs, from the query name to the canonical name.

    A recursive server returns the whole chain in the answer section (RFC 1034 §3.6.2);
    dnspython's ``resolve_chaining`` walks it from the query name.
    """
    if not result.cnames:
        return ()
    return (_name_text(qname), *(_name_text(rrset[0].target) for rrset in result.cnames))


async def _exchange(
    request: dns.message.Message, host: str, port: int, timeout: float
) -> dns.message.Message:
    """UDP first; the same server over TCP when the answer comes back truncated (TC=1)."""
    started = time.monotonic()
    try:
        return await dns.asyncquery.udp(
            request,
            host,
            timeout=timeout,
            port=port,
            raise_on_truncation=True,
            ignore_unexpected=True,  # stray or spoofed datagrams: keep waiting for ours
            ignore_errors=True,
        )
    except dns.message.Truncated:
        left = timeout - (time.monotonic() - started)
        if left <= 0:
            raise dns.exception.Timeout from None
        return await dns.asyncquery.tcp(request, host, timeout=left, port=port)


async def resolve(
    q: Question,
    base: DnsRecord,
    servers: Sequence[tuple[str, int]],
    lifetime: float,
    timeout: float,
) -> tuple[DnsRecord, int]:
    """Ask each server in turn until one answers NOERROR or NXDOMAIN, all within ``lifetime``.

    Returns the record and the seconds it may be cached: the smallest TTL of the answer, or
    for NXDOMAIN and NODATA the negative TTL from the SOA (RFC 2308 §5); 0 for failures.
    A SERVFAIL is an answer too: it is not retried on the same server.
    """
    qname, qtype = q
    request = dns.message.make_query(qname, qtype, use_edns=0, payload=EDNS_PAYLOAD)
    # Ask for the AD bit (RFC 6840 §5.7): a validating resolver then says whether it validated.
    request.flags |= dns.flags.AD
    end = time.monotonic() + lifetime
    rcode: str | None = None
    texts: list[str] = []
    for n, (host, port) in enumerate(servers):
        where = format_server(host, port)
        left = end - time.monotonic()
        if left <= 0:
            break
        # A dead first server must not use up the whole lifetime: each server gets an equal
        # share of what is left, so the next one is still asked (resolv.conf semantics).
        share = left / (len(servers) - n)
        try:
            response = await _exchange(request, host, port, share)
        except dns.exception.Timeout:
            texts.append(f"{where}: no answer in {share:.1f} s")
            rcode = rcode or Rcode.TIMEOUT
            continue
        except (dns.exception.DNSException, OSError, EOFError, NotImplementedError) as exc:
            texts.append(f"{where}: {type(exc).__name__} {exc}".rstrip())
            continue
        code = response.rcode()
        if code == dns.rcode.YXDOMAIN:
            return dataclasses.replace(base, rcode="YXDOMAIN", error=_YXDOMAIN), 0
        if code not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            rcode = rcode or dns.rcode.to_text(code)  # SERVFAIL, REFUSED, FORMERR...
            texts.append(f"{where} answered {dns.rcode.to_text(code)}")
            continue
        assert isinstance(response, dns.message.QueryMessage)
        try:
            result = response.resolve_chaining()
        except dns.exception.DNSException as exc:  # a chain too long, an answer with NXDOMAIN
            texts.append(f"{where}: {type(exc).__name__} {exc}".rstrip())
            continue
        chain = _chain(qname, result)
        if code == dns.rcode.NXDOMAIN:
            record = dataclasses.replace(
                base, rcode=Rcode.NXDOMAIN, cname_chain=chain, error="the name does not exist"
            )
            return record, result.minimum_ttl
        answers = () if result.answer is None else tuple(_rdata_text(rd) for rd in result.answer)
        record = dataclasses.replace(
            base,
            rcode=Rcode.NOERROR,
            answers=answers,
            cname_chain=chain,
            ttl=result.minimum_ttl if result.answer is not None else None,
            resolver=where,
            authenticated=bool(response.flags & dns.flags.AD),
        )
        return record, result.minimum_ttl  # NODATA: the negative TTL (RFC 2308 §5)
    else:  # every server was asked and failed
        if rcode != Rcode.TIMEOUT:
            error = "; ".join(texts) or "no nameserver could be asked"
            return dataclasses.replace(base, rcode=rcode or Rcode.ERROR, error=error), 0
    why = "the DNS deadline for this analysis" if lifetime < timeout else "timeout"
    error = f"no answer within {lifetime:.3g} s ({why}) from {base.resolver}"
    return dataclasses.replace(base, rcode=Rcode.TIMEOUT, error=error), 0
