import datetime as dt

import pytest
from hypothesis import given

from smi_care.domain import (
    AreaCode,
    CalendarError,
    Classification,
    Consent,
    EventKind,
    Hospitalisation,
    LossReason,
    PatientRecord,
    SeenPerson,
)
from smi_care.domain.codes import EmergencyCategory
from smi_care.rules import (
    PROVISIONAL,
    Status,
    add_working_days,
    in_hospital,
    is_lost,
    is_registered,
    is_working_day,
    meets_annual_minimum,
    report_deadline,
    status_in,
    status_on,
    timeline,
)
from smi_care.rules.schedule import DueReason, paper_entry_deadline
from smi_care.rules.worklist import ItemKind
from smi_care.testing import patient_records
from tests.engine_and_oracle import findings, health_check_due, next_due, worklist
from tests.helpers import D, event, miss, patient, record, visit

# --- working days (§2, REPORT2013) ---------------------------------------------------------

@pytest.mark.parametrize("day", ["2024-02-04", "2024-02-18", "2024-09-29", "2024-10-12", "2025-01-26",
                                 "2025-02-08", "2025-09-28", "2025-10-11", "2026-02-14", "2026-02-28",
                                 "2026-09-20", "2026-10-10"])
def test_section2_adjusted_working_weekends(day: str) -> None:
    d = dt.date.fromisoformat(day)
    assert d.weekday() >= 5 and is_working_day(d)


@pytest.mark.parametrize("day", ["2024-02-12", "2024-10-04", "2025-01-29", "2025-10-08", "2026-02-16",
                                 "2026-10-07"])
def test_section2_holiday_weekdays_are_not_working_days(day: str) -> None:
    d = dt.date.fromisoformat(day)
    assert d.weekday() < 5 and not is_working_day(d)


def test_section2_ten_working_days_across_spring_festival_2024() -> None:
    # 02-08 Thu 1, 02-09 Fri 2, holiday 02-10..17, 02-18 Sun (adjusted) 3, 19..23 4-8, 26 9, 27 10
    assert report_deadline(D(2024, 2, 7)).date == D(2024, 2, 27)


def test_section2_deadlines_across_national_day() -> None:
    assert paper_entry_deadline(D(2024, 9, 27)).date == D(2024, 10, 10)  # 09-29 Sun works
    assert report_deadline(D(2026, 9, 30)).date == D(2026, 10, 20)  # 10-10 Sat works
    assert add_working_days(D(2025, 9, 26), 1).date == D(2025, 9, 28)  # adjusted working Sunday
    assert add_working_days(D(2025, 1, 24), 3).date == D(2025, 2, 5)
    assert add_working_days(D(2026, 2, 10), 5).date == D(2026, 2, 24)


def test_section2_unknown_year_raises_unless_provisional() -> None:
    with pytest.raises(CalendarError) as err:
        report_deadline(D(2026, 12, 24))
    assert "2027" in str(err.value)
    answer = report_deadline(D(2026, 12, 24), calendar=PROVISIONAL)
    assert answer.provisional and answer.date.year == 2027
    assert not report_deadline(D(2026, 3, 2)).provisional


# --- scheduling (§2, §4) -------------------------------------------------------------------

def test_section2_first_followup_within_14_days_of_enrolment() -> None:
    due = next_due(record(), D(2020, 5, 10))
    assert due is not None and due.date == D(2020, 5, 22) and due.reason is DueReason.FIRST_AFTER_ENROLMENT


def test_section4_not_reached_retry_within_14_days() -> None:
    r = record(visit(D(2025, 1, 10)), miss(D(2025, 4, 10)))
    due = next_due(r, D(2025, 4, 11))
    assert due is not None and due.date == D(2025, 4, 24) and due.reason is DueReason.RETRY_NOT_REACHED
    assert due.last_class is Classification.STABLE


def test_section4_first_followup_after_discharge() -> None:
    r = record(visit(D(2025, 1, 10)), event(D(2025, 2, 1), EventKind.ADMISSION), event(D(2025, 3, 1),
                                                                                          EventKind.DISCHARGE))
    due = next_due(r, D(2025, 3, 2))
    assert due is not None and due.date == D(2025, 3, 15) and due.reason is DueReason.AFTER_DISCHARGE


def test_section4_scheduled_by_class() -> None:
    r = record(visit(D(2025, 1, 10), risk_level=3))
    due = next_due(r, D(2025, 1, 11))
    assert due is not None and due.date == D(2025, 1, 24) and due.last_class is Classification.UNSTABLE


