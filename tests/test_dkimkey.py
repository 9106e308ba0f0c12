"""Tests for evaluators/dkimkey.py: reading and judging DKIM key records (RFC 6376 §3.6.1, RFC 8301)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from headerlens.evaluators.dkimkey import check_key_for_signature, parse_key_record, pick_key_record
from headerlens.model.core import Severity
from headerlens.model.verdicts import DkimResult
from tests.memresolver_dkim import LAB_ZONES, records_from_zones
from tests.paths import SHARED, need_shared

FAKE_DNS = SHARED / "corpus" / "dkim" / "mail-dkim" / "FAKE_DNS.dat"
ARC_SUITE = SHARED / "corpus" / "arc" / "arc-draft-validation-tests.yml"


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _der(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _der_len(len(body)) + body


def rsa_record(bits: int, exponent: int = 65537) -> str:
    """A key record holding a bare RSAPublicKey with a modulus of ``bits`` bits (not a real key)."""
    modulus = (1 << (bits - 1)) | 1

    def integer(v: int) -> bytes:
        raw = v.to_bytes((v.bit_length() + 8) // 8, "big")
        return _der(0x02, raw)

    der = _der(0x30, integer(modulus) + integer(exponent))
    return "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()


def _lab_key(name: str) -> str:
    return records_from_zones(LAB_ZONES)[(name, "TXT")][0]


def _fake_dns() -> dict[str, str]:
    """mail-dkim's FAKE_DNS.dat: ``name  record`` per line (Perl Mail::DKIM test data)."""
    need_shared(FAKE_DNS)
    out: dict[str, str] = {}
    for line in FAKE_DNS.read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, _, record = line.partition(" ")
        out[name.strip()] = record.strip()
    return out


@pytest.mark.parametrize(
    ("name", "key_type", "bits", "usable", "codes"),
    [
        # lab: the EOP tenant key behind the selector1 CNAME
        ("selector1-contoso-com._domainkey.contoso.onmicrosoft.com", "rsa", 2048, True, set()),
        # lab: RFC 8463 ed25519 key
        ("ed2026._domainkey.proseware.com", "ed25519", 256, True, set()),
    ],
)
def test_lab_keys(name: str, key_type: str, bits: int, usable: bool, codes: set[str]) -> None:
    key = parse_key_record(_lab_key(name))
    assert key.key_type == key_type
    assert key.key_bits == bits
    assert key.usable is usable
    assert {d.code for d in key.defects} == codes


@pytest.mark.parametrize(
    ("name", "usable", "code"),
    [
        ("test1._domainkey.messiah.edu", True, "dkim.key.too-small"),  # 512-bit key, t=y
        ("test1._domainkey.messiah.edu", True, "dkim.key.testing"),
        ("selector1._domainkey.messiah.edu", True, "dkim.key.weak"),  # 1024 bits, no v=
        ("testbad1._domainkey.messiah.edu", False, "dkim.key.version"),  # v=DKIM3
        ("testbad2._domainkey.messiah.edu", False, "dkim.key.syntax"),  # bare "t;"
        ("testbad3._domainkey.messiah.edu", False, "dkim.key.unknown-type"),  # k=foobar
        ("testbad4._domainkey.messiah.edu", False, "dkim.key.service"),  # s=chat
        ("testrevoked._domainkey.messiah.edu", False, "dkim.key.revoked"),  # p=
        ("invalid._domainkey.wander.science", False, "dkim.key.unparsable"),  # SPKI-wrapped ed25519
    ],
)
def test_mail_dkim_key_records(name: str, usable: bool, code: str) -> None:
    # corpus: dkim/mail-dkim/FAKE_DNS.dat (Mail::DKIM's verifier test records)
    key = parse_key_record(_fake_dns()[name])
    assert key.usable is usable
    assert code in {d.code for d in key.defects}


def test_mail_dkim_tag_lists() -> None:
    # corpus: dkim/mail-dkim/FAKE_DNS.dat test2 — unknown services/flags/hashes are kept as read
    key = parse_key_record(_fake_dns()["test2._domainkey.messiah.edu"])
    assert key.service_types == ("email", "web", "fine")
    assert key.flags == ("y", "n", "extra")
    assert key.hash_algorithms == ("md5", "sha1")
    check = check_key_for_signature(key, algorithm="rsa-sha256", sdid="messiah.edu", auid=None)
    assert check.result is DkimResult.PERMERROR
    assert check.reasons[0].code == "dkim.key.hash-not-allowed"


