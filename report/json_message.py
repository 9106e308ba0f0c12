"""The JSON contract for what was read from the message: header fields, hops, stamps, authors."""

from __future__ import annotations

from headerlens.model import (
    Address,
    Analysis,
    ARCSeal,
    ARCSet,
    Author,
    AuthProperty,
    AuthResults,
    Boundary,
    Chain,
    DecodedField,
    Defect,
    DKIMSignature,
    FieldAuthor,
    HeaderField,
    Hop,
    HopRole,
    InputKind,
    MethodResult,
    Provenance,
    Received,
    ReceivedSPF,
    Severity,
    Vendor,
    VendorHeader,
)
from headerlens.model.codes import Code
from headerlens.report.jsonshape import (
    BOOL,
    INT,
    OPT_INT,
    OPT_TEXT,
    OPT_TIME,
    PAIRS,
    SECONDS,
    TEXT,
    TEXTS,
    Choice,
    Many,
    Obj,
    Opt,
    P,
    Shape,
)

SEVERITY = Choice(Severity)
CODE = Choice(Code)  # every finding and defect code (headerlens/model/codes.py)

DEFECT = Shape[Defect](
    "defect",
    "Something malformed or surprising in the input or a record, kept instead of failing.",
    (
        P("code", lambda d: d.code, CODE, "stable machine name, e.g. received.no-date"),
        P("severity", lambda d: d.severity, SEVERITY),
        P("message", lambda d: d.message, TEXT, "one plain sentence"),
    ),
)
DEFECTS = Many(Obj(DEFECT))

HEADER = Shape[HeaderField](
    "header_field",
    "One header field as it appears in the message (raw bytes are left out).",
    (
        P("index", lambda h: h.index, INT, "position in the header section, 0 = top-most"),
        P("name", lambda h: h.name, TEXT),
        P("value", lambda h: h.value, TEXT, "unfolded, decoded as UTF-8"),
    ),
)

ADDRESS = Shape[Address](
    "address",
    "An address from From or Return-Path.",
    (
        P("display", lambda a: a.display, TEXT, "the decoded field value as shown"),
        P("address", lambda a: a.address, OPT_TEXT, "local@domain; empty for the null sender"),
        P("domain", lambda a: a.domain, OPT_TEXT, "lower case"),
    ),
)

RECEIVED = Shape[Received](
    "received",
    "One Received field, parsed; every part is null when the line does not state it.",
    (
        P("raw", lambda r: r.raw, TEXT, "the unfolded line"),
        P("from_helo", lambda r: r.from_helo, OPT_TEXT, "name the client gave in HELO/EHLO"),
        P("from_rdns", lambda r: r.from_rdns, OPT_TEXT, "reverse-DNS name the receiver found"),
        P("from_ip", lambda r: r.from_ip, OPT_TEXT, "connecting IP"),
        P(
            "from_ip_masked",
            lambda r: r.from_ip_masked,
            OPT_TEXT,
            "the client address as written when a paste masked it or put a placeholder "
            "(10.192.xx.xx, IP removed, 0.0.0.0); from_ip is then null",
        ),
        P("by", lambda r: r.by, OPT_TEXT, "receiving host"),
        P("by_ip", lambda r: r.by_ip, OPT_TEXT),
        P("with_protocol", lambda r: r.with_protocol, OPT_TEXT, "SMTP, ESMTPS, mapi..."),
        P("via", lambda r: r.via, OPT_TEXT),
        P("id", lambda r: r.id, OPT_TEXT),
        P("for_addr", lambda r: r.for_addr, OPT_TEXT),
        P("tls_version", lambda r: r.tls_version, OPT_TEXT),
        P("tls_cipher", lambda r: r.tls_cipher, OPT_TEXT),
        P("server_software", lambda r: r.server_software, OPT_TEXT),
        P("server_version", lambda r: r.server_version, OPT_TEXT),
        P("date_text", lambda r: r.date_text, OPT_TEXT, "the date as written"),
        P("timestamp", lambda r: r.timestamp, OPT_TIME, "ISO 8601 in the line's own offset"),
        P("envelope_from", lambda r: r.envelope_from, OPT_TEXT),
        P("defects", lambda r: r.defects, DEFECTS),
    ),
)

