"""Boundary tables for every rule in ``smi_care.rules``: the day before, on and after each
boundary, with the section of the national rules reference it comes from (§N below is that
reference's section; the official documents are listed in docs/references.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from smi_care.domain import (
    AreaCode,
    CalendarError,
    Classification,
    Consent,
    EventKind,
    FollowUp,
    FollowUpForm,
    Hospitalisation,
    Insight,
    Lockup,
    LossReason,
    PatientRecord,
    SymptomSeverity,
)
from smi_care.domain.codes import DeathCause, EmergencyCategory, FormEdition, PhysicalIllness, Rating, WorkRating
from smi_care.domain.followup import SocialFunction
from smi_care.rules import PROVISIONAL, add_working_days, is_working_day, status_in, status_on
from smi_care.rules.classification import (
    STABLE_CRITERIA,
    Assessment,
    ClassificationPolicy,
    ClassificationResult,
    Criterion,
    classify,
    classify_assessment,
)
from smi_care.rules.interventions import Action, InterventionPolicy, actions_for, visit_actions
from smi_care.rules.quality import Finding, QualityPolicy
from smi_care.rules.risk import (
    ArmedViolence,
    ArsonExplosion,
    Observation,
    SelfHarm,
    Setting,
    Smashing,
    Target,
    VerbalThreat,
    risk_level,
)
from smi_care.rules.schedule import (
    DueReason,
    NextDue,
    SchedulePolicy,
    add_months,
    followup_next_date,
    next_visit_date,
    paper_entry_deadline,
)
from smi_care.rules.status import (
    DayStatus,
    PeriodStatus,
    Registration,
    Status,
    StatusChange,
    StatusPolicy,
    admitted_on,
    death,
    is_lost,
    is_registered,
    last_completed,
    last_lockup,
    lost_since,
    registration_on,
    timeline,
    under_management,
)
from smi_care.rules.workdays import WorkdayAnswer, known_years, working_days_between
from smi_care.rules.worklist import NATIONAL as NATIONAL_WORKLIST
from smi_care.rules.worklist import NO_HEALTH_CHECK, ItemKind, WorkItem, WorklistPolicy
from tests.engine_and_oracle import findings, health_check_due, next_due, patient_items, registry_findings, worklist
from tests.helpers import D, event, miss, patient, record, visit

# --- §3 risk: every row of the table and the two combinations it leaves open ------------------

@pytest.mark.parametrize(("obs", "level"), [
    ([], 0),
    ([VerbalThreat()], 1),
    ([Smashing(Setting.HOME, Target.PROPERTY, stopped_by_persuasion=True)], 2),
    ([Smashing(Setting.HOME, Target.PROPERTY, stopped_by_persuasion=False)], 3),
    ([Smashing(Setting.ANY, Target.PROPERTY, stopped_by_persuasion=True)], 3),   # decision: not "confined to home"
    ([Smashing(Setting.ANY, Target.PROPERTY, stopped_by_persuasion=False)], 3),
    ([Smashing(Setting.HOME, Target.PROPERTY, persistent=True, stopped_by_persuasion=True)], 3),
    ([Smashing(Setting.HOME, Target.PROPERTY, persistent=True, stopped_by_persuasion=False)], 4),
    ([Smashing(Setting.HOME, Target.PEOPLE, stopped_by_persuasion=True)], 4),     # decision: people → 4
    ([Smashing(Setting.ANY, Target.PEOPLE, persistent=True)], 4),
    ([SelfHarm()], 4),
    ([ArmedViolence()], 5),
    ([ArsonExplosion()], 5),
    ([VerbalThreat(), SelfHarm(), Smashing(Setting.HOME, Target.PROPERTY, stopped_by_persuasion=True)], 4),
])
def test_section3_risk_table(obs: list[Observation], level: int) -> None:
    assert risk_level(obs) == level


# --- §4 classification: each threshold just below, on and above -------------------------------

GOOD = SocialFunction.all_good()


def _a(risk: int = 0, sev: SymptomSeverity = SymptomSeverity.BASICALLY_GONE, ins: Insight | None = Insight.COMPLETE,
       **kw: object) -> Assessment:
    return Assessment(risk, sev, ins, kw.pop("social", GOOD), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("a", "cls"), [
    (_a(0), Classification.STABLE),
    (_a(1), Classification.BASICALLY_STABLE),
    (_a(2), Classification.BASICALLY_STABLE),
    (_a(3), Classification.UNSTABLE),                       # risk 3 is the first unstable level
    (_a(5), Classification.UNSTABLE),
    (_a(sev=SymptomSeverity.MARKED), Classification.UNSTABLE),
    (_a(sev=SymptomSeverity.PRESENT), Classification.BASICALLY_STABLE),
    (_a(ins=Insight.ABSENT), Classification.UNSTABLE),
    (_a(ins=Insight.PARTIAL), Classification.BASICALLY_STABLE),
    (_a(ins=None), Classification.BASICALLY_STABLE),
    (_a(adr_serious=True), Classification.UNSTABLE),
])
def test_section4_classification_table(a: Assessment, cls: Classification) -> None:
    assert classify_assessment(a).classification is cls


@pytest.mark.parametrize(("risk", "minimum", "cls"), [
    (1, 2, Classification.BASICALLY_STABLE), (2, 2, Classification.UNSTABLE), (3, 4, Classification.BASICALLY_STABLE),
])
def test_section4_unstable_risk_threshold_is_a_policy(risk: int, minimum: int, cls: Classification) -> None:
    assert classify_assessment(_a(risk), ClassificationPolicy(unstable_risk_min=minimum)).classification is cls


@pytest.mark.parametrize(("risk", "police"), [(None, False), (0, False), (2, False), (3, True), (5, True)])
def test_section4_police_report_from_risk_3(risk: int | None, police: bool) -> None:
    assert (Action.NOTIFY_POLICE in actions_for(Classification.UNSTABLE, risk)) is police
    assert Action.NOTIFY_POLICE not in actions_for(Classification.UNSTABLE, risk, InterventionPolicy(None))


# --- §4 schedule: 14 days, 3 calendar months, month-end clamps --------------------------------

@pytest.mark.parametrize(("visit_day", "cls", "due"), [
    (D(2025, 3, 1), Classification.UNSTABLE, D(2025, 3, 15)),
    (D(2025, 3, 1), Classification.BASICALLY_STABLE, D(2025, 3, 15)),
    (D(2025, 12, 25), Classification.UNSTABLE, D(2026, 1, 8)),
    (D(2025, 3, 1), Classification.STABLE, D(2025, 6, 1)),
    (D(2025, 11, 29), Classification.STABLE, D(2026, 2, 28)),
    (D(2025, 11, 30), Classification.STABLE, D(2026, 2, 28)),   # 02-30 does not exist: last day
    (D(2023, 11, 30), Classification.STABLE, D(2024, 2, 29)),   # leap year
    (D(2025, 8, 31), Classification.STABLE, D(2025, 11, 30)),
    (D(2025, 12, 1), Classification.STABLE, D(2026, 3, 1)),
])
def test_section4_next_visit_table(visit_day: dt.date, cls: Classification, due: dt.date) -> None:
    assert next_visit_date(visit_day, cls) == due


@pytest.mark.parametrize(("day", "months", "result"), [
    (D(2025, 1, 31), 1, D(2025, 2, 28)), (D(2024, 1, 31), 1, D(2024, 2, 29)), (D(2025, 3, 31), 12, D(2026, 3, 31)),
])
def test_section4_add_months_clamps(day: dt.date, months: int, result: dt.date) -> None:
    assert add_months(day, months) == result


# discharge and retries (§4 "after a discharge", "not reached"): a stable visit on 01-10
@pytest.mark.parametrize(("items", "on", "date", "reason"), [
    # discharge on the day of a completed visit: the discharge still calls for a visit within 14 days
    ((visit(D(2025, 3, 1)), event(D(2025, 3, 1), EventKind.DISCHARGE)), D(2025, 3, 1), D(2025, 3, 15),
     DueReason.AFTER_DISCHARGE),
    # discharge the day before the visit: the visit answers it
    ((event(D(2025, 2, 28), EventKind.DISCHARGE), visit(D(2025, 3, 1))), D(2025, 3, 1), D(2025, 6, 1),
     DueReason.SCHEDULED),
    # discharge the day after the visit
    ((visit(D(2025, 3, 1)), event(D(2025, 3, 2), EventKind.DISCHARGE)), D(2025, 3, 2), D(2025, 3, 16),
     DueReason.AFTER_DISCHARGE),
    # a failed attempt on the discharge day: the retry rule
    ((visit(D(2025, 1, 10)), event(D(2025, 3, 1), EventKind.DISCHARGE), miss(D(2025, 3, 1))), D(2025, 3, 1),
     D(2025, 3, 15), DueReason.RETRY_NOT_REACHED),
    # a failed attempt the day before the discharge: the discharge rule
    ((visit(D(2025, 1, 10)), miss(D(2025, 2, 28)), event(D(2025, 3, 1), EventKind.DISCHARGE)), D(2025, 3, 1),
     D(2025, 3, 15), DueReason.AFTER_DISCHARGE),
    # a failed attempt the day after: retry from the attempt
    ((visit(D(2025, 1, 10)), event(D(2025, 3, 1), EventKind.DISCHARGE), miss(D(2025, 3, 2))), D(2025, 3, 2),
     D(2025, 3, 16), DueReason.RETRY_NOT_REACHED),
    # what is dated after ``on`` is not seen
    ((visit(D(2025, 1, 10)), miss(D(2025, 4, 10))), D(2025, 4, 9), D(2025, 4, 10), DueReason.SCHEDULED),
    ((visit(D(2025, 1, 10)), miss(D(2025, 4, 10))), D(2025, 4, 10), D(2025, 4, 24), DueReason.RETRY_NOT_REACHED),
    # an in-hospital follow-up without a class: 14 days
    ((visit(D(2025, 1, 10), risk_level=None, hospitalisation=Hospitalisation.IN_HOSPITAL_NOW),), D(2025, 1, 10),
     D(2025, 1, 24), DueReason.IN_HOSPITAL),
    # never followed up: 14 days from the later of registration and consent
    ((), D(2020, 5, 8), D(2020, 5, 22), DueReason.FIRST_AFTER_ENROLMENT),
])
def test_section4_next_due_table(items: tuple[object, ...], on: dt.date, date: dt.date, reason: DueReason) -> None:
    due = next_due(record(*items), on)  # type: ignore[arg-type]
    assert due is not None and (due.date, due.reason) == (date, reason)


def test_section2_first_followup_counts_from_the_later_consent() -> None:
    late = record(p=patient(consent_date=D(2020, 6, 1)))
    early = record(p=patient(consent_date=D(2020, 5, 1)))
    assert next_due(late, D(2020, 6, 1)).date == D(2020, 6, 15)  # type: ignore[union-attr]
    assert next_due(early, D(2020, 6, 1)).date == D(2020, 5, 22)  # type: ignore[union-attr]


# --- §2 working days (REPORT2013): around the 2025 National Day holiday -----------------------

@pytest.mark.parametrize(("day", "working"), [
    (D(2025, 9, 28), True),    # Sunday, adjusted working day (调休)
    (D(2025, 9, 30), True),
    (D(2025, 10, 1), False),
    (D(2025, 10, 8), False),
    (D(2025, 10, 9), True),
    (D(2025, 10, 11), True),   # Saturday, adjusted working day
    (D(2025, 10, 12), False),  # Sunday
])
def test_section2_working_day_table(day: dt.date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(("start", "n", "end"), [
    (D(2025, 9, 30), 0, D(2025, 9, 30)),
    (D(2025, 9, 29), 1, D(2025, 9, 30)),
    (D(2025, 9, 30), 1, D(2025, 10, 9)),
    (D(2025, 9, 30), 2, D(2025, 10, 10)),
])
def test_section2_add_working_days_table(start: dt.date, n: int, end: dt.date) -> None:
    assert add_working_days(start, n).date == end
    assert working_days_between(start, end) == n


def test_section2_negative_working_days_refused() -> None:
    with pytest.raises(ValueError, match="-1"):
        add_working_days(D(2025, 1, 1), -1)


# --- §5 status -------------------------------------------------------------------------------

def test_section5_lost_after_the_third_failure_not_the_second() -> None:
    r = record(visit(D(2025, 1, 5)), miss(D(2025, 4, 5)), miss(D(2025, 4, 19)), miss(D(2025, 5, 3)),
               miss(D(2025, 5, 17)))
    assert [is_lost(r, d) for d in (D(2025, 5, 2), D(2025, 5, 3), D(2025, 5, 4))] == [False, True, True]
    assert lost_since(r, D(2025, 6, 1)) == miss(D(2025, 5, 3))   # the 3rd, not a later one
    assert not is_lost(r, D(2025, 5, 3), StatusPolicy(consecutive_failures_lost=4))
    assert is_lost(r, D(2025, 5, 17), StatusPolicy(consecutive_failures_lost=4))
    broken = record(miss(D(2025, 4, 5)), visit(D(2025, 4, 6)), miss(D(2025, 4, 19)), miss(D(2025, 5, 3)))
    assert not is_lost(broken, D(2025, 5, 3))     # the run restarts after a completed follow-up


def test_section5_a_loss_reason_after_the_third_failure_moves_the_date() -> None:
    r = record(miss(D(2025, 4, 5)), miss(D(2025, 4, 19)), miss(D(2025, 5, 3)),
               miss(D(2025, 5, 17), reason=LossReason.MOVED))
    assert lost_since(r, D(2025, 5, 20)) == miss(D(2025, 5, 17), reason=LossReason.MOVED)


@pytest.mark.parametrize(("kind", "status"), [
    (EventKind.DEATH, Status.DEAD), (EventKind.TRANSFER_OUT, Status.TRANSFERRED_OUT),
    (EventKind.DIAGNOSIS_WITHDRAWN, Status.WITHDRAWN),
])
def test_section5_registered_on_d_and_ended_on_d(kind: EventKind, status: Status) -> None:
    """Registered on D with death, transfer or withdrawal on the same D: not registered on D."""
    p = patient(registered_on=D(2025, 3, 1), consent_date=D(2025, 3, 1))
    r = record(visit(D(2025, 3, 1)), event(D(2025, 3, 1), kind), p=p)
    assert not is_registered(r, D(2025, 3, 1)) and status_on(r, D(2025, 3, 1)).status is status
    assert status_on(r, D(2025, 2, 28)).status is Status.NOT_REGISTERED
    assert not status_in(r, D(2025, 1, 1), D(2025, 3, 1)).under_management


@pytest.mark.parametrize(("day", "registered"), [(D(2025, 2, 28), True), (D(2025, 3, 1), False), (D(2025, 3, 2), False)])
def test_section5_death_boundary(day: dt.date, registered: bool) -> None:
    assert is_registered(record(event(D(2025, 3, 1), EventKind.DEATH)), day) is registered


def test_section5_same_day_ties_follow_row_order() -> None:
    """Transfer out and back in on the same day: the row order decides (§5, §6 same-day ties)."""
    out_then_in = record(event(D(2025, 3, 1), EventKind.TRANSFER_OUT), event(D(2025, 3, 1), EventKind.TRANSFER_IN))
    in_then_out = record(event(D(2025, 3, 1), EventKind.TRANSFER_IN), event(D(2025, 3, 1), EventKind.TRANSFER_OUT))
    assert is_registered(out_then_in, D(2025, 3, 1)) and not is_registered(in_then_out, D(2025, 3, 1))
    adm_dis = record(event(D(2025, 3, 1), EventKind.ADMISSION), event(D(2025, 3, 1), EventKind.DISCHARGE))
    dis_adm = record(event(D(2025, 3, 1), EventKind.DISCHARGE), event(D(2025, 3, 1), EventKind.ADMISSION))
    assert not admitted_on(adm_dis, D(2025, 3, 1)) and admitted_on(dis_adm, D(2025, 3, 1))
    fu = record(visit(D(2025, 3, 1), lockup=Lockup.LOCKED), visit(D(2025, 3, 1), lockup=Lockup.RELEASED))
    assert last_lockup(fu, D(2025, 3, 1)) is Lockup.RELEASED


@pytest.mark.parametrize(("day", "admitted"), [
    (D(2025, 1, 31), False), (D(2025, 2, 1), True), (D(2025, 2, 28), True), (D(2025, 3, 1), False),
])
def test_section5_admission_window(day: dt.date, admitted: bool) -> None:
    r = record(event(D(2025, 2, 1), EventKind.ADMISSION), event(D(2025, 3, 1), EventKind.DISCHARGE))
    assert admitted_on(r, day) is admitted


def test_section5_lockup_falls_back_to_the_personal_record() -> None:
    r = record(visit(D(2025, 3, 1)), visit(D(2025, 5, 1), lockup=Lockup.RELEASED), p=patient(past_lockup=Lockup.LOCKED))
    assert last_lockup(r, D(2025, 4, 30)) is Lockup.LOCKED
    assert last_lockup(r, D(2025, 5, 1)) is Lockup.RELEASED


@pytest.mark.parametrize(("start", "end", "managed"), [
    (D(2025, 3, 2), D(2025, 12, 31), False),   # the visit the day before P
    (D(2025, 3, 1), D(2025, 12, 31), True),    # on P's first day
    (D(2025, 1, 1), D(2025, 3, 1), True),      # on D
    (D(2025, 1, 1), D(2025, 2, 28), False),    # the day after D
])
def test_section5_under_management_period_edges(start: dt.date, end: dt.date, managed: bool) -> None:
    r = record(visit(D(2025, 3, 1)), miss(D(2025, 6, 1)))
    assert under_management(r, start, end) is managed
    assert status_in(r, start, end).under_management is managed


def test_section5_under_management_iff_registered_and_a_completed_followup() -> None:
    r = record(visit(D(2025, 3, 1)), event(D(2025, 12, 31), EventKind.TRANSFER_OUT))
    assert not under_management(r, D(2025, 1, 1), D(2025, 12, 31))
    assert under_management(r, D(2025, 1, 1), D(2025, 12, 30))
    assert not under_management(record(miss(D(2025, 3, 1))), D(2025, 1, 1), D(2025, 12, 31))
    refused = record(visit(D(2025, 3, 1)), p=patient(consent=Consent.REFUSED))
    assert under_management(refused, D(2025, 1, 1), D(2025, 12, 31))  # §6: consent is not part of 在管


def test_section5_transfer_in_registers_from_its_date() -> None:
    r = record(event(D(2025, 3, 1), EventKind.TRANSFER_IN))
    assert [is_registered(r, d) for d in (D(2025, 2, 28), D(2025, 3, 1), D(2025, 3, 2))] == [False, True, True]
    assert registration_on(r, D(2025, 2, 28)).ended_by is None


# --- §5 worklist windows ----------------------------------------------------------------------

def _kinds(r: PatientRecord, on: dt.date, policy: WorklistPolicy = NATIONAL_WORKLIST) -> list[ItemKind]:
    return [i.kind for i in patient_items(r, on, policy=policy)]


@pytest.mark.parametrize(("on", "alert"), [
    (D(2025, 4, 29), True),   # 29 days after the transfer
    (D(2025, 4, 30), True),   # 30 days: the last day of the window
    (D(2025, 5, 1), False),   # 31 days
])
def test_section5_police_alert_window_after_a_transfer(on: dt.date, alert: bool) -> None:
    r = record(visit(D(2025, 3, 20), risk_level=3), event(D(2025, 3, 31), EventKind.TRANSFER_OUT))
    assert (ItemKind.ALERT_NOTIFY_POLICE in _kinds(r, on)) is alert


@pytest.mark.parametrize(("on", "alert"), [(D(2025, 4, 14), True), (D(2025, 4, 15), False)])
def test_section5_police_alert_window_after_going_missing(on: dt.date, alert: bool) -> None:
    r = record(visit(D(2025, 3, 1), risk_level=4), miss(D(2025, 3, 15), reason=LossReason.MISSING))
    assert (ItemKind.ALERT_NOTIFY_POLICE in _kinds(r, on)) is alert


@pytest.mark.parametrize(("risk", "alert"), [(2, False), (3, True)])
def test_section5_police_alert_risk_threshold(risk: int, alert: bool) -> None:
    r = record(visit(D(2025, 3, 1), risk_level=risk, classification=Classification.BASICALLY_STABLE),
               miss(D(2025, 3, 15), reason=LossReason.MISSING))
    assert (ItemKind.ALERT_NOTIFY_POLICE in _kinds(r, D(2025, 3, 16))) is alert


@pytest.mark.parametrize(("on", "overdue"), [
    (D(2025, 3, 1), -1),  # the event day: the record is due within 24 hours, by the next day
    (D(2025, 3, 2), 0),   # 24 hours later: due today
    (D(2025, 3, 3), 1),   # one day late
])
def test_section5_emergency_record_24_hour_window(on: dt.date, overdue: int) -> None:
    r = record(event(D(2025, 3, 1), EventKind.EMERGENCY))
    items = [i for i in patient_items(r, on) if i.kind is ItemKind.ALERT_EMERGENCY_RECORD_MISSING]
    assert [(i.due, i.days_overdue) for i in items] == [(D(2025, 3, 2), overdue)]
    wider = WorklistPolicy(emergency_record_hours=72)
    assert [i.due for i in patient_items(r, on, policy=wider) if i.kind.is_alert] == [D(2025, 3, 4)]


@pytest.mark.parametrize(("on", "alert"), [(D(2025, 2, 28), False), (D(2025, 3, 31), True), (D(2025, 4, 1), False)])
def test_section5_emergency_alert_lookback(on: dt.date, alert: bool) -> None:
    r = record(event(D(2025, 3, 1), EventKind.EMERGENCY))
    ok = record(event(D(2025, 3, 1), EventKind.EMERGENCY, emergency=EmergencyCategory.RELAPSE))
    assert (ItemKind.ALERT_EMERGENCY_RECORD_MISSING in _kinds(r, on)) is alert
    assert ItemKind.ALERT_EMERGENCY_RECORD_MISSING not in _kinds(ok, on)


@pytest.mark.parametrize(("on", "kind"), [
    (D(2025, 1, 9), None),                       # due 01-24: beyond the 14-day horizon
    (D(2025, 1, 10), ItemKind.FOLLOWUP_DUE),      # horizon reaches the due date
    (D(2025, 1, 24), ItemKind.FOLLOWUP_DUE),      # due today: not yet overdue
    (D(2025, 1, 25), ItemKind.FOLLOWUP_OVERDUE),
])
def test_section4_worklist_due_and_overdue(on: dt.date, kind: ItemKind | None) -> None:
    r = record(visit(D(2024, 12, 1), risk_level=0), visit(D(2025, 1, 10), risk_level=3))
    found = [k for k in _kinds(r, on) if k in (ItemKind.FOLLOWUP_DUE, ItemKind.FOLLOWUP_OVERDUE)]
    assert found == ([] if kind is None else [kind])


def test_section4_worklist_first_followup_and_nothing_for_the_lost() -> None:
    assert ItemKind.FIRST_FOLLOWUP_DUE in _kinds(record(), D(2020, 5, 8))
    lost = record(visit(D(2025, 1, 5)), miss(D(2025, 1, 19)), miss(D(2025, 2, 2)), miss(D(2025, 2, 16)))
    assert not {ItemKind.FOLLOWUP_DUE, ItemKind.FOLLOWUP_OVERDUE} & set(_kinds(lost, D(2025, 2, 17)))


# --- §4 quality: the gap finding at the allowed date --------------------------------------------

@pytest.mark.parametrize(("second", "gap"), [(D(2025, 1, 14), False), (D(2025, 1, 15), False), (D(2025, 1, 16), True)])
def test_section4_gap_too_long_boundary(second: dt.date, gap: bool) -> None:
    r = record(visit(D(2025, 1, 1), risk_level=3, classification=Classification.UNSTABLE), miss(second))
    assert ("gap_too_long" in [f.kind for f in findings(r)]) is gap
    assert "gap_too_long" not in [f.kind for f in findings(r, QualityPolicy(gap_grace_days=1))]


@pytest.mark.parametrize(("nxt", "late"), [(D(2025, 6, 1), False), (D(2025, 6, 2), True)])
def test_section4_next_date_too_late_boundary(nxt: dt.date, late: bool) -> None:
    r = record(visit(D(2025, 3, 1), classification=Classification.STABLE, next_visit_date=nxt))
    found = [(f.kind, f.expected) for f in findings(r)]
    assert (("next_date_too_late", "2025-06-01") in found) is late


# --- survivors of the first mutation run -----------------------------------------------------------

def test_section4_health_check_due_counts_only_health_checks_on_or_before_the_day() -> None:
    r = record(event(D(2024, 6, 1), EventKind.HEALTH_CHECK), event(D(2024, 9, 1), EventKind.COUNSELLING),
               event(D(2025, 4, 1), EventKind.HEALTH_CHECK))
    assert health_check_due(r, D(2025, 3, 31)) == D(2025, 6, 1)
    assert health_check_due(r, D(2025, 4, 1)) == D(2026, 4, 1)
    late = record(p=patient(consent_date=D(2020, 6, 1)))
    assert health_check_due(late, D(2020, 7, 1)) == D(2020, 6, 1)


def test_section2_unknown_year_names_the_known_years_and_provisional_counts_weekdays() -> None:
    years = known_years()
    with pytest.raises(CalendarError, match=f"known years: {years.start}-{years.stop - 1}"):
        is_working_day(dt.date(years.stop, 1, 5))
    monday = dt.date(years.stop, 1, 1) + dt.timedelta(days=(7 - dt.date(years.stop, 1, 1).weekday()) % 7)
    assert is_working_day(monday, PROVISIONAL) and not is_working_day(monday - dt.timedelta(days=1), PROVISIONAL)
    answer = paper_entry_deadline(monday, calendar=PROVISIONAL)
    assert answer.provisional and answer.date == monday + dt.timedelta(days=7)
    with pytest.raises(CalendarError):
        paper_entry_deadline(monday)


# --- every policy argument reaches the rule it configures ----------------------------------------
# A caller's policy replaces a national default (national-rules.md, "Every default marked
# [default] must be a configurable policy"); a rule that drops it silently answers with the
# national default. Each case below differs between the caller's policy and the default.

def test_section4_followup_next_date_from_one_followup() -> None:
    """§4 (BPHS2017 分类干预; WS2018 随访管理): by class when classified, 14 days after an
    in-hospital follow-up without a class (to check on discharge), the retry date after an
    attempt that reached nobody. Three different intervals tell the branches apart."""
    policy = SchedulePolicy(unstable_days=5, after_discharge_days=10, not_reached_retry_days=7)
    day = D(2025, 3, 1)
    hospital = FollowUp("P1", day, FollowUpForm.HOME, hospitalisation=Hospitalisation.IN_HOSPITAL_NOW)
    assert [followup_next_date(f, c, policy) for f, c in [
        (visit(day), Classification.UNSTABLE), (visit(day), Classification.STABLE),
        (hospital, None), (miss(day), None),
    ]] == [D(2025, 3, 6), D(2025, 6, 1), D(2025, 3, 11), D(2025, 3, 8)]
    assert [followup_next_date(f, None) for f in (hospital, miss(day))] == [D(2025, 3, 15), D(2025, 3, 15)]
    assert followup_next_date(visit(day), Classification.STABLE) == D(2025, 6, 1)


def test_section5_death_is_the_death_event() -> None:
    """§5 (WS2018 患者管理, 死亡): the death event ends registration; other events are not it."""
    died = event(D(2025, 5, 1), EventKind.DEATH, death_cause=DeathCause.SUICIDE)
    r = record(event(D(2025, 1, 1), EventKind.HEALTH_CHECK), died)
    assert death(r) == died
    assert death(record(event(D(2025, 1, 1), EventKind.HEALTH_CHECK))) is None


def test_section4_interventions_follow_the_callers_policy() -> None:
    """§4 (BPHS2017 分类干预; BPHS2011 for the older second-visit step)."""
    never = InterventionPolicy(police_risk_min=None)
    assert Action.NOTIFY_POLICE in visit_actions(Classification.UNSTABLE, 4)
    assert Action.NOTIFY_POLICE not in visit_actions(Classification.UNSTABLE, 4, policy=never)
    old = InterventionPolicy(edition=FormEdition.BPHS2011)
    after_basic = visit_actions(Classification.BASICALLY_STABLE, 1, Classification.BASICALLY_STABLE, policy=old)
    assert after_basic[-1] is Action.PSYCHIATRIST_GUIDANCE_1_MONTH
    assert visit_actions(Classification.BASICALLY_STABLE, 1, Classification.BASICALLY_STABLE)[-2:] == (
        Action.REFER_UPWARD, Action.CHECK_REFERRAL_WITHIN_2_WEEKS)
    # the second-visit step is for a patient not unstable now, after a basically stable visit
    assert visit_actions(Classification.UNSTABLE, 3, Classification.BASICALLY_STABLE) == actions_for(
        Classification.UNSTABLE, 3)
    assert visit_actions(Classification.STABLE, 0, Classification.STABLE) == actions_for(Classification.STABLE)


def test_section2_working_days_between_counts_on_the_callers_calendar() -> None:
    """§2 (REPORT2013): outside the known years only the provisional calendar counts (Mon-Fri)."""
    years = known_years()
    first = dt.date(years.stop, 1, 1)
    monday = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    assert working_days_between(monday, monday + dt.timedelta(days=7), PROVISIONAL) == 5
    with pytest.raises(CalendarError):
        working_days_between(monday, monday + dt.timedelta(days=7))


def test_section5_under_management_with_a_transfer_inside_the_coverage() -> None:
    """§5/§6 "Area" (WS2018 工作指标): a transfer out to an area the registry covers keeps the
    patient registered, so under management."""
    inside = AreaCode("110105001003")
    r = record(visit(D(2025, 2, 1)), event(D(2025, 3, 1), EventKind.TRANSFER_OUT, other_area=inside))
    assert not under_management(r, D(2025, 1, 1), D(2025, 3, 31))
    assert under_management(r, D(2025, 1, 1), D(2025, 3, 31), covers=lambda a: a == inside)


def test_section5_worklist_passes_every_setting_on() -> None:
    """§4/§5 (WS2018 随访管理; REPORT2013): the registry worklist answers as each patient's items
    do, with the caller's horizon, coverage and calendar; the default horizon is 14 days."""
    def followups(items: list[WorkItem]) -> list[ItemKind]:
        return [i.kind for i in items if i.kind in (ItemKind.FOLLOWUP_DUE, ItemKind.FOLLOWUP_OVERDUE)]

    due = record(visit(D(2025, 1, 1)))                          # stable: due 2025-04-01
    assert followups(worklist([due], D(2025, 3, 18))) == [ItemKind.FOLLOWUP_DUE]
    assert followups(worklist([due], D(2025, 3, 17))) == []    # 15 days ahead: beyond the default
    assert followups(worklist([due], D(2025, 3, 17), within=15)) == [ItemKind.FOLLOWUP_DUE]
    inside = AreaCode("110105001003")
    moved = record(visit(D(2025, 1, 1), risk_level=3), event(D(2025, 1, 5), EventKind.TRANSFER_OUT, other_area=inside))
    assert followups(worklist([moved], D(2025, 1, 6), covers=lambda a: a == inside)) == [ItemKind.FOLLOWUP_DUE]
    assert followups(worklist([moved], D(2025, 1, 6))) == []
    years = known_years()
    late = dt.date(years.stop, 3, 2)
    unreported = record(p=patient(diagnosis_date=late, registered_on=late + dt.timedelta(days=30),
                                  consent_date=late + dt.timedelta(days=30)))
    items = worklist([unreported], late, calendar=PROVISIONAL)
    assert [(i.kind, i.detail) for i in items] == [(ItemKind.REPORT_DEADLINE, "provisional calendar")]
    with pytest.raises(CalendarError):
        worklist([unreported], late)


