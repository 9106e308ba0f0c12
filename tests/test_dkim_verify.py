"""Tests for evaluators/dkim.py: every signature, b= and bh= apart, expiry at receipt, key findings."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import dkim
import nacl.signing
import pytest
from dkim.canonicalization import CanonicalizationPolicy

from headerlens.evaluators.dkim import verify_dkim
from headerlens.model.verdicts import DkimResult, DkimVerdict
from tests.memresolver_dkim import LAB, MemoryResolver, lab_resolver
from tests.test_dkimkey import rsa_record

# The lab's messages were delivered on 10 Nov 2026; judge them as of that evening.
LAB_NOW = datetime(2026, 11, 10, 22, 0, tzinfo=UTC)
EXPECTED: list[dict[str, Any]] = json.loads((LAB / "expected.json").read_text())
HEADER_WORDS = {
    "pass": DkimResult.PASS,
    "fail": DkimResult.FAIL,
    "unavailable": DkimResult.UNAVAILABLE,
}


async def _lab(file: str) -> tuple[DkimVerdict, ...]:
    raw = (LAB / file).read_bytes()
    return await verify_dkim(
        raw,
        has_body=not file.endswith(".txt"),
        resolver=lab_resolver(),
        receipt_time=None,
        now=LAB_NOW,
    )


@pytest.mark.parametrize("case", EXPECTED, ids=[c["file"].split("/")[-1] for c in EXPECTED])
async def test_lab_expected(case: dict[str, Any]) -> None:
    # lab: tests/data/lab/expected.json (cross-checked with dkimpy against the lab zones)
    verdicts = await _lab(case["file"])
    want = case["expect"]["dkim"]
    assert len(verdicts) == len(want)
    for v, w in zip(verdicts, want, strict=True):
        assert v.domain == w["d"]
        if "s" in w:
            assert v.selector == w["s"]
        if "a" in w:
            assert v.algorithm == w["a"]
        if w["header"].startswith("temperror-or-permerror"):
            assert v.header_result in (DkimResult.TEMPERROR, DkimResult.PERMERROR)
        else:
            assert v.header_result is HEADER_WORDS[w["header"]]
        assert v.body_result is HEADER_WORDS[w["body"]]


async def test_rotated_selector_finding() -> None:
    # lab: shared-eop-rotated-selector.eml — selector2 CNAME target is gone, message 41 days old
    (v,) = await _lab("messages/shared-eop-rotated-selector.eml")
    assert v.header_result is DkimResult.PERMERROR
    rotated = [f for f in v.findings if f.code == "dkim.key.rotated"]
    assert rotated
    assert "41 days old" in rotated[0].message
    assert v.evidence[0].rcode == "NXDOMAIN"
    assert "onmicrosoft.com" in v.explanation  # the CNAME target is named


async def test_cname_chain_shown_and_evidence_kept() -> None:
    # lab: shared-eop-to-gmail-pass.eml — EOP selector1 is a CNAME into contoso.onmicrosoft.com
    (v,) = await _lab("messages/shared-eop-to-gmail-pass.eml")
    assert v.result is DkimResult.PASS
    assert v.key_name == "selector1._domainkey.contoso.com"
    assert v.evidence[0].cname_chain[-1].endswith("._domainkey.contoso.onmicrosoft.com")
    assert any(f.code == "dkim.key.cname" for f in v.findings)
    assert v.key is not None
    assert v.key.key_bits == 2048
    assert v.body_hash_computed == v.body_hash_expected


async def test_header_only_keeps_header_verdict() -> None:
    # lab: shared-eop-to-gmail-headers-only.txt — b= still verifies without the body
    (v,) = await _lab("messages/shared-eop-to-gmail-headers-only.txt")
    assert (v.header_result, v.body_result, v.result) == (
        DkimResult.PASS,
        DkimResult.UNAVAILABLE,
        DkimResult.HEADERS_ONLY,  # not a pass: the body was not checked
    )
    assert v.body_hash_computed is None
    assert "not checked" in v.explanation


async def test_keys_fetched_once_each() -> None:
    # lab: shared-dual-ed25519-rsa.eml — two signatures, two selector lookups, nothing else
    resolver = lab_resolver()
    raw = (LAB / "messages/shared-dual-ed25519-rsa.eml").read_bytes()
    await verify_dkim(raw, has_body=True, resolver=resolver, receipt_time=None, now=LAB_NOW)
    assert sorted(resolver.asked) == [
        ("ed2026._domainkey.proseware.com", "TXT"),
        ("rsa2026._domainkey.proseware.com", "TXT"),
    ]


# --- signatures made here with a fresh ed25519 key, so every tag can be chosen -------------

_KEY = nacl.signing.SigningKey.generate()
_PUB = base64.b64encode(bytes(_KEY.verify_key)).decode()
_MSG = (
    b"From: Alice <alice@example.com>\r\n"
    b"To: bob@example.net\r\n"
    b"Subject: quarterly numbers\r\n"
    b"Date: Tue, 10 Nov 2026 10:00:00 +0000\r\n"
    b"\r\n"
    b"Hello Bob,\r\nthe numbers are attached.\r\n"
)
RECEIPT = datetime(2026, 11, 10, 10, 5, tzinfo=UTC)


def sign(
    msg: bytes, tags: str, *, h: str = "from:to:subject:date", body_len: bool = False
) -> bytes:
    """Prepend an ed25519-sha256 DKIM-Signature (RFC 8463) with extra ``tags`` to ``msg``."""
    policy = CanonicalizationPolicy.from_c_value(b"relaxed/relaxed")
    _head, _, body = msg.partition(b"\r\n\r\n")
    cbody = policy.canonicalize_body(body)
    bh = base64.b64encode(hashlib.sha256(cbody).digest()).decode()
    extra = f" l={len(cbody)};" if body_len else ""
    value = (
        f" v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; s=ed; {tags}{extra}"
        f" h={h}; bh={bh}; b="
    )
    draft = f"DKIM-Signature:{value}\r\n".encode() + msg
    parsed = dkim.DKIM(draft)
    hasher = hashlib.sha256()
    include = [x.encode() for x in h.split(":")]
    dkim.hash_headers(
        hasher,
        policy,
        policy.canonicalize_headers(parsed.headers),
        include,
        parsed.headers[0],
        {},
    )
    b = base64.b64encode(_KEY.sign(hasher.digest()).signature).decode()
    return f"DKIM-Signature:{value}{b}\r\n".encode() + msg


def _resolver(record: str | None = None, **fail: str) -> MemoryResolver:
    rec = record if record is not None else f"v=DKIM1; k=ed25519; p={_PUB}"
    return MemoryResolver({("ed._domainkey.example.com", "TXT"): [rec]}, fail=fail)


async def _check(raw: bytes, resolver: MemoryResolver | None = None, **kw: Any) -> DkimVerdict:
    args: dict[str, Any] = {"has_body": True, "receipt_time": RECEIPT, "now": LAB_NOW} | kw
    (v,) = await verify_dkim(raw, resolver=resolver or _resolver(), **args)
    return v


def _ts(when: datetime) -> int:
    return int(when.timestamp())


async def test_signed_here_passes() -> None:
    v = await _check(sign(_MSG, f"t={_ts(RECEIPT)};"))
    assert v.result is DkimResult.PASS
    assert v.crypto_valid is True
    assert any(f.code == "dkim.from-not-oversigned" for f in v.findings)


async def test_oversigned_from_not_flagged() -> None:
    v = await _check(sign(_MSG, "", h="from:from:to:subject:date"))
    assert v.result is DkimResult.PASS
    assert not any(f.code == "dkim.from-not-oversigned" for f in v.findings)


async def test_changed_subject_fails_header_only() -> None:
    raw = sign(_MSG, "").replace(b"quarterly numbers", b"QUARTERLY NUMBERS!")
    v = await _check(raw)
    assert (v.header_result, v.body_result) == (DkimResult.FAIL, DkimResult.PASS)


@pytest.mark.parametrize(
    ("x_offset", "result", "code"),
    [
        # RFC 6376 §3.5: expired before receipt → not accepted
        (timedelta(days=-2), DkimResult.PERMERROR, "dkim.sig.expired"),
        # valid at receipt, expired since (wall clock later): still passes, with a note
        (timedelta(days=3), DkimResult.PASS, "dkim.sig.expired-since"),
    ],
)
async def test_expiry_judged_at_receipt(x_offset: timedelta, result: DkimResult, code: str) -> None:
    signed = RECEIPT - timedelta(days=5)
    raw = sign(_MSG, f"t={_ts(signed)}; x={_ts(RECEIPT + x_offset)};")
    v = await _check(raw, now=RECEIPT + timedelta(days=30))
    assert v.header_result is DkimResult.PASS  # the maths checks out either way
    assert v.result is result
    assert code in {f.code for f in v.findings}
    assert v.checked_at == RECEIPT + timedelta(days=30)
    assert v.receipt_time == RECEIPT


async def test_dkimpy_wall_clock_does_not_reject_old_x() -> None:
    # x= long past today, but fine at receipt: dkimpy's own verify() would reject this.
    old_receipt = datetime(2020, 1, 1, tzinfo=UTC)
    raw = sign(_MSG, f"t={_ts(old_receipt)}; x={_ts(old_receipt + timedelta(days=1))};")
    assert (
        dkim.verify(raw, dnsfunc=lambda *_a, **_k: f"v=DKIM1; k=ed25519; p={_PUB}".encode())
        is False
    )
    v = await _check(raw, receipt_time=old_receipt)
    assert v.result is DkimResult.PASS


async def test_body_length_flagged_and_appended_bytes_counted() -> None:
    raw = sign(_MSG, "", body_len=True) + b"-- \r\nappended advert\r\n"
    v = await _check(raw)
    assert v.result is DkimResult.PASS  # l= makes the appended footer invisible to DKIM
    note = next(f for f in v.findings if f.code == "dkim.body-length")
    assert "appended" in note.message
    assert "not covered" in note.message


@pytest.mark.parametrize(
    ("fail", "record", "header"),
    [
        ({"ed._domainkey.example.com": "SERVFAIL"}, None, DkimResult.TEMPERROR),
        ({"ed._domainkey.example.com": "TIMEOUT"}, None, DkimResult.TEMPERROR),
        ({"ed._domainkey.example.com": "OFFLINE"}, None, DkimResult.UNAVAILABLE),
        ({}, "v=DKIM1; k=ed25519; p=", DkimResult.PERMERROR),  # revoked
        ({}, rsa_record(2048, exponent=(1 << 4000) + 1), DkimResult.PERMERROR),  # unsafe key
    ],
)
async def test_key_problems(fail: dict[str, str], record: str | None, header: DkimResult) -> None:
    v = await _check(sign(_MSG, ""), _resolver(record, **fail))
    assert v.header_result is header
    assert v.body_result is DkimResult.PASS
    assert v.crypto_valid is None  # dkimpy was never asked


async def test_missing_key_on_recent_message_is_not_called_rotation() -> None:
    v = await _check(sign(_MSG, ""), MemoryResolver({}), now=RECEIPT + timedelta(hours=1))
    assert v.header_result is DkimResult.PERMERROR
    assert not any(f.code == "dkim.key.rotated" for f in v.findings)


async def test_unsafe_key_is_refused_quickly() -> None:
    started = time.monotonic()
    v = await _check(sign(_MSG, ""), _resolver(rsa_record(16400)))
    assert v.header_result is DkimResult.PERMERROR
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (
            b"DKIM-Signature: v=1; a=rsa-sha256; d=example.com\r\nFrom: a@example.com\r\n\r\nx\r\n",
            "dkim.sig.invalid",
        ),  # missing b=, bh=, h=, s=
        (b"DKIM-Signature: v=1; garbage\r\nFrom: a@example.com\r\n\r\nx\r\n", "dkim.sig.syntax"),
    ],
)
async def test_malformed_signature_is_permerror(raw: bytes, code: str) -> None:
    (v,) = await verify_dkim(
        raw, has_body=True, resolver=MemoryResolver({}), receipt_time=None, now=LAB_NOW
    )
    assert v.result is DkimResult.PERMERROR
    assert code in {f.code for f in v.findings}


async def test_unsigned_message_has_no_verdicts() -> None:
    assert (
        await verify_dkim(
            _MSG, has_body=True, resolver=MemoryResolver({}), receipt_time=None, now=LAB_NOW
        )
        == ()
    )


async def test_signatures_share_one_body_canonicalisation(monkeypatch: pytest.MonkeyPatch) -> None:
    # Five relaxed signatures with l= over one body: one canonicalisation pass, not one per
    # signature plus one per l= length check (10 passes; 24 MiB took 17-24 s).
    from headerlens.evaluators import bodyhash

    chunks: list[bytes] = []
    real = bodyhash._canonical

    def counting(view: memoryview, relaxed: bool) -> bytes:
        chunks.append(bytes(view))
        return real(view, relaxed)

    monkeypatch.setattr(bodyhash, "_canonical", counting)
    monkeypatch.setattr(bodyhash, "CHUNK", 8)
    raw = _MSG
    for n in range(5):
        raw = sign(raw, f"t={_ts(RECEIPT) - n};", body_len=True)
    verdicts = await verify_dkim(
        raw, has_body=True, resolver=_resolver(), receipt_time=RECEIPT, now=LAB_NOW
    )
    assert [v.result for v in verdicts] == [DkimResult.PASS] * 5
    assert all(any(f.code == "dkim.body-length" for f in v.findings) for v in verdicts)
    body = _MSG.partition(b"\r\n\r\n")[2]
    assert b"".join(chunks) == body  # each body byte canonicalised once


async def test_signature_search_skips_the_body(monkeypatch: pytest.MonkeyPatch) -> None:
    # The "is there a DKIM-Signature?" search ran over the whole body (0.6 s for 25 MB)
    from headerlens.evaluators import dkim as dkim_module

    spans: list[tuple[int, int]] = []
    real = dkim_module._HAS_SIGNATURE

    class Recording:
        def search(self, raw: bytes, pos: int = 0, endpos: int = -1) -> Any:
            spans.append((pos, len(raw) if endpos < 0 else endpos))
            return real.search(raw, pos, len(raw) if endpos < 0 else endpos)

    monkeypatch.setattr(dkim_module, "_HAS_SIGNATURE", Recording())
    raw = _MSG + b"DKIM-Signature: not a header field, a body line\r\n" * 1000
    assert await _check(sign(raw, "")) is not None
    assert (
        await verify_dkim(raw, has_body=True, resolver=_resolver(), receipt_time=None, now=LAB_NOW)
        == ()
    )
    assert spans and all(end <= raw.index(b"\r\n\r\n") + 2 + 600 for _pos, end in spans)


@pytest.mark.parametrize("where", ["first", "after-another-field"])
async def test_signature_found_in_any_case_anywhere_in_the_header(where: str) -> None:
    # the presence search: the very first field, or a field after a line feed, any case
    signed = sign(_MSG, f"t={_ts(RECEIPT)};").replace(b"DKIM-Signature:", b"dkim-SIGNATURE:")
    raw = signed if where == "first" else b"X-First: 1\r\n" + signed
    v = await _check(raw)
    assert v.result is DkimResult.PASS