@pytest.mark.parametrize(
    ("record", "usable", "code", "severity"),
    [
        (rsa_record(512), True, "dkim.key.too-small", Severity.ERROR),  # RFC 8301 §3.2
        (rsa_record(1024), True, "dkim.key.weak", Severity.WARNING),  # RFC 8301 §3.2
        (rsa_record(16400), False, "dkim.key.unsafe", Severity.ERROR),  # above our limit
        (rsa_record(2048, exponent=(1 << 4000) + 1), False, "dkim.key.unsafe", Severity.ERROR),
        (rsa_record(2048, exponent=65536), False, "dkim.key.unsafe", Severity.ERROR),  # even e
        ("v=DKIM1; k=rsa; p=" + "A" * 8000, False, "dkim.key.unsafe", Severity.ERROR),
        ("v=DKIM1; k=rsa; p=not*base64", False, "dkim.key.unparsable", Severity.ERROR),
        ("k=rsa; v=DKIM1; p=AAAA", False, "dkim.key.version", Severity.ERROR),  # v= not first
        ("v=DKIM1; k=rsa", False, "dkim.key.no-p", Severity.ERROR),
    ],
)
def test_size_and_safety(record: str, usable: bool, code: str, severity: Severity) -> None:
    key = parse_key_record(record)
    assert key.usable is usable
    found = [d for d in key.defects if d.code == code]
    assert found, key.defects
    assert found[0].severity is severity


def test_clean_2048_key_has_no_defects() -> None:
    key = parse_key_record(rsa_record(2048))
    assert key.usable
    assert key.key_bits == 2048
    assert key.rsa_exponent == 65537
    assert key.defects == ()


@pytest.mark.parametrize(
    ("record", "algorithm", "auid", "result", "code"),
    [
        (rsa_record(2048), "rsa-sha1", None, DkimResult.FAIL, "dkim.sha1"),  # RFC 8301 §3.1
        (rsa_record(768), "rsa-sha256", None, DkimResult.FAIL, "dkim.key.too-small"),
        (rsa_record(2048), "ed25519-sha256", None, DkimResult.PERMERROR, "dkim.key.type-mismatch"),
        # RFC 6376 §3.6.1 t=s: i= must not be a subdomain of d=
        (
            rsa_record(2048) + "; t=s",
            "rsa-sha256",
            "@news.example.com",
            DkimResult.PERMERROR,
            "dkim.key.strict-subdomain",
        ),
        (
            rsa_record(2048) + "; h=sha1",
            "rsa-sha256",
            None,
            DkimResult.PERMERROR,
            "dkim.key.hash-not-allowed",
        ),
        ("v=DKIM1; p=", "rsa-sha256", None, DkimResult.PERMERROR, "dkim.key.revoked"),
    ],
)
def test_key_against_signature(
    record: str, algorithm: str, auid: str | None, result: DkimResult, code: str
) -> None:
    key = parse_key_record(record)
    check = check_key_for_signature(key, algorithm=algorithm, sdid="example.com", auid=auid)
    assert check.result is result
    assert code in {d.code for d in check.reasons}


def test_key_allowed_for_matching_signature() -> None:
    key = parse_key_record(rsa_record(2048) + "; t=s; h=sha256")
    check = check_key_for_signature(
        key, algorithm="rsa-sha256", sdid="example.com", auid="user@example.com"
    )
    assert check.result is None
    assert check.reasons == ()


def test_pick_first_usable_of_several() -> None:
    # RFC 6376 §3.6.2.2: several TXT records are undefined; we use the usable one and say so
    key, notes = pick_key_record(["v=spf1 -all", rsa_record(2048)])
    assert key is not None
    assert key.usable
    assert [n.code for n in notes] == ["dkim.key.multiple"]
    assert pick_key_record([]) == (None, ())


def test_arc_suite_key_sizes() -> None:
    # corpus: arc/arc-draft-validation-tests.yml "Arc Seal Fields" keys of 512/1024/2048 bits
    need_shared(ARC_SUITE)
    import yaml

    docs = list(yaml.safe_load_all(Path(ARC_SUITE).read_text()))
    txt = next(d["txt-records"] for d in docs if "512._domainkey.example.org" in d["txt-records"])
    sizes = {
        n: parse_key_record(txt[f"{n}._domainkey.example.org"]).key_bits for n in (512, 1024, 2048)
    }
    assert sizes == {512: 512, 1024: 1024, 2048: 2048}
