"""SPF macro expansion and target-name finishing (RFC 7208 §7.2-§7.4, §4.3, §4.8)."""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from dataclasses import dataclass

from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.model.spf import MacroToken, SpfMacro
from headerlens.parsers.spfrecord import is_toplabel

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class MacroContext:
    """The values macros expand to (§7.3), fixed for one check_host() run.

    ``ip`` is already unmapped: an IPv4-mapped IPv6 client is IPv4 (§5, item 9.2).
    """

    ip: IPAddress
    sender: str  # local-part@domain, with "postmaster" for an empty local-part (§4.3)
    local: str
    sender_domain: str
    helo: str
    receiver: str = "unknown"
    timestamp: int = 0


def client_ip(text: str) -> IPAddress | None:
    """The SMTP client address, IPv4-mapped IPv6 turned into IPv4 (§5); None when invalid."""
    try:
        addr = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


def dotted_ip(ip: IPAddress) -> str:
    """``%{i}``: dotted quad, or 32 dot-separated upper-case nibbles for IPv6 (§7.3, §7.4)."""
    if isinstance(ip, ipaddress.IPv4Address):
        return str(ip)
    return ".".join(ip.exploded.replace(":", "").upper())


def _letter_value(letter: str, ctx: MacroContext, domain: str, p_value: str) -> str:
    """The raw value of one macro letter (§7.3)."""
    values = {
        "s": ctx.sender,
        "l": ctx.local,
        "o": ctx.sender_domain,
        "d": domain,
        "i": dotted_ip(ctx.ip),
        "p": p_value,
        "v": "in-addr" if isinstance(ctx.ip, ipaddress.IPv4Address) else "ip6",
        "h": ctx.helo,
        "c": str(ctx.ip),
        "r": ctx.receiver,
        "t": str(ctx.timestamp),
    }
    return values[letter]


def _expand_one(macro: SpfMacro, ctx: MacroContext, domain: str, p_value: str) -> str:
    """Apply transformers and delimiters to one macro (§7.3)."""
    value = _letter_value(macro.letter, ctx, domain, p_value)
    parts = re.split("[" + re.escape(macro.delimiters) + "]", value)
    if macro.reverse:
        parts.reverse()
    if macro.digits is not None and macro.digits < len(parts):
        parts = parts[len(parts) - macro.digits :]
    out = ".".join(parts)
    if macro.url_escape:
        # §7.3: upper-case letters are URL-escaped; quote() keeps only RFC 3986 unreserved chars.
        out = urllib.parse.quote(out, safe="")
    return out


def needs_p(tokens: tuple[MacroToken, ...]) -> bool:
    """True when expanding ``tokens`` needs the validated client name (DNS work for %{p})."""
    return any(isinstance(t, SpfMacro) and t.letter == "p" for t in tokens)


PRIVATE_LETTERS = frozenset({"l", "s"})
"""Macro letters that put the sender's local part into a query name (§7.3)."""


def private_macros(tokens: tuple[MacroToken, ...]) -> tuple[SpfMacro, ...]:
    """The ``%{l}``/``%{s}`` macros of ``tokens`` (with any transformers, e.g. ``%{l1r-}``)."""
    return tuple(t for t in tokens if isinstance(t, SpfMacro) and t.letter in PRIVATE_LETTERS)


def local_part_defect(tokens: tuple[MacroToken, ...], name: str, domain: str) -> Defect | None:
    """A privacy note when the expanded query ``name`` carries the sender's local part.

    RFC 7208 §11.6 (privacy exposure): such lookups tell the operator of the queried DNS
    zone which sender address is being checked, and when; a per-recipient bounce address
    (VERP) makes that a read receipt. The note shows the name exactly as it is sent.
    """
    macros = private_macros(tokens)
    if not macros:
        return None
    used = ", ".join(dict.fromkeys(m.raw or f"%{{{m.letter}}}" for m in macros))
    return Defect(
        Code.SPF_MACRO_LOCAL_PART,
        f"The SPF record of {domain} uses {used}, so its lookups carry the sender's local "
        f"part; the query name is {name}.",
        Severity.WARNING,
    )


def expand(
    tokens: tuple[MacroToken, ...], ctx: MacroContext, domain: str, p_value: str = "unknown"
) -> str:
    """Expand a tokenised macro-string for the current ``domain`` (§7)."""
    return "".join(
        t if isinstance(t, str) else _expand_one(t, ctx, domain, p_value) for t in tokens
    )


def escaped(name: str) -> bool:
    """True when an expanded name holds a backslash, which a DNS library would read as a
    master-file escape (``\\DDD``, ``\\.``; RFC 1035 §5.1)."""
    return "\\" in name


def finish_target(name: str) -> str | None:
    """Make an expanded domain-spec a query name (§7.3, §4.8), or None if it cannot be one.

    Drops one trailing dot, truncates from the left to 253 characters by whole labels, and
    rejects empty or over-long (> 63) labels: such a name is treated as non-existent.

    A backslash is refused too. §4.8 makes the expansion "a series of labels separated by
    periods" and SPF has no escape syntax, but the text reaches the resolver in presentation
    form, where ``\\DDD`` and ``\\.`` are escapes: a local part or HELO (``%{l}``, ``%{h}``,
    chosen by the sender) holding ``\\000`` or ``\\046`` would put a NUL or a dot inside a
    label, a name the record's owner never wrote. RFC 7208 leaves the result of a malformed
    expanded name undefined (the RFC 7208 test suite dropped its invalid-domain-via-macro
    cases for that reason), so it gets the same treatment as any other malformed target here:
    never queried; include: and redirect= are a permerror, a/mx/ptr/exists do not match.
    """
    if escaped(name):
        return None
    if name.endswith("."):
        name = name[:-1]
    labels = name.split(".")
    while len(".".join(labels)) > 253 and len(labels) > 1:
        labels.pop(0)
    if not labels or any(not label or len(label) > 63 for label in labels):
        return None
    return ".".join(labels)


def valid_check_domain(domain: str) -> bool:
    """§4.3: a multi-label name, no empty or > 63-character label, ending in a top label."""
    name = domain[:-1] if domain.endswith(".") else domain
    if not name or len(name) > 253:
        return False
    labels = name.split(".")
    if len(labels) < 2 or any(not label or len(label) > 63 for label in labels):
        return False
    return is_toplabel(labels[-1])


__all__ = [
    "IPAddress",
    "MacroContext",
    "client_ip",
    "dotted_ip",
    "escaped",
    "expand",
    "finish_target",
    "local_part_defect",
    "needs_p",
    "private_macros",
    "valid_check_domain",
]
