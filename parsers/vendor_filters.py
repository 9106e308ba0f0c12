"""Receiver spam-filter verdicts: Rspamd, ProtonMail, Vade, Cloudmark CLX, phishing simulations.

Each decoder gives a one-line meaning and the verdict the value expresses where the product
documents it or the value reads literally ("inbox", "phishing", "Yes"); any other value keeps
its raw text with no meaning attached. Scales that are not published are never guessed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from headerlens.model.core import Defect, HeaderField, Severity
from headerlens.model.vendor import DecodedField, VendorHeader
from headerlens.parsers.vendor_base import Decoder, described, header, to_float

RSPAMD = "Rspamd"
PROTON = "ProtonMail"
VADE = "Vade"
CLX = "Proofpoint/Cloudmark (CLX)"
PHISHME = "Cofense PhishMe"
KNOWBE4 = "KnowBe4"
FILTER = "Spam filter"
GREYLIST = "Greylisting"
ANTIVIRUS = "Virus scanner"
INFO, WARN, ERR = Severity.INFO, Severity.WARNING, Severity.ERROR

# Rspamd actions, from the least to the most severe (https://rspamd.com/doc/faq.html#what-are-
# rspamd-actions and the milter_headers module, https://rspamd.com/doc/modules/milter_headers.html).
_RSPAMD_ACTIONS = {
    "no action": ("no action: the message is delivered as is", INFO),
    "greylist": ("greylist: the sender is asked to retry later", INFO),
    "add header": ("add header: delivered marked as spam (usually to the Junk folder)", WARN),
    "rewrite subject": ("rewrite subject: delivered with a spam tag in the Subject", WARN),
    "soft reject": ("soft reject: refused for now with a temporary error", WARN),
    "reject": ("reject: refused as spam", ERR),
}
# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches these filters' fields should not pay for compiling them before the console's first frame.
# "default: False [-1.71 / 15.00]; SYM(score)[options]; ..." (the milter_headers x-spamd-result
# routine): metric, its is-spam flag, score / required (reject) score, then the symbols.
_SPAMD_HEAD = (
    r"(?i)"
    r"^\s*(?P<metric>[\w-]+)\s*:\s*(?P<flag>True|False)\s*\[\s*(?P<score>-?\d+(?:\.\d+)?)\s*/"
    r"\s*(?P<required>-?\d+(?:\.\d+)?)\s*\]"
)
# One symbol as Rspamd writes it: "NAME(score)[options]" in X-Spamd-Result (separated by ";"),
# "NAME(score)" in X-Rspamd-Report (by spaces) and "Symbol: NAME(score)" in the legacy RSPAMC
# report Exim's $spam_report copies (https://rspamd.com/doc/modules/milter_headers.html,
# https://rspamd.com/doc/developers/protocol.html). A name starts where no word character is.
_SYMBOL = r"(?<![\w.-])([A-Z][A-Z0-9_]*)\((-?\d+(?:\.\d+)?)\)(?:\[([^\]]*)\])?"
_TOP_SYMBOLS = 4
_BLOCK = 6  # fields: Rspamd's block (Action, Server, Queue-Id, Spamd-Bar, Spamd-Result...)


def decode_spamd_result(field: HeaderField) -> VendorHeader:
    """X-Spamd-Result: Rspamd's score against its threshold and the symbols that made it."""
    from headerlens.model.codes import Code

    m = re.match(_SPAMD_HEAD, field.value)
    if m is None:
        bad = Defect(Code.RSPAMD_BAD_RESULT, "Not in the 'metric: flag [score / required]' form.")
        raw = (DecodedField("value", field.value),)
        return header(field, RSPAMD, "Rspamd result (not in its usual form).", raw, (bad,))
    score, required = m.group("score"), m.group("required")
    flag = m.group("flag").lower() == "true"
    symbols = _symbols(field.value[m.end() :])
    fields = [
        DecodedField("metric", m.group("metric"), "Metric"),
        DecodedField(
            "is_spam",
            m.group("flag"),
            "Spam flag",
            "Rspamd counted it as spam." if flag else "Rspamd did not count it as spam.",
            WARN if flag else INFO,
        ),
        DecodedField(
            "score", score, "Score", f"Score {score} against a required score of {required}."
        ),
        DecodedField("required", required, "Required score", "The score at which Rspamd rejects."),
    ]
    fields += _symbol_fields(symbols)
    summary = f"Rspamd: {score} / {float(required):g}" + _top(symbols)
    return header(field, RSPAMD, summary + ".", tuple(fields))


