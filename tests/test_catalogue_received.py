"""Catalogue group C, Received chain and dates (research/reliability.md §4 C1-C11)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from headerlens import budgets
from headerlens.analyze import analyze
from headerlens.diagnosis.findings_build import stamped_findings
from headerlens.model import Analysis, Severity
from headerlens.stamped import final_receiver_results
from tests.catalogue import MSG, codes, timed

NOW = datetime(2026, 11, 11, tzinfo=UTC)
HOP = b"Received: from a.example (a.example [192.0.2.1]) by b.example; Tue, 10 Nov 2026 09:14:08 -0800\r\n"


def test_c1_no_received_fields() -> None:
    # catalogue C1: finding "no trace"; empty hop view
    a, _ = timed(MSG.split(b"\r\n", 1)[1])
    assert "chain.empty" in codes(a)
    assert a.chain.hops == ()


def test_c2_more_than_500_hops() -> None:
    # catalogue C2 / RFC 5321 §6.3: first 100 hops processed, count + loop in the finding
    a, seconds = timed(HOP * 600 + MSG)
    assert len(a.chain.hops) == budgets.HOPS.limit
    finding = next(d for d in a.defects if d.code == "budget.hops")
    assert "601" in finding.message and "loop" in finding.message
    assert seconds < 1.0


def test_c3_pathological_received_content() -> None:
    # catalogue C3 (mail-parser ReDoS, 40 KB of " with"): linear, found fields kept
    a, seconds = timed(b"Received: from x.example" + b" with" * 8000 + b" by y.example\r\n" + MSG)
    # a hang guard, not a speed target (speed is in bench/): backtracking on this input takes
    # minutes, linear parsing milliseconds; 3 s keeps the check true on a loaded machine
    assert seconds < 3.0
    assert a.chain.hops[-1].received.raw.startswith("from x.example")


def test_c4_received_without_date() -> None:
    # catalogue C4: hop shown, time unknown, finding
    a, _ = timed(b"Received: from a.example by b.example with SMTP id 1\r\n" + MSG)
    top = a.chain.hops[-1]
    assert top.received.timestamp is None
    assert {"received.no-date", "hop.undated"} <= codes(a)


def test_c5_missing_date() -> None:
    # catalogue C5 / RFC 5322 §3.6: finding; timeline falls back to the Received fields
    a, _ = timed(MSG.replace(b"Date: Tue, 10 Nov 2026 09:14:00 -0800\r\n", b""))
    assert "date.missing" in codes(a)
    assert a.date is None and a.receipt_time is not None


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        (b"Date: Tue, 10 Nov 2026", b"Date: Tue, 10 Nov 2027", "date.future"),
        (b"Tue, 10 Nov 2026 09:14:08", b"Tue, 10 Nov 2027 09:14:08", "hop.future"),
        (b"Date: Tue, 10 Nov 2026", b"Date: Tue, 10 Nov 3000", "date.header"),
    ],
    ids=["date-next-year", "received-next-year", "year-3000"],
)
def test_c6_future_timestamps(old: bytes, new: bytes, code: str) -> None:
    # catalogue C6: finding "future timestamp", never a negative-duration crash
    a = analyze(MSG.replace(old, new), now=NOW)
    assert code in codes(a)


def test_c7_hops_out_of_order() -> None:
    # catalogue C7: non-monotonic trace is a finding (negative delay kept signed)
    lower = HOP.replace(b"09:14:08", b"10:14:08").replace(b"a.example", b"c.example")
    a, _ = timed(HOP + lower + MSG.split(b"\r\n", 1)[1])
    assert "hop.clock-skew" in codes(a)
    assert any(h.delay is not None and h.delay.total_seconds() < 0 for h in a.chain.hops)


@pytest.mark.parametrize(
    "stamp", [b"-0000", b"XYZ", b""], ids=["minus-zero", "unknown-zone", "no-zone"]
)
def test_c8_zone_unknown_is_aware_utc(stamp: bytes) -> None:
    # catalogue C8: an aware UTC datetime, never naive (no naive/aware TypeError)
    date = b"Date: Tue, 10 Nov 2026 09:14:00 " + stamp
    a, _ = timed(MSG.replace(b"Date: Tue, 10 Nov 2026 09:14:00 -0800", date.rstrip()))
    assert a.date is not None and a.date.utcoffset() is not None
    assert a.receipt_time is not None and a.date - a.receipt_time is not None


@pytest.mark.parametrize(
    "date",
    [b"30 Feb 2026 10:00:00 +0000", b"Tue, 10 Nov 2026 25:61:00 +0000", b"10 Nov 99999 1:00 +9999"],
    ids=["30-feb", "25-61", "year-99999"],
)
def test_c9_invalid_dates_keep_raw(date: bytes) -> None:
    # catalogue C9: finding "invalid date" + raw string kept on the hop
    a, _ = timed(b"Received: from a by b; " + date + b"\r\n" + MSG)
    hop = a.chain.hops[-1]
    assert hop.received.timestamp is None
    assert hop.received.date_text == date.decode()
    assert "received.bad-date" in codes(a) or "hop.undated" in codes(a)


def test_c9_year_zero_maps_to_2000() -> None:
    # catalogue C9 asks "year 0 mapped to 2000, noted"; RFC 5322 §4.3 obs-year defines exactly
    # that mapping, so we apply it and keep the date aware (our choice: no extra finding).
    a, _ = timed(b"Received: from a by b; Tue, 10 Nov 0 09:14:08 +0000\r\n" + MSG)
    assert a.chain.hops[-1].received.timestamp == datetime(2000, 11, 10, 9, 14, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("literal", "bad"),
    [(b"[999.1.1.1]", True), (b"[IPv6:zz::1]", True), (b"[::ffff:192.0.2.4]", False)],
    ids=["999-octet", "bad-ipv6", "v4-mapped"],
)
def test_c10_invalid_ip_literals(literal: bytes, bad: bool) -> None:
    # catalogue C10 / RFC 5321 §4.1.3: invalid literals tagged and never used as the IP
    a, _ = timed(
        b"Received: from a.example (a.example " + literal + b") by b.example; "
        b"Tue, 10 Nov 2026 09:14:08 -0800\r\n" + MSG
    )
    hop = a.chain.hops[-1]
    assert ("received.bad-ip" in codes(a)) is bad
    if bad:
        assert hop.received.from_ip is None
    else:
        assert hop.received.from_ip is not None


_MX = b" by mx.example.com with ESMTPS id q1; Tue, 10 Nov 2026 09:14:09 -0800\r\n"
_REST = MSG.split(b"\r\n", 1)[1]  # MSG without its Received line (boundary 192.0.2.10)


def _private_ip(a: Analysis) -> list[tuple[int, Severity]]:
    return [
        (h.number, d.severity)
        for h in a.chain.hops
        for d in h.defects
        if d.code == "received.private-ip-external"
    ]


@pytest.mark.parametrize(
    ("data", "flagged"),
    [
        # the tests' own MSG: boundary 192.0.2.10 is a documentation address -> a note
        (MSG, [(1, Severity.INFO)]),
        # MX behind NAT: the sender's host, seen from a private IP; no boundary can be found
        (
            b"Received: from mail.sender.example (mail.sender.example [10.9.8.7])" + _MX + _REST,
            [(1, Severity.WARNING)],
        ),
        # carrier-grade NAT and an IPv4-mapped private address at the boundary
        (
            b"Received: from a.sender.example (a.sender.example [100.64.3.4])" + _MX + _REST,
            [(1, Severity.WARNING)],
        ),
        (
            b"Received: from a.sender.example (a.sender.example [IPv6:::ffff:10.1.2.3])"
            + _MX
            + _REST,
            [(1, Severity.WARNING)],
        ),
        # IPv6 documentation range (RFC 3849)
        (
            b"Received: from a.sender.example (a.sender.example [IPv6:2001:db8::25])" + _MX + _REST,
            [(1, Severity.INFO)],
        ),
        # a public boundary: nothing to say
        (b"Received: from a.sender.example (a.sender.example [40.107.22.101])" + _MX + _REST, []),
        # internal hop after the boundary (10.0.0.2): normal, only the boundary is noted
        (
            b"Received: from mx.example.com (mx.example.com [10.0.0.2]) by mbox.example.com; "
            b"Tue, 10 Nov 2026 09:14:10 -0800\r\n" + MSG,
            [(1, Severity.INFO)],
        ),
        # the sender's own LAN before the boundary (192.168.1.5): normal, not flagged
        (
            MSG.replace(
                b"Message-ID",
                b"Received: from laptop (laptop [192.168.1.5]) by "
                b"mail.example.net; Tue, 10 Nov 2026 09:14:01 -0800\r\nMessage-ID",
            ),
            [(2, Severity.INFO)],
        ),
    ],
    ids=[
        "doc-boundary",
        "nat-mx",
        "cgnat",
        "v4-mapped-private",
        "v6-doc",
        "public",
        "internal-after",
        "sender-lan-before",
    ],
)
def test_c10_private_or_reserved_ip_at_the_boundary(
    data: bytes, flagged: list[tuple[int, Severity]]
) -> None:
    # catalogue C10: private, reserved or documentation ranges in external hops are flagged
    # (the boundary hop: its client IP is what SPF is checked against); internal hops are not
    a, _ = timed(data)
    assert _private_ip(a) == flagged
    findings = [f for f in stamped_findings(a) if f.code == "received.private-ip-external"]
    assert [(f.hop_number, f.severity) for f in findings] == flagged


def test_c11_lower_claims_are_not_the_receiver_s_word() -> None:
    # catalogue C11 / RFC 8601 §5: an A-R planted below the top hop by a sender is not taken
    forged = b"Authentication-Results: mx.google.com; dkim=pass header.d=bank.example\r\n"
    top = b"Authentication-Results: mx.example.com; dkim=fail header.d=bank.example\r\n"
    lines = MSG.split(b"\r\n", 1)
    a, _ = timed(top + lines[0] + b"\r\n" + forged + lines[1])
    final = final_receiver_results(a)
    assert [r.authserv_id for r in final] == ["mx.example.com"]


@pytest.mark.parametrize("run", [b"9", b".", b":"], ids=["digits", "dots", "colons"])
@pytest.mark.parametrize("name", [b"Received-SPF", b"Authentication-Results"])
def test_c3_long_address_runs_are_linear(name: bytes, run: bytes) -> None:
    # catalogue C3 class, found by bench/hostile_inputs.py: a 60k run of address characters in
    # Received-SPF took 68 s (quadratic "<ip> is neither permitted" search); now linear.
    a, seconds = timed(name + b": x " + run * 60_000 + b"\r\n" + MSG)
    assert seconds < 2.0
    assert a.headers[0].name == name.decode()
