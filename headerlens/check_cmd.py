"""``headerlens check DOMAIN``: a domain's SPF, DKIM selectors, DMARC, MX routing, MTA-STS/TLS-RPT/BIMI, DNSSEC."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

from headerlens.dnsargs import (
    add_dns_options,
    default_format,
    error_line,
    parse_with_dns,
    write_output,
)
from headerlens.dnsclient.options import make_resolver
from headerlens.exitcodes import EXIT_INPUT

_EPILOG = """\
examples:
  headerlens check contoso.com --provider eop          SPF, selector1/selector2 CNAMEs, DMARC
  headerlens check fabrikam.com --provider hes --selector hes1
  headerlens check contoso.com --ip 40.107.22.101      SPF result for that sending IP
  headerlens check contoso.com --ip 203.0.113.9 --dnsbl   ... and that IP on DNS blocklists
  headerlens check contoso.com --format json -o contoso.json
"""


def check_parser() -> argparse.ArgumentParser:
    """The argument parser of ``headerlens check``."""
    p = argparse.ArgumentParser(
        prog="headerlens check",
        description="Check the records a domain publishes (SPF, DKIM, DMARC, MX routing, MTA-STS, "
        "TLS-RPT, BIMI, DNSSEC; optionally the sending IP on blocklists), and say what to fix.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EPILOG,
    )
    p.add_argument("domain", help="the domain to check, e.g. contoso.com")
    p.add_argument(
        "--selector",
        metavar="S",
        action="append",
        default=[],
        help="DKIM selector to check (repeatable; the s= of a DKIM-Signature)",
    )
    p.add_argument(
        "--provider",
        choices=("eop", "hes", "google"),
        help="who sends the mail: default selectors (eop: selector1, selector2; google: google) "
        "and provider advice",
    )
    p.add_argument("--ip", metavar="IP", help="also evaluate SPF for this sending IP")
    p.add_argument(
        "--dnsbl",
        action="store_true",
        help="also look --ip up on DNS blocklists (off by default: the list operator learns "
        "which IP you asked about; some lists refuse queries sent through public resolvers)",
    )
    p.add_argument(
        "--dnsbl-zone",
        metavar="ZONE",
        action="append",
        default=[],
        help="blocklist zone to ask (repeatable; default: zen.spamhaus.org, "
        "b.barracudacentral.org, bl.spamcop.net)",
    )
    p.add_argument(
        "--format",
        choices=("md", "text", "json"),
        default=None,
        help="md: Markdown (the default into a file or a pipe); text: plain text (the default on "
        "a terminal); json: for scripts. Records to publish are printed exactly as typed in all three",
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout"
    )
    add_dns_options(p, what="check")
    return p


def _argument_problem(args: argparse.Namespace) -> str | None:
    """Domain, selectors and --ip must be usable before any DNS query is made."""
    import ipaddress

    from headerlens.parsers.dkimsig import dns_name_problem

    why = dns_name_problem(args.domain, min_labels=2)
    if why:
        return f"{args.domain!r} {why}"
    for zone in args.dnsbl_zone:
        why = dns_name_problem(zone, min_labels=2)
        if why:
            return f"--dnsbl-zone {zone!r} {why}"
    if (args.dnsbl or args.dnsbl_zone) and args.ip is None:
        return "--dnsbl needs --ip IP (the address to look up)"
    for selector in args.selector:
        why = dns_name_problem(selector)
        if why:
            return f"selector {selector!r} {why}"
    if args.ip is not None:
        try:
            ipaddress.ip_address(args.ip)
        except ValueError:
            return f"--ip {args.ip!r} is not an IPv4 or IPv6 address"
    return None


def _err(msg: str) -> None:
    error_line("headerlens check", msg)


def run_check(argv: Sequence[str], stdout: TextIO | None) -> int:
    """Parse ``argv``, check the domain, write text, Markdown or JSON. Returns the exit status."""
    from headerlens.domaincheck.check import check_domain
    from headerlens.domaincheck.mailrouting import DEFAULT_DNSBLS
    from headerlens.evaluators.verify import run_blocking
    from headerlens.report.domaincheck import render_domain_check

    parser = check_parser()
    args, options = parse_with_dns(parser, argv)
    bad = _argument_problem(args)
    if bad:
        parser.error(bad)
    try:
        resolver, label = make_resolver(options)
    except ValueError as exc:  # an unreadable DNS snapshot
        _err(str(exc))
        return EXIT_INPUT
    result = run_blocking(
        check_domain(
            args.domain,
            resolver,
            selectors=args.selector,
            provider=args.provider,
            ip=args.ip,
            label=label,
            dnsbl=bool(args.dnsbl or args.dnsbl_zone),
            dnsbl_zones=tuple(args.dnsbl_zone) if args.dnsbl_zone else DEFAULT_DNSBLS,
        )
    )
    if options.save_dns is not None:
        from headerlens.dnsclient.snapshot import save_snapshot

        try:
            save_snapshot(resolver.log, options.save_dns)
        except OSError as exc:
            _err(f"cannot write {options.save_dns}: {exc.strerror or exc}")
            return EXIT_INPUT
    fmt = args.format or default_format(args.output, stdout)
    text = render_domain_check(result, fmt)
    return write_output("headerlens check", text, args.output, stdout)
