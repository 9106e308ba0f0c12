"""Catalogue groups D and E, DKIM signatures and key records (reliability.md §4 D1-D12, E1-E6).

Signatures are made here with a fresh ed25519 key (tests.test_dkim_verify.sign) and verified
against an in-memory resolver that logs every query, so "no key lookup" can be asserted.
"""

from __future__ import annotations

import base64
import time
from datetime import timedelta

import pytest

from headerlens import budgets
from headerlens.evaluators.dkim import verify_dkim
from headerlens.evaluators.dkimkey import check_key_for_signature, parse_key_record, pick_key_record
from headerlens.model.verdicts import DkimResult, DkimVerdict
from tests.memresolver_dkim import MemoryResolver
from tests.test_dkim_verify import _MSG, _PUB, LAB_NOW, RECEIPT, _resolver, _ts, sign
from tests.test_dkimkey import rsa_record

ED_KEY = f"v=DKIM1; k=ed25519; p={_PUB}"


def _unsigned(tags: str) -> bytes:
    return b"DKIM-Signature: " + tags.encode() + b"\r\n" + _MSG


async def _verify(
    raw: bytes, resolver: MemoryResolver | None = None, **kw: object
) -> tuple[DkimVerdict, MemoryResolver]:
    r = resolver if resolver is not None else _resolver()
    args: dict[str, object] = {"has_body": True, "receipt_time": RECEIPT, "now": LAB_NOW} | kw
    verdicts = await verify_dkim(raw, resolver=r, **args)  # type: ignore[arg-type]
    return verdicts[0], r


def _codes(v: DkimVerdict) -> set[str]:
    return {f.code for f in v.findings}


BASE = "v=1; a=ed25519-sha256; d=example.com; s=ed; h=from; bh=AAAA; b=AAAA"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (sign(_MSG, "d=example.com;"), "dkim.sig.syntax"),  # duplicate d= (RFC 6376 §3.2)
        (_unsigned(BASE.replace("; bh=AAAA", "")), "dkim.sig.invalid"),  # missing bh=
        (_unsigned(BASE.replace("v=1", "v=2")), "dkim.sig.invalid"),  # v=2 (§6.1.1)
    ],
    ids=["duplicate-tag", "missing-bh", "v2"],
)
async def test_d1_invalid_tag_list_no_lookup(raw: bytes, code: str) -> None:
    # catalogue D1: PERMFAIL with a specific reason, no key lookup
    v, r = await _verify(raw)
    assert v.result is DkimResult.PERMERROR and code in _codes(v)
    assert r.asked == []


@pytest.mark.parametrize(
    ("raw", "key", "says"),
    [
        (sign(_MSG, "", h="to:subject"), ED_KEY, "From"),  # h= without from (§5.4)
        (sign(_MSG, "i=@evil.example;"), ED_KEY, "malformed"),  # i= not under d= (§3.5)
        (sign(_MSG, "i=@sub.example.com;"), ED_KEY.replace("; p=", "; t=s; p="), "t=s"),
    ],
    ids=["h-without-from", "i-not-under-d", "strict-key-subdomain-i"],
)
async def test_d2_from_not_signed_or_domain_mismatch(raw: bytes, key: str, says: str) -> None:
    # catalogue D2: PERMFAIL "From not signed" / "domain mismatch"
    v, _ = await _verify(raw, _resolver(key))
    assert v.result is DkimResult.PERMERROR
    assert says in v.explanation or says in " ".join(f.message for f in v.findings)


async def test_d3_body_length_tag() -> None:
    # catalogue D3 (RFC 6376 §8.2, zone.ee 2024): unsigned trailing bytes are a finding
    v, _ = await _verify(sign(_MSG, "", body_len=True) + b"appended advert\r\n")
    note = next(f for f in v.findings if f.code == "dkim.body-length")
    assert "not covered" in note.message


@pytest.mark.parametrize("digits", [77, 5000], ids=["77-digits", "5000-digits"])
async def test_d3_overlong_numbers_are_permerror_not_crash(digits: int) -> None:
    # catalogue D3: length-checked before int() (Python's 4300-digit cap, CVE-2020-10735)
    v, r = await _verify(sign(_MSG, "l=" + "9" * digits + ";"))
    assert v.result is DkimResult.PERMERROR and "dkim.sig.syntax" in _codes(v)
    assert r.asked == []


