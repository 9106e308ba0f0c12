"""Catalogue groups H, I, J: DNS transport, ARC, Authentication-Results (reliability.md §4).

DNS faults are served by in-memory resolvers that log every query, by a UDP port that never
answers, and (marked ``dns``) by the lab's real Knot + Unbound pair.
"""

from __future__ import annotations

import time
import tracemalloc
from typing import Any

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis.findings_live import live_findings
from headerlens.diagnosis.findings_spf import spf_findings
from headerlens.dnsclient.resolver import LiveResolver, OfflineResolver
from headerlens.domaincheck.spftree import check_spf_tree
from headerlens.evaluators.arc import verify_arc
from headerlens.evaluators.dkim import verify_dkim
from headerlens.evaluators.dmarc import evaluate_dmarc
from headerlens.evaluators.spf import evaluate_spf
from headerlens.model.core import Severity
from headerlens.model.verdicts import ArcResult, DkimResult, DkimVerdict, DmarcResult
from headerlens.model.verification import Verification, VerifyMode
from headerlens.stamped import final_receiver_results
from tests.catalogue import MSG, codes, timed, with_header
from tests.dnslab import LabDns
from tests.memresolver_dkim import MemoryResolver
from tests.test_dkim_verify import _MSG, _PUB, LAB_NOW, RECEIPT, sign
from tests.test_dkimkey import rsa_record

ED_KEY = f"v=DKIM1; k=ed25519; p={_PUB}"
KEY_NAME = "ed._domainkey.example.com"
SPF_ZONE = {("x.example", "TXT"): ["v=spf1 a:h.x.example -all"]}


async def _dkim(resolver: MemoryResolver | OfflineResolver) -> DkimResult:
    (v,) = await verify_dkim(
        sign(_MSG, ""), has_body=True, resolver=resolver, receipt_time=RECEIPT, now=LAB_NOW
    )
    return v.header_result


@pytest.mark.parametrize("rcode", ["SERVFAIL", "REFUSED", "FORMERR"])
async def test_h1_server_failures(rcode: str) -> None:
    # catalogue H1 (RFC 7208 §4.4, RFC 6376 §6.1.2): temperror / TEMPFAIL / indeterminate
    spf = await evaluate_spf(
        MemoryResolver(SPF_ZONE, fail={"x.example": rcode}), "192.0.2.1", "a@x.example", None
    )
    dkim = await _dkim(MemoryResolver({(KEY_NAME, "TXT"): [ED_KEY]}, fail={KEY_NAME: rcode}))
    dmarc = await evaluate_dmarc(
        "example.com", None, [], MemoryResolver({}, fail={"_dmarc.example.com": rcode})
    )
    assert spf.result == "temperror" and rcode in spf.reason
    assert dkim is DkimResult.TEMPERROR
    assert dmarc.result is DmarcResult.TEMPERROR


async def test_h2_offline_and_timeouts_are_bounded() -> None:
    # catalogue H2: offline = no network, verdicts "unavailable", never an error per lookup
    offline = OfflineResolver()
    assert await _dkim(offline) is DkimResult.UNAVAILABLE
    assert all(r.rcode == "OFFLINE" for r in offline.log)
    from tests.dnslab import SilentUdpPort

    with SilentUdpPort() as silent:
        live = LiveResolver([(silent.host, silent.port)], timeout=0.2, deadline=0.5)
        started = time.monotonic()
        records = [await live.query(f"q{i}.example.com", "TXT") for i in range(10)]
        assert time.monotonic() - started < 1.5  # the deadline, not 10 x 0.2 s
    assert {r.rcode for r in records} == {"TIMEOUT"}


async def test_h3_nxdomain_vs_nodata() -> None:
    # catalogue H3 (RFC 7208 §4.6.4, RFC 6376 §6.1.2): both void for SPF; DKIM "no key"
    zone = {
        ("x.example", "TXT"): ["v=spf1 a:nodata.x.example a:nx.x.example -all"],
        ("nodata.x.example", "MX"): ["10 mx.x.example"],
    }
    spf = await evaluate_spf(MemoryResolver(zone), "192.0.2.1", "a@x.example", None)
    assert spf.void_count == 2 and spf.result == "fail"
    assert await _dkim(MemoryResolver({})) is DkimResult.PERMERROR


