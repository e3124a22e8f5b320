"""The oracle of the worklist: one patient's work items computed by a plain loop over the domain objects.

Not product code. The library writes the worklist once, in the columnar engine
(:func:`smi_care.indicators.worklist_table.worklist_frame`; one record's items are
:func:`~smi_care.indicators.worklist_table.record_items`, many records'
:func:`~smi_care.indicators.worklist_table.records_worklist`). This independent implementation,
written the way the rules read (national-rules §2, §4, §5; WS2018 随访管理 and 应急处置; BPHS2017
分类干预 and 健康体检; REPORT2013), is what the property tests (tests/test_worklist_table.py,
tests/test_day_worklist.py) compare the engine against, item by item.

It reads the patient's history with the status oracle (:mod:`tests.oracle.status`: last
completed follow-up, lost, registered) and the next follow-up and health check with the loops
below; the scalar rules it needs (a date and a class to the next date, the retry and
after-discharge dates, the report deadline, the emergency record's due day) and the items'
kinds, details and order are the library's own pure functions and values of
:mod:`smi_care.rules.schedule` and :mod:`smi_care.rules.worklist`, which the engine also applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from smi_care.domain.codes import Classification, EventKind
from smi_care.domain.errors import ArgumentValueError
from smi_care.domain.records import PatientRecord
from smi_care.rules.classification import NATIONAL as NATIONAL_CLASSES
from smi_care.rules.classification import ClassificationPolicy, effective_class
from smi_care.rules.schedule import NATIONAL as NATIONAL_SCHEDULE
from smi_care.rules.schedule import (
    DueReason,
    NextDue,
    SchedulePolicy,
    add_months,
    after_discharge_date,
    next_visit_date,
    report_deadline,
    retry_date,
)
from smi_care.rules.status import NATIONAL as NATIONAL_STATUS
from smi_care.rules.status import StatusPolicy
from smi_care.rules.workdays import OFFICIAL, WorkdayCalendar
from smi_care.rules.worklist import (
    LAST_WORKLIST_DAY,
    NATIONAL,
    NO_CONSENT,
    NO_HEALTH_CHECK,
    PROVISIONAL_CALENDAR,
    TRANSFER_OUT_ALERT,
    ItemKind,
    WorkItem,
    WorklistPolicy,
    by_urgency,
    emergency_record_due,
    emergency_record_missing,
    followup_kind,
    lost_alert_detail,
)
from tests.oracle.status import Covers, covers_nothing, is_registered, last_completed, lost_since


def next_due(record: PatientRecord, on: dt.date, policy: SchedulePolicy = NATIONAL_SCHEDULE,
             classes: ClassificationPolicy = NATIONAL_CLASSES) -> NextDue | None:
    """The next follow-up due on ``on``, from what is recorded on or before it; None without
    consent (§2). A failed last attempt: retry; a discharge after the last completed follow-up:
    after discharge; never followed up: first after enrolment; an in-hospital follow-up without a
    class: after discharge of it; else the class's next date (§4)."""
    p = record.patient
    if not p.consented:
        return None
    start = max(p.consent_date or p.registered_on, p.registered_on)
    past = [f for f in record.followups if f.visit_date <= on]
    completed = [f for f in past if f.completed]
    last = completed[-1] if completed else None
    last_class = effective_class(last, classes) if last else None
    last_risk = last.risk_level if last else None
    discharges = [e.date for e in record.events if e.kind is EventKind.DISCHARGE and e.date <= on
                  and (last is None or e.date >= last.visit_date)]
    discharge = max(discharges) if discharges else None
    if past and not past[-1].completed and (discharge is None or past[-1].visit_date >= discharge):
        return NextDue(retry_date(past[-1].visit_date, policy), DueReason.RETRY_NOT_REACHED, last_class, last_risk)
    if discharge is not None:
        return NextDue(after_discharge_date(discharge, policy), DueReason.AFTER_DISCHARGE, last_class, last_risk)
    if last is None:
        return NextDue(start + dt.timedelta(days=policy.first_followup_days), DueReason.FIRST_AFTER_ENROLMENT,
                       None, None)
    if last_class is None:
        return NextDue(after_discharge_date(last.visit_date, policy), DueReason.IN_HOSPITAL, None, last_risk)
    return NextDue(next_visit_date(last.visit_date, last_class, policy), DueReason.SCHEDULED, last_class, last_risk)


def health_check_due(record: PatientRecord, on: dt.date, policy: SchedulePolicy = NATIONAL_SCHEDULE) -> dt.date | None:
    """``health_check_months`` after the last health check on or before ``on``, or the start of
    management (registration, or a later consent) when none; None without consent (§4)."""
    p = record.patient
    if not p.consented:
        return None
    checks = [e.date for e in record.events if e.kind is EventKind.HEALTH_CHECK and e.date <= on]
    if not checks:
        return max(p.registered_on, p.consent_date or p.registered_on)
    return add_months(max(checks), policy.health_check_months)


