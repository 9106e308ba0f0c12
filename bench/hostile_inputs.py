"""Offline analysis time and peak memory on hostile inputs up to the input size cap.

Run: ``python3 bench/hostile_inputs.py`` (prints one Markdown table). Each input is analysed
in a fresh measurement: wall time with perf_counter, peak Python allocation with tracemalloc
(reported as a multiple of the input size). Budget: < 1 s and < 3x the input.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Callable

from headerlens import budgets
from headerlens.analyze import analyze

CAP = int(budgets.INPUT_BYTES.limit)
HOP = b"Received: from a.example (a.example [192.0.2.1]) by b.example; Tue, 10 Nov 2026 09:14:08 -0800\r\n"
TAIL = b"From: Alice <alice@example.net>\r\nSubject: hi\r\nDate: Tue, 10 Nov 2026 09:14:00 -0800\r\n\r\n"


def _fill(unit: bytes, size: int) -> bytes:
    return unit * (size // len(unit))


INPUTS: dict[str, Callable[[], bytes]] = {
    "A4 one 10 MB header line": lambda: b"Subject: " + b"x" * 10_000_000 + b"\r\n" + TAIL,
    "A4 one header line at the cap": lambda: b"Subject: " + b"x" * (CAP - 200) + b"\r\n" + TAIL,
    "A5 Received fields up to the cap": lambda: _fill(HOP, CAP - 200) + TAIL,
    "A5 100k Received fields": lambda: HOP * 100_000 + TAIL,
    "header section at 1 MiB of small fields": lambda: _fill(b"X-A: b\r\n", 1024 * 1024) + TAIL,
    "body at the cap (normal headers)": lambda: HOP + TAIL + _fill(b"body line\r\n", CAP - 400),
    "blank lines only, at the cap": lambda: _fill(b"\r\n", CAP),
    "no line breaks, at the cap": lambda: b"x" * CAP,
    "bare CRs, at the cap": lambda: _fill(b"X-A: b\r", CAP),
    "B8 From with 20k nested comments": lambda: b"From: " + b"(" * 20_000 + b"a@b.example\r\n\r\n",
    "B8 From with 8k ':' (parseaddr recursion)": lambda: b"From: " + b":" * 8000 + b"\r\n\r\n",
    "A8 Subject of 4k encoded words (64 KiB)": lambda: b"Subject: " + b"=?utf-8?q?ab?= " * 4300 + b"\r\n" + TAIL,
    "C3 Received ' with' x 8000": lambda: b"Received: from x" + b" with" * 8000 + b" by y\r\n" + TAIL,
    "J2 A-R with 1000 resinfo": lambda: b"Authentication-Results: mx; " + b"spf=pass smtp.mailfrom=a.example; " * 1000 + b"\r\n" + TAIL,
    "1000 DKIM-Signature fields": lambda: b"DKIM-Signature: v=1; a=rsa-sha256; d=a.example; s=s; h=from; bh=AA; b=AA\r\n" * 1000 + TAIL,
    "random bytes at the cap": lambda: __import__("os").urandom(CAP),
}  # fmt: skip


def measure(make: Callable[[], bytes]) -> tuple[int, float, int]:
    """(input bytes, seconds under tracemalloc, peak bytes allocated while analysing)."""
    data = make()
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    analyze(data)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return len(data), seconds, peak


FIELD_NAMES = (
    "Received", "Authentication-Results", "ARC-Authentication-Results", "DKIM-Signature",
    "ARC-Seal", "ARC-Message-Signature", "Received-SPF", "X-Forefront-Antispam-Report",
    "X-Microsoft-Antispam", "From", "Subject", "Date", "Return-Path", "X-TM-AS-Result",
    "X-Spam-Status", "X-MS-Exchange-Organization-SCL", "X-Original-Authentication-Results",
)  # fmt: skip
RUNS = ("(", ")(", "[", "<", ";", "a;", "a= ", '"\\', " with", " id", "=?", "%{d", "9", ".",
        ":", "@", ",", " ", "spf=pass ", "header.d=", "client-ip=", "domain of ", "CIP:")  # fmt: skip


def sweep(size: int = 60_000) -> list[tuple[float, str, str]]:
    """Every field name x every repeated token at ``size`` bytes (under the 64 KiB structured
    cap, so every parser runs): the slowest cases first. Catches super-linear parsers."""
    out: list[tuple[float, str, str]] = []
    for run in RUNS:
        value = (run * (size // len(run) + 1))[:size].encode()
        for name in FIELD_NAMES:
            data = name.encode() + b": x " + value + b"\r\n\r\n"
            started = time.perf_counter()
            analyze(data)
            out.append((time.perf_counter() - started, name, run))
    return sorted(out, reverse=True)


def main() -> None:
    print("| input | size | time | time under tracemalloc | peak alloc | peak / input |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, make in INPUTS.items():
        size, traced, peak = measure(make)
        data = make()
        started = time.perf_counter()
        analyze(data)
        plain = time.perf_counter() - started
        del data
        print(
            f"| {name} | {size / 1e6:.2f} MB | {plain:.3f} s | {traced:.3f} s "
            f"| {peak / 1e6:.1f} MB | {peak / size:.2f}x |"
        )
    print()
    print("| slowest field x 60 KB repeated token | time |")
    print("|---|---:|")
    for seconds, name, run in sweep()[:5]:
        print(f"| {name}: {run!r} x N | {seconds:.3f} s |")


if __name__ == "__main__":
    main()
