"""Yandex Mail's MX front and the Authentication-Results it writes under its own line (pure).

Yandex's MX front (nwsmtp, ``by mail-nwsmtp-mxfront-production-main-80.iva.yp-c.yandex.net
(mxfront)``, older ``mxfrontNN.mail.yandex.net``) writes one block directly under its Received
line on every message it accepts, before anything that came with the message:

    X-Yandex-Fwd: 1
    Authentication-Results: mail-nwsmtp-mxfront-…yandex.net; spf=pass (mail-nwsmtp-mxfront-…:
     domain of gmail.com designates 2a00:1450:4864:20::32b as permitted sender, …)
     smtp.mail=…; dkim=pass header.i=@gmail.com
    X-Yandex-Spam: 1

(Yandex 360 deliveries of 2026 quoted in a public repository, every copy read.) The
authserv-id is the front's own host name, the one its Received line names as ``by``. The front
does not always write the Authentication-Results (a 2024 phishing test from a host with no SPF
record and no signature got only ``X-Yandex-Fwd: 1`` and ``X-Yandex-Spam: 4``), but every copy
read has its X-Yandex-Spam verdict, which closes its block. A sender can plant a field of the
same text at the top of its own header, but that field then comes after the front's block:
after the front's own Authentication-Results (a second one, provenance_appliance.repeated_stamps)
or, where the front wrote none, after its X-Yandex-Spam. So the first Authentication-Results of
the block, naming the front host itself, before the block's first X-Yandex-Spam, is the front's
(as Gmail's block before it sealed with ARC: provenance_google, written there first and once).

Yandex Mail's MX (nwsmtp, "mxfront/Yandex") writes X-Yandex-Spam in the block directly under
its own Received line, beside X-Yandex-Front, X-Yandex-TimeMark and its Authentication-Results:
"1" for mail it accepts as clean, "4" for spam (its open-sourced nwsmtp appends "X-Yandex-Spam:
4" when its filter flags the message; public Yandex mailbox copies with full headers show "1" on
ordinary mail). Its submission servers write the same field on outgoing mail, and the sender's
own first field sits in that place too, so only the spam value under the receiving boundary's
own Yandex line counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from headerlens.model.core import HeaderField
from headerlens.model.received import Hop
from headerlens.parsers.hops import registrable_domain
from headerlens.parsers.stamp_evidence import stamp_identity

__all__ = [
    "YANDEX_DOMAINS",
    "YANDEX_SPAM_WHY",
    "is_yandex_host",
    "yandex_front_stamp",
    "yandex_spam",
]

YANDEX_DOMAINS = frozenset({"yandex.net", "yandex.ru", "yandex.com", "yandex.com.tr", "yandex.by"})
_FRONT = re.compile(r"\bmxfront", re.IGNORECASE)


def is_yandex_host(host: str | None) -> bool:
    """A host name under one of Yandex Mail's own domains."""
    name = (host or "").lower().rstrip(".")
    return bool(name) and registrable_domain(name) in YANDEX_DOMAINS


def yandex_front_stamp(f: HeaderField, hop: Hop, block: Sequence[HeaderField]) -> bool:
    """``f`` is the Authentication-Results Yandex's MX front wrote under its own line ``hop``:
    the line written by a Yandex mxfront host, ``f`` the first Authentication-Results of the
    block under it, its authserv-id that very host, and the front's X-Yandex-Spam verdict in
    the same block after it: the front closes its block with that verdict, so a field after the
    first X-Yandex-Spam came with the message (where the front wrote no Authentication-Results,
    the sender's first one sits there)."""
    by = (hop.received.by or "").lower().rstrip(".")
    if f.lname != "authentication-results" or not _FRONT.search(by) or not is_yandex_host(by):
        return False
    first = next((g for g in block if g.lname == "authentication-results"), None)
    if first is not f or (stamp_identity(f) or "").lower().rstrip(".") != by:
        return False
    spam = next((g for g in block if g.lname == "x-yandex-spam"), None)
    return spam is not None and spam.index > f.index


YANDEX_SPAM_WHY = (
    "directly under its own Received line, where Yandex's MX writes X-Yandex-Spam with its "
    'other X-Yandex fields; "4" is its spam verdict, which gains a sender nothing to plant '
    '(a "1" there would not count)'
)


def yandex_spam(f: HeaderField, block: Sequence[HeaderField], boundary: Hop | None) -> bool:
    """``f`` is X-Yandex-Spam: 4 in the block of fields under the boundary's Received line, and
    that line was written by a Yandex host."""
    if f.lname != "x-yandex-spam" or boundary is None or f.value.strip() != "4":
        return False
    return any(g is f for g in block) and is_yandex_host(boundary.received.by)
