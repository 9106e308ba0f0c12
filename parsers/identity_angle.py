"""A From whose display name is an unquoted address: ``a@lure.example <b@sender.example>``."""

from __future__ import annotations

import re

from headerlens.model.core import Defect

# One name-addr (RFC 5322 §3.4): the text before a single "<addr-spec>" that ends the field. The
# display text holds an "@" with no quote, comment or bracket around it; "@" is a special
# (§3.2.3), so it is no phrase: the strict parser then takes that text as the address and drops
# the bracketed one. The bracketed addr-spec is the only one the name-addr form delimits: it is
# the mailbox (what the reply goes to, what a receiver's DMARC reads as the author).
_UNQUOTED = re.compile(r'^\s*([^"<>()\\,;:]*@[^"<>()\\,;:]*?)\s*<\s*([^<>@\s]+@[^<>\s]+?)\s*>\s*$')


def unquoted_address_name(value: str) -> tuple[str, str] | None:
    """(the display text, the bracketed address) when ``value`` is that shape, else None."""
    m = _UNQUOTED.match(value)
    if m is None or not m.group(1).strip():
        return None
    return m.group(1).strip(), m.group(2)


def quoted(name: str, address: str) -> str:
    """The same field with its display text quoted, as RFC 5322 §3.2.4 requires."""
    return f'"{name}" <{address}>'


def unquoted_defect(name: str, address: str) -> Defect:
    """The syntax note: the display text is read as a name, the bracketed address as the From."""
    from headerlens.model.codes import Code

    return Defect(
        Code.IDENTITY_FROM_SYNTAX,
        f"The From field's display name {name!r} is an address written without quotes (RFC "
        "5322 §3.2.3: '@' is not allowed in an unquoted name): it is read as the name, and the "
        f"bracketed {address!r} as the From address, the mailbox replies go to and DMARC "
        "checks. A parser that takes the first address it sees reads the wrong author.",
    )