def _symbols(text: str) -> list[tuple[str, float, str]]:
    """(name, weight, options) of every symbol in ``text``."""
    return [(n, float(w), o or "") for n, w, o in re.findall(_SYMBOL, text)]


def _symbol_fields(symbols: list[tuple[str, float, str]]) -> list[DecodedField]:
    """One field per symbol, named by the symbol; its options (URLs, addresses, names the
    sender chose) only ever quoted as data."""
    out = []
    for name, weight, opts in symbols:
        said = f"Rspamd rule matched ({weight:+g})"
        if opts:
            said += f"; its options: {opts!r}"
        out.append(
            DecodedField(name, f"{weight:g}", name, said + ".", WARN if weight >= 2 else INFO)
        )
    return out


def _top(symbols: list[tuple[str, float, str]]) -> str:
    top = sorted((s for s in symbols if s[1] > 0), key=lambda s: -s[1])[:_TOP_SYMBOLS]
    return (", " + ", ".join(f"{n}({w:.2f})" for n, w, _ in top)) if top else ""


def decode_rspamd_report(field: HeaderField) -> VendorHeader:
    """X-Rspamd-Report: the symbols that matched, "NAME(score)" separated by spaces (or the
    legacy "Symbol: NAME(score)" lines)."""
    symbols = _symbols(field.value)
    if not symbols:
        raw = (DecodedField("value", field.value, "Symbols"),)
        return header(field, RSPAMD, "Rspamd symbols (not in the NAME(score) form).", raw)
    total = sum(w for _, w, _ in symbols)
    summary = f"Rspamd symbols adding up to {total:g}" + _top(symbols)
    return header(field, RSPAMD, summary + ".", tuple(_symbol_fields(symbols)))


def decode_rspamd_action(field: HeaderField) -> VendorHeader:
    """X-Rspamd-Action: what Rspamd told the MTA to do with the message."""
    value = field.value.strip()
    known = _RSPAMD_ACTIONS.get(value.lower())
    if known is None:
        shown = DecodedField("action", value, "Action")
        return header(field, RSPAMD, f"Rspamd action: {value} (not a documented action).", (shown,))
    meaning, sev = known
    shown = DecodedField("action", value, "Action", meaning[0].upper() + meaning[1:] + ".", sev)
    return header(field, RSPAMD, f"Rspamd: {meaning}.", (shown,))


def decode_number(vendor: str, label: str, meaning: str) -> Decoder:
    """A bare score whose scale the vendor does not publish: shown as written."""

    def decode(field: HeaderField) -> VendorHeader:
        from headerlens.model.codes import Code

        value = field.value.strip()
        ok = to_float(value) is not None
        shown = DecodedField("score", value, label, meaning if ok else None)
        defects = () if ok else (Defect(Code.VENDOR_BAD_NUMBER, f"{label} is not a number"),)
        return header(field, vendor, f"{vendor} {label.lower()}: {value}.", (shown,), defects)

    return decode


def decode_spamd_bar(field: HeaderField) -> VendorHeader:
    """X-Spamd-Bar / X-Rspamd-Bar: one '+' per point of a positive score, '-' for a negative."""
    value = field.value.strip()
    if value and set(value) <= {"+"}:
        meaning = f"Positive score of about {len(value)} (one '+' per point)."
    elif value and set(value) <= {"-"}:
        meaning = f"Negative score of about -{len(value)} (one '-' per point): looks legitimate."
    elif value == "/":
        meaning = "Score close to zero."
    else:
        meaning = None
    return header(
        field,
        RSPAMD,
        f"Rspamd score bar {value!r}.",
        (DecodedField("bar", value, "Score bar", meaning),),
    )


