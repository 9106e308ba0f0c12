"""DNS snapshots: save the answers of one analysis to JSON and replay them later, offline."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from headerlens.atomic import write_atomic
from headerlens.model.dns import DnsRecord, Rcode

FORMAT = "headerlens-dns-snapshot"
VERSION = 1
MISSING = Rcode.MISSING

_STR_FIELDS = ("name", "rdtype", "rcode", "resolver")


class SnapshotError(ValueError):
    """A snapshot file that cannot be read or is not a valid snapshot."""


def snapshot_key(name: str, rdtype: str) -> tuple[str, str]:
    """The replay key: name lower-cased without the final dot, type upper-cased."""
    return name.strip().rstrip(".").lower(), rdtype.strip().upper()


def _record_to_json(record: DnsRecord) -> dict[str, Any]:
    data = dataclasses.asdict(record)
    data["answers"] = list(record.answers)
    data["cname_chain"] = list(record.cname_chain)
    return data


def save_snapshot(records: Iterable[DnsRecord], path: Path) -> None:
    """Write ``records`` (e.g. a resolver's log) to ``path`` as JSON, atomically.

    The file is written to a temporary file in the same folder and moved into place with
    ``os.replace``, so a reader never sees half a snapshot. OSError propagates.
    """
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "captured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "records": [_record_to_json(r) for r in records],
    }
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    write_atomic(path, text)


def _str_list(value: object, where: str, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SnapshotError(f"{where}: '{field}' must be a list of strings")
    return tuple(value)


def _record_from_json(obj: object, where: str) -> DnsRecord:
    if not isinstance(obj, dict):
        raise SnapshotError(f"{where}: a record must be a JSON object")
    for field in _STR_FIELDS:
        if not isinstance(obj.get(field), str):
            raise SnapshotError(f"{where}: '{field}' must be a string")
    ttl = obj.get("ttl")
    if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 0):
        raise SnapshotError(f"{where}: 'ttl' must be a non-negative integer or null")
    duration = obj.get("duration_ms", 0.0)
    if isinstance(duration, bool) or not isinstance(duration, int | float):
        raise SnapshotError(f"{where}: 'duration_ms' must be a number")
    error = obj.get("error")
    if error is not None and not isinstance(error, str):
        raise SnapshotError(f"{where}: 'error' must be a string or null")
    from_cache = obj.get("from_cache", False)
    if not isinstance(from_cache, bool):
        raise SnapshotError(f"{where}: 'from_cache' must be true or false")
    authenticated = obj.get("authenticated", False)
    if not isinstance(authenticated, bool):
        raise SnapshotError(f"{where}: 'authenticated' must be true or false")
    return DnsRecord(
        name=obj["name"],
        rdtype=obj["rdtype"],
        rcode=obj["rcode"],
        answers=_str_list(obj.get("answers", []), where, "answers"),
        cname_chain=_str_list(obj.get("cname_chain", []), where, "cname_chain"),
        ttl=ttl,
        duration_ms=float(duration),
        resolver=obj["resolver"],
        error=error,
        from_cache=from_cache,
        authenticated=authenticated,
    )


def load_snapshot(path: Path) -> tuple[tuple[DnsRecord, ...], str | None]:
    """Read a snapshot: its records in file order and when it was captured (ISO text or None).

    Raises SnapshotError with a plain message for a missing, unreadable or malformed file.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"cannot read DNS snapshot {path}: {exc}") from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"DNS snapshot {path} is not valid JSON: {exc}") from exc
    except RecursionError:  # json's decoder recurses once per nesting level
        raise SnapshotError(f"DNS snapshot {path}: JSON too deeply nested") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SnapshotError(f"{path} is not a headerlens DNS snapshot (no format {FORMAT!r})")
    if doc.get("version") != VERSION:
        raise SnapshotError(
            f"DNS snapshot {path} has version {doc.get('version')!r}; this headerlens reads "
            f"version {VERSION}"
        )
    raw_records = doc.get("records")
    if not isinstance(raw_records, list):
        raise SnapshotError(f"DNS snapshot {path}: 'records' must be a list")
    captured = doc.get("captured_at")
    records = tuple(
        _record_from_json(obj, f"DNS snapshot {path}, record {i}")
        for i, obj in enumerate(raw_records)
    )
    return records, captured if isinstance(captured, str) else None


class SnapshotResolver:
    """Replays a saved snapshot: answers by (name, type), MISSING for anything not saved."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.records, self.captured_at = load_snapshot(path)
        self._answers: dict[tuple[str, str], DnsRecord] = {}
        for record in self.records:
            key = snapshot_key(record.name, record.rdtype)
            # The first record that was really sent wins over cache hits for the same query.
            known = self._answers.get(key)
            if known is None or (known.from_cache and not record.from_cache):
                self._answers[key] = record
        self._log: list[DnsRecord] = []

    async def query(self, name: str, rdtype: str) -> DnsRecord:
        """The saved answer for this query, or a MISSING record saying it was not saved."""
        record = self._answers.get(snapshot_key(name, rdtype))
        if record is None:
            record = DnsRecord(
                name=name,
                rdtype=rdtype.strip().upper(),
                rcode=MISSING,
                resolver=f"snapshot {self.path.name}",
                error=f"not in the DNS snapshot {self.path}: this query was not saved",
            )
        self._log.append(record)
        return record

    @property
    def log(self) -> tuple[DnsRecord, ...]:
        """Every query replayed, in order."""
        return tuple(self._log)

    def clear_cache(self) -> None:
        """A snapshot has no cache: its answers never change."""
