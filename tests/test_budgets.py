"""The budget table (headerlens/budgets.py): complete, consistent, and used by the code."""

from __future__ import annotations

import importlib
import re

import pytest

from headerlens import budgets
from headerlens.model.core import Severity
from headerlens.source import MAX_INPUT_BYTES


def test_names_are_unique_and_limits_positive() -> None:
    names = [b.name for b in budgets.ALL]
    assert len(names) == len(set(names))
    assert all(b.limit > 0 and b.why for b in budgets.ALL)


@pytest.mark.parametrize("budget", budgets.ALL, ids=[b.name for b in budgets.ALL])
def test_enforcing_module_exists(budget: budgets.Budget) -> None:
    # every budget names the module that checks it; that module must import
    if budget.enforced_in.startswith("headerlens."):
        importlib.import_module(budget.enforced_in)


def test_exceeded_finding_is_well_formed() -> None:
    d = budgets.exceeded(budgets.FIELDS, 100_000, "Only the first 1,000 were processed.")
    assert d.code == "budget.fields" and re.fullmatch(r"[a-z0-9.-]+", d.code)
    assert "100,000" in d.message and "limit 1,000" in d.message
    assert d.severity is Severity.WARNING


def test_source_uses_the_input_budget() -> None:
    # catalogue A3: the loader's cap is the budget's, 25 MiB
    assert MAX_INPUT_BYTES == budgets.INPUT_BYTES.limit == 25 * 1024 * 1024


def test_dns_defaults_match_the_resolver() -> None:
    from headerlens.dnsclient.resolver import LiveResolver

    resolver = LiveResolver([("127.0.0.1", 53)])
    assert resolver.timeout == budgets.DNS_QUERY_TIMEOUT.limit
    assert resolver.deadline == budgets.DNS_DEADLINE.limit


def test_rsa_limits_match_the_key_checks() -> None:
    from headerlens.evaluators import dkimkey

    assert budgets.RSA_MIN_BITS.limit == dkimkey.MIN_RSA_BITS
    assert budgets.RSA_MAX_BITS.limit == dkimkey.MAX_RSA_BITS
    assert budgets.RSA_MAX_EXPONENT_BITS.limit == dkimkey.MAX_RSA_EXPONENT_BITS


def test_spf_limits_are_read_from_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    # issue 12: the record check, the prefetch planner, the findings and the console panel all
    # take RFC 7208 §4.6.4's limits from budgets.py; with the budget lowered to 3 terms and 1
    # void lookup, each of them follows (a literal 10 or 2 anywhere would not)
    from dataclasses import replace

    from headerlens.analyze import analyze
    from headerlens.diagnosis.findings_spf import spf_findings
    from headerlens.evaluators.spf import plan_prefetch
    from headerlens.model.dns import DnsRecord
    from headerlens.model.spf import SpfResult, SpfVerdict
    from headerlens.parsers.spfrecord import parse_spf_record
    from headerlens.tui.authpanel import _spf_tree

    monkeypatch.setattr(budgets, "SPF_DNS_TERMS", replace(budgets.SPF_DNS_TERMS, limit=3))
    monkeypatch.setattr(budgets, "SPF_VOID_LOOKUPS", replace(budgets.SPF_VOID_LOOKUPS, limit=1))
    record = "v=spf1 include:a.example include:b.example include:c.example include:d.example -all"

    parsed = parse_spf_record(record)
    too_many = [d for d in parsed.defects if d.code == "spf.too-many-lookups"]
    assert too_many and "more than the limit of 3:" in too_many[0].message

    answer = DnsRecord("sender.example", "TXT", "NOERROR", (record,))
    planned = plan_prefetch(answer, None, 0)
    assert [q.name for q in planned] == ["a.example", "b.example", "c.example"]

    spf = SpfResult(
        SpfVerdict.PERMERROR, "sender.example", "192.0.2.1", "a@sender.example", lookup_count=4
    )
    found = [
        f
        for f in spf_findings(analyze(b"From: a@sender.example\r\n\r\n"), spf)
        if f.code == "spf.too-many-lookups"
    ]
    assert found and "more than 3 DNS-querying terms" in found[0].title
    assert found[0].fix is not None and "at most 3 include" in found[0].fix

    from rich.text import Text

    panel = Text()
    _spf_tree(panel, spf)
    assert "DNS-querying terms: 4/3   void lookups: 0/1" in panel.plain


