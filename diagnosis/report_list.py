"""A reported copy (in a DMARC failure report) that a mailing list re-sent, though it names no
List-Id: list detection on the reported message's own headers, with the weaker signs a list's
copy leaves when its list-manager fields were not kept."""

from __future__ import annotations

import re

from headerlens.diagnosis.inputs import addressed_at, envelope, org
from headerlens.model import Analysis

# A list's subject tag: "[list] …", after any reply or forward prefixes.
_TAG = re.compile(r"^\s*(?:(?:re|fwd?|aw|sv|wg)\s*:\s*)*(\[[^\]\n]{1,40}\])", re.IGNORECASE)


def list_copy_signs(original: Analysis, mail_from: str | None) -> tuple[str, ...]:
    """The signs, when all three hold: a [tag] in the subject; the copy addressed (To/Cc) to an
    address of the organisation that sent it (its envelope sender, the report's
    Original-Mail-From); and the From in another organisation. That is how a list's post looks
    (addressed to the list, sent with the list's bounce address, the author's From kept). Each
    is the sender's text: the fix built on it stays conditional ("probably")."""
    subject = original.subject or ""
    tag = _TAG.match(subject)
    env = mail_from or envelope(original) or ""
    site = org(env.rpartition("@")[2]) if "@" in env else None
    author = org(original.from_addr.domain) if original.from_addr else None
    if tag is None or site is None or author is None or site == author:
        return ()
    to = addressed_at(original, site)
    if to is None:
        return ()
    hop = original.chain.hops[-1].received if original.chain.hops else None
    helo = hop.from_helo if hop is not None and org(hop.from_helo) == site else None
    signs = (
        f"the subject carries the tag {tag.group(1)}",
        f"it is addressed to {to} and was sent with the envelope sender {env}, both at {site}",
        f"its From ({original.from_addr.domain if original.from_addr else '?'}) is another "
        "organisation's, as on a list's copy of an author's post",
    )
    return signs + ((f"the server that handed it over named itself {helo}",) if helo else ())
