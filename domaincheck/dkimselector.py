"""Check published DKIM selectors (RFC 6376 §3.6.2.1) and say what to publish, per provider.

Provider facts used here (public documentation):
- Exchange Online Protection: two selectors, ``selector1`` and ``selector2``, each a CNAME
  into the tenant's domain: ``selector1._domainkey.contoso.com CNAME
  selector1-contoso-com._domainkey.<tenant>.onmicrosoft.com``; Microsoft publishes the keys.
- Google Workspace: the Admin console's default selector prefix is ``google`` (a TXT key).
- Trend Micro HES: the administrator picks the selector in the HES console; there is no
  documented default, so ``--selector`` is required.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re

from headerlens.dnsclient.dnsproto import Resolver
from headerlens.evaluators.dkimkey import pick_key_record
from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.model.dns import Rcode
from headerlens.model.domaincheck import PublishRecord, SelectorCheck, SelectorState

PROVIDERS = ("eop", "hes", "google")
DEFAULT_SELECTORS: dict[str, tuple[str, ...]] = {
    "eop": ("selector1", "selector2"),
    "google": ("google",),
    "hes": (),
}
PORTAL: dict[str, str] = {
    "eop": "the Microsoft Defender portal (Email authentication settings > DKIM)",
    "google": "the Google Admin console (Apps > Google Workspace > Gmail > Authenticate email)",
    "hes": "the Trend Micro HES console (Domains > DKIM signing)",
}
_EOP_TARGET = re.compile(
    r"^(?P<sel>selector\d+)-[a-z0-9-]+\._domainkey\.(?P<tenant>[a-z0-9-]+)\.onmicrosoft\.com$"
)
_SELECTOR_PREFIX = re.compile(r"^selector\d+(?=-)")
TENANT_PLACEHOLDER = "<tenant>"


def selector_name(selector: str, domain: str) -> str:
    """``<selector>._domainkey.<domain>`` (RFC 6376 §3.6.2.1)."""
    return f"{selector}._domainkey.{domain}"


def _name(text: str) -> str:
    return text.strip().rstrip(".").lower()


async def check_selector(domain: str, selector: str, resolver: Resolver) -> SelectorCheck:
    """Look the selector up (TXT, and CNAME to see the alias itself) and judge its key."""
    name = selector_name(selector, domain)
    txt, cname = await asyncio.gather(resolver.query(name, "TXT"), resolver.query(name, "CNAME"))
    target = _name(cname.answers[0]) if cname.ok and cname.answers else None
    chain = tuple(_name(n) for n in txt.cname_chain)
    if not chain and target:
        chain = (name, target)
    evidence = (txt, cname)
    problems: list[Defect] = []
    if not txt.answered:
        problems.append(
            Defect(
                Code.DKIM_SELECTOR_DNS_ERROR,
                f"TXT {name}: {txt.rcode} ({txt.error or 'no answer'}); the state is unknown.",
                Severity.ERROR,
            )
        )
        return SelectorCheck(
            selector,
            name,
            SelectorState.DNS_ERROR,
            cname_chain=chain,
            cname_target=target,
            problems=tuple(problems),
            evidence=evidence,
        )
    key, notes = pick_key_record(txt.answers if txt.ok else ())
    problems.extend(notes)
    if key is None:
        if target or chain:
            end = chain[-1] if chain else target
            state = SelectorState.CNAME_TARGET_MISSING
            problems.append(
                Defect(
                    Code.DKIM_SELECTOR_CNAME_TARGET_MISSING,
                    f"{name} is a CNAME to {end}, which holds no DKIM key ({txt.rcode}).",
                    Severity.ERROR,
                )
            )
        elif txt.rcode == Rcode.NXDOMAIN:
            state = SelectorState.MISSING
            problems.append(
                Defect(
                    Code.DKIM_SELECTOR_MISSING,
                    f"{name} does not exist: no key and no CNAME.",
                    Severity.ERROR,
                )
            )
        else:
            state = SelectorState.NO_KEY
            problems.append(
                Defect(
                    Code.DKIM_SELECTOR_NO_KEY,
                    f"{name} exists but publishes no DKIM key record.",
                    Severity.ERROR,
                )
            )
    else:
        problems.extend(key.defects)
        if key.revoked:
            state = SelectorState.REVOKED
        elif not key.usable:
            state = SelectorState.BAD_KEY
        else:
            state = SelectorState.PRESENT
    return SelectorCheck(
        selector,
        name,
        state,
        cname_chain=chain,
        cname_target=target,
        key=key,
        problems=tuple(problems),
        evidence=evidence,
    )


def eop_tenant(checks: tuple[SelectorCheck, ...]) -> str | None:
    """The tenant label from an existing EOP selector CNAME (``contoso`` of contoso.onmicrosoft.com)."""
    for check in checks:
        found = _EOP_TARGET.match(check.cname_target or "")
        if found:
            return found["tenant"]
    return None


def eop_target(selector: str, domain: str, checks: tuple[SelectorCheck, ...]) -> tuple[str, str]:
    """The CNAME target Microsoft expects for ``selector``, and how it was derived.

    A sibling selector's existing CNAME is the best guide (it also covers target forms other
    than ``*.onmicrosoft.com``); otherwise the documented form with a ``<tenant>`` placeholder.
    """
    for check in checks:
        target = check.cname_target or ""
        if check.selector != selector and _SELECTOR_PREFIX.match(target):
            derived = _SELECTOR_PREFIX.sub(selector, target, count=1)
            return derived, f"derived from the existing CNAME of {check.selector}"
    dashed = domain.replace(".", "-")
    target = f"{selector}-{dashed}._domainkey.{TENANT_PLACEHOLDER}.onmicrosoft.com"
    note = (
        f"no existing selector CNAME shows the tenant: replace {TENANT_PLACEHOLDER} with your "
        "tenant's initial domain (the part before .onmicrosoft.com); "
        f"{PORTAL['eop']} shows the exact value"
    )
    return target, note


def _eop_advice(
    check: SelectorCheck, domain: str, checks: tuple[SelectorCheck, ...]
) -> SelectorCheck:
    """EOP: publish the CNAME when missing; check that an existing one points the right way."""
    problems = list(check.problems)
    publish: list[PublishRecord] = []
    if check.state in (SelectorState.MISSING, SelectorState.NO_KEY) and not check.cname_target:
        target, how = eop_target(check.selector, domain, checks)
        publish.append(PublishRecord(check.name, "CNAME", target, how))
    elif check.cname_target and not check.cname_target.startswith(f"{check.selector}-"):
        target, how = eop_target(check.selector, domain, checks)
        problems.append(
            Defect(
                Code.DKIM_SELECTOR_EOP_TARGET,
                f"{check.name} points to {check.cname_target}; EOP expects a target starting "
                f"with {check.selector}-.",
            )
        )
        publish.append(PublishRecord(check.name, "CNAME", target, how))
    elif check.state is SelectorState.CNAME_TARGET_MISSING:
        problems.append(
            Defect(
                Code.DKIM_SELECTOR_EOP_KEY_UNPUBLISHED,
                f"The CNAME is in place; Microsoft publishes the key at its target once DKIM "
                f"signing is enabled (or the key rotated) in {PORTAL['eop']}. Nothing to add "
                "in your zone.",
                Severity.INFO,
            )
        )
    return _with(check, problems, publish)


def _txt_advice(check: SelectorCheck, provider: str | None) -> SelectorCheck:
    """Google, HES or unknown signer: the key is a TXT record at the selector name."""
    publish: list[PublishRecord] = []
    if check.state in (
        SelectorState.MISSING,
        SelectorState.NO_KEY,
        SelectorState.REVOKED,
        SelectorState.BAD_KEY,
    ):
        source = PORTAL.get(provider or "", "your signing system")
        publish.append(
            PublishRecord(
                check.name,
                "TXT",
                "v=DKIM1; k=rsa; p=<public key>",
                f"copy the public key (2048-bit) from {source}",
            )
        )
    return _with(check, list(check.problems), publish)


def _with(
    check: SelectorCheck, problems: list[Defect], publish: list[PublishRecord]
) -> SelectorCheck:
    return dataclasses.replace(check, problems=tuple(problems), publish=tuple(publish))


async def check_selectors(
    domain: str, selectors: tuple[str, ...], resolver: Resolver, provider: str | None
) -> tuple[SelectorCheck, ...]:
    """Check every selector concurrently and attach the records to publish."""
    checks = tuple(await asyncio.gather(*(check_selector(domain, s, resolver) for s in selectors)))
    if provider == "eop":
        return tuple(_eop_advice(c, domain, checks) for c in checks)
    return tuple(_txt_advice(c, provider) for c in checks)
