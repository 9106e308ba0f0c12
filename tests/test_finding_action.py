"""The step each finding offers the console (Finding.action / next_step), set where the finding
is made instead of the console matching code strings."""

from __future__ import annotations

import pytest

from headerlens.model import Action, ActionKind, Finding, Severity
from headerlens.model.codes import Code
from tests.labverify import LAB, LoggingMemoryResolver, run_verify


def _finding(name: str, code: Code) -> Finding:
    _, v = run_verify(LAB / "messages" / name, LoggingMemoryResolver())
    [found] = [f for f in v.findings if f.code is code]
    return found


@pytest.mark.parametrize(
    ("name", "code", "domain", "provider"),
    [
        pytest.param(
            "shared-onmicrosoft-dkim-unaligned.eml",
            Code.DKIM_ONMICROSOFT_UNALIGNED,
            "tailspintoys.com",
            "eop",  # the fix is Exchange Online's selector1/selector2 CNAMEs
            id="onmicrosoft",
        ),
        pytest.param(
            "shared-spf-not-updated.eml",
            Code.SPF_SERVICE_NOT_INCLUDED,
            "northwindtraders.com",
            None,
            id="spf-not-updated",
        ),
        pytest.param(
            "shared-spf-too-many-lookups.eml",
            Code.SPF_TOO_MANY_LOOKUPS,
            "heavy-proseware.com",
            None,
            id="spf-too-many-lookups",
        ),
    ],
)
def test_a_dns_record_to_publish_opens_the_domain_check(
    name: str, code: Code, domain: str, provider: str | None
) -> None:
    f = _finding(name, code)
    assert f.action is not None and f.next_step is f.action
    assert f.action == Action(ActionKind.CHECK_DOMAIN, domain=domain, provider=provider)
    assert f.hop_number is not None  # the hop is still there for the reports


def test_other_findings_go_to_their_hop() -> None:
    f = Finding(Code.CHAIN_SLOW_HOP, Severity.WARNING, "Hop 3 took 9 min", hop_number=3)
    assert f.action is None
    assert f.next_step == Action(ActionKind.JUMP_TO_HOP, hop_number=3)
    assert Finding(Code.CHAIN_EMPTY, Severity.WARNING, "No Received lines").next_step is None


def test_no_from_domain_means_no_domain_check() -> None:
    from headerlens.analyze import analyze
    from headerlens.diagnosis.findings_where import check_from_domain

    assert check_from_domain(analyze(b"Subject: x\r\n\r\n")) is None
    got = check_from_domain(analyze(b"From: a@contoso.com\r\n\r\n"), provider="eop")
    assert got == Action(ActionKind.CHECK_DOMAIN, domain="contoso.com", provider="eop")
