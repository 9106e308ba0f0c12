"""Test helper: read the shared real-world corpus, the lab messages and EXPECTED.tsv rows.

The corpus stays in ../shared (some files are CC-BY-NC): tests read it in place and skip with
a clear reason when the folder is missing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from headerlens.model.auth import AuthResults
from headerlens.model.core import HeaderField
from headerlens.parsers.headers import split_message
from tests.paths import CORPUS, SHARED, corpus_messages, need_shared

EXPECTED_TSV = CORPUS / "EXPECTED.tsv"


def require_corpus() -> None:
    """Skip the calling test when ../shared is not there (fail instead under CI)."""
    need_shared(EXPECTED_TSV)


def message_files() -> list[Path]:
    """Every message under corpus/ (eml, headers, dkim) and lab/messages, sorted."""
    return corpus_messages()


def file_id(path: Path) -> str:
    """A short test id: the path relative to ../shared."""
    return str(path.relative_to(SHARED))


def fields_of(path: Path) -> tuple[HeaderField, ...]:
    """The top-level header fields of a message file, top-most first."""
    return split_message(path.read_bytes()).fields


@dataclass(frozen=True)
class Stated:
    """What EXPECTED.tsv's ``stated_by_source`` column says about one file."""

    local_name: str
    hops: int | None  # hops=N: the Received hops the source counted
    top_ar_id: str | None  # None when the row has no topAR[...]
    top_ar_tokens: tuple[str, ...]
    ar_count: int | None
    received_spf: str | None
    arc: tuple[int, str] | None
    dkim_domains: tuple[str, ...]  # DKIM-Signature d= values, header order

    @property
    def path(self) -> Path:
        return CORPUS / self.local_name


_HOPS_RE = re.compile(r"hops=(\d+)")
_TOP_AR_RE = re.compile(r"topAR\[(?P<id>.*?): (?P<list>[^\]]*)\]")
_AR_COUNT_RE = re.compile(r"AR-count=(\d+)")
_SPF_RE = re.compile(r"Received-SPF=(\S+?);?(?:\s|$)")
_ARC_RE = re.compile(r"ARC i=(\d+) cv=(\w+)")
_DKIM_D_RE = re.compile(r"DKIM-Signature d=(\S+)")
_FROM_N_RE = re.compile(r"\s*\(from \d+ AR fields of this authserv-id\)\s*$")


def stated_rows() -> Iterator[Stated]:
    """Rows of EXPECTED.tsv that state something about a message (hop count, verdicts, ARC,
    DKIM domains); rows of the DNS data and test tables it also lists state nothing."""
    if not EXPECTED_TSV.is_file():
        return
    with EXPECTED_TSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            text = row["stated_by_source"]
            hops = _HOPS_RE.search(text)
            top = _TOP_AR_RE.search(text)
            count = _AR_COUNT_RE.search(text)
            spf = _SPF_RE.search(text)
            arc = _ARC_RE.search(text)
            dkim_d = _DKIM_D_RE.search(text)
            tokens: tuple[str, ...] = ()
            top_id: str | None = None
            if top:
                top_id = top.group("id")
                tokens = tuple(_FROM_N_RE.sub("", top.group("list")).split())
            if not (hops or top or count or spf or arc or dkim_d):
                continue
            yield Stated(
                local_name=row["local_name"],
                hops=int(hops.group(1)) if hops else None,
                top_ar_id=top_id,
                top_ar_tokens=tokens,
                ar_count=int(count.group(1)) if count else None,
                received_spf=spf.group(1) if spf else None,
                arc=(int(arc.group(1)), arc.group(2)) if arc else None,
                dkim_domains=tuple(dkim_d.group(1).split(",")) if dkim_d else (),
            )


def render_tokens(ars: list[AuthResults]) -> tuple[str, ...]:
    """method=result tokens (plus Microsoft's action=/reason=) as EXPECTED.tsv writes them."""
    out: list[str] = []
    for ar in ars:
        for r in ar.results:
            out.append(f"{r.method}={r.result}")
            out.extend(f"{k}={v}" for k, v in r.extras)
            if r.reason is not None:
                out.append(f"reason={r.reason}")
    return tuple(out)
