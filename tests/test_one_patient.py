"""The engine on one patient's tables runs the same expressions without its group-bys and joins
(``rules.history.one_patient``, ``per_patient``, ``attach``; docs/architecture.md, "One patient,
and many"). These tests hold the shortcut to the general path: a record's facts, status and
worklist items from its own tables (the shortcut fires) equal its rows in the tables of that
record and a copy of it under another id (two patients: the shortcut must not fire), on
hypothesis-drawn records with the period's edges drawn on purpose, and on records with no
follow-up, no event, or nothing on or before the day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from smi_care.domain import Consent, EventKind, PatientRecord
from smi_care.indicators.facts_table import fact_columns
from smi_care.indicators.periods import Period
from smi_care.indicators.standard import FOUR_FOLLOWUPS, NO_GAP_OVER_3_MONTHS, gaps_frame, gaps_table
from smi_care.indicators.worklist_table import worklist_frame
from smi_care.rules.classification import NATIONAL as CLASSES
from smi_care.rules.history import attach, day_status, map_unique, one_patient, per_patient
from smi_care.rules.record_tables import RecordTables, record_tables
from smi_care.rules.status import NATIONAL as STATUS
from smi_care.rules.status import StatusPolicy
from tests.helpers import event, miss, patient, record, visit
from tests.test_engines_equal import FAST, edges_of, periods, policies, records

PERIOD = Period.parse("2025")


def renamed(rec: PatientRecord, pid: str) -> PatientRecord:
    """The same record under another patient id."""
    return PatientRecord(attrs.evolve(rec.patient, patient_id=pid),
                         tuple(attrs.evolve(f, patient_id=pid) for f in rec.followups),
                         tuple(attrs.evolve(e, patient_id=pid) for e in rec.events))


def _one(t: RecordTables) -> bool:
    return one_patient(t.patients, t.followups, t.events)


def _rows(frame: pl.DataFrame, pid: str) -> list[dict[str, Any]]:
    return frame.filter(pl.col("patient_id") == pid).to_dicts()


def check_same_answers(rec: PatientRecord, period: Period, day: dt.date, status: StatusPolicy = STATUS,
                       standard: Any = FOUR_FOLLOWUPS) -> None:
    pid = rec.patient_id
    alone, pair = record_tables([rec]), record_tables([rec, renamed(rec, pid + "-copy")])
    assert _one(alone) and not _one(pair)
    facts = [fact_columns(t.patients, t.followups, t.events, period, lambda a: False, standard, status, CLASSES,
                          with_dates=True) for t in (alone, pair)]
    assert facts[0].to_dicts() == _rows(facts[1], pid)
    # the copy gets the same answer as the original in the general path (only the id differs)
    assert [{**r, "patient_id": pid} for r in _rows(facts[1], pid + "-copy")] == _rows(facts[1], pid)
    statuses = [day_status(t.patients, t.followups, t.events, day, lambda a: False,
                           status.consecutive_failures_lost) for t in (alone, pair)]
    assert statuses[0].to_dicts() == _rows(statuses[1], pid)
    items = [worklist_frame(t.patients, t.followups, t.events, day, status=status) for t in (alone, pair)]
    assert items[0].to_dicts() == _rows(items[1], pid)


@st.composite
def record_cases(draw: st.DrawFn) -> tuple[PatientRecord, Period, dt.date, StatusPolicy, Any]:
    period = draw(periods())
    edges = edges_of(period)
    policy = draw(policies)
    return (draw(records("P1", edges)), period, draw(st.sampled_from(edges)), policy.status, policy.standard)


@FAST
@given(record_cases())
def test_one_patient_tables_give_the_general_paths_answers(case: tuple[Any, ...]) -> None:
    rec, period, day, status, standard = case
    check_same_answers(rec, period, day, status, standard)


D = dt.date(2025, 6, 30)
P = patient(registered_on=dt.date(2024, 1, 10))
EDGE_RECORDS = {
    "nothing recorded": record(p=P),
    "no follow-up, events": record(event(dt.date(2025, 2, 1), EventKind.ADMISSION),
                                   event(dt.date(2025, 3, 1), EventKind.HEALTH_CHECK), p=P),
    "consent refused": record(visit(dt.date(2025, 3, 1)), event(dt.date(2025, 4, 1), EventKind.DISCHARGE),
                              p=patient(registered_on=dt.date(2024, 1, 10), consent=Consent.REFUSED)),
    "follow-ups, no event": record(visit(dt.date(2025, 3, 1)), miss(dt.date(2025, 5, 1)), p=P),
    "everything after the day": record(visit(dt.date(2025, 7, 2)), event(dt.date(2025, 8, 1), EventKind.DEATH), p=P),
    "lost, then discharged": record(visit(dt.date(2025, 1, 5)), event(dt.date(2025, 1, 20), EventKind.ADMISSION),
                                    miss(dt.date(2025, 2, 1)), miss(dt.date(2025, 3, 1)), miss(dt.date(2025, 4, 1)),
                                    event(dt.date(2025, 4, 5), EventKind.DISCHARGE), p=P),
    "registered after the day": record(visit(dt.date(2025, 6, 25)),
                                       p=patient(diagnosis_date=dt.date(2025, 6, 20),
                                                 registered_on=dt.date(2025, 7, 20))),
}


@pytest.mark.parametrize("name", list(EDGE_RECORDS))
@pytest.mark.parametrize("standard", [FOUR_FOLLOWUPS, NO_GAP_OVER_3_MONTHS])
def test_one_patient_edges(name: str, standard: Any) -> None:
    check_same_answers(EDGE_RECORDS[name], Period(dt.date(2025, 1, 1), D), D, standard=standard)


def test_the_shortcut_fires_only_on_one_patients_rows() -> None:
    one = record_tables([record(visit(dt.date(2025, 3, 1)), event(dt.date(2025, 4, 1), EventKind.HEALTH_CHECK))])
    assert _one(one)
    assert _one(record_tables([record()]))  # no follow-up, no event
    two = record_tables([record(visit(dt.date(2025, 3, 1))), record(p=patient("P2"))])
    assert not _one(two)
    stray = one.followups.with_columns(patient_id=pl.lit("P2"))  # a follow-up of another patient
    assert not one_patient(one.patients, stray, one.events)
    assert not one_patient(one.patients, one.followups.with_columns(patient_id=pl.lit(None, pl.String)), one.events)
    assert not one_patient(one.patients.clear(), one.followups, one.events)  # no patient
    assert not one_patient(one.patients.with_columns(patient_id=pl.lit(None, pl.String)))  # no id


small = st.lists(st.tuples(st.integers(0, 3), st.one_of(st.none(), st.integers(-5, 5))), max_size=6)


@FAST
@given(small)
def test_per_patient_and_attach_equal_group_by_and_join(rows: list[tuple[int, int | None]]) -> None:
    frame = pl.DataFrame([("P1", k, v) for k, v in rows], schema={"patient_id": pl.String, "k": pl.Int64,
                                                                   "v": pl.Int64}, orient="row")
    aggs = (pl.col("v").sum().alias("total"), pl.col("v").filter(pl.col("k") > 1).last().alias("last_big"),
            (pl.col("k") == 0).any().alias("any_zero"), pl.col("v").drop_nulls().implode().alias("values"))
    left = pl.DataFrame({"patient_id": ["P1"], "a": [1]})
    for fr in (frame, frame.filter(pl.col("k") > 1)):
        general, short = per_patient(fr, False, *aggs), per_patient(fr, True, *aggs)
        assert short.to_dicts() == general.to_dicts()
        assert attach(left, short, True).to_dicts() == attach(left, general, False).to_dicts()
        assert attach(left.clear(), short, True).to_dicts() == attach(left.clear(), general, False).to_dicts()


@FAST
@given(small, small, st.booleans())
def test_attach_of_several_tables_equals_a_chain_of_joins(rows_a: list[tuple[int, int | None]],
                                                         rows_b: list[tuple[int, int | None]], lazy: bool) -> None:
    """``attach(left, right, one, *more)`` in one step (the shortcut: one side-by-side step for
    every table) equals the left joins one by one, whichever right table is empty, and the
    shortcut gives no row when ``left`` has none."""
    def frame(rows: list[tuple[int, int | None]]) -> pl.DataFrame:
        return pl.DataFrame([("P1", k, v) for k, v in rows], schema={"patient_id": pl.String, "k": pl.Int64,
                                                                      "v": pl.Int64}, orient="row")
    a = per_patient(frame(rows_a), False, pl.col("v").max().alias("a_max"))
    b = per_patient(frame(rows_b).filter(pl.col("k") > 1), False, pl.col("v").sum().alias("b_sum"))
    c = per_patient(frame(rows_a + rows_b), False, pl.col("k").min().alias("c_min"))
    left = pl.DataFrame({"patient_id": ["P1"], "x": [1]})
    for lf in (left, left.clear()):
        chain = lf.join(a, on="patient_id", how="left").join(b, on="patient_id", how="left").join(
            c, on="patient_id", how="left")
        if lazy:
            got_one = attach(lf.lazy(), a.lazy(), True, b.lazy(), c.lazy()).collect()
            got_general = attach(lf.lazy(), a.lazy(), False, b.lazy(), c.lazy()).collect()
        else:
            got_one, got_general = attach(lf, a, True, b, c), attach(lf, a, False, b, c)
        assert got_one.to_dicts() == got_general.to_dicts() == chain.to_dicts()
        assert got_one.columns == got_general.columns == ["patient_id", "x", "a_max", "b_sum", "c_min"]


@FAST
@given(st.lists(st.one_of(st.none(), st.integers(0, 9)), max_size=80))
def test_map_unique_is_the_same_short_or_long(values: list[int | None]) -> None:
    asked: list[int] = []

    def rule(n: int) -> int:
        asked.append(n)
        return n * 7

    column = pl.Series("n", values, dtype=pl.Int64)
    out = map_unique(column, rule, pl.Int64)
    assert out.to_list() == [None if v is None else v * 7 for v in values]
    assert sorted(asked) == sorted({v for v in values if v is not None})  # once per distinct value
    assert out.dtype == pl.Int64 and out.name == "n"


def test_gaps_frame_of_one_patient_equals_gaps_table() -> None:
    done = pl.DataFrame({"patient_id": ["P1"] * 3, "visit_date": [dt.date(2025, 3, 1), dt.date(2025, 7, 2),
                                                                   dt.date(2025, 9, 1)], "_i": [0, 1, 2]},
                        schema={"patient_id": pl.String, "visit_date": pl.Date, "_i": pl.UInt32})
    anchors = pl.DataFrame({"patient_id": ["P1"], "_anchor": [dt.date(2025, 1, 1)]})
    for d in (done, done.head(1), done.clear()):
        for end in (dt.date(2025, 10, 1), dt.date(2025, 12, 31)):
            short = gaps_frame(d, anchors, end, 3, one=True).collect()
            assert short.to_dicts() == gaps_table(d, anchors, end, 3).to_dicts()
