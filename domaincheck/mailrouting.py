"""The domain check's inbound side: MX routing for EOP / Trend Micro HES / Google, DNS blocklists,
MTA-STS, TLS-RPT, BIMI and DNSSEC. Each look-up goes through the shared resolver (and its log)."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence

from headerlens.dnsclient.dnsproto import Resolver
from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.model.dns import DnsRecord, Rcode
from headerlens.model.mailrouting import (
    DnsblCheck,
    DnsblResult,
    DnsblState,
    DnssecCheck,
    MxCheck,
    MxHost,
    MxState,
    PolicyCheck,
)
from headerlens.parsers.mailpolicy import read_bimi, read_mta_sts, read_tls_rpt

PROVIDER_NAME: dict[str, str] = {
    "eop": "Exchange Online Protection",
    "hes": "Trend Micro Hosted Email Security",
    "google": "Google Workspace",
}

# Where each provider's inbound gateway lives (host-name suffixes of the MX exchange).
# EOP: Microsoft documents the MX as <domain with "." -> "-">.mail.protection.outlook.com; tenants
# with inbound DNSSEC (2024 on) get <domain-with-dashes>.<id>.mx.microsoft instead.
# Trend Micro Email Security (formerly HES): <domain-with-dashes>.in.tmes.trendmicro.com and the
# regional variants (.eu, -anz, -sg, -in, -mea, .co.jp ...); HES 2.0 used in.hes.trendmicro.com/.eu.
# Google Workspace: smtp.google.com (since 2023), or the legacy aspmx.l.google.com set.
GATEWAY_SUFFIXES: dict[str, tuple[str, ...]] = {
    "eop": (".mail.protection.outlook.com", ".mx.microsoft"),
    "hes": (".trendmicro.com", ".trendmicro.eu", ".trendmicro.co.jp"),
}
_GOOGLE_HOSTS = (
    "smtp.google.com",
    "aspmx.l.google.com",
    "alt1.aspmx.l.google.com",
    "alt2.aspmx.l.google.com",
    "alt3.aspmx.l.google.com",
    "alt4.aspmx.l.google.com",
)


def expected_mx(domain: str, provider: str) -> tuple[str, ...]:
    """The MX exchange(s) the provider documents for ``domain`` (the first is the one to publish)."""
    dashed = domain.replace(".", "-")
    if provider == "eop":
        return (f"{dashed}.mail.protection.outlook.com",)
    if provider == "hes":
        return (f"{dashed}.in.tmes.trendmicro.com",)
    if provider == "google":
        return _GOOGLE_HOSTS
    return ()


def is_gateway(host: str, provider: str) -> bool:
    """True when ``host`` is one of the provider's inbound gateways."""
    host = host.lower().rstrip(".")
    if provider == "google":
        return host in _GOOGLE_HOSTS or host.endswith(".aspmx.l.google.com")
    if provider == "hes":
        inbound = host.startswith(("in.hes.", "in.tmes")) or ".in.tmes" in host
        return inbound and host.endswith(GATEWAY_SUFFIXES["hes"])
    return host.endswith(GATEWAY_SUFFIXES.get(provider, ()))


def _parse_mx(answer: str) -> tuple[int, str] | None:
    parts = answer.split()
    if len(parts) != 2 or not parts[0].isascii() or not parts[0].isdigit():
        return None
    return int(parts[0]), parts[1].rstrip(".").lower()


async def _mx_host(pref: int, host: str, resolver: Resolver, provider: str | None) -> MxHost:
    problems: list[Defect] = []
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return MxHost(
            pref,
            host,
            (host,),
            False if provider else None,
            (),
            (
                Defect(
                    Code.MX_IP_LITERAL,
                    f"MX {pref} {host} names an IP address; an MX must name a host (RFC 5321 §5.1).",
                    Severity.ERROR,
                ),
            ),
        )
    a, aaaa = await asyncio.gather(resolver.query(host, "A"), resolver.query(host, "AAAA"))
    addresses = a.answers + aaaa.answers
    if a.cname_chain or aaaa.cname_chain:
        problems.append(
            Defect(
                Code.MX_CNAME,
                f"MX host {host} is an alias (CNAME); RFC 2181 §10.3 says an MX must name the host itself. Most senders cope, some do not.",
                Severity.WARNING,
            )
        )
    if not addresses:
        if not (a.answered and aaaa.answered):
            problems.append(
                Defect(
                    Code.MX_DNS_ERROR,
                    f"The addresses of MX host {host} could not be looked up ({a.rcode}).",
                    Severity.WARNING,
                )
            )
        else:
            problems.append(
                Defect(
                    Code.MX_NO_ADDRESS,
                    f"MX host {host} has no A or AAAA record: senders cannot deliver to it.",
                    Severity.ERROR,
                )
            )
    gateway = None if provider is None else is_gateway(host, provider)
    return MxHost(pref, host, addresses, gateway, (a, aaaa), tuple(problems))


