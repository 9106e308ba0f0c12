"""authheaders as a second opinion on DKIM for the lab messages (it never decides a verdict).

authheaders 0.16 verifies the first DKIM-Signature only and needs the body, so it is compared
where both apply: full messages that carry a signature. Its DNS comes from the same in-memory
lab zones as ours (CNAMEs chased, as Unbound would).
"""

from __future__ import annotations

import re

import authheaders
import pytest

from tests.labverify import LAB, LoggingMemoryResolver, run_verify
from tests.memresolver_dkim import LAB_ZONES, records_from_zones

TABLE = records_from_zones(LAB_ZONES)
MESSAGES = sorted(p for p in (LAB / "messages").glob("*.eml"))


def _txt(name: str) -> list[str] | None:
    n = name.lower().rstrip(".")
    for _ in range(8):
        if (n, "TXT") in TABLE:
            return TABLE[(n, "TXT")]
        if (n, "CNAME") not in TABLE:
            return None
        n = TABLE[(n, "CNAME")][0].lower().rstrip(".")
    return None


def _dnsfunc(name: bytes | str, timeout: float = 5) -> bytes | None:
    answers = _txt(name.decode() if isinstance(name, bytes) else name)
    return answers[0].encode() if answers else None


@pytest.mark.parametrize("path", MESSAGES, ids=lambda p: p.name)
def test_first_signature_agrees_with_authheaders(path) -> None:  # type: ignore[no-untyped-def]
    raw = path.read_bytes()
    if b"\nDKIM-Signature:" not in b"\n" + raw:
        pytest.skip("no DKIM-Signature: authheaders reports fail where we report none")
    theirs = authheaders.authenticate_message(
        raw, "headerlens.test", spf=False, dkim=True, dmarc=False, dnsfunc=_dnsfunc
    )
    m = re.search(r"dkim=(\w+)(?: header\.d=(\S+))?", theirs)
    assert m is not None, theirs
    _, v = run_verify(path, LoggingMemoryResolver())
    first = min(v.dkim, key=lambda d: d.signature_index)
    ours = "pass" if first.passed else "fail"
    assert ours == m.group(1), f"ours {first.result.value}: {first.explanation}"
    if m.group(2):
        assert first.domain == m.group(2)