def test_section4_registry_findings_are_each_patients_findings_with_the_callers_policies() -> None:
    """§4 (BPHS2017 分类干预): the registry's findings are the patients' findings in order."""
    a = record(visit(D(2025, 1, 1), risk_level=3, classification=Classification.STABLE))
    b = record(visit(D(2025, 1, 1), pid="P2", risk_level=3, classification=Classification.UNSTABLE),
               miss(D(2025, 1, 16), pid="P2"), p=patient("P2"))
    assert registry_findings([a, b]) == findings(a) + findings(b)
    assert [f.kind for f in registry_findings([b])] == ["gap_too_long"]
    assert registry_findings([b], QualityPolicy(gap_grace_days=1)) == []
    assert registry_findings([b], schedule=SchedulePolicy(unstable_days=15)) == []
    assert registry_findings([a], classes=ClassificationPolicy(unstable_risk_min=4)) != findings(a)


def test_section4_quality_findings_say_what_was_recorded_and_expected() -> None:
    """§4 (BPHS2017 随访评估, 分类干预): each finding names the follow-up, the field, what was
    recorded, what the rule expects and why, in words a county worker reads."""
    r = record(visit(D(2025, 1, 1), risk_level=3, classification=Classification.STABLE,
                     next_visit_date=D(2025, 4, 2)),
               visit(D(2025, 4, 3), risk_level=0), miss(D(2025, 7, 4)))
    assert findings(r) == [
        Finding("class_disagrees", "P1", D(2025, 1, 1), "classification", "3", "1",
                "recorded class 3 稳定 but the rule gives 1 不稳定"),
        Finding("next_date_too_late", "P1", D(2025, 1, 1), "next_visit_date", "2025-04-02", "2025-04-01",
                "next visit 2025-04-02 is later than the rule allows (2025-04-01)"),
        Finding("gap_too_long", "P1", D(2025, 1, 1), "visit_date", "2025-04-03", "2025-04-01",
                "the next attempt came on 2025-04-03, after the 2025-04-01 the class allows"),
        Finding("missing_assessment", "P1", D(2025, 4, 3), "classification", "", "3",
                "a reached follow-up has no recorded class (此次随访分类)"),
        Finding("gap_too_long", "P1", D(2025, 4, 3), "visit_date", "2025-07-04", "2025-07-03",
                "the next attempt came on 2025-07-04, after the 2025-07-03 the class allows"),
    ]
    assert str(findings(r)[0]) == ("patient P1 follow-up 2025-01-01 classification: recorded class 3 稳定 but "
                                   "the rule gives 1 不稳定")


