"""Conditions as data: a small expression language over a patient's facts.

An indicator's numerator and denominator are made of conditions, and each condition is an
expression over the named facts of :mod:`smi_care.indicators.facts` (``registered``,
``completed_count``, ``last_class`` …). An expression is a frozen value: it can be printed,
compared, pickled for a worker process, written as JSON, and it lists the facts it reads. Two
engines run the *same* expression:

- :meth:`Expr.evaluate` on one patient's facts (a mapping of fact name to value) — the audit,
  and an app that asks about a single record;
- :meth:`Expr.to_polars` compiled to a polars column expression over the table of facts of
  every patient — the province-scale path.

A rule is therefore written once. Code lists compare by their official code, so a condition
can be written with the domain's enums:

>>> from smi_care.domain.codes import Classification
>>> stable = fact("last_class") == Classification.STABLE
>>> stable
Cmp(op='==', left=Fact(name='last_class'), right=Lit(value=3))
>>> stable.evaluate({"last_class": 3}), stable.evaluate({"last_class": None})
(True, False)
>>> sorted((stable & ~fact("lost")).columns())
['last_class', 'lost']
>>> expr_from_data(stable.to_data()).same(stable)
True

A missing value (None, a null cell) never satisfies a comparison or a set test, and
``~`` negates the *result*: ``~(fact("x") == 1)`` holds when x is missing, in both engines.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from smi_care.domain.codes import CodedEnum
from smi_care.domain.errors import SmiCareError

if TYPE_CHECKING:
    import polars as pl

Value = bool | int | float | str | dt.date | None


class ExprError(SmiCareError, ValueError):
    """An expression that cannot be built, read or evaluated."""


def _plain(value: object) -> Value:
    """Code-list members become their official code; other values must be plain."""
    if isinstance(value, CodedEnum):
        code: int = value.code
        return code
    if value is None or isinstance(value, bool | int | float | str | dt.date):
        return value
    raise ExprError(f"a literal in an expression must be a code, a number, a text, a date or None, "
                    f"not {type(value).__name__} {value!r}")


def _as_expr(value: object) -> Expr:
    return value if isinstance(value, Expr) else Lit(_plain(value))


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


@attrs.frozen(eq=False)
class Expr:
    """Base of every expression node. ``==``, ``<`` … build comparisons, ``&``, ``|`` and ``~``
    combine conditions; equality of two expressions is :meth:`same`."""

    def evaluate(self, facts: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    def to_polars(self) -> pl.Expr:
        raise NotImplementedError

    def columns(self) -> frozenset[str]:
        """The facts this expression reads."""
        raise NotImplementedError

    def to_data(self) -> Any:
        raise NotImplementedError

    def same(self, other: object) -> bool:
        return isinstance(other, Expr) and type(self) is type(other) and self.to_data() == other.to_data()

    def __hash__(self) -> int:
        return hash(repr(self.to_data()))

    # comparisons build expressions; mypy sees them as returning Expr, not bool
    def __eq__(self, other: object) -> Expr:  # type: ignore[override]
        return Cmp("==", self, _as_expr(other))

    def __ne__(self, other: object) -> Expr:  # type: ignore[override]
        return Cmp("!=", self, _as_expr(other))

    def __lt__(self, other: object) -> Expr:
        return Cmp("<", self, _as_expr(other))

    def __le__(self, other: object) -> Expr:
        return Cmp("<=", self, _as_expr(other))

    def __gt__(self, other: object) -> Expr:
        return Cmp(">", self, _as_expr(other))

    def __ge__(self, other: object) -> Expr:
        return Cmp(">=", self, _as_expr(other))

    def __and__(self, other: Expr) -> Expr:
        return AllOf((self, other))

    def __or__(self, other: Expr) -> Expr:
        return AnyOf((self, other))

    def __invert__(self) -> Expr:
        return Not(self)

    def is_in(self, values: Iterable[object]) -> Expr:
        """True when the value is one of ``values`` (codes or plain values)."""
        return IsIn(self, tuple(_plain(v) for v in values))

    def is_null(self) -> Expr:
        return IsNull(self)


def fact(name: str) -> Fact:
    """The fact called ``name`` (a column of the facts table)."""
    return Fact(name)


@attrs.frozen(eq=False, repr=True)
class Fact(Expr):
    name: str

    def evaluate(self, facts: Mapping[str, Any]) -> Any:
        try:
            return _plain(facts[self.name])
        except KeyError:
            raise ExprError(f"the facts have no {self.name!r}; known: {', '.join(sorted(facts))}") from None

    def to_polars(self) -> pl.Expr:
        import polars as pl

        return pl.col(self.name)

    def columns(self) -> frozenset[str]:
        return frozenset({self.name})

    def to_data(self) -> Any:
        return {"fact": self.name}


@attrs.frozen(eq=False, repr=True)
class Lit(Expr):
    value: Value = attrs.field(converter=_plain)

    def evaluate(self, facts: Mapping[str, Any]) -> Any:
        return self.value

    def to_polars(self) -> pl.Expr:
        import polars as pl

        return pl.lit(self.value)

    def columns(self) -> frozenset[str]:
        return frozenset()

    def to_data(self) -> Any:
        v = self.value
        return {"date": v.isoformat()} if isinstance(v, dt.date) else {"lit": v}


def _check_op(instance: object, attribute: object, value: str) -> None:
    if value not in _OPS:
        raise ExprError(f"comparison {value!r} is not one of {', '.join(_OPS)}")


@attrs.frozen(eq=False, repr=True)
class Cmp(Expr):
    """A comparison; a missing value on either side makes it false."""

    op: str = attrs.field(validator=_check_op)
    left: Expr
    right: Expr

    def evaluate(self, facts: Mapping[str, Any]) -> bool:
        a, b = self.left.evaluate(facts), self.right.evaluate(facts)
        if a is None or b is None:
            return False
        return bool(_OPS[self.op](a, b))

    def to_polars(self) -> pl.Expr:
        a, b = self.left.to_polars(), self.right.to_polars()
        out: Any = _OPS[self.op](a, b)  # polars overloads the operators: a column expression
        return out.fill_null(False)  # type: ignore[no-any-return]

    def columns(self) -> frozenset[str]:
        return self.left.columns() | self.right.columns()

    def to_data(self) -> Any:
        return {"cmp": self.op, "left": self.left.to_data(), "right": self.right.to_data()}


@attrs.frozen(eq=False, repr=True)
class IsIn(Expr):
    """Membership in a set of codes or values; a missing value is in no set."""

    operand: Expr
    values: tuple[Value, ...]

    def evaluate(self, facts: Mapping[str, Any]) -> bool:
        v = self.operand.evaluate(facts)
        return v is not None and v in self.values

    def to_polars(self) -> pl.Expr:
        import polars as pl

        return self.operand.to_polars().is_in(pl.lit(list(self.values))).fill_null(False)

    def columns(self) -> frozenset[str]:
        return self.operand.columns()

    def to_data(self) -> Any:
        return {"in": self.operand.to_data(), "values": list(self.values)}


@attrs.frozen(eq=False, repr=True)
class IsNull(Expr):
    operand: Expr

    def evaluate(self, facts: Mapping[str, Any]) -> bool:
        return self.operand.evaluate(facts) is None

    def to_polars(self) -> pl.Expr:
        return self.operand.to_polars().is_null()

    def columns(self) -> frozenset[str]:
        return self.operand.columns()

    def to_data(self) -> Any:
        return {"null": self.operand.to_data()}


def _flatten(kind: type[AllOf] | type[AnyOf], parts: Iterable[Expr]) -> tuple[Expr, ...]:
    out: list[Expr] = []
    for p in parts:
        if not isinstance(p, Expr):
            raise ExprError(f"a condition must be an expression, not {type(p).__name__} {p!r}")
        out.extend(p.parts if isinstance(p, kind) else (p,))
    return tuple(out)


def _all_parts(parts: Iterable[Expr]) -> tuple[Expr, ...]:
    return _flatten(AllOf, parts)


def _any_parts(parts: Iterable[Expr]) -> tuple[Expr, ...]:
    return _flatten(AnyOf, parts)


@attrs.frozen(eq=False, repr=True)
class AllOf(Expr):
    """Every part holds (true when there is no part)."""

    parts: tuple[Expr, ...] = attrs.field(converter=_all_parts)

    def evaluate(self, facts: Mapping[str, Any]) -> bool:
        return all(_truth(p.evaluate(facts)) for p in self.parts)

    def to_polars(self) -> pl.Expr:
        import polars as pl

        return pl.all_horizontal([_bool(p) for p in self.parts]) if self.parts else pl.lit(True)

    def columns(self) -> frozenset[str]:
        return frozenset().union(*(p.columns() for p in self.parts))

    def to_data(self) -> Any:
        return {"all": [p.to_data() for p in self.parts]}


@attrs.frozen(eq=False, repr=True)
class AnyOf(Expr):
    """At least one part holds (false when there is no part)."""

    parts: tuple[Expr, ...] = attrs.field(converter=_any_parts)

    def evaluate(self, facts: Mapping[str, Any]) -> bool:
        return any(_truth(p.evaluate(facts)) for p in self.parts)

    def to_polars(self) -> pl.Expr:
        import polars as pl

        return pl.any_horizontal([_bool(p) for p in self.parts]) if self.parts else pl.lit(False)

    def columns(self) -> frozenset[str]:
        return frozenset().union(*(p.columns() for p in self.parts))

    def to_data(self) -> Any:
        return {"any": [p.to_data() for p in self.parts]}


@attrs.frozen(eq=False, repr=True)
class Not(Expr):
    operand: Expr

    def evaluate(self, facts: Mapping[str, Any]) -> bool:
        return not _truth(self.operand.evaluate(facts))

    def to_polars(self) -> pl.Expr:
        return ~_bool(self.operand)

    def columns(self) -> frozenset[str]:
        return self.operand.columns()

    def to_data(self) -> Any:
        return {"not": self.operand.to_data()}


def _truth(value: Any) -> bool:
    """A fact used as a condition: missing is false."""
    return bool(value) if value is not None else False


def _bool(e: Expr) -> pl.Expr:
    """A condition as a non-null boolean column (a bare fact: missing is false)."""
    out = e.to_polars()
    return out.fill_null(False).cast(_boolean()) if isinstance(e, Fact | Lit) else out


def _boolean() -> Any:
    import polars as pl

    return pl.Boolean


def holds(e: Expr, facts: Mapping[str, Any]) -> bool:
    """Whether a condition holds for one patient's facts."""
    return _truth(e.evaluate(facts))


def as_column(e: Expr) -> pl.Expr:
    """A condition compiled to a non-null boolean polars column."""
    return _bool(e)


def expr_from_data(data: Any) -> Expr:
    """The expression that :meth:`Expr.to_data` wrote (JSON-ready dicts and lists)."""
    if not isinstance(data, dict) or len(data) == 0:
        raise ExprError(f"not an expression: {data!r}")
    if "fact" in data:
        return Fact(str(data["fact"]))
    if "lit" in data:
        return Lit(data["lit"])
    if "date" in data:
        return Lit(dt.date.fromisoformat(data["date"]))
    if "cmp" in data:
        return Cmp(data["cmp"], expr_from_data(data["left"]), expr_from_data(data["right"]))
    if "in" in data:
        return IsIn(expr_from_data(data["in"]), tuple(data["values"]))
    if "null" in data:
        return IsNull(expr_from_data(data["null"]))
    if "all" in data:
        return AllOf(tuple(expr_from_data(d) for d in data["all"]))
    if "any" in data:
        return AnyOf(tuple(expr_from_data(d) for d in data["any"]))
    if "not" in data:
        return Not(expr_from_data(data["not"]))
    raise ExprError(f"not an expression: {data!r}")