def test_section2_no_followup_without_consent() -> None:
    assert next_due(record(p=patient(consent=Consent.REFUSED)), D(2025, 1, 1)) is None


def test_section4_annual_minimum_and_health_check() -> None:
    r = record(*(visit(D(2025, m, 5)) for m in (1, 4, 7)), event(D(2024, 6, 1), EventKind.HEALTH_CHECK))
    assert not meets_annual_minimum(r, 2025)
    r4 = record(*(visit(D(2025, m, 5)) for m in (1, 4, 7, 10)))
    assert meets_annual_minimum(r4, 2025)
    assert health_check_due(r, D(2025, 3, 1)) == D(2025, 6, 1)
    assert health_check_due(record(p=patient(consent=Consent.REFUSED)), D(2025, 3, 1)) is None


# --- status (§5) ---------------------------------------------------------------------------

def test_section5_three_consecutive_failures_make_lost_and_completed_ends_it() -> None:
    r = record(visit(D(2025, 1, 5)), miss(D(2025, 4, 5)), miss(D(2025, 4, 19)), miss(D(2025, 5, 3)),
               visit(D(2025, 6, 1)))
    assert not is_lost(r, D(2025, 4, 30))
    assert is_lost(r, D(2025, 5, 3))
    assert status_on(r, D(2025, 5, 10)).status is Status.LOST
    assert not is_lost(r, D(2025, 6, 1))


def test_section5_loss_reason_makes_lost_at_once() -> None:
    r = record(visit(D(2025, 1, 5)), miss(D(2025, 4, 5), reason=LossReason.WORKING_AWAY))
    assert is_lost(r, D(2025, 4, 5)) and not is_lost(r, D(2025, 4, 4))


def test_section5_never_attempted_is_not_lost() -> None:
    assert not is_lost(record(), D(2025, 1, 1))


def test_section5_death_ends_registration() -> None:
    r = record(visit(D(2025, 1, 5)), event(D(2025, 3, 1), EventKind.DEATH))
    assert is_registered(r, D(2025, 2, 28)) and not is_registered(r, D(2025, 3, 1))
    assert status_on(r, D(2025, 12, 31)).status is Status.DEAD
    assert not status_in(r, D(2025, 1, 1), D(2025, 12, 31)).under_management


def test_section5_transfer_out_and_in() -> None:
    out = record(event(D(2025, 3, 1), EventKind.TRANSFER_OUT, other_area=AreaCode("320102001001")))
    assert not is_registered(out, D(2025, 3, 1))
    inside = lambda a: a.within(AreaCode("110105"))  # noqa: E731
    moved = record(event(D(2025, 3, 1), EventKind.TRANSFER_OUT, other_area=AreaCode("110105002003")))
    s = status_on(moved, D(2025, 4, 1), inside)
    assert s.registered and s.area == AreaCode("110105002003")
    came = record(event(D(2025, 3, 1), EventKind.TRANSFER_IN, other_area=AreaCode("320102001001")))
    assert not is_registered(came, D(2025, 2, 1)) and is_registered(came, D(2025, 3, 1))


def test_section5_registered_from_registration_date_and_withdrawal() -> None:
    r = record(event(D(2025, 6, 1), EventKind.DIAGNOSIS_WITHDRAWN))
    assert not is_registered(r, D(2020, 5, 7)) and is_registered(r, D(2020, 5, 8))
    assert status_on(r, D(2025, 6, 1)).status is Status.WITHDRAWN


def test_section5_in_hospital() -> None:
    r = record(event(D(2025, 2, 1), EventKind.ADMISSION), event(D(2025, 3, 1), EventKind.DISCHARGE))
    assert in_hospital(r, D(2025, 2, 15)) and not in_hospital(r, D(2025, 3, 1))
    f = visit(D(2025, 5, 1), hospitalisation=Hospitalisation.IN_HOSPITAL_NOW)
    r2 = record(f)
    assert in_hospital(r2, D(2025, 5, 2))
    assert status_on(r2, D(2025, 5, 2)).status is Status.IN_HOSPITAL and not status_on(r2, D(2025, 5, 2)).at_home