@pytest.mark.dns
async def test_h4_truncated_udp_answer_retried(lab_dns: LabDns) -> None:
    # catalogue H4: a > 512-byte answer arrives whole (EDNS 1232 / TCP fallback by dnspython)
    record = await LiveResolver(lab_dns.nameservers).query("big.hl.test", "TXT")
    assert record.rcode == "NOERROR" and len(record.answers[0]) > 700


async def test_h5_cname_loop_in_memory() -> None:
    # catalogue H5: a CNAME loop ends bounded as a temporary failure (no re-query loop)
    resolver = MemoryResolver(
        {(KEY_NAME, "CNAME"): ["loop.example.com"], ("loop.example.com", "CNAME"): [KEY_NAME]}
    )
    assert await _dkim(resolver) is DkimResult.TEMPERROR
    assert len(resolver.asked) == 1


@pytest.mark.dns
async def test_h5_cname_loop_real_servers(lab_dns: LabDns) -> None:
    # catalogue H5 on Knot + Unbound (tests/data/dns/zones/hl.test.zone loop1 <-> loop2)
    started = time.monotonic()
    record = await LiveResolver(lab_dns.nameservers, timeout=2.0).query("loop1.hl.test", "TXT")
    assert time.monotonic() - started < 3.0
    assert record.rcode in ("SERVFAIL", "NOERROR") and record.answers == ()


def _dkim_verdict(selector: str) -> DkimVerdict:
    return DkimVerdict(
        signature_index=0,
        header_index=0,
        domain="example.net",
        selector=selector,
        algorithm="rsa-sha256",
        header_result=DkimResult.UNAVAILABLE,
        body_result=DkimResult.UNAVAILABLE,
        result=DkimResult.UNAVAILABLE,
        explanation="Not checked: offline.",
    )


async def test_h6_offline_mode_sends_nothing_and_names_the_query() -> None:
    # catalogue H6: offline mode exists and records the query names it did not send
    offline = OfflineResolver()
    await evaluate_spf(offline, "192.0.2.1", "victim-local-part@x.example", None)
    assert offline.log and offline.log[0].name == "x.example"
    assert all(r.resolver == "offline" for r in offline.log)
    # An SPF macro expanding the sender's local part (RFC 7208 §11.6): the warning shows the
    # query name exactly as it was sent, and the finding points to --offline.
    zone = MemoryResolver({("x.example", "TXT"): ["v=spf1 exists:%{l}._spf.%{d} -all"]})
    spf = await evaluate_spf(zone, "192.0.2.1", "victim-local-part@x.example", None)
    sent = "victim-local-part._spf.x.example"
    (note,) = [d for d in spf.defects if d.code == "spf.macro-local-part"]
    assert sent in note.message and "%{l}" in note.message and (sent, "A") in zone.asked
    analysis = analyze(with_header(b"Delivered-To: jane.doe@example.com"))
    (privacy,) = [f for f in spf_findings(analysis, spf) if f.code == "spf.privacy-local-part"]
    assert sent in privacy.title and "--offline" in privacy.fix
    # the domain check (headerlens check) names the term too, without a sender to expand
    tree = await check_spf_tree("x.example", zone)
    notes = [p.message for p in tree.problems if p.code == "spf.macro-local-part"]
    assert notes and "exists:%{l}._spf.%{d} in the SPF record of x.example" in notes[0]
    # A DKIM selector made for this recipient or message: an info finding, offline too; an
    # ordinary selector (EOP's selector1) gets none.
    for selector, flagged in [
        ("t-janedoe-20261110", True),  # the recipient's local part
        ("m-9e107d9d372bb6826bd81d3542a419d6", True),  # a 32-digit hex id
        ("selector1", False),  # corpus: EOP selectors
    ]:
        v = Verification(VerifyMode.OFFLINE, "offline", dkim=(_dkim_verdict(selector),))
        found = [f for f in live_findings(analysis, v) if f.code == "dkim.selector-tracking"]
        assert bool(found) is flagged, selector
        if flagged:
            assert found[0].severity is Severity.INFO and "--offline" in found[0].fix
            assert f"{selector}._domainkey.example.net" in found[0].detail


# --- I: ARC ---------------------------------------------------------------------------------


