"""The DNS options, error line and output shared by ``headerlens``, ``report`` and ``check``."""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from headerlens import budgets
from headerlens.dnsclient.options import VerifyOptions
from headerlens.dnsclient.resolver import parse_resolver_arg
from headerlens.exitcodes import EXIT_INPUT, EXIT_OK
from headerlens.textsafe import inert


def add_dns_options(p: argparse.ArgumentParser, *, what: str = "analysis") -> None:
    """--offline, --resolver, --dns-snapshot, --save-dns, --timeout."""
    g = p.add_argument_group("DNS (live re-verification)")
    g.add_argument(
        "--offline", action="store_true", help="make no DNS queries; show the stamped verdicts only"
    )
    g.add_argument(
        "--resolver",
        metavar="IP[:PORT]",
        action="append",
        default=[],
        help="ask this DNS server instead of the system resolver (repeatable)",
    )
    g.add_argument(
        "--dns-snapshot",
        metavar="FILE",
        help="replay the DNS answers saved in FILE (by --save-dns) instead of the network",
    )
    g.add_argument("--save-dns", metavar="FILE", help="save every DNS query and answer to FILE")
    g.add_argument(
        "--timeout",
        type=float,
        default=budgets.DNS_QUERY_TIMEOUT.limit,
        metavar="SECONDS",
        help=f"per-query DNS timeout (default {budgets.DNS_QUERY_TIMEOUT.limit:g}; the whole "
        f"{what} has a {budgets.DNS_DEADLINE.limit:g} s deadline)",
    )


def verify_options(args: argparse.Namespace) -> VerifyOptions:
    """VerifyOptions from parsed arguments; ValueError with a clear message for bad combinations."""
    servers = tuple(parse_resolver_arg(r) for r in args.resolver)
    if args.offline and (servers or args.dns_snapshot):
        raise ValueError("--offline cannot be combined with --resolver or --dns-snapshot")
    longest = budgets.DNS_TIMEOUT_OPTION.limit
    # inf, 1e309 (inf once parsed) and nan would switch the deadline off (it grows with --timeout)
    if not (math.isfinite(args.timeout) and 0 < args.timeout <= longest):
        raise ValueError(
            f"--timeout must be a number of seconds above 0 and at most {longest:g}, "
            f"not {args.timeout:g}"
        )
    return VerifyOptions(
        offline=args.offline,
        nameservers=servers,
        snapshot=Path(args.dns_snapshot) if args.dns_snapshot else None,
        save_dns=Path(args.save_dns) if args.save_dns else None,
        timeout=args.timeout,
        deadline=max(float(budgets.DNS_DEADLINE.limit), args.timeout * 2),
    )


def parse_with_dns(
    parser: argparse.ArgumentParser, argv: Sequence[str]
) -> tuple[argparse.Namespace, VerifyOptions]:
    """Parse ``argv``; a bad DNS option value or combination is one line and status 2."""
    args = parser.parse_args(list(argv))
    try:
        return args, verify_options(args)
    except ValueError as exc:
        error_line(parser.prog, f"error: {exc}")
        raise SystemExit(2) from None


def error_line(prog: str, msg: str) -> None:
    """One line on stderr; file names and library messages may carry escape sequences."""
    if sys.stderr is not None:  # nowhere to say it when fd 2 was closed; the status remains
        sys.stderr.write(f"{prog}: {inert(msg)}\n")


def default_format(output: str | None, stdout: TextIO | None) -> str:
    """``text`` for a person at a terminal, ``md`` for a file, a pipe or a ticket."""
    if output or stdout is None:
        return "md"
    try:
        return "text" if stdout.isatty() else "md"
    except (OSError, ValueError):  # a closed or odd stream
        return "md"


def write_output(prog: str, text: str, output: str | None, stdout: TextIO | None) -> int:
    """Write ``text`` to the ``-o`` file (atomically) or to standard output; the exit status.

    A file or stream that cannot be written (full disk, closed standard output) is one error
    line and exit status 2. A reader that went away (BrokenPipeError) is left to the caller.
    """
    if output:
        from headerlens.atomic import write_atomic

        try:
            write_atomic(Path(output), text)
        except OSError as exc:
            error_line(prog, f"cannot write {output}: {exc.strerror or exc}")
            return EXIT_INPUT
        return EXIT_OK
    if stdout is None:  # started with fd 1 closed
        error_line(prog, "standard output is closed; use -o FILE to write the result")
        return EXIT_INPUT
    try:
        stdout.write(text)
        stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        _discard_unwritten(stdout)
        error_line(prog, f"cannot write to standard output: {exc.strerror or exc}")
        return EXIT_INPUT
    return EXIT_OK


def _discard_unwritten(stream: TextIO) -> None:
    """Point ``stream``'s descriptor at /dev/null so the interpreter's final flush of what
    could not be written succeeds instead of printing a second error."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)