HOP = Shape[Hop](
    "hop",
    "One Received field placed in the delivery chain.",
    (
        P("number", lambda h: h.number, INT, "1 = the oldest hop"),
        P("header_index", lambda h: h.header_index, INT),
        P("received", lambda h: h.received, Obj(RECEIVED)),
        P("role", lambda h: h.role, Choice(HopRole)),
        P("vendor", lambda h: h.vendor, Choice(Vendor)),
        P("product_version", lambda h: h.product_version, OPT_TEXT),
        P("product", lambda h: h.product, OPT_TEXT, "software named when no vendor is known"),
        P("delay_seconds", lambda h: h.delay, Opt(SECONDS), "since the previous hop"),
        P("clock_skew", lambda h: h.clock_skew, BOOL),
        P("is_boundary", lambda h: h.is_boundary, BOOL),
        P("defects", lambda h: h.defects, DEFECTS),
    ),
)

BOUNDARY = Shape[Boundary](
    "boundary",
    "Where the message entered the receiving organisation: the SPF check that matters.",
    (
        P("hop_number", lambda b: b.hop_number, INT),
        P("receiver", lambda b: b.receiver, OPT_TEXT),
        P("ip", lambda b: b.ip, OPT_TEXT),
        P("helo", lambda b: b.helo, OPT_TEXT),
        P("mail_from", lambda b: b.mail_from, OPT_TEXT, "empty for the null sender"),
        P("reason", lambda b: b.reason, TEXT),
        P(
            "unconfirmed",
            lambda b: b.unconfirmed,
            OPT_TEXT,
            "why the boundary rests on an internal line nothing confirms (no --trusted-host)",
        ),
    ),
)

CHAIN = Shape[Chain](
    "chain",
    "The Received chain, oldest hop first.",
    (
        P("hops", lambda c: c.hops, Many(Obj(HOP))),
        P("total_transit_seconds", lambda c: c.total_transit, Opt(SECONDS)),
        P("boundary", lambda c: c.boundary, Opt(Obj(BOUNDARY))),
        P("defects", lambda c: c.defects, DEFECTS),
    ),
)

AUTH_PROPERTY = Shape[AuthProperty](
    "auth_property",
    "One ptype.property=value of a method result (RFC 8601), e.g. smtp.mailfrom.",
    (
        P("ptype", lambda p: p.ptype, TEXT),
        P("name", lambda p: p.name, TEXT),
        P("value", lambda p: p.value, TEXT),
    ),
)

METHOD_RESULT = Shape[MethodResult](
    "method_result",
    "One method=result clause of an Authentication-Results field.",
    (
        P("method", lambda m: m.method, TEXT),
        P("result", lambda m: m.result, TEXT),
        P("version", lambda m: m.version, OPT_TEXT),
        P("reason", lambda m: m.reason, OPT_TEXT),
        P("properties", lambda m: m.properties, Many(Obj(AUTH_PROPERTY))),
        P("comments", lambda m: m.comments, TEXTS),
        P("extras", lambda m: m.extras, PAIRS, "other key=value pairs (Microsoft's action=)"),
        P("explanation", lambda m: m.explanation, OPT_TEXT),
    ),
)

AUTH_RESULTS = Shape[AuthResults](
    "auth_results",
    "One Authentication-Results or ARC-Authentication-Results field.",
    (
        P("header_name", lambda a: a.header_name, TEXT),
        P("header_index", lambda a: a.header_index, INT),
        P("raw", lambda a: a.raw, TEXT),
        P("authserv_id", lambda a: a.authserv_id, OPT_TEXT),
        P("results", lambda a: a.results, Many(Obj(METHOD_RESULT))),
        P("version", lambda a: a.version, OPT_TEXT),
        P("instance", lambda a: a.instance, OPT_INT, "ARC i="),
        P("comments", lambda a: a.comments, TEXTS),
        P("stamped_by_hop", lambda a: a.stamped_by_hop, OPT_INT),
        P("defects", lambda a: a.defects, DEFECTS),
    ),
)