def _arc_set(i: int, cv: str = "pass", seal_extra: str = "") -> bytes:
    return (
        f"ARC-Seal: i={i}; a=rsa-sha256; cv={cv}; d=example.org; s=s{i}; t=1;{seal_extra} b=AAAA\r\n"
        f"ARC-Message-Signature: i={i}; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=s{i};"
        f" h=from; bh=AAAA; b=AAAA\r\n"
        f"ARC-Authentication-Results: i={i}; mx.example.org; spf=pass\r\n"
    ).encode()


def _arc_msg(sets: list[bytes]) -> bytes:
    return b"".join(reversed(sets)) + MSG


@pytest.mark.parametrize("count", [51, 60])
async def test_i1_more_than_50_sets_fail_without_dns(count: int) -> None:
    # catalogue I1 / RFC 8617 §5.2 step 1: cv=fail immediately, no DNS queries
    resolver = MemoryResolver({})
    verdict = await verify_arc(
        _arc_msg([_arc_set(1, "none")] + [_arc_set(i) for i in range(2, count + 1)]), resolver
    )
    assert verdict.result is ArcResult.FAIL
    assert resolver.asked == []
    assert "arc.too-many-sets" in {f.code for f in verdict.findings}


@pytest.mark.parametrize(
    "sets",
    [
        [_arc_set(1, "none"), _arc_set(3)],  # gap
        [_arc_set(1, "none"), _arc_set(1, "none")],  # duplicate
        [_arc_set(0, "none")],  # i=0
    ],
    ids=["gap", "duplicate", "i0"],
)
async def test_i2_structure_failures(sets: list[bytes]) -> None:
    # catalogue I2 / RFC 8617 §5.2 step 3: cv=fail with the structure reason
    verdict = await verify_arc(_arc_msg(sets), MemoryResolver({}))
    assert verdict.result is ArcResult.FAIL and verdict.reason


@pytest.mark.parametrize(
    "sets",
    [
        [_arc_set(1, "none", " h=from;")],  # AS with h=
        [_arc_set(1, "none"), _arc_set(2, "fail")],  # highest AS cv=fail
        [_arc_set(1, "pass")],  # i=1 must say cv=none
    ],
    ids=["as-with-h", "highest-cv-fail", "i1-cv-pass"],
)
async def test_i3_seal_rules(sets: list[bytes]) -> None:
    # catalogue I3: cv=fail with a reason
    verdict = await verify_arc(_arc_msg(sets), MemoryResolver({}))
    assert verdict.result is ArcResult.FAIL and verdict.explanation


async def test_i4_fifty_sets_whose_keys_time_out() -> None:
    # catalogue I4 / RFC 8617 §9.2: at most 2N queries, bounded, no hard crash
    sets = [_arc_set(1, "none")] + [_arc_set(i) for i in range(2, 51)]
    fail = {f"s{i}._domainkey.example.org": "TIMEOUT" for i in range(1, 51)}
    resolver = MemoryResolver({}, fail=fail)
    started = time.monotonic()
    verdict = await verify_arc(_arc_msg(sets), resolver)
    assert time.monotonic() - started < 2.0
    assert len(resolver.asked) <= 2 * 50
    assert verdict.result is not ArcResult.PASS


