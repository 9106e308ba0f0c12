"""The code registry is the only place a finding or defect code is written."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis.facts import LABELS
from headerlens.diagnosis.findings import SITUATION_CODES
from headerlens.model import Severity
from headerlens.model.codes import Code
from headerlens.report.json_report import report_dict

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "headerlens" / "model" / "codes.py"
# Every folder that installs as part of the headerlens package (pyproject's package-dir).
PACKAGE_DIRS = sorted(
    {
        ROOT / line.split("=")[1].strip().strip('"')
        for line in (ROOT / "pyproject.toml")
        .read_text()
        .split("[tool.setuptools.package-dir]")[1]
        .split("\n\n")[0]
        .splitlines()[1:]
    }
)
FAMILIES = frozenset(c.value.split(".")[0] for c in Code)
SHAPE = re.compile(r"([a-z][a-z0-9-]*)\.[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?")
# Strings shaped like codes that are host, module or file names, not codes.
NOT_CODES = frozenset({"dkim.dnsplug"})
HOST_SUFFIXES = (".com", ".net", ".org", ".eu", ".json", ".py", ".md", ".html", ".txt", ".eml")


def looks_like_code(text: str) -> bool:
    m = SHAPE.fullmatch(text)
    return (
        m is not None
        and m.group(1) in FAMILIES
        and text not in NOT_CODES
        and not text.endswith(HOST_SUFFIXES)
    )


def code_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of every literal shaped like a code, and of every f-string that builds one
    (``f"dkim.{result}"``, ``f"{kind}.dns-error"``); docstrings are prose and left out."""
    tree = ast.parse(source)
    docs = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = n.body[0] if n.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    out = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs:
            if looks_like_code(n.value):
                out.append((n.lineno, n.value))
        elif isinstance(n, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in n.values]
            text = "".join(str(p) for p in parts)
            head = text.split(".")[0]
            tail = text.rsplit(".", 1)[-1]
            built = (head in FAMILIES and "." in text and " " not in text) or (
                text.startswith("{}.") and any(c.value.endswith("." + tail) for c in Code)
            )
            if built:
                out.append((n.lineno, text))
    return out


def package_sources() -> list[Path]:
    return [p for d in PACKAGE_DIRS for p in sorted(d.rglob("*.py")) if p != REGISTRY]


def test_no_code_string_outside_the_registry() -> None:
    found = [
        f"{p.relative_to(ROOT)}:{line}: {text!r}"
        for p in package_sources()
        for line, text in code_strings(p.read_text())
    ]
    assert not found, "write these as headerlens.model.codes.Code members:\n" + "\n".join(found)


def test_the_scan_sees_the_ways_codes_were_written() -> None:
    old = (
        'Finding("dkim.key-rotated", Severity.WARNING, "t")\n'
        'x = f"dkim.{d.result.value}"\n'
        'y = f"{kind.lower()}.dns-error"\n'
        'z = ("mx.google.com", "header.d", "stamped.spf-", "check.schema.json")\n'
    )
    assert [t for _, t in sorted(code_strings(old))] == [
        "dkim.key-rotated",
        "dkim.{}",
        "{}.dns-error",
    ]


def test_the_package_folders_are_found() -> None:
    names = {p.name for p in PACKAGE_DIRS}
    assert {"headerlens", "parsers", "diagnosis", "report", "tui"} <= names
    assert len(package_sources()) > 100


def test_every_code_is_used_by_the_package() -> None:
    # a budget's finding and a vendor list's bad item name their code ("BUDGET_FIELDS"), so the
    # registry loads only when one is raised (test_every_limit_names_a_code_or_an_outcome and
    # test_vendor_bad_items_name_codes check those names)
    text = "\n".join(p.read_text() for p in package_sources())
    unused = [c.name for c in Code if not re.search(rf'\bCode\.{c.name}\b|"{c.name}"', text)]
    assert not unused


def test_vendor_bad_items_name_codes() -> None:
    from typing import get_args

    from headerlens.parsers.vendor_base import BadItem, colon_pairs

    names = get_args(BadItem)
    assert [Code[n].name for n in names] == list(names)
    for name in names:
        pairs, defects = colon_pairs("SCL:1;CAT", code=name)
        assert pairs == (("SCL", "1"), ("CAT", "")) and [d.code for d in defects] == [Code[name]]


