"""Hypothesis properties for the pure layers: never raise, bounded, well-formed, inert output.

Run longer with ``HEADERLENS_FUZZ=long python3 -m pytest tests/test_fuzz_properties.py``
(20,000 examples per property instead of 150, or HEADERLENS_FUZZ_EXAMPLES); see fuzz/README.md.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from textual.content import Content

from headerlens import budgets
from headerlens.analyze import analyze
from headerlens.evaluators.spf import check_host, run_sync
from headerlens.model import Defect, HeaderField, Severity
from headerlens.parsers.authresults import parse_auth_results
from headerlens.parsers.dates import parse_date
from headerlens.parsers.dkimsig import parse_arc_seal, parse_dkim_signature
from headerlens.parsers.dmarcrecord import parse_dmarc_record
from headerlens.parsers.headers import split_message
from headerlens.parsers.identity import read_author
from headerlens.parsers.received import parse_received
from headerlens.parsers.receivedspf import parse_received_spf
from headerlens.parsers.spfrecord import parse_spf_record
from headerlens.parsers.vendor import decode_vendor_header
from headerlens.report.html import render_html
from headerlens.report.json_report import render_json
from headerlens.report.markdown import render_markdown
from headerlens.textsafe import html_escape, inert, md_escape
from tests._spf_fakedns import FakeZone
from tests.catalogue import RAW_CONTROL, all_defects

settings.register_profile(
    "default", max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("HEADERLENS_FUZZ_EXAMPLES", "20000")),
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "proof", max_examples=200, deadline=None, database=None, phases=[Phase.generate]
)
PROFILE = os.environ.get("HEADERLENS_FUZZ", "default")
settings.load_profile(PROFILE)

REPO = Path(__file__).resolve().parents[1]
FUZZ_HARNESS = REPO / "fuzz" / "atheris_harness.py"
SEEDS = [p.read_bytes() for p in sorted((REPO / "examples").glob("*.eml"))]
SEEDS += [p.read_bytes() for p in sorted((REPO / "tests" / "data" / "lab" / "messages").glob("*"))]
CODE = re.compile(r"[a-z0-9][a-z0-9.-]*\Z")

# Header-ish text: the characters that matter to the parsers, plus anything at all.
TOKENS = st.sampled_from(
    [":", ";", "=", "(", ")", "<", ">", "@", '"', "\\", "[", "]", ",", ".", " ", "\t", "\r\n",
     "\n", "\r", " \r\n ", "=?utf-8?q?", "?=", "from", "by", "with", "id", "for", "i=", "d=",
     "s=", "v=1", "b=", "bh=", "h=from", "l=", "t=", "x=", "cv=pass", "spf=pass", "dkim=fail",
     "header.d=", "smtp.mailfrom=", "include:", "redirect=", "%{d}", "%{l1r}", "ip4:", "/33",
     "v=spf1", "v=DMARC1", "p=reject", "Tue, 10 Nov 2026 09:14:08 -0800", "-0000", "XYZ",
     "[192.0.2.1]", "[999.1.1.1]", "[IPv6:::1]", "example.com", "xn--", "\x00", "\x1b[2J",
     "\u202e", "\u009b", "\xe9", "0" * 80]
)  # fmt: skip
TEXT = st.lists(st.one_of(TOKENS, st.text(max_size=8)), max_size=60).map("".join)
FIELD_NAMES = st.sampled_from(
    ["Received", "Authentication-Results", "ARC-Authentication-Results", "DKIM-Signature",
     "ARC-Message-Signature", "ARC-Seal", "Received-SPF", "From", "Date", "Subject",
     "X-Forefront-Antispam-Report", "X-Microsoft-Antispam", "X-MS-Exchange-Organization-SCL",
     "X-TM-AS-Result", "X-Google-DKIM-Signature", "Return-Path", "X-Spam-Status"]
)  # fmt: skip


def _well_formed(defects: list[Defect]) -> None:
    for d in defects:
        assert isinstance(d, Defect) and CODE.match(d.code), d
        assert isinstance(d.message, str) and d.message
        assert isinstance(d.severity, Severity)
        # analyze() turns an exception raised by a field parser into internal.parser-error so
        # the user still gets a report; for these properties it is a crash like any other
        assert not d.code.startswith("internal."), d


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    """A header section of plausible fields with hostile values, sometimes a body."""
    fields = draw(st.lists(st.tuples(FIELD_NAMES, TEXT), max_size=25))
    head = "".join(f"{n}: {v}\r\n" for n, v in fields)
    body = draw(st.sampled_from(["", "\r\nbody\r\n"]))
    return (head + body).encode("utf-8", "surrogatepass")


@st.composite
def mutated_seeds(draw: st.DrawFn) -> bytes:
    """A real message with a few byte-level edits (insert, delete, duplicate a slice)."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        pos = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["ins", "del", "dup"]))
        if op == "ins":
            data[pos:pos] = draw(
                st.sampled_from([b":", b"\r", b"\n", b"(", b"\x00", b"=?", b";", b" "])
            )
        elif op == "del":
            del data[pos : pos + draw(st.integers(1, 40))]
        else:
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 200))]
    return bytes(data)


