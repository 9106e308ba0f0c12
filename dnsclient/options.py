"""How the user asked us to resolve: live (system or --resolver), --offline, or a snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from headerlens import budgets

if TYPE_CHECKING:  # imported where used: the console builds options before its first frame
    from headerlens.dnsclient.dnsproto import Resolver
    from headerlens.model.verification import VerifyMode


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    """Resolver settings from the command line; ``make_resolver`` turns them into a Resolver."""

    offline: bool = False
    nameservers: tuple[tuple[str, int], ...] = ()  # empty = system resolver
    snapshot: Path | None = None  # --dns-snapshot: replay instead of the network
    save_dns: Path | None = None  # --save-dns: write every query made
    timeout: float = float(budgets.DNS_QUERY_TIMEOUT.limit)
    deadline: float = float(budgets.DNS_DEADLINE.limit)

    @property
    def mode(self) -> VerifyMode:
        """Where answers come from."""
        from headerlens.model.verification import VerifyMode

        if self.offline:
            return VerifyMode.OFFLINE
        if self.snapshot is not None:
            return VerifyMode.SNAPSHOT
        return VerifyMode.LIVE


def make_resolver(options: VerifyOptions) -> tuple[Resolver, str]:
    """A fresh resolver for one analysis and a label naming it for the report.

    Raises SnapshotError (a ValueError) when the snapshot file can't be read.
    """
    from headerlens.dnsclient.resolver import LiveResolver, OfflineResolver, format_server
    from headerlens.dnsclient.snapshot import SnapshotResolver

    if options.offline:
        return OfflineResolver(), "offline"
    if options.snapshot is not None:
        # the file name only: the label goes into reports and tickets, a user's folders do not
        return SnapshotResolver(options.snapshot), f"snapshot {options.snapshot.name}"
    servers = options.nameservers or None
    label = (
        ", ".join(format_server(h, p) for h, p in options.nameservers)
        if options.nameservers
        else "system resolver"
    )
    resolver = LiveResolver(servers, timeout=options.timeout, deadline=options.deadline)
    return resolver, label
