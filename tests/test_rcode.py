"""One definition of a temporary DNS failure (model/dns.py Rcode, is_temporary), used by every check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis.findings_live import live_findings
from headerlens.domaincheck.dkimselector import check_selector
from headerlens.domaincheck.dmarcpolicy import check_dmarc_policy
from headerlens.evaluators.dkim import verify_dkim
from headerlens.evaluators.orgdomain import PolicyAt
from headerlens.model.dns import DnsRecord, Rcode, is_temporary
from headerlens.model.verdicts import DkimResult
from headerlens.model.verification import Verification, VerifyMode
from tests.paths import EXAMPLES


class _Fixed:
    """A resolver answering every question with one rcode and no records."""

    def __init__(self, rcode: str) -> None:
        self.rcode = rcode
        self._log: list[DnsRecord] = []

    async def query(self, name: str, rdtype: str) -> DnsRecord:
        record = DnsRecord(name, rdtype, self.rcode)
        self._log.append(record)
        return record

    @property
    def log(self) -> tuple[DnsRecord, ...]:
        return tuple(self._log)

    def clear_cache(self) -> None:
        pass


@pytest.mark.parametrize(
    ("rcode", "temporary", "answered"),
    [
        ("NOERROR", False, True),
        ("NXDOMAIN", False, True),
        ("OFFLINE", False, False),  # not asked, on request: not a failure
        ("SERVFAIL", True, False),
        ("REFUSED", True, False),
        ("FORMERR", True, False),
        ("NOTIMP", True, False),
        ("TIMEOUT", True, False),
        ("ERROR", True, False),
        ("MISSING", True, False),
        ("YXDOMAIN", True, False),  # an rcode we do not name: RFC 7208 §5, temperror
    ],
)
def test_one_definition_of_temporary(rcode: str, temporary: bool, answered: bool) -> None:
    record = DnsRecord("a.example", "TXT", rcode)
    assert is_temporary(rcode) is temporary is record.temporary
    assert record.answered is answered
    if rcode in Rcode.__members__:
        assert Rcode(rcode).is_temporary is temporary


async def test_dkim_key_lookup_with_an_unnamed_rcode_is_temperror() -> None:
    # the old set in dkim.py missed rcodes it did not list: YXDOMAIN read as "no key" (permerror)
    raw = (EXAMPLES / "eop-to-gmail-pass.eml").read_bytes()
    verdicts = await verify_dkim(
        raw, has_body=True, resolver=_Fixed("YXDOMAIN"), receipt_time=None, now=datetime.now(UTC)
    )
    assert verdicts
    assert all(v.header_result is DkimResult.TEMPERROR for v in verdicts)


async def test_selector_check_formerr_is_a_dns_error_not_a_missing_key() -> None:
    # the domain check's set had no FORMERR/NOTIMP: the selector was reported unpublished
    check = await check_selector("example.com", "s1", _Fixed("FORMERR"))
    assert [p.code for p in check.problems] == ["dkim.selector.dns-error"]


async def test_report_destination_unknown_on_refused_authorisation() -> None:
    rua = "v=DMARC1; p=none; rua=mailto:d@reports.example.net"

    class _Policy(_Fixed):
        async def query(self, name: str, rdtype: str) -> DnsRecord:
            if name == "_dmarc.example.com":
                return DnsRecord(name, rdtype, "NOERROR", (rua,))
            return await super().query(name, rdtype)

    check = await check_dmarc_policy("example.com", _Policy("NOTIMP"))
    (dest,) = check.destinations
    assert dest.external and dest.authorised is None  # unknown, not "not authorised"


def test_dmarc_walk_step_missing_from_a_snapshot_is_uncertain() -> None:
    # orgdomain's set had no MISSING: a replay without the query read as "no record here"
    step = PolicyAt("example.com", DnsRecord("_dmarc.example.com", "TXT", "MISSING"), None)
    assert step.temp_error


def test_dns_trouble_finding_counts_every_temporary_rcode() -> None:
    analysis = analyze((EXAMPLES / "eop-to-gmail-pass.eml").read_bytes())
    log = (DnsRecord("_dmarc.example.com", "TXT", "FORMERR"),)
    v = Verification(VerifyMode.LIVE, "192.0.2.53:53", done=True, dns_log=log)
    codes = [f.code for f in live_findings(analysis, v)]
    assert "verify.dns-unavailable" in codes
    not_asked = (DnsRecord("_dmarc.example.com", "TXT", "OFFLINE"),)
    offline = Verification(VerifyMode.OFFLINE, "", done=True, dns_log=not_asked)
    assert "verify.dns-unavailable" not in [f.code for f in live_findings(analysis, offline)]
