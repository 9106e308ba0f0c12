"""``headerlens check --format json``: the versioned JSON contract (schema: check.schema.json)."""

from __future__ import annotations

from typing import Any

from headerlens.model.domaincheck import (
    DmarcCheck,
    DmarcTagCheck,
    DomainCheck,
    PublishRecord,
    ReportDestination,
    SelectorCheck,
    SelectorState,
    SpfCheck,
    SpfNode,
    SpfNodeState,
    SpfRange,
)
from headerlens.model.mailrouting import DnssecCheck, MxCheck, MxHost, MxState, PolicyCheck
from headerlens.model.spf import SpfMechanism, SpfRecord, SpfTerm
from headerlens.report.json_message import DEFECT, DEFECTS
from headerlens.report.json_report import SCHEMA_VERSION
from headerlens.report.json_verify import (
    DKIM_KEY,
    DMARC_RECORD,
    DNS_RECORD,
    DNSBL_CHECK,
    EVIDENCE,
    ORG_DOMAIN,
    SPF_RESULT,
)
from headerlens.report.jsonshape import (
    BOOL,
    INT,
    OPT_BOOL,
    OPT_INT,
    OPT_TEXT,
    TEXT,
    TEXTS,
    Choice,
    Const,
    Many,
    Obj,
    Opt,
    P,
    Shape,
    document_schema,
)
from headerlens.textsafe import json_text

SCHEMA_FILE = "check.schema.json"  # beside this module, installed with the package


def _mechanism(t: SpfTerm) -> SpfMechanism | None:
    return t if isinstance(t, SpfMechanism) else None


def _target(t: SpfTerm) -> str | None:
    return t.domain_spec if isinstance(t, SpfMechanism) else t.value


SPF_TERM = Shape[SpfTerm](
    "spf_term",
    "One term of an SPF record: a mechanism (with its qualifier) or a modifier.",
    (
        P("raw", lambda t: t.raw, TEXT),
        P("type", lambda t: "mechanism" if _mechanism(t) else "modifier", TEXT),
        P("name", lambda t: t.name, TEXT, "all, include, ip4... or redirect, exp..."),
        P("qualifier", lambda t: m.qualifier if (m := _mechanism(t)) else None, OPT_TEXT),
        P(
            "target",
            _target,
            OPT_TEXT,
            "a mechanism's domain-spec, a modifier's value",
        ),
        P("network", lambda t: m.network if (m := _mechanism(t)) else None, OPT_TEXT),
        P("cidr4", lambda t: m.cidr4 if (m := _mechanism(t)) else None, OPT_INT),
        P("cidr6", lambda t: m.cidr6 if (m := _mechanism(t)) else None, OPT_INT),
    ),
)

SPF_RECORD = Shape[SpfRecord](
    "spf_record",
    "A parsed SPF record.",
    (
        P("raw", lambda r: r.raw, TEXT),
        P("version", lambda r: r.version, OPT_TEXT, "spf1, or null when not an SPF record"),
        P("terms", lambda r: r.terms, Many(Obj(SPF_TERM))),
        P("defects", lambda r: r.defects, DEFECTS),
    ),
)

SPF_NODE: Shape[SpfNode] = Shape[SpfNode](
    "spf_node",
    "One record of the SPF include/redirect tree, with the DNS answer that holds it.",
    (
        P("domain", lambda n: n.domain, TEXT),
        P("via", lambda n: n.via, TEXT, "the term that led here; empty for the top record"),
        P("state", lambda n: n.state, Choice(SpfNodeState)),
        P("evidence", lambda n: n.evidence, Opt(Obj(DNS_RECORD))),
        P("record", lambda n: n.record, Opt(Obj(SPF_RECORD))),
        P("children", lambda n: n.children, Many(Obj(late=lambda: SPF_NODE))),
        P("dns_terms", lambda n: n.dns_terms, INT),
        P("subtree_terms", lambda n: n.subtree_terms, INT),
        P("void_lookups", lambda n: n.void_lookups, INT),
        P("term_evidence", lambda n: n.term_evidence, EVIDENCE),
        P("problems", lambda n: n.problems, DEFECTS),
    ),
)

SPF_RANGE = Shape[SpfRange](
    "spf_range",
    "One ip4/ip6 network listed in the tree, and where.",
    (
        P("network", lambda r: r.network, TEXT),
        P("term", lambda r: r.term, TEXT),
        P("domain", lambda r: r.domain, TEXT),
        P("path", lambda r: r.path, TEXTS),
    ),
)