async def check_mx(domain: str, resolver: Resolver, provider: str | None) -> MxCheck:
    """The domain's MX records, each host's addresses, and whether inbound reaches the provider."""
    mx = await resolver.query(domain, "MX")
    if mx.rcode == Rcode.NXDOMAIN:
        return MxCheck(
            domain,
            MxState.NXDOMAIN,
            evidence=(mx,),
            problems=(
                Defect(
                    Code.MX_NXDOMAIN,
                    f"{domain} does not exist in DNS: no mail can be delivered to it.",
                    Severity.ERROR,
                ),
            ),
        )
    if mx.rcode != Rcode.NOERROR:
        return MxCheck(
            domain,
            MxState.DNS_ERROR,
            evidence=(mx,),
            problems=(
                Defect(
                    Code.MX_DNS_ERROR,
                    f"The MX look-up for {domain} failed ({mx.rcode}); routing not checked.",
                    Severity.WARNING,
                ),
            ),
        )
    parsed = [p for p in (_parse_mx(a) for a in mx.answers) if p is not None]
    if any(host == "" for _, host in parsed):
        return MxCheck(
            domain,
            MxState.NULL,
            evidence=(mx,),
            problems=(
                Defect(
                    Code.MX_NULL,
                    f"{domain} publishes a null MX (RFC 7505): it accepts no mail at all.",
                    Severity.WARNING,
                ),
            ),
        )
    expected = expected_mx(domain, provider) if provider else ()
    if not parsed:
        problems = [
            Defect(
                Code.MX_NONE,
                f"{domain} has no MX record: senders fall back to its A/AAAA address (RFC 5321 §5.1), which is rarely a mail server.",
                Severity.ERROR,
            )
        ]
        publish = f"{domain} MX 0 {expected[0]}" if expected else None
        return MxCheck(
            domain,
            MxState.IMPLICIT,
            expected=expected,
            publish=publish,
            problems=tuple(problems),
            evidence=(mx,),
        )
    parsed.sort()
    hosts = await asyncio.gather(*(_mx_host(p, h, resolver, provider) for p, h in parsed))
    problems = _routing_problems(domain, hosts, provider, expected)
    wrong = provider is not None and not any(h.gateway for h in hosts)
    publish = f"{domain} MX 0 {expected[0]}" if wrong and expected else None
    evidence = (mx, *(r for h in hosts for r in h.evidence))
    return MxCheck(domain, MxState.OK, tuple(hosts), expected, publish, tuple(problems), evidence)


def _routing_problems(
    domain: str, hosts: Sequence[MxHost], provider: str | None, expected: tuple[str, ...]
) -> list[Defect]:
    if provider is None:
        return []
    name = PROVIDER_NAME[provider]
    gateways = [h for h in hosts if h.gateway]
    if not gateways:
        shown = ", ".join(f"{h.preference} {h.host}" for h in hosts)
        return [
            Defect(
                Code.MX_NOT_GATEWAY,
                f"Inbound mail for {domain} does not go to {name}: the MX is {shown}. Publish "
                f"{domain} MX 0 {expected[0]} and remove the other MX records"
                + (
                    " (or use your region's host from the Trend Micro console)."
                    if provider == "hes"
                    else "."
                ),
                Severity.ERROR,
            )
        ]
    best = min(g.preference for g in gateways)
    out = []
    for h in hosts:
        if h.gateway:
            continue
        rank = (
            "before" if h.preference < best else ("alongside" if h.preference == best else "after")
        )
        out.append(
            Defect(
                Code.MX_BYPASS,
                f"MX {h.preference} {h.host} is not {name} and is tried {rank} it: senders (and spammers, "
                "who pick backup MX hosts on purpose) can deliver around the gateway and its filtering. "
                "Remove it, or accept mail there only from the gateway.",
                Severity.ERROR if h.preference <= best else Severity.WARNING,
            )
        )
    return out


