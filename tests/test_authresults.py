"""Tests for the Authentication-Results / ARC-Authentication-Results parser and compauth codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from headerlens.analyze import analyze
from headerlens.model.auth import AuthResults
from headerlens.model.core import HeaderField, Severity
from headerlens.parsers.authresults import parse_auth_results
from headerlens.parsers.compauth import explain_compauth_reason, explain_method_result
from headerlens.stamped import final_receiver_results
from tests.auth_corpus import (
    Stated,
    message_files,
    render_tokens,
    require_corpus,
    stated_rows,
)
from tests.auth_corpus import (
    fields_of as _fields_of,
)
from tests.auth_corpus import (
    file_id as _file_id,
)
from tests.paths import CORPUS, shared_cases

AR_FIELDS = frozenset(
    {
        "authentication-results",
        "arc-authentication-results",
        "authentication-results-original",
        "x-ms-exchange-authentication-results",
        "x-tm-authentication-results",
        "x-original-authentication-results",
    }
)


def ar(value: str, name: str = "Authentication-Results", index: int = 0) -> AuthResults:
    field = HeaderField(index=index, name=name, value=value, raw=f"{name}: {value}\r\n".encode())
    return parse_auth_results(field)


def pairs(result: AuthResults) -> list[str]:
    return [f"{r.method}={r.result}" for r in result.results]


# --- RFC 8601 Appendix B and RFC 8617 Appendix B -------------------------------------------


@pytest.mark.parametrize(
    ("value", "authserv_id", "version", "expected"),
    [
        pytest.param("example.org 1; none", "example.org", "1", [], id="RFC 8601 Appendix B.2"),
        pytest.param(
            "example.com;\r\n          spf=pass smtp.mailfrom=example.net",
            "example.com",
            None,
            ["spf=pass"],
            id="RFC 8601 Appendix B.3",
        ),
        pytest.param(
            "example.com;\r\n          auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
            "          spf=pass smtp.mailfrom=example.net",
            "example.com",
            None,
            ["auth=pass", "spf=pass"],
            id="RFC 8601 Appendix B.4 first",
        ),
        pytest.param(
            "example.com; iprev=pass\r\n          policy.iprev=192.0.2.200",
            "example.com",
            None,
            ["iprev=pass"],
            id="RFC 8601 Appendix B.4 second",
        ),
        pytest.param(
            "example.com;\r\n    dkim=pass (good signature) header.d=example.com",
            "example.com",
            None,
            ["dkim=pass"],
            id="RFC 8601 Appendix B.5 first",
        ),
        pytest.param(
            'example.com;\r\n    dkim=pass reason="good signature"\r\n'
            "      header.i=@mail-router.example.net;\r\n"
            '    dkim=fail reason="bad signature"\r\n      header.i=@newyork.example.com',
            "example.com",
            None,
            ["dkim=pass", "dkim=fail"],
            id="RFC 8601 Appendix B.6 first",
        ),
        pytest.param(
            "example.net;\r\n    dkim=pass (good signature) header.i=@newyork.example.com",
            "example.net",
            None,
            ["dkim=pass"],
            id="RFC 8601 Appendix B.6 second",
        ),
    ],
)
def test_rfc8601_appendix_b(
    value: str, authserv_id: str, version: str | None, expected: list[str]
) -> None:
    result = ar(value)
    assert result.authserv_id == authserv_id
    assert result.version == version
    assert pairs(result) == expected
    assert result.defects == ()


def test_rfc8601_appendix_b4_properties() -> None:
    # RFC 8601 Appendix B.4
    result = ar(
        "example.com;\r\n auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
        " spf=pass smtp.mailfrom=example.net"
    )
    auth, spf = result.results
    assert auth.comments == ("cram-md5",)
    assert auth.prop("smtp.auth") == "sender@example.net"
    assert spf.prop("smtp.mailfrom") == "example.net"


def test_rfc8601_appendix_b6_reason_quoted() -> None:
    # RFC 8601 Appendix B.6: reason="..." is a quoted string, kept without the quotes.
    result = ar(
        'example.com; dkim=pass reason="good signature" header.i=@mail-router.example.net;'
        ' dkim=fail reason="bad signature" header.i=@newyork.example.com'
    )
    assert [r.reason for r in result.results] == ["good signature", "bad signature"]
    assert [r.prop("header.i") for r in result.results] == [
        "@mail-router.example.net",
        "@newyork.example.com",
    ]


def test_rfc8601_appendix_b7_comment_heavy() -> None:
    # RFC 8601 Appendix B.7: comments between every token, method version, spaced property.
    result = ar(
        "foo.example.net (foobar) 1 (baz);\r\n"
        "    dkim (Because I like it) / 1 (One yay) = (wait for it) fail\r\n"
        "      policy (A dot can go here) . (like that) expired\r\n"
        "      (this surprised me) = (as I wasn't expecting it) 1362471462"
    )
    assert result.authserv_id == "foo.example.net"
    assert result.version == "1"
    assert result.comments == ("foobar", "baz")
    (dkim,) = result.results
    assert (dkim.method, dkim.version, dkim.result) == ("dkim", "1", "fail")
    assert dkim.prop("policy.expired") == "1362471462"
    assert "Because I like it" in dkim.comments
    assert "as I wasn't expecting it" in dkim.comments
    assert result.defects == ()


def test_rfc8617_appendix_b_aar() -> None:
    # RFC 8617 Appendix B: ARC-Authentication-Results i=3 with a nested comment.
    result = ar(
        "i=3; clochette.example.org; spf=fail\r\n"
        "    smtp.from=jqd@d1.example; dkim=fail (512-bit key)\r\n"
        "    header.i=@d1.example; dmarc=fail; arc=pass (as.2.gmail.example=pass,\r\n"
        "    ams.2.gmail.example=pass, as.1.lists.example.org=pass,\r\n"
        "    ams.1.lists.example.org=fail (message has been altered))",
        name="ARC-Authentication-Results",
    )
    assert result.instance == 3
    assert result.authserv_id == "clochette.example.org"
    assert pairs(result) == ["spf=fail", "dkim=fail", "dmarc=fail", "arc=pass"]
    arc = result.first("arc")
    assert arc is not None
    assert arc.properties == ()  # "as.2.gmail.example=pass" is inside the comment
    assert arc.comments[0].endswith("(message has been altered)")
    assert result.defects == ()


# --- Dialects seen in the wild (our own examples written in each producer's style) ----------


def test_microsoft_without_authserv_id() -> None:
    # Exchange Online Protection style: no authserv-id, ";" without spaces, action=, compauth.
    result = ar(
        "spf=pass (sender IP is 192.0.2.10) smtp.mailfrom=contoso.com; dkim=pass (signature "
        "was verified) header.d=contoso.com;dmarc=bestguesspass action=none "
        "header.from=contoso.com;compauth=pass reason=109"
    )
    assert result.authserv_id is None
    assert pairs(result) == ["spf=pass", "dkim=pass", "dmarc=bestguesspass", "compauth=pass"]
    spf, _, dmarc, compauth = result.results
    assert spf.comments == ("sender IP is 192.0.2.10",)
    assert dmarc.extras == (("action", "none"),)
    assert dmarc.prop("header.from") == "contoso.com"
    assert dmarc.explanation is not None
    assert "no DMARC record" in dmarc.explanation
    assert compauth.reason == "109"
    assert compauth.explanation is not None
    assert "1xx" in compauth.explanation
    assert result.defects == ()


def test_microsoft_arc_aar_with_version() -> None:
    # Microsoft's ARC-Authentication-Results: "i=N; mx.microsoft.com 1; ..."
    result = ar(
        "i=2; mx.microsoft.com 1; spf=pass (sender ip is 192.0.2.10) "
        "smtp.rcpttodomain=fabrikam.com smtp.mailfrom=contoso.com; dmarc=pass (p=none sp=none "
        "pct=100) action=none header.from=contoso.com; arc=pass (0 oda=0 ltdi=1)",
        name="ARC-Authentication-Results",
    )
    assert (result.instance, result.authserv_id, result.version) == (2, "mx.microsoft.com", "1")
    assert pairs(result) == ["spf=pass", "dmarc=pass", "arc=pass"]
    assert result.results[0].prop("smtp.rcpttodomain") == "fabrikam.com"
    assert result.results[2].comments == ("0 oda=0 ltdi=1",)


def test_outlook_stray_authserv_segments() -> None:
    # Outlook.com style: bare "outlook.com;" segments between results are kept out, with INFO.
    result = ar(
        "spf=pass (sender IP is 192.0.2.1) smtp.helo=mail.contoso.com; outlook.com; "
        "dkim=none (message not signed) header.d=none;outlook.com; dmarc=pass action=none "
        "header.from=outlook.com;"
    )
    assert pairs(result) == ["spf=pass", "dkim=none", "dmarc=pass"]
    assert [d.code for d in result.defects] == ["authres.stray-text", "authres.stray-text"]
    assert all(d.severity is Severity.INFO for d in result.defects)


@pytest.mark.parametrize(
    ("value", "check"),
    [
        # Gmail: quoted-free header.b, comments with ":" and "(", trailing dmarc comment.
        pytest.param(
            "mx.google.com; dkim=pass header.i=@contoso.com header.s=selector1 "
            "header.b=Qx3k9T1a; arc=pass (i=1 spf=pass spfdomain=contoso.com); spf=pass "
            "(google.com: domain of a@contoso.com designates 192.0.2.1 as permitted sender) "
            "smtp.mailfrom=a@contoso.com; dmarc=pass (p=NONE sp=NONE dis=NONE) "
            "header.from=contoso.com",
            lambda r: (
                pairs(r) == ["dkim=pass", "arc=pass", "spf=pass", "dmarc=pass"]
                and r.results[0].prop("header.b") == "Qx3k9T1a"
            ),
            id="gmail-style",
        ),
        # Quoted authserv-id and quoted property value with "@" and "=".
        pytest.param(
            '"mx.example.net"; dkim=pass header.b="AbC+/9==" (comment); spf=softfail '
            'smtp.mailfrom="bounce+x=y@example.org"',
            lambda r: (
                r.authserv_id == "mx.example.net"
                and r.results[0].prop("header.b") == "AbC+/9=="
                and r.results[1].prop("smtp.mailfrom") == "bounce+x=y@example.org"
            ),
            id="quoted-values",
        ),
        # A quoted string inside a comment does not end the comment.
        pytest.param(
            'mx.example.net; dkim=fail ("body hash did not verify") header.d=example.org',
            lambda r: (
                r.results[0].comments == ('"body hash did not verify"',)
                and r.results[0].prop("header.d") == "example.org"
            ),
            id="quote-in-comment",
        ),
        # Empty property value at the end (Gmail "smtp.mail=").
        pytest.param(
            "mx.example.net; spf=pass (best guess record) smtp.mail=",
            lambda r: r.results[0].prop("smtp.mail") == "" and r.defects == (),
            id="empty-value-at-end",
        ),
        # Empty property value followed by another property.
        pytest.param(
            "mx.example.net; spf=pass smtp.mailfrom= smtp.helo=mail.example.org",
            lambda r: (
                r.results[0].prop("smtp.mailfrom") == ""
                and r.results[0].prop("smtp.helo") == "mail.example.org"
            ),
            id="empty-value-then-property",
        ),
        # UTF-8 in a comment and an internationalised local part.
        pytest.param(
            "mx.example.net; spf=pass (domaine autorisé) smtp.mailfrom=josé@exemple.fr",
            lambda r: (
                r.results[0].comments == ("domaine autorisé",)
                and r.results[0].prop("smtp.mailfrom") == "josé@exemple.fr"
            ),
            id="utf8",
        ),
        # Upper-case method/result/ptype are normalised; values keep their case.
        pytest.param(
            "mx.example.net; SPF=Pass SMTP.MailFrom=A@Example.ORG",
            lambda r: (
                pairs(r) == ["spf=pass"]
                and r.results[0].properties[0].value == "A@Example.ORG"
                and r.results[0].prop("smtp.mailfrom") == "A@Example.ORG"
            ),
            id="case",
        ),
        # Unknown methods and properties are kept (RFC 8601 §2.7 registry is open-ended).
        pytest.param(
            "mx.example.net; bimi=pass header.d=example.org policy.authority=none; "
            "x-custom=ok x-whatever.key=1",
            lambda r: (
                pairs(r) == ["bimi=pass", "x-custom=ok"]
                and r.results[1].prop("x-whatever.key") == "1"
            ),
            id="unknown-methods",
        ),
        # Trailing ";" (Exchange ends most fields with one) and repeated ";" are harmless.
        pytest.param(
            "spf=none (sender IP is ) smtp.mailfrom=<>; ;",
            lambda r: (
                r.authserv_id is None
                and pairs(r) == ["spf=none"]
                and r.results[0].prop("smtp.mailfrom") == "<>"
                and r.defects == ()
            ),
            id="trailing-semicolons",
        ),
        # Trend Micro's X-TM-Authentication-Results uses the plain RFC 8601 form.
        pytest.param(
            "hes.trendmicro.com; spf=pass smtp.mailfrom=ops@fabrikam.com; dkim=pass "
            "header.d=fabrikam.com; dmarc=pass header.from=fabrikam.com",
            lambda r: (
                r.authserv_id == "hes.trendmicro.com"
                and pairs(r) == ["spf=pass", "dkim=pass", "dmarc=pass"]
            ),
            id="trendmicro-style",
        ),
        # policy.* properties (authentication_milter writes several per DMARC result).
        pytest.param(
            "test.module; dmarc=pass policy.published-domain-policy=none "
            "policy.applied-disposition=none (p=none,d=none) header.from=example.org",
            lambda r: (
                r.results[0].prop("policy.published-domain-policy") == "none"
                and r.results[0].prop("policy.applied-disposition") == "none"
                and r.results[0].prop("header.from") == "example.org"
            ),
            id="policy-properties",
        ),
    ],
)
def test_dialects(value: str, check: object) -> None:
    result = ar(value)
    assert callable(check)
    assert check(result), result


@pytest.mark.parametrize(
    ("value", "name", "codes"),
    [
        pytest.param("", "Authentication-Results", ["authres.empty"], id="empty"),
        pytest.param(
            "mx.example.net", "Authentication-Results", ["authres.no-results"], id="id-only"
        ),
        pytest.param(
            "mx.example.net; dkim=pass (unclosed",
            "Authentication-Results",
            ["authres.unclosed-comment"],
            id="unclosed-comment",
        ),
        pytest.param(
            'mx.example.net; dkim=pass header.b="abc',
            "Authentication-Results",
            ["authres.unclosed-quote"],
            id="unclosed-quote",
        ),
        pytest.param(
            "mx.example.net; =pass; dkim=",
            "Authentication-Results",
            ["authres.bad-resinfo", "authres.bad-resinfo", "authres.no-results"],
            id="missing-method-and-result",
        ),
        pytest.param(
            "mx.example.net 2; spf=pass",
            "Authentication-Results",
            ["authres.version"],
            id="RFC 8601 §2.2 unknown version",
        ),
        pytest.param(
            "mx.example.net; spf=pass",
            "ARC-Authentication-Results",
            ["authres.arc-no-instance"],
            id="aar-without-instance",
        ),
        pytest.param(
            "i=51; mx.example.net; spf=pass",
            "ARC-Authentication-Results",
            ["authres.arc-bad-instance"],
            id="RFC 8617 §4.2.1 instance above 50",
        ),
        pytest.param(
            '\x1b[31m;;;(("\\',
            "Authentication-Results",
            ["authres.no-results", "authres.unclosed-comment"],
            id="binary-garbage",
        ),
    ],
)
def test_garbage_becomes_defects(value: str, name: str, codes: list[str]) -> None:
    result = ar(value, name=name)
    assert [d.code for d in result.defects] == codes
    assert result.raw == value


def test_none_keeps_no_results() -> None:
    # RFC 8601 §2.2: "authserv-id; none" means no authentication was done.
    result = ar("mx.example.net; none")
    assert result.results == ()
    assert result.defects == ()


def test_header_index_and_name_are_kept() -> None:
    result = ar("mx.example.net; spf=pass", name="X-TM-Authentication-Results", index=7)
    assert (result.header_name, result.header_index) == ("X-TM-Authentication-Results", 7)


# --- compauth reason codes (Microsoft documentation, our wording) --------------------------


@pytest.mark.parametrize(
    ("reason", "needle"),
    [
        ("000", "explicit"),
        ("001", "implicit"),
        ("002", "admin"),
        ("010", "accepted domains"),
        ("100", "1xx"),
        ("109", "1xx"),
        ("116", "reverse DNS"),
        ("130", "ARC"),
        ("201", "soft-passed"),
        ("301", "not checked"),
        ("451", "bypassed"),
        ("601", "accepted domains"),
        ("703", "7xx"),
        ("905", "bypassed"),
    ],
)
def test_compauth_reason_codes(reason: str, needle: str) -> None:
    text = explain_compauth_reason(reason)
    assert text is not None
    assert needle in text


@pytest.mark.parametrize("reason", [None, "", "5", "abc", "1234", "801"])
def test_compauth_unknown_reasons(reason: str | None) -> None:
    assert explain_compauth_reason(reason) is None


def test_dmarc_action_explanations() -> None:
    assert "override reject" in (
        explain_method_result("dmarc", "fail", None, (("action", "oreject"),)) or ""
    )
    assert explain_method_result("spf", "pass", None, ()) is None


# Corpus: compauth as Exchange Online Protection stamped it (files read from ../shared).
COMPAUTH_CASES = [
    (
        "eml/eop-spoof-spf-fail-dkim-nokey-dmarc-fail-oreject-compauth-000.eml",
        "fail",
        "000",
        "explicit",
        "override reject",
    ),
    ("eml/eop-spf-temperror-dmarc-temperror-compauth-fail.eml", "fail", "001", "implicit", None),
    ("eml/eop-dkim-bodyhash-fail-compauth-pass-105.eml", "pass", "105", "1xx", None),
    (
        "eml/exchange-onprem-2016-proofpoint-sentrion-to-eop-outlookcom.eml",
        "pass",
        "109",
        "1xx",
        "no DMARC record",
    ),
    (
        "eml/eop-relay-via-onmicrosoft-dkim-fail-dmarc-fail-quarantine-12-hops-ipv6.eml",
        "pass",
        "130",
        "ARC",
        "quarantine",
    ),
    ("eml/icloud-proofpoint-to-eop-all-pass.eml", "pass", "100", "1xx", None),
]


@pytest.mark.parametrize(
    ("local_name", "result", "reason", "needle", "dmarc_needle"),
    [pytest.param(*case, id=f"corpus: {case[0]}") for case in COMPAUTH_CASES],
)
def test_corpus_compauth(
    local_name: str, result: str, reason: str, needle: str, dmarc_needle: str | None
) -> None:
    require_corpus()
    fields = [f for f in _fields_of(CORPUS / local_name) if f.lname == "authentication-results"]
    top = parse_auth_results(fields[0])
    assert top.authserv_id is None
    compauth = top.first("compauth")
    assert compauth is not None
    assert (compauth.result, compauth.reason) == (result, reason)
    assert compauth.explanation is not None
    assert needle in compauth.explanation
    dmarc = top.first("dmarc")
    assert dmarc is not None
    if dmarc_needle is not None:
        assert dmarc.explanation is not None
        assert dmarc_needle in dmarc.explanation


# --- The whole corpus parses ----------------------------------------------------------------


@pytest.mark.parametrize("path", shared_cases(message_files()), ids=_file_id)
def test_corpus_fields_parse(path: Path) -> None:
    """Every AR-style field of every corpus and lab message parses without raising."""
    for field in _fields_of(path):
        if field.lname not in AR_FIELDS:
            continue
        result = parse_auth_results(field)
        assert result.header_index == field.index
        assert result.raw == field.value
        # Either results, an explicit "none", or a defect saying why there are none.
        assert result.results or result.defects or field.value.rstrip(" ;").lower().endswith("none")
        if field.lname == "arc-authentication-results":
            assert result.instance is not None


# --- EXPECTED.tsv: the final receiver's stated verdicts --------------------------------------

# Rows whose mechanically extracted topAR[...] is wrong; each entry says what the field really
# holds and why.
STATED_WRONG: dict[str, tuple[str | None, tuple[str, ...], str]] = {
    "eml/yahoo-ndr-dkim-pass.eml": (
        "mta4007.mail.ne1.yahoo.com",
        ("domainkeys=neutral", "dkim=pass"),
        "The field is 'mta4007.mail.ne1.yahoo.com  from=yahoo.com; domainkeys=neutral (no sig);"
        "  from=yahoo.com; dkim=pass (ok)'. The stated authserv-id is the text before the first"
        " ';' cut at 40 characters, and it drops domainkeys=neutral, a registered method"
        " (RFC 5451 §6.2) with a valid result.",
    ),
    "dkim/authmilter/google-apps-good.expected.eml": (
        "test.module",
        (
            "dkim-adsp=pass",
            "dkim=pass",
            "dmarc=pass",
            "iprev=pass",
            "spf=pass",
            "x-google-dkim=pass",
            "x-ptr=pass",
        ),
        "The field's last clause 'x-ptr=pass smtp.helo=... policy.ptr=...' is a valid resinfo;"
        " RFC 8601 §2.2 needs no ';' after the last one, but the extraction dropped it.",
    ),
    "dkim/authmilter/google-apps-good-spf-softfail.expected.eml": (
        "test.module",
        (
            "dkim-adsp=pass",
            "dkim=pass",
            "dmarc=pass",
            "iprev=fail",
            "spf=softfail",
            "x-google-dkim=pass",
            "x-ptr=fail",
        ),
        "Same as google-apps-good: the final 'x-ptr=fail ...' clause was dropped.",
    ),
    "dkim/authmilter/google-apps-bad.expected.eml": (
        "test.module",
        (
            "dkim-adsp=unknown",
            "dkim=fail",
            "dmarc=pass",
            "iprev=pass",
            "spf=pass",
            "x-google-dkim=fail",
            "x-ptr=pass",
        ),
        "Same as google-apps-good: the final 'x-ptr=pass ...' clause was dropped.",
    ),
}

# Rows whose stated top field is a pass written directly below the final receiver's Received
# line (a Postfix milter's habit, but also where the sender's own header begins) with nothing the
# sender cannot write behind it: not counted as the receiver's (tests/test_attacker_evidence_2.py).
UNBACKED_BELOW_LINE_PASS: dict[str, str] = {
    "eml/mimecast-ndr-dkim-pass.eml": "eb.example.jp's dkim=pass under its Postfix line",
    "dkim/blaze-005-gmail-forwarded-to-kernelorg-list-arc3-dmarc-fail.eml": (
        "smtp.subspace.kernel.org's arc=pass under its Postfix line; its dmarc=fail and "
        "spf=fail fields below still count"
    ),
}

_TOP_ROWS = [row for row in stated_rows() if row.top_ar_id is not None]


def _split_stated(tokens: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """method=result tokens, and Microsoft's action=/reason= tokens, as two lists."""
    methods = [t for t in tokens if t.partition("=")[0] not in ("action", "reason")]
    extras = [t for t in tokens if t.partition("=")[0] in ("action", "reason")]
    return methods, extras


