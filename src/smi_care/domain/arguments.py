"""Arguments of the public functions are checked against their type hints (docs/decisions.md,
"Arguments of the public functions").

The policy is one: a public rule or indicator function takes the domain's types and refuses
anything else with :class:`~smi_care.domain.errors.ArgumentTypeError` (a ``TypeError``) that
names the function, the parameter, the type given, the type expected and the way to convert.
It never guesses: ``1`` is not taken for ``Classification.UNSTABLE``, a string not for a date.
Codes from a form are converted explicitly, with ``Classification.from_code(1)``.

:func:`checked` reads a function's type hints once, on its first call, and builds one small
check per parameter; a call then costs one ``isinstance`` per argument (and one per element of
a list given for an ``Iterable[...]`` parameter).

>>> import datetime as dt
>>> @checked
... def days_after(day: dt.date, days: int) -> dt.date:
...     return day + dt.timedelta(days=days)
>>> days_after(dt.date(2025, 1, 1), 3)
datetime.date(2025, 1, 4)
>>> days_after("2025-01-01", 3)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
smi_care.domain.errors.ArgumentTypeError: days_after(day='2025-01-01'): got str, expected date; convert with ...
"""

from __future__ import annotations

import collections.abc as abc
import datetime as dt
import enum
import functools
import inspect
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar

import attrs

from smi_care.domain.codes import CodedEnum
from smi_care.domain.errors import ArgumentTypeError, CodeError, quoted

P = ParamSpec("P")
R = TypeVar("R")

#: A check: None when the value fits, else (where inside the value, the offending value, what was expected).
Check = Callable[[object], "tuple[str, object, str] | None"]

_ITERABLES = {abc.Iterable, abc.Sequence, abc.Collection, abc.Set, abc.MutableSequence, list, tuple, set, frozenset}


def _name(hint: Any) -> str:
    if hint is type(None):
        return "None"
    if isinstance(hint, type):
        return hint.__name__
    return str(hint).replace("typing.", "").replace("collections.abc.", "").replace("datetime.", "")


def _is_date(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _class_check(cls: type) -> Check | None:
    """The check of a plain class (None: nothing to check, e.g. a protocol or ``object``)."""
    if cls is object or getattr(cls, "_is_protocol", False):
        return None
    if cls is dt.date:
        return lambda v: None if _is_date(v) else ("", v, "date")
    if cls is int:
        return lambda v: None if isinstance(v, int) and not isinstance(v, bool) else ("", v, "int")
    if cls is float:
        return lambda v: None if isinstance(v, int | float) and not isinstance(v, bool) else ("", v, "float")
    name = cls.__name__
    return lambda v: None if isinstance(v, cls) else ("", v, name)


def _union_check(parts: list[Check | None], expected: str) -> Check | None:
    if any(p is None for p in parts):
        return None
    checks = [p for p in parts if p is not None]

    def check(v: object) -> tuple[str, object, str] | None:
        failures = [c(v) for c in checks]
        if any(f is None for f in failures):
            return None
        inner = [f for f in failures if f is not None and f[0]]  # a collection whose element is wrong
        return inner[0] if inner else ("", v, expected)

    return check


def _iterable_check(item: Check | None, expected: str) -> Check:
    def check(v: object) -> tuple[str, object, str] | None:
        if isinstance(v, str | bytes | Mapping) or not isinstance(v, abc.Iterable):
            return ("", v, expected)
        if item is not None and isinstance(v, list | tuple | set | frozenset):
            for i, x in enumerate(v):
                bad = item(x)
                if bad is not None:
                    return (f"[{i}]{bad[0]}", bad[1], bad[2])
        return None

    return check


def check_for(hint: Any) -> Check | None:
    """The check of one type hint (None: any value passes)."""
    if hint is Any or isinstance(hint, TypeVar):
        return None
    if hint is None or hint is type(None):
        return lambda v: None if v is None else ("", v, "None")
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _union_check([check_for(a) for a in args], " or ".join(_name(a) for a in args))
    if origin is abc.Callable:
        return lambda v: None if callable(v) else ("", v, "a function")
    if origin in (dict, abc.Mapping):
        return lambda v: None if isinstance(v, Mapping) else ("", v, "a mapping")
    if origin is typing.Literal:
        allowed = set(args)
        return lambda v: None if v in allowed else ("", v, " or ".join(repr(a) for a in args))
    if origin in _ITERABLES:
        inner = args[0] if args else Any
        item = check_for(inner)
        return _iterable_check(item, f"an iterable of {_name(inner)}")
    if origin is not None:
        return check_for(origin)
    if isinstance(hint, type):
        return _class_check(hint)
    return None


def advice_for(hint: Any, value: object) -> str:
    """How to turn ``value`` into the expected type, in words (empty when there is no simple way)."""
    classes = [a for a in (typing.get_args(hint) or (hint,)) if isinstance(a, type)]
    for cls in classes:
        if issubclass(cls, CodedEnum) and isinstance(value, int | str) and not isinstance(value, bool):
            try:
                cls.from_code(value)
            except CodeError:
                return f"convert an official code with {cls.__name__}.from_code(code); codes: {cls.expected()}"
            return f"convert with {cls.__name__}.from_code({value!r})"
        if issubclass(cls, enum.Enum) and isinstance(value, str):
            if value in {m.value for m in cls}:
                return f"convert with {cls.__name__}({value!r})"
            return f"members: {', '.join(f'{cls.__name__}.{m.name}' for m in cls)}"
        if cls is dt.date and isinstance(value, dt.datetime):
            return "pass its .date()"
        if cls is dt.date and isinstance(value, str):
            return f"convert with datetime.date.fromisoformat({quoted(value)})"
        if cls is int and isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return f"convert with int({quoted(value)})"
        if attrs.has(cls) and isinstance(value, Mapping):
            return f"build a {cls.__name__} (from JSON: smi_care.serial.structure(data, {cls.__name__}))"
    return ""


#: One checked parameter: (position or -1, name, the type a value passes at once when it is exactly
#: of it, the check, the hint).
_Entry = tuple[int, str, "type | None", Check, Any]


def _fast(hint: Any) -> type | None:
    """The type whose exact instances pass without the full check (the common, correct call)."""
    classes = [a for a in (typing.get_args(hint) or (hint,)) if isinstance(a, type) and a is not type(None)]
    first = classes[0] if classes else None
    if first is None or typing.get_origin(hint) not in (None, typing.Union, types.UnionType):
        return None
    return first


@attrs.frozen
class _Plan:
    positional: tuple[_Entry, ...]  # checked parameters that can be given by position
    by_name: Mapping[str, _Entry]  # every checked parameter


def _plan(fn: Callable[..., Any], skip: frozenset[str]) -> _Plan:
    hints = typing.get_type_hints(fn)
    params = inspect.signature(fn).parameters
    entries: dict[str, _Entry] = {}
    for i, (name, param) in enumerate(params.items()):
        if name in skip or name not in hints:
            continue
        check = check_for(hints[name])
        if check is not None:
            at = i if param.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD) else -1
            entries[name] = (at, name, _fast(hints[name]), check, hints[name])
    return _Plan(tuple(e for e in entries.values() if e[0] >= 0), entries)