SPF_CHECK = Shape[SpfCheck](
    "spf_check",
    "The domain's SPF as published, counted against the RFC 7208 limits.",
    (
        P("domain", lambda s: s.domain, TEXT),
        P("tree", lambda s: s.tree, Obj(SPF_NODE)),
        P("dns_terms", lambda s: s.dns_terms, INT),
        P("void_lookups", lambda s: s.void_lookups, INT),
        P("limit_result", lambda s: s.limit_result, OPT_TEXT, "permerror over the limits"),
        P("ranges", lambda s: s.ranges, Many(Obj(SPF_RANGE))),
        P("includes", lambda s: s.includes, TEXTS),
        P("ip_result", lambda s: s.ip_result, Opt(Obj(SPF_RESULT)), "check_host() for --ip"),
        P("problems", lambda s: s.problems, DEFECTS),
        P("evidence", lambda s: s.evidence, EVIDENCE),
    ),
)

PUBLISH = Shape[PublishRecord](
    "publish_record",
    "A DNS record to publish, as the provider asks for it.",
    (
        P("name", lambda r: r.name, TEXT),
        P("rdtype", lambda r: r.rdtype, TEXT),
        P("value", lambda r: r.value, TEXT),
        P("note", lambda r: r.note, TEXT),
    ),
)

SELECTOR = Shape[SelectorCheck](
    "selector_check",
    "One DKIM selector: <selector>._domainkey.<domain>.",
    (
        P("selector", lambda s: s.selector, TEXT),
        P("name", lambda s: s.name, TEXT),
        P("state", lambda s: s.state, Choice(SelectorState)),
        P("cname_chain", lambda s: s.cname_chain, TEXTS),
        P("cname_target", lambda s: s.cname_target, OPT_TEXT),
        P("key", lambda s: s.key, Opt(Obj(DKIM_KEY))),
        P("publish", lambda s: s.publish, Many(Obj(PUBLISH))),
        P("problems", lambda s: s.problems, DEFECTS),
        P("evidence", lambda s: s.evidence, EVIDENCE),
    ),
)

DMARC_TAG = Shape[DmarcTagCheck](
    "dmarc_tag",
    "One DMARC tag as published and what it means.",
    (
        P("tag", lambda t: t.tag, TEXT),
        P("value", lambda t: t.value, OPT_TEXT),
        P("meaning", lambda t: t.meaning, TEXT),
        P("problem", lambda t: t.problem, Opt(Obj(DEFECT))),
    ),
)

DESTINATION = Shape[ReportDestination](
    "report_destination",
    "One rua/ruf address and whether it may receive reports (RFC 7489 §7.1).",
    (
        P("tag", lambda d: d.tag, TEXT),
        P("uri", lambda d: d.uri, TEXT),
        P("address", lambda d: d.address, TEXT),
        P("domain", lambda d: d.domain, TEXT),
        P("external", lambda d: d.external, BOOL),
        P("auth_name", lambda d: d.auth_name, OPT_TEXT),
        P("authorised", lambda d: d.authorised, OPT_BOOL),
        P("evidence", lambda d: d.evidence, Opt(Obj(DNS_RECORD))),
    ),
)

DMARC_CHECK = Shape[DmarcCheck](
    "dmarc_check",
    "The DMARC policy that governs the domain.",
    (
        P("domain", lambda d: d.domain, TEXT),
        P("record", lambda d: d.record, Opt(Obj(DMARC_RECORD))),
        P("record_domain", lambda d: d.record_domain, OPT_TEXT),
        P("org_domain", lambda d: d.org_domain, Opt(Obj(ORG_DOMAIN))),
        P("tags", lambda d: d.tags, Many(Obj(DMARC_TAG))),
        P("destinations", lambda d: d.destinations, Many(Obj(DESTINATION))),
        P("reading", lambda d: d.reading, TEXTS),
        P("problems", lambda d: d.problems, DEFECTS),
        P("evidence", lambda d: d.evidence, EVIDENCE),
    ),
)

