"""Short, readable reprs for the library's defaults, so that ``help(report)`` shows a signature
and not thousands of characters: a policy shows only the fields that differ from its defaults,
and a named constant tuple (the standard indicators, the national targets) shows its name.

>>> @short_repr
... @attrs.frozen
... class Intervals:
...     stable_months: int = 3
...     unstable_days: int = 14
>>> Intervals(), Intervals(unstable_days=7)
(Intervals(), Intervals(unstable_days=7))
>>> Named("DAYS", (1, 2)), Named("DAYS", (1, 2)) == (1, 2)
(DAYS, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import attrs

C = TypeVar("C", bound=type)
T = TypeVar("T")


def _default(a: attrs.Attribute[Any]) -> Any:
    d: Any = a.default
    factory = getattr(d, "factory", None)
    return factory() if factory is not None and not getattr(d, "takes_self", False) else d


def short_repr(cls: C) -> C:
    """Class decorator (on an attrs class): the repr names only the fields that differ from
    their defaults."""

    def __repr__(self: Any) -> str:
        shown = [f"{a.name}={getattr(self, a.name)!r}" for a in attrs.fields(type(self))
                 if a.repr and (a.default is attrs.NOTHING or getattr(self, a.name) != _default(a))]
        return f"{type(self).__name__}({', '.join(shown)})"

    cls.__repr__ = __repr__  # type: ignore[assignment]
    return cls


class Named(tuple):  # type: ignore[type-arg]
    """A constant tuple that shows its name as its repr; equal to the plain tuple of its items."""

    name: str

    def __new__(cls, name: str, items: Iterable[Any]) -> Named:
        obj = super().__new__(cls, items)
        obj.name = name
        return obj

    def __getnewargs__(self) -> tuple[Any, ...]:
        return (self.name, tuple(self))

    def __repr__(self) -> str:
        return self.name