RECEIVED_SPF = Shape[ReceivedSPF](
    "received_spf",
    "A Received-SPF field (RFC 7208 §9.1).",
    (
        P("header_name", lambda r: r.header_name, TEXT),
        P("header_index", lambda r: r.header_index, INT),
        P("raw", lambda r: r.raw, TEXT),
        P("result", lambda r: r.result, OPT_TEXT),
        P("comment", lambda r: r.comment, OPT_TEXT),
        P("client_ip", lambda r: r.client_ip, OPT_TEXT),
        P("envelope_from", lambda r: r.envelope_from, OPT_TEXT),
        P("helo", lambda r: r.helo, OPT_TEXT),
        P("receiver", lambda r: r.receiver, OPT_TEXT),
        P("identity", lambda r: r.identity, OPT_TEXT),
        P("mechanism", lambda r: r.mechanism, OPT_TEXT),
        P("pairs", lambda r: r.pairs, PAIRS),
        P("stamped_by_hop", lambda r: r.stamped_by_hop, OPT_INT),
        P("defects", lambda r: r.defects, DEFECTS),
    ),
)

DKIM_SIGNATURE = Shape[DKIMSignature](
    "dkim_signature",
    "A DKIM-Signature or ARC-Message-Signature as written (RFC 6376 §3.5).",
    (
        P("header_name", lambda s: s.header_name, TEXT),
        P("header_index", lambda s: s.header_index, INT),
        P("raw", lambda s: s.raw, TEXT),
        P("tags", lambda s: s.tags.tags, PAIRS, "every tag=value, in order"),
        P("version", lambda s: s.version, OPT_TEXT),
        P("algorithm", lambda s: s.algorithm, OPT_TEXT, "a="),
        P("domain", lambda s: s.domain, OPT_TEXT, "d="),
        P("selector", lambda s: s.selector, OPT_TEXT, "s="),
        P("signed_headers", lambda s: s.signed_headers, TEXTS, "h=, lower case"),
        P("canonicalization", lambda s: s.canonicalization, OPT_TEXT, "c="),
        P("identity", lambda s: s.identity, OPT_TEXT, "i="),
        P("body_length", lambda s: s.body_length, OPT_INT, "l="),
        P("timestamp", lambda s: s.timestamp, OPT_INT, "t=, seconds since 1970"),
        P("expiration", lambda s: s.expiration, OPT_INT, "x=, seconds since 1970"),
        P("body_hash", lambda s: s.body_hash, OPT_TEXT, "bh="),
        P("signature", lambda s: s.signature, OPT_TEXT, "b="),
        P("instance", lambda s: s.instance, OPT_INT, "ARC i="),
        P("defects", lambda s: (*s.tags.defects, *s.defects), DEFECTS),
    ),
)

ARC_SEAL = Shape[ARCSeal](
    "arc_seal",
    "An ARC-Seal as written (RFC 8617 §4.1.3).",
    (
        P("header_index", lambda s: s.header_index, INT),
        P("raw", lambda s: s.raw, TEXT),
        P("tags", lambda s: s.tags.tags, PAIRS),
        P("instance", lambda s: s.instance, OPT_INT),
        P("cv", lambda s: s.cv, OPT_TEXT),
        P("algorithm", lambda s: s.algorithm, OPT_TEXT),
        P("domain", lambda s: s.domain, OPT_TEXT),
        P("selector", lambda s: s.selector, OPT_TEXT),
        P("timestamp", lambda s: s.timestamp, OPT_INT),
        P("signature", lambda s: s.signature, OPT_TEXT),
        P("defects", lambda s: (*s.tags.defects, *s.defects), DEFECTS),
    ),
)

ARC_SET = Shape[ARCSet](
    "arc_set",
    "The three ARC fields sharing one instance number.",
    (
        P("instance", lambda a: a.instance, INT),
        P("seal", lambda a: a.seal, Opt(Obj(ARC_SEAL))),
        P("message_signature", lambda a: a.message_signature, Opt(Obj(DKIM_SIGNATURE))),
        P("results", lambda a: a.results, Opt(Obj(AUTH_RESULTS))),
        P("stamped_by_hop", lambda a: a.stamped_by_hop, OPT_INT),
        P("defects", lambda a: a.defects, DEFECTS),
    ),
)

