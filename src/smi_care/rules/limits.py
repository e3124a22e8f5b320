"""Validators for the number fields of the policy objects: a policy refuses, at construction,
the values that would break the rule it configures (a count of 0 attempts, a negative number of
days, a block of 0 months), naming the class, the field, what was expected and what it got.

>>> import attrs
>>> @attrs.frozen
... class Example:
...     tries: int = attrs.field(default=3, validator=at_least(1))
>>> Example(0)
Traceback (most recent call last):
...
smi_care.domain.errors.ArgumentValueError: Example(tries=0): expected an integer of 1 or more
>>> Example("3")
Traceback (most recent call last):
...
smi_care.domain.errors.ArgumentTypeError: Example(tries='3'): got str, expected int
"""

from __future__ import annotations

from typing import Any

import attrs

from smi_care.domain.errors import ArgumentTypeError, ArgumentValueError


def check_at_least(where: str, name: str, value: Any, minimum: int) -> None:
    """Raise the library's argument error unless ``value`` is an ``int`` (not a bool) of
    ``minimum`` or more; ``where`` and ``name`` name the class (or function) and the field."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentTypeError(where, name, value, "int")
    if value < minimum:
        raise ArgumentValueError(where, name, value, f"an integer of {minimum} or more")


def at_least(minimum: int) -> Any:
    """An attrs validator: an ``int`` (not a bool) of ``minimum`` or more. Counts take
    ``at_least(1)``, days ``at_least(0)``, months ``at_least(1)``."""

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        check_at_least(type(instance).__name__, attribute.name, value, minimum)

    return validate


def each_at_least(minimum: int) -> Any:
    """An attrs validator for a non-empty tuple of ints, each ``minimum`` or more, in increasing order."""

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        where = type(instance).__name__
        if not isinstance(value, tuple) or not value:
            raise ArgumentTypeError(where, attribute.name, value, "a non-empty tuple of int")
        for i, item in enumerate(value):
            check_at_least(where, f"{attribute.name}[{i}]", item, minimum)
        if list(value) != sorted(set(value)):
            raise ArgumentValueError(where, attribute.name, value, "increasing values")

    return validate
