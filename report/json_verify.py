"""The JSON contract for the re-verification: SPF, DKIM, DMARC, ARC, blocklists, DNS evidence."""

from __future__ import annotations

from headerlens.model import Finding
from headerlens.model.dns import DnsRecord
from headerlens.model.findings import Action, ActionKind
from headerlens.model.mailrouting import DnsblCheck, DnsblResult, DnsblState
from headerlens.model.ndr import NdrLink, WhoActs
from headerlens.model.spf import SpfMatch, SpfOutcome, SpfResult, SpfStep, SpfVerdict
from headerlens.model.verdicts import (
    Alignment,
    ArcInstanceResult,
    ArcResult,
    ArcVerdict,
    DkimKey,
    DkimResult,
    DkimVerdict,
    DmarcRecord,
    DmarcResult,
    DmarcVerdict,
    HeaderCoverage,
    OrgDomain,
)
from headerlens.model.verification import Verification, VerifyMode
from headerlens.report.json_message import CODE, DEFECTS, SEVERITY
from headerlens.report.jsonshape import (
    BOOL,
    INT,
    NUMBER,
    OPT_BOOL,
    OPT_INT,
    OPT_TEXT,
    OPT_TIME,
    PAIRS,
    TEXT,
    TEXTS,
    Choice,
    Many,
    Obj,
    Opt,
    P,
    Shape,
)

DNS_RECORD = Shape[DnsRecord](
    "dns_record",
    "One DNS lookup and its outcome, kept as evidence.",
    (
        P("name", lambda r: r.name, TEXT),
        P("rdtype", lambda r: r.rdtype, TEXT, "TXT, MX, A..."),
        P(
            "rcode",
            lambda r: r.rcode,
            TEXT,
            "NOERROR, NXDOMAIN, SERVFAIL... or TIMEOUT, OFFLINE (not asked), ERROR, MISSING "
            "(not in the DNS snapshot)",
        ),
        P("answers", lambda r: r.answers, TEXTS, "presentation format; TXT strings joined"),
        P("cname_chain", lambda r: r.cname_chain, TEXTS),
        P("ttl", lambda r: r.ttl, OPT_INT),
        P("duration_ms", lambda r: r.duration_ms, NUMBER),
        P("resolver", lambda r: r.resolver, TEXT),
        P("error", lambda r: r.error, OPT_TEXT),
        P("from_cache", lambda r: r.from_cache, BOOL, "no packet was sent for this lookup"),
        P("authenticated", lambda r: r.authenticated, BOOL, "the AD bit (DNSSEC-validated)"),
    ),
)
EVIDENCE = Many(Obj(DNS_RECORD))

NEXT_STEP = Shape[Action](
    "next_step",
    "What to do next about a finding: look at a hop, or check a domain's published records.",
    (
        P("kind", lambda a: a.kind, Choice(ActionKind)),
        P("hop_number", lambda a: a.hop_number, OPT_INT, "for jump-to-hop"),
        P("domain", lambda a: a.domain, OPT_TEXT, "for check-domain: headerlens check DOMAIN"),
        P("provider", lambda a: a.provider, OPT_TEXT, "for check-domain: --provider (eop, hes...)"),
    ),
)

FINDING = Shape[Finding](
    "finding",
    "One plain-language finding a helpdesk user can act on.",
    (
        P("code", lambda f: f.code, CODE, "stable for scripts, e.g. spf.service-not-included"),
        P("severity", lambda f: f.severity, SEVERITY),
        P("title", lambda f: f.title, TEXT),
        P("detail", lambda f: f.detail, TEXT),
        P("fix", lambda f: f.fix, TEXT, "may be empty"),
        P("hop_number", lambda f: f.hop_number, OPT_INT),
        P("header_index", lambda f: f.header_index, OPT_INT),
        P("next_step", lambda f: f.next_step, Opt(Obj(NEXT_STEP)), "added in 1.1"),
    ),
)
FINDINGS = Many(Obj(FINDING))

SPF_MATCH = Shape[SpfMatch](
    "spf_match",
    "The SPF directive that decided the result, and where it was found.",
    (
        P("term", lambda m: m.term, TEXT, "e.g. ip4:40.107.0.0/16"),
        P("domain", lambda m: m.domain, TEXT, "the domain whose record holds it"),
        P("path", lambda m: m.path, TEXTS, "include/redirect terms walked to it"),
    ),
)