@pytest.mark.parametrize(
    ("tags", "code"),
    [
        (f"t={_ts(RECEIPT + timedelta(days=2))};", "dkim.sig.future"),
        (f"t={_ts(RECEIPT)}; x={_ts(RECEIPT) - 10};", "dkim.sig.x-before-t"),
        ("t=yesterday;", "dkim.sig.syntax"),
    ],
    ids=["future-t", "x-before-t", "non-numeric-t"],
)
async def test_d4_timestamps(tags: str, code: str) -> None:
    # catalogue D4: findings with the skew shown; syntax is PERMFAIL
    v, _ = await _verify(sign(_MSG, tags))
    assert code in _codes(v)


async def test_d4_expiry_judged_at_receipt_and_now() -> None:
    # catalogue D4: expiry against message time and against now, both kept
    raw = sign(_MSG, f"t={_ts(RECEIPT)}; x={_ts(RECEIPT + timedelta(days=1))};")
    v, _ = await _verify(raw, now=RECEIPT + timedelta(days=30))
    assert v.result is DkimResult.PASS and "dkim.sig.expired-since" in _codes(v)
    assert v.receipt_time == RECEIPT and v.checked_at == RECEIPT + timedelta(days=30)


@pytest.mark.parametrize(
    ("raw", "key", "says"),
    [
        (_unsigned(BASE.replace("ed25519-sha256", "rsa-sha1")), ED_KEY, "rsa-sha1"),
        (_unsigned(BASE.replace("ed25519-sha256", "foo-bar")), ED_KEY, "malformed"),
        (sign(_MSG, ""), rsa_record(2048), "k=rsa"),  # ed25519 signature, RSA key
    ],
    ids=["rsa-sha1", "unknown-a", "ed25519-sig-rsa-key"],
)
async def test_d5_algorithms(raw: bytes, key: str, says: str) -> None:
    # catalogue D5 (RFC 8301 §3.1): never PASS, reason named
    v, _ = await _verify(raw, _resolver(key))
    assert v.result is DkimResult.PERMERROR and says in v.explanation


@pytest.mark.parametrize(
    ("c", "result"),
    [(None, "simple/simple"), ("relaxed", "relaxed"), ("bogus/x", None)],
    ids=["missing", "relaxed", "bogus"],
)
async def test_d6_canonicalization(c: str | None, result: str | None) -> None:
    # catalogue D6: defaults applied; bogus is PERMFAIL, never a TypeError
    raw = sign(_MSG, "")
    raw = raw.replace(b" c=relaxed/relaxed;", b"" if c is None else f" c={c};".encode())
    v, _ = await _verify(raw)
    if result is None:
        assert v.result is DkimResult.PERMERROR
    else:
        assert v.canonicalization == result
        assert v.header_result is not DkimResult.PASS  # the signature was made relaxed/relaxed


async def test_d7_base64_with_fws_and_invalid() -> None:
    # catalogue D7: FWS inside b= is ignored; invalid base64 is PERMFAIL
    ok, _ = await _verify(sign(_MSG, "").replace(b"; b=", b"; b=\r\n ", 1))
    assert ok.result is DkimResult.PASS
    bad, r = await _verify(_unsigned(BASE.replace("bh=AAAA; b=AAAA", "bh=!!!; b=@@@")))
    assert bad.result is DkimResult.PERMERROR and r.asked == []


@pytest.mark.parametrize(
    "d",
    ["legit.com(.attacker.com", "exa mple.com", "com", "example.com\x00evil", "x" * 64 + ".com"],
    ids=["comment-injection", "space", "public-suffix", "nul", "long-label"],
)
async def test_d8_bad_domain_no_query_no_alignment(d: str) -> None:
    # catalogue D8 (CVE-2020-12272 class): syntax PERMFAIL, no DNS query
    v, r = await _verify(_unsigned(BASE.replace("d=example.com", f"d={d}")))
    assert v.result is DkimResult.PERMERROR
    assert r.asked == []


