"""Mailbox providers' filter fields: GMX / WEB.DE / 1&1 (United Internet) and Yahoo's Bulk mark.

Read literally, as the providers write them (real examples: sisimai's GMX bounce
set-of-emails/maildir/bsd/email-gmx-02.eml; a WEB.DE mailbox copy in mu's test data; Yahoo
mailbox copies of 2010-2015 in public forums and test fixtures):
``X-UI-Filterresults: notjunk:1;V03:K0:…`` (the inbound filter's word before the colon: notjunk,
junk, unknown; the rest is opaque), ``X-UI-Out-Filterresults`` (the same filter on what a GMX
user sends), ``X-GMX-Antispam: 0 (Mail was not recognized as spam); Detail=V3;`` (0 none; a
positive number names the filter that rated it spam), ``X-GMX-Antivirus: 0 (no virus found)``,
``X-YahooFilteredBulk: <client IP>`` (Yahoo put it in the Bulk folder).
"""

from __future__ import annotations

import re

from headerlens.model.core import HeaderField, Severity
from headerlens.model.vendor import DecodedField, VendorHeader
from headerlens.parsers.vendor_base import Decoder, header

UNITED_INTERNET = "GMX / WEB.DE (United Internet)"
YAHOO = "Yahoo Mail"
INFO, WARN = Severity.INFO, Severity.WARNING

_UI_WORDS = {
    "notjunk": ("not junk: the Inbox", INFO),
    "junk": ("junk: the spam folder", WARN),
    "unknown": ("no verdict (unknown)", INFO),
}
_NUMBER = re.compile(r"^\s*(\d+)\s*(?:\(([^)]*)\))?")


def _filterresults(outbound: bool) -> Decoder:
    who = "outbound filter (on what a GMX / WEB.DE user sends)" if outbound else "inbound filter"

    def decode(field: HeaderField) -> VendorHeader:
        word, _, rest = field.value.strip().partition(":")
        known = _UI_WORDS.get(word.strip().lower())
        if known is None:
            shown = DecodedField("value", field.value.strip()[:60], "Filter result")
            return header(field, UNITED_INTERNET, f"Filter result of the {who}.", (shown,))
        score = rest.split(";", 1)[0].strip()
        meaning, severity = known
        shown = DecodedField("verdict", word.strip(), "Filter verdict", meaning, severity)
        parts = (shown, DecodedField("count", score, "Count", "Not documented."))
        return header(field, UNITED_INTERNET, f"The {who}'s verdict: {meaning}.", parts)

    return decode


def _numbered(label: str, what: str) -> Decoder:
    """X-GMX-Antispam / X-GMX-Antivirus: 0 is clean; a positive number names what fired."""

    def decode(field: HeaderField) -> VendorHeader:
        m = _NUMBER.match(field.value)
        if m is None:
            shown = DecodedField("value", field.value.strip()[:60], label)
            return header(field, UNITED_INTERNET, f"{label} (not in its usual form).", (shown,))
        said = (m.group(2) or "").strip()
        clean = m.group(1) == "0"
        meaning = f"no {what}" if clean else f"{what} found" + (f" ({said})" if said else "")
        shown = DecodedField("result", m.group(1), label, meaning, INFO if clean else WARN)
        return header(field, UNITED_INTERNET, f"{label}: {meaning}.", (shown,))

    return decode


def decode_yahoo_bulk(field: HeaderField) -> VendorHeader:
    """X-YahooFilteredBulk: Yahoo put the message in the Bulk (spam) folder; the value is the
    address of the client it came from."""
    meaning = "Yahoo filed it in the Bulk (spam) folder"
    shown = DecodedField("client", field.value.strip()[:45], "Client IP", meaning, WARN)
    return header(field, YAHOO, f"{meaning}.", (shown,))


EXACT: dict[str, Decoder] = {
    "x-ui-filterresults": _filterresults(outbound=False),
    "x-ui-out-filterresults": _filterresults(outbound=True),
    "x-gmx-antispam": _numbered("GMX anti-spam", "spam"),
    "x-gmx-antivirus": _numbered("GMX anti-virus", "virus"),
    "x-yahoofilteredbulk": decode_yahoo_bulk,
}
PREFIXES: tuple[tuple[str, Decoder], ...] = ()
