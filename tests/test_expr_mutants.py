"""What the expression language of the indicators (:mod:`smi_care.indicators.expr`) promises,
in small worked cases that each take milliseconds (docs/testing.md, "Score of the columnar
engine (issue 25)"): both engines — :func:`holds` on one patient's facts and :func:`as_column`
over a table — give the same answer, row by row, and the answer written out here; a missing
value never satisfies a comparison or a set test, and ``~`` negates the result; an expression
is written as data and read back unchanged; bad expressions are refused with words naming what
is wrong.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from smi_care.domain.codes import Classification
from smi_care.indicators.expr import (
    AllOf,
    AnyOf,
    Cmp,
    Expr,
    ExprError,
    Fact,
    IsIn,
    IsNull,
    Lit,
    Not,
    as_column,
    expr_from_data,
    fact,
    holds,
)

#: Facts of five patients: x a count, on a flag, d a date; None where missing.
ROWS: list[dict[str, Any]] = [
    {"x": 1, "on": True, "d": dt.date(2025, 1, 1)},
    {"x": 2, "on": False, "d": dt.date(2025, 6, 30)},
    {"x": 3, "on": None, "d": None},
    {"x": None, "on": True, "d": dt.date(2025, 7, 1)},
    {"x": None, "on": None, "d": None},
]
TABLE = pl.DataFrame(ROWS, schema={"x": pl.Int64, "on": pl.Boolean, "d": pl.Date})


def _cases() -> list[tuple[str, Expr, list[bool]]]:
    """Built when a test runs (not when the file is collected), so that an expression the
    module fails to build fails a test."""
    x, on, d = fact("x"), fact("on"), fact("d")
    return [
        ("==", x == 2, [False, True, False, False, False]),
        ("!=", x != 2, [True, False, True, False, False]),
        ("<", x < 2, [True, False, False, False, False]),
        ("<=", x <= 2, [True, True, False, False, False]),
        (">", x > 2, [False, False, True, False, False]),
        (">=", x >= 2, [False, True, True, False, False]),
        ("date <=", d <= dt.date(2025, 6, 30), [True, True, False, False, False]),
        ("is_in", x.is_in((1, 3)), [True, False, True, False, False]),
        ("is_null", x.is_null(), [False, False, False, True, True]),
        ("not a comparison", ~(x == 2), [True, False, True, True, True]),
        ("a bare fact", on, [True, False, False, True, False]),
        ("not a bare fact", ~on, [False, True, True, False, True]),
        ("and", (x >= 2) & on, [False, False, False, False, False]),
        ("and of flags", on & (d <= dt.date(2025, 6, 30)), [True, False, False, False, False]),
        ("or", (x == 3) | on, [True, False, True, True, False]),
        ("or, both false", (x == 5) | (x == 6), [False] * 5),
        ("empty and", AllOf(()), [True] * 5),
        ("empty or", AnyOf(()), [False] * 5),
        ("a true literal", Lit(True), [True] * 5),
        ("a missing literal", Lit(None), [False] * 5),
        ("nested", ~((x > 1) & ~on.is_null()) | d.is_null(), [True, False, True, True, True]),
        ("nested, and of ors", ((x == 1) | (x == 3)) & ~on.is_null(), [True, False, False, False, False]),
    ]


CASE_NAMES = ["==", "!=", "<", "<=", ">", ">=", "date <=", "is_in", "is_null", "not a comparison", "a bare fact",
              "not a bare fact", "and", "and of flags", "or", "or, both false", "empty and", "empty or",
              "a true literal", "a missing literal", "nested", "nested, and of ors"]


def test_the_cases_are_named() -> None:
    assert [c[0] for c in _cases()] == CASE_NAMES


@pytest.mark.parametrize("name", CASE_NAMES)
def test_both_engines_give_the_written_answer(name: str) -> None:
    [(e, expected)] = [(e, expected) for n, e, expected in _cases() if n == name]
    assert [holds(e, row) for row in ROWS] == expected
    column = TABLE.with_columns(as_column(e).alias("v")).get_column("v")
    assert column.dtype == pl.Boolean and column.null_count() == 0
    assert column.to_list() == expected


def test_evaluate_gives_the_values_and_codes() -> None:
    x = fact("x")
    assert x.evaluate({"x": 4}) == 4
    assert fact("c").evaluate({"c": Classification.STABLE}) == Classification.STABLE.code
    assert Lit(Classification.UNSTABLE).value == Classification.UNSTABLE.code
    assert (fact("c") == Classification.STABLE).same(Cmp("==", Fact("c"), Lit(3)))
    assert fact("c").is_in([Classification.STABLE, 1]).same(IsIn(Fact("c"), (3, 1)))


def _data() -> list[tuple[Expr, Any]]:
    x, on = fact("x"), fact("on")
    return [
        (x, {"fact": "x"}),
        (Lit(2), {"lit": 2}),
        (Lit(dt.date(2025, 3, 1)), {"date": "2025-03-01"}),
        (x >= 2, {"cmp": ">=", "left": {"fact": "x"}, "right": {"lit": 2}}),
        (x.is_in((1, 2)), {"in": {"fact": "x"}, "values": [1, 2]}),
        (x.is_null(), {"null": {"fact": "x"}}),
        (on & x.is_null(), {"all": [{"fact": "on"}, {"null": {"fact": "x"}}]}),
        (on | x.is_null(), {"any": [{"fact": "on"}, {"null": {"fact": "x"}}]}),
        (~on, {"not": {"fact": "on"}}),
    ]


@pytest.mark.parametrize("i", range(9))
def test_written_as_data_and_read_back(i: int) -> None:
    cases = _data()
    assert len(cases) == 9
    e, data = cases[i]
    assert e.to_data() == data
    back = expr_from_data(data)
    assert back.same(e) and type(back) is type(e) and hash(back) == hash(e)


def test_same_and_hash_tell_expressions_apart() -> None:
    x, on = fact("x"), fact("on")
    assert (x >= 2).same(x >= 2) and not (x >= 2).same(x > 2) and not (x >= 2).same(x >= 3)
    assert not x.same(Lit("x")) and not x.same("x") and not (x >= 2).same(on)
    assert not AllOf((on, x)).same(AnyOf((on, x)))
    assert hash(x >= 2) == hash(Cmp(">=", Fact("x"), Lit(2)))
    assert hash(x >= 2) != hash(x > 2)


def test_ands_and_ors_flatten_and_list_their_facts() -> None:
    x, on, d = fact("x"), fact("on"), fact("d")
    e = (x == 1) & on & d.is_null()
    assert isinstance(e, AllOf) and len(e.parts) == 3
    o = (x == 1) | on | d.is_null()
    assert isinstance(o, AnyOf) and len(o.parts) == 3
    mixed = ((x == 1) & on) | d.is_null()
    assert isinstance(mixed, AnyOf) and len(mixed.parts) == 2 and isinstance(mixed.parts[0], AllOf)
    assert e.columns() == o.columns() == mixed.columns() == frozenset({"x", "on", "d"})
    assert (x >= Lit(2)).columns() == frozenset({"x"}) and Lit(1).columns() == frozenset()
    assert x.is_in((1,)).columns() == x.is_null().columns() == Not(x).columns() == frozenset({"x"})
    assert (x == fact("y")).columns() == frozenset({"x", "y"})
    assert AllOf(()).columns() == AnyOf(()).columns() == frozenset()
    assert isinstance(IsNull(x), IsNull)


def test_bad_expressions_are_refused_with_words() -> None:
    x = fact("x")
    with pytest.raises(ExprError, match=r"the facts have no 'y'; known: a, x$"):
        fact("y").evaluate({"x": 1, "a": 2})
    with pytest.raises(ExprError, match=r"comparison '=<' is not one of ==, !=, <, <=, >, >="):
        Cmp("=<", x, Lit(1))
    with pytest.raises(ExprError, match=r"a literal in an expression must be a code, a number, a text, a date or "
                                        r"None, not list \[1\]"):
        Lit([1])
    with pytest.raises(ExprError, match=r"a condition must be an expression, not str 'x'"):
        AllOf(("x",))  # type: ignore[arg-type]
    with pytest.raises(ExprError, match=r"a condition must be an expression, not int 1"):
        AnyOf((1,))  # type: ignore[arg-type]
    for bad in ({}, [], "x", {"what": 1}):
        with pytest.raises(ExprError, match=r"^not an expression: "):
            expr_from_data(bad)
    with pytest.raises(ExprError, match=r"^not an expression: \{'what': 1\}$"):
        expr_from_data({"what": 1})
    assert issubclass(ExprError, ValueError)
