"""An in-memory Resolver for the DKIM/DMARC/ARC tests: zone files or a dict, CNAMEs chased."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import dns.name
import dns.rdatatype
import dns.zone

from headerlens.model.dns import DnsRecord

REPO = Path(__file__).resolve().parents[1]
LAB = REPO / "tests" / "data" / "lab"
LAB_ZONES = LAB / "zones"


def _norm(name: str) -> str:
    return name.rstrip(".").lower()


class MemoryResolver:
    """Answers from a table of (name, rdtype) -> answers, like a recursive resolver would.

    A name with no records but with records below it is an empty non-terminal (NOERROR, no
    answers); a name with nothing at or below it is NXDOMAIN. CNAMEs are followed (up to 8)
    and listed in ``cname_chain``, which starts at the name asked. ``fail`` maps names to a
    forced rcode (SERVFAIL, TIMEOUT...). Every query is logged in ``asked``.
    """

    def __init__(
        self,
        records: Mapping[tuple[str, str], Iterable[str]],
        *,
        fail: Mapping[str, str] | None = None,
        ttl: int = 300,
    ) -> None:
        self.records = {(_norm(n), t.upper()): tuple(a) for (n, t), a in records.items()}
        self.names = {n for n, _ in self.records}
        self.fail = {_norm(k): v for k, v in (fail or {}).items()}
        self.ttl = ttl
        self.asked: list[tuple[str, str]] = []

    def _exists(self, name: str) -> bool:
        return any(n == name or n.endswith("." + name) for n in self.names)

    async def query(self, name: str, rdtype: str) -> DnsRecord:
        rdtype = rdtype.upper()
        self.asked.append((name, rdtype))
        current = _norm(name)
        chain: list[str] = []
        for _ in range(8):
            if current in self.fail:
                return DnsRecord(name, rdtype, self.fail[current], cname_chain=tuple(chain))
            answers = self.records.get((current, rdtype))
            if answers:
                return DnsRecord(
                    name, rdtype, "NOERROR", answers, tuple(chain) if chain else (), self.ttl
                )
            target = self.records.get((current, "CNAME"))
            if target and rdtype != "CNAME":
                chain = chain or [current]
                current = _norm(target[0])
                chain.append(current)
                continue
            rcode = "NOERROR" if self._exists(current) else "NXDOMAIN"
            return DnsRecord(name, rdtype, rcode, cname_chain=tuple(chain))
        return DnsRecord(name, rdtype, "SERVFAIL", cname_chain=tuple(chain), error="CNAME loop")


def records_from_zones(zone_dir: Path) -> dict[tuple[str, str], list[str]]:
    """Every TXT, CNAME, A, AAAA and MX record of the ``*.zone`` files, TXT strings joined."""
    table: dict[tuple[str, str], list[str]] = {}
    for path in sorted(zone_dir.glob("*.zone")):
        origin = dns.name.from_text(path.name.removesuffix(".zone"))
        zone = dns.zone.from_file(str(path), origin=origin, relativize=False)
        for owner, rdataset in zone.iterate_rdatasets():
            rdtype = dns.rdatatype.to_text(rdataset.rdtype)
            if rdtype not in ("TXT", "CNAME", "A", "AAAA", "MX"):
                continue
            key = (_norm(owner.to_text()), rdtype)
            for rdata in rdataset:
                if rdtype == "TXT":
                    text = b"".join(rdata.strings).decode("utf-8", "surrogateescape")
                else:
                    text = rdata.to_text()
                table.setdefault(key, []).append(text)
    return table


def lab_resolver() -> MemoryResolver:
    """The lab zones as a recursive resolver would serve them."""
    return MemoryResolver(records_from_zones(LAB_ZONES))