@pytest.mark.parametrize("row", shared_cases(_TOP_ROWS), ids=lambda r: f"corpus: {r.local_name}")
def test_expected_top_authentication_results(row: Stated) -> None:
    require_corpus()
    # the product's own choice of the final receiver's fields (headerlens.stamped), on the
    # product's own analysis of the file
    group = list(final_receiver_results(analyze(row.path.read_bytes())))
    if row.local_name in UNBACKED_BELOW_LINE_PASS:
        assert any(t.endswith("=pass") for t in row.top_ar_tokens)
        assert "pass" not in {r.result.lower() for a in group for r in a.results}
        return
    assert group, "no Authentication-Results field found"
    got_methods, got_extras = _split_stated(render_tokens(group))
    authserv_id = group[0].authserv_id
    if row.local_name in STATED_WRONG:
        want_id, want_tokens, why = STATED_WRONG[row.local_name]
        stated_methods, _ = _split_stated(row.top_ar_tokens)
        # Fails (and asks for this entry to go) once EXPECTED.tsv is corrected.
        assert (row.top_ar_id, stated_methods) != (want_id, list(want_tokens)), why
        assert authserv_id == want_id, why
        assert got_methods == list(want_tokens), why
        return
    want_methods, want_extras = _split_stated(row.top_ar_tokens)
    if row.top_ar_id == "(EOP, no authserv-id)":
        assert authserv_id is None
    else:
        assert authserv_id == row.top_ar_id
    assert got_methods == want_methods
    assert sorted(got_extras) == sorted(want_extras)


@pytest.mark.parametrize(
    "row",
    shared_cases([row for row in stated_rows() if row.ar_count is not None]),
    ids=lambda r: f"corpus: {r.local_name}",
)
def test_expected_ar_count(row: Stated) -> None:
    require_corpus()
    fields = [f for f in _fields_of(row.path) if f.lname == "authentication-results"]
    assert len(fields) == row.ar_count
    assert all(parse_auth_results(f).authserv_id for f in fields)


def test_expected_rows_were_read() -> None:
    require_corpus()
    # EXPECTED.tsv states topAR for most files; an empty list would make the tests vacuous.
    assert len(_TOP_ROWS) >= 25
