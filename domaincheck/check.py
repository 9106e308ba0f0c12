"""``headerlens check DOMAIN``: the domain's published SPF, DKIM selectors and DMARC, with advice."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from headerlens import budgets
from headerlens.dnsclient.dnsproto import Resolver
from headerlens.domaincheck.dkimselector import (
    DEFAULT_SELECTORS,
    PORTAL,
    PROVIDERS,
    check_selectors,
)
from headerlens.domaincheck.dmarcpolicy import check_dmarc_policy
from headerlens.domaincheck.mailrouting import (
    DEFAULT_DNSBLS,
    PROVIDER_NAME,
    check_dnsbl,
    check_dnssec,
    check_mx,
    check_policies,
)
from headerlens.domaincheck.spftree import check_spf_tree
from headerlens.evaluators.spf_macro import client_ip, valid_check_domain
from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.model.dns import DnsRecord, Rcode
from headerlens.model.domaincheck import (
    DmarcCheck,
    DomainCheck,
    SelectorCheck,
    SelectorState,
    SpfCheck,
    SpfNodeState,
)
from headerlens.model.mailrouting import MxCheck
from headerlens.model.spf import SpfVerdict

SPF_INCLUDE: dict[str, str] = {
    "eop": "spf.protection.outlook.com",
    "hes": "spf.hes.trendmicro.com",
    "google": "_spf.google.com",
}


class _QueryBudget:
    """The resolver of one domain check, answering ERROR without asking once
    budgets.CHECK_QUERIES queries were made: a hostile zone (hundreds of MX hosts, SPF terms
    pointing at someone else's domain) must not turn the check into a flood."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        self.made = 0
        self.refused = 0

    async def query(self, name: str, rdtype: str) -> DnsRecord:
        """Ask, unless the budget is spent."""
        limit = int(budgets.CHECK_QUERIES.limit)
        if self.made >= limit:
            self.refused += 1
            return DnsRecord(
                name,
                rdtype.strip().upper(),
                Rcode.ERROR,
                error=f"not queried: this check's budget of {limit} DNS queries was spent",
            )
        self.made += 1
        return await self._resolver.query(name, rdtype)

    @property
    def log(self) -> tuple[DnsRecord, ...]:
        """The queries actually made."""
        return self._resolver.log

    def clear_cache(self) -> None:
        """Forget cached answers."""
        self._resolver.clear_cache()


def normalize_domain(domain: str) -> str:
    """Lower-case, no surrounding space or final dot."""
    return domain.strip().rstrip(".").lower()


def _selectors(selectors: Sequence[str], provider: str | None) -> tuple[str, ...]:
    """The selectors asked for, else the provider's documented defaults; no duplicates."""
    chosen = [s.strip().lower() for s in selectors if s.strip()]
    if not chosen and provider is not None:
        chosen = list(DEFAULT_SELECTORS.get(provider, ()))
    return tuple(dict.fromkeys(chosen))


def _spf_advice(spf: SpfCheck, provider: str | None, ip: str | None) -> list[Defect]:
    out = []
    include = SPF_INCLUDE.get(provider or "")
    if include and spf.tree.record is not None and include not in spf.includes:
        out.append(
            Defect(
                Code.ADVICE_SPF_INCLUDE,
                f"Mail leaves through {PROVIDER_NAME[provider or '']} but SPF lacks "
                f"include:{include}: add it before the final 'all' of {spf.domain}'s record.",
                Severity.ERROR,
            )
        )
    if spf.tree.state in (SpfNodeState.NO_RECORD, SpfNodeState.NXDOMAIN) and include:
        out.append(
            Defect(
                Code.ADVICE_SPF_PUBLISH,
                f'Publish {spf.domain} TXT "v=spf1 include:{include} -all" (add your other '
                "senders before -all).",
                Severity.ERROR,
            )
        )
    result = spf.ip_result
    if ip is not None and result is not None and result.verdict is not SpfVerdict.PASS:
        out.append(
            Defect(
                Code.ADVICE_SPF_IP,
                f"{ip} gets SPF {result.result} for {spf.domain}: {result.reason}",
                Severity.ERROR
                if result.verdict in (SpfVerdict.FAIL, SpfVerdict.PERMERROR)
                else Severity.WARNING,
            )
        )
    return out


def _dkim_advice(dkim: tuple[SelectorCheck, ...], provider: str | None) -> list[Defect]:
    out = []
    missing = [c for c in dkim if c.publish]
    if missing:
        names = ", ".join(c.name for c in missing)
        where = PORTAL.get(provider or "", "your signing system")
        out.append(
            Defect(
                Code.ADVICE_DKIM_PUBLISH,
                f"Publish the records shown for {names}, then enable DKIM signing in {where}.",
                Severity.ERROR,
            )
        )
    known = [c for c in dkim if c.state is not SelectorState.DNS_ERROR]
    if provider == "eop" and known and not any(c.state is SelectorState.PRESENT for c in known):
        out.append(
            Defect(
                Code.ADVICE_EOP_ONMICROSOFT,
                "Until a selector resolves to a key, EOP signs as the tenant's "
                "onmicrosoft.com domain, which does not align with From for DMARC.",
                Severity.WARNING,
            )
        )
    return out


def _dmarc_advice(dmarc: DmarcCheck) -> list[Defect]:
    record = dmarc.record
    if record is None or record.effective_p != "none":
        return []
    return [
        Defect(
            Code.ADVICE_DMARC_ENFORCE,
            "DMARC p=none only reports: once SPF and DKIM pass for all your mail, move to "
            "p=quarantine and then p=reject.",
            Severity.INFO,
        )
    ]


def _records_to_publish(
    spf: SpfCheck, dkim: tuple[SelectorCheck, ...], mx: MxCheck, provider: str | None
) -> tuple[str, ...]:
    """Every record the advice asks for, in zone-file form, in the order to publish them."""
    out: list[str] = []
    include = SPF_INCLUDE.get(provider or "")
    if include and spf.tree.state in (SpfNodeState.NO_RECORD, SpfNodeState.NXDOMAIN):
        out.append(f'{spf.domain} TXT "v=spf1 include:{include} -all"')
    if mx.publish:
        out.append(mx.publish)
    out += [rec.zone_line() for c in dkim for rec in c.publish]
    return tuple(dict.fromkeys(out))


# How the advice asks for a DKIM selector, in the words of the interface the user has.
ASK_SELECTOR_CLI = "Give --selector S (the s= of a DKIM-Signature) or --provider eop|google"
ASK_SELECTOR_CONSOLE = (
    "Type one in the Selectors field (the s= of a DKIM-Signature) or choose the provider eop "
    "or google"
)


async def check_domain(
    domain: str,
    resolver: Resolver,
    *,
    selectors: Sequence[str] = (),
    provider: str | None = None,
    ip: str | None = None,
    label: str = "",
    dnsbl: bool = False,
    dnsbl_zones: Sequence[str] = DEFAULT_DNSBLS,
    ask_selector: str = ASK_SELECTOR_CLI,
) -> DomainCheck:
    """Check ``domain``'s SPF, DKIM selectors and DMARC concurrently; never raises for DNS.

    ``provider`` (eop, hes, google) picks default selectors and the advice, and the MX routing
    it needs; ``ip`` adds a check_host() for that sending address, and with ``dnsbl`` a look-up
    of it on ``dnsbl_zones`` (opt-in: the list operator learns which IP was asked about);
    ``label`` names the resolver in the result; ``ask_selector`` says how to give a selector
    (the command line's options, or the console's fields). MX, MTA-STS, TLS-RPT, BIMI and DNSSEC are
    always checked.
    """
    name = normalize_domain(domain)
    notes: list[str] = []
    if provider is not None and provider not in PROVIDERS:
        raise ValueError(f"unknown provider {provider!r}; expected one of {', '.join(PROVIDERS)}")
    if not valid_check_domain(name):
        return DomainCheck(
            domain=name,
            spf=None,
            dkim=(),
            dmarc=None,
            provider=provider,
            ip=ip,
            resolver=label,
            advice=(
                Defect(
                    Code.CHECK_BAD_DOMAIN,
                    f"{domain!r} is not a domain name (two or more labels, e.g. contoso.com).",
                    Severity.ERROR,
                ),
            ),
        )
    if ip is not None and client_ip(ip) is None:
        notes.append(f"--ip {ip!r} is not an IP address; the SPF result for it is skipped.")
        ip = None
    chosen = _selectors(selectors, provider)
    if not chosen:
        notes.append(
            f"No DKIM selector to check: DNS cannot list them. {ask_selector}"
            + (" (Trend Micro HES has no documented default selector)." if provider else ".")
        )
    start = len(resolver.log)
    resolver = budget = _QueryBudget(resolver)
    spf, dkim, dmarc, mx, dnssec = await asyncio.gather(
        check_spf_tree(name, resolver, ip),
        check_selectors(name, chosen, resolver, provider),
        check_dmarc_policy(name, resolver),
        check_mx(name, resolver, provider),
        check_dnssec(name, resolver),
    )
    policy = dmarc.record.effective_p if dmarc.record is not None else None
    policies = await check_policies(name, resolver, policy)
    listed = await check_dnsbl(ip, resolver, dnsbl_zones) if dnsbl and ip is not None else None
    if dnsbl and ip is None:
        notes.append("--dnsbl needs --ip: no blocklist was asked.")
    if budget.refused:
        notes.append(
            budgets.exceeded(
                budgets.CHECK_QUERIES,
                budget.made + budget.refused,
                f"{budget.refused:,} queries were not sent; the checks that needed them say "
                "'not queried'.",
            ).message
        )
    advice = _spf_advice(spf, provider, ip) + _dkim_advice(dkim, provider) + _dmarc_advice(dmarc)
    records = _records_to_publish(spf, dkim, mx, provider)
    return DomainCheck(
        domain=name,
        spf=spf,
        dkim=dkim,
        dmarc=dmarc,
        provider=provider,
        ip=ip,
        resolver=label,
        advice=tuple(advice),
        notes=tuple(notes),
        dns_log=resolver.log[start:],
        mx=mx,
        dnsbl=listed,
        policies=policies,
        dnssec=dnssec,
        records=records,
    )
