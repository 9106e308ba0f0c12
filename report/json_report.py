"""``headerlens report --format json``: the versioned JSON contract (schema: report.schema.json)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from headerlens import __version__
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.backscatter import Backscatter, of_bounce
from headerlens.diagnosis.facts import Diagnosis, Gap, GapKind, Outcome, Situation
from headerlens.diagnosis.findings_build import stamped_findings
from headerlens.diagnosis.ndr import reporter_doubt
from headerlens.model import (
    Analysis,
    CodeMeaning,
    Finding,
    InputKind,
    MethodResult,
    NdrFormat,
    NonDelivery,
)
from headerlens.model.feedback import Feedback, FeedbackFormat
from headerlens.model.ndr import OriginalKind, Rejecter
from headerlens.model.verification import Verification
from headerlens.report.json_message import ANALYSIS, BOUNDARY, DEFECTS
from headerlens.report.json_verify import FINDINGS, NDR_LINK, VERIFICATION, WHO_ACTS
from headerlens.report.jsonshape import (
    BOOL,
    INT,
    NUMBER,
    OPT_INT,
    OPT_TEXT,
    PAIRS,
    SECONDS,
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
from headerlens.report.ndr import Refusal, refusals
from headerlens.report.words import measurable_transit
from headerlens.stamped import final_results
from headerlens.textsafe import json_text

SCHEMA_VERSION = "1.1"
"""The contract's version: the minor number grows when fields are added, the major number when a
field is renamed, removed or changes meaning. CHANGELOG.md lists every change."""

SCHEMA_FILE = "report.schema.json"  # beside this module, installed with the package


@dataclass(frozen=True, slots=True)
class _Report:
    analysis: Analysis
    verification: Verification | None
    diagnosis: Diagnosis


@dataclass(frozen=True, slots=True)
class _Ndr:
    ndr: NonDelivery
    verification: Verification | None  # the returned message's own, when verified
    doubt: str = ""  # diagnosis/ndr.reporter_doubt: nothing ties the bounce to its reporter
    forged: Backscatter | None = None  # diagnosis/backscatter.of_bounce


FINAL_RESULT = Shape[MethodResult](
    "final_result",
    "One result the final receiver stamped (its own Authentication-Results).",
    (P("method", lambda r: r.method, TEXT), P("result", lambda r: r.result, TEXT)),
)

SUMMARY = Shape[_Report](
    "summary",
    "The message at a glance.",
    (
        P("hops", lambda r: len(r.analysis.chain.hops), INT),
        P("has_body", lambda r: r.analysis.has_body, BOOL, "false for a header-only paste"),
        P(
            "total_transit_seconds",
            lambda r: measurable_transit(r.analysis),
            Opt(SECONDS),
            "null when unknown or not measurable (the stamps' times contradict each other), as "
            "the reports say it; analysis.chain.total_transit_seconds keeps the raw difference",
        ),
        P("boundary", lambda r: r.analysis.chain.boundary, Opt(Obj(BOUNDARY))),
        P("final_receiver", lambda r: final_results(r.analysis), Many(Obj(FINAL_RESULT))),
    ),
)

SITUATION = Shape[Situation](
    "situation",
    "One situation the diagnosis recognised, with what was seen.",
    (
        P("label", lambda s: s.label, TEXT),
        P("hop_number", lambda s: s.hop_number, OPT_INT),
        P("evidence", lambda s: s.evidence, TEXTS, "short quotes of what was seen"),
        P("facts", lambda s: s.facts, PAIRS, "named values: domain, host, forwarder..."),
    ),
)

GAP = Shape[Gap](
    "gap",
    "The time between one hop's stamp and the next dated stamp, and how to read it.",
    (
        P("hop_number", lambda g: g.hop_number, INT),
        P("next_hop", lambda g: g.next_hop, INT),
        P("host", lambda g: g.host, OPT_TEXT, "the server whose queue held the message"),
        P(
            "seconds",
            lambda g: g.seconds,
            NUMBER,
            "a transit gap is a delay from 600 s; 180-599 s on a relay (after the first stamp) is "
            "said as information (delay.short-queue), never a delay",
        ),
        P("kind", lambda g: g.kind, Choice(GapKind)),
        P("note", lambda g: g.note, TEXT),
    ),
)

DIAGNOSIS = Shape[Diagnosis](
    "diagnosis",
    "What happened, from the receiver's own headers: situations, outcome, one-line headline.",
    (
        P("situations", lambda d: d.situations, Many(Obj(SITUATION))),
        P("outcome", lambda d: d.outcome.outcome, Choice(Outcome), "where the receiver put it"),
        P("outcome_evidence", lambda d: d.outcome.evidence, TEXTS, "the header that says so"),
        P("outcome_receiver", lambda d: d.outcome.receiver, OPT_TEXT),
        P(
            "outcome_folder",
            lambda d: d.outcome.folder,
            OPT_TEXT,
            "where it went when no outcome names it, or who chose the folder when not the filter",
        ),
        P("gaps", lambda d: d.gaps, Many(Obj(GAP))),
        P("headline", lambda d: d.headline, TEXT),
    ),
)

CATALOGUE = Shape[CodeMeaning](
    "code_meaning",
    "What a status code means, from a cited catalogue entry.",
    (
        P("key", lambda m: m.key, TEXT, "5.7.26, 5.7.x, text:relay-access-denied..."),
        P("explanation", lambda m: m.explanation, TEXT),
        P("who_acts", lambda m: m.who_acts, WHO_ACTS),
        P("fix", lambda m: m.fix, TEXT),
        P("source", lambda m: m.source, TEXT, "the document the entry follows"),
        P("matched", lambda m: m.matched, TEXT, "vendor-text, vendor-code, rfc3463-detail..."),
        P("about", lambda m: m.about, TEXT, "spf, dkim, dmarc, auth, ip, ptr or empty"),
    ),
)

REFUSED_RECIPIENT = Shape[Refusal](
    "refused_recipient",
    "One recipient the bounce says was refused, its code explained, and who acts.",
    (
        P("address", lambda f: f.recipient.address, TEXT),
        P("original_recipient", lambda f: f.recipient.original_recipient, OPT_TEXT),
        P("action", lambda f: f.recipient.action, TEXT),
        P("status", lambda f: f.recipient.effective_status, OPT_TEXT, "most specific code"),
        P("reported_status", lambda f: f.recipient.status, OPT_TEXT, "as the report gives it"),
        P("smtp_code", lambda f: f.recipient.smtp_code, OPT_INT),
        P("diagnostic", lambda f: f.recipient.diagnostic, TEXT, "the remote server's reply"),
        P("reporting_mta", lambda f: f.recipient.reporting_mta, OPT_TEXT),
        P("remote_mta", lambda f: f.recipient.remote_mta, OPT_TEXT),
        P("remote_domain", lambda f: f.recipient.remote_domain, OPT_TEXT),
        P("remote_ip", lambda f: f.recipient.remote_ip, OPT_TEXT),
        P("sending_ip", lambda f: f.recipient.sending_ip, OPT_TEXT),
        P("smtp_stage", lambda f: f.recipient.smtp_stage, OPT_TEXT),
        P("rejected_by", lambda f: f.recipient.rejecter, Choice(Rejecter, by_name=True)),
        P("rejected_by_text", lambda f: f.recipient.rejecter.value, TEXT),
        P("rejected_by_why", lambda f: f.recipient.rejecter_why, TEXT),
        P("explanation", lambda f: f.explanation, TEXT),
        P("who_acts", lambda f: f.who_acts, WHO_ACTS),
        P("who_acts_text", lambda f: f.who_acts.value, TEXT),
        P("fix", lambda f: f.fix, TEXT),
        P("catalogue", lambda f: f.recipient.meaning, Opt(Obj(CATALOGUE))),
        P("link", lambda f: f.link, Opt(Obj(NDR_LINK))),
    ),
)

NDR = Shape[_Ndr](
    "ndr",
    "A non-delivery report: who reported, each refused recipient, the returned message.",
    (
        P("format", lambda n: n.ndr.format, Choice(NdrFormat, by_name=True)),
        P("format_text", lambda n: n.ndr.format.value, TEXT),
        P("reporting_mta", lambda n: n.ndr.reporting_mta, OPT_TEXT),
        P("detected_by", lambda n: n.ndr.detected_by, TEXT),
        P(
            "recipients",
            lambda n: refusals(n.ndr, n.verification, n.doubt, n.forged),
            Many(Obj(REFUSED_RECIPIENT)),
        ),
        P("original_kind", lambda n: n.ndr.original_kind, Choice(OriginalKind, by_name=True)),
        P(
            "original",
            lambda n: _original(n),
            Opt(Obj(late=lambda: REPORT)),
            "the returned message as a full report of its own",
        ),
        P("defects", lambda n: n.ndr.defects, DEFECTS),
    ),
)


FEEDBACK = Shape[Feedback](
    "feedback",
    "A complaint / feedback report (RFC 5965 ARF, RFC 6591, JMRP): who reported what, and the "
    "reported message.",
    (
        P("format", lambda f: f.format, Choice(FeedbackFormat, by_name=True)),
        P("format_text", lambda f: f.format.value, TEXT),
        P("feedback_type", lambda f: f.feedback_type, OPT_TEXT, "abuse, fraud, auth-failure…"),
        P("reporter", lambda f: f.reporter, OPT_TEXT),
        P("user_agent", lambda f: f.user_agent, OPT_TEXT),
        P("source_ip", lambda f: f.source_ip, OPT_TEXT),
        P("original_mail_from", lambda f: f.original_mail_from, OPT_TEXT),
        P("original_rcpt_to", lambda f: f.original_rcpt_to, TEXTS),
        P("reported_domain", lambda f: f.reported_domain, TEXTS),
        P("arrival_date", lambda f: f.arrival_date, OPT_TEXT, "as the report writes it"),
        P("auth_failure", lambda f: f.auth_failure, OPT_TEXT, "RFC 6591: dmarc, spf, dkim…"),
        P("original_kind", lambda f: f.original_kind, Choice(OriginalKind, by_name=True)),
        P(
            "original",
            lambda f: (
                None
                if f.original is None
                else _Report(f.original, None, diagnose(f.original, None))
            ),
            Opt(Obj(late=lambda: REPORT)),
            "the reported message as a full report of its own (not re-verified)",
        ),
    ),
)


def _original(n: _Ndr) -> _Report | None:
    if n.ndr.original is None:
        return None
    original = n.verification.original if n.verification is not None else None
    return _Report(n.ndr.original, original, diagnose(n.ndr.original, original))


def _findings(r: _Report) -> tuple[Finding, ...]:
    v = r.verification
    return v.findings if v is not None else stamped_findings(r.analysis)


def _ndr(r: _Report) -> _Ndr | None:
    ndr = r.analysis.ndr
    if ndr is None:
        return None
    return _Ndr(
        ndr, r.verification, reporter_doubt(r.analysis, r.verification), of_bounce(r.analysis)
    )


REPORT: Shape[_Report] = Shape[_Report](
    "report",
    "headerlens report --format json: one message analysed and re-verified.",
    (
        P("format", lambda r: r, Const("headerlens-report")),
        P("schema_version", lambda r: r, Const(SCHEMA_VERSION)),
        P("headerlens", lambda r: __version__, TEXT, "the version of headerlens that wrote it"),
        P("source", lambda r: r.analysis.source_name, TEXT, "the input's file name"),
        P("kind", lambda r: r.analysis.kind, Choice(InputKind)),
        P("summary", lambda r: r, Obj(SUMMARY)),
        P("diagnosis", lambda r: r.diagnosis, Obj(DIAGNOSIS)),
        P("findings", _findings, FINDINGS, "the verification's, or the stamps' when offline"),
        P("ndr", _ndr, Opt(Obj(NDR)), "null unless the message is a bounce"),
        P(
            "feedback",
            lambda r: r.analysis.feedback,
            Opt(Obj(FEEDBACK)),
            "null unless the message is a complaint / feedback report",
        ),
        P("verification", lambda r: r.verification, Opt(Obj(VERIFICATION))),
        P("analysis", lambda r: r.analysis, Obj(ANALYSIS)),
    ),
)


def report_dict(analysis: Analysis, verification: Verification | None = None) -> dict[str, Any]:
    """The JSON document as a dict: a short summary first, then the whole analysis."""
    return REPORT.dump(_Report(analysis, verification, diagnose(analysis, verification)))


def render_json(analysis: Analysis, verification: Verification | None = None) -> str:
    """The JSON report as text (UTF-8 kept readable; control characters already escaped)."""
    return json_text(report_dict(analysis, verification), indent=2)


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the report, as published in report.schema.json."""
    return document_schema(REPORT, "headerlens report", SCHEMA_VERSION)
