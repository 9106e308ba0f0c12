"""Pure analysis: raw message bytes in, one immutable Analysis out (no I/O, no network)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from headerlens import budgets
from headerlens.model import (
    Address,
    Analysis,
    ARCSeal,
    ARCSet,
    Author,
    AuthResults,
    Chain,
    Defect,
    DKIMSignature,
    HeaderField,
    InputKind,
    Provenance,
    Received,
    ReceivedSPF,
    Severity,
    VendorHeader,
)
from headerlens.parsers.authresults import parse_auth_results
from headerlens.parsers.binary import describe_binary, looks_binary, starts_with_field
from headerlens.parsers.chain import build_chain
from headerlens.parsers.chain_time import capped_hops, future_stamps, time_of_receipt
from headerlens.parsers.dates import parse_date
from headerlens.parsers.display_text import decode_words, decode_words_checked, single_address
from headerlens.parsers.dkimsig import group_arc_sets, parse_arc_seal, parse_dkim_signature
from headerlens.parsers.headers import split_message
from headerlens.parsers.identity import HIDDEN_CHARS, hidden_chars, read_author
from headerlens.parsers.lookalike import lookalike_domain, named_domains
from headerlens.parsers.ndr_gate import looks_like_feedback, looks_like_ndr
from headerlens.parsers.pasteshape import normalize_paste
from headerlens.parsers.provenance import attribute_fields
from headerlens.parsers.received import parse_received
from headerlens.parsers.receivedspf import parse_received_spf
from headerlens.parsers.recipient_lure import recipient_lure
from headerlens.parsers.report_safe import report_safe_original
from headerlens.parsers.stamp_evidence import stated_client_ip
from headerlens.parsers.vendor import decode_vendor_header, is_vendor_header
from headerlens.parsers.vendor_filters import with_rspamd_actions
from headerlens.stamped import duplicate_authserv_id, hop_for_header, stamping_hop

if TYPE_CHECKING:  # loaded with the bounce and complaint readers, for input that looks like one
    from headerlens.model import NonDelivery
    from headerlens.model.feedback import Feedback
    from headerlens.model.received import TrustedHosts

T = TypeVar("T")

# Fields carrying RFC 8601 results as stamped by a receiver, including the copies Microsoft and
# Trend Micro keep of earlier results.
AUTH_RESULTS_FIELDS = frozenset(
    {
        "authentication-results",
        "authentication-results-original",
        "x-ms-exchange-authentication-results",
        "x-tm-authentication-results",
        "x-original-authentication-results",
    }
)
RECEIVED_SPF_FIELDS = frozenset({"received-spf", "x-tm-received-spf"})


def _guard(
    what: str, field: HeaderField, fn: Callable[[HeaderField], T], defects: list[Defect]
) -> T | None:
    """Run one field parser; a bug in it becomes a defect on the analysis, not a crash.

    Parsers are written never to raise on bad input; this is the last line of defence so one
    hostile field cannot take the whole report down.
    """
    try:
        return fn(field)
    except Exception as exc:
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.INTERNAL_PARSER_ERROR,
                f"Internal error parsing {what} field #{field.index} ({type(exc).__name__}); "
                "the field is shown raw. Please report this.",
                Severity.ERROR,
            )
        )
        return None


def _parse_date(field: HeaderField) -> tuple[datetime | None, Defect | None]:
    return parse_date(field.value)


def _return_path(fields: Sequence[HeaderField], provenance: Provenance) -> HeaderField | None:
    """The Return-Path the final receiver wrote (RFC 5321 §4.4: the delivering MTA adds it), when
    one is attributed to it. Exchange Online writes its own after the header it received, so the
    first one in a message may be a copy the sender put in its own header."""
    return next(
        (f for f in fields if f.lname == "return-path" and provenance.is_receivers(f.index)), None
    )


def analyze(
    data: bytes,
    *,
    source_name: str = "<input>",
    kind: InputKind = InputKind.EML,
    now: datetime | None = None,
    nested: bool = False,
    trusted: TrustedHosts | None = None,
) -> Analysis:
    """Parse ``data`` into an Analysis. Pure and fast; never raises on bad input.

    ``now`` (timezone-aware) enables the "timestamp in the future" findings. A non-delivery
    report gets ``ndr`` with the returned message analysed as a message of its own (one level
    deep: ``nested`` is set for that inner analysis, so a bounce of a bounce stops there).
    ``trusted`` lists the receiving organisation's own hosts (--trusted-host): only they
    continue its trace in the boundary walk. A returned or reported copy, another
    organisation's trace, is read without it.
    """
    data, paste_notes = normalize_paste(data)
    split = split_message(data)
    if (unwrapped := report_safe_original(split)) is not None:
        from headerlens.model.codes import Code

        data = unwrapped[0]
        paste_notes = (
            *paste_notes,
            Defect(
                Code.INPUT_REPORT_SAFE,
                f"This is SpamAssassin's spam report from {unwrapped[1]} (report_safe): the "
                "message it rated is attached unchanged, so its header is read here, below "
                "SpamAssassin's own line and verdict.",
                Severity.INFO,
            ),
        )
        split = split_message(data)
    defects: list[Defect] = [*paste_notes, *split.defects]
    fields = split.fields
    if not fields:
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.INPUT_NO_HEADERS, "No header fields were found in the input.", Severity.ERROR
            )
        )
    if split.body_start is None and kind is InputKind.EML:
        kind = InputKind.HEADERS
    binary = looks_binary(data) and not starts_with_field(data)
    if binary:
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.INPUT_BINARY,
                "The input is binary data, not an RFC 5322 message; fields were not parsed "
                f"({describe_binary(data)}).",
                Severity.ERROR,
            )
        )
        fields = ()

    def received(field: HeaderField) -> Received:
        parsed = _guard("Received", field, lambda f: parse_received(f.value), defects)
        return parsed if parsed is not None else Received(raw=field.value)  # shown raw

    chain = build_chain(capped_hops(fields, defects), parse=received, trusted=trusted)
    provenance = attribute_fields(fields, chain)

    auth: list[AuthResults] = []
    spf: list[ReceivedSPF] = []
    dkim: list[DKIMSignature] = []
    seals: list[ARCSeal] = []
    ams: list[DKIMSignature] = []
    aar: list[AuthResults] = []
    vendor: list[VendorHeader] = []
    # field name -> (parser, where its result goes)
    table: dict[str, tuple[Callable[[HeaderField], Any], list[Any]]] = {
        "arc-authentication-results": (parse_auth_results, aar),
        "dkim-signature": (parse_dkim_signature, dkim),
        "arc-message-signature": (parse_dkim_signature, ams),
        "arc-seal": (parse_arc_seal, seals),
    }
    table.update(dict.fromkeys(AUTH_RESULTS_FIELDS, (parse_auth_results, auth)))
    table.update(dict.fromkeys(RECEIVED_SPF_FIELDS, (parse_received_spf, spf)))
    first: dict[str, HeaderField] = {}
    structured_cap = budgets.STRUCTURED_FIELD_BYTES.limit
    oversized = 0
    for f in fields:
        name = f.lname
        first.setdefault(name, f)
        if len(f.raw) > structured_cap:
            oversized += 1
            if oversized <= 3:
                defects.append(
                    budgets.exceeded(
                        budgets.STRUCTURED_FIELD_BYTES,
                        len(f.raw),
                        f"Field #{f.index} ({f.name[:40]}) is kept raw; it was not parsed.",
                    )
                )
            continue
        parsers = [table[name]] if name in table else []
        if name != "received" and is_vendor_header(f.name):  # a cached name lookup
            parsers.append((decode_vendor_header, vendor))
        for parse, sink in parsers:
            result = _guard(f.name, f, parse, defects)
            if result is not None:
                sink.append(result)

    auth = [
        replace(
            a,
            stamped_by_hop=_receivers_hop(
                provenance,
                chain,
                a.header_index,
                stamping_hop(
                    chain,
                    a.header_index,
                    authserv_id=a.authserv_id,
                    client_ip=stated_client_ip(fields[a.header_index]),
                ),
            ),
        )
        for a in auth
    ]
    spf = [
        replace(
            s,
            stamped_by_hop=stamping_hop(
                chain, s.header_index, client_ip=stated_client_ip(fields[s.header_index])
            ),
        )
        for s in spf
    ]
    arc_sets = tuple(
        replace(
            s,
            stamped_by_hop=stamping_hop(
                chain,
                _arc_index(s),
                authserv_id=s.results.authserv_id if s.results else None,
            ),
        )
        for s in group_arc_sets(tuple(seals), tuple(ams), tuple(aar))
    )
    vendor = [v.at_hop(hop_for_header(chain, v.header_index)) for v in vendor]
    duplicate = duplicate_authserv_id(auth, chain, provenance)  # catalogue J3
    if duplicate is not None:
        defects.append(duplicate)

    date_field = first.get("date")
    date: datetime | None = None
    if date_field is not None:
        date, date_defect = _guard("Date", date_field, _parse_date, defects) or (None, None)
        if date_defect is not None:
            from headerlens.model.codes import Code

            defects.append(
                Defect(
                    Code.DATE_HEADER, f"Date header: {date_defect.message}", date_defect.severity
                )
            )
    elif fields:
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.DATE_MISSING,
                "The message has no Date field (RFC 5322 §3.6 requires one); the timeline uses "
                "the Received fields.",
            )
        )
    from_fields = [f for f in fields if f.lname == "from"]
    author = read_author(from_fields)
    defects.extend(author.defects if fields else ())
    if (lure := recipient_lure(fields)) is not None:
        defects.append(lure)
    from_field = first.get("from")
    from_addr: Address | None = None
    if from_field is not None:
        # The author as the strict parser reads it (None for group/ambiguous Froms); the
        # display text as single_address() would give it, without its (discarded) address parse.
        from_addr = Address(
            display=decode_words(from_field.value), address=author.address, domain=author.domain
        )
        if HIDDEN_CHARS.search(from_addr.display) and not HIDDEN_CHARS.search(from_field.value):
            defects.append(hidden_chars("From", from_addr.display))  # inside an encoded word
    subject = first.get("subject")
    subject_text: str | None = None
    if subject is not None:
        subject_text, subject_defect = decode_words_checked(subject.value)
        if subject_defect is not None:
            defects.append(subject_defect)
        if HIDDEN_CHARS.search(subject_text):
            defects.append(hidden_chars("Subject", subject_text))
    shown = (from_addr.display if from_addr else "", subject_text or "")
    receiver = chain.boundary.receiver if chain.boundary else None
    named = named_domains(fields, (s.domain or "" for s in dkim), shown, (receiver or "",))
    lookalike = lookalike_domain(author.domain, named)
    if lookalike is not None:
        defects.append(lookalike)
    receipt_time = time_of_receipt(chain)
    if now is not None:
        defects.extend(future_stamps(date, chain, now))
    feedback = None if nested or binary else _complaint(fields, data, source_name, now, defects)
    ndr = (
        None
        if nested or binary or feedback is not None
        else _non_delivery(
            fields, data, source_name, now, defects, _null_envelope(fields, provenance)
        )
    )
    return Analysis(
        source_name=source_name,
        kind=kind,
        raw=data,
        body_start=split.body_start,
        headers=fields,
        chain=chain,
        auth_results=tuple(auth),
        received_spf=tuple(spf),
        dkim_signatures=tuple(dkim),
        arc_sets=arc_sets,
        vendor_headers=tuple(with_rspamd_actions(vendor)),
        from_addr=from_addr,
        author_domains=author.domains if len(author.domains) > 1 else (),
        return_path=single_address(_return_path(fields, provenance) or first.get("return-path")),
        subject=subject_text,
        subject_raw=subject.value if subject else None,
        message_id=first["message-id"].value if "message-id" in first else None,
        date=date,
        receipt_time=receipt_time,
        defects=tuple(defects),
        ndr=ndr,
        feedback=feedback,
        provenance=provenance,
    )


R = TypeVar("R", "Feedback", "NonDelivery")


def _report(
    reader: Callable[[tuple[HeaderField, ...], bytes], tuple[R, bytes | None] | None],
    what: str,
    copy_kind: str,
    fields: tuple[HeaderField, ...],
    data: bytes,
    source_name: str,
    now: datetime | None,
    defects: list[Defect],
) -> R | None:
    """A report reader's result, its copy of the message analysed one level deep; the readers
    are written not to raise (this is the last line of defence)."""
    from headerlens.model.codes import Code

    try:
        parsed = reader(fields, data)
    except Exception as exc:
        defects.append(
            Defect(
                Code.INTERNAL_PARSER_ERROR,
                f"Internal error reading the message as {what} ({type(exc).__name__}).",
                Severity.ERROR,
            )
        )
        return None
    if parsed is None:
        return None
    report, original = parsed
    if original is None:
        return report
    label = "returned message" if copy_kind == "returned" else "reported message"
    inner = analyze(
        original, source_name=f"{source_name} ({label})", kind=InputKind.EML, now=now, nested=True
    )
    return replace(report, original=replace(inner, copy_kind=copy_kind))


def _complaint(
    fields: tuple[HeaderField, ...],
    data: bytes,
    source_name: str,
    now: datetime | None,
    defects: list[Defect],
) -> Feedback | None:
    """The report read as a complaint / feedback report, its reported message analysed."""
    if not looks_like_feedback(fields, data):
        return None
    from headerlens.parsers.feedback import parse_feedback  # for complaint reports only

    return _report(
        parse_feedback, "a complaint report", "reported", fields, data, source_name, now, defects
    )


def _receivers_hop(provenance: Provenance, chain: Chain, index: int, hop: int | None) -> int | None:
    """The hop a stamp belongs to: where its position put it, unless that is a hop outside the
    receiving organisation while the field is the receiver's own (iCloud names each check by
    its own host, no Received line's, and writes them below its line): then the receiver's hop."""
    found = provenance.of(index)
    b = chain.boundary.hop_number if chain.boundary is not None else None
    if found is None or found.author is not Author.FINAL_RECEIVER or found.hop_number is None:
        return hop
    return found.hop_number if hop is not None and b is not None and hop < b else hop


def _null_envelope(fields: Sequence[HeaderField], provenance: Provenance) -> bool | None:
    """The final receiver recorded an empty envelope sender: its own ``Return-Path: <>``; None
    when the copy has no Return-Path at all (an archived or partial header: envelope unknown)."""
    rp = _return_path(fields, provenance)
    if rp is None and not any(f.lname == "return-path" for f in fields):
        return None
    if rp is None and not any(f.lname == "received" for f in fields):
        return None  # no Received line at all: nothing shows who wrote it (a stripped copy)
    # Postfix's local delivery writes the null sender as "<MAILER-DAEMON>" (its
    # empty_address_recipient), Sendmail and others as "<>"
    return rp is not None and rp.value.strip().lower() in ("<>", "", "<mailer-daemon>")


def _non_delivery(
    fields: tuple[HeaderField, ...],
    data: bytes,
    source_name: str,
    now: datetime | None,
    defects: list[Defect],
    null_envelope: bool | None = False,
) -> NonDelivery | None:
    """The report read as a bounce, with its returned message analysed (None: not a bounce)."""
    if not looks_like_ndr(fields, data, null_envelope):
        return None
    # The bounce reader (its status tables and per-vendor patterns) is loaded for bounces only.
    from headerlens.parsers.ndr import parse_ndr

    def read(f: tuple[HeaderField, ...], d: bytes) -> tuple[NonDelivery, bytes | None] | None:
        return parse_ndr(f, d, null_envelope)

    return _report(read, "a bounce", "returned", fields, data, source_name, now, defects)


def _arc_index(s: ARCSet) -> int:
    """Where an ARC set sits in the header section (its seal, else its results)."""
    if s.seal is not None:
        return s.seal.header_index
    return s.results.header_index if s.results is not None else 0
