"""The registration (:func:`smi_care.rules.history.registration_at`) read from lazy tables as from
eager ones, the coverage worked out from the events' other areas in both cases (§5: a transfer out to
a covered village keeps the patient registered there). Written for the mutation run of the module
(docs/testing.md, "Fifth session"); under a second.
"""

from __future__ import annotations

import polars as pl
import pytest

from smi_care.rules.history import registration_at
from tests.helpers import D
from tests.test_engines_equal import tables_of
from tests.test_programme_facts_mutants import REGISTRY


def test_lazy_tables_give_the_eager_answer() -> None:
    t = tables_of(REGISTRY)
    for day in (D(2025, 7, 31), D(2025, 8, 1), D(2025, 9, 30)):
        eager = registration_at(t.patients, t.events, day, REGISTRY.covers)
        lazy = registration_at(t.patients.lazy(), t.events.lazy(), day, REGISTRY.covers)
        got = lazy.collect() if isinstance(lazy, pl.LazyFrame) else lazy
        assert got.to_dicts() == eager.to_dicts()
    moved = eager.filter(pl.col("patient_id") == "P3").row(0, named=True)
    assert (moved["registered"], moved["area"]) == (True, "110105001003")


def test_a_long_column_is_mapped_as_a_short_one() -> None:
    """Above SHORT values map_unique maps in polars, below in Python: the same answer."""
    from smi_care.rules.history import SHORT, map_unique

    values = [n % 7 if n % 5 else None for n in range(SHORT * 2)]
    long = map_unique(pl.Series("n", values), lambda n: n * 10, pl.Int64)
    assert long.to_list() == [None if v is None else v * 10 for v in values]
    assert long.dtype == pl.Int64 and long.name == "n"
    assert map_unique(pl.Series("n", values[:SHORT]), lambda n: n * 10, pl.Int64).to_list() == long.to_list()[:SHORT]


@pytest.mark.parametrize("long", [False, True])
def test_map_unique_reads_and_adds_to_the_known_answers(long: bool) -> None:
    """``known`` (the chunks of one table asked in turn): an answer already known is used, not
    asked again (even when the rule would now answer otherwise); a new value's answer is asked
    once and added, on the short path (at most SHORT values) and the long one. Without
    ``known`` each call starts afresh."""
    from smi_care.rules.history import SHORT, map_unique

    asked: list[int] = []

    def rule(n: int) -> int:
        asked.append(n)
        return n * 10

    n = SHORT + 1 if long else 3
    column = pl.Series("n", ([2, 3, None] * n)[:n], dtype=pl.Int64)
    known = {2: 0}
    out = map_unique(column, rule, pl.Int32, known)
    assert (out.name, out.dtype) == ("n", pl.Int32)
    assert out.to_list() == [{2: 0, 3: 30, None: None}[v] for v in column.to_list()]
    assert known == {2: 0, 3: 30} and asked == [3]
    again = map_unique(column, rule, pl.Int32, known)
    assert again.to_list() == out.to_list() and asked == [3]  # every answer known: none asked
    fresh = map_unique(column, rule, pl.Int32)
    assert fresh.to_list() == [None if v is None else v * 10 for v in column.to_list()]
    assert sorted(asked) == [2, 3, 3] and known == {2: 0, 3: 30}
