"""The worklist computed over the registry's tables equals the per-patient worklist, item by item.

Registries are generated with everything the worklist distinguishes: alerts (high-risk patients
who transferred out, went missing or are lost; emergencies without their category; follow-ups
without consent), report deadlines of cases diagnosed before registration, every reason a
follow-up falls due (first after enrolment, after discharge, retry, in hospital, scheduled),
health checks done and never done, same-day follow-ups and events, transfers inside and outside
the coverage; the day is drawn anywhere and on the boundaries (a record's day, one before, one
after, the alert look-back's edge); every policy parameter is drawn.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import hypothesis.strategies as st
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings

from smi_care.domain import (
    Consent,
    EmergencyCategory,
    Event,
    EventKind,
    FollowUp,
    LossReason,
    PatientRecord,
    Registry,
)
from smi_care.domain.errors import CalendarError
from smi_care.domain.identity import AreaCode
from smi_care.domain.records import PopulationEntry
from smi_care.indicators.worklist_table import (
    ITEM_COLUMNS,
    records_worklist,
    work_items,
    worklist_frame,
    worklist_table,
)
from smi_care.rules.classification import ClassificationPolicy
from smi_care.rules.schedule import SchedulePolicy
from smi_care.rules.status import StatusPolicy, covers_nothing
from smi_care.rules.workdays import PROVISIONAL
from smi_care.rules.worklist import NATIONAL, PROVISIONAL_CALENDAR, ItemKind, WorklistPolicy
from smi_care.testing import codes, patients
from smi_care.testing import registries as wide_registries
from tests.helpers import D, event, miss, patient, record, visit
from tests.oracle.worklist import worklist
from tests.test_engines_equal import ELSEWHERE, HOME, attempts, days, status_events, tables_of

#: Event kinds, the ones that end a registration rarer than the others.
KINDS = (EventKind.HEALTH_CHECK, EventKind.HEALTH_CHECK, EventKind.EMERGENCY, EventKind.EMERGENCY,
         EventKind.ADMISSION, EventKind.DISCHARGE, EventKind.DISCHARGE, EventKind.TRANSFER_OUT, EventKind.TRANSFER_IN,
         EventKind.COUNSELLING, EventKind.DEATH)


@st.composite
def worklist_events(draw: st.DrawFn, pid: str, lo: dt.date, visits: list[dt.date]) -> list[Event]:
    """Events that mostly leave the patient registered; some on a visit day or on another event's day."""
    out: list[Event] = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(KINDS))
        marks = visits + [e.date for e in out]
        day = draw(st.sampled_from(marks)) if marks and draw(st.booleans()) else draw(days(lo))
        kw: dict[str, Any] = {}
        if kind in (EventKind.TRANSFER_OUT, EventKind.TRANSFER_IN):
            other = draw(st.one_of(st.none(), st.sampled_from(ELSEWHERE + HOME)))
            kw["other_area"] = AreaCode(other) if other else None
        elif kind is EventKind.EMERGENCY:
            kw["emergency"] = draw(st.one_of(st.none(), codes(EmergencyCategory)))
        out.append(Event(pid, day, kind, **kw))
    admissions = sorted(e.date for e in out if e.kind is EventKind.ADMISSION)
    return [e for e in out if e.kind is not EventKind.DISCHARGE or (admissions and e.date >= admissions[0])]


def lively_attempts(pid: str, lo: dt.date) -> st.SearchStrategy[list[FollowUp]]:
    """Mostly reached follow-ups (some same-day), a few failed or lost attempts."""
    return attempts(pid, lo, kinds=("reached", "reached", "reached", "failed", "failed", "lost", "in_hospital"),
                    most=6, same_day_one_in=5)


