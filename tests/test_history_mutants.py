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