@pytest.mark.parametrize("s", ["a..b", "s" * 300, "s\u00e9l"], ids=["dots", "300", "non-ascii"])
async def test_d9_bad_selector_no_query(s: str) -> None:
    # catalogue D9: validated as DNS labels; invalid is PERMFAIL with no query
    v, r = await _verify(_unsigned(BASE.replace("s=ed", f"s={s}")))
    assert v.result is DkimResult.PERMERROR and r.asked == []


async def test_d10_fifty_signatures_only_five_verified() -> None:
    # catalogue D10 / RFC 6376 §6.1: the top 5 are verified, the rest "not evaluated (limit)"
    raw = _MSG
    for i in range(50):
        raw = _unsigned(BASE.replace("d=example.com", f"d=d{i}.example")).replace(_MSG, raw)
    r = MemoryResolver({})
    verdicts = await verify_dkim(raw, has_body=True, resolver=r, receipt_time=RECEIPT, now=LAB_NOW)
    assert len(verdicts) == 50
    assert len(r.asked) == budgets.DKIM_SIGNATURES.limit
    skipped = verdicts[int(budgets.DKIM_SIGNATURES.limit) :]
    assert all(v.result is DkimResult.UNAVAILABLE for v in skipped)
    assert all("dkim.not-evaluated" in _codes(v) for v in skipped)


async def test_d11_unsigned_extra_from() -> None:
    # catalogue D11 (dkimpy bug 644046): a From added after signing breaks the signature
    v, _ = await _verify(b"From: evil@attacker.example\r\n" + sign(_MSG, ""))
    assert v.result is DkimResult.FAIL
    assert "dkim.from-not-oversigned" in _codes(v)
    # the coverage map: the signed From is the bottom one (#2), the added one (#0) is not
    (cover,) = [c for c in v.coverage if c.name == "from"]
    assert (cover.signed, cover.unsigned) == ((2,), (0,))
    (unsigned,) = [f for f in v.findings if f.code == "dkim.unsigned-instance"]
    assert "from at header #0" in unsigned.message


@pytest.mark.parametrize(
    ("extra", "h", "result", "name", "signed", "unsigned", "absent"),
    [
        # RFC 6376 §5.4.2: a second Subject above the signed one still verifies (dkimpy only
        # adds an extra From): the finding is the only sign of tampering
        (
            b"Subject: URGENT wire now\r\n",
            "from:to:subject:date",
            DkimResult.PASS,
            "subject",
            (4,),
            (0,),
            0,
        ),
        (
            b"To: someone@else.example\r\n",
            "from:to:subject:date",
            DkimResult.PASS,
            "to",
            (3,),
            (0,),
            0,
        ),
        # over-signed Subject: the added instance becomes "signed" and breaks b=
        (
            b"Subject: URGENT wire now\r\n",
            "from:from:to:subject:subject:date",
            DkimResult.FAIL,
            "subject",
            (0, 4),
            (),
            0,
        ),
        # over-signed From with nothing added: one listing asserts a From that is absent
        (b"", "from:from:to:subject:date", DkimResult.PASS, "from", (1,), (), 1),
    ],
    ids=["extra-subject", "extra-to", "oversigned-subject", "oversigned-untouched"],
)
async def test_d11_coverage_map(
    extra: bytes,
    h: str,
    result: DkimResult,
    name: str,
    signed: tuple[int, ...],
    unsigned: tuple[int, ...],
    absent: int,
) -> None:
    # catalogue D11: per-signature coverage map of which instances are signed
    v, _ = await _verify(extra + sign(_MSG, "", h=h))
    assert v.result is result
    (cover,) = [c for c in v.coverage if c.name == name]
    assert (cover.signed, cover.unsigned, cover.absent_asserted) == (signed, unsigned, absent)
    assert ("dkim.unsigned-instance" in _codes(v)) is bool(unsigned)


async def test_d12_old_message_key_removed() -> None:
    # catalogue D12: PERMFAIL (no key) with a rotation hint
    raw = sign(_MSG, f"t={_ts(RECEIPT)};")
    v, _ = await _verify(raw, MemoryResolver({}), now=RECEIPT + timedelta(days=60))
    assert v.result is DkimResult.PERMERROR
    assert "dkim.key.rotated" in _codes(v)