@st.composite
def records(draw: st.DrawFn, pid: str) -> PatientRecord:
    """A patient diagnosed shortly before (or long before) registration, consent agreed on,
    before or after the registration day, or refused."""
    p = draw(patients(pid))
    registered = draw(days(dt.date(2023, 1, 1), dt.date(2025, 12, 20)))
    diagnosis = registered - dt.timedelta(days=draw(st.sampled_from((0, 1, 5, 12, 20, 400))))
    birth = min(p.birth_date, diagnosis)
    consent = Consent.AGREED if draw(st.integers(0, 3)) else draw(codes(Consent))
    consent_date = (registered + dt.timedelta(days=draw(st.integers(-10, 30)))
                    if consent is Consent.AGREED else None)
    p = attrs.evolve(p, birth_date=birth, diagnosis_date=diagnosis, registered_on=registered,
                     area_code=AreaCode(draw(st.sampled_from(HOME))), consent=consent, consent_date=consent_date,
                     resident_id=None)
    fus = draw(lively_attempts(pid, diagnosis)) if draw(st.integers(0, 3)) else draw(attempts(pid, diagnosis))
    evs = (draw(worklist_events(pid, diagnosis, [f.visit_date for f in fus])) if draw(st.integers(0, 3))
           else draw(status_events(pid, diagnosis)))
    return PatientRecord(p, tuple(fus), tuple(evs))


@st.composite
def registries(draw: st.DrawFn) -> Registry:
    if draw(st.integers(0, 4)) == 0:
        return draw(wide_registries(max_patients=5))
    recs = [draw(records(f"P{i}")) for i in range(draw(st.integers(1, 6)))]
    population = (PopulationEntry(AreaCode("110105"), 2025, 810_000),)
    return Registry.of(recs, draw(st.sampled_from(((), population))))


@st.composite
def days_for(draw: st.DrawFn, reg: Registry, lookback: int) -> dt.date:
    """A day anywhere, or on a boundary of something recorded."""
    marks = [d for r in reg for d in (r.patient.registered_on, r.patient.diagnosis_date,
                                      *(f.visit_date for f in r.followups), *(e.date for e in r.events))]
    if not marks or draw(st.integers(0, 3)) == 0:
        return draw(days(dt.date(2023, 6, 1), dt.date(2026, 3, 1)))
    if draw(st.booleans()):  # some time after the last thing recorded
        return max(marks) + dt.timedelta(days=draw(st.integers(0, 120)))
    offset = draw(st.sampled_from((-1, 0, 1, 13, 14, 15, lookback - 1, lookback, lookback + 1, 92)))
    return draw(st.sampled_from(marks)) + dt.timedelta(days=offset)


worklist_policies = st.builds(WorklistPolicy, st.integers(0, 5), st.integers(0, 60), st.sampled_from((0, 12, 24, 48)))
schedules = st.one_of(st.just(SchedulePolicy()), st.builds(
    SchedulePolicy, unstable_days=st.integers(1, 30), basically_stable_days=st.integers(1, 45),
    stable_months=st.integers(1, 6), first_followup_days=st.integers(0, 30), after_discharge_days=st.integers(0, 30),
    not_reached_retry_days=st.integers(0, 30), health_check_months=st.integers(1, 24),
    report_working_days=st.integers(1, 15)))
class_policies = st.builds(ClassificationPolicy, st.integers(1, 5), st.booleans())

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.data(), registries(), worklist_policies, schedules, st.builds(StatusPolicy, st.integers(1, 4)),
       class_policies, st.integers(0, 60), st.booleans())
def test_table_worklist_equals_patient_worklist(data: st.DataObject, reg: Registry, policy: WorklistPolicy,
                                                schedule: SchedulePolicy, status: StatusPolicy,
                                                classes: ClassificationPolicy, within: int, covered: bool) -> None:
    on = data.draw(days_for(reg, policy.alert_lookback_days))
    covers = reg.covers if covered else covers_nothing
    t = tables_of(reg)
    expected = worklist(reg, on, within, covers, policy, schedule, status, classes)
    got = worklist_table(t.patients, t.followups, t.events, on, within, covers, policy, schedule, status, classes)
    assert got == expected
    # the record call apps use (the records turned into tables in memory, not read from files)
    assert records_worklist(reg, on, within, covers, policy, schedule, status, classes) == expected


