"""Tests for DKIM-Signature, ARC-Message-Signature, ARC-Seal parsing and ARC set grouping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from headerlens.model.auth import ARCSeal, AuthResults, DKIMSignature
from headerlens.model.core import HeaderField, Severity
from headerlens.parsers.authresults import parse_auth_results
from headerlens.parsers.dkimsig import group_arc_sets, parse_arc_seal, parse_dkim_signature
from headerlens.parsers.headers import split_message
from tests.auth_corpus import Stated, fields_of, file_id, message_files, stated_rows
from tests.auth_corpus import require_corpus as _require_corpus
from tests.paths import CORPUS, shared_cases


def field(value: str, name: str = "DKIM-Signature", index: int = 0) -> HeaderField:
    return HeaderField(index=index, name=name, value=value, raw=f"{name}: {value}\r\n".encode())


def sig(value: str, name: str = "DKIM-Signature", index: int = 0) -> DKIMSignature:
    return parse_dkim_signature(field(value, name, index))


def seal(value: str, index: int = 0) -> ARCSeal:
    return parse_arc_seal(field(value, "ARC-Seal", index))


def aar(value: str, index: int = 0) -> AuthResults:
    return parse_auth_results(field(value, "ARC-Authentication-Results", index))


# RFC 6376 Appendix A.2: the example signature (unfolded: line breaks gone, indentation kept).
RFC6376_A2 = (
    "v=1; a=rsa-sha256; s=brisbane; d=example.com;       c=simple/simple; q=dns/txt; "
    "i=joe@football.example.com;       h=Received : From : To : Subject : Date : Message-ID;"
    "       bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;       "
    "b=AuUoFEfDxTDkHlLXSZEpZj79LICEps6eda7W3deTVFOk4yAUoqOB         "
    "4nujc7YopdG5dWLSdNg6xNAZpOPr+kHxt1IrE+NahM6L/LbvaHut         "
    "KVdkLLkpVaVVQPzeRDI009SO2Il5Lu7rDNH6mZckBdrIx0orEtZV         4bmp/YzhwvcubU4=;"
)

# RFC 8617 Appendix B: the i=3 ARC set added by clochette.example.org.
RFC8617_AS3 = (
    "i=3; a=rsa-sha256; cv=pass; d=clochette.example.org; s=         clochette; t=12345; "
    "b=CU87XzXlNlk5X/yW4l73UvPUcP9ivwYWxyBWcVrRs7         "
    "+HPx3K05nJhny2fvymbReAmOA9GTH/y+k9kEc59hAKVg=="
)
RFC8617_AMS3 = (
    "i=3; a=rsa-sha256; c=relaxed/relaxed; d=         clochette.example.org; "
    "h=message-id:date:from:to:subject; s=         clochette; t=12345; "
    "bh=KWSe46TZKCcDbH4klJPo+tjk5LWJnVRlP5pvjXFZY         LQ=; "
    "b=o71vwyLsK+Wm4cOSlirXoRwzEvi0vqIjd/2/GkYFYlSd/GGfKzkAgPqxf         "
    "K7ccBMP7Zjb/mpeggswHjEMS8x5NQ=="
)
RFC8617_AAR3 = (
    "i=3; clochette.example.org; spf=fail smtp.from=jqd@d1.example; dkim=fail (512-bit key) "
    "header.i=@d1.example; dmarc=fail; arc=pass (as.2.gmail.example=pass)"
)


def test_rfc6376_appendix_a2() -> None:
    s = sig(RFC6376_A2)
    assert (s.version, s.algorithm, s.selector, s.domain) == (
        "1",
        "rsa-sha256",
        "brisbane",
        "example.com",
    )
    assert s.canonicalization == "simple/simple"
    assert s.identity == "joe@football.example.com"
    assert s.instance is None
    # RFC 6376 §3.5: h= is colon-separated with FWS allowed; names are case-insensitive.
    assert s.signed_headers == ("received", "from", "to", "subject", "date", "message-id")
    assert s.body_hash == "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8="
    assert s.signature is not None
    assert " " not in s.signature
    assert s.signature.startswith("AuUoFEfDxTDkHlLXSZEpZj79LICEps6eda7W3deTVFOk4yAUoqOB4nujc7")
    assert s.signature.endswith("4bmp/YzhwvcubU4=")
    assert s.tags.get("q") == "dns/txt"
    assert s.defects == ()


def test_rfc6376_3_5_z_tag_and_numbers() -> None:
    # RFC 6376 §3.5: the z= example (copied header fields with "|" and "=20").
    s = sig(
        "v=1; a=rsa-sha256; d=example.net; s=sel; h=from:to; bh=AAAA; b=BBBB; t=1117574938; "
        "x=1118006938; l=200; z=From:foo@eng.example.net|To:joe@example.com|"
        "Subject:demo=20run|Date:July=205,=202005=203:44:08=20PM=20-0700"
    )
    assert (s.timestamp, s.expiration, s.body_length) == (1117574938, 1118006938, 200)
    assert (
        s.tags.get(
            "z",
        )
        is not None
    )
    assert s.defects == ()


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        pytest.param(
            "a=rsa-sha256; b=x; bh=y; d=e.com; h=from; s=s", ["dkim.missing-tag"], id="missing-v"
        ),
        pytest.param("v=1; b=x; bh=y; d=e.com; h=from; s=s", ["dkim.missing-tag"], id="missing-a"),
        pytest.param(
            "v=1; a=rsa-sha256; bh=y; d=e.com; h=from; s=s", ["dkim.missing-tag"], id="missing-b"
        ),
        pytest.param(
            "v=1; a=rsa-sha256; b=x; d=e.com; h=from; s=s", ["dkim.missing-tag"], id="missing-bh"
        ),
        pytest.param(
            "v=1; a=rsa-sha256; b=x; bh=y; h=from; s=s", ["dkim.missing-tag"], id="missing-d"
        ),
        pytest.param(
            "v=1; a=rsa-sha256; b=x; bh=y; d=e.com; s=s", ["dkim.missing-tag"], id="missing-h"
        ),
        pytest.param(
            "v=1; a=rsa-sha256; b=x; bh=y; d=e.com; h=from", ["dkim.missing-tag"], id="missing-s"
        ),
        pytest.param("", ["dkim.missing-tag"] * 7, id="empty"),
        pytest.param(
            "v=1; a=rsa-sha256; b=x; bh=y; d=e.com; h=from; s=s; t=soon",
            ["dkim.bad-number"],
            id="t-not-numeric",
        ),
        pytest.param(
            "v=1; a=rsa-sha256; b=x; bh=y; d=e.com; h=from; s=s; x=-5",
            ["dkim.bad-number"],
            id="x-negative",
        ),
        pytest.param(
            "v=1; a=rsa-sha256; b=x; bh=y; d=e.com; h=from; s=s; l=1e3",
            ["dkim.bad-number"],
            id="l-not-integer",
        ),
        # RFC 6376 §3.5: x= must be greater than t=.
        pytest.param(
            "v=1; a=rsa-sha256; b=x; bh=y; d=e.com; h=from; s=s; t=200; x=100",
            ["dkim.expires-before-signed"],
            id="x-before-t",
        ),
        # RFC 6376 §3.5: i= must be d= or a subdomain of it.
        pytest.param(
            "v=1; a=rsa-sha256; b=x; bh=y; d=e.com; h=from; s=s; i=a@evil-e.com",
            ["dkim.auid-mismatch"],
            id="auid-outside-d",
        ),
        # RFC 6376 §5.4: From must be signed.
        pytest.param(
            "v=1; a=rsa-sha256; b=x; bh=y; d=e.com; h=to:subject; s=s",
            ["dkim.from-not-signed"],
            id="from-not-signed",
        ),
        # RFC 8301 §3.1: rsa-sha1 is not to be accepted.
        pytest.param(
            "v=1; a=rsa-sha1; b=x; bh=y; d=e.com; h=from; s=s", ["dkim.rsa-sha1"], id="rsa-sha1"
        ),
        pytest.param(
            "v=1; a=rsa-md5; b=x; bh=y; d=e.com; h=from; s=s",
            ["dkim.unknown-algorithm"],
            id="unknown-algorithm",
        ),
        pytest.param(
            "v=2; a=rsa-sha256; b=x; bh=y; d=e.com; h=from; s=s", ["dkim.bad-version"], id="v2"
        ),
        pytest.param(
            "v=1; a=rsa-sha256; b=x; bh=y; d=e.com; d=f.com; h=from; s=s",
            ["taglist.duplicate"],
            id="duplicate-d",
        ),
    ],
)
def test_dkim_defects(value: str, codes: list[str]) -> None:
    s = sig(value)
    assert sorted(d.code for d in s.defects) == sorted(codes)
    assert s.raw == value


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("v=1; a=ed25519-sha256; b=x; bh=y; d=e.com; h=From; s=s", id="ed25519"),
        pytest.param(
            "v=1; a=rsa-sha256; b=x; bh=y; d=E.com; h=from; s=s; i=@Mail.e.com", id="auid-subdomain"
        ),
        pytest.param(
            "v=1; a=rsa-sha256; b=x; bh=y; d=e.com; h=from; s=s; i=e.com",
            id="auid-without-local-part",
        ),
        pytest.param(
            "v=1; a=rsa-sha256; b=x; bh=y; d=e.com; h=from; s=s; t=100; x=200", id="x-after-t"
        ),
    ],
)
def test_dkim_valid_variants(value: str) -> None:
    assert sig(value).defects == ()


def test_rfc8617_appendix_b_ams() -> None:
    s = sig(RFC8617_AMS3, name="ARC-Message-Signature")
    assert s.instance == 3
    assert (s.version, s.identity) == (None, None)
    assert (s.domain, s.selector, s.timestamp) == ("clochette.example.org", "clochette", 12345)
    assert s.signed_headers == ("message-id", "date", "from", "to", "subject")
    assert s.body_hash == "KWSe46TZKCcDbH4klJPo+tjk5LWJnVRlP5pvjXFZYLQ="
    assert s.defects == ()


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        pytest.param(
            "a=rsa-sha256; b=x; bh=y; d=e.com; h=from; s=s",
            ["dkim.missing-tag"],
            id="RFC 8617 §4.1.2 missing i",
        ),
        pytest.param(
            "i=0; a=rsa-sha256; b=x; bh=y; d=e.com; h=from; s=s", ["arc.bad-instance"], id="i=0"
        ),
        pytest.param(
            "i=51; a=rsa-sha256; b=x; bh=y; d=e.com; h=from; s=s",
            ["arc.bad-instance"],
            id="RFC 8617 §4.2.1 i=51",
        ),
        pytest.param(
            "i=one; a=rsa-sha256; b=x; bh=y; d=e.com; h=from; s=s",
            ["dkim.bad-number"],
            id="i-not-numeric",
        ),
        # ValiMail ARC suite ams_fields_h_empty validates: only noted (INFO).
        pytest.param(
            "i=1; a=rsa-sha256; b=x; bh=y; d=e.com; h=; s=s", ["dkim.from-not-signed"], id="h-empty"
        ),
    ],
)
def test_ams_defects(value: str, codes: list[str]) -> None:
    s = sig(value, name="ARC-Message-Signature")
    assert [d.code for d in s.defects] == codes


def test_rfc8617_appendix_b_seal() -> None:
    s = seal(RFC8617_AS3)
    assert (s.instance, s.cv, s.algorithm) == (3, "pass", "rsa-sha256")
    assert (s.domain, s.selector, s.timestamp) == ("clochette.example.org", "clochette", 12345)
    assert s.signature == (
        "CU87XzXlNlk5X/yW4l73UvPUcP9ivwYWxyBWcVrRs7+HPx3K05nJhny2fvymbReAmOA9GTH/y+k9kEc59hAKVg=="
    )
    assert s.defects == ()


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        # RFC 8617 §4.1.3: h= is not allowed in an ARC-Seal.
        pytest.param(
            "i=2; a=rsa-sha256; cv=pass; d=e.com; s=s; b=x; h=from",
            ["arc.seal-has-h"],
            id="RFC 8617 §4.1.3 h= present",
        ),
        pytest.param(
            "i=2; a=rsa-sha256; cv=maybe; d=e.com; s=s; b=x",
            ["arc.bad-cv"],
            id="RFC 8617 §4.4 bad cv",
        ),
        pytest.param(
            "i=1; a=rsa-sha256; cv=pass; d=e.com; s=s; b=x",
            ["arc.first-cv"],
            id="RFC 8617 §5.1.1 i=1 cv=pass",
        ),
        pytest.param(
            "i=2; a=rsa-sha256; cv=none; d=e.com; s=s; b=x",
            ["arc.later-cv-none"],
            id="RFC 8617 §5.1.1 i=2 cv=none",
        ),
        pytest.param("i=2; a=rsa-sha256; d=e.com; s=s; b=x", ["dkim.missing-tag"], id="missing cv"),
        pytest.param(
            "i=99; a=rsa-sha256; cv=pass; d=e.com; s=s; b=x",
            ["arc.bad-instance"],
            id="RFC 8617 §4.2.1 i=99",
        ),
        pytest.param(
            "i=2; a=rsa-sha256; cv=pass; d=e.com; s=s; b=x; t=yesterday",
            ["dkim.bad-number"],
            id="t-not-numeric",
        ),
    ],
)
def test_seal_defects(value: str, codes: list[str]) -> None:
    assert [d.code for d in seal(value).defects] == codes


def test_seal_cv_is_lower_cased() -> None:
    assert seal("i=1; a=rsa-sha256; cv=None; d=e.com; s=s; b=x").cv == "none"


# --- ARC sets (RFC 8617 §4.2, §5.1.1) --------------------------------------------------------


def _set_parts(i: int, cv: str) -> tuple[ARCSeal, DKIMSignature, AuthResults]:
    """One well-formed ARC set modelled on RFC 8617 Appendix B (placeholder signatures)."""
    domain = {1: "lists.example.org", 2: "gmail.example", 3: "clochette.example.org"}.get(
        i, "relay.example"
    )
    return (
        seal(f"i={i}; a=rsa-sha256; cv={cv}; d={domain}; s=sel; t=12345; b=AAAA", index=3 * i),
        sig(
            f"i={i}; a=rsa-sha256; c=relaxed/relaxed; d={domain}; h=from:to; s=sel; bh=AA; b=BB",
            name="ARC-Message-Signature",
        ),
        aar(f"i={i}; {domain}; spf=pass smtp.mailfrom=example.org"),
    )


def _chain(
    spec: list[tuple[int, str]],
) -> tuple[list[ARCSeal], list[DKIMSignature], list[AuthResults]]:
    parts = [_set_parts(i, cv) for i, cv in spec]
    return [p[0] for p in parts], [p[1] for p in parts], [p[2] for p in parts]


def test_group_complete_chain() -> None:
    # RFC 8617 Appendix B: three sets, i=1 cv=none, i=2 and i=3 cv=pass.
    seals, ams, aars = _chain([(3, "pass"), (1, "none"), (2, "pass")])
    sets = group_arc_sets(seals, ams, aars)
    assert [s.instance for s in sets] == [1, 2, 3]
    assert all(s.defects == () for s in sets)
    assert sets[2].seal is not None
    assert sets[2].seal.domain == "clochette.example.org"
    assert sets[0].results is not None
    assert sets[0].results.authserv_id == "lists.example.org"


def test_group_missing_member() -> None:
    seals, ams, aars = _chain([(1, "none"), (2, "pass")])
    sets = group_arc_sets(seals, ams[:1], aars)
    assert [d.code for d in sets[1].defects] == ["arc.missing-member"]
    assert sets[1].message_signature is None
    assert "ARC-Message-Signature" in sets[1].defects[0].message


def test_group_duplicate_member() -> None:
    seals, ams, aars = _chain([(1, "none")])
    extra = seal("i=1; a=rsa-sha256; cv=none; d=other.example; s=x; b=CC", index=99)
    sets = group_arc_sets([*seals, extra], ams, aars)
    assert [d.code for d in sets[0].defects] == ["arc.duplicate-member"]
    assert sets[0].seal is seals[0]  # the first given is kept


def test_group_gap() -> None:
    # RFC 8617 §5.1.1: instances must run 1..N without holes.
    seals, ams, aars = _chain([(1, "none"), (3, "pass")])
    sets = group_arc_sets(seals, ams, aars)
    assert [s.instance for s in sets] == [1, 2, 3]
    assert [d.code for d in sets[1].defects] == ["arc.gap"]
    assert sets[1].seal is None
    assert sets[0].defects == sets[2].defects == ()


def test_group_instance_above_50() -> None:
    seals, ams, aars = _chain([(51, "pass")])
    sets = group_arc_sets(seals, ams, aars)
    assert [s.instance for s in sets] == [51]
    assert "arc.instance-range" in [d.code for d in sets[0].defects]


def test_group_unnumbered_fields() -> None:
    seals, ams, aars = _chain([(1, "none"), (2, "pass")])
    lost = seal("a=rsa-sha256; cv=pass; d=e.com; s=s; b=x", index=42)
    sets = group_arc_sets([*seals, lost], ams, aars)
    assert [d.code for d in sets[-1].defects] == ["arc.no-instance"]
    assert "#42" in sets[-1].defects[0].message
    only_lost = group_arc_sets([lost], [], [])
    assert [s.instance for s in only_lost] == [0]
    assert [d.code for d in only_lost[0].defects] == ["arc.no-instance"]


def test_group_nothing() -> None:
    assert group_arc_sets([], [], []) == ()


# --- Corpus, lab and ValiMail suite ----------------------------------------------------------


def _parse_all(
    fields: tuple[HeaderField, ...],
) -> tuple[list[DKIMSignature], list[ARCSeal], list[DKIMSignature], list[AuthResults]]:
    dkim = [parse_dkim_signature(f) for f in fields if f.lname == "dkim-signature"]
    seals = [parse_arc_seal(f) for f in fields if f.lname == "arc-seal"]
    ams = [parse_dkim_signature(f) for f in fields if f.lname == "arc-message-signature"]
    aars = [parse_auth_results(f) for f in fields if f.lname == "arc-authentication-results"]
    return dkim, seals, ams, aars


@pytest.mark.parametrize("path", shared_cases(message_files()), ids=file_id)
def test_corpus_fields_parse(path: Path) -> None:
    """Every DKIM/ARC field of the corpus and lab parses; real ARC chains group cleanly."""
    dkim, seals, ams, aars = _parse_all(fields_of(path))
    for s in dkim:
        assert s.domain, s.raw
        assert s.selector, s.raw
        assert s.signature, s.raw
        assert s.header_name.lower() == "dkim-signature"
    sets = group_arc_sets(seals, ams, aars)
    assert len(sets) == len(seals)
    for arc_set in sets:
        assert arc_set.defects == (), arc_set.defects
        assert arc_set.seal is not None
        assert arc_set.seal.defects == ()
        assert arc_set.message_signature is not None
        assert not [d for d in arc_set.message_signature.defects if d.severity is Severity.ERROR]


@pytest.mark.parametrize(
    "row",
    shared_cases([row for row in stated_rows() if row.arc is not None]),
    ids=lambda r: f"corpus: {r.local_name}",
)
def test_expected_arc_top_instance(row: Stated) -> None:
    _require_corpus()
    _, seals, ams, aars = _parse_all(fields_of(row.path))
    assert row.arc is not None
    top = max(seals, key=lambda s: s.instance or 0)
    assert (top.instance, (top.cv or "").lower()) == (row.arc[0], row.arc[1].lower())
    sets = group_arc_sets(seals, ams, aars)
    assert sets[-1].instance == row.arc[0]


@pytest.mark.parametrize(
    "row",
    shared_cases([row for row in stated_rows() if row.dkim_domains]),
    ids=lambda r: f"corpus: {r.local_name}",
)
def test_expected_dkim_domains(row: Stated) -> None:
    _require_corpus()
    dkim, *_ = _parse_all(fields_of(row.path))
    assert tuple(s.domain for s in dkim) == row.dkim_domains


def _valimail_cases() -> list[Any]:
    path = CORPUS / "arc" / "arc-draft-validation-tests.yml"
    if not path.is_file():
        return []
    cases = []
    with path.open(encoding="utf-8") as fh:
        for doc in yaml.safe_load_all(fh):
            for name, case in (doc or {}).get("tests", {}).items():
                cases.append(pytest.param(case, id=f"valimail: {name}"))
    return cases


@pytest.mark.parametrize("case", shared_cases(_valimail_cases()))
def test_valimail_arc_suite_parses(case: dict[str, Any]) -> None:
    """ValiMail ARC validation suite: no crash; chains the suite passes have no ERROR defect."""
    raw = (case.get("message") or "").replace("\n", "\r\n").encode()
    _, seals, ams, aars = _parse_all(split_message(raw).fields)
    sets = group_arc_sets(seals, ams, aars)
    defects = [d for s in sets for d in s.defects]
    defects += [d for x in seals for d in x.defects] + [d for x in ams for d in x.defects]
    defects += [d for x in aars for d in x.defects]
    if case.get("cv") == "Pass":
        assert sets
        assert not [d for d in defects if d.severity is Severity.ERROR], defects
    elif case.get("cv") == "None":
        assert sets == ()
    else:
        assert all(isinstance(s.instance, int) for s in sets)