# --- §5 the worklist, worked by hand: every field of every item ----------------------------------

ON = D(2025, 3, 20)
_POLICE_LEFT = "left the area (transfer out): tell the police at once"
_POLICE_LOST = ": tell the police at once and inform the mental-health agency"
_EMERGENCY = "emergency without its record (category), due within 24 hours"


def test_section5_worklist_items_worked_by_hand() -> None:
    """§5 (WS2018 随访管理 and 应急处置; BPHS2017 分类干预 and 健康体检; REPORT2013): who the
    item is for, when it is due, how late, the last class and risk, and the words shown."""
    U, B = Classification.UNSTABLE, Classification.BASICALLY_STABLE
    left = record(visit(D(2025, 3, 1), pid="A", risk_level=3), event(ON, EventKind.TRANSFER_OUT, pid="A"),
                  event(D(2025, 3, 18), EventKind.EMERGENCY, pid="A"), p=patient("A"))
    assert patient_items(left, ON) == [
        WorkItem(ItemKind.ALERT_NOTIFY_POLICE, "A", ON, 0, U, 3, _POLICE_LEFT),   # left on the day itself
        WorkItem(ItemKind.ALERT_EMERGENCY_RECORD_MISSING, "A", D(2025, 3, 19), 1, U, 3, _EMERGENCY),
    ]
    lost = record(visit(D(2025, 3, 1), pid="B", risk_level=3), miss(D(2025, 3, 15), pid="B", reason=LossReason.MOVED),
                  p=patient("B"))
    assert patient_items(lost, ON) == [
        WorkItem(ItemKind.ALERT_NOTIFY_POLICE, "B", D(2025, 3, 15), 5, U, 3, "is lost to follow-up" + _POLICE_LOST)]
    refused = record(visit(ON, pid="C", risk_level=1), p=patient("C", consent=Consent.REFUSED))
    assert patient_items(refused, ON) == [
        WorkItem(ItemKind.ALERT_VISITED_WITHOUT_CONSENT, "C", ON, 0, B, 1, "followed up without signed consent")]
    registered_today = record(p=patient("D", diagnosis_date=D(2025, 3, 12), registered_on=ON, consent_date=ON))
    assert [i.kind for i in patient_items(registered_today, ON)] == [ItemKind.FIRST_FOLLOWUP_DUE,
                                                                    ItemKind.HEALTH_CHECK_DUE]
    unreported = record(p=patient("E", diagnosis_date=D(2025, 3, 18), registered_on=D(2025, 4, 10),
                                  consent_date=D(2025, 4, 10)))
    assert patient_items(unreported, ON) == [WorkItem(ItemKind.REPORT_DEADLINE, "E", D(2025, 4, 1), -12)]
    scheduled = record(visit(D(2025, 3, 10), pid="F", risk_level=1), event(D(2024, 4, 1), EventKind.HEALTH_CHECK, pid="F"),
                       p=patient("F"))
    assert patient_items(scheduled, ON) == [
        WorkItem(ItemKind.FOLLOWUP_DUE, "F", D(2025, 3, 24), -4, B, 1, "scheduled"),
        WorkItem(ItemKind.HEALTH_CHECK_DUE, "F", D(2025, 4, 1), -12, B, 1, ""),
    ]


