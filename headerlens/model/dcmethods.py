"""One shared __repr__/__eq__/__hash__ for the frozen model dataclasses."""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from operator import attrgetter
from typing import Any

_Key = Callable[[Any], tuple[Any, ...]]


def _getter(names: tuple[str, ...]) -> _Key:
    """A function returning the named attributes as a tuple (attrgetter returns a bare value for one)."""
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)


class _Plan:
    """What the stdlib would have generated for one class: the repr fields and the compare/hash keys."""

    __slots__ = ("compare", "hash", "repr_names")

    def __init__(self, cls: type) -> None:
        fields = dataclasses.fields(cls)
        self.repr_names = tuple(f.name for f in fields if f.repr)
        self.compare = _getter(tuple(f.name for f in fields if f.compare))
        # dataclasses hashes the fields whose hash= is True, or None with compare=True
        self.hash = _getter(
            tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        )


_PLANS: dict[type, _Plan] = {}


def _plan(cls: type) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _Plan(cls)
    return plan


class ModelMethods:
    """__repr__, __eq__ and __hash__ written once for every frozen model dataclass.

    Why: Python 3.11's dataclasses compile each generated method from source with its own exec,
    per class. About 20 model classes are loaded before the console's first frame; generating their
    repr/eq/hash cost ~37M instructions of the first paint (callgrind: 1428M -> 1391M, see
    bench/NOTES.md).
    The model classes are declared ``@dataclass(frozen=True, slots=True, repr=False, eq=False)``
    and inherit these instead; __init__ and the frozen __setattr__/__delattr__ stay generated
    (with eq=False dataclasses leaves __hash__ alone, so this class's __hash__ is the one used).

    These reproduce the stdlib's generated methods exactly: the repr is
    ``Qualname(a=..., b=...)`` over the fields with repr=True (``...`` on recursion); two
    instances are equal only when ``other.__class__ is self.__class__`` and their tuples of
    compare=True fields are equal, else NotImplemented; the hash is the hash of the tuple of the
    fields dataclasses hashes. tests/test_model_dcmethods.py compares every model dataclass with
    a stdlib-generated twin so this cannot drift.
    """

    __slots__ = ()

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        names = _plan(self.__class__).repr_names
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({inner})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            key = _plan(self.__class__).compare
            return key(self) == key(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(_plan(self.__class__).hash(self))
