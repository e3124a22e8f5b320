"""Cases for the gaps chain the engine's speed work rewrote (``standard.gaps_frame`` sorts the
completed follow-ups by patient, then order, and reads the step before a row from the row above
when it is the same patient's), each written to kill a mutant the other gaps tests let live."""

from __future__ import annotations

import datetime as dt

import polars as pl

from smi_care.indicators.standard import gaps_table

D = dt.date
ANCHORS = pl.DataFrame({"patient_id": ["P1", "P2"], "_anchor": [D(2025, 1, 1), D(2025, 1, 1)]},
                       schema={"patient_id": pl.String, "_anchor": pl.Date})


def done(rows: list[tuple[str, dt.date, int]]) -> pl.DataFrame:
    return pl.DataFrame({"patient_id": [p for p, _, _ in rows], "visit_date": [d for _, d, _ in rows],
                         "_i": [i for _, _, i in rows]},
                        schema={"patient_id": pl.String, "visit_date": pl.Date, "_i": pl.UInt32})


def test_a_patient_s_step_is_from_that_patient_s_previous_visit_across_others() -> None:
    """P1's visits (1 March, 1 May) are two months apart though P2's comes between them in the
    file order: the step before 1 May is 1 March, not the anchor (1 January, four months back)."""
    rows = [("P1", D(2025, 3, 1), 0), ("P2", D(2025, 3, 1), 1), ("P1", D(2025, 5, 1), 2)]
    assert gaps_table(done(rows), ANCHORS, D(2025, 5, 31), 3).rows() == [("P1", True), ("P2", True)]


def test_the_rows_are_put_in_their_order_whatever_order_they_come_in() -> None:
    """The same follow-ups given last first: the chain still runs 1 March, then 1 May."""
    rows = [("P1", D(2025, 5, 1), 1), ("P1", D(2025, 3, 1), 0), ("P2", D(2025, 3, 1), 2)]
    assert gaps_table(done(rows), ANCHORS, D(2025, 5, 31), 3).rows() == [("P1", True), ("P2", True)]
    late = [("P1", D(2025, 5, 1), 0), ("P2", D(2025, 3, 1), 1)]  # P1's only step: January to May
    assert gaps_table(done(late), ANCHORS, D(2025, 5, 31), 3).rows() == [("P1", False), ("P2", True)]
