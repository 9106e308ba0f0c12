"""Command line: ``headerlens [FILE]`` opens the console, ``headerlens report FILE`` prints a report."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from headerlens import __version__
from headerlens.dnsargs import (
    add_dns_options,
    default_format,
    error_line,
    parse_with_dns,
    write_output,
)
from headerlens.dnsclient.options import VerifyOptions
from headerlens.exitcodes import EXIT_INPUT, EXIT_INTERNAL, EXIT_OK

if TYPE_CHECKING:
    from headerlens.model import Analysis
    from headerlens.model.received import TrustedHosts
    from headerlens.model.verification import Verification


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


_TRUSTED_HELP = """the receiving organisation's own mail hosts: host names (a name also covers the hosts under
it), patterns such as mx*.fabrikam.com, addresses or CIDR prefixes such as 10.0.0.0/8;
comma-separated, repeatable. With it, only a listed client (by its address, or the reverse DNS
its receiver confirmed; never its HELO) continues the receiver's trace below a line, so a line
the sender wrote under a private, loopback or LMTP client is not taken as the entry. Never list
the address of a NAT or proxy in front of the MX. Without it such a boundary, and SPF and DMARC
replayed on it, are reported as unconfirmed"""


def _add_trusted_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--trusted-host",
        metavar="HOSTS",
        action="append",
        default=[],
        help=_TRUSTED_HELP,
    )


def _trusted(parser: argparse.ArgumentParser, args: argparse.Namespace) -> TrustedHosts | None:
    """The --trusted-host list, None when not given; a bad entry is one line and status 2."""
    from headerlens.parsers.trusted_hosts import parse_trusted_hosts

    if not args.trusted_host:
        return None
    try:
        trusted = parse_trusted_hosts(args.trusted_host)
    except ValueError as exc:
        error_line(parser.prog, f"error: {exc}")
        raise SystemExit(EXIT_INPUT) from None
    return trusted if trusted.names or trusted.networks else None


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
        choices=("md", "text", "json", "html", "summary"),
        default=None,
        help="md: Markdown for a ticket (the default into a file or a pipe); text: plain text "
        "(the default on a terminal); json: for scripts; html: a standalone page; summary: the "
        "short plain-text ticket summary the console's c copies",
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout"
    )
    p.add_argument(
        "--dnsbl",
        action="store_true",
        help="also look the trust-boundary IP up on DNS blocklists (off by default: the list "
        "operator learns which IP you asked about)",
    )
    p.add_argument(
        "--dnsbl-zone",
        metavar="ZONE",
        action="append",
        default=[],
        help="blocklist zone to ask with --dnsbl (repeatable; default: zen.spamhaus.org, "
        "b.barracudacentral.org, bl.spamcop.net)",
    )
    _add_trusted_option(p)
    add_dns_options(p)
    return p


def _console_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="headerlens",
        description=(
            "Explain why an email failed authentication, landed in junk or was rejected: "
            "the Received chain hop by hop, every authentication header, vendor verdicts."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="commands:\n  report    print the analysis as Markdown, JSON or HTML (see "
        "'headerlens report --help')\n  check     check the SPF, DKIM selectors and DMARC a domain "
        "publishes (see 'headerlens check --help')\n\n" + _EPILOG,
    )
    p.add_argument("file", nargs="?", help="message file or '-' for stdin; omit to paste")
    p.add_argument("--version", action="version", version=f"headerlens {__version__}")
    _add_trusted_option(p)
    add_dns_options(p)
    return p


def _err(msg: str) -> None:
    error_line("headerlens", msg)


def run_report(argv: Sequence[str], stdout: TextIO | None) -> int:
    """``headerlens report``: load, analyse, render, write."""
    from headerlens.analyze import analyze
    from headerlens.source import InputError, load

    parser = _report_parser()
    args, options = parse_with_dns(parser, argv)
    trusted = _trusted(parser, args)
    clash = _output_clash(args.file, args.output, options.save_dns, options.snapshot)
    if clash:
        _err(clash)
        return EXIT_INPUT
    try:
        loaded = load(args.file)
    except InputError as exc:
        _err(str(exc))
        return EXIT_INPUT
    analysis = analyze(loaded.data, source_name=loaded.name, kind=loaded.kind, trusted=trusted)
    if not analysis.headers and analysis.ndr is None:  # a bounce's text pasted alone is fine
        _err(f"{loaded.name}: no header fields found; this is not an email message or header block")
        return EXIT_INPUT
    try:
        verification = run_verification(analysis, options, dnsbl_zones=_dnsbl_zones(args))
    except ValueError as exc:  # an unreadable DNS snapshot
        _err(str(exc))
        return EXIT_INPUT
    except OSError as exc:  # --save-dns could not be written
        _err(f"cannot write the DNS log {options.save_dns}: {exc.strerror or exc}")
        return EXIT_INPUT
    from headerlens.report.render import render

    fmt = args.format or default_format(args.output, stdout)
    return write_output("headerlens", render(analysis, verification, fmt), args.output, stdout)


def _output_clash(
    source: str, output: str | None, save_dns: Path | None, snapshot: Path | None
) -> str | None:
    """Why the files to be written would overwrite an input (the message or a snapshot)."""
    inputs = [Path(p) for p in (source, snapshot) if p is not None and str(p) != "-"]
    for out in (output, save_dns):
        if out is None:
            continue
        for inp in inputs:
            if Path(out).resolve() == inp.resolve():
                return f"refusing to overwrite {inp} (an input) with {out}"
    if output is not None and save_dns is not None and Path(output).resolve() == save_dns.resolve():
        return "the report and the DNS log cannot go to the same file"
    return None


def _dnsbl_zones(args: argparse.Namespace) -> tuple[str, ...]:
    """The blocklists to ask (``--dnsbl``, ``--dnsbl-zone``); empty when not asked for."""
    from headerlens.domaincheck.mailrouting import DEFAULT_DNSBLS

    if args.dnsbl_zone:
        return tuple(z.strip().rstrip(".").lower() for z in args.dnsbl_zone)
    return DEFAULT_DNSBLS if args.dnsbl else ()


def run_verification(
    analysis: Analysis, options: VerifyOptions, *, dnsbl_zones: Sequence[str] = ()
) -> Verification:
    """Verify over the resolver the options name; save the DNS log if asked (atomically).

    With ``dnsbl_zones``, the trust-boundary IP is also looked up on those blocklists.
    """
    from headerlens.dnsclient.options import make_resolver
    from headerlens.evaluators.verify import run_blocking, verify
    from headerlens.model.verification import VerifyMode

    resolver, label = make_resolver(options)
    result = run_blocking(verify(analysis, resolver, mode=options.mode, label=label))
    boundary = analysis.chain.boundary
    if (
        dnsbl_zones
        and boundary is not None
        and boundary.ip
        and options.mode is not VerifyMode.OFFLINE
    ):
        from dataclasses import replace

        from headerlens.diagnosis.findings_build import add_findings
        from headerlens.diagnosis.findings_dnsbl import dnsbl_findings
        from headerlens.domaincheck.mailrouting import check_dnsbl

        listed = run_blocking(check_dnsbl(boundary.ip, resolver, dnsbl_zones))
        found = dnsbl_findings(listed, boundary.hop_number, boundary.receiver)
        result = add_findings(replace(result, dnsbl=listed, dns_log=resolver.log), found)
    if options.save_dns is not None:
        from headerlens.dnsclient.snapshot import save_snapshot

        save_snapshot(result.dns_log, options.save_dns)  # OSError: the caller reports it
    return result


def _reopen_tty_for_keyboard() -> bool:
    """After reading a message from a pipe, give the keyboard back to the console."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        return False
    os.dup2(fd, 0)
    os.close(fd)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115 - the process keeps fd 0 open
    return True


