"""The JSON contract's building blocks: one Shape per public object gives its serialiser and schema."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from headerlens.textsafe import inert

T = TypeVar("T")

# ISO 8601 with an explicit offset: a time without a zone cannot be compared with another.
_ZONED_TIME = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$"


class Kind:
    """How one JSON value is written, and its JSON Schema."""

    def dump(self, value: Any) -> Any:
        """The JSON-ready value."""
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        """The JSON Schema of the value."""
        raise NotImplementedError

    def shapes(self) -> Iterator[Shape[Any]]:
        """The object shapes this kind refers to (for the schema's $defs)."""
        return iter(())


class _Text(Kind):
    def dump(self, value: Any) -> Any:
        if not isinstance(value, str):
            raise TypeError(f"not a string: {value!r}")
        return inert(value, keep_newlines=True)

    def schema(self) -> dict[str, Any]:
        return {"type": "string"}


@dataclass(frozen=True)
class _Scalar(Kind):
    json_type: str
    accept: tuple[type, ...]

    def dump(self, value: Any) -> Any:
        # bool is an int to Python, not to JSON Schema: an int property never takes a bool
        if not isinstance(value, self.accept) or (
            self.json_type != "boolean" and isinstance(value, bool)
        ):
            raise TypeError(f"not a {self.json_type}: {value!r}")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": self.json_type}


class _Time(Kind):
    def dump(self, value: Any) -> Any:
        if not isinstance(value, datetime):
            raise TypeError(f"not a datetime: {value!r}")
        return value.isoformat()

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": _ZONED_TIME}


class _Seconds(Kind):
    def dump(self, value: Any) -> Any:
        if not isinstance(value, timedelta):
            raise TypeError(f"not a timedelta: {value!r}")
        return value.total_seconds()

    def schema(self) -> dict[str, Any]:
        return {"type": "number"}


@dataclass(frozen=True)
class Choice(Kind):
    """One member of an enum, written as its value (``by_name``: its name in lower case)."""

    members: type[enum.Enum]
    by_name: bool = False

    def _word(self, member: enum.Enum) -> str:
        return member.name.lower() if self.by_name else str(member.value)

    def dump(self, value: Any) -> Any:
        if not isinstance(value, self.members):
            raise TypeError(f"not a {self.members.__name__}: {value!r}")
        return self._word(value)

    def schema(self) -> dict[str, Any]:
        return {"enum": [self._word(m) for m in self.members]}


@dataclass(frozen=True)
class Opt(Kind):
    """The value, or null."""

    kind: Kind

    def dump(self, value: Any) -> Any:
        return None if value is None else self.kind.dump(value)

    def schema(self) -> dict[str, Any]:
        return {"anyOf": [{"type": "null"}, self.kind.schema()]}

    def shapes(self) -> Iterator[Shape[Any]]:
        return self.kind.shapes()


@dataclass(frozen=True)
class Many(Kind):
    """A list of values, in the model's order."""

    kind: Kind

    def dump(self, value: Any) -> Any:
        return [self.kind.dump(v) for v in value]

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": self.kind.schema()}

    def shapes(self) -> Iterator[Shape[Any]]:
        return self.kind.shapes()


class _Pair(Kind):
    def dump(self, value: Any) -> Any:
        key, val = value
        return [TEXT.dump(key), TEXT.dump(val)]

    def schema(self) -> dict[str, Any]:
        return {
            "type": "array",
            "prefixItems": [{"type": "string"}, {"type": "string"}],
            "items": False,
            "minItems": 2,
        }


@dataclass(frozen=True)
class Const(Kind):
    """A fixed value (the document's format name and schema version); the model is not read."""

    value: str

    def dump(self, value: Any) -> Any:
        return self.value

    def schema(self) -> dict[str, Any]:
        return {"const": self.value}


TEXT: Kind = _Text()
INT: Kind = _Scalar("integer", (int,))
NUMBER: Kind = _Scalar("number", (int, float))
BOOL: Kind = _Scalar("boolean", (bool,))
TIME: Kind = _Time()
SECONDS: Kind = _Seconds()
PAIR: Kind = _Pair()  # a (name, value) pair, written as a two-string array
OPT_TEXT: Kind = Opt(TEXT)
OPT_INT: Kind = Opt(INT)
OPT_BOOL: Kind = Opt(BOOL)
OPT_TIME: Kind = Opt(TIME)
TEXTS: Kind = Many(TEXT)
PAIRS: Kind = Many(PAIR)


@dataclass(frozen=True)
class P(Generic[T]):
    """One property: its public name, how to read it from the model object, its kind."""

    name: str
    get: Callable[[T], Any]
    kind: Kind
    doc: str = ""


@dataclass(frozen=True, eq=False)
class Shape(Generic[T]):
    """One public object: its name in the schema's $defs, a description, its properties."""

    name: str
    doc: str
    props: Sequence[P[T]]

    def dump(self, obj: T) -> dict[str, Any]:
        """The object as a JSON-ready dict: exactly the listed properties, in order."""
        return {p.name: p.kind.dump(p.get(obj)) for p in self.props}

    def schema(self) -> dict[str, Any]:
        """A closed object schema: every property required, no other property allowed."""
        props: dict[str, Any] = {}
        for p in self.props:
            props[p.name] = {**p.kind.schema(), **({"description": p.doc} if p.doc else {})}
        return {
            "type": "object",
            "description": self.doc,
            "properties": props,
            "required": [p.name for p in self.props],
            "additionalProperties": False,
        }


@dataclass(frozen=True)
class Obj(Kind):
    """An object of a shape (``late`` gives the shape on demand, for recursive shapes)."""

    shape: Shape[Any] | None = None
    late: Callable[[], Shape[Any]] | None = None

    def _shape(self) -> Shape[Any]:
        if self.shape is not None:
            return self.shape
        assert self.late is not None, "Obj needs a shape or a late shape"
        return self.late()

    def dump(self, value: Any) -> Any:
        return self._shape().dump(value)

    def schema(self) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{self._shape().name}"}

    def shapes(self) -> Iterator[Shape[Any]]:
        yield self._shape()


def definitions(root: Shape[Any]) -> dict[str, Any]:
    """Every shape reachable from ``root``, by name, as the schema's ``$defs``."""
    found: dict[str, Shape[Any]] = {}
    todo = [root]
    while todo:
        shape = todo.pop()
        if shape.name in found:
            if found[shape.name] is not shape:
                raise ValueError(f"two shapes are named {shape.name!r}")
            continue
        found[shape.name] = shape
        for p in shape.props:
            todo.extend(p.kind.shapes())
    return {name: found[name].schema() for name in sorted(found)}


def document_schema(root: Shape[Any], title: str, version: str) -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of a document whose top object is ``root``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "description": f"{root.doc} Contract version {version} (the document's schema_version).",
        "$ref": f"#/$defs/{root.name}",
        "$defs": definitions(root),
    }
