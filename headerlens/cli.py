"""Command line: ``headerlens [FILE]`` opens the console, ``headerlens report FILE`` prints a report."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from headerlens import __version__

EXIT_OK = 0
EXIT_INPUT = 2  # bad input or usage (argparse uses 2 as well)
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in headerlens

_EPILOG = """\
examples:
  headerlens message.eml                  open a saved message in the console
  headerlens                              open the console and paste headers
  headerlens report message.eml           Markdown summary for a ticket
  headerlens report --format json - < headers.txt
  headerlens report -o ticket.md message.msg

Input may be an .eml file, a text file holding just the headers, an Outlook .msg, or
'-' for standard input. The input file is only ever read.
"""


def _report_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="headerlens report",
        description="Analyse a message without the console and print the findings summary.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EPILOG,
    )
    p.add_argument("file", help="message file (.eml, .msg, header text) or '-' for stdin")
    p.add_argument(
        "--format",
        choices=("md", "json"),
        default="md",
        help="md: Markdown for a ticket (default); json: for scripts",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    p.add_argument(
        "--offline", action="store_true", help="make no DNS queries (report stamped verdicts only)"
    )
    return p


def _console_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="headerlens",
        description=(
            "Explain why an email failed authentication, landed in junk or was rejected: "
            "the Received chain hop by hop, every authentication header, vendor verdicts."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="commands:\n  report    print the analysis as Markdown or JSON (see "
        "'headerlens report --help')\n\n" + _EPILOG,
    )
    p.add_argument("file", nargs="?", help="message file or '-' for stdin; omit to paste")
    p.add_argument("--version", action="version", version=f"headerlens {__version__}")
    return p


def _err(msg: str) -> None:
    sys.stderr.write(f"headerlens: {msg}\n")


def run_report(argv: Sequence[str], stdout: TextIO) -> int:
    """``headerlens report``: load, analyse, render, write."""
    from headerlens.analyze import analyze
    from headerlens.source import InputError, load

    args = _report_parser().parse_args(list(argv))
    try:
        loaded = load(args.file)
    except InputError as exc:
        _err(str(exc))
        return EXIT_INPUT
    analysis = analyze(loaded.data, source_name=loaded.name, kind=loaded.kind)
    if not analysis.headers:
        _err(f"{loaded.name}: no header fields found; this is not an email message or header block")
        return EXIT_INPUT
    if args.format == "json":
        from headerlens.report.json_report import render_json

        text = render_json(analysis)
    else:
        from headerlens.report.markdown import render_markdown

        text = render_markdown(analysis)
    if args.output:
        from headerlens.report.write import write_atomic

        out = Path(args.output)
        if args.file != "-" and out.resolve() == Path(args.file).resolve():
            _err("refusing to overwrite the input file with the report")
            return EXIT_INPUT
        try:
            write_atomic(out, text)
        except OSError as exc:
            _err(f"cannot write {out}: {exc.strerror or exc}")
            return EXIT_INPUT
    else:
        stdout.write(text)
    return EXIT_OK


def run_console(argv: Sequence[str], stdout: TextIO) -> int:
    """``headerlens [FILE]``: the console arrives with its own issue; until then, the report."""
    args = _console_parser().parse_args(list(argv))
    if args.file is None:
        _console_parser().print_help(stdout)
        return EXIT_OK
    return run_report([args.file], stdout)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``headerlens`` command. Returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] == "report":
            return run_report(args[1:], sys.stdout)
        return run_console(args, sys.stdout)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # e.g. `headerlens report x | head`: the reader went away; not an error of ours.
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:  # last resort: a bug must still be one clear line, not a traceback
        if os.environ.get("HEADERLENS_DEBUG"):
            traceback.print_exc()
        _err(
            f"internal error ({type(exc).__name__}: {exc}); "
            "set HEADERLENS_DEBUG=1 for details and please report it"
        )
        return EXIT_INTERNAL
