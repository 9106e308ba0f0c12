"""The client name an authenticated submission announced, weighed as a sign of a taken-over
account (facts only): a workstation's default name, a loopback name or a bare address from a
public address, the bare From domain from an address without reverse DNS."""

from __future__ import annotations

import re

from headerlens.diagnosis.inputs import first
from headerlens.model import Analysis, Hop
from headerlens.parsers.hops import is_internal_ip
from headerlens.parsers.received_syntax import normalize_ip

__all__ = ["desktop_mailer", "helo_sign", "public_ip"]

_ODD_HELO = re.compile(
    r"^(?:user|admin|administrator|pc|user-pc|desktop-\w+|win-\w+|laptop-\w+|computer_\d+)$", re.I
)
# A desktop mail program that runs on the user's own PC (and announces the PC's Windows name):
# Outlook 2003 and later (with the Thread-Index it always writes), Thunderbird, eM Client. Not
# Outlook Express 6 (discontinued in 2006; the mailer spam kits still put in X-Mailer).
_DESKTOP_MAILER = re.compile(
    r"^(?:microsoft (?:office )?outlook \d{2}\.|.*\bthunderbird/\d|em client\b)", re.I
)
_SERVER_DEFAULT = re.compile(r"^win-", re.I)  # Windows Server's default name: a VPS, not a PC
_LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "localhost.localdomain"})


def public_ip(ip: str | None) -> bool:
    """A routable address (not private, loopback, or not an address at all)."""
    n = normalize_ip(ip)
    return n is not None and not is_internal_ip(n)


def desktop_mailer(analysis: Analysis) -> str | None:
    """The desktop mail program that wrote the message, by its X-Mailer or User-Agent (Outlook
    only with its Thread-Index)."""
    for name in ("x-mailer", "user-agent"):
        value = (first(analysis, name) or "").strip()
        if not _DESKTOP_MAILER.match(value):
            continue
        if value.lower().startswith("microsoft") and first(analysis, "thread-index") is None:
            continue
        return value[:40]
    return None


def helo_sign(analysis: Analysis, hop: Hop) -> tuple[str, bool] | None:
    """A client name that no real user's mail program announces at an authenticated submission,
    and whether it is a strong sign: a workstation's default name (strong, weak when a desktop
    mail program wrote the message: it announces the PC's own name, "admin" or DESKTOP-… on
    many home PCs; Windows Server's WIN-… stays strong), a loopback name from
    a public address or the bare From domain from an address without reverse DNS (what
    bulk-sending tools put there; weak: some phone apps announce '[127.0.0.1]')."""
    r = hop.received
    helo = (r.from_helo or "").strip("[]").lower()
    if not helo or not r.by:
        return None
    if _ODD_HELO.match(helo):
        said = f"hop {hop.number}: a client announcing itself as '{r.from_helo}' gave the message to {r.by}"
        mailer = None if _SERVER_DEFAULT.match(helo) else desktop_mailer(analysis)
        if mailer is not None:
            return f"{said} (a PC's own name, beside the desktop mailer {mailer})", False
        return said, True
    if helo in _LOOPBACK_NAMES and public_ip(r.from_ip):
        return (
            f"hop {hop.number}: a client at the public address {r.from_ip} announced itself as '{r.from_helo}' (a loopback name)",
            False,
        )
    literal = normalize_ip(helo)
    bare = literal is not None and not (r.from_helo or "").startswith("[")
    # RFC 5321 §4.1.3 wants an address literal in [brackets]: a bare one not even the client's
    # own is what bulk tools announce
    if bare and public_ip(r.from_ip) and literal != normalize_ip(r.from_ip):
        return (
            f"hop {hop.number}: a client at {r.from_ip} announced itself by a bare address "
            f"'{r.from_helo}' that is not even its own",
            False,
        )
    dom = analysis.from_addr.domain if analysis.from_addr else None
    no_rdns = not r.from_rdns or r.from_rdns.lower() == "unknown"
    if dom and helo == dom.lower() and no_rdns and public_ip(r.from_ip):
        return (
            f"hop {hop.number}: a client with no reverse DNS ({r.from_ip}) announced itself as the bare domain '{r.from_helo}'",
            False,
        )
    return None