# DNS blocklists asked by default, with the meaning of each return code. Spamhaus: "DNSBL return
# codes" in its documentation (127.0.0.2 SBL, .3 SBL CSS, .4 XBL/CBL, .9 DROP, .10/.11 PBL; the
# 127.255.255.x answers are errors: .252 typing error in the DNSBL name, .254 query through a
# public/open resolver, .255 excessive number of queries). Barracuda and SpamCop answer 127.0.0.2.
DEFAULT_DNSBLS: tuple[str, ...] = ("zen.spamhaus.org", "b.barracudacentral.org", "bl.spamcop.net")
_SPAMHAUS_CODES = {
    "127.0.0.2": "SBL: a spam source or spam operation listed by Spamhaus",
    "127.0.0.3": "SBL CSS: a low-reputation IP sending snowshoe spam",
    "127.0.0.4": "XBL: an infected or hijacked host (exploits, botnet)",
    "127.0.0.9": "DROP: a hijacked or criminal network",
    "127.0.0.10": "PBL (ISP-maintained): an end-user address that should not send mail directly",
    "127.0.0.11": "PBL (Spamhaus-maintained): an end-user address that should not send mail directly",
}
_REFUSALS = {
    "127.255.255.252": "the list refused the query: typing error in the blocklist name",
    "127.255.255.254": "the list refused the query: it was asked through a public or open resolver (use your own resolver, or the operator's query service)",
    "127.255.255.255": "the list refused the query: too many queries from this resolver",
}