def test_section5_worklist_high_risk_and_policies_per_patient() -> None:
    """§5 (WS2018 应急处置): the police alert needs a last completed follow-up that is unstable
    (recorded or by the caller's class rule) or at the risk threshold; the lost rule and the
    class rule are the caller's; the default horizon is 14 days."""
    never_seen = record(event(D(2025, 3, 15), EventKind.TRANSFER_OUT))
    assert ItemKind.ALERT_NOTIFY_POLICE not in _kinds(never_seen, ON)
    recorded_unstable = record(visit(D(2025, 3, 1), risk_level=1, classification=Classification.UNSTABLE),
                               event(D(2025, 3, 15), EventKind.TRANSFER_OUT))
    assert [(i.last_class, i.last_risk) for i in patient_items(recorded_unstable, ON)] == [
        (Classification.UNSTABLE, 1)]
    risk2 = record(visit(D(2025, 3, 1), risk_level=2), event(D(2025, 3, 15), EventKind.TRANSFER_OUT))
    strict = ClassificationPolicy(unstable_risk_min=2)
    assert ItemKind.ALERT_NOTIFY_POLICE not in _kinds(risk2, ON)
    assert [i.kind for i in patient_items(risk2, ON, classes=strict)] == [ItemKind.ALERT_NOTIFY_POLICE]
    seen = record(visit(D(2025, 3, 10), risk_level=2))
    assert [(i.due, i.last_class) for i in patient_items(seen, ON, classes=strict)
            if i.kind is ItemKind.FOLLOWUP_DUE] == [(D(2025, 3, 24), Classification.UNSTABLE)]
    two_misses = record(visit(D(2025, 1, 5)), miss(D(2025, 2, 2)), miss(D(2025, 2, 16)))
    assert ItemKind.FOLLOWUP_OVERDUE in _kinds(two_misses, ON)
    assert [i.kind for i in patient_items(two_misses, ON, status=StatusPolicy(consecutive_failures_lost=2))
            if not i.kind.is_alert] == []
    stable = record(visit(D(2025, 1, 4)), event(D(2024, 6, 1), EventKind.HEALTH_CHECK))   # due 04-04, 15 days on
    assert patient_items(stable, ON) == []
    assert [i.kind for i in patient_items(stable, ON, within=15)] == [ItemKind.FOLLOWUP_DUE]


