"""Tests for headerlens/stamped.py duplicate_authserv_id (catalogue J3, RFC 8601 §5)."""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.model import Analysis
from headerlens.stamped import duplicate_authserv_id, final_receiver_results
from tests.catalogue import MSG
from tests.paths import CORPUS, need_shared

_AR = "Authentication-Results: {id}; {res}\r\n"
_RECEIVED_2 = (
    b"Received: from mx.example.com (mx.example.com [10.0.0.2]) by mbox.example.com; "
    b"Tue, 10 Nov 2026 09:14:10 -0800\r\n"
)


def _ar(ident: str, res: str = "dkim=pass header.d=example.net") -> bytes:
    return _AR.format(id=ident, res=res).encode()


def _dup(a: Analysis) -> str | None:
    d = duplicate_authserv_id(a.auth_results, a.chain)
    return d.message if d is not None else None


@pytest.mark.parametrize(
    ("data", "positions"),
    [
        # forged pass below the receiver's Received line (CVE-2022-48521 class)
        (
            _ar("mx.example.com", "dkim=fail")
            + MSG.replace(b"From:", _ar("mx.example.com") + b"From:"),
            ["#2 (below hop 1's Received line)"],
        ),
        # two hops down: named below the nearest Received line above each copy
        (
            _ar("mx.example.com") + _RECEIVED_2 + _ar("mx.example.com") + MSG,
            ["#2 (below hop 2's Received line)"],
        ),
        # several fields written together at the top: normal (one per method)
        (_ar("mx.example.com", "spf=pass") + _ar("mx.example.com") + MSG, []),
        # another receiver's field lower down is J1/C11's business, not a duplicate
        (_ar("mx.example.com") + MSG.replace(b"From:", _ar("mx.google.com") + b"From:"), []),
        # no authserv-id (Microsoft): nothing ties fields together
        (
            b"Authentication-Results: spf=pass\r\n"
            + MSG.replace(b"From:", b"Authentication-Results: spf=fail\r\nFrom:"),
            [],
        ),
    ],
    ids=["forged-below", "two-hops-down", "contiguous", "other-id", "no-authserv-id"],
)
def test_duplicate_authserv_id(data: bytes, positions: list[str]) -> None:
    a = analyze(data)
    message = _dup(a)
    if not positions:
        assert message is None
        assert "ar.duplicate-authserv-id" not in {d.code for d in a.defects}
        return
    assert message is not None
    for p in positions:
        assert p in message
    assert "Only the top-most block (#0) counts" in message
    assert "ar.duplicate-authserv-id" in {d.code for d in a.defects}


def test_same_receiver_fields_split_by_arc_headers_are_not_flagged() -> None:
    # corpus: blaze-005 — kernel.org wrote A-R #1, then its ARC set, then A-R #5 and #6,
    # all below its Received line: one receiver, not a duplicate. #1 says arc=pass, and a pass
    # below the line with nothing the sender cannot write behind it may be forged: not counted
    need_shared()
    a = analyze(
        (
            CORPUS / "dkim/blaze-005-gmail-forwarded-to-kernelorg-list-arc3-dmarc-fail.eml"
        ).read_bytes()
    )
    assert [r.header_index for r in final_receiver_results(a)] == [5, 6]
    assert _dup(a) is None
