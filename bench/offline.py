"""Offline throughput: headerlens ``analyze()`` vs mail-parser ``parse_from_bytes`` on the same bytes.

Run in a subprocess by run.py: ``python bench/offline.py ROUNDS FILE...``. Every file is read
into memory first; then, after one warm-up pass each, the two tools take turns (the order
flips every round) parsing every message. Prints one JSON object: per-round seconds per tool.
"""

from __future__ import annotations

import gc
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

import mailparser

from headerlens.analyze import analyze


def _headerlens(raw: bytes) -> object:
    return analyze(raw)


def _mailparser(raw: bytes) -> object:
    return mailparser.parse_from_bytes(raw)


def timed(fn: Callable[[bytes], object], messages: list[bytes]) -> tuple[float, int]:
    """Seconds to run ``fn`` over every message, and how many raised (counted, not fatal)."""
    errors = 0
    gc.collect()
    t0 = time.perf_counter()
    for raw in messages:
        try:
            fn(raw)
        except Exception:  # a crash is a result too: count it
            errors += 1
    return time.perf_counter() - t0, errors


def main() -> None:
    """Entry point: print {"headerlens": [s...], "mail-parser": [s...], ...} as JSON."""
    logging.disable(logging.CRITICAL)  # mail-parser logs a warning per odd message
    rounds = int(sys.argv[1])
    messages = [Path(p).read_bytes() for p in sys.argv[2:]]
    tools = {"headerlens": _headerlens, "mail-parser": _mailparser}
    times: dict[str, list[float]] = {name: [] for name in tools}
    errors: dict[str, int] = dict.fromkeys(tools, 0)
    for fn in tools.values():  # warm-up
        timed(fn, messages)
    order = list(tools)
    for i in range(rounds):
        for name in order if i % 2 == 0 else reversed(order):
            seconds, errs = timed(tools[name], messages)
            times[name].append(seconds)
            errors[name] = max(errors[name], errs)
    print(
        json.dumps(
            {
                "times": times,
                "errors": errors,
                "messages": len(messages),
                "bytes": sum(map(len, messages)),
            }
        )
    )


if __name__ == "__main__":
    main()
