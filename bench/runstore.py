"""The stored console runs: which code each one measured, the newest MAX_RUNS kept."""

from __future__ import annotations

import subprocess
import time
import tomllib
from pathlib import Path
from typing import Any

__all__ = ["MAX_RUNS", "code_version", "keep_run"]

ROOT = Path(__file__).resolve().parent.parent  # the checkout, as in bench/run.py


def code_version() -> str:
    """The commit measured, with ``+changes`` when the package's files differ from it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "?"
    dirs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    changed = git("status", "--porcelain", "--", *dirs["package-dir"].values())
    return f"{head}+changes" if changed else head


MAX_RUNS = 12  # console runs kept in results.json; the verdict pools those of the newest's code


def keep_run(
    data: dict[str, Any], console_data: dict[str, Any], rounds: int, load: list[Any]
) -> None:
    """Store one console run beside the earlier ones: the first-paint verdict pools the rounds
    of every stored run of the same code (bench/paint.py), as one 7-round run decides nothing
    on a shared machine."""
    run = {
        "date": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "code": code_version(),
        "rounds": rounds,
        "load": load,
        "console": console_data,
    }
    data["console_runs"] = [*data.get("console_runs", []), run][-MAX_RUNS:]