def _check_analysis(data: bytes) -> None:
    a = analyze(data)
    _well_formed(all_defects(a))
    assert len(a.headers) <= budgets.FIELDS.limit
    assert len(a.chain.hops) <= budgets.HOPS.limit
    assert a.date is None or a.date.utcoffset() is not None
    for h in a.chain.hops:
        assert h.received.timestamp is None or h.received.timestamp.utcoffset() is not None


@given(st.binary(max_size=4096))
def test_analyze_never_raises_on_bytes(data: bytes) -> None:
    _check_analysis(data)


@given(messages())
def test_analyze_never_raises_on_header_shaped_input(data: bytes) -> None:
    _check_analysis(data)


@given(mutated_seeds())
def test_analyze_never_raises_on_mutated_real_messages(data: bytes) -> None:
    _check_analysis(data)


@given(messages())
def test_exports_carry_no_control_bytes(data: bytes) -> None:
    a = analyze(data)
    for render in (render_markdown, render_json, render_html):
        assert not RAW_CONTROL.search(render(a))


@given(st.binary(max_size=2048))
def test_split_keeps_exact_bytes(data: bytes) -> None:
    s = split_message(data)
    _well_formed(list(s.defects))
    for f in s.fields:
        assert f.raw in data
        assert f.name and ":" not in f.name


@given(FIELD_NAMES, TEXT)
def test_field_parsers_never_raise(name: str, value: str) -> None:
    field = HeaderField(0, name, value, f"{name}: {value}\r\n".encode("utf-8", "surrogatepass"))
    for parse in (parse_received, parse_spf_record, parse_dmarc_record):
        parse(value)  # type: ignore[operator]
    for fparse in (
        parse_auth_results,
        parse_dkim_signature,
        parse_arc_seal,
        parse_received_spf,
        decode_vendor_header,
    ):
        fparse(field)  # type: ignore[operator]
    author = read_author([HeaderField(0, "From", value, b"")])
    _well_formed(list(author.defects))


@given(TEXT)
def test_dates_are_aware_or_none(text: str) -> None:
    dt, defect = parse_date(text)
    assert dt is None or dt.utcoffset() is not None
    assert defect is None or isinstance(defect, Defect)


@given(st.text())
def test_inert_text_has_no_controls(text: str) -> None:
    safe = inert(text)
    assert not RAW_CONTROL.search(safe)
    assert Content(safe).plain == safe
    assert not RAW_CONTROL.search(md_escape(text))
    assert not RAW_CONTROL.search(html_escape(text)) and "<" not in html_escape(text)


DOMAINS = [f"d{i}.example" for i in range(6)]
TERM = st.one_of(
    st.sampled_from(DOMAINS).map(lambda d: f"include:{d}"),
    st.sampled_from(DOMAINS).map(lambda d: f"a:{d}"),
    st.sampled_from(DOMAINS).map(lambda d: f"mx:{d}"),
    st.sampled_from(DOMAINS).map(lambda d: f"exists:%{{l}}.{d}"),
    st.just("ip4:198.51.100.0/24"),
    st.just("?all"),
)