@given(patient_records())
def test_section5_never_dead_and_under_management_on_the_same_day(r: PatientRecord) -> None:
    days = {r.patient.registered_on, *(f.visit_date for f in r.followups), *(e.date for e in r.events)}
    for d in days:
        p = status_in(r, dt.date(d.year, 1, 1), d)
        if p.under_management:
            assert p.at_end.status is not Status.DEAD and p.at_end.registered
    changes = timeline(r, dt.date(2027, 1, 1))
    dead = [c for c in changes if c.status is Status.DEAD]
    assert len(dead) <= 1 and (not dead or changes[-1].status is Status.DEAD)


# --- worklist and alerts (§5) --------------------------------------------------------------

def test_section5_worklist_orders_unstable_overdue_first() -> None:
    stable = PatientRecord(patient("A"), (visit(D(2025, 1, 1), pid="A"),))
    unstable = PatientRecord(patient("B"), (visit(D(2025, 3, 1), pid="B", risk_level=4),))
    items = worklist([stable, unstable], D(2025, 4, 20))
    overdue = [i for i in items if i.kind is ItemKind.FOLLOWUP_OVERDUE]
    assert [i.patient_id for i in overdue] == ["B", "A"]
    assert overdue[0].days_overdue == (D(2025, 4, 20) - D(2025, 3, 15)).days


def test_section5_police_alert_for_high_risk_patient_who_goes_missing() -> None:
    r = record(visit(D(2025, 3, 1), risk_level=3), miss(D(2025, 3, 15), reason=LossReason.MISSING))
    items = worklist([r], D(2025, 3, 16))
    assert items[0].kind is ItemKind.ALERT_NOTIFY_POLICE and "missing" in items[0].detail
    low = record(visit(D(2025, 3, 1)), miss(D(2025, 3, 15), reason=LossReason.MISSING))
    assert all(not i.kind.is_alert for i in worklist([low], D(2025, 3, 16)))


def test_section5_alert_on_transfer_out_of_unstable_patient() -> None:
    r = record(visit(D(2025, 3, 1), risk_level=0, insight=None, seen={SeenPerson.FAMILY},
                     hospitalisation=Hospitalisation.IN_HOSPITAL_NOW),
               visit(D(2025, 3, 20), risk_level=5), event(D(2025, 3, 25), EventKind.TRANSFER_OUT))
    kinds = [i.kind for i in worklist([r], D(2025, 3, 26))]
    assert ItemKind.ALERT_NOTIFY_POLICE in kinds


def test_section5_emergency_record_and_consent_alerts() -> None:
    r = record(event(D(2025, 3, 1), EventKind.EMERGENCY))
    assert ItemKind.ALERT_EMERGENCY_RECORD_MISSING in [i.kind for i in worklist([r], D(2025, 3, 2))]
    ok = record(event(D(2025, 3, 1), EventKind.EMERGENCY, emergency=EmergencyCategory.RELAPSE))
    assert ItemKind.ALERT_EMERGENCY_RECORD_MISSING not in [i.kind for i in worklist([ok], D(2025, 3, 2))]
    refused = record(visit(D(2025, 3, 1)), p=patient(consent=Consent.REFUSED))
    assert ItemKind.ALERT_VISITED_WITHOUT_CONSENT in [i.kind for i in worklist([refused], D(2025, 3, 2))]


def test_section2_report_deadline_item_before_registration() -> None:
    r = record(p=patient(diagnosis_date=D(2025, 3, 3), registered_on=D(2025, 3, 20), consent_date=D(2025, 3, 20)))
    items = [i for i in worklist([r], D(2025, 3, 10)) if i.kind is ItemKind.REPORT_DEADLINE]
    assert items and items[0].due == D(2025, 3, 17)


# --- data quality (§4) ---------------------------------------------------------------------

def test_section4_quality_findings() -> None:
    r = record(visit(D(2025, 1, 1), classification=Classification.STABLE, risk_level=1,
                     next_visit_date=D(2025, 1, 10)),
               visit(D(2025, 1, 10), classification=Classification.STABLE, next_visit_date=D(2025, 5, 1)),
               visit(D(2025, 4, 1)),
               visit(D(2025, 9, 1), classification=Classification.STABLE))
    kinds = [(f.kind, f.visit_date) for f in findings(r)]
    assert kinds == [("class_disagrees", D(2025, 1, 1)), ("next_date_too_late", D(2025, 1, 10)),
                     ("missing_assessment", D(2025, 4, 1)), ("gap_too_long", D(2025, 4, 1))]
