"""Finding titles that end in advice to the sending side ("add include:X", "route outbound
through the smart host"), and that advice withdrawn where a situation puts the fix elsewhere:
a spoof must never be told to authorise the server or service that sent it."""

from __future__ import annotations

from dataclasses import replace

from headerlens.model import Finding
from headerlens.model.codes import Code

_SEPARATOR = ": "
# The findings whose title is advised(fact, advice).
ADVISING = frozenset(
    {Code.SPF_SERVICE_NOT_INCLUDED, Code.SPF_GATEWAY_BYPASSED, Code.DKIM_ONMICROSOFT_UNALIGNED}
)


def advised(fact: str, advice: str) -> str:
    """A title stating ``fact`` and then what the sending side should change (``advice`` is
    our own words, never a ": ", so the advice is always the text after the last one)."""
    return f"{fact}{_SEPARATOR}{advice}"


def withdrawn(f: Finding) -> Finding:
    """``f`` with the advice of its title left out (its fact stays)."""
    if f.code not in ADVISING or _SEPARATOR not in f.title:
        return f
    return replace(f, title=f.title.rsplit(_SEPARATOR, 1)[0] + ".")


def advice_of(f: Finding) -> str:
    """The advice its title ends in ("" when it has none)."""
    if f.code not in ADVISING or _SEPARATOR not in f.title:
        return ""
    return f.title.rsplit(_SEPARATOR, 1)[1]
