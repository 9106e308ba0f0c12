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
    from headerlens.checks.resolver import LiveResolver

    resolver = LiveResolver([("127.0.0.1", 53)])
    assert resolver.timeout == budgets.DNS_QUERY_TIMEOUT.limit
    assert resolver.deadline == budgets.DNS_DEADLINE.limit


def test_rsa_limits_match_the_key_checks() -> None:
    from headerlens.checks import dkimkey

    assert budgets.RSA_MIN_BITS.limit == dkimkey.MIN_RSA_BITS
    assert budgets.RSA_MAX_BITS.limit == dkimkey.MAX_RSA_BITS
    assert budgets.RSA_MAX_EXPONENT_BITS.limit == dkimkey.MAX_RSA_EXPONENT_BITS
