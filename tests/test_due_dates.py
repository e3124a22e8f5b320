"""The next follow-up due and the annual health check due (national-rules §4, WS2018 随访管理,
BPHS2017 分类干预 and 健康体检), written once in the engine (``due_dates.due_frame`` and its
record calls ``next_due``, ``health_check_due``), against the independent per-patient loops of
``tests/oracle/worklist.py``: on one record (the one-patient shortcut) and on many (the
group-by), on days drawn at the edges of each record's own dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smi_care.domain import Classification, Consent, EventKind
from smi_care.domain.records import PatientRecord
from smi_care.indicators.due_dates import DUE_COLUMNS, due_frame, health_check_due, next_due
from smi_care.indicators.worklist_table import patient_history
from smi_care.rules.classification import ClassificationPolicy
from smi_care.rules.history import one_patient
from smi_care.rules.record_tables import record_tables
from smi_care.rules.schedule import DueReason, NextDue, SchedulePolicy
from smi_care.rules.status import NATIONAL as NATIONAL_STATUS
from smi_care.testing import patient_records
from tests.helpers import D, event, miss, patient, record, visit
from tests.oracle import worklist as oracle


@st.composite
def record_and_day(draw: st.DrawFn) -> tuple[PatientRecord, dt.date]:
    """A record and a day on, the day before or the day after one of its dates (or any day)."""
    rec = draw(patient_records("P1"))
    dates = ([rec.patient.registered_on, rec.patient.consent_date or rec.patient.registered_on]
             + [f.visit_date for f in rec.followups] + [e.date for e in rec.events])
    anchor = draw(st.sampled_from(dates))
    day = anchor + dt.timedelta(days=draw(st.integers(-1, 1)))
    return rec, draw(st.one_of(st.just(day), st.dates(dt.date(2014, 1, 1), dt.date(2027, 12, 31))))


POLICIES = st.sampled_from([SchedulePolicy(), SchedulePolicy(unstable_days=5, basically_stable_days=6,
                                                             after_discharge_days=10, not_reached_retry_days=7,
                                                             first_followup_days=3, health_check_months=6)])
CLASSES = st.sampled_from([ClassificationPolicy(), ClassificationPolicy(unstable_risk_min=2)])


@given(record_and_day(), POLICIES, CLASSES)
def test_one_record_equals_the_oracle(drawn: tuple[PatientRecord, dt.date], policy: SchedulePolicy,
                                      classes: ClassificationPolicy) -> None:
    rec, day = drawn
    assert next_due(rec, day, policy, classes) == oracle.next_due(rec, day, policy, classes)
    assert health_check_due(rec, day, policy) == oracle.health_check_due(rec, day, policy)


@given(st.lists(patient_records(), min_size=1, max_size=6, unique_by=lambda r: r.patient.patient_id),
       st.dates(dt.date(2015, 1, 1), dt.date(2027, 12, 31)), POLICIES)
def test_the_table_equals_each_record(recs: list[PatientRecord], day: dt.date, policy: SchedulePolicy) -> None:
    """The registry's table (many patients: group-bys and joins) gives every consented patient
    the row their record alone gives, and no row to a patient without consent."""
    t = record_tables(recs)
    frame = due_frame(t.patients, t.followups, t.events, day, policy)
    assert frame.columns == list(DUE_COLUMNS)
    got = {r["patient_id"]: (r["next_due"], r["reason"], r["health_check_due"]) for r in frame.iter_rows(named=True)}
    want = {}
    for r in recs:
        due = oracle.next_due(r, day, policy)
        if due is not None:
            want[r.patient.patient_id] = (due.date, due.reason.value, oracle.health_check_due(r, day, policy))
    assert got == want


@pytest.mark.parametrize(("items", "on", "want"), [
    # never followed up: from the later of registration and consent (2020-05-08), on the day itself
    ((), D(2020, 5, 8), NextDue(D(2020, 5, 22), DueReason.FIRST_AFTER_ENROLMENT, None, None)),
    # a visit after ``on`` is not seen; on its day it is
    ((visit(D(2025, 3, 1), risk_level=3),), D(2025, 2, 28),
     NextDue(D(2020, 5, 22), DueReason.FIRST_AFTER_ENROLMENT, None, None)),
    ((visit(D(2025, 3, 1), risk_level=3),), D(2025, 3, 1),
     NextDue(D(2025, 3, 15), DueReason.SCHEDULED, Classification.UNSTABLE, 3)),
    # a discharge on the day of the last completed visit still calls for a visit; the day before does not
    ((visit(D(2025, 3, 1)), event(D(2025, 3, 1), EventKind.DISCHARGE)), D(2025, 3, 1),
     NextDue(D(2025, 3, 15), DueReason.AFTER_DISCHARGE, Classification.STABLE, 0)),
    ((event(D(2025, 2, 28), EventKind.DISCHARGE), visit(D(2025, 3, 1))), D(2025, 3, 1),
     NextDue(D(2025, 6, 1), DueReason.SCHEDULED, Classification.STABLE, 0)),
    # a failed attempt on the discharge day: retry; the day before the discharge: the discharge rule
    ((visit(D(2025, 1, 10)), event(D(2025, 3, 1), EventKind.DISCHARGE), miss(D(2025, 3, 1))), D(2025, 3, 1),
     NextDue(D(2025, 3, 15), DueReason.RETRY_NOT_REACHED, Classification.STABLE, 0)),
    ((visit(D(2025, 1, 10)), miss(D(2025, 2, 28)), event(D(2025, 3, 1), EventKind.DISCHARGE)), D(2025, 3, 1),
     NextDue(D(2025, 3, 15), DueReason.AFTER_DISCHARGE, Classification.STABLE, 0)),
])
def test_next_due_boundaries(items: tuple[object, ...], on: dt.date, want: NextDue) -> None:
    r = record(*items)  # type: ignore[arg-type]
    assert next_due(r, on) == want == oracle.next_due(r, on)


def test_health_check_due_boundaries() -> None:
    """BPHS2017 健康体检: 12 months after the last check on or before the day; at the start of
    management (the later of registration and consent) when none; None without consent."""
    r = record(event(D(2025, 3, 31), EventKind.HEALTH_CHECK), p=patient(consent_date=D(2020, 6, 1)))
    assert health_check_due(r, D(2025, 3, 30)) == D(2020, 6, 1)
    assert health_check_due(r, D(2025, 3, 31)) == D(2026, 3, 31)
    assert health_check_due(r, D(2025, 3, 31), SchedulePolicy(health_check_months=6)) == D(2025, 9, 30)
    refused = record(event(D(2025, 3, 31), EventKind.HEALTH_CHECK), p=patient(consent=Consent.REFUSED))
    assert health_check_due(refused, D(2025, 4, 1)) is None and next_due(refused, D(2025, 4, 1)) is None
    t = record_tables([refused])
    assert due_frame(t.patients, t.followups, t.events, D(2025, 4, 1)).height == 0


@given(record_and_day())
def test_the_history_without_a_status_policy_only_leaves_the_lost_columns_empty(case: tuple[PatientRecord,
                                                                                           dt.date]) -> None:
    """``patient_history(status=None)`` (what ``due_frame`` asks, never reading who is lost) is
    the full history with the lost attempt left out: every other column equal."""
    rec, day = case
    t = record_tables([rec])
    one = one_patient(t.patients, t.followups, t.events)
    full = patient_history(t.patients, t.followups, None, day, NATIONAL_STATUS, ClassificationPolicy(), one)
    short = patient_history(t.patients, t.followups, None, day, None, ClassificationPolicy(), one)
    lost = ["_lost_date", "_lost_reason"]
    assert short.schema == full.schema
    assert short.drop(lost).equals(full.drop(lost))
    assert short.select(lost).null_count().row(0) == (short.height, short.height)


def test_the_class_policy_reaches_one_record_s_dates() -> None:
    """A completed follow-up at risk 2 without a recorded class: the national §4 rule and a
    stricter policy (risk 2 already unstable) class it differently, and the record call follows
    the policy it is given (both classes are seen again within two weeks: the same date)."""
    rec = record(visit(D(2025, 3, 3), risk_level=2))
    strict = ClassificationPolicy(unstable_risk_min=2)
    national = next_due(rec, D(2025, 3, 3))
    stricter = next_due(rec, D(2025, 3, 3), classes=strict)
    assert national == oracle.next_due(rec, D(2025, 3, 3))
    assert stricter == oracle.next_due(rec, D(2025, 3, 3), classes=strict)
    assert national is not None and stricter is not None
    assert stricter.last_class is Classification.UNSTABLE
    assert national.last_class is Classification.BASICALLY_STABLE


def test_one_patient_s_row_among_other_patients_rows() -> None:
    """One patient's row, the follow-ups and events tables also holding another patient's rows
    (a discharge two days before the day): the first patient's dates, untouched by the other's
    rows — the one-patient shortcut only when every table holds that patient alone."""
    p1 = record(visit(D(2025, 3, 3)), p=patient("P1"))
    p2 = record(visit(D(2025, 3, 20), "P2", risk_level=3), event(D(2025, 3, 28), EventKind.DISCHARGE, "P2"),
                p=patient("P2"))
    both = record_tables([p1, p2])
    only = record_tables([p1])
    day = D(2025, 3, 30)
    want = due_frame(only.patients, only.followups, only.events, day)
    for followups, events in ((both.followups, only.events), (only.followups, both.events),
                              (both.followups, both.events)):
        assert due_frame(only.patients, followups, events, day).equals(want)
    assert want.row(0, named=True)["next_due"] == oracle.next_due(p1, day).date  # type: ignore[union-attr]
    bare = record(p=patient("P2"))  # two patients, one follow-up row in all: not one patient's tables
    t = record_tables([bare, p1])  # P2 first: a shortcut taken wrongly would pair rows by position
    got = {r["patient_id"]: r["next_due"] for r in due_frame(t.patients, t.followups, t.events, day).iter_rows(
        named=True)}
    assert got == {"P1": oracle.next_due(p1, day).date, "P2": oracle.next_due(bare, day).date}  # type: ignore[union-attr]
