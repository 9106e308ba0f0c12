"""In-memory DNS for the SPF tests: RFC 7208 suite zonedata and the lab's zone files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from headerlens.evaluators.spf import DnsQuestion
from headerlens.model.dns import DnsRecord

TIMEOUT = ("TIMEOUT", "")


class FakeZone:
    """Names mapped to ordered (rdtype, presentation value) entries; TIMEOUT entries too.

    Follows the RFC 7208 suite driver's rules: a TIMEOUT entry answers TIMEOUT unless a record
    of the asked type came before it; a missing name is NXDOMAIN; CNAMEs are chased.
    ``asked`` lists every question answered, in order.
    """

    def __init__(self, data: Mapping[str, list[tuple[str, str]]]) -> None:
        self.data = {k.lower().rstrip("."): v for k, v in data.items()}
        self.asked: list[tuple[str, str]] = []

    def lookup(self, name: str, rdtype: str, chain: tuple[str, ...] = ()) -> DnsRecord:
        key = name.lower().rstrip(".")
        entries = self.data.get(key)
        if entries is None:
            return DnsRecord(name, rdtype, "NXDOMAIN", cname_chain=chain)
        found: list[str] = []
        for entry in entries:
            if entry == TIMEOUT:
                if not found:
                    return DnsRecord(name, rdtype, "TIMEOUT", cname_chain=chain)
                break
            etype, value = entry
            if etype == rdtype:
                found.append(value)
            elif etype == "CNAME" and rdtype != "CNAME" and not found:
                if key in chain or len(chain) > 8:
                    return DnsRecord(name, rdtype, "SERVFAIL", cname_chain=chain, error="loop")
                return self.lookup(value, rdtype, (*chain, key))
        return DnsRecord(name, rdtype, "NOERROR", tuple(found), cname_chain=chain, ttl=300)

    def answer(self, question: DnsQuestion) -> DnsRecord:
        self.asked.append((question.name, question.rdtype))
        return self.lookup(question.name, question.rdtype)

    async def query(self, name: str, rdtype: str) -> DnsRecord:
        """The checks.spf.Resolver protocol."""
        self.asked.append((name, rdtype))
        return self.lookup(name, rdtype)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return str(value)


def zone_from_suite(zonedata: Mapping[str, list[Any]]) -> FakeZone:
    """Build a zone from a suite document's ``zonedata``.

    Type SPF records are copied to TXT (appended last) unless the name lists any TXT entry,
    as the suite's own driver does; ``TXT: NONE`` only marks that TXT is present.
    """
    data: dict[str, list[tuple[str, str]]] = {}
    for name, records in zonedata.items():
        entries: list[tuple[str, str]] = []
        has_txt = any(isinstance(r, dict) and "TXT" in r for r in records)
        spf: list[tuple[str, str]] = []
        for record in records:
            if record == "TIMEOUT":
                entries.append(TIMEOUT)
                continue
            for rtype, value in record.items():
                if rtype == "SPF":
                    if not has_txt:
                        spf.append(("TXT", _text(value)))
                elif rtype == "TXT":
                    if value != "NONE":
                        entries.append(("TXT", _text(value)))
                elif rtype == "MX":
                    pref, host = value
                    entries.append(("MX", f"{pref} {host or '.'}"))
                else:
                    entries.append((rtype, str(value)))
        data[name] = entries + spf
    return FakeZone(data)


def zone_from_files(paths: Iterable[Path]) -> FakeZone:
    """Build a zone from RFC 1035 zone files (the lab's), read with dnspython."""
    import dns.rdatatype
    import dns.zone

    data: dict[str, list[tuple[str, str]]] = {}
    for path in paths:
        origin = path.name.removesuffix(".zone")
        zone = dns.zone.from_file(str(path), origin=origin, relativize=False)
        for name, node in zone.nodes.items():
            owner = name.to_text().rstrip(".")
            for rdataset in node.rdatasets:
                rtype = dns.rdatatype.to_text(rdataset.rdtype)
                for rdata in rdataset:
                    if rtype == "TXT":
                        value = b"".join(rdata.strings).decode("utf-8", "replace")
                    else:
                        value = rdata.to_text().rstrip(".") if rtype != "MX" else rdata.to_text()
                    data.setdefault(owner, []).append((rtype, value))
    return FakeZone(data)
