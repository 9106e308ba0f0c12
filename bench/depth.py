"""Depth of a message's DNS lookup graph, and the round trips a tool was seen to take.

Depth is defined by data dependency: a query is on level k+1 when its name can only be known from
an answer on level k. DKIM keys (selector + d=), ARC keys, the From domain's DMARC record (and
its organisational-domain fallback, known from the Public Suffix List) and the boundary hop's
SPF record are all level 1. SPF adds levels (RFC 7208 §5): include:/redirect=/a/mx/exists/ptr
terms of a level-k record are level k+1, and the addresses of an MX or PTR answer k+2. The RFC 9989
np= existence check (A/AAAA/MX of the From domain) follows its _dmarc walk: level 2.
CNAMEs (EOP's DKIM selectors) cost no extra level for the client: the recursive resolver
chases them (RFC 1034 §4.3.2) within the same round trip.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from headerlens.model.spf import SpfMechanism, SpfModifier
from headerlens.parsers.spfrecord import is_spf_version, parse_spf_record

_Key = tuple[str, str]


def _norm(name: str) -> str:
    return name.strip().rstrip(".").lower()


def _reverse_name(ip: str) -> str:
    import ipaddress

    return ipaddress.ip_address(ip).reverse_pointer


def _children(domain: str, txt: str, ip: str | None) -> list[tuple[_Key, int]]:
    """The queries a record's terms cause: (key, extra levels below the record's own)."""
    out: list[tuple[_Key, int]] = []
    for term in parse_spf_record(txt).terms:
        if isinstance(term, SpfModifier):
            if term.name.lower() == "redirect":
                out.append(((_norm(term.value), "TXT"), 1))
            continue
        if not isinstance(term, SpfMechanism):
            continue
        target = _norm(term.domain_spec or domain)
        name = term.name.lower()
        if name == "include":
            out.append(((target, "TXT"), 1))
        elif name == "a":
            out += [((target, "A"), 1), ((target, "AAAA"), 1)]
        elif name == "mx":
            out.append(((target, "MX"), 1))
        elif name == "exists":
            out.append(((target, "A"), 1))
        elif name == "ptr" and ip:
            out.append(((_norm(_reverse_name(ip)), "PTR"), 1))
    return out


def lookup_depth(log: Sequence[Mapping[str, Any]], ip: str | None) -> int:
    """The depth of the lookup graph behind the queries in ``log`` (headerlens's DNS log).

    ``log`` entries carry ``name``, ``rdtype`` and ``answers``. Names not caused by another
    answer are roots (level 1).
    """
    answers: dict[_Key, list[str]] = {}
    for rec in log:
        answers.setdefault((_norm(rec["name"]), rec["rdtype"].upper()), list(rec["answers"]))
    parent: dict[_Key, tuple[_Key, int]] = {}
    for key, texts in answers.items():
        if key[1] == "TXT":
            for txt in texts:
                if is_spf_version(txt):
                    for child, extra in _children(key[0], txt, ip):
                        parent.setdefault(child, (key, extra))
        if key[1] in ("A", "AAAA", "MX") and (f"_dmarc.{key[0]}", "TXT") in answers:
            # RFC 9989 np=: does the From domain exist? Asked once its walk found the policy
            # at a parent, so one level below that _dmarc lookup.
            parent.setdefault(key, ((f"_dmarc.{key[0]}", "TXT"), 1))
        if key[1] in ("MX", "PTR"):
            for text in texts:
                host = _norm(text.split()[-1])
                for rdtype in ("A", "AAAA"):
                    parent.setdefault((host, rdtype), (key, 1))

    memo: dict[_Key, int] = {}

    def level(key: _Key, seen: frozenset[_Key] = frozenset()) -> int:
        if key in memo:
            return memo[key]
        up = parent.get(key)
        value = 1 if up is None or up[0] in seen else level(up[0], seen | {key}) + up[1]
        memo[key] = value
        return value

    return max((level(k) for k in answers), default=0)


def observed_rounds(arrivals: Iterable[float], delay: float) -> int:
    """How many sequential round trips the proxy saw: queries arriving within 60% of one delay
    of the first query of a burst belong to the same round."""
    rounds = 0
    start: float | None = None
    for t in sorted(arrivals):
        if start is None or t - start > 0.6 * delay:
            rounds += 1
            start = t
    return rounds