# --- E: key records -------------------------------------------------------------------------

ED_P = base64.b64encode(b"k" * 32).decode()


@pytest.mark.parametrize(
    ("record", "code", "usable"),
    [
        ("v=DKIM1; k=rsa; p=", "dkim.key.revoked", False),
        (f"v=DKIM1; k=ed25519; t=y; p={ED_P}", "dkim.key.testing", True),
    ],
    ids=["revoked", "testing"],
)
def test_e1_revoked_and_testing(record: str, code: str, usable: bool) -> None:
    # catalogue E1 / RFC 6376 §3.6.1: empty p= revoked; t=y shown
    key = parse_key_record(record)
    assert key.usable is usable and code in {d.code for d in key.defects}


@pytest.mark.parametrize(
    ("bits", "code"),
    [(512, "dkim.key.too-small"), (768, "dkim.key.too-small"), (1024, "dkim.key.weak")],
)
def test_e2_small_rsa_keys(bits: int, code: str) -> None:
    # catalogue E2 / RFC 8301 §3.2: < 1024 not valid; 1024 warns
    key = parse_key_record(rsa_record(bits))
    assert code in {d.code for d in key.defects}


@pytest.mark.parametrize(
    "record",
    [
        rsa_record(16400),
        rsa_record(2048, exponent=(1 << 4000) + 1),
        "v=DKIM1; k=rsa; p=" + base64.b64encode(b"\x30\x82\xff\xff" + b"\0" * 100).decode(),
    ],
    ids=["16400-bit", "huge-exponent", "bad-asn1"],
)
async def test_e3_hostile_rsa_keys_rejected_before_arithmetic(record: str) -> None:
    # catalogue E3: rejected by size/exponent/syntax before verification, in milliseconds
    started = time.perf_counter()
    key = parse_key_record(record)
    v, _ = await _verify(sign(_MSG, ""), _resolver(record))
    # a guard against key arithmetic, not a speed target: a 16400-bit or huge-exponent verify
    # takes seconds; 1.5 s still tells them apart on a loaded machine
    assert time.perf_counter() - started < 1.5
    assert not key.usable
    assert v.header_result is DkimResult.PERMERROR and v.crypto_valid is None


@pytest.mark.parametrize("size", [31, 33])
def test_e4_ed25519_wrong_size(size: int) -> None:
    # catalogue E4 / RFC 8463 §4.2: 32 raw bytes or a key syntax PERMFAIL
    key = parse_key_record("v=DKIM1; k=ed25519; p=" + base64.b64encode(b"k" * size).decode())
    assert not key.usable and "dkim.key.unparsable" in {d.code for d in key.defects}


def test_e5_several_and_foreign_records() -> None:
    # catalogue E5 / RFC 6376 §6.1.2: several TXT -> first usable, noted; non-DKIM -> PERMFAIL
    key, notes = pick_key_record(["google-site-verification=abc", f"v=DKIM1; k=ed25519; p={ED_P}"])
    assert key is not None and key.usable and "dkim.key.multiple" in {d.code for d in notes}
    assert not parse_key_record("v=DKIM2; k=rsa; p=AAAA").usable
    assert "dkim.key.unknown-type" in {
        d.code for d in parse_key_record("v=DKIM1; k=dsa; p=AAAA").defects
    }
    sha1_only = parse_key_record(f"v=DKIM1; h=sha1; k=ed25519; p={ED_P}")
    check = check_key_for_signature(
        sha1_only, algorithm="ed25519-sha256", sdid="example.com", auid=None
    )
    assert check.result is DkimResult.PERMERROR


async def test_e6_split_strings_joined_and_non_ascii() -> None:
    # catalogue E6: TXT strings are joined (the resolver does it); non-ASCII p= is syntax
    v, _ = await _verify(sign(_MSG, ""), _resolver("v=DKIM1; k=ed25519; " + f"p={_PUB}"))
    assert v.result is DkimResult.PASS
    assert not parse_key_record("v=DKIM1; k=ed25519; p=\u00e9\u00e9").usable
