"""Issue 12 item 4: a DKIM signature whose body was not checked is not a pass, for DMARC either.

The replay: genuinely signed headers of a lab message (EOP signed d=contoso.com) sent again by
someone else with another body. The receiver (Gmail) had the body and stamped dkim=fail; a
header-only paste of what it delivered still verifies b=. Before the fix that counted as a
DKIM pass and DMARC showed pass. Verified over the lab DNS (Knot behind Unbound).
"""

from __future__ import annotations

import asyncio
import io
import json
import re
from pathlib import Path

import pytest

from headerlens.analyze import analyze
from headerlens.cli import run_report
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import verify
from headerlens.model.verdicts import HEADERS_ONLY_WORDS, DkimResult, DmarcResult
from headerlens.tui.authpanel import auth_text
from tests.dnslab import LabDns
from tests.labverify import LAB, NOW

GENUINE = LAB / "messages" / "shared-eop-to-gmail-pass.eml"

# What the receiver wrote when the replay arrived from the replayer's own server.
RECEIVER = (
    b"Delivered-To: victim@gmail.com\r\n"
    b"Received: by 2002:a05:7208:3187:b0:86:4c9e:7a1d with SMTP id t7csp99;\r\n"
    b"        Tue, 10 Nov 2026 10:02:08 -0800\r\n"
    b"Return-Path: <bounce@replay.example>\r\n"
    b"Received: from mail.replay.example (mail.replay.example. [198.51.100.77])\r\n"
    b"        by mx.google.com with ESMTPS id a640c23a62f3a-99si1.101.2026\r\n"
    b"        for <victim@gmail.com>;\r\n"
    b"        Tue, 10 Nov 2026 10:02:06 -0800\r\n"
    b"Authentication-Results: mx.google.com;\r\n"
    b"       dkim=fail (body hash did not verify) header.i=@contoso.com header.s=selector1"
    b" header.b=kM3jfOMF;\r\n"
    b"       spf=none (google.com: replay.example does not designate permitted sender hosts)"
    b" smtp.mailfrom=bounce@replay.example;\r\n"
    b"       dmarc=fail (p=REJECT sp=REJECT dis=REJECT) header.from=contoso.com\r\n"
)


def _replay_headers() -> bytes:
    """The receiver's fields, then the sender-side fields of the genuine message, no body."""
    raw = GENUINE.read_bytes()
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0] + b"\n"
    start = head.index(b"X-MS-Exchange-CrossTenant-OriginalArrivalTime:")
    return RECEIVER + head[start:].replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


@pytest.fixture
def replay(tmp_path: Path) -> Path:
    path = tmp_path / "replayed-headers.txt"
    path.write_bytes(_replay_headers())
    return path


def _resolver(lab_dns: LabDns) -> LiveResolver:
    return LiveResolver([(lab_dns.host, lab_dns.port)])


def test_replayed_headers_are_not_a_dkim_or_dmarc_pass(lab_dns: LabDns) -> None:
    analysis = analyze(_replay_headers(), source_name="replayed-headers.txt")
    assert not analysis.has_body
    v = asyncio.run(verify(analysis, _resolver(lab_dns), now=NOW))
    (d,) = v.dkim
    assert (d.domain, d.header_result, d.body_result) == (
        "contoso.com",
        DkimResult.PASS,
        DkimResult.UNAVAILABLE,
    )
    assert d.result is DkimResult.HEADERS_ONLY and not d.passed
    assert v.dmarc is not None
    assert v.dmarc.result is DmarcResult.UNKNOWN  # not decided: never pass
    assert v.dmarc.aligned_methods == ()
    assert v.dmarc.policy == "reject" and v.dmarc.disposition is None
    codes = {f.code for f in v.findings}
    assert {"dmarc.undecided", "dkim.headers-only", "dkim.changed"} <= codes
    changed = next(f for f in v.findings if f.code == "dkim.changed")
    assert "stamped fail" in changed.title and "replay" in (changed.detail or "")


