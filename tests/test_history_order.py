"""``history.in_history_order`` lets ``ordered_followups`` skip its sort only when the rows are
in §6 order already (patient, visit date, file row): then the ordered rows, and every fact made
from them, are the same as after the sort; any row out of place, or a null key, means a sort."""

from __future__ import annotations

import datetime as dt
import itertools

import polars as pl
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from smi_care.rules.history import in_history_order, lost_at, ordered_followups

END = dt.date(2025, 12, 31)
KEYS = ["patient_id", "visit_date", "row"]


def frame(rows: list[tuple[str | None, int | None, bool, int | None]]) -> pl.DataFrame:
    """Follow-up rows (patient, day of 2025 or null, reached, loss reason), ``row`` in list order."""
    return pl.DataFrame(
        {"patient_id": [p for p, _, _, _ in rows],
         "visit_date": [None if d is None else dt.date(2025, 1, 1) + dt.timedelta(days=d) for _, d, _, _ in rows],
         "row": list(range(len(rows))),
         "seen": ["1" if ok else None for _, _, ok, _ in rows],
         "loss_reason": [r for _, _, _, r in rows],
         "risk_level": [1 if ok else None for _, _, ok, _ in rows],
         "insight": [None] * len(rows), "hospitalisation": [None] * len(rows), "adherence": [None] * len(rows)},
        schema={"patient_id": pl.String, "visit_date": pl.Date, "row": pl.Int64, "seen": pl.String,
                "loss_reason": pl.Int64, "risk_level": pl.Int64, "insight": pl.Int64, "hospitalisation": pl.Int64,
                "adherence": pl.Int64})


ROWS = st.lists(st.tuples(st.sampled_from(["P1", "P2", "P3", None]), st.one_of(st.none(), st.integers(0, 400)),
                          st.booleans(), st.sampled_from([None, 1, 3])), max_size=12)


@given(ROWS, st.booleans())
@example([("P1", 0, True, None), ("P1", 0, False, 1)], False)  # polars 2.1's streaming engine, history._last_position
def test_skipping_the_sort_changes_nothing(rows: list[tuple[str | None, int | None, bool, int | None]],
                                           presort: bool) -> None:
    f = frame(rows)
    if presort:
        f = f.sort(KEYS)
    if in_history_order(f):
        assert f.sort(KEYS).equals(f)
        fast = ordered_followups(f.lazy(), END, in_order=True).collect()
        assert fast.equals(ordered_followups(f, END))
        assert lost_at(fast.lazy(), 2).collect().sort("patient_id").equals(
            lost_at(ordered_followups(f, END), 2).sort("patient_id"))


@given(ROWS)
def test_a_row_out_of_place_or_a_null_key_means_a_sort(rows: list[tuple[str | None, int | None, bool, int | None]]
                                                       ) -> None:
    f = frame(rows).sort(KEYS, nulls_last=True)
    keys = f.select(KEYS).rows()
    complete = all(None not in k for k in keys)
    assert in_history_order(f) == (complete and all(a < b for a, b in itertools.pairwise(keys)))


def test_rows_in_order_and_out_of_order() -> None:
    f = frame([("P1", 3, True, None), ("P1", 5, False, 1), ("P2", 1, True, None)])
    assert in_history_order(f)
    assert not in_history_order(f.reverse())
    assert not in_history_order(frame([("P1", 5, True, None), ("P1", 3, True, None)]))
    assert not in_history_order(frame([("P1", None, True, None), ("P1", 3, True, None)]))
    assert in_history_order(f.clear())


@pytest.mark.parametrize("engine", ["auto", "in-memory", "streaming"])
@pytest.mark.parametrize("flags", [flags for n in range(1, 5) for flags in itertools.product([False, True], repeat=n)])
def test_lost_on_every_engine_of_one_patient(engine: str, flags: tuple[bool, ...]) -> None:
    """A patient lost by a loss reason after a completed visit, or not: the same answer whichever
    engine collects ``lost_at``'s lazy query (polars 2.1's streaming engine once gave a frame of
    one patient the wrong last completed attempt)."""
    rows = [("P1", i, done, None if done else 1) for i, done in enumerate(flags)]
    ordered = ordered_followups(frame(rows), END)
    last_done = max((i for i, done in enumerate(flags) if done), default=-1)
    reason_after = any(not done for done in flags[last_done + 1:])
    expected = [("P1", len(flags) - 1 if reason_after else None, reason_after)]
    assert lost_at(ordered.lazy(), 2).collect(engine=engine).rows() == expected  # type: ignore[arg-type]