def test_registry_entries_are_well_formed() -> None:
    for c in Code:
        assert c.name == re.sub(r"[.-]", "_", c.value).upper()
        assert SHAPE.fullmatch(c.value), c.value
        assert isinstance(c.severity, Severity)
        assert c.short_title and len(c.short_title) <= 60 and not c.short_title.endswith("."), c
        assert c.situation is None or c.situation in LABELS, c
    assert len({c.value for c in Code}) == len(Code)  # no alias members


def test_every_situation_has_its_code() -> None:
    assert set(SITUATION_CODES) == set(LABELS)
    for label, code in SITUATION_CODES.items():
        assert code.situation == label and code.value == f"situation.{label}"


@pytest.mark.parametrize(
    ("code", "value"),
    [(Code.DKIM_KEY_ROTATED, "dkim.key.rotated"), (Code.DMARC_TEMPERROR, "dmarc.temperror")],
)
def test_codes_are_strings_with_their_value(code: Code, value: str) -> None:
    assert code == value and str(code) == value and f"{code}" == value
    assert json.dumps({"code": code}) == json.dumps({"code": value})


def test_the_json_report_writes_code_values() -> None:
    d = report_dict(analyze(b"Subject: x\r\n\r\n"))
    codes = [f["code"] for f in d["findings"]] + [x["code"] for x in d["analysis"]["defects"]]
    assert {"chain.empty", "date.missing", "identity.no-from"} <= set(codes)
    assert all(type(c) is str for c in codes)
    assert json.loads(json.dumps(d))["findings"][0]["code"] == "chain.empty"


def test_the_json_schemas_list_every_code() -> None:
    from headerlens.report.json_check import check_schema
    from headerlens.report.json_report import report_schema

    values = {c.value for c in Code}
    listed = [
        defs[name]["properties"]["code"]["enum"]
        for defs in (report_schema()["$defs"], check_schema()["$defs"])
        for name in ("defect", "finding")
        if name in defs
    ]
    assert len(listed) >= 3  # the report's defects and findings, the check's defects
    assert all(set(enum) == values for enum in listed)


def test_every_limit_names_a_code_or_an_outcome() -> None:
    from headerlens import budgets

    assert all(isinstance(b.code, Code | budgets.Outcome) for b in budgets.ALL)
    assert any(isinstance(b.code, Code) for b in budgets.ALL)
    assert any(isinstance(b.code, budgets.Outcome) for b in budgets.ALL)


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def _coded(value: object, depth: int = 0) -> list[tuple[Code, Severity]]:
    """(code, severity) of every finding and defect inside an analysis or a verification."""
    import dataclasses

    out: list[tuple[Code, Severity]] = []
    if depth > 8:
        return out
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        code, severity = getattr(value, "code", None), getattr(value, "severity", None)
        if isinstance(code, Code) and isinstance(severity, Severity):
            out.append((code, severity))
        for f in dataclasses.fields(value):
            out += _coded(getattr(value, f.name), depth + 1)
    elif isinstance(value, tuple | list):
        for item in value:
            out += _coded(item, depth + 1)
    return out


def test_no_instance_is_more_severe_than_its_code() -> None:
    from tests.labverify import LAB, LoggingMemoryResolver, run_verify

    seen: list[tuple[Code, Severity]] = []
    for msg in sorted((LAB / "messages").iterdir()):
        analysis, v = run_verify(msg, LoggingMemoryResolver())
        seen += _coded(analysis) + _coded(v)
    assert len({c for c, _ in seen}) > 20
    worse = {(c.value, s.value) for c, s in seen if _RANK[s] > _RANK[c.severity]}
    assert not worse


def test_a_defect_is_found_by_its_code() -> None:
    """The console's 'not an email message' note reads the binary-input defect by its code."""
    binary = analyze(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    found = binary.defect(Code.INPUT_BINARY)
    assert found is not None and "binary" in found.message
    assert analyze(b"Subject: x\r\n\r\n").defect(Code.INPUT_BINARY) is None
