"""Tests for the Received-SPF parser (RFC 7208 §9.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from headerlens.model.auth import ReceivedSPF
from headerlens.model.core import HeaderField, Severity
from headerlens.parsers.receivedspf import parse_received_spf
from tests.auth_corpus import (
    Stated,
    fields_of,
    file_id,
    message_files,
    require_corpus,
    stated_rows,
)
from tests.paths import CORPUS, shared_cases

SPF_FIELDS = frozenset({"received-spf", "x-tm-received-spf"})


def spf(value: str, name: str = "Received-SPF", index: int = 0) -> ReceivedSPF:
    field = HeaderField(index=index, name=name, value=value, raw=f"{name}: {value}\r\n".encode())
    return parse_received_spf(field)


def test_rfc7208_9_1_first_example() -> None:
    # RFC 7208 §9.1, first example.
    r = spf(
        "pass (mybox.example.org: domain of\r\n myname@example.com designates 192.0.2.1 as "
        "permitted sender)\r\n   receiver=mybox.example.org; client-ip=192.0.2.1;\r\n"
        '   envelope-from="myname@example.com"; helo=foo.example.com;'
    )
    assert r.result == "pass"
    assert r.comment is not None
    assert r.comment.startswith("mybox.example.org: domain of")
    assert (r.receiver, r.client_ip, r.envelope_from, r.helo) == (
        "mybox.example.org",
        "192.0.2.1",
        "myname@example.com",
        "foo.example.com",
    )
    assert r.defects == ()


def test_rfc7208_9_1_second_example() -> None:
    # RFC 7208 §9.1, second example: identity= and a quoted envelope-from.
    r = spf(
        "fail (mybox.example.org: domain of\r\n myname@example.com does not designate\r\n"
        " 192.0.2.1 as permitted sender)\r\n identity=mailfrom; client-ip=192.0.2.1;\r\n"
        ' envelope-from="myname@example.com";'
    )
    assert r.result == "fail"
    assert r.identity == "mailfrom"
    assert r.pairs == (
        ("identity", "mailfrom"),
        ("client-ip", "192.0.2.1"),
        ("envelope-from", "myname@example.com"),
    )
    assert r.defects == ()


@pytest.mark.parametrize(
    ("value", "name", "result", "attrs"),
    [
        # Exchange Online Protection style: capitalised result, receiver=, pr=C extra pair.
        pytest.param(
            "Pass (protection.outlook.com: domain of contoso.com designates 192.0.2.10 as "
            "permitted sender) receiver=protection.outlook.com; client-ip=192.0.2.10; "
            "helo=mail.contoso.com; pr=C",
            "Received-SPF",
            "pass",
            {
                "receiver": "protection.outlook.com",
                "client_ip": "192.0.2.10",
                "helo": "mail.contoso.com",
            },
            id="eop-style",
        ),
        pytest.param(
            "SoftFail (protection.outlook.com: domain of transitioning contoso.com discourages "
            "use of 192.0.2.10 as permitted sender)",
            "Received-SPF",
            "softfail",
            {"client_ip": None, "receiver": None},
            id="eop-softfail-no-pairs",
        ),
        pytest.param(
            "TempError (protection.outlook.com: error in processing during lookup of "
            "host: DNS Timeout)",
            "Received-SPF",
            "temperror",
            {},
            id="eop-temperror",
        ),
        # Gmail style: comment names google.com, only client-ip= follows.
        pytest.param(
            "pass (google.com: domain of a@contoso.com designates 2001:db8::25 as permitted "
            "sender) client-ip=2001:db8::25;",
            "Received-SPF",
            "pass",
            {"client_ip": "2001:db8::25"},
            id="gmail-style-ipv6",
        ),
        # Trend Micro HES writes only the result (lab: shared-hes-to-gmail-pass.eml).
        pytest.param(
            "none", "X-TM-Received-SPF", "none", {"comment": None}, id="x-tm-received-spf"
        ),
        # Pairs separated by spaces only; mechanism= quoted.
        pytest.param(
            "neutral (mx.example.net: 192.0.2.1 is neither permitted nor denied) "
            'client-ip=192.0.2.1 helo=mail.example.org mechanism="?all"',
            "Received-SPF",
            "neutral",
            {"client_ip": "192.0.2.1", "helo": "mail.example.org", "mechanism": "?all"},
            id="space-separated-pairs",
        ),
        # Nested parentheses in the comment.
        pytest.param(
            "softfail (example.net: not authorized (mechanism '~all' matched)) "
            "receiver=example.net; identity=mailfrom",
            "Received-SPF",
            "softfail",
            {
                "comment": "example.net: not authorized (mechanism '~all' matched)",
                "identity": "mailfrom",
            },
            id="nested-comment",
        ),
    ],
)
def test_dialects(value: str, name: str, result: str, attrs: dict[str, str | None]) -> None:
    r = spf(value, name=name)
    assert r.result == result
    for attr, want in attrs.items():
        assert getattr(r, attr) == want, attr
    assert r.defects == ()


@pytest.mark.parametrize(
    ("value", "result", "code", "severity"),
    [
        pytest.param("", None, "received-spf.empty", Severity.WARNING, id="empty"),
        pytest.param(
            "client-ip=192.0.2.1",
            None,
            "received-spf.no-result",
            Severity.WARNING,
            id="no-result",
        ),
        pytest.param(
            "maybe (who knows)",
            "maybe",
            "received-spf.unknown-result",
            Severity.WARNING,
            id="unknown-result",
        ),
        # RFC 4408 spellings, superseded by temperror/permerror in RFC 7208 §2.6.
        pytest.param(
            "error (x)", "error", "received-spf.legacy-result", Severity.INFO, id="rfc4408-error"
        ),
        pytest.param(
            "unknown (x)",
            "unknown",
            "received-spf.legacy-result",
            Severity.INFO,
            id="rfc4408-unknown",
        ),
        pytest.param(
            "pass (never closed client-ip=1.2.3.4",
            "pass",
            "received-spf.unclosed-comment",
            Severity.WARNING,
            id="unclosed-comment",
        ),
        pytest.param(
            "pass (ok) ; junk ;", "pass", "received-spf.bad-pair", Severity.INFO, id="junk-pair"
        ),
    ],
)
def test_defects(value: str, result: str | None, code: str, severity: Severity) -> None:
    r = spf(value)
    assert r.result == result
    assert [(d.code, d.severity) for d in r.defects] == [(code, severity)]
    assert r.raw == value


def test_first_pair_wins_and_all_are_kept() -> None:
    r = spf("pass client-ip=192.0.2.1; client-ip=192.0.2.2")
    assert r.client_ip == "192.0.2.1"
    assert r.pairs == (("client-ip", "192.0.2.1"), ("client-ip", "192.0.2.2"))


# --- Corpus -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", shared_cases(message_files()), ids=file_id)
def test_corpus_fields_parse(path: Path) -> None:
    """Every Received-SPF-style field of the corpus and lab parses to a known result."""
    for field in fields_of(path):
        if field.lname not in SPF_FIELDS:
            continue
        r = parse_received_spf(field)
        assert r.header_index == field.index
        assert r.result in {
            "pass",
            "fail",
            "softfail",
            "neutral",
            "none",
            "temperror",
            "permerror",
        }, field.value
        assert not [d for d in r.defects if d.severity is not Severity.INFO], r.defects


@pytest.mark.parametrize(
    "row",
    shared_cases([row for row in stated_rows() if row.received_spf is not None]),
    ids=lambda r: f"corpus: {r.local_name}",
)
def test_expected_first_received_spf(row: Stated) -> None:
    require_corpus()
    first = next(f for f in fields_of(row.path) if f.lname == "received-spf")
    r = parse_received_spf(first)
    assert row.received_spf is not None
    assert r.result == row.received_spf.lower()


def test_corpus_eop_fields() -> None:
    # corpus: eml/barracuda-to-eop-all-pass.eml (EOP writes receiver=, client-ip=, helo=, pr=)
    require_corpus()
    path = CORPUS / "eml" / "barracuda-to-eop-all-pass.eml"
    r = parse_received_spf(next(f for f in fields_of(path) if f.lname == "received-spf"))
    assert (r.result, r.receiver, r.client_ip) == (
        "pass",
        "protection.outlook.com",
        "80.89.176.228",
    )
    assert ("pr", "C") in r.pairs
