"""The DNS interface the DKIM, DMARC and ARC checks code against (matches dnsclient/resolver.py)."""

from __future__ import annotations

from typing import Protocol

from headerlens.model.dns import DnsRecord


class Resolver(Protocol):
    """Anything that answers one DNS question asynchronously and records it as evidence."""

    async def query(self, name: str, rdtype: str) -> DnsRecord:
        """Look up ``name``/``rdtype``; TXT answers come back with their strings joined."""
        ...