# --- §4 next due, every field, under a caller's intervals ------------------------------------------

_SHORT = SchedulePolicy(unstable_days=5, basically_stable_days=6, after_discharge_days=10, not_reached_retry_days=7)


@pytest.mark.parametrize(("items", "classes", "due"), [
    # the last attempt failed: retry from it (not from an earlier row), the last completed class stands
    ((visit(D(2025, 1, 1)), visit(D(2025, 3, 1), risk_level=1), miss(D(2025, 3, 10))), None,
     NextDue(D(2025, 3, 17), DueReason.RETRY_NOT_REACHED, Classification.BASICALLY_STABLE, 1)),
    # failed attempts after a discharge: the later attempt decides, not the discharge
    ((visit(D(2025, 1, 1)), miss(D(2025, 1, 15)), event(D(2025, 2, 1), EventKind.DISCHARGE), miss(D(2025, 2, 10))),
     None, NextDue(D(2025, 2, 17), DueReason.RETRY_NOT_REACHED, Classification.STABLE, 0)),
    ((visit(D(2025, 3, 1), risk_level=1), event(D(2025, 3, 5), EventKind.ADMISSION),
      event(D(2025, 3, 12), EventKind.DISCHARGE)), None,
     NextDue(D(2025, 3, 22), DueReason.AFTER_DISCHARGE, Classification.BASICALLY_STABLE, 1)),
    ((FollowUp("P1", D(2025, 3, 1), FollowUpForm.HOME, hospitalisation=Hospitalisation.IN_HOSPITAL_NOW),), None,
     NextDue(D(2025, 3, 11), DueReason.IN_HOSPITAL, None, None)),
    ((visit(D(2025, 3, 1), risk_level=2),), None,
     NextDue(D(2025, 3, 7), DueReason.SCHEDULED, Classification.BASICALLY_STABLE, 2)),
    ((visit(D(2025, 3, 1), risk_level=2),), ClassificationPolicy(unstable_risk_min=2),
     NextDue(D(2025, 3, 6), DueReason.SCHEDULED, Classification.UNSTABLE, 2)),
])
def test_section4_next_due_every_field(items: tuple[object, ...], classes: ClassificationPolicy | None,
                                       due: NextDue) -> None:
    """§4 (WS2018 随访管理: 14 days after enrolment, discharge or a failed attempt; BPHS2017
    分类干预: by class) with each interval set apart, so each branch shows which one it used."""
    r = record(*items)  # type: ignore[arg-type]
    on = D(2025, 3, 31)
    assert next_due(r, on, _SHORT, classes or ClassificationPolicy()) == due


