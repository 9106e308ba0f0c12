"""The whole offline pipeline a user runs, timed and measured on hostile inputs up to the cap.

Run: ``python3 bench/hostile_inputs.py`` (writes bench/HOSTILE.md and prints it). Each input is
written to a file and run through ``headerlens report --offline FILE`` in process (reading the
file, analysis, offline verification — DKIM body hashes, the ARC chain, findings — and the
Markdown report). Wall time with perf_counter (one run without tracemalloc); peak Python
allocation with tracemalloc in a second run, the input bytes read included, as a multiple of
the input size. Imports happen once before (process start-up is measured by bench/run.py,
"whole process"). Budgets: < 1 s; peak < 3x the input, or < 16 MB for inputs under ~5 MB (a
report of a small input allocates a few MB whatever its size). A second table times analyze()
alone on every field name x repeated token, to catch a super-linear parser.
"""

from __future__ import annotations

import argparse
import base64
import gc
import io
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from headerlens import budgets
from headerlens.analyze import analyze
from headerlens.cli import run_report

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))  # tests.msgfixture builds the Outlook .msg inputs
from results import machine  # noqa: E402  (bench/results.py, beside this file)

CAP = int(budgets.INPUT_BYTES.limit)
MIB = 1024 * 1024
TIME_BUDGET_S = 1.0
MEMORY_FACTOR = 3.0
MEMORY_FLOOR = 16_000_000  # bytes: what a report of a small input allocates anyway
HOP = b"Received: from a.example (a.example [192.0.2.1]) by b.example; Tue, 10 Nov 2026 09:14:08 -0800\r\n"
TAIL = b"From: Alice <alice@example.net>\r\nSubject: hi\r\nDate: Tue, 10 Nov 2026 09:14:00 -0800\r\n\r\n"
HEAD = (
    HOP
    + b"From: Alice <alice@example.com>\r\nTo: bob@example.net\r\nSubject: hi\r\nDate: Tue, 10 Nov 2026 09:14:00 -0800\r\n"
)


