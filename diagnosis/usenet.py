"""A Usenet news article saved or pasted as a message: news servers, not mail servers, carried it.

An article (RFC 5536) carries Newsgroups (§3.1.4) and Path (§3.1.5: the news servers it passed,
newest first, separated by "!", ending in the poster's "not-for-mail"), and no Received line: no
mail server took it in, so there is no trust boundary, and no SPF, DKIM or DMARC to check. Only a
copy with no Received line at all is read this way: a mail delivery always has the receiver's
line, whatever the sender wrote.
"""

from __future__ import annotations

from dataclasses import dataclass

from headerlens.model import Analysis, Finding, Severity
from headerlens.model.codes import Code

__all__ = ["NewsArticle", "cause", "finding", "news_article"]

_SHOWN = 3  # newsgroups and servers named in a sentence
_NAME = 80  # characters of one name shown (a name is the sender's text)


@dataclass(frozen=True, slots=True)
class NewsArticle:
    groups: tuple[str, ...]
    servers: tuple[str, ...]  # from Path, newest first, "not-for-mail" left out


def news_article(analysis: Analysis) -> NewsArticle | None:
    """The article's newsgroups and news servers, or None when the copy has a Received line or
    lacks either field."""
    if analysis.chain.hops:
        return None
    first = {f.lname: f.value for f in reversed(analysis.headers)}
    groups = tuple(
        g[:_NAME] for g in (x.strip() for x in first.get("newsgroups", "").split(",")) if g
    )
    path = first.get("path", "")
    servers = tuple(
        s[:_NAME] for s in (x.strip() for x in path.split("!")) if s and s != "not-for-mail"
    )
    if not groups or not servers:
        return None
    return NewsArticle(groups, servers)


def _named(items: tuple[str, ...]) -> str:
    more = len(items) - _SHOWN
    return ", ".join(items[:_SHOWN]) + (f" and {more} more" if more > 0 else "")


def cause(a: NewsArticle) -> str:
    """The headline's cause."""
    return (
        f"A Usenet news article (posted to {_named(a.groups)}): news servers carried it, not "
        f"mail servers (its Path field names {len(a.servers)}, newest first: "
        f"{_named(a.servers)}), so no mail server stamped it and no SPF, DKIM or DMARC applies"
    )


def finding(a: NewsArticle) -> Finding:
    return Finding(
        Code.CHAIN_EMPTY,
        Severity.INFO,
        "No Received lines: this is a Usenet news article (Newsgroups, Path), which news servers "
        "pass on without any; its Path field shows the servers it crossed.",
        detail=f"Path, newest first: {' → '.join(a.servers[:12])}"
        + (" …" if len(a.servers) > 12 else "")
        + ". If it reached you by e-mail, the Received lines were left out: paste the whole "
        "header block.",
    )