def test_section4_quality_after_a_failed_attempt_and_under_the_callers_class_rule() -> None:
    """§4 (BPHS2017 随访评估): a failed attempt is skipped, not the end of the check; the class
    that sets the allowed next date is the caller's rule when none is recorded."""
    r = record(miss(D(2025, 1, 1)), visit(D(2025, 1, 10), risk_level=3, next_visit_date=D(2025, 2, 1)))
    assert [f.kind for f in findings(r)] == ["missing_assessment", "next_date_too_late"]
    calm = record(visit(D(2025, 1, 10), next_visit_date=D(2025, 2, 1)))
    assert findings(calm) == [Finding("missing_assessment", "P1", D(2025, 1, 10), "classification", "", "3",
                                      "a reached follow-up has no recorded class (此次随访分类)")]
    strict = ClassificationPolicy(unstable_risk_min=0)
    assert [(f.kind, f.expected) for f in findings(calm, classes=strict)] == [
        ("missing_assessment", "1"), ("next_date_too_late", "2025-01-24")]


# --- §5 the status timeline -------------------------------------------------------------------------

def test_section5_timeline_worked_by_hand() -> None:
    """§5 (WS2018 患者管理): one change per day the status changes, up to and including ``until``."""
    r = record(visit(D(2025, 1, 5)), event(D(2025, 2, 1), EventKind.ADMISSION), visit(D(2025, 2, 10)),
               event(D(2025, 3, 1), EventKind.DISCHARGE), miss(D(2025, 4, 1), reason=LossReason.MISSING),
               event(D(2025, 5, 1), EventKind.DEATH, death_cause=DeathCause.ACCIDENT))
    changes = [(D(2020, 5, 8), Status.AT_HOME), (D(2025, 2, 1), Status.IN_HOSPITAL), (D(2025, 3, 1), Status.AT_HOME),
               (D(2025, 4, 1), Status.LOST), (D(2025, 5, 1), Status.DEAD)]
    assert timeline(r, D(2025, 12, 31)) == tuple(StatusChange(d, s) for d, s in changes)
    assert timeline(r, D(2025, 5, 1)) == tuple(StatusChange(d, s) for d, s in changes)
    assert timeline(r, D(2025, 4, 30)) == tuple(StatusChange(d, s) for d, s in changes[:-1])
    assert timeline(r, D(2025, 4, 30), policy=StatusPolicy(consecutive_failures_lost=1))[-1] == StatusChange(
        D(2025, 4, 1), Status.LOST)
    one_failure = record(visit(D(2025, 1, 5)), miss(D(2025, 2, 1)))
    assert timeline(one_failure, D(2025, 12, 31))[-1] == StatusChange(D(2020, 5, 8), Status.AT_HOME)
    assert timeline(one_failure, D(2025, 12, 31), policy=StatusPolicy(consecutive_failures_lost=1))[-1] == (
        StatusChange(D(2025, 2, 1), Status.LOST))
    inside = AreaCode("110105001003")
    moved = record(event(D(2025, 2, 1), EventKind.TRANSFER_OUT, other_area=inside))
    assert timeline(moved, D(2025, 12, 31))[-1] == StatusChange(D(2025, 2, 1), Status.TRANSFERRED_OUT)
    assert timeline(moved, D(2025, 12, 31), covers=lambda a: a == inside) == (StatusChange(D(2020, 5, 8),
                                                                                          Status.AT_HOME),)