@given(
    st.lists(
        st.tuples(st.lists(TERM, max_size=6), st.sampled_from([None, *DOMAINS])),
        min_size=6,
        max_size=6,
    )
)
def test_spf_random_graphs_are_bounded(graph: list[tuple[list[str], str | None]]) -> None:
    # RFC 7208 §4.6.4: evaluation stops at the term or void lookup past the limit; always ends
    data = {}
    for domain, (terms, redirect) in zip(DOMAINS, graph, strict=True):
        record = "v=spf1 " + " ".join(terms) + (f" redirect={redirect}" if redirect else "")
        data[domain] = [("TXT", record), ("MX", f"10 mx.{domain}")]
    zone = FakeZone(data)
    result = run_sync(check_host("192.0.2.1", DOMAINS[0], "a@" + DOMAINS[0]), zone.answer)
    assert result.result in (
        "pass",
        "fail",
        "softfail",
        "neutral",
        "none",
        "permerror",
        "temperror",
    )
    terms, voids = budgets.SPF_DNS_TERMS.limit, budgets.SPF_VOID_LOOKUPS.limit
    assert result.lookup_count <= terms + 1 and result.void_count <= voids + 1
    assert sum(1 for _n, t in zone.asked if t == "TXT") <= terms + 1


NAMES = st.lists(
    st.sampled_from(["from", "From", "subject", "to", "received", "x-a", ""]), max_size=12
)


@given(NAMES, NAMES, st.one_of(st.none(), st.integers(min_value=-2, max_value=14)))
def test_dkim_coverage_partitions_the_instances(
    fields: list[str], signed: list[str], signature_index: int | None
) -> None:
    # RFC 6376 §5.4.2: every present instance of a listed name is signed or unsigned, never
    # both; signed instances are the bottom-most ones; listings beyond them are "absent"
    from headerlens.parsers.dkimcoverage import coverage_entry, header_coverage

    coverage = header_coverage(fields, signed, signature_index=signature_index)
    lower = [f.lower() for f in fields]
    for c in coverage:
        present = [i for i, name in enumerate(lower) if name == c.name and i != signature_index]
        assert sorted(c.signed + c.unsigned) == present
        assert len(c.signed) == min(c.listed, len(present))
        assert c.signed == tuple(present[len(present) - len(c.signed) :])
        assert c.absent_asserted == max(0, c.listed - len(present))
        assert not RAW_CONTROL.search(coverage_entry(c))


@given(st.binary(max_size=200))
def test_binary_description_is_inert_and_bounded(data: bytes) -> None:
    from headerlens.parsers.binary import describe_binary

    text = describe_binary(data)
    assert isinstance(text, str) and len(text) < 400
    assert not RAW_CONTROL.search(text)


def _always_raises(*_args: object, **_kwargs: object) -> NoReturn:
    raise ValueError("parser bug")


@pytest.mark.parametrize("parser", ["parse_auth_results", "parse_dkim_signature"])
def test_properties_fail_when_a_parser_always_raises(
    monkeypatch: pytest.MonkeyPatch, parser: str
) -> None:
    # issue 12: a parser that always raises becomes internal.parser-error inside analyze();
    # the properties (and the atheris harness) must count that as the failure it is. Only the
    # properties that can reach that parser are run: random bytes and header-shaped input
    # rarely hold a parseable field, a mutated real message always does.
    import headerlens.analyze

    monkeypatch.setattr(headerlens.analyze, parser, _always_raises)
    settings.load_profile("proof")  # no shrinking, no example database: fail fast
    try:
        with pytest.raises(AssertionError, match=r"internal\.parser-error"):
            test_analyze_never_raises_on_mutated_real_messages()
    finally:
        settings.load_profile(PROFILE)


def _harness(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """fuzz/atheris_harness.py, imported with a stand-in for the atheris engine (not a test
    dependency): only its libFuzzer entry point, ``test_one_input``, is exercised here."""
    engine = ModuleType("atheris")
    engine.instrument_imports = contextlib.nullcontext  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "atheris", engine)
    spec = importlib.util.spec_from_file_location("atheris_harness", FUZZ_HARNESS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_atheris_harness_accepts_the_seeds(monkeypatch: pytest.MonkeyPatch) -> None:
    harness = _harness(monkeypatch)
    for seed in SEEDS:
        harness.test_one_input(seed)


def test_atheris_harness_fails_when_a_parser_always_raises(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import headerlens.analyze

    harness = _harness(monkeypatch)
    monkeypatch.setattr(headerlens.analyze, "parse_dkim_signature", _always_raises)
    with pytest.raises(AssertionError, match=r"a parser raised: internal\.parser-error"):
        harness.test_one_input(SEEDS[0])
