"""The reports of a bounce: Markdown/HTML "Rejected" sections and the JSON ``ndr`` object."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from headerlens.cli import run_report
from tests.paths import EXAMPLES

NDR = EXAMPLES / "ndr-gmail-unauthenticated.eml"
SNAPSHOT = EXAMPLES / "ndr-gmail-unauthenticated.dns.json"


def _report(fmt: str, src: Path = NDR, *extra: str) -> str:
    out = io.StringIO()
    assert run_report(["--format", fmt, *extra, str(src)], out) == 0
    return out.getvalue()


def test_json_ndr_section() -> None:
    doc: dict[str, Any] = json.loads(_report("json", NDR, "--dns-snapshot", str(SNAPSHOT)))
    ndr = doc["ndr"]
    assert ndr["format"] == "exchange" and ndr["reporting_mta"] == "EDGE2010.fabrikam.com"
    (r,) = ndr["recipients"]
    assert r["status"] == "5.7.26" and r["smtp_code"] == 550
    assert r["diagnostic"].startswith("550-5.7.26 This mail has been blocked")
    assert r["reporting_mta"] == "EDGE2010.fabrikam.com"
    assert r["remote_mta"] == "gmail-smtp-in.l.google.com"
    assert r["rejected_by"] == "recipient_mailbox"
    assert r["who_acts"] == "sender_admin"
    assert r["explanation"] and r["fix"] and r["catalogue"]["source"]
    assert r["link"]["check"] == "auth" and "DMARC for fabrikam.com: fail" in r["link"]["checked"]
    # the returned message as a full report of its own, verified with its own checks
    original = ndr["original"]
    assert original["summary"]["hops"] == 1
    assert original["verification"]["dmarc"]["result"] == "fail"
    assert original["analysis"]["subject"] == "Direct from edge"
    # reported once: not again inside the outer analysis and verification
    assert "ndr" not in doc["analysis"] and "original" not in doc["verification"]


def test_not_a_bounce_has_null_ndr() -> None:
    doc = json.loads(_report("json", EXAMPLES / "eop-to-gmail-pass.eml", "--offline"))
    assert doc["ndr"] is None


def test_markdown_and_html_sections() -> None:
    md = _report("md", NDR, "--offline")
    assert "## Rejected" in md and "### 550 5.7.26 — carol.recipient\\@gmail.com" in md
    assert "- **Who must act:** the sender's mail administrator" in md
    assert "## The returned message, analysed on its own" in md
    assert "### Delivery path (oldest hop first)" in md  # the original's, one level down
    html = _report("html", NDR, "--offline")
    assert "<h2>Rejected</h2>" in html and "<h3>550 5.7.26 — carol.recipient@gmail.com</h3>" in html
    assert "<h2>The returned message, analysed on its own</h2>" in html


def test_hostile_reply_is_inert_in_every_export(tmp_path: Path) -> None:
    hostile = b"<script>alert(1)</script> [x](javascript:alert(1)) \x1b]52;c;ZXZpbA==\x07"
    src = tmp_path / "hostile.eml"
    src.write_bytes(
        NDR.read_bytes().replace(
            b"Diagnostic-Code: smtp;550-5.7.26 This mail",
            b"Diagnostic-Code: smtp;550-5.7.26 " + hostile + b" This mail",
        )
    )
    html = _report("html", src, "--offline")
    assert "<script>" not in html and "&lt;script&gt;" in html
    md = _report("md", src, "--offline")
    assert "[x](javascript:" not in md and "\x1b" not in md and "\x07" not in md
    js = _report("json", src, "--offline")
    assert "\x1b" not in js and "\\x1b]52" in json.loads(js)["ndr"]["recipients"][0]["diagnostic"]