@st.composite
def alert_registries(draw: st.DrawFn) -> Registry:
    """High-risk (or not) patients who then transferred out, failed to be reached or went missing."""
    recs = []
    for i in range(draw(st.integers(1, 4))):
        pid = f"P{i}"
        seen = draw(days(D(2024, 1, 1), D(2025, 3, 1)))
        fus: list[FollowUp] = [visit(seen, pid, risk_level=draw(st.integers(0, 5)))]
        evs: list[Event] = []
        day = seen
        for _ in range(draw(st.integers(0, 4))):
            day = day + dt.timedelta(days=draw(st.integers(0, 20)))
            what = draw(st.sampled_from(("failed", "lost", "transfer", "emergency")))
            if what == "failed":
                fus.append(miss(day, pid))
            elif what == "lost":
                fus.append(miss(day, pid, draw(codes(LossReason))))
            elif what == "transfer":
                evs.append(event(day, EventKind.TRANSFER_OUT, pid,
                                 other_area=draw(st.sampled_from((None, AreaCode(HOME[1]))))))
            else:
                evs.append(event(day, EventKind.EMERGENCY, pid))
        recs.append(record(*fus, *evs, p=patient(pid, area_code=AreaCode(HOME[0]))))
    return Registry.of(recs)


@FAST
@given(st.data(), alert_registries(), worklist_policies, st.builds(StatusPolicy, st.integers(1, 4)), st.booleans())
def test_alerts_equal_on_the_look_back_edges(data: st.DataObject, reg: Registry, policy: WorklistPolicy,
                                             status: StatusPolicy, covered: bool) -> None:
    marks = [d for r in reg for d in (*(f.visit_date for f in r.followups), *(e.date for e in r.events))]
    lookback = policy.alert_lookback_days
    on = data.draw(st.sampled_from(marks)) + dt.timedelta(days=data.draw(st.sampled_from(
        (0, 1, lookback - 1, lookback, lookback + 1))))
    covers = reg.covers if covered else covers_nothing
    t = tables_of(reg)
    expected = worklist(reg, on, 14, covers, policy, status=status)
    assert worklist_table(t.patients, t.followups, t.events, on, 14, covers, policy, status=status) == expected


def test_an_example_with_every_kind_of_item() -> None:
    """One registry that yields every item kind, checked against the per-patient rule."""
    on = D(2025, 6, 30)
    high = dict(risk_level=3)
    recs = [
        record(visit(D(2025, 6, 1), **high), event(D(2025, 6, 20), EventKind.TRANSFER_OUT)),  # police (left)
        record(visit(D(2025, 5, 1), "P2", **high), miss(D(2025, 6, 10), "P2"), miss(D(2025, 6, 12), "P2"),
               miss(D(2025, 6, 14), "P2"), p=patient("P2")),  # police (lost), no follow-up item
        record(visit(D(2025, 6, 25), "P3"), event(D(2025, 6, 29), EventKind.EMERGENCY, "P3"),
               p=patient("P3", consent=Consent.REFUSED)),  # emergency record, no consent
        record(p=patient("P4", diagnosis_date=D(2025, 6, 25), registered_on=D(2025, 7, 20))),  # report deadline
        record(visit(D(2025, 3, 1), "P5"), event(D(2025, 5, 2), EventKind.HEALTH_CHECK, "P5"),
               p=patient("P5")),  # overdue follow-up; check done
        record(p=patient("P6", registered_on=D(2025, 6, 25), consent_date=D(2025, 6, 25))),  # first follow-up
    ]
    reg = Registry.of(recs)
    t = tables_of(reg)
    got = worklist_table(t.patients, t.followups, t.events, on, covers=reg.covers)
    assert got == worklist(reg, on, covers=reg.covers)
    assert {i.kind for i in got} >= {ItemKind.ALERT_NOTIFY_POLICE, ItemKind.ALERT_EMERGENCY_RECORD_MISSING,
                                     ItemKind.ALERT_VISITED_WITHOUT_CONSENT, ItemKind.REPORT_DEADLINE,
                                     ItemKind.FOLLOWUP_OVERDUE, ItemKind.FIRST_FOLLOWUP_DUE, ItemKind.HEALTH_CHECK_DUE}