SPF_STEP = Shape[SpfStep](
    "spf_step",
    "One step of the SPF evaluation, in order.",
    (
        P("domain", lambda s: s.domain, TEXT),
        P("term", lambda s: s.term, TEXT),
        P("outcome", lambda s: s.outcome, Choice(SpfOutcome)),
        P("detail", lambda s: s.detail, TEXT),
        P("path", lambda s: s.path, TEXTS),
        P("lookups", lambda s: s.lookups, INT, "DNS-querying terms so far"),
        P("voids", lambda s: s.voids, INT, "void lookups so far"),
    ),
)

SPF_RESULT = Shape[SpfResult](
    "spf_result",
    "check_host() replayed for the boundary IP (RFC 7208).",
    (
        P("result", lambda s: s.verdict, Choice(SpfVerdict)),
        P("domain", lambda s: s.domain, TEXT),
        P("ip", lambda s: s.ip, TEXT),
        P("sender", lambda s: s.sender, TEXT),
        P("helo", lambda s: s.helo, OPT_TEXT),
        P("identity", lambda s: s.identity, TEXT, "mailfrom or helo"),
        P("match", lambda s: s.match, Opt(Obj(SPF_MATCH))),
        P("explanation", lambda s: s.explanation, OPT_TEXT, "the expanded exp= text"),
        P("reason", lambda s: s.reason, TEXT),
        P("steps", lambda s: s.steps, Many(Obj(SPF_STEP))),
        P("records", lambda s: s.records, EVIDENCE),
        P("lookup_count", lambda s: s.lookup_count, INT),
        P("void_count", lambda s: s.void_count, INT),
        P("defects", lambda s: s.defects, DEFECTS),
    ),
)

DKIM_KEY = Shape[DkimKey](
    "dkim_key",
    "A DKIM key record as parsed and judged.",
    (
        P("raw", lambda k: k.raw, TEXT),
        P("version", lambda k: k.version, OPT_TEXT),
        P("key_type", lambda k: k.key_type, TEXT),
        P("public_key", lambda k: k.public_key, TEXT, "empty = revoked"),
        P("flags", lambda k: k.flags, TEXTS),
        P("hash_algorithms", lambda k: k.hash_algorithms, TEXTS),
        P("service_types", lambda k: k.service_types, TEXTS),
        P("notes", lambda k: k.notes, OPT_TEXT),
        P("key_bits", lambda k: k.key_bits, OPT_INT),
        P("rsa_exponent", lambda k: k.rsa_exponent, OPT_INT),
        P("usable", lambda k: k.usable, BOOL),
        P("defects", lambda k: k.defects, DEFECTS),
    ),
)

COVERAGE = Shape[HeaderCoverage](
    "header_coverage",
    "Which instances of one header field a DKIM signature covers (header indexes).",
    (
        P("name", lambda c: c.name, TEXT),
        P("listed", lambda c: c.listed, INT),
        P("signed", lambda c: c.signed, Many(INT)),
        P("unsigned", lambda c: c.unsigned, Many(INT)),
        P("absent_asserted", lambda c: c.absent_asserted, INT),
    ),
)

DKIM_RESULT = Choice(DkimResult)

DKIM_VERDICT = Shape[DkimVerdict](
    "dkim_verdict",
    "One DKIM signature re-verified: header signature (b=) and body hash (bh=) apart.",
    (
        P("signature_index", lambda d: d.signature_index, INT, "0 = newest DKIM-Signature"),
        P("header_index", lambda d: d.header_index, OPT_INT),
        P("domain", lambda d: d.domain, OPT_TEXT),
        P("selector", lambda d: d.selector, OPT_TEXT),
        P("algorithm", lambda d: d.algorithm, OPT_TEXT),
        P("header_result", lambda d: d.header_result, DKIM_RESULT),
        P("body_result", lambda d: d.body_result, DKIM_RESULT),
        P("result", lambda d: d.result, DKIM_RESULT),
        P("explanation", lambda d: d.explanation, TEXT),
        P("canonicalization", lambda d: d.canonicalization, OPT_TEXT),
        P("identity", lambda d: d.identity, OPT_TEXT),
        P("signed_headers", lambda d: d.signed_headers, TEXTS),
        P("body_length", lambda d: d.body_length, OPT_INT),
        P("key_name", lambda d: d.key_name, OPT_TEXT),
        P("key", lambda d: d.key, Opt(Obj(DKIM_KEY))),
        P("crypto_valid", lambda d: d.crypto_valid, OPT_BOOL),
        P("body_hash_expected", lambda d: d.body_hash_expected, OPT_TEXT),
        P("body_hash_computed", lambda d: d.body_hash_computed, OPT_TEXT),
        P("signed_at", lambda d: d.signed_at, OPT_TIME),
        P("expires_at", lambda d: d.expires_at, OPT_TIME),
        P("receipt_time", lambda d: d.receipt_time, OPT_TIME),
        P("checked_at", lambda d: d.checked_at, OPT_TIME),
        P("evidence", lambda d: d.evidence, EVIDENCE),
        P("findings", lambda d: d.findings, DEFECTS),
        P("coverage", lambda d: d.coverage, Many(Obj(COVERAGE))),
    ),
)

