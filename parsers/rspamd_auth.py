"""What a receiver's Rspamd found for SPF, DKIM, DMARC and ARC, from its X-Spamd-Result symbols (pure).

The symbols are those of Rspamd's spf, dkim, dmarc and arc modules (rspamd.com/doc/modules/
spf.html, dkim.html, dmarc.html, arc.html; its functional tests show DMARC_POLICY_SOFTFAIL for a
failure under p=none or pct=0). A receiver that writes no Authentication-Results but runs Rspamd
(the lfdr.de archive does) has said its verdicts there.
"""

from __future__ import annotations

import re

__all__ = ["rspamd_auth"]

_MEANING: dict[str, tuple[str, str]] = {
    "R_SPF_ALLOW": ("spf", "pass"),
    "R_SPF_FAIL": ("spf", "fail"),
    "R_SPF_SOFTFAIL": ("spf", "softfail"),
    "R_SPF_NEUTRAL": ("spf", "neutral"),
    "R_SPF_NA": ("spf", "none"),
    "R_SPF_DNSFAIL": ("spf", "temperror"),
    "R_SPF_PERMFAIL": ("spf", "permerror"),
    "R_DKIM_ALLOW": ("dkim", "pass"),
    "R_DKIM_REJECT": ("dkim", "fail"),
    "R_DKIM_TEMPFAIL": ("dkim", "temperror"),
    "R_DKIM_PERMFAIL": ("dkim", "permerror"),
    "R_DKIM_NA": ("dkim", "none"),
    "DMARC_POLICY_ALLOW": ("dmarc", "pass"),
    "DMARC_POLICY_ALLOW_WITH_FAILURES": ("dmarc", "pass"),
    "DMARC_POLICY_REJECT": ("dmarc", "fail"),
    "DMARC_POLICY_QUARANTINE": ("dmarc", "fail"),
    "DMARC_POLICY_SOFTFAIL": ("dmarc", "fail"),
    "DMARC_NA": ("dmarc", "none"),
    "DMARC_DNSFAIL": ("dmarc", "temperror"),
    "DMARC_BAD_POLICY": ("dmarc", "permerror"),
    "ARC_ALLOW": ("arc", "pass"),
    "ARC_REJECT": ("arc", "fail"),
    "ARC_INVALID": ("arc", "fail"),
    "ARC_DNSFAIL": ("arc", "temperror"),
    "ARC_NA": ("arc", "none"),
}
_NAME = r"(?<![\w.-])([A-Z][A-Z0-9_]*)\(-?\d"


def rspamd_auth(spamd_result: str) -> list[tuple[str, str, str]]:
    """(method, result, symbol) for each authentication symbol in an X-Spamd-Result value, the
    first one of each method, in the order SPF, DKIM, DMARC, ARC."""
    found: dict[str, tuple[str, str, str]] = {}
    for name in re.findall(_NAME, spamd_result):
        hit = _MEANING.get(name)
        if hit is not None and hit[0] not in found:
            found[hit[0]] = (hit[0], hit[1], name)
    return [found[m] for m in ("spf", "dkim", "dmarc", "arc") if m in found]