# --- §2 the official calendar's years ---------------------------------------------------------------

def test_section2_known_years_start_at_the_first_notice_and_answers_are_not_provisional() -> None:
    """§2 (REPORT2013; 国务院办公厅关于放假安排的通知): the calendar starts with the first year the
    package carries (2004) and refuses the year before; a count on it is not provisional."""
    years = known_years()
    assert years.start == 2004 and years.stop > 2026
    assert is_working_day(D(2004, 1, 5)) and not is_working_day(D(2004, 1, 1))
    with pytest.raises(CalendarError):
        is_working_day(D(2003, 12, 31))
    assert add_working_days(D(2025, 3, 3), 0) == WorkdayAnswer(D(2025, 3, 3), False)
    assert add_working_days(D(2025, 3, 3), 0).provisional is False


# --- §5 status on a day and in a period, every field ------------------------------------------------

def test_section5_status_on_every_field() -> None:
    """§5 (WS2018 患者管理): status, registration, area, lost, in hospital, at home and consent on D.
    A patient no longer registered is neither lost nor in hospital (the status is the final one)."""
    area = AreaCode("110105001002")
    day = D(2025, 6, 30)
    two = (visit(D(2025, 1, 5)), miss(D(2025, 2, 1)), miss(D(2025, 2, 15)))
    lost = record(*two, miss(D(2025, 3, 1)))
    assert status_on(lost, day) == DayStatus(day, Status.LOST, True, area, True, False, True, True)
    assert status_on(record(*two), day) == DayStatus(day, Status.AT_HOME, True, area, False, False, True, True)
    assert status_on(record(*two), day, policy=StatusPolicy(consecutive_failures_lost=2)).status is Status.LOST
    dead = record(*two, miss(D(2025, 3, 1)), event(D(2025, 4, 1), EventKind.ADMISSION),
                  event(D(2025, 5, 1), EventKind.DEATH, death_cause=DeathCause.ACCIDENT))
    assert status_on(dead, day) == DayStatus(day, Status.DEAD, False, area, False, False, False, True)
    refused = record(visit(D(2025, 1, 5)), event(D(2025, 6, 1), EventKind.ADMISSION),
                     p=patient(consent=Consent.REFUSED))
    assert status_on(refused, day) == DayStatus(day, Status.IN_HOSPITAL, True, area, False, True, False, False)


def test_section5_status_in_a_period_every_field() -> None:
    """§5/§6 (WS2018 工作指标): the period status keeps its dates, the completed follow-ups in P,
    "under management", and the last one's class under the caller's class rule."""
    start, end = D(2025, 1, 1), D(2025, 6, 30)
    r = record(visit(D(2024, 12, 31)), visit(D(2025, 2, 1)), miss(D(2025, 3, 1)), visit(D(2025, 4, 1), risk_level=2))
    ps = status_in(r, start, end)
    assert ps == PeriodStatus(start, end, status_on(r, end), (r.followups[1], r.followups[3]), True,
                              Classification.BASICALLY_STABLE)
    assert status_in(r, start, end, classes=ClassificationPolicy(unstable_risk_min=2)).last_class is (
        Classification.UNSTABLE)
    assert status_in(r, start, end, policy=StatusPolicy(consecutive_failures_lost=1)).at_end.lost is False
    failing = record(visit(D(2025, 2, 1)), miss(D(2025, 3, 1)))
    assert status_in(failing, start, end, policy=StatusPolicy(consecutive_failures_lost=1)).at_end.lost is True
    assert status_in(record(), start, end) == PeriodStatus(start, end, status_on(record(), end), (), False, None)


def test_section4_health_check_item_worked_by_hand() -> None:
    """§4 健康体检 (BPHS2017): due on registration when there has been none ("no health check on
    record", whatever other events there are), else 12 months (the caller's interval) after the
    last one on or before the day; an item on the horizon's last day is shown."""
    registered_today = record(event(D(2025, 3, 1), EventKind.COUNSELLING, pid="D"),
                              p=patient("D", diagnosis_date=D(2025, 3, 12), registered_on=ON, consent_date=ON))
    assert patient_items(registered_today, ON) == [
        WorkItem(ItemKind.FIRST_FOLLOWUP_DUE, "D", D(2025, 4, 3), -14, None, None, "first_after_enrolment"),
        WorkItem(ItemKind.HEALTH_CHECK_DUE, "D", ON, 0, None, None, NO_HEALTH_CHECK),
    ]
    checked = record(visit(D(2025, 3, 15)), event(D(2024, 4, 3), EventKind.HEALTH_CHECK))   # due 2025-04-03
    assert [(i.due, i.detail) for i in patient_items(checked, ON) if i.kind is ItemKind.HEALTH_CHECK_DUE] == [
        (D(2025, 4, 3), "")]
    assert [i.due for i in patient_items(checked, ON, schedule=SchedulePolicy(health_check_months=6))
            if i.kind is ItemKind.HEALTH_CHECK_DUE] == [D(2024, 10, 3)]
    today = record(visit(D(2025, 3, 15)), event(ON, EventKind.HEALTH_CHECK))
    assert [(i.due, i.detail) for i in patient_items(today, ON, within=400) if i.kind is ItemKind.HEALTH_CHECK_DUE
            ] == [(D(2026, 3, 20), "")]
    missing = record(visit(D(2025, 3, 1), risk_level=3), miss(D(2025, 3, 15), reason=LossReason.MISSING))
    assert [i.detail for i in patient_items(missing, ON)] == ["went missing" + _POLICE_LOST]


