"""Small attrs validators whose errors name the class, the field, the value and the rule."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

import attrs

from smi_care.domain.errors import DomainError


def fail(instance: object, field: str, value: Any, rule: str) -> DomainError:
    """Build the error for ``instance``; the record is its patient_id where it has one, and a
    follow-up or event is named by its visit date or date (which of the patient's rows it is)."""
    record = getattr(instance, "patient_id", None)
    day = getattr(instance, "visit_date", None) or getattr(instance, "date", None)
    return DomainError(type(instance).__name__, field, value, rule, record if isinstance(record, str) else None,
                       day.isoformat() if isinstance(day, dt.date) else None)


def is_type(kind: type | tuple[type, ...], what: str) -> Any:
    """Validator: the value is an instance of ``kind`` (``what`` names it in plain words)."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise fail(instance, attribute.name, value, f"expected {what}")

    return check


def opt_type(kind: type | tuple[type, ...], what: str) -> Any:
    inner = is_type(kind, what)

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            inner(instance, attribute, value)

    return check


def is_date(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise fail(instance, attribute.name, value, "expected a date")


def opt_date(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        is_date(instance, attribute, value)


def members_of(kind: type, what: str) -> Any:
    """Validator for a frozenset whose members are all of ``kind``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, frozenset) or not all(isinstance(v, kind) for v in value):
            raise fail(instance, attribute.name, value, f"expected a set of {what}")

    return check


def int_between(lo: int, hi: int) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            raise fail(instance, attribute.name, value, f"expected a whole number from {lo} to {hi}")

    return check


def not_before(instance: object, later_field: str, later: dt.date | None, earlier_field: str,
               earlier: dt.date | None) -> None:
    """Raise when ``later`` is before ``earlier`` (both set)."""
    if later is not None and earlier is not None and later < earlier:
        raise fail(instance, later_field, later, f"must not be before {earlier_field} ({earlier.isoformat()})")


def amount(what: str) -> Any:
    """Validator: a finite number (int or float, not a bool) of 0 or more, e.g. a dose in mg
    (NaN, infinity and a negative dose are refused)."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value) or value < 0:
            raise fail(instance, attribute.name, value, f"expected {what}: a finite number, 0 or more")

    return check


def to_frozenset(values: Iterable[Any] | None) -> frozenset[Any]:
    """Converter: any iterable (or None) as a frozenset."""
    return frozenset(values or ())


def whole_at_least(lo: int) -> Any:
    """Validator of a policy's count or interval: a whole number (not a bool) of ``lo`` or more
    (counts >= 1, days >= 0, months >= 1); the error names the class, the field, the value
    given and what was expected."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or value < lo:
            raise fail(instance, attribute.name, value, f"expected a whole number, {lo} or more")

    return check


def text(what: str) -> Any:
    """Validator: a string that is not empty or blank."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            raise fail(instance, attribute.name, value, f"expected {what} (a text, not empty)")

    return check
