"""Strict JSON types (docs/decisions.md, "Strict JSON types"): when plain data becomes a domain
value, a string is not a bool (``"false"`` is not False), a float is not an integer (90.7 is not
90), a bool is not a number, null is not a text, NaN and infinity are not numbers, and a date is
written YYYY-MM-DD. The hooks here are registered on every cattrs converter of the library.

>>> _strict_int(True, int)
Traceback (most recent call last):
...
smi_care.domain.json_types.JsonTypeError: expected an integer, got true or false (a bool)
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import Any

from smi_care.domain.errors import SmiCareError, cut


class JsonTypeError(SmiCareError, TypeError):
    """A JSON value of another type than the field's: names the JSON type expected and got (not
    the value, which may be an identifying field's)."""

    def __init__(self, expected: str, value: object) -> None:
        self.expected = expected
        self.got = json_type(value)
        super().__init__(f"expected {expected}, got {self.got}")


def json_type(value: object) -> str:
    """The JSON type of a value in words (``a string``, ``null``, ``NaN`` …).

    >>> json_type("0"), json_type(None), json_type(1.5), json_type(float("nan")), json_type([1, 2])
    ('a string', 'null', 'a number with a fraction (float)', 'NaN', 'a list')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false (a bool)"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "infinity"
        return "a number with a fraction (float)"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _strict_int(value: Any, _: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise JsonTypeError("an integer", value)


def _strict_float(value: Any, _: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value) if isinstance(value, float) else value
    raise JsonTypeError("a finite number", value)


def _strict_bool(value: Any, _: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise JsonTypeError("true or false", value)


def _strict_str(value: Any, _: Any) -> str:
    if isinstance(value, str):
        return value
    raise JsonTypeError("a string", value)


def from_text(kind: Callable[[str], Any]) -> Callable[[Any, Any], Any]:
    """A hook for a class built from its text (dates, area codes, identity numbers)."""

    def hook(value: Any, _: Any) -> Any:
        if not isinstance(value, str):
            raise JsonTypeError("a string", value)
        return kind(value)

    return hook


def _date(value: str) -> dt.date:
    """An ISO date, YYYY-MM-DD only (``fromisoformat`` also reads ``20250102`` and week dates)."""
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise ValueError(f"{cut(repr(value))} is not a date in the form YYYY-MM-DD")
    return dt.date.fromisoformat(value)


def strict_types(c: Any) -> None:
    """Register the strict JSON types on a cattrs converter (``structure()`` and the policies of
    partial results use them)."""
    c.register_structure_hook(int, _strict_int)
    c.register_structure_hook(float, _strict_float)
    c.register_structure_hook(bool, _strict_bool)
    c.register_structure_hook(str, _strict_str)
    c.register_structure_hook(dt.date, from_text(_date))