def test_the_frame_has_its_columns_and_turns_into_items() -> None:
    reg = Registry.of([record(visit(D(2025, 6, 1)))])
    t = tables_of(reg)
    frame = worklist_frame(t.patients, t.followups, t.events, D(2025, 6, 30))
    assert tuple(frame.columns) == ITEM_COLUMNS
    assert frame.schema["due"] == pl.Date
    assert sorted(work_items(frame), key=lambda i: i.kind.value) == sorted(
        worklist(reg, D(2025, 6, 30)), key=lambda i: i.kind.value)


def test_an_empty_registry_has_no_items() -> None:
    t = tables_of(Registry.of([]))
    assert worklist_table(t.patients, t.followups, t.events, D(2025, 6, 30)) == []


def _both(recs: list[PatientRecord], on: dt.date, policy: WorklistPolicy = NATIONAL) -> list[tuple[str, str]]:
    """The items of both paths (asserted equal), as (kind, detail) pairs."""
    reg = Registry.of(recs)
    t = tables_of(reg)
    expected = worklist(reg, on, 14, reg.covers, policy)
    got = worklist_table(t.patients, t.followups, t.events, on, 14, reg.covers, policy)
    assert got == expected
    return [(i.kind.value, i.detail) for i in got]


EMERGENCY_DAY = D(2025, 6, 1)


@pytest.mark.parametrize(("on", "alerted"), [
    (EMERGENCY_DAY - dt.timedelta(days=1), False), (EMERGENCY_DAY, True),
    (EMERGENCY_DAY + dt.timedelta(days=30), True), (EMERGENCY_DAY + dt.timedelta(days=31), False)])
def test_boundary_emergency_record_alert(on: dt.date, alerted: bool) -> None:
    """An emergency without its category alerts from its day to the look-back's last day (30)."""
    items = _both([record(visit(D(2025, 5, 30)), event(EMERGENCY_DAY, EventKind.EMERGENCY))], on)
    assert (ItemKind.ALERT_EMERGENCY_RECORD_MISSING.value in {k for k, _ in items}) is alerted


@pytest.mark.parametrize(("on", "alerted"), [
    (D(2025, 6, 1), True), (D(2025, 7, 1), True), (D(2025, 7, 2), False)])
def test_boundary_police_alert_after_a_transfer(on: dt.date, alerted: bool) -> None:
    items = _both([record(visit(D(2025, 5, 20), risk_level=3), event(D(2025, 6, 1), EventKind.TRANSFER_OUT))], on)
    assert (ItemKind.ALERT_NOTIFY_POLICE.value in {k for k, _ in items}) is alerted


@pytest.mark.parametrize(("discharged", "reason"), [
    (D(2025, 5, 31), "scheduled"), (D(2025, 6, 1), "after_discharge"), (D(2025, 6, 2), "after_discharge")])
def test_boundary_discharge_on_the_last_visit_day(discharged: dt.date, reason: str) -> None:
    """A discharge on the day of the last completed follow-up counts (on or after it)."""
    recs = [record(event(D(2025, 5, 1), EventKind.ADMISSION), visit(D(2025, 6, 1)),
                   event(discharged, EventKind.DISCHARGE))]
    details = {d for _, d in _both(recs, D(2025, 9, 10))}
    assert reason in details


@pytest.mark.parametrize(("attempt", "reason"), [
    (D(2025, 6, 9), "after_discharge"), (D(2025, 6, 10), "retry_not_reached"), (D(2025, 6, 11), "retry_not_reached")])
def test_boundary_failed_attempt_on_the_discharge_day(attempt: dt.date, reason: str) -> None:
    """A failed attempt on or after the discharge day makes the next one a retry."""
    recs = [record(visit(D(2025, 6, 1)), event(D(2025, 6, 2), EventKind.ADMISSION),
                   event(D(2025, 6, 10), EventKind.DISCHARGE), miss(attempt))]
    assert reason in {d for _, d in _both(recs, D(2025, 6, 20))}


@pytest.mark.parametrize(("on", "listed"), [
    (D(2025, 6, 9), False), (D(2025, 6, 10), True), (D(2025, 7, 19), True), (D(2025, 7, 20), False)])
