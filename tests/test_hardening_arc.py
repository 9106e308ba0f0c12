"""Issue 12 item 4: an ARC chain that fails for want of a key names the key's DNS name."""

from __future__ import annotations

import pytest

from headerlens.evaluators.arc import verify_arc
from headerlens.model.verdicts import ArcResult
from tests.memresolver_dkim import lab_resolver
from tests.paths import SHARED_LAB, need_shared

LIST_MESSAGE = "shared-mailing-list-arc.eml"
GOOGLE_KEY = "arc-20240605._domainkey.google.com"  # the newest set's AS and AMS key
COHO_KEY = "arc1._domainkey.coho.example"  # set i=1 (the list)


def _message() -> bytes:
    need_shared()
    return (SHARED_LAB / "messages" / LIST_MESSAGE).read_bytes()


@pytest.mark.parametrize(
    ("key", "how", "fields", "why"),
    [
        (GOOGLE_KEY, "removed", "ARC-Seal i=2, ARC-Message-Signature i=2", "has no TXT record"),
        (COHO_KEY, "removed", "ARC-Seal i=1", "has no TXT record"),
        (COHO_KEY, "revoked", "ARC-Seal i=1", "is revoked"),
        (GOOGLE_KEY, "nxdomain", "ARC-Seal i=2, ARC-Message-Signature i=2", "NXDOMAIN"),
    ],
)
async def test_missing_key_is_named(key: str, how: str, fields: str, why: str) -> None:
    resolver = lab_resolver()
    if how == "removed":
        del resolver.records[(key, "TXT")]
    elif how == "revoked":
        resolver.records[(key, "TXT")] = ("v=DKIM1; k=rsa; p=",)
    else:
        resolver.fail[key] = "NXDOMAIN"
    verdict = await verify_arc(_message(), resolver)
    assert verdict.result is ArcResult.FAIL
    (finding,) = [f for f in verdict.findings if f.code == "arc.key-missing"]
    assert key in finding.message and fields in finding.message and why in finding.message
    assert key in verdict.explanation


async def test_chain_with_every_key_names_none() -> None:
    verdict = await verify_arc(_message(), lab_resolver())
    assert verdict.result is ArcResult.PASS
    assert not [f for f in verdict.findings if f.code == "arc.key-missing"]
