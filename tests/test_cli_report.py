"""`headerlens report` end to end over every corpus and lab message (no traceback, exit 0)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from headerlens.cli import EXIT_INPUT, EXIT_OK, main, run_report
from tests.paths import CORPUS, EXAMPLES, SHARED, corpus_messages, need_shared, shared_cases

MESSAGES = corpus_messages()


def _ids(p: Path) -> str:
    return str(p.relative_to(SHARED))


def test_corpus_is_present() -> None:
    need_shared()
    assert len(MESSAGES) >= 60


@pytest.mark.parametrize("path", shared_cases(MESSAGES), ids=_ids)
@pytest.mark.parametrize("fmt", ["md", "json"])
def test_every_message_reports(path: Path, fmt: str) -> None:
    out = io.StringIO()
    assert run_report(["--offline", "--format", fmt, str(path)], out) == EXIT_OK
    text = out.getvalue()
    if fmt == "json":
        doc = json.loads(text)
        assert doc["summary"]["hops"] == len(doc["analysis"]["chain"]["hops"])
    else:
        assert text.startswith("# headerlens report:")
    assert "\x1b" not in text


def test_input_file_is_never_modified(tmp_path: Path) -> None:
    src = tmp_path / "m.eml"
    data = (EXAMPLES / "eop-to-gmail-pass.eml").read_bytes()
    src.write_bytes(data)
    src.chmod(0o444)
    out = tmp_path / "ticket.md"
    assert run_report(["--offline", "-o", str(out), str(src)], io.StringIO()) == EXIT_OK
    assert src.read_bytes() == data
    assert out.read_text().startswith("# headerlens report:")
    assert run_report(["--offline", "-o", str(src), str(src)], io.StringIO()) == EXIT_INPUT
    assert src.read_bytes() == data


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"\x00\x01\x02binary\xff" * 100, "binary data"),
        (b"", "empty input"),
        (b"just some words\nwithout any header\n", "no header fields"),
    ],
    ids=["binary", "empty", "not-mail"],
)
def test_bad_input_is_one_clear_line(
    tmp_path: Path, content: bytes, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "bad"
    f.write_bytes(content)
    assert main(["report", "--offline", str(f)]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert needle in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_missing_file_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--offline", str(tmp_path / "nope.eml")]) == EXIT_INPUT
    assert main(["report", "--offline", str(tmp_path)]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "No such file" in err
    assert "directory" in err


def test_stdin_and_module_entry_point() -> None:
    data = (EXAMPLES / "eop-to-gmail-headers-only.txt").read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "headerlens", "report", "--offline", "--format", "json", "-"],
        input=data,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["kind"] == "headers"
    assert doc["summary"]["has_body"] is False
    assert doc["summary"]["hops"] == 6


def test_headless_report_does_not_import_textual() -> None:
    code = (
        "import sys, io\n"
        "from headerlens.cli import run_report\n"
        f"run_report(['--offline', {str(EXAMPLES / 'eop-to-gmail-pass.eml')!r}], io.StringIO())\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert proc.stdout.strip() == ""


def test_help_is_useful(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["report", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--format" in out
    assert "examples:" in out


def test_corpus_root_exists_for_ci() -> None:
    need_shared()
    assert (CORPUS / "EXPECTED.tsv").is_file()


def test_outputs_never_overwrite_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "m.eml"
    data = (EXAMPLES / "eop-to-gmail-pass.eml").read_bytes()
    src.write_bytes(data)
    assert main(["report", "--offline", "--save-dns", str(src), str(src)]) == EXIT_INPUT
    assert main(["report", "--offline", "-o", str(src), str(src)]) == EXIT_INPUT
    assert src.read_bytes() == data
    assert (
        main(["report", "--offline", "--save-dns", str(tmp_path / "no" / "x.json"), str(src)])
        == EXIT_INPUT
    )
    err = capsys.readouterr().err
    assert "refusing to overwrite" in err
    assert "cannot write the DNS log" in err
    assert "internal error" not in err


def test_error_lines_are_inert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--offline", str(tmp_path / "x\x1b[31mred.eml")]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "\\x1b[31mred" in err


@pytest.mark.parametrize(
    "args",
    [["a..b"], ["contoso.com:25"], ["contoso.com", "--ip", "999.1.1.1"], ["x" * 70 + ".com"]],
    ids=["empty-label", "port", "bad-ip", "long-label"],
)
def test_check_rejects_bad_arguments(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", "--offline", *args])
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["inf", "1e309", "nan", "0", "-1", "61"])
@pytest.mark.parametrize("command", [["report"], ["check"], []], ids=["report", "check", "console"])
def test_timeout_must_be_finite(
    value: str, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # --timeout inf / 1e309 / nan were accepted and switched the analysis deadline off
    target = "contoso.com" if command == ["check"] else str(EXAMPLES / "eop-to-gmail-pass.eml")
    with pytest.raises(SystemExit) as exc:
        main([*command, "--resolver", "127.0.0.1:9", "--timeout", value, target])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--timeout" in err, err


def test_small_input_is_read_without_a_cap_sized_buffer(tmp_path: Path) -> None:
    # read(cap + 1) allocated a 25 MiB buffer for every input: 160x a 160 KB message
    import tracemalloc

    from headerlens.source import load

    path = tmp_path / "small.eml"
    path.write_bytes((EXAMPLES / "eop-to-gmail-pass.eml").read_bytes())
    tracemalloc.start()
    try:
        loaded = load(str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert loaded.data == path.read_bytes()
    assert peak < 4 * len(loaded.data) + 64 * 1024, f"{peak:,} bytes to read {len(loaded.data):,}"
