"""The whole pure pipeline (analyze) against EXPECTED.tsv: hop counts, DKIM signing domains
and the verdicts the final receiver stamped, exactly as `headerlens report` computes them."""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.stamped import stamped
from tests.auth_corpus import Stated, stated_rows
from tests.paths import need_shared, shared_cases
from tests.test_authresults import STATED_WRONG, UNBACKED_BELOW_LINE_PASS

ROWS = list(stated_rows())


def test_rows_present() -> None:
    need_shared()
    assert len(ROWS) >= 40


@pytest.mark.parametrize("row", shared_cases(ROWS), ids=lambda r: r.local_name)
def test_pipeline_matches_stated(row: Stated) -> None:
    analysis = analyze(row.path.read_bytes(), source_name=row.local_name)
    checked = []
    if row.hops is not None:
        assert len(analysis.chain.hops) == row.hops
        checked.append("hops")
    if row.dkim_domains:
        assert tuple(s.domain for s in analysis.dkim_signatures) == row.dkim_domains
        checked.append("dkim domains")
    if row.local_name in UNBACKED_BELOW_LINE_PASS:
        for method in ("spf", "dkim", "dmarc", "arc"):
            assert stamped(analysis, method) != "pass", method
        checked.append("stamped verdicts")
    elif row.top_ar_id is not None:
        # the tokens the field really holds where EXPECTED.tsv's extraction is wrong
        tokens = STATED_WRONG[row.local_name][1] if row.local_name in STATED_WRONG else None
        for method in ("spf", "dkim", "dmarc", "compauth"):
            want = next(
                (
                    t.split("=", 1)[1].lower()
                    for t in (tokens or row.top_ar_tokens)
                    if t.startswith(method + "=")
                ),
                None,
            )
            assert stamped(analysis, method) == want, f"{method}: stated {want}"
        checked.append("stamped verdicts")
    assert checked, f"EXPECTED.tsv states nothing this test checks: {row}"
