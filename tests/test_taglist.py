"""Tests for the DKIM tag=value list splitter (RFC 6376 §3.2)."""

from __future__ import annotations

import pytest

from headerlens.model.core import Severity
from headerlens.parsers.taglist import parse_tag_list


@pytest.mark.parametrize(
    ("value", "tags"),
    [
        pytest.param("v=1; a=rsa-sha256", (("v", "1"), ("a", "rsa-sha256")), id="simple"),
        # RFC 6376 §3.2: FWS around the name, the "=" and the value is ignored.
        pytest.param(
            "  v = 1 ;\r\n\ta=\r\n rsa-sha256 ;",
            (("v", "1"), ("a", "rsa-sha256")),
            id="rfc6376-3.2-fws-around",
        ),
        # RFC 6376 §3.2: one trailing ";" is allowed.
        pytest.param(
            "d=example.com;", (("d", "example.com"),), id="rfc6376-3.2-trailing-semicolon"
        ),
        # RFC 6376 §3.2: an empty value is allowed (e.g. a revoked key's p=).
        pytest.param("v=DKIM1; p=", (("v", "DKIM1"), ("p", "")), id="rfc6376-3.2-empty-value"),
        # Inner FWS of a value is kept; the specific parser decides (b= drops it).
        pytest.param("b=abc def\r\n ghi", (("b", "abc def\r\n ghi"),), id="inner-fws-kept"),
        # "=" inside a value (base64 padding) belongs to the value.
        pytest.param("bh=AAAA==; s=x", (("bh", "AAAA=="), ("s", "x")), id="base64-padding"),
        # RFC 8617 Appendix B folds "d=" and its value onto two lines.
        pytest.param(
            "i=3; d=\r\n        clochette.example.org; s=\r\n        clochette",
            (("i", "3"), ("d", "clochette.example.org"), ("s", "clochette")),
            id="rfc8617-appendix-b-folded-values",
        ),
        pytest.param("", (), id="empty"),
    ],
)
def test_tags(value: str, tags: tuple[tuple[str, str], ...]) -> None:
    result = parse_tag_list(value)
    assert result.tags == tags
    assert result.defects == ()


@pytest.mark.parametrize(
    ("value", "code", "severity", "tags"),
    [
        # RFC 6376 §3.2: a duplicated tag makes the whole list invalid; the first value is used.
        pytest.param(
            "d=a.example; d=b.example",
            "taglist.duplicate",
            Severity.ERROR,
            (("d", "a.example"), ("d", "b.example")),
            id="duplicate",
        ),
        pytest.param(
            "v=1; garbage; s=x",
            "taglist.no-equals",
            Severity.WARNING,
            (("v", "1"), ("s", "x")),
            id="no-equals",
        ),
        pytest.param("1v=1", "taglist.bad-name", Severity.WARNING, (("1v", "1"),), id="name-digit"),
        pytest.param(
            "a-b=1", "taglist.bad-name", Severity.WARNING, (("a-b", "1"),), id="name-dash"
        ),
        pytest.param(
            "v=1;;s=x",
            "taglist.empty-spec",
            Severity.INFO,
            (("v", "1"), ("s", "x")),
            id="empty-spec",
        ),
        pytest.param(
            "s=sélecteur",
            "taglist.bad-value-char",
            Severity.WARNING,
            (("s", "sélecteur"),),
            id="non-ascii-value",
        ),
    ],
)
def test_defects(
    value: str, code: str, severity: Severity, tags: tuple[tuple[str, str], ...]
) -> None:
    result = parse_tag_list(value)
    assert [(d.code, d.severity) for d in result.defects] == [(code, severity)]
    assert result.tags == tags


def test_get_is_case_sensitive_and_first_wins() -> None:
    # RFC 6376 §3.2: tag names are case-sensitive.
    result = parse_tag_list("d=first.example; D=upper.example; d=second.example")
    assert result.get("d") == "first.example"
    assert result.get("D") == "upper.example"
    assert result.get("x") is None
