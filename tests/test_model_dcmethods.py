"""The shared model __repr__/__eq__/__hash__ give what the stdlib-generated methods give."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from typing import Any

import pytest

import headerlens.model
from headerlens.model.dcmethods import ModelMethods


def _model_dataclasses() -> list[type]:
    found: dict[str, type] = {}
    for info in pkgutil.iter_modules(headerlens.model.__path__):
        module = importlib.import_module(f"headerlens.model.{info.name}")
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and dataclasses.is_dataclass(obj)
                and obj.__module__ == module.__name__
            ):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[name] for name in sorted(found)]


MODEL_CLASSES = _model_dataclasses()


def _twin(cls: type) -> type:
    """The same fields under a plain ``dataclass(frozen=True)``: the stdlib generates the methods."""
    specs = []
    for f in dataclasses.fields(cls):
        copy = dataclasses.field(init=f.init, repr=f.repr, hash=f.hash, compare=f.compare)
        specs.append((f.name, Any, copy))
    twin = dataclasses.make_dataclass(cls.__name__, specs, frozen=True)
    twin.__qualname__ = cls.__qualname__
    return twin


def _build(cls: type, values: dict[str, object]) -> Any:
    obj = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(obj, name, value)
    return obj


def test_the_model_has_dataclasses_to_check() -> None:
    names = {cls.__name__ for cls in MODEL_CLASSES}
    assert {"HeaderField", "Defect", "Analysis", "AuthResults"} <= names
    assert len(MODEL_CLASSES) >= 50


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__qualname__)
def test_every_model_dataclass_uses_the_shared_methods(cls: type) -> None:
    # A class with generated methods would cost the first paint its compiles again.
    assert issubclass(cls, ModelMethods)
    assert cls.__repr__ is ModelMethods.__repr__
    assert cls.__eq__ is ModelMethods.__eq__
    assert cls.__hash__ is ModelMethods.__hash__
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    assert params.frozen
    assert "__dict__" not in dir(_build(cls, {}))  # slots kept: the mixin adds no __dict__


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__qualname__)
def test_repr_eq_hash_match_the_stdlib_generated_ones(cls: type) -> None:
    twin = _twin(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    base = {name: f"value-{i}" for i, name in enumerate(names)}
    ours, theirs = _build(cls, base), _build(twin, base)
    assert repr(ours) == repr(theirs)
    assert hash(ours) == hash(theirs)
    assert ours == _build(cls, dict(base))
    assert ours.__eq__(theirs) is NotImplemented  # another class, however alike
    assert ours.__eq__("value-0") is NotImplemented
    for name in names:
        changed = {**base, name: ("other", 1)}
        ours2, theirs2 = _build(cls, changed), _build(twin, changed)
        assert repr(ours2) == repr(theirs2)
        assert (ours == ours2) == (theirs == theirs2)
        assert (ours != ours2) == (theirs != theirs2)
        assert hash(ours2) == hash(theirs2)


def test_a_field_left_out_of_repr_and_compare_stays_out() -> None:
    from headerlens.model.core import HeaderField

    one = HeaderField(0, "Subject", "x", b"Subject: x\r\n")
    other = _build(
        HeaderField,
        {"index": 0, "name": "Subject", "value": "x", "raw": b"Subject: x\r\n", "lname": "?"},
    )
    assert "lname" not in repr(one)
    assert one == other and hash(one) == hash(other)
    assert {one: 1}[other] == 1


def test_recursive_repr_is_cut_like_the_stdlib() -> None:
    cls = next(c for c in MODEL_CLASSES if any(f.repr for f in dataclasses.fields(c)))
    name = next(f.name for f in dataclasses.fields(cls) if f.repr)
    twin = _twin(cls)
    ours = _build(cls, {f.name: None for f in dataclasses.fields(cls)})
    theirs = _build(twin, {f.name: None for f in dataclasses.fields(cls)})
    object.__setattr__(ours, name, [ours])
    object.__setattr__(theirs, name, [theirs])
    assert repr(ours) == repr(theirs)
    assert "[...]" in repr(ours)
