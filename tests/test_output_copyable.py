"""Output people copy: records to publish exactly as typed (Markdown, plain text, JSON), plain text
on a terminal, Markdown into a pipe. Over the lab DNS (Knot + Unbound)."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from headerlens.check_cmd import run_check
from headerlens.textsafe import md_code
from tests.dnslab import LabDns

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# What the lab zones make `check` ask for (tests/data/lab/zones, tests/data/dns/zones/mxcheck.test):
# fabrikam.com (a Trend Micro HES domain in the lab) has no EOP selectors and no MX;
# eop-wrong.mxcheck.test has no SPF record, no selectors and an MX that is not EOP.
RECORDS = {
    "fabrikam.com": [
        "fabrikam.com MX 0 fabrikam-com.mail.protection.outlook.com",
        "selector1._domainkey.fabrikam.com CNAME "
        "selector1-fabrikam-com._domainkey.<tenant>.onmicrosoft.com",
        "selector2._domainkey.fabrikam.com CNAME "
        "selector2-fabrikam-com._domainkey.<tenant>.onmicrosoft.com",
    ],
    "eop-wrong.mxcheck.test": [
        'eop-wrong.mxcheck.test TXT "v=spf1 include:spf.protection.outlook.com -all"',
        "eop-wrong.mxcheck.test MX 0 eop-wrong-mxcheck-test.mail.protection.outlook.com",
        "selector1._domainkey.eop-wrong.mxcheck.test CNAME "
        "selector1-eop-wrong-mxcheck-test._domainkey.<tenant>.onmicrosoft.com",
        "selector2._domainkey.eop-wrong.mxcheck.test CNAME "
        "selector2-eop-wrong-mxcheck-test._domainkey.<tenant>.onmicrosoft.com",
    ],
}


def _run(lab: LabDns, domain: str, fmt: str) -> str:
    out = io.StringIO()
    argv = [domain, "--provider", "eop", "--resolver", f"{lab.host}:{lab.port}", "--format", fmt]
    assert run_check(argv, out) == 0
    return out.getvalue()


@pytest.mark.dns
@pytest.mark.parametrize("domain", sorted(RECORDS))
def test_records_are_printed_exactly_as_typed(lab_dns: LabDns, domain: str) -> None:
    md = _run(lab_dns, domain, "md")
    text = _run(lab_dns, domain, "text")
    doc = json.loads(_run(lab_dns, domain, "json"))
    assert doc["check"]["records"] == RECORDS[domain]
    lines = text.splitlines()
    for record in RECORDS[domain]:
        assert f"- `{record}`" in md.splitlines()  # a code span: no \_ no &lt; no \~
        assert any(line.strip() == record for line in lines), text  # a whole line, byte for byte
    for bad in ("\\_", "&lt;", "\\~", "**"):
        assert bad not in text


def test_md_code_fences_backticks_and_controls() -> None:
    assert md_code("a b") == "`a b`"
    assert md_code("x`y") == "``x`y``"
    assert md_code("`x") == "`` `x ``"
    assert "\x1b" not in md_code("v=spf1 \x1b]2;T\x07 -all")


def _report_under(tty: bool) -> str:
    argv = [
        sys.executable,
        "-m",
        "headerlens",
        "report",
        "--dns-snapshot",
        str(EXAMPLES / "eop-to-gmail-pass.dns.json"),
        str(EXAMPLES / "eop-to-gmail-pass.eml"),
    ]
    if not tty:
        return subprocess.run(argv, capture_output=True, check=True, text=True).stdout
    pid, fd = pty.fork()
    if pid == 0:  # child: stdout is the pty
        os.execv(sys.executable, argv)
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode()


def test_report_is_plain_text_on_a_terminal_and_markdown_in_a_pipe() -> None:
    piped = _report_under(tty=False)
    assert piped.startswith("# headerlens report:") and "| SPF |" in piped
    on_tty = _report_under(tty=True)
    assert "# headerlens report" not in on_tty and "headerlens report:" in on_tty
    assert "\\_" not in on_tty and "&lt;" not in on_tty
    assert "\x1b" not in on_tty  # no colour or hyperlink escape sequences of ours
    assert "alice@contoso.com" in on_tty
