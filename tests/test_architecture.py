"""Layer rules: the pure layers import no UI, no DNS and no I/O libraries.

import-linter enforces the static contracts in pyproject.toml (run by scripts/test.sh); this
test checks the same at run time, which also catches imports hidden inside functions.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

# (socket and urllib are not listed: the standard library email package imports them unused.)
FORBIDDEN = (
    "textual",
    "rich",
    "dns",
    "dkim",
    "extract_msg",
    "asyncio",
    "subprocess",
    "publicsuffixlist",
)

PURE_MODULES = [
    "headerlens.model",
    "headerlens.parsers.headers",
    "headerlens.analyze",
    "headerlens.diagnosis",
    "headerlens.diagnosis.findings_build",  # the findings moved out of the live checks
]


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_layer_imports_nothing_forbidden(module: str) -> None:
    code = (
        "import sys, pathlib\n"
        f"import {module}\n"
        "from headerlens.analyze import analyze\n"
        "analyze(pathlib.Path(sys.argv[1]).read_bytes())\n"
        f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})))\n"
    )
    from tests.paths import EXAMPLES

    proc = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLES / "eop-to-gmail-pass.eml")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert proc.stdout.strip() == "", f"{module} pulled in: {proc.stdout.strip()}"


def test_single_top_level_package() -> None:
    import headerlens.parsers

    assert headerlens.parsers.__name__ == "headerlens.parsers"
    # (scripts/test.sh also checks that the built package puts only `headerlens` at the top.)


def test_report_layer_renders_without_dns_or_console() -> None:
    # report/ renders the model and the diagnosis: an offline Markdown, JSON and HTML report of
    # an analysis loads neither DNS, the evaluators' libraries nor the console
    code = (
        "import sys, pathlib\n"
        "from headerlens.analyze import analyze\n"
        "from headerlens.report.html import render_html\n"
        "from headerlens.report.json_report import render_json\n"
        "from headerlens.report.markdown import render_markdown\n"
        "a = analyze(pathlib.Path(sys.argv[1]).read_bytes())\n"
        "assert render_markdown(a, None) and render_json(a, None) and render_html(a, None)\n"
        "bad = ('textual', 'dns', 'dkim', 'publicsuffixlist', 'asyncio')\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in bad)))\n"
    )
    from tests.paths import EXAMPLES

    proc = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLES / "eop-to-gmail-pass.eml")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert proc.stdout.strip() == "", f"report pulled in: {proc.stdout.strip()}"


def test_python_m_headerlens_runs_from_the_checkout_without_an_import_hook() -> None:
    # headerlens/__init__.py lets the root's layer folders answer for headerlens.<layer> when
    # the checkout's headerlens/ is imported directly (README, Architecture): here with -S, so
    # no editable-install hook is loaded, and only the dependencies' site-packages on the path
    import os
    from pathlib import Path

    from tests.paths import EXAMPLES, REPO

    deps = [p for p in sys.path if p and Path(p).resolve() != REPO]  # not the checkout itself
    env = {"PYTHONPATH": os.pathsep.join(deps), "PATH": os.environ.get("PATH", "")}
    proc = subprocess.run(
        [
            sys.executable,
            "-S",
            "-m",
            "headerlens",
            "report",
            "--offline",
            "--format",
            "json",
            str(EXAMPLES / "eop-to-gmail-pass.eml"),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert '"schema_version"' in proc.stdout
    probe = subprocess.run(
        [sys.executable, "-S", "-c", "import headerlens.dnsclient as m; print(m.__file__)"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert probe.stdout.strip() == str(REPO / "dnsclient" / "__init__.py")