def decode_literal(vendor: str, label: str, table: dict[str, tuple[str, Severity]]) -> Decoder:
    """A word the product writes as its verdict; unknown words stay raw."""

    def decode(field: HeaderField) -> VendorHeader:
        value = field.value.strip()
        known = table.get(value.lower())
        if known is None:
            shown = DecodedField("value", value, label)
            return header(field, vendor, f"{vendor} {label.lower()}: {value}.", (shown,))
        shown = DecodedField("value", value, label, known[0], known[1])
        return header(field, vendor, f"{vendor}: {known[0]}", (shown,))

    return decode


_YES_NO = {
    "yes": ("marked as spam.", WARN),
    "no": ("not marked as spam.", INFO),
}
# X-Pm-Spam-Action: the folder Proton filed the message in (the words read literally).
_PM_ACTIONS = {
    "inbox": ("delivered to the Inbox.", INFO),
    "spam": ("filed in the Spam folder.", WARN),
    "phishing": ("filed as phishing (Spam folder, with a phishing warning).", ERR),
}
# Vade Secure states (X-VR-SPAMSTATE / X-VADE-SPAMSTATE) read literally.
_VADE_STATES = {
    "ok": ("clean (ok).", INFO),
    "ham": ("clean (ham).", INFO),
    "spam": ("spam.", WARN),
    "phishing": ("phishing.", ERR),
    "scam": ("scam.", ERR),
    "malware": ("malware.", ERR),
    "virus": ("virus.", ERR),
    "commercial": ("commercial (bulk) mail.", INFO),
    "suspect": ("suspect.", WARN),
}
_PHISHME = {
    "phishing_training": (
        "a Cofense PhishMe phishing-training simulation, not a real attack.",
        INFO,
    )
}


_GREYLIST = r"(?i)delayed (\d+) seconds by ([\w.-]+)(?: at ([\w.-]+))?"


def decode_greylist(field: HeaderField) -> VendorHeader:
    """X-Greylist (postgrey, milter-greylist): how long greylisting held the message."""
    m = re.search(_GREYLIST, field.value)
    if m is None:
        return header(field, GREYLIST, "Greylisting note.", (DecodedField("value", field.value),))
    seconds, software, host = m.group(1), m.group(2), m.group(3)
    where = f" at {host}" if host else ""
    meaning = f"The sender was told to retry; the message waited {seconds} s{where}."
    fields = (
        DecodedField("delay", seconds, "Delay (seconds)", meaning, INFO),
        DecodedField("software", software, "Greylisting software"),
    )
    return header(
        field, GREYLIST, f"Greylisting delayed it {seconds} s{where} ({software}).", fields
    )


def decode_impersonation(field: HeaderField) -> VendorHeader:
    """X-Mimecast-Impersonation-Protect: ``Policy=...; <check>=true|false; ...``.

    Each check is named in the field; "true" means that check matched. The checks' weights
    and the policy's action are not in the field, so no verdict beyond that is drawn.
    """
    fields: list[DecodedField] = []
    hits: list[str] = []
    for item in field.value.split(";"):
        key, eq, value = item.partition("=")
        key, value = " ".join(key.split()), value.strip()
        if not eq or not key:
            continue
        if value.lower() == "true":
            hits.append(key)
            fields.append(DecodedField(key, value, "Check", "This check matched.", WARN))
        elif value.lower() == "false":
            fields.append(DecodedField(key, value, "Check", "This check did not match.", INFO))
        else:
            fields.append(DecodedField(key, value, "Policy" if key.lower() == "policy" else None))
    checks = sum(f.label == "Check" for f in fields)
    if hits:
        summary = f"Mimecast impersonation protection: matched {', '.join(hits)}."
    elif checks:
        summary = f"Mimecast impersonation protection: none of its {checks} checks matched."
    else:
        summary = "Mimecast impersonation protection (raw)."
    return header(field, "Mimecast", summary, tuple(fields))


def decode_phishtest(field: HeaderField) -> VendorHeader:
    """X-PHISHTEST: KnowBe4 marks its simulated phishing messages with this field."""
    shown = DecodedField(
        "value", field.value.strip(), "Simulation marker", "KnowBe4 phishing-test message.", INFO
    )
    return header(
        field, KNOWBE4, "KnowBe4: a simulated phishing test, not a real attack.", (shown,)
    )


