"""Addresses masked or replaced by a placeholder in a pasted header: "10.192.xx.xx", "[IP removed]".

People who paste headers into tickets, forums and blog posts hide addresses by hand
("10.192.xx.xx", "192.168.x.x", "172.16.*.*", "xxx.xxx.xxx.xxx", "2001:db8:xxxx::1", "[IP
removed]", "[REDACTED]", "a.b.c.d") or put in a placeholder (0.0.0.0, 1.2.3.4). Such text is
never a connecting address to check SPF or a blocklist against. What the unmasked part still
proves is kept: every completion of "10.192.xx.xx" is private (RFC 1918), so the hop is as
internal as one naming a private address; a fully masked address or a placeholder is unknown,
neither internal nor external.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from headerlens.model.received import Received
from headerlens.parsers.ip_ranges import NON_PUBLIC_RANGES

__all__ = [
    "PLACEHOLDERS",
    "client_text",
    "masked_address",
    "masked_in_comment",
    "masked_private",
    "masked_range",
]

# Valid addresses no receiver writes for a real client: what fixtures and pasters put in.
# 0.0.0.0 is "this host" (RFC 1122 §3.2.1.3), never a source on the wire; 255.255.255.255 is
# the limited broadcast; 1.2.3.4 and 123.123.123.123 are the stock "any address" of examples.
PLACEHOLDERS = frozenset({"0.0.0.0", "255.255.255.255", "1.2.3.4", "123.123.123.123", "::"})

# One masked IPv4 octet: x, xx, xxx, X, *, ***, #, ?, or one letter of "a.b.c.d" / "w.x.y.z".
_MASK_OCTET = r"(?:[xX]{1,3}|\*{1,3}|#{1,3}|\?{1,3}|_{1,3}|[a-zA-Z])"
_OCTET = rf"(?:\d{{1,3}}|{_MASK_OCTET})"
_MASKED_V4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
# IPv6 with hidden groups ("2001:db8:xxxx:xxxx::1", "fe80::xxxx"): hex groups and x-runs.
_V6_GROUP = r"(?:[0-9a-fA-F]{1,4}|[xX*]{1,4})"
_MASKED_V6 = re.compile(rf"(?:{_V6_GROUP}?:){{2,7}}{_V6_GROUP}?")
# Words a paster writes instead of the address: "[IP removed]", "[REDACTED]", "(hidden)".
_MASK_WORD = re.compile(
    r"(?i)(?:(?:ip(?:v[46])?|client|sender|my|the)[\s_-]*(?:address|addr|ip)?[\s_-]*)?"
    r"(?:removed|redacted|hidden|masked|deleted|snipped|snip|obfuscated|omitted|censored|"
    r"anonymi[sz]ed|withheld|elided|scrubbed|sanitized|sanitised)"
    r"|(?:ip|ip[\s_-]?address|ipaddr|ipv[46](?:[\s_-]?address)?|redacted[\s_-]ip)"
)


@lru_cache(maxsize=1024)
def masked_address(text: str) -> str | None:
    """The address as written when ``text`` (brackets and "IPv6:" allowed) is a masked address
    or a placeholder, else None. A plain valid address other than a placeholder is not masked."""
    t = text.strip().strip("[]()<>").strip()
    if t.lower().startswith("ipv6:"):
        t = t[5:]
    if not t or len(t) > 64:
        return None
    if t in PLACEHOLDERS:
        return t
    if _MASKED_V4.fullmatch(t):
        parts = t.split(".")
        masked = [not p.isdigit() for p in parts]
        # every octet written out but one above 255 ("111.222.333.444", "999.999.999.999"):
        # no address at all, a stand-in someone typed
        return t if any(masked) or any(int(p) > 255 for p in parts) else None
    if ":" in t and _MASKED_V6.fullmatch(t) and re.search(r"[xX*]", t):
        return t if _v6_with_zeros(t) is not None else None
    if _MASK_WORD.fullmatch(t):
        return t
    return None


def _v6_with_zeros(t: str) -> ipaddress.IPv6Address | None:
    try:
        return ipaddress.IPv6Address(re.sub(r"[xX*]{1,4}", "0", t))
    except ValueError:
        return None


@lru_cache(maxsize=1024)
def masked_range(masked: str) -> str | None:
    """The non-public range every completion of a masked address falls in ("private (RFC
    1918)", "loopback"...), or None when the visible part proves none (a fully masked address,
    a placeholder, a masked public prefix such as "220.130.xx.xx")."""
    if masked in PLACEHOLDERS:
        return None
    net = _known_prefix(masked)
    if net is None:
        return None
    for private, label in NON_PUBLIC_RANGES:
        if net.version == private.version and net.subnet_of(private):  # type: ignore[arg-type]
            return label
    return None


def _known_prefix(masked: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """The network the visible leading part of a masked address names (10.192.xx.xx: 10.192/16)."""
    if ":" in masked:
        # Groups before the first masked or "::"-compressed one sit at fixed positions.
        groups = masked.split(":")
        addr = _v6_with_zeros(masked)
        known = _first_masked(groups, r"[0-9a-fA-F]{1,4}")
        if addr is None or known == 0:
            return None
        return ipaddress.IPv6Network(f"{addr}/{16 * known}", strict=False)
    parts = masked.split(".")
    known = _first_masked(parts, r"\d{1,3}")
    if known == 0 or any(int(p) > 255 for p in parts[:known]):
        return None
    octets = [*parts[:known], *["0"] * (4 - known)]
    return ipaddress.IPv4Network(f"{'.'.join(octets)}/{8 * known}", strict=False)


def _first_masked(parts: list[str], plain: str) -> int:
    """How many leading parts are written out (match ``plain``) before the first hidden one."""
    return next((i for i, p in enumerate(parts) if not re.fullmatch(plain, p)), len(parts))


_BRACKETED = re.compile(r"\[([^\]]+)\]")


def masked_in_comment(text: str) -> str | None:
    """A masked client address in a receiver's comment: "[10.192.xx.xx]", "(IP removed)", or
    the whole comment ("10.192.xx.xx", Exchange's form); None when there is none."""
    # Searching only up to the last "]" keeps a run of "[" without one linear.
    for lit in _BRACKETED.findall(text, 0, text.rfind("]") + 1):
        if masked := masked_address(lit):
            return masked
    return masked_address(text)


def client_text(r: Received) -> str | None:
    """The client address of a line as shown: the IP, else the masked text as written."""
    return r.from_ip or r.from_ip_masked


def masked_private(r: Received) -> str | None:
    """The range a line's masked client address is proven to be in (None when the address is
    not masked, or masked beyond telling)."""
    return masked_range(r.from_ip_masked) if r.from_ip is None and r.from_ip_masked else None
