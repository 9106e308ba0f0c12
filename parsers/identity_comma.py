"""A From cut in two by a stray comma: "Name, <addr>", or a comma inside "<addr,tail>"."""

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


def comma_inside(value: str, shown: Sequence[Address]) -> Address | None:
    """The mailbox when the only bracketed address holds a comma (``<x@shop123,com>``): the
    parser splits it into the address up to the comma and a domain-less tail, which names no
    second author; receivers cut it there too (Exchange Online: header.from=shop123)."""
    if len(shown) < 2 or value.count("<") != 1 or value.count(">") != 1:
        return None
    first, *rest = shown
    inner = value[value.index("<") + 1 : value.index(">")]
    if not first.domain or any(a.domain for a in rest) or "," not in inner:
        return None
    return first if inner.lower().startswith(first.addr_spec.lower()) else None


def comma_defect(value: str, address: str, inside: bool = False) -> Defect:
    """The finding for :func:`comma_display`'s (or, ``inside``, :func:`comma_inside`'s) shape."""
    from headerlens.model.codes import Code

    shown = value if len(value) <= 80 else value[:80] + "…"
    what = (
        "has a comma inside its address, which is not a valid address: the text after the comma "
        "is no second author"
        if inside
        else "puts a comma between the display name and the address, which is not RFC 5322 "
        "syntax: the text before the comma is a name, not a mailbox"
    )
    return Defect(
        Code.IDENTITY_FROM_SYNTAX,
        f"The From field {shown!r} {what}, and receivers take {address} as the author.",
        Severity.WARNING,
    )
