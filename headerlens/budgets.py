"""Every resource budget in one place, each with the finding code it produces when hit.

Hostile messages are written to be expensive: huge header sections, thousands of fields, deep
nesting, oversized keys, endless DNS chains. Each budget below bounds one of those costs; going
past it never raises, it produces the Defect/finding named in ``code`` and the work stops there.
The defaults follow the catalogue in research/reliability.md §4 and the RFC limits cited.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from headerlens.model.core import Defect, Severity

if TYPE_CHECKING:  # the registry loads with the first finding a budget makes, not at import:
    # every parser reads its limits here, before the console's first frame
    from headerlens.model.codes import Code


class Outcome(enum.StrEnum):
    """What happens at a limit that is not reported as a finding of its own."""

    STOP = "-"  # the work stops there, silently (what is past the limit is not read)
    TIMEOUT = "TIMEOUT rcode"
    SERVFAIL = "SERVFAIL rcode"
    PERMERROR = "permerror"  # SPF's own verdict for the record (RFC 7208 §4.6.4)
    EXIT_2 = "exit 2"  # the command line refuses the option


@dataclass(frozen=True, slots=True)
class Budget:
    """One named limit: ``limit`` in ``unit``; ``code`` is the finding raised when it is hit, or
    the Outcome when it is not reported as a finding (an rcode, an exit status).
    """

    name: str
    limit: int | float
    unit: str
    finding: str | Outcome  # the name of the Code member raised when hit, or the Outcome
    enforced_in: str  # module that checks it
    why: str

    @property
    def code(self) -> Code | Outcome:
        """The finding code raised when the limit is hit (by its name in ``finding``), or the
        Outcome."""
        if isinstance(self.finding, Outcome):
            return self.finding
        from headerlens.model.codes import Code

        return Code[self.finding]


INPUT_BYTES = Budget(
    "input size", 25 * 1024 * 1024, "bytes", "INPUT_TOO_LARGE", "headerlens.source",
    "a message with attachments is tens of MB; anything larger is refused before reading it",
)  # fmt: skip
MSG_NESTING = Budget(
    "Outlook .msg nesting", 8, "embedded messages", "INPUT_MSG_TOO_DEEP", "headerlens.source",
    "checked in the OLE directory before extract-msg opens the file: 120 nested messages cost it "
    "17 s and 1.2 GB before Python's recursion limit stopped it; real forwards nest a few levels",
)  # fmt: skip
HEADER_BYTES = Budget(
    "header section size", 1024 * 1024, "bytes", "BUDGET_HEADER_BYTES", "headerlens.parsers.headers",
    "real header sections are a few KB to ~100 KB; past 1 MiB the rest is not split into fields",
)  # fmt: skip
FIELDS = Budget(
    "header fields processed", 1000, "fields", "BUDGET_FIELDS", "headerlens.parsers.headers",
    "100k fields cost Python's email package 24 s; only the first 1,000 are materialised",
)  # fmt: skip
HOPS = Budget(
    "Received hops processed", 100, "hops", "BUDGET_HOPS", "headerlens.analyze",
    "RFC 5321 §6.3: loop detection threshold of at least 100 Received fields",
)  # fmt: skip
STRUCTURED_FIELD_BYTES = Budget(
    "structured parse per field", 64 * 1024, "bytes", "BUDGET_FIELD_BYTES", "headerlens.analyze",
    "a field larger than this is kept raw; no structured parser (ours or email's) runs on it",
)  # fmt: skip
EMAIL_PARSE_BYTES = Budget(
    "email-package parse size", 8 * 1024, "bytes", "BUDGET_EMAIL_PARSE", "headerlens.parsers.identity",
    "Python's address parser is quadratic and recursive; real From fields are under 1 KB",
)  # fmt: skip
ENCODED_WORDS = Budget(
    "RFC 2047 encoded words decoded", 500, "words", "BUDGET_ENCODED_WORDS", "headerlens.analyze",
    "decoding 16k encoded words costs the email package seconds (CPython gh-136063)",
)  # fmt: skip
LINE_OCTETS = Budget(
    "line length", 998, "octets", "INPUT_LONG_LINE", "headerlens.parsers.headers",
    "RFC 5322 §2.1.1: lines MUST be no more than 998 characters (a finding, not a cut-off)",
)  # fmt: skip
INT_DIGITS = Budget(
    "digits converted to a number", 4300, "digits", Outcome.STOP, "headerlens.parsers.digits",
    "int() refuses longer digit strings (CVE-2020-10735's default); protocol fields pass their own smaller cap",
)  # fmt: skip
PASTE_SUMMARY_BYTES = Budget(
    "pasted-summary search", 64 * 1024, "bytes", Outcome.STOP, "headerlens.parsers.pasteshape",
    "Gmail's 'Show original' summary sits at the top of a paste; only this much is searched for it",
)  # fmt: skip
PASTE_SUMMARY_LINES = Budget(
    "pasted-summary lines", 40, "lines", Outcome.STOP, "headerlens.parsers.pasteshape",
    "the summary has about a dozen rows; never look further than this",
)  # fmt: skip
QUOTED_PASTE_BYTES = Budget(
    "quoted paste unquoted", 256 * 1024, "bytes", Outcome.STOP, "headerlens.parsers.pasteshape",
    "a '> '-quoted copy is a header paste (a few KB to ~100 KB); a larger input is left as it is",
)  # fmt: skip
JOIN_NOTES = Budget(
    "unindented lines noted", 5, "lines", "INPUT_UNINDENTED_CONTINUATION", "headerlens.parsers.headers",
    "each line joined to the field above it is a defect up to this; the rest are counted in one",
)  # fmt: skip
DKIM_SIGNATURES = Budget(
    "DKIM signatures verified", 5, "signatures", "DKIM_NOT_EVALUATED", "headerlens.evaluators.dkim",
    "RFC 6376 §6.1: a verifier MAY limit the signatures it tries (OpenDKIM verifies 3)",
)  # fmt: skip
DKIM_TAG_DIGITS = Budget(
    "DKIM number digits", 76, "digits", "DKIM_NUMBER_TOO_LONG", "headerlens.parsers.dkimsig",
    "RFC 6376 §3.5: l=, t= and x= have at most 76 digits; checked before int() is called",
)  # fmt: skip
ARC_SETS = Budget(
    "ARC sets", 50, "sets", "ARC_TOO_MANY_SETS", "headerlens.evaluators.arc",
    "RFC 8617 §5.2 step 1: more than 50 sets is cv=fail, decided before any DNS query; "
    "an instance i= outside 1..50 is a defect (RFC 8617 §4.2.1, parsers)",
)  # fmt: skip
RSA_MIN_BITS = Budget(
    "RSA modulus minimum", 1024, "bits", "DKIM_KEY_TOO_SMALL", "headerlens.evaluators.dkimkey",
    "RFC 8301 §3.2: keys under 1024 bits MUST NOT be considered valid",
)  # fmt: skip
RSA_MAX_BITS = Budget(
    "RSA modulus maximum", 8192, "bits", "DKIM_KEY_UNSAFE", "headerlens.evaluators.dkimkey",
    "checked before any arithmetic; the catalogue proposes 8192 (see the hardening report)",
)  # fmt: skip
RSA_MAX_EXPONENT_BITS = Budget(
    "RSA public exponent", 32, "bits", "DKIM_KEY_UNSAFE", "headerlens.evaluators.dkimkey",
    "a huge exponent makes pure-Python pow() cost seconds; checked before verifying",
)  # fmt: skip
DNS_QUERY_TIMEOUT = Budget(
    "DNS per-query timeout", 3.0, "seconds", Outcome.TIMEOUT, "headerlens.dnsclient.resolver",
    "one slow server must not stall the analysis",
)  # fmt: skip
DNS_TIMEOUT_OPTION = Budget(
    "DNS --timeout option", 60.0, "seconds", Outcome.EXIT_2, "headerlens.dnsargs",
    "the deadline grows to twice --timeout; inf, nan or huge values would switch it off",
)  # fmt: skip
DNS_DEADLINE = Budget(
    "DNS deadline per analysis", 20.0, "seconds", Outcome.TIMEOUT, "headerlens.dnsclient.resolver",
    "RFC 7208 §4.6.4 asks for at least 20 s for SPF; the whole analysis shares the window",
)  # fmt: skip
DNS_CONCURRENCY = Budget(
    "DNS queries in flight", 16, "queries", Outcome.STOP, "headerlens.dnsclient.resolver",
    "the resolver sends at most this many questions at once; the rest wait for a slot",
)  # fmt: skip
SPF_DNS_TERMS = Budget(
    "SPF DNS-querying terms", 10, "terms", Outcome.PERMERROR, "headerlens.evaluators.spf_eval",
    "RFC 7208 §4.6.4: the 11th DNS-querying term is a permerror",
)  # fmt: skip
SPF_VOID_LOOKUPS = Budget(
    "SPF void lookups", 2, "lookups", Outcome.PERMERROR, "headerlens.evaluators.spf_eval",
    "RFC 7208 §4.6.4: more than two void lookups is a permerror",
)  # fmt: skip
SPF_MX_NAMES = Budget(
    "SPF MX names per mx term", 10, "names", Outcome.PERMERROR, "headerlens.evaluators.spf_eval",
    "RFC 7208 §4.6.4: an mx term whose MX answer holds more than 10 names is a permerror",
)  # fmt: skip
SPF_PTR_NAMES = Budget(
    "SPF PTR names validated", 10, "names", Outcome.STOP, "headerlens.evaluators.spf_eval",
    "RFC 7208 §4.6.4: only the first 10 PTR names are validated; the rest are ignored",
)  # fmt: skip
CHECK_QUERIES = Budget(
    "DNS queries per domain check", 250, "queries", "CHECK_QUERY_BUDGET", "headerlens.domaincheck.check",
    "a real domain needs under 100; a hostile SPF tree once made 7,095 (7,014 to a third party)",
)  # fmt: skip
SPF_TREE_RECORDS = Budget(
    "SPF records walked per domain check", 40, "records", "SPF_TREE_TOO_BIG", "headerlens.domaincheck.spftree",
    "a hostile include tree could fan out without end; real ones stay far below",
)  # fmt: skip
SPF_OVERLAPS_LISTED = Budget(
    "overlapping SPF ranges listed", 20, "ranges", "SPF_OVERLAPPING_RANGE", "headerlens.domaincheck.spftree",
    "duplicate or nested ranges are listed one by one up to this; the rest are counted in one line",
)  # fmt: skip
DMARC_WALK_QUERIES = Budget(
    "DMARC tree-walk queries", 8, "queries", Outcome.STOP, "headerlens.evaluators.orgdomain",
    "RFC 9989 §4.10: at most eight queries per DNS tree walk",
)  # fmt: skip
SPF_TXT_BYTES = Budget(
    "SPF record size", 4096, "bytes", "SPF_RECORD_TOO_LARGE", "headerlens.evaluators.spf_eval",
    "RFC 7208 §3.4 advises < 450; a TXT answer over TCP may reach 64 KB. Larger is permerror",
)  # fmt: skip
DKIM_TXT_BYTES = Budget(
    "DKIM key record size", 8192, "bytes", "DKIM_KEY_TOO_LARGE", "headerlens.evaluators.dkimkey",
    "an 8192-bit RSA key record is about 1.5 KB; a larger TXT record is not parsed as a key",
)  # fmt: skip
CNAME_DEPTH = Budget(
    "CNAME depth", 16, "links", Outcome.SERVFAIL, "dnspython (MAX_CHAIN)",
    "dnspython stops chasing after 16 links within one answer; a loop ends as SERVFAIL",
)  # fmt: skip

NDR_SCAN_BYTES = Budget(
    "bounce signature scan", 64 * 1024, "bytes", "BUDGET_NDR_SCAN", "headerlens.parsers.ndr",
    "a bounce says so in its first lines; only this much of the input is searched for the signs",
)  # fmt: skip
NDR_TEXT_BYTES = Budget(
    "bounce text read", 64 * 1024, "characters", "BUDGET_NDR_TEXT", "headerlens.parsers.ndr",
    "bounce notices are a few KB; the per-layout readers and flufl.bounce see only this much",
)  # fmt: skip
NDR_RECIPIENTS = Budget(
    "bounce recipients read", 100, "recipients", "BUDGET_NDR_RECIPIENTS", "headerlens.parsers.ndr",
    "a bounce lists the few addresses of one message; the rest are counted, not read",
)  # fmt: skip
NDR_PARSE_BYTES = Budget(
    "bounce parse size", 8 * 1024 * 1024, "bytes", "BUDGET_NDR_PARSE", "headerlens.parsers.ndr",
    "a larger bounce is shown as a message, not read as a report (the MIME parse is the cost)",
)  # fmt: skip
SUMMARY_CELL_CHARS = Budget(
    "ticket summary cell", 64, "characters", Outcome.STOP, "headerlens.report.summary",
    "the widest from/by cell of the summary's hop table, so a hostile host name cannot stretch it",
)  # fmt: skip
EXPORT_NUMBERED = Budget(
    "numbered export names tried", 999, "names", Outcome.STOP, "headerlens.tui.export",
    "an export never overwrites: name-2 ... name-999 are tried, then the export is refused",
)  # fmt: skip
EXPORT_VALUE_CHARS = Budget(
    "exported value size", 4000, "characters", Outcome.STOP, "headerlens.textsafe",
    "a ticket is read by people: a longer value is cut in Markdown/HTML exports, saying how much (catalogue K3); JSON keeps it whole",
)  # fmt: skip

ALL: tuple[Budget, ...] = (
    INPUT_BYTES,
    MSG_NESTING,
    HEADER_BYTES,
    FIELDS,
    HOPS,
    STRUCTURED_FIELD_BYTES,
    EMAIL_PARSE_BYTES,
    ENCODED_WORDS,
    LINE_OCTETS,
    INT_DIGITS,
    PASTE_SUMMARY_BYTES,
    PASTE_SUMMARY_LINES,
    QUOTED_PASTE_BYTES,
    JOIN_NOTES,
    DKIM_SIGNATURES,
    DKIM_TAG_DIGITS,
    ARC_SETS,
    RSA_MIN_BITS,
    RSA_MAX_BITS,
    RSA_MAX_EXPONENT_BITS,
    DNS_QUERY_TIMEOUT,
    DNS_TIMEOUT_OPTION,
    DNS_DEADLINE,
    DNS_CONCURRENCY,
    SPF_DNS_TERMS,
    SPF_VOID_LOOKUPS,
    SPF_MX_NAMES,
    SPF_PTR_NAMES,
    CHECK_QUERIES,
    SPF_TREE_RECORDS,
    SPF_OVERLAPS_LISTED,
    DMARC_WALK_QUERIES,
    SPF_TXT_BYTES,
    DKIM_TXT_BYTES,
    CNAME_DEPTH,
    NDR_SCAN_BYTES,
    NDR_PARSE_BYTES,
    NDR_TEXT_BYTES,
    NDR_RECIPIENTS,
    SUMMARY_CELL_CHARS,
    EXPORT_NUMBERED,
    EXPORT_VALUE_CHARS,
)


def exceeded(
    budget: Budget, seen: int, detail: str, severity: Severity = Severity.WARNING
) -> Defect:
    """The finding for ``budget`` hit with ``seen`` units; ``detail`` says what was done instead."""
    code = budget.code
    if isinstance(code, Outcome):
        raise TypeError(f"the {budget.name} limit is not reported as a finding")
    return Defect(
        code,
        f"{budget.name[:1].upper()}{budget.name[1:]} limit reached: {seen:,} {budget.unit} "
        f"(limit {budget.limit:,}). {detail}",
        severity,
    )