def _high_risk(record: PatientRecord, on: dt.date, policy: WorklistPolicy, classes: ClassificationPolicy
               ) -> tuple[bool, Classification | None, int | None]:
    last = last_completed(record, on)
    if last is None:
        return False, None, None
    cls = effective_class(last, classes)
    risk = last.risk_level
    return (cls is Classification.UNSTABLE or (risk is not None and risk >= policy.alert_risk_min)), cls, risk


def patient_items(record: PatientRecord, on: dt.date, within: int = 14, covers: Covers = covers_nothing,
                  policy: WorklistPolicy = NATIONAL, schedule: SchedulePolicy = NATIONAL_SCHEDULE,
                  status: StatusPolicy = NATIONAL_STATUS, classes: ClassificationPolicy = NATIONAL_CLASSES,
                  calendar: WorkdayCalendar = OFFICIAL) -> list[WorkItem]:
    """Work items and alerts for one patient on day ``on``, in the order the engine lists them
    (police alerts, emergency records, consent, report deadline, follow-up, health check)."""
    p = record.patient
    pid = p.patient_id
    horizon = on + dt.timedelta(days=within)
    items: list[WorkItem] = []
    high, cls, risk = _high_risk(record, on, policy, classes)
    lookback = on - dt.timedelta(days=policy.alert_lookback_days)
    lost = lost_since(record, day=on, policy=status)
    registered = is_registered(record, on, covers)

    if high:
        for e in record.events:
            if e.kind is EventKind.TRANSFER_OUT and lookback <= e.date <= on:
                items.append(WorkItem(ItemKind.ALERT_NOTIFY_POLICE, pid, e.date, (on - e.date).days, cls, risk,
                                      TRANSFER_OUT_ALERT))
        if lost is not None and lost.visit_date >= lookback and registered:
            items.append(WorkItem(ItemKind.ALERT_NOTIFY_POLICE, pid, lost.visit_date, (on - lost.visit_date).days,
                                  cls, risk, lost_alert_detail(lost.loss_reason)))

    for e in record.events:
        if e.kind is EventKind.EMERGENCY and e.emergency is None and e.date <= on:
            record_due = emergency_record_due(e.date, policy)
            if (on - e.date).days <= policy.alert_lookback_days:
                items.append(WorkItem(ItemKind.ALERT_EMERGENCY_RECORD_MISSING, pid, record_due,
                                      (on - record_due).days, cls, risk, emergency_record_missing(policy)))

    if not p.consented and any(f.completed and f.visit_date <= on for f in record.followups):
        last = last_completed(record, on)
        assert last is not None
        items.append(WorkItem(ItemKind.ALERT_VISITED_WITHOUT_CONSENT, pid, last.visit_date, 0, cls, risk,
                              NO_CONSENT))

    if p.diagnosis_date <= on < p.registered_on:
        deadline = report_deadline(p.diagnosis_date, schedule, calendar)
        if deadline.date <= horizon:
            items.append(WorkItem(ItemKind.REPORT_DEADLINE, pid, deadline.date, (on - deadline.date).days,
                                  detail=PROVISIONAL_CALENDAR if deadline.provisional else ""))

    if not registered or lost is not None:
        return items
    due = next_due(record, on, schedule, classes)
    if due is not None and due.date <= horizon:
        late = (on - due.date).days
        items.append(WorkItem(followup_kind(late, due.reason), pid, due.date, late, due.last_class, due.last_risk,
                              due.reason.value))
    check = health_check_due(record, on, schedule)
    if check is not None and check <= horizon:
        never = not any(e.kind is EventKind.HEALTH_CHECK and e.date <= on for e in record.events)
        items.append(WorkItem(ItemKind.HEALTH_CHECK_DUE, pid, check, (on - check).days, cls, risk,
                              NO_HEALTH_CHECK if never else ""))
    return items


def worklist(records: Iterable[PatientRecord], on: dt.date, within: int = 14, covers: Covers = covers_nothing,
             policy: WorklistPolicy = NATIONAL, schedule: SchedulePolicy = NATIONAL_SCHEDULE,
             status: StatusPolicy = NATIONAL_STATUS, classes: ClassificationPolicy = NATIONAL_CLASSES,
             calendar: WorkdayCalendar = OFFICIAL) -> list[WorkItem]:
    """Every work item of the records on ``on``, most urgent first (:func:`~smi_care.rules.worklist.by_urgency`)."""
    if on > LAST_WORKLIST_DAY:
        raise ArgumentValueError("worklist", "on", on, f"a day up to {LAST_WORKLIST_DAY} (the list looks a year ahead)")
    if within < 0:
        raise ArgumentValueError("worklist", "within", within, "0 days or more")
    return by_urgency([i for r in records
                       for i in patient_items(r, on, within, covers, policy, schedule, status, classes, calendar)])
