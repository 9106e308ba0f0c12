"""Issue 12 item 4: SPF macro escapes, DMARC record edge cases from other implementations."""

from __future__ import annotations

import dns.name
import pytest

from headerlens.evaluators.dmarc import evaluate_dmarc
from headerlens.evaluators.spf import check_host, run_sync
from headerlens.evaluators.spf_macro import finish_target
from headerlens.model.verdicts import DmarcResult, DmarcVerdict
from headerlens.parsers.dmarcrecord import parse_dmarc_record
from tests._spf_fakedns import FakeZone
from tests.memresolver_dkim import MemoryResolver

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


# --- DMARC records other implementations test ------------------------------------------------


async def _dmarc(
    records: dict[str, list[str]], domain: str = "example.com", dkim_ok: bool = False
) -> DmarcVerdict:
    resolver = MemoryResolver({(n, "TXT"): v for n, v in records.items()})
    return await evaluate_dmarc(
        domain, ("fail", "other.example"), [("example.com", dkim_ok)], resolver
    )


def _codes(v: DmarcVerdict) -> set[str]:
    return {d.code for d in v.findings}


@pytest.mark.parametrize(
    "record",
    [
        "v=DMARC1",  # checkdmarc / mailauth: no p=, no rua= is not a policy record
        "v=DMARC1; sp=reject; adkim=s",
        "v=DMARC1; p=bogus",
        "v=DMARC1; p=reject; sp=bogus",  # an invalid sp= counts like an invalid p=
        "v=DMARC1; p=reject; np=never; rua=not a uri",
    ],
)
@pytest.mark.parametrize("dkim_ok", [False, True], ids=["failing", "passing"])
async def test_record_without_policy_or_report_address_is_not_a_policy(
    record: str, dkim_ok: bool
) -> None:
    # RFC 9989 §4.10.1: without a valid p= and without a valid rua= URI, "the Mail Receiver
    # applies no DMARC processing to this message": none, whatever the identifiers say.
    v = await _dmarc({"_dmarc.example.com": [record]}, dkim_ok=dkim_ok)
    assert v.result is DmarcResult.NONE
    assert v.policy is None and v.disposition is None
    assert "dmarc.record.not-policy" in _codes(v)
    assert "RFC 9989 §4.10.1" in v.explanation


@pytest.mark.parametrize(
    "record", ["v=DMARC1; rua=mailto:d@example.com", "v=DMARC1; p=bogus; rua=mailto:d@example.com"]
)
async def test_record_with_report_address_acts_as_p_none(record: str) -> None:
    v = await _dmarc({"_dmarc.example.com": [record]})
    assert (v.result, v.policy, v.policy_tag) == (DmarcResult.FAIL, "none", "p")
    assert "dmarc.record.not-policy" not in _codes(v)


async def test_several_records_at_the_from_domain_mean_dmarc_does_not_apply() -> None:
    v = await _dmarc({"_dmarc.example.com": ["v=DMARC1; p=reject", "v=DMARC1; p=reject"]})
    assert v.result is DmarcResult.NONE and v.policy is None
    assert "dmarc.record.multiple" in _codes(v)
    assert "does not apply" in v.explanation and "more than one" in v.explanation


async def test_several_records_are_discarded_and_the_walk_goes_on() -> None:
    # RFC 9989 §4.10 steps 2 and 7: the records at one name are discarded, the parent counts
    v = await _dmarc(
        {
            "_dmarc.mail.example.com": ["v=DMARC1; p=none", "v=DMARC1; p=none"],
            "_dmarc.example.com": ["v=DMARC1; p=reject; sp=quarantine"],
        },
        "mail.example.com",
    )
    assert (v.result, v.record_domain, v.policy_tag) == (DmarcResult.FAIL, "example.com", "sp")
    assert "dmarc.record.multiple" in _codes(v)


def test_thousands_of_unknown_tags_make_one_finding() -> None:
    tags = "; ".join(f"x{i}=1" for i in range(5000))
    rec = parse_dmarc_record(f"v=DMARC1; p=reject; {tags}; x7=again; junk; more junk")
    unknown = [d for d in rec.defects if d.code == "dmarc.record.unknown-tag"]
    assert len(unknown) == 1
    assert "5000 tags" in unknown[0].message and "x0=" in unknown[0].message
    assert "4995 more" in unknown[0].message
    assert len(rec.defects) <= 4  # unknown tags, one repeat, the syntax errors
    assert rec.p == "reject" and rec.is_policy


async def test_thousands_of_unknown_tags_make_one_dmarc_finding() -> None:
    tags = "; ".join(f"x{i}=1" for i in range(3000))
    v = await _dmarc({"_dmarc.example.com": [f"v=DMARC1; p=reject; {tags}"]})
    assert v.result is DmarcResult.FAIL and v.policy == "reject"
    assert [d.code for d in v.findings].count("dmarc.record.unknown-tag") == 1
    assert len(v.findings) < 10