def dnsbl_name(ip: str, zone: str) -> str | None:
    """The name to ask: reversed octets (IPv4) or nibbles (IPv6), then the zone; None if not an IP."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    rev = addr.reverse_pointer  # 4.3.2.1.in-addr.arpa / nibbles.ip6.arpa
    return rev.rsplit(".", 2)[0] + "." + zone.strip(".")


def _code_key(code: str) -> tuple[int, str]:
    """Return codes in numeric order (127.0.0.4 before 127.0.0.10); non-addresses last."""
    try:
        return int(ipaddress.ip_address(code)), code
    except ValueError:
        return 1 << 128, code


def _meaning(zone: str, code: str) -> str:
    if code in _REFUSALS:
        return _REFUSALS[code]
    if zone.endswith("spamhaus.org"):
        return _SPAMHAUS_CODES.get(
            code, f"listed (return code {code}; see the operator's documentation)"
        )
    return f"listed (return code {code})"


async def _one_dnsbl(ip: str, zone: str, resolver: Resolver) -> DnsblResult:
    name = dnsbl_name(ip, zone)
    assert name is not None
    a = await resolver.query(name, "A")
    if a.rcode == Rcode.NXDOMAIN or (a.rcode == Rcode.NOERROR and not a.answers):
        return DnsblResult(zone, name, DnsblState.NOT_LISTED, evidence=(a,))
    if a.rcode != Rcode.NOERROR:
        return DnsblResult(
            zone, name, DnsblState.ERROR, meanings=(f"no answer ({a.rcode})",), evidence=(a,)
        )
    codes = tuple(sorted(a.answers, key=_code_key))
    meanings = tuple(_meaning(zone, c) for c in codes)
    if all(c in _REFUSALS for c in codes):
        return DnsblResult(zone, name, DnsblState.REFUSED, codes, meanings, evidence=(a,))
    valid = [c for c in codes if c.startswith("127.")]
    if not valid:
        return DnsblResult(
            zone,
            name,
            DnsblState.ERROR,
            codes,
            (
                f"answer {', '.join(codes)} is outside 127.0.0.0/8: not a blocklist answer (the zone may be gone or wildcarded)",
            ),
            evidence=(a,),
        )
    txt = await resolver.query(name, "TXT")
    reason = " ".join(txt.answers) if txt.rcode == Rcode.NOERROR else ""
    return DnsblResult(zone, name, DnsblState.LISTED, codes, meanings, reason, (a, txt))


async def check_dnsbl(
    ip: str, resolver: Resolver, zones: Sequence[str] = DEFAULT_DNSBLS
) -> DnsblCheck:
    """Ask each blocklist zone about ``ip`` concurrently."""
    results = await asyncio.gather(*(_one_dnsbl(ip, z, resolver) for z in zones))
    return DnsblCheck(ip, tuple(results))


def _texts(record: DnsRecord) -> tuple[str, ...]:
    return record.answers if record.rcode == Rcode.NOERROR else ()


_DNS_ERROR = {
    "MTA-STS": Code.MTA_STS_DNS_ERROR,
    "TLS-RPT": Code.TLS_RPT_DNS_ERROR,
    "BIMI": Code.BIMI_DNS_ERROR,
}


def _dns_problem(kind: str, record: DnsRecord) -> tuple[Defect, ...]:
    if record.answered:
        return ()
    return (
        Defect(
            _DNS_ERROR[kind],
            f"The {kind} look-up ({record.name}) failed ({record.rcode}); not checked.",
            Severity.WARNING,
        ),
    )


async def check_policies(
    domain: str, resolver: Resolver, dmarc_policy: str | None
) -> tuple[PolicyCheck, ...]:
    """MTA-STS, TLS-RPT and BIMI records of ``domain``."""
    names = (f"_mta-sts.{domain}", f"_smtp._tls.{domain}", f"default._bimi.{domain}")
    sts, rpt, bimi = await asyncio.gather(*(resolver.query(n, "TXT") for n in names))
    readings = (
        ("MTA-STS", sts, read_mta_sts(_texts(sts))),
        ("TLS-RPT", rpt, read_tls_rpt(_texts(rpt))),
        ("BIMI", bimi, read_bimi(_texts(bimi), dmarc_policy)),
    )
    out = []
    for kind, record, reading in readings:
        failed = _dns_problem(kind, record)
        out.append(
            PolicyCheck(
                kind,
                record.name,
                reading.record,
                () if failed else reading.words,
                failed or reading.problems,
                (record,),
            )
        )
    return tuple(out)


async def check_dnssec(domain: str, resolver: Resolver) -> DnssecCheck:
    """DNSKEY at the domain (signed zone apex or not), DS at the parent, and the AD bit."""
    dnskey, ds = await asyncio.gather(
        resolver.query(domain, "DNSKEY"), resolver.query(domain, "DS")
    )
    if not (dnskey.answered and ds.answered):
        return DnssecCheck(
            domain,
            len(dnskey.answers),
            len(ds.answers),
            None,
            (),
            (
                Defect(
                    Code.DNSSEC_DNS_ERROR,
                    f"The DNSSEC look-ups for {domain} failed ({dnskey.rcode}/{ds.rcode}); not checked.",
                    Severity.WARNING,
                ),
            ),
            (dnskey, ds),
        )
    keys, dss = len(dnskey.answers), len(ds.answers)
    validated = dnskey.authenticated if keys else None
    words: list[str] = []
    problems: list[Defect] = []
    if not keys and not dss:
        words.append(
            f"{domain} is not signed with DNSSEC (no DNSKEY, no DS): its MX, SPF and DKIM answers can be forged on the path; DANE cannot be used."
        )
    elif keys and not dss:
        problems.append(
            Defect(
                Code.DNSSEC_NO_DS,
                f"{domain} has DNSKEY records but no DS at the parent: the chain of trust is broken, so nobody validates it. Publish the DS at the registrar.",
                Severity.WARNING,
            )
        )
    elif dss and not keys:
        problems.append(
            Defect(
                Code.DNSSEC_NO_DNSKEY,
                f"The parent publishes a DS for {domain} but the zone has no DNSKEY: validating resolvers answer SERVFAIL for the whole domain.",
                Severity.ERROR,
            )
        )
    else:
        words.append(f"{domain} is signed ({keys} DNSKEY, {dss} DS).")
        if validated:
            words.append("The resolver validated the answer (AD bit set).")
        else:
            words.append(
                "The resolver did not set the AD bit: it does not validate, or validation failed; use a validating resolver to be sure."
            )
    return DnssecCheck(domain, keys, dss, validated, tuple(words), tuple(problems), (dnskey, ds))
