"""Every JSON report and domain check that any test makes is checked against the published schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jsonschema

from headerlens.report import jsonshape
from headerlens.report.json_check import CHECK_DOCUMENT
from headerlens.report.json_report import REPORT
from tests.paths import REPO

_SCHEMAS = {
    REPORT.name: REPO / "report" / "report.schema.json",
    CHECK_DOCUMENT.name: REPO / "report" / "check.schema.json",
}


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(_SCHEMAS[name].read_text(encoding="utf-8"))
    # the document's own object, so that a nested report (a bounce's original) is checked too
    return jsonschema.Draft202012Validator({**schema, "$ref": f"#/$defs/{name}"})


@contextmanager
def validating() -> Iterator[list[str]]:
    """While active, each report or check document built is validated as it is built; yields
    the names of the documents checked (a test can see that the hook ran)."""
    validators = {name: _validator(name) for name in _SCHEMAS}
    checked: list[str] = []
    original = jsonshape.Shape.dump

    def dump(self: jsonshape.Shape[Any], obj: Any) -> dict[str, Any]:
        doc = original(self, obj)
        validator = validators.get(self.name)
        if validator is not None and (self is REPORT or self is CHECK_DOCUMENT):
            error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
            if error is not None:
                where = "/".join(map(str, error.absolute_path))
                raise AssertionError(
                    f"{self.name} breaks its JSON Schema at {where}: {error.message}"
                )
            checked.append(self.name)
        return doc

    jsonshape.Shape.dump = dump  # type: ignore[method-assign]
    try:
        yield checked
    finally:
        jsonshape.Shape.dump = original  # type: ignore[method-assign]