def _bytes_canonicalised(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Sizes of every body (or body chunk) canonicalised, by dkimpy or by checks.bodyhash."""
    from dkim.canonicalization import Relaxed, Simple

    from headerlens.evaluators import bodyhash

    sizes: list[int] = []
    for cls in (Relaxed, Simple):
        real = cls.canonicalize_body

        def counting(content: bytes, real: Any = real) -> bytes:
            sizes.append(len(content))
            return bytes(real(content))

        monkeypatch.setattr(cls, "canonicalize_body", staticmethod(counting))
    real_chunk = bodyhash._canonical

    def chunk(view: memoryview, relaxed: bool) -> bytes:
        sizes.append(len(view))
        return real_chunk(view, relaxed)

    monkeypatch.setattr(bodyhash, "_canonical", chunk)
    return sizes


async def test_i5_fifty_sets_canonicalise_the_body_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every AMS re-canonicalised the whole body in dkimpy (50 sets over a large body: 76 s);
    # one streamed pass is shared by all sets now.
    sets = [_arc_set(1, "none")] + [_arc_set(i) for i in range(2, 51)]
    body = b"a line  of text \r\n" * 5000
    keys = {(f"s{i}._domainkey.example.org", "TXT"): [rsa_record(2048)] for i in range(1, 51)}
    sizes = _bytes_canonicalised(monkeypatch)
    verdict = await verify_arc(_arc_msg(sets) + body, MemoryResolver(keys), has_body=True)
    assert verdict.result is ArcResult.FAIL  # the AMS body hash is AAAA
    assert len(verdict.instances) == 50
    assert sum(sizes) <= len(body) + len(MSG)


async def test_i6_arc_memory_stays_below_the_body_size() -> None:
    # dkimpy's ARC(raw) split and re-joined the whole message: 3.6x a 24 MiB attachment
    body = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\r\n" * 110_000
    raw = _arc_msg([_arc_set(1, "none")]) + body
    keys = {("s1._domainkey.example.org", "TXT"): [rsa_record(2048)]}
    tracemalloc.start()
    try:
        verdict = await verify_arc(raw, MemoryResolver(keys), has_body=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert verdict.instances and verdict.instances[0].ams_valid is False
    assert peak < len(body), f"{peak:,} bytes allocated for a {len(body):,}-byte body"


# --- J: Authentication-Results ----------------------------------------------------------------


def test_j1_untrusted_authserv_id_is_a_claim() -> None:
    # catalogue J1 / RFC 8601 §5: a lower A-R with another authserv-id is not the receiver's word
    top = b"Authentication-Results: mx.example.com; spf=fail smtp.mailfrom=x.example\r\n"
    forged = b"Authentication-Results: mx.google.com; spf=pass smtp.mailfrom=x.example\r\n"
    a, _ = timed(top + forged + MSG)
    assert [r.authserv_id for r in final_receiver_results(a)] == ["mx.example.com"]


@pytest.mark.parametrize(
    "value",
    [
        b"mx.example; dkim=pass header.d=example.net(.example.com",
        b"mx.example; dkim=pass (((nested (comment))) header.d=example.net",
    ],
    ids=["cve-2020-12272", "nested-unclosed"],
)
def test_j2_comment_injection(value: bytes) -> None:
    # catalogue J2 (OpenDMARC CVE-2020-12272): the domain is the token before the comment
    a, _ = timed(b"Authentication-Results: " + value + b"\r\n" + MSG)
    res = a.auth_results[0].results[0]
    assert res.method == "dkim" and res.result == "pass"
    assert "authres.unclosed-comment" in codes(a)
    if b"header.d=example.net(" in value:
        assert [p.value for p in res.properties if p.name == "d"] == ["example.net"]


def test_j2_thousand_resinfo_entries_bounded() -> None:
    # catalogue J2: 1,000 resinfo entries parse in bounded time
    a, seconds = timed(
        b"Authentication-Results: mx.example; "
        + b"spf=pass smtp.mailfrom=a.example; " * 1000
        + b"\r\n"
        + MSG
    )
    # a hang guard, not a speed target (speed is in bench/): quadratic parsing of 1,000 entries
    # takes far longer; 3 s keeps the check true on a loaded machine
    assert len(a.auth_results[0].results) == 1000 and seconds < 3.0


def test_j3_own_authserv_id_at_several_positions() -> None:
    # catalogue J3 (CVE-2022-48521 class): the topmost field is first among the final results
    lower = b"Authentication-Results: mx.example.com; dkim=pass header.d=bank.example\r\n"
    top = b"Authentication-Results: mx.example.com; dkim=fail header.d=bank.example\r\n"
    lines = MSG.split(b"\r\n", 1)
    a, _ = timed(top + lines[0] + b"\r\n" + lower + lines[1])
    final = final_receiver_results(a)
    assert final[0].header_index == 0 and final[0].results[0].result == "fail"
    # the lower copy is flagged, naming its position, and only the topmost counts
    (dup,) = [d for d in a.defects if d.code == "ar.duplicate-authserv-id"]
    assert "#2" in dup.message and "(#0)" in dup.message and "CVE-2022-48521" in dup.message


def test_j3_contiguous_fields_at_the_top_are_not_duplicates() -> None:
    # catalogue J3 negative: one receiver writing several A-R fields together (as Gmail and
    # EOP do, one per method) is normal: no Received line between them
    spf = b"Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=example.net\r\n"
    dkim = b"Authentication-Results: mx.example.com; dkim=pass header.d=example.net\r\n"
    a, _ = timed(spf + b"X-Note: between\r\n" + dkim + MSG)
    assert [r.header_index for r in final_receiver_results(a)] == [0, 2]
    assert "ar.duplicate-authserv-id" not in codes(a)
