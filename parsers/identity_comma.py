"""A From whose display name is cut off from its address by a comma ("Name, <addr>")."""

from __future__ import annotations

from collections.abc import Sequence
from email.headerregistry import Address

from headerlens.model.core import Defect, Severity


def comma_display(value: str, shown: Sequence[Address]) -> tuple[Address, tuple[str, ...]] | None:
    """The single mailbox and the display text before it when ``value`` is a display name, a
    comma, then one bracketed address: ``Bon d'achat, <info@example.fr>`` or
    ``"ceo@bank.example", <x@example.net>``. RFC 5322 reads the comma as a list separator, so
    the parser returns the name as an address with no domain; it names no mailbox (an
    addr-spec needs a domain, §3.4.1), and receivers take the bracketed address as the author
    (Exchange Online's header.from in real copies). None for any other shape: a real list of
    two mailboxes stays a list."""
    if len(shown) < 2 or not value.rstrip().endswith(">"):
        return None
    *names, last = shown
    if not last.domain or any(a.domain for a in names):
        return None
    if f"<{last.addr_spec}>".lower() not in "".join(value.split()).lower():
        return None
    return last, tuple(a.username or a.addr_spec for a in names)


def comma_defect(value: str, address: str) -> Defect:
    """The finding for :func:`comma_display`'s shape."""
    from headerlens.model.codes import Code

    shown = value if len(value) <= 80 else value[:80] + "…"
    return Defect(
        Code.IDENTITY_FROM_SYNTAX,
        f"The From field {shown!r} puts a comma between the display name and the address, which "
        f"is not RFC 5322 syntax: the text before the comma is a name, not a mailbox, and "
        f"receivers take {address} as the author.",
        Severity.WARNING,
    )
