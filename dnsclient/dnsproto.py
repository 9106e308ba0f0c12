"""The one DNS interface every check codes against; LiveResolver, OfflineResolver and SnapshotResolver implement it."""

from __future__ import annotations

from typing import Protocol

from headerlens.model.dns import DnsRecord


class Resolver(Protocol):
    """Anything that answers one DNS question asynchronously and records every answer as evidence.

    The evaluators (SPF, DKIM, DMARC, ARC, the domain check) only call ``query``; the
    orchestration reads ``log`` into each Verification and the console calls ``clear_cache``.
    """

    async def query(self, name: str, rdtype: str) -> DnsRecord:
        """Look ``name`` up for ``rdtype``; never raises for DNS failures (they are the record's
        rcode); TXT answers come back with their strings joined."""
        ...

    @property
    def log(self) -> tuple[DnsRecord, ...]:
        """Every query made so far, in the order the answers came back."""
        ...

    def clear_cache(self) -> None:
        """Forget cached answers, so the next queries ask again."""
        ...
