"""Issue 12 item 4: SPF macro escapes, DMARC record edge cases from other implementations."""

from __future__ import annotations

import dns.name
import pytest

from headerlens.checks.spf import check_host, run_sync
from headerlens.checks.spf_macro import finish_target
from tests._spf_fakedns import FakeZone

SPF_ZONE = {
    "x.example": [("TXT", "v=spf1 exists:%{l}._spf.x.example include:%{h}.inc.x.example -all")],
    "a.b._spf.x.example": [("A", "127.0.0.2")],
}


@pytest.mark.parametrize(
    ("sender", "helo"),
    [
        ("a\\046b@x.example", "mail.x.example"),  # \046 is "." in presentation form
        ("a\\000b@x.example", "mail.x.example"),  # a NUL byte inside a label
        ("alice@x.example", "h\\046x"),  # the HELO is the client's claim too
    ],
    ids=["local-dot", "local-nul", "helo"],
)
def test_backslash_escapes_never_reach_a_query(sender: str, helo: str) -> None:
    zone = FakeZone(SPF_ZONE)
    result = run_sync(check_host("192.0.2.1", "x.example", sender, helo), zone.answer)
    for name, _ in zone.asked:
        assert "\\" not in name
        # what the resolver would send: no label holds a byte the record did not name
        labels = dns.name.from_text(name).labels
        assert all(b"." not in label and b"\x00" not in label for label in labels)
    assert result.result in ("fail", "permerror")
    assert result.result != "pass"
    assert any(d.code == "spf.macro-escape" for d in result.defects)


def test_finish_target_refuses_backslashes() -> None:
    assert finish_target("a\\000b.example.com") is None
    assert finish_target("ab.example.com.") == "ab.example.com"
