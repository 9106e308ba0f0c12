"""A bounce's own trace: the receiving host's content-filter loop above the line it came in on.

Postfix hands every message to amavisd-new (or another filter) on 127.0.0.1 and takes it back:
two lines above the entry line, both written by the receiving host and its filter. The
red-team rule marks a boundary resting on a loopback line as unconfirmed (a proxy in front of
the MX would look the same). For a bounce whose receiver trusted nothing through that boundary
(it stamped no verdict) the warning has nothing to protect and its fix does not apply. On any
other message the same loop is the usual internal hand-off, so the unconfirmed finding is
information, not a warning; SPF and DMARC replayed at the entry stay unconfirmed either way.
"""

from __future__ import annotations

import ipaddress
import re

from headerlens.diagnosis.inputs import boundary_hop, same_org
from headerlens.model import Analysis
from headerlens.model.received import Hop
from headerlens.parsers.hops import is_internal_ip
from headerlens.parsers.received_syntax import normalize_ip
from headerlens.stamped import final_receiver_results

_FILTER = re.compile(r"amavis|spamassassin|clamsmtp|mailscanner|dspam|spampd|spamd", re.I)


def _loopback(hop: Hop) -> bool:
    ip = normalize_ip(hop.received.from_ip)
    try:
        return ip is not None and ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def _host(name: str | None, host: str) -> bool:
    """``name`` is the receiving host itself (its name or organisation) or a bare local name."""
    bare = (name or "").strip("[]. ").lower()
    return bare in ("localhost", "localhost.localdomain") or same_org(bare, host)


def filter_loop(analysis: Analysis) -> bool:
    """The lines above the boundary's entry line are only its receiving host's own
    content-filter loop on loopback: each written by that host or its filter (by its name, its
    organisation's or localhost) with a loopback client, one of them naming the filter, and
    at most that host's own LMTP delivery to its store."""
    entry = boundary_hop(analysis)
    if entry is None or not entry.received.by:
        return False
    host = entry.received.by
    above = [h for h in analysis.chain.hops if h.number > entry.number]
    if not above or not any(_FILTER.search(h.received.raw) for h in above):
        return False
    for h in above:
        r = h.received
        if _lmtp_store(h, host):
            continue
        if not _loopback(h) or not (_host(r.by, host) or _host(r.from_helo, host)):
            return False
    return True


def _lmtp_store(hop: Hop, host: str) -> bool:
    """The receiving host's own LMTP delivery to its mailbox store after the loop (Zimbra's
    "from <host> (LHLO <host>) (172.21.29.9) by <host> with LMTP"): written by that host, for a
    client on a private address that named that host."""
    r = hop.received
    return (
        (r.with_protocol or "").upper().startswith("LMTP")
        and is_internal_ip(r.from_ip)
        and _host(r.by, host)
        and _host(r.from_helo or r.from_rdns, host)
    )


def own_filter_loop(analysis: Analysis) -> bool:
    """A bounce whose lines above its entry line are only its receiving host's own content-filter
    loop (``filter_loop``), and whose receiver stamped no verdict that would rest on the entry
    line."""
    if analysis.ndr is None or not filter_loop(analysis):
        return False
    return not final_receiver_results(analysis)
