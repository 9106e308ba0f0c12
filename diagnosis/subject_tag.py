"""A spam filter's tag in the Subject ("[SPAM] (19.9) …", "***SPAM***", "{Spam?}",
"[SUSPECTED SPAM]"): some filter on the way rated the message as spam and rewrote the Subject,
which is text anyone can write. It never decides the outcome: only a verdict the receiver stamped
says where the message went; the tag says which filter only when such a stamp goes with it."""

from __future__ import annotations

import re

from headerlens.model import Analysis, Finding, Severity
from headerlens.model.codes import Code

__all__ = ["subject_tag", "subject_tag_finding"]

# After any reply/forward prefixes and list tags ("[list] "), the tag a filter prepends, with
# the score some filters add ("(19.9)", "(score 7.2)", "7.2").
_TAG = re.compile(
    r"^(?:\s*(?:re|fw|fwd|aw|wg|sv|vs|tr)\s*:|\s*\[[^\]]*\])*\s*"
    r"(?P<tag>\[\s*(?:\*+\s*)?(?:suspected |possible |probable )?spam\??(?:\s*\*+)?\s*\]"
    r"|\*{2,}\s*(?:possible |suspected )?spam\??\s*\*{2,}"
    r"|\{\s*(?:possible |suspected )?spam\??\s*\})"
    r"(?:\s*\(?\s*(?:score[:= ]?\s*)?(?P<score>-?\d{1,3}(?:[.,]\d{1,3})?)\s*\)?(?=\s))?",
    re.IGNORECASE,
)


def subject_tag(analysis: Analysis) -> tuple[str, str | None] | None:
    """The filter's tag at the start of the Subject (as written) and the score beside it."""
    m = _TAG.match(analysis.subject or "")
    if m is None:
        return None
    return m.group(0)[m.start("tag") :].strip()[:60], m.group("score")


def subject_tag_finding(
    analysis: Analysis, receiver_rated: bool, other: str | None = None
) -> list[Finding]:
    """Say that a filter tagged it, whose (``other``: another party's filter rating that goes
    with it) or that whose is unknown, and that the tag is no folder. When the receiver's own
    filter stamps rate the message (``receiver_rated``), those findings say it."""
    found = subject_tag(analysis)
    if found is None or receiver_rated:
        return []
    tag, score = found
    rated = f"rated it as spam (score {score})" if score else "rated it as spam"
    if other is not None:
        whose = (
            f"beside the spam rating in {other}: that filter, not the receiving organisation, "
            f"{rated} and marked the Subject"
        )
    else:
        whose = (
            f"a filter on the way {rated} and marked the Subject. Nothing the receiver stamped "
            "ties the tag to it, so whose filter it was is unknown (a sender can write the same "
            "tag)"
        )
    return [
        Finding(
            Code.SUBJECT_SPAM_TAG,
            Severity.INFO,
            f"The Subject carries a spam filter's tag ({tag}): {whose}; a tag is not a folder: "
            "it does not say the message went to Junk.",
            detail="A filter that tags instead of filing delivers the message with the tag; "
            "only the receiving organisation's own verdict headers say where it went.",
        )
    ]
