"""Unicode digits (``¹²``, ``²``, ``³``) that ``str.isdigit()`` accepts and ``int()`` refuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from headerlens.analyze import analyze
from headerlens.dnsclient.snapshot import save_snapshot
from headerlens.evaluators.dkim import verify_dkim
from headerlens.evaluators.dmarc import evaluate_dmarc
from headerlens.model.dns import DnsRecord
from headerlens.model.verdicts import DkimResult
from headerlens.parsers.dates import parse_date
from headerlens.parsers.digits import ascii_int, is_ascii_digits
from headerlens.parsers.dmarcrecord import parse_dmarc_record
from tests.memresolver_dkim import MemoryResolver
from tests.test_dkim_verify import _MSG, LAB_NOW, RECEIPT, _resolver, sign

SUPERSCRIPT_DATE = "Tue, 12 \u00b9\u00b2 2024 10:00:00 +0000"  # "12 ¹² 2024"
RECEIVED = "from a.example (a.example [192.0.2.1]) by mx.example.net with ESMTP id 1; "


def _message(date: str, received_date: str) -> bytes:
    return (
        f"Received: {RECEIVED}{received_date}\r\n"
        "From: Alice <alice@example.com>\r\n"
        f"Date: {date}\r\n"
        "Subject: numbers\r\n\r\nbody\r\n"
    ).encode()


def _cli(*args: str, **kw: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "headerlens", *args],
        capture_output=True,
        timeout=120,
        check=False,
        **kw,
    )


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("0", 0),
        ("0042", 42),
        ("\u00b2", None),
        ("\u0661", None),
        ("", None),
        ("1_0", None),
        (" 1", None),
        ("+1", None),
        ("9" * 77, None),
    ],
)
def test_ascii_int(text: str, want: int | None) -> None:
    assert ascii_int(text, 76) == want
    assert is_ascii_digits(text) is (want is not None or len(text) == 77)


@pytest.mark.parametrize(
    "text",
    [
        SUPERSCRIPT_DATE,
        "12 \u00b9\u00b2 2024 10:00",  # the lenient path
        "2024-\u00b9\u00b2-01T10:00:00Z",
    ],
)
def test_unicode_digit_dates_are_unparseable_not_a_crash(text: str) -> None:
    dt, defect = parse_date(text)
    assert dt is None
    assert defect is not None and defect.code == "date.unparseable"


def test_date_field_with_unicode_digits_is_a_defect() -> None:
    a = analyze(_message(SUPERSCRIPT_DATE, "Tue, 12 Mar 2024 10:00:00 +0000"))
    assert a.date is None
    assert "date.header" in {d.code for d in a.defects}
    assert not [d for d in a.defects if d.code.startswith("internal.")]


def test_received_date_with_unicode_digits_is_a_defect() -> None:
    a = analyze(_message("Tue, 12 Mar 2024 10:00:00 +0000", SUPERSCRIPT_DATE))
    (hop,) = a.chain.hops
    assert hop.received.timestamp is None
    assert hop.received.by == "mx.example.net"
    assert any(d.code.startswith("date.") for d in hop.received.defects)


@pytest.mark.parametrize("where", ["date", "received"])
def test_report_exit_0_on_unicode_digit_dates(where: str, tmp_path: Path) -> None:
    good = "Tue, 12 Mar 2024 10:00:00 +0000"
    path = tmp_path / "m.eml"
    path.write_bytes(
        _message(SUPERSCRIPT_DATE, good) if where == "date" else _message(good, SUPERSCRIPT_DATE)
    )
    proc = _cli("report", "--offline", str(path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    assert b"Traceback" not in proc.stdout


def test_date_and_received_parsers_run_under_the_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in the Date or Received parser becomes a defect, like any other field parser's."""

    def broken(*_a: object, **_k: object) -> object:
        raise RuntimeError("parser bug")

    import headerlens.analyze as mod

    monkeypatch.setattr(mod, "parse_date", broken)
    monkeypatch.setattr(mod, "parse_received", broken, raising=False)
    a = analyze(_message("Tue, 12 Mar 2024 10:00:00 +0000", "Tue, 12 Mar 2024 10:00:00 +0000"))
    errors = [d.message for d in a.defects if d.code == "internal.parser-error"]
    assert any("Date field" in m for m in errors), errors
    assert any("Received field" in m for m in errors), errors
    assert a.date is None
    (hop,) = a.chain.hops  # the Received field still makes a hop, shown raw
    assert hop.received.raw.startswith("from a.example")
    assert a.from_addr is not None and a.from_addr.domain == "example.com"


async def test_dkim_l_superscript_loses_only_its_own_verdict() -> None:
    good = sign(_MSG, "")
    bad_line = sign(_MSG, "l=\u00b2;").partition(b"\r\n")[0] + b"\r\n"
    verdicts = await verify_dkim(
        bad_line + good,
        has_body=True,
        resolver=_resolver(),
        receipt_time=RECEIPT,
        now=LAB_NOW,
    )
    assert len(verdicts) == 2
    bad, ok = verdicts
    assert ok.result is DkimResult.PASS
    assert bad.result is DkimResult.PERMERROR
    assert bad.body_length is None


@pytest.mark.parametrize("tag", ["pct=\u00b2", "ri=\u00b3", "pct=\u0665\u0660"])
def test_dmarc_unicode_number_is_a_record_defect(tag: str) -> None:
    rec = parse_dmarc_record(f"v=DMARC1; p=reject; {tag}")
    assert rec.p == "reject"
    assert "dmarc.record.value" in {d.code for d in rec.defects}


async def test_dmarc_unicode_number_from_dns_keeps_the_verdict() -> None:
    resolver = MemoryResolver(
        {("_dmarc.example.com", "TXT"): ["v=DMARC1; p=reject; pct=\u00b2; ri=\u00b3"]}
    )
    v = await evaluate_dmarc("example.com", ("fail", "example.com"), [], resolver)
    assert v.result.value == "fail"
    assert v.policy == "reject"


def test_check_exit_0_on_unicode_dmarc_numbers(tmp_path: Path) -> None:
    snapshot = tmp_path / "dns.json"
    dmarc = "v=DMARC1; p=reject; pct=\u00b2; ri=\u00b3"
    save_snapshot(
        [
            DnsRecord("example.com", "TXT", "NOERROR", ("v=spf1 -all",), ttl=300),
            DnsRecord("_dmarc.example.com", "TXT", "NOERROR", (dmarc,), ttl=300),
        ],
        snapshot,
    )
    proc = _cli("check", "example.com", "--dns-snapshot", str(snapshot), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert b"internal error" not in proc.stderr
    doc = json.loads(proc.stdout)
    assert "p=reject" in json.dumps(doc)


def test_bounce_codes_are_ascii_only() -> None:
    from headerlens.parsers.ndr_codes import lookup
    from headerlens.parsers.ndr_text import reply_parts

    # "٥٥٠ ٥.٧.١" (Arabic-Indic digits) is not an SMTP reply or RFC 3463 status code
    assert reply_parts("\u0665\u0665\u0660 \u0665.\u0667.\u0661 denied") == (None, None)
    assert reply_parts("550 5.7.1 denied") == (550, "5.7.1")
    assert "no status code" in lookup("5.\u0667.1", "", None).explanation
