"""headerlens side of the in-process benchmark: one JSON request per stdin line, one answer each.

Request ``{"file": PATH, "port": DNS_PORT}`` -> parse + analyse, then verify live through the
proxy with a fresh resolver (empty cache, as for a new message). Times come from
``time.perf_counter`` inside this process, so process start-up is not included.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from headerlens.analyze import analyze
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import spf_identity, verify
from headerlens.model.verification import Verification


def _word(v: object) -> str | None:
    result = getattr(v, "result", None) or getattr(v, "verdict", None)
    return None if result is None else str(getattr(result, "value", result))


def summary(v: Verification) -> dict[str, Any]:
    """The final verdicts, for the results table (to show both tools did the same job)."""
    return {
        "spf": _word(v.spf),
        "dkim": [_word(d) for d in v.dkim],
        "dmarc": _word(v.dmarc),
        "arc": _word(v.arc),
        "errors": list(v.errors),
    }


def run_one(loop: asyncio.AbstractEventLoop, path: str, port: int) -> dict[str, Any]:
    """Analyse and verify one message; return timings, verdicts and the DNS log."""
    raw = Path(path).read_bytes()
    t0 = time.perf_counter()
    analysis = analyze(raw, source_name=Path(path).name)
    t1 = time.perf_counter()
    resolver = LiveResolver([("127.0.0.1", port)], timeout=3.0, deadline=20.0)
    result = loop.run_until_complete(verify(analysis, resolver, label="bench proxy"))
    t2 = time.perf_counter()
    ip, mail_from, helo, _ = spf_identity(analysis)
    return {
        "analyze_ms": (t1 - t0) * 1000,
        "verify_ms": (t2 - t1) * 1000,
        "total_ms": (t2 - t0) * 1000,
        "identity": {"ip": ip, "mail_from": mail_from, "helo": helo},
        "verdicts": summary(result),
        "dns_log": [
            {"name": r.name, "rdtype": r.rdtype, "answers": list(r.answers), "cache": r.from_cache}
            for r in result.dns_log
        ],
    }


def main() -> None:
    """Serve requests until stdin closes."""
    loop = asyncio.new_event_loop()
    for line in sys.stdin:
        req = json.loads(line)
        try:
            out = run_one(loop, req["file"], int(req["port"]))
        except Exception as exc:  # report, keep serving: the harness records the failure
            out = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()
    loop.close()


if __name__ == "__main__":
    main()
