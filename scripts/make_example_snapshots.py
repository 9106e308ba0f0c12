"""Regenerate examples/*.dns.json: run `headerlens report --save-dns` against the lab DNS.

Starts Knot (serving tests/data/lab/zones) behind Unbound on free loopback ports via
tests/dnslab.py, reports each example message through it, and saves every DNS answer so the
README's command shows real verdicts offline with --dns-snapshot. Needs knotd and unbound.

    python3 scripts/make_example_snapshots.py

Volatile fields (the lab's random port, query timings) are normalised so that a rerun only
changes the file where the answers themselves changed.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.dnslab

from headerlens.cli import run_report  # noqa: E402
from tests.dnslab import LAB_ZONES, TEST_ZONES, missing_tools, start_lab_dns  # noqa: E402

EXAMPLES = ROOT / "examples"
MESSAGES = (
    "eop-to-gmail-pass.eml",
    "hes-to-gmail-pass.eml",
    "eop-to-gmail-headers-only.txt",
    "spf-not-updated.eml",
    "ndr-gmail-unauthenticated.eml",  # a bounce: its returned message is verified too
)
LABEL = "lab DNS (Knot + Unbound)"


def snapshot_path(message: str) -> Path:
    """examples/<stem>.dns.json for examples/<stem>.<ext>."""
    return EXAMPLES / f"{Path(message).stem}.dns.json"


def _normalise(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    for record in doc["records"]:
        record["resolver"] = LABEL
        record["duration_ms"] = 0.0
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    path.chmod(0o644)  # --save-dns writes through mkstemp (0600); these files ship in the repo


def main() -> int:
    """Start the lab DNS, save one snapshot per example, stop the servers."""
    missing = missing_tools()
    if missing:
        print(f"needs {' and '.join(missing)} (Debian packages knot, unbound)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="headerlens-labdns-") as tmp:
        lab = start_lab_dns([LAB_ZONES, TEST_ZONES], Path(tmp), probe="contoso.com")
        try:
            for message in MESSAGES:
                out = snapshot_path(message)
                status = run_report(
                    [
                        "--format",
                        "json",
                        "--resolver",
                        f"{lab.host}:{lab.port}",
                        "--save-dns",
                        str(out),
                        str(EXAMPLES / message),
                    ],
                    io.StringIO(),
                )
                if status != 0:
                    print(f"{message}: headerlens report exited {status}", file=sys.stderr)
                    return status
                _normalise(out)
                print(f"wrote {out.relative_to(ROOT)}")
        finally:
            lab.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
