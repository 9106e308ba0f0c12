"""Unit tests for evaluators/spf_macro.py privacy helpers: macros that carry the local part (H6)."""

from __future__ import annotations

import pytest

from headerlens.evaluators.spf_macro import local_part_defect, private_macros
from headerlens.model.core import Severity
from headerlens.model.spf import MacroToken
from headerlens.parsers.spfrecord import parse_macro_string


def _tokens(spec: str) -> tuple[MacroToken, ...]:
    tokens, error = parse_macro_string(spec)
    assert error is None
    return tokens


@pytest.mark.parametrize(
    ("spec", "macros"),
    [
        ("%{l}._spf.%{d}", ["%{l}"]),  # RFC 7208 §7.4 example: exists:%{l1r+}.%{d}
        ("%{l1r+}.%{d}", ["%{l1r+}"]),
        ("%{s}.x.example", ["%{s}"]),
        ("%{S}.x.example", ["%{S}"]),  # URL-escaped form (§7.3)
        ("%{ir}.%{v}._spf.%{d2}", []),  # RFC 7208 §7.4: client IP only
        ("%{o}.%{h}.x.example", []),  # sender domain and HELO: not the local part
        ("_spf.example.com", []),
    ],
)
def test_private_macros(spec: str, macros: list[str]) -> None:
    found = private_macros(_tokens(spec))
    assert [m.raw for m in found] == macros


def test_local_part_defect_names_the_query() -> None:
    # RFC 7208 §11.6: the name shown is the expanded query name, as sent
    tokens = _tokens("%{l}._spf.%{d}")
    note = local_part_defect(tokens, "jane.doe._spf.x.example", "x.example")
    assert note is not None and note.code == "spf.macro-local-part"
    assert note.severity is Severity.WARNING
    assert "x.example uses %{l}" in note.message
    assert note.message.endswith("the query name is jane.doe._spf.x.example.")
    assert local_part_defect(_tokens("%{i}._spf.%{d}"), "n", "x.example") is None