def test_boundary_report_deadline_between_diagnosis_and_registration(on: dt.date, listed: bool) -> None:
    p = patient(diagnosis_date=D(2025, 6, 10), registered_on=D(2025, 7, 20), consent_date=D(2025, 7, 20))
    assert (ItemKind.REPORT_DEADLINE.value in {k for k, _ in _both([record(p=p)], on)}) is listed


@pytest.mark.parametrize(("checked", "listed"), [
    (D(2024, 7, 14), True), (D(2024, 7, 15), True), (D(2024, 7, 16), False)])
def test_boundary_health_check_due_on_the_horizon(checked: dt.date, listed: bool) -> None:
    """Due 12 months after the last check; listed when that falls within the 14 days ahead."""
    recs = [record(visit(D(2025, 6, 25)), event(checked, EventKind.HEALTH_CHECK))]
    assert (ItemKind.HEALTH_CHECK_DUE.value in {k for k, _ in _both(recs, D(2025, 7, 1))}) is listed


@pytest.mark.parametrize(("seen", "listed"), [
    (D(2025, 4, 14), True), (D(2025, 4, 15), True), (D(2025, 4, 16), False)])
def test_boundary_followup_due_on_the_horizon(seen: dt.date, listed: bool) -> None:
    """A stable patient is due 3 months after the visit; listed when that is within 14 days."""
    items = _both([record(visit(seen), event(D(2025, 1, 1), EventKind.HEALTH_CHECK))], D(2025, 7, 1))
    assert (ItemKind.FOLLOWUP_DUE.value in {k for k, _ in items}) is listed


def test_first_followup_counts_from_a_later_consent() -> None:
    p = patient(registered_on=D(2025, 6, 1), consent_date=D(2025, 6, 10))
    reg = Registry.of([record(p=p)])
    t = tables_of(reg)
    items = worklist_table(t.patients, t.followups, t.events, D(2025, 6, 20))
    assert items == worklist(reg, D(2025, 6, 20))
    assert [i.due for i in items if i.kind is ItemKind.FIRST_FOLLOWUP_DUE] == [D(2025, 6, 24)]


def test_report_deadline_on_a_provisional_calendar() -> None:
    """A year the official calendar does not know: the provisional calendar marks the deadline,
    the official one refuses in both paths."""
    p = patient(diagnosis_date=D(2031, 3, 3), registered_on=D(2031, 4, 1), consent_date=D(2031, 4, 1),
                birth_date=D(1980, 1, 2))
    reg = Registry.of([record(p=p)])
    t = tables_of(reg)
    on = D(2031, 3, 5)
    got = worklist_table(t.patients, t.followups, t.events, on, calendar=PROVISIONAL)
    assert got == worklist(reg, on, calendar=PROVISIONAL)
    assert [i.detail for i in got] == [PROVISIONAL_CALENDAR]
    with pytest.raises(CalendarError):
        worklist(reg, on)
    with pytest.raises(CalendarError):
        worklist_table(t.patients, t.followups, t.events, on)


@pytest.mark.parametrize("hours", [24, 48, 72])
def test_emergency_record_detail_names_the_policys_time_limit(hours: int) -> None:
    """WS2018 (应急处置): the emergency record is due ``emergency_record_hours`` after the event;
    the item's words name that limit on both paths, not a fixed 24 hours."""
    policy = WorklistPolicy(emergency_record_hours=hours)
    reg = Registry.of([record(visit(D(2025, 3, 1), pid="A", risk_level=1),
                              event(D(2025, 3, 18), EventKind.EMERGENCY, pid="A"), p=patient("A"))])
    on = D(2025, 3, 20)
    expected = [i for i in worklist(reg, on, 14, covers_nothing, policy)
                if i.kind is ItemKind.ALERT_EMERGENCY_RECORD_MISSING]
    assert [(i.due, i.detail) for i in expected] == [
        (D(2025, 3, 18) + dt.timedelta(hours=hours), f"emergency without its record (category), due within {hours} hours")]
    t = tables_of(reg)
    got = worklist_table(t.patients, t.followups, t.events, on, 14, covers_nothing, policy)
    assert [i for i in got if i.kind is ItemKind.ALERT_EMERGENCY_RECORD_MISSING] == expected