def test_domain_check_report_reads_the_spf_limits_from_the_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the `check` report named the limits from constants bound at import time (evaluators'
    # spf_eval); it reads the budget now, so report/ does not import the evaluators
    from dataclasses import replace

    from headerlens.model.domaincheck import SpfCheck, SpfNode, SpfNodeState
    from headerlens.report.domaincheck import spf_lines

    monkeypatch.setattr(budgets, "SPF_DNS_TERMS", replace(budgets.SPF_DNS_TERMS, limit=3))
    monkeypatch.setattr(budgets, "SPF_VOID_LOOKUPS", replace(budgets.SPF_VOID_LOOKUPS, limit=1))
    check = SpfCheck("sender.example", SpfNode("sender.example", "", SpfNodeState.NXDOMAIN), 4, 0)
    texts = [line.text for line in spf_lines(check)]
    assert "DNS-querying terms: 4 (limit 3); void lookups: 0 (limit 1)" in texts


@pytest.mark.parametrize(
    ("module", "name", "budget"),
    [
        ("headerlens.parsers.digits", "_INT_DIGITS", "INT_DIGITS"),
        ("headerlens.parsers.pasteshape", "_SUMMARY_WINDOW", "PASTE_SUMMARY_BYTES"),
        ("headerlens.parsers.pasteshape", "_SUMMARY_SCAN", "PASTE_SUMMARY_LINES"),
        ("headerlens.parsers.pasteshape", "_QUOTED_PASTE_BYTES", "QUOTED_PASTE_BYTES"),
        ("headerlens.parsers.dkimsig", "_MAX_DIGITS", "DKIM_TAG_DIGITS"),
        ("headerlens.evaluators.dkimsigcheck", "MAX_DIGITS", "DKIM_TAG_DIGITS"),
        ("headerlens.parsers.dkimsig", "ARC_MAX_INSTANCE", "ARC_SETS"),
        ("headerlens.parsers.authresults", "_ARC_MAX_INSTANCE", "ARC_SETS"),
        ("headerlens.evaluators.spf_eval", "MAX_MX_NAMES", "SPF_MX_NAMES"),
        ("headerlens.evaluators.spf_eval", "MAX_PTR_NAMES", "SPF_PTR_NAMES"),
        ("headerlens.domaincheck.spftree", "MAX_TREE_RECORDS", "SPF_TREE_RECORDS"),
        ("headerlens.domaincheck.spftree", "MAX_OVERLAP_FINDINGS", "SPF_OVERLAPS_LISTED"),
        ("headerlens.report.summary", "_CELL", "SUMMARY_CELL_CHARS"),
        ("headerlens.tui.export", "_MAX_NUMBERED", "EXPORT_NUMBERED"),
        ("headerlens.parsers.headers", "_MAX_JOIN_NOTES", "JOIN_NOTES"),
        ("headerlens.textsafe", "EXPORT_VALUE_CHARS", "EXPORT_VALUE_CHARS"),
    ],
)
def test_module_limits_are_the_budgets(module: str, name: str, budget: str) -> None:
    # each cap a module keeps under its own name is read from budgets.py, not written twice
    assert getattr(importlib.import_module(module), name) == getattr(budgets, budget).limit


def test_resolver_concurrency_is_the_budget() -> None:
    from headerlens.dnsclient.resolver import LiveResolver

    assert LiveResolver([("127.0.0.1", 53)]).max_concurrency == budgets.DNS_CONCURRENCY.limit
