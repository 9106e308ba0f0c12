"""Yahoo Mail's (and AOL's) mailbox tier restating its inbound MTA's client (pure).

Yahoo and AOL deliveries of 2020 (deltachat's yahoo_ndn and aol_ndn test messages, the
TryHackMe "Greenholt Phish" copy of a Yahoo-received phish) show one layout:

    X-Atlas-Received: from 10.218.250.153 by atlas222.free.mail.ne1.yahoo.com with http; …
    Return-Path: <>
    Received: from 77.238.177.145 (EHLO sonic314-19.consmr.mail.ir2.yahoo.com)
     by atlas222.free.mail.ne1.yahoo.com with SMTPs; …
    X-Originating-Ip / Received-SPF / Authentication-Results: atlas222… / X-Apparently-To /
    X-YMailISG / X-Originating-IP
    Received: from 10.217.135.165 (EHLO sonic314-19.consmr.mail.ir2.yahoo.com) (77.238.177.145)
      by mta4277.mail.ne1.yahoo.com with SMTPS; …

The atlas host took the message over HTTP from Yahoo's own inbound MTA (its X-Atlas-Received,
at the very top, names a private address), and its "SMTP" line repeats the client that MTA
accepted. The MTA's line is where the message entered Yahoo; everything between the two lines
(Yahoo's Authentication-Results and Received-SPF among them) sits above it and is Yahoo's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from headerlens.model.core import HeaderField
from headerlens.model.received import Hop
from headerlens.parsers.hops import is_internal_ip

__all__ = ["atlas_restatement"]

_YAHOO_HOST = re.compile(r"\.(?:yahoo|aol)\.com$", re.IGNORECASE)
_ATLAS = re.compile(r"^atlas[\w.-]*\.(?:yahoo|aol)\.com$", re.IGNORECASE)
_X_ATLAS = re.compile(
    r"^\s*from\s+(?P<ip>[0-9a-f.:]+)\s+by\s+(?P<by>\S+)\s+with\s+https?\b", re.IGNORECASE
)


def _host(name: str | None) -> str:
    return (name or "").lower().rstrip(".")


def atlas_restatement(hops: Sequence[Hop], headers: Sequence[HeaderField]) -> str | None:
    """Why ``hops``' newest line is Yahoo's mailbox tier restating the line below it, or None.

    Only when all three are there: the newest line written by an atlas host over SMTP, an
    X-Atlas-Received above it in which that same host says it took the message over HTTP from
    a private address, and the line right below written by a Yahoo/AOL host that names the same
    client address. The sender can write none of the first two (both are above the receiver's
    newest line), and the third is the line Yahoo's MTA prepends before the atlas host's."""
    if len(hops) < 2:
        return None
    top, below = hops[-1], hops[-2]
    r, o = top.received, below.received
    by = _host(r.by)
    if not _ATLAS.match(by) or not (r.with_protocol or "").upper().startswith("SMTP"):
        return None
    if not r.from_ip or r.from_ip != o.from_ip or not _YAHOO_HOST.search(_host(o.by)):
        return None
    for h in headers:
        if h.index >= top.header_index:
            return None
        m = _X_ATLAS.match(h.value) if h.lname == "x-atlas-received" else None
        if m and _host(m["by"]) == by and is_internal_ip(m["ip"]):
            return (
                f"{by} is Yahoo's mailbox tier: its X-Atlas-Received shows it took the message "
                f"over HTTP from Yahoo's own MTA ({m['ip']}), and its line repeats the client "
                f"{r.from_ip} that {_host(o.by)} accepted (the line below)"
            )
    return None
