"""The registration (:func:`smi_care.rules.history.registration_at`) read from lazy tables as from
eager ones, the coverage worked out from the events' other areas in both cases (§5: a transfer out to
a covered village keeps the patient registered there). Written for the mutation run of the module
(docs/testing.md, "Fifth session"); under a second.
"""

from __future__ import annotations

import polars as pl

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