EXACT: dict[str, Decoder] = {
    "x-spamd-result": decode_spamd_result,
    "x-rspamd-action": decode_rspamd_action,
    "x-rspamd-score": decode_number(RSPAMD, "Score", "Rspamd's score for the message."),
    "x-spamd-bar": decode_spamd_bar,
    "x-rspamd-bar": decode_spamd_bar,
    "x-rspamd-server": described(
        RSPAMD, "Scanner host", "Name of the Rspamd host that scanned it."
    ),
    "x-rspamd-queue-id": described(
        RSPAMD,
        "Queue id",
        "The MTA's queue id when Rspamd scanned it (ties it to a Received line).",
    ),
    "x-rspamd-report": decode_rspamd_report,
    "x-spam": decode_literal(FILTER, "Spam flag", _YES_NO),
    "x-pm-spamscore": decode_number(
        PROTON, "Spam score", "Proton's spam score; Proton does not publish its scale."
    ),
    "x-pm-spam-action": decode_literal(PROTON, "Spam action", _PM_ACTIONS),
    "x-pm-spam": described(PROTON, "Spam data", "Encoded filter data; not publicly documented."),
    "x-pm-origin": described(
        PROTON, "Origin", "'internal' from a Proton user, 'external' otherwise."
    ),
    "x-vr-spamstate": decode_literal(VADE, "Spam state", _VADE_STATES),
    "x-vade-spamstate": decode_literal(VADE, "Spam state", _VADE_STATES),
    "x-vr-spamscore": decode_number(
        VADE, "Spam score", "Vade's score; its scale is not published."
    ),
    "x-vade-spamscore": decode_number(
        VADE, "Spam score", "Vade's score; its scale is not published."
    ),
    "x-vr-spamcause": described(VADE, "Spam cause", "Encoded rule data; not publicly documented."),
    "x-vade-spamcause": described(
        VADE, "Spam cause", "Encoded rule data; not publicly documented."
    ),
    "x-clx-shades": decode_literal(CLX, "Shade", {"junk": ("classified as junk.", WARN)}),
    "x-clx-score": decode_number(CLX, "Score", "CLX classifier score; its scale is not published."),
    "x-phishme": decode_literal(PHISHME, "Simulation marker", _PHISHME),
    "x-phishmetracking": described(
        PHISHME, "Tracking token", "Identifies the simulation recipient."
    ),
    "x-phishtest": decode_phishtest,
    "x-greylist": decode_greylist,
    "x-mimecast-impersonation-protect": decode_impersonation,
    "x-spam-checked-in-group": described(
        "Google Groups",
        "Spam checked in group",
        "The group whose spam check the post went through.",
    ),
    "x-virus-scanned": described(
        ANTIVIRUS, "Scanned by", "The scanner (and host) that checked it."
    ),
    "x-virus-status": decode_literal(
        ANTIVIRUS,
        "Virus status",
        {"clean": ("no virus found.", INFO), "infected": ("a virus was found.", ERR)},
    ),
}

PREFIXES: tuple[tuple[str, Decoder], ...] = (
    ("x-rspamd-", described(RSPAMD, "Rspamd header", "Written by the Rspamd filter.")),
    ("x-pm-", described(PROTON, "ProtonMail header", "Written by Proton's mail servers.")),
    ("x-vr-", described(VADE, "Vade header", "Written by the Vade filter.")),
    ("x-vade-", described(VADE, "Vade header", "Written by the Vade filter.")),
)


def with_rspamd_actions(found: list[VendorHeader]) -> list[VendorHeader]:
    """Put the action into the summary of the X-Spamd-Result written next to it.

    Rspamd writes its fields as one block; an X-Rspamd-Action within that block (at most
    ``_BLOCK`` fields away) is the same scan's decision: "Rspamd: add header, 7.02 / 25, ...".
    """
    actions = [v for v in found if v.header_name.lower() == "x-rspamd-action"]
    out: list[VendorHeader] = []
    for vh in found:
        if vh.header_name.lower() == "x-spamd-result" and vh.summary and vh.defects == ():
            near = [a for a in actions if abs(a.header_index - vh.header_index) <= _BLOCK]
            if len(near) == 1:
                action = near[0].raw.strip()
                rest = vh.summary.removeprefix("Rspamd: ")
                vh = replace(vh, summary=f"Rspamd: {action}, {rest}")
        out.append(vh)
    return out
