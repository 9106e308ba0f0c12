"""DNS snapshots: save a resolver's log, replay it offline, refuse corrupt files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from headerlens.dnsclient.dnsproto import Resolver
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.dnsclient.snapshot import (
    SnapshotError,
    SnapshotResolver,
    load_snapshot,
    save_snapshot,
)
from headerlens.model.dns import DnsRecord
from tests.dnslab import LabDns

CONTOSO_SPF = "v=spf1 include:spf.protection.outlook.com -all"

LAB_QUERIES = [  # lab zones plus tests/data/dns/zones: every kind of outcome
    ("contoso.com", "TXT"),
    ("_dmarc.contoso.com", "TXT"),
    ("selector1._domainkey.contoso.com", "TXT"),  # CNAME into contoso.onmicrosoft.com
    ("nx.contoso.com", "TXT"),  # NXDOMAIN
    ("contoso.com", "MX"),  # NODATA
    ("hl.test", "MX"),
    ("latin1.hl.test", "TXT"),
    ("dangling.hl.test", "TXT"),
    ("www.broken.test", "A"),  # SERVFAIL
    ("contoso.com", "TXT"),  # a cache hit
]

# --- snapshots ------------------------------------------------------------------------------

HAND_RECORDS = (
    DnsRecord("contoso.com", "TXT", "NOERROR", (CONTOSO_SPF,), (), 300, 1.5, "127.0.0.1:53"),
    DnsRecord("latin1.hl.test", "TXT", "NOERROR", ("caf\ufffd",), ttl=60, resolver="x"),
    DnsRecord("nx.contoso.com", "TXT", "NXDOMAIN", error="the name does not exist"),
    DnsRecord("contoso.com", "TXT", "NOERROR", (CONTOSO_SPF,), ttl=300, from_cache=True),
)


def test_snapshot_round_trip_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "dns.json"
    save_snapshot(HAND_RECORDS, path)
    records, captured = load_snapshot(path)
    assert records == HAND_RECORDS
    assert captured is not None
    assert captured.startswith("20")
    assert [p.name for p in tmp_path.iterdir()] == ["dns.json"]  # no temp file left


def test_snapshot_overwrites_atomically(tmp_path: Path) -> None:
    path = tmp_path / "dns.json"
    save_snapshot(HAND_RECORDS, path)
    save_snapshot(HAND_RECORDS[:1], path)
    assert load_snapshot(path)[0] == HAND_RECORDS[:1]
    assert [p.name for p in tmp_path.iterdir()] == ["dns.json"]


@pytest.mark.dns
async def test_snapshot_replays_live_answers(lab_dns: LabDns, tmp_path: Path) -> None:
    live = LiveResolver(lab_dns.nameservers)
    for name, rdtype in LAB_QUERIES:
        await live.query(name, rdtype)
    assert {r.rcode for r in live.log} == {"NOERROR", "NXDOMAIN", "SERVFAIL"}
    path = tmp_path / "snap.json"
    save_snapshot(live.log, path)
    replay: Resolver = SnapshotResolver(path)
    replayed = [await replay.query(n, t) for n, t in LAB_QUERIES]
    sent = [r for r in live.log if not r.from_cache]
    assert replayed[:-1] == sent  # identical records, in the order asked
    assert replayed[-1] == sent[0]  # the cache hit replays the answer that was sent
    assert load_snapshot(path)[0] == live.log
    missing = await replay.query("not-asked.contoso.com", "TXT")
    assert missing.rcode == "MISSING"
    assert "not in the DNS snapshot" in (missing.error or "")


async def test_snapshot_lookup_ignores_case_and_final_dot(tmp_path: Path) -> None:
    path = tmp_path / "dns.json"
    save_snapshot(HAND_RECORDS, path)
    replay = SnapshotResolver(path)
    record = await replay.query("CONTOSO.com.", "txt")
    assert record.answers == (CONTOSO_SPF,)
    assert not record.from_cache  # the record really sent wins over the cache hit
    assert replay.log == (record,)


def _doc(**changes: Any) -> str:
    good: dict[str, Any] = {
        "format": "headerlens-dns-snapshot",
        "version": 1,
        "records": [{"name": "a.b", "rdtype": "TXT", "rcode": "NOERROR", "resolver": "x"}],
    }
    good.update(changes)
    return json.dumps(good)


def _record(**changes: Any) -> str:
    record: dict[str, Any] = {"name": "a.b", "rdtype": "TXT", "rcode": "NOERROR", "resolver": ""}
    record.update(changes)
    return _doc(records=[record])


CORRUPT: list[tuple[str, Callable[[], bytes], str]] = [
    ("not-json", lambda: b"{not json", "not valid JSON"),
    ("truncated", lambda: _doc().encode()[:40], "not valid JSON"),
    ("not-utf8", lambda: b"\xff\xfe{}", "cannot read"),
    ("a-list", lambda: b"[]", "not a headerlens DNS snapshot"),
    ("other-format", lambda: _doc(format="zone").encode(), "not a headerlens DNS snapshot"),
    ("future-version", lambda: _doc(version=99).encode(), "version 99"),
    ("records-not-list", lambda: _doc(records={}).encode(), "'records' must be a list"),
    ("record-not-object", lambda: _doc(records=[1]).encode(), "record 0"),
    ("no-name", lambda: _record(name=None).encode(), "'name'"),
    ("ttl-bool", lambda: _record(ttl=True).encode(), "'ttl'"),
    ("ttl-negative", lambda: _record(ttl=-1).encode(), "'ttl'"),
    ("answers-not-strings", lambda: _record(answers=[1]).encode(), "'answers'"),
    ("chain-not-list", lambda: _record(cname_chain="a").encode(), "'cname_chain'"),
    ("duration-text", lambda: _record(duration_ms="1").encode(), "'duration_ms'"),
    ("error-number", lambda: _record(error=5).encode(), "'error'"),
    ("from-cache-text", lambda: _record(from_cache="yes").encode(), "'from_cache'"),
]


@pytest.mark.parametrize(("content", "says"), [c[1:] for c in CORRUPT], ids=[c[0] for c in CORRUPT])
def test_corrupt_snapshot_raises_snapshot_error(
    tmp_path: Path, content: Callable[[], bytes], says: str
) -> None:
    path = tmp_path / "dns.json"
    path.write_bytes(content())
    with pytest.raises(SnapshotError) as info:
        SnapshotResolver(path)
    assert says in str(info.value)
    assert isinstance(info.value, ValueError)


def test_missing_snapshot_raises_snapshot_error(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="cannot read DNS snapshot"):
        SnapshotResolver(tmp_path / "nope.json")


def test_good_snapshot_template_loads(tmp_path: Path) -> None:
    # the corrupt cases above each change one thing in this valid document
    path = tmp_path / "dns.json"
    path.write_text(_doc())
    assert SnapshotResolver(path).records == (DnsRecord("a.b", "TXT", "NOERROR", resolver="x"),)
