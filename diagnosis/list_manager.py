"""A list re-send by a list manager that writes no List-* field (pure): Majordomo, LISTSERV, Lyris.

Before RFC 2369 (1998) and RFC 2919 (2001) a list manager marked its re-send only by the list's
administrative address: Majordomo's ``resend`` writes ``Sender: owner-NAME@host`` and
``Precedence: bulk`` and uses owner-NAME as the envelope sender; LISTSERV writes the list itself
as ``Sender: "Description" <NAME@LISTSERV.host>`` with ``owner-NAME`` as the envelope; Mailman 1
and Sympa name ``NAME-admin`` / ``NAME-owner`` in Errors-To; Lyris uses ``bounce-NAME-<id>@``.
A post carries that address together with the list's own posting address NAME@ (the To or Cc the
author wrote) and a sign that a list server handled it (Precedence: bulk or list, or the list
expansion line such a server writes). All of that is the message's own text, which a sender can
write too: it names the list the way a List-Id does, and, like a List-Id, it only counts as the
list's delivery where the final receiver's own line ties the list's server (list_delivery).
"""

from __future__ import annotations

import re

from headerlens.diagnosis.inputs import envelope, fields, first, same_org
from headerlens.model import Analysis

__all__ = ["old_list", "posting_address"]

# the address of a list's administrator or bounce handler, and the list name it belongs to
_ADMIN = re.compile(
    r"^(?:owner-(?P<a>[\w.+-]+)|(?P<b>[\w.+-]+?)-(?:owner|request|admin|bounces|errors)"
    r"|bounce-(?P<c>[\w.+-]+?)-\d+)$"
)
_ADDR = re.compile(r"(?<![\w.+=-])([\w.+=-]+)@([\w-]+(?:\.[\w-]+)+)")
# Received lines a list server writes when it expands a post for its members: Majordomo's
# "(from majordomo@localhost) ... for NAME-outgoing", vger's "via listexpand", LISTSERV's
# "(LISTSERV-TCP/IP release ...) with spool id"
_EXPANSION = re.compile(
    r"\bfrom majordomo@|\bvia listexpand\b|\bLISTSERV-TCP/IP\b|\bwith spool id\b|-outgoing\s*;",
    re.IGNORECASE,
)


# ezmlm's and Yahoo Groups' "Mailing-List: list NAME@host; contact NAME-owner@host" or
# "Mailing-List: contact NAME-help@host; run by ezmlm"
_MAILING_LIST = re.compile(
    r"\blist\s+([\w.+=-]+@[\w-]+(?:\.[\w-]+)+)|\bcontact\s+([\w.+=-]+?)-help@([\w-]+(?:\.[\w-]+)+)",
    re.IGNORECASE,
)


def posting_address(analysis: Analysis) -> str | None:
    """The list's posting address, for a list manager that names its list but writes no List-Id
    (ezmlm and Yahoo Groups' Mailing-List, Mailman 2.0's X-BeenThere, X-Mailing-List): the
    list is then known by that address, as list_identifier reads it. None when none names one."""
    for f in fields(analysis, "mailing-list"):
        if m := _MAILING_LIST.search(f.value):
            return (m.group(1) or f"{m.group(2)}@{m.group(3)}").lower()
    for f in fields(analysis, "x-beenthere", "x-mailing-list"):
        if found := _addresses(f.value):
            return "@".join(found[0])
    return None


def _addresses(value: str | None) -> list[tuple[str, str]]:
    return [(m.group(1).lower(), m.group(2).lower()) for m in _ADDR.finditer(value or "")]


def _handled(analysis: Analysis) -> str | None:
    prec = (first(analysis, "precedence") or "").strip().lower()
    if prec in ("bulk", "list"):
        return f"Precedence: {prec}"
    for hop in analysis.chain.hops:
        raw = " ".join(hop.received.raw.split())
        if _EXPANSION.search(raw):
            return f"a list server's expansion line (hop {hop.number}): {raw[:70]}"
    return None


def old_list(analysis: Analysis) -> tuple[str, list[str]] | None:
    """(the list's posting address, evidence) when the message names a list only by its
    administrative address: Sender, Errors-To or the envelope sender is NAME's owner, request,
    admin or bounce address (or, LISTSERV's way, the list NAME@ itself as Sender beside another
    author in From), the author addressed NAME@ in the same organisation (To or Cc), and a list
    server handled it (Precedence: bulk or list, or its expansion line). None otherwise."""
    posted = _addresses(" ".join(f.value for f in fields(analysis, "to", "cc")))
    authors = _addresses(first(analysis, "from"))
    handled = _handled(analysis)
    if not posted or handled is None:
        return None
    named = [
        ("Sender", first(analysis, "sender")),
        ("Errors-To", first(analysis, "errors-to")),
        ("envelope sender", envelope(analysis)),
    ]
    for label, value in named:
        for local, dom in _addresses(value):
            m = _ADMIN.match(local)
            name = (m.group("a") or m.group("b") or m.group("c")) if m else None
            if name is None and label == "Sender" and (local, dom) not in authors:
                name = local  # LISTSERV: the list itself is the Sender
            if not name:
                continue
            post = next((f"{n}@{d}" for n, d in posted if n == name and same_org(d, dom)), None)
            if post is None:
                continue
            what = (
                "the list's own address"
                if name == local
                else f"the administrative address of the list {post}"
            )
            return post, [f"{label} {local}@{dom}: {what}", f"addressed to {post}", handled]
    return None