def test_section4_quality_skips_an_unassessed_hospital_followup() -> None:
    """§4 (BPHS2017 随访评估): a follow-up that found the patient in hospital without a risk
    level has no class to check; the follow-ups after it are still checked."""
    r = record(FollowUp("P1", D(2025, 1, 1), FollowUpForm.HOME, hospitalisation=Hospitalisation.IN_HOSPITAL_NOW),
               visit(D(2025, 1, 10), risk_level=3, classification=Classification.STABLE))
    assert [f.kind for f in findings(r)] == ["class_disagrees"]


def test_section5_lost_counts_failures_from_the_first_attempt_and_last_completed_from_start() -> None:
    """§5 (WS2018 患者管理: 连续3次未访到): three failed attempts with no completed follow-up
    before them make the patient lost, two do not; the last completed follow-up "on or after
    start" includes one on the start day."""
    two = record(miss(D(2025, 1, 1)), miss(D(2025, 1, 15)))
    assert lost_since(two, D(2025, 12, 31)) is None
    three = record(miss(D(2025, 1, 1)), miss(D(2025, 1, 15)), miss(D(2025, 1, 29)))
    assert lost_since(three, D(2025, 12, 31)) == three.followups[2]
    r = record(visit(D(2025, 1, 1)), visit(D(2025, 2, 1)))
    assert last_completed(r, D(2025, 3, 1), start=D(2025, 2, 1)) == r.followups[1]
    assert last_completed(r, D(2025, 1, 31), start=D(2025, 1, 1)) == r.followups[0]
    assert last_completed(r, D(2025, 1, 31), start=D(2025, 1, 2)) is None


def test_section4_why_a_followup_has_no_class() -> None:
    """§4 (BPHS2017 随访评估): a follow-up that reached nobody has no class because it was not
    reached (未访到); one that found the patient in hospital without a risk level, because the
    patient is in hospital and unassessed (目前正在住院，未评估)."""
    assert classify(miss(D(2025, 3, 1))) == ClassificationResult(None, (Criterion.NOT_REACHED,))
    hospital = FollowUp("P1", D(2025, 3, 1), FollowUpForm.HOME, hospitalisation=Hospitalisation.IN_HOSPITAL_NOW)
    assert classify(hospital) == ClassificationResult(None, (Criterion.IN_HOSPITAL_UNASSESSED,))


_GOOD = SocialFunction.all_good()
_POOR = SocialFunction(Rating.GOOD, Rating.GOOD, WorkRating.GOOD, Rating.GOOD, Rating.POOR)
_C = Criterion


@pytest.mark.parametrize(("a", "policy", "result"), [
    (Assessment(3, SymptomSeverity.MARKED, Insight.ABSENT, _POOR, True, PhysicalIllness.SERIOUS),
     ClassificationPolicy(unstable_social_function_poor=True),
     (Classification.UNSTABLE, (_C.RISK_3_TO_5, _C.MARKED_SYMPTOMS, _C.INSIGHT_ABSENT, _C.SERIOUS_ADVERSE_REACTION,
                                _C.SERIOUS_PHYSICAL_ILLNESS, _C.SOCIAL_FUNCTION_POOR))),
    (Assessment(2, SymptomSeverity.PRESENT, Insight.PARTIAL, _POOR, False, PhysicalIllness.UNSTABLE),
     ClassificationPolicy(),
     (Classification.BASICALLY_STABLE, (_C.RISK_1_TO_2, _C.SYMPTOMS_PRESENT, _C.INSIGHT_PARTIAL,
                                        _C.SOCIAL_FUNCTION_POOR, _C.PHYSICAL_ILLNESS_UNSTABLE))),
    (Assessment(1, SymptomSeverity.BASICALLY_GONE, None, SocialFunction(), False, None), ClassificationPolicy(),
     (Classification.BASICALLY_STABLE, (_C.RISK_1_TO_2, _C.INSIGHT_UNRECORDED, _C.SOCIAL_FUNCTION_UNRECORDED))),
    (Assessment(0, SymptomSeverity.BASICALLY_GONE, Insight.COMPLETE, _GOOD, False, PhysicalIllness.NONE_OR_STABLE),
     ClassificationPolicy(), (Classification.STABLE, STABLE_CRITERIA)),
    (Assessment(0, SymptomSeverity.BASICALLY_GONE, Insight.COMPLETE, _POOR), ClassificationPolicy(),
     (Classification.BASICALLY_STABLE, (_C.SOCIAL_FUNCTION_POOR,))),
    (Assessment(0, SymptomSeverity.BASICALLY_GONE, Insight.COMPLETE, _GOOD), ClassificationPolicy(
        unstable_social_function_poor=True), (Classification.STABLE, STABLE_CRITERIA)),
])
def test_section4_classification_reasons(a: Assessment, policy: ClassificationPolicy,
                                         result: tuple[Classification, tuple[Criterion, ...]]) -> None:
    """§4 (BPHS2017 分类干预): unstable lists every unstable criterion that holds; basically
    stable lists every stable criterion that fails; stable lists all six (STABLE_CRITERIA)."""
    assert classify_assessment(a, policy) == ClassificationResult(*result)


def test_section5_area_after_a_transfer_in() -> None:
    """§5/§6 "Area" (WS2018 患者管理): a transfer in from outside the registry brings the patient
    back to their own area; one from an area the registry covers keeps the area they moved to; a
    patient registered on the day of the transfer in is registered that day."""
    x, y, z = AreaCode("110105001003"), AreaCode("120101001001"), AreaCode("110105001004")
    covered = {x, z}.__contains__
    home = patient().area_code
    back = record(event(D(2025, 2, 1), EventKind.TRANSFER_OUT, other_area=x),
                  event(D(2025, 3, 1), EventKind.TRANSFER_IN, other_area=y))
    assert registration_on(back, D(2025, 2, 15), covered).area == x
    assert registration_on(back, D(2025, 3, 1), covered) == Registration(True, home, None)
    within = record(event(D(2025, 2, 1), EventKind.TRANSFER_OUT, other_area=x),
                    event(D(2025, 3, 1), EventKind.TRANSFER_IN, other_area=z))
    assert registration_on(within, D(2025, 3, 1), covered) == Registration(True, x, None)
    same_day = record(event(D(2025, 3, 1), EventKind.TRANSFER_IN, other_area=y),
                      p=patient(registered_on=D(2025, 3, 1), consent_date=D(2025, 3, 1)))
    assert [is_registered(same_day, d) for d in (D(2025, 2, 28), D(2025, 3, 1))] == [False, True]