def run_console(argv: Sequence[str], stdout: TextIO) -> int:
    """``headerlens [FILE]``: open the console on FILE, on stdin, or on the paste screen."""
    from headerlens.tui.startup import pause_collector, resume_collector

    pause_collector()  # until the console's first frame (tui/startup.py)
    try:
        return _console(argv)
    finally:
        resume_collector()  # if the console ended before its first frame


def _console(argv: Sequence[str]) -> int:
    from headerlens.source import InputError, LoadedInput, load

    parser = _console_parser()
    args, options = parse_with_dns(parser, argv)
    trusted = _trusted(parser, args)
    loaded: LoadedInput | None = None
    if args.file == "-":
        try:
            loaded = load("-")
        except InputError as exc:
            _err(str(exc))
            return EXIT_INPUT
        if not _reopen_tty_for_keyboard():
            _err(
                "standard input was the message and no terminal is available for the console; "
                "use 'headerlens report -' instead"
            )
            return EXIT_INPUT
    if sys.__stdin__ is None or sys.__stderr__ is None:  # Textual reads fd 0, draws on fd 2
        _err(
            "standard input is closed; the console needs the keyboard (or use 'headerlens report')"
        )
        return EXIT_INPUT
    from headerlens.tui.app import HeaderlensApp

    HeaderlensApp(
        None if loaded else args.file, loaded=loaded, verify_options=options, trusted=trusted
    ).run()
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``headerlens`` command. Returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] == "report":
            return run_report(args[1:], sys.stdout)
        if args and args[0] == "check":
            from headerlens.check_cmd import run_check

            return run_check(args[1:], sys.stdout)
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
