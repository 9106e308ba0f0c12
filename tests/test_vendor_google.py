"""Table tests for the Gmail / Google decoders: explained, never fake-decoded."""

from __future__ import annotations

import pytest

from headerlens.model.core import Severity
from headerlens.parsers.vendor import decode_vendor_header
from tests.vendor_fixtures import corpus_field, make_field

X_RECEIVED_CASES = [
    # (file, nth, by, with, date ISO)
    pytest.param(
        "eml/gmail-to-gmail-all-pass.eml",
        0,
        "2002:ac2:5a51:0:b0:4cc:6f59:ec79",
        "SMTP",
        "Tue, 21 Feb 2023 17:42:30 -0800 (PST)",
        id="corpus:eml/gmail-to-gmail-all-pass.eml",
    ),
    pytest.param(
        "dkim/blaze-001-github-sendgrid-to-gmail-two-dkim-pass.eml",
        0,
        "10.107.23.132",
        "SMTP",
        "Wed, 09 Nov 2016 12:10:29 -0800 (PST)",
        id="corpus:dkim/blaze-001-github-sendgrid-to-gmail-two-dkim-pass.eml",
    ),
    pytest.param(
        "lab/messages/shared-hes-to-gmail-pass.eml",
        0,
        "2002:a05:6402:2713:b0:5a1:1c2e:9f10",
        "SMTP",
        "Tue, 10 Nov 2026 12:14:13 -0800",
        id="lab:shared-hes-to-gmail-pass.eml",
    ),
]


@pytest.mark.parametrize(("relpath", "nth", "by", "proto", "iso"), X_RECEIVED_CASES)
def test_x_received(relpath: str, nth: int, by: str, proto: str, iso: str) -> None:
    result = decode_vendor_header(corpus_field(relpath, "X-Received", nth))
    assert result is not None
    assert result.vendor == "Gmail"
    fields = {f.key: f for f in result.fields}
    assert fields["by"].value == by
    assert fields["with"].value == proto
    assert fields["date"].value == iso
    assert result.summary == f"Google-internal hop (not a public Received hop) by {by}."


OPAQUE_CASES = [
    pytest.param(
        "eml/gmail-to-gmail-all-pass.eml",
        "X-Gm-Message-State",
        id="corpus:eml/gmail-to-gmail-all-pass.eml#state",
    ),
    pytest.param(
        "eml/gmail-to-gmail-all-pass.eml",
        "X-Google-Smtp-Source",
        id="corpus:eml/gmail-to-gmail-all-pass.eml#source",
    ),
    pytest.param(
        "eml/sourceforge-mailman-list-gmail-sender-original-dkim-broken.eml",
        "X-Gm-Gg",
        id="corpus:eml/sourceforge-mailman-list-gmail-sender-original-dkim-broken.eml",
    ),
]


@pytest.mark.parametrize(("relpath", "name"), OPAQUE_CASES)
def test_opaque_google_values_are_explained_not_decoded(relpath: str, name: str) -> None:
    field = corpus_field(relpath, name)
    result = decode_vendor_header(field)
    assert result is not None
    assert [f.value for f in result.fields] == [field.value]
    assert "not decoded" in (result.summary or "")


def test_google_dkim_signature_is_flagged_as_internal() -> None:
    # corpus: eml/gmail-to-gmail-all-pass.eml (X-Google-DKIM-Signature, d=1e100.net)
    result = decode_vendor_header(
        corpus_field("eml/gmail-to-gmail-all-pass.eml", "X-Google-DKIM-Signature")
    )
    assert result is not None
    fields = {f.key: f.value for f in result.fields}
    assert fields["d"] == "1e100.net"
    assert fields["s"] == "20210112"
    assert "not the sender's DKIM-Signature" in (result.summary or "")


@pytest.mark.parametrize(
    ("value", "severity", "meaning"),
    [
        ("1", Severity.WARNING, "Flag set."),
        ("0", Severity.INFO, "Flag not set."),
        ("x", Severity.INFO, None),
    ],
)
def test_gm_spam_flag(value: str, severity: Severity, meaning: str | None) -> None:
    result = decode_vendor_header(make_field("X-Gm-Spam", value))
    assert result is not None
    assert result.fields[0].severity is severity
    assert result.fields[0].meaning == meaning


def test_x_received_date_is_kept_as_text() -> None:
    # Brief: X-Received is read minimally; the date stays text, even when it is not a date.
    result = decode_vendor_header(
        make_field("X-Received", "by 10.0.0.1 with SMTP id abc; not a date")
    )
    assert result is not None
    assert result.defects == ()
    assert [(f.key, f.value) for f in result.fields] == [
        ("by", "10.0.0.1"),
        ("with", "SMTP"),
        ("id", "abc"),
        ("date", "not a date"),
    ]


def test_vendor_decoders_do_not_load_socket() -> None:
    # Design: the pure layer must not pull in socket (email.utils does, so it is not used here).
    import subprocess
    import sys

    code = "import sys, headerlens.parsers.vendor\nprint('socket' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
