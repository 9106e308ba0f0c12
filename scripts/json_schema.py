"""Write the published JSON Schemas (report/report.schema.json, report/check.schema.json).

The schemas are generated from the serialisers (report/json_*.py), so the two cannot drift;
tests/test_json_contract.py fails when a committed file differs from what this script writes.
Run after changing the contract: .venv/bin/python scripts/json_schema.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from headerlens.report.json_check import SCHEMA_FILE as CHECK_FILE
from headerlens.report.json_check import check_schema
from headerlens.report.json_report import SCHEMA_FILE as REPORT_FILE
from headerlens.report.json_report import report_schema

REPORT_DIR = Path(__file__).resolve().parent.parent / "report"


def schema_text(schema: dict[str, Any]) -> str:
    """The file's exact text."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    for name, schema in ((REPORT_FILE, report_schema()), (CHECK_FILE, check_schema())):
        (REPORT_DIR / name).write_text(schema_text(schema), encoding="utf-8")
        print(f"wrote report/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