MX_HOST = Shape[MxHost](
    "mx_host",
    "One MX record, its addresses, and whether it is the provider's gateway.",
    (
        P("preference", lambda h: h.preference, INT),
        P("host", lambda h: h.host, TEXT),
        P("addresses", lambda h: h.addresses, TEXTS),
        P("gateway", lambda h: h.gateway, OPT_BOOL, "null when no provider was named"),
        P("evidence", lambda h: h.evidence, EVIDENCE),
        P("problems", lambda h: h.problems, DEFECTS),
    ),
)

MX_CHECK = Shape[MxCheck](
    "mx_check",
    "Where inbound mail for the domain goes.",
    (
        P("domain", lambda m: m.domain, TEXT),
        P("state", lambda m: m.state, Choice(MxState)),
        P("hosts", lambda m: m.hosts, Many(Obj(MX_HOST))),
        P("expected", lambda m: m.expected, TEXTS, "MX hosts the provider documents"),
        P("publish", lambda m: m.publish, OPT_TEXT),
        P("problems", lambda m: m.problems, DEFECTS),
        P("evidence", lambda m: m.evidence, EVIDENCE),
    ),
)

POLICY = Shape[PolicyCheck](
    "policy_check",
    "MTA-STS, TLS-RPT or BIMI: the record found, in plain words.",
    (
        P("kind", lambda p: p.kind, TEXT, "MTA-STS, TLS-RPT or BIMI"),
        P("name", lambda p: p.name, TEXT),
        P("record", lambda p: p.record, OPT_TEXT),
        P("words", lambda p: p.words, TEXTS),
        P("problems", lambda p: p.problems, DEFECTS),
        P("evidence", lambda p: p.evidence, EVIDENCE),
    ),
)

DNSSEC = Shape[DnssecCheck](
    "dnssec_check",
    "Is the zone signed, and did the resolver validate it.",
    (
        P("domain", lambda d: d.domain, TEXT),
        P("dnskeys", lambda d: d.dnskeys, INT),
        P("ds", lambda d: d.ds, INT),
        P("validated", lambda d: d.validated, OPT_BOOL),
        P("words", lambda d: d.words, TEXTS),
        P("problems", lambda d: d.problems, DEFECTS),
        P("evidence", lambda d: d.evidence, EVIDENCE),
    ),
)

DOMAIN_CHECK = Shape[DomainCheck](
    "domain_check",
    "Everything headerlens check DOMAIN found, with every DNS answer it used.",
    (
        P("domain", lambda c: c.domain, TEXT),
        P("provider", lambda c: c.provider, OPT_TEXT),
        P("ip", lambda c: c.ip, OPT_TEXT),
        P("resolver", lambda c: c.resolver, TEXT),
        P("spf", lambda c: c.spf, Opt(Obj(SPF_CHECK))),
        P("dkim", lambda c: c.dkim, Many(Obj(SELECTOR))),
        P("dmarc", lambda c: c.dmarc, Opt(Obj(DMARC_CHECK))),
        P("mx", lambda c: c.mx, Opt(Obj(MX_CHECK))),
        P("dnsbl", lambda c: c.dnsbl, Opt(Obj(DNSBL_CHECK))),
        P("policies", lambda c: c.policies, Many(Obj(POLICY))),
        P("dnssec", lambda c: c.dnssec, Opt(Obj(DNSSEC))),
        P("advice", lambda c: c.advice, DEFECTS),
        P("notes", lambda c: c.notes, TEXTS),
        P("records", lambda c: c.records, TEXTS, "every record to publish, as typed"),
        P("dns_log", lambda c: c.dns_log, EVIDENCE),
    ),
)

CHECK_DOCUMENT = Shape[DomainCheck](
    "check_document",
    "headerlens check DOMAIN --format json.",
    (
        P("format", lambda c: c, Const("headerlens-domain-check")),
        P("schema_version", lambda c: c, Const(SCHEMA_VERSION)),
        P("check", lambda c: c, Obj(DOMAIN_CHECK)),
    ),
)


def check_dict(result: DomainCheck) -> dict[str, Any]:
    """The JSON document of a domain check as a dict."""
    return CHECK_DOCUMENT.dump(result)


def render_check_json(result: DomainCheck) -> str:
    """The JSON document as text (strings inert)."""
    return json_text(check_dict(result), indent=2)


def check_schema() -> dict[str, Any]:
    """The JSON Schema of the domain check, as published in check.schema.json."""
    return document_schema(CHECK_DOCUMENT, "headerlens domain check", SCHEMA_VERSION)
