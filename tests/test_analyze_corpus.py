"""The whole pure pipeline (analyze) against EXPECTED.tsv: hop counts and the verdicts the final
receiver stamped, exactly as `headerlens report` computes them."""

from __future__ import annotations

import re

import pytest

from headerlens.analyze import analyze
from headerlens.stamped import stamped
from tests.auth_corpus import Stated, stated_rows
from tests.paths import CORPUS, need_shared
from tests.test_authresults import STATED_WRONG

_HOPS = re.compile(r"hops=(\d+)")


def _rows() -> list[tuple[Stated, int | None]]:
    import csv

    hops: dict[str, int] = {}
    path = CORPUS / "EXPECTED.tsv"
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                m = _HOPS.search(row["stated_by_source"])
                if m:
                    hops[row["local_name"]] = int(m.group(1))
    return [(row, hops.get(row.local_name)) for row in stated_rows()]


ROWS = _rows()


def test_rows_present() -> None:
    need_shared()
    assert len(ROWS) >= 40


@pytest.mark.parametrize(("row", "hops"), ROWS, ids=[r.local_name for r, _ in ROWS])
def test_pipeline_matches_stated(row: Stated, hops: int | None) -> None:
    analysis = analyze(row.path.read_bytes(), source_name=row.local_name)
    if hops is not None:
        assert len(analysis.chain.hops) == hops
    if row.top_ar_id is None or row.local_name in STATED_WRONG:
        return
    for method in ("spf", "dkim", "dmarc", "compauth"):
        want = next(
            (t.split("=", 1)[1].lower() for t in row.top_ar_tokens if t.startswith(method + "=")),
            None,
        )
        assert stamped(analysis, method) == want, f"{method}: stated {want}"
