"""Boundary cases for the functions the engine's speed work rewrote in ``rules.history``
(``in_history_order``, ``ordered_followups``, ``lost_at``, ``lost_attempt_at`` and
``_last_position``), each written to kill mutants that the property tests of
``tests/test_history_order.py`` and ``tests/test_lost_attempt.py`` let live: §6 order is strict on
every key (a tie or a step back on the file row is out of order), compared with the row just
above, and the first row of a patient starts a new run."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from smi_care.rules.history import in_history_order, lost_at, lost_attempt_at, ordered_followups

END = dt.date(2025, 12, 31)


def keys(rows: list[tuple[str, int, int]]) -> pl.DataFrame:
    """Follow-up rows (patient, day of January 2025, file row), reached, no loss reason."""
    n = len(rows)
    return pl.DataFrame(
        {"patient_id": [p for p, _, _ in rows], "visit_date": [dt.date(2025, 1, d) for _, d, _ in rows],
         "row": [r for _, _, r in rows], "seen": ["1"] * n, "loss_reason": [None] * n, "risk_level": [1] * n,
         "insight": [None] * n, "hospitalisation": [None] * n, "adherence": [None] * n},
        schema={"patient_id": pl.String, "visit_date": pl.Date, "row": pl.Int64, "seen": pl.String,
                "loss_reason": pl.Int64, "risk_level": pl.Int64, "insight": pl.Int64, "hospitalisation": pl.Int64,
                "adherence": pl.Int64})


@pytest.mark.parametrize(("rows", "want"), [
    # a new patient after one row of another: in order (the row above, not two above, is compared)
    ([("P1", 1, 0), ("P2", 1, 1)], True),
    # the same patient and day: the file row decides, and must go up
    ([("P1", 1, 1), ("P1", 1, 0)], False),
    ([("P1", 1, 0), ("P1", 1, 1)], True),
    ([("P1", 1, 0), ("P1", 1, 0)], False),
    # the same day as the row above (not as the row two above), the file row up: in order
    ([("P1", 1, 0), ("P1", 2, 1), ("P1", 2, 2)], True),
    # the file row below the one above though above the one two above: out of order
    ([("P1", 1, 0), ("P1", 1, 2), ("P1", 1, 1)], False),
    # a later day with a lower file row: in order (the day decides first)
    ([("P1", 1, 5), ("P1", 2, 0)], True),
])
def test_history_order_at_its_boundaries(rows: list[tuple[str, int, int]], want: bool) -> None:
    assert in_history_order(keys(rows)) is want


def test_rows_said_in_order_are_not_sorted_again() -> None:
    """``in_order=True`` is the caller's word that the rows are in §6 order: they keep their order
    (a sort here would undo the time the flag saves), and ``_i`` numbers them as they come."""
    f = keys([("P1", 2, 0), ("P1", 1, 1)])
    kept = ordered_followups(f.lazy(), END, in_order=True).collect()
    assert kept.select("row", "_i").rows() == [(0, 0), (1, 1)]
    assert ordered_followups(f.lazy(), END).collect().select("row", "_i").rows() == [(1, 0), (0, 1)]


def test_many_patients_by_default() -> None:
    """Without ``one``, ``lost_at`` and ``lost_attempt_at`` answer per patient (the group-by path):
    two patients, two rows, neither lost after a completed visit."""
    ordered = ordered_followups(keys([("P1", 1, 0), ("P2", 1, 1)]), END)
    assert sorted(lost_attempt_at(ordered, 2).rows()) == [("P1", None, None), ("P2", None, None)]
    assert sorted(lost_at(ordered, 2).rows()) == [("P1", None, False), ("P2", None, False)]


def test_the_nth_failure_counted_from_the_first_attempt_when_none_was_completed() -> None:
    """No completed attempt: the ``consecutive_failures``-th attempt (from the first) makes the
    patient lost, not the one before it (``_last_position`` gives -1 for "none completed")."""
    misses = keys([("P1", 1, 0), ("P1", 2, 1), ("P1", 3, 2)]).with_columns(
        seen=pl.lit(None, dtype=pl.String), risk_level=pl.lit(None, dtype=pl.Int64))
    ordered = ordered_followups(misses, END)
    assert lost_at(ordered, 2).rows() == [("P1", 1, True)]
    assert lost_attempt_at(ordered, 2).rows() == [("P1", dt.date(2025, 1, 2), None)]
    assert lost_at(ordered, 3, one=True).rows() == [("P1", 2, True)]
    assert lost_at(ordered, 4).rows() == [("P1", None, False)]