DECODED_FIELD = Shape[DecodedField](
    "decoded_field",
    "One field inside a vendor header, with its meaning when known.",
    (
        P("key", lambda f: f.key, TEXT),
        P("value", lambda f: f.value, TEXT),
        P("label", lambda f: f.label, OPT_TEXT),
        P("meaning", lambda f: f.meaning, OPT_TEXT),
        P("severity", lambda f: f.severity, SEVERITY),
    ),
)

VENDOR_HEADER = Shape[VendorHeader](
    "vendor_header",
    "A vendor header (Microsoft, Trend Micro, Gmail...) decoded into fields.",
    (
        P("header_name", lambda v: v.header_name, TEXT),
        P("header_index", lambda v: v.header_index, INT),
        P("vendor", lambda v: v.vendor, TEXT),
        P("raw", lambda v: v.raw, TEXT),
        P("summary", lambda v: v.summary, OPT_TEXT),
        P("fields", lambda v: v.fields, Many(Obj(DECODED_FIELD))),
        P("stamped_by_hop", lambda v: v.stamped_by_hop, OPT_INT),
        P("defects", lambda v: v.defects, DEFECTS),
    ),
)

FIELD_AUTHOR = Shape[FieldAuthor](
    "field_author",
    "Who wrote one header field, and why we think so.",
    (
        P("header_index", lambda f: f.header_index, INT),
        P("header_name", lambda f: f.header_name, TEXT),
        P("author", lambda f: f.author, Choice(Author, by_name=True)),
        P("author_text", lambda f: f.author.value, TEXT, "the author in words"),
        P("hop_number", lambda f: f.hop_number, OPT_INT),
        P("writer", lambda f: f.writer, OPT_TEXT, "the host or organisation as stated"),
        P("evidence", lambda f: f.evidence, TEXT),
    ),
)

PROVENANCE = Shape[Provenance](
    "provenance",
    "The author of every header field: only the final receiver's fields prove anything.",
    (
        P("receiver_org", lambda p: p.receiver_org, OPT_TEXT),
        P("fields", lambda p: p.fields, Many(Obj(FIELD_AUTHOR))),
    ),
)

ANALYSIS = Shape[Analysis](
    "analysis",
    "Everything read from the message without DNS.",
    (
        P("source_name", lambda a: a.source_name, TEXT),
        P("kind", lambda a: a.kind, Choice(InputKind)),
        P("headers", lambda a: a.headers, Many(Obj(HEADER))),
        P("chain", lambda a: a.chain, Obj(CHAIN)),
        P("auth_results", lambda a: a.auth_results, Many(Obj(AUTH_RESULTS))),
        P("received_spf", lambda a: a.received_spf, Many(Obj(RECEIVED_SPF))),
        P("dkim_signatures", lambda a: a.dkim_signatures, Many(Obj(DKIM_SIGNATURE))),
        P("arc_sets", lambda a: a.arc_sets, Many(Obj(ARC_SET))),
        P("vendor_headers", lambda a: a.vendor_headers, Many(Obj(VENDOR_HEADER))),
        P("from_addr", lambda a: a.from_addr, Opt(Obj(ADDRESS))),
        P("return_path", lambda a: a.return_path, Opt(Obj(ADDRESS))),
        P("subject", lambda a: a.subject, OPT_TEXT, "RFC 2047 decoded"),
        P("subject_raw", lambda a: a.subject_raw, OPT_TEXT),
        P("message_id", lambda a: a.message_id, OPT_TEXT),
        P("date", lambda a: a.date, OPT_TIME, "the Date field"),
        P("receipt_time", lambda a: a.receipt_time, OPT_TIME, "the boundary hop's time"),
        P("provenance", lambda a: a.provenance, Obj(PROVENANCE)),
        P("defects", lambda a: a.defects, DEFECTS),
    ),
)
