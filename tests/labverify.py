"""Run lab messages through analyze() + verify() and compare with tests/data/lab/expected.json."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from headerlens.analyze import analyze
from headerlens.dnsclient.dnsproto import Resolver
from headerlens.evaluators.verify import verify
from headerlens.model import Analysis
from headerlens.model.dns import DnsRecord
from headerlens.model.verdicts import DkimVerdict
from headerlens.model.verification import Verification, VerifyMode
from headerlens.source import load
from tests.memresolver_dkim import LAB_ZONES, MemoryResolver, records_from_zones

LAB = Path(__file__).resolve().parent / "data" / "lab"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# The lab's fixed "today" (its messages were written in November 2026).
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class LabCase:
    """One entry of expected.json."""

    file: str
    story: str
    expect: dict[str, Any]

    @property
    def path(self) -> Path:
        return LAB / self.file

    @property
    def stem(self) -> str:
        return Path(self.file).stem.removeprefix("shared-")


class LoggingMemoryResolver(MemoryResolver):
    """The in-memory lab zones with the full Resolver protocol (a log, a no-op cache)."""

    def __init__(self, changes: dict[tuple[str, str], list[str]] | None = None) -> None:
        table = records_from_zones(LAB_ZONES)
        table.update(changes or {})
        super().__init__(table)
        self._log: list[DnsRecord] = []

    async def query(self, name: str, rdtype: str) -> DnsRecord:
        record = await super().query(name, rdtype)
        self._log.append(record)
        return record

    @property
    def log(self) -> tuple[DnsRecord, ...]:
        return tuple(self._log)

    def clear_cache(self) -> None:
        """Nothing is cached."""


def lab_cases() -> tuple[LabCase, ...]:
    """Every lab message with its stated verdicts, in file order."""
    doc = json.loads((LAB / "expected.json").read_text(encoding="utf-8"))
    return tuple(LabCase(e["file"], e["story"], e["expect"]) for e in doc)


def load_analysis(path: Path) -> Analysis:
    """Load and analyse one message the way the CLI does."""
    loaded = load(str(path))
    return analyze(loaded.data, source_name=loaded.name, kind=loaded.kind)


def run_verify(
    path: Path,
    resolver: Resolver,
    *,
    mode: VerifyMode = VerifyMode.LIVE,
    now: datetime = NOW,
) -> tuple[Analysis, Verification]:
    """analyze() + verify() with a fixed clock."""
    analysis = load_analysis(path)
    result = asyncio.run(verify(analysis, resolver, mode=mode, label="lab", now=now))
    return analysis, result


def first_word(text: str) -> str:
    """ "pass (via spf)" -> "pass"."""
    return text.split()[0]


def _pick_dkim(v: Verification, want: dict[str, str]) -> DkimVerdict:
    found = [
        d for d in v.dkim if d.domain == want["d"] and ("s" not in want or d.selector == want["s"])
    ]
    assert len(found) == 1, (
        f"no single DKIM verdict for {want}: {[(d.domain, d.selector) for d in v.dkim]}"
    )
    return found[0]


def check_expected(analysis: Analysis, v: Verification, expect: dict[str, Any]) -> None:
    """Assert every verdict expected.json states for one message (finding texts aside)."""
    assert v.done and not v.errors, v.errors
    chain = analysis.chain
    if "hops" in expect:
        assert len(chain.hops) == expect["hops"]
    b = chain.boundary
    if "boundary_hop" in expect:
        assert b is not None and b.receiver == expect["boundary_hop"]
    if "boundary_ip" in expect:
        assert b is not None and b.ip == expect["boundary_ip"]
    if "spf" in expect:
        assert v.spf is not None, v.spf_note
        assert v.spf.verdict.value == first_word(expect["spf"])
        if "(unaligned)" in expect["spf"]:
            assert v.dmarc is not None
            spf_align = [a for a in v.dmarc.alignments if a.method == "spf"]
            assert spf_align and not spf_align[0].aligned
    if "spf_match" in expect:
        assert v.spf is not None and v.spf.match is not None
        assert v.spf.match.describe() == expect["spf_match"]
    if "spf_lookups" in expect:
        assert v.spf is not None and v.spf.lookup_count == expect["spf_lookups"]
    if "dkim" in expect:
        assert len(v.dkim) == len(expect["dkim"])
        for want in expect["dkim"]:
            d = _pick_dkim(v, want)
            if "a" in want:
                assert d.algorithm == want["a"]
            if want["header"].startswith("temperror-or-permerror"):
                # "(no key)": the selector no longer resolves to a key today.
                assert d.header_result.value in ("temperror", "permerror")
                assert d.key is None
            else:
                assert d.header_result.value == want["header"], d.explanation
            assert d.body_result.value == want["body"], d.explanation
    if "dmarc" in expect:
        assert v.dmarc is not None
        assert v.dmarc.result.value == first_word(expect["dmarc"]), v.dmarc.explanation
        if "(via spf)" in expect["dmarc"]:
            assert v.dmarc.aligned_methods == ("spf",)
    if "dmarc_policy" in expect:
        assert v.dmarc is not None and v.dmarc.policy == expect["dmarc_policy"]
    if "aligned" in expect:
        assert v.dmarc is not None
        assert sorted(v.dmarc.aligned_methods) == sorted(expect["aligned"])
    if "arc" in expect:
        _check_arc(v, expect["arc"])
    if "arc_original" in expect:
        assert v.arc is not None
        said, _, where = expect["arc_original"].partition(" at i=")
        inst = next(i for i in v.arc.instances if i.instance == int(where))
        for pair in said.split():
            method, _, result = pair.partition("=")
            assert (method, result) in inst.aar_results


def _check_arc(v: Verification, want: str) -> None:
    assert v.arc is not None
    if want == "header-only":
        assert v.arc.result.value == "pass" and v.arc.header_only
        return
    assert v.arc.result.value == first_word(want)
    assert not v.arc.header_only
    if "i=1 AMS body hash no longer matches" in want:
        # Only the newest AMS must validate (RFC 8617 §5.2); i=1's is broken by the footer.
        assert v.arc.oldest_pass == 2
        assert next(i for i in v.arc.instances if i.instance == 1).ams_valid is False