def test_every_view_says_headers_only(lab_dns: LabDns, replay: Path) -> None:
    server = f"{lab_dns.host}:{lab_dns.port}"
    outputs = {}
    for fmt in ("json", "md", "html"):
        out = io.StringIO()
        assert run_report(["--format", fmt, "--resolver", server, str(replay)], out) == 0
        outputs[fmt] = out.getvalue()
    doc = json.loads(outputs["json"])
    (dkim,) = doc["verification"]["dkim"]
    assert dkim["result"] == "pass-headers-only" and dkim["result"] != "pass"
    assert doc["verification"]["dmarc"]["result"] == "unknown"
    assert "pass for the headers only; body not checked" in outputs["md"]
    assert "pass for the headers only; body not checked" in outputs["html"]
    rows = {
        line.split("|")[1].split()[0]: line
        for line in outputs["md"].splitlines()
        if line.startswith(("| DKIM", "| DMARC"))
    }
    assert (
        "**pass for the headers only; body not checked (header pass, body unavailable)**"
        in (rows["DKIM"])
    )
    assert "**not decided (unknown)**" in rows["DMARC"]
    html_rows = [r for r in outputs["html"].split("<tr>") if "<td>DMARC" in r or "<td>DKIM" in r]
    assert len(html_rows) == 2
    assert "not decided (unknown)" in html_rows[1] and "<td>pass</td>" not in "".join(html_rows)
    analysis = analyze(replay.read_bytes(), source_name=replay.name)
    v = asyncio.run(verify(analysis, _resolver(lab_dns), now=NOW))
    console = auth_text(analysis, v).plain
    assert HEADERS_ONLY_WORDS in console
    dmarc_part = console[console.index("DMARC") :]
    assert "re-verified now:     not decided" in dmarc_part


def test_the_whole_genuine_message_still_passes(lab_dns: LabDns) -> None:
    # control: with the body, the same signature is a full pass and DMARC passes on it too
    analysis = analyze(GENUINE.read_bytes(), source_name=GENUINE.name)
    v = asyncio.run(verify(analysis, _resolver(lab_dns), now=NOW))
    assert [d.result for d in v.dkim] == [DkimResult.PASS]
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.PASS
    assert "dkim" in v.dmarc.aligned_methods


# --- DMARC with header-only signatures, without DNS servers -----------------------------------

ZONE = {
    ("_dmarc.contoso.com", "TXT"): ("v=DMARC1; p=reject",),
    ("_dmarc.com", "TXT"): (),
}


@pytest.mark.parametrize(
    ("spf", "headers_only", "result", "aligned"),
    [
        (("none", "replay.example"), ["contoso.com"], DmarcResult.UNKNOWN, ()),
        (("none", "replay.example"), ["mail.contoso.com"], DmarcResult.UNKNOWN, ()),
        (("none", "replay.example"), ["other.example"], DmarcResult.FAIL, ()),
        (("pass", "contoso.com"), ["contoso.com"], DmarcResult.PASS, ("spf",)),
        (("fail", "contoso.com"), [], DmarcResult.FAIL, ()),
    ],
    ids=["aligned", "relaxed", "unaligned", "spf-decides", "no-signature"],
)
async def test_header_only_signature_never_passes_dmarc(
    spf: tuple[str, str],
    headers_only: list[str],
    result: DmarcResult,
    aligned: tuple[str, ...],
) -> None:
    from headerlens.evaluators.dmarc import evaluate_dmarc
    from tests.memresolver_dkim import MemoryResolver

    v = await evaluate_dmarc(
        "contoso.com",
        spf,
        [(d, False) for d in headers_only],
        MemoryResolver(ZONE),
        headers_only=headers_only,
    )
    assert v.result is result and v.aligned_methods == aligned
    shown = [a for a in v.alignments if a.method == "dkim-headers"]
    assert len(shown) == len(headers_only) and not any(a.passes for a in shown)
    if result is DmarcResult.UNKNOWN:
        assert v.result_words == "not decided (unknown)" and v.disposition is None
        assert "headers only" in v.explanation