def checked_with(*, if_none: Mapping[str, str] | None = None, advice: Mapping[str, str] | None = None,
                 skip: abc.Collection[str] = ()) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """:func:`checked` with words for a parameter given None where None is refused (``if_none``:
    parameter -> what to do instead), words for any wrong value of a parameter (``advice``, e.g.
    the parser of its text form), and parameters left unchecked (``skip``: a parameter that
    takes several unrelated kinds, dispatched inside the function)."""
    extra = dict(if_none or {})
    always = dict(advice or {})
    skipped = frozenset(skip)

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        plan: list[_Plan] = []
        title = fn.__name__

        def fail(name: str, value: object, bad: tuple[str, object, str], hint: Any) -> ArgumentTypeError:
            where, offending, expected = bad
            words = [w for w in (always.get(name) or (advice_for(hint, offending) if not where else ""),
                                 extra.get(name, "") if value is None else "") if w]
            if where:
                return ArgumentTypeError(title, name + where, offending, expected, "; ".join(words))
            return ArgumentTypeError(title, name, value, expected, "; ".join(words))

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            p = plan[0] if plan else _first(plan)
            n = len(args)
            for at, name, fast, check, hint in p.positional:
                if at < n:
                    value = args[at]
                    if type(value) is not fast:
                        bad = check(value)
                        if bad is not None:
                            raise fail(name, value, bad, hint)
            if kwargs:
                for name, value in kwargs.items():
                    entry = p.by_name.get(name)
                    if entry is not None and type(value) is not entry[2]:
                        bad = entry[3](value)
                        if bad is not None:
                            raise fail(name, value, bad, entry[4])
            return fn(*args, **kwargs)

        def _first(box: list[_Plan]) -> _Plan:
            box.append(_plan(fn, skipped))
            return box[0]

        wrapper.__checked__ = True  # type: ignore[attr-defined]
        return wrapper

    return decorate


def checked(fn: Callable[P, R]) -> Callable[P, R]:
    """Check every argument of ``fn`` against its type hint on each call (see the module)."""
    return checked_with()(fn)


def is_checked(fn: object) -> bool:
    """Whether a function's arguments are checked (for the test that every public one is)."""
    return bool(getattr(fn, "__checked__", False))


def typed(hint: Any) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """An attrs validator: the field's value fits ``hint``, else :class:`ArgumentTypeError`
    naming the class and the field (for values built by callers from their own data, such as
    risk observations).

    >>> from smi_care.domain.codes import Insight
    >>> @attrs.frozen
    ... class Seen:
    ...     insight: Insight = attrs.field(validator=typed(Insight))
    >>> Seen(3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    smi_care.domain.errors.ArgumentTypeError: Seen(insight=3): got int, expected Insight; convert with Insight.from_code(3)
    """
    check = check_for(hint)

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        bad = check(value) if check is not None else None
        if bad is not None:
            raise ArgumentTypeError(type(instance).__name__, attribute.name + bad[0], bad[1], bad[2],
                                    advice_for(hint, bad[1]))

    return validate
