"""What a receiver's SpamAssassin found for SPF, DKIM and DMARC, from its X-Spam-Status tests (pure).

The rule names are those of SpamAssassin's SPF, DKIM and DMARC plugins (Mail::SpamAssassin::
Plugin::SPF: SPF_PASS, SPF_FAIL, SPF_SOFTFAIL, SPF_NEUTRAL, SPF_NONE, SPF_PERMERROR,
SPF_TEMPERROR for the envelope sender, SPF_HELO_* for the HELO name, read here not at all;
Plugin::DKIM: DKIM_VALID, DKIM_VALID_AU, DKIM_INVALID; Plugin::DMARC (4.0): DMARC_PASS, and
DMARC_REJECT / DMARC_QUAR / DMARC_NONE for a failure under that policy, DMARC_MISSING for no
record). Older rule sets wrote the testing names T_SPF_* and T_DKIM_INVALID. A self-hosted
receiver that writes no Authentication-Results but runs SpamAssassin (amavisd-new, spamd,
MailScanner, cPanel's Exim) has said its verdicts there.
"""

from __future__ import annotations

import re

__all__ = ["sa_auth"]

_MEANING: dict[str, tuple[str, str]] = {
    "SPF_PASS": ("spf", "pass"),
    "SPF_FAIL": ("spf", "fail"),
    "SPF_SOFTFAIL": ("spf", "softfail"),
    "SPF_NEUTRAL": ("spf", "neutral"),
    "SPF_NONE": ("spf", "none"),
    "SPF_PERMERROR": ("spf", "permerror"),
    "SPF_TEMPERROR": ("spf", "temperror"),
    "DKIM_VALID_AU": ("dkim", "pass"),
    "DKIM_VALID": ("dkim", "pass"),
    "DKIM_INVALID": ("dkim", "fail"),
    "DMARC_PASS": ("dmarc", "pass"),
    "DMARC_REJECT": ("dmarc", "fail"),
    "DMARC_QUAR": ("dmarc", "fail"),
    "DMARC_NONE": ("dmarc", "fail"),
    "DMARC_MISSING": ("dmarc", "none"),
}
# the tests= list: "tests=A,B" (spamd) or "tests=[A=0.1, B=2]" (amavisd-new), folded or not
_TESTS = re.compile(r"\btests=\[?([^\]]*?)(?:\]|\s(?:autolearn|version|shortcircuit)=|$)", re.S)
_NAME = re.compile(r"(?<![\w])(?:T_)?([A-Z][A-Z0-9_]*)")


def sa_auth(spam_status: str) -> list[tuple[str, str, str]]:
    """(method, result, rule) for each authentication rule in an X-Spam-Status value's tests=
    list, the first one of each method, in the order SPF, DKIM, DMARC (a valid signature of the
    author's domain, DKIM_VALID_AU, named before any other)."""
    m = _TESTS.search(spam_status)
    if m is None:
        return []
    names = [n.group(0) for n in _NAME.finditer(m.group(1))]
    names.sort(key=lambda n: n.removeprefix("T_") != "DKIM_VALID_AU")
    found: dict[str, tuple[str, str, str]] = {}
    for name in names:
        hit = _MEANING.get(name.removeprefix("T_"))
        if hit is not None and hit[0] not in found:
            found[hit[0]] = (hit[0], hit[1], name)
    return [found[k] for k in ("spf", "dkim", "dmarc") if k in found]