DMARC_RECORD = Shape[DmarcRecord](
    "dmarc_record",
    "A DMARC policy record as parsed; null where a tag is absent.",
    (
        P("raw", lambda r: r.raw, TEXT),
        P("valid", lambda r: r.valid, BOOL),
        P("p", lambda r: r.p, OPT_TEXT),
        P("sp", lambda r: r.sp, OPT_TEXT),
        P("np", lambda r: r.np, OPT_TEXT),
        P("adkim", lambda r: r.adkim, OPT_TEXT),
        P("aspf", lambda r: r.aspf, OPT_TEXT),
        P("pct", lambda r: r.pct, OPT_INT),
        P("rua", lambda r: r.rua, TEXTS),
        P("ruf", lambda r: r.ruf, TEXTS),
        P("fo", lambda r: r.fo, TEXTS),
        P("rf", lambda r: r.rf, OPT_TEXT),
        P("ri", lambda r: r.ri, OPT_INT),
        P("t", lambda r: r.t, OPT_TEXT),
        P("psd", lambda r: r.psd, OPT_TEXT),
        P("tags", lambda r: r.tags, PAIRS),
        P("defects", lambda r: r.defects, DEFECTS),
    ),
)

ORG_DOMAIN = Shape[OrgDomain](
    "org_domain",
    "The organisational domain by the Public Suffix List and by the DNS tree walk.",
    (
        P("domain", lambda o: o.domain, TEXT),
        P("psl", lambda o: o.psl, OPT_TEXT),
        P("tree_walk", lambda o: o.tree_walk, TEXT),
        P("walk_reason", lambda o: o.walk_reason, TEXT),
        P("walked", lambda o: o.walked, BOOL),
        P("evidence", lambda o: o.evidence, EVIDENCE),
    ),
)

ALIGNMENT = Shape[Alignment](
    "alignment",
    "One authenticated identifier compared with the From domain.",
    (
        P("method", lambda a: a.method, TEXT, "spf, dkim, or dkim-headers (never passes)"),
        P("domain", lambda a: a.domain, TEXT),
        P("authenticated", lambda a: a.authenticated, BOOL),
        P("strict", lambda a: a.strict, BOOL),
        P("aligned", lambda a: a.aligned, BOOL),
        P("relaxed_would_align", lambda a: a.relaxed_would_align, BOOL),
        P("psl_aligned", lambda a: a.psl_aligned, BOOL),
        P("explanation", lambda a: a.explanation, TEXT),
    ),
)

DMARC_VERDICT = Shape[DmarcVerdict](
    "dmarc_verdict",
    "DMARC re-evaluated for the message.",
    (
        P("from_domain", lambda d: d.from_domain, OPT_TEXT),
        P("result", lambda d: d.result, Choice(DmarcResult)),
        P("explanation", lambda d: d.explanation, TEXT),
        P("record", lambda d: d.record, Opt(Obj(DMARC_RECORD))),
        P("record_domain", lambda d: d.record_domain, OPT_TEXT),
        P("policy", lambda d: d.policy, OPT_TEXT, "none, quarantine or reject"),
        P("policy_tag", lambda d: d.policy_tag, OPT_TEXT, "p, sp or np"),
        P("disposition", lambda d: d.disposition, OPT_TEXT),
        P("alignments", lambda d: d.alignments, Many(Obj(ALIGNMENT))),
        P("org_domain", lambda d: d.org_domain, Opt(Obj(ORG_DOMAIN))),
        P("from_domain_exists", lambda d: d.from_domain_exists, OPT_BOOL),
        P("evidence", lambda d: d.evidence, EVIDENCE),
        P("findings", lambda d: d.findings, DEFECTS),
    ),
)