def _fill(unit: bytes, size: int) -> bytes:
    return unit * (size // len(unit))


def _dkim(extra: str = "") -> bytes:
    """A relaxed DKIM-Signature (offline its body hash is still recomputed)."""
    return (
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel;"
        f" h=from:to:subject:date;{extra} bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;"
        " b=dGVzdA==\r\n"
    ).encode()


def _arc_sets(count: int) -> bytes:
    out = b""
    for i in range(count, 0, -1):
        cv = "none" if i == 1 else "pass"
        out += (
            f"ARC-Seal: i={i}; a=rsa-sha256; cv={cv}; d=example.org; s=s{i}; t=1; b=dGVzdA==\r\n"
            f"ARC-Message-Signature: i={i}; a=rsa-sha256; c=relaxed/relaxed; d=example.org;"
            f" s=s{i}; h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;"
            " b=dGVzdA==\r\n"
            f"ARC-Authentication-Results: i={i}; mx{i}.example.org; spf=pass dkim=pass\r\n"
        ).encode()
    return out


def _attachment(size: int) -> bytes:
    line = base64.b64encode(b"\x00\x01binary attachment data..")[:76] + b"\r\n"
    return _fill(line, size)


def _msg(depth: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        from tests.msgfixture import write_nested_msg

        headers = (HEAD + TAIL).decode()
        write_nested_msg(path, headers=headers, depth=depth)

    return write


BLANKS_160K = b"x" + b" " * 160_000 + b"y \r\n"
INPUTS: dict[str, bytes | Callable[[], bytes] | Callable[[Path], None]] = {
    # issue 12, item 3
    "relaxed DKIM body, 160 KB run of blanks (was 42.7 s)": lambda: _dkim() + HEAD + b"\r\n" + BLANKS_160K,
    "relaxed DKIM body, 1 MB run of blanks (was > 600 s)": lambda: _dkim() + HEAD + b"\r\n" + b"x" + b" " * MIB + b"y \r\n",
    "relaxed DKIM body, blanks up to the cap": lambda: _dkim() + HEAD + b"\r\n" + b"x" + b" " * (CAP - 2000) + b"y \r\n",
    "5 relaxed DKIM l= signatures, 24 MiB body (was 17-24 s)": lambda: b"".join(_dkim(f" l={1000 * n};") for n in range(1, 6)) + HEAD + b"\r\n" + _fill(b"a line  of text \t here\r\n", 24 * MIB),
    "50 ARC sets, 24 MiB body (ARC(raw): 11x the input)": lambda: _arc_sets(50) + HEAD + b"\r\n" + _attachment(24 * MIB),
    "1 ARC set, 24 MiB attachment (ARC(raw): 3.6x)": lambda: _arc_sets(1) + HEAD + b"\r\n" + _attachment(24 * MIB),
    ".msg, 120 nested messages (was 17 s, 1.2 GB)": _msg(120),
    ".msg, 8 nested messages (the limit)": _msg(8),
    # the catalogue's inputs (research/reliability.md §4)
    "A4 one 10 MB header line": lambda: b"Subject: " + b"x" * 10_000_000 + b"\r\n" + TAIL,
    "A4 one header line at the cap": lambda: b"Subject: " + b"x" * (CAP - 200) + b"\r\n" + TAIL,
    "A5 Received fields up to the cap": lambda: _fill(HOP, CAP - 200) + TAIL,
    "A5 100k Received fields": lambda: HOP * 100_000 + TAIL,
    "header section at 1 MiB of small fields": lambda: _fill(b"X-A: b\r\n", MIB) + TAIL,
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
    "random bytes at the cap": lambda: os.urandom(CAP),
    # planted stamp floods (redteam round 8: each export re-read every stamp per question)
    "13 000 Authentication-Results fields": lambda: HOP + b"Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=a.example\r\n" * 13_000 + TAIL,
    "1 000 X-Spam-Status fields": lambda: HOP + b"X-Spam-Status: No, score=-1.0 required=5.0 tests=NONE\r\n" * 1000 + TAIL,
    "1 000 Received-SPF fields": lambda: HOP + b"Received-SPF: pass (mx.example.net: domain of a.example designates 192.0.2.1 as permitted sender) client-ip=192.0.2.1;\r\n" * 1000 + TAIL,
}  # fmt: skip


def _write(make: bytes | Callable[..., object], path: Path) -> None:
    if isinstance(make, bytes):
        path.write_bytes(make)
        return
    try:
        data = make()  # type: ignore[call-arg]
    except TypeError:
        make(path)  # writes the file itself (.msg)
        return
    assert isinstance(data, bytes)
    path.write_bytes(data)


def pipeline(path: Path) -> int:
    """``headerlens report --offline FILE``, output kept in memory; the exit status."""
    return run_report(["--offline", str(path)], io.StringIO())


def measure(path: Path) -> tuple[int, float, int, int]:
    """(exit status, seconds, peak bytes allocated under tracemalloc, input bytes)."""
    gc.collect()
    started = time.perf_counter()
    status = pipeline(path)
    seconds = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    pipeline(path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return status, seconds, peak, path.stat().st_size


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


def _within(seconds: float, peak: int, size: int) -> tuple[bool, bool]:
    return seconds < TIME_BUDGET_S, peak < max(MEMORY_FACTOR * size, MEMORY_FLOOR)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only the inputs whose name contains this text")
    parser.add_argument("--out", default=str(BENCH / "HOSTILE.md"), help="Markdown file to write")
    args = parser.parse_args()
    lines = [
        "# Hostile inputs: the whole offline pipeline",
        "",
        "Generated by `python3 bench/hostile_inputs.py` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; do not edit (re-run it).",
        "",
        *machine()[:1],
        *machine()[2:3],
        "",
        "`headerlens report --offline FILE` in process: read, analyse, verify offline (DKIM body "
        "hashes, ARC chain, findings), render Markdown. Budgets: under "
        f"{TIME_BUDGET_S:g} s; peak allocation under {MEMORY_FACTOR:g}x the input or "
        f"{MEMORY_FLOOR / 1e6:.0f} MB, whichever is larger.",
        "",
        "| input | size | exit | time | peak alloc | peak / input | within budget |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    failures = 0
    pipeline(BENCH.parent / "examples" / "eop-to-gmail-pass.eml")  # imports, once per process
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in INPUTS.items():
            if args.only and args.only not in name:
                continue
            path = Path(tmp) / ("input.msg" if name.startswith(".msg") else "input.eml")
            _write(make, path)
            status, seconds, peak, size = measure(path)
            path.unlink()
            fast, small = _within(seconds, peak, size)
            failures += not (fast and small)
            verdict = (
                "yes"
                if fast and small
                else "NO: " + ("time " if not fast else "") + ("memory" if not small else "")
            )
            lines.append(
                f"| {name} | {size / 1e6:.2f} MB | {status} | {seconds:.3f} s "
                f"| {peak / 1e6:.1f} MB | {peak / size:.2f}x | {verdict} |"
            )
            print(lines[-1], flush=True)
    lines += [
        "",
        f"{failures} input(s) outside the budgets.",
        "",
        "## Parsers alone: slowest field x 60 KB repeated token (analyze() only)",
        "",
        "| field: token x N | time |",
        "|---|---:|",
    ]
    if not args.only:
        lines += [
            f"| {name}: {run!r} x N | {seconds:.3f} s |" for seconds, name, run in sweep()[:5]
        ]
    text = "\n".join(lines) + "\n"
    if not args.only:
        Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
