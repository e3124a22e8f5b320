"""Edges of the status rules over a patient's history, read straight from the columnar engine
(:mod:`smi_care.rules.history`, the code under ``smi-care report``, ``worklist`` and
``programme``) on the tables :func:`~smi_care.rules.record_tables.record_tables` gives.

Each case is the day before, on and after a boundary of national-rules §5/§6 (registered on D,
the area on D, lost, in hospital, the order of same-day rows), or a column the engine hands on
(its name, type and length), chosen so that a changed comparison, a dropped condition or a
renamed column turns a test red (docs/testing.md, "Mutation testing").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from smi_care.domain import EventKind, Hospitalisation, Lockup, LossReason, PatientRecord
from smi_care.domain.identity import AreaCode
from smi_care.rules.history import (
    admitted_at,
    covered,
    day_status,
    last_completed_at,
    lockup_at,
    lost_at,
    map_unique,
    ordered_followups,
    registration_at,
)
from smi_care.rules.record_tables import record_tables
from tests.helpers import D, event, miss, patient, record, visit

HOME = "110105001002"
INSIDE = AreaCode("110105001003")
OUTSIDE = AreaCode("440305001001")
END = D(2025, 12, 31)


def covers_inside(area: AreaCode) -> bool:
    return area == INSIDE


def day_row(r: PatientRecord, day: dt.date, failures: int = 3) -> dict[str, Any]:
    t = record_tables([r])
    return day_status(t.patients, t.followups, t.events, day, covers_inside, failures).row(0, named=True)


def registration_row(r: PatientRecord, day: dt.date) -> dict[str, Any]:
    t = record_tables([r])
    return registration_at(t.patients, t.events, day, covers_inside).row(0, named=True)


def ordered(r: PatientRecord, end: dt.date = END) -> pl.DataFrame:
    return ordered_followups(record_tables([r]).followups, end)


# map_unique: the per-value rule run once per distinct value, nulls kept, name/type/length kept


def test_map_unique_on_an_all_null_column_keeps_its_name_length_and_type() -> None:
    out = map_unique(pl.Series("area", [None, None], dtype=pl.String), lambda v: 1, pl.Int8)
    assert (out.name, out.dtype, out.to_list()) == ("area", pl.Int8, [None, None])
    empty = map_unique(pl.Series("area", [], dtype=pl.String), lambda v: 1, pl.Int8)
    assert (empty.name, empty.dtype, empty.len()) == ("area", pl.Int8, 0)


def test_map_unique_applies_the_rule_to_each_value_and_keeps_name_and_type() -> None:
    seen: list[Any] = []

    def rule(v: int) -> int:
        seen.append(v)
        return v * 10

    out = map_unique(pl.Series("n", [2, None, 2, 3]), rule, pl.Int32)
    assert (out.name, out.dtype, out.to_list()) == ("n", pl.Int32, [20, None, 20, 30])
    assert sorted(seen) == [2, 3]


def test_covered_areas_and_null_areas() -> None:
    areas = pl.Series("other_area", [INSIDE.code, None, OUTSIDE.code])
    assert covered(areas, covers_inside).to_list() == [True, False, False]
    assert covered(pl.Series("other_area", [None], dtype=pl.String), covers_inside).to_list() == [False]


# reached and completed (§6): each assessment alone makes an attempt without a loss reason reached


def attempt_rows(**columns: Any) -> pl.DataFrame:
    """One failed attempt's row of the follow-ups table with some cells set, as the registry
    reader gives rows that the domain objects refuse (an attempt with a loss reason and a risk
    level copied from the last visit, an informant seen and a loss reason)."""
    rows = record_tables([record(miss(D(2025, 8, 1)))]).followups
    return rows.with_columns(**{k: pl.lit(v, dtype=rows.schema[k]) for k, v in columns.items()})


@pytest.mark.parametrize("field", ["risk_level", "insight", "hospitalisation", "adherence"])
def test_any_one_assessment_without_a_loss_reason_is_reached(field: str) -> None:
    f = ordered_followups(attempt_rows(**{field: 2}), D(2025, 12, 31))
    assert f.select("_reached", "_completed").row(0) == (True, field == "risk_level")
    f = ordered_followups(attempt_rows(loss_reason=2, **{field: 2}), D(2025, 12, 31))
    assert f.select("_reached", "_completed").row(0) == (False, False)


def test_seen_is_reached_even_with_a_loss_reason_and_nothing_is_not() -> None:
    f = ordered_followups(pl.concat([attempt_rows(seen="1", loss_reason=2), attempt_rows(seen="1", risk_level=0),
                                     attempt_rows()]), D(2025, 12, 31))
    assert f.select("_reached", "_completed").rows() == [(True, False), (True, True), (False, False)]


def test_completed_needs_a_risk_level_or_in_hospital_now() -> None:
    now, discharged = Hospitalisation.IN_HOSPITAL_NOW.code, Hospitalisation.DISCHARGED.code
    f = ordered_followups(pl.concat([attempt_rows(seen="1", insight=1), attempt_rows(loss_reason=2, hospitalisation=now),
                                     attempt_rows(hospitalisation=discharged)]), D(2025, 12, 31))
    assert f["_completed"].to_list() == [False, True, False]


def test_ordered_followups_stop_at_the_end_day_and_number_the_rows_in_order() -> None:
    r = record(miss(D(2025, 9, 1)), visit(D(2025, 9, 30)), miss(D(2025, 9, 30)), visit(D(2025, 10, 1)))
    shuffled = record_tables([r]).followups.reverse()  # the file's rows in any order: date, then row
    f = ordered_followups(shuffled, D(2025, 9, 30))
    assert f.select("visit_date", "row", "_i", "_completed").rows() == [
        (D(2025, 9, 1), 0, 0, False), (D(2025, 9, 30), 1, 1, True), (D(2025, 9, 30), 2, 2, False)]


# registration and area on D (§5, §6 "Area")


@pytest.mark.parametrize(("day", "registered", "area", "ended"), [
    (D(2025, 6, 29), True, HOME, None),
    (D(2025, 6, 30), True, INSIDE.code, None),       # moved inside the coverage on D: still registered
    (D(2025, 7, 31), False, INSIDE.code, "transfer_out"),  # then out of the coverage on D
    (D(2025, 8, 31), True, INSIDE.code, None),       # transferred back in on D: registered again
])
def test_area_and_registration_follow_the_transfers(day: dt.date, registered: bool, area: str,
                                                    ended: str | None) -> None:
    r = record(event(D(2025, 6, 30), EventKind.TRANSFER_OUT, other_area=INSIDE),
               event(D(2025, 7, 31), EventKind.TRANSFER_OUT, other_area=OUTSIDE),
               event(D(2025, 8, 31), EventKind.TRANSFER_IN, other_area=INSIDE))
    row = registration_row(r, day)
    assert (row["registered"], row["area"]) == (registered, area)
    assert row["ended_by"] == (None if ended is None else EventKind.TRANSFER_OUT.text_code)


def test_a_transfer_in_from_outside_brings_the_home_area_back() -> None:
    r = record(event(D(2025, 6, 30), EventKind.TRANSFER_OUT, other_area=OUTSIDE),
               event(D(2025, 8, 31), EventKind.TRANSFER_IN, other_area=OUTSIDE))
    assert (registration_row(r, D(2025, 8, 30))["registered"], registration_row(r, D(2025, 8, 31))["area"]) == (
        False, HOME)
    no_area = record(event(D(2025, 6, 30), EventKind.TRANSFER_OUT, other_area=INSIDE),
                     event(D(2025, 8, 31), EventKind.TRANSFER_IN))
    assert registration_row(no_area, D(2025, 8, 31))["area"] == HOME


@pytest.mark.parametrize(("day", "registered", "start"), [
    (D(2025, 8, 30), False, D(2020, 5, 8)), (D(2025, 8, 31), True, D(2025, 8, 31)),
    (D(2025, 9, 1), True, D(2025, 8, 31))])
def test_a_first_transfer_in_after_d_means_elsewhere_until_then(day: dt.date, registered: bool,
                                                                start: dt.date) -> None:
    r = record(event(D(2025, 8, 31), EventKind.TRANSFER_IN, other_area=OUTSIDE))
    row = registration_row(r, day)
    assert (row["registered"], row["registration_start"]) == (registered, start)


def test_a_transfer_in_before_the_registration_date_does_not_move_the_start() -> None:
    p = patient(registered_on=D(2025, 3, 1), consent_date=D(2025, 3, 1))
    r = record(event(D(2025, 2, 1), EventKind.TRANSFER_IN, other_area=OUTSIDE), p=p)
    assert [registration_row(r, d)["registered"] for d in (D(2025, 2, 28), D(2025, 3, 1))] == [False, True]
    assert registration_row(r, D(2025, 3, 1))["registration_start"] == D(2025, 3, 1)


@pytest.mark.parametrize(("kind", "status"), [
    (EventKind.DEATH, "dead"), (EventKind.DIAGNOSIS_WITHDRAWN, "withdrawn")])
def test_a_stop_ends_the_registration_for_good_and_freezes_the_area(kind: EventKind, status: str) -> None:
    r = record(event(D(2025, 7, 1), kind), event(D(2025, 8, 1), EventKind.TRANSFER_OUT, other_area=INSIDE),
               event(D(2025, 8, 2), EventKind.TRANSFER_IN, other_area=OUTSIDE))
    before, on, after = (day_row(r, d) for d in (D(2025, 6, 30), D(2025, 7, 1), D(2025, 9, 30)))
    assert (before["registered"], before["status"], before["ended_by"]) == (True, "at_home", None)
    assert (on["registered"], on["status"], on["ended_by"]) == (False, status, kind.text_code)
    assert (after["registered"], after["status"], after["area"]) == (False, status, HOME)


def test_not_registered_yet_and_transferred_out_statuses() -> None:
    p = patient(registered_on=D(2025, 10, 1), consent_date=D(2025, 10, 1))
    row = day_row(record(p=p), D(2025, 9, 30))
    assert (row["status"], row["ended_by"], row["at_home"]) == ("not_registered", None, False)
    out = day_row(record(event(D(2025, 9, 30), EventKind.TRANSFER_OUT, other_area=OUTSIDE)), D(2025, 9, 30))
    assert (out["status"], out["registered"], out["lost"], out["in_hospital"]) == (
        "transferred_out", False, False, False)


# lost (§5, §6): after the last completed attempt, a loss reason or the n-th failure


@pytest.mark.parametrize(("failures", "lost_row"), [(1, 1), (2, 2), (3, None)])
def test_lost_after_the_policys_number_of_failures_since_the_last_completed(failures: int,
                                                                            lost_row: int | None) -> None:
    r = record(visit(D(2025, 7, 1)), miss(D(2025, 7, 15)), miss(D(2025, 8, 1)))
    t = record_tables([r])
    out = lost_at(ordered_followups(t.followups, D(2025, 9, 30)), failures).row(0, named=True)
    assert (out["lost"], out["lost_row"]) == (lost_row is not None, lost_row)
    row = day_status(t.patients, t.followups, t.events, D(2025, 9, 30), covers_inside, failures).row(0, named=True)
    assert (row["lost"], row["lost_row"], row["status"]) == (
        lost_row is not None, lost_row, "lost" if lost_row is not None else "at_home")


def test_the_last_loss_reason_after_the_last_completed_decides_the_lost_row() -> None:
    r = record(miss(D(2025, 6, 1), reason=LossReason.MOVED), visit(D(2025, 7, 1)),
               miss(D(2025, 8, 1), reason=LossReason.WORKING_AWAY), miss(D(2025, 8, 2)),
               miss(D(2025, 8, 3), reason=LossReason.MISSING), miss(D(2025, 8, 4)))
    assert day_row(r, D(2025, 9, 30), failures=2)["lost_row"] == 4
    assert day_row(r, D(2025, 8, 2), failures=3)["lost_row"] == 2
    assert day_row(r, D(2025, 7, 1))["lost_row"] is None


def test_lost_holds_only_for_a_registered_patient_and_in_hospital_comes_first() -> None:
    lost = record(miss(D(2025, 8, 1), reason=LossReason.MOVED))
    dead = record(miss(D(2025, 8, 1), reason=LossReason.MOVED), event(D(2025, 9, 1), EventKind.DEATH))
    admitted = record(miss(D(2025, 8, 1), reason=LossReason.MOVED), event(D(2025, 9, 1), EventKind.ADMISSION))
    assert (day_row(lost, D(2025, 9, 30))["status"], day_row(lost, D(2025, 9, 30))["lost"]) == ("lost", True)
    row = day_row(dead, D(2025, 9, 30))
    assert (row["lost"], row["lost_row"], row["status"]) == (False, 0, "dead")
    row = day_row(admitted, D(2025, 9, 30))
    assert (row["status"], row["lost"], row["in_hospital"], row["at_home"], row["admitted"]) == (
        "in_hospital", True, True, False, True)


# in hospital on D (§6): the last admission or discharge on or before D, file row for ties


@pytest.mark.parametrize(("rows", "admitted"), [
    ((EventKind.ADMISSION, EventKind.DISCHARGE), False), ((EventKind.DISCHARGE, EventKind.ADMISSION), True)])
def test_same_day_admission_and_discharge_follow_the_row_order(rows: tuple[EventKind, EventKind],
                                                                admitted: bool) -> None:
    r = record(event(D(2025, 9, 30), rows[0]), event(D(2025, 9, 30), rows[1]))
    t = record_tables([r])
    assert admitted_at(t.events, D(2025, 9, 30))["admitted"].to_list() == [admitted]
    assert admitted_at(t.events, D(2025, 9, 29)).height == 0
    row = day_row(r, D(2025, 9, 30))
    assert (row["admitted"], row["hospitalised"], row["in_hospital"]) == (admitted, admitted, admitted)


def test_a_discharge_before_d_and_an_admission_after_d() -> None:
    r = record(event(D(2025, 7, 1), EventKind.ADMISSION), event(D(2025, 9, 29), EventKind.DISCHARGE),
               event(D(2025, 10, 1), EventKind.ADMISSION))
    assert day_row(r, D(2025, 9, 30))["admitted"] is False
    assert day_row(r, D(2025, 9, 28))["admitted"] is True


def test_in_hospital_now_at_the_last_completed_followup_counts_and_not_when_not_registered() -> None:
    now = visit(D(2025, 9, 1), hospitalisation=Hospitalisation.IN_HOSPITAL_NOW)
    row = day_row(record(now), D(2025, 9, 30))
    assert (row["hospitalised"], row["in_hospital"], row["status"], row["last_done_row"]) == (
        True, True, "in_hospital", 0)
    later = day_row(record(now, visit(D(2025, 9, 2))), D(2025, 9, 30))
    assert (later["hospitalised"], later["last_done_row"]) == (False, 1)
    p = patient(registered_on=D(2025, 10, 1), consent_date=D(2025, 10, 1))
    row = day_row(record(now, p=p), D(2025, 9, 30))
    assert (row["hospitalised"], row["in_hospital"], row["status"]) == (True, False, "not_registered")


def test_last_completed_from_a_start_day() -> None:
    r = record(visit(D(2025, 6, 30)), miss(D(2025, 7, 2)), visit(D(2025, 7, 1),
                                                             hospitalisation=Hospitalisation.DISCHARGED))
    f = ordered(r, D(2025, 9, 30))
    rows = last_completed_at(f).rows(named=True)
    assert [(x["last_done_row"], x["last_done_i"], x["last_done_hospitalisation"]) for x in rows] == [(1, 1, 2)]
    assert last_completed_at(f, D(2025, 7, 1))["last_done_row"].to_list() == [1]
    assert last_completed_at(f, D(2025, 7, 2)).height == 0


def test_lockup_is_the_last_recorded_one() -> None:
    r = record(visit(D(2025, 7, 1), lockup=Lockup.LOCKED), visit(D(2025, 8, 1)),
               visit(D(2025, 8, 2), lockup=Lockup.RELEASED), visit(D(2025, 8, 3)))
    assert lockup_at(ordered(r))["recorded_lockup"].to_list() == [Lockup.RELEASED.code]
    assert day_row(r, D(2025, 8, 1))["recorded_lockup"] == Lockup.LOCKED.code


def test_day_status_keeps_the_order_of_the_patients_and_gives_every_column() -> None:
    a = record(miss(D(2025, 8, 1), "A", reason=LossReason.MOVED), p=patient("A"))
    b = record(p=patient("B"))
    c = record(visit(D(2025, 8, 1), "C"), p=patient("C"))
    t = record_tables([c, a, b])
    out = day_status(t.patients, t.followups, t.events, D(2025, 9, 30), covers_inside, 3)
    assert out.columns == ["patient_id", "registered", "area", "ended_by", "registration_start", "lost", "lost_row",
                           "in_hospital", "hospitalised", "at_home", "status", "last_done_row", "recorded_lockup",
                           "admitted"]
    assert out.select("patient_id", "status", "at_home", "admitted").rows() == [
        ("C", "at_home", True, False), ("A", "lost", True, False), ("B", "at_home", True, False)]


def test_lost_at_lists_the_patients_in_the_order_of_the_attempts() -> None:
    """One row per patient with an attempt, in the order of ``ordered`` (patient, date, row): the
    order the per-patient answers read back."""
    recs = [record(miss(D(2025, 8, 1), f"P{i:02}", reason=LossReason.MOVED if i % 2 else None),
                   p=patient(f"P{i:02}")) for i in range(30)]
    t = record_tables(recs[::-1])
    out = lost_at(ordered_followups(t.followups, D(2025, 9, 30)), 1)
    assert out["patient_id"].to_list() == [f"P{i:02}" for i in range(30)]
    assert out["lost"].all()