ARC_INSTANCE = Shape[ArcInstanceResult](
    "arc_instance",
    "What one ARC set verified to, and what its ARC-Authentication-Results said.",
    (
        P("instance", lambda a: a.instance, INT),
        P("ams_domain", lambda a: a.ams_domain, OPT_TEXT),
        P("ams_selector", lambda a: a.ams_selector, OPT_TEXT),
        P("ams_valid", lambda a: a.ams_valid, OPT_BOOL),
        P("seal_domain", lambda a: a.seal_domain, OPT_TEXT),
        P("seal_selector", lambda a: a.seal_selector, OPT_TEXT),
        P("seal_valid", lambda a: a.seal_valid, OPT_BOOL),
        P("cv", lambda a: a.cv, OPT_TEXT),
        P("aar", lambda a: a.aar, OPT_TEXT),
        P("aar_results", lambda a: a.aar_results, PAIRS, "(method, result) as stated"),
    ),
)

ARC_VERDICT = Shape[ArcVerdict](
    "arc_verdict",
    "The ARC chain re-validated (RFC 8617 §5.2).",
    (
        P("result", lambda a: a.result, Choice(ArcResult)),
        P("reason", lambda a: a.reason, TEXT),
        P("explanation", lambda a: a.explanation, TEXT),
        P("instances", lambda a: a.instances, Many(Obj(ARC_INSTANCE)), "newest first"),
        P("oldest_pass", lambda a: a.oldest_pass, OPT_INT),
        P("header_only", lambda a: a.header_only, BOOL),
        P("terminated", lambda a: a.terminated, BOOL),
        P("evidence", lambda a: a.evidence, EVIDENCE),
        P("findings", lambda a: a.findings, DEFECTS),
    ),
)

DNSBL_RESULT = Shape[DnsblResult](
    "dnsbl_result",
    "One DNS blocklist's answer for the IP.",
    (
        P("zone", lambda r: r.zone, TEXT),
        P("query", lambda r: r.query, TEXT),
        P("state", lambda r: r.state, Choice(DnsblState)),
        P("codes", lambda r: r.codes, TEXTS),
        P("meanings", lambda r: r.meanings, TEXTS),
        P("reason", lambda r: r.reason, TEXT),
        P("evidence", lambda r: r.evidence, EVIDENCE),
    ),
)

DNSBL_CHECK = Shape[DnsblCheck](
    "dnsbl_check",
    "Blocklist look-ups for one IP.",
    (
        P("ip", lambda c: c.ip, TEXT),
        P("results", lambda c: c.results, Many(Obj(DNSBL_RESULT))),
    ),
)

WHO_ACTS = Choice(WhoActs, by_name=True)

NDR_LINK = Shape[NdrLink](
    "ndr_link",
    "A bounce's status code tied to the re-verified check of the returned message.",
    (
        P("recipient", lambda n: n.recipient, TEXT),
        P("status", lambda n: n.status, TEXT),
        P("check", lambda n: n.check, TEXT, "dmarc, spf, auth, ip or ptr"),
        P("checked", lambda n: n.checked, TEXT),
        P("why", lambda n: n.why, TEXT),
        P("who_acts", lambda n: n.who_acts, WHO_ACTS),
        P("who_acts_text", lambda n: n.who_acts.value, TEXT),
        P("fix", lambda n: n.fix, TEXT),
        P("caveat", lambda n: n.caveat, TEXT),
    ),
)

VERIFICATION = Shape[Verification](
    "verification",
    "The re-verification over DNS (or offline, or from a DNS snapshot).",
    (
        P("mode", lambda v: v.mode, Choice(VerifyMode)),
        P("resolver", lambda v: v.resolver, TEXT),
        P("done", lambda v: v.done, BOOL),
        P("pending", lambda v: v.pending, TEXTS),
        P("spf", lambda v: v.spf, Opt(Obj(SPF_RESULT))),
        P("spf_note", lambda v: v.spf_note, OPT_TEXT, "why SPF was not replayed"),
        P("dkim", lambda v: v.dkim, Many(Obj(DKIM_VERDICT))),
        P("dmarc", lambda v: v.dmarc, Opt(Obj(DMARC_VERDICT))),
        P("arc", lambda v: v.arc, Opt(Obj(ARC_VERDICT))),
        P("dnsbl", lambda v: v.dnsbl, Opt(Obj(DNSBL_CHECK)), "with --dnsbl only"),
        P("dns_log", lambda v: v.dns_log, EVIDENCE, "every lookup, in order"),
        P("findings", lambda v: v.findings, FINDINGS),
        P("ndr_links", lambda v: v.ndr_links, Many(Obj(NDR_LINK))),
        P("checked_at", lambda v: v.checked_at, OPT_TIME),
        P("elapsed_ms", lambda v: v.elapsed_ms, NUMBER),
        P("errors", lambda v: v.errors, TEXTS, "internal errors of a check"),
        P("prefetched", lambda v: v.prefetched, TEXTS),
    ),
)
